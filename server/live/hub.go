// Package live runs the rounds that have a page open: one Session per
// round, driven by the websocket connection attached to it, the round
// engine, the analyzer and (when a microphone is connected) the voice
// pipeline. A Session is an actor: one goroutine owns its state and every
// input, typed or spoken, reaches it as a function on its command channel.
package live

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/mockloop/mockloop"
	"github.com/mockloop/mockloop/prompts"
)

// Outbox is the write side of one client connection. Send never blocks: a
// client that cannot keep up is disconnected and Send returns false.
type Outbox interface {
	Send(m mockloop.Message) bool
	// Close sends an error message with code and text, then closes.
	Close(code, text string)
}

// Deps are the engines a session uses; cmd/mockloop wires them.
type Deps struct {
	Store mockloop.Store
	Bank  *prompts.Bank
	// Interviewer words each move; Scripted is the fallback when it fails
	// (and the interviewer itself when no LLM is configured).
	Interviewer mockloop.Interviewer
	Scripted    mockloop.Interviewer
	Voice       *VoiceDeps // nil: typed answers only
	Observer    Observer   // nil: no measurements
	Logger      *slog.Logger
	Now         func() time.Time
	// IdleTimeout is how long a session with no page attached stays in
	// memory before it is evicted (its state is in the store, so the next
	// Attach restores it). Zero means DefaultIdleTimeout. Finished rounds
	// are evicted as soon as their page goes away.
	IdleTimeout time.Duration
}

// DefaultIdleTimeout keeps a detached session long enough for a refresh,
// a dropped connection or a laptop lid closed over lunch.
const DefaultIdleTimeout = 10 * time.Minute

// Hub keeps the sessions of rounds that have a page attached.
type Hub struct {
	deps Deps

	mu       sync.Mutex
	sessions map[string]*Session
	// wg counts every goroutine the hub's sessions start (the session
	// loops and their background work, such as encoding kept audio), so
	// Shutdown returns only when nothing is left running.
	wg sync.WaitGroup
}

// NewHub returns a Hub using deps.
func NewHub(deps Deps) *Hub {
	if deps.Now == nil {
		deps.Now = time.Now
	}
	if deps.Logger == nil {
		deps.Logger = slog.Default()
	}
	if deps.Scripted == nil {
		deps.Scripted = deps.Interviewer
	}
	if deps.Observer == nil {
		deps.Observer = nopObserver{}
	}
	if deps.IdleTimeout <= 0 {
		deps.IdleTimeout = DefaultIdleTimeout
	}
	return &Hub{deps: deps, sessions: map[string]*Session{}}
}

// ErrRoundNotFound is returned by Attach for an unknown round.
var ErrRoundNotFound = errors.New("round not found")

// Attach connects out to the round's session, starting the session if it
// is not running. A previous connection on the same round (a second tab)
// is told it was taken over and closed. The round is loaded from the store
// outside the hub's lock, so a slow disk delays only this round.
func (h *Hub) Attach(ctx context.Context, roundID string, out Outbox) (*Session, error) {
	// A session stopped by Stop, Shutdown or eviction between the lookup
	// and the attach refuses the call; a fresh one is restored.
	for range 3 {
		s := h.running(roundID)
		if s == nil {
			fresh, err := h.load(ctx, roundID)
			if err != nil {
				return nil, err
			}
			s = h.register(fresh)
		}
		if s.call(func() { s.attach(out) }) {
			return s, nil
		}
	}
	return nil, fmt.Errorf("round %s: the session stopped while attaching; reconnect", roundID)
}

// running returns the live session of roundID, or nil.
func (h *Hub) running(roundID string) *Session {
	h.mu.Lock()
	defer h.mu.Unlock()
	if s := h.sessions[roundID]; s != nil && s.ctx.Err() == nil {
		return s
	}
	return nil
}

