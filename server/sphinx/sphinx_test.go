package sphinx

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mockloop/mockloop/server/speechdata"

	"github.com/mockloop/mockloop"
	"github.com/mockloop/mockloop/analysis"
)

// maxOverallWER bounds the word error rate over the whole shared speech
// set (447 reference words). Measured with the shipped settings (lattice
// best path on, for word confidences): 0.517; 0.541 before, without the
// best path. For comparison on the same clips: 0.510 with pocketsphinx's
// defaults (slow second pass, word times shifted), 0.528 without the
// second pass but with silence removal. VOICE-NOTES gives about 0.37 on librivox clips;
// here the three librivox clips score 0.21-0.36, while FLEURS, AMI and the
// sonnet are hard for this 2015 model. The bound leaves about 10% for
// version drift and still catches a broken front end (wrong rate or byte
// order gives a WER near 1).
const maxOverallWER = 0.60

// newTestTranscriber loads the real model once per test; skipping when it is
// absent keeps the package testable on a machine without pocketsphinx-en-us.
func newTestTranscriber(t *testing.T, cfg Config) *Transcriber {
	t.Helper()
	if _, err := os.Stat(DefaultModelDir); err != nil {
		speechdata.Unavailable(t, fmt.Errorf("pocketsphinx-en-us not installed: %w", err))
	}
	tr, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() {
		if err := tr.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return tr
}

// decode feeds pcm in 20 ms chunks, the way the voice pipeline does.
func decode(ctx context.Context, tr *Transcriber, pcm []int16) (mockloop.Transcript, error) {
	s, err := tr.Start(ctx)
	if err != nil {
		return mockloop.Transcript{}, err
	}
	const chunk = SampleRate / 50
	for i := 0; i < len(pcm); i += chunk {
		if err := s.Write(pcm[i:min(i+chunk, len(pcm))]); err != nil {
			s.Close()
			return mockloop.Transcript{}, err
		}
	}
	return s.Finish(ctx)
}

func TestNewNamesTheMissingModelFile(t *testing.T) {
	dir := t.TempDir()
	_, err := New(Config{ModelDir: dir})
	if err == nil {
		t.Fatal("New with an empty model directory succeeded")
	}
	for _, want := range []string{filepath.Join(dir, "en-us"), "pocketsphinx-en-us"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

func TestCleanWord(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
		keep bool
	}{
		{"an ordinary word is kept", "montreal", "montreal", true},
		{"an alternate pronunciation loses its suffix", "read(2)", "read", true},
		{"the utterance start marker is dropped", "<s>", "", false},
		{"the utterance end marker is dropped", "</s>", "", false},
		{"silence is dropped", "<sil>", "", false},
		{"a noise segment is dropped", "[NOISE]", "", false},
		{"a bare noise phone is dropped", "+NSN+", "", false},
		{"a filled pause from the filler dictionary becomes um", "++UM++", "um", true},
		{"an alternate filler pronunciation becomes um", "++UM++(3)", "um", true},
		{"uh from the filler dictionary becomes uh", "++UH++", "uh", true},
		{"um from the language model is kept", "um", "um", true},
		{"er is kept as a filler", "er", "er", true},
		{"hm is spelled hmm for the analyzer", "hm", "hmm", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, keep := cleanWord(tt.in)
			if got != tt.want || keep != tt.keep {
				t.Errorf("cleanWord(%q) = %q, %v; want %q, %v", tt.in, got, keep, tt.want, tt.keep)
			}
		})
	}
}

func TestCleanWordsConvertsInclusiveFramesToSeconds(t *testing.T) {
	raw := []rawWord{{"<s>", 0, 9, 1}, {"hello", 10, 49, 0.9}, {"<sil>", 50, 59, 1}, {"um", 60, 79, 0.4567}, {"[NOISE]", 80, 89, 1}, {"hm", 90, 99, 0}, {"</s>", 100, 100, 1}}
	got := cleanWords(raw)
	want := []analysis.Word{{W: "hello", Start: 0.10, End: 0.50, Conf: 0.9}, {W: "um", Start: 0.60, End: 0.80, Conf: 0.457}, {W: "hmm", Start: 0.90, End: 1.00, Conf: minConf}}
	if !slices.Equal(got, want) {
		t.Errorf("cleanWords = %v, want %v", got, want)
	}
}

func TestRecognisesRealSpeech(t *testing.T) {
	clips := loadManifest(t)
	// Two decoders on two cores halve the wall time of this test.
	tr := newTestTranscriber(t, Config{PoolSize: 2})
	ctx := context.Background()
	results := make([]mockloop.Transcript, len(clips))
	errs := make([]error, len(clips))
	var wg sync.WaitGroup
	next := make(chan int)
	for range 2 {
		wg.Go(func() {
			for i := range next {
				pcm, err := readWAV16k(filepath.Join(speechDir, clips[i].file))
				if err != nil {
					errs[i] = err
					continue
				}
				results[i], errs[i] = decode(ctx, tr, pcm)
			}
		})
	}
	for i := range clips {
		next <- i
	}
	close(next)
	wg.Wait()

	var wordErrs, refWords int
	for i, c := range clips {
		if errs[i] != nil {
			t.Fatalf("%s: %v", c.file, errs[i])
		}
		tx := results[i]
		ref := speechdata.Normalize(c.transcript)
		e := speechdata.EditDistance(ref, speechdata.Normalize(tx.Text))
		wordErrs += e
		refWords += len(ref)
		t.Logf("%-38s WER %.2f  %q", c.file, float64(e)/float64(len(ref)), tx.Text)

		t.Run(c.file+" has monotonic word timings inside the clip", func(t *testing.T) {
			if tx.Engine != engineName {
				t.Errorf("Engine = %q, want %q", tx.Engine, engineName)
			}
			if len(tx.Words) == 0 {
				t.Fatal("no words")
			}
			joined := make([]string, len(tx.Words))
			prevEnd := 0.0
			for j, w := range tx.Words {
				joined[j] = w.W
				if w.Start < prevEnd || w.End <= w.Start || w.End > c.seconds+0.01 {
					t.Errorf("word %d %q at %.2f-%.2f (previous ended %.2f, clip %.2f s)", j, w.W, w.Start, w.End, prevEnd, c.seconds)
				}
				if strings.ContainsAny(w.W, "<>[]()+") {
					t.Errorf("word %d %q is a pocketsphinx marker", j, w.W)
				}
				prevEnd = w.End
			}
			if got := strings.Join(joined, " "); got != tx.Text {
				t.Errorf("Text %q is not the words joined %q", tx.Text, got)
			}
		})
	}
	wer := float64(wordErrs) / float64(refWords)
	t.Logf("overall WER %.3f over %d reference words (bound %.2f)", wer, refWords, maxOverallWER)
	if wer > maxOverallWER {
		t.Errorf("overall WER %.3f is over %.2f", wer, maxOverallWER)
	}
}

func TestHearsFilledPauses(t *testing.T) {
	tr := newTestTranscriber(t, Config{})
	tests := []struct {
		name  string
		file  string
		check func([]string) bool
	}{
		{"the you-know clip yields you know", "mfa_youknow.wav", func(ws []string) bool {
			return strings.Contains(" "+strings.Join(ws, " ")+" ", " you know ")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pcm, err := readWAV16k(filepath.Join(speechDir, tt.file))
			if err != nil {
				speechdata.Unavailable(t, fmt.Errorf("speech clip: %w", err))
			}
			tx, err := decode(context.Background(), tr, pcm)
			if err != nil {
				t.Fatal(err)
			}
			words := strings.Fields(tx.Text)
			if !tt.check(words) {
				t.Errorf("no filler in %q", tx.Text)
			}
		})
	}
}

func TestPoolReusesDecoders(t *testing.T) {
	tr := newTestTranscriber(t, Config{PoolSize: 2})
	ctx := context.Background()
	for i := range 3 {
		start := time.Now()
		s, err := tr.Start(ctx)
		if err != nil {
			t.Fatal(err)
		}
		took := time.Since(start)
		s.Close()
		t.Logf("Start %d took %v", i, took)
	}
	tr.mu.Lock()
	created, idle := tr.created, len(tr.idle)
	tr.mu.Unlock()
	if created != 1 || idle != 1 {
		t.Errorf("after three sequential streams: %d decoders created, %d idle; want 1 and 1 (New pre-warms one)", created, idle)
	}
}

func TestTwoStreamsAtOnceGiveTheSameTextAsOneAtATime(t *testing.T) {
	ctx := context.Background()
	files := []string{"librispeech_61-70968-0000.wav", "mfa_youknow.wav"}
	pcms := make([][]int16, len(files))
	want := make([]string, len(files))
	// Each reference comes from a fresh decoder; with no speaker given
	// every stream starts from the model's cepstral mean anyway.
	for i, f := range files {
		pcm, err := readWAV16k(filepath.Join(speechDir, f))
		if err != nil {
			speechdata.Unavailable(t, fmt.Errorf("speech clip: %w", err))
		}
		pcms[i] = pcm
		tx, err := decode(ctx, newTestTranscriber(t, Config{PoolSize: 1}), pcm)
		if err != nil {
			t.Fatal(err)
		}
		want[i] = tx.Text
	}
	tr := newTestTranscriber(t, Config{PoolSize: 2})
	if err := tr.Warm(2); err != nil {
		t.Fatal(err)
	}
	// Both streams are open before either is written, so two decoders
	// really work at the same time.
	streams := make([]mockloop.TranscriberStream, len(files))
	for i := range streams {
		s, err := tr.Start(ctx)
		if err != nil {
			t.Fatal(err)
		}
		streams[i] = s
	}
	got := make([]string, len(files))
	errs := make([]error, len(files))
	var wg sync.WaitGroup
	for i, s := range streams {
		wg.Go(func() {
			const chunk = SampleRate / 50
			for j := 0; j < len(pcms[i]); j += chunk {
				if err := s.Write(pcms[i][j:min(j+chunk, len(pcms[i]))]); err != nil {
					errs[i] = err
					return
				}
				s.Partial()
			}
			tx, err := s.Finish(ctx)
			got[i], errs[i] = tx.Text, err
		})
	}
	wg.Wait()
	for i := range files {
		if errs[i] != nil {
			t.Fatalf("%s: %v", files[i], errs[i])
		}
		if got[i] != want[i] {
			t.Errorf("%s concurrently: %q, alone: %q", files[i], got[i], want[i])
		}
	}
	tr.mu.Lock()
	created := tr.created
	tr.mu.Unlock()
	if created != 2 {
		t.Errorf("%d decoders created, want 2", created)
	}
}

// TestCepstralMeanIsKeptPerSpeaker checks that a pooled decoder carries
// no speaker's microphone into another's transcript: audio of no known
// speaker, or of a new one, decodes as on a fresh decoder whatever the
// decoder heard before, while a speaker's own next utterance starts from
// the mean their last one left.
func TestCepstralMeanIsKeptPerSpeaker(t *testing.T) {
	ctx := context.Background()
	read := func(name string) []int16 {
		pcm, err := readWAV16k(filepath.Join(speechDir, name))
		if err != nil {
			speechdata.Unavailable(t, fmt.Errorf("speech clip: %w", err))
		}
		return pcm
	}
	// A far-field meeting microphone, then a studio reading.
	other, clip := read("ami_es2011a_intro.wav"), read("librispeech_61-70968-0000.wav")
	fresh, err := decode(ctx, newTestTranscriber(t, Config{PoolSize: 1}), clip)
	if err != nil {
		t.Fatal(err)
	}
	tr := newTestTranscriber(t, Config{PoolSize: 1}) // one decoder: it hears both
	if _, err := decode(mockloop.WithSpeaker(ctx, "a"), tr, other); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		ctx  context.Context
	}{
		{"no speaker", ctx},
		{"a new speaker", mockloop.WithSpeaker(ctx, "b")},
	} {
		got, err := decode(tc.ctx, tr, clip)
		if err != nil {
			t.Fatal(err)
		}
		if got.Text != fresh.Text {
			t.Errorf("%s after another speaker on the same decoder: %q, on a fresh one: %q", tc.name, got.Text, fresh.Text)
		}
	}
	tr.mu.Lock()
	a, b := tr.means["a"], tr.means["b"]
	tr.mu.Unlock()
	if len(a) == 0 || len(a) != len(b) {
		t.Fatalf("kept means: a %v, b %v", a, b)
	}
	if slices.Equal(a, b) {
		t.Errorf("speakers a and b kept the same mean %v", a)
	}
}

