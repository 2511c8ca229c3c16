package disqus

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"sort"
	"strings"

	"broadsheet/internal/news"
	"broadsheet/internal/render"
)

// Source is the source of every comment Import writes: with the post's dsq:id as
// source ID, it is how a second import of the same export knows them.
const Source = "disqus"

// Tx is one import's write (sqlite.DisqusImport): lookups of where a thread's address
// leads, and the comments' writes, all in one transaction the caller commits.
type Tx interface {
	// OldPath returns the article an imported site's old path ("/2019/05/06/name/",
	// "/?p=42") leads to, as recorded by the WordPress import.
	OldPath(ctx context.Context, path string) (int64, error)
	// Slug returns the article whose slug, or a former slug (a renamed story's), is slug.
	Slug(ctx context.Context, slug string) (int64, error)
	// Sourced returns the article an import made from source's sourceID ("wordpress",
	// a post ID).
	Sourced(ctx context.Context, source, sourceID string) (int64, error)
	// FindComment returns the comment of the article with the source and source ID.
	FindComment(ctx context.Context, articleID int64, source, sourceID string) (int64, error)
	// AddComment adds c (c.Removed: a placeholder, with no author or text) and sets c.ID.
	AddComment(ctx context.Context, c *news.Comment) error
	// SetParent makes the comment id a reply to parent (of the same article).
	SetParent(ctx context.Context, id, parent int64) error
	// CloseComments closes the article's comments (news.Article.CommentsClosed) and
	// reports whether they were open.
	CloseComments(ctx context.Context, articleID int64) (bool, error)
}

// All lookups return news.ErrNotFound when nothing matches.

// Report is what an import did.
type Report struct {
	Threads        int      // threads in the file
	Matched        int      // threads matched to an article
	Unmatched      []string // the first MaxListed unmatched threads with comments: "LINK (N comments)"
	UnmatchedCount int      // threads with comments matched to no article
	// Added and There count the comments added and already there, by status
	// ("approved", "spam", "trash"; "placeholder" for a deleted post kept for its replies).
	Added, There map[string]int
	Skipped      map[string]int // reason → posts not imported
	// ClosedThreads counts the file's closed threads (<isClosed>true</isClosed>);
	// Closed the stories matched to one whose comments the import closed, as they were
	// on Disqus, and ClosedThere those whose comments were closed already.
	ClosedThreads, Closed, ClosedThere int
	// Articles are the articles that got a comment or had their comments closed, for
	// the cache's invalidation.
	Articles []int64
}

// MaxListed is how many unmatched threads a Report lists.
const MaxListed = 50

// AddedTotal is how many comments were added.
func (r *Report) AddedTotal() int {
	n := 0
	for _, k := range r.Added {
		n += k
	}
	return n
}

// Write prints the report for a person.
func (r *Report) Write(w io.Writer) {
	fmt.Fprintf(w, "threads: %d in the file, %d matched to an article, %d with comments matched to none\n", r.Threads, r.Matched, r.UnmatchedCount)
	for _, u := range r.Unmatched {
		fmt.Fprintf(w, "  unmatched: %s\n", u)
	}
	if r.UnmatchedCount > len(r.Unmatched) {
		fmt.Fprintf(w, "  … and %d more\n", r.UnmatchedCount-len(r.Unmatched))
	}
	for _, s := range []string{"approved", "placeholder", "spam", "trash"} {
		if r.Added[s]+r.There[s] > 0 {
			fmt.Fprintf(w, "comments %s: %d added, %d already there\n", s, r.Added[s], r.There[s])
		}
	}
	if r.ClosedThreads > 0 {
		fmt.Fprintf(w, "closed threads: %d in the file; comments closed on %d stories, %d closed already\n", r.ClosedThreads, r.Closed, r.ClosedThere)
	}
	reasons := make([]string, 0, len(r.Skipped))
	for k := range r.Skipped {
		reasons = append(reasons, k)
	}
	sort.Strings(reasons)
	for _, k := range reasons {
		fmt.Fprintf(w, "skipped: %d %s\n", r.Skipped[k], k)
	}
}

