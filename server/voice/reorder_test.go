package voice

import (
	"fmt"
	"slices"
	"testing"
)

// names renders released payloads as strings, "-" for a loss.
func names(ps [][]byte) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		if p == nil {
			out[i] = "-"
		} else {
			out[i] = string(p)
		}
	}
	return out
}

func TestReorder(t *testing.T) {
	type push struct {
		seq  uint16
		want []string
	}
	tests := []struct {
		name   string
		window int
		pushes []push
		flush  []string
	}{
		{"in-order packets are released at once", 3, []push{
			{10, []string{"10"}}, {11, []string{"11"}}, {12, []string{"12"}},
		}, nil},
		{"a swapped pair is put back in order", 3, []push{
			{10, []string{"10"}}, {12, nil}, {11, []string{"11", "12"}}, {13, []string{"13"}},
		}, nil},
		{"a missing packet is given up after window later ones", 3, []push{
			{10, []string{"10"}}, {12, nil}, {13, nil}, {14, []string{"-", "12", "13", "14"}},
		}, nil},
		{"a packet arriving after it was given up is dropped", 3, []push{
			{10, []string{"10"}}, {12, nil}, {13, nil}, {14, []string{"-", "12", "13", "14"}}, {11, nil}, {15, []string{"15"}},
		}, nil},
		{"duplicates are dropped whether pending or released", 3, []push{
			{10, []string{"10"}}, {10, nil}, {12, nil}, {12, nil}, {11, []string{"11", "12"}},
		}, nil},
		{"sequence numbers wrap around 65535", 3, []push{
			{65534, []string{"65534"}}, {0, nil}, {65535, []string{"65535", "0"}}, {1, []string{"1"}},
		}, nil},
		{"a hole across the wrap is reported as lost", 2, []push{
			{65535, []string{"65535"}}, {1, nil}, {2, []string{"-", "1", "2"}},
		}, nil},
		{"a burst loss releases one nil per lost packet", 1, []push{
			{10, []string{"10"}}, {14, []string{"-", "-", "-", "14"}},
		}, nil},
		{"a huge jump is a restarted stream, not a minute of losses", 3, []push{
			{10, []string{"10"}}, {40000, []string{"40000"}}, {40001, []string{"40001"}},
		}, nil},
		{"flush releases pending packets with their holes", 4, []push{
			{10, []string{"10"}}, {12, nil}, {14, nil},
		}, []string{"-", "12", "-", "14"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewReorder(tt.window)
			for i, p := range tt.pushes {
				got := names(r.Push(p.seq, []byte(fmt.Sprint(p.seq))))
				if !slices.Equal(got, nonNil(p.want)) {
					t.Fatalf("push %d (seq %d): got %v, want %v", i, p.seq, got, p.want)
				}
			}
			if got := names(r.Flush()); !slices.Equal(got, nonNil(tt.flush)) {
				t.Fatalf("flush: got %v, want %v", got, tt.flush)
			}
		})
	}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// FuzzReorder checks the invariants under any arrival order: every
// released packet is released once, in increasing sequence order, and
// nothing is ever released twice.
func FuzzReorder(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3}, 3)
	f.Add([]byte{3, 1, 0, 2, 2, 9}, 2)
	f.Fuzz(func(t *testing.T, order []byte, window int) {
		r := NewReorder(window%8 + 1)
		seen := map[uint16]bool{}
		var last int = -1
		check := func(ps [][]byte, base uint16) {
			for _, p := range ps {
				if p == nil {
					continue
				}
				var s uint16
				fmt.Sscan(string(p), &s)
				if seen[s] {
					t.Fatalf("packet %d released twice", s)
				}
				seen[s] = true
				if int(s) <= last {
					t.Fatalf("packet %d released after %d", s, last)
				}
				last = int(s)
			}
		}
		for _, b := range order {
			s := uint16(1000 + int(b)%64)
			check(r.Push(s, []byte(fmt.Sprint(s))), s)
		}
		check(r.Flush(), 0)
	})
}
