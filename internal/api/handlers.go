package api

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"broadsheet/internal/news"
)

// The API's own JSON types: what readers may see, never an email, an IP address or
// anything keyed by them.

// Article is a public article.
type Article struct {
	ID         int64  `json:"id"`
	Slug       string `json:"slug"`
	URL        string `json:"url"` // the permalink
	Headline   string `json:"headline"`
	Standfirst string `json:"standfirst"`
	// BodyHTML is the stored, sanitised HTML of the body.
	BodyHTML       string         `json:"body_html"`
	CorrectionNote string         `json:"correction_note"`
	Byline         []Person       `json:"byline"`
	Section        *Section       `json:"section"`
	Tags           []Tag          `json:"tags"`
	FeaturedImage  *FeaturedImage `json:"featured_image"`
	Published      string         `json:"published"` // RFC 3339, UTC
	// Modified is the later of the publication and the last update shown to readers.
	Modified     string `json:"modified"`
	FeedID       string `json:"feed_id"`
	CommentCount int    `json:"comment_count"`
}

// Person is an author as a byline names them.
type Person struct {
	ID   int64  `json:"id"`
	Slug string `json:"slug"`
	Name string `json:"name"`
	URL  string `json:"url"` // the author's archive
}

// Author is an author with their public biography.
type Author struct {
	Person
	Bio string `json:"bio"`
}

// Section is a desk of the newsroom.
type Section struct {
	ID          int64  `json:"id"`
	Slug        string `json:"slug"`
	Name        string `json:"name"`
	Description string `json:"description"`
	URL         string `json:"url"`
}

// Tag is a topic label.
type Tag struct {
	ID   int64  `json:"id"`
	Slug string `json:"slug"`
	Name string `json:"name"`
	URL  string `json:"url"`
}

// FeaturedImage is an article's picture; URL and the srcset's addresses are absolute.
type FeaturedImage struct {
	URL     string `json:"url"`
	Alt     string `json:"alt"`
	Caption string `json:"caption"`
	Width   int    `json:"width"`
	Height  int    `json:"height"`
	Srcset  string `json:"srcset"`
}

// Comment is an approved comment. ParentID (null at the top level) threads it; it may
// name a comment not shown (not approved), which readers' pages show at the top level.
type Comment struct {
	ID        int64  `json:"id"`
	ArticleID int64  `json:"article_id"`
	ParentID  *int64 `json:"parent_id"`
	Author    string `json:"author"`
	// AuthorURL is the website the commenter gave, if any.
	AuthorURL string `json:"author_url"`
	// Staff marks a reply written from the newsroom.
	Staff bool `json:"staff"`
	// Removed marks an erased comment kept for its replies: no author, no text.
	Removed  bool   `json:"removed"`
	BodyHTML string `json:"body_html"`
	Created  string `json:"created"`
}

func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func (s *Server) abs(path string) string {
	if strings.HasPrefix(path, "/") && !strings.HasPrefix(path, "//") {
		return s.cfg.BaseURL + path
	}
	return path
}

func (s *Server) person(a *news.Author) Person {
	return Person{ID: a.ID, Slug: a.Slug, Name: a.Name, URL: s.abs("/author/" + url.PathEscape(a.Slug) + "/")}
}

func (s *Server) section(sec *news.Section) *Section {
	if sec == nil {
		return nil
	}
	return &Section{ID: sec.ID, Slug: sec.Slug, Name: sec.Name, Description: sec.Description,
		URL: s.abs("/section/" + url.PathEscape(sec.Slug) + "/")}
}

func (s *Server) tag(t *news.Tag) Tag {
	return Tag{ID: t.ID, Slug: t.Slug, Name: t.Name, URL: s.abs("/tag/" + url.PathEscape(t.Slug) + "/")}
}

// srcset makes each address of an img srcset value absolute.
func (s *Server) srcset(v string) string {
	if v == "" {
		return ""
	}
	parts := strings.Split(v, ",")
	for i, p := range parts {
		p = strings.TrimSpace(p)
		u, desc, _ := strings.Cut(p, " ")
		parts[i] = strings.TrimSpace(s.abs(u) + " " + desc)
	}
	return strings.Join(parts, ", ")
}

