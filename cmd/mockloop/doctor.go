package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// check is one line of the doctor's report.
type check struct {
	name string
	ok   bool
	msg  string
}

// runDoctor checks every configured engine and says what works.
func runDoctor(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("doctor", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg Config
	bindConfig(fs, &cfg)
	if err := fs.Parse(args); err != nil {
		return 2
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	checks := []check{checkDataDir(cfg.DataDir)}
	checks = append(checks, engineChecks(ctx, cfg)...)
	failed := 0
	for _, c := range checks {
		mark := "ok  "
		if !c.ok {
			mark = "FAIL"
			failed++
		}
		fmt.Fprintf(stdout, "%s %-12s %s\n", mark, c.name, c.msg)
	}
	if failed > 0 {
		fmt.Fprintf(stdout, "\n%d check(s) failed; mockloop falls back to the embedded engines where it can.\n", failed)
		return 1
	}
	return 0
}

func checkDataDir(dir string) check {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return check{"data dir", false, err.Error()}
	}
	f, err := os.CreateTemp(dir, ".doctor-*")
	if err != nil {
		return check{"data dir", false, fmt.Sprintf("%s is not writable: %v", dir, err)}
	}
	name := f.Name()
	f.Close()
	os.Remove(name)
	return check{"data dir", true, filepath.Clean(dir)}
}
