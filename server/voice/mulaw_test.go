package voice

import (
	"math"
	"testing"
)

// Known vectors of the G.711 µ-law reference (Sun's g711.c, as used by
// SoX, Asterisk and the Linux kernel): 0 and -1 map to the two zero codes,
// full scale to the end codes, and the decoder's table starts at -32124.
func TestMuLawKnownVectors(t *testing.T) {
	enc := []struct {
		name string
		in   int16
		want byte
	}{
		{"zero is 0xFF", 0, 0xFF},
		{"minus one is the negative zero 0x7F", -1, 0x7F},
		{"positive full scale is 0x80", 32767, 0x80},
		{"negative full scale is 0x00", -32768, 0x00},
		{"the clip point is still 0x80", 32635, 0x80},
		{"a small positive value lands in segment 0", 8, 0xFE},
		{"1000 lands in segment 3", 1000, 0xCE},
		{"-1000 mirrors 1000 without the sign bit", -1000, 0x4E},
	}
	for _, tt := range enc {
		t.Run("encode: "+tt.name, func(t *testing.T) {
			if got := EncodeMuLaw([]int16{tt.in})[0]; got != tt.want {
				t.Fatalf("EncodeMuLaw(%d) = %#02x, want %#02x", tt.in, got, tt.want)
			}
		})
	}
	dec := []struct {
		name string
		in   byte
		want int16
	}{
		{"0x00 is -32124", 0x00, -32124},
		{"0x01 is -31100", 0x01, -31100},
		{"0x10 is -15996", 0x10, -15996},
		{"0x7F is zero", 0x7F, 0},
		{"0x80 is 32124", 0x80, 32124},
		{"0xFF is zero", 0xFF, 0},
		{"0xCE is 988", 0xCE, 988},
	}
	for _, tt := range dec {
		t.Run("decode: "+tt.name, func(t *testing.T) {
			if got := DecodeMuLaw([]byte{tt.in})[0]; got != tt.want {
				t.Fatalf("DecodeMuLaw(%#02x) = %d, want %d", tt.in, got, tt.want)
			}
		})
	}
}

func TestMuLawRoundTrip(t *testing.T) {
	t.Run("every code but the negative zero survives decode then encode", func(t *testing.T) {
		for c := range 256 {
			if c == 0x7F {
				continue // decodes to 0, which encodes as the positive zero
			}
			if got := EncodeMuLaw(DecodeMuLaw([]byte{byte(c)}))[0]; got != byte(c) {
				t.Fatalf("code %#02x came back as %#02x", c, got)
			}
		}
	})
	t.Run("the error stays within half a quantisation step for every sample", func(t *testing.T) {
		for v := math.MinInt16; v <= math.MaxInt16; v++ {
			got := int(DecodeMuLaw(EncodeMuLaw([]int16{int16(v)}))[0])
			mag := min(abs(v), muLawClip)
			// Step 2^(seg+3) where |v|+bias >= 2^(seg+7): half a step is at
			// most (|v|+bias)/32; beyond the clip point add the clipping.
			bound := (mag+muLawBias)/32 + abs(v) - mag
			if e := abs(got - v); e > bound {
				t.Fatalf("sample %d decoded as %d: error %d over bound %d", v, got, e, bound)
			}
		}
	})
	t.Run("the decoder is odd symmetric", func(t *testing.T) {
		for c := range 128 {
			if p, n := DecodeMuLaw([]byte{byte(c | 0x80)})[0], DecodeMuLaw([]byte{byte(c)})[0]; p != -n {
				t.Fatalf("codes %#02x and %#02x decode to %d and %d", c|0x80, c, p, n)
			}
		}
	})
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}
