package sqlitestore

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"testing"
)

// crashEnv tells a re-executed test binary to act as a mockloop process
// that is killed right after its writes are acknowledged.
const crashEnv = "MOCKLOOP_SQLITE_CRASH_DB"

func TestMain(m *testing.M) {
	if path := os.Getenv(crashEnv); path != "" {
		os.Exit(crashingWriter(path))
	}
	os.Exit(m.Run())
}

// crashingWriter stores the fixture and exits without Close, leaving the
// WAL un-checkpointed, as a killed process would.
func crashingWriter(path string) int {
	ctx := context.Background()
	db, err := Open(ctx, path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	r := fixtureRound("crash")
	if err := db.CreateRound(ctx, r); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if err := db.SaveStep(ctx, stepOf(r)); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	for _, u := range fixtureUtterances("crash") {
		if err := db.AddUtterance(ctx, u); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
	}
	return 3 // "killed": no Close, no checkpoint
}

func TestAcknowledgedWritesSurviveAProcessCrash(t *testing.T) {
	path := filepath.Join(t.TempDir(), "crash.db")
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), crashEnv+"="+path)
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 3 {
		t.Fatalf("writer process: %v\n%s", err, out)
	}
	if _, err := os.Stat(path + "-wal"); err != nil {
		t.Fatalf("expected an un-checkpointed WAL after the crash: %v", err)
	}

	db, err := Open(ctxT(t), path)
	if err != nil {
		t.Fatalf("reopen after crash: %v", err)
	}
	defer db.Close()
	got := load(t, db, "crash")

	// The same writes in this process give what the crashed one should
	// have left behind.
	ref, _ := openTemp(t)
	seed(t, ref, "crash")
	want := load(t, ref, "crash")
	if !reflect.DeepEqual(got, want) {
		t.Errorf("after crash:\n got %+v\nwant %+v", got, want)
	}
}
