// Package webui owns mockloop's browser front end: four HTML pages and the
// CSS and JavaScript modules they load, embedded into the binary so the
// server runs with no files beside it and no network. A development
// directory can replace the embedded copy to edit pages without rebuilding,
// as tailscale's client/web does with its assets.
package webui

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path"
	"strings"
	"time"
)

//go:embed pages static
var embedded embed.FS

// Pages lists the page names Page accepts, each served from
// pages/{name}.html.
var Pages = []string{"index", "round", "review", "history"}

// contentTypes maps the extensions we ship to their types, so serving does
// not depend on the host's mime tables (a minimal container has none).
var contentTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".svg":  "image/svg+xml",
	".png":  "image/png",
	".ico":  "image/x-icon",
	".json": "application/json",
	".wav":  "audio/wav",
}

// contentSecurityPolicy keeps every page to its own origin: no inline
// script, no CDN, no third-party fonts. 'self' in connect-src covers the
// same-origin websocket in CSP Level 3 browsers (Chromium, Firefox).
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; " +
	"img-src 'self' data:; media-src 'self' blob:; connect-src 'self'; " +
	"object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

// UI serves the pages and static assets, from the embedded copy or from a
// directory on disk.
type UI struct {
	files fs.FS
	dev   bool
}

// New returns a UI. With devDir "" it serves the embedded files; otherwise
// it reads devDir (laid out like this package: pages/ and static/) on every
// request and tells the browser not to cache, for live editing.
func New(devDir string) *UI {
	if devDir == "" {
		return &UI{files: embedded}
	}
	return &UI{files: os.DirFS(devDir), dev: true}
}

// Static serves /static/... . It accepts request paths with or without the
// /static/ prefix so it can be mounted with or without http.StripPrefix.
func (u *UI) Static() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		name := strings.TrimPrefix(r.URL.Path, "/")
		name = strings.TrimPrefix(name, "static/")
		// path.Clean plus fs.ValidPath rejects "..", so a request cannot
		// climb out of static/ even in dev mode on disk.
		name = path.Clean(name)
		if name == "." || !fs.ValidPath(name) || strings.HasSuffix(r.URL.Path, "/") {
			http.NotFound(w, r)
			return
		}
		u.serveFile(w, r, "static/"+name)
	})
}

// Page serves one HTML page. name must be one of Pages; any other name is
// a wiring mistake and panics at startup rather than 404ing at run time.
func (u *UI) Page(name string) http.Handler {
	known := false
	for _, p := range Pages {
		known = known || p == name
	}
	if !known {
		panic(fmt.Sprintf("webui: unknown page %q (want one of %v)", name, Pages))
	}
	file := "pages/" + name + ".html"
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		w.Header().Set("Content-Security-Policy", contentSecurityPolicy)
		w.Header().Set("Referrer-Policy", "no-referrer")
		w.Header().Set("X-Frame-Options", "DENY")
		// Microphone only for our own origin; the round page asks for it.
		w.Header().Set("Permissions-Policy", "microphone=(self), camera=()")
		u.serveFile(w, r, file)
	})
}

// serveFile writes one file with its content type and caching headers.
// Embedded files never change while the binary runs, so a content hash is
// a correct ETag and the browser revalidates cheaply ("no-cache" means
// "check first", not "do not store"); in dev mode nothing is cached.
func (u *UI) serveFile(w http.ResponseWriter, r *http.Request, name string) {
	data, err := fs.ReadFile(u.files, name)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrInvalid) {
			http.NotFound(w, r)
			return
		}
		http.Error(w, "could not read "+name, http.StatusInternalServerError)
		return
	}
	ct, ok := contentTypes[path.Ext(name)]
	if !ok {
		ct = http.DetectContentType(data)
	}
	h := w.Header()
	h.Set("Content-Type", ct)
	h.Set("X-Content-Type-Options", "nosniff")
	if u.dev {
		h.Set("Cache-Control", "no-store")
	} else {
		sum := sha256.Sum256(data)
		h.Set("ETag", `"`+hex.EncodeToString(sum[:8])+`"`)
		h.Set("Cache-Control", "no-cache")
	}
	// ServeContent answers If-None-Match from the ETag and handles Range
	// and HEAD; a zero modtime leaves Last-Modified out.
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(data))
}
