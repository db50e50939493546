package speechdata

import (
	"os"
	"testing"
)

func TestManifestListsEveryClipWithItsTranscript(t *testing.T) {
	dir, err := Dir()
	if err != nil {
		t.Fatal(err)
	}
	clips, err := Manifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(clips) < 18 {
		t.Fatalf("manifest lists %d clips, the README says 18", len(clips))
	}
	for _, c := range clips {
		if _, err := os.Stat(c.File); err != nil {
			t.Errorf("%s: %v", c.File, err)
		}
		if c.Transcript == "" || c.Seconds <= 0 {
			t.Errorf("%s: transcript %q, %v s", c.File, c.Transcript, c.Seconds)
		}
	}
}

func TestEnvOverrideMustBeAFolder(t *testing.T) {
	t.Setenv(EnvDir, "/nonexistent/speech")
	if _, err := Dir(); err == nil {
		t.Fatal("a missing override folder was accepted")
	}
}

func TestEditDistance(t *testing.T) {
	tests := []struct {
		name     string
		ref, hyp string
		want     int
	}{
		{"identical texts have no errors", "a b c", "a b c", 0},
		{"one substitution counts once", "a b c", "a x c", 1},
		{"a deletion counts once", "a b c", "a c", 1},
		{"an insertion counts once", "a b", "a x b", 1},
		{"an empty hypothesis deletes every word", "a b c", "", 3},
		{"case, punctuation and mister are normalised away", "MISTER Quilter, y'know!", "mr quilter yknow", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := EditDistance(Normalize(tt.ref), Normalize(tt.hyp)); got != tt.want {
				t.Errorf("EditDistance(%q, %q) = %d, want %d", tt.ref, tt.hyp, got, tt.want)
			}
		})
	}
}
