package main

import (
	"bufio"
	"context"
	_ "embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/mockloop/mockloop"
	"github.com/mockloop/mockloop/server/espeak"
	"github.com/mockloop/mockloop/server/festival"
	"github.com/mockloop/mockloop/server/flite"
	"github.com/mockloop/mockloop/server/oggopus"
	"github.com/mockloop/mockloop/server/speechdata"
	"github.com/mockloop/mockloop/server/sphinx"
	"github.com/mockloop/mockloop/server/voice"
)

// interviewerLines are typical interviewer lines for --measure: questions,
// follow-ups and transitions of the four round kinds.
//
//go:embed testdata/interviewer_lines.txt
var interviewerLines string

// runSay speaks one line with the configured voice into a WAV file, so a
// user can hear the voices before a round; --measure compares the engines.
func runSay(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("say", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg Config
	bindConfig(fs, &cfg)
	voiceID := fs.String("voice", "", "voice id (default: --tts-voice, else slt); --list shows them")
	out := fs.String("o", "", "write the speech to this WAV file")
	list := fs.Bool("list", false, "list the voices of the configured engine")
	measure := fs.Bool("measure", false, "compare every installed engine on interviewer lines: intelligibility (pocketsphinx word error rate) and time to first audio")
	linesFile := fs.String("lines", "", "with --measure: a file of lines, one per line (default: 18 built-in interviewer lines)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: mockloop say [--voice V] -o FILE.wav TEXT\n       mockloop say --list\n       mockloop say --measure [--lines FILE]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *measure {
		lines, err := readLines(*linesFile)
		if err != nil {
			fmt.Fprintln(stderr, "mockloop say:", err)
			return 2
		}
		if err := measureVoices(ctx, lines, stdout, stderr); err != nil {
			fmt.Fprintln(stderr, "mockloop say:", err)
			return 1
		}
		return 0
	}
	if cfg.TTS == ttsNone {
		fmt.Fprintln(stderr, "mockloop say: --tts none has no voice; pick auto, festival, flite, espeak or openai")
		return 2
	}
	text := strings.TrimSpace(strings.Join(fs.Args(), " "))
	if !*list && (text == "" || *out == "") {
		fs.Usage()
		return 2
	}
	if *voiceID != "" {
		cfg.TTSVoice = *voiceID
	}
	set, err := buildVoices(ctx, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		fmt.Fprintln(stderr, "mockloop say:", err)
		if errors.Is(err, ErrUnknownVoice) {
			return 2
		}
		return 1
	}
	defer set.Close()
	if *list {
		w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		for _, v := range set.Voices {
			def := ""
			if v.ID == set.Default {
				def = "(default)"
			}
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", v.ID, v.Label, v.Synth.Name(), def)
		}
		w.Flush()
		return 0
	}
	v, _ := set.find(set.Default)
	start := time.Now()
	a, err := v.Synth.Synthesize(ctx, text)
	if err != nil {
		fmt.Fprintf(stderr, "mockloop say: %s could not speak: %v\n", v.Synth.Name(), err)
		return 1
	}
	took := time.Since(start)
	if err := writeWAVFile(*out, a); err != nil {
		fmt.Fprintln(stderr, "mockloop say:", err)
		return 1
	}
	fmt.Fprintf(stdout, "%s: %.1f s of speech (%s, %d Hz) in %d ms -> %s\n",
		v.ID, audioSec(a), v.Synth.Name(), a.SampleRate, took.Milliseconds(), *out)
	return 0
}

func writeWAVFile(path string, a mockloop.Audio) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	if err := voice.WriteWAV(bufio.NewWriter(f), a); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Close()
}

func audioSec(a mockloop.Audio) float64 {
	if a.SampleRate == 0 {
		return 0
	}
	return float64(len(a.PCM)) / float64(a.SampleRate)
}

func readLines(path string) ([]string, error) {
	text := interviewerLines
	if path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("read lines: %w", err)
		}
		text = string(b)
	}
	var lines []string
	for _, l := range strings.Split(text, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) == 0 {
		return nil, errors.New("no lines to speak")
	}
	return lines, nil
}

// candidate is one engine --measure tries; open fails when it is missing.
type candidate struct {
	name string
	open func(ctx context.Context) (mockloop.Synthesizer, func() error, error)
}

func candidates() []candidate {
	noClose := func() error { return nil }
	fl := func(v string) candidate {
		return candidate{"flite " + v + " (cgo)", func(context.Context) (mockloop.Synthesizer, func() error, error) {
			s, err := flite.New(v)
			return s, noClose, err
		}}
	}
	return []candidate{
		{"espeak-ng en-us (process per sentence)", func(context.Context) (mockloop.Synthesizer, func() error, error) {
			s, err := espeak.New(espeak.Config{})
			return s, noClose, err
		}},
		fl("slt"), fl("rms"), fl("awb"),
		{"festival HTS slt (warm process)", func(ctx context.Context) (mockloop.Synthesizer, func() error, error) {
			s, err := festival.New(ctx, festival.Config{Procs: 1})
			if err != nil {
				return nil, nil, err
			}
			return s, s.Close, nil
		}},
	}
}

