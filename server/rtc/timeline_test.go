package rtc

import (
	"log/slog"
	"testing"
	"time"

	"github.com/mockloop/mockloop/server/voice"
)

// newTimeline returns a micTimeline whose frames go to a channel large
// enough for the test, so place never blocks.
func newTimeline(t testing.TB, frames int) *micTimeline {
	t.Helper()
	dec, err := voice.NewOpusDecoder()
	if err != nil {
		t.Fatal(err)
	}
	p := &Peer{
		log:    slog.New(slog.DiscardHandler),
		frames: make(chan voice.Frame, frames),
		done:   make(chan struct{}),
	}
	return &micTimeline{peer: p, dec: dec, reorder: voice.NewReorder(reorderWindow), framer: voice.NewFramer()}
}

// drain returns the frames sent so far.
func drain(m *micTimeline) []voice.Frame {
	var out []voice.Frame
	for {
		select {
		case f := <-m.peer.frames:
			out = append(out, f)
		default:
			return out
		}
	}
}

func TestTimelineFollowsTimestamps(t *testing.T) {
	_, packets := encodeClip(t, speechClipPath(t))
	type pkt struct {
		seq   uint16
		slot  int64 // timestamp in 20 ms slots from the first packet
		bytes []byte
	}
	good := func(i int) []byte { return packets[i%len(packets)] }
	// run numbers packets from seq0 and stamps them with the given slots.
	run := func(seq0 uint16, slots ...int64) []pkt {
		var ps []pkt
		for i, s := range slots {
			ps = append(ps, pkt{seq: seq0 + uint16(i), slot: s, bytes: good(i)})
		}
		return ps
	}
	tests := []struct {
		name       string
		ts0        uint32
		packets    []pkt
		wantFrames int
		wantSilent []int // frames that must be all zeros
	}{
		{
			name:       "a pause in sending (DTX) becomes silence as long as the timestamp gap",
			packets:    run(10, 0, 1, 2, 53, 54),
			wantFrames: 55,
			wantSilent: []int{3, 25, 52},
		},
		{
			name:       "timestamps that wrap around 2^32 keep the timeline continuous",
			ts0:        ^uint32(0) - 960,
			packets:    run(65534, 0, 1, 2, 3, 4),
			wantFrames: 5,
		},
		{
			name:       "a jump of more than 10 s is a discontinuity, not minutes of silence",
			packets:    run(0, 0, 1, 2, 100000, 100001),
			wantFrames: 5,
		},
		{
			name:       "a timestamp going backwards plays the audio without a hole",
			packets:    run(0, 0, 1, 2, 1, 2),
			wantFrames: 5,
		},
		{
			name: "undecodable payloads are skipped and the next packet fills their time",
			packets: []pkt{
				{seq: 0, slot: 0, bytes: good(0)},
				{seq: 1, slot: 1, bytes: []byte{0xff, 0xff, 0xff}},
				{seq: 2, slot: 2, bytes: []byte{}},
				{seq: 3, slot: 3, bytes: good(3)},
			},
			wantFrames: 4,
			wantSilent: []int{1, 2},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newTimeline(t, 4096)
			for _, p := range tt.packets {
				ts := tt.ts0 + uint32(p.slot*960)
				if !m.push(p.seq, ts, p.bytes) {
					t.Fatal("push reported the peer done")
				}
			}
			m.flush()
			frames := drain(m)
			if len(frames) != tt.wantFrames {
				t.Fatalf("got %d frames, want %d", len(frames), tt.wantFrames)
			}
			for i, f := range frames {
				if f.At != time.Duration(i)*voice.FrameDur || len(f.PCM) != voice.FrameSamples {
					t.Fatalf("frame %d: at %v with %d samples", i, f.At, len(f.PCM))
				}
			}
			for _, i := range tt.wantSilent {
				if rms(frames[i].PCM) != 0 {
					t.Errorf("frame %d should be silence", i)
				}
			}
			if rms(frames[0].PCM) == 0 && rms(frames[len(frames)-1].PCM) == 0 {
				t.Errorf("first and last frames are both silent; the speech did not come through")
			}
		})
	}
}

// FuzzTimeline feeds arbitrary packets: the timeline never panics, every
// frame is whole and frames are contiguous in stream time.
func FuzzTimeline(f *testing.F) {
	f.Add([]byte{0, 1, 0, 0, 0, 0, 0x78, 1, 2, 3})
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfc, 0xff, 0xfe})
	f.Fuzz(func(t *testing.T, data []byte) {
		m := newTimeline(t, 1<<16)
		last := -voice.FrameDur
		// Each record: seq (2), ts (4), length (1), payload.
		for len(data) >= 7 {
			seq := uint16(data[0])<<8 | uint16(data[1])
			ts := uint32(data[2])<<24 | uint32(data[3])<<16 | uint32(data[4])<<8 | uint32(data[5])
			n := min(int(data[6]), len(data)-7)
			payload := data[7 : 7+n]
			data = data[7+n:]
			m.push(seq, ts, payload)
			// Keep the channel from filling on long silences.
			last = checkFrames(t, drain(m), last)
		}
		m.flush()
		checkFrames(t, drain(m), last)
	})
}

// checkFrames checks frames are whole and follow the one at last; it
// returns the time of the last frame.
func checkFrames(t *testing.T, frames []voice.Frame, last time.Duration) time.Duration {
	t.Helper()
	for _, f := range frames {
		if len(f.PCM) != voice.FrameSamples {
			t.Fatalf("frame with %d samples", len(f.PCM))
		}
		if f.At != last+voice.FrameDur {
			t.Fatalf("frame at %v follows %v", f.At, last)
		}
		last = f.At
	}
	return last
}

// BenchmarkTimeline measures the receive path per 20 ms packet (reorder,
// decode, timeline, framing) against decoding alone, the baseline it adds
// to.
func BenchmarkTimeline(b *testing.B) {
	_, packets := encodeClip(b, speechClipPath(b))
	b.Run("decode only (baseline)", func(b *testing.B) {
		dec, err := voice.NewOpusDecoder()
		if err != nil {
			b.Fatal(err)
		}
		for i := 0; b.Loop(); i++ {
			if _, err := dec.Decode(packets[i%len(packets)]); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("reorder, decode, timeline and framer", func(b *testing.B) {
		m := newTimeline(b, 1024)
		for i := 0; b.Loop(); i++ {
			m.push(uint16(i), uint32(i*960), packets[i%len(packets)])
			drain(m)
		}
	})
}
