package sphinx

import (
	"encoding/binary"
	"errors"
	"fmt"
	"github.com/mockloop/mockloop/server/speechdata"
	"os"
	"path/filepath"
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
