package main

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/mockloop/mockloop"
	"github.com/mockloop/mockloop/analysis"
	"github.com/mockloop/mockloop/server/sphinx"
	"github.com/mockloop/mockloop/server/voice"
)

// The end-of-turn benchmark. No published benchmark covers interview
// thinking pauses (VOICE-NOTES, "Latency"), so this one is built from
// the shared human clips and from dev-set answers spoken by festival's
// HTS voice: finished answers, and answers with a 2-5 s thinking pause in
// the middle (after a connective, a filler, "let me think", a dangling
// clause, or between sentences of a story whose result is still to come).
// Each item is played in real time into a Listener with the embedded
// recogniser, once per policy, so the baseline is measured in the same
// run on the same audio.

// turnItem is one spoken answer of the benchmark.
type turnItem struct {
	Name string
	Kind string // "finished", or the pause's kind
	// Story: the answer is a story (a main behavioral question) rather
	// than a follow-up answer.
	Story bool
	// Expect, for a system design or coding answer, says whether the words
	// so far give what the question's first stage asks for, as the live
	// session's Control.Expect does.
	Expect func(text string) bool
	PCM    []int16
	// PauseFrom and PauseTo bound the thinking pause (zero: none), End is
	// the true end of speech; all positions in the audio.
	PauseFrom, PauseTo, End time.Duration
}

// turnOutcome is what one policy did on one item.
type turnOutcome struct {
	Item   string `json:"item"`
	Kind   string `json:"kind"`
	Policy string `json:"policy"`
	// CutIn: the turn was committed during the thinking pause.
	CutIn bool `json:"cut_in"`
	// WaitMS is the true end of speech to the commit decision; -1 if the
	// turn was not committed before the item ended.
	WaitMS float64 `json:"wait_ms"`
	// ClockMS is the same wait by the listener's own stamps
	// (Decided - SpeechEnd), to check the honest clock against the audio.
	ClockMS float64 `json:"clock_ms"`
	Text    string  `json:"text"`
}

// benchTail is the silence after each item: longer than any policy's wait
// for a finished answer (the baseline's 5 s, the story wait's 6 s).
const benchTail = 7 * time.Second

func runBenchTurns(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench turns", flag.ContinueOnError)
	fs.SetOutput(stderr)
	speechDir := fs.String("speech-dir", findSpeechDir(), "folder of the shared human clips (manifest.tsv)")
	answers := fs.String("answers", findAnswers(), "dev-set answers (JSONL) to synthesise")
	cache := fs.String("cache", filepath.Join(os.TempDir(), "mockloop-bench-turns"), "folder for synthesised audio")
	nAnswers := fs.Int("n", 4, "behavioral dev-set answers to build items from")
	nDesign := fs.Int("design", 2, "system design and coding dev-set answers to build items from, taken in turn")
	parallel := fs.Int("parallel", 2, "items played at once (each to both policies)")
	asJSON := fs.Bool("json", false, "print every outcome as JSON")
	only := fs.String("only", "", "play only items whose name or kind contains this")
	why := fs.Bool("why", false, "log each commit decision of the turn policy, with its reason, to stderr")
	realtime := fs.Bool("realtime", false, "play in real time on the wall clock, so the recogniser's lag on this machine counts; by default the listener runs on its own clock and each transcript is waited for")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	items, err := buildTurnItems(ctx, *speechDir, *answers, *cache, *nAnswers, *nDesign)
	if err != nil {
		fmt.Fprintln(stderr, "mockloop bench turns:", err)
		return 1
	}
	if *only != "" {
		kept := items[:0]
		for _, it := range items {
			if strings.Contains(it.Name, *only) || strings.Contains(it.Kind, *only) {
				kept = append(kept, it)
			}
		}
		items = kept
	}
	if len(items) == 0 {
		fmt.Fprintf(stderr, "mockloop bench turns: no items to play (-only %q matches none)\n", *only)
		return 2
	}
	stt, err := sphinx.New(sphinx.Config{PoolSize: 2 * *parallel})
	if err != nil {
		fmt.Fprintln(stderr, "mockloop bench turns:", err)
		return 1
	}
	defer stt.Close()
	if err := stt.Warm(2 * *parallel); err != nil {
		fmt.Fprintln(stderr, "mockloop bench turns:", err)
		return 1
	}
	policies := []voice.TurnPolicy{voice.PolicyInterview, voice.PolicySilence}
	mode := "on the listener's own clock, each transcript waited for"
	if *realtime {
		mode = "in real time"
	}
	fmt.Fprintf(stderr, "bench turns: %d items, %d policies, played %s\n", len(items), len(policies), mode)
	out := make([][]turnOutcome, len(items))
	sem := make(chan struct{}, max(1, *parallel))
	var wg sync.WaitGroup
	var errMu sync.Mutex
	var firstErr error
	for i, it := range items {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			var log *slog.Logger
			if *why {
				log = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelDebug})).With("item", it.Name, "kind", it.Kind)
			}
			res, err := playTurnItem(ctx, stt, it, policies, *realtime, log)
			if err != nil {
				errMu.Lock()
				firstErr = errors.Join(firstErr, fmt.Errorf("%s: %w", it.Name, err))
				errMu.Unlock()
				return
			}
			out[i] = res
			for _, o := range res {
				fmt.Fprintf(stderr, "  %s (%s) %s: cut in %v, wait %.0f ms\n", it.Name, it.Kind, o.Policy, o.CutIn, o.WaitMS)
			}
		})
	}
	wg.Wait()
	if firstErr != nil {
		fmt.Fprintln(stderr, "mockloop bench turns:", firstErr)
		return 1
	}
	var all []turnOutcome
	for _, o := range out {
		all = append(all, o...)
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(all)
		return 0
	}
	printTurnSummary(stdout, all, policies)
	return 0
}

