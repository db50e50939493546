package sqlitestore

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/mockloop/mockloop"
)

// BenchmarkSaveStep measures one typical step (round state plus a
// committed answer with its report and the interviewer's next turn) so the
// cost of synchronous=FULL can be read against NORMAL and an in-memory
// baseline in the same run.
func BenchmarkSaveStep(b *testing.B) {
	cases := []struct {
		name string
		path func(b *testing.B) string
		opts []Option
	}{
		{"file_sync_full", tempPath, nil},
		{"file_sync_normal", tempPath, []Option{withSynchronous("NORMAL")}},
		{"memory", func(*testing.B) string { return MemoryPath }, nil},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			ctx := context.Background()
			db, err := Open(ctx, c.path(b), c.opts...)
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			r := fixtureRound("bench")
			if err := db.CreateRound(ctx, r); err != nil {
				b.Fatal(err)
			}
			tmpl := fixtureTurns()
			seq := 0
			b.ResetTimer()
			for b.Loop() {
				answer, next := *tmpl[1], *tmpl[2]
				answer.Seq, next.Seq = seq, seq+1
				seq += 2
				if err := db.SaveStep(ctx, mockloop.Step{Round: r, Turns: []*mockloop.Turn{&answer, &next}}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func tempPath(b *testing.B) string { return filepath.Join(b.TempDir(), "bench.db") }
