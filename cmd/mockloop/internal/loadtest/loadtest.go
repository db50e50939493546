// Package loadtest measures how many spoken sessions a mockloop server
// holds: it starts N scripted candidates (cmd/mockloop/internal/dial) against a running
// server on loopback, each speaking real recordings in real time over
// WebRTC for a bounded time, then reports the sessions that held, the
// server's CPU per session, feedback latency and any acknowledged
// utterance or answer the server did not keep.
package loadtest

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/mockloop/mockloop"
	"github.com/mockloop/mockloop/cmd/mockloop/internal/dial"
)

// Bounds that keep a mistyped flag from turning the load test into a
// runaway: the loop stops itself.
const (
	MaxSessions = 64
	MaxDuration = 30 * time.Minute
	// grace is how long after Duration a session may take to notice the
	// stop and hang up before the run counts it as failed.
	grace = 15 * time.Second
	// roundMinutes is long enough that no round reaches its closing
	// question during a run, so every session keeps answering.
	roundMinutes = 120
	// answersCap bounds how many answers one session gives; Duration stops
	// it long before.
	answersCap = 1000
)

// Options say what to run.
type Options struct {
	BaseURL  string        // a server on loopback, e.g. http://127.0.0.1:8080
	Sessions int           // concurrent candidates
	Duration time.Duration // how long they speak
	WAVs     []string      // session i speaks WAVs[i % len(WAVs)]
	Speed    float64       // 1 = real time

	// Silence commits each answer by the server's end-of-turn silence
	// instead of the "I'm done" button. The button gives an exact start
	// for the feedback latency; silence is how most people answer, and
	// its latency is measured from the end of the recording minus
	// TurnCommit, so it also counts any silence at the end of the file.
	Silence    bool
	TurnCommit time.Duration // the server's --turn-commit; default 2.5 s

	// CPU reads the server's CPU time so far. Nil: ProcessCPU(PID) when
	// PID is set, else SelfCPU (the server runs in this process, and the
	// figure includes the candidates' own Opus encoding and WebRTC).
	CPU func() (time.Duration, error)
	PID int
	// Baseline measures the server's CPU idle for this long before the
	// candidates start; zero skips it.
	Baseline time.Duration

	Logger *slog.Logger
	// HTTPClient fetches the rounds afterwards; nil uses a plain client.
	HTTPClient *http.Client
}

// Report is what one run measured.
type Report struct {
	Sessions int `json:"sessions"`
	// Held counts sessions that spoke until the end without an error.
	Held     int            `json:"held"`
	Failures []Failure      `json:"failures,omitempty"`
	Wall     time.Duration  `json:"wall_ns"`
	Answers  int            `json:"answers"`    // acknowledged answers
	Acked    int            `json:"utterances"` // acknowledged utterances
	Lost     int            `json:"lost"`       // acknowledged but not stored
	LostWhat []string       `json:"lost_what,omitempty"`
	Feedback LatencySummary `json:"feedback"`
	// Slowest are the answers with the longest feedback latency, to look
	// up in the server's log.
	Slowest []Sample `json:"slowest,omitempty"`
	// FeedbackFrom says where feedback latency starts: "done" (the "I'm
	// done" message) or "silence" (end of the recording + TurnCommit).
	FeedbackFrom string `json:"feedback_from"`

	CPU CPUReport `json:"cpu"`
}

// Sample is one answer's feedback latency.
type Sample struct {
	Round   string        `json:"round"`
	TurnSeq int           `json:"turn_seq"`
	Latency time.Duration `json:"latency_ns"`
}

// slowestKept is how many of the slowest answers a Report lists.
const slowestKept = 3

// Failure is one session that did not hold.
type Failure struct {
	Session int    `json:"session"`
	Round   string `json:"round,omitempty"`
	Err     string `json:"error"`
}

// LatencySummary are percentiles of one latency.
type LatencySummary struct {
	N   int           `json:"n"`
	P50 time.Duration `json:"p50_ns"`
	P95 time.Duration `json:"p95_ns"`
	Max time.Duration `json:"max_ns"`
}

