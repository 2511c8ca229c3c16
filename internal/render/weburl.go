package render

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/microcosm-cc/bluemonday"

	"broadsheet/internal/news"
)

// MaxWebURLBytes is the longest web address NormalizeWebURL accepts, in bytes.
const MaxWebURLBytes = 2000

// WebURLError says why NormalizeWebURL refused an address, in words for the person who
// typed it.
type WebURLError struct{ Reason string }

func (e *WebURLError) Error() string { return e.Reason }

// NormalizeWebURL checks a web address a person typed (a commenter's website, a social
// link, a logo's address) and returns it as a browser would send it: "http" or "https"
// in lower case, the host in lower-case ASCII (international names in their punycode
// form, "bücher.example" as "xn--bcher-kva.example"; IPv4 in dotted decimal, IPv6 in
// brackets and canonical form), no default port, and the path, query and fragment with
// every byte that may not stand in a URL percent-encoded ("/ü x" as "/%C3%BC%20x").
// An address without a scheme ("example.com/x") is taken as https.
//
// It refuses, with a *WebURLError that says why, an address longer than MaxWebURLBytes,
// with spaces or control characters, of a scheme other than http and https
// ("javascript:…", "mailto:…"), with a user name or password, with an invalid port, or
// whose host is neither an IP address nor a name valid under IDNA's lookup rules
// (news.ASCIIHost): "https://＜script＞alert(1)＜/script＞" is refused, because its
// full-width ＜ maps to '<', which no host name may hold.
func NormalizeWebURL(raw string) (string, error) {
	s := strings.TrimFunc(raw, unicode.IsSpace)
	switch {
	case s == "":
		return "", &WebURLError{"Please enter a web address, such as https://example.com."}
	case len(s) > MaxWebURLBytes:
		return "", &WebURLError{"That web address is too long: at most 2,000 characters, please."}
	case !utf8.ValidString(s) || strings.ContainsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }):
		return "", &WebURLError{"A web address cannot contain spaces or control characters. Please type it again."}
	}
	if scheme, ok := uriScheme(s); !ok {
		s = "https://" + s
	} else if scheme = strings.ToLower(scheme); scheme != "http" && scheme != "https" {
		return "", &WebURLError{"A web address must begin with http:// or https://, such as https://example.com."}
	}
	u, err := url.Parse(escapeStrayPercents(s))
	if err != nil || u.Opaque != "" || u.Host == "" {
		return "", &WebURLError{"That is not a web address. Please give one such as https://example.com."}
	}
	if u.User != nil {
		return "", &WebURLError{"A web address may not hold a user name or password (a part before @ in its name)."}
	}
	host, err := checkHost(u.Hostname())
	if err != nil {
		return "", err
	}
	port, ok := checkPort(u)
	if !ok {
		return "", &WebURLError{"The port of that web address (the number after the colon) is not valid."}
	}
	if port == defaultPort[u.Scheme] {
		port = ""
	}
	var b strings.Builder
	b.WriteString(u.Scheme + "://" + host)
	if port != "" {
		b.WriteString(":" + port)
	}
	b.WriteString(encodeURLPart(u.EscapedPath(), false))
	if u.RawQuery != "" || u.ForceQuery {
		b.WriteString("?" + encodeURLPart(u.RawQuery, true))
	}
	if u.Fragment != "" {
		b.WriteString("#" + encodeURLPart(u.EscapedFragment(), false))
	}
	return b.String(), nil
}