func TestStreamLifecycle(t *testing.T) {
	tr := newTestTranscriber(t, Config{PoolSize: 1})
	ctx := context.Background()
	pcm, err := readWAV16k(filepath.Join(speechDir, "librispeech_61-70968-0000.wav"))
	if err != nil {
		speechdata.Unavailable(t, fmt.Errorf("speech clip: %w", err))
	}

	t.Run("a full pool makes Start wait until the context ends", func(t *testing.T) {
		s, err := tr.Start(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := tr.Start(cctx); !errors.Is(err, context.Canceled) {
			t.Errorf("Start on a full pool with a cancelled context: %v, want context.Canceled", err)
		}
	})

	t.Run("Partial grows as speech arrives", func(t *testing.T) {
		s, err := tr.Start(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if p := s.Partial(); p != "" {
			t.Errorf("Partial before any audio = %q", p)
		}
		if err := s.Write(pcm[:3*SampleRate]); err != nil {
			t.Fatal(err)
		}
		if p := s.Partial(); len(strings.Fields(p)) < 2 {
			t.Errorf("Partial after 3 s of speech = %q, want some words", p)
		}
	})

	t.Run("Write and Finish after Finish fail with ErrClosed", func(t *testing.T) {
		s, err := tr.Start(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Write(pcm); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Finish(ctx); err != nil {
			t.Fatal(err)
		}
		if err := s.Write(pcm[:320]); !errors.Is(err, ErrClosed) {
			t.Errorf("Write after Finish: %v, want ErrClosed", err)
		}
		if _, err := s.Finish(ctx); !errors.Is(err, ErrClosed) {
			t.Errorf("second Finish: %v, want ErrClosed", err)
		}
		s.Close() // must not return the decoder twice
		if _, err := tr.Start(ctx); err != nil {
			t.Errorf("Start after Finish and Close on a pool of one: %v", err)
		}
	})

	t.Run("a closed stream leaves no trace in the next utterance", func(t *testing.T) {
		// The decoder the previous subtest left open is released by
		// Close on the transcriber; take a fresh one here.
		tr2 := newTestTranscriber(t, Config{PoolSize: 1})
		s, err := tr2.Start(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Write(pcm[:2*SampleRate]); err != nil {
			t.Fatal(err)
		}
		s.Close()
		tx, err := decode(ctx, tr2, pcm)
		if err != nil {
			t.Fatal(err)
		}
		if tx.Words[0].Start > 1 {
			t.Errorf("first word starts at %.2f s: the closed utterance's audio leaked in (%q)", tx.Words[0].Start, tx.Text)
		}
	})

	t.Run("Start after Close fails with ErrClosed", func(t *testing.T) {
		tr3 := newTestTranscriber(t, Config{PoolSize: 1})
		if err := tr3.Close(); err != nil {
			t.Fatal(err)
		}
		if _, err := tr3.Start(ctx); !errors.Is(err, ErrClosed) {
			t.Errorf("Start after Close: %v, want ErrClosed", err)
		}
	})
}

func TestWithOptionsReplacesOrAdds(t *testing.T) {
	base := []string{"-lm", "a.bin", "-bestpath", "yes"}
	tests := []struct {
		name  string
		extra []string
		want  []string
	}{
		{"no extra options leave the shipped ones", nil, base},
		{"an option given again replaces its value in place", []string{"-bestpath", "no"}, []string{"-lm", "a.bin", "-bestpath", "no"}},
		{"a new option is added after the shipped ones", []string{"-lw", "8"}, []string{"-lm", "a.bin", "-bestpath", "yes", "-lw", "8"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := withOptions(base, tt.extra)
			if !slices.Equal(got, tt.want) {
				t.Errorf("withOptions(%q, %q) = %q, want %q", base, tt.extra, got, tt.want)
			}
		})
	}
	if base[3] != "yes" {
		t.Errorf("withOptions changed its input: %q", base)
	}
}