// register starts fresh unless another Attach started the same round while
// fresh was loading; then fresh is dropped and the running one returned.
func (h *Hub) register(fresh *Session) *Session {
	h.mu.Lock()
	defer h.mu.Unlock()
	if s := h.sessions[fresh.id]; s != nil && s.ctx.Err() == nil {
		fresh.cancel(errors.New("a concurrent attach started the round"))
		return s
	}
	h.sessions[fresh.id] = fresh
	h.deps.Observer.SessionStarted()
	h.goTracked(func() {
		defer h.deps.Observer.SessionEnded()
		// A session that ended by itself (evicted, or a recovered panic)
		// leaves the hub, so the next Attach restores it from the store.
		defer h.evict(fresh)
		fresh.run()
	})
	return fresh
}

// goTracked runs f on a goroutine that Shutdown waits for.
func (h *Hub) goTracked(f func()) {
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		f()
	}()
}

// evict removes s from the hub if it is still the round's session.
func (h *Hub) evict(s *Session) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.sessions[s.id] == s {
		delete(h.sessions, s.id)
	}
}

// Detach tells the session its connection went away. The session stays
// (a refresh or reconnect finds it as it was); the microphone connection
// is closed so the voice pipeline finalises and stores what was said.
func (h *Hub) Detach(s *Session, out Outbox) {
	at := h.deps.Now()
	s.Do(func() {
		if s.out != out {
			return
		}
		s.out = nil
		s.detachedAt = at
		s.closeVoice()
	})
}

// Active reports how many sessions are running.
func (h *Hub) Active() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.sessions)
}

// Shutdown stops every session and waits for them.
func (h *Hub) Shutdown() {
	h.mu.Lock()
	for id, s := range h.sessions {
		s.Do(func() {
			if s.out != nil {
				s.out.Close("server_shutdown", "The server is shutting down; your answers so far are saved.")
			}
			s.stop()
		})
		delete(h.sessions, id)
	}
	h.mu.Unlock()
	h.wg.Wait()
}

// load restores a round's session from the store, not yet running.
func (h *Hub) load(ctx context.Context, roundID string) (*Session, error) {
	r, err := h.deps.Store.Round(ctx, roundID)
	if errors.Is(err, mockloop.ErrNotFound) {
		return nil, ErrRoundNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("load round %s: %w", roundID, err)
	}
	turns, err := h.deps.Store.Turns(ctx, roundID)
	if err != nil {
		return nil, fmt.Errorf("load turns of %s: %w", roundID, err)
	}
	utts, err := h.deps.Store.Utterances(ctx, roundID)
	if err != nil {
		return nil, fmt.Errorf("load utterances of %s: %w", roundID, err)
	}
	sctx, cancel := context.WithCancelCause(context.Background())
	s := &Session{
		hub:    h,
		id:     roundID,
		deps:   h.deps,
		log:    h.deps.Logger.With("round", roundID),
		cmds:   make(chan func(), 64),
		ctx:    sctx,
		cancel: cancel,
		round:  r,
		turns:  turns,
	}
	if err := s.restore(); err != nil {
		cancel(nil)
		return nil, err
	}
	s.restoreOpen(utts)
	s.detachedAt = h.deps.Now()
	return s, nil
}

// Stop ends the session of one round, if running (the round is being
// deleted).
func (h *Hub) Stop(roundID string) {
	h.mu.Lock()
	s := h.sessions[roundID]
	delete(h.sessions, roundID)
	h.mu.Unlock()
	if s != nil {
		s.Do(func() {
			if s.out != nil {
				s.out.Close(mockloop.CodeNotFound, "This round was deleted.")
			}
			s.stop()
		})
	}
}

// StopAll ends every session (all data is being deleted).
func (h *Hub) StopAll() {
	h.mu.Lock()
	ids := make([]string, 0, len(h.sessions))
	for id := range h.sessions {
		ids = append(ids, id)
	}
	h.mu.Unlock()
	for _, id := range ids {
		h.Stop(id)
	}
}
