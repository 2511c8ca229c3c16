package admin

// The history of an article: its versions, newest first, a page at a time, each with
// what it changed from the one before, and any two of them compared side by side
// (WordPress's revisions screen and its "compare any two revisions" mode; MediaWiki's
// history with its two columns of radio buttons).

import (
	"fmt"
	"html"
	"html/template"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"

	"broadsheet/internal/news"
)

// historyPage is how many versions the history shows a page.
const historyPage = 20

// fieldChange is one field that differs between two versions: its label and the
// change as "old → new", removed words in <del> and added ones in <ins>.
type fieldChange struct {
	Label  string
	Change template.HTML
}

// revisionComparison is how one version differs from an older one.
type revisionComparison struct {
	Summary string        // "Status changed from draft to published."
	Fields  []fieldChange // the headline, the status, the image…: what changed
	Body    template.HTML // the body side by side; "" when it did not change
	Cut     bool          // the body's comparison did not show every changed line
}

type historyEntry struct {
	ID, Version int64
	When        template.HTML
	Who, Status string
	Restorable  bool
	// First says why there is no comparison: the first version, or the oldest kept.
	First string
	revisionComparison
	// Alone is the address of this version compared with the one before, shown alone
	// (with the larger budget), when the list's comparison was cut.
	Alone              string
	CheckFrom, CheckTo bool
	HeadingID          string
}

// historyComparison is two chosen versions compared, at the top of the history.
type historyComparison struct {
	Older, Newer string // "version 3, saved 2 Mar 2026 10:00:00 CET by Ana Reyes"
	Same         bool   // the same version was chosen twice
	revisionComparison
}

// history shows the article's versions, newest first, a page at a time, each with what
// it changed from the one before; with ?from=ID&to=ID (revision IDs, in either order;
// the last of each wins, so that a choice made on this page overrides one carried from
// another), the two versions compared above the list.
func (s *Server) history(w http.ResponseWriter, r *http.Request, u *news.User) {
	a, ok := s.loadEditable(w, r, u)
	if !ok {
		return
	}
	q := r.URL.Query()
	pageNo, _ := strconv.Atoi(q.Get("page"))
	pageNo = min(max(1, pageNo), 1_000_000)
	// One version more than the page shows: the last one's comparison needs the one
	// before it.
	revs, total, err := s.store.RevisionPage(r.Context(), a.ID, historyPage+1, (pageNo-1)*historyPage)
	if err != nil {
		s.fail(w, r, u, http.StatusInternalServerError, "Something went wrong", "The history could not be read.")
		return
	}
	last := func(name string) int64 {
		vs := q[name]
		if len(vs) == 0 {
			return 0
		}
		n, _ := strconv.ParseInt(strings.TrimSpace(vs[len(vs)-1]), 10, 64)
		return n
	}
	fromID, toID := last("from"), last("to")
	var cmp *historyComparison
	if fromID != 0 || toID != 0 {
		find := func(id int64) *news.Revision {
			for _, rev := range revs {
				if rev.ID == id {
					return rev
				}
			}
			rev, err := s.store.Revision(r.Context(), id)
			if err != nil || rev.ArticleID != a.ID {
				return nil
			}
			return rev
		}
		from, to := find(fromID), find(toID)
		if from == nil || to == nil {
			s.fail(w, r, u, http.StatusNotFound, "No such version", "Choose two of this article's versions to compare: one of those chosen is not one of its versions, or is no longer kept.")
			return
		}
		// Old then new, whichever way round they were chosen.
		if from.ID > to.ID {
			from, to = to, from
		}
		fromID, toID = from.ID, to.ID
		cmp = &historyComparison{Older: s.revisionName(from, true), Newer: s.revisionName(to, true), Same: from.ID == to.ID}
		if !cmp.Same {
			cmp.revisionComparison = s.compareRevisions(from, to, compareBudget, "Before: "+s.revisionName(from, false), "After: "+s.revisionName(to, false))
		}
	}
	shown := revs[:min(len(revs), historyPage)]
	// The choice on this page: the versions compared, or the newest against the one
	// before it.
	checkFrom, checkTo := fromID, toID
	if cmp == nil && len(shown) > 1 {
		checkFrom, checkTo = shown[1].ID, shown[0].ID
	}
	base := fmt.Sprintf("/admin/articles/%d/history", a.ID)
	var entries []historyEntry
	for i, rev := range shown {
		e := historyEntry{ID: rev.ID, Version: rev.Version, When: s.timeHTML(rev.CreatedAt, layoutSeconds), Who: rev.UserName,
			Status: statusWords(rev.Status), Restorable: pageNo > 1 || i > 0, CheckFrom: rev.ID == checkFrom, CheckTo: rev.ID == checkTo,
			HeadingID: fmt.Sprintf("r%d-title", rev.ID)}
		if e.Who == "" {
			e.Who = "the system"
		}
		if i+1 < len(revs) {
			prev := revs[i+1]
			e.revisionComparison = s.compareRevisions(prev, rev, listBudget, "Before: "+s.revisionName(prev, false), "After: "+s.revisionName(rev, false))
			if e.Cut {
				e.Alone = base + "?" + url.Values{"from": {strconv.FormatInt(prev.ID, 10)}, "to": {strconv.FormatInt(rev.ID, 10)}}.Encode() + "#compared"
			}
		} else if total >= news.MaxRevisions {
			e.First = fmt.Sprintf("The oldest version kept: older ones were deleted (the newest %d are kept).", news.MaxRevisions)
		} else {
			e.First = "The first version."
		}
		entries = append(entries, e)
	}
	// The choice carried from another page, for the group this page leaves unchosen.
	carried := url.Values{}
	onPage := func(id int64) bool {
		for _, rev := range shown {
			if rev.ID == id {
				return true
			}
		}
		return false
	}
	if cmp != nil {
		if !onPage(fromID) {
			carried.Set("from", strconv.FormatInt(fromID, 10))
		}
		if !onPage(toID) {
			carried.Set("to", strconv.FormatInt(toID, 10))
		}
	}
	body := struct {
		ID, Version       int64
		Title             string
		Revisions         []historyEntry
		Compare           *historyComparison
		Carried           []struct{ Name, Value string }
		Newer, Older      string
		Page, Pages, Kept int
		ListURL           string
	}{ID: a.ID, Version: a.Version, Title: a.Title, Revisions: entries, Compare: cmp, Page: pageNo,
		Pages: (total + historyPage - 1) / historyPage, Kept: news.MaxRevisions, ListURL: base}
	for _, name := range []string{"from", "to"} {
		if v := carried.Get(name); v != "" {
			body.Carried = append(body.Carried, struct{ Name, Value string }{name, v})
		}
	}
	pageURL := func(n int) string {
		v := url.Values{"page": {strconv.Itoa(n)}}
		if cmp != nil {
			v.Set("from", strconv.FormatInt(fromID, 10))
			v.Set("to", strconv.FormatInt(toID, 10))
		}
		return base + "?" + v.Encode()
	}
	if pageNo > 1 {
		body.Newer = pageURL(pageNo - 1)
	}
	if pageNo*historyPage < total {
		body.Older = pageURL(pageNo + 1)
	}
	s.render(w, r, http.StatusOK, "history", &page{Title: "History", Nav: "articles", User: u, CSRF: s.csrfToken(r), Body: body})
}

