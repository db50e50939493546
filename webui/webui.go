// Package webui owns mockloop's browser front end: four HTML pages, a
// not-found page, and the CSS and JavaScript modules they load, embedded into the binary so the
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
	"html/template"
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
// pages/{name}.html inside the shared pages/layout.html.
var Pages = []string{"index", "round", "review", "history"}

// pageMeta is what differs between pages in the shared head and top bar,
// so each page file holds only its <main>.
type pageMeta struct {
	Name      string
	Title     string
	Script    string // module under static/js, without .js; "" for none
	Nav       string // the nav link marked current: "practise", "history" or ""
	Skip      string // the skip link's target id
	SkipLabel string
	Conn      bool   // the round page's connection badge in the top bar
	What      string // not-found page: "round", "review" or "" (any path)
}

var pageMetas = map[string]pageMeta{
	"index":    {Title: "mockloop · practise an interview loop", Script: "index", Nav: "practise"},
	"round":    {Title: "Round · mockloop", Script: "round", Skip: "answer", SkipLabel: "Skip to the answer box", Conn: true},
	"review":   {Title: "Review · mockloop", Script: "review"},
	"history":  {Title: "Progress · mockloop", Script: "history", Nav: "history"},
	"notfound": {Title: "Not found · mockloop"},
}

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
	meta := pageMetas[name]
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u.servePage(w, r, name, meta, http.StatusOK)
	})
}

// NotFound serves the not-found page with status 404. what names the
// missing thing ("round", "review"; "" for an unknown path) so the page
// says which.
func (u *UI) NotFound(what string) http.Handler {
	meta := pageMetas["notfound"]
	meta.What = what
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u.servePage(w, r, "notfound", meta, http.StatusNotFound)
	})
}

func (u *UI) servePage(w http.ResponseWriter, r *http.Request, name string, meta pageMeta, status int) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	h := w.Header()
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	// Microphone only for our own origin; the round page asks for it.
	h.Set("Permissions-Policy", "microphone=(self), camera=()")
	meta.Name = name
	if meta.Skip == "" {
		meta.Skip, meta.SkipLabel = "main", "Skip to content"
	}
	body, err := u.render(name, meta)
	if errors.Is(err, fs.ErrNotExist) {
		http.NotFound(w, r)
		return
	}
	if err != nil {
		http.Error(w, "could not render page "+name, http.StatusInternalServerError)
		return
	}
	if status != http.StatusOK {
		// ServeContent would answer 200; an error page writes its own.
		h.Set("Content-Type", contentTypes[".html"])
		h.Set("Cache-Control", "no-store")
		w.WriteHeader(status)
		if r.Method != http.MethodHead {
			_, _ = w.Write(body)
		}
		return
	}
	u.serveBytes(w, r, name+".html", body)
}

// render executes the layout around pages/{name}.html. Parsing on every
// request costs well under a millisecond and keeps dev mode live.
func (u *UI) render(name string, meta pageMeta) ([]byte, error) {
	layout, err := fs.ReadFile(u.files, "pages/layout.html")
	if err != nil {
		return nil, fmt.Errorf("read layout: %w", err)
	}
	page, err := fs.ReadFile(u.files, "pages/"+name+".html")
	if err != nil {
		return nil, fmt.Errorf("read page %s: %w", name, err)
	}
	t, err := template.New("layout").Parse(string(layout))
	if err != nil {
		return nil, fmt.Errorf("parse layout: %w", err)
	}
	if _, err := t.New(name).Parse(string(page)); err != nil {
		return nil, fmt.Errorf("parse page %s: %w", name, err)
	}
	var b bytes.Buffer
	if err := t.ExecuteTemplate(&b, "layout", meta); err != nil {
		return nil, fmt.Errorf("render page %s: %w", name, err)
	}
	return b.Bytes(), nil
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
	u.serveBytes(w, r, name, data)
}

// serveBytes writes data as the file name, with its type and caching
// headers.
func (u *UI) serveBytes(w http.ResponseWriter, r *http.Request, name string, data []byte) {
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
