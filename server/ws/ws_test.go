package ws

import (
	"encoding/json"
	"net/http/httptest"
	"testing"

	"github.com/mockloop/mockloop"
)

func TestCheckOrigin(t *testing.T) {
	h := &Handler{AllowOrigins: []string{"http://localhost:3000"}}
	cases := []struct {
		name, host, origin string
		want               bool
	}{
		{"a request without Origin (a CLI client) is allowed", "127.0.0.1:8080", "", true},
		{"the page's own origin is allowed", "127.0.0.1:8080", "http://127.0.0.1:8080", true},
		{"another port on the same host is refused", "127.0.0.1:8080", "http://127.0.0.1:9999", false},
		{"a foreign site is refused", "127.0.0.1:8080", "https://evil.example", false},
		{"an explicitly allowed origin is accepted", "127.0.0.1:8080", "http://localhost:3000", true},
		{"a garbage Origin is refused", "127.0.0.1:8080", "::not a url", false},
		{"localhost is not the same host as 127.0.0.1", "127.0.0.1:8080", "http://localhost:8080", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "http://"+tc.host+"/ws?round=x", nil)
			r.Host = tc.host
			if tc.origin != "" {
				r.Header.Set("Origin", tc.origin)
			}
			if got := h.CheckOrigin(r); got != tc.want {
				t.Fatalf("CheckOrigin(%q on %q) = %v, want %v", tc.origin, tc.host, got, tc.want)
			}
		})
	}
}

func TestDecode(t *testing.T) {
	cases := []struct {
		name, raw, code, typ string
	}{
		{"a hello is accepted", `{"v":1,"type":"hello"}`, "", "hello"},
		{"an answer keeps its id and text", `{"v":1,"type":"answer","id":"a1","text":"I did it"}`, "", "answer"},
		{"not JSON", `hello`, mockloop.CodeBadJSON, ""},
		{"a JSON array", `[1,2]`, mockloop.CodeBadJSON, ""},
		{"a missing version", `{"type":"hello"}`, mockloop.CodeBadVersion, ""},
		{"a server-only type", `{"v":1,"type":"feedback"}`, mockloop.CodeUnknownType, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m, code, msg := Decode([]byte(tc.raw))
			if code != tc.code {
				t.Fatalf("code = %q (%s), want %q", code, msg, tc.code)
			}
			if code != "" && msg == "" {
				t.Fatal("an error without a message for the user")
			}
			if tc.typ != "" && m.Type != tc.typ {
				t.Fatalf("type = %q, want %q", m.Type, tc.typ)
			}
		})
	}
}

// FuzzDecode checks that no input panics the decoder, that every refusal
// carries a message, and that what is accepted re-encodes to something
// the decoder accepts again.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{`{"v":1,"type":"hello"}`, `{"v":1,"type":"answer","id":"x","text":"I"}`, `{"v":1,"type":"rtc_ice","candidate":{"candidate":"a"}}`, `{`, `null`, `{"v":1,"type":"mute","on":true}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, code, msg := Decode(data)
		if code != "" {
			if msg == "" {
				t.Fatalf("code %q without a message", code)
			}
			return
		}
		again, err := json.Marshal(m)
		if err != nil {
			t.Fatalf("re-encode accepted message: %v", err)
		}
		if _, code2, _ := Decode(again); code2 != "" {
			t.Fatalf("accepted %q but not its re-encoding %q: %s", data, again, code2)
		}
	})
}
