//go:build sphinxtune

package sphinx

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mockloop/mockloop/server/speechdata"
)

// The tuning harness is a measurement, not a check: it runs only when asked
// (go test -tags sphinxtune ./server/sphinx/ -run TestTuneDecoder -sphinx.tune 'NAME=-opt v -opt v;...')
// and prints word error rate, real-time factor and the confidence table for
// each setting, with the shipped settings first as the baseline of the run.
var (
	tuneFlag = flag.String("sphinx.tune", "", `settings to measure, "name=-opt value ...;name=..."; empty skips the harness`)
	tuneSets = flag.String("sphinx.sets", "tune,heldout", "clip sets to decode: tune, heldout")
)

// heldOutClips are never used to choose settings: whole speakers (AMI, two
// LibriSpeech readers, the sonnet reader, LJ Speech, two FLEURS voices) are
// kept apart so a setting cannot be fitted to a voice it is judged on. The
// tuning set is the MFA speaker (unscripted, fillers), the Sense and
// Sensibility reader and two other FLEURS voices.
var heldOutClips = map[string]bool{
	"ami_es2011a_intro.wav":            true,
	"librispeech_1272-128104-0000.wav": true,
	"librispeech_61-70968-0000.wav":    true,
	"librivox_sonnet001.wav":           true,
	"ljspeech_LJ001-0001.wav":          true,
	"ljspeech_LJ001-0005.wav":          true,
	"fleurs_en_005.wav":                true,
	"fleurs_en_007.wav":                true,
}

// debianLibrivox is pocketsphinx-testdata's Sense and Sensibility folder:
// two more clips of the tuning set's reader.
const debianLibrivox = "/usr/share/pocketsphinx/test/data/librivox"

type evalClip struct {
	name, set, ref string
	pcm            []int16
}

// evalClips loads the shared clips and the Debian librivox ones that the
// shared set does not already hold.
func evalClips(tb testing.TB, sets string) []evalClip {
	tb.Helper()
	var out []evalClip
	want := func(set string) bool { return slices.Contains(strings.Split(sets, ","), set) }
	for _, c := range loadManifest(tb) {
		set := "tune"
		if heldOutClips[c.file] {
			set = "heldout"
		}
		if !want(set) {
			continue
		}
		pcm, err := readWAV16k(filepath.Join(speechDir, c.file))
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, evalClip{name: c.file, set: set, ref: c.transcript, pcm: pcm})
	}
	if !want("tune") {
		return out
	}
	f, err := os.Open(filepath.Join(debianLibrivox, "transcription"))
	if err != nil {
		tb.Logf("no Debian librivox clips: %v", err)
		return out
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		// "<s> words </s> (fileid)"
		line := sc.Text()
		i := strings.LastIndexByte(line, '(')
		if i < 0 {
			continue
		}
		id := strings.TrimSuffix(line[i+1:], ")")
		if strings.HasSuffix(id, "0870") || strings.HasSuffix(id, "0890") || strings.HasSuffix(id, "0920") {
			continue // already in the shared set
		}
		ref := strings.NewReplacer("<s>", "", "</s>", "").Replace(line[:i])
		pcm, err := readWAV16k(filepath.Join(debianLibrivox, id+".wav"))
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, evalClip{name: id + ".wav", set: "tune", ref: ref, pcm: pcm})
	}
	return out
}

type scoredWord struct {
	conf  float64
	right bool
}

type setScore struct {
	errs, refWords int
	audio, decode  time.Duration
	words          []scoredWord
}

func (s setScore) wer() float64 { return float64(s.errs) / float64(max(s.refWords, 1)) }
func (s setScore) rtf() float64 { return s.decode.Seconds() / s.audio.Seconds() }

// parseSettings reads "name=-opt value ...;name=...".
func parseSettings(s string) (names []string, opts [][]string) {
	for _, part := range strings.Split(s, ";") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, args, _ := strings.Cut(part, "=")
		names = append(names, strings.TrimSpace(name))
		opts = append(opts, strings.Fields(args))
	}
	return names, opts
}

