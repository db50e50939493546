package openaicompat

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/mockloop/mockloop/analysis"
)

// recorded is one HTTP response a real server sent (see the README beside
// the files): replayed byte for byte.
type recorded struct {
	name        string
	Status      int    `json:"status"`
	ContentType string `json:"content_type"`
	Body        string `json:"body"`
}

// enginesDir finds the recorded responses: MOCKLOOP_ENGINES_DIR, else the
// shared test data in the repository or beside the worktree. Missing data
// fails the test; it never skips.
func enginesDir(t *testing.T) string {
	t.Helper()
	if d := os.Getenv("MOCKLOOP_ENGINES_DIR"); d != "" {
		return d
	}
	for _, d := range []string{"../../shared/testdata/engines", "../../../shared/testdata/engines"} {
		if st, err := os.Stat(d); err == nil && st.IsDir() {
			return d
		}
	}
	t.Fatal("no recorded engine responses: set MOCKLOOP_ENGINES_DIR to shared/testdata/engines")
	return ""
}

// loadRecorded reads every *.json in dir. A file is either the wrapper
// {"status","content_type","body"} or, as some were saved by curl, the raw
// JSON body (anything after the first JSON value, such as curl's
// "HTTP 200 17.7s" write-out, was not part of the response).
func loadRecorded(t *testing.T, dir string) []recorded {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no recorded responses in %s (%v)", dir, err)
	}
	var out []recorded
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		dec := json.NewDecoder(bytes.NewReader(raw))
		var first json.RawMessage
		if err := dec.Decode(&first); err != nil {
			t.Fatalf("%s: not JSON: %v", f, err)
		}
		r := recorded{name: filepath.Base(f)}
		var probe map[string]json.RawMessage
		_ = json.Unmarshal(first, &probe)
		if _, ok := probe["body"]; ok && probe["status"] != nil {
			if err := json.Unmarshal(first, &r); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			r.name = filepath.Base(f)
		} else {
			r.Status, r.ContentType, r.Body = http.StatusOK, "application/json", string(first)
		}
		out = append(out, r)
	}
	return out
}

// replay serves r for every request, on the paths the production client
// uses.
func replay(t *testing.T, r recorded) Endpoint {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		w.Header().Set("Content-Type", r.ContentType)
		w.WriteHeader(r.Status)
		w.Write([]byte(r.Body))
	}))
	t.Cleanup(srv.Close)
	return Endpoint{BaseURL: srv.URL + "/v1", Model: "nosuchmodel", Timeout: 10 * time.Second}
}

// shape is what kind of response a recording is, read from its bytes.
func shape(r recorded) string {
	var obj map[string]json.RawMessage
	jsonErr := json.Unmarshal([]byte(r.Body), &obj)
	switch {
	case r.Status >= 400:
		return "error"
	case strings.HasPrefix(r.ContentType, "text/event-stream"):
		return "chat-stream"
	case jsonErr == nil && obj["segments"] != nil || obj["task"] != nil:
		return "transcription"
	case jsonErr == nil && obj["data"] != nil:
		return "models"
	}
	return "unknown"
}

// TestReplayRecordedEngines sends each recorded response to the
// production client and checks the invariants that hold for any server:
// an error is an *EngineError of the kind its status means, with a plain
// message; no garbage or control token reaches emit; whisper tokens become
// whole words with sane times. Known recordings also get their exact
// expected outcome.
func TestReplayRecordedEngines(t *testing.T) {
	lex := testLexicon(t)
	recs := loadRecorded(t, enginesDir(t))
	for _, r := range recs {
		t.Run(r.name, func(t *testing.T) {
			switch shape(r) {
			case "error", "chat-stream":
				checkChatReplay(t, r, lex)
			case "transcription":
				checkTranscriptionReplay(t, r, lex)
			case "models":
				checkModelsReplay(t, r)
			default:
				t.Fatalf("no contract for a %d %s response; add one", r.Status, r.ContentType)
			}
		})
	}
	// The recordings named in the shared README must all be there.
	have := map[string]bool{}
	for _, r := range recs {
		have[r.name] = true
	}
	for _, want := range []string{"ollama-404-unknown-model.json", "ollama-500-model-load.json", "ollama-chat-stream-garbage.json", "ollama-models.json", "whisper-verbose-0.json", "whisper-verbose-tokens-full.json"} {
		if !have[want] {
			t.Errorf("%s is missing from the recordings", want)
		}
	}
}

// chatExpect are the exact outcomes of the known chat recordings.
var chatExpect = map[string]struct {
	kind error
	user string
}{
	"ollama-404-unknown-model.json":   {ErrModelNotFound, "is not answering (model 'nosuchmodel' not found)"},
	"ollama-500-model-load.json":      {ErrServer, "server error 500: llama runner process has terminated"},
	"ollama-chat-stream-garbage.json": {ErrGarbage, "is answering nonsense"},
}

