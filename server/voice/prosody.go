package voice

import (
	"math"
	"slices"
)

// Contour is how the voice moved over the end of a stretch of speech.
type Contour int

const (
	ContourUnknown Contour = iota // too little voiced audio to tell
	ContourFalling                // pitch (or, unpitched, energy) fell: a statement ends
	ContourLevel                  // held: a filler, a list item, a thought in progress
	ContourRising                 // pitch rose: a question, or "and…" with more to come
)

func (c Contour) String() string {
	switch c {
	case ContourFalling:
		return "falling"
	case ContourLevel:
		return "level"
	case ContourRising:
		return "rising"
	}
	return "unknown"
}

// Prosody is the slope of pitch and energy over the end of speech.
type Prosody struct {
	// PitchSlope in semitones per second over the pitched frames, and how
	// many frames had a pitch.
	PitchSlope   float64
	PitchFrames  int
	EnergySlope  float64 // dB per second over the frames above the floor
	EnergyFrames int
	// FinalPitch is the median pitch (semitones re 100 Hz) of the pitched
	// frames in the last finalSpan, and FinalFrames how many there were:
	// where the voice came to rest, for PitchRange.Level.
	FinalPitch  float64
	FinalFrames int
}

// Pitch search range and thresholds. 70-400 Hz covers adult speaking
// voices (male about 85-180 Hz, female about 165-255 Hz, with excursions).
const (
	minPitchHz = 70
	maxPitchHz = 400
	// A normalised autocorrelation peak under this is unvoiced or noise
	// (YIN and Praat use similar voicing thresholds, 0.45 in Praat).
	voicingThreshold = 0.45
	// A final fall of about 2 semitones over half a second marks a
	// declarative end in English ('t Hart, Collier and Cohen, "A
	// perceptual study of intonation", 1990, model final falls of 2-6
	// st); 4 st/s over the last half second is that fall.
	contourSlope = 4.0
	// Without pitch, an energy decay of 12 dB/s over the last half second
	// is a trailing-off end.
	energyFall = -12.0
	minFrames  = 5
	// finalSpan is how much of the end the resting pitch is read over:
	// about the last syllable.
	finalSpan = 0.35
)

// EstimateProsody measures the pitch and energy slopes of pcm (16 kHz),
// which should be the last half second or so of speech, ending at its
// last voiced frame. Pitch comes from the normalised autocorrelation of
// 40 ms windows every 20 ms; slopes are least-squares fits.
func EstimateProsody(pcm []int16) Prosody {
	const win = 2 * FrameSamples
	var p Prosody
	var pt, pv, et, ev []float64
	for at := 0; at+win <= len(pcm); at += FrameSamples {
		w := pcm[at : at+win]
		t := float64(at+win/2) / SampleRate
		e := energyDB(w)
		if e < -60 {
			continue
		}
		et, ev = append(et, t), append(ev, e)
		if f0, ok := pitchOf(w); ok {
			pt, pv = append(pt, t), append(pv, 12*math.Log2(f0/100))
		}
	}
	p.PitchFrames, p.EnergyFrames = len(pt), len(et)
	end := float64(len(pcm)) / SampleRate
	var final []float64
	for i, t := range pt {
		if t > end-finalSpan {
			final = append(final, pv[i])
		}
	}
	if p.FinalFrames = len(final); p.FinalFrames > 0 {
		slices.Sort(final)
		p.FinalPitch = final[len(final)/2]
	}
	if len(pt) >= minFrames {
		p.PitchSlope = slope(pt, pv)
	}
	if len(et) >= minFrames {
		p.EnergySlope = slope(et, ev)
	}
	return p
}

// Contour classifies the slopes.
func (p Prosody) Contour() Contour {
	if p.PitchFrames >= minFrames {
		switch {
		case p.PitchSlope <= -contourSlope:
			return ContourFalling
		case p.PitchSlope >= contourSlope:
			return ContourRising
		}
		if p.EnergyFrames >= minFrames && p.EnergySlope <= 2*energyFall {
			return ContourFalling
		}
		return ContourLevel
	}
	if p.EnergyFrames >= minFrames {
		if p.EnergySlope <= energyFall {
			return ContourFalling
		}
		return ContourLevel
	}
	return ContourUnknown
}

