package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"strings"
	"testing"
	"time"

	"github.com/mockloop/mockloop/cmd/mockloop/internal/loadtest"
	"github.com/mockloop/mockloop/server/speechdata"
)

// heavyLoad runs the load test at a size worth reading, for measuring the
// machine rather than checking the code:
//
//	go test ./cmd/mockloop -run TestLoadtest -loadtest.sessions 6 -loadtest.duration 2m -v
var (
	loadSessions = flag.Int("loadtest.sessions", 2, "sessions for TestLoadtestHoldsSpokenSessions")
	loadDuration = flag.Duration("loadtest.duration", 20*time.Second, "duration for TestLoadtestHoldsSpokenSessions")
	// With -loadtest.url and -loadtest.pid the candidates dial a server
	// in another process, so its CPU is measured alone.
	loadURL = flag.String("loadtest.url", "", "server to load instead of an in-process one")
	loadPID = flag.Int("loadtest.pid", 0, "process id of the -loadtest.url server")
)

func TestLoadtestHoldsSpokenSessions(t *testing.T) {
	if testing.Short() {
		t.Skip("speaks real audio for 20 s")
	}
	clips := findClips()
	if len(clips) == 0 {
		speechdata.Unavailable(t, errors.New("no speech clips (../shared/testdata/speech or pocketsphinx-testdata)"))
	}
	ctx, cancel := context.WithTimeout(context.Background(), *loadDuration+2*time.Minute)
	defer cancel()
	var stdout, stderr bytes.Buffer
	args := []string{
		"--sessions", itoa(*loadSessions), "--duration", loadDuration.String(), "--baseline", "1s",
		"--tts", "none", "--json",
	}
	if *loadURL != "" {
		args = append(args, "--url", *loadURL, "--pid", itoa(*loadPID))
	}
	code := runLoadtest(ctx, append(args, clips...), &stdout, &stderr)
	var rep loadtest.Report
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatalf("exit %d, report not JSON: %v\nstdout: %s\nstderr: %s", code, err, stdout.String(), stderr.String())
	}
	t.Logf("slowest %+v", rep.Slowest)
	t.Logf("held %d/%d, answers %d, utterances %d, lost %d, feedback p50 %v p95 %v (n=%d), CPU %.3f cores (%.3f/session, idle %.3f) %s",
		rep.Held, rep.Sessions, rep.Answers, rep.Acked, rep.Lost, rep.Feedback.P50, rep.Feedback.P95, rep.Feedback.N,
		rep.CPU.Cores, rep.CPU.PerSession, rep.CPU.Idle, rep.CPU.Scope)

	t.Run("every session speaks until the end without an error", func(t *testing.T) {
		if rep.Held != *loadSessions || code != 0 {
			t.Fatalf("held %d of %d (exit %d): %+v\nstderr: %s", rep.Held, *loadSessions, code, rep.Failures, stderr.String())
		}
	})
	t.Run("each session has its spoken answers acknowledged and analysed", func(t *testing.T) {
		if rep.Answers < *loadSessions || rep.Acked < rep.Answers {
			t.Fatalf("%d answers and %d utterances acknowledged for %d sessions", rep.Answers, rep.Acked, *loadSessions)
		}
		if rep.Feedback.N < rep.Answers-*loadSessions {
			t.Fatalf("feedback latency for %d of %d answers", rep.Feedback.N, rep.Answers)
		}
	})
	t.Run("nothing acknowledged is missing from the stored rounds", func(t *testing.T) {
		if rep.Lost != 0 {
			t.Fatalf("%d lost: %v", rep.Lost, rep.LostWhat)
		}
	})
	t.Run("feedback follows \"I'm done\" sooner than a silence commit would", func(t *testing.T) {
		// "done" commits at once; what follows is the last utterance's
		// transcript, which pocketsphinx (-bestpath) finishes in 0.1-0.8 s
		// on a quiet machine and 3-5 s at load 15-20 (server/sphinx). A
		// turn left to the silence policy would add its own 0.8-6 s wait.
		if rep.Feedback.P95 <= 0 || rep.Feedback.P95 > 5*time.Second {
			t.Fatalf("feedback p95 %v, want above 0 and within 5s: slower means \"done\" was not honoured", rep.Feedback.P95)
		}
	})
	t.Run("the CPU figure is measured, not assumed", func(t *testing.T) {
		if rep.CPU.Cores <= 0 || rep.CPU.Idle < 0 || rep.CPU.Cores <= rep.CPU.Idle {
			t.Fatalf("cpu %+v, want a busy figure above the measured idle one", rep.CPU)
		}
	})
}

func TestLoadtestRefusesBadInput(t *testing.T) {
	cases := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"a server that is not on loopback is refused", []string{"--url", "http://192.0.2.1:8080", "x.wav"}, 1, "not a loopback address"},
		{"too many sessions are refused", []string{"--url", "http://127.0.0.1:1", "--sessions", "1000", "x.wav"}, 1, "sessions 1000"},
		{"a missing WAV file is reported", []string{"--url", "http://127.0.0.1:1", "/nonexistent.wav"}, 1, "nonexistent.wav"},
		{"an unknown flag is a usage error", []string{"--bogus"}, 2, "bogus"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := runLoadtest(context.Background(), tc.args, &stdout, &stderr)
			if code != tc.code || !strings.Contains(stderr.String(), tc.msg) {
				t.Fatalf("exit %d stderr %q, want exit %d mentioning %q", code, stderr.String(), tc.code, tc.msg)
			}
		})
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}
