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
}

// Hub keeps the sessions of rounds that have a page attached.
type Hub struct {
	deps Deps

	mu       sync.Mutex
	sessions map[string]*Session
	wg       sync.WaitGroup
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
	return &Hub{deps: deps, sessions: map[string]*Session{}}
}

// ErrRoundNotFound is returned by Attach for an unknown round.
var ErrRoundNotFound = errors.New("round not found")

// Attach connects out to the round's session, starting the session if it
// is not running. A previous connection on the same round (a second tab)
// is told it was taken over and closed.
func (h *Hub) Attach(ctx context.Context, roundID string, out Outbox) (*Session, error) {
	// A session stopped by Stop or Shutdown between the lookup and the
	// attach refuses the call; a fresh one is restored from the store.
	for range 3 {
		h.mu.Lock()
		s := h.sessions[roundID]
		if s == nil || s.ctx.Err() != nil {
			var err error
			s, err = h.start(roundID)
			if err != nil {
				h.mu.Unlock()
				return nil, err
			}
			h.sessions[roundID] = s
		}
		h.mu.Unlock()
		if s.call(func() { s.attach(out) }) {
			return s, nil
		}
	}
	return nil, fmt.Errorf("round %s: the session stopped while attaching; reconnect", roundID)
}

// Detach tells the session its connection went away. The session stays
// (a refresh or reconnect finds it as it was); the microphone connection
// is closed so the voice pipeline finalises and stores what was said.
func (h *Hub) Detach(s *Session, out Outbox) {
	s.Do(func() {
		if s.out != out {
			return
		}
		s.out = nil
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

func (h *Hub) start(roundID string) (*Session, error) {
	ctx, cancel := context.WithCancelCause(context.Background())
	r, err := h.deps.Store.Round(ctx, roundID)
	if errors.Is(err, mockloop.ErrNotFound) {
		cancel(nil)
		return nil, ErrRoundNotFound
	}
	if err != nil {
		cancel(nil)
		return nil, fmt.Errorf("load round %s: %w", roundID, err)
	}
	turns, err := h.deps.Store.Turns(ctx, roundID)
	if err != nil {
		cancel(nil)
		return nil, fmt.Errorf("load turns of %s: %w", roundID, err)
	}
	s := &Session{
		hub:    h,
		id:     roundID,
		deps:   h.deps,
		log:    h.deps.Logger.With("round", roundID),
		cmds:   make(chan func(), 64),
		ctx:    ctx,
		cancel: cancel,
		round:  r,
		turns:  turns,
	}
	if err := s.restore(); err != nil {
		cancel(nil)
		return nil, err
	}
	utts, err := h.deps.Store.Utterances(ctx, roundID)
	if err != nil {
		cancel(nil)
		return nil, fmt.Errorf("load utterances of %s: %w", roundID, err)
	}
	s.restoreOpen(utts)
	h.wg.Add(1)
	h.deps.Observer.SessionStarted()
	go func() {
		defer h.wg.Done()
		defer h.deps.Observer.SessionEnded()
		defer h.forget(roundID, s)
		s.run()
	}()
	return s, nil
}

// forget drops a session that ended by itself (a panic), so the next
// Attach restores the round from the store.
func (h *Hub) forget(roundID string, s *Session) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.sessions[roundID] == s {
		delete(h.sessions, roundID)
	}
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
