package mockloop

import "testing"

func TestIsLoopback(t *testing.T) {
	tests := []struct {
		name string
		host string
		want bool
	}{
		{"127.0.0.1 is loopback", "127.0.0.1", true},
		{"all of 127/8 is loopback, 127.0.0.2 too", "127.0.0.2", true},
		{"bracketed IPv6 loopback from a URL is loopback", "[::1]", true},
		{"bare IPv6 loopback is loopback", "::1", true},
		{"an IPv4-mapped loopback is loopback", "::ffff:127.0.0.1", true},
		{"the name localhost in capitals is loopback", "LOCALHOST", true},
		{"a name under .localhost is loopback", "x.localhost", true},
		{"a fully qualified localhost. is loopback", "localhost.", true},
		{"0.0.0.0 listens on every interface, so it is not loopback", "0.0.0.0", false},
		{"the IPv6 any address is not loopback", "::", false},
		{"a name that only starts with localhost is not loopback", "localhost.evil.com", false},
		{"a name that ends in localhost without a dot is not loopback", "evillocalhost", false},
		{"a LAN address is not loopback", "192.168.1.10", false},
		{"an empty host is not loopback", "", false},
		{"a public name is not loopback", "api.openai.com", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IsLoopback(tt.host); got != tt.want {
				t.Errorf("IsLoopback(%q) = %v, want %v", tt.host, got, tt.want)
			}
		})
	}
}
