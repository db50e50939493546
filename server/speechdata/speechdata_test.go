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
