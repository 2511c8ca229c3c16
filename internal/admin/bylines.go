package admin

// The editor's byline control (news.Article.Author and CoAuthors): the lead author and
// the co-authors, in order, each chosen by name from the newsroom's authors and users
// (an input with a datalist, so that it works without a script and with one).
//
// Who may change it follows WordPress's Co-Authors Plus: those who may edit anyone's
// stories (editors, administrators: news.PermEditAll; CAP's
// current_user_can_set_authors asks for edit_others_posts). A writer sees the byline
// and cannot change it, not even on their own story: a byline credits, and crediting
// (or dropping) a colleague is an editor's decision. A writer's new story is bylined
// to them.

import (
	"context"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"broadsheet/internal/news"
)

// bylineBox is the byline as the editor's form holds it.
type bylineBox struct {
	// Editable: the user may change the byline (the control is shown, the fields read).
	Editable bool
	// Sent: the form carried the control (a writer's form does not).
	Sent bool
	// Lead is the first author's name; CoAuthors the others' in order, and, as
	// shown, two empty fields to add more (up to news.MaxCoAuthors).
	Lead      string
	CoAuthors []string
	// Choices are the names offered (news.MaxAuthorChoices at most).
	Choices []string
	// Max is news.MaxCoAuthors, for the help text.
	Max int
}

// Names is the byline's names in order, without empty fields.
func (b bylineBox) Names() []string {
	var out []string
	for _, n := range append([]string{b.Lead}, b.CoAuthors...) {
		if n = strings.TrimSpace(n); n != "" {
			out = append(out, n)
		}
	}
	return out
}

// Text is the byline as a reader sees it: "Ana Reyes and Ben Okafor".
func (b bylineBox) Text() string { return news.JoinNames(b.Names()) }

// Slots are the co-author fields the form shows: each co-author's and empty ones to
// add more, numbered from 1.
func (b bylineBox) Slots() []bylineSlot {
	var out []bylineSlot
	for i, n := range b.CoAuthors {
		out = append(out, bylineSlot{N: i + 1, Name: n})
	}
	for i := 0; i < 2 && len(out) < news.MaxCoAuthors; i++ {
		out = append(out, bylineSlot{N: len(out) + 1})
	}
	return out
}

type bylineSlot struct {
	N    int
	Name string
}

// bylineOf is the byline of a stored article.
func bylineOf(a *news.Article) bylineBox {
	var b bylineBox
	for i, au := range a.Byline() {
		if i == 0 {
			b.Lead = au.Name
		} else {
			b.CoAuthors = append(b.CoAuthors, au.Name)
		}
	}
	return b
}

// readByline reads the form's byline fields: "byline" marks that the form has the
// control, "author" is the lead, "coauthor" (repeated) the others in order. Empty
// fields and repeats of a name (by slug, as the author's address) are left out; at most
// one past news.MaxCoAuthors is kept, to be refused.
func readByline(f url.Values) bylineBox {
	b := bylineBox{Sent: f.Get("byline") == "1", Lead: strings.TrimSpace(f.Get("author"))}
	seen := map[string]bool{news.Slugify(b.Lead): b.Lead != ""}
	for _, n := range f["coauthor"] {
		if n = strings.TrimSpace(n); n != "" && !seen[news.Slugify(n)] && len(b.CoAuthors) <= news.MaxCoAuthors {
			seen[news.Slugify(n)] = true
			b.CoAuthors = append(b.CoAuthors, n)
		}
	}
	return b
}

// canSetByline reports whether u may change a story's byline (Co-Authors Plus: those
// who may edit others' stories).
func canSetByline(u *news.User) bool { return u.Role.Can(news.PermEditAll) }

// fillByline completes the form's byline for showing it: whether u may change it,
// the names to choose from, and, for a new story not yet sent, u as its author.
func (s *Server) fillByline(ctx context.Context, u *news.User, a *news.Article, b *editBody) {
	editable := canSetByline(u)
	if !editable {
		b.Byline = bylineOf(a) // shown as it is stored: a writer's form cannot change it
	}
	b.Byline.Editable, b.Byline.Max = editable, news.MaxCoAuthors
	if a.ID == 0 && !b.Byline.Sent && b.Byline.Lead == "" {
		b.Byline.Lead = u.Name // a new story is its writer's
	}
	if editable {
		b.Byline.Choices = s.bylineChoices(ctx)
	}
}

// bylineChoices are the names a byline may name: the authors (bylines already
// given) and the newsroom's users, once each by slug, by name; at most
// news.MaxAuthorChoices.
func (s *Server) bylineChoices(ctx context.Context) []string {
	seen := map[string]bool{}
	var out []string
	add := func(name string) {
		if slug := news.Slugify(name); name != "" && !seen[slug] && len(out) < news.MaxAuthorChoices {
			seen[slug] = true
			out = append(out, name)
		}
	}
	authors, err := s.store.Authors(ctx, news.MaxAuthorChoices)
	if err != nil {
		s.log.Error("list the authors for a byline", "err", err)
	}
	for _, au := range authors {
		add(au.Name)
	}
	if users, err := s.store.Users(ctx); err == nil {
		for _, x := range users {
			add(x.Name)
		}
	} else {
		s.log.Error("list the users for a byline", "err", err)
	}
	sort.SliceStable(out, func(i, j int) bool { return news.FoldName(out[i]) < news.FoldName(out[j]) })
	return out
}