// voiceMeasure is what --measure reports for one engine.
type voiceMeasure struct {
	name       string
	wer        float64 // total edits / total reference words
	firstAudio []float64
	firstCPU   []float64 // CPU ms for the same work: the cost on an idle core
	synth      []float64 // ms per line
	audioSec   []float64
	startMS    float64 // opening the engine (festival: process and voice load)
}

// measureVoices speaks every line with every installed engine, times the
// first 20 ms Opus packet of each line's first sentence (synthesis,
// resampling to 48 kHz and encoding, as the interviewer track does), and
// transcribes the whole line with pocketsphinx as an intelligibility
// proxy (VOICE-NOTES "Speaking back").
func measureVoices(ctx context.Context, lines []string, stdout, stderr io.Writer) error {
	stt, err := sphinx.New(sphinx.Config{PoolSize: 1})
	if err != nil {
		return fmt.Errorf("speech-to-text for scoring: %w", err)
	}
	defer stt.Close()
	var results []voiceMeasure
	for _, c := range candidates() {
		t0 := time.Now()
		sy, closeFn, err := c.open(ctx)
		if err != nil {
			fmt.Fprintf(stderr, "skip %s: %v\n", c.name, err)
			continue
		}
		m := voiceMeasure{name: c.name, startMS: ms(time.Since(t0))}
		var edits, words int
		for _, line := range lines {
			cpu0 := cpuTime()
			first, err := firstAudio(ctx, sy, line)
			if err != nil {
				closeFn()
				return fmt.Errorf("%s: %w", c.name, err)
			}
			m.firstCPU = append(m.firstCPU, ms(cpuTime()-cpu0))
			m.firstAudio = append(m.firstAudio, ms(first))
			t := time.Now()
			a, err := sy.Synthesize(ctx, line)
			if err != nil {
				closeFn()
				return fmt.Errorf("%s: %w", c.name, err)
			}
			m.synth = append(m.synth, ms(time.Since(t)))
			m.audioSec = append(m.audioSec, audioSec(a))
			hyp, err := transcribe(ctx, stt, a)
			if err != nil {
				closeFn()
				return err
			}
			ref := speechdata.Normalize(line)
			edits += speechdata.EditDistance(ref, speechdata.Normalize(hyp))
			words += len(ref)
		}
		closeFn()
		m.wer = float64(edits) / float64(max(words, 1))
		results = append(results, m)
	}
	w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(w, "engine\tWER\tfirst audio p50 ms\tp95 ms\tits CPU p50 ms\tp95 ms\tsynth ms per s of speech\tlongest line s\tits synth ms\topen ms\t\n")
	for _, m := range results {
		long := 0
		for i := range m.audioSec {
			if m.audioSec[i] > m.audioSec[long] {
				long = i
			}
		}
		var total, totalSec float64
		for i := range m.synth {
			total += m.synth[i]
			totalSec += m.audioSec[i]
		}
		fmt.Fprintf(w, "%s\t%.2f\t%.0f\t%.0f\t%.0f\t%.0f\t%.0f\t%.1f\t%.0f\t%.0f\t\n", m.name, m.wer,
			pct(m.firstAudio, 50), pct(m.firstAudio, 95), pct(m.firstCPU, 50), pct(m.firstCPU, 95), total/max(totalSec, 1e-9),
			m.audioSec[long], m.synth[long], m.startMS)
	}
	w.Flush()
	fmt.Fprintf(stdout, "%d lines; WER: pocketsphinx en-us on the audio resampled to 16 kHz; first audio: text in -> first 20 ms Opus packet out (first sentence), wall clock and CPU time (this process and its engine processes)\n", len(lines))
	return nil
}

// firstAudio is the time from a line's first sentence going in to its
// first Opus packet coming out of a Speaker, as in a session.
func firstAudio(ctx context.Context, sy mockloop.Synthesizer, line string) (time.Duration, error) {
	var split voice.SentenceSplitter
	sentence := line
	if s := split.Push(line + " "); len(s) > 0 {
		sentence = s[0]
	}
	enc, err := oggopus.NewPacketEncoder(48000, 32000)
	if err != nil {
		return 0, err
	}
	pctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	errFirst := errors.New("first packet out")
	sp := voice.NewSpeaker(func([]byte, time.Duration) error {
		cancel(errFirst)
		return nil
	}, enc, nil)
	start := time.Now()
	a, err := sy.Synthesize(ctx, sentence)
	if err != nil {
		return 0, err
	}
	first, err := sp.Play(pctx, a)
	if err != nil && !errors.Is(err, errFirst) {
		return 0, err
	}
	if first.IsZero() {
		return 0, fmt.Errorf("no audio for %q", sentence)
	}
	return first.Sub(start), nil
}

func transcribe(ctx context.Context, stt mockloop.Transcriber, a mockloop.Audio) (string, error) {
	st, err := stt.Start(ctx)
	if err != nil {
		return "", fmt.Errorf("transcribe: %w", err)
	}
	if err := st.Write(voice.Resample(a.PCM, a.SampleRate, voice.SampleRate)); err != nil {
		st.Close()
		return "", fmt.Errorf("transcribe: %w", err)
	}
	tr, err := st.Finish(ctx)
	if err != nil {
		return "", fmt.Errorf("transcribe: %w", err)
	}
	return tr.Text, nil
}
