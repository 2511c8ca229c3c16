package wxr

import (
	"context"
	"fmt"
	"io"

	"broadsheet/internal/news"
)

// Counts is what a WXR file holds, by kind: what an import's report compares with
// what it wrote.
type Counts struct {
	Authors, Categories, Tags, Terms int
	// Items counts the items by post type ("post", "page", "attachment", …) and status
	// ("publish", "draft", "inherit", …).
	Items map[TypeStatus]int
	// Comments counts the comments of every item by status.
	Comments map[CommentStatus]int
	// Warnings counts the items' warnings (Item.Warnings).
	Warnings int
	// Skipped counts the items read but not yielded (Reader.Skipped).
	Skipped int
	// Changes counts what the import will change to fit the site, by reason (the
	// Fit… constants: tags past news.MaxArticleTags dropped, a guid that is no URI
	// not kept as the feed ID…), as ImportReport.Changes counts what it changed.
	Changes map[string]int
	// Changed names the first MaxListedChanges posts Changes counts under FitTags.
	Changed []string
}

// MaxCategoryPath is the longest a category's nicenames with its ancestors' may be,
// joined by "/" as in its address /category/grandparent/parent/child/, in bytes. An
// address of any length could not be listed in a sitemap (sitemaps.org: under 2,048
// characters), and without a bound a chain of nested categories would cost memory and
// storage quadratic in its length. WordPress's own slugs are at most 200 bytes
// (wp_terms.slug), so an export nests some ten deep before it matters.
const MaxCategoryPath = 2000

// TypeStatus is a post type and a status, as an item's <wp:post_type> and <wp:status>.
type TypeStatus struct{ Type, Status string }

// Check reads the whole file from r with the limits lim and returns what it holds, or
// the first error (an *Error naming the line; also a category whose parent is not
// before it). It keeps one item in memory at a time:
// it is the first pass of an import, which writes nothing unless the whole file reads.
// attachments, if not nil, is given every attachment item (to build an index for
// Convert's galleries). ctx is checked between entries.
func Check(ctx context.Context, r io.Reader, lim Limits, attachments func(*Item)) (Counts, error) {
	return check(ctx, r, lim, taken{}, func(it *Item) error {
		if attachments != nil && it.Type == "attachment" {
			attachments(it)
		}
		return nil
	})
}

// check is Check with each item given to each, whose error (an *Error naming the
// item's line) ends the check; site is the slugs of the site's sections and pages
// (empty: none), which no page, or no section, may take.
func check(ctx context.Context, r io.Reader, lim Limits, site taken, each func(*Item) error) (Counts, error) {
	c := Counts{Items: map[TypeStatus]int{}, Comments: map[CommentStatus]int{}, Changes: map[string]int{}}
	fit := changes{counts: c.Changes, listed: &c.Changed}
	cats := map[string]int{}  // nicename → the length of its path (MaxCategoryPath)
	tags := map[string]bool{} // nicenames of the tags made so far, as the write makes them
	site = site.clone()       // the sections and pages there so far, as the write makes them
	section := func(name string, line int) {
		slug := news.Slugify(nicename(name))
		if to, renamed := site.sectionSlug(slug); renamed {
			fit.add(FitSectionSlug, 1)
			fit.list(renamedSection(name, line, slug, to))
			slug = to
		}
		site.secs.add(slug)
	}
	rd := NewReader(r, lim)
	for {
		if err := ctx.Err(); err != nil {
			return c, err
		}
		e, err := rd.Next()
		if err == io.EOF {
			c.Skipped, _ = rd.Skipped()
			return c, nil
		}
		if err != nil {
			return c, err
		}
		switch e := e.(type) {
		case *Author:
			c.Authors++
			if e.Email != "" && accountEmail(e.Email) == "" {
				fit.add(FitAccountEmail, 1)
			}
		case *Category:
			c.Categories++
			// WordPress writes a parent before its children (export_wp orders the
			// terms so); a parent named later or nowhere is a damaged file, and the
			// import could not build the section tree.
			n := len(e.Nicename)
			if e.Parent != "" {
				p, ok := cats[e.Parent]
				if !ok {
					return c, &Error{Line: e.Line, Err: fmt.Errorf("category %q names the parent %q, which is not before it", e.Nicename, e.Parent)}
				}
				n += p + 1
			}
			if n > MaxCategoryPath {
				return c, &Error{Line: e.Line, Err: fmt.Errorf("category %q: its address (/category/ and the nicenames of it and its parents) would be %d bytes: %w (%d)", e.Nicename, n, ErrTooLarge, MaxCategoryPath)}
			}
			if _, seen := cats[e.Nicename]; !seen {
				section(e.Nicename, e.Line) // a repeated one is found again, not made
			}
			cats[e.Nicename] = n
		case *Tag:
			c.Tags++
			tags[e.Slug] = true // the write makes (or finds) each listed tag, repeated or not
			if _, changed := tagName(e.Name); changed {
				fit.add(FitTagName, 1)
			}
		case *Term:
			c.Terms++
		case *Item:
			c.Items[TypeStatus{e.Type, e.Status}]++
			for _, cm := range e.Comments {
				c.Comments[cm.Status]++
			}
			c.Warnings += len(e.Warnings)
			if _, ok := wxrStatus(e.Status); ok && (e.Type == "post" || e.Type == "page") {
				// A tag or a category named by an item only is made from its first mention
				// (import.go).
				for _, tm := range e.Terms {
					if _, seen := cats[tm.Nicename]; tm.Domain == "category" && tm.Nicename != "" && !seen {
						cats[tm.Nicename] = len(tm.Nicename)
						section(tm.Nicename, e.Line) // a section made from it, or there
					}
					if (tm.Domain == "post_tag" || tm.Domain == "tag") && tm.Nicename != "" && !tags[tm.Nicename] {
						tags[tm.Nicename] = true
						if _, changed := tagName(tm.Name); changed {
							fit.add(FitTagName, 1)
						}
					}
				}
			}
			fitItem(e, fit, site)
			if err := each(e); err != nil {
				return c, err
			}
		}
	}
}
