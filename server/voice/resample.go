package voice

import "math"

// Resample converts mono 16-bit PCM from fromRate to toRate with a
// polyphase windowed-sinc FIR: upsample by L, low-pass, keep every M-th
// sample, where L/M is toRate/fromRate in lowest terms (16000->8000 is
// 1/2, 24000->8000 is 1/3, espeak-ng's 22050->8000 is 160/441). The
// low-pass passes up to 85% of the lower Nyquist rate and is a Kaiser
// window with beta 8 (about 80 dB stopband; Kaiser and Schafer, "On the
// use of the I0-sinh window for spectrum analysis", 1980), so content
// above the new Nyquist rate is removed rather than folded back as
// aliases. The output has len(pcm)*toRate/fromRate samples (rounded down)
// and is aligned with the input (the filter's delay is compensated).
func Resample(pcm []int16, fromRate, toRate int) []int16 {
	if fromRate <= 0 || toRate <= 0 || len(pcm) == 0 {
		return nil
	}
	if fromRate == toRate {
		return append([]int16(nil), pcm...)
	}
	r := newResampler(pcm, fromRate, toRate)
	out := make([]int16, r.Len())
	r.Fill(out, 0)
	return out
}

// resampler computes Resample's output a piece at a time: each output
// sample depends only on the input around it, so a Speaker can make the
// first 20 ms frame without resampling the whole sentence first (about
// 60 ms for 5 s of speech here), and the pieces join without seams.
type resampler struct {
	src      []int16
	up, down int
	f        lowPass
	same     bool
}

func newResampler(pcm []int16, fromRate, toRate int) *resampler {
	if fromRate == toRate {
		return &resampler{src: pcm, up: 1, down: 1, same: true}
	}
	g := gcd(fromRate, toRate)
	up, down := toRate/g, fromRate/g
	return &resampler{src: pcm, up: up, down: down, f: designLowPass(up, down)}
}

// Len is the number of output samples.
func (r *resampler) Len() int { return len(r.src) * r.up / r.down }

// Fill writes output samples start, start+1, ... into out, stopping at
// Len; it returns how many it wrote.
func (r *resampler) Fill(out []int16, start int) int {
	n := min(len(out), r.Len()-start)
	if n <= 0 {
		return 0
	}
	if r.same {
		return copy(out[:n], r.src[start:])
	}
	half := r.f.half // taps either side of the centre, at the input rate
	for o := range n {
		i := start + o
		// Output sample i sits at input time i*down/up.
		pos := i * r.down
		base := pos / r.up
		phase := pos % r.up
		var acc float64
		// The sum over input samples j near base of x[j]*h(t - j).
		for j := max(base-half+1, 0); j <= base+half && j < len(r.src); j++ {
			// Distance from the output instant to input j in units of
			// the upsampled rate.
			k := (j-base)*r.up - phase
			acc += float64(r.src[j]) * r.f.at(k)
		}
		out[o] = clip16(acc)
	}
	return n
}

// lowPass is a windowed-sinc prototype sampled at the upsampled rate,
// symmetric about zero, stored for offsets 0..len-1.
type lowPass struct {
	taps []float64 // taps[|k|], gain already includes the factor up
	half int       // input-rate half length
}

func (f lowPass) at(k int) float64 {
	if k < 0 {
		k = -k
	}
	if k >= len(f.taps) {
		return 0
	}
	return f.taps[k]
}

// designLowPass returns the anti-alias / anti-image filter for a ratio
// up/down, with 16 zero crossings of the sinc on each side of the centre.
func designLowPass(up, down int) lowPass {
	const (
		zeroCrossings = 16
		beta          = 8.0
		passFraction  = 0.85
	)
	// Cutoff relative to the upsampled rate's Nyquist frequency.
	cutoff := passFraction / float64(max(up, down))
	halfUp := int(math.Ceil(zeroCrossings / cutoff)) // taps each side at the upsampled rate
	taps := make([]float64, halfUp+1)
	i0b := besselI0(beta)
	for k := range taps {
		x := float64(k) * cutoff
		sinc := 1.0
		if k != 0 {
			sinc = math.Sin(math.Pi*x) / (math.Pi * x)
		}
		r := float64(k) / float64(halfUp)
		w := besselI0(beta*math.Sqrt(max(0, 1-r*r))) / i0b
		// Gain cutoff for unit DC gain of the ideal low-pass, times up to
		// make up for the zeros inserted by upsampling.
		taps[k] = cutoff * sinc * w * float64(up)
	}
	return lowPass{taps: taps, half: halfUp/up + 1}
}

// besselI0 is the zeroth-order modified Bessel function of the first kind,
// by its power series (converges fast for the arguments a Kaiser window
// uses).
func besselI0(x float64) float64 {
	sum, term := 1.0, 1.0
	for k := 1; k < 50; k++ {
		term *= (x / (2 * float64(k))) * (x / (2 * float64(k)))
		sum += term
		if term < 1e-12*sum {
			break
		}
	}
	return sum
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

func clip16(v float64) int16 {
	v = math.Round(v)
	switch {
	case v > math.MaxInt16:
		return math.MaxInt16
	case v < math.MinInt16:
		return math.MinInt16
	}
	return int16(v)
}
