// Package speechdata finds the shared human speech recordings used by the
// tests and benchmarks: ../shared/testdata/speech beside the repository (see
// its README), or the folder named by MOCKLOOP_SPEECH_DIR.
package speechdata

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// EnvDir names an environment variable that overrides the search.
const EnvDir = "MOCKLOOP_SPEECH_DIR"

// ErrNotFound is returned when no speech folder is found.
var ErrNotFound = errors.New("speech test data not found: put shared/testdata/speech beside the repository or set " + EnvDir)

// Dir returns the speech folder, searching upwards from the working
// directory for shared/testdata/speech.
func Dir() (string, error) {
	if d := os.Getenv(EnvDir); d != "" {
		if st, err := os.Stat(d); err == nil && st.IsDir() {
			return d, nil
		}
		return "", fmt.Errorf("%s=%s: not a folder", EnvDir, d)
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := wd; ; d = filepath.Dir(d) {
		c := filepath.Join(d, "shared", "testdata", "speech")
		if st, err := os.Stat(c); err == nil && st.IsDir() {
			return c, nil
		}
		if filepath.Dir(d) == d {
			return "", ErrNotFound
		}
	}
}

// Clip is one recording with its reference transcript.
type Clip struct {
	File       string // absolute path
	Seconds    float64
	Transcript string
}

// Manifest reads manifest.tsv from dir.
func Manifest(dir string) ([]Clip, error) {
	f, err := os.Open(filepath.Join(dir, "manifest.tsv"))
	if err != nil {
		return nil, fmt.Errorf("speech manifest: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	var clips []Clip
	var col map[string]int
	for sc.Scan() {
		fields := strings.Split(sc.Text(), "\t")
		if col == nil {
			col = map[string]int{}
			for i, name := range fields {
				col[name] = i
			}
			for _, need := range []string{"file", "seconds", "transcript"} {
				if _, ok := col[need]; !ok {
					return nil, fmt.Errorf("speech manifest: no %q column", need)
				}
			}
			continue
		}
		if len(fields) < len(col) {
			continue
		}
		secs, _ := strconv.ParseFloat(fields[col["seconds"]], 64)
		clips = append(clips, Clip{File: filepath.Join(dir, fields[col["file"]]), Seconds: secs, Transcript: fields[col["transcript"]]})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("speech manifest: %w", err)
	}
	return clips, nil
}
