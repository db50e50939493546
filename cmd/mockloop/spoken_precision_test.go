package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mockloop/mockloop/analysis"
	"github.com/mockloop/mockloop/cmd/mockloop/internal/dial"
	"github.com/mockloop/mockloop/server/speechdata"
)

var spokenAll = flag.Bool("spoken.all", false, "speak every dev answer in TestSpokenFindingsShownAsFaultsAreRight, not only those under 40 s (slow: about 20 minutes)")

// spokenMaxWords keeps the CI subset to answers of at most about 40 s in
// festival's slt voice (113 words took 35 s).
const spokenMaxWords = 125

// minSpokenPrecision: issue 13 asks that content findings shown as faults
// on spoken answers be right at least this often against the dev labels.
const minSpokenPrecision = 0.85

func loadDevAnswers(t *testing.T) []devAnswer {
	t.Helper()
	path := findAnswers()
	if path == "" {
		t.Fatal("shared/testdata/answers/dev.jsonl not found beside the repository")
	}
	answers, err := readDevAnswers(path)
	if err != nil {
		t.Fatal(err)
	}
	return answers
}

// spokenCacheDir keeps synthesized answers between runs: festival takes
// about 8 s an answer.
func spokenCacheDir(t *testing.T) string {
	t.Helper()
	base, err := os.UserCacheDir()
	if err != nil {
		base = os.TempDir()
	}
	dir := filepath.Join(base, "mockloop-test", "spoken")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	return dir
}

// synthesize speaks text with festival into the cache at the voice's own
// 32 kHz (dial resamples it).
func synthesize(ctx context.Context, dir, text string) (string, error) {
	return festivalWAV(ctx, text, dir, 0)
}

// contentCodes are the labelled findings about what was said; rambling
// rests on length and repetition as much as on words, and stays a fault.
var contentCodes = map[string]bool{
	"missing_metric": true, "weak_ownership": true, "missing_result": true,
	"no_requirements": true, "no_scale_estimates": true, "no_failure_handling": true, "no_tradeoffs": true,
	"no_clarifying": true, "no_brute_force": true, "no_complexity": true, "no_edge_cases": true, "no_walkthrough": true,
}

// shownAsFault is what the page does: a finding the analyzer doubts
// (Finding.Doubtful: confidence under analysis.ShownAsQuestion, lowered
// when its evidence or the whole transcript was heard with low confidence)
// is asked as a question; everything else is shown as a fault.
func shownAsFault(f analysis.Finding) bool { return !f.Doubtful() }

// evidenceMinConf is the lowest confidence among a finding's evidence
// words, 1 without evidence.
func evidenceMinConf(f analysis.Finding, words []analysis.Word) float64 {
	m := 1.0
	for _, sp := range f.Evidence {
		for i := sp.W0; i < sp.W1 && i < len(words); i++ {
			if c := words[i].Conf; c > 0 {
				m = min(m, c)
			}
		}
	}
	return m
}

// lowWordConf is where the review greys a word (the analyzer's threshold);
// lowShare reports the share of words under it, for the log.
const lowWordConf = 0.5

// lowShare is the share of words the recognizer gave a confidence under
// lowWordConf.
func lowShare(words []analysis.Word) float64 {
	if len(words) == 0 {
		return 0
	}
	n := 0
	for _, w := range words {
		if w.Conf > 0 && w.Conf < lowWordConf {
			n++
		}
	}
	return float64(n) / float64(len(words))
}

// spokenScore counts labelled findings: tp/fp of those shown as faults,
// and of every finding (what the page showed before issue 13).
type spokenScore struct {
	faultTP, faultFP, allTP, allFP, asQuestion int
}

func (s *spokenScore) add(code string, label, fault bool) {
	switch {
	case fault && label:
		s.faultTP++
	case fault:
		s.faultFP++
	default:
		s.asQuestion++
	}
	if label {
		s.allTP++
	} else {
		s.allFP++
	}
}

func precision(tp, fp int) float64 {
	if tp+fp == 0 {
		return 0
	}
	return float64(tp) / float64(tp+fp)
}

