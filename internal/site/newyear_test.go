package site_test

import (
	"regexp"
	"testing"
	"time"
)

// TestFeedIDsKeptAtNewYear checks that a story's feed ID does not change when the
// year turns: the footer rendered afresh for the new year replaced the site's state
// with one that had lost the stored feed ID base (and the navigation's pages), so
// every feed minted new IDs for every story until the next settings change, and
// readers' apps showed every story again as new.
func TestFeedIDsKeptAtNewYear(t *testing.T) {
	e := newEnv(t, 3, nil)
	guid := regexp.MustCompile(`<guid isPermaLink="false">([^<]+)</guid>`)
	before := guid.FindAllStringSubmatch(e.get("/feed.xml").body, -1)
	if len(before) == 0 {
		t.Fatal("no guid in the feed")
	}
	now := e.clock.Now()
	e.clock.Add(time.Date(now.Year()+1, 1, 1, 12, 0, 0, 0, time.UTC).Sub(now))
	e.get("/") // a page rendered in the new year renders the footer again
	after := guid.FindAllStringSubmatch(e.get("/section/world/feed.xml").body, -1)
	if len(after) == 0 {
		t.Fatal("no guid in the section's feed")
	}
	ids := map[string]bool{}
	for _, m := range before {
		ids[m[1]] = true
	}
	for _, m := range after {
		if !ids[m[1]] {
			t.Errorf("after new year a story's feed ID is %s, not one the feed gave before: %v", m[1], before)
		}
	}
}
