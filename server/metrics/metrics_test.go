package metrics

import (
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

// scrape fetches /metrics from m's handler the way Prometheus would.
func scrape(t *testing.T, m *Metrics) string {
	t.Helper()
	srv := httptest.NewServer(m.Handler())
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/metrics")
	if err != nil {
		t.Fatalf("scrape: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("scrape: %s", resp.Status)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("content type %q, want the text exposition format", ct)
	}
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read scrape: %v", err)
	}
	return string(b)
}

func TestObserverMethodsShowInTheScrape(t *testing.T) {
	cases := []struct {
		name string
		act  func(m *Metrics)
		want []string           // exact exposition lines
		sums map[string]float64 // series whose float value must be near this
		not  []string           // text that must be absent
	}{
		{
			name: "two sessions started and one ended leave one active and two counted",
			act: func(m *Metrics) {
				m.SessionStarted()
				m.SessionStarted()
				m.SessionEnded()
			},
			want: []string{"mockloop_active_sessions 1", "mockloop_sessions_total 2"},
		},
		{
			name: "utterances are counted and their audio summed per engine",
			act: func(m *Metrics) {
				m.Utterance("sphinx en-us", 2.5)
				m.Utterance("sphinx en-us", 1.25)
				m.Utterance("openai whisper-1", 4)
			},
			want: []string{
				`mockloop_utterances_total{engine="sphinx en-us"} 2`,
				`mockloop_utterance_audio_seconds_total{engine="sphinx en-us"} 3.75`,
				`mockloop_utterances_total{engine="openai whisper-1"} 1`,
				`mockloop_utterance_audio_seconds_total{engine="openai whisper-1"} 4`,
			},
		},
		{
			name: "an utterance with no engine name is labelled unknown rather than empty",
			act:  func(m *Metrics) { m.Utterance("", 1) },
			want: []string{`mockloop_utterances_total{engine="unknown"} 1`},
		},
		{
			name: "answers are counted by source with the analyzer time in a histogram",
			act: func(m *Metrics) {
				m.Answer("typed", 200*time.Microsecond)
				m.Answer("typed", 30*time.Millisecond)
				m.Answer("sphinx en-us", time.Millisecond)
			},
			want: []string{
				`mockloop_answers_total{source="typed"} 2`,
				`mockloop_answers_total{source="sphinx en-us"} 1`,
				`mockloop_analyzer_seconds_count{source="typed"} 2`,
				`mockloop_analyzer_seconds_bucket{source="typed",le="+Inf"} 2`,
				`mockloop_analyzer_seconds_bucket{source="typed",le="0.00025"} 1`,
			},
			sums: map[string]float64{`mockloop_analyzer_seconds_sum{source="typed"}`: 0.0302},
		},
		{
			name: "turn latency lands in the stage's buckets",
			act: func(m *Metrics) {
				m.TurnLatency(StageTranscript, 5*time.Millisecond) // under the first bucket
				m.TurnLatency(StageTranscript, 700*time.Millisecond)
				m.TurnLatency(StageFirstAudio, 20*time.Second) // past the last bucket
			},
			want: []string{
				`mockloop_turn_latency_seconds_bucket{stage="transcript",le="0.01"} 1`,
				`mockloop_turn_latency_seconds_count{stage="transcript"} 2`,
				`mockloop_turn_latency_seconds_sum{stage="transcript"} 0.705`,
				`mockloop_turn_latency_seconds_bucket{stage="first_audio",le="+Inf"} 1`,
				`mockloop_turn_latency_seconds_bucket{stage="first_audio",le="10"} 0`,
				`mockloop_turn_latency_seconds_count{stage="first_token"} 0`,
			},
		},
		{
			name: "a negative latency from a clock step is recorded as zero",
			act:  func(m *Metrics) { m.TurnLatency(StageFirstToken, -time.Second) },
			want: []string{
				`mockloop_turn_latency_seconds_sum{stage="first_token"} 0`,
				`mockloop_turn_latency_seconds_count{stage="first_token"} 1`,
			},
		},
		{
			name: "engine errors are counted by engine and kind",
			act: func(m *Metrics) {
				m.EngineError("llm", "timeout")
				m.EngineError("llm", "timeout")
				m.EngineError("stt", "fallback")
			},
			want: []string{
				`mockloop_engine_errors_total{engine="llm",kind="timeout"} 2`,
				`mockloop_engine_errors_total{engine="stt",kind="fallback"} 1`,
			},
			not: []string{`mockloop_engine_errors_total{engine="tts"`},
		},
		{
			name: "refused client messages are counted by code",
			act: func(m *Metrics) {
				for range 3 {
					m.Rejected("rate_limited")
				}
				m.Rejected("bad_json")
			},
			want: []string{
				`mockloop_rejected_messages_total{code="rate_limited"} 3`,
				`mockloop_rejected_messages_total{code="bad_json"} 1`,
			},
		},
		{
			name: "an overlong label value is cut to a bounded length",
			act:  func(m *Metrics) { m.Rejected(strings.Repeat("x", 500)) },
			want: []string{`mockloop_rejected_messages_total{code="` + strings.Repeat("x", maxLabel) + `"} 1`},
			not:  []string{strings.Repeat("x", maxLabel+1)},
		},
		{
			name: "an idle server exposes zeroed session figures from the first scrape",
			act:  func(*Metrics) {},
			want: []string{"mockloop_active_sessions 0", "mockloop_sessions_total 0"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := New()
			tc.act(m)
			text := scrape(t, m)
			lines := map[string]bool{}
			for _, l := range strings.Split(text, "\n") {
				lines[l] = true
			}
			for _, w := range tc.want {
				if !lines[w] {
					t.Errorf("scrape lacks line %q", w)
				}
			}
			for series, want := range tc.sums {
				got, ok := value(text, series)
				if !ok || math.Abs(got-want) > 1e-9 {
					t.Errorf("%s = %v (found %v), want %v", series, got, ok, want)
				}
			}
			for _, n := range tc.not {
				if strings.Contains(text, n) {
					t.Errorf("scrape contains %q, want it absent", n)
				}
			}
			if t.Failed() {
				t.Logf("scrape:\n%s", grepMockloop(text))
			}
		})
	}
}

func TestRuntimeAndProcessCollectorsAreRegistered(t *testing.T) {
	text := scrape(t, New())
	for _, family := range []string{"go_goroutines", "go_memstats_alloc_bytes", "process_cpu_seconds_total", "process_resident_memory_bytes"} {
		if !strings.Contains(text, "\n"+family+" ") {
			t.Errorf("scrape lacks %s", family)
		}
	}
}

func TestEachMetricsHasItsOwnRegistry(t *testing.T) {
	// Two servers in one process (tests, the load test's in-process
	// server) must not share counts or panic on duplicate registration.
	a, b := New(), New()
	a.Rejected("bad_json")
	if strings.Contains(scrape(t, b), `mockloop_rejected_messages_total{code="bad_json"}`) {
		t.Fatal("a count on one Metrics shows in another's scrape")
	}
	if !strings.Contains(scrape(t, a), `mockloop_rejected_messages_total{code="bad_json"} 1`) {
		t.Fatal("the count is missing from its own scrape")
	}
}

func TestLatencyBucketsSpanTenMillisecondsToTenSeconds(t *testing.T) {
	b := latencyBuckets()
	if first, last := b[0], b[len(b)-1]; first != 0.01 || last != 10 {
		t.Fatalf("buckets run %v..%v, want 0.01..10", first, last)
	}
	for i := 1; i < len(b); i++ {
		if r := b[i] / b[i-1]; r > 2.5 {
			t.Errorf("bucket %d is %.2fx the one before; resolution too coarse", i, r)
		}
	}
}

func TestConcurrentObservationsAreAllCounted(t *testing.T) {
	m := New()
	const workers, each = 8, 250
	done := make(chan struct{})
	for range workers {
		go func() {
			defer func() { done <- struct{}{} }()
			for range each {
				m.Utterance("sphinx", 0.5)
			}
		}()
	}
	for range workers {
		<-done
	}
	want := `mockloop_utterances_total{engine="sphinx"} 2000`
	if !strings.Contains(scrape(t, m), want) {
		t.Fatalf("scrape lacks %q", want)
	}
}

// value returns the sample value of one exact series in the exposition.
func value(text, series string) (float64, bool) {
	for _, l := range strings.Split(text, "\n") {
		if v, ok := strings.CutPrefix(l, series+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			return f, err == nil
		}
	}
	return 0, false
}

func grepMockloop(text string) string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(l, "mockloop_") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
