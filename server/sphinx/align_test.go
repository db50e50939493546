package sphinx

import (
	"strings"
	"testing"
)

// alignCorrect marks each hypothesis word right (true) when a minimum
// edit alignment matches it to the same reference word, wrong when it is a
// substitution or an insertion.
func alignCorrect(ref, hyp []string) []bool {
	n, m := len(ref), len(hyp)
	d := make([][]int, n+1)
	for i := range d {
		d[i] = make([]int, m+1)
		d[i][0] = i
	}
	for j := 0; j <= m; j++ {
		d[0][j] = j
	}
	for i := 1; i <= n; i++ {
		for j := 1; j <= m; j++ {
			sub := d[i-1][j-1]
			if ref[i-1] != hyp[j-1] {
				sub++
			}
			d[i][j] = min(sub, d[i-1][j]+1, d[i][j-1]+1)
		}
	}
	ok := make([]bool, m)
	for i, j := n, m; j > 0; {
		switch {
		case i > 0 && ref[i-1] == hyp[j-1] && d[i][j] == d[i-1][j-1]:
			ok[j-1] = true
			i, j = i-1, j-1
		case i > 0 && d[i][j] == d[i-1][j-1]+1:
			i, j = i-1, j-1
		case d[i][j] == d[i][j-1]+1:
			j--
		default:
			i--
		}
	}
	return ok
}

func TestAlignCorrect(t *testing.T) {
	tests := []struct {
		name      string
		ref, hyp  string
		wantRight string
	}{
		{"identical text is all right", "a b c", "a b c", "111"},
		{"a substitution is wrong", "a b c", "a x c", "101"},
		{"an insertion is wrong", "a b c", "a b x c", "1101"},
		{"a deletion leaves the rest right", "a b c", "a c", "11"},
		{"empty reference makes every word wrong", "", "a b", "00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := alignCorrect(strings.Fields(tt.ref), strings.Fields(tt.hyp))
			var b strings.Builder
			for _, ok := range got {
				if ok {
					b.WriteByte('1')
				} else {
					b.WriteByte('0')
				}
			}
			if b.String() != tt.wantRight {
				t.Errorf("alignCorrect(%q, %q) = %s, want %s", tt.ref, tt.hyp, b.String(), tt.wantRight)
			}
		})
	}
}