func printTurnSummary(w io.Writer, all []turnOutcome, policies []voice.TurnPolicy) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "policy\tfinished ends\twait p50 ms\twait p95 ms\tnever committed\tthinking pauses\tcut in\tcut-in rate")
	for _, p := range policies {
		var waits []float64
		ends, never, pauses, cuts := 0, 0, 0, 0
		for _, o := range all {
			if o.Policy != p.String() {
				continue
			}
			ends++
			if o.WaitMS < 0 {
				never++
				waits = append(waits, benchTail.Seconds()*1000)
			} else {
				waits = append(waits, o.WaitMS)
			}
			if o.Kind != "finished" {
				pauses++
				if o.CutIn {
					cuts++
				}
			}
		}
		fmt.Fprintf(tw, "%s\t%d\t%.0f\t%.0f\t%d\t%d\t%d\t%.0f%%\n", p, ends, pct(waits, 50), pct(waits, 95), never, pauses, cuts, 100*float64(cuts)/float64(max(1, pauses)))
	}
	tw.Flush()
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "item\tkind\tpolicy\tcut in\twait ms\tlistener clock ms\ttranscript")
	for _, o := range all {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%v\t%.0f\t%.0f\t%s\n", o.Item, o.Kind, o.Policy, o.CutIn, o.WaitMS, o.ClockMS, truncateText(o.Text, 60))
	}
	tw.Flush()
}

func truncateText(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return "…" + string(r[len(r)-n:])
	}
	return s
}

