package voice

// G.711 µ-law, as in the Sun Microsystems reference g711.c (public domain)
// that most implementations copy: 14-bit magnitude with a bias of 0x84 (33
// in 14-bit units, shifted to 16-bit input), eight segments, all bits
// inverted so that silence is 0xFF.
const (
	muLawBias = 0x84
	muLawClip = 32635 // largest magnitude before the bias overflows segment 7
)

// EncodeMuLaw converts 16-bit linear PCM to G.711 µ-law bytes, one per
// sample (PCMU, RTP payload type 0).
func EncodeMuLaw(pcm []int16) []byte {
	out := make([]byte, len(pcm))
	for i, s := range pcm {
		out[i] = muLawEncode(s)
	}
	return out
}

// DecodeMuLaw converts G.711 µ-law bytes to 16-bit linear PCM.
func DecodeMuLaw(ulaw []byte) []int16 {
	out := make([]int16, len(ulaw))
	for i, u := range ulaw {
		out[i] = muLawDecode(u)
	}
	return out
}

func muLawEncode(s int16) byte {
	v := int(s)
	mask := byte(0xFF)
	if v < 0 {
		// The reference negates after adding the bias, so -1 and 0 land
		// in mirrored codes (0x7F and 0xFF).
		v = -v
		mask = 0x7F
	}
	v = min(v, muLawClip) + muLawBias
	seg := 0
	for t := v >> 8; t > 0 && seg < 7; t >>= 1 {
		seg++
	}
	code := byte(seg<<4) | byte(v>>(seg+3))&0x0F
	return code ^ mask
}

func muLawDecode(u byte) int16 {
	u = ^u
	t := (int(u&0x0F)<<3 + muLawBias) << ((u & 0x70) >> 4)
	if u&0x80 != 0 {
		return int16(muLawBias - t)
	}
	return int16(t - muLawBias)
}
