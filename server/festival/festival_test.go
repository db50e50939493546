package festival

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func newSynth(t *testing.T, cfg Config) *Synth {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := New(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestNewErrors(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"a missing program names the Debian packages", Config{Binary: "festival-not-installed"}, "festvox-us-slt-hts"},
		{"a voice name that is not a symbol is refused", Config{Voice: "slt) (quit"}, "bad voice name"},
		{"a voice festival does not have is a festival error", Config{Voice: "no_such_voice"}, "load voice no_such_voice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := New(context.Background(), tt.cfg)
			if err == nil {
				s.Close()
				t.Fatal("New succeeded")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %q does not mention %q", err, tt.want)
			}
		})
	}
}

func TestSynthesize(t *testing.T) {
	s := newSynth(t, Config{Procs: 2})
	ctx := context.Background()
	t.Run("a question comes out as 32 kHz HTS speech of a plausible length", func(t *testing.T) {
		a, err := s.Synthesize(ctx, "Tell me about a time you disagreed with your manager.")
		if err != nil {
			t.Fatal(err)
		}
		if a.SampleRate != 32000 {
			t.Fatalf("rate %d, want 32000", a.SampleRate)
		}
		if sec := float64(len(a.PCM)) / 32000; sec < 2 || sec > 6 {
			t.Fatalf("%.1f s of audio for ten words", sec)
		}
	})
	t.Run("quotes, backslashes and newlines cannot break out of the command", func(t *testing.T) {
		a, err := s.Synthesize(ctx, "You said \"done\") (quit) \\\nWhat happened next?")
		if err != nil {
			t.Fatal(err)
		}
		if len(a.PCM) == 0 {
			t.Fatal("no audio")
		}
		// The process is still there for the next sentence.
		if _, err := s.Synthesize(ctx, "Thanks."); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("cancelling mid-sentence returns at once and the next sentence still speaks", func(t *testing.T) {
		cctx, cancel := context.WithCancelCause(ctx)
		stop := errors.New("barge-in")
		done := make(chan error, 1)
		go func() {
			_, err := s.Synthesize(cctx, strings.Repeat("This is a long sentence that takes a while to say. ", 8))
			done <- err
		}()
		cancel(stop)
		select {
		case err := <-done:
			if !errors.Is(err, stop) && err != nil {
				t.Fatalf("got %v, want the cause", err)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("Synthesize did not return after cancel")
		}
		if _, err := s.Synthesize(ctx, "Next question."); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("more callers than processes wait their turn", func(t *testing.T) {
		errs := make(chan error, 5)
		for range 5 {
			go func() {
				_, err := s.Synthesize(ctx, "What was the result?")
				errs <- err
			}()
		}
		for range 5 {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
	})
	t.Run("after Close it fails with ErrClosed", func(t *testing.T) {
		c := newSynth(t, Config{Procs: 1})
		c.Close()
		if _, err := c.Synthesize(ctx, "Hello."); !errors.Is(err, ErrClosed) {
			t.Fatalf("got %v, want ErrClosed", err)
		}
	})
}
