package openaicompat

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	openai "github.com/sashabaranov/go-openai"
)

// Status is an engine's health as doctor and the page's engines line say
// it.
type Status string

// The statuses (CONTRACT.md: GET /api/config engines.*.status).
const (
	StatusOK        Status = "ok"
	StatusSlow      Status = "slow"
	StatusBroken    Status = "broken"
	StatusUnchecked Status = "unchecked"
)

// Health is the result of one real request to an engine.
type Health struct {
	Status Status
	Reason string        // plain words: what happened
	Fix    string        // what to do; "" when nothing
	Took   time.Duration // the real request's time
	Err    error         // the cause, for the log
}

// CheckOptions tune the checks. Zero values mean defaults.
type CheckOptions struct {
	// Slow is the request time over which a working engine is "slow":
	// the candidate would wait in silence that long every turn.
	Slow time.Duration
	// Clip is the speech a transcriber is sent (16 kHz); Words are the
	// words said in it, to tell a working model from one that invents.
	Clip  []int16
	Words []string
	// Lexicon for the garbage checks.
	Lexicon    Lexicon
	HTTPClient *http.Client
}

// DefaultLLMSlow: the first-token timeout is 8 s; an LLM that needs more
// than 5 s for a few tokens makes every turn a long silence.
const DefaultLLMSlow = 5 * time.Second

// CheckLLM lists the server's models (when it can) and sends one real chat
// completion of a few tokens, so a model that is listed but cannot load
// (Ollama's 500 "llama runner process has terminated") is caught.
func CheckLLM(ctx context.Context, e Endpoint, o CheckOptions) Health {
	if o.Slow <= 0 {
		o.Slow = DefaultLLMSlow
	}
	if err := e.validate(); err != nil {
		return Health{Status: StatusBroken, Reason: err.Error(), Fix: "set --llm-url to the server's /v1 URL and --llm-model", Err: err}
	}
	if err := checkModels(ctx, "llm", e, o.HTTPClient); err != nil && !errors.Is(err, ErrWrongPath) {
		return broken(err)
	}
	ctx, cancel := e.withTimeout(ctx)
	defer cancel()
	start := time.Now()
	resp, err := e.client(o.HTTPClient).CreateChatCompletion(ctx, openai.ChatCompletionRequest{
		Model:    e.Model,
		Messages: []openai.ChatCompletionMessage{{Role: openai.ChatMessageRoleUser, Content: "Say: Tell me about a time you led a project."}},
		//lint:ignore SA1019 Ollama reads max_tokens only (max_completion_tokens is its open PR 14464); llama.cpp and vLLM read both.
		MaxTokens: 12,
	})
	took := time.Since(start)
	if err != nil {
		return broken(classify("llm", e, err))
	}
	text := ""
	if len(resp.Choices) > 0 {
		text = stripControl(resp.Choices[0].Message.Content)
	}
	// A few tokens may stop mid-sentence, so only the structural checks
	// that hold for a fragment apply: real words, no loops.
	if why := fragmentGarbage(text, o.Lexicon); why != "" {
		return Health{Status: StatusBroken, Took: took,
			Reason: fmt.Sprintf("model '%s' answers nonsense (%s): %.60q", e.Model, why, text),
			Fix:    "the model's weights or chat template are broken: pull the model again or pick another with --llm-model",
			Err:    engineErr("llm", e, ErrGarbage, why, nil)}
	}
	if took > o.Slow {
		return Health{Status: StatusSlow, Took: took,
			Reason: fmt.Sprintf("a %d-token reply took %.1f s", resp.Usage.CompletionTokens, took.Seconds()),
			Fix:    "use a smaller model or a GPU; meanwhile turns fall back to the built-in interviewer after --llm-first-token-timeout"}
	}
	return Health{Status: StatusOK, Took: took, Reason: fmt.Sprintf("model '%s' answered in %.1f s", e.Model, took.Seconds())}
}