// TestSpokenFindingsShownAsFaultsAreRight speaks labelled dev answers into
// rounds through the real WebRTC path (pion client, Opus, VAD,
// pocketsphinx) and checks that the content findings shown as faults are
// right against the labels. Typed analysis of the same answers is the
// baseline of the same run.
func TestSpokenFindingsShownAsFaultsAreRight(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("streams real-time audio")
	}
	if _, err := exec.LookPath("text2wave"); err != nil {
		t.Fatalf("festival's text2wave is needed (Debian festival festvox-us-slt-hts): %v", err)
	}
	var answers []devAnswer
	for _, a := range loadDevAnswers(t) {
		if *spokenAll || len(strings.Fields(a.Text)) <= spokenMaxWords {
			answers = append(answers, a)
		}
	}
	if len(answers) < 10 {
		t.Fatalf("only %d dev answers to speak", len(answers))
	}
	ctx := context.Background()
	cache := spokenCacheDir(t)
	wavs := make([]string, len(answers))
	parallel(t, 2, len(answers), func(i int) error {
		var err error
		wavs[i], err = synthesize(ctx, cache, answers[i].Text)
		return err
	})

	cfg := quietInterviewer(t)
	cfg.MicBitrate = *micBitrate
	srv := startServer(t, cfg)
	results := make([]dial.Result, len(answers))
	// Four sessions at once: real-time audio waits more than it decodes
	// (pocketsphinx runs at about a fifth of real time). The answer is
	// committed by the silence after it, as a candidate's is: "done" right
	// after the last frame can commit before a slow machine has
	// transcribed the end.
	parallel(t, 4, len(answers), func(i int) error {
		res, err := dial.Run(ctx, dial.Options{BaseURL: srv.URL, Kind: answers[i].Round, WAV: wavs[i], Timeout: 4 * time.Minute})
		if err != nil {
			return fmt.Errorf("%s: dial: %w", answers[i].ID, err)
		}
		results[i] = res
		return nil
	})

	var spoken, typed spokenScore
	var refWords, wordErrs int
	for i, a := range answers {
		res := results[i]
		if len(res.Feedback) == 0 {
			t.Errorf("%s: no feedback on the spoken answer", a.ID)
			continue
		}
		rep := res.Feedback[0]
		var words []analysis.Word
		for _, u := range res.Utterances {
			words = append(words, u.Words...)
		}
		if len(words) != len(rep.Words) {
			t.Errorf("%s: %d recognised words but %d in the report", a.ID, len(words), len(rep.Words))
		}
		ref := speechdata.Normalize(a.Text)
		e := speechdata.EditDistance(ref, speechdata.Normalize(rep.Text))
		refWords += len(ref)
		wordErrs += e
		var shown []string
		for _, f := range rep.Findings {
			label, judged := a.Labels[f.Code]
			if !judged || !contentCodes[f.Code] {
				continue
			}
			fault := shownAsFault(f)
			spoken.add(f.Code, label, fault)
			t.Logf("  %s %-18s label %-5v fault %-5v evidence min conf %.2f", a.ID, f.Code, label, fault, evidenceMinConf(f, words))
			mark := "?"
			if fault {
				mark = "!"
				if !label {
					mark = "x"
				}
			}
			shown = append(shown, mark+f.Code)
		}
		typedRep := analysis.Analyze(analysis.Input{Round: analysis.Round(a.Round), Question: a.Question, Text: a.Text})
		for _, f := range typedRep.Findings {
			if label, judged := a.Labels[f.Code]; judged && contentCodes[f.Code] {
				typed.add(f.Code, label, true)
			}
		}
		t.Logf("%s %-13s WER %.2f conf %.2f low %.2f  %v", a.ID, a.Round, float64(e)/float64(len(ref)), transcriptConfidence(words), lowShare(words), shown)
	}
	p := precision(spoken.faultTP, spoken.faultFP)
	t.Logf("%d spoken answers, WER %.3f over %d words", len(answers), float64(wordErrs)/float64(refWords), refWords)
	t.Logf("spoken, shown as faults: %d right, %d wrong, precision %.2f; %d asked as questions", spoken.faultTP, spoken.faultFP, p, spoken.asQuestion)
	t.Logf("spoken, every finding as a fault (before issue 13): precision %.2f (%d right, %d wrong)", precision(spoken.allTP, spoken.allFP), spoken.allTP, spoken.allFP)
	t.Logf("typed text of the same answers: precision %.2f (%d right, %d wrong)", precision(typed.allTP, typed.allFP), typed.allTP, typed.allFP)
	if p < minSpokenPrecision {
		t.Errorf("precision of content findings shown as faults on spoken answers %.2f, want at least %.2f", p, minSpokenPrecision)
	}
	// Asking everything as a question would pass the bound and help no one:
	// at least half the right findings on the spoken answers must still
	// show as faults. (The typed text finds more; those the recognizer
	// lost are not the rule's doing.)
	if spoken.faultTP*2 < spoken.allTP {
		t.Errorf("only %d of %d right findings on spoken answers shown as faults; the rule hides too much", spoken.faultTP, spoken.allTP)
	}
}

