package openaicompat

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"

	openai "github.com/sashabaranov/go-openai"

	"github.com/mockloop/mockloop"
	"github.com/mockloop/mockloop/server/voice"
)

// ErrTTS marks every text-to-speech failure; the caller falls back to
// espeak-ng.
var ErrTTS = errors.New("openai text-to-speech failed")

// pcmSampleRate is the rate of response_format "pcm": raw 24 kHz 16-bit
// little-endian mono, per the OpenAI speech API reference.
const pcmSampleRate = 24000

// maxSpeechBytes bounds a response: 4096 input characters (the API's limit)
// is about five minutes of speech, 14 MB at 24 kHz; 32 MB leaves room for
// 48 kHz WAV from other servers.
const maxSpeechBytes = 32 << 20

// Synthesizer speaks text through /audio/speech.
type Synthesizer struct {
	e      Endpoint
	c      *openai.Client
	voice  string
	format string
}

var _ mockloop.Synthesizer = (*Synthesizer)(nil)

// NewSynthesizer checks the endpoint; format is "wav" or "pcm" (empty means
// "wav").
func NewSynthesizer(e Endpoint, voice, format string) (*Synthesizer, error) {
	if err := e.validate(); err != nil {
		return nil, fmt.Errorf("openai synthesizer: %w", err)
	}
	if format == "" {
		format = "wav"
	}
	if format != "wav" && format != "pcm" {
		return nil, fmt.Errorf("openai synthesizer: response format %q: want wav or pcm", format)
	}
	if voice == "" {
		voice = "alloy"
	}
	return &Synthesizer{e: e, c: e.client(nil), voice: voice, format: format}, nil
}

// Name reports the engine for the UI and the round record.
func (s *Synthesizer) Name() string { return "openai:" + s.e.Model + ":" + s.voice }

// Synthesize speaks text; empty text gives empty audio without a request.
func (s *Synthesizer) Synthesize(ctx context.Context, text string) (mockloop.Audio, error) {
	if strings.TrimSpace(text) == "" {
		return mockloop.Audio{SampleRate: pcmSampleRate}, nil
	}
	ctx, cancel := s.e.withTimeout(ctx)
	defer cancel()
	resp, err := s.c.CreateSpeech(ctx, openai.CreateSpeechRequest{
		Model:          openai.SpeechModel(s.e.Model),
		Input:          text,
		Voice:          openai.SpeechVoice(s.voice),
		ResponseFormat: openai.SpeechResponseFormat(s.format),
	})
	if err != nil {
		return mockloop.Audio{}, fmt.Errorf("%w: %w", ErrTTS, classify("tts", s.e, err))
	}
	defer resp.Close()
	body, err := io.ReadAll(io.LimitReader(resp, maxSpeechBytes+1))
	if err != nil {
		return mockloop.Audio{}, fmt.Errorf("%w: read speech: %w", ErrTTS, classify("tts", s.e, err))
	}
	if len(body) > maxSpeechBytes {
		return mockloop.Audio{}, fmt.Errorf("%w: speech from %s is over %d MB", ErrTTS, s.e.BaseURL, maxSpeechBytes>>20)
	}
	// Servers differ in honouring response_format, so the bytes decide.
	if len(body) >= 12 && string(body[0:4]) == "RIFF" {
		pcm, rate, err := parseWAV(body)
		if err != nil {
			return mockloop.Audio{}, fmt.Errorf("%w: speech from %s: %w", ErrTTS, s.e.BaseURL, err)
		}
		return mockloop.Audio{SampleRate: rate, PCM: pcm}, nil
	}
	if s.format == "wav" {
		return mockloop.Audio{}, fmt.Errorf("%w: speech from %s is not WAV (starts %.16q, content type %q)", ErrTTS, s.e.BaseURL, body, resp.Header().Get("Content-Type"))
	}
	if ct := resp.Header().Get("Content-Type"); strings.HasPrefix(ct, "application/json") || strings.HasPrefix(ct, "text/") {
		return mockloop.Audio{}, fmt.Errorf("%w: speech from %s is %s, not audio: %.120q", ErrTTS, s.e.BaseURL, ct, body)
	}
	if len(body)%2 != 0 {
		return mockloop.Audio{}, fmt.Errorf("%w: raw PCM from %s has an odd length %d", ErrTTS, s.e.BaseURL, len(body))
	}
	pcm := make([]int16, len(body)/2)
	for i := range pcm {
		pcm[i] = int16(binary.LittleEndian.Uint16(body[2*i:]))
	}
	return mockloop.Audio{SampleRate: pcmSampleRate, PCM: pcm}, nil
}

// parseWAV reads a speech server's WAV body; streaming servers leave size
// placeholders, which voice.ReadWAV accepts.
func parseWAV(b []byte) ([]int16, int, error) {
	a, err := voice.ReadWAV(bytes.NewReader(b))
	return a.PCM, a.SampleRate, err
}
