package openaicompat

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"

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
}

var _ mockloop.Transcriber = (*Transcriber)(nil)

// NewTranscriber checks the endpoint and returns the engine.
func NewTranscriber(e Endpoint, o TranscriberOptions) (*Transcriber, error) {
	if err := e.validate(); err != nil {
		return nil, fmt.Errorf("openai transcriber: %w", err)
	}
	t := &Transcriber{e: e, c: e.client(o.HTTPClient), prompt: FillerPrompt, lang: o.Language}
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
		var syntaxErr *json.SyntaxError
		if errors.As(err, &syntaxErr) || strings.Contains(err.Error(), "invalid character") {
			return mockloop.Transcript{}, fmt.Errorf("%w: transcription at %s: the server did not answer JSON (%.80q): %w", ErrSTT, t.e.BaseURL, body.String(), err)
		}
		return mockloop.Transcript{}, fmt.Errorf("%w: %w", ErrSTT, explain(err, t.e, "transcription"))
	}
	tr, err := parseTranscription(resp, body.Bytes())
	if err != nil {
		return mockloop.Transcript{}, fmt.Errorf("%w: transcription at %s: %w", ErrSTT, t.e.BaseURL, err)
	}
	tr.Engine = t.engine
	return tr, nil
}

// verboseBody is the part of verbose_json that go-openai's AudioResponse
// misses: whisper.cpp's server nests the words under each segment, where
// OpenAI puts them at the top level.
type verboseBody struct {
	Text     *string `json:"text"`
	Segments []struct {
		Words []struct {
			Word  string  `json:"word"`
			Start float64 `json:"start"`
			End   float64 `json:"end"`
		} `json:"words"`
	} `json:"segments"`
}

// parseTranscription builds the transcript from go-openai's response and,
// for the nested shape, the raw body.
func parseTranscription(resp openai.AudioResponse, raw []byte) (mockloop.Transcript, error) {
	var vb verboseBody
	if err := json.Unmarshal(raw, &vb); err != nil {
		return mockloop.Transcript{}, fmt.Errorf("decode verbose_json: %w", err)
	}
	if vb.Text == nil {
		return mockloop.Transcript{}, fmt.Errorf("response has no text field: %.120q", raw)
	}
	var words []analysis.Word
	add := func(w string, start, end float64) {
		w = strings.TrimSpace(w)
		// whisper.cpp can report special tokens such as [_BEG_] as words.
		if w == "" || strings.HasPrefix(w, "[_") {
			return
		}
		words = append(words, analysis.Word{W: w, Start: start, End: end})
	}
	if len(resp.Words) > 0 {
		for _, w := range resp.Words {
			add(w.Word, w.Start, w.End)
		}
	} else {
		for _, s := range vb.Segments {
			for _, w := range s.Words {
				add(w.Word, w.Start, w.End)
			}
		}
	}
	return mockloop.Transcript{Text: strings.TrimSpace(resp.Text), Words: words}, nil
}

// encodeWAV is the utterance as the WAV file the endpoint is sent.
func encodeWAV(pcm []int16, sampleRate int) []byte {
	var b bytes.Buffer
	// WriteWAV fails only on a bad rate or a file over 4 GB; the caller
	// passes the pipeline's rate and caps utterances at 10 minutes.
	_ = voice.WriteWAV(&b, mockloop.Audio{PCM: pcm, SampleRate: sampleRate})
	return b.Bytes()
}
