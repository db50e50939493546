package httpapi

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/mockloop/mockloop"
	"github.com/mockloop/mockloop/prompts"
	"github.com/mockloop/mockloop/server/live"
)

func TestVoices(t *testing.T) {
	bank, err := prompts.Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	a := &API{
		Store:        progressDB(t),
		Deps:         live.Deps{Bank: bank},
		Engines:      Engines{TTS: Engine{Name: "festival:cmu_us_slt_arctic_hts"}},
		Voice:        true,
		Voices:       []Voice{{ID: "slt", Label: "Female (festival HTS slt)", Engine: "festival:cmu_us_slt_arctic_hts"}, {ID: "rms", Label: "Male (flite rms)", Engine: "flite:rms"}},
		DefaultVoice: "slt",
		Logger:       slog.New(slog.DiscardHandler),
	}
	srv := httptest.NewServer(a.Handler())
	defer srv.Close()

	t.Run("GET /api/config lists the voices and the default", func(t *testing.T) {
		resp, err := http.Get(srv.URL + "/api/config")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var cfg struct {
			Voice        bool    `json:"voice"`
			Voices       []Voice `json:"voices"`
			DefaultVoice string  `json:"default_voice"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&cfg); err != nil {
			t.Fatal(err)
		}
		if !cfg.Voice || cfg.DefaultVoice != "slt" || len(cfg.Voices) != 2 || cfg.Voices[1].ID != "rms" || cfg.Voices[1].Label != "Male (flite rms)" {
			t.Fatalf("config %+v", cfg)
		}
	})

	tests := []struct {
		name      string
		body      string
		status    int
		wantVoice string
		wantTTS   string
	}{
		{"a round with a chosen voice records it and its engine", `{"kind":"behavioral","voice":"rms"}`, http.StatusCreated, "rms", "flite:rms"},
		{"a round without a voice gets the default", `{"kind":"behavioral"}`, http.StatusCreated, "slt", "festival:cmu_us_slt_arctic_hts"},
		{"an unknown voice is refused", `{"kind":"behavioral","voice":"kal"}`, http.StatusBadRequest, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := http.Post(srv.URL+"/api/rounds", "application/json", strings.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.status)
			}
			if tt.status != http.StatusCreated {
				var e struct {
					Error struct {
						Code string `json:"code"`
					} `json:"error"`
				}
				_ = json.NewDecoder(resp.Body).Decode(&e)
				if e.Error.Code != "bad_voice" {
					t.Fatalf("error code %q, want bad_voice", e.Error.Code)
				}
				return
			}
			var r mockloop.Round
			if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
				t.Fatal(err)
			}
			if r.Engines["voice"] != tt.wantVoice || r.Engines["tts"] != tt.wantTTS {
				t.Fatalf("engines %v, want voice %s tts %s", r.Engines, tt.wantVoice, tt.wantTTS)
			}
		})
	}
}