func TestTuneDecoder(t *testing.T) {
	if *tuneFlag == "" {
		t.Skip("measurement harness; run with -sphinx.tune")
	}
	clips := evalClips(t, *tuneSets)
	// "shipped" alone measures the shipped settings only.
	names, opts := parseSettings("shipped=;" + strings.TrimPrefix(*tuneFlag, "shipped"))
	ctx := context.Background()
	fmt.Printf("%-22s %-8s %6s %6s %6s %6s %6s %8s\n", "setting", "set", "words", "WER", "RTF", "fin50", "fin95", "finmax/s")
	for k, name := range names {
		args, interp := splitInterp(opts[k])
		tr, err := newTranscriber(Config{PoolSize: 1}, args)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if interp != nil {
			// PoolSize 1: the one decoder New warmed is every stream's.
			if err := tr.idle[0].interpolateLM(interp.path, interp.weight); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
		}
		scores := map[string]*setScore{}
		var finishes []time.Duration
		worstPerSec := 0.0 // Finish ms per second of audio, the worst clip
		for _, c := range clips {
			sc := scores[c.set]
			if sc == nil {
				sc = &setScore{}
				scores[c.set] = sc
			}
			start := time.Now()
			s, err := tr.Start(ctx)
			if err != nil {
				t.Fatal(err)
			}
			const chunk = SampleRate / 50
			for i := 0; i < len(c.pcm); i += chunk {
				if err := s.Write(c.pcm[i:min(i+chunk, len(c.pcm))]); err != nil {
					t.Fatal(err)
				}
			}
			last := time.Now()
			tx, err := s.Finish(ctx)
			if err != nil {
				t.Fatal(err)
			}
			fin := time.Since(last)
			finishes = append(finishes, fin)
			worstPerSec = max(worstPerSec, float64(fin.Milliseconds())/(float64(len(c.pcm))/SampleRate))
			sc.decode += time.Since(start)
			sc.audio += time.Duration(len(c.pcm)) * time.Second / SampleRate
			ref := speechdata.Normalize(c.ref)
			var hyp []string
			var confs []float64
			for _, w := range tx.Words {
				for _, n := range speechdata.Normalize(w.W) {
					hyp = append(hyp, n)
					confs = append(confs, w.Conf)
				}
			}
			e := speechdata.EditDistance(ref, hyp)
			if os.Getenv("SPHINX_CLIP_TABLE") != "" {
				var sum float64
				low := 0
				for _, c := range confs {
					sum += c
					if c < 0.5 {
						low++
					}
				}
				n := float64(max(len(confs), 1))
				fmt.Printf("    %-8s %-46s WER %.2f  mean conf %.2f  under 0.5 %.2f\n", c.set, c.name, float64(e)/float64(max(len(ref), 1)), sum/n, float64(low)/n)
			}
			sc.errs += e
			sc.refWords += len(ref)
			for i, ok := range alignCorrect(ref, hyp) {
				sc.words = append(sc.words, scoredWord{conf: confs[i], right: ok})
			}
		}
		tr.Close()
		slices.Sort(finishes)
		fin50 := finishes[len(finishes)/2]
		fin95 := finishes[int(0.95*float64(len(finishes)-1))]
		for _, set := range []string{"tune", "heldout"} {
			sc := scores[set]
			if sc == nil {
				continue
			}
			fmt.Printf("%-22s %-8s %6d %6.3f %6.3f %6d %6d %8.1f\n", name, set, sc.refWords, sc.wer(), sc.rtf(), fin50.Milliseconds(), fin95.Milliseconds(), worstPerSec)
			if os.Getenv("SPHINX_CONF_TABLE") != "" {
				printConfTable(sc.words)
			}
		}
	}
}

// printConfTable prints, per threshold, the share of wrong and of right
// recognised words whose confidence is below it.
func printConfTable(words []scoredWord) {
	var right, wrong int
	for _, w := range words {
		if w.right {
			right++
		} else {
			wrong++
		}
	}
	fmt.Printf("    %d recognised words, %d right, %d wrong\n", len(words), right, wrong)
	fmt.Printf("    %9s %14s %14s\n", "threshold", "wrong below", "right below")
	for _, th := range []float64{0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95} {
		var rb, wb int
		for _, w := range words {
			if w.conf < th {
				if w.right {
					rb++
				} else {
					wb++
				}
			}
		}
		fmt.Printf("    %9.2f %13.0f%% %13.0f%%\n", th, 100*float64(wb)/float64(max(wrong, 1)), 100*float64(rb)/float64(max(right, 1)))
	}
}

type lmWeights struct {
	path   string
	weight float64
}

// splitInterp takes the harness's own "-interp PATH:WEIGHT" option (a
// domain model mixed into the generic one) out of the pocketsphinx
// options.
func splitInterp(opts []string) ([]string, *lmWeights) {
	var out []string
	var lw *lmWeights
	for i := 0; i < len(opts); i++ {
		if opts[i] == "-interp" && i+1 < len(opts) {
			path, w, _ := strings.Cut(opts[i+1], ":")
			lw = &lmWeights{path: path}
			fmt.Sscan(w, &lw.weight)
			i++
			continue
		}
		out = append(out, opts[i])
	}
	return out, lw
}