// CPUReport is the server's CPU over the run, in cores (CPU seconds per
// wall second).
type CPUReport struct {
	Scope      string  `json:"scope"` // "pid 1234" or "this process (server and candidates)"
	Cores      float64 `json:"cores"`
	PerSession float64 `json:"per_session_cores"`
	// Idle is the baseline before the candidates started; -1 when not
	// measured.
	Idle float64 `json:"idle_cores"`
}

// errStop is the cause the run cancels sessions with when Duration is up;
// a session that ends with it held.
var errStop = errors.New("load test duration reached")

// Run starts the candidates, waits for them, and checks what the server
// kept.
func Run(ctx context.Context, o Options) (Report, error) {
	if err := o.defaults(); err != nil {
		return Report{}, err
	}
	rep := Report{Sessions: o.Sessions, FeedbackFrom: "done", CPU: CPUReport{Idle: -1}}
	if o.Silence {
		rep.FeedbackFrom = "silence"
	}
	scope, cpu := o.cpuSource()
	rep.CPU.Scope = scope

	if o.Baseline > 0 {
		idle, err := measure(ctx, cpu, o.Baseline)
		if err != nil {
			return rep, err
		}
		rep.CPU.Idle = idle
	}

	cpu0, err := cpu()
	if err != nil {
		return rep, fmt.Errorf("read server CPU: %w", err)
	}
	start := time.Now()
	results := o.speak(ctx)
	rep.Wall = time.Since(start)
	cpu1, err := cpu()
	if err != nil {
		return rep, fmt.Errorf("read server CPU: %w", err)
	}
	rep.CPU.Cores = (cpu1 - cpu0).Seconds() / rep.Wall.Seconds()
	rep.CPU.PerSession = rep.CPU.Cores / float64(o.Sessions)

	var samples []Sample
	for i, r := range results {
		if r.err != nil {
			rep.Failures = append(rep.Failures, Failure{Session: i, Round: r.res.RoundID, Err: r.err.Error()})
		} else {
			rep.Held++
		}
		acked := ackedIn(r.res.Events)
		rep.Acked += len(acked.utterances)
		rep.Answers += len(acked.answers)
		for _, sm := range feedbackLatencies(r.res.Events, o.Silence, o.TurnCommit) {
			sm.Round = r.res.RoundID
			samples = append(samples, sm)
		}
		if r.res.RoundID == "" {
			continue
		}
		lost, err := o.lost(ctx, r.res.RoundID, acked)
		if err != nil {
			return rep, err
		}
		rep.Lost += len(lost)
		rep.LostWhat = append(rep.LostWhat, lost...)
	}
	lat := make([]time.Duration, len(samples))
	for i, sm := range samples {
		lat[i] = sm.Latency
	}
	rep.Feedback = summarize(lat)
	slices.SortStableFunc(samples, func(a, b Sample) int { return cmp.Compare(b.Latency, a.Latency) })
	rep.Slowest = samples[:min(slowestKept, len(samples))]
	return rep, nil
}