// playTurnItem plays it into one Listener per policy. In real time
// (realtime) the frames go out every 20 ms on the wall clock, so the
// figures include however far the recogniser lags on this machine.
// Otherwise the listener runs on a clock of its own, advanced 20 ms per
// frame, and whenever an utterance closes the player waits for its
// transcript before the next frame: the recogniser keeps up whatever the
// machine's load, and the figures are the turn policy's own.
func playTurnItem(ctx context.Context, stt mockloop.Transcriber, it turnItem, policies []voice.TurnPolicy, realtime bool, log *slog.Logger) ([]turnOutcome, error) {
	type run struct {
		frames chan voice.Frame
		ctl    chan voice.Control
		events chan voice.Event
		done   chan error
		ends   []voice.Event
		text   []string
		stt    *countingSTT
		paused bool // the last state was not speaking
		heard  int  // Utterance events taken
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	start := time.Now()
	var virtual atomic.Int64
	now, newTicker := time.Now, voice.NewTimeTicker
	if !realtime {
		now = func() time.Time { return start.Add(time.Duration(virtual.Load())) }
		newTicker = func(time.Duration) voice.Ticker { return idleTicker{} }
	}
	runs := make([]*run, len(policies))
	for i, p := range policies {
		r := &run{frames: make(chan voice.Frame), ctl: make(chan voice.Control), events: make(chan voice.Event, 4096), done: make(chan error, 1), stt: &countingSTT{Transcriber: stt}}
		var plog *slog.Logger
		if log != nil {
			plog = log.With("policy", p.String())
		}
		l := voice.NewListener(voice.ListenerConfig{Turn: voice.TurnConfig{Policy: p}, STT: r.stt, Now: now, NewTicker: newTicker, Logger: plog})
		go func() { r.done <- l.Run(ctx, r.frames, r.ctl, r.events) }()
		r.ctl <- voice.Control{Kind: voice.Reset, NoStory: !it.Story, Expect: it.Expect}
		runs[i] = r
	}
	take := func(r *run, ev voice.Event) {
		switch ev.Kind {
		case voice.TurnEnd:
			r.ends = append(r.ends, ev)
		case voice.Utterance:
			r.text = append(r.text, ev.Text)
			r.heard++
		case voice.State:
			r.paused = ev.State != voice.StateSpeaking
		}
	}
	audio := append(append([]int16(nil), it.PCM...), roomTone(len(it.PCM), durSamples(benchTail))...)
	frames := voice.NewFramer().Push(audio)
	tick := time.NewTicker(voice.FrameDur)
	defer tick.Stop()
	for _, f := range frames {
		if realtime {
			select {
			case <-tick.C:
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
		virtual.Add(int64(voice.FrameDur))
		for _, r := range runs {
			select {
			case r.frames <- f:
			case <-ctx.Done():
				return nil, ctx.Err()
			}
			if realtime {
				continue
			}
			// A zero Control is a barrier: once taken, the frame is
			// processed and its events are out.
			r.ctl <- voice.Control{}
		drain:
			for {
				select {
				case ev := <-r.events:
					take(r, ev)
				default:
					break drain
				}
			}
			// In a pause, wait for every transcript and its event. Speech
			// went in faster than real time, so earlier utterances (split
			// from a long one) may still be decoding or waiting for a
			// decoder; the policy must read them at the time it would have.
			if !r.paused || !r.stt.pending(r.heard) {
				continue
			}
			wait := time.NewTimer(2 * time.Minute)
			poll := time.NewTicker(time.Millisecond)
			for r.stt.pending(r.heard) {
				select {
				case ev := <-r.events:
					take(r, ev)
				case <-poll.C:
				case <-wait.C:
					return nil, errors.New("a transcript took over 2 minutes")
				case <-ctx.Done():
					return nil, ctx.Err()
				}
			}
			wait.Stop()
			poll.Stop()
		}
	}
	for _, r := range runs {
		close(r.frames)
	}
	for _, r := range runs {
		for ev := range r.events {
			take(r, ev)
		}
		if err := <-r.done; err != nil {
			return nil, err
		}
	}
	var out []turnOutcome
	for i, r := range runs {
		o := turnOutcome{Item: it.Name, Kind: it.Kind, Policy: policies[i].String(), WaitMS: -1, Text: strings.Join(r.text, " ")}
		for _, ev := range r.ends {
			if ev.Reason == voice.ReasonPeerGone {
				continue
			}
			// Positions by the listener's clock: frames went out from
			// start, each as its last sample was due.
			at := ev.Decided.Sub(start)
			if realtime {
				at += voice.FrameDur
			}
			if it.PauseTo > 0 && at > it.PauseFrom && at < it.PauseTo {
				o.CutIn = true
			}
			if at >= it.End && o.WaitMS < 0 {
				o.WaitMS = ms(at - it.End)
				if !ev.SpeechEnd.IsZero() {
					o.ClockMS = ms(ev.Decided.Sub(ev.SpeechEnd))
				}
			}
		}
		out = append(out, o)
	}
	return out, nil
}

// idleTicker never ticks: on the bench's own clock frames never stop.
type idleTicker struct{}

func (idleTicker) C() <-chan time.Time { return nil }
func (idleTicker) Stop()               {}

// buildTurnItems makes the benchmark's items.
func buildTurnItems(ctx context.Context, speechDir, answersPath, cache string, nAnswers, nDesign int) ([]turnItem, error) {
	items, err := humanTurnItems(speechDir)
	if err != nil {
		return nil, err
	}
	if nAnswers <= 0 && nDesign <= 0 {
		return items, nil
	}
	answers, err := readDevAnswers(answersPath)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(cache, 0o700); err != nil {
		return nil, err
	}
	synth, err := answerTurnItems(ctx, answers, cache, nAnswers)
	if err != nil {
		return nil, err
	}
	items = append(items, synth...)
	design, err := designTurnItems(ctx, answers, cache, nDesign)
	if err != nil {
		return nil, err
	}
	return append(items, design...), nil
}

// humanClipsFinished are whole human clips, played as answers to a
// follow-up (not stories), that end finished.
var humanClipsFinished = []string{
	"librispeech_61-70968-0000.wav",
	"ljspeech_LJ001-0005.wav",
	"ami_es2011a_intro.wav",
	"librivox_sense_sensibility_0890.wav",
	"fleurs_en_007.wav",
	"mfa_youknow.wav",
}

// humanPauses cut a human clip after a word where a speaker might stop to
// think, at times read from the recordings (pocketsphinx word ends,
// checked by ear against the manifest's transcript).
var humanPauses = []struct {
	clip  string
	at    time.Duration
	kind  string
	pause time.Duration
}{
	{"fleurs_en_002.wav", 2960 * time.Millisecond, "connective", 3 * time.Second},                 // "…the romantic and | fascinating town"
	{"librispeech_1272-128104-0000.wav", 3420 * time.Millisecond, "connective", 4 * time.Second},  // "…the middle classes and | we are glad"
	{"mfa_crossword.wav", 2130 * time.Millisecond, "filler", 3 * time.Second},                     // "but um | montreal"
	{"librivox_sense_sensibility_0870.wav", 2890 * time.Millisecond, "dangling", 2 * time.Second}, // "…had then leisure to | consider"
	{"librivox_sense_sensibility_0920.wav", 1410 * time.Millisecond, "dangling", 5 * time.Second}, // "had he married a more a | amiable"
}

func humanTurnItems(dir string) ([]turnItem, error) {
	if dir == "" {
		return nil, errors.New("no speech folder (give --speech-dir)")
	}
	var items []turnItem
	for _, c := range humanClipsFinished {
		pcm, err := readClip(filepath.Join(dir, c))
		if err != nil {
			return nil, err
		}
		pcm = trimSilence(pcm)
		items = append(items, turnItem{Name: "human/" + strings.TrimSuffix(c, ".wav"), Kind: "finished", PCM: pcm, End: speechEnd(pcm)})
	}
	for _, p := range humanPauses {
		pcm, err := readClip(filepath.Join(dir, p.clip))
		if err != nil {
			return nil, err
		}
		cut := min(len(pcm), durSamples(p.at))
		a, b := trimSilence(pcm[:cut]), trimSilence(pcm[cut:])
		it := compose("human/"+strings.TrimSuffix(p.clip, ".wav"), p.kind, false, [][]int16{a, b}, p.pause)
		items = append(items, it)
	}
	return items, nil
}

// devAnswer is one line of the dev set.
type devAnswer struct {
	ID       string          `json:"id"`
	Round    string          `json:"round"`
	Question string          `json:"question"`
	Text     string          `json:"text"`
	Labels   map[string]bool `json:"labels"`
}

// readDevAnswers reads the dev set, one JSON answer a line.
func readDevAnswers(path string) ([]devAnswer, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("dev answers: %w", err)
	}
	defer f.Close()
	var out []devAnswer
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var a devAnswer
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			return nil, fmt.Errorf("dev answers %s: %w", path, err)
		}
		out = append(out, a)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("dev answers %s: %w", path, err)
	}
	return out, nil
}

