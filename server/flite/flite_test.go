package flite

import (
	"context"
	"errors"
	"testing"
)

func TestNew(t *testing.T) {
	tests := []struct {
		voice   string
		wantErr error
	}{
		{"slt", nil},
		{"rms", nil},
		{"awb", nil},
		{"kal", ErrUnknownVoice},
		{"", ErrUnknownVoice},
	}
	for _, tt := range tests {
		t.Run("voice "+tt.voice, func(t *testing.T) {
			_, err := New(tt.voice)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("New(%q) = %v, want %v", tt.voice, err, tt.wantErr)
			}
		})
	}
}

func TestSynthesize(t *testing.T) {
	s, err := New("slt")
	if err != nil {
		t.Fatal(err)
	}
	t.Run("a question comes out as 16 kHz speech of a plausible length", func(t *testing.T) {
		a, err := s.Synthesize(context.Background(), "Tell me about a time you disagreed with your manager.")
		if err != nil {
			t.Fatal(err)
		}
		if a.SampleRate != 16000 {
			t.Fatalf("rate %d, want 16000", a.SampleRate)
		}
		// Ten words at 120-220 words per minute: 2.7 to 5 s.
		if sec := float64(len(a.PCM)) / 16000; sec < 2 || sec > 6 {
			t.Fatalf("%.1f s of audio for ten words", sec)
		}
		var peak int16
		for _, v := range a.PCM {
			peak = max(peak, v, -v)
		}
		if peak < 3000 {
			t.Fatalf("peak %d: the audio is nearly silent", peak)
		}
	})
	t.Run("blank text is no audio, not an error", func(t *testing.T) {
		a, err := s.Synthesize(context.Background(), "  \n")
		if err != nil || len(a.PCM) != 0 {
			t.Fatalf("got %d samples, %v", len(a.PCM), err)
		}
	})
	t.Run("a cancelled context returns its cause", func(t *testing.T) {
		ctx, cancel := context.WithCancelCause(context.Background())
		stop := errors.New("barge-in")
		cancel(stop)
		if _, err := s.Synthesize(ctx, "Hello there."); !errors.Is(err, stop) {
			t.Fatalf("got %v, want the cause", err)
		}
	})
	t.Run("voices are safe to use from several goroutines", func(t *testing.T) {
		rms, err := New("rms")
		if err != nil {
			t.Fatal(err)
		}
		errs := make(chan error, 4)
		for i := range 4 {
			sy := s
			if i%2 == 1 {
				sy = rms
			}
			go func() {
				_, err := sy.Synthesize(context.Background(), "What would you do differently?")
				errs <- err
			}()
		}
		for range 4 {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
	})
}