func (s *Server) article(a *news.Article) Article {
	out := Article{ID: a.ID, Slug: a.Slug, URL: s.abs(s.cfg.ArticlePath(a)), Headline: a.Title, Standfirst: a.Standfirst,
		BodyHTML: a.BodyHTML, CorrectionNote: a.CorrectionNote, Byline: []Person{}, Section: s.section(a.Section), Tags: []Tag{},
		Published: rfc3339(a.PublishedAt), Modified: rfc3339(a.PublishedAt),
		FeedID: news.ArticleFeedID(s.cfg.FeedIDBase(), a), CommentCount: a.CommentCount}
	if a.UpdatedAt.After(a.PublishedAt) {
		out.Modified = rfc3339(a.UpdatedAt)
	}
	for _, au := range a.Byline() {
		out.Byline = append(out.Byline, s.person(au))
	}
	for _, t := range a.Tags {
		out.Tags = append(out.Tags, s.tag(t))
	}
	if img := a.FeaturedImage; img != nil {
		out.FeaturedImage = &FeaturedImage{URL: s.abs(img.URL), Alt: img.Alt, Caption: img.Caption,
			Width: img.Width, Height: img.Height, Srcset: s.srcset(img.Srcset)}
	}
	return out
}

// articleDeps are the cache keys an article's answer shows.
func articleDeps(a *news.Article) []string { return []string{news.KeyArticle(a.ID)} }

// articles is GET /articles: public articles, newest first, filtered by section, tag,
// author (slugs), modified_since or slug, paged by cursor.
func (s *Server) articles(r *http.Request, q params) (*result, error) {
	if err := q.allow("section", "tag", "author", "modified_since", "slug", "cursor", "limit"); err != nil {
		return nil, err
	}
	ctx, now, who := r.Context(), s.cfg.Now(), s.viewer(r)
	limit, err := q.limit()
	if err != nil {
		return nil, err
	}
	aq := news.ArticleQuery{PublicAt: now, Limit: limit + 1}
	deps := []string{news.KeyLists}
	if slug, err := q.slug("slug"); err != nil {
		return nil, err
	} else if slug != "" {
		if len(q) > 1 {
			return nil, badParam("slug", "The parameter \"slug\" names one article: give it alone.")
		}
		out := page[Article]{Items: []Article{}}
		a, err := s.store.ArticleBySlug(ctx, slug)
		switch {
		case err == nil && who.sees(a, now) && !a.IsPage():
			out.Items = append(out.Items, s.article(a))
			deps = append(deps, articleDeps(a)...)
		case err == nil, errors.Is(err, news.ErrNotFound):
		default:
			return nil, err
		}
		return &result{out, deps}, nil
	}
	for _, f := range []struct {
		name string
		find func(string) (int64, error)
		set  *int64
		key  func(int64) string
	}{
		{"section", func(v string) (int64, error) { x, err := s.store.SectionBySlug(ctx, v); return idOf(x, err) }, &aq.SectionID, news.KeySection},
		{"tag", func(v string) (int64, error) { x, err := s.store.TagBySlug(ctx, v); return idOf(x, err) }, &aq.TagID, news.KeyTag},
		{"author", func(v string) (int64, error) { x, err := s.store.AuthorBySlug(ctx, v); return idOf(x, err) }, &aq.AuthorID, news.KeyAuthor},
	} {
		v, err := q.slug(f.name)
		if err != nil || v == "" {
			if err != nil {
				return nil, err
			}
			continue
		}
		id, err := f.find(v)
		if errors.Is(err, news.ErrNotFound) {
			return nil, badParam(f.name, fmt.Sprintf("There is no %s with the slug %q.", f.name, v))
		}
		if err != nil {
			return nil, err
		}
		*f.set = id
		deps = append(deps, f.key(id))
	}
	if v, ok := q.get("modified_since"); ok {
		// A "+" of an offset arrives as a space when the client did not encode it.
		t, err := time.Parse(time.RFC3339, strings.ReplaceAll(v, " ", "+"))
		if err != nil || len(v) > 40 {
			return nil, badParam("modified_since", fmt.Sprintf("The parameter \"modified_since\" must be a time in RFC 3339 form, such as 2025-06-02T09:00:00Z; it is %q.", v))
		}
		aq.ModifiedSince = t
	}
	if key, ok, err := q.cursor('a'); err != nil {
		return nil, err
	} else if ok {
		t, id, good := timeKey(key)
		if !good {
			return nil, badParam("cursor", "The parameter \"cursor\" is not one this list gave: pass the next_cursor of the page before, unchanged.")
		}
		aq.After = &news.ArticleKey{PublishedAt: t, ID: id}
	}
	arts, err := s.store.Articles(ctx, aq)
	if err != nil {
		return nil, err
	}
	items := make([][]byte, 0, min(len(arts), limit))
	size, more := 0, len(arts) > limit
	var last *news.Article
	for i, a := range arts {
		if i == limit {
			break
		}
		if !who.sees(a, now) {
			continue
		}
		b, err := encodeJSON(s.article(a))
		if err != nil {
			return nil, err
		}
		if len(items) > 0 && size+len(b) > maxListBytes {
			more = true // the page is full: the next one starts here
			break
		}
		items, size, last = append(items, b), size+len(b), a
		deps = append(deps, articleDeps(a)...)
	}
	var nextCursor, next *string
	if more && last != nil {
		nextCursor, next = s.next(r, encodeCursor('a', formatTimeKey(last.PublishedAt, last.ID)))
	}
	body, err := listJSON(items, size, nextCursor, next)
	if err != nil {
		return nil, err
	}
	return &result{body, deps}, nil
}

