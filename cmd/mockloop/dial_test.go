package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mockloop/mockloop/server/speechdata"

	"github.com/mockloop/mockloop/cmd/mockloop/internal/dial"
)

func TestRunDialRejectsBadInput(t *testing.T) {
	wav := speechFile(t, "mfa_youknow.wav")
	tests := []struct {
		name string
		args []string
		want string // in the one-line error
	}{
		{name: "no WAV file", args: nil, want: "want exactly one WAV file"},
		{name: "two WAV files", args: []string{wav, wav}, want: "want exactly one WAV file"},
		{name: "a WAV file that does not exist", args: []string{"/nonexistent.wav"}, want: "no such file"},
		{name: "a directory instead of a file", args: []string{t.TempDir()}, want: "is a directory"},
		{name: "a speed of zero", args: []string{"--speed", "0", wav}, want: "--speed"},
		{name: "zero answers", args: []string{"--answers", "0", wav}, want: "--answers"},
		{name: "an unknown round kind", args: []string{"--kind", "pairing", wav}, want: "--kind"},
		{name: "a URL that is not http", args: []string{"--url", "ftp://127.0.0.1", wav}, want: "--url"},
		{name: "an unknown flag", args: []string{"--loud", wav}, want: "flag provided but not defined"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := runDial(context.Background(), tt.args, &stdout, &stderr)
			if code != 2 {
				t.Fatalf("exit %d, want 2 (stderr %q)", code, stderr.String())
			}
			first, _, _ := strings.Cut(stderr.String(), "\n")
			if !strings.Contains(first, tt.want) {
				t.Errorf("first stderr line %q does not mention %q", first, tt.want)
			}
			if stdout.Len() != 0 {
				t.Errorf("wrote to stdout: %q", stdout.String())
			}
		})
	}
}

// startDialServer runs "mockloop serve" in-process on a free loopback port and
// returns its URL.
func startDialServer(t *testing.T) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	var stderr bytes.Buffer
	exited := make(chan int, 1)
	go func() {
		exited <- runServe(ctx, []string{"--addr", "127.0.0.1:0", "--data-dir", t.TempDir()}, pw, &stderr)
		pw.Close()
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			t.Error("server did not stop within 10 s of cancel")
		}
	})
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		re := regexp.MustCompile(`listening on (http://\S+)`)
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				urls <- m[1]
			}
		}
	}()
	select {
	case u := <-urls:
		return u
	case code := <-exited:
		t.Fatalf("serve exited %d: %s", code, stderr.String())
	case <-time.After(30 * time.Second):
		t.Fatal("serve printed no URL within 30 s")
	}
	return ""
}

// dialServerSpeaks reports whether the server has a text-to-speech engine, so
// interviewer audio is expected.
func dialServerSpeaks(t *testing.T, base string) bool {
	t.Helper()
	resp, err := http.Get(base + "/api/config")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var cfg struct {
		Engines struct {
			TTS struct {
				Name string `json:"name"`
			} `json:"tts"`
		} `json:"engines"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&cfg); err != nil {
		t.Fatalf("decode /api/config: %v", err)
	}
	return cfg.Engines.TTS.Name != "" && cfg.Engines.TTS.Name != "none"
}

// dialReference returns a clip's reference transcript from the manifest.
func dialReference(t *testing.T, file string) string {
	t.Helper()
	for _, c := range speechClips(t) {
		if filepath.Base(c.File) == file {
			return c.Transcript
		}
	}
	t.Fatalf("%s not in manifest", file)
	return ""
}

// speechClips lists the shared speech recordings, skipping the test when
// they are not beside the repository.
func speechClips(t *testing.T) []speechdata.Clip {
	t.Helper()
	dir, err := speechdata.Dir()
	if err != nil {
		speechdata.Unavailable(t, err)
	}
	clips, err := speechdata.Manifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	return clips
}

// speechFile is the path of one shared speech recording.
func speechFile(t *testing.T, name string) string {
	t.Helper()
	dir, err := speechdata.Dir()
	if err != nil {
		speechdata.Unavailable(t, err)
	}
	return filepath.Join(dir, name)
}

func dialWords(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r == '\'')
	}) {
		m[w] = true
	}
	return m
}

func TestDialEndToEnd(t *testing.T) {
	// Each starts its own server on :0 with its own decoders; real-time
	// audio waits more than it computes, so these overlap (make test-go
	// runs with -parallel 4).
	t.Parallel()
	if testing.Short() {
		t.Skip("end to end: starts a server and streams real-time audio")
	}
	const clip = "librispeech_1272-128104-0000.wav"
	base := startDialServer(t)
	speaks := dialServerSpeaks(t, base)

	tests := []struct {
		name string
		args []string
	}{
		{name: "two answers each ended with done", args: []string{"--done", "--answers", "2"}},
		{name: "one answer committed by silence", args: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			args := append([]string{"--url", base, "--json", "--timeout", "90s"}, tt.args...)
			args = append(args, speechFile(t, clip))
			if code := runDial(context.Background(), args, &stdout, &stderr); code != 0 {
				t.Fatalf("exit %d: %s\n%s", code, stderr.String(), stdout.String())
			}
			var res dial.Result
			if err := json.Unmarshal(stdout.Bytes(), &res); err != nil {
				t.Fatalf("decode --json output: %v", err)
			}
			answers := 1
			if len(tt.args) > 2 {
				answers = 2
			}
			if len(res.Feedback) < answers {
				t.Errorf("%d feedback reports, want at least %d", len(res.Feedback), answers)
			}
			// The opening question plus one reply per answer.
			if len(res.Interviewer) < answers+1 {
				t.Errorf("%d interviewer turns, want at least %d", len(res.Interviewer), answers+1)
			}
			if speaks && res.AudioPacketsIn == 0 {
				t.Error("the server has a voice but no interviewer audio arrived")
			}

			// pocketsphinx gets about 0.37 WER on these clips
			// (VOICE-NOTES): at least a third of the reference words must be
			// heard, which fails if the audio arrives mangled.
			ref, got := dialWords(dialReference(t, clip)), dialWords(res.TranscriptText)
			hit := 0
			for w := range ref {
				if got[w] {
					hit++
				}
			}
			if hit*3 < len(ref) {
				t.Errorf("heard %d of %d reference words: %q", hit, len(ref), res.TranscriptText)
			}
			logDialLatency(t, res)
		})
	}
}

// logDialLatency prints, for each answer, the time from the end of the
// candidate's audio (or "done") to the feedback, the interviewer's next
// turn and its first audio packet.
func logDialLatency(t *testing.T, r dial.Result) {
	t.Helper()
	var end time.Duration = -1
	var fb, turn bool
	for _, ev := range r.Events {
		switch ev.Type {
		case dial.MarkSpeechEnd:
			// With --done, "done" follows within a frame; without it the
			// server's commit timer runs from here.
			end, fb, turn = ev.At, false, false
		case "feedback":
			if end >= 0 && !fb {
				fb = true
				t.Logf("speech end -> feedback %v", ev.At-end)
			}
		case "interviewer":
			if end >= 0 && !turn {
				turn = true
				t.Logf("speech end -> interviewer turn %v", ev.At-end)
			}
		case dial.MarkFirstAudio:
			if end >= 0 {
				t.Logf("speech end -> first interviewer audio %v", ev.At-end)
			}
		}
	}
	t.Logf("transcript: %q; audio packets in: %d", r.TranscriptText, r.AudioPacketsIn)
}
