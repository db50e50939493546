package httpapi

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/mockloop/mockloop"
	"github.com/mockloop/mockloop/webui"
)

// TestNotFoundPages checks that an address with nothing behind it gets the
// styled not-found page (or JSON under /api/), never a page with working
// buttons for a round that does not exist, nor Go's plain text 404.
func TestNotFoundPages(t *testing.T) {
	db := progressDB(t)
	seedRound(t, db, "r1", mockloop.KindBehavioral, progressT0, "Q:Ownership")
	a := &API{Store: db, Summaries: db, Pages: webui.New(""), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	h := a.Handler()
	for _, tt := range []struct {
		name, path string
		status     int
		contains   string
	}{
		{"a round that exists gets the round page", "/round/r1", 200, `src="/static/js/round.js"`},
		{"a review that exists gets the review page", "/review/r1", 200, `src="/static/js/review.js"`},
		{"an unknown round gets the not-found page", "/round/nope", 404, "This round does not exist"},
		{"an unknown review gets the not-found page", "/review/nope", 404, "There is no review here"},
		{"an unknown path gets the not-found page", "/nope", 404, "There is no page here"},
		{"an unknown nested path gets the not-found page", "/round/r1/extra", 404, "There is no page here"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rec := get(t, h, tt.path)
			if rec.Code != tt.status {
				t.Fatalf("GET %s = %d, want %d", tt.path, rec.Code, tt.status)
			}
			if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
				t.Errorf("Content-Type = %q, want HTML", ct)
			}
			body := rec.Body.String()
			if !strings.Contains(body, tt.contains) {
				t.Errorf("body lacks %q", tt.contains)
			}
			if tt.status == 404 && strings.Contains(body, "/static/js/") {
				t.Errorf("the not-found page loads a page script: %.300q", body)
			}
		})
	}
	t.Run("a known API path with the wrong method is still 405", func(t *testing.T) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/api/rounds/r1", nil))
		if rec.Code != http.StatusMethodNotAllowed {
			t.Fatalf("POST /api/rounds/r1 = %d, want 405", rec.Code)
		}
	})
	t.Run("an unknown API path is a JSON not_found", func(t *testing.T) {
		rec := get(t, h, "/api/nope")
		if rec.Code != http.StatusNotFound {
			t.Fatalf("status = %d, want 404", rec.Code)
		}
		var body struct {
			Error struct{ Code string } `json:"error"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || body.Error.Code != mockloop.CodeNotFound {
			t.Fatalf("body = %q (%v), want a not_found JSON error", rec.Body.String(), err)
		}
	})
}