func idOf[T interface {
	*news.Section | *news.Tag | *news.Author
}](x T, err error) (int64, error) {
	if err != nil {
		return 0, err
	}
	switch v := any(x).(type) {
	case *news.Section:
		return v.ID, nil
	case *news.Tag:
		return v.ID, nil
	case *news.Author:
		return v.ID, nil
	}
	return 0, nil
}

// parseID reads an article ID from the path.
func parseID(v string) (int64, error) {
	id, err := strconv.ParseInt(v, 10, 64)
	// Only the plain form ("12", not "012" or "+12"), so that an article has one address.
	if err != nil || id <= 0 || strconv.FormatInt(id, 10) != v {
		return 0, &problem{Status: http.StatusBadRequest, Detail: fmt.Sprintf("An article ID is a positive whole number; %q is not.", v)}
	}
	return id, nil
}

// publicArticle returns the article with the ID if the viewer may see it; a static
// page only when orPage (comments: a page's thread is read at the same address, as
// the IDs of articles and pages are one sequence).
func (s *Server) publicArticle(r *http.Request, id int64, orPage bool) (*news.Article, error) {
	a, err := s.store.Article(r.Context(), id)
	if errors.Is(err, news.ErrNotFound) || err == nil && (!s.viewer(r).sees(a, s.cfg.Now()) || a.IsPage() && !orPage) {
		// A draft answers as if it were not there: its existence is not public either.
		// A static page is no article: it is under /pages/.
		return nil, notFound(fmt.Sprintf("There is no published article with the ID %d.", id))
	}
	return a, err
}

