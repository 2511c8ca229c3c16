package feed

import (
	"net"
	"net/url"
	"strings"
	"sync"

	"golang.org/x/net/idna"
	"golang.org/x/text/language"
)

// Machine-read documents (feeds, sitemaps, robots.txt) carry URIs, not IRIs: the
// sitemaps protocol asks for RFC 3986 addresses, RSS 2.0 for URLs, and feed readers and
// crawlers differ in how (and whether) they encode what they find. So every address this
// package writes is ASCII: the host in its IDNA (punycode) form, every other byte outside
// RFC 3986's character set percent-encoded as UTF-8, as RFC 3987 §3.1 maps an IRI to a
// URI. Pages may keep IRIs in href; browsers show and encode them.

// ToURI returns the address s with every non-ASCII host label in its IDNA ASCII form
// (UTS #46 non-transitional, as browsers do) and every byte RFC 3986 does not allow
// (non-ASCII, controls, space, and "<>\^`{|}) percent-encoded; '%' not starting an escape
// becomes "%25". Escapes already there are kept, so ToURI(ToURI(s)) == ToURI(s). An
// address that is already ASCII and valid is returned as it is, without allocating.
func ToURI(s string) string {
	if isURIClean(s) && strings.IndexByte(s, '%') < 0 {
		return s // the common case: nothing to encode, no escaped host to decode
	}
	s = escapeURI(s)
	// net/url decodes an escaped host; a non-ASCII one becomes punycode.
	if u, err := url.Parse(s); err == nil && u.Host != "" && !isASCII(u.Host) {
		u.Host = asciiHost(u.Host)
		s = escapeURI(u.String())
	}
	return s
}

// isURIClean reports whether every byte of s may stand in a URI as it is and every '%'
// starts an escape.
func isURIClean(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '%' {
			if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
				return false
			}
			continue
		}
		if mustEscape(c) {
			return false
		}
	}
	return true
}

// mustEscape reports whether the byte may not appear in a URI as it is (RFC 3986
// §2: only unreserved, reserved and '%').
func mustEscape(c byte) bool {
	if c <= ' ' || c >= 0x7f {
		return true
	}
	switch c {
	case '"', '<', '>', '\\', '^', '`', '{', '|', '}':
		return true
	}
	return false
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// escapeURI percent-encodes the bytes mustEscape names and every '%' that does not
// start an escape.
func escapeURI(s string) string {
	if isURIClean(s) {
		return s
	}
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s) + 16)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if mustEscape(c) || c == '%' && (i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2])) {
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// asciiHost returns host (with an optional :port; an IP address is ASCII) with its name
// in IDNA ASCII form, lower-cased as browsers do. A name that IDNA's lookup rules
// refuse (an underscore, say) is still encoded label by label, so that the result is
// ASCII; it would not resolve anyway.
func asciiHost(host string) string {
	if isASCII(host) {
		return strings.ToLower(host) // what IDNA's mapping does to an ASCII name
	}
	name, port := host, ""
	if h, p, err := net.SplitHostPort(host); err == nil {
		name, port = h, p
	}
	ascii, err := idna.Lookup.ToASCII(name)
	if err != nil {
		if ascii, err = idna.Punycode.ToASCII(strings.ToLower(name)); err != nil {
			ascii = escapeURI(name)
		}
	}
	if port != "" {
		return net.JoinHostPort(ascii, port)
	}
	return ascii
}

// Base is a site's public address as machine-read documents write it: scheme, ASCII
// host, port and path prefix, without a trailing slash.
type Base struct {
	prefix string
}

var bases sync.Map // raw base URL → *Base; one entry per configured site

// NewBase returns the Base for a site's configured address, e.g.
// "https://новости.example" → "https://xn--b1amnebsh.example". Bases are kept, so
// calling it for every document costs a map read. An address that does not parse is
// used as it is, percent-encoded.
func NewBase(raw string) *Base {
	if b, ok := bases.Load(raw); ok {
		return b.(*Base)
	}
	b := &Base{prefix: escapeURI(strings.TrimRight(raw, "/"))}
	if u, err := url.Parse(strings.TrimRight(raw, "/")); err == nil && u.Host != "" {
		u.Host = asciiHost(u.Host)
		u.RawQuery, u.Fragment, u.RawFragment, u.ForceQuery = "", "", "", false
		b.prefix = escapeURI(u.String())
	}
	bases.Store(raw, b)
	return b
}

// URL returns the absolute URI of a site path such as "/tag/йошкар-ола/": the base's
// prefix and the path, each of its bytes outside RFC 3986's path characters
// percent-encoded as UTF-8 ('?' and '#' too: sitePath is a path, not a reference).
func (b *Base) URL(sitePath string) string {
	if !strings.HasPrefix(sitePath, "/") {
		sitePath = "/" + sitePath
	}
	return b.prefix + escapeURI((&url.URL{Path: sitePath}).EscapedPath())
}

// NewsLanguage returns the language code a Google News sitemap wants for a BCP 47 tag
// (RFC 5646) such as the site's language setting: the ISO 639 code of the language,
// except Chinese, which is zh-cn in Simplified and zh-tw in Traditional script
// (https://developers.google.com/search/docs/crawling-indexing/sitemaps/news-sitemap).
// So en-GB → en, pt-BR → pt, iw → he, zh-Hans/zh-CN/zh-SG → zh-cn and
// zh-Hant/zh-TW/zh-HK/zh-MO → zh-tw. A tag that does not parse gives "und"
// (ISO 639-2's "undetermined").
func NewsLanguage(tag string) string {
	t, err := (language.Deprecated | language.Macro | language.Legacy).Parse(strings.TrimSpace(tag))
	if err != nil {
		return "und"
	}
	base, conf := t.Base()
	if conf == language.No {
		return "und"
	}
	if base.String() != "zh" {
		return base.String()
	}
	// The script is explicit (zh-Hant) or, failing that, the one the region writes
	// (zh-TW → Hant, zh-SG → Hans); plain zh is Simplified, as most of its readers.
	if script, _ := t.Script(); script.String() == "Hant" {
		return "zh-tw"
	}
	return "zh-cn"
}
