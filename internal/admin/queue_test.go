package admin_test

import (
	"context"
	"fmt"
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"broadsheet/internal/news"
)

// The comment queue (issue 8 §3), over HTTP with a real SQLite file.

// queueComment stores a comment as a reader would have written it.
func (e *env) queueComment(name, email string, status news.CommentStatus, body, bodyHTML string, at time.Time, parent int64) *news.Comment {
	e.t.Helper()
	if bodyHTML == "" {
		bodyHTML = "<p>" + html.EscapeString(body) + "</p>"
	}
	c := &news.Comment{ArticleID: e.article.ID, ParentID: parent, Status: status, AuthorName: name, AuthorEmail: email,
		Body: body, BodyHTML: bodyHTML, CreatedAt: at}
	if err := e.db.CreateComment(context.Background(), c); err != nil {
		e.t.Fatal(err)
	}
	return c
}

func (e *env) exists(id int64) bool {
	_, err := e.db.Comment(context.Background(), id)
	return err == nil
}

var (
	qRowRe  = regexp.MustCompile(`<tr id="c(\d+)">`)
	qNextRe = regexp.MustCompile(`<a href="([^"]*)" rel="next">`)
	qPrevRe = regexp.MustCompile(`<a href="([^"]*)" rel="prev">`)
)

// rows are the comment IDs a queue page lists, in its order.
func qRows(page string) []string {
	var out []string
	for _, m := range qRowRe.FindAllStringSubmatch(page, -1) {
		out = append(out, m[1])
	}
	return out
}

func qLink(re *regexp.Regexp, page string) string {
	if m := re.FindStringSubmatch(page); m != nil {
		return html.UnescapeString(m[1])
	}
	return ""
}

func moderator(t *testing.T) (*env, *browser) {
	e := newEnv(t)
	e.addUser(news.RoleEditor)
	b := e.browser()
	b.login("editor@newsroom.example")
	return e, b
}

func TestQueueTabsCountEachStatus(t *testing.T) {
	e, b := moderator(t)
	now := e.clock.Now()
	for i := 0; i < 3; i++ {
		e.queueComment("A", "a@example.net", news.CommentApproved, fmt.Sprintf("ok %d", i), "", now, 0)
	}
	for i := 0; i < 2; i++ {
		e.queueComment("S", "s@example.net", news.CommentSpam, fmt.Sprintf("spam %d", i), "", now, 0)
	}
	page := b.get("/admin/comments?status=approved").body
	for _, want := range []string{`Pending <span class="tab-count">(1)</span>`, `Approved <span class="tab-count">(3)</span>`,
		`Spam <span class="tab-count">(2)</span>`, `Trash <span class="tab-count">(0)</span>`} {
		if !strings.Contains(page, want) {
			t.Errorf("the tabs do not show %s", want)
		}
	}
}

