package voice

import (
	"math"
	"time"
)

// VADConfig tunes the energy voice-activity detector. Zero fields take the
// defaults of DefaultVADConfig.
type VADConfig struct {
	// Margin is how far above the noise floor, in dB, a frame must be to
	// count as voiced.
	Margin float64
	// Hysteresis lowers the threshold by this many dB while speech is on,
	// so the soft ends of words do not chop an utterance.
	Hysteresis float64
	// MinLevel is the quietest level, in dBFS, that can ever be speech; it
	// keeps faint noise over digital silence from counting.
	MinLevel float64
	// OnsetFrames voiced frames in a row start speech.
	OnsetFrames int
	// HangoverFrames unvoiced frames in a row end it.
	HangoverFrames int
	// FloorWindow is how far back the noise floor looks for its minimum:
	// speech always has pauses between phrases within a few seconds, a
	// steady hum or fan does not, so after at most this long a steady
	// noise becomes the floor.
	FloorWindow time.Duration
	// FloorRise is the time constant with which the floor climbs to a
	// higher window minimum (it falls at once).
	FloorRise time.Duration
}

// DefaultVADConfig returns defaults tuned on the human clips in
// shared/testdata/speech.
func DefaultVADConfig() VADConfig {
	return VADConfig{
		Margin:     9,
		Hysteresis: 3,
		// Browser capture with auto gain puts speech around -30 to -15
		// dBFS; -55 is well under a quiet talker and over a quiet room.
		MinLevel: -55,
		// Pipecat's VAD waits start_secs 0.2 s before declaring speech;
		// we declare after 60 ms because the Listener keeps a lead-in
		// anyway and an earlier SpeechStart makes barge-in snappier.
		OnsetFrames: 3,
		// 100 ms bridges the stop closures inside words; the Listener's
		// UtteranceEnd decides when a pause is a pause.
		HangoverFrames: 5,
		// Minimum statistics over a few seconds (Martin 2001, "Noise power
		// spectral density estimation based on optimal smoothing and
		// minimum statistics", uses windows of about 1.5 s; we look
		// longer because interview speech runs on).
		FloorWindow: 3 * time.Second,
		FloorRise:   time.Second,
	}
}

func (c VADConfig) withDefaults() VADConfig {
	d := DefaultVADConfig()
	if c.Margin == 0 {
		c.Margin = d.Margin
	}
	if c.Hysteresis == 0 {
		c.Hysteresis = d.Hysteresis
	}
	if c.MinLevel == 0 {
		c.MinLevel = d.MinLevel
	}
	if c.OnsetFrames <= 0 {
		c.OnsetFrames = d.OnsetFrames
	}
	if c.HangoverFrames <= 0 {
		c.HangoverFrames = d.HangoverFrames
	}
	if c.FloorWindow <= 0 {
		c.FloorWindow = d.FloorWindow
	}
	if c.FloorRise <= 0 {
		c.FloorRise = d.FloorRise
	}
	return c
}

// silenceDB is the level reported for digital silence, where log10 of zero
// energy would be -Inf.
const silenceDB = -100.0

// floorBlocks is how many sub-windows the minimum tracker keeps: the floor
// window slides in steps of FloorWindow/floorBlocks.
const floorBlocks = 6

// VAD is an energy voice-activity detector on 20 ms frames with an
// adaptive noise floor. A 100 Hz high-pass removes DC offset and most of
// mains hum before measuring. It cannot tell speech from other loud sound
// (a full-scale square wave is "speech" until the floor catches up); the
// recogniser returns no words for such audio and the Listener drops empty
// utterances. Not safe for concurrent use.
type VAD struct {
	cfg VADConfig

	hp biquad

	floor     float64
	started   bool
	blockMin  []float64 // minimum level of each finished block, oldest first
	curMin    float64   // minimum of the block being filled
	curFrames int
	perBlock  int
	riseAlpha float64

	speech bool
	voiced bool // the last frame, on its own, was above the threshold
	onset  int  // voiced frames in a row
	offset int  // unvoiced frames in a row while speech is on
}

// NewVAD returns a VAD; zero fields of cfg take DefaultVADConfig values.
func NewVAD(cfg VADConfig) *VAD {
	cfg = cfg.withDefaults()
	per := max(1, int(cfg.FloorWindow/FrameDur)/floorBlocks)
	return &VAD{
		cfg:       cfg,
		hp:        highPass(100, SampleRate),
		perBlock:  per,
		curMin:    math.Inf(1),
		riseAlpha: 1 - math.Exp(-float64(FrameDur)/float64(cfg.FloorRise)),
	}
}

