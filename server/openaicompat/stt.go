package openaicompat

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	openai "github.com/sashabaranov/go-openai"

	"github.com/mockloop/mockloop"
	"github.com/mockloop/mockloop/analysis"
	"github.com/mockloop/mockloop/server/voice"
)

// ErrSTT marks every transcription failure; the Listener falls back to
// pocketsphinx on it.
var ErrSTT = errors.New("openai speech-to-text failed")

// FillerPrompt is sent as the transcription prompt. Whisper leaves out
// filled pauses unless the prompt shows them (faster-whisper#901,
// whisperX#693), and filler counts are part of the feedback.
const FillerPrompt = "Um, so, uh, I think we, you know, shipped it."

// sttSampleRate is the rate the voice pipeline delivers.
const sttSampleRate = 16000

// maxUtteranceSamples caps one utterance: OpenAI refuses files over 25 MB,
// which is about 13 minutes of 16 kHz 16-bit audio; 10 minutes is longer
// than any answer the round engine allows.
const maxUtteranceSamples = 10 * 60 * sttSampleRate

// TranscriberOptions tune the speech-to-text requests.
type TranscriberOptions struct {
	// Prompt replaces FillerPrompt; set NoPrompt to send none.
	Prompt   string
	NoPrompt bool
	Language string // default "en"
	// Lexicon tells English words from garbage in the transcript; nil
	// runs only the checks that need no word list.
	Lexicon Lexicon
	// HTTPClient is for tests; nil means a plain client.
	HTTPClient *http.Client
}

// Transcriber sends each utterance to /audio/transcriptions once it ends.
// It cannot stream: Partial is always "".
type Transcriber struct {
	e      Endpoint
	c      *openai.Client
	prompt string
	lang   string
	engine string
	lex    Lexicon
}

var _ mockloop.Transcriber = (*Transcriber)(nil)

// NewTranscriber checks the endpoint and returns the engine.
func NewTranscriber(e Endpoint, o TranscriberOptions) (*Transcriber, error) {
	if err := e.validate(); err != nil {
		return nil, fmt.Errorf("openai transcriber: %w", err)
	}
	t := &Transcriber{e: e, c: e.client(o.HTTPClient), prompt: FillerPrompt, lang: o.Language, lex: o.Lexicon}
	if o.Prompt != "" {
		t.prompt = o.Prompt
	}
	if o.NoPrompt {
		t.prompt = ""
	}
	if t.lang == "" {
		t.lang = "en"
	}
	// The engine string says whether fillers were asked for, since a
	// filler count of zero may only mean Whisper dropped them.
	switch {
	case t.prompt == FillerPrompt:
		t.engine = "openai " + e.Model + " prompt=fillers"
	case t.prompt == "":
		t.engine = "openai " + e.Model + " prompt=none"
	default:
		t.engine = "openai " + e.Model + " prompt=custom"
	}
	return t, nil
}

// Name reports the engine for the UI and the round record.
func (t *Transcriber) Name() string { return "openai:" + t.e.Model }

// Start begins buffering one utterance.
func (t *Transcriber) Start(ctx context.Context) (mockloop.TranscriberStream, error) {
	return &sttStream{t: t}, nil
}

type sttStream struct {
	t    *Transcriber
	mu   sync.Mutex
	pcm  []int16
	done bool
}

func (s *sttStream) Write(pcm16k []int16) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done {
		return fmt.Errorf("openai stt write after finish: %w", ErrSTT)
	}
	if len(s.pcm)+len(pcm16k) > maxUtteranceSamples {
		return fmt.Errorf("openai stt: utterance over %d minutes: %w", maxUtteranceSamples/sttSampleRate/60, ErrSTT)
	}
	s.pcm = append(s.pcm, pcm16k...)
	return nil
}

// Partial is "": the endpoint transcribes whole files only.
func (s *sttStream) Partial() string { return "" }

func (s *sttStream) Close() {
	s.mu.Lock()
	s.done, s.pcm = true, nil
	s.mu.Unlock()
}

func (s *sttStream) Finish(ctx context.Context) (mockloop.Transcript, error) {
	s.mu.Lock()
	if s.done {
		s.mu.Unlock()
		return mockloop.Transcript{}, fmt.Errorf("openai stt finish twice: %w", ErrSTT)
	}
	s.done = true
	pcm := s.pcm
	s.pcm = nil
	s.mu.Unlock()
	if len(pcm) == 0 {
		return mockloop.Transcript{Engine: s.t.engine}, nil
	}
	return s.t.transcribe(ctx, pcm)
}

