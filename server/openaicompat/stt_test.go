package openaicompat

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mockloop/mockloop/analysis"
)

// openAIVerbose is OpenAI's verbose_json with word timestamps: words at the
// top level.
const openAIVerbose = `{"task":"transcribe","language":"english","duration":2.5,"text":"Um, so we shipped it.","words":[{"word":"Um","start":0.0,"end":0.32},{"word":"so","start":0.5,"end":0.7},{"word":"we","start":0.8,"end":0.9},{"word":"shipped","start":0.9,"end":1.3},{"word":"it","start":1.3,"end":1.5}],"segments":[{"id":0,"seek":0,"start":0.0,"end":1.5,"text":" Um, so we shipped it.","tokens":[1,2],"temperature":0.0,"avg_logprob":-0.2,"compression_ratio":0.9,"no_speech_prob":0.01}]}`

// whisperCppVerbose is whisper.cpp server's verbose_json: words nested in
// segments, with leading spaces and its extra fields.
const whisperCppVerbose = `{"task":"transcribe","language":"english","duration":2.5,"text":" Um, so we shipped it.","segments":[{"id":0,"text":" Um, so we shipped it.","start":0.0,"end":1.5,"tokens":[50364,3301],"words":[{"word":" Um,","start":0.0,"end":0.32,"t_dtw":-1,"probability":0.61},{"word":" so","start":0.5,"end":0.7,"t_dtw":-1,"probability":0.9}],"temperature":0.0,"avg_logprob":-0.3,"no_speech_prob":0.02},{"id":1,"text":" we shipped it.","start":0.8,"end":1.5,"tokens":[321],"words":[{"word":" we","start":0.8,"end":0.9,"probability":0.9},{"word":" shipped","start":0.9,"end":1.3,"probability":0.9},{"word":" it.","start":1.3,"end":1.5,"probability":0.9}],"temperature":0.0,"avg_logprob":-0.3,"no_speech_prob":0.02}]}`

// transcriptionHandler checks the multipart request as OpenAI documents it
// and answers body.
func transcriptionHandler(t *testing.T, status int, contentType, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseMultipartForm(10 << 20); err != nil {
			t.Errorf("transcription request is not multipart: %v", err)
			return
		}
		want := map[string]string{
			"model":                     "whisper-1",
			"response_format":           "verbose_json",
			"timestamp_granularities[]": "word",
			"language":                  "en",
			"prompt":                    FillerPrompt,
		}
		for k, v := range want {
			if got := r.FormValue(k); got != v {
				t.Errorf("field %s = %q, want %q", k, got, v)
			}
		}
		file, hdr, err := r.FormFile("file")
		if err != nil {
			t.Errorf("no file field: %v", err)
			return
		}
		audio, _ := io.ReadAll(file)
		if !strings.HasSuffix(hdr.Filename, ".wav") || !bytes.HasPrefix(audio, []byte("RIFF")) {
			t.Errorf("file %q does not look like WAV", hdr.Filename)
		}
		if pcm, rate, err := parseWAV(audio); err != nil || rate != 16000 || len(pcm) != 8000 {
			t.Errorf("file holds %d samples at %d Hz (%v), want 8000 at 16000", len(pcm), rate, err)
		}
		w.Header().Set("Content-Type", contentType)
		w.WriteHeader(status)
		io.WriteString(w, body)
	}
}