func checkChatReplay(t *testing.T, r recorded, lex Lexicon) {
	e := replay(t, r)
	iv, err := NewInterviewer(e, InterviewerOptions{Lexicon: lex, Retries: -1, FirstTokenTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	var said []string
	text, err := iv.Say(context.Background(), testPrompt(), func(s string) { said = append(said, s) })
	for _, s := range said {
		if why := textGarbage(s, lex); why != "" {
			t.Errorf("garbage reached emit (%s): %q", why, s)
		}
		if stripControl(s) != s {
			t.Errorf("a control token reached emit: %q", s)
		}
	}
	if r.Status >= 400 {
		want := map[int]error{404: ErrModelNotFound, 401: ErrAuth, 403: ErrAuth, 429: ErrRateLimited}[r.Status]
		if want == nil && r.Status >= 500 {
			want = ErrServer
		}
		if want != nil && !errors.Is(err, want) {
			t.Errorf("a %d answer gave %v, want %v", r.Status, err, want)
		}
	}
	if err != nil {
		var ee *EngineError
		if !errors.As(err, &ee) {
			t.Fatalf("error %v is not an *EngineError", err)
		}
		msg := ee.UserMessage()
		if !strings.HasPrefix(msg, "The LLM at 127.0.0.1:") || strings.ContainsAny(msg, "{}") || strings.Contains(msg, "status code") {
			t.Errorf("user message is not plain: %q", msg)
		}
		if text != strings.TrimSpace(strings.Join(said, "")) {
			t.Errorf("returned %q but emitted %q", text, said)
		}
	}
	if want, ok := chatExpect[r.name]; ok {
		var ee *EngineError
		if !errors.Is(err, want.kind) || !errors.As(err, &ee) || !strings.Contains(ee.UserMessage(), want.user) {
			t.Errorf("Say error = %v, want %v with a message containing %q", err, want.kind, want.user)
		}
		if len(said) > 0 {
			t.Errorf("emitted %q for a failed reply", said)
		}
	}
}

// sttExpect: the known transcriptions are garbage (random weights); the
// one plausible word is kept.
var sttExpect = map[string]struct {
	garbage bool
	words   []string
}{
	"whisper-verbose-0.json":           {garbage: true},                          // "marquee" for 9.5 of 10 s
	"whisper-verbose-1.json":           {garbage: false, words: []string{"Ben"}}, // one short word in 0.46 s
	"whisper-verbose-2.json":           {garbage: true},                          // "praised" looping
	"whisper-verbose-tokens-full.json": {garbage: true},                          // token soup
}

func checkTranscriptionReplay(t *testing.T, r recorded, lex Lexicon) {
	// The words as parsed, whatever the garbage check then says.
	var vb struct {
		Duration float64 `json:"duration"`
	}
	_ = json.Unmarshal([]byte(r.Body), &vb)
	tr, err := parseTranscription(mustAudioResponse(t, r.Body), []byte(r.Body))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	fields := strings.Fields(tr.Text)
	if len(tr.Words) != len(fields) {
		t.Errorf("%d words for the %d written words of %.80q: %q", len(tr.Words), len(fields), tr.Text, wordTexts(tr.Words))
	}
	for i, w := range tr.Words {
		if w.W == "" || w.End < w.Start || (i > 0 && w.Start < tr.Words[i-1].Start) {
			t.Errorf("word %d %+v: empty, backwards or out of order", i, w)
		}
		if c := w.Conf; c < 0 || c > 1 {
			t.Errorf("word %d confidence %v outside 0..1", i, c)
		}
	}
	if strings.ContainsAny(tr.Text, "\n") {
		t.Errorf("text keeps whisper's newlines: %q", tr.Text)
	}

	// And through the production client, with as much audio as the
	// server said it heard.
	e := replay(t, r)
	st, err := NewTranscriber(e, TranscriberOptions{Lexicon: lex})
	if err != nil {
		t.Fatal(err)
	}
	s, _ := st.Start(context.Background())
	samples := max(int(vb.Duration*sttSampleRate), sttSampleRate/2)
	if err := s.Write(make([]int16, samples)); err != nil {
		t.Fatal(err)
	}
	got, err := s.Finish(context.Background())
	want, known := sttExpect[r.name]
	switch {
	case err != nil && !errors.Is(err, ErrGarbage):
		t.Fatalf("Finish: %v, want a transcript or ErrGarbage", err)
	case known && want.garbage && err == nil:
		t.Errorf("garbage transcript %.80q passed", got.Text)
	case known && !want.garbage && err != nil:
		t.Errorf("Finish: %v, want the transcript", err)
	case known && !want.garbage && fmt.Sprint(wordTexts(got.Words)) != fmt.Sprint(want.words):
		t.Errorf("words %q, want %q", wordTexts(got.Words), want.words)
	}
	if err != nil && !errors.Is(err, ErrSTT) {
		t.Errorf("error %v does not wrap ErrSTT, so the listener would not fall back", err)
	}
}

func mustAudioResponse(t *testing.T, body string) openai.AudioResponse {
	t.Helper()
	var a openai.AudioResponse
	if err := json.Unmarshal([]byte(body), &a); err != nil {
		t.Fatalf("decode as go-openai would: %v", err)
	}
	return a
}

func wordTexts(ws []analysis.Word) []string {
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = w.W
	}
	return out
}

func checkModelsReplay(t *testing.T, r recorded) {
	var list struct {
		Data []struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	if err := json.Unmarshal([]byte(r.Body), &list); err != nil || len(list.Data) == 0 {
		t.Fatalf("models body: %v", err)
	}
	e := replay(t, r)
	// Ollama lists "tiny:latest" for the model "tiny".
	e.Model = strings.TrimSuffix(list.Data[0].ID, ":latest")
	if err := checkModels(context.Background(), "llm", e, nil); err != nil {
		t.Errorf("a listed model fails the check: %v", err)
	}
	e.Model = "nosuchmodel"
	if err := checkModels(context.Background(), "llm", e, nil); !errors.Is(err, ErrModelNotFound) {
		t.Errorf("an unlisted model: %v, want ErrModelNotFound", err)
	}
}