func TestQueueSearchesTextNameAndEmail(t *testing.T) {
	e, b := moderator(t)
	now := e.clock.Now()
	pct := e.queueComment("Percy", "percy@example.net", news.CommentPending, "A 100% sure thing", "", now, 0)
	under := e.queueComment("Uma", "uma@example.net", news.CommentPending, "see file_name here", "", now, 0)
	plain := e.queueComment("Paul", "paul@example.net", news.CommentPending, "100 sure things and filename", "", now, 0)
	zoe := e.queueComment("Zoë Durand", "zd@example.net", news.CommentPending, "Bonjour", "", now, 0)
	mail := e.queueComment("Mo", "Rude.Person@Example.net", news.CommentPending, "hello", "", now, 0)
	search := func(q string) ([]string, string) {
		t.Helper()
		r := b.post("/admin/comments/search", url.Values{"csrf": {b.csrf()}, "status": {"pending"}, "q": {q}})
		loc := r.header.Get("Location")
		if r.status != 303 || !strings.HasPrefix(loc, "/admin/comments?") {
			t.Fatalf("search %q: %d to %q", q, r.status, loc)
		}
		return qRows(b.get(loc).body), loc
	}
	id := func(c *news.Comment) []string { return []string{fmt.Sprint(c.ID)} }
	for _, c := range []struct {
		q    string
		want []string
	}{
		{"100%", id(pct)},          // % is a percent sign, not "anything"
		{"file_name", id(under)},   // _ is an underscore, not "any character"
		{"ZOE", id(zoe)},           // case and accents ignored
		{"durand", id(zoe)},        // part of the name
		{"rude.person@", id(mail)}, // part of the email, any case
		{"filename", id(plain)},    // the text
		{"nothing like it", nil},   // no match
	} {
		got, loc := search(c.q)
		if fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("search %q: rows %v, want %v", c.q, got, c.want)
		}
		// The search's text is never in an address (it may be an email).
		if strings.Contains(strings.ToLower(loc), "rude") || strings.Contains(loc, "%40") || strings.Contains(loc, "@") {
			t.Errorf("search %q: the address %q carries the text", c.q, loc)
		}
	}
	// The searched page says what it searched, in the box, and keeps the tab.
	_, loc := search("durand")
	page := b.get(loc).body
	if !strings.Contains(page, `value="durand"`) || !strings.Contains(loc, "status=pending") {
		t.Error("the searched page does not show the search in its box, or lost its tab")
	}
	// A sealed search opens in its own session only.
	other := e.browser()
	other.login("editor@newsroom.example")
	if r := other.get(loc); len(qRows(r.body)) != 6 || !strings.Contains(r.body, "another session") {
		t.Errorf("another session's search address: rows %v", qRows(r.body))
	}
	// A plain ?q= (a typed link) searches too, its LIKE wildcards escaped.
	if got := qRows(b.get("/admin/comments?status=pending&q=" + url.QueryEscape("_")).body); fmt.Sprint(got) != fmt.Sprint(id(under)) {
		t.Errorf("?q=_ rows %v, want only %v", got, id(under))
	}
}

func TestQueueSelectAllOnThisPageWithoutScript(t *testing.T) {
	e, b := moderator(t)
	base := e.clock.Now()
	var ids []int64
	for i := 0; i < 12; i++ {
		ids = append(ids, e.queueComment("R", fmt.Sprintf("r%d@example.net", i), news.CommentPending, fmt.Sprintf("words %d", i), "", base.Add(time.Duration(i)*time.Minute), 0).ID)
	}
	page := b.get("/admin/comments?status=pending&n=10").body
	if !strings.Contains(page, `name="all" value="1"`) || !strings.Contains(page, `id="select-all"`) {
		t.Fatal("no select-all on the queue")
	}
	var shown []string
	for _, m := range regexp.MustCompile(`name="page" value="(\d+)"`).FindAllStringSubmatch(page, -1) {
		shown = append(shown, m[1])
	}
	if len(shown) != 10 {
		t.Fatalf("the page names %d comments, want 10", len(shown))
	}
	// No box ticked: "Apply to all on this page" moves the ten shown, and only them.
	r := b.post("/admin/comments", url.Values{"csrf": {b.csrf()}, "bulk": {"spam"}, "all": {"1"}, "page": shown,
		"back": {"/admin/comments?status=pending&n=10"}})
	if r.status != 303 {
		t.Fatalf("apply to all: %d", r.status)
	}
	if told := b.told(r); told != "10 comments marked as spam." {
		t.Errorf("told %q", told)
	}
	spam := 0
	for _, id := range ids {
		if e.status(id) == news.CommentSpam {
			spam++
		}
	}
	if spam != 10 || e.status(ids[0]) != news.CommentPending || e.status(ids[1]) != news.CommentPending {
		t.Errorf("%d comments went to spam, want the 10 newest", spam)
	}
}

