package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mockloop/mockloop/server/httpapi"
)

// recordedWhisper replays a response recorded from a real whisper-server
// 1.9.3 (../shared/testdata/engines/whisper-verbose-1.json) on the OpenAI
// path, and a 404 elsewhere, as that server does.
func recordedWhisper(t *testing.T, hits *atomic.Int32) *httptest.Server {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	var raw []byte
	for d := dir; ; d = filepath.Dir(d) {
		if raw, err = os.ReadFile(filepath.Join(d, "shared", "testdata", "engines", "whisper-verbose-1.json")); err == nil {
			break
		}
		if filepath.Dir(d) == d {
			t.Fatal("recorded whisper response not found beside the repository")
		}
	}
	var rec struct {
		Status      int    `json:"status"`
		ContentType string `json:"content_type"`
		Body        string `json:"body"`
	}
	if err := json.Unmarshal(raw, &rec); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/v1/audio/transcriptions" {
			http.Error(w, "File Not Found ("+r.URL.Path+")", http.StatusNotFound)
			return
		}
		if _, _, err := r.FormFile("file"); err != nil {
			http.Error(w, "no file", http.StatusBadRequest)
			return
		}
		hits.Add(1)
		w.Header().Set("Content-Type", rec.ContentType)
		w.WriteHeader(rec.Status)
		_, _ = w.Write([]byte(rec.Body))
	}))
	t.Cleanup(srv.Close)
	return srv
}

func getSTTHint(t *testing.T, baseURL string) httpapi.STTHint {
	t.Helper()
	resp, err := http.Get(baseURL + "/api/config")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		STTHint *httpapi.STTHint `json:"stt_hint"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	if body.STTHint == nil {
		t.Fatal("GET /api/config has no stt_hint")
	}
	return *body.STTHint
}

func TestConfigSaysHowFarToTrustTheEars(t *testing.T) {
	var hits atomic.Int32
	whisper := recordedWhisper(t, &hits)
	notSTT := httptest.NewServer(http.NotFoundHandler()) // an open port that is not a transcription server
	t.Cleanup(notSTT.Close)

	tests := []struct {
		name        string
		stt, probe  string
		approximate bool
		offerURL    string
		textHas     []string
	}{
		{name: "typed answers only give no hint", stt: "none", probe: whisper.URL + "/v1"},
		{name: "the embedded recognizer is called approximate and the page is told the one command",
			stt: "sphinx", probe: "off", approximate: true,
			textHas: []string{"approximate", "docker compose up -d", "whisper-server", "--request-path /v1/audio --inference-path /transcriptions", "--stt openai --stt-url http://127.0.0.1:8081/v1"}},
		{name: "a port that does not transcribe is not offered",
			stt: "sphinx", probe: notSTT.URL + "/v1", approximate: true, textHas: []string{"docker compose up -d"}},
		{name: "a local server that transcribes a real request is offered, not switched to",
			stt: "sphinx", probe: notSTT.URL + "/v1," + whisper.URL + "/v1", approximate: true, offerURL: whisper.URL + "/v1",
			textHas: []string{"transcribed a test clip", "--stt openai --stt-url " + whisper.URL + "/v1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig(t.TempDir())
			cfg.STT, cfg.STTProbe = tt.stt, tt.probe
			srv := startServer(t, cfg)
			select {
			case <-srv.main.STTAdvice.probed:
			case <-time.After(30 * time.Second):
				t.Fatal("the probe did not finish in 30 s")
			}
			h := getSTTHint(t, srv.URL)
			if h.Approximate != tt.approximate {
				t.Errorf("approximate = %v, want %v", h.Approximate, tt.approximate)
			}
			for _, s := range tt.textHas {
				if !strings.Contains(h.Text, s) {
					t.Errorf("text lacks %q: %q", s, h.Text)
				}
			}
			if !tt.approximate && h.Text != "" {
				t.Errorf("text %q without the embedded recognizer", h.Text)
			}
			switch {
			case tt.offerURL == "" && h.Offer != nil:
				t.Errorf("offer %+v, want none", *h.Offer)
			case tt.offerURL != "" && (h.Offer == nil || h.Offer.URL != tt.offerURL || !strings.Contains(h.Offer.Command, "--stt-url "+tt.offerURL)):
				t.Errorf("offer %+v, want %s with a command to switch to it", h.Offer, tt.offerURL)
			}
			if got := srv.main.Engines.STT.Name; tt.stt == "sphinx" && got != "sphinx" {
				t.Errorf("the engine switched to %q by itself", got)
			}
		})
	}
	if hits.Load() == 0 {
		t.Error("the whisper server never received a transcription request")
	}
}
