package voice

import "time"

// Framer cuts decoded PCM of any length (Opus packets may hold 10 to 120
// ms) into exact 20 ms Frames and stamps each with its stream time, so the
// stages after it only ever see whole frames. It is not safe for concurrent
// use.
type Framer struct {
	buf  []int16       // carried over: fewer than FrameSamples samples
	next time.Duration // stream time of the first sample in buf
}

// NewFramer returns a Framer whose stream time starts at zero.
func NewFramer() *Framer {
	return &Framer{buf: make([]int16, 0, FrameSamples)}
}

// Push appends pcm and returns the whole frames now available. Each Frame
// has its own slice; pcm is not retained.
func (f *Framer) Push(pcm []int16) []Frame {
	var out []Frame
	for len(pcm) > 0 {
		n := min(FrameSamples-len(f.buf), len(pcm))
		f.buf = append(f.buf, pcm[:n]...)
		pcm = pcm[n:]
		if len(f.buf) == FrameSamples {
			out = append(out, Frame{PCM: f.buf, At: f.next})
			f.next += FrameDur
			f.buf = make([]int16, 0, FrameSamples)
		}
	}
	return out
}

// Silence appends d of digital silence (rounded to whole samples) for lost
// or missing packets and returns the frames now available, keeping stream
// time continuous.
func (f *Framer) Silence(d time.Duration) []Frame {
	n := durSamples(d)
	if n <= 0 {
		return nil
	}
	return f.Push(make([]int16, n))
}

// Buffered returns how many samples wait for the next frame.
func (f *Framer) Buffered() int { return len(f.buf) }
