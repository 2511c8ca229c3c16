package feed

import (
	"net/url"
	"strings"

	"golang.org/x/net/html"
)

// attrKind says how an attribute holds addresses.
type attrKind uint8

const (
	oneURL    attrKind = iota + 1
	spaceList          // addresses separated by ASCII whitespace
	archive            // <object archive> (spaces) or <applet archive> (commas)
	srcset             // image candidate strings: address, descriptors, commas
)

// urlAttrs are the HTML attributes whose value is an address or a list of them: those
// of the HTML Living Standard's attribute index (action, cite, data, formaction, href,
// itemid, itemtype, manifest, ping, poster, src, srcset, imagesrcset), the obsolete ones
// browsers still follow (background, classid, codebase, dynsrc, longdesc, lowsrc, icon,
// profile, archive), SVG's xlink:href, and usemap, a hash-name reference that still
// works when absolute (browsers read what follows its '#'). Names are lower case, as the
// tokenizer gives them. Not here: style (CSS url()), which the article policy
// (internal/render) does not allow, and srcdoc, whose document is not the article's.
var urlAttrs = map[string]attrKind{
	"href": oneURL, "src": oneURL, "cite": oneURL, "poster": oneURL, "action": oneURL,
	"formaction": oneURL, "data": oneURL, "itemid": oneURL, "manifest": oneURL,
	"background": oneURL, "classid": oneURL, "codebase": oneURL, "dynsrc": oneURL,
	"longdesc": oneURL, "lowsrc": oneURL, "icon": oneURL, "profile": oneURL,
	"usemap": oneURL, "xlink:href": oneURL,
	"ping": spaceList, "itemtype": spaceList, "archive": archive,
	"srcset": srcset, "imagesrcset": srcset,
}

// selfWhenEmpty are the attributes whose empty value still means an address (the
// document itself, as <a href=""> does); an empty src or poster fetches nothing and is
// left empty.
var selfWhenEmpty = map[string]bool{"href": true, "action": true, "formaction": true, "xlink:href": true}

// ResolveHTML returns the HTML fragment with every address in every attribute of
// urlAttrs resolved against base (an absolute URL: the page the fragment belongs to) as
// a browser showing that page would resolve it, and written as a URI (see ToURI), so
// that a feed reader, which resolves against the feed's address if at all, follows the
// same links. Text, comments and tags without addresses are copied byte for byte; a
// rewritten tag has its attribute values re-escaped and double-quoted. A tag cut off by
// the end of the input is dropped, as browsers drop it. The cost is linear in the input.
func ResolveHTML(fragment string, base *url.URL) string {
	z := html.NewTokenizer(strings.NewReader(fragment))
	var out strings.Builder
	// The tokens tile the input, so an untouched stretch is copied from fragment by
	// offset, and a fragment without addresses is returned as it is.
	pos, copied := 0, 0
	type attr struct{ key, val []byte } // valid until the next token
	var attrs []attr
	for {
		tt := z.Next()
		if tt == html.ErrorToken { // io.EOF: the tokenizer reads from memory, nothing else fails
			if copied == 0 {
				return fragment[:pos] // pos < len(fragment) when a tag is cut off by the end
			}
			out.WriteString(fragment[copied:pos])
			return out.String()
		}
		start := pos
		pos += len(z.Raw())
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		name, more := z.TagName()
		attrs = attrs[:0]
		rewrite := false
		for more {
			var a attr
			a.key, a.val, more = z.TagAttr()
			if kind := urlAttrs[string(a.key)]; kind != 0 && (len(a.val) > 0 || selfWhenEmpty[string(a.key)]) {
				rewrite = true
			}
			attrs = append(attrs, a)
		}
		if !rewrite {
			continue
		}
		if copied == 0 {
			out.Grow(len(fragment) + len(fragment)/8)
		}
		out.WriteString(fragment[copied:start])
		copied = pos
		out.WriteByte('<')
		out.Write(name)
		for _, a := range attrs {
			val := string(a.val)
			if kind := urlAttrs[string(a.key)]; kind != 0 && (val != "" || selfWhenEmpty[string(a.key)]) {
				val = resolveAttr(base, kind, val)
			}
			out.WriteByte(' ')
			out.Write(a.key)
			out.WriteString(`="`)
			out.WriteString(html.EscapeString(val))
			out.WriteByte('"')
		}
		if tt == html.SelfClosingTagToken {
			out.WriteByte('/')
		}
		out.WriteByte('>')
	}
}

func resolveAttr(base *url.URL, kind attrKind, v string) string {
	switch kind {
	case spaceList:
		return resolveList(base, v, " \t\n\f\r")
	case archive:
		return resolveList(base, v, " \t\n\f\r,")
	case srcset:
		return resolveSrcset(base, v)
	}
	return Resolve(base, v)
}

// resolveList resolves each run of bytes between separators, keeping the separators.
func resolveList(base *url.URL, v, seps string) string {
	var b strings.Builder
	for len(v) > 0 {
		i := strings.IndexAny(v, seps)
		if i < 0 {
			i = len(v)
		}
		if i > 0 {
			b.WriteString(Resolve(base, v[:i]))
		}
		if i < len(v) {
			b.WriteByte(v[i])
			i++
		}
		v = v[i:]
	}
	return b.String()
}

func isHTMLSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'
}

// resolveSrcset resolves the address of each image candidate of a srcset, parsed as
// the HTML Living Standard's "parse a srcset attribute" does: an address runs to the
// next whitespace (trailing commas end it), its descriptors to the next comma outside
// parentheses. It writes "address descriptors, address descriptors".
func resolveSrcset(base *url.URL, v string) string {
	var b strings.Builder
	i := 0
	for {
		for i < len(v) && (isHTMLSpace(v[i]) || v[i] == ',') {
			i++
		}
		if i >= len(v) {
			return b.String()
		}
		start := i
		for i < len(v) && !isHTMLSpace(v[i]) {
			i++
		}
		ref, desc := v[start:i], ""
		if strings.HasSuffix(ref, ",") {
			ref = strings.TrimRight(ref, ",")
		} else {
			start = i
			paren := false
			for ; i < len(v) && (paren || v[i] != ','); i++ {
				switch v[i] {
				case '(':
					paren = true
				case ')':
					paren = false
				}
			}
			desc = strings.Join(strings.Fields(v[start:i]), " ")
		}
		abs := Resolve(base, ref)
		if strings.HasSuffix(abs, ",") {
			// A reader's srcset parser would take a trailing comma for the separator.
			abs = abs[:len(abs)-1] + "%2C"
		}
		if b.Len() > 0 {
			b.WriteString(", ")
		}
		b.WriteString(abs)
		if desc != "" {
			b.WriteByte(' ')
			b.WriteString(desc)
		}
	}
}

// specialSchemes are the schemes whose URLs the WHATWG URL Standard parses as
// hierarchical whatever the slashes: "\" counts as "/", and "http:x" means "x" on an
// http page but "http://x/" elsewhere.
var specialSchemes = map[string]bool{"http": true, "https": true, "ws": true, "wss": true, "ftp": true}

// Resolve returns the address ref (as written in an attribute) resolved against base,
// an absolute URL, the way a browser resolves it (WHATWG URL Standard): surrounding
// spaces and controls dropped, tabs and newlines removed, "\" taken for "/" in
// http(s) addresses, "//host/x" on base's scheme, "/x", "x", "../x", "?q" and "#f"
// from base (url.URL.ResolveReference, RFC 3986 §5.2), other schemes (mailto:, https:)
// kept. The result is a URI (see ToURI), its host lower case and in IDNA ASCII form.
// An address net/url cannot parse (a broken IPv6 host, say) or without a host where
// its scheme needs one ("//") is returned unresolved, percent-encoded: a browser could
// not follow it either.
func Resolve(base *url.URL, ref string) string {
	ref = strings.TrimFunc(ref, func(r rune) bool { return r <= ' ' })
	if strings.ContainsAny(ref, "\t\n\r") {
		ref = strings.NewReplacer("\t", "", "\n", "", "\r", "").Replace(ref)
	}
	scheme, rest := splitScheme(ref)
	special := specialSchemes[scheme] || scheme == "" && specialSchemes[base.Scheme]
	if special {
		end := strings.IndexAny(rest, "?#")
		if end < 0 {
			end = len(rest)
		}
		if strings.IndexByte(rest[:end], '\\') >= 0 {
			rest = strings.ReplaceAll(rest[:end], `\`, "/") + rest[end:]
		}
		switch {
		case scheme == "" && strings.HasPrefix(rest, "//"), scheme != "" && (scheme != base.Scheme || strings.HasPrefix(rest, "//")):
			// An authority follows, after however many slashes.
			if scheme == "" {
				scheme = base.Scheme
			}
			ref = scheme + "://" + strings.TrimLeft(rest, "/")
		default:
			ref = rest // "https:x" on an https page is the relative "x"
		}
	}
	u, err := url.Parse(escapeURI(ref))
	if err != nil {
		return escapeURI(ref)
	}
	abs := base.ResolveReference(u)
	if specialSchemes[abs.Scheme] && abs.Hostname() == "" {
		return escapeURI(ref) // "//" or "https://": no host, no address, as for a browser
	}
	if abs.Host != base.Host { // base's host is written already
		abs.Host = asciiHost(abs.Host)
	}
	return escapeURI(abs.String())
}

// splitScheme returns ref's scheme, lower-cased, and what follows its colon; or "" and
// ref when it has none (RFC 3986 §3.1: a letter, then letters, digits, "+", "-", ".").
func splitScheme(ref string) (scheme, rest string) {
	for i := 0; i < len(ref); i++ {
		c := ref[i]
		switch {
		case 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z':
		case i > 0 && ('0' <= c && c <= '9' || c == '+' || c == '-' || c == '.'):
		case i > 0 && c == ':':
			return strings.ToLower(ref[:i]), ref[i+1:]
		default:
			return "", ref
		}
	}
	return "", ref
}
