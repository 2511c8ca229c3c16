package news

import (
	"errors"
	"testing"
	"time"
)

func TestNewFeedIDBase(t *testing.T) {
	day := time.Date(2026, 5, 1, 23, 30, 0, 0, time.FixedZone("NZST", 12*3600)) // 11:30 UTC
	for base, want := range map[string]string{
		"https://news.example.org":     "tag:news.example.org,2026-05-01:",
		"http://News.Example.org:8080": "tag:news.example.org,2026-05-01:",
		"https://новости.example.org":  "tag:xn--b1amnebsh.example.org,2026-05-01:",
		// No public name: a fixed day, so a trial's IDs stay the same from day to day.
		"https://новости.example":   "tag:xn--b1amnebsh.example,2000-01-01:",
		"http://127.0.0.1:8080":     "tag:127.0.0.1,2000-01-01:",
		"http://[2001:db8::1]:8080": "tag:2001-db8--1,2000-01-01:",
		"http://localhost:8080":     "tag:localhost,2000-01-01:",
	} {
		got, err := NewFeedIDBase(base, day)
		if err != nil || got != want {
			t.Errorf("NewFeedIDBase(%q) = %q, %v; want %q", base, got, err, want)
		}
	}
	if _, err := NewFeedIDBase("/no/host", day); !errors.Is(err, ErrInvalid) {
		t.Errorf("no host: %v", err)
	}
	a := &Article{ID: 42}
	if got := ArticleFeedID("tag:news.example.org,2026-05-01:", a); got != "tag:news.example.org,2026-05-01:article-42" {
		t.Errorf("minted ID %q", got)
	}
	a.FeedID = "http://old.example.org/?p=42"
	if got := ArticleFeedID("tag:x,2026:", a); got != a.FeedID {
		t.Errorf("stored ID %q", got)
	}
}

func TestPublicHost(t *testing.T) {
	for host, want := range map[string]bool{"news.example.org": true, "xn--b1amnebsh.example.org": true, "News.Example.ORG.": true,
		"localhost": false, "app.localhost": false, "127.0.0.1": false, "2001:db8::1": false, "[::1]": false, "broadsheet": false,
		"news.test": false, "printer.local": false, "site.internal": false, "x.home.arpa": false, "example": false, "": false} {
		if got := PublicHost(host); got != want {
			t.Errorf("PublicHost(%q) = %v, want %v", host, got, want)
		}
	}
}

func TestCheckFeedID(t *testing.T) {
	for _, ok := range []string{"http://old.example.org/?p=42", "tag:example.org,2020:post-1", "urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a"} {
		if err := CheckFeedID(ok); err != nil {
			t.Errorf("CheckFeedID(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{"", "42", "/?p=42", "http://x/a b", "tag:x\n", string(make([]byte, MaxFeedIDLength+1))} {
		if err := CheckFeedID(bad); err == nil {
			t.Errorf("CheckFeedID(%q) accepted", bad)
		}
	}
}
