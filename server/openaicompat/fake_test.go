package openaicompat

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

const testKey = "sk-test-SECRET-0123456789"

// fakeServer speaks the OpenAI wire formats and records what it received.
// Each test sets the handler for the path it exercises; the common checks
// (path, method, bearer token) fail the test from inside the server.
type fakeServer struct {
	t   *testing.T
	srv *httptest.Server

	mu       sync.Mutex
	requests map[string]int // path -> count
	bodies   map[string][]byte
	handlers map[string]http.HandlerFunc
}

func newFakeServer(t *testing.T) *fakeServer {
	t.Helper()
	f := &fakeServer{t: t, requests: map[string]int{}, bodies: map[string][]byte{}, handlers: map[string]http.HandlerFunc{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeServer) endpoint(model string) Endpoint {
	return Endpoint{BaseURL: f.srv.URL + "/v1", APIKey: testKey, Model: model, Timeout: 10 * time.Second}
}

func (f *fakeServer) handle(path string, h http.HandlerFunc) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.handlers[path] = h
}

func (f *fakeServer) count(path string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.requests[path]
}

func (f *fakeServer) body(path string) []byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.bodies[path]
}

func (f *fakeServer) serve(w http.ResponseWriter, r *http.Request) {
	if got := r.Header.Get("Authorization"); got != "Bearer "+testKey {
		f.t.Errorf("%s: Authorization %q, want the bearer token", r.URL.Path, got)
	}
	wantMethod := http.MethodPost
	if r.URL.Path == "/v1/models" {
		wantMethod = http.MethodGet
	}
	if r.Method != wantMethod {
		f.t.Errorf("%s: method %s, want %s", r.URL.Path, r.Method, wantMethod)
	}
	var body []byte
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		body, _ = io.ReadAll(r.Body)
	}
	f.mu.Lock()
	f.requests[r.URL.Path]++
	if body != nil {
		f.bodies[r.URL.Path] = body
	}
	h := f.handlers[r.URL.Path]
	f.mu.Unlock()
	if h == nil {
		writeError(w, http.StatusNotFound, "invalid_request_error", fmt.Sprintf("Unknown path %s", r.URL.Path))
		return
	}
	if body != nil {
		r.Body = io.NopCloser(strings.NewReader(string(body)))
	}
	h(w, r)
}

// writeError writes OpenAI's error body.
func writeError(w http.ResponseWriter, status int, typ, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"error":{"message":%q,"type":%q,"param":null,"code":null}}`, msg, typ)
}

// sseChunk is one chat.completion.chunk event as OpenAI sends it.
func sseChunk(content string) string {
	b, _ := json.Marshal(content)
	return fmt.Sprintf("data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"test\",\"choices\":[{\"index\":0,\"delta\":{\"content\":%s},\"finish_reason\":null}]}\n\n", b)
}

// sseHandler streams chunks; firstDelay and gap are waits on the server
// side (abandoned when the client goes away), cutAfter >= 0 drops the
// connection after that many chunks without [DONE].
func sseHandler(t *testing.T, chunks []string, firstDelay, gap time.Duration, cutAfter int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Stream bool `json:"stream"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil || !req.Stream {
			t.Errorf("chat request: stream=%v, err=%v; want stream true", req.Stream, err)
		}
		w.Header().Set("Content-Type", "text/event-stream")
		w.WriteHeader(http.StatusOK)
		fl := w.(http.Flusher)
		fl.Flush()
		wait := func(d time.Duration) bool {
			if d <= 0 {
				return true
			}
			select {
			case <-time.After(d):
				return true
			case <-r.Context().Done():
				return false
			}
		}
		if !wait(firstDelay) {
			return
		}
		// The role-only first chunk OpenAI sends before any content.
		io.WriteString(w, "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"test\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n")
		for i, c := range chunks {
			if cutAfter >= 0 && i == cutAfter {
				hj, ok := w.(http.Hijacker)
				if !ok {
					t.Error("cannot hijack to cut the stream")
					return
				}
				conn, _, err := hj.Hijack()
				if err == nil {
					conn.Close()
				}
				return
			}
			if i > 0 && !wait(gap) {
				return
			}
			io.WriteString(w, sseChunk(c))
			fl.Flush()
		}
		io.WriteString(w, "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"test\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n")
		io.WriteString(w, "data: [DONE]\n\n")
		fl.Flush()
	}
}