func TestQueueShowsTheCommentAReplyAnswers(t *testing.T) {
	e, b := moderator(t)
	now := e.clock.Now()
	parent := e.queueComment("Tom Parent", "tom@example.net", news.CommentApproved, "The council should publish the budget in full before the vote.", "", now, 0)
	reply := e.queueComment("Ann", "ann@example.net", news.CommentPending, "Thanks Tom, agreed", "", now.Add(time.Minute), parent.ID)
	page := b.get("/admin/comments?status=pending").body
	want := fmt.Sprintf(`In reply to <a href="/admin/comments/%d/edit"><bdi>Tom Parent</bdi></a>: <q>The council should publish`, parent.ID)
	if !strings.Contains(page, want) {
		t.Errorf("the queue does not show, beside the reply, the comment it answers")
	}
	if edit := b.get(fmt.Sprintf("/admin/comments/%d/edit", reply.ID)).body; !strings.Contains(edit, want) {
		t.Errorf("the reply's edit page does not show the comment it answers")
	}
}

func TestCommentPageModeratesAndGoesBackToItsQueue(t *testing.T) {
	e, b := moderator(t)
	c := e.queueComment("Sam", "sam@example.net", news.CommentPending, "Cheap watches", "", e.clock.Now(), 0)
	// Opened from a searched pending tab: the edit link carries the way back.
	r := b.post("/admin/comments/search", url.Values{"csrf": {b.csrf()}, "status": {"pending"}, "q": {"watches"}})
	queue := r.header.Get("Location")
	list := b.get(queue).body
	m := regexp.MustCompile(`href="(/admin/comments/\d+/edit\?back=[^"]+)"`).FindStringSubmatch(list)
	if m == nil {
		t.Fatal("no edit link with a way back")
	}
	edit := b.get(html.UnescapeString(m[1])).body
	back := `href="` + html.EscapeString(queue) + `">← Back to pending comments`
	if !strings.Contains(edit, back) {
		t.Errorf("the edit page has no way back to %s", queue)
	}
	for _, label := range []string{">Approve<", ">Spam<", ">Trash<"} {
		if !strings.Contains(edit, label) {
			t.Errorf("the edit page has no %s button", label)
		}
	}
	if strings.Contains(edit, ">Delete permanently<") {
		t.Error("a pending comment offers Delete permanently")
	}
	r = b.post(fmt.Sprintf("/admin/comments/%d", c.ID), url.Values{"csrf": {b.csrf()}, "action": {"spam"}, "back": {queue}})
	if r.status != 303 || r.header.Get("Location") != queue {
		t.Fatalf("spam from the edit page: %d to %q, want back to %q", r.status, r.header.Get("Location"), queue)
	}
	if told := b.told(r); told != "1 comment marked as spam." || e.status(c.ID) != news.CommentSpam {
		t.Errorf("told %q, status %s", told, e.status(c.ID))
	}
	// A way back that is not the queue is not followed.
	r = b.post(fmt.Sprintf("/admin/comments/%d", c.ID), url.Values{"csrf": {b.csrf()}, "action": {"pending"}, "back": {"https://evil.example/"}})
	if loc := r.header.Get("Location"); loc != "/admin/comments" {
		t.Errorf("back to elsewhere: redirected to %q", loc)
	}
}

