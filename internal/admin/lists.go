package admin

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"broadsheet/internal/news"
)

// The admin's lists (issue 8): the article list paged by keyset, filtered by part of a
// name, with each row's View / Edit / Trash and its approved comments, and bulk moves
// checked article by article.

type articleRow struct {
	ID                             int64
	Title, Status, Section, Byline string
	When                           template.HTML
	Editable, CanTrash             bool
	ReadOnly                       bool   // the writer's own story they may only read (or withdraw) now: ownReadOnly
	ViewURL, ViewLabel             string // the public address when live, else the preview
	Comments                       int    // approved
	Version                        int64
	Nav                            string // a page's place in the navigation ("" none)
}

type articleFilter struct {
	Status, Section, Tag, Author, Words string
	Mine                                bool
	PerPage                             int
}

// query is the filter as a list address's query (no page key).
func (f articleFilter) query() url.Values {
	q := url.Values{}
	for k, v := range map[string]string{"status": f.Status, "section": f.Section, "tag": f.Tag, "author": f.Author, "q": f.Words} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if f.Mine {
		q.Set("mine", "1")
	}
	if f.PerPage != news.ListPageDefault {
		q.Set("n", strconv.Itoa(f.PerPage))
	}
	return q
}

type articlesBody struct {
	Filter     articleFilter
	Statuses   []news.ArticleStatus
	Sections   []*news.Section
	Articles   []articleRow
	Total      int
	Prev, Next string // the neighbouring pages' addresses ("" at an end)
	First      string // the first page's address, when this is not it
	Back       string // this page's address: where a row's or the bulk form's action returns
	Bulk       []editAction
	PerPages   []int
	// Pages says the list is of static pages (pageList); Path is the list's address.
	Pages bool
	Path  string
}

var allStatuses = []news.ArticleStatus{news.StatusDraft, news.StatusReview, news.StatusScheduled, news.StatusPublished, news.StatusUnpublished, news.StatusTrash}

// formatKey and parseKey write an ArticleKey in a list address: "UNIX.ID", or ".ID"
// for an article without a publication time.
func formatKey(k news.ArticleKey) string {
	if k.PublishedAt.IsZero() {
		return "." + strconv.FormatInt(k.ID, 10)
	}
	return strconv.FormatInt(k.PublishedAt.Unix(), 10) + "." + strconv.FormatInt(k.ID, 10)
}

func parseKey(s string) (*news.ArticleKey, bool) {
	at, id, ok := strings.Cut(s, ".")
	n, err := strconv.ParseInt(id, 10, 64)
	if !ok || err != nil || n <= 0 {
		return nil, false
	}
	k := &news.ArticleKey{ID: n}
	if at != "" {
		sec, err := strconv.ParseInt(at, 10, 64)
		if err != nil || sec < -62135596800 || sec > 253402300799 { // years 1 to 9999
			return nil, false
		}
		k.PublishedAt = time.Unix(sec, 0).UTC()
	}
	return k, true
}

// articles lists articles with the newsroom's filters: status, section, tag and author
// by part of their name, words of the headline or standfirst, and "only mine"; a page
// at a time (n a page, 10 to 200), newest first.
func (s *Server) articles(w http.ResponseWriter, r *http.Request, u *news.User) {
	q := r.URL.Query()
	q.Del("kind")
	s.articleList(w, r, u, q, http.StatusOK, "", "")
}

// pages is the list of static pages (news.KindPage): the article list's paging, states
// and row actions, without sections or tags.
func (s *Server) pageList(w http.ResponseWriter, r *http.Request, u *news.User) {
	q := r.URL.Query()
	q.Set("kind", string(news.KindPage))
	s.articleList(w, r, u, q, http.StatusOK, "", "")
}

// listPath is the list a query is of: /admin/pages when its kind is page (set by
// pageList and listBack, never read from an address), /admin/articles otherwise.
func listPath(q url.Values) string {
	if q.Get("kind") == string(news.KindPage) {
		return "/admin/pages"
	}
	return "/admin/articles"
}

