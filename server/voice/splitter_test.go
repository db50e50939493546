package voice

import (
	"slices"
	"testing"
)

func TestSentenceSplitter(t *testing.T) {
	tests := []struct {
		name     string
		chunks   []string
		want     []string
		wantRest string
	}{
		{"sentences come out as soon as they end", []string{"Thanks. Now", ", tell me why! And", " how?"}, []string{"Thanks.", "Now, tell me why!"}, "And how?"},
		{"a decimal point does not end a sentence", []string{"It took 3.", "5 seconds. Then"}, []string{"It took 3.5 seconds."}, "Then"},
		{"an abbreviation does not end a sentence", []string{"Say, e.g. a cache. Fine"}, []string{"Say, e.g. a cache."}, "Fine"},
		{"a closing quote stays with its sentence", []string{`He said "no." Then `}, []string{`He said "no."`}, "Then"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s SentenceSplitter
			var got []string
			for _, c := range tt.chunks {
				got = append(got, s.Push(c)...)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("sentences %q, want %q", got, tt.want)
			}
			if rest := s.Flush(); rest != tt.wantRest {
				t.Errorf("Flush = %q, want %q", rest, tt.wantRest)
			}
		})
	}
}