// pitchOf returns the fundamental of w in Hz if w is voiced. It takes the
// first lag whose normalised autocorrelation comes within 10% of the best,
// which avoids locking onto a subharmonic (an octave too low).
func pitchOf(w []int16) (float64, bool) {
	// A stack buffer for the usual 40 ms window: this runs on every
	// voiced frame of a session.
	var buf [2*FrameSamples + 1]float64
	x := buf[:0]
	if len(w)+1 > len(buf) {
		x = make([]float64, 0, len(w)+1)
	}
	var mean float64
	for _, v := range w {
		mean += float64(v)
	}
	mean /= float64(len(w))
	for _, v := range w {
		x = append(x, float64(v)-mean)
	}
	// cum[i] is the energy of x[:i], so each lag's two energies are two
	// subtractions and the lag loop does one multiply-add per sample.
	var cumBuf [2*FrameSamples + 1]float64
	cum := cumBuf[:0]
	if len(x)+1 > len(cumBuf) {
		cum = make([]float64, 0, len(x)+1)
	}
	cum = append(cum, 0)
	for _, v := range x {
		cum = append(cum, cum[len(cum)-1]+v*v)
	}
	n := len(x)
	minLag, maxLag := SampleRate/maxPitchHz, SampleRate/minPitchHz
	if maxLag >= n/2 {
		maxLag = n/2 - 1
	}
	var rBuf [SampleRate/minPitchHz + 1]float64
	r := rBuf[:0]
	if maxLag+1 > len(rBuf) {
		r = make([]float64, 0, maxLag+1)
	}
	r = r[:maxLag+1]
	best := 0.0
	for lag := minLag; lag <= maxLag; lag++ {
		var num float64
		for i, v := range x[:n-lag] {
			num += v * x[i+lag]
		}
		e0, e1 := cum[n-lag], cum[n]-cum[lag]
		if e0 == 0 || e1 == 0 {
			continue
		}
		r[lag] = num / math.Sqrt(e0*e1)
		best = max(best, r[lag])
	}
	if best < voicingThreshold {
		return 0, false
	}
	for lag := minLag + 1; lag < maxLag; lag++ {
		if r[lag] >= 0.9*best && r[lag] >= r[lag-1] && r[lag] >= r[lag+1] {
			// Parabolic interpolation around the peak for sub-sample lag.
			a, b, c := r[lag-1], r[lag], r[lag+1]
			d := 0.0
			if den := a - 2*b + c; den != 0 {
				d = 0.5 * (a - c) / den
			}
			return SampleRate / (float64(lag) + d), true
		}
	}
	return 0, false
}

func energyDB(w []int16) float64 {
	var s float64
	for _, v := range w {
		s += float64(v) * float64(v)
	}
	ms := s / float64(len(w)) / (32768.0 * 32768.0)
	if ms <= 1e-10 {
		return silenceDB
	}
	return 10 * math.Log10(ms)
}

// slope is the least-squares slope of y over x.
func slope(x, y []float64) float64 {
	n := float64(len(x))
	var sx, sy, sxx, sxy float64
	for i := range x {
		sx += x[i]
		sy += y[i]
		sxx += x[i] * x[i]
		sxy += x[i] * y[i]
	}
	den := n*sxx - sx*sx
	if den == 0 {
		return 0
	}
	return (n*sxy - sx*sy) / den
}

// PitchRange is a speaker's pitch so far (the last rangeKeep pitched
// frames, in semitones), so the end of an utterance can be placed in the
// speaker's own range: a statement that ends a turn falls to near the
// bottom of it, a voice held mid-range promises more (Gravano and
// Hirschberg, "Turn-taking cues in task-oriented dialogue", 2011: a
// lower final pitch level is a turn-yielding cue, a plateau a
// turn-holding one). Word cues cannot tell when the recogniser drops the
// "and" or the "um"; this can. The zero value is empty and ready.
type PitchRange struct {
	st   []float32
	next int // where the next value goes once st is full
}

const (
	// rangeKeep pitched frames are about a minute of voice: the range
	// follows the speaker's voice of this session, not of the first words.
	rangeKeep = 3000
	// rangeMin pitched frames (about a second of voice) before a level
	// is read: the first words give no range to place anything in.
	rangeMin = 40
	// rangeTie: values this close (semitones) to the one placed count as
	// level with it, half below, so a steady voice reads mid-range and
	// not at an edge by a rounding error of the pitch tracker.
	rangeTie = 0.5
	// rangeSpread is the least spread (semitones, 10th to 90th percentile)
	// a range needs before a level is read; speaking voices span several
	// semitones, a flat tone or a monotone reader none.
	rangeSpread = 2.0
)

// Add measures the pitch of one window (two frames, 40 ms) and counts it
// if the window is voiced.
func (r *PitchRange) Add(w []int16) {
	f0, ok := pitchOf(w)
	if !ok {
		return
	}
	r.add(float32(12 * math.Log2(f0/100)))
}

// add counts one pitch in semitones.
func (r *PitchRange) add(v float32) {
	if len(r.st) < rangeKeep {
		r.st = append(r.st, v)
		return
	}
	r.st[r.next] = v
	r.next = (r.next + 1) % rangeKeep
}

// Level is the share of the speaker's pitched frames below st, from 0 at
// the bottom of the range to 1 at the top; ok is false until the range
// has rangeMin frames spread over rangeSpread semitones.
func (r *PitchRange) Level(st float64) (float64, bool) {
	if len(r.st) < rangeMin {
		return 0, false
	}
	sorted := slices.Clone(r.st)
	slices.Sort(sorted)
	if n := len(sorted); float64(sorted[n*9/10]-sorted[n/10]) < rangeSpread {
		return 0, false // a monotone voice: no range to place anything in
	}
	below := 0.0
	for _, v := range r.st {
		switch d := float64(v) - st; {
		case d < -rangeTie:
			below++
		case d <= rangeTie:
			below += 0.5
		}
	}
	return below / float64(len(r.st)), true
}
