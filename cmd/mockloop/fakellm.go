package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"
)

// fakeLLM is an in-process OpenAI-compatible chat server for benchmarks:
// it streams a fixed interviewer reply word by word as SSE chunks, in the
// documented wire format, with a configurable delay per token, and records
// how long the model itself took to produce the end of its first sentence.
// It stands in for Ollama or llama.cpp, which cannot run here.
type fakeLLM struct {
	tokenDelay time.Duration
	reply      string

	mu            sync.Mutex
	firstSentence []time.Duration // per request, request arrival -> first sentence end sent
}

const fakeReply = "Thanks, that helps. How did you measure the result, and what did the numbers look like before and after the change?"

func (f *fakeLLM) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	switch {
	case r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/models"):
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"object":"list","data":[{"id":"bench","object":"model","created":0,"owned_by":"mockloop"}]}`)
		return
	case r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/chat/completions"):
		http.Error(w, `{"error":{"message":"not found","type":"invalid_request_error","code":null}}`, http.StatusNotFound)
		return
	}
	var req struct {
		Stream bool `json:"stream"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || !req.Stream {
		http.Error(w, `{"error":{"message":"want a streaming request","type":"invalid_request_error","code":null}}`, http.StatusBadRequest)
		return
	}
	fl, _ := w.(http.Flusher)
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	reply := f.reply
	if reply == "" {
		reply = fakeReply
	}
	recorded := false
	chunk := func(delta, finish string) {
		d := map[string]any{}
		if delta != "" {
			d["content"] = delta
		}
		var fin any
		if finish != "" {
			fin = finish
		}
		b, _ := json.Marshal(map[string]any{
			"id": "chatcmpl-bench", "object": "chat.completion.chunk", "created": start.Unix(), "model": "bench",
			"choices": []any{map[string]any{"index": 0, "delta": d, "finish_reason": fin}},
		})
		fmt.Fprintf(w, "data: %s\n\n", b)
		if fl != nil {
			fl.Flush()
		}
	}
	words := strings.SplitAfter(reply, " ")
	for _, word := range words {
		select {
		case <-r.Context().Done():
			return
		case <-time.After(f.tokenDelay):
		}
		chunk(word, "")
		if !recorded && strings.ContainsAny(word, ".?!") {
			recorded = true
			f.mu.Lock()
			f.firstSentence = append(f.firstSentence, time.Since(start))
			f.mu.Unlock()
		}
	}
	chunk("", "stop")
	fmt.Fprint(w, "data: [DONE]\n\n")
	if fl != nil {
		fl.Flush()
	}
}

func (f *fakeLLM) firstSentences() []time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]time.Duration(nil), f.firstSentence...)
}