func transcribeHalfSecond(t *testing.T, e Endpoint) (tr analysisTranscript, err error) {
	t.Helper()
	st, err := mustTranscriber(t, e).Start(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Write(make([]int16, 4000)); err != nil {
		t.Fatal(err)
	}
	if err := st.Write(make([]int16, 4000)); err != nil {
		t.Fatal(err)
	}
	if p := st.Partial(); p != "" {
		t.Errorf("Partial = %q, want \"\" from a non-streaming engine", p)
	}
	got, err := st.Finish(context.Background())
	return analysisTranscript{got.Text, got.Words, got.Engine}, err
}

type analysisTranscript struct {
	Text   string
	Words  []analysis.Word
	Engine string
}

func mustTranscriber(t *testing.T, e Endpoint) *Transcriber {
	t.Helper()
	tr, err := NewTranscriber(e, TranscriberOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func TestTranscription(t *testing.T) {
	wantWords := []analysis.Word{{W: "Um", Start: 0, End: 0.32}, {W: "so", Start: 0.5, End: 0.7}, {W: "we", Start: 0.8, End: 0.9}, {W: "shipped", Start: 0.9, End: 1.3}, {W: "it", Start: 1.3, End: 1.5}}
	tests := []struct {
		name      string
		body      string
		wantText  string
		wantWords []analysis.Word
	}{
		{"OpenAI's top-level words are read", openAIVerbose, "Um, so we shipped it.", wantWords},
		{"whisper.cpp's words nested in segments are read and trimmed", whisperCppVerbose, "Um, so we shipped it.", []analysis.Word{{W: "Um,", Start: 0, End: 0.32, Conf: 0.61}, {W: "so", Start: 0.5, End: 0.7, Conf: 0.9}, {W: "we", Start: 0.8, End: 0.9, Conf: 0.9}, {W: "shipped", Start: 0.9, End: 1.3, Conf: 0.9}, {W: "it.", Start: 1.3, End: 1.5, Conf: 0.9}}},
		{"a reply without words gives text only", `{"text":"We shipped it."}`, "We shipped it.", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeServer(t)
			f.handle("/v1/audio/transcriptions", transcriptionHandler(t, 200, "application/json", tt.body))
			got, err := transcribeHalfSecond(t, f.endpoint("whisper-1"))
			if err != nil {
				t.Fatal(err)
			}
			// Confidences go through a log and back: equal to 1e-9.
			sameWord := func(a, b analysis.Word) bool {
				return a.W == b.W && a.Start == b.Start && a.End == b.End && math.Abs(a.Conf-b.Conf) < 1e-9
			}
			if got.Text != tt.wantText || !slices.EqualFunc(got.Words, tt.wantWords, sameWord) {
				t.Errorf("got %q %v, want %q %v", got.Text, got.Words, tt.wantText, tt.wantWords)
			}
			if got.Engine != "openai whisper-1 prompt=fillers" {
				t.Errorf("Engine = %q", got.Engine)
			}
		})
	}
}

func TestTranscriptionFailures(t *testing.T) {
	tests := []struct {
		name        string
		status      int
		contentType string
		body        string
		want        error
	}{
		{"a 500 is a server error", 500, "application/json", `{"error":{"message":"boom","type":"server_error","code":null}}`, ErrServer},
		{"a 401 is a refused key", 401, "application/json", `{"error":{"message":"Incorrect API key provided","type":"invalid_request_error","code":"invalid_api_key"}}`, ErrAuth},
		{"an HTML body is a bad response", 200, "text/html", `<html>proxy login</html>`, ErrBadResponse},
		{"JSON without text is a bad response", 200, "application/json", `{"segments":[]}`, ErrBadResponse},
		{"whisper-server without --request-path is a wrong path", 404, "text/plain", `File Not Found (/v1/audio/transcriptions)`, ErrWrongPath},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeServer(t)
			f.handle("/v1/audio/transcriptions", transcriptionHandler(t, tt.status, tt.contentType, tt.body))
			_, err := transcribeHalfSecond(t, f.endpoint("whisper-1"))
			if !errors.Is(err, ErrSTT) || !errors.Is(err, tt.want) {
				t.Errorf("error = %v, want ErrSTT and %v", err, tt.want)
			}
			if n := f.count("/v1/audio/transcriptions"); n != 1 {
				t.Errorf("%d requests, want 1", n)
			}
		})
	}

	t.Run("a refused connection names the URL", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		_, err = transcribeHalfSecond(t, Endpoint{BaseURL: "http://" + addr + "/v1", Model: "whisper-1"})
		var ee *EngineError
		if !errors.Is(err, ErrSTT) || !errors.Is(err, ErrUnavailable) || !errors.As(err, &ee) || ee.Host != addr {
			t.Errorf("error = %v, want ErrSTT, ErrUnavailable and the host %s", err, addr)
		}
	})

	t.Run("a server slower than the timeout is an error", func(t *testing.T) {
		f := newFakeServer(t)
		f.handle("/v1/audio/transcriptions", func(w http.ResponseWriter, r *http.Request) {
			// The server notices the client leaving only once the body
			// is read.
			io.Copy(io.Discard, r.Body)
			select {
			case <-r.Context().Done():
			case <-time.After(10 * time.Second):
			}
		})
		e := f.endpoint("whisper-1")
		e.Timeout = 100 * time.Millisecond
		_, err := transcribeHalfSecond(t, e)
		if !errors.Is(err, ErrSTT) || !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("error = %v, want ErrSTT and a deadline", err)
		}
	})
}

func TestEmptyUtteranceSendsNothing(t *testing.T) {
	f := newFakeServer(t)
	st, _ := mustTranscriber(t, f.endpoint("whisper-1")).Start(context.Background())
	got, err := st.Finish(context.Background())
	if err != nil || got.Text != "" {
		t.Errorf("Finish = %+v, %v; want empty", got, err)
	}
	if n := f.count("/v1/audio/transcriptions"); n != 0 {
		t.Errorf("%d requests for no audio", n)
	}
	if err := st.Write([]int16{1}); !errors.Is(err, ErrSTT) {
		t.Errorf("Write after Finish: %v, want ErrSTT", err)
	}
}