func TestDeletePermanentlyAsksAndKeepsAPlaceholderForReplies(t *testing.T) {
	e, b := moderator(t)
	now := e.clock.Now()
	parent := e.queueComment("Troll", "troll@example.net", news.CommentTrash, "Trolling words", "", now, 0)
	reply := e.queueComment("Reader", "reader@example.net", news.CommentApproved, "Please be kind", "", now.Add(time.Minute), parent.ID)
	alone := e.queueComment("Troll", "troll@example.net", news.CommentTrash, "More trolling", "", now, 0)
	approved := e.queueComment("Fine", "fine@example.net", news.CommentApproved, "A fine comment", "", now, 0)
	if page := b.get("/admin/comments?status=approved").body; strings.Contains(page, "Delete permanently") {
		t.Error("the approved tab offers Delete permanently")
	}
	if page := b.get("/admin/comments?status=trash").body; !strings.Contains(page, `value="delete">Delete permanently</option>`) {
		t.Error("the trash tab offers no Delete permanently")
	}
	ids := url.Values{"csrf": {b.csrf()}, "bulk": {"delete"}, "ids": {fmt.Sprint(parent.ID), fmt.Sprint(alone.ID), fmt.Sprint(approved.ID)},
		"back": {"/admin/comments?status=trash"}}
	r := b.post("/admin/comments", ids)
	if r.status != 200 || !strings.Contains(r.body, "Delete permanently?") || !strings.Contains(r.body, "cannot be undone") ||
		!strings.Contains(r.body, "1 comment of those selected is not in spam or the trash") {
		t.Fatalf("delete: %d, want a confirmation naming what will go", r.status)
	}
	if !e.exists(parent.ID) || !e.exists(alone.ID) {
		t.Fatal("deleted before the confirmation")
	}
	form := url.Values{"csrf": {b.csrf()}, "back": {"/admin/comments?status=trash"}}
	for _, m := range regexp.MustCompile(`name="ids" value="(\d+)"`).FindAllStringSubmatch(r.body, -1) {
		form.Add("ids", m[1])
	}
	if len(form["ids"]) != 2 {
		t.Fatalf("the confirmation would delete %v, want the two in the trash", form["ids"])
	}
	form.Add("ids", fmt.Sprint(approved.ID)) // a forged form: an approved comment is not deleted
	r = b.post("/admin/comments/delete", form)
	if r.status != 303 || r.header.Get("Location") != "/admin/comments?status=trash" {
		t.Fatalf("confirmed delete: %d to %q", r.status, r.header.Get("Location"))
	}
	if told := b.told(r); !strings.HasPrefix(told, "2 comments deleted permanently. 1 left as “Comment removed.”") {
		t.Errorf("told %q", told)
	}
	if e.exists(alone.ID) || !e.exists(approved.ID) || e.status(approved.ID) != news.CommentApproved {
		t.Error("the wrong comments were deleted")
	}
	kept, err := e.db.Comment(context.Background(), parent.ID)
	if err != nil || !kept.Removed || kept.Body != "" || kept.AuthorEmail != "" {
		t.Fatalf("the comment a reply answers is not a blank placeholder: %+v, %v", kept, err)
	}
	page := e.browser().get(e.site.ArticlePath(e.article)).body
	if !strings.Contains(page, "Please be kind") || strings.Contains(page, "Trolling") {
		t.Error("the article lost the reply, or shows the deleted comment")
	}
	if _, err := e.db.Comment(context.Background(), reply.ID); err != nil {
		t.Error("the reply went too")
	}
	// One row's button asks too.
	one := e.queueComment("Spammer", "sp@example.net", news.CommentSpam, "spam", "", now, 0)
	if r := b.post("/admin/comments", url.Values{"csrf": {b.csrf()}, "one": {fmt.Sprintf("%d:delete", one.ID)}}); r.status != 200 || !e.exists(one.ID) {
		t.Errorf("a row's Delete permanently: %d, exists %v; want a confirmation", r.status, e.exists(one.ID))
	}
}