func (o *Options) defaults() error {
	u, err := url.Parse(o.BaseURL)
	if err != nil || u.Scheme != "http" || u.Host == "" {
		return fmt.Errorf("loadtest: base URL %q: want http://host:port", o.BaseURL)
	}
	if !mockloop.IsLoopback(u.Hostname()) {
		// The load test floods a server with audio; it is for your own
		// machine only.
		return fmt.Errorf("loadtest: %s is not a loopback address", u.Hostname())
	}
	o.BaseURL = strings.TrimRight(o.BaseURL, "/")
	switch {
	case o.Sessions < 1 || o.Sessions > MaxSessions:
		return fmt.Errorf("loadtest: sessions %d: want 1 to %d", o.Sessions, MaxSessions)
	case o.Duration <= 0 || o.Duration > MaxDuration:
		return fmt.Errorf("loadtest: duration %v: want above 0 and at most %v", o.Duration, MaxDuration)
	case len(o.WAVs) == 0:
		return errors.New("loadtest: no WAV files")
	case o.Speed < 0:
		return fmt.Errorf("loadtest: speed %v: want above 0", o.Speed)
	}
	for _, w := range o.WAVs {
		if _, err := os.Stat(w); err != nil {
			return fmt.Errorf("loadtest: %w", err)
		}
	}
	if o.Speed == 0 {
		o.Speed = 1
	}
	if o.TurnCommit <= 0 {
		o.TurnCommit = 2500 * time.Millisecond
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	return nil
}

func (o *Options) cpuSource() (string, func() (time.Duration, error)) {
	switch {
	case o.CPU != nil:
		return "custom", o.CPU
	case o.PID > 0:
		pid := o.PID
		return "pid " + strconv.Itoa(pid), func() (time.Duration, error) { return ProcessCPU(pid) }
	}
	return "this process (server and candidates)", SelfCPU
}

// measure returns the cores used over d.
func measure(ctx context.Context, cpu func() (time.Duration, error), d time.Duration) (float64, error) {
	c0, err := cpu()
	if err != nil {
		return 0, fmt.Errorf("read server CPU: %w", err)
	}
	t0 := time.Now()
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return 0, fmt.Errorf("baseline: %w", context.Cause(ctx))
	case <-timer.C:
	}
	c1, err := cpu()
	if err != nil {
		return 0, fmt.Errorf("read server CPU: %w", err)
	}
	return (c1 - c0).Seconds() / time.Since(t0).Seconds(), nil
}

type result struct {
	res dial.Result
	err error
}

// speak runs the sessions concurrently until Duration, then stops them.
func (o *Options) speak(ctx context.Context) []result {
	ctx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	timer := time.AfterFunc(o.Duration, func() { stop(errStop) })
	defer timer.Stop()

	results := make([]result, o.Sessions)
	var wg sync.WaitGroup
	for i := range o.Sessions {
		wg.Go(func() {
			res, err := dial.Run(ctx, dial.Options{
				BaseURL: o.BaseURL,
				Kind:    string(mockloop.KindBehavioral),
				Minutes: roundMinutes,
				WAV:     o.WAVs[i%len(o.WAVs)],
				Speed:   o.Speed,
				Answers: answersCap,
				Done:    !o.Silence,
				Timeout: o.Duration + grace,
				Logger:  o.Logger.With("session", i),
			})
			if err != nil && errors.Is(err, errStop) {
				err = nil // stopped by the run, not by a fault
			}
			if err == nil && ctx.Err() == nil {
				// Every answer given before the time was up: the round
				// ran out of questions, which roundMinutes should prevent.
				err = errors.New("session ended before the duration")
			}
			results[i] = result{res: res, err: err}
		})
	}
	wg.Wait()
	return results
}

// acked is what the server told one client it had stored.
type acked struct {
	utterances map[int64]string // id -> text
	answers    []int            // turn seqs
}

// ackedIn reads the acknowledgements from the raw events, not from the
// Result's lists, so messages that arrived as the run was stopping count.
func ackedIn(events []dial.Event) acked {
	a := acked{utterances: map[int64]string{}}
	for _, e := range events {
		switch e.Type {
		case "utterance", "ack":
			var m mockloop.Message
			if err := json.Unmarshal(e.Msg, &m); err != nil {
				continue
			}
			if e.Type == "ack" {
				a.answers = append(a.answers, m.TurnSeq)
			} else if m.Utterance != nil {
				a.utterances[m.Utterance.ID] = m.Utterance.Text
			}
		}
	}
	return a
}

// feedbackLatencies pairs each commit with the feedback that follows it.
func feedbackLatencies(events []dial.Event, silence bool, turnCommit time.Duration) []Sample {
	var out []Sample
	from := time.Duration(-1)
	for _, e := range events {
		switch {
		case !silence && e.Type == dial.MarkDoneSent:
			from = e.At
		case silence && e.Type == dial.MarkSpeechEnd:
			from = e.At + turnCommit
		case e.Type == "feedback" && from >= 0:
			var m mockloop.Message
			_ = json.Unmarshal(e.Msg, &m) // the turn seq only labels the sample
			out = append(out, Sample{TurnSeq: m.TurnSeq, Latency: max(0, e.At-from)})
			from = -1
		}
	}
	return out
}

