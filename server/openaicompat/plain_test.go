package openaicompat

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mockloop/mockloop/analysis"
)

var (
	lexOnce sync.Once
	lexVal  Lexicon
	lexErr  error
)

// testLexicon is pocketsphinx's dictionary, which serve loads too (the
// Makefile installs pocketsphinx-en-us for the tests).
func testLexicon(t *testing.T) Lexicon {
	t.Helper()
	lexOnce.Do(func() { lexVal, lexErr = LoadLexicon(DefaultLexiconPath) })
	if lexErr != nil {
		t.Fatalf("load the lexicon (apt-get install pocketsphinx-en-us): %v", lexErr)
	}
	return lexVal
}

func TestReadLexicon(t *testing.T) {
	lex, err := ReadLexicon(strings.NewReader(";;; comment\nhello HH AH L OW\nhello(2) HH EH L OW\ndon't D OW N T\n"))
	if err != nil {
		t.Fatal(err)
	}
	for w, want := range map[string]bool{"hello": true, "don't": true, "hello(2)": false, ";;;": false, "team's": false} {
		if got := lex.has(w); got != want {
			t.Errorf("has(%q) = %v, want %v", w, got, want)
		}
	}
}

func TestTextGarbage(t *testing.T) {
	lex := testLexicon(t)
	tests := []struct {
		name    string
		text    string
		garbage bool
	}{
		{"a plain probe is fine", "What was the measurable result of that change?", false},
		{"a lead-in with a name and a number is fine", "Thanks, Priya. Let's move on to the 2019 migration you mentioned.", false},
		{"a short thank-you is fine", "Thank you.", false},
		{"a closing line is fine", "That's all the questions I have for today; thank you for your time, and the recruiter will be in touch.", false},
		{"a probe full of technical terms is fine", "Why did you move from Postgres to DynamoDB, and how did SQS and gRPC fit in?", false},
		{"a probe with a p99 figure is fine", "What was the p99 latency on Kubernetes before the change?", false},
		{"the recorded Ollama stream of non-words is garbage", "balan availa availabilde goodee wha earn", true},
		{"one 200-character token is garbage", "prison" + strings.Repeat("PRO", 65), true},
		{"a token looping inside itself is garbage", "6666ategoryRushRushRushRushRushRushRegion", true},
		{"a word repeated over and over is garbage", "resolutions praised praised praised praised praised", true},
		{"real words with no sentence in them are garbage", "marquee region cosmic baltimore christie prison", true},
		{"a few words said over and over are garbage", strings.Repeat("the team shipped ", 6), true},
		{"no letters at all is garbage", "… — …", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			why := textGarbage(tt.text, lex)
			if (why != "") != tt.garbage {
				t.Errorf("textGarbage(%.60q) = %q, want garbage=%v", tt.text, why, tt.garbage)
			}
		})
	}
	t.Run("without a lexicon the structural checks still catch the recorded stream", func(t *testing.T) {
		if why := textGarbage("balan availa availabilde goodee wha earn", nil); why == "" {
			t.Error("passed")
		}
	})
}

func TestTranscriptGarbage(t *testing.T) {
	lex := testLexicon(t)
	w := func(s string, start, end float64) analysis.Word { return analysis.Word{W: s, Start: start, End: end} }
	tests := []struct {
		name    string
		text    string
		words   []analysis.Word
		audio   time.Duration
		garbage bool
	}{
		{"an answer with fillers is fine", "Um, so, uh, I think we, you know, shipped it.", nil, 4 * time.Second, false},
		{"a terse answer is fine", "Kafka.", []analysis.Word{w("Kafka.", 0.2, 0.7)}, time.Second, false},
		{"a repeated no is fine", "No, no, no, that was later.", nil, 2 * time.Second, false},
		{"an answer naming its stack is fine", "So we moved the service from Postgres to DynamoDB on Kubernetes with Terraform and SQS.", nil, 5 * time.Second, false},
		{"capitalised non-words get no pass as names", "Balan Availa Availabilde Goodee Wha Earn", nil, 3 * time.Second, true},
		{"lower-case non-words are still garbage", "balan availa availabilde goodee wha earn", nil, 3 * time.Second, true},
		{"one plausible word for 10 s of speech is garbage", "marquee", []analysis.Word{w("marquee", 1.14, 10.64)}, 10 * time.Second, true},
		{"one word stretched over 9 s is garbage even without the audio length", "marquee", []analysis.Word{w("marquee", 1.14, 10.64)}, 0, true},
		{"one 200-character token is garbage", "prison" + strings.Repeat("PRO", 65), nil, 5 * time.Second, true},
		{"the recorded whisper token soup is garbage", "6666ategoryRushRushRushRushRushRushRegion6666666666666666", nil, 6 * time.Second, true},
		{"a loop of one word is garbage", "resolutions praised praised praised praised praised praised praised", nil, 9 * time.Second, true},
		{"more words than anyone can say is garbage", strings.Repeat("yes ", 40), nil, 2 * time.Second, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			why := transcriptGarbage(tt.text, tt.words, tt.audio, lex)
			if (why != "") != tt.garbage {
				t.Errorf("transcriptGarbage(%.60q) = %q, want garbage=%v", tt.text, why, tt.garbage)
			}
		})
	}
}

func TestStripControl(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"llama 3 header tokens go with their role", "<|begin_of_text|><|start_header_id|>assistant<|end_header_id|>Tell me more.<|eot_id|>", "Tell me more."},
		{"chatml tokens go", "<|im_start|>Why that design?<|im_end|>", "Why that design?"},
		{"llama 2 markers go", "[INST] <<SYS>> What happened next? </s>", "What happened next?"},
		{"gemma turn markers go", "<start_of_turn>And the result?<end_of_turn>", "And the result?"},
		{"a reasoning block goes whole", "<think>the user wants a probe</think>What did you measure?", "What did you measure?"},
		{"a reasoning block the stream never closed goes", "Fine. <think>and then", "Fine."},
		{"a system token goes", "<|system|>Walk me through it.", "Walk me through it."},
		{"a comparison is kept", "Was latency < 10 ms?", "Was latency < 10 ms?"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := strings.Join(strings.Fields(stripControl(tt.in)), " "); got != tt.want {
				t.Errorf("stripControl(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
