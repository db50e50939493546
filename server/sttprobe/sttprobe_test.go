package sttprobe

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mockloop/mockloop"
)

// recorded is one response captured from a real server
// (../shared/testdata/engines, see its README).
type recorded struct {
	Status      int    `json:"status"`
	ContentType string `json:"content_type"`
	Body        string `json:"body"`
}

func loadRecorded(t *testing.T, name string) recorded {
	t.Helper()
	var path string
	for d, _ := os.Getwd(); ; d = filepath.Dir(d) {
		p := filepath.Join(d, "shared", "testdata", "engines", name)
		if _, err := os.Stat(p); err == nil {
			path = p
			break
		}
		if filepath.Dir(d) == d {
			t.Fatalf("recorded response %s not found beside the repository", name)
		}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var r recorded
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	return r
}

// sample is a second of a 200 Hz tone: the probe's request must be a real
// multipart WAV; what it says does not matter to a replayed server.
func sample() mockloop.Audio {
	pcm := make([]int16, 16000)
	for i := range pcm {
		pcm[i] = int16(8000 * math.Sin(2*math.Pi*200*float64(i)/16000))
	}
	return mockloop.Audio{SampleRate: 16000, PCM: pcm}
}

// whisperServer replays a recorded whisper-server: the OpenAI path answers
// the recorded transcription, GET /v1/models is its plain-text 404.
func whisperServer(t *testing.T, rec recorded, hits *atomic.Int32) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		switch {
		case r.Method == http.MethodPost && r.URL.Path == "/v1/audio/transcriptions":
			if err := r.ParseMultipartForm(1 << 20); err != nil {
				http.Error(w, "bad multipart", http.StatusBadRequest)
				return
			}
			f, _, err := r.FormFile("file")
			if err != nil {
				http.Error(w, "no file", http.StatusBadRequest)
				return
			}
			head := make([]byte, 12)
			if _, err := f.Read(head); err != nil || string(head[:4]) != "RIFF" || string(head[8:]) != "WAVE" {
				http.Error(w, "not a wav", http.StatusBadRequest)
				return
			}
			w.Header().Set("Content-Type", rec.ContentType)
			w.WriteHeader(rec.Status)
			_, _ = w.Write([]byte(rec.Body))
		default:
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte("File Not Found (" + r.URL.Path + ")"))
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestProbe(t *testing.T) {
	// One short real word ("Ben"): a reply that passes the garbage check
	// ("marquee" for 9.5 s in -0 is rightly refused as garbage).
	rec := loadRecorded(t, "whisper-verbose-1.json")
	var whisperHits, otherHits atomic.Int32
	whisper := whisperServer(t, rec, &whisperHits)
	var garbageHits atomic.Int32
	garbage := whisperServer(t, loadRecorded(t, "whisper-verbose-0.json"), &garbageHits)
	// Another web app on a usual port (mockloop itself, say): the port is
	// open but the transcription path is a 404.
	other := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(other.Close)
	otherCounted := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		otherHits.Add(1)
		http.NotFound(w, r)
	}))
	t.Cleanup(otherCounted.Close)
	// speaches lists its cached models; the probe must send that name.
	var gotModel atomic.Value
	speaches := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/v1/models":
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"data":[{"id":"speaches-ai/Kokoro-82M-v1.0-ONNX","object":"model"},{"id":"Systran/faster-distil-whisper-small.en","object":"model"}],"object":"list"}`))
		case "/v1/audio/transcriptions":
			gotModel.Store(r.FormValue("model"))
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"text":"testing one two three","words":[{"word":"testing","start":0.1,"end":0.5,"probability":0.9}]}`))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(speaches.Close)
	closed := httptest.NewServer(http.NotFoundHandler())
	closedURL := closed.URL
	closed.Close()

	cand := func(name, base string) Candidate {
		return Candidate{Name: name, BaseURL: base + "/v1", Model: "whisper-1"}
	}
	tests := []struct {
		name      string
		cands     []Candidate
		wantName  string
		wantModel string
		wantErr   error
	}{
		{"a whisper.cpp server that transcribes is found", []Candidate{cand("whisper.cpp server", whisper.URL)}, "whisper.cpp server", "whisper-1", nil},
		{"a closed port and a 404 are skipped for the server behind them", []Candidate{cand("speaches", closedURL), cand("other", other.URL), cand("whisper.cpp server", whisper.URL)}, "whisper.cpp server", "whisper-1", nil},
		{"speaches is asked for the whisper model it lists", []Candidate{cand("speaches", speaches.URL)}, "speaches", "Systran/faster-distil-whisper-small.en", nil},
		{"a server that answers garbage is not offered", []Candidate{cand("whisper.cpp server", garbage.URL)}, "", "", ErrNoServer},
		{"an open port that does not transcribe is not offered", []Candidate{cand("other", other.URL)}, "", "", ErrNoServer},
		{"nothing listening finds nothing", []Candidate{cand("speaches", closedURL)}, "", "", ErrNoServer},
		{"a server off this machine is never contacted", []Candidate{{Name: "remote", BaseURL: "http://192.0.2.1:8000/v1", Model: "x"}}, "", "", ErrNotLoopback},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Probe(context.Background(), tt.cands, sample(), Options{Timeout: 5 * time.Second})
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("Probe error %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Probe: %v", err)
			}
			if f.Name != tt.wantName || f.Model != tt.wantModel {
				t.Errorf("found %q with model %q, want %q with %q", f.Name, f.Model, tt.wantName, tt.wantModel)
			}
			if !strings.Contains(f.Command(), "--stt openai --stt-url "+f.BaseURL+" --stt-model "+f.Model) {
				t.Errorf("command %q does not switch to the server found", f.Command())
			}
			if f.Text == "" {
				t.Errorf("found a server but recorded no text")
			}
		})
	}
	if whisperHits.Load() == 0 {
		t.Error("the whisper server was never sent a request")
	}
	t.Run("a non-loopback candidate first in line stops nothing and is not contacted", func(t *testing.T) {
		f, err := Probe(context.Background(), []Candidate{{Name: "remote", BaseURL: "http://192.0.2.1:8000/v1"}, cand("whisper.cpp server", whisper.URL)}, sample(), Options{Timeout: 5 * time.Second})
		if err != nil || f.Name != "whisper.cpp server" {
			t.Errorf("got %+v, %v; want the local whisper server", f, err)
		}
	})
	t.Run("a sample at the wrong rate is refused before any request", func(t *testing.T) {
		before := otherHits.Load()
		_, err := Probe(context.Background(), []Candidate{cand("other", otherCounted.URL)}, mockloop.Audio{SampleRate: 8000, PCM: make([]int16, 8000)}, Options{})
		if err == nil || otherHits.Load() != before {
			t.Errorf("err %v, %d requests; want an error and none", err, otherHits.Load()-before)
		}
	})
}

func TestCandidatesSkipOwnPortAndStayOnLoopback(t *testing.T) {
	tests := []struct {
		name     string
		selfPort int
		want     []string
	}{
		{"mockloop on 8080 leaves speaches and whisper.cpp on 8081", 8080, []string{"http://127.0.0.1:8000/v1", "http://127.0.0.1:8081/v1"}},
		{"mockloop elsewhere probes all three", 9999, []string{"http://127.0.0.1:8000/v1", "http://127.0.0.1:8081/v1", "http://127.0.0.1:8080/v1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, c := range Candidates(tt.selfPort) {
				got = append(got, c.BaseURL)
				if err := checkLoopback(c.BaseURL); err != nil {
					t.Errorf("%s: %v", c.BaseURL, err)
				}
			}
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("Candidates(%d) = %v, want %v", tt.selfPort, got, tt.want)
			}
		})
	}
}
