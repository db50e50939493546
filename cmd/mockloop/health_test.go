package main

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"testing"
	"time"
)

type configEngines struct {
	Engines map[string]struct {
		Name   string `json:"name"`
		Status string `json:"status"`
		Reason string `json:"reason"`
		Fix    string `json:"fix"`
	} `json:"engines"`
}

func getConfig(t *testing.T, url string) configEngines {
	t.Helper()
	resp, err := http.Get(url + "/api/config")
	if err != nil {
		t.Fatalf("GET /api/config: %v", err)
	}
	defer resp.Body.Close()
	var c configEngines
	if err := json.NewDecoder(resp.Body).Decode(&c); err != nil {
		t.Fatalf("decode /api/config: %v", err)
	}
	return c
}

func TestConfigSaysEachEnginesHealth(t *testing.T) {
	t.Run("a broken LLM shows as broken with the reason and the fix, found in the background", func(t *testing.T) {
		_, _, models := recordedResponse(t, "ollama-models.json")
		llm := engineStub(t, map[string]http.HandlerFunc{
			"/v1/models":           func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, models) },
			"/v1/chat/completions": replayed(t, "ollama-500-model-load.json"),
		})
		cfg := testConfig(t.TempDir())
		cfg.LLMURL, cfg.LLMModel, cfg.CheckEngines = llm+"/v1", "tiny", true
		srv := startServer(t, cfg)
		var c configEngines
		waitUntil(t, 10*time.Second, "the LLM check to finish", func() bool {
			c = getConfig(t, srv.URL)
			return c.Engines["llm"].Status != "unchecked"
		})
		e := c.Engines["llm"]
		if e.Status != "broken" || e.Reason == "" || e.Fix == "" {
			t.Errorf("llm engine = %+v, want broken with a reason and a fix", e)
		}
		if tts := c.Engines["tts"]; tts.Status != "ok" {
			t.Errorf("tts engine (none) = %+v, want ok", tts)
		}
	})
	t.Run("an LLM that never answers does not hold up the start", func(t *testing.T) {
		hung := make(chan struct{})
		t.Cleanup(func() { close(hung) })
		llm := engineStub(t, map[string]http.HandlerFunc{
			"/v1/models": func(w http.ResponseWriter, r *http.Request) {
				select {
				case <-hung:
				case <-r.Context().Done():
				}
			},
		})
		cfg := testConfig(t.TempDir())
		cfg.LLMURL, cfg.LLMModel, cfg.CheckEngines = llm+"/v1", "tiny", true
		srv := startServer(t, cfg)
		if got := getConfig(t, srv.URL).Engines["llm"].Status; got != "unchecked" {
			t.Errorf("llm status while its check hangs = %q, want unchecked", got)
		}
	})
}

func TestEngineHealthRechecksAfterAFailureAtMostOnceAMinute(t *testing.T) {
	var mu sync.Mutex
	calls := 0
	llm := engineStub(t, map[string]http.HandlerFunc{
		"/v1/models": func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			calls++
			mu.Unlock()
			io.WriteString(w, `{"object":"list","data":[]}`)
		},
		"/v1/chat/completions": chatAnswer("Tell me about a time you led"),
	})
	cfg := testConfig(t.TempDir())
	cfg.LLMURL, cfg.LLMModel = llm+"/v1", "tiny"
	h := newEngineHealth(cfg, nil, slog.New(slog.DiscardHandler))
	t.Cleanup(func() { h.Close() })
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	h.now = func() time.Time { return now }
	obs := healthObserver{nopObserver{}, h}

	count := func() int { h.wg.Wait(); mu.Lock(); defer mu.Unlock(); return calls }
	obs.EngineError("llm", "timeout")
	if n := count(); n != 1 {
		t.Fatalf("%d checks after the first failure, want 1", n)
	}
	if st, _, _ := h.Get("llm"); st != "ok" {
		t.Errorf("status %q, want ok", st)
	}
	now = now.Add(30 * time.Second)
	obs.EngineError("llm", "timeout")
	if n := count(); n != 1 {
		t.Errorf("%d checks after a second failure within the minute, want still 1", n)
	}
	now = now.Add(31 * time.Second)
	obs.EngineError("llm", "timeout")
	if n := count(); n != 2 {
		t.Errorf("%d checks a minute later, want 2", n)
	}
}

// nopObserver counts nothing.
type nopObserver struct{}

func (nopObserver) SessionStarted()                   {}
func (nopObserver) SessionEnded()                     {}
func (nopObserver) Utterance(string, float64)         {}
func (nopObserver) Answer(string, time.Duration)      {}
func (nopObserver) TurnLatency(string, time.Duration) {}
func (nopObserver) EngineError(string, string)        {}
func (nopObserver) Rejected(string)                   {}