// articleByID is GET /articles/{id}.
func (s *Server) articleByID(r *http.Request, q params) (*result, error) {
	if err := q.allow(); err != nil {
		return nil, err
	}
	id, err := parseID(r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	a, err := s.publicArticle(r, id, false)
	if err != nil {
		return nil, err
	}
	return &result{s.article(a), articleDeps(a)}, nil
}

// articleSub is GET /articles/by-slug/{slug} and GET /articles/{id}/comments.
func (s *Server) articleSub(r *http.Request, q params) (*result, error) {
	a, b := r.PathValue("a"), r.PathValue("b")
	switch {
	case a == "by-slug":
		if err := q.allow(); err != nil {
			return nil, err
		}
		if len(b) > maxSlugBytes {
			return nil, notFound("There is no published article with that slug.")
		}
		art, err := s.store.ArticleBySlug(r.Context(), b)
		if errors.Is(err, news.ErrNotFound) || err == nil && (!s.viewer(r).sees(art, s.cfg.Now()) || art.IsPage()) {
			return nil, notFound(fmt.Sprintf("There is no published article with the slug %q.", b))
		}
		if err != nil {
			return nil, err
		}
		return &result{s.article(art), articleDeps(art)}, nil
	case b == "comments":
		return s.comments(r, q, a)
	}
	return nil, notFound("There is no such address in the API; its operations are listed at " + Prefix + "openapi.json.")
}

// comments is GET /articles/{id}/comments: approved comments, oldest first, of an
// article or of a static page (whose comment_status says whether it takes them).
func (s *Server) comments(r *http.Request, q params, idText string) (*result, error) {
	if err := q.allow("cursor", "limit"); err != nil {
		return nil, err
	}
	id, err := parseID(idText)
	if err != nil {
		return nil, err
	}
	limit, err := q.limit()
	if err != nil {
		return nil, err
	}
	var after *news.CommentKey
	if key, ok, err := q.cursor('c'); err != nil {
		return nil, err
	} else if ok {
		t, cid, good := timeKey(key)
		if !good {
			return nil, badParam("cursor", "The parameter \"cursor\" is not one this list gave: pass the next_cursor of the page before, unchanged.")
		}
		after = &news.CommentKey{CreatedAt: t, ID: cid}
	}
	a, err := s.publicArticle(r, id, true)
	if err != nil {
		return nil, err
	}
	cs, err := s.store.ApprovedCommentsAfter(r.Context(), a.ID, after, limit+1)
	if err != nil {
		return nil, err
	}
	// Like a page of articles, a page of comments stops at maxListBytes (a comment's
	// text is bounded by the comment form, an imported one is not).
	out := page[Comment]{Items: []Comment{}}
	size := 0
	for i, c := range cs {
		if i == limit {
			out.NextCursor, out.Next = s.next(r, encodeCursor('c', formatTimeKey(cs[i-1].CreatedAt, cs[i-1].ID)))
			break
		}
		item := Comment{ID: c.ID, ArticleID: c.ArticleID, Author: c.AuthorName, AuthorURL: publicURL(c.AuthorURL),
			Staff: c.UserID != 0, Removed: c.Removed, BodyHTML: c.BodyHTML, Created: rfc3339(c.CreatedAt)}
		if c.Removed {
			item.Author, item.AuthorURL, item.BodyHTML, item.Staff = "", "", "", false
		}
		if c.ParentID != 0 {
			p := c.ParentID
			item.ParentID = &p
		}
		// A rough size (the JSON adds escapes and names): enough to bound the page.
		n := len(item.Author) + len(item.AuthorURL) + len(item.BodyHTML) + 200
		if i > 0 && size+n > maxListBytes {
			out.NextCursor, out.Next = s.next(r, encodeCursor('c', formatTimeKey(cs[i-1].CreatedAt, cs[i-1].ID)))
			break
		}
		size += n
		out.Items = append(out.Items, item)
	}
	return &result{out, articleDeps(a)}, nil
}

// publicURL keeps a commenter's website only when it is an http(s) address.
func publicURL(v string) string {
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return v
}

// sections is GET /sections: the sections in the navigation's order, a page at a
// time (cursor, limit as every list: a site of 20,000 sections answered 2.2 MB at
// once). The cursor's key is "position.id" of the last section sent.
func (s *Server) sections(r *http.Request, q params) (*result, error) {
	if err := q.allow("cursor", "limit"); err != nil {
		return nil, err
	}
	limit, err := q.limit()
	if err != nil {
		return nil, err
	}
	var after *news.SectionKey
	if key, ok, err := q.cursor('n'); err != nil {
		return nil, err
	} else if ok {
		if after = sectionKey(key); after == nil {
			return nil, badParam("cursor", "The parameter \"cursor\" is not one this list gave: pass the next_cursor of the page before, unchanged.")
		}
	}
	secs, err := s.store.SectionsAfter(r.Context(), after, limit+1)
	if err != nil {
		return nil, err
	}
	out := page[*Section]{Items: []*Section{}}
	for i, sec := range secs {
		if i == limit {
			last := secs[i-1]
			out.NextCursor, out.Next = s.next(r, encodeCursor('n', fmt.Sprintf("%d.%d", last.Position, last.ID)))
			break
		}
		out.Items = append(out.Items, s.section(sec))
	}
	// A section's change names every page (news.KeyAll), which send always lists.
	return &result{out, nil}, nil
}

// sectionKey reads a sections cursor's key "position.id"; nil when it is not one.
func sectionKey(key string) *news.SectionKey {
	pos, id, ok := strings.Cut(key, ".")
	p, err1 := strconv.Atoi(pos)
	n, err2 := strconv.ParseInt(id, 10, 64)
	if !ok || err1 != nil || err2 != nil || n <= 0 || p < math.MinInt32 || p > math.MaxInt32 {
		return nil
	}
	return &news.SectionKey{Position: p, ID: n}
}

// slugCursor reads the cursor of a list by slug (tags, authors): the last slug sent.
func slugCursor(q params, kind byte) (string, error) {
	key, _, err := q.cursor(kind)
	if err == nil && len(key) > maxSlugBytes {
		return "", badParam("cursor", "The parameter \"cursor\" is not one this list gave: pass the next_cursor of the page before, unchanged.")
	}
	return key, err
}

// tags is GET /tags: tags on at least one public article, by slug.
func (s *Server) tags(r *http.Request, q params) (*result, error) {
	if err := q.allow("cursor", "limit"); err != nil {
		return nil, err
	}
	limit, err := q.limit()
	if err != nil {
		return nil, err
	}
	after, err := slugCursor(q, 't')
	if err != nil {
		return nil, err
	}
	ts, err := s.store.PublicTags(r.Context(), after, limit+1, s.cfg.Now())
	if err != nil {
		return nil, err
	}
	out := page[Tag]{Items: []Tag{}}
	for i, t := range ts {
		if i == limit {
			out.NextCursor, out.Next = s.next(r, encodeCursor('t', ts[i-1].Slug))
			break
		}
		out.Items = append(out.Items, s.tag(t))
	}
	// Which tags are listed changes with any public article (news.KeyLists).
	return &result{out, []string{news.KeyLists}}, nil
}

// authors is GET /authors: authors on the byline of at least one public article, by
// slug, with their public fields only.
func (s *Server) authors(r *http.Request, q params) (*result, error) {
	if err := q.allow("cursor", "limit"); err != nil {
		return nil, err
	}
	limit, err := q.limit()
	if err != nil {
		return nil, err
	}
	after, err := slugCursor(q, 'u')
	if err != nil {
		return nil, err
	}
	as, err := s.store.PublicAuthors(r.Context(), after, limit+1, s.cfg.Now())
	if err != nil {
		return nil, err
	}
	out := page[Author]{Items: []Author{}}
	for i, au := range as {
		if i == limit {
			out.NextCursor, out.Next = s.next(r, encodeCursor('u', as[i-1].Slug))
			break
		}
		out.Items = append(out.Items, Author{Person: s.person(au), Bio: au.Bio})
	}
	return &result{out, []string{news.KeyLists}}, nil
}

// Page is a public static page (About, Contact, Ethics): no date in its address, no
// section, tags or byline (news.KindPage).
type Page struct {
	ID         int64  `json:"id"`
	Slug       string `json:"slug"`
	URL        string `json:"url"` // the permalink, /{slug}/
	Title      string `json:"title"`
	Standfirst string `json:"standfirst"`
	// BodyHTML is the stored, sanitised HTML of the body.
	BodyHTML string `json:"body_html"`
	// NavPosition is the page's place in the site's navigation (1 first); 0: not in it.
	NavPosition   int            `json:"nav_position"`
	FeaturedImage *FeaturedImage `json:"featured_image"`
	Published     string         `json:"published"` // RFC 3339, UTC
	// Modified is the later of the publication and the last update shown to readers.
	Modified string `json:"modified"`
	// CommentStatus is "open" or "closed" (the page's own switch, as WordPress's
	// comment_status); CommentCount counts its approved comments.
	CommentStatus string `json:"comment_status"`
	CommentCount  int    `json:"comment_count"`
}

func (s *Server) page(a *news.Article) Page {
	art := s.article(a) // the shared fields, made the same way
	out := Page{ID: art.ID, Slug: art.Slug, URL: art.URL, Title: art.Headline, Standfirst: art.Standfirst,
		BodyHTML: art.BodyHTML, NavPosition: a.NavPosition, FeaturedImage: art.FeaturedImage,
		Published: art.Published, Modified: art.Modified, CommentStatus: "open", CommentCount: a.CommentCount}
	if a.CommentsClosed {
		out.CommentStatus = "closed"
	}
	return out
}

// pageDeps are the cache keys a page's answer shows: its row, and the navigation
// (a change of a page's place there names news.KeyAll, which send always lists).
func pageDeps(a *news.Article) []string { return []string{news.KeyArticle(a.ID)} }

// pages is GET /pages: public static pages in the navigation's order (those in it by
// position, then the others), ties by title, paged by cursor.
func (s *Server) pages(r *http.Request, q params) (*result, error) {
	if err := q.allow("cursor", "limit"); err != nil {
		return nil, err
	}
	limit, err := q.limit()
	if err != nil {
		return nil, err
	}
	var after int64
	if key, ok, err := q.cursor('p'); err != nil {
		return nil, err
	} else if ok {
		id, err := strconv.ParseInt(key, 10, 64)
		if err != nil || id <= 0 {
			return nil, badParam("cursor", "The parameter \"cursor\" is not one this list gave: pass the next_cursor of the page before, unchanged.")
		}
		after = id
	}
	now, who := s.cfg.Now(), s.viewer(r)
	ps, err := s.store.PublicPages(r.Context(), after, limit+1, now)
	if err != nil {
		return nil, err
	}
	// A new, removed or moved page changes the list: news.KeyLists (a page's write
	// names it) and news.KeyAll (the navigation), which send always adds.
	deps := []string{news.KeyLists}
	out := page[Page]{Items: []Page{}}
	size := 0
	for i, a := range ps {
		if i == limit {
			out.NextCursor, out.Next = s.next(r, encodeCursor('p', strconv.FormatInt(ps[i-1].ID, 10)))
			break
		}
		if !who.sees(a, now) || !a.IsPage() {
			continue
		}
		// Like a page of articles, the list stops at maxListBytes (an imported page's
		// body is not bounded by the editor); a rough size is enough to bound it.
		n := len(a.Title) + len(a.Standfirst) + len(a.BodyHTML) + 500
		if len(out.Items) > 0 && size+n > maxListBytes {
			out.NextCursor, out.Next = s.next(r, encodeCursor('p', strconv.FormatInt(ps[i-1].ID, 10)))
			break
		}
		size += n
		out.Items = append(out.Items, s.page(a))
		deps = append(deps, pageDeps(a)...)
	}
	return &result{out, deps}, nil
}

// pageByID is GET /pages/{id}; an article's ID is a 404 here.
func (s *Server) pageByID(r *http.Request, q params) (*result, error) {
	if err := q.allow(); err != nil {
		return nil, err
	}
	id, err := parseID(r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	a, err := s.store.Article(r.Context(), id)
	if errors.Is(err, news.ErrNotFound) || err == nil && (!a.IsPage() || !s.viewer(r).sees(a, s.cfg.Now())) {
		return nil, notFound(fmt.Sprintf("There is no published page with the ID %d.", id))
	}
	if err != nil {
		return nil, err
	}
	return &result{s.page(a), pageDeps(a)}, nil
}

// pageBySlug is GET /pages/by-slug/{slug}; an article's slug is a 404 here.
func (s *Server) pageBySlug(r *http.Request, q params) (*result, error) {
	if err := q.allow(); err != nil {
		return nil, err
	}
	slug := r.PathValue("slug")
	if len(slug) > maxSlugBytes {
		return nil, notFound("There is no published page with that slug.")
	}
	a, err := s.store.ArticleBySlug(r.Context(), slug)
	if errors.Is(err, news.ErrNotFound) || err == nil && (!a.IsPage() || !s.viewer(r).sees(a, s.cfg.Now())) {
		return nil, notFound(fmt.Sprintf("There is no published page with the slug %q.", slug))
	}
	if err != nil {
		return nil, err
	}
	return &result{s.page(a), pageDeps(a)}, nil
}