func (s *Server) articleList(w http.ResponseWriter, r *http.Request, u *news.User, q url.Values, status int, flash, errMsg string) {
	ctx, now := r.Context(), s.cfg.Now()
	path, pages := listPath(q), q.Get("kind") == string(news.KindPage)
	f := articleFilter{Status: q.Get("status"), Section: q.Get("section"), Tag: news.CutFilter(q.Get("tag")),
		Author: news.CutFilter(q.Get("author")), Words: news.CutFilter(q.Get("q")), Mine: q.Get("mine") == "1", PerPage: news.ListPageDefault}
	if n, err := strconv.Atoi(q.Get("n")); err == nil {
		f.PerPage = min(max(n, 10), news.ListPageMax)
	}
	query := news.ArticleQuery{Status: news.ArticleStatus(f.Status), Words: f.Words, AuthorName: f.Author, TagName: f.Tag,
		Limit: f.PerPage + 1, Summaries: true}
	if pages {
		query.Kind = news.KindPage
		f.Section, f.Tag = "", "" // a page has neither
		query.TagName = ""
	}
	none := false // a filter names something that does not exist: nothing matches
	if f.Status != "" && !query.Status.Valid() {
		none = true
	}
	if f.Section != "" {
		if sec, err := s.store.SectionBySlug(ctx, f.Section); err == nil {
			query.SectionID = sec.ID
		} else {
			none = true
		}
	}
	if f.Mine {
		query.OwnerID = u.ID
	}
	if k, ok := parseKey(q.Get("after")); ok {
		query.After = k
	} else if k, ok := parseKey(q.Get("before")); ok {
		query.Before = k
	}
	body := articlesBody{Filter: f, Statuses: allStatuses, PerPages: []int{20, 50, 100, 200}, Pages: pages, Path: path}
	body.Sections, _ = s.store.Sections(ctx)
	base := f.query()
	addr := func(key, value string) string {
		v := url.Values{}
		for k, x := range base {
			v[k] = x
		}
		if key != "" {
			v.Set(key, value)
		}
		if len(v) == 0 {
			return path
		}
		return path + "?" + v.Encode()
	}
	body.Back = addr("", "")
	if query.After != nil {
		body.Back = addr("after", q.Get("after"))
	} else if query.Before != nil {
		body.Back = addr("before", q.Get("before"))
	}
	if !none {
		arts, err := s.store.Articles(ctx, query)
		if err == nil {
			body.Total, err = s.store.CountArticles(ctx, news.ArticleQuery{Kind: query.Kind, Status: query.Status, Words: query.Words,
				AuthorName: query.AuthorName, TagName: query.TagName, SectionID: query.SectionID, OwnerID: query.OwnerID})
		}
		if err != nil {
			s.log.Error("article list", "err", err)
			s.fail(w, r, u, http.StatusInternalServerError, "Something went wrong", "The articles could not be read.")
			return
		}
		// One row more than the page tells whether there is a page beyond, in the
		// direction read.
		more := len(arts) > f.PerPage
		if more {
			if query.Before != nil {
				arts = arts[1:]
			} else {
				arts = arts[:f.PerPage]
			}
		}
		if len(arts) > 0 {
			first, last := news.KeyOf(arts[0]), news.KeyOf(arts[len(arts)-1])
			if (query.Before == nil && more) || query.Before != nil {
				body.Next = addr("after", formatKey(last))
			}
			if query.After != nil || (query.Before != nil && more) {
				body.Prev = addr("before", formatKey(first))
			}
		}
		if query.After != nil || query.Before != nil {
			body.First = addr("", "")
		}
		for _, a := range arts {
			body.Articles = append(body.Articles, s.articleRowOf(u, a, now))
		}
	}
	for _, act := range bulkActions {
		if u.Role.Can(act.perm) {
			body.Bulk = append(body.Bulk, editAction{Value: act.Value, Label: act.Label})
		}
	}
	title, nav := "Articles", "articles"
	if pages {
		title, nav = "Pages", "pages"
	}
	s.render(w, r, status, "articles", &page{Title: title, Nav: nav, User: u, CSRF: s.csrfToken(r),
		Flash: flash, Error: errMsg, Body: body})
}

