package main

import (
	"encoding/json"
	"io"
	"net/http"
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