// revisionName names a version: "version 3" (or its time, for a version recorded
// before versions were numbered), with when and by whom it was saved if long.
func (s *Server) revisionName(r *news.Revision, long bool) string {
	when := timeText(r.CreatedAt, s.location(), layoutSeconds)
	name := "the version of " + when
	if r.Version > 0 {
		name = "version " + strconv.FormatInt(r.Version, 10)
		if long {
			name += ", saved " + when
		}
	}
	if long {
		who := r.UserName
		if who == "" {
			who = "the system"
		}
		name += " by " + who
	}
	return name
}

// statusWords is a status as the history says it.
func statusWords(st news.ArticleStatus) string {
	if st == news.StatusReview {
		return "in review"
	}
	return string(st)
}

// compareRevisions says how version now differs from the older version was: a summary
// sentence, the fields that changed ("Headline: old → new") and the body side by side.
func (s *Server) compareRevisions(was, now *news.Revision, budget diffBudget, oldLabel, newLabel string) revisionComparison {
	var c revisionComparison
	var changed []string
	text := func(label, a, b string) {
		if a != b {
			c.Fields = append(c.Fields, fieldChange{label, arrowChange(a, b)})
			changed = append(changed, strings.ToLower(label[:1])+label[1:])
		}
	}
	text("Headline", was.Title, now.Title)
	text("Standfirst", was.Standfirst, now.Standfirst)
	text("Section", was.Section, now.Section)
	text("Tags", strings.Join(was.Tags, ", "), strings.Join(now.Tags, ", "))
	text("Address (slug)", was.Slug, now.Slug)
	if !was.PublishedAt.Equal(now.PublishedAt) {
		mark := func(t template.HTML, tag string) template.HTML {
			if t == "" {
				return ""
			}
			return template.HTML("<"+tag+">") + t + template.HTML("</"+tag+">")
		}
		c.Fields = append(c.Fields, fieldChange{"Publication time", arrowHTML(mark(s.timeHTML(was.PublishedAt, layoutSeconds), "del"),
			mark(s.timeHTML(now.PublishedAt, layoutSeconds), "ins"))})
		changed = append(changed, "publication time")
	}
	statusChanged := was.Status != now.Status
	if statusChanged {
		c.Fields = append(c.Fields, fieldChange{"Status", arrowHTML(template.HTML("<del>"+html.EscapeString(statusWords(was.Status))+"</del>"),
			template.HTML("<ins>"+html.EscapeString(statusWords(now.Status))+"</ins>"))})
	}
	text("Correction or update note", was.Correction, now.Correction)
	text("SEO description", was.SEO, now.SEO)
	// The image and the comments switch, when both versions kept them.
	if was.HasSwitches && now.HasSwitches {
		if was.ImageURL != now.ImageURL {
			c.Fields = append(c.Fields, fieldChange{"Featured image", arrowHTML(imageHTML(was.ImageURL, "del"), imageHTML(now.ImageURL, "ins"))})
			changed = append(changed, "featured image")
		}
		text("Image alt text", was.ImageAlt, now.ImageAlt)
		text("Image caption", was.ImageCaption, now.ImageCaption)
		if was.CommentsClosed != now.CommentsClosed {
			words := map[bool]string{false: "open", true: "closed"}
			c.Fields = append(c.Fields, fieldChange{"Comments", arrowHTML(template.HTML("<del>"+words[was.CommentsClosed]+"</del>"),
				template.HTML("<ins>"+words[now.CommentsClosed]+"</ins>"))})
			changed = append(changed, "comments switch")
		}
	}
	// The byline, when both versions kept it (bylines.go): "A and B → A, B and C".
	if was.HasAuthors && now.HasAuthors {
		if !slices.Equal(was.Authors, now.Authors) {
			c.Fields = append(c.Fields, fieldChange{"Byline", bylineChange(was.Authors, now.Authors)})
			changed = append(changed, "byline")
		}
	}
	c.Body, c.Cut = sideBySideCut(was.Markdown, now.Markdown, oldLabel, newLabel, budget)
	if c.Body != "" {
		changed = append(changed, "body")
	}
	var sum []string
	if statusChanged {
		sum = append(sum, fmt.Sprintf("Status changed from %s to %s.", statusWords(was.Status), statusWords(now.Status)))
	}
	if len(changed) > 0 {
		list := "the " + strings.Join(changed, ", the ")
		if k := strings.LastIndex(list, ", the "); k >= 0 {
			list = list[:k] + " and" + list[k+1:]
		}
		verb := " changed."
		if statusChanged {
			verb = " changed too."
		}
		sum = append(sum, strings.ToUpper(list[:1])+list[1:]+verb)
	}
	if len(sum) == 0 {
		sum = append(sum, "Nothing the history keeps changed.")
	}
	c.Summary = strings.Join(sum, " ")
	return c
}

