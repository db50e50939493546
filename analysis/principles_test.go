package analysis

import "testing"

func TestPrinciplesNeedAnAction(t *testing.T) {
	tests := []struct {
		name, text, principle string
		want                  bool
	}{
		{"the word quality alone credits nothing",
			"Quality was a big topic at the company and everyone talked about quality all the time. The service was old and the code was messy, and the team was busy with other work that quarter.",
			"Insist on the Highest Standards", false},
		{"a speaker insisting on tests credits high standards",
			"The service was old and the code was messy. I refused to ship the change until it had unit tests for the retry path, and I added them myself that week.",
			"Insist on the Highest Standards", true},
		{"dug into as a description of others credits nothing",
			"The team dug into the logs for a week while the service kept failing, and then the vendor fixed it on their side.",
			"Dive Deep", false},
		{"the speaker digging into heap dumps credits dive deep",
			"The service kept running out of memory every few days. I dug into the heap dumps and I traced the leak to a cache that never evicted, then I fixed it.",
			"Dive Deep", true},
		{"a client named in passing credits nothing",
			"The client was a large retailer and the client had a deadline. The project was late and the relationship was strained for a while.",
			"Customer Obsession", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Analyze(Input{Round: Behavioral, Text: tt.text})
			var got *Principle
			for i := range r.Metrics.Principles {
				if r.Metrics.Principles[i].Name == tt.principle {
					got = &r.Metrics.Principles[i]
				}
			}
			if (got != nil) != tt.want {
				t.Fatalf("%s credited = %v, want %v; principles %+v", tt.principle, got != nil, tt.want, r.Metrics.Principles)
			}
			if got != nil && (len(got.Quotes) == 0 || len(got.Quotes) != len(got.Evidence)) {
				t.Errorf("credit without a quote of its evidence: %+v", *got)
			}
		})
	}
}

func TestPrinciplesIgnoreLowConfidenceWords(t *testing.T) {
	text := "The service kept running out of memory every few days so I dug into the heap dumps and I traced the leak to a cache that never evicted and then I fixed it"
	heard := timeWords(text, 150, nil)
	misheard := timeWords(text, 150, nil)
	for i := range heard {
		heard[i].Conf = 0.9
		misheard[i].Conf = 0.9
		if i > 10 && i < 25 {
			misheard[i].Conf = 0.2
		}
	}
	has := func(ws []Word) bool {
		for _, p := range Analyze(Input{Round: Behavioral, Words: ws}).Metrics.Principles {
			if p.Name == "Dive Deep" {
				return true
			}
		}
		return false
	}
	if !has(heard) {
		t.Fatal("Dive Deep not credited from well-heard words")
	}
	if has(misheard) {
		t.Error("Dive Deep credited from words heard at confidence 0.2")
	}
}
