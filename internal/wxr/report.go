package wxr

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"broadsheet/internal/news"
)

// Tally is how many of a kind an import added, and how many it found there already
// (an earlier import's, or the site's own with the same slug).
type Tally struct{ Added, There int }

func (t *Tally) count(added bool) {
	if added {
		t.Added++
	} else {
		t.There++
	}
}

// Link is a new account's one-time set-password link: Path is relative to the
// site's address ("/admin/reset/TOKEN"), valid news.WXRResetLife.
type Link struct{ Name, Email, Path string }

// ImportReport is what an import did, by kind: the file's own numbers (Counts) beside what
// was added and what was there already, what was skipped and why. The CLI prints it
// (WriteText); the admin shows it (Rows and the fields).
type ImportReport struct {
	Counts                                Counts // what the file holds
	Posts, Pages, Sections, Tags, Authors Tally
	Comments                              map[news.CommentStatus]Tally
	// Attachments counts the file's attachment items.
	Attachments int
	// Media counts the attachments' library items added and found there (from an
	// earlier import); the added are Copied (images through the media pipeline, from
	// Options.Uploads), FilesCopied (PDF, audio, video kept as they are) and Linked
	// (references to their original addresses: without Options.Uploads, not in it,
	// or of a type the library does not store).
	Media                       Tally
	Copied, FilesCopied, Linked int
	Pingbacks, MenuItems        int
	// Skipped counts what was not imported, by why ("items of post type \"x\"").
	Skipped map[string]int
	// Unknown counts uses of the shortcodes Convert does not know (kept as text).
	Unknown map[string]int
	// Links are the new accounts' set-password links (role author).
	Links     []Link
	Redirects int // old addresses recorded (not those recorded already)
	Protected int // password-protected posts and pages kept unpublished
	// NavPages counts the pages added to the navigation at their menu order (those
	// with a <wp:menu_order> above 0).
	NavPages int
	Lead     string
	// ExtraSections, ExtraTags and ExtraAuthors are the terms and authors named by
	// items only, not in the header, that were added (not counted in the header's
	// rows: one found already there is not counted at all).
	ExtraSections, ExtraTags, ExtraAuthors int
	// Changes counts what was changed to fit the site, by reason (the Fit… constants),
	// as Counts.Changes announced it; Changed names the first MaxListedChanges posts
	// whose tags were cut to news.MaxArticleTags.
	Changes map[string]int
	Changed []string
	// began is when the write began, before the store's transaction took its own time:
	// the date of a post published without one (not to come, so not scheduled).
	began time.Time
}

func (r *ImportReport) skip(why string) { r.Skipped[why]++ }

func (r *ImportReport) change(why string) { r.Changes[why]++ }

func (r *ImportReport) list(s string) {
	if len(r.Changed) < MaxListedChanges {
		r.Changed = append(r.Changed, s)
	}
}

// added is how many things the import added.
func (r *ImportReport) added() int {
	n := r.Posts.Added + r.Pages.Added + r.Sections.Added + r.Tags.Added + r.Authors.Added + r.Redirects +
		r.ExtraSections + r.ExtraTags + r.ExtraAuthors
	for _, t := range r.Comments {
		n += t.Added
	}
	return n
}

// Row is one kind of the report: how many the file holds, were added and were there.
type Row struct {
	Kind   string // "posts", "comments approved", …
	InFile int
	Tally
}

// commentStatuses are WordPress's comment statuses in the report's order.
var commentStatuses = []CommentStatus{CommentApproved, CommentPending, CommentSpam, CommentTrash}

// Site is the site's status for a WordPress comment status (unknown ones: pending).
func (s CommentStatus) Site() news.CommentStatus {
	switch s {
	case CommentApproved:
		return news.CommentApproved
	case CommentSpam:
		return news.CommentSpam
	case CommentTrash:
		return news.CommentTrash
	}
	return news.CommentPending
}