func TestEndpoint(t *testing.T) {
	local := []struct {
		url  string
		want bool
	}{
		{"http://localhost:11434/v1", true},
		{"http://127.0.0.1:8080/v1", true},
		{"http://127.1.2.3/v1", true},
		{"http://[::1]:8000/v1", true},
		{"unix:///run/ollama.sock", true},
		{"https://api.openai.com/v1", false},
		{"http://192.168.1.20:11434/v1", false},
		{"http://localhost.evil.com/v1", false},
		{"not a url at all", false},
	}
	for _, tt := range local {
		t.Run("Local is "+map[bool]string{true: "true", false: "false"}[tt.want]+" for "+tt.url, func(t *testing.T) {
			if got := (Endpoint{BaseURL: tt.url}).Local(); got != tt.want {
				t.Errorf("Local(%q) = %v", tt.url, got)
			}
		})
	}

	e := Endpoint{BaseURL: "https://api.openai.com/v1", APIKey: testKey, Model: "gpt-4o-mini"}
	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("engine", "llm", e)
	slog.New(slog.NewTextHandler(&logged, nil)).Info("engine", "llm", e)
	outputs := map[string]string{
		"%v": fmt.Sprintf("%v", e), "%+v": fmt.Sprintf("%+v", e), "%#v": fmt.Sprintf("%#v", e),
		"%s": fmt.Sprintf("%s", e), "%q": fmt.Sprintf("%q", e), "slog": logged.String(),
		"in a struct": fmt.Sprintf("%+v", struct{ E Endpoint }{e}),
	}
	for how, out := range outputs {
		t.Run("the API key is not in "+how+" output", func(t *testing.T) {
			if strings.Contains(out, "SECRET") {
				t.Errorf("%s output leaks the key: %s", how, out)
			}
			if !strings.Contains(out, "api.openai.com") {
				t.Errorf("%s output lost the URL: %s", how, out)
			}
		})
	}
}

func TestMergeTokens(t *testing.T) {
	p := func(v float64) *float64 { return &v }
	tok := func(w string, start, end float64, pr float64) verboseWord {
		return verboseWord{Word: w, Start: start, End: end, Probability: p(pr)}
	}
	tests := []struct {
		name  string
		toks  []verboseWord
		want  []string
		times [][2]float64
		conf  []float64
	}{
		{
			"tokens without a leading space join the word before",
			[]verboseWord{tok(" the", 0, 0.2, 1), tok(" migr", 0.3, 0.5, 0.81), tok("ation", 0.5, 0.9, 1), tok(" worked", 1.0, 1.4, 1)},
			[]string{"the", "migration", "worked"}, [][2]float64{{0, 0.2}, {0.3, 0.9}, {1.0, 1.4}}, []float64{1, 0.9, 1},
		},
		{
			"the first token of a segment starts a word even with no space",
			[]verboseWord{tok("6666", 0.53, 0.75, 1), tok("ategory", 0.75, 1.06, 1)},
			[]string{"6666ategory"}, [][2]float64{{0.53, 1.06}}, nil,
		},
		{
			"punctuation ends the word it follows and the next token starts a new one",
			[]verboseWord{tok(" Well", 0, 0.3, 1), tok(",", 0.3, 0.3, 1), tok("so", 0.4, 0.6, 1), tok(".", 0.6, 0.6, 1)},
			[]string{"Well,", "so."}, [][2]float64{{0, 0.3}, {0.4, 0.6}}, nil,
		},
		{
			"an apostrophe does not split a contraction",
			[]verboseWord{tok(" don", 0, 0.2, 1), tok("'t", 0.2, 0.3, 1)},
			[]string{"don't"}, [][2]float64{{0, 0.3}}, nil,
		},
		{
			"empty, special and zero-length entries are handled",
			[]verboseWord{tok("", 0, 0, 1), tok(" [_BEG_]", 0, 0, 1), tok(" yes", 0.5, 0.5, 1), tok(" ", 0.6, 0.6, 1)},
			[]string{"yes"}, [][2]float64{{0.5, 0.5}}, nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := mergeTokens(tt.toks)
			var words []string
			for _, w := range got {
				words = append(words, w.W)
			}
			if strings.Join(words, "|") != strings.Join(tt.want, "|") {
				t.Fatalf("words %q, want %q", words, tt.want)
			}
			for i, tm := range tt.times {
				if got[i].Start != tm[0] || got[i].End != tm[1] {
					t.Errorf("word %q times %v-%v, want %v-%v", got[i].W, got[i].Start, got[i].End, tm[0], tm[1])
				}
			}
			for i, c := range tt.conf {
				if d := got[i].Conf - c; d > 1e-9 || d < -1e-9 {
					t.Errorf("word %q confidence %v, want %v (geometric mean of its tokens)", got[i].W, got[i].Conf, c)
				}
			}
		})
	}
}