// CheckSTT sends the clip for a real transcription and then a second of
// silence: it times the request, and checks the words come back and that
// silence does not turn into text.
func CheckSTT(ctx context.Context, e Endpoint, o CheckOptions, sttTimeout time.Duration) Health {
	if err := e.validate(); err != nil {
		return Health{Status: StatusBroken, Reason: err.Error(), Fix: "set --stt-url to the server's /v1 URL and --stt-model", Err: err}
	}
	if o.Slow <= 0 {
		// Half the budget: slower than that, a long utterance will not
		// make it in time.
		o.Slow = sttTimeout / 2
	}
	if o.Slow <= 0 {
		o.Slow = 6 * time.Second
	}
	t, err := NewTranscriber(e, TranscriberOptions{Lexicon: o.Lexicon, HTTPClient: o.HTTPClient})
	if err != nil {
		return broken(err)
	}
	clipDur := time.Duration(len(o.Clip)) * time.Second / sttSampleRate
	start := time.Now()
	tr, err := t.transcribe(ctx, o.Clip)
	took := time.Since(start)
	if err != nil {
		h := broken(err)
		h.Took = took
		if errors.Is(err, ErrTimeout) {
			h.Reason = fmt.Sprintf("no transcript of a %.0f s clip within %v", clipDur.Seconds(), e.Timeout)
			h.Fix = "start mockloop with a larger --stt-timeout, or use a smaller Whisper model"
		}
		return h
	}
	heard := 0
	got := strings.Fields(strings.ToLower(strings.Join(tokenWords(tr.Text), " ")))
	for _, w := range o.Words {
		if slices.Contains(got, strings.ToLower(w)) {
			heard++
		}
	}
	if len(o.Words) > 0 && heard*2 < len(o.Words) {
		return Health{Status: StatusBroken, Took: took,
			Reason: fmt.Sprintf("the test clip came back as %.60q (%d of %d words right)", tr.Text, heard, len(o.Words)),
			Fix:    "the model is not transcribing English: check --stt-model and the server's model file",
			Err:    engineErr("stt", e, ErrGarbage, "wrong words", nil)}
	}
	if sil, err := t.transcribe(ctx, make([]int16, sttSampleRate)); err == nil && len(tokenWords(sil.Text)) > 3 {
		return Health{Status: StatusBroken, Took: took,
			Reason: fmt.Sprintf("a second of silence came back as %.60q", sil.Text),
			Fix:    "the model invents text for silence: use another Whisper model",
			Err:    engineErr("stt", e, ErrGarbage, "text for silence", nil)}
	}
	if took > o.Slow {
		return Health{Status: StatusSlow, Took: took,
			Reason: fmt.Sprintf("a %.0f s clip took %.1f s to transcribe", clipDur.Seconds(), took.Seconds()),
			Fix:    fmt.Sprintf("start mockloop with --stt-timeout %s (twice this), or use a smaller model", (2 * took).Round(time.Second))}
	}
	return Health{Status: StatusOK, Took: took, Reason: fmt.Sprintf("a %.0f s clip transcribed in %.1f s", clipDur.Seconds(), took.Seconds())}
}

// CheckTTS synthesises one short sentence.
func CheckTTS(ctx context.Context, e Endpoint, voice string, o CheckOptions) Health {
	if o.Slow <= 0 {
		o.Slow = 3 * time.Second
	}
	s, err := NewSynthesizer(e, voice, "wav")
	if err != nil {
		return Health{Status: StatusBroken, Reason: err.Error(), Fix: "set --tts-url to the server's /v1 URL and --tts-model", Err: err}
	}
	if o.HTTPClient != nil {
		s.c = e.client(o.HTTPClient)
	}
	start := time.Now()
	a, err := s.Synthesize(ctx, "Tell me about a time you led a project.")
	took := time.Since(start)
	switch {
	case err != nil:
		h := broken(err)
		h.Took = took
		return h
	case len(a.PCM) == 0:
		return Health{Status: StatusBroken, Took: took, Reason: "the server returned no audio", Fix: "check --tts-model and --tts-voice"}
	case took > o.Slow:
		return Health{Status: StatusSlow, Took: took, Reason: fmt.Sprintf("one sentence took %.1f s to synthesise", took.Seconds()), Fix: "use a faster voice model, or --tts espeak"}
	}
	return Health{Status: StatusOK, Took: took, Reason: fmt.Sprintf("one sentence synthesised in %.1f s", took.Seconds())}
}

