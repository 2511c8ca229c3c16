package site

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"broadsheet/internal/feed"
	"broadsheet/internal/news"
	"broadsheet/internal/render"
)

// excerptLength is the length of the excerpts in "Read previous post" boxes.
const excerptLength = 120

type teaser struct {
	Article *news.Article
	Level   int // heading level
}

type pager struct {
	Page         int
	Newer, Older string
}

// pageNumber reads the {n} of /page/{n}/; a malformed or zero number is not a page.
func pageNumber(r *http.Request) (int, error) {
	v := r.PathValue("n")
	if v == "" {
		return 1, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 2 || strconv.Itoa(n) != v { // page 1 lives at the base address
		return 0, news.ErrNotFound
	}
	return n, nil
}

// newPager links a list page to its neighbours; more says whether older articles
// follow. (Lists fetch one article more than they show rather than count them all.)
func newPager(base string, page int, more bool) pager {
	p := pager{Page: page}
	url := func(n int) string {
		if n == 1 {
			return base
		}
		return base + "page/" + strconv.Itoa(n) + "/"
	}
	if page > 1 {
		p.Newer = url(page - 1)
	}
	if more {
		p.Older = url(page + 1)
	}
	return p
}

func teasers(arts []*news.Article, level int) []teaser {
	out := make([]teaser, len(arts))
	for i, a := range arts {
		out[i] = teaser{Article: a, Level: level}
	}
	return out
}

// listPage returns page n of the articles q selects, and whether more follow. A page
// past the end is not found.
func (s *Server) listPage(ctx context.Context, q news.ArticleQuery, n, per int) ([]*news.Article, bool, error) {
	if n > 1 {
		// A page past the site's last is not there, whatever the list: answered
		// without making the database step over that many rows (and before n*per
		// could overflow).
		total, err := s.publicArticles(ctx)
		if err != nil {
			return nil, false, err
		}
		if n-1 > (total-1)/per {
			return nil, false, news.ErrNotFound
		}
	}
	q.Limit, q.Offset, q.Summaries = per+1, (n-1)*per, true
	arts, err := s.store.Articles(ctx, q)
	if err != nil {
		return nil, false, err
	}
	if n > 1 && len(arts) == 0 {
		return nil, false, news.ErrNotFound
	}
	if len(arts) > per {
		return arts[:per], true, nil
	}
	return arts, false, nil
}

// publicArticles is the number of articles public now, counted once after each change
// to the lists (and at least every minute, as scheduled articles go live by the clock).
func (s *Server) publicArticles(ctx context.Context) (int, error) {
	now := s.now()
	if c := s.publicCount.Load(); c != nil && c.epoch == s.listsEpoch.Load() && now.Sub(c.at) < time.Minute {
		return c.n, nil
	}
	epoch := s.listsEpoch.Load()
	n, err := s.store.CountArticles(ctx, news.ArticleQuery{PublicAt: now})
	if err != nil {
		return 0, err
	}
	s.publicCount.Store(&countAt{n: n, at: now, epoch: epoch})
	return n, nil
}

type countAt struct {
	n     int
	at    time.Time
	epoch uint64
}

type frontBody struct {
	Lead    *teaser
	Teasers []teaser
	Pager   pager
}

func (s *Server) front(r *http.Request, st *siteState) (*response, error) {
	n, err := pageNumber(r)
	if err != nil {
		return nil, err
	}
	ctx, now, per := r.Context(), s.now(), st.settings.PerPage
	arts, more, err := s.listPage(ctx, news.ArticleQuery{PublicAt: now}, n, per)
	if err != nil {
		return nil, err
	}
	body := frontBody{Pager: newPager("/", n, more)}
	if id := st.settings.LeadArticle; n == 1 && id > 0 {
		// The story chosen to lead (a WordPress sticky post), while it is public; its
		// changes name "lists", as this page's do.
		if a, err := s.store.Article(ctx, id); err == nil && a.IsPublic(now) && !a.IsPage() {
			body.Lead = &teaser{Article: a, Level: 2}
			arts = slices.DeleteFunc(arts, func(b *news.Article) bool { return b.ID == a.ID })
		} else if err != nil && !errors.Is(err, news.ErrNotFound) {
			return nil, err
		}
	}
	if n == 1 && body.Lead == nil && len(arts) > 0 {
		body.Lead = &teaser{Article: arts[0], Level: 2}
		arts = arts[1:]
	}
	body.Teasers = teasers(arts, 3)
	title := ""
	if n > 1 {
		title = fmt.Sprintf("Page %d", n)
	}
	v := s.newView(r, st, title)
	v.Description = st.settings.Tagline
	v.Canonical = s.cfg.BaseURL + r.URL.Path
	v.OG = &openGraph{Type: "website", Title: st.settings.Title, Description: st.settings.Tagline, URL: s.absURL(r.URL.Path)}
	v.Body = body
	return &response{template: "front", view: v, deps: []string{news.KeyLists}}, nil
}

// neighbour is a "Read previous/next post" box.
type neighbour struct {
	URL, Title, Excerpt string
}

func newNeighbour(a *news.Article, loc *time.Location) *neighbour {
	if a == nil {
		return nil
	}
	return &neighbour{URL: articlePath(a, loc), Title: render.Smarten(a.Title), Excerpt: summary(a, excerptLength)}
}

// summary is an article's standfirst, or else the start of its text, cut to max. The
// body's HTML has its typography already — curly quotes and dashes in the prose, none
// in code — so its text is not smartened again.
func summary(a *news.Article, max int) string {
	if strings.TrimSpace(a.Standfirst) != "" {
		return render.Excerpt(render.Smarten(a.Standfirst), max)
	}
	return render.ExcerptHTML(a.BodyHTML, max)
}

type commentNode struct {
	C        *news.Comment
	Pending  bool
	ReplyURL string
	Replies  []*commentNode
}

type articleBody struct {
	Article    *news.Article
	Headline   string // the title and standfirst with typography
	Standfirst string
	TagLinks   template.HTML
	// CommentsTitle heads the thread: "3 comments on “Headline”".
	CommentsTitle string
	Prev, Next    *neighbour
	Comments      []*commentNode
	Thread        template.HTML // Comments, written out by threadHTML
	Form          *commentForm
	Respond       template.HTML // Form, written out by respondHTML
	// Skip links the top of the thread to the form; Pages and PagesEnd are the
	// comment pages' navigation above and below the thread (empty for one page).
	Skip, Pages, PagesEnd template.HTML
	Share                 template.HTML
	// Preview marks a story shown before it is public (preview.go): no comments, no
	// neighbours; PreviewNote is said above it.
	Preview     bool
	PreviewNote string
}

// article serves /yyyy/mm/dd/slug/ and its comment pages, …/comment-page-N/,
// redirecting a wrong date to the right one.
func (s *Server) article(r *http.Request, st *siteState) (*response, error) {
	ctx := r.Context()
	cpage, err := commentPageNumber(r.PathValue("cpage"))
	if err != nil {
		return nil, err
	}
	// Slugs are stored in NFC; an address typed with decomposed letters finds the
	// article, and is sent on to its canonical form below.
	a, err := s.store.ArticleBySlug(ctx, news.NFC(r.PathValue("slug")))
	if errors.Is(err, news.ErrNotFound) {
		return s.formerAddress(ctx, st, news.NFC(r.PathValue("slug")), cpage) // a renamed story's old address
	}
	if err != nil {
		return nil, err
	}
	if !a.IsPublic(s.now()) {
		// A story not public (a draft given the slug, a scheduled, unpublished or
		// trashed one) gives way to the public story the address was before: its
		// redirect is cached until either changes (this one's publication among them).
		resp, err := s.formerAddress(ctx, st, a.Slug, cpage)
		if err != nil {
			return nil, err
		}
		resp.deps = append(resp.deps, news.KeyArticle(a.ID))
		return resp, nil
	}
	path := articlePath(a, st.settings.Location)
	// One address a page: comment-page-1 is the article's own address.
	if want := news.CommentPagePath(path, cpage); r.URL.Path != want {
		// Only what the cache key holds travels on (a reply's parent): any other query
		// would ride along in a redirect cached for everyone under the bare path.
		if id, err := strconv.ParseInt(r.URL.Query().Get("replytocom"), 10, 64); err == nil && id > 0 {
			want += "?replytocom=" + strconv.FormatInt(id, 10)
		}
		return movedTo(a, want), nil
	}
	per := st.settings.CommentsPerPage
	form := &commentForm{}
	if v := r.URL.Query().Get("replytocom"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err == nil {
			if c, err := s.store.Comment(ctx, id); err == nil && c.ArticleID == a.ID && c.Status == news.CommentApproved && !c.Removed {
				form.Parent = c
			}
		}
		if form.Parent == nil {
			// Not a comment one can reply to here: the article's own form, from the
			// cache, rather than a render for every made-up ID.
			return &response{status: http.StatusFound, location: news.CommentPagePath(path, cpage) + "#respond"}, nil
		}
		// The reply form is on the page that shows the comment replied to.
		index, err := s.store.CommentThreadIndex(ctx, form.Parent.ID)
		if err != nil {
			return nil, err
		}
		if n := news.CommentPageOf(index, per); n != cpage {
			return &response{status: http.StatusFound, location: news.CommentPagePath(path, n) + "?replytocom=" + strconv.FormatInt(form.Parent.ID, 10) + "#respond"}, nil
		}
	}
	show := commentView{page: cpage}
	if id := s.pendingComment(r); id != 0 {
		if c, err := s.store.Comment(ctx, id); err == nil && c.ArticleID == a.ID && c.Status == news.CommentPending {
			if index, err := s.store.CommentThreadIndex(ctx, c.ID); err == nil && news.CommentPageOf(index, per) == cpage {
				show.pending = c
			}
		}
	}
	resp, err := s.articlePage(ctx, r, st, a, form, show)
	if err != nil {
		return nil, err
	}
	resp.private = show.pending != nil
	return resp, nil
}

// commentView is which comments an article page shows: its comment page (from 1),
// and the pending comment its author is shown (always on the page of its thread, which
// may be one past the last page of approved threads).
type commentView struct {
	page    int
	pending *news.Comment
	// clamp shows the last page when page is past it (a refused post's answer)
	// rather than answering 404.
	clamp bool
}

// articlePage renders an article with one page of its comments and the comment form as
// given (with a reader's values and errors after a refused post). A comment page past
// the last is not found.
func (s *Server) articlePage(ctx context.Context, r *http.Request, st *siteState, a *news.Article, form *commentForm, show commentView) (*response, error) {
	now := s.now()
	per, cpage, pending := st.settings.CommentsPerPage, max(show.page, 1), show.pending
	prev, next, err := s.store.Neighbours(ctx, a, now)
	if err != nil {
		return nil, err
	}
	// A page number past any article's pages (up to what an address can hold) asks
	// for no rows, and is not multiplied past what an int holds.
	cp, err := s.store.ApprovedCommentPage(ctx, a.ID, per, min(cpage-1, math.MaxInt32/max(per, 1))*per)
	if err != nil {
		return nil, err
	}
	pages := news.CommentPages(cp.Threads, per)
	if pending != nil && cpage > pages { // a new thread awaiting moderation, shown to its author
		pages = cpage
	}
	if cpage > pages {
		if !show.clamp {
			return nil, news.ErrNotFound
		}
		cpage = pages
		if cp, err = s.store.ApprovedCommentPage(ctx, a.ID, per, (cpage-1)*per); err != nil {
			return nil, err
		}
	}
	comments := cp.Comments
	total := cp.Total
	if pending != nil {
		comments = append(comments, pending)
		total++
	}
	path := articlePath(a, st.settings.Location)
	here := news.CommentPagePath(path, cpage)
	if form.Token == "" {
		form.Token = s.formToken(a.ID, now)
	}
	form.Closed = commentsClosed(a, st.settings, now)
	form.MaxComment = maxCommentLength
	form.Page = cpage

	body := &articleBody{
		Article: a, Prev: newNeighbour(prev, st.settings.Location), Next: newNeighbour(next, st.settings.Location), Form: form,
		Comments: commentTree(comments, pending, here, form.Closed),
		Share:    shareLinks(a.ID),
	}
	body.Thread = threadHTML(body.Comments, st.settings.Location)
	body.Respond = respondHTML(form, a.ID, here)
	if !form.Closed {
		body.Skip = skipToFormHTML
	}
	if pages > 1 {
		body.Pages = commentPagesHTML(path, cpage, pages, "Comments pages")
		body.PagesEnd = commentPagesHTML(path, cpage, pages, "Comments pages (end)")
	}
	body.Headline, body.Standfirst = render.Smarten(a.Title), render.Smarten(a.Standfirst)
	body.TagLinks = tagLinksHTML(a.Tags)
	body.CommentsTitle = fmt.Sprintf("%d comments on “%s”", total, body.Headline)
	if total == 1 {
		body.CommentsTitle = "One comment on “" + body.Headline + "”"
	}
	title := render.Smarten(a.Title)
	if cpage > 1 { // each comment page its own title (WCAG 2.4.2), as its own address
		title += fmt.Sprintf(" – comments page %d of %d", cpage, pages)
	}
	v := s.newView(r, st, title)
	v.Description = summary(a, 300)
	if a.SEODescription != "" {
		v.Description = a.SEODescription
	}
	v.Canonical = s.cfg.BaseURL + here
	// Open Graph and JSON-LD are read by machines: their addresses are URIs (the
	// canonical link, an href, may stay an IRI).
	og := &openGraph{Type: "article", Title: render.Smarten(a.Title), Description: v.Description, URL: s.absURL(path),
		Image: s.absoluteImage(a.FeaturedImage), Published: a.PublishedAt}
	if a.WasUpdated() {
		og.Modified = a.UpdatedAt
	}
	// An article page announces the site's RSS feed and its section's; the other
	// formats are announced on the front page and the archives.
	v.Feeds = v.Feeds[:1]
	if a.Section != nil {
		og.Section = a.Section.Name
		v.Feeds = append(v.Feeds, feedLink{a.Section.Name + " (RSS)", "application/rss+xml", "/section/" + a.Section.Slug + "/feed.xml"})
	}
	for _, t := range a.Tags {
		og.Tags = append(og.Tags, t.Name)
	}
	v.OG = og
	v.JSONLD = s.newsArticleLD(a, og, st.settings)
	v.Body = body
	deps := []string{news.KeyArticle(a.ID)}
	for _, n := range []*news.Article{prev, next} {
		if n != nil {
			deps = append(deps, news.KeyArticle(n.ID))
		}
	}
	resp := &response{template: "article", view: v, deps: deps}
	if a.IsPage() {
		// A page (About, Ethics) is no news article: no date, section or NewsArticle
		// data for machines, its own template.
		v.OG = &openGraph{Type: "website", Title: og.Title, Description: og.Description, URL: og.URL, Image: og.Image}
		v.JSONLD = ""
		v.Feeds = v.Feeds[:1]
		resp.template = "page"
	}
	if strings.Contains(a.BodyHTML, "<iframe") {
		resp.csp = s.embedCSP(st.settings)
	}
	if !form.Closed {
		resp.formArticle, resp.formToken = a.ID, form.Token
		// Comments close by the clock: the cached page must not outlive its form.
		if days := st.settings.CommentsCloseDays; days > 0 {
			resp.ttl = max(time.Second, a.PublishedAt.AddDate(0, 0, days).Sub(now))
		}
	}
	return resp, nil
}

// absoluteImage is the image with its address made absolute and a URI, for the
// documents machines read.
func (s *Server) absoluteImage(img *news.Image) *news.Image {
	if img == nil {
		return nil
	}
	out := *img
	if strings.HasPrefix(out.URL, "/") && !strings.HasPrefix(out.URL, "//") {
		out.URL = s.absURL(out.URL)
	} else {
		out.URL = feed.ToURI(out.URL)
	}
	return &out
}

// commentTree nests threaded comments for the page: replies inside their parent's list,
// down to news.MaxThreadDepth levels, deeper replies kept at the last level.
func commentTree(comments []*news.Comment, pending *news.Comment, articlePath string, closed bool) []*commentNode {
	var roots []*commentNode
	var stack []*commentNode // stack[d] is the latest node at depth d
	for _, c := range news.Thread(comments) {
		n := &commentNode{C: c, Pending: c == pending}
		if !closed && !n.Pending {
			n.ReplyURL = articlePath + "?replytocom=" + strconv.FormatInt(c.ID, 10) + "#respond"
		}
		stack = append(stack[:c.Depth], n)
		if c.Depth == 0 {
			roots = append(roots, n)
		} else {
			parent := stack[c.Depth-1]
			parent.Replies = append(parent.Replies, n)
		}
	}
	return withoutBarePlaceholders(roots)
}

// withoutBarePlaceholders drops the placeholders of erased comments ("Comment
// removed.") that no shown comment hangs from, at any depth: the store keeps one while
// any reply hangs from it, but a reply trashed, held or marked spam is not shown, and
// a placeholder over nothing says only that someone was erased.
func withoutBarePlaceholders(nodes []*commentNode) []*commentNode {
	out := nodes[:0]
	for _, n := range nodes {
		n.Replies = withoutBarePlaceholders(n.Replies)
		if n.C.Removed && len(n.Replies) == 0 {
			continue
		}
		out = append(out, n)
	}
	return out
}

// shareNetworks are the places an article can be shared to, in the order the page
// lists them, with the address that shares a URL u and a title t (both escaped).
var shareNetworks = []struct{ slug, label, target string }{
	{"mastodon", "Share on Mastodon", "https://mastodonshare.com/?text={t}&url={u}"},
	{"bluesky", "Share on Bluesky", "https://bsky.app/intent/compose?text={t}%20{u}"},
	{"x", "Share on X", "https://x.com/intent/post?url={u}&text={t}"},
	{"facebook", "Share on Facebook", "https://www.facebook.com/sharer/sharer.php?u={u}"},
	{"linkedin", "Share on LinkedIn", "https://www.linkedin.com/sharing/share-offsite/?url={u}"},
	{"email", "Share by email", "mailto:?subject={t}&body={u}"},
}

// shareLinks lists the article's share links. They point to /share/NETWORK/ID, which
// sends the reader on: six full share addresses, each carrying the article's address
// and headline, were an eighth of every article page's weight.
func shareLinks(articleID int64) template.HTML {
	id := strconv.FormatInt(articleID, 10)
	var b strings.Builder
	b.WriteString("<ul>\n")
	for _, n := range shareNetworks {
		b.WriteString(`<li><a href="/share/` + n.slug + "/" + id + `" rel="nofollow">` + n.label + "</a></li>\n")
	}
	b.WriteString("</ul>")
	return template.HTML(b.String())
}

// share sends a reader to a network's share form for an article.
func (s *Server) share(w http.ResponseWriter, r *http.Request) {
	st := s.state.Load()
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	var a *news.Article
	if err == nil {
		a, err = s.store.Article(r.Context(), id)
	}
	if err != nil || !a.IsPublic(s.now()) {
		s.serveError(w, r, st, news.ErrNotFound)
		return
	}
	for _, n := range shareNetworks {
		if n.slug == r.PathValue("network") {
			u := url.QueryEscape(s.absURL(articlePath(a, st.settings.Location)))
			t := strings.ReplaceAll(url.QueryEscape(render.Smarten(a.Title)), "+", "%20")
			w.Header().Set("Cache-Control", "public, max-age=300")
			w.Header().Set("X-Robots-Tag", "noindex")
			http.Redirect(w, r, strings.NewReplacer("{u}", u, "{t}", t).Replace(n.target), http.StatusFound)
			return
		}
	}
	s.serveError(w, r, st, news.ErrNotFound)
}

// newsArticleLD is the schema.org NewsArticle description search engines read.
func (s *Server) newsArticleLD(a *news.Article, og *openGraph, st *news.Settings) template.HTML {
	type ref struct {
		Type string `json:"@type"`
		Name string `json:"name,omitempty"`
		URL  string `json:"url,omitempty"`
		ID   string `json:"@id,omitempty"`
	}
	ld := struct {
		Context          string   `json:"@context"`
		Type             string   `json:"@type"`
		Headline         string   `json:"headline"`
		Description      string   `json:"description,omitempty"`
		URL              string   `json:"url"`
		MainEntityOfPage ref      `json:"mainEntityOfPage"`
		DatePublished    string   `json:"datePublished"`
		DateModified     string   `json:"dateModified"`
		Author           []ref    `json:"author,omitempty"`
		Publisher        ref      `json:"publisher"`
		Image            []string `json:"image,omitempty"`
		Section          string   `json:"articleSection,omitempty"`
		Keywords         []string `json:"keywords,omitempty"`
		CommentCount     int      `json:"commentCount"`
		Free             bool     `json:"isAccessibleForFree"`
	}{
		Context: "https://schema.org", Type: "NewsArticle", Headline: og.Title, Description: og.Description,
		URL: og.URL, MainEntityOfPage: ref{Type: "WebPage", ID: og.URL},
		DatePublished: a.PublishedAt.UTC().Format(time.RFC3339), DateModified: a.PublishedAt.UTC().Format(time.RFC3339),
		Publisher: ref{Type: "Organization", Name: st.Title, URL: s.absURL("/")},
		Section:   og.Section, Keywords: og.Tags, CommentCount: a.CommentCount, Free: true,
	}
	if a.WasUpdated() {
		ld.DateModified = a.UpdatedAt.UTC().Format(time.RFC3339)
	}
	for _, au := range a.Byline() { // every author, in the byline's order
		ld.Author = append(ld.Author, ref{Type: "Person", Name: au.Name, URL: s.absURL("/author/" + au.Slug + "/")})
	}
	if og.Image != nil {
		ld.Image = []string{og.Image.URL}
	}
	// encoding/json escapes <, > and &, so the text cannot close the script element.
	out, err := json.Marshal(ld)
	if err != nil {
		return ""
	}
	return template.HTML(`<script type="application/ld+json">` + string(out) + `</script>`)
}

// term is what an archive or a feed lists: a section, a tag or an author.
type term struct {
	kind, name, description string
	preposition             string // "Latest in World", "on Climate", "by Anna Petrova"
	query                   news.ArticleQuery
	dep                     string // the cache key of its lists
}

// findTerm finds the section, tag or author an address names (slugs are stored in NFC).
func (s *Server) findTerm(ctx context.Context, kind, slug string) (*term, error) {
	slug = news.NFC(slug)
	switch kind {
	case "section":
		sec, err := s.store.SectionBySlug(ctx, slug)
		if err != nil {
			return nil, err
		}
		return &term{"Section", sec.Name, sec.Description, "in", news.ArticleQuery{SectionID: sec.ID}, news.KeySection(sec.ID)}, nil
	case "tag":
		tag, err := s.store.TagBySlug(ctx, slug)
		if err != nil {
			return nil, err
		}
		return &term{"Tag", tag.Name, "", "on", news.ArticleQuery{TagID: tag.ID}, news.KeyTag(tag.ID)}, nil
	case "author":
		au, err := s.store.AuthorBySlug(ctx, slug)
		if err != nil {
			return nil, err
		}
		return &term{"Author", au.Name, au.Bio, "by", news.ArticleQuery{AuthorID: au.ID}, news.KeyAuthor(au.ID)}, nil
	}
	return nil, news.ErrNotFound
}

type archiveBody struct {
	Kind, Name, Description, FeedURL string
	// Parent is the section a section sits under (a WordPress category's parent), nil
	// at the top and for tags and authors.
	Parent  *news.Section
	Teasers []teaser
	Pager   pager
}

// archive serves the paginated lists of a section, a tag or an author.
func (s *Server) archive(r *http.Request, st *siteState) (*response, error) {
	ctx, now := r.Context(), s.now()
	n, err := pageNumber(r)
	if err != nil {
		return nil, err
	}
	kind, slug := strings.SplitN(strings.TrimPrefix(r.URL.Path, "/"), "/", 2)[0], r.PathValue("slug")
	if nfc := news.NFC(slug); nfc != slug { // one tag, one address
		return &response{status: http.StatusMovedPermanently, location: strings.Replace(r.URL.Path, slug, nfc, 1)}, nil
	}
	t, err := s.findTerm(ctx, kind, slug)
	if errors.Is(err, news.ErrNotFound) && kind == "tag" {
		return s.formerTag(ctx, slug, r.URL.Path)
	}
	if err != nil {
		return nil, err
	}
	q := t.query
	q.PublicAt = now
	base := "/" + kind + "/" + slug + "/"
	body := archiveBody{Kind: t.kind, Name: t.name, Description: t.description, FeedURL: base + "feed.xml"}
	if kind == "section" {
		body.Parent = parentSection(st.sections, slug)
	}
	arts, more, err := s.listPage(ctx, q, n, st.settings.PerPage)
	if err != nil {
		return nil, err
	}
	if len(arts) == 0 && kind != "section" {
		// A tag or a byline exists for readers through its public articles: one that
		// only drafts carry is not there (its name could give a story away).
		return nil, news.ErrNotFound
	}
	body.Teasers = teasers(arts, 2)
	body.Pager = newPager(base, n, more)
	title := body.Name
	if n > 1 {
		title = fmt.Sprintf("%s – page %d", body.Name, n)
	}
	v := s.newView(r, st, title)
	v.Canonical = s.cfg.BaseURL + r.URL.Path
	v.Description = fmt.Sprintf("%s: %s – %s", body.Kind, body.Name, st.settings.Title)
	v.OG = &openGraph{Type: "website", Title: body.Name, Description: v.Description, URL: s.absURL(r.URL.Path)}
	v.Feeds = append(v.Feeds,
		feedLink{body.Name + " (RSS)", "application/rss+xml", base + "feed.xml"},
		feedLink{body.Name + " (Atom)", "application/atom+xml", base + "atom.xml"},
		feedLink{body.Name + " (JSON Feed)", "application/feed+json", base + "feed.json"})
	v.Body = body
	return &response{template: "archive", view: v, deps: []string{t.dep}}, nil
}

// parentSection is the section that the section with slug sits under; nil when none.
// A section's renaming names every page (news.KeyAll), so a child's page shows its
// parent's name as it is.
func parentSection(secs []*news.Section, slug string) *news.Section {
	var parent int64
	for _, s := range secs {
		if s.Slug == slug {
			parent = s.ParentID
		}
	}
	for _, s := range secs {
		if parent != 0 && s.ID == parent {
			return s
		}
	}
	return nil
}