// answerTurnItems speaks the first n behavioral dev answers that state a
// result, in five items each: the answer's end (finished), and a pause
// between sentences, after a connective, after "so um" and after "let me
// think", each pause followed by the answer's end.
func answerTurnItems(ctx context.Context, answers []devAnswer, cache string, n int) ([]turnItem, error) {
	var items []turnItem
	nextPause := pauseCycle(2*time.Second, 3*time.Second, 4*time.Second, 5*time.Second)
	for _, a := range storyAnswers(answers, n) {
		its, err := speakParts(ctx, cache, "tts/"+a.id, true, nil, a.parts, nextPause)
		if err != nil {
			return nil, err
		}
		items = append(items, its...)
	}
	return items, nil
}

// storyAnswer is one dev answer as the benchmark speaks it.
type storyAnswer struct {
	id    string
	parts []spokenPart // the finished ending first
}

// storyAnswers picks the first n behavioral dev answers that state a
// result and splits each into its spoken parts.
func storyAnswers(answers []devAnswer, n int) []storyAnswer {
	var out []storyAnswer
	for _, a := range answers {
		if len(out) >= n {
			break
		}
		sents := splitSentences(a.Text)
		if a.Round != "behavioral" || a.Labels["missing_result"] || len(sents) < 6 {
			continue
		}
		opening := strings.Join(sents[:2], " ")
		// The ending is the last three sentences or more, to minEndingWords:
		// a finished story is longer than the analyzer's shortest judged
		// one (40 words), or the turn policy rightly waits for the rest.
		k := 3
		for k < len(sents)-3 && len(strings.Fields(strings.Join(sents[len(sents)-k:], " "))) < minEndingWords {
			k++
		}
		ending := strings.Join(sents[len(sents)-k:], " ")
		parts := []spokenPart{
			{"finished", "", ending},
			{"between sentences", opening, ending},
			{"filler", opening + " So, um,", ending},
			{"let me think", opening + " Hmm. Let me think.", ending},
		}
		// The middle sentence with a connective to stop after.
		for _, s := range sents[2 : len(sents)-k] {
			if mid1, mid2, ok := cutAtConnective(s); ok {
				parts = append(parts, spokenPart{"connective", opening + " " + mid1, mid2 + " " + ending})
				break
			}
		}
		out = append(out, storyAnswer{id: a.ID, parts: parts})
	}
	return out
}

