package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// engineStub routes the OpenAI paths to handlers; anything else is the
// plain-text 404 whisper-server and Ollama send for unknown paths.
func engineStub(t *testing.T, routes map[string]http.HandlerFunc) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if h, ok := routes[r.URL.Path]; ok {
			h(w, r)
			return
		}
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprintf(w, "File Not Found (%s)", r.URL.Path)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func chatAnswer(text string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"id":"c","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":%q},"finish_reason":"length"}],"usage":{"completion_tokens":9}}`, text)
	}
}

// transcribeAs answers the doctor's clip with text and its second of
// silence with silence.
func transcribeAs(text, silence string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		said := text
		if len(body) < 3*16000*2 {
			said = silence
		}
		fmt.Fprintf(w, `{"text":%q,"segments":[]}`, said)
	}
}

func TestDoctorMakesRealRequests(t *testing.T) {
	t.Parallel()
	_, _, models := recordedResponse(t, "ollama-models.json")
	modelList := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, models)
	}
	clip := "Tell me about a project you led last year, and what you would do differently next time."
	tests := []struct {
		name     string
		llm      map[string]http.HandlerFunc
		stt      map[string]http.HandlerFunc
		wantCode int
		want     []string
	}{
		{
			"engines that answer real requests are ok",
			map[string]http.HandlerFunc{"/v1/models": modelList, "/v1/chat/completions": chatAnswer("Tell me about a time you led")},
			map[string]http.HandlerFunc{"/v1/audio/transcriptions": transcribeAs(clip, "")},
			0,
			[]string{"ok     interviewer  model 'tiny' answered", "ok     speech in    a 6 s clip transcribed"},
		},
		{
			"a listed model that cannot load and whisper-server without its path flags are broken, with the fix",
			map[string]http.HandlerFunc{"/v1/models": modelList, "/v1/chat/completions": replayed(t, "ollama-500-model-load.json")},
			map[string]http.HandlerFunc{"/transcriptions": transcribeAs(clip, "")},
			1,
			[]string{
				"BROKEN interviewer  The LLM at 127.0.0.1:", "server error 500: llama runner process has terminated",
				"fix: the server failed to run the model",
				"BROKEN speech in    The transcriber at 127.0.0.1:", "404 at http://",
				"fix: start whisper-server with --request-path /v1/audio --inference-path /transcriptions",
			},
		},
		{
			"a model answering nonsense and a transcriber inventing words for silence are broken",
			map[string]http.HandlerFunc{"/v1/models": modelList, "/v1/chat/completions": chatAnswer("balan availa availabilde goodee wha earn")},
			map[string]http.HandlerFunc{"/v1/audio/transcriptions": transcribeAs(clip, "Thank you for watching and please subscribe to the channel")},
			1,
			[]string{"BROKEN interviewer  model 'tiny' answers nonsense", "BROKEN speech in    a second of silence came back as"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			llm, stt := engineStub(t, tt.llm), engineStub(t, tt.stt)
			var out, errOut bytes.Buffer
			code := runDoctor(context.Background(), []string{
				"--data-dir", t.TempDir(), "--llm-url", llm + "/v1", "--llm-model", "tiny",
				"--stt", "openai", "--stt-url", stt + "/v1", "--tts", "none",
			}, &out, &errOut)
			t.Logf("mockloop doctor said:\n%s", out.String())
			if code != tt.wantCode {
				t.Errorf("exit %d, want %d", code, tt.wantCode)
			}
			for _, w := range tt.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("output lacks %q:\n%s%s", w, out.String(), errOut.String())
				}
			}
		})
	}
}