func (s *Server) articleRowOf(u *news.User, a *news.Article, now time.Time) articleRow {
	row := articleRow{ID: a.ID, Title: a.Title, Status: string(a.Status), Editable: u.CanEdit(a), Comments: a.CommentCount, Version: a.Version}
	row.CanTrash = a.Status != news.StatusTrash && u.CanMove(a, news.StatusTrash)
	row.ReadOnly = !row.Editable && ownReadOnly(u, a)
	if a.Section != nil {
		row.Section = a.Section.Name
	}
	if a.Author != nil {
		row.Byline = a.Author.Name
	}
	if a.NavPosition > 0 {
		row.Nav = strconv.Itoa(a.NavPosition)
	}
	if p := s.publicPath(a, now); p != "" {
		row.ViewURL, row.ViewLabel = p, "View"
	} else if mayPreview(u, a) {
		row.ViewURL, row.ViewLabel = fmt.Sprintf("/admin/articles/%d/preview", a.ID), "Preview"
	}
	when := a.PublishedAt
	if when.IsZero() {
		when = a.CreatedAt
	}
	row.When = s.when(when)
	return row
}

// mayPreview: who may edit a story may see it, and its writer may see it in any state
// (a contributor's scheduled story).
func mayPreview(u *news.User, a *news.Article) bool {
	return u.CanEdit(a) || (a.OwnerID == u.ID && u.Role.Can(news.PermWriteDrafts))
}

// bulkActions are the list's moves, with the permission that offers one; whether an
// article may make it is User.CanMove's, article by article.
var bulkActions = []struct {
	editAction
	perm   news.Permission
	target news.ArticleStatus
}{
	{editAction{Value: "trash", Label: "Move to trash"}, news.PermWriteDrafts, news.StatusTrash},
	{editAction{Value: "restore", Label: "Restore from trash"}, news.PermWriteDrafts, news.StatusDraft},
	{editAction{Value: "publish", Label: "Publish"}, news.PermPublishOwn, news.StatusPublished},
	{editAction{Value: "unpublish", Label: "Unpublish"}, news.PermPublishOwn, news.StatusUnpublished},
}

// listBack is the list address a bulk form returns to: /admin/articles with its query,
// without a previous message; anything else is the list's first page.
func listBack(v string) url.Values {
	u, err := url.Parse(v)
	if err != nil || (u.Path != "/admin/articles" && u.Path != "/admin/pages") || u.Host != "" || u.Scheme != "" {
		return url.Values{}
	}
	q := u.Query()
	q.Del("done")
	q.Del("kind")
	if u.Path == "/admin/pages" {
		q.Set("kind", string(news.KindPage)) // which list (listPath)
	}
	return q
}

