package openaicompat

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"time"
	"unicode"

	"github.com/mockloop/mockloop/analysis"
)

// Lexicon is a set of English words (lower case), used to tell plain
// English from model garbage. Nil means no word list: the checks that need
// none (repeats, giant tokens, no function words) still run.
type Lexicon map[string]struct{}

// DefaultLexiconPath is pocketsphinx-en-us's dictionary (134k words), on
// every machine that runs the embedded recogniser.
const DefaultLexiconPath = "/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict"

// LoadLexicon reads a CMU-style pronouncing dictionary ("word PH ON ES",
// variants as "word(2)"), such as pocketsphinx's cmudict-en-us.dict.
func LoadLexicon(path string) (Lexicon, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("lexicon: %w", err)
	}
	defer f.Close()
	return ReadLexicon(f)
}

// ReadLexicon reads a lexicon from r: one word first on each line.
func ReadLexicon(r io.Reader) (Lexicon, error) {
	lex := Lexicon{}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := sc.Text()
		if i := strings.IndexAny(line, " \t"); i > 0 {
			line = line[:i]
		}
		if i := strings.IndexByte(line, '('); i > 0 {
			line = line[:i]
		}
		if line != "" && !strings.HasPrefix(line, ";;;") {
			lex[strings.ToLower(line)] = struct{}{}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("lexicon: %w", err)
	}
	return lex, nil
}

func (l Lexicon) has(w string) bool {
	if l == nil {
		return true
	}
	if _, ok := l[w]; ok {
		return true
	}
	// Possessives and contractions the dictionary may spell apart.
	for _, suf := range []string{"'s", "s'", "'re", "'ve", "'ll", "'d", "n't"} {
		if stem, ok := strings.CutSuffix(w, suf); ok && stem != "" {
			if _, ok := l[stem]; ok {
				return true
			}
		}
	}
	return false
}

// functionWords are the short words nearly every English sentence of five
// words or more contains; a reply with none is not a sentence.
var functionWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`a an the this that these those my your our their his her its
		i you we they he she it me us them him what which who whom whose when where why how
		is are was were be been being am do does did done have has had can could will would
		shall should may might must not no and or but if so then than because as of to in on
		at by for from with about into over after before through during tell let let's i'm
		you're it's that's there here any some all each every more most very just also`) {
		functionWords[w] = true
	}
}

// controlTokens are chat-template and tokenizer markers a model leaks when
// its template is wrong or its weights are broken: <|system|>,
// <|begin_of_text|>, <|eot_id|>, <|im_start|>, [INST], <<SYS>>, <s>,
// <start_of_turn>, and the header-id pair with the role name between.
var (
	reHeaderRole   = regexp.MustCompile(`(?i)<\|start_header_id\|>[^<]{0,20}<\|end_header_id\|>`)
	reControlToken = regexp.MustCompile(`(?i)<\|[^<>|\s]{1,40}\|>|\[/?(?:INST|SYS)\]|<</?SYS>>|</?s>|<(?:start_of_turn|end_of_turn|bos|eos|unk|pad|mask|sep|cls)>|<\|?(?:im_start|im_end|endoftext)\|?>`)
	reThink        = regexp.MustCompile(`(?is)<think>.*?(?:</think>|$)`)
)

// stripControl removes control tokens (and reasoning blocks) from text.
func stripControl(s string) string {
	s = reThink.ReplaceAllString(s, " ")
	s = reHeaderRole.ReplaceAllString(s, " ")
	return reControlToken.ReplaceAllString(s, " ")
}

// tokenWords are the words of text for the checks: letters, digits and
// inner apostrophes, lower case.
func tokenWords(text string) []string {
	return strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '\'' || r == '’')
	})
}

