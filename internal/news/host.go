package news

import (
	"net/netip"
	"net/url"
	"strings"

	"golang.org/x/net/idna"
)

// hostProfile is IDNA's profile for looking a name up (UTS #46 non-transitional
// processing with the STD3 ASCII rules, hyphen and joiner checks and the Bidi rule: RFC
// 5891 §5, as idna.Lookup), with the DNS length limits (labels of 1 to 63 bytes, names of
// at most 253) that a name must also meet to be looked up at all.
var hostProfile = idna.New(idna.MapForLookup(), idna.BidiRule(), idna.VerifyDNSLength(true))

// ASCIIHost returns the host of a web address (as url.URL.Hostname gives it) in its
// normal ASCII form, and whether it is one at all: an IPv6 literal without a zone
// ("[2001:db8::1]"), an IPv4 address in dotted decimal, or a name valid under IDNA's
// lookup rules in its punycode form ("bücher.example" is "xn--bcher-kva.example") whose
// last label is not a number (browsers read "1.2.3.999" or "0x7f.1" as an IPv4 address,
// which it then must be). A link to any other host is an invalid link in every page that
// shows it: "＜script＞" maps to "<script>", which no name may hold.
func ASCIIHost(h string) (string, bool) {
	if strings.Contains(h, ":") {
		a, err := netip.ParseAddr(h)
		if err != nil || !a.Is6() || a.Zone() != "" {
			return "", false
		}
		return "[" + a.String() + "]", true
	}
	h = strings.TrimSuffix(h, ".") // the root of a fully qualified name
	a, err := hostProfile.ToASCII(h)
	if err != nil || a == "" {
		return "", false
	}
	last := a[strings.LastIndexByte(a, '.')+1:]
	if numeric := strings.Trim(last, "0123456789") == "" ||
		(strings.HasPrefix(last, "0x") && strings.Trim(last[2:], "0123456789abcdef") == ""); numeric {
		ip, err := netip.ParseAddr(a)
		if err != nil || !ip.Is4() {
			return "", false
		}
		return ip.String(), true
	}
	return a, true
}

// SiteHost is the host of the site's public address (baseURL, e.g.
// "https://news.example.org"), lower-case ASCII as ASCIIHost gives it; "" when baseURL
// has no valid host. Embeds from it are refused (render.Embeds.Self).
func SiteHost(baseURL string) string {
	u, err := url.Parse(strings.TrimSpace(baseURL))
	if err != nil {
		return ""
	}
	h, ok := ASCIIHost(u.Hostname())
	if !ok {
		return ""
	}
	return strings.ToLower(h)
}