// bulkArticles moves the chosen articles (ids, each with the version its row was loaded
// with as vID) as action says, or the one article a row's Trash button names: each is
// checked on its own (User.CanMove, its state, its version), the ones allowed are moved,
// and the answer names every one refused and why. A version other than the stored one is
// refused: someone changed the story since the list was loaded.
func (s *Server) bulkArticles(w http.ResponseWriter, r *http.Request, u *news.User) {
	ctx, now, f := r.Context(), s.cfg.Now(), r.PostForm
	back := listBack(f.Get("back"))
	action, raw := f.Get("action"), f["ids"]
	if one := f.Get("trash"); one != "" {
		action, raw = "trash", []string{one}
	}
	var target news.ArticleStatus
	for _, a := range bulkActions {
		if a.Value == action {
			target = a.target
		}
	}
	var ids []int64
	for _, v := range raw {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil && id > 0 && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	switch {
	case target == "":
		s.articleList(w, r, u, back, http.StatusUnprocessableEntity, "", "Choose an action for the articles: nothing was changed.")
		return
	case len(ids) == 0:
		s.articleList(w, r, u, back, http.StatusUnprocessableEntity, "", "Choose at least one article: nothing was changed.")
		return
	case len(ids) > news.ListPageMax:
		s.articleList(w, r, u, back, http.StatusUnprocessableEntity, "", fmt.Sprintf("At most %d articles at once: nothing was changed.", news.ListPageMax))
		return
	}
	if wait, err := s.take(r, u, saveRate); err != nil {
		s.log.Error("count a bulk move", "user", u.ID, "err", err)
		s.articleList(w, r, u, back, http.StatusServiceUnavailable, "", "Nothing was changed just now. Please try again.")
		return
	} else if wait > 0 {
		secs := retryAfter(w, wait)
		s.articleList(w, r, u, back, http.StatusTooManyRequests, "", fmt.Sprintf("You are saving very often: please wait %d seconds, then try again. Nothing was changed.", secs))
		return
	}
	var done []string
	var refused []string
	drafted := 0 // of done: scheduled stories never live, switched to draft (unpublishTarget)
	status := http.StatusSeeOther
	refuse := func(code int, title, why string) {
		refused = append(refused, "“"+title+"” "+why)
		// The answer's status is the gravest refusal's: a conflict, then a refusal by
		// role, then the rest.
		rank := map[int]int{http.StatusConflict: 3, http.StatusForbidden: 2}
		if status == http.StatusSeeOther || rank[code] > rank[status] {
			status = code
		}
	}
	for _, id := range ids {
		a, err := s.store.Article(ctx, id)
		if err != nil {
			refuse(http.StatusNotFound, fmt.Sprintf("#%d", id), "no longer exists")
			continue
		}
		base, err := strconv.ParseInt(f.Get(fmt.Sprintf("v%d", id)), 10, 64)
		if err != nil {
			base = 0 // no version: it cannot be the stored one
		}
		if !u.CanMove(a, target) {
			refuse(http.StatusForbidden, a.Title, fmt.Sprintf("was left as it is: your role (%s) may not make it %s", u.Role, target))
			continue
		}
		to, why := bulkTarget(a, target, now)
		if why != "" {
			refuse(http.StatusUnprocessableEntity, a.Title, why)
			continue
		}
		if target == news.StatusDraft && why == "" {
			to, _ = s.restoreTarget(r, u, a) // the state it had before the trash (preview.go)
		}
		if to == news.StatusUnpublished {
			to = s.unpublishTarget(ctx, a) // a scheduled story never live: back to the drafts
		}
		if !u.CanMove(a, to) { // publishing may schedule
			refuse(http.StatusForbidden, a.Title, fmt.Sprintf("was left as it is: your role (%s) may not make it %s", u.Role, to))
			continue
		}
		if base != a.Version {
			refuse(http.StatusConflict, a.Title, "was changed by someone else since this list was loaded, so it was left as it is: look at it again, then try again")
			continue
		}
		if to == news.StatusPublished || to == news.StatusScheduled {
			if a.PublishedAt.IsZero() {
				a.PublishedAt = now.Truncate(time.Second)
			}
		}
		a.Status, a.EditedBy = to, u.ID
		if err := s.store.UpdateArticle(ctx, a); err != nil {
			switch {
			case errors.Is(err, news.ErrStale):
				refuse(http.StatusConflict, a.Title, "was changed by someone else since this list was loaded, so it was left as it is: look at it again, then try again")
			case errors.Is(err, news.ErrConflict):
				refuse(http.StatusConflict, a.Title, "has the address of another published story: open it and choose another slug")
			case errors.Is(err, news.ErrMediaDeleted):
				refuse(http.StatusUnprocessableEntity, a.Title, "names an image deleted from the library: open it, choose another image or take it out of the text")
			default:
				s.log.Error("bulk move", "article", a.ID, "err", err)
				refuse(http.StatusInternalServerError, a.Title, "could not be changed just now")
			}
			continue
		}
		s.store.DropForm(ctx, autosaveKey(u, a.ID)) // the writer was told in the write (news.WorkflowNotice)
		s.log.Info("article moved", "article", a.ID, "status", a.Status, "by", u.ID)
		done = append(done, a.Title)
		if target == news.StatusUnpublished && to == news.StatusDraft {
			drafted++
		}
	}
	msg := ""
	if len(done) > 0 {
		s.sync(r)
		msg = doneMessage(target, len(done))
		if drafted > 0 {
			msg = strings.TrimSuffix(msg, ".") + fmt.Sprintf(" (%d of them scheduled but never published: switched to draft).", drafted)
		}
		if target == news.StatusTrash && len(done) == 1 && len(ids) == 1 {
			msg += undoMarker(ids[0]) // one story: its Undo (preview.go)
		}
	}
	if len(refused) == 0 {
		addr := listPath(back)
		back.Del("kind")
		if len(back) > 0 {
			addr += "?" + back.Encode()
		}
		s.redirectWith(w, r, addr, msg)
		return
	}
	n := "These were not changed: "
	if len(refused) == 1 {
		n = "This was not changed: "
	}
	s.articleList(w, r, u, back, status, msg, n+strings.Join(refused, "; ")+".")
}

// bulkTarget is the status an article moves to by a bulk action, or why it cannot.
func bulkTarget(a *news.Article, action news.ArticleStatus, now time.Time) (news.ArticleStatus, string) {
	switch action {
	case news.StatusTrash:
		if a.Status == news.StatusTrash {
			return "", "is in the trash already"
		}
		return news.StatusTrash, ""
	case news.StatusDraft: // restore
		if a.Status != news.StatusTrash {
			return "", "is not in the trash"
		}
		return news.StatusDraft, ""
	case news.StatusPublished:
		switch {
		case a.Status == news.StatusTrash:
			return "", "is in the trash: restore it first"
		case a.Status == news.StatusPublished:
			return "", "is published already"
		case strings.TrimSpace(a.BodyMarkdown) == "" && strings.TrimSpace(a.BodyHTML) == "":
			return "", "has no body yet"
		}
		at := a.PublishedAt
		if at.IsZero() {
			at = now
		}
		return news.StatusAt(news.StatusPublished, at, now), ""
	case news.StatusUnpublished:
		if a.Status != news.StatusPublished && a.Status != news.StatusScheduled {
			return "", "is not published"
		}
		return news.StatusUnpublished, ""
	}
	return "", "cannot be moved so"
}

func doneMessage(target news.ArticleStatus, n int) string {
	what := "1 article"
	if n != 1 {
		what = fmt.Sprintf("%d articles", n)
	}
	switch target {
	case news.StatusTrash:
		return "Moved to the trash: " + what + "."
	case news.StatusDraft:
		return "Restored from the trash as drafts: " + what + "."
	case news.StatusPublished:
		return "Published (or scheduled, when their time is to come): " + what + "."
	}
	return "Unpublished: " + what + "."
}

type userPager struct {
	match      string
	total      int
	prev, next string
}

// userPage reads the users screen's page: part of a name or email (q), 50 a page
// (page, from 1; a bounded OFFSET: a newsroom's accounts are few).
func (s *Server) userPage(r *http.Request) ([]*news.User, userPager, error) {
	q := r.URL.Query()
	p := userPager{match: news.CutFilter(q.Get("q"))}
	n, err := strconv.Atoi(q.Get("page"))
	if err != nil || n < 1 {
		n = 1
	}
	n = min(n, 10000)
	users, total, err := s.store.UserList(r.Context(), news.UserQuery{Match: p.match, Limit: news.ListPageDefault, Offset: (n - 1) * news.ListPageDefault})
	if err != nil {
		return nil, p, err
	}
	p.total = total
	at := func(k int) string {
		v := url.Values{}
		if p.match != "" {
			v.Set("q", p.match)
		}
		if k > 1 {
			v.Set("page", strconv.Itoa(k))
		}
		if len(v) == 0 {
			return "/admin/users"
		}
		return "/admin/users?" + v.Encode()
	}
	if n > 1 {
		p.prev = at(n - 1)
	}
	if n*news.ListPageDefault < total {
		p.next = at(n + 1)
	}
	return users, p, nil
}