func (t *Transcriber) transcribe(ctx context.Context, pcm []int16) (mockloop.Transcript, error) {
	ctx, cancel := t.e.withTimeout(ctx)
	defer cancel()
	var body bytes.Buffer
	resp, err := t.c.CreateTranscription(withBodyCapture(ctx, &body), openai.AudioRequest{
		Model:                  t.e.Model,
		FilePath:               "utterance.wav",
		Reader:                 bytes.NewReader(encodeWAV(pcm, sttSampleRate)),
		Prompt:                 t.prompt,
		Language:               t.lang,
		Format:                 openai.AudioResponseFormatVerboseJSON,
		TimestampGranularities: []openai.TranscriptionTimestampGranularity{openai.TranscriptionTimestampGranularityWord},
	})
	if err != nil {
		return mockloop.Transcript{}, fmt.Errorf("%w: %w", ErrSTT, classify("stt", t.e, err))
	}
	tr, err := parseTranscription(resp, body.Bytes())
	if err != nil {
		return mockloop.Transcript{}, fmt.Errorf("%w: %w", ErrSTT, engineErr("stt", t.e, ErrBadResponse, "the answer is not a verbose_json transcript", err))
	}
	d := time.Duration(len(pcm)) * time.Second / sttSampleRate
	if why := transcriptGarbage(tr.Text, tr.Words, d, t.lex); why != "" {
		return mockloop.Transcript{}, fmt.Errorf("%w: %w", ErrSTT, engineErr("stt", t.e, ErrGarbage, why, fmt.Errorf("transcript %.60q", tr.Text)))
	}
	tr.Engine = t.engine
	return tr, nil
}

// verboseBody is the part of verbose_json that go-openai's AudioResponse
// misses: whisper.cpp's server nests the words under each segment, where
// OpenAI puts them at the top level, and gives each a probability.
type verboseBody struct {
	Text     *string       `json:"text"`
	Words    []verboseWord `json:"words"`
	Segments []struct {
		Words []verboseWord `json:"words"`
	} `json:"segments"`
}

type verboseWord struct {
	Word        string   `json:"word"`
	Start       float64  `json:"start"`
	End         float64  `json:"end"`
	Probability *float64 `json:"probability"`
}

// parseTranscription builds the transcript from go-openai's response and,
// for the nested shape, the raw body. OpenAI's top-level words are whole
// words; whisper.cpp's segment words are tokens and are merged.
func parseTranscription(resp openai.AudioResponse, raw []byte) (mockloop.Transcript, error) {
	var vb verboseBody
	if err := json.Unmarshal(raw, &vb); err != nil {
		return mockloop.Transcript{}, fmt.Errorf("decode verbose_json: %w", err)
	}
	if vb.Text == nil {
		return mockloop.Transcript{}, fmt.Errorf("response has no text field: %.120q", raw)
	}
	var words []analysis.Word
	if len(vb.Words) > 0 {
		for _, w := range vb.Words {
			if t := strings.TrimSpace(w.Word); t != "" {
				words = append(words, analysis.Word{W: t, Start: w.Start, End: max(w.End, w.Start), Conf: prob(w)})
			}
		}
	} else {
		// A segment ends a word: whisper.cpp's text breaks the line there
		// even when the next token has no leading space.
		for _, s := range vb.Segments {
			words = append(words, mergeTokens(s.Words)...)
		}
	}
	text := strings.Join(strings.Fields(resp.Text), " ")
	return mockloop.Transcript{Text: text, Words: words}, nil
}

// prob is a token's probability, 0 (unknown, so trusted) when the
// server sends none.
func prob(w verboseWord) float64 {
	if w.Probability == nil {
		return 0
	}
	return min(max(*w.Probability, 0), 1)
}

// mergeTokens joins whisper.cpp tokens into written words: a token that
// starts with a space, or follows one that ended in punctuation, starts a
// new word; a token of punctuation alone ends the word it follows. A word
// runs from its first token's start to its last token's end, and its
// confidence is the geometric mean of its tokens' probabilities (one
// unsure token makes an unsure word, without the min's all-or-nothing).
// Special tokens ([_BEG_], [_TT_123]) and empty entries are dropped;
// zero-length tokens keep their text and take no time.
func mergeTokens(toks []verboseWord) []analysis.Word {
	var out []analysis.Word
	var cur strings.Builder
	var start, end, logSum float64
	n := 0
	flush := func() {
		if w := strings.TrimSpace(cur.String()); w != "" && hasWordChar(w) {
			conf := 0.0 // no token had a probability: unknown
			if n > 0 {
				conf = math.Exp(logSum / float64(n))
			}
			out = append(out, analysis.Word{W: w, Start: start, End: max(end, start), Conf: conf})
		}
		cur.Reset()
		n, logSum = 0, 0
	}
	prevPunct := false
	for _, tk := range toks {
		body := strings.TrimSpace(tk.Word)
		if body == "" || strings.HasPrefix(body, "[_") {
			continue
		}
		punctOnly := !hasWordChar(body)
		startsNew := !punctOnly && (unicode.IsSpace(rune(tk.Word[0])) || prevPunct)
		if startsNew && hasWordChar(cur.String()) {
			flush()
		}
		if cur.Len() == 0 {
			start, end = tk.Start, tk.End
		}
		cur.WriteString(body)
		end = max(end, tk.End)
		if tk.Probability != nil {
			logSum += math.Log(max(prob(tk), 1e-6))
			n++
		}
		last, _ := utf8.DecodeLastRuneInString(body)
		prevPunct = unicode.IsPunct(last) && last != '\'' && last != '-'
	}
	flush()
	return out
}

func hasWordChar(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return true
		}
	}
	return false
}

// encodeWAV is the utterance as the WAV file the endpoint is sent.
func encodeWAV(pcm []int16, sampleRate int) []byte {
	var b bytes.Buffer
	// WriteWAV fails only on a bad rate or a file over 4 GB; the caller
	// passes the pipeline's rate and caps utterances at 10 minutes.
	_ = voice.WriteWAV(&b, mockloop.Audio{PCM: pcm, SampleRate: sampleRate})
	return b.Bytes()
}
