// Package sttprobe finds a speech-to-text server already running on this
// machine (speaches, a whisper.cpp server) so mockloop can offer better ears
// than the embedded recognizer. It only ever talks to loopback addresses,
// and a server counts as found only when it answers a real transcription
// request, not just an open port.
package sttprobe

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/mockloop/mockloop"
	"github.com/mockloop/mockloop/server/openaicompat"
)

// ErrNotLoopback is returned for a candidate that is not on this machine:
// the probe sends audio, and nothing may leave the machine unasked.
var ErrNotLoopback = errors.New("sttprobe: not a loopback address")

// ErrNoServer is returned when no candidate answered.
var ErrNoServer = errors.New("sttprobe: no transcription server answered")

// DefaultTimeout bounds each candidate: a whisper model on a CPU takes a
// second or two for the probe's short clip, loading it on first use longer.
const DefaultTimeout = 20 * time.Second

// Candidate is a place a transcription server may listen.
type Candidate struct {
	Name    string // "speaches", "whisper.cpp server"
	BaseURL string // OpenAI-compatible base URL, ending in /v1
	// Model is sent when the server lists none; whisper.cpp ignores it.
	Model string
}

// Candidates are the usual local servers, skipping the port mockloop itself
// listens on (whisper.cpp's server and mockloop both default to 8080).
// speaches listens on 8000 (its docs and our docker-compose.yml); a
// whisper.cpp server on 8080 by default, or 8081 as the README suggests so it
// can run beside mockloop, with --request-path /v1/audio --inference-path
// /transcriptions for the OpenAI path.
func Candidates(selfPort int) []Candidate {
	var out []Candidate
	add := func(name string, port int, model string) {
		if port == selfPort {
			return
		}
		base := "http://127.0.0.1:" + strconv.Itoa(port) + "/v1"
		out = append(out, Candidate{Name: name, BaseURL: base, Model: model})
	}
	add("speaches", 8000, "Systran/faster-whisper-small.en")
	add("whisper.cpp server", 8081, "whisper-1")
	add("whisper.cpp server", 8080, "whisper-1")
	return out
}

// Found is a server that transcribed the probe clip.
type Found struct {
	Candidate
	Text string        // what it heard in the probe clip
	Took time.Duration // the whole request
}

// Command is how to start mockloop with the server found.
func (f Found) Command() string {
	return "mockloop serve --stt openai --stt-url " + f.BaseURL + " --stt-model " + f.Model
}

// Options configure a probe.
type Options struct {
	// Client is used for every request; nil means a plain client.
	Client *http.Client
	// Timeout bounds each candidate; zero means DefaultTimeout.
	Timeout time.Duration
	// Now is the clock for Found.Took; nil means time.Now.
	Now func() time.Time
}

// Probe tries each candidate in order with a real transcription of sample
// (16 kHz mono speech) and returns the first that answers with a
// transcript. Errors of the others are joined into the returned error when
// none answers; it wraps ErrNoServer.
func Probe(ctx context.Context, cands []Candidate, sample mockloop.Audio, o Options) (Found, error) {
	if sample.SampleRate != 16000 || len(sample.PCM) == 0 {
		return Found{}, fmt.Errorf("sttprobe: want a 16 kHz sample, got %d samples at %d Hz", len(sample.PCM), sample.SampleRate)
	}
	if o.Client == nil {
		o.Client = &http.Client{}
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	var errs []error
	for _, c := range cands {
		f, err := probeOne(ctx, c, sample, o)
		if err == nil {
			return f, nil
		}
		errs = append(errs, fmt.Errorf("%s at %s: %w", c.Name, c.BaseURL, err))
		if ctx.Err() != nil {
			break
		}
	}
	return Found{}, fmt.Errorf("%w: %w", ErrNoServer, errors.Join(errs...))
}

func probeOne(ctx context.Context, c Candidate, sample mockloop.Audio, o Options) (Found, error) {
	if err := checkLoopback(c.BaseURL); err != nil {
		return Found{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	start := o.Now()
	if m := listedModel(ctx, o.Client, c.BaseURL); m != "" {
		c.Model = m
	}
	tr, err := openaicompat.NewTranscriber(openaicompat.Endpoint{BaseURL: c.BaseURL, Model: c.Model},
		openaicompat.TranscriberOptions{HTTPClient: o.Client})
	if err != nil {
		return Found{}, err
	}
	s, err := tr.Start(ctx)
	if err != nil {
		return Found{}, err
	}
	if err := s.Write(sample.PCM); err != nil {
		s.Close()
		return Found{}, err
	}
	tx, err := s.Finish(ctx)
	if err != nil {
		return Found{}, err
	}
	return Found{Candidate: c, Text: strings.TrimSpace(tx.Text), Took: o.Now().Sub(start)}, nil
}

// checkLoopback refuses any URL whose host is not a loopback address.
func checkLoopback(base string) error {
	u, err := url.Parse(base)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrNotLoopback, err)
	}
	host := u.Hostname()
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("%w: %s", ErrNotLoopback, host)
}

// listedModel asks GET /models for a transcription model (speaches lists
// the ones in its cache); whisper.cpp answers 404, and then the
// candidate's own model is used.
func listedModel(ctx context.Context, client *http.Client, base string) string {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(base, "/")+"/models", nil)
	if err != nil {
		return ""
	}
	resp, err := client.Do(req)
	if err != nil {
		return ""
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return ""
	}
	var list struct {
		Data []struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&list); err != nil {
		return ""
	}
	for _, m := range list.Data {
		if strings.Contains(strings.ToLower(m.ID), "whisper") {
			return m.ID
		}
	}
	return ""
}