func TestEmptySpamAsksThenEmptiesInBatches(t *testing.T) {
	e, b := moderator(t)
	ctx := context.Background()
	now := e.clock.Now()
	const n = 2*news.PurgeBatch + 37 // three batches
	for i := 0; i < n; i++ {
		e.queueComment("Spam", fmt.Sprintf("s%d@example.net", i), news.CommentSpam, fmt.Sprintf("buy %d", i), "", now.Add(time.Duration(i)*time.Second), 0)
	}
	answered := e.queueComment("Spam", "x@example.net", news.CommentSpam, "answered spam", "", now, 0)
	e.queueComment("Reader", "r@example.net", news.CommentPending, "a reply to spam", "", now.Add(time.Hour), answered.ID)
	trash := e.queueComment("T", "t@example.net", news.CommentTrash, "trashed", "", now, 0)
	if page := b.get("/admin/comments?status=spam").body; !strings.Contains(page, ">Empty spam</button>") {
		t.Fatal("no Empty spam button on the spam tab")
	}
	r := b.post("/admin/comments/empty", url.Values{"csrf": {b.csrf()}, "status": {"spam"}})
	if r.status != 200 || !strings.Contains(r.body, fmt.Sprintf("All %d comments in spam will be deleted permanently", n+1)) {
		t.Fatalf("empty spam: %d, want a confirmation with the count", r.status)
	}
	if counts, _ := e.db.CountCommentsByStatus(ctx); counts[news.CommentSpam] != n+1 {
		t.Fatal("emptied before the confirmation")
	}
	// The store's step is bounded: one batch, and says there is more.
	p, err := e.db.EmptyComments(ctx, news.CommentSpam, news.PurgeBatch)
	if err != nil || p.Comments != news.PurgeBatch || !p.More {
		t.Fatalf("one batch: %+v, %v", p, err)
	}
	r = b.post("/admin/comments/empty", url.Values{"csrf": {b.csrf()}, "status": {"spam"}, "confirm": {"1"}})
	if r.status != 303 {
		t.Fatalf("confirmed: %d", r.status)
	}
	if told := b.told(r); !strings.HasPrefix(told, fmt.Sprintf("Spam emptied: %d comments deleted permanently. 1 left as", n+1-news.PurgeBatch)) {
		t.Errorf("told %q", told)
	}
	counts, _ := e.db.CountCommentsByStatus(ctx)
	if counts[news.CommentSpam] != 0 || counts[news.CommentTrash] != 1 || counts[news.CommentPending] != 2 {
		t.Errorf("after emptying spam: %v", counts)
	}
	if c, err := e.db.Comment(ctx, answered.ID); err != nil || !c.Removed {
		t.Error("the spam comment a reply answers is not a placeholder")
	}
	if !e.exists(trash.ID) {
		t.Error("emptying spam emptied the trash")
	}
	if r := b.post("/admin/comments/empty", url.Values{"csrf": {b.csrf()}, "status": {"approved"}, "confirm": {"1"}}); r.status != 400 {
		t.Errorf("empty approved: %d, want 400", r.status)
	}
}

func TestSpamLinksAreNotClickable(t *testing.T) {
	e, b := moderator(t)
	now := e.clock.Now()
	spam := e.queueComment("Spammer", "sp@example.net", news.CommentSpam, "Buy [cheap pills](https://pills.example/buy)",
		`<p>Buy <a href="https://pills.example/buy" rel="nofollow ugc">cheap pills</a> at <a href="https://pills.example/" rel="nofollow ugc">https://pills.example/</a></p>`, now, 0)
	e.queueComment("Good", "g@example.net", news.CommentApproved, "See the report",
		`<p>See <a href="https://report.example/" rel="nofollow ugc">the report</a></p>`, now, 0)
	for _, path := range []string{"/admin/comments?status=spam", fmt.Sprintf("/admin/comments/%d/edit", spam.ID)} {
		page := b.get(path).body
		if strings.Contains(page, `href="https://pills.example`) {
			t.Errorf("%s: a spam link is clickable", path)
		}
		if !strings.Contains(page, `cheap pills [https://pills.example/buy]`) || !strings.Contains(page, `<span class="spam-link">https://pills.example/</span>`) {
			t.Errorf("%s: the spam link is not shown as text", path)
		}
	}
	if page := b.get("/admin/comments?status=approved").body; !strings.Contains(page, `href="https://report.example/"`) {
		t.Error("an approved comment's link is no longer a link")
	}
}

