package news

import "strings"

// URIScheme returns the scheme s begins with (RFC 3986 §3.1), if it begins with one:
// "example.com:8080/x" begins with a host and a port, not with a scheme.
func URIScheme(s string) (string, bool) {
	i := strings.IndexByte(s, ':')
	if i <= 0 || !isASCIILetterByte(s[0]) {
		return "", false
	}
	for _, c := range []byte(s[:i]) {
		if !(isASCIILetterByte(c) || '0' <= c && c <= '9' || c == '+' || c == '-' || c == '.') {
			return "", false
		}
	}
	rest := s[i+1:]
	if strings.HasPrefix(rest, "//") {
		return s[:i], true
	}
	port := rest
	if j := strings.IndexAny(rest, "/?#"); j >= 0 {
		port = rest[:j]
	}
	if port != "" && strings.Trim(port, "0123456789") == "" {
		return "", false
	}
	return s[:i], true
}

func isASCIILetterByte(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// AddressScheme returns the scheme of an address as a browser reads it (white space
// and control characters inside it ignored, as the URL standard strips tabs and line
// breaks and trims controls: "JaVa\tScript:" is "javascript"), in lower case; "" for
// a relative address ("/x", "//host/x", "x.jpg").
func AddressScheme(v string) string {
	v = strings.Map(func(r rune) rune {
		if r <= ' ' || r == 0x7f {
			return -1
		}
		return r
	}, v)
	scheme, ok := URIScheme(v)
	if !ok || strings.HasPrefix(v, "//") {
		return ""
	}
	return strings.ToLower(scheme)
}

// IsFileAddress reports whether a library item may refer to a file at v (Media.URL):
// an http or https address, or one relative to the site. Any other scheme
// (javascript:, data:, vbscript:, file:, mailto:…) is no file a page may link to or
// show: the renderer would show it as text, so the library keeps no such reference
// (the WordPress import skips the attachment, a backup holding one is refused) and
// the editor's picker never offers one.
func IsFileAddress(v string) bool {
	switch AddressScheme(v) {
	case "", "http", "https":
		return strings.TrimSpace(v) != ""
	}
	return false
}