// Import writes the comments of the export r (read whole by Check into idx) through
// tx, reading r a second time: each thread is matched to an article by its address
// (Match), and each of its posts becomes a comment of that article with the post's
// dsq:id as source ID, so that a post already imported is left as it is. A post's
// state gives the comment's status: a visible post is approved, spam is spam, a deleted
// post is trash, or a placeholder ("Comment removed.", no author or text) when replies
// that are shown hang from it. Replies keep their parent whatever order the file has.
// The commenter's email is kept as a comment form's is (never shown); the IP address
// is dropped. An error leaves tx to be rolled back.
func Import(ctx context.Context, tx Tx, r io.Reader, idx *Index, lim Limits) (*Report, error) {
	rep := &Report{Threads: idx.Threads, ClosedThreads: idx.Closed(), Added: map[string]int{}, There: map[string]int{}, Skipped: map[string]int{}}
	touched := map[int64]bool{}
	type later struct {
		id     int64
		parent uint32 // the parent's post number
	}
	var orphans []later
	// match returns the article of the thread (0: none), looked up once a thread.
	match := func(th *threadRec) (int64, error) {
		if th.matched {
			return th.article, nil
		}
		id, err := Match(ctx, tx, &Thread{Link: th.link, Identifier: th.identifier, Line: th.line})
		if err != nil {
			return 0, fmt.Errorf("line %d: thread %s: %w", th.line, clip(th.link, 200), err)
		}
		th.matched, th.article = true, id
		return id, nil
	}
	rd := NewReader(r, lim)
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		e, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		p, ok := e.(*Post)
		if !ok {
			continue
		}
		n := idx.node(p.ID)
		if n == nil {
			return nil, fmt.Errorf("line %d: post %s was not in the file's first reading: the file changed", p.Line, clip(p.ID, 40))
		}
		th := idx.thread(p.Thread)
		if th == nil {
			rep.Skipped["posts whose thread is not in the file"]++
			continue
		}
		seen := th.matched
		articleID, err := match(th)
		if err != nil {
			return nil, err
		}
		if !seen {
			if articleID != 0 {
				rep.Matched++
			} else {
				rep.UnmatchedCount++
				if len(rep.Unmatched) < MaxListed {
					link := th.link
					if link == "" {
						link = "(no link) " + th.identifier
					}
					rep.Unmatched = append(rep.Unmatched, fmt.Sprintf("%s (%d comments)", clip(link, 300), th.posts))
				}
			}
		}
		if articleID == 0 {
			rep.Skipped["posts of threads matched to no article"]++
			continue
		}
		// One there already is left as it is, and not rendered again.
		id, err := tx.FindComment(ctx, articleID, Source, p.ID)
		if err == nil {
			n.comment = id
			rep.There[kindOf(p, idx)]++
			continue
		}
		if !errors.Is(err, news.ErrNotFound) {
			return nil, fmt.Errorf("line %d: post %s: %w", p.Line, clip(p.ID, 40), err)
		}
		c, kind, why := comment(p, idx)
		if why != "" {
			rep.Skipped[why]++
			continue
		}
		c.ArticleID = articleID
		if n.parent != 0 {
			c.ParentID = idx.nodes[n.parent-1].comment
		}
		if err := tx.AddComment(ctx, c); err != nil {
			return nil, fmt.Errorf("line %d: post %s: %w", p.Line, clip(p.ID, 40), err)
		}
		n.comment = c.ID
		rep.Added[kind]++
		touched[articleID] = true
		if n.parent != 0 && c.ParentID == 0 {
			orphans = append(orphans, later{c.ID, n.parent - 1}) // its parent comes later in the file
		}
	}
	for _, o := range orphans {
		if parent := idx.nodes[o.parent].comment; parent != 0 {
			if err := tx.SetParent(ctx, o.id, parent); err != nil {
				return nil, err
			}
		}
	}
	// A closed thread closes its story's comments, as Disqus had closed them: also a
	// thread without a post in the file (matched here, counted only as closed). Threads
	// neither closed nor with a post are never looked at: they cost nothing.
	for i := range idx.threads {
		th := &idx.threads[i]
		if !th.inFile || !th.closed {
			continue
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		articleID, err := match(th)
		if err != nil {
			return nil, err
		}
		if articleID == 0 {
			continue
		}
		closed, err := tx.CloseComments(ctx, articleID)
		if err != nil {
			return nil, fmt.Errorf("line %d: thread %s: %w", th.line, clip(th.link, 200), err)
		}
		if closed {
			rep.Closed++
			touched[articleID] = true
		} else {
			rep.ClosedThere++
		}
	}
	for id := range touched {
		rep.Articles = append(rep.Articles, id)
	}
	sort.Slice(rep.Articles, func(i, j int) bool { return rep.Articles[i] < rep.Articles[j] })
	return rep, nil
}

// kindOf is the report's kind of the comment a post becomes (see comment).
func kindOf(p *Post, idx *Index) string {
	switch {
	case p.IsSpam:
		return string(news.CommentSpam)
	case p.IsDeleted && idx.Placeholder(p.ID):
		return "placeholder"
	case p.IsDeleted:
		return string(news.CommentTrash)
	}
	return string(news.CommentApproved)
}

// comment is the comment a post becomes (its article and parent not set), the
// report's kind of it, or why it is skipped.
func comment(p *Post, idx *Index) (c *news.Comment, kind, skipped string) {
	c = &news.Comment{CreatedAt: p.CreatedAt, Source: Source, SourceID: p.ID}
	switch kind = kindOf(p, idx); kind {
	case "placeholder":
		c.Status, c.Removed = news.CommentApproved, true
		return c, kind, ""
	default:
		c.Status = news.CommentStatus(kind)
	}
	text, _ := news.CleanText(MessageText(p.Message))
	if strings.TrimSpace(text) == "" {
		return nil, "", "posts without text"
	}
	c.Body, c.BodyHTML = text, render.Comment(text)
	name, _ := news.CleanText(p.Author.Name)
	if name = strings.TrimSpace(name); name == "" {
		name = "Anonymous"
	}
	c.AuthorName = clip(name, 200)
	// An address no mail could go to is dropped, as the comment form refuses it (and
	// the store refuses text with a control character: news.CheckText).
	if email := strings.TrimSpace(p.Author.Email); len(email) <= 254 && strings.Count(email, "@") == 1 && !strings.ContainsAny(email, " \t\r\n<>\"") &&
		news.CheckText("", email) == nil {
		c.AuthorEmail = email
	}
	return c, kind, ""
}