// escapeStrayPercents writes as "%25" each '%' that begins no "%XX" escape, which a
// browser sends as it is and Go's URL parser refuses.
func escapeStrayPercents(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && !(i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2])) {
			b.WriteString("%25")
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

var defaultPort = map[string]string{"http": "80", "https": "443"}

// uriScheme is news.URIScheme: the scheme s begins with, if it begins with one.
func uriScheme(s string) (string, bool) { return news.URIScheme(s) }

// checkHost returns a host in its normal ASCII form (news.ASCIIHost), or why it is not
// one.
func checkHost(h string) (string, error) {
	a, ok := news.ASCIIHost(h)
	if !ok {
		return "", &WebURLError{"The site's name in that web address (the part after //) is not a valid domain name or IP address."}
	}
	return a, nil
}

// checkPort returns u's port, "" for none, and whether it is a number from 1 to 65535.
func checkPort(u *url.URL) (string, bool) {
	p := u.Port()
	if p == "" {
		return "", true
	}
	n, err := strconv.Atoi(p)
	return strconv.Itoa(n), err == nil && 0 < n && n < 65536
}

// validWebURL reports whether a parsed http or https URL has a valid host and port.
func validWebURL(u *url.URL) bool {
	if _, err := checkHost(u.Hostname()); err != nil {
		return false
	}
	_, ok := checkPort(u)
	return ok
}

// encodeURLPart percent-encodes the bytes of a URL's path, query or fragment that are
// not URL code points (WHATWG URL Standard §4.3: ASCII letters, digits and
// !$&'()*+,-./:;=?@_~), as a browser does before it sends one; a '%' that begins no
// "%XX" escape is encoded too. In a query, ' is encoded as well (the special-query
// percent-encode set).
func encodeURLPart(s string, query bool) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			b.WriteString(s[i : i+3])
			i += 2
			continue
		case c < 0x80 && (isASCIILetter(c) || '0' <= c && c <= '9' || strings.IndexByte("!$&()*+,-./:;=?@_~", c) >= 0 || c == '\'' && !query):
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

func isHex(c byte) bool { return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }

// requireValidHosts makes a policy drop every http and https URL (href, src, cite)
// whose host or port is not valid, which the HTML checker reports as an error
// ("Invalid host") and browsers cannot follow.
func requireValidHosts(p *bluemonday.Policy) {
	for _, scheme := range []string{"http", "https"} {
		p.AllowURLSchemeWithCustomPolicy(scheme, validWebURL)
	}
}

// validResourceURL reports whether ref is a relative URL (a path, query or fragment) or
// an http or https URL, with a valid host if it names one.
func validResourceURL(ref string) bool {
	u, err := url.Parse(strings.TrimSpace(ref))
	if err != nil {
		return false
	}
	switch strings.ToLower(u.Scheme) {
	case "":
		return u.Host == "" && u.User == nil || validWebURL(u)
	case "http", "https":
		return validWebURL(u)
	}
	return false
}

// validSrcset reports whether every image candidate of a srcset is a valid resource
// URL with valid descriptors. The candidates are read as HTML's srcset parser reads
// them (WHATWG HTML §4.8.4.3.10): a URL up to white space, trailing commas ending the
// candidate, or else descriptors up to a comma outside parentheses, each a width
// ("640w"), a pixel density ("2x", "1.5x") or a height ("480h").
func validSrcset(v string) bool {
	i := 0
	for {
		for i < len(v) && (isHTMLSpace(v[i]) || v[i] == ',') {
			i++
		}
		if i >= len(v) {
			return true
		}
		j := i
		for j < len(v) && !isHTMLSpace(v[j]) {
			j++
		}
		ref := v[i:j]
		trimmed := strings.TrimRight(ref, ",")
		if trimmed == "" || !validResourceURL(trimmed) {
			return false
		}
		i = j
		if len(trimmed) < len(ref) {
			continue
		}
		j = i
		for depth := 0; j < len(v); j++ {
			if v[j] == ',' && depth == 0 {
				break
			}
			switch v[j] {
			case '(':
				depth++
			case ')':
				depth = max(0, depth-1)
			}
		}
		for _, d := range strings.FieldsFunc(v[i:j], func(r rune) bool { return r < 0x80 && isHTMLSpace(byte(r)) }) {
			if !srcsetDescriptor.MatchString(d) {
				return false
			}
		}
		i = j
	}
}

var srcsetDescriptor = regexp.MustCompile(`^(?:[0-9]+[wh]|(?:[0-9]+|[0-9]*\.[0-9]+)(?:[eE][+-]?[0-9]+)?x)$`)