func summarize(d []time.Duration) LatencySummary {
	if len(d) == 0 {
		return LatencySummary{}
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return LatencySummary{N: len(s), P50: percentile(s, 0.50), P95: percentile(s, 0.95), Max: s[len(s)-1]}
}

// percentile is the nearest-rank percentile of sorted s.
func percentile(sorted []time.Duration, p float64) time.Duration {
	i := int(float64(len(sorted))*p+0.999999) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

// lost fetches the round and lists what was acknowledged but is missing.
func (o *Options) lost(ctx context.Context, roundID string, a acked) ([]string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, o.BaseURL+"/api/rounds/"+url.PathEscape(roundID), nil)
	if err != nil {
		return nil, fmt.Errorf("fetch round %s: %w", roundID, err)
	}
	resp, err := o.HTTPClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetch round %s: %w", roundID, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, fmt.Errorf("fetch round %s: %w", roundID, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetch round %s: %s", roundID, resp.Status)
	}
	var stored struct {
		Turns      []mockloop.Turn      `json:"turns"`
		Utterances []mockloop.Utterance `json:"utterances"`
	}
	if err := json.Unmarshal(body, &stored); err != nil {
		return nil, fmt.Errorf("fetch round %s: decode: %w", roundID, err)
	}
	return missing(roundID, a, stored.Turns, stored.Utterances), nil
}

// missing compares acknowledgements with what the server returned.
func missing(roundID string, a acked, turns []mockloop.Turn, utts []mockloop.Utterance) []string {
	var out []string
	have := map[int64]string{}
	for _, u := range utts {
		have[u.ID] = u.Text
	}
	ids := make([]int64, 0, len(a.utterances))
	for id := range a.utterances {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		text, ok := have[id]
		switch {
		case !ok:
			out = append(out, fmt.Sprintf("round %s: utterance %d acknowledged but not stored", roundID, id))
		case text != a.utterances[id]:
			out = append(out, fmt.Sprintf("round %s: utterance %d stored as %q, acknowledged as %q", roundID, id, text, a.utterances[id]))
		}
	}
	answers := map[int]bool{}
	for _, t := range turns {
		if t.Role == mockloop.RoleCandidate {
			answers[t.Seq] = true
		}
	}
	for _, seq := range a.answers {
		if !answers[seq] {
			out = append(out, fmt.Sprintf("round %s: answer turn %d acknowledged but not stored", roundID, seq))
		}
	}
	return out
}

// SelfCPU is this process's user and system CPU time so far.
func SelfCPU() (time.Duration, error) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, fmt.Errorf("getrusage: %w", err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), nil
}

// clockTicks is USER_HZ, the unit of utime and stime in /proc/<pid>/stat.
// It is 100 on every Linux architecture Go supports (proc(5); the kernel
// fixes USER_HZ for the user ABI), and reading sysconf(_SC_CLK_TCK) would
// need cgo.
const clockTicks = 100

// ProcessCPU is the user and system CPU time of process pid and its
// finished children so far, from /proc/<pid>/stat (Linux).
func ProcessCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, fmt.Errorf("process CPU: %w", err)
	}
	return parseStat(string(b))
}

// parseStat sums utime, stime, cutime and cstime (fields 14 to 17) of a
// /proc/<pid>/stat line. The children's share counts because the server
// runs espeak-ng as a child process per sentence; the kernel adds a child's
// time once it has been waited for. The command name in field 2 may hold
// spaces and parentheses, so fields are counted from its closing
// parenthesis.
func parseStat(stat string) (time.Duration, error) {
	i := strings.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, errors.New("process CPU: malformed stat: no command name")
	}
	f := strings.Fields(stat[i+1:])
	// f[0] is field 3 (state), so field n is f[n-3].
	if len(f) < 15 {
		return 0, fmt.Errorf("process CPU: malformed stat: %d fields after the name", len(f))
	}
	var ticks int64
	for n := 14; n <= 17; n++ {
		v, err := strconv.ParseInt(f[n-3], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("process CPU: field %d: %w", n, err)
		}
		ticks += v
	}
	return time.Duration(ticks) * time.Second / clockTicks, nil
}
