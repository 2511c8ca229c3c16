package storetest

import (
	"context"
	"slices"
	"testing"
	"time"

	"broadsheet/internal/news"
)

// testWPReads: the WordPress-shaped API's lists (news.WPStore) select what readers may
// see, with WordPress's filters and orders, page by OFFSET with the total of all they
// select, and hold no email, IP hash or user agent.
func testWPReads(t *testing.T, s Engine) {
	ctx := context.Background()
	var public []*news.Article
	for i := 1; i <= 5; i++ {
		sec := "World"
		if i%2 == 0 {
			sec = "Sport"
		}
		public = append(public, mustCreate(t, s, article(i, sec, "Topic")))
	}
	draft := article(6, "World", "Secret Topic")
	draft.Status, draft.PublishedAt = news.StatusDraft, time.Time{}
	draft.Author = &news.Author{Name: "Secret Writer", Email: "secret@example.org"}
	draft.BodyHTML, draft.BodyMarkdown = `<p><img src="/media/draft.jpg" alt=""></p>`, "![](/media/draft.jpg)"
	mustCreate(t, s, draft)
	page := mustCreate(t, s, &news.Article{Kind: news.KindPage, Slug: "about", Title: "About", BodyHTML: "<p>About</p>",
		Status: news.StatusPublished, PublishedAt: base, Author: &news.Author{Name: "Anna Petrova"}})
	for _, name := range []string{"draft.jpg", "lead.jpg"} {
		if err := s.CreateMedia(ctx, &news.Media{Name: name, ContentType: "image/jpeg", Width: 10, Height: 10, Bytes: 1, CreatedAt: base}); err != nil {
			t.Fatal(err)
		}
	}
	lead := public[4]
	lead.FeaturedImage, lead.Version = &news.Image{URL: "/media/lead.jpg", Width: 10, Height: 10}, news.AnyVersion
	if err := s.UpdateArticle(ctx, lead); err != nil {
		t.Fatal(err)
	}
	for _, st := range []news.CommentStatus{news.CommentApproved, news.CommentPending} {
		if err := s.CreateComment(ctx, &news.Comment{ArticleID: lead.ID, Status: st, AuthorName: "Reader " + string(st),
			AuthorEmail: "reader@example.org", Body: "Hi " + string(st), BodyHTML: "<p>Hi</p>", IPHash: "hash", UserAgent: "UA",
			CreatedAt: base.Add(10 * time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	now := base.Add(50 * time.Hour)
	ids := func(arts []*news.Article) []int64 {
		var out []int64
		for _, a := range arts {
			out = append(out, a.ID)
		}
		return out
	}

	arts, total, err := s.WPArticles(ctx, news.WPQuery{Now: now, Limit: 2, Offset: 2})
	if err != nil {
		t.Fatal(err)
	}
	if total != 5 || !slices.Equal(ids(arts), []int64{public[2].ID, public[1].ID}) {
		t.Errorf("posts, offset 2: %v of %d, want stories 3 and 2 of 5", ids(arts), total)
	}
	arts, total, _ = s.WPArticles(ctx, news.WPQuery{Now: now, Limit: 10, Offset: 10})
	if total != 5 || len(arts) != 0 {
		t.Errorf("posts past the end: %d of %d", len(arts), total)
	}
	arts, _, _ = s.WPArticles(ctx, news.WPQuery{Now: now, Limit: 10, Sections: []int64{public[1].Section.ID}, Asc: true})
	if !slices.Equal(ids(arts), []int64{public[1].ID, public[3].ID}) {
		t.Errorf("posts in Sport, oldest first: %v", ids(arts))
	}
	arts, _, _ = s.WPArticles(ctx, news.WPQuery{Now: now, Limit: 10, Include: []int64{draft.ID, page.ID, public[0].ID}})
	if !slices.Equal(ids(arts), []int64{public[0].ID}) {
		t.Errorf("posts include a draft, a page and a story: %v", ids(arts))
	}
	arts, _, _ = s.WPArticles(ctx, news.WPQuery{Now: now, Limit: 10, Kind: news.KindPage})
	if !slices.Equal(ids(arts), []int64{page.ID}) {
		t.Errorf("pages: %v", ids(arts))
	}
	arts, _, _ = s.WPArticles(ctx, news.WPQuery{Now: now, Limit: 10, Search: "standfirst 3"})
	if !slices.Equal(ids(arts), []int64{public[2].ID}) {
		t.Errorf("search: %v", ids(arts))
	}
	arts, _, _ = s.WPArticles(ctx, news.WPQuery{Now: now, Limit: 10, After: public[2].PublishedAt, Before: public[4].PublishedAt})
	if !slices.Equal(ids(arts), []int64{public[3].ID}) {
		t.Errorf("after story 3, before story 5: %v", ids(arts))
	}

	tags, total, err := s.WPTerms(ctx, "post_tag", news.WPQuery{Now: now, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if total != 1 || len(tags) != 1 || tags[0].Name != "Topic" || tags[0].Count != 5 {
		t.Errorf("tags: %+v of %d, want Topic (5) only: a draft's tag is not public", tags, total)
	}
	cats, total, _ := s.WPTerms(ctx, "category", news.WPQuery{Now: now, Limit: 10, Asc: true})
	if total != 2 || len(cats) != 2 || cats[0].Name != "Sport" || cats[1].Name != "World" || cats[0].Count != 2 || cats[1].Count != 3 {
		t.Errorf("categories: %d of %d, want Sport (2), World (3)", len(cats), total)
	}
	// orderby=include orders the whole selection by the list (WordPress's FIELD()),
	// before it is paged: page 1 of include=5,1,3 by two is 5 and 1, not the first two
	// by date put in the list's order. Posts ignore the direction; terms keep it.
	order := []int64{public[1].ID, public[4].ID, public[2].ID}
	var paged []int64
	for off := 0; off < 3; off += 2 {
		arts, _, err := s.WPArticles(ctx, news.WPQuery{Now: now, Limit: 2, Offset: off, Include: order, OrderBy: "include"})
		if err != nil {
			t.Fatal(err)
		}
		paged = append(paged, ids(arts)...)
	}
	if !slices.Equal(paged, order) {
		t.Errorf("posts by include, paged by 2: %v, want %v", paged, order)
	}
	for _, asc := range []bool{true, false} {
		want := []int64{cats[1].ID, cats[0].ID}
		if !asc {
			want = []int64{cats[0].ID, cats[1].ID}
		}
		var got []int64
		for off := 0; off < 2; off++ {
			page, _, err := s.WPTerms(ctx, "category", news.WPQuery{Now: now, Limit: 1, Offset: off, Asc: asc,
				Include: []int64{cats[1].ID, cats[0].ID}, OrderBy: "include"})
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range page {
				got = append(got, c.ID)
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("categories by include (asc %v), paged by 1: %v, want %v", asc, got, want)
		}
	}
	// hide_empty=true: a category with no public story (only a draft) is left out,
	// as WordPress leaves out a category of count 0; listed otherwise.
	empty := article(7, "Empty Section")
	empty.Status, empty.PublishedAt = news.StatusDraft, time.Time{}
	mustCreate(t, s, empty)
	for _, hide := range []bool{false, true} {
		cats, total, err := s.WPTerms(ctx, "category", news.WPQuery{Now: now, Limit: 10, HideEmpty: hide})
		if err != nil {
			t.Fatal(err)
		}
		want := 3
		if hide {
			want = 2
		}
		if total != want || len(cats) != want {
			t.Errorf("categories, hide_empty %v: %d of %d, want %d", hide, len(cats), total, want)
		}
	}
	authors, total, _ := s.WPAuthors(ctx, news.WPQuery{Now: now, Limit: 10})
	if total != 1 || len(authors) != 1 || authors[0].Name != "Anna Petrova" || authors[0].Email != "" {
		t.Errorf("authors: %+v of %d", authors, total)
	}
	cs, total, _ := s.WPComments(ctx, news.WPQuery{Now: now, Limit: 10})
	if total != 1 || len(cs) != 1 || cs[0].AuthorName != "Reader approved" || cs[0].AuthorEmail != "" || cs[0].IPHash != "" || cs[0].UserAgent != "" {
		t.Errorf("comments: %+v of %d", cs, total)
	}
	media, posts, total, _ := s.WPMedia(ctx, news.WPQuery{Now: now, Limit: 10})
	if total != 1 || len(media) != 1 || media[0].Name != "lead.jpg" || posts[media[0].ID] != lead.ID {
		t.Errorf("media: %+v %v of %d, want lead.jpg only: the draft's image is not public", media, posts, total)
	}
	got, err := s.WPMediaIDs(ctx, []string{"lead.jpg", "none.jpg"})
	if err != nil || len(got) != 1 || got["lead.jpg"] != media[0].ID {
		t.Errorf("media IDs: %v %v", got, err)
	}
}
