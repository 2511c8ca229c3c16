package httpx

import (
	"net/http"
	"testing"
)

func TestClientIPReadsEveryForwardedLine(t *testing.T) {
	for _, tc := range []struct {
		name   string
		lines  []string
		remote string
		trust  bool
		want   string
	}{
		{"no proxy trusted: the connection", []string{"198.51.100.7"}, "192.0.2.1:5000", false, "192.0.2.1"},
		{"one line", []string{"198.51.100.7, 203.0.113.9"}, "10.0.0.1:80", true, "203.0.113.9"},
		// HAProxy's option forwardfor adds its own line after the client's.
		{"the proxy's own line wins over a forged first line", []string{"1.2.3.4", "203.0.113.9"}, "10.0.0.1:80", true, "203.0.113.9"},
		{"forged list in the first line", []string{"1.2.3.4, 5.6.7.8", "203.0.113.9"}, "10.0.0.1:80", true, "203.0.113.9"},
		{"not an address: the connection", []string{"unknown"}, "10.0.0.1:80", true, "10.0.0.1"},
		{"IPv4-mapped IPv6 is IPv4", nil, "[::ffff:192.0.2.1]:80", true, "192.0.2.1"},
		{"bracketed IPv6 entry", []string{"[2001:db8::1]"}, "10.0.0.1:80", true, "2001:db8::1"},
	} {
		r := &http.Request{Header: http.Header{}, RemoteAddr: tc.remote}
		for _, l := range tc.lines {
			r.Header.Add("X-Forwarded-For", l)
		}
		if got := ClientIP(r, tc.trust); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestLimitKeyGroupsAnIPv6Subscriber(t *testing.T) {
	a, b := LimitKey("2001:db8:1:2:aaaa::1"), LimitKey("2001:db8:1:2:ffff:1:2:3")
	if a != b || a != "2001:db8:1:2::/64" {
		t.Errorf("two addresses of one /64: %q and %q", a, b)
	}
	if c := LimitKey("2001:db8:1:3::1"); c == a {
		t.Errorf("another /64 shares the key %q", c)
	}
	if k := LimitKey("192.0.2.1"); k != "192.0.2.1" {
		t.Errorf("IPv4 key %q", k)
	}
	if k := LimitKey("::ffff:192.0.2.1"); k != "192.0.2.1" {
		t.Errorf("mapped IPv4 key %q", k)
	}
}
