// Package httpapi serves mockloop's pages, JSON API, exports and audio on
// the standard ServeMux. Handlers return errors; an *Error carries the
// message for the user apart from the cause that goes to the log.
package httpapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/mockloop/mockloop"
)

// Error is an HTTP error with a message meant for the user.
type Error struct {
	Status int
	Code   string
	Msg    string // shown to the user
	Err    error  // logged, never shown
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %v", e.Msg, e.Err)
	}
	return e.Msg
}

func (e *Error) Unwrap() error { return e.Err }

func badRequest(code, msg string) error {
	return &Error{Status: http.StatusBadRequest, Code: code, Msg: msg}
}

func notFound(what string) error {
	return &Error{Status: http.StatusNotFound, Code: mockloop.CodeNotFound, Msg: what + " not found"}
}

// handlerFunc is an http handler that returns an error.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

func (a *API) wrap(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := h(w, r)
		if err == nil {
			return
		}
		var he *Error
		if !errors.As(err, &he) {
			he = &Error{Status: http.StatusInternalServerError, Code: mockloop.CodeInternal, Msg: "Something went wrong on the server.", Err: err}
			if errors.Is(err, mockloop.ErrNotFound) {
				he = &Error{Status: http.StatusNotFound, Code: mockloop.CodeNotFound, Msg: "Not found.", Err: err}
			} else if errors.Is(err, mockloop.ErrReadOnly) {
				he = &Error{Status: http.StatusServiceUnavailable, Code: mockloop.CodeStorage, Msg: "The database is read-only; mockloop cannot save. Check the data directory's permissions and free space.", Err: err}
			}
		}
		if he.Status >= 500 {
			a.Logger.Error("http", "method", r.Method, "path", r.URL.Path, "status", he.Status, "err", he.Error())
		} else {
			a.Logger.Info("http", "method", r.Method, "path", r.URL.Path, "status", he.Status, "msg", he.Msg)
		}
		writeJSON(w, he.Status, map[string]any{"error": map[string]string{"code": he.Code, "message": he.Msg}})
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	_ = enc.Encode(v)
}

// maxBodyBytes caps JSON request bodies.
const maxBodyBytes = 64 << 10

func readJSON(w http.ResponseWriter, r *http.Request, v any) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return &Error{Status: http.StatusRequestEntityTooLarge, Code: mockloop.CodeTooLarge, Msg: "request body too large"}
		}
		return badRequest(mockloop.CodeBadJSON, "invalid JSON body: "+err.Error())
	}
	return nil
}
