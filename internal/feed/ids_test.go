package feed

import (
	"strings"
	"testing"
	"time"
)

// An item's ID that is not its address is no permalink in RSS, and stays the ID in
// Atom and JSON Feed; the feed's own permanent ID is Atom's feed id.
func TestPermanentIDs(t *testing.T) {
	f := Feed{Title: "T", SiteURL: "https://news.example.org/", FeedURL: "https://news.example.org/atom.xml",
		ID: "tag:news.example.org,2026-05-01:feed:/", Items: []Item{
			{ID: "tag:news.example.org,2026-05-01:article-42", URL: "https://news.example.org/2026/05/01/renamed/", Title: "A", Published: time.Unix(0, 0)},
			{ID: "https://news.example.org/2026/05/01/b/", URL: "https://news.example.org/2026/05/01/b/", Title: "B", Published: time.Unix(0, 0)},
		}}
	rss := string(RSS(f))
	for _, want := range []string{
		`<guid isPermaLink="false">tag:news.example.org,2026-05-01:article-42</guid>`,
		`<link>https://news.example.org/2026/05/01/renamed/</link>`,
		`<guid isPermaLink="true">https://news.example.org/2026/05/01/b/</guid>`,
	} {
		if !strings.Contains(rss, want) {
			t.Errorf("RSS lacks %s", want)
		}
	}
	atom := string(Atom(f))
	if !strings.Contains(atom, "<id>tag:news.example.org,2026-05-01:feed:/</id>") ||
		!strings.Contains(atom, "<id>tag:news.example.org,2026-05-01:article-42</id>") {
		t.Errorf("Atom IDs:\n%s", atom)
	}
	if js := string(JSON(f)); !strings.Contains(js, `"id": "tag:news.example.org,2026-05-01:article-42"`) {
		t.Errorf("JSON Feed ID:\n%s", js)
	}
}
