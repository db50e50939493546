package main

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// TestBenchTurnsPlaysBothPolicies runs the end-of-turn benchmark on one
// finished human clip, so a change that breaks the benchmark, or the
// policies' figures on it, shows in make test rather than in the next
// README update.
func TestBenchTurnsPlaysBothPolicies(t *testing.T) {
	t.Parallel()
	dir := filepath.Dir(speechFile(t, "ljspeech_LJ001-0005.wav"))
	var out, errs bytes.Buffer
	args := []string{"-speech-dir", dir, "-n", "0", "-json", "-cache", t.TempDir(), "-only", "ljspeech_LJ001-0005"}
	if code := runBenchTurns(context.Background(), args, &out, &errs); code != 0 {
		t.Fatalf("bench turns exited %d: %s", code, errs.String())
	}
	var got []turnOutcome
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("bench turns -json printed %q: %v", out.String(), err)
	}
	byPolicy := map[string]turnOutcome{}
	for _, o := range got {
		byPolicy[o.Policy] = o
	}
	interview, silence := byPolicy["interview"], byPolicy["silence"]
	if len(got) != 2 || interview.Item != "human/ljspeech_LJ001-0005" || silence.Item != interview.Item {
		t.Fatalf("outcomes %+v, want the one clip under both policies", got)
	}
	if !strings.Contains(interview.Text, "printing") {
		t.Errorf("transcript %q lacks the clip's last word", interview.Text)
	}
	// A finished sentence that falls at its end: the interview policy
	// answers in about 0.8 s, the silence rule after 2.5 s.
	if interview.WaitMS < 0 || interview.WaitMS > 1500 || silence.WaitMS < 2000 {
		t.Errorf("wait after the finished answer: interview %.0f ms, silence %.0f ms; want under 1.5 s and over 2 s", interview.WaitMS, silence.WaitMS)
	}
}
