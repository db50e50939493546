package sphinx

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/mockloop/mockloop/server/speechdata"
	"github.com/mockloop/mockloop/server/voice"
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
		speechdata.Unavailable(tb, speechDirErr)
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

// readWAV16k reads one of the 16 kHz mono clips.
func readWAV16k(path string) ([]int16, error) {
	a, err := voice.ReadWAVFile(path)
	if err != nil {
		return nil, err
	}
	if a.SampleRate != SampleRate {
		return nil, fmt.Errorf("%s: %d Hz, want %d", path, a.SampleRate, SampleRate)
	}
	return a.PCM, nil
}