// spokenPart is one item of a spoken dev answer: first, a thinking pause,
// then rest (first empty: no pause).
type spokenPart struct{ kind, first, rest string }

// speakParts speaks each part with festival's HTS voice and composes its
// item, the pause between first and rest taken from nextPause.
func speakParts(ctx context.Context, cache, name string, story bool, expect func(string) bool, parts []spokenPart, nextPause func() time.Duration) ([]turnItem, error) {
	var items []turnItem
	for _, p := range parts {
		var segs [][]int16
		for _, text := range []string{p.first, p.rest} {
			if text == "" {
				continue
			}
			pcm, err := festivalSay(ctx, text, cache)
			if err != nil {
				return nil, err
			}
			segs = append(segs, trimSilence(pcm))
		}
		pause := time.Duration(0)
		if len(segs) == 2 {
			pause = nextPause()
		}
		it := compose(name, p.kind, story, segs, pause)
		it.Expect = expect
		items = append(items, it)
	}
	return items, nil
}

// pauseCycle returns the pauses in turn, round and round.
func pauseCycle(ds ...time.Duration) func() time.Duration {
	i := 0
	return func() time.Duration { d := ds[i%len(ds)]; i++; return d }
}

// designTurnItems speaks the first n system design and coding dev answers
// (taken in turn) that cover the question's first stage, cut one sentence
// after the stage is covered: the answer to the turn that asks for it.
// The pauses (between sentences, after "so um", after "let me think",
// after a connective) come before the stage is covered, where a design is
// plainly not over; the finished item is the whole cut answer.
func designTurnItems(ctx context.Context, answers []devAnswer, cache string, n int) ([]turnItem, error) {
	rounds := []analysis.Round{analysis.SystemDesign, analysis.Coding}
	used := map[string]bool{}
	var items []turnItem
	nextPause := pauseCycle(5*time.Second, 4*time.Second, 3*time.Second, 2*time.Second)
	for k := 0; k < n; k++ {
		r := rounds[k%len(rounds)]
		stage := analysis.QuestionStages(r)[0]
		expect := func(text string) bool { return analysis.Covers(r, stage, "", text) }
		var sents []string
		var id string
		var covered int // sentences it takes to cover the stage
		for _, a := range answers {
			if analysis.Round(a.Round) != r || used[a.ID] {
				continue
			}
			ss := splitSentences(a.Text)
			// Covered after c sentences, with at least one before the
			// pause that does not cover it.
			c := 0
			for i := range ss {
				if expect(strings.Join(ss[:i+1], " ")) {
					c = i + 1
					break
				}
			}
			if c >= 2 && c < len(ss) {
				sents, id, covered = ss[:c+1], a.ID, c
				break
			}
		}
		if id == "" {
			break // no more answers of this kind
		}
		used[id] = true
		cut := min(2, covered-1) // the pause comes before the stage is covered
		opening := strings.Join(sents[:cut], " ")
		rest := strings.Join(sents[cut:], " ")
		parts := []spokenPart{
			{"finished", "", strings.Join(sents, " ")},
			{"design: between sentences", opening, rest},
			{"design: filler", opening + " So, um,", rest},
			{"design: let me think", opening + " Hmm. Let me think.", rest},
		}
		if a, b, ok := cutAtConnective(sents[cut]); ok {
			parts = append(parts, spokenPart{"design: connective", opening + " " + a, b + " " + strings.Join(sents[cut+1:], " ")})
		}
		its, err := speakParts(ctx, cache, fmt.Sprintf("tts/%s-%s", id, r), false, expect, parts, nextPause)
		if err != nil {
			return nil, err
		}
		items = append(items, its...)
	}
	return items, nil
}

