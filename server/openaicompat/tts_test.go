package openaicompat

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
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

func TestCheck(t *testing.T) {
	models := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"object":"list","data":[{"id":"llama3.2:latest","object":"model","created":1,"owned_by":"library"},{"id":"qwen2.5:7b","object":"model","created":1,"owned_by":"library"}]}`))
	}
	tests := []struct {
		name    string
		kind    string
		model   string
		setup   func(f *fakeServer)
		wantErr string
	}{
		{"a listed model passes", "llm", "qwen2.5:7b", func(f *fakeServer) { f.handle("/v1/models", models) }, ""},
		{"Ollama's :latest tag matches a bare name", "llm", "llama3.2", func(f *fakeServer) { f.handle("/v1/models", models) }, ""},
		{"a missing model lists the available ones", "llm", "gpt-4o", func(f *fakeServer) { f.handle("/v1/models", models) }, `model "gpt-4o" not found at http://`},
		{"a 401 says to check the key", "tts", "tts-1", func(f *fakeServer) {
			f.handle("/v1/models", func(w http.ResponseWriter, r *http.Request) {
				writeError(w, http.StatusUnauthorized, "invalid_request_error", "Incorrect API key provided")
			})
		}, "401: check OPENAI_API_KEY"},
		{"a server without /models is checked with a tiny transcription", "stt", "whisper-1", func(f *fakeServer) {
			f.handle("/v1/audio/transcriptions", func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.Write([]byte(`{"text":""}`))
			})
		}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeServer(t)
			tt.setup(f)
			err := Check(context.Background(), tt.kind, f.endpoint(tt.model))
			if tt.wantErr == "" {
				if err != nil {
					t.Errorf("Check: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Check error = %v, want %q", err, tt.wantErr)
			}
			if strings.Contains(tt.wantErr, "not found") && !strings.Contains(err.Error(), "llama3.2:latest, qwen2.5:7b") {
				t.Errorf("error does not list the models: %v", err)
			}
		})
	}
	t.Run("a refused connection asks whether the server is running", func(t *testing.T) {
		err := Check(context.Background(), "llm", Endpoint{BaseURL: "http://127.0.0.1:1/v1", Model: "m"})
		if err == nil || !strings.Contains(err.Error(), "connection refused at http://127.0.0.1:1/v1: is the server") {
			t.Errorf("Check error = %v", err)
		}
	})
}
