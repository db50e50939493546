package voice

import (
	"testing"
	"time"
)

func TestFramer(t *testing.T) {
	tests := []struct {
		name    string
		pushes  []int // samples per push; negative means Silence of that many samples
		frames  int
		pending int
	}{
		{"one 20 ms packet makes one frame", []int{320}, 1, 0},
		{"10 ms packets pair up", []int{160, 160, 160}, 1, 160},
		{"a 60 ms packet makes three frames", []int{960}, 3, 0},
		{"odd sizes carry the remainder", []int{100, 300, 250}, 2, 10},
		{"silence completes a partial frame", []int{100, -540}, 2, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := NewFramer()
			var got []Frame
			sample := int16(0)
			for _, n := range tt.pushes {
				if n < 0 {
					got = append(got, f.Silence(samplesDur(-n))...)
					continue
				}
				pcm := make([]int16, n)
				for i := range pcm {
					sample++
					pcm[i] = sample
				}
				got = append(got, f.Push(pcm)...)
			}
			if len(got) != tt.frames {
				t.Fatalf("got %d frames, want %d", len(got), tt.frames)
			}
			if f.Buffered() != tt.pending {
				t.Fatalf("buffered %d samples, want %d", f.Buffered(), tt.pending)
			}
			want := int16(1)
			for i, fr := range got {
				if len(fr.PCM) != FrameSamples {
					t.Fatalf("frame %d has %d samples", i, len(fr.PCM))
				}
				if fr.At != time.Duration(i)*FrameDur {
					t.Fatalf("frame %d at %v, want %v", i, fr.At, time.Duration(i)*FrameDur)
				}
				// Samples come out in order, none lost or repeated.
				for _, s := range fr.PCM {
					if s == 0 {
						continue
					}
					if s != want {
						t.Fatalf("frame %d: sample %d, want %d", i, s, want)
					}
					want++
				}
			}
		})
	}
}

func TestFramerFramesDoNotShareMemory(t *testing.T) {
	f := NewFramer()
	in := make([]int16, 640)
	out := f.Push(in)
	out[0].PCM[0] = 7
	if out[1].PCM[0] == 7 || in[0] == 7 {
		t.Fatal("a frame aliases another frame or the input")
	}
}