func TestQueuePagesFourHundredFiftyWithoutDuplicates(t *testing.T) {
	e, b := moderator(t)
	now := e.clock.Now()
	want := map[string]bool{fmt.Sprint(e.pending.ID): true}
	for i := 0; i < 449; i++ {
		// Runs of comments share a second: the ID breaks the tie.
		c := e.queueComment("R", fmt.Sprintf("r%d@example.net", i), news.CommentPending, fmt.Sprintf("comment %d", i), "", now.Add(-time.Duration(i/7)*time.Second), 0)
		want[fmt.Sprint(c.ID)] = true
	}
	seen := map[string]bool{}
	var order []string
	path := "/admin/comments?status=pending"
	pages := 0
	for path != "" {
		page := b.get(path).body
		pages++
		for _, id := range qRows(page) {
			if seen[id] {
				t.Fatalf("comment %d shown twice (page %d)", len(order), pages)
			}
			seen[id] = true
			order = append(order, id)
		}
		path = qLink(qNextRe, page)
		if pages > 20 {
			t.Fatal("the pages do not end")
		}
	}
	if len(seen) != 450 || pages != 9 {
		t.Errorf("%d comments on %d pages, want 450 on 9", len(seen), pages)
	}
	for id := range want {
		if !seen[id] {
			t.Errorf("comment %s never shown", id)
		}
	}
	// Back from the last page with "Newer": the same comments, the other way.
	page := b.get(fmt.Sprintf("/admin/comments?status=pending&before=%s", url.QueryEscape("9999999999.1"))).body
	if len(qRows(page)) != 0 {
		t.Errorf("before a key newer than all: %d rows", len(qRows(page)))
	}
	var back []string
	path = "/admin/comments?status=pending"
	for i := 0; i < 8; i++ { // to the last page
		path = qLink(qNextRe, b.get(path).body)
	}
	for path != "" {
		page := b.get(path).body
		back = append(qRows(page), back...)
		path = qLink(qPrevRe, page)
	}
	if fmt.Sprint(back) != fmt.Sprint(order) {
		t.Error("paging back with Newer does not give the same comments in the same order")
	}
	// A moderated comment leaves its tab; the next page neither repeats nor skips one.
	first := b.get("/admin/comments?status=pending").body
	ids := qRows(first)
	b.post("/admin/comments", url.Values{"csrf": {b.csrf()}, "one": {ids[0] + ":approved"}})
	second := qRows(b.get(qLink(qNextRe, first)).body)
	if second[0] != order[50] {
		t.Errorf("after a moderation, the next page starts at %s, want %s", second[0], order[50])
	}
}

// A commenter's email is kept out of the admin's page titles as it is kept out of its
// addresses: a browser's history (synced to the moderator's other devices) keeps each
// page's title beside its address. The history of one commenter and a search (which may
// be an email) say whose and what in the page, not in its title.
func TestQueueTitlesCarryNoEmail(t *testing.T) {
	e, b := moderator(t)
	c := e.queueComment("Mo", "rude.person@example.net", news.CommentPending, "hello", "", e.clock.Now(), 0)
	title := regexp.MustCompile(`<title>([^<]*)</title>`)
	r := b.post("/admin/comments/search", url.Values{"csrf": {b.csrf()}, "status": {"pending"}, "q": {"rude.person@example"}})
	for _, p := range []struct{ what, path string }{
		{"a commenter's history", fmt.Sprintf("/admin/comments?from=%d", c.ID)},
		{"a search for an email", r.header.Get("Location")},
	} {
		page := b.get(p.path).body
		m := title.FindStringSubmatch(page)
		if m == nil || strings.Contains(strings.ToLower(m[1]), "rude") || strings.Contains(m[1], "@") {
			t.Errorf("%s: the page's title %q carries the email", p.what, m)
		}
		if h1 := regexp.MustCompile(`<h1>([^<]*)</h1>`).FindStringSubmatch(page); h1 == nil || !strings.Contains(h1[1], "rude.person@example") {
			t.Errorf("%s: the page's heading %q does not say whose or what", p.what, h1)
		}
		if len(qRows(page)) != 1 {
			t.Errorf("%s: rows %v, want Mo's comment", p.what, qRows(page))
		}
	}
}

