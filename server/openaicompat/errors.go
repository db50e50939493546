package openaicompat

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"

	openai "github.com/sashabaranov/go-openai"
)

// The kinds of engine failure. Every error the engines return wraps exactly
// one of them, so callers sort failures with errors.Is and never read the
// message: the session says one notice per kind, doctor picks the fix,
// the metrics count by kind.
var (
	// ErrUnavailable: no HTTP exchange happened (refused, reset, no such
	// host).
	ErrUnavailable = errors.New("engine unavailable")
	// ErrTimeout: no first token, a stall mid-stream, or the whole
	// request over its budget.
	ErrTimeout = errors.New("engine timed out")
	// ErrModelNotFound: the server answered 404 in its own JSON error
	// format, so the path is right and the model is not there.
	ErrModelNotFound = errors.New("model not found")
	// ErrWrongPath: a 404 that is not the API's JSON (a plain "404 page
	// not found" or whisper-server's "File Not Found"): the URL or the
	// server's path flags are wrong.
	ErrWrongPath = errors.New("wrong URL path")
	// ErrAuth: 401 or 403.
	ErrAuth = errors.New("key refused")
	// ErrRateLimited: 429.
	ErrRateLimited = errors.New("rate limited")
	// ErrServer: 5xx, e.g. a model whose weights cannot load.
	ErrServer = errors.New("server error")
	// ErrBadResponse: an answer that is not the OpenAI format.
	ErrBadResponse = errors.New("bad response")
	// ErrGarbage: a well-formed answer whose text is not plain English
	// (random weights, a broken template, a transcriber hallucinating).
	ErrGarbage = errors.New("garbage output")
)

// kinds lists every kind, for Kind and tests.
var kinds = []error{ErrUnavailable, ErrTimeout, ErrModelNotFound, ErrWrongPath, ErrAuth, ErrRateLimited, ErrServer, ErrBadResponse, ErrGarbage}

// kindNames are the kinds as the metrics and logs name them.
var kindNames = map[error]string{
	ErrUnavailable: "unavailable", ErrTimeout: "timeout", ErrModelNotFound: "model_not_found",
	ErrWrongPath: "wrong_path", ErrAuth: "auth", ErrRateLimited: "rate_limited",
	ErrServer: "server_error", ErrBadResponse: "bad_response", ErrGarbage: "garbage",
}

// EngineError is one engine failure. Reason is written for the user
// ("model 'x' not found"); Err is the chain for the log.
type EngineError struct {
	Engine string // "llm", "stt" or "tts"
	Host   string // host:port of the endpoint, never its key
	Kind   error  // one of the Err kinds above
	Reason string // plain words, no Go error text
	Err    error  // the cause, for the log
}

