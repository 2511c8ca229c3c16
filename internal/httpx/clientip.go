// Package httpx is the request plumbing that every audience's handlers share (the public
// site, the admin, the coming API): who the client is, and how much of a request may be
// read. It knows nothing of news or of storage.
package httpx

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// ClientIP is the client's address: the connection's, or, behind a trusted reverse proxy,
// the last address of X-Forwarded-For — the one the proxy nearest to us appended.
//
// Every X-Forwarded-For header line is read, as one comma-separated list (RFC 7230
// §3.2.2 makes repeated header lines equal to one joined by commas): a proxy that adds
// its own line, as HAProxy's "option forwardfor" does, must not leave the client's
// forged line in charge. An entry that is not an address (a forgery, "unknown") makes the
// connection's address the answer rather than a key the client chose.
func ClientIP(r *http.Request, trustProxy bool) string {
	if trustProxy {
		if lines := r.Header.Values("X-Forwarded-For"); len(lines) > 0 {
			last := lines[len(lines)-1]
			if i := strings.LastIndexByte(last, ','); i >= 0 {
				last = last[i+1:]
			}
			if addr, err := netip.ParseAddr(strings.Trim(strings.TrimSpace(last), "[]")); err == nil {
				return addr.Unmap().String()
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if addr, err := netip.ParseAddr(host); err == nil {
		return addr.Unmap().String()
	}
	return host
}

// LimitKey is the part of a client address that limits and blocks count by: the whole
// IPv4 address, and the /64 network of an IPv6 address — one subscriber's line gets a
// /64 (RFC 6177), so keying by full address would give every client 2^64 keys.
func LimitKey(ip string) string {
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return ip
	}
	addr = addr.Unmap()
	if addr.Is4() {
		return addr.String()
	}
	p, err := addr.Prefix(64)
	if err != nil {
		return ip
	}
	return p.String()
}
