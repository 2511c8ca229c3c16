package news

import (
	"context"
	"strings"
)

// Bylines: an article's authors, in the order its byline names them. Article.Author is
// the first (the lead author, kept where every older reader of an Article looks);
// Article.CoAuthors are the others, in order. A store keeps the whole list (SQLite:
// the article_authors table) and a change of it is a change of the article: a new
// version, a revision, and the cache keys of every author it added or removed.
//
// Who may change a byline follows WordPress's Co-Authors Plus: only those who may edit
// others' stories (editors and administrators, PermEditOthers; CAP's
// current_user_can_set_authors asks for edit_others_posts). A writer's own story keeps
// the byline an editor gave it, and a new story is bylined to the writer.

// MaxCoAuthors bounds an article's co-authors (the lead author not counted): a byline
// longer than this is a staff credit, not a byline, and the bound keeps every page's,
// feed's and editor's cost bounded.
const MaxCoAuthors = 9

// MaxAuthorChoices bounds the names the editor offers for a byline (a datalist).
const MaxAuthorChoices = 500

// Byline returns the article's authors in order: Author first, then CoAuthors; none
// when it has no Author.
func (a *Article) Byline() []*Author {
	if a.Author == nil {
		return nil
	}
	out := make([]*Author, 0, 1+len(a.CoAuthors))
	out = append(out, a.Author)
	for _, c := range a.CoAuthors {
		if c != nil {
			out = append(out, c)
		}
	}
	return out
}

// BylineNames returns the names of the article's authors in order.
func (a *Article) BylineNames() []string {
	var out []string
	for _, au := range a.Byline() {
		out = append(out, au.Name)
	}
	return out
}

// SetByline makes authors the article's byline: the first is Author, the rest
// CoAuthors, with repeats (the same ID, or the same slug) left out. Nil or empty leaves
// no author.
func (a *Article) SetByline(authors []*Author) {
	a.Author, a.CoAuthors = nil, nil
	seen := map[string]bool{}
	for _, au := range authors {
		if au == nil {
			continue
		}
		key := "s:" + au.Slug
		if au.Slug == "" {
			key = "s:" + Slugify(au.Name)
		}
		if seen[key] {
			continue
		}
		seen[key] = true
		if a.Author == nil {
			a.Author = au
		} else {
			a.CoAuthors = append(a.CoAuthors, au)
		}
	}
}

// JoinNames joins names as a byline reads in English: "A", "A and B", "A, B and C".
func JoinNames(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// BylineStore lists the authors a byline may name.
type BylineStore interface {
	// Authors returns at most limit authors (limit <= 0: none), by name (then ID).
	Authors(ctx context.Context, limit int) ([]*Author, error)
}
