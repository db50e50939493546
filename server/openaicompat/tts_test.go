package openaicompat

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

func speechHandler(t *testing.T, wantFormat, contentType string, body []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Model, Input, Voice string
			Format              string `json:"response_format"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			t.Errorf("speech request: %v", err)
		}
		if req.Model != "tts-1" || req.Voice != "alloy" || req.Format != wantFormat || req.Input != "What was the result?" {
			t.Errorf("speech request %+v", req)
		}
		w.Header().Set("Content-Type", contentType)
		w.Write(body)
	}
}

func pcmBytes(samples ...int16) []byte {
	var b []byte
	for _, s := range samples {
		b = binary.LittleEndian.AppendUint16(b, uint16(s))
	}
	return b
}

func TestSynthesize(t *testing.T) {
	wav24k := encodeWAV([]int16{100, -200, 300}, 24000)
	tests := []struct {
		name        string
		format      string
		contentType string
		body        []byte
		wantRate    int
		wantPCM     []int16
		wantErr     string
	}{
		{"WAV gives the rate from its header", "wav", "audio/wav", wav24k, 24000, []int16{100, -200, 300}, ""},
		{"raw PCM is 24 kHz", "pcm", "audio/pcm", pcmBytes(5, -5, 7, 9), 24000, []int16{5, -5, 7, 9}, ""},
		{"a WAV answer to a pcm request is still read as WAV", "pcm", "audio/wav", encodeWAV([]int16{1}, 22050), 22050, []int16{1}, ""},
		{"MP3 bytes for a wav request are refused", "wav", "audio/mpeg", []byte("ID3\x04\x00\x00\x00\x00\x00\x00"), 0, nil, "not WAV"},
		{"a JSON body for a pcm request is refused", "pcm", "application/json", []byte(`{"detail":"voice not found"}`), 0, nil, "not audio"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeServer(t)
			f.handle("/v1/audio/speech", speechHandler(t, tt.format, tt.contentType, tt.body))
			s, err := NewSynthesizer(f.endpoint("tts-1"), "alloy", tt.format)
			if err != nil {
				t.Fatal(err)
			}
			a, err := s.Synthesize(context.Background(), "What was the result?")
			if tt.wantErr != "" {
				if !errors.Is(err, ErrTTS) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("error = %v, want ErrTTS mentioning %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if a.SampleRate != tt.wantRate || len(a.PCM) != len(tt.wantPCM) {
				t.Fatalf("got %d samples at %d Hz, want %v at %d", len(a.PCM), a.SampleRate, tt.wantPCM, tt.wantRate)
			}
			for i := range a.PCM {
				if a.PCM[i] != tt.wantPCM[i] {
					t.Errorf("sample %d = %d, want %d", i, a.PCM[i], tt.wantPCM[i])
				}
			}
		})
	}

	t.Run("a 404 names the model", func(t *testing.T) {
		f := newFakeServer(t)
		f.handle("/v1/audio/speech", func(w http.ResponseWriter, r *http.Request) {
			writeError(w, http.StatusNotFound, "invalid_request_error", "model not found")
		})
		s, _ := NewSynthesizer(f.endpoint("tts-9"), "alloy", "wav")
		_, err := s.Synthesize(context.Background(), "hi")
		var ee *EngineError
		if !errors.Is(err, ErrTTS) || !errors.Is(err, ErrModelNotFound) || !errors.As(err, &ee) || !strings.Contains(ee.UserMessage(), "model 'tts-9' not found") {
			t.Errorf("error = %v", err)
		}
	})

	t.Run("empty text makes no request", func(t *testing.T) {
		f := newFakeServer(t)
		s, _ := NewSynthesizer(f.endpoint("tts-1"), "alloy", "wav")
		a, err := s.Synthesize(context.Background(), " ")
		if err != nil || len(a.PCM) != 0 || f.count("/v1/audio/speech") != 0 {
			t.Errorf("got %d samples, %v, %d requests", len(a.PCM), err, f.count("/v1/audio/speech"))
		}
	})

	t.Run("an unknown format is refused", func(t *testing.T) {
		if _, err := NewSynthesizer(Endpoint{BaseURL: "http://localhost/v1", Model: "m"}, "alloy", "mp3"); err == nil {
			t.Error("NewSynthesizer accepted mp3")
		}
	})
}

func TestCheckLLM(t *testing.T) {
	models := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"object":"list","data":[{"id":"llama3.2:latest","object":"model","created":1,"owned_by":"library"},{"id":"qwen2.5:7b","object":"model","created":1,"owned_by":"library"}]}`))
	}
	reply := func(text string, delay time.Duration) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if delay > 0 {
				select {
				case <-time.After(delay):
				case <-r.Context().Done():
				}
			}
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"id":"c","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":%q},"finish_reason":"length"}],"usage":{"completion_tokens":9}}`, text)
		}
	}
	tests := []struct {
		name       string
		model      string
		chat       http.HandlerFunc
		slow       time.Duration
		wantStatus Status
		wantReason string
		wantFix    string
	}{
		{"a listed model that answers is ok", "qwen2.5:7b", reply("Tell me about a time you led a project.", 0), 0, StatusOK, "answered", ""},
		{"Ollama's :latest tag matches a bare name", "llama3.2", reply("Tell me about a time you led", 0), 0, StatusOK, "answered", ""},
		{"a missing model names the ones there are", "gpt-4o", reply("x", 0), 0, StatusBroken, "llama3.2:latest, qwen2.5:7b", "ollama pull"},
		{"a listed model that cannot load is broken", "qwen2.5:7b", func(w http.ResponseWriter, r *http.Request) {
			writeError(w, 500, "api_error", "llama runner process has terminated: error loading model")
		}, 0, StatusBroken, "server error 500", "weights that cannot load"},
		{"a model that answers nonsense is broken", "qwen2.5:7b", reply("balan availa availabilde goodee wha earn", 0), 0, StatusBroken, "nonsense", "broken"},
		{"a model slower than the limit is slow", "qwen2.5:7b", reply("Tell me about a time", 50*time.Millisecond), 10 * time.Millisecond, StatusSlow, "took", "smaller model"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeServer(t)
			f.handle("/v1/models", models)
			f.handle("/v1/chat/completions", tt.chat)
			h := CheckLLM(context.Background(), f.endpoint(tt.model), CheckOptions{Slow: tt.slow, Lexicon: testLexicon(t)})
			if h.Status != tt.wantStatus || !strings.Contains(h.Reason, tt.wantReason) || !strings.Contains(h.Fix, tt.wantFix) {
				t.Errorf("CheckLLM = %s %q (fix %q), want %s with %q (fix %q)", h.Status, h.Reason, h.Fix, tt.wantStatus, tt.wantReason, tt.wantFix)
			}
		})
	}
	t.Run("a refused connection says to start the server", func(t *testing.T) {
		h := CheckLLM(context.Background(), Endpoint{BaseURL: "http://127.0.0.1:1/v1", Model: "m"}, CheckOptions{})
		if h.Status != StatusBroken || !errors.Is(h.Err, ErrUnavailable) || !strings.Contains(h.Fix, "ollama serve") {
			t.Errorf("CheckLLM = %+v", h)
		}
	})
}

func TestCheckSTT(t *testing.T) {
	clip := make([]int16, sttSampleRate*2)
	words := []string{"tell", "me", "about", "a", "project"}
	answer := func(text string, silence string, status int) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if status != 200 {
				w.Header().Set("Content-Type", "text/plain")
				w.WriteHeader(status)
				io.WriteString(w, "File Not Found (/v1/audio/transcriptions)")
				return
			}
			// The silence request is the one second of audio.
			if r.ContentLength < int64(sttSampleRate*2+44+1000) {
				text = silence
			}
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"text":%q,"segments":[]}`, text)
		}
	}
	tests := []struct {
		name       string
		handler    http.HandlerFunc
		wantStatus Status
		wantFix    string
	}{
		{"a transcriber that hears the clip and not the silence is ok", answer("Tell me about a project.", "", 200), StatusOK, ""},
		{"whisper-server without --request-path is told the flags", answer("", "", 404), StatusBroken, "--request-path /v1/audio --inference-path /transcriptions"},
		{"a transcriber that invents text for silence is broken", answer("Tell me about a project.", "Thank you for watching, see you in the next video", 200), StatusBroken, "invents text"},
		{"a transcriber that hears other words is broken", answer("marquee", "", 200), StatusBroken, "not transcribing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeServer(t)
			f.handle("/v1/audio/transcriptions", tt.handler)
			h := CheckSTT(context.Background(), f.endpoint("whisper-1"), CheckOptions{Clip: clip, Words: words, Lexicon: testLexicon(t)}, 8*time.Second)
			if h.Status != tt.wantStatus || !strings.Contains(h.Fix, tt.wantFix) {
				t.Errorf("CheckSTT = %s %q (fix %q), want %s (fix %q)", h.Status, h.Reason, h.Fix, tt.wantStatus, tt.wantFix)
			}
		})
	}
	t.Run("a transcriber slower than half the timeout is slow and told the flag", func(t *testing.T) {
		f := newFakeServer(t)
		f.handle("/v1/audio/transcriptions", func(w http.ResponseWriter, r *http.Request) {
			io.Copy(io.Discard, r.Body)
			<-time.After(60 * time.Millisecond)
			w.Header().Set("Content-Type", "application/json")
			if r.ContentLength < int64(sttSampleRate*2+44+1000) {
				io.WriteString(w, `{"text":""}`)
				return
			}
			io.WriteString(w, `{"text":"Tell me about a project."}`)
		})
		h := CheckSTT(context.Background(), f.endpoint("whisper-1"), CheckOptions{Clip: clip, Words: words}, 100*time.Millisecond)
		if h.Status != StatusSlow || !strings.Contains(h.Fix, "--stt-timeout") {
			t.Errorf("CheckSTT = %+v", h)
		}
	})
}