// broken turns an engine error into a Health with the fix for its kind.
func broken(err error) Health {
	h := Health{Status: StatusBroken, Reason: err.Error(), Err: err}
	var ee *EngineError
	if !errors.As(err, &ee) {
		return h
	}
	h.Reason = ee.UserMessage()
	h.Fix = fixFor(ee)
	return h
}

// fixFor says what to do about a failure of a kind.
func fixFor(ee *EngineError) string {
	flag := "--" + ee.Engine
	switch ee.Kind {
	case ErrUnavailable:
		return "start the server (Ollama: ollama serve; whisper.cpp: whisper-server) or correct " + flag + "-url"
	case ErrTimeout:
		return "the server is overloaded or the model too large for this machine: use a smaller model or raise the timeout"
	case ErrModelNotFound:
		if ee.Engine == "llm" {
			return "pull the model (ollama pull <name>) or set --llm-model to one the server lists"
		}
		return "set " + flag + "-model to a model the server has"
	case ErrWrongPath:
		if ee.Engine == "stt" {
			return "start whisper-server with --request-path /v1/audio --inference-path /transcriptions, and set --stt-url to http://host:port/v1"
		}
		return "the URL must end in /v1, e.g. http://127.0.0.1:11434/v1 for Ollama"
	case ErrAuth:
		return "set the API key (OPENAI_API_KEY or MOCKLOOP_" + strings.ToUpper(ee.Engine) + "_API_KEY)"
	case ErrRateLimited:
		return "wait, or check the account's quota"
	case ErrServer:
		return "the server failed to run the model (often weights that cannot load or not enough memory): see the server's log, pull the model again or pick a smaller one"
	case ErrBadResponse:
		return "the URL does not point at an OpenAI-compatible API: check " + flag + "-url"
	case ErrGarbage:
		return "the model's weights or template are broken: use another model"
	}
	return ""
}

// checkModels lists the server's models and checks e.Model is among them.
// A server without /models (whisper.cpp) answers a wrong-path error.
func checkModels(ctx context.Context, engine string, e Endpoint, hc *http.Client) error {
	ctx, cancel := e.withTimeout(ctx)
	defer cancel()
	list, err := e.client(hc).ListModels(ctx)
	if err != nil {
		return classify(engine, e, err)
	}
	ids := make([]string, 0, len(list.Models))
	for _, m := range list.Models {
		ids = append(ids, m.ID)
	}
	// Ollama lists "llama3.2:latest" for "llama3.2". Some servers
	// (speaches before a model is loaded) list nothing yet serve it.
	if len(ids) == 0 || slices.Contains(ids, e.Model) || slices.Contains(ids, e.Model+":latest") {
		return nil
	}
	return engineErr(engine, e, ErrModelNotFound, fmt.Sprintf("model '%s' not found; the server has %s", e.Model, strings.Join(ids, ", ")), nil)
}

// fragmentGarbage is textGarbage for a reply cut at a few tokens: the
// sentence-structure rule needs a whole sentence, so it is left out.
func fragmentGarbage(text string, lex Lexicon) string {
	if strings.TrimSpace(text) == "" {
		return "no text"
	}
	words := tokenWords(text)
	if len(words) >= 5 {
		return textGarbage(text, lex)
	}
	for _, w := range words {
		if len([]rune(w)) > maxWordRunes || repeatedUnit(w) {
			return "a looping or giant token"
		}
	}
	return ""
}
