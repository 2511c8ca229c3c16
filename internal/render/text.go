package render

import (
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	xhtml "golang.org/x/net/html"
)

// PlainText returns the text of an HTML fragment, tags removed and entities decoded,
// with white space folded to single spaces; otherwise the text of code and pre comes out
// as written there.
//
// The text of HTML that Markdown or Comment made already has its typography (curly
// quotes and dashes outside code, none inside): do not pass it to Smarten, which would
// change the code in it ("grep -- x" would become "grep – x"). ExcerptHTML is
// PlainText and Excerpt together.
//
// It holds no code point that HTML forbids (see scrubText), even when s wrote one as a
// character reference.
func PlainText(s string) string {
	return strings.Join(strings.Fields(scrubText(xhtml.UnescapeString(stripPolicy.Sanitize(s)))), " ")
}

// ExcerptHTML is the summary of a body of rendered HTML (an article's BodyHTML, a
// comment's): its plain text cut to at most max characters, as Excerpt cuts. The text is
// not smartened again (see PlainText).
func ExcerptHTML(bodyHTML string, max int) string {
	return Excerpt(PlainText(bodyHTML), max)
}

// Excerpt cuts text to at most max characters at a word boundary and adds an ellipsis
// when it cut anything. The code points HTML forbids are removed (see scrubText).
func Excerpt(text string, max int) string {
	text = strings.Join(strings.Fields(scrubText(text)), " ")
	if utf8.RuneCountInString(text) <= max {
		return text
	}
	runes := []rune(text)
	cut := max
	for cut > 0 && !unicode.IsSpace(runes[cut]) {
		cut--
	}
	if cut == 0 { // one long word: cut inside it
		cut = max
	}
	return strings.TrimRightFunc(string(runes[:cut]), func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsPunct(r) && r != '?' && r != '!' && r != '’' && r != '”'
	}) + "…"
}

// smartenCache keeps the results for short strings (titles, names), which recur on
// every page; it stops growing at smartenCacheMax entries.
var (
	smartenCache     sync.Map
	smartenCacheSize atomic.Int64
)

const smartenCacheMax = 50000

// Smarten gives plain text a person typed (headlines, standfirsts, names) the typography
// of the body: curly quotes and apostrophes, en and em dashes, and ellipses.
//
// Only for text typed as plain text: text taken out of rendered HTML (PlainText of a
// BodyHTML) already has its typography, and smartening it again would change the code
// it quotes. The code points HTML forbids are removed (see scrubText).
func Smarten(s string) string {
	s = scrubText(s)
	if len(s) >= 200 {
		return smarten(s)
	}
	if v, ok := smartenCache.Load(s); ok {
		return v.(string)
	}
	out := smarten(s)
	if smartenCacheSize.Load() < smartenCacheMax {
		if _, loaded := smartenCache.LoadOrStore(s, out); !loaded {
			smartenCacheSize.Add(1)
		}
	}
	return out
}

func smarten(s string) string { return smartenAround(' ', s, ' ') }

// smartenAround is smarten for text that sits between the characters prev and next
// (' ' at the start or end of a paragraph): in "\"<b>hi</b>\"" the first quote is
// followed by 'h' and opens, the last follows 'i' and closes.
func smartenAround(prev rune, s string, next rune) string {
	if !strings.ContainsAny(s, "'\"-.") {
		return s
	}
	s = strings.ReplaceAll(s, "...", "…")
	s = strings.ReplaceAll(s, "---", "—")
	s = strings.ReplaceAll(s, " -- ", " – ")
	s = strings.ReplaceAll(s, "--", "–")
	s = strings.ReplaceAll(s, " - ", " – ")
	// Only quotes change below, and bytes that are no UTF-8 (written as U+FFFD): text
	// without either, most sentences (the '.' above brought them here), is done.
	if !strings.ContainsAny(s, "'\"") && utf8.ValidString(s) {
		return s
	}
	runes := []rune(s)
	var b strings.Builder
	before, after := prev, next
	for i, r := range runes {
		prev, next := before, after
		if i > 0 {
			prev = runes[i-1]
		}
		if i+1 < len(runes) {
			next = runes[i+1]
		}
		opening := unicode.IsSpace(prev) || strings.ContainsRune("([{“‘—–-/", prev)
		switch r {
		case '"':
			if opening && !unicode.IsSpace(next) {
				b.WriteRune('“')
			} else {
				b.WriteRune('”')
			}
		case '\'':
			switch {
			case unicode.IsLetter(prev) || unicode.IsDigit(prev):
				b.WriteRune('’') // apostrophe: don't, Reuters'
			case opening && unicode.IsDigit(next):
				b.WriteRune('’') // '90s
			case opening && !unicode.IsSpace(next):
				b.WriteRune('‘')
			default:
				b.WriteRune('’')
			}
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
