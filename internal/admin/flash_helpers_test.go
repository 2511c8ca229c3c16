package admin_test

import (
	"html"
	"regexp"
)

var flashRe = regexp.MustCompile(`(?s)<p class="flash" role="status">(.*?)</p>`)

// told follows a write's redirect, as a browser does, and returns the confirmation the
// page shows, as text ("" when it shows none). Showing it consumes it.
func (b *browser) told(r resp) string {
	b.e.t.Helper()
	loc := r.header.Get("Location")
	if loc == "" {
		b.e.t.Fatalf("no redirect: %d", r.status)
	}
	return flashText(b.get(loc).body)
}

// flashText is a page's one-time confirmation, as text ("" when it shows none).
func flashText(page string) string {
	m := flashRe.FindStringSubmatch(page)
	if m == nil {
		return ""
	}
	return html.UnescapeString(text(m[1]))
}