// Match returns the article a thread was about (0 for none), by its address, ignoring
// its scheme and host (the site may have moved): a WordPress query address (/?p=42,
// /?page_id=7) recorded by the WordPress import or the post it imported; a path the
// WordPress import recorded, with or without its final slash (also less one or two
// leading folders: WordPress installed in /blog/ recorded its paths without it); the
// article whose slug or former slug ends a dated path (/2019/05/06/slug/) or is a path
// of one segment (/slug/, a page's or an old address); then the identifier the
// WordPress plug-in gave the thread ("42 http://site/?p=42").
func Match(ctx context.Context, tx Tx, th *Thread) (int64, error) {
	// try turns a lookup's answer into: found, or an error that is not "none".
	try := func(id int64, err error) (int64, bool, error) {
		if errors.Is(err, news.ErrNotFound) {
			return 0, false, nil
		}
		return id, err == nil, err
	}
	if u, err := url.Parse(strings.TrimSpace(th.Link)); err == nil && th.Link != "" {
		path := u.EscapedPath()
		for strings.Contains(path, "//") {
			path = strings.ReplaceAll(path, "//", "/")
		}
		if path == "" {
			path = "/"
		}
		if (path == "/" || path == "/index.php") && u.RawQuery != "" {
			q := u.Query()
			for _, k := range []string{"p", "page_id"} {
				v := q.Get(k)
				if v == "" {
					continue
				}
				if id, ok, err := try(tx.OldPath(ctx, "/?"+k+"="+url.QueryEscape(v))); ok || err != nil {
					return id, err
				}
				if id, ok, err := try(tx.Sourced(ctx, "wordpress", v)); ok || err != nil {
					return id, err
				}
			}
		}
		if unesc, err := url.PathUnescape(path); err == nil {
			path = news.NFC(unesc)
		}
		if path != "/" {
			other := path + "/"
			if strings.HasSuffix(path, "/") {
				other = strings.TrimSuffix(path, "/")
			}
			for _, p := range []string{path, other} {
				if id, ok, err := try(tx.OldPath(ctx, p)); ok || err != nil {
					return id, err
				}
			}
			if slug := slugOf(path); slug != "" {
				if id, ok, err := try(tx.Slug(ctx, slug)); ok || err != nil {
					return id, err
				}
			}
			// A WordPress site in a folder ("/blog/2019/05/name/"): the WordPress
			// import recorded its paths without the folder.
			rest := strings.TrimPrefix(path, "/")
			for range 2 {
				i := strings.IndexByte(rest, '/')
				if i < 0 || i == len(rest)-1 {
					break
				}
				rest = rest[i+1:]
				for _, p := range []string{"/" + rest, "/" + strings.TrimSuffix(rest, "/"), "/" + rest + "/"} {
					if p == path || p == other || strings.HasSuffix(p, "//") {
						continue
					}
					if id, ok, err := try(tx.OldPath(ctx, p)); ok || err != nil {
						return id, err
					}
				}
			}
		}
	}
	if m := wpIdentifier.FindStringSubmatch(th.Identifier); m != nil {
		if id, ok, err := try(tx.OldPath(ctx, "/?p="+m[1])); ok || err != nil {
			return id, err
		}
		if id, ok, err := try(tx.Sourced(ctx, "wordpress", m[1])); ok || err != nil {
			return id, err
		}
	}
	return 0, nil
}

// wpIdentifier is the identifier the Disqus plug-in for WordPress gives a post's
// thread: "POSTID http://site/?p=POSTID".
var wpIdentifier = regexp.MustCompile(`^([0-9]{1,19}) \S+[?&]p=[0-9]{1,19}$`)

// datedPath is the site's address of an article (/yyyy/mm/dd/slug/), and
// WordPress's common permalinks of the same shape (/yyyy/mm/dd/slug/, /yyyy/mm/slug/).
var datedPath = regexp.MustCompile(`^/[0-9]{4}/[0-9]{2}/(?:[0-9]{2}/)?([^/]+)/?$`)

// slugOf is the slug a path names as the site answers it: the last part of a dated
// path, or a path of one segment; "" for any other.
func slugOf(path string) string {
	if m := datedPath.FindStringSubmatch(path); m != nil {
		return m[1]
	}
	p := strings.Trim(path, "/")
	if p != "" && !strings.Contains(p, "/") && !strings.Contains(p, ".") {
		return p
	}
	return ""
}
