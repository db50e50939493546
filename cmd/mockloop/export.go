package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"

	"github.com/mockloop/mockloop"
	"github.com/mockloop/mockloop/server/export"
	"github.com/mockloop/mockloop/server/sqlitestore"
)

// runExport writes one round as Markdown or JSON to stdout.
func runExport(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg Config
	bindConfig(fs, &cfg)
	format := fs.String("format", "md", "md or json")
	if err := fs.Parse(reorderArgs(args)); err != nil {
		return 2
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "mockloop export: give one ROUND_ID (see the history page or GET /api/rounds)")
		return 2
	}
	if *format != "md" && *format != "json" {
		fmt.Fprintf(stderr, "mockloop export: --format %q: want md or json\n", *format)
		return 2
	}
	db, err := sqlitestore.Open(ctx, filepath.Join(cfg.DataDir, "mockloop.db"), sqlitestore.WithReadOnly())
	if err != nil {
		fmt.Fprintln(stderr, "mockloop export: open database:", err)
		return 1
	}
	defer db.Close()
	id := fs.Arg(0)
	r, err := db.Round(ctx, id)
	if errors.Is(err, mockloop.ErrNotFound) {
		fmt.Fprintf(stderr, "mockloop export: no round %q in %s\n", id, cfg.DataDir)
		return 2
	}
	if err != nil {
		fmt.Fprintln(stderr, "mockloop export:", err)
		return 1
	}
	turns, err := db.Turns(ctx, id)
	if err != nil {
		fmt.Fprintln(stderr, "mockloop export:", err)
		return 1
	}
	if *format == "md" {
		err = export.Markdown(stdout, *r, turns)
	} else {
		var utts []mockloop.Utterance
		utts, err = db.Utterances(ctx, id)
		if err == nil {
			err = export.JSON(stdout, *r, turns, utts)
		}
	}
	if err != nil {
		fmt.Fprintln(stderr, "mockloop export:", err)
		return 1
	}
	return 0
}

// reorderArgs moves flags before positional arguments so that
// "export ID --format json" works as users type it.
func reorderArgs(args []string) []string {
	var flags, pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if len(a) > 1 && a[0] == '-' {
			flags = append(flags, a)
			if !hasValue(a) && i+1 < len(args) && !isBoolFlag(a) {
				flags = append(flags, args[i+1])
				i++
			}
			continue
		}
		pos = append(pos, a)
	}
	return append(flags, pos...)
}

func hasValue(a string) bool {
	for _, c := range a {
		if c == '=' {
			return true
		}
	}
	return false
}

func isBoolFlag(a string) bool {
	switch a {
	case "-json", "--json", "-keep-audio", "--keep-audio", "-done", "--done":
		return true
	}
	return false
}
