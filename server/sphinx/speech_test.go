package sphinx

import (
	"encoding/binary"
	"errors"
	"fmt"
	"github.com/mockloop/mockloop/server/speechdata"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// speechDir holds the shared human-speech clips; espeak audio decodes to
// gibberish in pocketsphinx, so recognition is only tested on real voices.
var speechDir, speechDirErr = speechdata.Dir()

type clip struct {
	file       string
	seconds    float64
	transcript string
}

// loadManifest reads the clips and their reference transcripts.
func loadManifest(tb testing.TB) []clip {
	tb.Helper()
	if speechDirErr != nil {
		tb.Skip(speechDirErr)
	}
	all, err := speechdata.Manifest(speechDir)
	if err != nil {
		tb.Fatal(err)
	}
	clips := make([]clip, 0, len(all))
	for _, c := range all {
		clips = append(clips, clip{file: filepath.Base(c.File), seconds: c.Seconds, transcript: c.Transcript})
	}
	return clips
}

// readWAV16k reads a 16 kHz mono 16-bit PCM WAV file, walking the RIFF
// chunks so extra chunks (LIST) are skipped.
func readWAV16k(path string) ([]int16, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(b) < 12 || string(b[0:4]) != "RIFF" || string(b[8:12]) != "WAVE" {
		return nil, errors.New("not a RIFF/WAVE file")
	}
	var fmtOK bool
	for p := 12; p+8 <= len(b); {
		id, size := string(b[p:p+4]), int(binary.LittleEndian.Uint32(b[p+4:p+8]))
		body := b[p+8:]
		if size > len(body) {
			size = len(body)
		}
		body = body[:size]
		switch id {
		case "fmt ":
			if len(body) < 16 {
				return nil, errors.New("short fmt chunk")
			}
			format, ch := binary.LittleEndian.Uint16(body[0:2]), binary.LittleEndian.Uint16(body[2:4])
			rate, bits := binary.LittleEndian.Uint32(body[4:8]), binary.LittleEndian.Uint16(body[14:16])
			if format != 1 || ch != 1 || rate != SampleRate || bits != 16 {
				return nil, fmt.Errorf("want 16 kHz mono 16-bit PCM, got format %d, %d ch, %d Hz, %d bits", format, ch, rate, bits)
			}
			fmtOK = true
		case "data":
			if !fmtOK {
				return nil, errors.New("data before fmt")
			}
			pcm := make([]int16, len(body)/2)
			for i := range pcm {
				pcm[i] = int16(binary.LittleEndian.Uint16(body[2*i:]))
			}
			return pcm, nil
		}
		p += 8 + size + size&1
	}
	return nil, errors.New("no data chunk")
}

// normalize makes reference and hypothesis comparable: lower case, no
// punctuation or apostrophes, and the spellings the manifest README warns
// about ("mister"/"mr", MFA's "yknow", "hm").
func normalize(s string) []string {
	s = strings.ToLower(s)
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '\'' || r == '\u2019':
			// "i'm" and "im" are the same word for scoring.
		default:
			b.WriteByte(' ')
		}
	}
	var out []string
	for _, w := range strings.Fields(b.String()) {
		switch w {
		case "mister":
			w = "mr"
		case "yknow":
			out = append(out, "you")
			w = "know"
		case "hm", "mm":
			w = "hmm"
		}
		out = append(out, w)
	}
	return out
}

// editDistance is the word-level Levenshtein distance.
func editDistance(ref, hyp []string) int {
	prev := make([]int, len(hyp)+1)
	cur := make([]int, len(hyp)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ref); i++ {
		cur[0] = i
		for j := 1; j <= len(hyp); j++ {
			sub := prev[j-1]
			if ref[i-1] != hyp[j-1] {
				sub++
			}
			cur[j] = min(sub, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	return prev[len(hyp)]
}

func TestEditDistance(t *testing.T) {
	tests := []struct {
		name     string
		ref, hyp string
		want     int
	}{
		{"identical texts have no errors", "a b c", "a b c", 0},
		{"one substitution counts once", "a b c", "a x c", 1},
		{"a deletion counts once", "a b c", "a c", 1},
		{"an insertion counts once", "a b", "a x b", 1},
		{"an empty hypothesis deletes every word", "a b c", "", 3},
		{"case, punctuation and mister are normalised away", "MISTER Quilter, y'know!", "mr quilter yknow", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := editDistance(normalize(tt.ref), normalize(tt.hyp)); got != tt.want {
				t.Errorf("editDistance(%q, %q) = %d, want %d", tt.ref, tt.hyp, got, tt.want)
			}
		})
	}
}
