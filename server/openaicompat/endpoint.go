// Package openaicompat talks to any server that speaks the OpenAI HTTP API
// (OpenAI itself, Ollama, llama.cpp, whisper.cpp, speaches, vLLM) for
// speech-to-text, the LLM interviewer and text-to-speech. It owns the wire
// formats and their quirks, the error messages a user can act on, and the
// cleaning of LLM output into speakable text.
package openaicompat

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/mockloop/mockloop"
)

// Endpoint is one OpenAI-compatible server and model.
type Endpoint struct {
	BaseURL string // e.g. http://localhost:11434/v1
	APIKey  string // never logged
	Model   string
	// Timeout bounds one whole request; zero means the caller's context
	// alone decides.
	Timeout time.Duration
}

// Local reports whether the server runs on this machine, so the UI can warn
// that answers leave it when it does not. Anything unparsable is not local.
func (e Endpoint) Local() bool {
	u, err := url.Parse(e.BaseURL)
	if err != nil {
		return false
	}
	if u.Scheme == "unix" || u.Scheme == "http+unix" {
		return true
	}
	return mockloop.IsLoopback(u.Hostname())
}

// String describes the endpoint without its API key.
func (e Endpoint) String() string {
	key := "none"
	if e.APIKey != "" {
		key = "set"
	}
	return fmt.Sprintf("{%s model=%s key=%s timeout=%s}", e.BaseURL, e.Model, key, e.Timeout)
}

// GoString keeps %#v from printing the key too.
func (e Endpoint) GoString() string { return "openai.Endpoint" + e.String() }

// Format covers every verb (%v, %+v, %s, %q, %#v), since fmt would otherwise
// print the struct fields, key included, for %+v.
func (e Endpoint) Format(f fmt.State, verb rune) {
	switch verb {
	case 'q':
		fmt.Fprintf(f, "%q", e.String())
	case 'v':
		if f.Flag('#') {
			io.WriteString(f, e.GoString())
			return
		}
		io.WriteString(f, e.String())
	default:
		io.WriteString(f, e.String())
	}
}

// LogValue logs the endpoint without its API key.
func (e Endpoint) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("url", e.BaseURL),
		slog.String("model", e.Model),
		slog.Bool("key_set", e.APIKey != ""),
		slog.Bool("local", e.Local()),
	)
}

func (e Endpoint) validate() error {
	u, err := url.Parse(e.BaseURL)
	if err != nil {
		return fmt.Errorf("base URL %q: %w", e.BaseURL, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("base URL %q: want http:// or https://", e.BaseURL)
	}
	if e.Model == "" {
		return fmt.Errorf("no model set for %s", e.BaseURL)
	}
	return nil
}

// client builds a go-openai client for the endpoint. The HTTP client tees
// response bodies for requests that ask for it (see withBodyCapture), so a
// response go-openai does not fully understand can be re-read.
func (e Endpoint) client(hc *http.Client) *openai.Client {
	cfg := openai.DefaultConfig(e.APIKey)
	cfg.BaseURL = strings.TrimRight(e.BaseURL, "/")
	if hc == nil {
		hc = &http.Client{}
	}
	cfg.HTTPClient = teeDoer{hc}
	return openai.NewClientWithConfig(cfg)
}

// withTimeout applies the endpoint's Timeout, if any.
func (e Endpoint) withTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	if e.Timeout <= 0 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, e.Timeout)
}

type captureKey struct{}

// withBodyCapture asks teeDoer to copy the response body of requests made
// with the returned context into buf.
func withBodyCapture(ctx context.Context, buf *bytes.Buffer) context.Context {
	return context.WithValue(ctx, captureKey{}, buf)
}

// teeDoer is a openai.HTTPDoer that copies response bodies into the
// buffer carried by the request's context. The buffer travels with the
// request, so one client serves concurrent requests.
type teeDoer struct{ hc *http.Client }

func (d teeDoer) Do(req *http.Request) (*http.Response, error) {
	resp, err := d.hc.Do(req)
	if err != nil {
		return resp, err
	}
	if buf, ok := req.Context().Value(captureKey{}).(*bytes.Buffer); ok {
		resp.Body = struct {
			io.Reader
			io.Closer
		}{io.TeeReader(resp.Body, buf), resp.Body}
	}
	return resp, nil
}

// isConnError reports whether err means no HTTP exchange happened or the
// connection broke: the only errors worth retrying.
func isConnError(err error) bool {
	if errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) {
		return true
	}
	var opErr *net.OpError
	return errors.As(err, &opErr) && opErr.Op == "dial"
}