// countingSTT counts one listener's streams, so the paced player can wait
// until every utterance so far is transcribed and delivered.
type countingSTT struct {
	mockloop.Transcriber
	mu     sync.Mutex
	open   int // streams asked for and not finished
	spoken int // finished with words (each is an Utterance event)
}

func (c *countingSTT) Start(ctx context.Context) (mockloop.TranscriberStream, error) {
	c.mu.Lock()
	c.open++
	c.mu.Unlock()
	s, err := c.Transcriber.Start(ctx)
	if err != nil {
		c.end("")
		return nil, err
	}
	return &countedStream{TranscriberStream: s, c: c}, nil
}

func (c *countingSTT) end(text string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.open--
	if strings.TrimSpace(text) != "" {
		c.spoken++
	}
}

// pending reports a stream still decoding, or words not yet delivered
// when heard Utterance events were taken.
func (c *countingSTT) pending(heard int) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.open > 0 || heard < c.spoken
}

type countedStream struct {
	mockloop.TranscriberStream
	c    *countingSTT
	once sync.Once
}

func (s *countedStream) Finish(ctx context.Context) (mockloop.Transcript, error) {
	tr, err := s.TranscriberStream.Finish(ctx)
	s.once.Do(func() { s.c.end(tr.Text) })
	return tr, err
}

func (s *countedStream) Close() {
	s.TranscriberStream.Close()
	s.once.Do(func() { s.c.end("") })
}

// minEndingWords is the least an answer's spoken ending runs to.
const minEndingWords = 60

// compose joins segs with pause of room tone between the first and the
// second and notes where the pause and the speech end are.
func compose(name, kind string, story bool, segs [][]int16, pause time.Duration) turnItem {
	it := turnItem{Name: name, Kind: kind, Story: story}
	var pcm []int16
	for i, s := range segs {
		if i == 1 {
			it.PauseFrom = samplesToDur(len(pcm))
			pcm = append(pcm, make([]int16, durSamples(pause))...)
			it.PauseTo = samplesToDur(len(pcm))
		}
		pcm = append(pcm, s...)
	}
	it.PCM = addRoomTone(pcm)
	it.End = speechEnd(it.PCM)
	return it
}

// speechEnd is where the last voiced frame of pcm ends, by the listener's
// own VAD: the "end of speech" the honest clock stamps. A clip's edges
// can hold breath and room noise 20-40 dB under its speech (fleurs_en_007
// runs a second past its last word), which trimSilence keeps.
func speechEnd(pcm []int16) time.Duration {
	v := voice.NewVAD(voice.VADConfig{})
	end := samplesToDur(len(pcm))
	for i := 0; i+voice.FrameSamples <= len(pcm); i += voice.FrameSamples {
		v.Process(voice.Frame{PCM: pcm[i : i+voice.FrameSamples]})
		if v.Voiced() {
			end = samplesToDur(i + voice.FrameSamples)
		}
	}
	return end
}

// connectives a sentence is cut after for the "connective" pause.
var benchConnectives = []string{" and ", " so ", " because ", " but "}

// cutAtConnective splits s after its first connective that has at least
// four words on each side.
func cutAtConnective(s string) (string, string, bool) {
	for _, c := range benchConnectives {
		i := strings.Index(s, c)
		if i < 0 {
			continue
		}
		a, b := s[:i+len(c)-1], s[i+len(c):]
		if len(strings.Fields(a)) >= 4 && len(strings.Fields(b)) >= 4 {
			return a, b, true
		}
	}
	return "", "", false
}

