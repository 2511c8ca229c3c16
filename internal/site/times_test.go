package site_test

import (
	"context"
	"testing"
	"time"

	"broadsheet/internal/news"
)

// On the night the clocks go back, 01:30 happens twice: a reader's page names the zone
// of every time it shows (the byline's and each comment's), so the two are told apart,
// and a zone without an abbreviation shows its offset in full ("+0530", not "+05").
func TestReadersTimesCarryTheirZone(t *testing.T) {
	e := newEnv(t, 1, nil)
	ctx := context.Background()
	if err := e.db.SetSettings(ctx, map[string]string{news.SettingTimezone: "America/New_York"}); err != nil {
		t.Fatal(err)
	}
	a := &news.Article{Slug: "fall-back", Title: "Fall back", BodyMarkdown: "Text.", BodyHTML: "<p>Text.</p>",
		Status: news.StatusPublished, PublishedAt: time.Date(2026, 11, 1, 5, 30, 0, 0, time.UTC)}
	if err := e.db.CreateArticle(ctx, a); err != nil {
		t.Fatal(err)
	}
	for i, at := range []time.Time{time.Date(2026, 11, 1, 5, 40, 0, 0, time.UTC), time.Date(2026, 11, 1, 6, 40, 0, 0, time.UTC)} {
		c := &news.Comment{ArticleID: a.ID, Status: news.CommentApproved, AuthorName: []string{"Ann", "Bo"}[i],
			AuthorEmail: []string{"ann@example.net", "bo@example.net"}[i], Body: "Hello.", BodyHTML: "<p>Hello.</p>", CreatedAt: at}
		if err := e.db.CreateComment(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	e.clock.Add(time.Date(2026, 11, 2, 12, 0, 0, 0, time.UTC).Sub(e.clock.Now()))
	e.sync()
	page := e.get(e.url(a)).body
	mustContain(t, "the article", page, "1 November 2026, 01:30 EDT</time>",
		"1 November 2026 at 01:40 EDT</time>", "1 November 2026 at 01:40 EST</time>")

	if err := e.db.SetSettings(ctx, map[string]string{news.SettingTimezone: "Asia/Dubai"}); err != nil {
		t.Fatal(err)
	}
	e.sync()
	page = e.get(e.url(a)).body
	mustContain(t, "the article in Dubai", page, "1 November 2026, 09:30 +0400</time>")
}
