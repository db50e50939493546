package openaicompat

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	openai "github.com/sashabaranov/go-openai"
)

// Check tells `mockloop doctor` whether an endpoint works for kind ("stt",
// "llm" or "tts"), with a message the user can act on. It lists the
// server's models; a server without /models (whisper.cpp) gets the
// smallest real request instead: half a second of silence to transcribe.
func Check(ctx context.Context, kind string, e Endpoint) error {
	return check(ctx, kind, e, nil)
}

func check(ctx context.Context, kind string, e Endpoint, hc *http.Client) error {
	if err := e.validate(); err != nil {
		return fmt.Errorf("%s: %w", kind, err)
	}
	ctx, cancel := e.withTimeout(ctx)
	defer cancel()
	list, err := e.client(hc).ListModels(ctx)
	var apiErr *openai.APIError
	var reqErr *openai.RequestError
	notFound := (errors.As(err, &apiErr) && apiErr.HTTPStatusCode == http.StatusNotFound) ||
		(errors.As(err, &reqErr) && reqErr.HTTPStatusCode == http.StatusNotFound)
	switch {
	case notFound && kind == "stt":
		t, terr := NewTranscriber(e, TranscriberOptions{HTTPClient: hc})
		if terr != nil {
			return fmt.Errorf("stt: %w", terr)
		}
		s, _ := t.Start(ctx)
		if werr := s.Write(make([]int16, sttSampleRate/2)); werr != nil {
			return fmt.Errorf("stt: %w", werr)
		}
		if _, ferr := s.Finish(ctx); ferr != nil {
			return fmt.Errorf("stt: %w", ferr)
		}
		return nil
	case err != nil:
		return fmt.Errorf("%s: %w", kind, explain(err, e, "list models"))
	}
	ids := make([]string, 0, len(list.Models))
	for _, m := range list.Models {
		ids = append(ids, m.ID)
	}
	// Ollama lists "llama3.2:latest" for "llama3.2".
	if slices.Contains(ids, e.Model) || slices.Contains(ids, e.Model+":latest") {
		return nil
	}
	// Some servers (speaches before a model is loaded, whisper.cpp
	// front ends) list nothing yet still serve the model.
	if len(ids) == 0 {
		return nil
	}
	return fmt.Errorf("%s: model %q not found at %s; available: %s", kind, e.Model, e.BaseURL, strings.Join(ids, ", "))
}