// Process classifies one frame and returns whether speech is on after it
// and the frame's level in dBFS (after the high-pass; -100 for silence).
// Frames shorter or longer than FrameSamples are measured as they are.
func (v *VAD) Process(f Frame) (speech bool, level float64) {
	level, zeros := v.level(f.PCM)
	// Digital silence is what fills lost packets, DTX gaps and a muted
	// track, not the room: letting it (or a frame half made of it) pull
	// the floor down would make the room's noise look like speech when
	// packets resume. A microphone's own noise is almost never exactly
	// zero for a quarter of a frame above -90 dBFS.
	if zeros < len(f.PCM)/4 {
		v.trackFloor(level)
	}

	threshold := v.floor + v.cfg.Margin
	if v.speech {
		threshold -= v.cfg.Hysteresis
	}
	voiced := level > threshold && level > v.cfg.MinLevel
	v.voiced = voiced

	if v.speech {
		if voiced {
			v.offset = 0
		} else if v.offset++; v.offset >= v.cfg.HangoverFrames {
			v.speech = false
			v.offset = 0
			v.onset = 0
		}
	} else {
		if voiced {
			v.onset++
		} else {
			v.onset = 0
		}
		if v.onset >= v.cfg.OnsetFrames {
			v.speech = true
			v.offset = 0
		}
	}
	return v.speech, level
}

// Floor returns the current noise floor estimate in dBFS.
func (v *VAD) Floor() float64 { return v.floor }

// Voiced reports whether the last frame was itself loud enough for speech,
// before onset and hangover smoothing: the last voiced frame is the true
// end of speech the turn clock starts from.
func (v *VAD) Voiced() bool { return v.voiced }

// Speaking reports whether speech is on, without processing a frame.
func (v *VAD) Speaking() bool { return v.speech }

// level returns the high-passed level in dBFS and how many samples were
// exactly zero.
func (v *VAD) level(pcm []int16) (float64, int) {
	if len(pcm) == 0 {
		return silenceDB, 0
	}
	var sum float64
	zeros := 0
	for _, s := range pcm {
		if s == 0 {
			zeros++
		}
		y := v.hp.step(float64(s))
		sum += y * y
	}
	ms := sum / float64(len(pcm)) / (32768.0 * 32768.0)
	if ms <= 1e-10 {
		return silenceDB, zeros
	}
	return 10 * math.Log10(ms), zeros
}

// trackFloor keeps the minimum level over the last FloorWindow in blocks
// and moves the floor towards it: down at once, up with time constant
// FloorRise.
func (v *VAD) trackFloor(level float64) {
	v.curMin = min(v.curMin, level)
	v.curFrames++
	if v.curFrames >= v.perBlock {
		v.blockMin = append(v.blockMin, v.curMin)
		if len(v.blockMin) > floorBlocks {
			v.blockMin = v.blockMin[1:]
		}
		v.curMin = math.Inf(1)
		v.curFrames = 0
	}
	winMin := v.curMin
	for _, m := range v.blockMin {
		winMin = min(winMin, m)
	}
	switch {
	case !v.started:
		v.floor = winMin
		v.started = true
	case winMin < v.floor:
		v.floor = winMin
	default:
		v.floor += (winMin - v.floor) * v.riseAlpha
	}
}

// biquad is a direct-form-I second-order IIR section.
type biquad struct {
	b0, b1, b2, a1, a2 float64
	x1, x2, y1, y2     float64
}

// highPass designs a Butterworth high-pass (Q = 1/sqrt 2) with the RBJ
// Audio EQ Cookbook formulas (Robert Bristow-Johnson).
func highPass(cutoffHz, rate float64) biquad {
	w := 2 * math.Pi * cutoffHz / rate
	alpha := math.Sin(w) / (2 * (1 / math.Sqrt2)) // sin(w)/(2Q)
	cw := math.Cos(w)
	a0 := 1 + alpha
	return biquad{
		b0: (1 + cw) / 2 / a0,
		b1: -(1 + cw) / a0,
		b2: (1 + cw) / 2 / a0,
		a1: -2 * cw / a0,
		a2: (1 - alpha) / a0,
	}
}

func (b *biquad) step(x float64) float64 {
	y := b.b0*x + b.b1*b.x1 + b.b2*b.x2 - b.a1*b.y1 - b.a2*b.y2
	b.x2, b.x1 = b.x1, x
	b.y2, b.y1 = b.y1, y
	return y
}
