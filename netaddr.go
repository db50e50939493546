package mockloop

import (
	"net/netip"
	"strings"
)

// IsLoopback reports whether host (a name or an IP, with or without the
// brackets of a URL's IPv6 host) can only reach this machine: an address in
// 127.0.0.0/8 or ::1, "localhost", or a name under .localhost (RFC 6761
// reserves both for loopback). It decides whether serve may run without a
// token, whether the load test may flood a server, and whether an engine's
// data stays on the machine, so all three ask this one function.
func IsLoopback(host string) bool {
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if host == "" {
		return false
	}
	name := strings.TrimSuffix(strings.ToLower(host), ".")
	if name == "localhost" || strings.HasSuffix(name, ".localhost") {
		return true
	}
	// A zone (fe80::1%eth0) is not loopback; ParseAddr keeps it, and
	// IsLoopback is false for it.
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return false
	}
	return ip.Unmap().IsLoopback()
}