func splitSentences(text string) []string {
	var sp voice.SentenceSplitter
	out := sp.Push(text)
	if rest := strings.TrimSpace(sp.Flush()); rest != "" {
		out = append(out, rest)
	}
	return out
}

// festivalVoice is the HTS voice the benchmarks and tests speak with, the
// most natural Debian voice: pocketsphinx WER about 0.24 on it
// (VOICE-NOTES), against 0.88 for espeak-ng.
const festivalVoice = "(voice_cmu_us_slt_arctic_hts)"

// festivalWAV speaks text with festival's HTS voice into a WAV file in
// cache named by a hash of voice, rate and text, and returns its path;
// rate 0 keeps the voice's own 32 kHz. The file is written under another
// name and renamed, so an interrupted run leaves no half file.
func festivalWAV(ctx context.Context, text, cache string, rate int) (string, error) {
	key := festivalVoice + "\x00" + text
	args := []string{"-eval", festivalVoice}
	if rate > 0 {
		key = fmt.Sprintf("%s\x00%d", key, rate)
		args = append(args, "-F", strconv.Itoa(rate))
	}
	sum := sha256.Sum256([]byte(key))
	path := filepath.Join(cache, hex.EncodeToString(sum[:12])+".wav")
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	tmp := path + ".part"
	cmd := exec.CommandContext(ctx, "text2wave", append(args, "-o", tmp)...)
	cmd.Stdin = strings.NewReader(text)
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("festival text2wave: %w: %s", err, strings.TrimSpace(string(out)))
	}
	return path, os.Rename(tmp, path)
}

// festivalSay speaks text with festival's HTS voice at 16 kHz (cached).
func festivalSay(ctx context.Context, text, cache string) ([]int16, error) {
	path, err := festivalWAV(ctx, text, cache, voice.SampleRate)
	if err != nil {
		return nil, err
	}
	return readClip(path)
}

func readClip(path string) ([]int16, error) {
	a, err := voice.ReadWAVFile(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return voice.Resample(a.PCM, a.SampleRate, voice.SampleRate), nil
}

// trimSilence drops leading and trailing 10 ms blocks more than 40 dB
// under the loudest block, so a segment's edges are its speech.
func trimSilence(pcm []int16) []int16 {
	const block = voice.SampleRate / 100
	level := func(i int) float64 {
		var s float64
		end := min(len(pcm), i+block)
		for _, v := range pcm[i:end] {
			s += float64(v) * float64(v)
		}
		return 10 * math.Log10(s/float64(max(1, end-i))+1)
	}
	peak := 0.0
	for i := 0; i < len(pcm); i += block {
		peak = max(peak, level(i))
	}
	from, to := 0, len(pcm)
	for from < len(pcm) && level(from) < peak-40 {
		from += block
	}
	for to > from && level(max(from, to-block)) < peak-40 {
		to -= block
	}
	return pcm[from:to]
}

// addRoomTone mixes in a quiet, steady noise (about -60 dBFS) so the VAD
// has a floor to learn, as from a real microphone; festival writes
// digital silence between words.
func addRoomTone(pcm []int16) []int16 {
	out := make([]int16, len(pcm))
	tone := roomTone(0, len(pcm))
	for i, v := range pcm {
		out[i] = int16(max(-32768, min(32767, int(v)+int(tone[i]))))
	}
	return out
}

// roomTone is n samples of the benchmark's room noise, seeded by the
// position so a run is reproducible.
func roomTone(seed, n int) []int16 {
	rng := rand.New(rand.NewPCG(uint64(seed), 14))
	out := make([]int16, n)
	for i := range out {
		out[i] = int16(0.0015 * 32767 * (2*rng.Float64() - 1))
	}
	return out
}

func durSamples(d time.Duration) int   { return int(d * voice.SampleRate / time.Second) }
func samplesToDur(n int) time.Duration { return time.Duration(n) * time.Second / voice.SampleRate }

// findAnswers looks for the shared dev-set answers beside the repository.
func findAnswers() string {
	if d := findSpeechDir(); d != "" {
		p := filepath.Join(filepath.Dir(d), "answers", "dev.jsonl")
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return ""
}
