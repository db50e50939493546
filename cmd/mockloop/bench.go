package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/mockloop/mockloop"
	"github.com/mockloop/mockloop/cmd/mockloop/internal/dial"
	"github.com/mockloop/mockloop/server/speechdata"
	"github.com/mockloop/mockloop/server/voice"
)

// defaultBenchClips are human recordings from the shared speech set (see
// its README), short enough that a run takes about a minute.
var defaultBenchClips = []string{
	"librispeech_61-70968-0000.wav",
	"mfa_youknow.wav",
	"ljspeech_LJ001-0005.wav",
	"librivox_sense_sensibility_0890.wav",
	"ami_es2011a_intro.wav",
}

// benchResult holds one scenario's per-turn figures in milliseconds.
type benchResult struct {
	Scenario string `json:"scenario"`
	Turns    int    `json:"turns"`
	// Server-side stages, all from the end of speech (the listener's last
	// voiced frame): the commit decision, the last transcript, the LLM's
	// first token, the first audio packet sent.
	Commit     []float64 `json:"speech_end_to_commit_ms"`
	Transcript []float64 `json:"transcript_ms"`
	FirstToken []float64 `json:"first_token_ms"`
	FirstAudio []float64 `json:"first_audio_ms"`
	// Client-side: the last frame of the WAV sent -> the first
	// interviewer audio packet received, over WebRTC.
	ClientFirstAudio []float64 `json:"client_speech_end_to_first_audio_ms"`
	// With an LLM: first audio minus the model's own time to its first
	// sentence, i.e. what mockloop adds.
	Added []float64 `json:"llm_added_ms,omitempty"`
	Model []float64 `json:"model_first_sentence_ms,omitempty"`
}

func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "turns" {
		return runBenchTurns(ctx, args[1:], stdout, stderr)
	}
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("speech-dir", findSpeechDir(), "folder of 16 kHz WAV speech clips")
	speed := fs.Float64("speed", 1, "how fast dial sends the audio (1 = real time)")
	answers := fs.String("answers", findAnswers(), "dev-set answers whose endings festival speaks as the default clips")
	cache := fs.String("cache", filepath.Join(os.TempDir(), "mockloop-bench-turns"), "folder for synthesised audio")
	delay := fs.Duration("llm-token-delay", 30*time.Millisecond, "per-token delay of the in-process OpenAI-compatible LLM")
	asJSON := fs.Bool("json", false, "print the figures as JSON")
	tts := fs.String("tts", ttsAuto, "interviewer voice engine, as serve --tts: "+ttsEngineList)
	if err := fs.Parse(args); err != nil {
		return 2
	}
	clips := fs.Args()
	if len(clips) == 0 && *answers != "" {
		// Finished answers (a story's last sentences, with its result)
		// so the turn policy commits as it would after a real answer.
		var err error
		if clips, err = finishedAnswerClips(ctx, *answers, *cache, 4); err != nil {
			fmt.Fprintln(stderr, "mockloop bench:", err)
			return 1
		}
	}
	if len(clips) == 0 {
		for _, c := range defaultBenchClips {
			clips = append(clips, filepath.Join(*dir, c))
		}
	}
	for _, c := range clips {
		if _, err := os.Stat(c); err != nil {
			fmt.Fprintf(stderr, "mockloop bench: %v (give WAV files, or --speech-dir)\n", err)
			return 2
		}
	}
	var results []benchResult
	for _, policy := range []string{"interview", "silence"} {
		r, err := benchScenario(ctx, "scripted + %s, "+policy+" policy", policy, *tts, "", nil, clips, *speed)
		if err != nil {
			fmt.Fprintln(stderr, "mockloop bench:", err)
			return 1
		}
		results = append(results, r)
	}

	llm := &fakeLLM{tokenDelay: *delay}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(stderr, "mockloop bench:", err)
		return 1
	}
	hs := &http.Server{Handler: llm}
	go hs.Serve(ln)
	defer hs.Close()
	r, err := benchScenario(ctx, fmt.Sprintf("LLM (%v/token) + %%s, interview policy", *delay), "interview", *tts, "http://"+ln.Addr().String()+"/v1", llm, clips, *speed)
	if err != nil {
		fmt.Fprintln(stderr, "mockloop bench:", err)
		return 1
	}
	results = append(results, r)

	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(results)
		return 0
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "scenario\tstage\tturns\tp50 ms\tp95 ms")
	for _, r := range results {
		row := func(stage string, v []float64) {
			if len(v) == 0 {
				return
			}
			fmt.Fprintf(tw, "%s\t%s\t%d\t%.0f\t%.0f\n", r.Scenario, stage, len(v), pct(v, 50), pct(v, 95))
		}
		row("speech end -> commit", r.Commit)
		row("speech end -> transcript", r.Transcript)
		row("speech end -> first token", r.FirstToken)
		row("speech end -> first audio", r.FirstAudio)
		row("speech end -> first audio (client, WebRTC)", r.ClientFirstAudio)
		row("model's first sentence", r.Model)
		row("added by mockloop", r.Added)
	}
	tw.Flush()
	return 0
}