// quietInterviewer is voiceConfig with the interviewer's questions sent as
// text only, for a test that judges the findings on what was heard: with
// a voice, each round first plays its spoken introduction (about 20 s)
// before the dial client answers.
func quietInterviewer(t *testing.T) Config {
	cfg := voiceConfig(t)
	cfg.TTS = "none"
	return cfg
}

// parallel runs fn(0..n-1) on workers goroutines and fails the test on the
// first error after all have finished.
func parallel(t *testing.T, workers, n int, fn func(i int) error) {
	t.Helper()
	next := make(chan int)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := range next {
				errs[i] = fn(i)
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}

// heldOutHuman are the shared clips the decoder settings were not chosen
// on (server/sphinx/tune_test.go keeps the same split by speaker).
var heldOutHuman = map[string]bool{
	"ami_es2011a_intro.wav": true, "librispeech_1272-128104-0000.wav": true, "librispeech_61-70968-0000.wav": true,
	"librivox_sonnet001.wav": true, "ljspeech_LJ001-0001.wav": true, "ljspeech_LJ001-0005.wav": true,
	"fleurs_en_005.wav": true, "fleurs_en_007.wav": true,
}

// maxHeldOutHumanWER bounds the word error rate through the whole WebRTC
// path on the held-out human clips; issue 13 targets 0.55.
const maxHeldOutHumanWER = 0.55

// humanAll speaks the tuning speakers' clips too (what the README's
// tuning figure comes from); by default only the held-out speakers, which
// the bound is about, are spoken.
var humanAll = flag.Bool("human.all", false, "speak every shared human clip, not only the held-out speakers'")

// micBitrate sets the microphone bitrate the server asks for in the spoken
// tests, to compare with the shipped 64 kbps (WebRTC's default is 32000).
var micBitrate = flag.Int("mic.bitrate", 0, "microphone bitrate the server's answer asks for (0: the shipped rate)")

// TestHumanClipsThroughWebRTC speaks the shared human recordings into a
// round as a microphone would and reports the word error rate of what the
// round stored, on the held-out speakers (and with -human.all on the
// tuning ones).
func TestHumanClipsThroughWebRTC(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("streams real-time audio")
	}
	var clips []speechdata.Clip
	for _, c := range speechClips(t) {
		if *humanAll || heldOutHuman[filepath.Base(c.File)] {
			clips = append(clips, c)
		}
	}
	// The interviewer speaks first, as in a real round, and the microphone
	// sends silence meanwhile. With the questions as text only (answers
	// 2 s after each) the held-out WER moved 0.494-0.519 between two runs
	// at 64 kbps; after the spoken introduction it was 0.515-0.523 in six.
	cfg := voiceConfig(t)
	cfg.MicBitrate = *micBitrate
	srv := startServer(t, cfg)
	texts := make([]string, len(clips))
	// Three sessions at once: pocketsphinx decodes at about a fifth of
	// real time, so three streams leave a core for the rest.
	parallel(t, 3, len(clips), func(i int) error {
		res, err := dial.Run(context.Background(), dial.Options{BaseURL: srv.URL, WAV: clips[i].File, Timeout: 3 * time.Minute})
		if err != nil {
			return fmt.Errorf("%s: dial: %w", filepath.Base(clips[i].File), err)
		}
		texts[i] = res.TranscriptText
		return nil
	})
	errs, words := map[bool]int{}, map[bool]int{}
	for i, c := range clips {
		name := filepath.Base(c.File)
		ref := speechdata.Normalize(c.Transcript)
		e := speechdata.EditDistance(ref, speechdata.Normalize(texts[i]))
		held := heldOutHuman[name]
		errs[held] += e
		words[held] += len(ref)
		t.Logf("%-36s held-out %-5v WER %.2f  %q", name, held, float64(e)/float64(len(ref)), texts[i])
	}
	heldWER := float64(errs[true]) / float64(words[true])
	t.Logf("through WebRTC: held-out WER %.3f over %d words", heldWER, words[true])
	if words[false] > 0 {
		t.Logf("tuning clips %.3f over %d words, all %.3f", float64(errs[false])/float64(words[false]), words[false],
			float64(errs[true]+errs[false])/float64(words[true]+words[false]))
	}
	if heldWER > maxHeldOutHumanWER {
		t.Errorf("held-out WER through WebRTC %.3f, want at most %.2f", heldWER, maxHeldOutHumanWER)
	}
}