func (e *EngineError) Error() string {
	msg := fmt.Sprintf("%s at %s: %s", e.Engine, e.Host, e.Reason)
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap makes errors.Is see both the kind and the cause.
func (e *EngineError) Unwrap() []error { return []error{e.Kind, e.Err} }

// FailureKind names the kind for metrics and for one-notice-per-kind.
func (e *EngineError) FailureKind() string { return kindNames[e.Kind] }

// UserMessage is the sentence the candidate sees, e.g. "The LLM at
// 127.0.0.1:11434 is not answering (model 'x' not found)".
func (e *EngineError) UserMessage() string {
	what := map[string]string{"llm": "The LLM", "stt": "The transcriber", "tts": "The voice engine"}[e.Engine]
	if what == "" {
		what = "The " + e.Engine
	}
	verb := "is not answering"
	if e.Kind == ErrGarbage {
		verb = "is answering nonsense"
	}
	return fmt.Sprintf("%s at %s %s (%s)", what, e.Host, verb, e.Reason)
}

// Kind returns the kind err wraps, or nil.
func Kind(err error) error {
	for _, k := range kinds {
		if errors.Is(err, k) {
			return k
		}
	}
	return nil
}

// hostOf is the endpoint's host:port for messages.
func hostOf(e Endpoint) string {
	u, err := url.Parse(e.BaseURL)
	if err != nil || u.Host == "" {
		return e.BaseURL
	}
	return u.Host
}

// engineErr builds an EngineError of a known kind.
func engineErr(engine string, e Endpoint, kind error, reason string, cause error) *EngineError {
	return &EngineError{Engine: engine, Host: hostOf(e), Kind: kind, Reason: reason, Err: cause}
}

// classify sorts a go-openai or transport error into an EngineError. A
// cancelled context (barge-in, the candidate answered) is not an engine
// failure and comes back as it is.
func classify(engine string, e Endpoint, err error) error {
	if err == nil {
		return nil
	}
	var ee *EngineError
	if errors.As(err, &ee) {
		return err
	}
	var apiErr *openai.APIError
	var reqErr *openai.RequestError
	var dnsErr *net.DNSError
	var opErr *net.OpError
	var syntaxErr *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.Is(err, errStall):
		return engineErr(engine, e, ErrTimeout, "the reply stopped mid-sentence", err)
	case errors.Is(err, errFirstToken):
		return engineErr(engine, e, ErrTimeout, "no first word in time", err)
	case errors.Is(err, context.DeadlineExceeded):
		return engineErr(engine, e, ErrTimeout, "no answer in time", err)
	case errors.Is(err, context.Canceled):
		return err
	case errors.Is(err, syscall.ECONNREFUSED):
		return engineErr(engine, e, ErrUnavailable, "connection refused: is the server running?", err)
	case errors.As(err, &dnsErr):
		return engineErr(engine, e, ErrUnavailable, "no such host", err)
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, io.ErrUnexpectedEOF), errors.As(err, &opErr):
		return engineErr(engine, e, ErrUnavailable, "the connection broke", err)
	case errors.As(err, &apiErr):
		return byStatus(engine, e, apiErr.HTTPStatusCode, true, apiErr.Message, err)
	case errors.As(err, &reqErr):
		return byStatus(engine, e, reqErr.HTTPStatusCode, false, firstLine(string(reqErr.Body)), err)
	case errors.As(err, &syntaxErr), errors.As(err, &typeErr):
		return engineErr(engine, e, ErrBadResponse, "the answer is not OpenAI-format JSON", err)
	}
	return engineErr(engine, e, ErrBadResponse, "unexpected answer", err)
}

// byStatus sorts an HTTP error status. apiJSON says the body was the API's
// own error object, which tells a missing model from a wrong path.
func byStatus(engine string, e Endpoint, code int, apiJSON bool, serverMsg string, err error) error {
	said := ""
	if serverMsg = strings.TrimSpace(serverMsg); serverMsg != "" {
		said = ": " + clip(serverMsg, 100)
	}
	switch {
	case code == http.StatusNotFound && apiJSON:
		return engineErr(engine, e, ErrModelNotFound, fmt.Sprintf("model '%s' not found", e.Model), err)
	case code == http.StatusNotFound:
		return engineErr(engine, e, ErrWrongPath, "404 at "+e.BaseURL+said, err)
	case code == http.StatusUnauthorized || code == http.StatusForbidden:
		return engineErr(engine, e, ErrAuth, fmt.Sprintf("%d: the API key was refused; check OPENAI_API_KEY or the engine's *_API_KEY", code), err)
	case code == http.StatusTooManyRequests:
		return engineErr(engine, e, ErrRateLimited, "429: rate limited or out of quota", err)
	case code >= 500:
		return engineErr(engine, e, ErrServer, fmt.Sprintf("server error %d%s", code, said), err)
	}
	return engineErr(engine, e, ErrBadResponse, fmt.Sprintf("HTTP %d%s", code, said), err)
}

// firstLine is the first line of a server's message, for a reason.
func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}

// clip cuts s to n runes at a word boundary.
func clip(s string, n int) string {
	s = firstLine(s)
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	cut := string(r[:n])
	if i := strings.LastIndexByte(cut, ' '); i > n/2 {
		cut = cut[:i]
	}
	return cut + "…"
}