// applyByline makes the form's byline a's, when u may change it and the form has the
// control; otherwise a keeps its byline. Each name must be an author's or a user's
// (matched by slug, as the author's address is): msg says why a byline is refused;
// changed, that the byline is not the stored one (a change to save on its own).
func (s *Server) applyByline(ctx context.Context, u *news.User, a *news.Article, b *editBody) (changed bool, msg string) {
	if !canSetByline(u) || !b.Byline.Sent {
		return false, ""
	}
	names := b.Byline.Names()
	if len(names) == 0 {
		// A story always keeps a byline (an author archive links to it): emptied
		// fields keep the stored one, and a story with none gets its editor's.
		return false, ""
	}
	if len(names) > 1+news.MaxCoAuthors {
		return false, "A byline names at most " + strconv.Itoa(1+news.MaxCoAuthors) + " authors: please remove some. Nothing was saved."
	}
	var users []*news.User
	usersRead := false
	var authors []*news.Author
	for _, name := range names {
		if !isValidText(name) || news.CheckText("", name) != nil {
			return false, "The byline holds a name that is not valid text. Nothing was saved."
		}
		slug := news.Slugify(name)
		if au, err := s.store.AuthorBySlug(ctx, slug); err == nil {
			authors = append(authors, au)
			continue
		}
		if !usersRead {
			users, _ = s.store.Users(ctx)
			usersRead = true
		}
		i := slices.IndexFunc(users, func(x *news.User) bool { return news.Slugify(x.Name) == slug })
		if i < 0 {
			return false, "There is no author or user named “" + name + "”: choose a name from the list. Nothing was saved."
		}
		// A colleague bylined for the first time becomes an author (their archive).
		authors = append(authors, &news.Author{Name: users[i].Name, Slug: slug})
	}
	before := a.BylineNames()
	a.SetByline(authors)
	return !slices.Equal(before, a.BylineNames()), ""
}

// bylineValue is a byline as the conflict compares and shows it.
func bylineValue(names []string) string { return strings.Join(names, ", ") }

// bylineConflict adds the byline to a conflict: compared three ways like the texts
// (base revision, the stored version, the form), a change of one side shown and
// merged, one of both sides a conflict. A revision from before bylines were kept has
// nothing to compare with: a difference from the current byline is a change of both.
func bylineConflict(cv *conflictView, cur *news.Article, b *editBody, baseRev *news.Revision) {
	theirs := bylineValue(cur.BylineNames())
	mine := theirs
	if b.Byline.Sent {
		mine = bylineValue(b.Byline.Names())
	}
	if baseRev == nil || !baseRev.HasAuthors {
		if mine != theirs {
			cv.Conflicting = append(cv.Conflicting, "byline")
			if baseRev == nil {
				cv.Fields = append(cv.Fields, conflictField{Label: "Byline", Diff: fieldDiffAs(mine, theirs, "Yours: your form", "Now: the version saved")})
			}
		}
		return
	}
	was := bylineValue(baseRev.Authors)
	if !b.Byline.Sent {
		mine = was
	}
	changed, mineChanged := theirs != was, mine != was
	both := changed && mineChanged && mine != theirs
	if both {
		cv.Conflicting = append(cv.Conflicting, "byline")
	}
	if changed {
		cv.Fields = append(cv.Fields, conflictField{Label: "Byline", Diff: fieldDiff(was, theirs), Mine: both})
	}
}

// mergeByline, in a merge, gives the form the current byline when the editor left
// theirs as it was in their version.
func mergeByline(f url.Values, b *editBody, a *news.Article, baseRev *news.Revision) {
	if !b.Byline.Sent || !baseRev.HasAuthors || bylineValue(b.Byline.Names()) != bylineValue(baseRev.Authors) {
		return
	}
	cur := bylineOf(a)
	f.Set("author", cur.Lead)
	f["coauthor"] = slices.Clone(cur.CoAuthors)
}

// restoreByline makes the byline saved with rev a's again, as restoring a version from
// the history does: each name is found as an author by slug (the author's address), and
// one no longer among the authors is made one again (its archive). A revision recorded
// before bylines were kept (HasAuthors false), or with none, leaves a's byline. Only
// who may change a byline (canSetByline) restores one: for anyone else the byline is
// kept, and note says so ("" when nothing needs saying).
func (s *Server) restoreByline(ctx context.Context, u *news.User, a *news.Article, rev *news.Revision) (note string) {
	if !rev.HasAuthors || len(rev.Authors) == 0 || slices.Equal(rev.Authors, a.BylineNames()) {
		return ""
	}
	if !canSetByline(u) {
		return "The byline was kept as it is (" + news.JoinNames(a.BylineNames()) + "): only an editor may change a byline."
	}
	var authors []*news.Author
	for i, name := range rev.Authors {
		if i > news.MaxCoAuthors {
			break
		}
		slug := news.Slugify(name)
		if au, err := s.store.AuthorBySlug(ctx, slug); err == nil {
			authors = append(authors, au)
			continue
		}
		authors = append(authors, &news.Author{Name: name, Slug: slug})
	}
	a.SetByline(authors)
	return ""
}