// benchScenario runs every clip as one spoken answer against a fresh
// in-process server with the embedded engines. The scenario is named by
// name with its %s replaced by the voice the server opened.
func benchScenario(ctx context.Context, name, policy, tts, llmURL string, llm *fakeLLM, clips []string, speed float64) (benchResult, error) {
	var res benchResult
	dataDir, err := os.MkdirTemp("", "mockloop-bench-")
	if err != nil {
		return res, err
	}
	defer os.RemoveAll(dataDir)
	cfg := Config{Addr: "127.0.0.1:0", DataDir: dataDir, LogFormat: "text", LogLevel: "error", STT: "sphinx", TTS: tts,
		LLMURL: llmURL, LLMModel: "bench", LLMFirstToken: 8 * time.Second, LLMTotal: 30 * time.Second,
		UtteranceEnd: 500 * time.Millisecond, TurnCommit: 2500 * time.Millisecond, TurnPolicy: policy}
	if policy == "silence" {
		cfg.UtteranceEnd = 800 * time.Millisecond // as it was with that rule
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	m, err := NewMain(sctx, cfg, log)
	if err != nil {
		return res, err
	}
	defer m.Close()
	voiceName := m.Engines.TTS.Name
	if voiceName == "" {
		voiceName = "no voice"
	}
	res.Scenario = fmt.Sprintf(name, voiceName)
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return res, err
	}
	done := make(chan error, 1)
	go func() { done <- m.Serve(sctx, ln) }()
	defer func() { cancel(); <-done }()
	base := "http://" + ln.Addr().String()
	before := 0
	for _, clip := range clips {
		// No "done": the turn policy decides the end, as after a real
		// answer.
		out, err := dial.Run(ctx, dial.Options{BaseURL: base, WAV: clip, Speed: speed, Timeout: 2 * time.Minute})
		if err != nil {
			return res, fmt.Errorf("%s: %w", filepath.Base(clip), err)
		}
		res.Turns++
		// The answer's latency is the first one reported after the clip
		// started playing (the turn may be committed by silence before
		// "done" when the speaker pauses long).
		var started, spokeEnd time.Duration
		var lat *mockloop.Latency
		for _, ev := range out.Events {
			switch ev.Type {
			case dial.MarkSpeechStart:
				started = ev.At
			case dial.MarkSpeechEnd:
				spokeEnd = ev.At
			case dial.MarkFirstAudio:
				if spokeEnd > 0 {
					res.ClientFirstAudio = append(res.ClientFirstAudio, ms(ev.At-spokeEnd))
				}
			case "latency":
				var m mockloop.Message
				if lat == nil && started > 0 && json.Unmarshal(ev.Msg, &m) == nil && m.Latency != nil {
					lat = m.Latency
				}
			}
		}
		if lat != nil {
			res.Commit = append(res.Commit, lat.SpeechEndToCommitMS)
			res.Transcript = append(res.Transcript, lat.TranscriptMS)
			if lat.FirstTokenMS > 0 {
				res.FirstToken = append(res.FirstToken, lat.FirstTokenMS)
			}
			if lat.FirstAudioMS > 0 {
				res.FirstAudio = append(res.FirstAudio, lat.FirstAudioMS)
			}
		}
		if llm != nil {
			fs := llm.firstSentences()
			// Requests before this answer worded the opening question; the
			// one after it is the reply whose first audio was measured.
			if len(fs) > before && lat != nil && lat.FirstAudioMS > 0 {
				model := ms(fs[before])
				res.Model = append(res.Model, model)
				res.Added = append(res.Added, lat.FirstAudioMS-model)
			}
			before = len(fs)
		}
	}
	return res, nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// pct is the p-th percentile by the nearest-rank method; NaN of nothing.
func pct(v []float64, p float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	i := int(float64(len(s))*p/100+0.5) - 1
	if i < 0 {
		i = 0
	}
	if i >= len(s) {
		i = len(s) - 1
	}
	return s[i]
}

// findSpeechDir is the shared speech set (speechdata.Dir: the env var
// first, then shared/ beside the repository), or "" when there is none.
func findSpeechDir() string {
	d, err := speechdata.Dir()
	if err != nil {
		return ""
	}
	return d
}

// finishedAnswerClips writes the endings of the first n behavioral dev
// answers that state a result, spoken by festival, as WAV files.
func finishedAnswerClips(ctx context.Context, path, cache string, n int) ([]string, error) {
	answers, err := readDevAnswers(path)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(cache, 0o700); err != nil {
		return nil, err
	}
	var clips []string
	for _, a := range storyAnswers(answers, n) {
		// Only the ending: the pause items are the turn benchmark's.
		its, err := speakParts(ctx, cache, "tts/"+a.id, true, nil, a.parts[:1], nil)
		if err != nil {
			return nil, err
		}
		it := its[0]
		path := filepath.Join(cache, strings.ReplaceAll(it.Name, "/", "_")+"-finished.wav")
		f, err := os.Create(path)
		if err != nil {
			return nil, err
		}
		err = voice.WriteWAV(f, mockloop.Audio{SampleRate: voice.SampleRate, PCM: it.PCM})
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return nil, fmt.Errorf("write %s: %w", path, err)
		}
		clips = append(clips, path)
	}
	return clips, nil
}
