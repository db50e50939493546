// Package metrics owns mockloop's Prometheus measurements: it implements
// live.Observer on a private registry (never the global default one, so
// two servers in one test binary do not collide) and serves the registry
// at /metrics.
package metrics

import (
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/mockloop/mockloop/server/live"
)

var _ live.Observer = (*Metrics)(nil)

// Latency stages a turn is measured at, as live.Session reports them,
// each from the end of the candidate's speech (a typed answer: from its
// submission, and no commit stage).
const (
	StageCommit     = "commit" // the turn policy decided the answer is over
	StageTranscript = "transcript"
	StageFirstToken = "first_token"
	StageFirstAudio = "first_audio"
)

// latencyBuckets span 10 ms to 10 s, finest between 200 ms and 2 s. People
// leave about 200 ms between turns in conversation (Stivers et al., PNAS
// 2009, "Universals and cultural variation in turn-taking"); a voice agent
// is judged against that, and anything past a few seconds feels broken.
// Round values keep the le labels readable in dashboards.
func latencyBuckets() []float64 {
	return []float64{0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3, 5, 7.5, 10}
}

// analyzerBuckets cover the rule-based analyzer: tens of microseconds for
// a short answer up to ~100 ms for the 20,000-word cap.
func analyzerBuckets() []float64 {
	return []float64{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25}
}

// Metrics is the Prometheus side of live.Observer. The zero value is not
// usable; call New.
type Metrics struct {
	reg *prometheus.Registry

	activeSessions prometheus.Gauge
	sessionsTotal  prometheus.Counter
	utterances     *prometheus.CounterVec
	audioSeconds   *prometheus.CounterVec
	answers        *prometheus.CounterVec
	analyzer       *prometheus.HistogramVec
	turnLatency    *prometheus.HistogramVec
	engineErrors   *prometheus.CounterVec
	rejected       *prometheus.CounterVec
}

// New returns Metrics registered on their own registry, with the Go
// runtime and process collectors alongside.
func New() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		activeSessions: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "mockloop_active_sessions",
			Help: "Rounds with a live session (a page attached) right now.",
		}),
		sessionsTotal: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "mockloop_sessions_total",
			Help: "Live sessions started.",
		}),
		utterances: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mockloop_utterances_total",
			Help: "Spoken utterances stored, by transcription engine.",
		}, []string{"engine"}),
		audioSeconds: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mockloop_utterance_audio_seconds_total",
			Help: "Seconds of candidate speech in stored utterances, by transcription engine.",
		}, []string{"engine"}),
		answers: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mockloop_answers_total",
			Help: "Committed candidate answers, by source (typed, sphinx, openai:<model>, typed+spoken).",
		}, []string{"source"}),
		analyzer: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "mockloop_analyzer_seconds",
			Help:    "Time the answer analyzer took on one committed answer, by source.",
			Buckets: analyzerBuckets(),
		}, []string{"source"}),
		turnLatency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "mockloop_turn_latency_seconds",
			Help:    "Interviewer reply latency from the end of the candidate's speech (typed: the submission), by stage (commit, transcript, first_token, first_audio).",
			Buckets: latencyBuckets(),
		}, []string{"stage"}),
		engineErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mockloop_engine_errors_total",
			Help: "Engine failures, by engine (llm, stt, tts) and kind (timeout, connection, bad_response, fallback, busy, other).",
		}, []string{"engine", "kind"}),
		rejected: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mockloop_rejected_messages_total",
			Help: "Websocket client messages refused, by error code.",
		}, []string{"code"}),
	}
	m.reg.MustRegister(
		m.activeSessions, m.sessionsTotal, m.utterances, m.audioSeconds,
		m.answers, m.analyzer, m.turnLatency, m.engineErrors, m.rejected,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	// The stages are known up front; creating them makes an idle server
	// expose zero counts instead of no series, so rate() and alerts work
	// from the first scrape.
	for _, st := range []string{StageCommit, StageTranscript, StageFirstToken, StageFirstAudio} {
		m.turnLatency.WithLabelValues(st)
	}
	return m
}

// Handler serves the registry in the Prometheus exposition format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// Registry is the private registry, for tests and extra collectors.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// SessionStarted counts a live session starting.
func (m *Metrics) SessionStarted() {
	m.activeSessions.Inc()
	m.sessionsTotal.Inc()
}

// SessionEnded counts a live session ending.
func (m *Metrics) SessionEnded() { m.activeSessions.Dec() }

// Utterance counts one stored utterance of audioSec seconds.
func (m *Metrics) Utterance(engine string, audioSec float64) {
	engine = label(engine)
	m.utterances.WithLabelValues(engine).Inc()
	if audioSec > 0 {
		m.audioSeconds.WithLabelValues(engine).Add(audioSec)
	}
}

// Answer counts one committed answer and the analyzer's time on it.
func (m *Metrics) Answer(source string, analyzer time.Duration) {
	source = label(source)
	m.answers.WithLabelValues(source).Inc()
	m.analyzer.WithLabelValues(source).Observe(analyzer.Seconds())
}

// TurnLatency records one stage of an interviewer reply.
func (m *Metrics) TurnLatency(stage string, d time.Duration) {
	if d < 0 {
		// A clock step between the commit and the reply; a negative
		// latency would corrupt the histogram's sum.
		d = 0
	}
	m.turnLatency.WithLabelValues(label(stage)).Observe(d.Seconds())
}

// EngineError counts a failure of engine of a kind.
func (m *Metrics) EngineError(engine, kind string) {
	m.engineErrors.WithLabelValues(label(engine), label(kind)).Inc()
}

// Rejected counts a refused client message by error code.
func (m *Metrics) Rejected(code string) {
	m.rejected.WithLabelValues(label(code)).Inc()
}

// maxLabel bounds a label value. Engine names carry settings (e.g.
// "openai whisper-1 prompt=fillers"); they are few, but a cap keeps one
// odd value from bloating every scrape.
const maxLabel = 64

func label(v string) string {
	if v == "" {
		return "unknown"
	}
	if len(v) > maxLabel {
		return v[:maxLabel]
	}
	return v
}
