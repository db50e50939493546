package main

import (
	"bytes"
	"strings"
	"testing"
)

// checkCLI checks a subcommand's run: its exit code, that stdout has each
// of wantOut, and, when wantErr is set, that stderr is one line holding it.
func checkCLI(t *testing.T, code int, out, errb *bytes.Buffer, wantCode int, wantOut []string, wantErr string) {
	t.Helper()
	if code != wantCode {
		t.Fatalf("exit %d, want %d; stderr %q", code, wantCode, errb.String())
	}
	for _, s := range wantOut {
		if !strings.Contains(out.String(), s) {
			t.Errorf("stdout lacks %q:\n%s", s, out.String())
		}
	}
	if wantErr != "" {
		if !strings.Contains(errb.String(), wantErr) || strings.Count(strings.TrimSpace(errb.String()), "\n") != 0 {
			t.Errorf("stderr %q, want one line containing %q", errb.String(), wantErr)
		}
	}
}