// The blocked commenters' list pages (a site blocks spammers for years: it showed every
// block on one page, each with its form) and is searched by part of an email, the
// search's text carried sealed as the queue's, never in the address.
func TestBlockedCommentersPageAndSearch(t *testing.T) {
	e, b := moderator(t)
	for i := range 120 {
		e.clock.Add(time.Second)
		if err := e.db.Block(t.Context(), news.Block{Kind: "email", Value: fmt.Sprintf("spammer%03d@junk.example", i)}); err != nil {
			t.Fatal(err)
		}
	}
	e.clock.Add(time.Second)
	if err := e.db.Block(t.Context(), news.Block{Kind: "ip", Value: "f00dfeedf00dfeed"}); err != nil {
		t.Fatal(err)
	}
	rows := regexp.MustCompile(`<input type="hidden" name="value" value="([^"]*)">`)
	values := func(page string) []string {
		var out []string
		for _, m := range rows.FindAllStringSubmatch(page, -1) {
			out = append(out, m[1])
		}
		return out
	}
	next := regexp.MustCompile(`<a href="([^"]*)" rel="next">`)
	first := b.get("/admin/comments/blocks").body
	if got := values(first); len(got) != news.ListPageDefault || got[0] != "f00dfeedf00dfeed" || got[1] != "spammer119@junk.example" {
		t.Fatalf("the first page shows %d blocks (%v), want %d, newest first", len(got), got[:min(3, len(got))], news.ListPageDefault)
	}
	if !strings.Contains(first, "121 blocks.") {
		t.Error("the list does not say how many blocks there are")
	}
	var seen []string
	for page, n := first, 0; ; n++ {
		seen = append(seen, values(page)...)
		m := next.FindStringSubmatch(page)
		if m == nil || n > 5 {
			break
		}
		page = b.get(html.UnescapeString(m[1])).body
	}
	unique := map[string]bool{}
	for _, v := range seen {
		unique[v] = true
	}
	if len(seen) != 121 || len(unique) != 121 || seen[120] != "spammer000@junk.example" {
		t.Errorf("the pages show %d blocks, the last %q; want every one of 121 once, the oldest last", len(seen), seen[len(seen)-1])
	}
	r := b.post("/admin/comments/blocks/search", url.Values{"csrf": {b.csrf()}, "q": {"SPAMMER11"}})
	loc := r.header.Get("Location")
	if r.status != 303 || strings.Contains(strings.ToLower(loc), "spammer") {
		t.Fatalf("search: %d to %q (the text must not be in the address)", r.status, loc)
	}
	found := b.get(loc).body
	if got := values(found); len(got) != 10 || got[0] != "spammer119@junk.example" || got[9] != "spammer110@junk.example" {
		t.Errorf("a search for part of an email shows %v, want spammer110…119", got)
	}
	if !strings.Contains(found, `value="SPAMMER11"`) || !strings.Contains(found, "10 blocks matching") {
		t.Error("the searched list does not show its search and count")
	}
}

// Back to pending is named by where the comment comes from, as in WordPress's list: "Not
// spam" from spam, "Restore" from the trash; "Unapprove" only for an approved comment.
func TestQueueNamesTheWayBackToPending(t *testing.T) {
	e, b := moderator(t)
	now := e.clock.Now()
	for _, tc := range []struct {
		status    news.CommentStatus
		want, not string
	}{
		{news.CommentSpam, "Not spam", "Unapprove"},
		{news.CommentTrash, "Restore", "Unapprove"},
		{news.CommentApproved, "Unapprove", "Not spam"},
	} {
		c := e.queueComment("R", "r@example.net", tc.status, "text "+string(tc.status), "", now, 0)
		button := fmt.Sprintf(`value="%d:pending">%s<`, c.ID, tc.want)
		list := b.get("/admin/comments?status=" + string(tc.status)).body
		if !strings.Contains(list, button) {
			t.Errorf("%s tab: the comment's way back to pending is not called %q", tc.status, tc.want)
		}
		if !strings.Contains(list, `<option value="pending">`+tc.want+`</option>`) {
			t.Errorf("%s tab: the bulk action to pending is not called %q", tc.status, tc.want)
		}
		edit := b.get(fmt.Sprintf("/admin/comments/%d/edit", c.ID)).body
		if !strings.Contains(edit, `value="pending">`+tc.want+`<`) || strings.Contains(edit, `value="pending">`+tc.not+`<`) {
			t.Errorf("%s comment's page: the way back to pending is not called %q", tc.status, tc.want)
		}
	}
}
