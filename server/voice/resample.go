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
	g := gcd(fromRate, toRate)
	up, down := toRate/g, fromRate/g
	f := designLowPass(up, down)

	n := len(pcm) * up / down
	out := make([]int16, n)
	half := f.half // taps either side of the centre, at the input rate
	for i := range n {
		// Output sample i sits at input time i*down/up.
		pos := i * down
		base := pos / up
		phase := pos % up
		var acc float64
		// h[k*up - phase] for input x[base-k]... written as the sum over
		// input samples j near base of x[j]*h(t - j).
		for j := base - half + 1; j <= base+half; j++ {
			if j < 0 || j >= len(pcm) {
				continue
			}
			// Distance from the output instant to input j in units of
			// the upsampled rate.
			k := (j-base)*up - phase
			acc += float64(pcm[j]) * f.at(k)
		}
		out[i] = clip16(acc)
	}
	return out
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
