package main

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
)

func TestBuildVoices(t *testing.T) {
	tests := []struct {
		name     string
		tts      string
		voice    string
		want     string // id=engine pairs, in order
		wantDef  string
		wantErr  error
		errMatch string
	}{
		{"auto gives festival's HTS voice as the female default, backed by flite, and flite's men",
			ttsAuto, "", "slt=festival:cmu_us_slt_arctic_hts rms=flite:rms awb=flite:awb", "slt", nil, ""},
		{"auto with --tts-voice rms makes the male voice the default", ttsAuto, "rms",
			"slt=festival:cmu_us_slt_arctic_hts rms=flite:rms awb=flite:awb", "rms", nil, ""},
		{"flite alone has its three voices", ttsFlite, "", "slt=flite:slt rms=flite:rms awb=flite:awb", "slt", nil, ""},
		{"espeak-ng alone speaks both registers", ttsEspeak, "", "slt=espeak-ng rms=espeak-ng", "slt", nil, ""},
		{"festival alone has only the female voice", ttsFestival, "rms", "", "", ErrUnknownVoice, "has slt"},
		{"an unknown engine is named", "kokoro", "", "", "", nil, `--tts "kokoro"`},
		{"none has no voices and no error", ttsNone, "", "", "", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := Config{TTS: tt.tts, TTSVoice: tt.voice}
			set, err := buildVoices(context.Background(), cfg, slog.New(slog.DiscardHandler))
			if tt.wantErr != nil || tt.errMatch != "" {
				if err == nil {
					set.Close()
					t.Fatal("no error")
				}
				if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
					t.Fatalf("err %v, want %v", err, tt.wantErr)
				}
				if !strings.Contains(err.Error(), tt.errMatch) {
					t.Fatalf("err %q does not mention %q", err, tt.errMatch)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer set.Close()
			var got []string
			for _, v := range set.Voices {
				got = append(got, v.ID+"="+v.Synth.Name())
				if v.Label == "" {
					t.Errorf("voice %s has no label", v.ID)
				}
			}
			if g := strings.Join(got, " "); g != tt.want {
				t.Fatalf("voices %q, want %q", g, tt.want)
			}
			if tt.want != "" && set.Default != tt.wantDef {
				t.Fatalf("default %q, want %q", set.Default, tt.wantDef)
			}
		})
	}
}
