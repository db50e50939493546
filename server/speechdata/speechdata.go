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
	"testing"
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

// Normalize makes reference and hypothesis comparable: lower case, no
// punctuation or apostrophes, and the spellings the manifest README warns
// about ("mister"/"mr", MFA's "yknow", "hm").
func Normalize(s string) []string {
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

// EditDistance is the word-level Levenshtein distance.
func EditDistance(ref, hyp []string) int {
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

// WER is the word error rate of hyp against ref after Normalize.
func WER(ref, hyp string) float64 {
	r := Normalize(ref)
	if len(r) == 0 {
		return 0
	}
	return float64(EditDistance(r, Normalize(hyp))) / float64(len(r))
}

// Unavailable stops a test that cannot run here because err says what it
// needs is missing: a skip on a developer's machine, a failure under
// CI=true, where a skipped test would pass without having run.
func Unavailable(tb testing.TB, err error) {
	tb.Helper()
	if os.Getenv("CI") == "true" {
		tb.Fatalf("needed under CI=true: %v", err)
	}
	tb.Skip(err)
}
