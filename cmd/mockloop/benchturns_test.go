package main

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestBenchTurnsPlaysBothPolicies runs the end-of-turn benchmark on one
// finished human clip, so a change that breaks the benchmark, or the
// policies' figures on it, shows in make test rather than in the next
// README update.
func TestBenchTurnsPlaysBothPolicies(t *testing.T) {
	t.Parallel()
	dir := filepath.Dir(speechFile(t, "ljspeech_LJ001-0005.wav"))
	var out, errs bytes.Buffer
	args := []string{"-speech-dir", dir, "-n", "0", "-design", "0", "-json", "-cache", t.TempDir(), "-only", "ljspeech_LJ001-0005"}
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

// TestSpeechEndIsTheLastVoicedFrame checks the benchmark's "end of speech"
// on a clip whose last word is followed by a second of breath and room
// noise that trimSilence keeps: the wait after a finished answer is
// measured from the word, as the listener's clock does, not from the
// noise.
func TestSpeechEndIsTheLastVoicedFrame(t *testing.T) {
	pcm, err := readClip(speechFile(t, "fleurs_en_007.wav"))
	if err != nil {
		t.Fatal(err)
	}
	pcm = trimSilence(pcm)
	kept := samplesToDur(len(pcm))
	end := speechEnd(addRoomTone(pcm))
	// By ear and by level (20 dB under the peak), "expressed" ends at
	// about 5.8 s of the 6.96 s file.
	if end < 5500*time.Millisecond || end > 6200*time.Millisecond {
		t.Errorf("speech end %v, want about 5.8 s", end)
	}
	if kept-end < 500*time.Millisecond {
		t.Errorf("trimSilence kept %v and the speech ends at %v: the tail this test is about is gone", kept, end)
	}
}

// TestBenchTurnsWithNothingToPlaySaysSo: an -only that matches no item is
// a usage error, not a panic on an empty percentile.
func TestBenchTurnsWithNothingToPlaySaysSo(t *testing.T) {
	dir := filepath.Dir(speechFile(t, "ljspeech_LJ001-0005.wav"))
	var out, errs bytes.Buffer
	args := []string{"-speech-dir", dir, "-n", "0", "-design", "0", "-only", "no such item"}
	if code := runBenchTurns(context.Background(), args, &out, &errs); code != 2 || !strings.Contains(errs.String(), "matches none") {
		t.Fatalf("exit %d, stderr %q; want 2 and a message", code, errs.String())
	}
}
