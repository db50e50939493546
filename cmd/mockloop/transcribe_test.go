package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mockloop/mockloop"
	"github.com/mockloop/mockloop/server/speechdata"
	"github.com/mockloop/mockloop/server/voice"
)

// writeWAV writes pcm at rate as a mono WAV in dir.
func writeWAV(t *testing.T, dir, name string, rate int, pcm []int16) string {
	t.Helper()
	path := filepath.Join(dir, name)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := voice.WriteWAV(f, mockloop.Audio{SampleRate: rate, PCM: pcm}); err != nil {
		t.Fatal(err)
	}
	return path
}

func readClipAudio(t *testing.T, path string) mockloop.Audio {
	t.Helper()
	a, err := voice.ReadWAVFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestRunTranscribe(t *testing.T) {
	const clipName = "librivox_sense_sensibility_0890.wav"
	var ref string
	for _, c := range speechClips(t) {
		if filepath.Base(c.File) == clipName {
			ref = c.Transcript
		}
	}
	clip := speechFile(t, clipName)
	dir := t.TempDir()
	a := readClipAudio(t, clip)
	at8k := writeWAV(t, dir, "phone.wav", 8000, voice.Resample(a.PCM, a.SampleRate, 8000))
	silent := writeWAV(t, dir, "silent.wav", 16000, make([]int16, 2*16000))
	tiny := writeWAV(t, dir, "tiny.wav", 16000, a.PCM[:400])
	notWAV := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(notWAV, []byte("not audio at all, just words\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	stereo := filepath.Join(dir, "stereo.wav")
	// A canonical 44-byte header for 2 channels, 16 kHz, 16-bit.
	hdr := []byte("RIFF\x28\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x02\x00\x80\x3e\x00\x00\x00\xfa\x00\x00\x04\x00\x10\x00data\x04\x00\x00\x00\x00\x00\x00\x00")
	if err := os.WriteFile(stereo, hdr, 0o600); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name     string
		args     []string
		code     int
		stdout   []string
		stderr   string
		wantJSON func(t *testing.T, r transcribeResult)
	}{
		{name: "a 16 kHz recording prints every word with its time and confidence", args: []string{"--json", clip}, code: 0,
			wantJSON: func(t *testing.T, r transcribeResult) {
				if r.Engine != "sphinx en-us" || r.ResampledFrom != 0 {
					t.Errorf("engine %q, resampled from %d; want sphinx en-us at the file's own rate", r.Engine, r.ResampledFrom)
				}
				checkWords(t, r)
				if wer := speechdata.WER(ref, r.Text); wer > 0.5 {
					t.Errorf("WER %.2f on a clean read clip, want at most 0.5: %q", wer, r.Text)
				}
			}},
		{name: "flags may follow the file name", args: []string{clip, "--json"}, code: 0,
			wantJSON: func(t *testing.T, r transcribeResult) { checkWords(t, r) }},
		{name: "the readable output has a line per word and the transcript confidence", args: []string{clip}, code: 0,
			stdout: []string{"engine sphinx en-us", "transcript confidence", "start     end  conf   word"}},
		{name: "an 8 kHz recording is resampled and says so", args: []string{"--json", at8k}, code: 0,
			wantJSON: func(t *testing.T, r transcribeResult) {
				if r.ResampledFrom != 8000 || !strings.Contains(r.Note, "8000 Hz") {
					t.Errorf("resampled_from %d, note %q; want 8000 and a warning", r.ResampledFrom, r.Note)
				}
				// Telephone-band audio lacks what the 16 kHz model was
				// trained on: words come out, but not the right ones.
				if len(r.Words) == 0 || r.Seconds < 5 {
					t.Errorf("%d words over %.2f s", len(r.Words), r.Seconds)
				}
			}},
		{name: "a missing file is named", args: []string{filepath.Join(dir, "nope.wav")}, code: 1, stderr: "nope.wav: no such file"},
		{name: "a text file is not taken for a WAV", args: []string{notWAV}, code: 1, stderr: "not a RIFF WAVE file"},
		{name: "a stereo WAV is refused with the conversion command", args: []string{stereo}, code: 1, stderr: "2 channels, want mono); convert it with: sox"},
		{name: "a silent file is called silent", args: []string{silent}, code: 1, stderr: "is silent"},
		{name: "a file of 25 ms is too short", args: []string{tiny}, code: 1, stderr: "too short"},
		{name: "no file is bad usage", args: nil, code: 2, stderr: "exactly one FILE.wav"},
		{name: "no recognizer is bad usage", args: []string{"--stt", "none", clip}, code: 2, stderr: "no recognizer"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := runTranscribe(context.Background(), tc.args, &out, &errb)
			checkCLI(t, code, &out, &errb, tc.code, tc.stdout, tc.stderr)
			if tc.wantJSON != nil {
				var r transcribeResult
				if err := json.Unmarshal(out.Bytes(), &r); err != nil {
					t.Fatalf("stdout is not JSON: %v\n%s", err, out.String())
				}
				tc.wantJSON(t, r)
			}
		})
	}
}

// checkWords: words in order inside the audio, each with a confidence
// from the recognizer, and a transcript confidence that is their mean.
func checkWords(t *testing.T, r transcribeResult) {
	t.Helper()
	if len(r.Words) < 5 {
		t.Fatalf("%d words: %q", len(r.Words), r.Text)
	}
	prev, sum := 0.0, 0.0
	below := 0
	for i, w := range r.Words {
		if w.Start < prev || w.End <= w.Start || w.End > r.Seconds+0.01 {
			t.Errorf("word %d %q at %.2f-%.2f (previous ended %.2f, audio %.2f s)", i, w.W, w.Start, w.End, prev, r.Seconds)
		}
		if w.Conf <= 0 || w.Conf > 1 {
			t.Errorf("word %d %q has confidence %v, want a posterior in (0, 1]", i, w.W, w.Conf)
		}
		if w.Conf < 1 {
			below++
		}
		prev = w.End
		sum += w.Conf
	}
	if below == 0 {
		t.Errorf("every word has confidence 1: the recognizer gave no posteriors")
	}
	if mean := sum / float64(len(r.Words)); r.Confidence < mean-0.001 || r.Confidence > mean+0.001 {
		t.Errorf("transcript confidence %.3f, want the mean word confidence %.3f", r.Confidence, mean)
	}
}
