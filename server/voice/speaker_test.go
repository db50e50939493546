package voice

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/mockloop/mockloop"
	"github.com/mockloop/mockloop/server/oggopus"
)

// manualTicker is a Ticker the test fires by hand.
type manualTicker struct {
	c       chan time.Time
	stopped chan struct{}
}

func newManualTicker() *manualTicker {
	return &manualTicker{c: make(chan time.Time), stopped: make(chan struct{})}
}
func (m *manualTicker) C() <-chan time.Time { return m.c }
func (m *manualTicker) Stop()               { close(m.stopped) }

func TestSpeaker(t *testing.T) {
	t.Run("speech is sent as 160-byte µ-law frames, one per tick, padded at the end", func(t *testing.T) {
		var got [][]byte
		tick := newManualTicker()
		s := NewSpeaker(func(p []byte, d time.Duration) error {
			if d != FrameDur {
				t.Errorf("frame duration %v", d)
			}
			got = append(got, p)
			return nil
		}, MuLawEncoder{}, func(d time.Duration) Ticker {
			if d != FrameDur {
				t.Errorf("ticker period %v, want %v", d, FrameDur)
			}
			return tick
		})
		t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
		s.Now = func() time.Time { return t0 }
		// 24 kHz, 50 ms: 400 samples at 8 kHz, so 2 full frames and a
		// padded one.
		a := mockloop.Audio{SampleRate: 24000, PCM: tone(24000, 440, 0.5, 50*time.Millisecond)}
		done := make(chan error)
		var first time.Time
		go func() {
			var err error
			first, err = s.Play(context.Background(), a)
			done <- err
		}()
		for range 2 {
			tick.c <- time.Time{}
		}
		if err := waitErr(t, done); err != nil {
			t.Fatal(err)
		}
		if len(got) != 3 {
			t.Fatalf("sent %d frames, want 3", len(got))
		}
		for i, p := range got {
			if len(p) != 160 {
				t.Fatalf("frame %d is %d bytes", i, len(p))
			}
		}
		if got[2][len(got[2])-1] != 0xFF {
			t.Fatal("the last frame is not padded with µ-law silence")
		}
		if lvl := rmsDB(DecodeMuLaw(got[1])); lvl < -12 || lvl > -6 {
			t.Fatalf("the tone came out at %.1f dBFS, want about -9", lvl)
		}
		if !first.Equal(t0) {
			t.Fatalf("first packet at %v, want %v", first, t0)
		}
		select {
		case <-tick.stopped:
		default:
			t.Fatal("the ticker was not stopped")
		}
	})

	t.Run("opus frames at 48 kHz decode back to the tone that was played", func(t *testing.T) {
		enc, err := oggopus.NewPacketEncoder(48000, 32000)
		if err != nil {
			t.Fatal(err)
		}
		var got [][]byte
		s := NewSpeaker(func(p []byte, _ time.Duration) error { got = append(got, p); return nil },
			enc, func(time.Duration) Ticker { return autoTicker{} })
		// 32 kHz in (festival's rate), 400 ms: 20 frames of 960 samples.
		a := mockloop.Audio{SampleRate: 32000, PCM: tone(32000, 440, 0.5, 400*time.Millisecond)}
		if _, err := s.Play(context.Background(), a); err != nil {
			t.Fatal(err)
		}
		if len(got) != 20 {
			t.Fatalf("sent %d frames, want 20", len(got))
		}
		dec, err := NewOpusDecoder()
		if err != nil {
			t.Fatal(err)
		}
		var pcm []int16
		for i, p := range got {
			if len(p) == 0 || len(p) > 200 {
				t.Fatalf("frame %d is %d bytes, not a 32 kbit/s opus packet", i, len(p))
			}
			out, err := dec.Decode(p)
			if err != nil {
				t.Fatalf("frame %d does not decode: %v", i, err)
			}
			pcm = append(pcm, out...)
		}
		// Skip the encoder's start-up; the steady tone is at -9 dBFS.
		if lvl := rmsDB(pcm[len(pcm)/4:]); lvl < -12 || lvl > -6 {
			t.Fatalf("the tone came out at %.1f dBFS, want about -9", lvl)
		}
	})

	t.Run("cancelling stops within one frame and returns the cause", func(t *testing.T) {
		sent := make(chan struct{}, 100)
		tick := newManualTicker()
		s := NewSpeaker(func([]byte, time.Duration) error { sent <- struct{}{}; return nil },
			MuLawEncoder{}, func(time.Duration) Ticker { return tick })
		ctx, cancel := context.WithCancelCause(context.Background())
		bargeIn := errors.New("candidate barged in")
		done := make(chan error)
		go func() {
			_, err := s.Play(ctx, mockloop.Audio{SampleRate: 16000, PCM: make([]int16, 16000)})
			done <- err
		}()
		<-sent
		tick.c <- time.Time{}
		<-sent
		cancel(bargeIn)
		err := waitErr(t, done)
		if !errors.Is(err, bargeIn) {
			t.Fatalf("got %v, want the cancel cause", err)
		}
		if n := len(sent); n != 0 {
			t.Fatalf("%d frames sent after cancel", n)
		}
	})

	t.Run("a sink error stops playback and is wrapped", func(t *testing.T) {
		boom := errors.New("track closed")
		s := NewSpeaker(func([]byte, time.Duration) error { return boom },
			MuLawEncoder{}, func(time.Duration) Ticker { return newManualTicker() })
		_, err := s.Play(context.Background(), mockloop.Audio{SampleRate: 8000, PCM: make([]int16, 800)})
		if !errors.Is(err, boom) {
			t.Fatalf("got %v", err)
		}
	})

	t.Run("a real ticker paces 5 frames over about 80 ms", func(t *testing.T) {
		var stamps []time.Time
		s := NewSpeaker(func([]byte, time.Duration) error { stamps = append(stamps, time.Now()); return nil }, MuLawEncoder{}, nil)
		if _, err := s.Play(context.Background(), mockloop.Audio{SampleRate: 8000, PCM: make([]int16, 800)}); err != nil {
			t.Fatal(err)
		}
		if len(stamps) != 5 {
			t.Fatalf("sent %d frames", len(stamps))
		}
		if d := stamps[4].Sub(stamps[0]); d < 70*time.Millisecond {
			t.Fatalf("5 frames went out in %v, faster than real time", d)
		}
	})
}

// waitErr waits for a result with a deadline instead of sleeping.
func waitErr(t *testing.T, ch <-chan error) error {
	t.Helper()
	select {
	case err := <-ch:
		return err
	case <-time.After(5 * time.Second):
		t.Fatal("timed out")
		return nil
	}
}

// autoTicker ticks whenever asked: the test does not care about pacing.
type autoTicker struct{}

func (autoTicker) C() <-chan time.Time {
	c := make(chan time.Time, 1)
	c <- time.Time{}
	return c
}
func (autoTicker) Stop() {}