// arrowChange is a text field's change as "old → new", word by word; an empty side
// is "(none)".
func arrowChange(was, now string) template.HTML {
	var o, n string
	switch {
	case was == "":
		n = markWhole(now, "ins")
	case now == "":
		o = markWhole(was, "del")
	case len(was)+len(now) <= compareBudget.MaxWordBytes:
		o, n = markWords(was, now)
	default:
		o, n = markWhole(clip(was, compareBudget.MaxWordBytes/2), "del"), markWhole(clip(now, compareBudget.MaxWordBytes/2), "ins")
	}
	return arrowHTML(template.HTML(o), template.HTML(n))
}

// arrowHTML is "old → new", each side in its own span (the arrow said in words to a
// screen reader), an empty side "(none)".
func arrowHTML(was, now template.HTML) template.HTML {
	none := template.HTML(`<span class="meta">(none)</span>`)
	if was == "" {
		was = none
	}
	if now == "" {
		now = none
	}
	return `<span class="was">` + was + `</span> <span class="to" aria-hidden="true">→</span><span class="visually-hidden"> became </span> <span class="now">` + now + `</span>`
}

// imageHTML is a featured image's address as a small picture with its file name,
// marked removed or added; "" for none. Only an address of this site or the web is
// shown as a picture.
func imageHTML(u, tag string) template.HTML {
	if u == "" {
		return ""
	}
	name := path.Base(u)
	if i := strings.IndexAny(name, "?#"); i >= 0 {
		name = name[:i]
	}
	pic := ""
	if strings.HasPrefix(u, "/") && !strings.HasPrefix(u, "//") || strings.HasPrefix(u, "https://") || strings.HasPrefix(u, "http://") {
		pic = `<img class="thumb" src="` + html.EscapeString(u) + `" alt="" loading="lazy"> `
	}
	return template.HTML("<" + tag + ">" + pic + html.EscapeString(name) + "</" + tag + ">")
}

// bylineChange is a byline's change as "A and B → A, B and C", name by name: a name
// the new byline drops is marked removed, one it adds marked added (a name is not cut
// into words, as a text field's change is); a side with no names is "(none)".
func bylineChange(was, now []string) template.HTML {
	side := func(names, other []string, tag string) template.HTML {
		marked := make([]string, len(names))
		for i, n := range names {
			marked[i] = html.EscapeString(n)
			if !slices.Contains(other, n) {
				marked[i] = "<" + tag + ">" + marked[i] + "</" + tag + ">"
			}
		}
		return template.HTML(news.JoinNames(marked))
	}
	return arrowHTML(side(was, now, "del"), side(now, was, "ins"))
}