// namesAndTerms are the words of text a dictionary cannot be expected to
// know, lower case: names and technical terms as written mid-sentence
// (Postgres, DynamoDB, SQS, gRPC, GitHub) and anything with a digit (p99,
// S3). The known-word ratio leaves them out, so an answer about Kubernetes
// is not garbage; the loop and length rules still apply to them.
func namesAndTerms(text string) map[string]bool {
	out := map[string]bool{}
	sentenceStart := true
	for _, f := range strings.Fields(text) {
		core := strings.TrimFunc(f, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
		upperAt, digit := -1, false
		for i, r := range []rune(core) {
			if unicode.IsUpper(r) && (i > 0 || !sentenceStart) && upperAt < 0 {
				upperAt = i
			}
			if unicode.IsDigit(r) {
				digit = true
			}
		}
		if core != "" && (upperAt >= 0 || digit) {
			out[strings.ToLower(core)] = true
		}
		if core != "" {
			sentenceStart = strings.ContainsAny(f[len(f)-1:], ".!?")
		}
	}
	// Real speech is mostly ordinary words; text that is mostly
	// "names" (Capitalised Nonsense Like This) gets no such pass.
	if words := tokenWords(text); len(out)*2 > len(words) {
		return nil
	}
	return out
}

// maxWordRunes: the longest words people say in an interview
// ("internationalization", 20) stay under it.
const maxWordRunes = 25

// repeatedUnit reports whether w contains a unit of 2-6 runes repeated 4
// times in a row ("rushrushrushrush", "propropropro") or one rune 6 times
// ("6666666666"): the loops a broken model falls into inside one token.
func repeatedUnit(w string) bool {
	r := []rune(w)
	for unit := 1; unit <= 6; unit++ {
		need := 4
		if unit == 1 {
			need = 6
		}
		for i := 0; i+unit*need <= len(r); i++ {
			n := 1
			for j := i + unit; j+unit <= len(r) && string(r[j:j+unit]) == string(r[i:i+unit]); j += unit {
				n++
			}
			if n >= need {
				return true
			}
		}
	}
	return false
}

// textGarbage says why text is not plain English, or "" when it is. It
// looks at characters as well as words, so one 200-character token with
// no spaces is caught as surely as a stream of non-words.
func textGarbage(text string, lex Lexicon) string {
	words := tokenWords(text)
	if len(words) == 0 {
		return "no words"
	}
	terms := namesAndTerms(text)
	run, known, letters, function := 1, 0, 0, 0
	distinct := map[string]bool{}
	for i, w := range words {
		if n := len([]rune(w)); n > maxWordRunes {
			return fmt.Sprintf("a %d-character non-word", n)
		}
		if repeatedUnit(w) {
			return fmt.Sprintf("a looping token %q", clip(w, 24))
		}
		if i > 0 && w == words[i-1] {
			if run++; run >= 4 {
				return fmt.Sprintf("%q repeated over and over", w)
			}
		} else {
			run = 1
		}
		distinct[w] = true
		if functionWords[w] {
			function++
		}
		if hasLetter(w) && !terms[w] {
			letters++
			if lex.has(w) {
				known++
			}
		}
	}
	if len(words) >= 12 && float64(len(distinct)) < 0.3*float64(len(words)) {
		return "the same few words over and over"
	}
	if lex != nil && letters >= 4 && float64(known) < 0.6*float64(letters) {
		return fmt.Sprintf("mostly not English words (%d of %d known)", known, letters)
	}
	if len(words) >= 5 && function == 0 {
		return "no sentence: not one of the words every English sentence uses"
	}
	return ""
}

func hasLetter(w string) bool {
	for _, r := range w {
		if unicode.IsLetter(r) {
			return true
		}
	}
	return false
}

// Spoken-transcript limits. Fast speech is about 4 words a second and the
// longest single words take under 1.5 s to say; a Whisper-style model on
// noise or with broken weights reports one word over many seconds
// ("marquee" from 1.1 s to 10.6 s) or pages of repeats.
const (
	maxWordDur     = 3 * time.Second
	maxWordsPerSec = 8
	// minWordsPerSec over at least minRateAudio of audio: one word in
	// 10 s of speech the VAD kept is not a transcript.
	minWordsPerSec = 0.2
	minRateAudio   = 6 * time.Second
)

// transcriptGarbage says why a transcript of audio lasting d cannot be
// what someone said, or "". It checks the words' timing as well as the
// text. Disfluent speech is normal, so the word-list threshold is lower
// than for an LLM reply.
func transcriptGarbage(text string, words []analysis.Word, d time.Duration, lex Lexicon) string {
	if strings.TrimSpace(text) == "" {
		return ""
	}
	tw := tokenWords(text)
	terms := namesAndTerms(text)
	if float64(len(tw)) > maxWordsPerSec*d.Seconds()+4 {
		return fmt.Sprintf("%d words in %.1f s of audio", len(tw), d.Seconds())
	}
	if d >= minRateAudio && float64(len(tw)) < minWordsPerSec*d.Seconds() {
		return fmt.Sprintf("%d word(s) for %.1f s of speech", len(tw), d.Seconds())
	}
	for _, w := range words {
		if dur := time.Duration((w.End - w.Start) * float64(time.Second)); dur > maxWordDur {
			return fmt.Sprintf("one word %q lasting %.1f s", clip(w.W, 24), dur.Seconds())
		}
	}
	// The text rules, minus "no function words" (answers can be terse
	// noun phrases) and with a lower bar for known words.
	run := 1
	known, letters := 0, 0
	for i, w := range tw {
		if n := len([]rune(w)); n > maxWordRunes {
			return fmt.Sprintf("a %d-character non-word", n)
		}
		if repeatedUnit(w) {
			return fmt.Sprintf("a looping token %q", clip(w, 24))
		}
		if i > 0 && w == tw[i-1] {
			// People do say "no no no"; six in a row is a loop.
			if run++; run >= 6 {
				return fmt.Sprintf("%q repeated over and over", w)
			}
		} else {
			run = 1
		}
		if hasLetter(w) && !terms[w] {
			letters++
			if lex.has(w) {
				known++
			}
		}
	}
	if lex != nil && letters >= 4 && float64(known) < 0.5*float64(letters) {
		return fmt.Sprintf("mostly not English words (%d of %d known)", known, letters)
	}
	return ""
}