// Rows are the report's counts per kind, in the order the CLI prints them.
func (r *ImportReport) Rows() []Row {
	inFile := func(typ string) (n int) {
		for ts, c := range r.Counts.Items {
			if ts.Type == typ {
				n += c
			}
		}
		return n
	}
	rows := []Row{
		{"posts", inFile("post"), r.Posts},
		{"pages", inFile("page"), r.Pages},
		{"categories", r.Counts.Categories, r.Sections},
		{"tags", r.Counts.Tags, r.Tags},
		{"authors", r.Counts.Authors, r.Authors},
	}
	for _, s := range commentStatuses {
		rows = append(rows, Row{"comments " + s.String(), r.Counts.Comments[s], r.Comments[s.Site()]})
	}
	return append(rows, Row{"attachments", inFile("attachment"), r.Media})
}

// WriteText prints the report as the CLI shows it: per kind, what the file holds,
// what was added and what was there already; what was skipped and why; the unknown
// shortcodes; the new accounts' set-password links (relative to the site's address).
func (r *ImportReport) WriteText(out io.Writer) error {
	ew := &errWriter{w: out}
	fmt.Fprintln(ew, "WordPress import:")
	rows := r.Rows()
	width := 0 // the longest kind's, so that the counts line up ("comments approved")
	for _, row := range rows {
		width = max(width, utf8.RuneCountInString(row.Kind))
	}
	for _, row := range rows {
		fmt.Fprintf(ew, "  %-*s %6d in the file, %6d added, %6d already there\n", width, row.Kind, row.InFile, row.Added, row.There)
	}
	if r.Media.Added > 0 {
		fmt.Fprintf(ew, "  attachments added to the media library: %d images copied, %d files copied (PDF, audio, video), %d kept at their original URLs\n", r.Copied, r.FilesCopied, r.Linked)
	}
	var statuses []string
	for ts, c := range r.Counts.Items {
		if ts.Type == "post" || ts.Type == "page" {
			statuses = append(statuses, fmt.Sprintf("%s %s: %d", ts.Type, ts.Status, c))
		}
	}
	sort.Strings(statuses)
	fmt.Fprintf(ew, "  by status: %s (private → unpublished: not public, seen by the newsroom)\n", strings.Join(statuses, ", "))
	if r.Protected > 0 {
		fmt.Fprintf(ew, "  password-protected posts and pages kept unpublished (Broadsheet has no passwords on stories): %d\n", r.Protected)
	}
	if r.NavPages > 0 {
		fmt.Fprintf(ew, "  pages put in the navigation in their menu order: %d\n", r.NavPages)
	}
	if r.ExtraSections+r.ExtraTags+r.ExtraAuthors > 0 {
		fmt.Fprintf(ew, "  named by posts but not listed in the file's header: %d categories, %d tags, %d authors (added)\n", r.ExtraSections, r.ExtraTags, r.ExtraAuthors)
	}
	if r.Lead != "" {
		fmt.Fprintf(ew, "  the front page leads with the sticky post %q (setting %s)\n", r.Lead, news.SettingLeadArticle)
	}
	fmt.Fprintf(ew, "  old addresses recorded: %d\n", r.Redirects)
	if len(r.Skipped) > 0 {
		fmt.Fprintln(ew, "skipped:")
		for _, k := range slices.Sorted(maps.Keys(r.Skipped)) {
			fmt.Fprintf(ew, "  %6d %s\n", r.Skipped[k], k)
		}
	}
	if len(r.Changes) > 0 {
		fmt.Fprintln(ew, "changed to fit the site:")
		for _, k := range slices.Sorted(maps.Keys(r.Changes)) {
			fmt.Fprintf(ew, "  %6d %s\n", r.Changes[k], k)
		}
		for _, s := range r.Changed {
			fmt.Fprintf(ew, "    %s\n", s)
		}
	}
	if len(r.Unknown) > 0 {
		fmt.Fprintln(ew, "unknown shortcodes (kept as text):")
		for _, k := range slices.Sorted(maps.Keys(r.Unknown)) {
			fmt.Fprintf(ew, "  [%s] ×%d\n", k, r.Unknown[k])
		}
	}
	if len(r.Links) > 0 {
		fmt.Fprintf(ew, "new accounts (role author) sign in after setting a password with their one-time link (valid %s; prefix the site's address):\n", news.WXRResetLife)
		for _, l := range r.Links {
			fmt.Fprintf(ew, "  %s <%s>: %s\n", l.Name, l.Email, l.Path)
		}
	}
	return ew.err
}

// errWriter keeps the first write error, so that WriteText reports it once.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return len(p), nil
	}
	_, e.err = e.w.Write(p)
	return len(p), nil
}
