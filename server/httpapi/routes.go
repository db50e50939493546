package httpapi

import (
	"context"
	"crypto/subtle"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/mockloop/mockloop"
	"github.com/mockloop/mockloop/server/live"
)

// Engine describes one configured engine for the page and for doctor.
type Engine struct {
	Name  string `json:"name"`
	Model string `json:"model,omitempty"`
	URL   string `json:"url,omitempty"`
	Local bool   `json:"local"`
	// Status is the latest real check: "ok", "slow", "broken" or
	// "unchecked"; Reason says what happened and Fix what to do.
	Status string `json:"status"`
	Reason string `json:"reason,omitempty"`
	Fix    string `json:"fix,omitempty"`
}

// Engines lists what a round will use.
type Engines struct {
	STT Engine `json:"stt"`
	TTS Engine `json:"tts"`
	LLM Engine `json:"llm"`
}

// STTHint tells the round page how far spoken transcripts can be trusted
// and how to get better ones (CONTRACT stt_hint).
type STTHint struct {
	// Approximate is true while the embedded recognizer is in use.
	Approximate bool      `json:"approximate"`
	Text        string    `json:"text"`
	Offer       *STTOffer `json:"offer"`
}

// STTOffer is a transcription server found on this machine that answered
// a real request; the user switches to it with Command.
type STTOffer struct {
	Name    string `json:"name"`
	URL     string `json:"url"`
	Command string `json:"command"`
}

// Voice is one interviewer voice the home page offers.
type Voice struct {
	ID    string `json:"id"`
	Label string `json:"label"`
	// Engine is the synthesizer's name, recorded as the round's tts.
	Engine string `json:"-"`
}

// Pages serves the HTML pages and static assets (the webui package).
type Pages interface {
	Static() http.Handler
	Page(name string) http.Handler
	// NotFound is the styled 404 page; what is "round", "review" or ""
	// for any other path.
	NotFound(what string) http.Handler
}

// Summarizer totals rounds for the history list in one query.
type Summarizer interface {
	Summaries(ctx context.Context, limit int) ([]mockloop.RoundSummary, error)
}

// API is the HTTP side of the server.
type API struct {
	Store     mockloop.Store
	Summaries Summarizer // optional
	Hub       *live.Hub
	Deps      live.Deps // for planning new rounds
	Pages     Pages
	WS        http.Handler
	Metrics   http.Handler // nil: no /metrics
	Engines   Engines
	// Health reports an engine's latest check ("llm", "stt", "tts");
	// nil leaves every engine "unchecked".
	Health func(kind string) (status, reason, fix string)
	Voice  bool
	// Voices a round may pick (POST /api/rounds "voice"), and the default.
	Voices       []Voice
	DefaultVoice string
	Version      string
	AudioDir     string
	// Token, when set, is required on every request (header
	// "Authorization: Bearer T", or ?token=T once, which sets a cookie).
	// Used when bound to a non-loopback address.
	Token  string
	Logger *slog.Logger
	Now    func() time.Time
	NewID  func() string
	// STTHint is read on every GET /api/config, since the probe for a
	// local transcription server may finish after start; nil: no hint.
	STTHint func() STTHint
}

// Handler returns the routed handler.
func (a *API) Handler() http.Handler {
	if a.Logger == nil {
		a.Logger = slog.Default()
	}
	if a.Now == nil {
		a.Now = time.Now
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		_, _ = w.Write([]byte("ok\n"))
	})
	if a.Pages != nil {
		mux.Handle("GET /static/", a.Pages.Static())
		mux.Handle("GET /{$}", a.Pages.Page("index"))
		mux.Handle("GET /round/{id}", a.roundPage("round"))
		mux.Handle("GET /review/{id}", a.roundPage("review"))
		mux.Handle("GET /history", a.Pages.Page("history"))
		// Any other path a person might type gets the styled page, not
		// Go's plain "404 page not found".
		// GET only: a known path with the wrong method stays 405.
		mux.Handle("GET /", a.Pages.NotFound(""))
	}
	// Unknown API paths stay JSON, whatever the pages do.
	mux.Handle("GET /api/", a.wrap(func(w http.ResponseWriter, r *http.Request) error {
		return notFound("API path " + r.URL.Path)
	}))
	if a.WS != nil {
		mux.Handle("GET /ws", a.WS)
	}
	if a.Metrics != nil {
		mux.Handle("GET /metrics", a.Metrics)
	}
	mux.Handle("GET /api/config", a.wrap(a.config))
	mux.Handle("GET /api/plan", a.wrap(a.planPreview))
	mux.Handle("POST /api/rounds", a.wrap(a.createRound))
	mux.Handle("GET /api/rounds", a.wrap(a.listRounds))
	mux.Handle("DELETE /api/rounds", a.wrap(a.deleteAll))
	mux.Handle("GET /api/rounds/{id}", a.wrap(a.getRound))
	mux.Handle("DELETE /api/rounds/{id}", a.wrap(a.deleteRound))
	mux.Handle("GET /api/rounds/{id}/export.md", a.wrap(a.exportMarkdown))
	mux.Handle("GET /api/rounds/{id}/export.json", a.wrap(a.exportJSON))
	mux.Handle("GET /api/rounds/{id}/audio/{seq}", a.wrap(a.audio))
	a.registerProgress(mux)
	var h http.Handler = mux
	if a.Token != "" {
		h = a.requireToken(h)
	}
	return securityHeaders(h)
}

// roundPage serves the round or review page for a round that exists and
// the not-found page otherwise, so an unknown id never shows working
// buttons for nothing.
func (a *API) roundPage(name string) http.Handler {
	page, missing := a.Pages.Page(name), a.Pages.NotFound(name)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, err := a.Store.Round(r.Context(), r.PathValue("id"))
		switch {
		case errors.Is(err, mockloop.ErrNotFound):
			missing.ServeHTTP(w, r)
		case err != nil:
			// The page reports a store failure itself when its API call
			// fails; a 404 here would be a lie.
			a.Logger.Error("http", "method", r.Method, "path", r.URL.Path, "err", err)
			page.ServeHTTP(w, r)
		default:
			page.ServeHTTP(w, r)
		}
	})
}

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		// Everything is served from this origin: no CDN, no external fonts.
		h.Set("Content-Security-Policy", "default-src 'self'; connect-src 'self' ws: wss:; media-src 'self' blob:; img-src 'self' data:; style-src 'self' 'unsafe-inline'")
		next.ServeHTTP(w, r)
	})
}

const tokenCookie = "mockloop_token"

func (a *API) requireToken(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/healthz" {
			next.ServeHTTP(w, r)
			return
		}
		got := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		if c, err := r.Cookie(tokenCookie); err == nil && got == "" {
			got = c.Value
		}
		if q := r.URL.Query().Get("token"); q != "" {
			got = q
			if subtle.ConstantTimeCompare([]byte(q), []byte(a.Token)) == 1 {
				http.SetCookie(w, &http.Cookie{Name: tokenCookie, Value: q, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode})
			}
		}
		if subtle.ConstantTimeCompare([]byte(got), []byte(a.Token)) != 1 {
			http.Error(w, "access token required (start URL printed by mockloop serve)", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}
