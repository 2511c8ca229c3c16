package wxr_test

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"broadsheet/internal/news"
	"broadsheet/internal/wxr"
)

func fitCategory(id int, nicename string) string {
	return fmt.Sprintf("<wp:category><wp:term_id>%d</wp:term_id><wp:category_nicename>%s</wp:category_nicename><wp:category_parent></wp:category_parent><wp:cat_name><![CDATA[C %d]]></wp:cat_name></wp:category>\n", id, nicename, id)
}

// fitPage is a published page (ID id, slug name) with extra inside its <item>.
func fitPage(id int, name, extra string) string {
	return fitPost(extra, "<wp:post_type>post<", "<wp:post_type>page<", "<wp:post_id>5<", fmt.Sprintf("<wp:post_id>%d<", id),
		"<wp:post_name>a-post<", "<wp:post_name>"+name+"<", "?p=5", fmt.Sprintf("?p=%d", id), "/a-post/", "/"+name+"/")
}

// A page may not take a slug the site answers otherwise (a section's, a reserved
// path); the write gave it one of ten fallbacks and failed, after the check had passed
// the file, when every fallback was taken too (by the file's sections or the site's),
// and numbered a page clashing with a story onto a section's slug without a word. Now
// the check reads the site's sections and announces each page that will change slug
// (FitPageSlug, listed with its line); the write always finds a free slug and says
// the same; the page lands on no section's slug.
func TestPageSlugsTheSiteTakesCheckAndWriteAgree(t *testing.T) {
	fallbacks := fitCategory(2, "news") + fitCategory(3, "news-page") + fitCategory(4, "page-news")
	for i := 2; i < 12; i++ {
		fallbacks += fitCategory(10+i, fmt.Sprintf("page-news-%d", i))
	}
	cases := []struct {
		name, body string
		site       []string // sections the site has before the import
		renamed    int      // pages the check and the write announce
	}{
		{"every fallback a section of the file", fallbacks + fitPage(7, "news", ""), nil, 1},
		{"every fallback a section of the site", fitPage(7, "news", ""), []string{"news", "news-page", "page-news", "page-news-2", "page-news-3", "page-news-4", "page-news-5", "page-news-6", "page-news-7", "page-news-8", "page-news-9"}, 1},
		{"a section made from an item's own category", fitPost(`<category domain="category" nicename="desk"><![CDATA[Desk]]></category>`) + fitPage(7, "desk", ""), nil, 1},
		{"a reserved path", fitPage(7, "sitemap", ""), nil, 1},
		{"numbered past a story onto a section", fitCategory(2, "about-2") + fitPost("", "<wp:post_name>a-post<", "<wp:post_name>about<") + fitPage(7, "about", ""), nil, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			db := openStore(t)
			for _, s := range c.site {
				if err := db.CreateSection(ctx, &news.Section{Slug: s, Name: "Site " + s}); err != nil {
					t.Fatal(err)
				}
			}
			doc := fitHead + c.body + "</channel></rss>\n"
			p, err := wxr.CheckImport(ctx, strings.NewReader(doc), wxr.Options{Site: db})
			if err != nil {
				t.Fatalf("check: %v", err)
			}
			if got := p.Counts.Changes[wxr.FitPageSlug]; got != c.renamed {
				t.Errorf("the check announces %d pages given another slug, want %d", got, c.renamed)
			}
			if c.renamed > 0 && (len(p.Counts.Changed) != 1 || !strings.Contains(p.Counts.Changed[0], "page 7 (\"A post\", line ")) {
				t.Errorf("the check lists %q, want the page with its line", p.Counts.Changed)
			}
			rep, err := p.Import(ctx, db)
			if err != nil {
				t.Fatalf("the check passed, the write refused: %v", err)
			}
			if !maps.Equal(rep.Changes, p.Counts.Changes) || !slices.Equal(rep.Changed, p.Counts.Changed) {
				t.Errorf("the write changed %v %q, the check announced %v %q", rep.Changes, rep.Changed, p.Counts.Changes, p.Counts.Changed)
			}
			var text bytes.Buffer
			rep.WriteText(&text)
			if c.renamed > 0 && !strings.Contains(text.String(), wxr.FitPageSlug) {
				t.Errorf("the report does not say %q:\n%s", wxr.FitPageSlug, text.String())
			}
			secs, err := db.Sections(ctx)
			if err != nil {
				t.Fatal(err)
			}
			pages, err := db.PublicPages(ctx, 0, 10, time.Now().Add(time.Hour))
			if err != nil || len(pages) != 1 {
				t.Fatalf("pages %v (%v), want the one", pages, err)
			}
			if err := news.CheckPageSlug(pages[0].Slug, secs); err != nil {
				t.Errorf("the page is at %q: %v", pages[0].Slug, err)
			}
		})
	}
}

// The other way round: a category whose slug a page of the site has made a section at
// the page's slug, and the page could no longer be saved (the store refuses a page at
// a section's slug). Now its section takes another slug, the check and the write say
// so, the page keeps its own and saves, and a second import finds the section.
func TestCategoryAtAPagesSlugCheckAndWriteAgree(t *testing.T) {
	ctx := context.Background()
	db := openStore(t)
	about := &news.Article{Kind: news.KindPage, Slug: "about", Title: "About us", BodyMarkdown: "Us.", BodyHTML: "<p>Us.</p>", Status: news.StatusPublished, PublishedAt: time.Now().Add(-time.Hour)}
	if err := db.CreateArticle(ctx, about); err != nil {
		t.Fatal(err)
	}
	doc := fitHead + fitCategory(2, "about") + fitPost(`<category domain="category" nicename="about"><![CDATA[About]]></category>`) + "</channel></rss>\n"
	for run := range 2 {
		p, err := wxr.CheckImport(ctx, strings.NewReader(doc), wxr.Options{Site: db})
		if err != nil {
			t.Fatalf("check: %v", err)
		}
		if n := p.Counts.Changes[wxr.FitSectionSlug]; n != 1 || len(p.Counts.Changed) != 1 || !strings.Contains(p.Counts.Changed[0], `category "about" (line `) {
			t.Errorf("the check announces %d (%q), want the category with its line", n, p.Counts.Changed)
		}
		rep, err := p.Import(ctx, db)
		if err != nil {
			t.Fatalf("the check passed, the write refused: %v", err)
		}
		if !maps.Equal(rep.Changes, p.Counts.Changes) || !slices.Equal(rep.Changed, p.Counts.Changed) {
			t.Errorf("the write changed %v %q, the check announced %v %q", rep.Changes, rep.Changed, p.Counts.Changes, p.Counts.Changed)
		}
		if run == 1 && rep.Sections.Added != 0 {
			t.Errorf("the second import added %d sections", rep.Sections.Added)
		}
	}
	secs, err := db.Sections(ctx)
	if err != nil || len(secs) != 1 || secs[0].Slug != "about-section" {
		t.Fatalf("sections %v (%v), want about-section", secs, err)
	}
	post, err := db.ArticleBySlug(ctx, "a-post")
	if err != nil || post.Section == nil || post.Section.ID != secs[0].ID {
		t.Errorf("the post's section: %v (%v)", post, err)
	}
	page, err := db.Article(ctx, about.ID)
	if err != nil {
		t.Fatal(err)
	}
	page.Title = "About the newsroom"
	if err := db.UpdateArticle(ctx, page); err != nil || page.Slug != "about" {
		t.Errorf("the page at /%s/ no longer saves: %v", page.Slug, err)
	}
}
