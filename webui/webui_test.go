package webui

import (
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func get(t *testing.T, h http.Handler, target string, header map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestPages(t *testing.T) {
	ui := New("")
	for _, name := range Pages {
		t.Run("the "+name+" page is served as HTML under a strict content security policy", func(t *testing.T) {
			rec := get(t, ui.Page(name), "/whatever", nil)
			if rec.Code != http.StatusOK {
				t.Fatalf("status = %d, want 200", rec.Code)
			}
			if ct := rec.Header().Get("Content-Type"); ct != "text/html; charset=utf-8" {
				t.Errorf("Content-Type = %q", ct)
			}
			csp := rec.Header().Get("Content-Security-Policy")
			if !strings.Contains(csp, "default-src 'self'") || strings.Contains(csp, "unsafe-inline") {
				t.Errorf("Content-Security-Policy = %q, want self-only without unsafe-inline", csp)
			}
			if !strings.Contains(rec.Body.String(), "<title>") {
				t.Errorf("body does not look like a page: %.80q", rec.Body.String())
			}
		})
	}
	t.Run("the not-found page answers 404 and says what is missing", func(t *testing.T) {
		for _, tt := range []struct{ what, want string }{
			{"round", "This round does not exist"},
			{"review", "There is no review here"},
			{"", "There is no page here"},
		} {
			rec := get(t, ui.NotFound(tt.what), "/nope", nil)
			if rec.Code != http.StatusNotFound {
				t.Errorf("NotFound(%q): status = %d, want 404", tt.what, rec.Code)
			}
			if body := rec.Body.String(); !strings.Contains(body, tt.want) || !strings.Contains(body, `href="/static/css/app.css"`) {
				t.Errorf("NotFound(%q): body lacks %q or the stylesheet: %.200q", tt.what, tt.want, body)
			}
		}
	})
	t.Run("an unknown page name is a wiring mistake and panics", func(t *testing.T) {
		defer func() {
			if recover() == nil {
				t.Fatal("Page(\"nope\") did not panic")
			}
		}()
		ui.Page("nope")
	})
	t.Run("a POST to a page is refused", func(t *testing.T) {
		req := httptest.NewRequest(http.MethodPost, "/", nil)
		rec := httptest.NewRecorder()
		ui.Page("index").ServeHTTP(rec, req)
		if rec.Code != http.StatusMethodNotAllowed {
			t.Fatalf("status = %d, want 405", rec.Code)
		}
	})
}

// refPatterns find the local references a page or asset makes: HTML
// src/href attributes, JS module imports and CSS url()s.
var (
	htmlRef = regexp.MustCompile(`(?:src|href)="([^"#]+)"`)
	jsRef   = regexp.MustCompile(`(?m)^\s*import\s+(?:[^'"]*\s+from\s+)?['"]([^'"]+)['"]`)
	cssRef  = regexp.MustCompile(`url\(\s*['"]?([^'")]+)['"]?\s*\)`)
)

// routes are the non-static paths pages may link to; the server owns them.
var routePrefixes = []string{"/", "/history", "/round/", "/review/", "/api/"}

// TestOneHeadForEveryPage checks that the head and top bar come from the
// layout: each rendered page has one title of its own, the stylesheet, its
// own script, and the nav link for where it is marked current.
func TestOneHeadForEveryPage(t *testing.T) {
	ui := New("")
	for _, tt := range []struct{ page, title, script, current string }{
		{"index", "mockloop · practise an interview loop", "/static/js/index.js", "Practise"},
		{"round", "Round · mockloop", "/static/js/round.js", ""},
		{"review", "Review · mockloop", "/static/js/review.js", ""},
		{"history", "Progress · mockloop", "/static/js/history.js", "History"},
	} {
		t.Run("the "+tt.page+" page gets the shared head with its own title and script", func(t *testing.T) {
			body := get(t, ui.Page(tt.page), "/", nil).Body.String()
			if n := strings.Count(body, "<title>"); n != 1 {
				t.Fatalf("%d <title> elements", n)
			}
			if !strings.Contains(body, "<title>"+tt.title+"</title>") {
				t.Errorf("title is not %q", tt.title)
			}
			if !strings.Contains(body, `<script type="module" src="`+tt.script+`"></script>`) {
				t.Errorf("no module script %s", tt.script)
			}
			if strings.Count(body, `href="/static/css/app.css"`) != 1 || strings.Count(body, `<main id="main"`) != 1 {
				t.Errorf("want one stylesheet link and one main element")
			}
			cur := regexp.MustCompile(`aria-current="page">([^<]+)<`).FindStringSubmatch(body)
			switch {
			case tt.current == "" && cur != nil:
				t.Errorf("nav marks %q current, want none", cur[1])
			case tt.current != "" && (cur == nil || cur[1] != tt.current):
				t.Errorf("nav current = %v, want %q", cur, tt.current)
			}
		})
	}
	t.Run("pages other than the layout hold no head of their own", func(t *testing.T) {
		for _, name := range append(Pages, "notfound") {
			b, err := fs.ReadFile(embedded, "pages/"+name+".html")
			if err != nil {
				t.Fatal(err)
			}
			for _, dup := range []string{"<head", "<title", "<!doctype", "topbar"} {
				if strings.Contains(strings.ToLower(string(b)), dup) {
					t.Errorf("pages/%s.html contains %q; it belongs in layout.html", name, dup)
				}
			}
		}
	})
}

func TestEveryReferenceResolves(t *testing.T) {
	files := map[string]string{}
	err := fs.WalkDir(embedded, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(embedded, p)
		files[p] = string(b)
		return err
	})
	if err != nil {
		t.Fatalf("walk embedded files: %v", err)
	}
	for _, name := range Pages {
		if _, ok := files["pages/"+name+".html"]; !ok {
			t.Errorf("page %s has no pages/%s.html", name, name)
		}
	}
	ui := New("")
	// The layout's script reference is a template: check the rendered
	// pages as well as the files.
	for _, name := range Pages {
		files["rendered/"+name+".html"] = get(t, ui.Page(name), "/", nil).Body.String()
	}
	checked := 0
	for p, body := range files {
		var refs []string
		switch path.Ext(p) {
		case ".html":
			for _, m := range htmlRef.FindAllStringSubmatch(body, -1) {
				if strings.Contains(m[1], "{{") {
					continue
				}
				refs = append(refs, m[1])
			}
		case ".js":
			for _, m := range jsRef.FindAllStringSubmatch(body, -1) {
				refs = append(refs, m[1])
			}
		case ".css":
			for _, m := range cssRef.FindAllStringSubmatch(body, -1) {
				refs = append(refs, m[1])
			}
		}
		for _, ref := range refs {
			t.Run(p+" refers to "+ref+" which exists", func(t *testing.T) {
				checked++
				target := ref
				if !strings.HasPrefix(ref, "/") {
					target = "/" + path.Join(path.Dir(p), ref)
				}
				if !strings.HasPrefix(target, "/static/") {
					for _, r := range routePrefixes {
						if target == r || (strings.HasSuffix(r, "/") && r != "/" && strings.HasPrefix(target, r)) {
							return
						}
					}
					t.Fatalf("%s is neither a static asset nor a server route", target)
				}
				rec := get(t, ui.Static(), target, nil)
				if rec.Code != http.StatusOK {
					t.Fatalf("GET %s = %d", target, rec.Code)
				}
			})
		}
	}
	if checked < 10 {
		t.Fatalf("only %d references checked; the patterns no longer match the files", checked)
	}
}

// allowedURLs are absolute URLs that never cause a network request: the
// SVG namespace and the local addresses we tell users to open.
var allowedURLs = []string{"http://www.w3.org/2000/svg", "http://127.0.0.1", "http://localhost"}

var absURL = regexp.MustCompile(`(?i)(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}[^\s"'<>)]*|https?://[^\s"'<>)]+`)

func TestNoExternalURLsOrInlineCode(t *testing.T) {
	err := fs.WalkDir(embedded, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(embedded, p)
		if err != nil {
			return err
		}
		body := string(b)
		t.Run(p+" loads nothing from the network", func(t *testing.T) {
			for _, u := range absURL.FindAllString(body, -1) {
				ok := false
				for _, a := range allowedURLs {
					ok = ok || strings.HasPrefix(u, a)
				}
				if !ok {
					t.Errorf("external URL %q", u)
				}
			}
		})
		if path.Ext(p) == ".html" {
			t.Run(p+" has no inline script, style or handler the CSP would block", func(t *testing.T) {
				for _, bad := range []*regexp.Regexp{
					regexp.MustCompile(`<script(?:\s[^>]*)?>\s*[^<\s]`),
					regexp.MustCompile(`\sstyle=`),
					regexp.MustCompile(`<style`),
					regexp.MustCompile(`\son[a-z]+=`),
				} {
					if loc := bad.FindStringIndex(body); loc != nil {
						t.Errorf("found %q", body[loc[0]:min(loc[1]+20, len(body))])
					}
				}
			})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestStatic(t *testing.T) {
	ui := New("")
	tests := []struct {
		name, target string
		wantCode     int
		wantType     string
	}{
		{"a stylesheet is served as CSS", "/static/css/app.css", 200, "text/css; charset=utf-8"},
		{"a module is served as JavaScript", "/static/js/round.js", 200, "text/javascript; charset=utf-8"},
		{"an icon is served as SVG", "/static/img/favicon.svg", 200, "image/svg+xml"},
		{"a path without the prefix works behind StripPrefix", "/js/lib.js", 200, "text/javascript; charset=utf-8"},
		{"a missing file is 404", "/static/js/nope.js", 404, ""},
		{"a directory is not listed", "/static/js/", 404, ""},
		{"climbing out of static is refused", "/static/../pages/index.html", 404, ""},
		{"an encoded climb is refused", "/static/..%2fwebui.go", 404, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := get(t, ui.Static(), tt.target, nil)
			if rec.Code != tt.wantCode {
				t.Fatalf("status = %d, want %d", rec.Code, tt.wantCode)
			}
			if tt.wantType != "" && rec.Header().Get("Content-Type") != tt.wantType {
				t.Errorf("Content-Type = %q, want %q", rec.Header().Get("Content-Type"), tt.wantType)
			}
			if tt.wantCode == 200 && rec.Header().Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("missing nosniff")
			}
		})
	}

	t.Run("an unchanged asset revalidates to 304 by ETag", func(t *testing.T) {
		first := get(t, ui.Static(), "/static/css/app.css", nil)
		etag := first.Header().Get("ETag")
		if etag == "" || first.Header().Get("Cache-Control") != "no-cache" {
			t.Fatalf("ETag = %q, Cache-Control = %q", etag, first.Header().Get("Cache-Control"))
		}
		again := get(t, ui.Static(), "/static/css/app.css", map[string]string{"If-None-Match": etag})
		if again.Code != http.StatusNotModified {
			t.Fatalf("status = %d, want 304", again.Code)
		}
		other := get(t, ui.Static(), "/static/js/lib.js", nil)
		if other.Header().Get("ETag") == etag {
			t.Errorf("two different files share ETag %s", etag)
		}
	})
}

func TestDevDirServesFromDisk(t *testing.T) {
	dir := t.TempDir()
	for p, body := range map[string]string{
		"pages/layout.html": `{{define "layout"}}<title>{{.Title}}</title>{{template "main" .}}{{end}}`,
		"pages/index.html":  `{{define "main"}}<main>edited</main>{{end}}`,
		"static/js/x.js":    "export const x = 1;",
	} {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ui := New(dir)
	t.Run("a page comes from the directory and is not cached", func(t *testing.T) {
		rec := get(t, ui.Page("index"), "/", nil)
		if rec.Code != 200 || rec.Body.String() != "<title>mockloop · practise an interview loop</title><main>edited</main>" {
			t.Fatalf("got %d %q", rec.Code, rec.Body.String())
		}
		if rec.Header().Get("Cache-Control") != "no-store" {
			t.Errorf("Cache-Control = %q, want no-store", rec.Header().Get("Cache-Control"))
		}
	})
	t.Run("an edit shows up without restarting", func(t *testing.T) {
		if err := os.WriteFile(filepath.Join(dir, "static", "js", "x.js"), []byte("export const x = 2;"), 0o644); err != nil {
			t.Fatal(err)
		}
		rec := get(t, ui.Static(), "/static/js/x.js", nil)
		if rec.Body.String() != "export const x = 2;" {
			t.Fatalf("got %q", rec.Body.String())
		}
	})
	t.Run("a page missing from the directory is 404", func(t *testing.T) {
		if rec := get(t, ui.Page("history"), "/history", nil); rec.Code != 404 {
			t.Fatalf("status = %d, want 404", rec.Code)
		}
	})
}
