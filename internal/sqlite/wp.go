package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"broadsheet/internal/news"
)

// The WordPress-shaped API's reads (news.WPStore): a page by LIMIT/OFFSET whose skipped
// rows are found by an index alone (the IDs' subquery), then joined, and a COUNT of the
// same conditions for X-WP-Total.

var _ news.WPStore = (*DB)(nil)

func wpLimit(n int) int {
	if n <= 0 || n > news.WPPerPageMax {
		return 10
	}
	return n
}

// in appends "col IN (?,…)" (or NOT IN) for vals to conds.
func in[T any](conds []string, args []any, col string, not bool, vals []T) ([]string, []any) {
	if len(vals) == 0 {
		return conds, args
	}
	op := " IN ("
	if not {
		op = " NOT IN ("
	}
	conds = append(conds, col+op+"?"+strings.Repeat(",?", len(vals)-1)+")")
	for _, v := range vals {
		args = append(args, v)
	}
	return conds, args
}

// rawPattern is a LIKE pattern for s as typed (SQLite's LIKE ignores ASCII case), for
// text no folded copy exists of (bodies); containsPattern is the folded one.
func rawPattern(s string) string {
	return "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s) + "%"
}

func wpArticleWhere(q news.WPQuery) (string, []any) {
	conds := []string{publicArticle}
	args := []any{q.Now.Unix()}
	if q.Kind == news.KindPage {
		conds = append(conds, `a.kind = 'page'`)
	} else {
		conds = append(conds, isStory)
	}
	conds, args = in(conds, args, "a.id", false, q.Include)
	conds, args = in(conds, args, "a.id", true, q.Exclude)
	conds, args = in(conds, args, "a.section_id", false, q.Sections)
	conds, args = in(conds, args, "a.slug", false, q.Slugs)
	if len(q.Tags) > 0 {
		var sub []string
		sub, args = in(nil, args, "tag_id", false, q.Tags)
		conds = append(conds, `a.id IN (SELECT article_id FROM article_tags WHERE `+sub[0]+`)`)
	}
	if len(q.Authors) > 0 {
		var sub []string
		sub, args = in(nil, args, "author_id", false, q.Authors)
		conds = append(conds, `a.id IN (SELECT article_id FROM article_authors WHERE `+sub[0]+`)`)
	}
	if len(q.NotSections) > 0 {
		var sub []string
		sub, args = in(nil, args, "a.section_id", true, q.NotSections)
		conds = append(conds, `(a.section_id IS NULL OR `+sub[0]+`)`)
	}
	if len(q.NotTags) > 0 {
		var sub []string
		sub, args = in(nil, args, "tag_id", false, q.NotTags)
		conds = append(conds, `a.id NOT IN (SELECT article_id FROM article_tags WHERE `+sub[0]+`)`)
	}
	if len(q.NotAuthors) > 0 {
		var sub []string
		sub, args = in(nil, args, "author_id", false, q.NotAuthors)
		conds = append(conds, `a.id NOT IN (SELECT article_id FROM article_authors WHERE `+sub[0]+`)`)
	}
	if !q.After.IsZero() {
		conds, args = append(conds, `a.published_at > ?`), append(args, q.After.Unix())
	}
	if !q.Before.IsZero() {
		conds, args = append(conds, `a.published_at < ?`), append(args, q.Before.Unix())
	}
	if !q.ModifiedAfter.IsZero() {
		conds, args = append(conds, `max(COALESCE(a.updated_at, 0), a.published_at) > ?`), append(args, q.ModifiedAfter.Unix())
	}
	if !q.ModifiedBefore.IsZero() {
		conds, args = append(conds, `max(COALESCE(a.updated_at, 0), a.published_at) < ?`), append(args, q.ModifiedBefore.Unix())
	}
	where := " WHERE " + strings.Join(conds, " AND ")
	if q.Search != "" {
		// The newest WPSearchScan items of the list are looked through, no more
		// (news.WPSearchScan): the cost of a search has that bound without an index.
		folded, raw := containsPattern(q.Search), rawPattern(q.Search)
		where = ` WHERE a.id IN (SELECT id FROM (SELECT a.id, a.title, a.standfirst, a.body_html FROM articles a` + where +
			` ORDER BY a.published_at DESC, a.id DESC LIMIT ?) WHERE bs_fold(title) LIKE ? ESCAPE '\' OR bs_fold(standfirst) LIKE ? ESCAPE '\' OR body_html LIKE ? ESCAPE '\')`
		args = append(args, news.WPSearchScan, folded, folded, raw)
	}
	return where, args
}

func wpArticleOrder(q news.WPQuery) (string, []any) {
	if q.OrderBy == "include" && len(q.Include) > 0 {
		// WP_Query orders by post__in in the list's order, whatever order says.
		return includeOrder("a", " ASC"), []any{includeList(q.Include)}
	}
	return wpArticleOrderBy(q), nil
}

func wpArticleOrderBy(q news.WPQuery) string {
	dir := " DESC"
	if q.Asc {
		dir = " ASC"
	}
	switch q.OrderBy {
	case "id":
		return ` ORDER BY a.id` + dir
	case "title":
		return ` ORDER BY a.title COLLATE NOCASE` + dir + `, a.id` + dir
	case "slug":
		return ` ORDER BY a.slug` + dir
	case "modified":
		return ` ORDER BY max(COALESCE(a.updated_at, 0), a.published_at)` + dir + `, a.id` + dir
	}
	return ` ORDER BY a.published_at` + dir + `, a.id` + dir
}

// WPArticles implements news.WPStore.
func (db *DB) WPArticles(ctx context.Context, q news.WPQuery) ([]*news.Article, int, error) {
	where, args := wpArticleWhere(q)
	var total int
	if err := db.reads.QueryRowContext(ctx, `SELECT COUNT(*) FROM articles a`+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("wp articles: count: %w", err)
	}
	if q.Offset >= total {
		return nil, total, nil
	}
	order, orderArgs := wpArticleOrder(q)
	// The skipped rows are stepped over in the IDs' subquery, by the index, and only
	// the page's own rows are joined (the site's listPage does the same).
	query := `SELECT ` + articleColumns + articleFrom + ` WHERE a.id IN (SELECT a.id FROM articles a` + where + order +
		` LIMIT ? OFFSET ?)` + order
	args = append(append(append(args, orderArgs...), wpLimit(q.Limit), q.Offset), orderArgs...)
	rows, err := db.reads.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("wp articles: %w", err)
	}
	defer rows.Close()
	var out []*news.Article
	for rows.Next() {
		a, err := scanArticle(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("wp articles: %w", err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("wp articles: %w", err)
	}
	return out, total, nil
}

// includeOrder is the ORDER BY of orderby=include, WordPress's FIELD(id, include…):
// the position of the row's ID in includeList's text (its first, for an ID given
// twice). The list is one argument, so that the statement's text is the same for every
// list (the statement cache holds a bounded number).
func includeOrder(alias, dir string) string {
	return ` ORDER BY instr(?, ',' || ` + alias + `.id || ',')` + dir + `, ` + alias + `.id` + dir
}

// includeList is the argument of includeOrder: ",5,1,3," for include=5,1,3.
func includeList(ids []int64) string {
	var b strings.Builder
	b.WriteByte(',')
	for _, id := range ids {
		b.WriteString(strconv.FormatInt(id, 10))
		b.WriteByte(',')
	}
	return b.String()
}

// termOrder is the ORDER BY of terms and authors (ascending by default, as WordPress's),
// with its arguments: orderby=include orders the whole selection by the list, in the
// direction asked (WP_Term_Query and WP_User_Query apply order to FIELD()), before
// it is paged.
func termOrder(q news.WPQuery, alias string) (string, []any) {
	dir := " ASC"
	if !q.Asc {
		dir = " DESC"
	}
	if q.OrderBy == "include" && len(q.Include) > 0 {
		return includeOrder(alias, dir), []any{includeList(q.Include)}
	}
	return termOrderBy(q, alias, dir), nil
}

func termOrderBy(q news.WPQuery, alias, dir string) string {
	switch q.OrderBy {
	case "id":
		return ` ORDER BY ` + alias + `.id` + dir
	case "slug":
		return ` ORDER BY ` + alias + `.slug` + dir
	case "count":
		return ` ORDER BY n` + dir + `, ` + alias + `.id` + dir
	}
	return ` ORDER BY ` + alias + `.name COLLATE NOCASE` + dir + `, ` + alias + `.id` + dir
}

// WPTerms implements news.WPStore.
//
// A term's count (its public stories) reads every story it has, so it is counted only
// for the page of terms answered: the page is chosen first, without the counts, unless
// the order is by count. A site of 50,000 stories made each uncached /wp-json/wp/v2/tags
// count every tag's stories, one row read each (BenchmarkKinds/WPTags).
func (db *DB) WPTerms(ctx context.Context, taxonomy string, q news.WPQuery) ([]*news.WPTerm, int, error) {
	now := q.Now.Unix()
	var cols, table, count string
	var args []any
	var conds []string
	switch taxonomy {
	case "category":
		// A section's parent: a WordPress category's, kept by the import (migration
		// 0039), read by the API's sectionParent.
		table = "sections"
		cols = `t.id, t.slug, t.name, t.description, COALESCE(t.parent_id, 0) AS parent`
		count = `(SELECT COUNT(*) FROM articles a WHERE a.section_id = %[1]s.id AND ` + isStory + ` AND ` + publicArticle + `)`
		if q.HideEmpty {
			// WordPress's hide_empty: no category of count 0.
			conds = append(conds, `EXISTS (SELECT 1 FROM articles a WHERE a.section_id = t.id AND `+isStory+` AND `+publicArticle+`)`)
			args = append(args, now)
		}
		if len(q.Posts) > 0 {
			var sub []string
			sub, args = in(nil, append(args, now), "a.id", false, q.Posts)
			conds = append(conds, `t.id IN (SELECT a.section_id FROM articles a WHERE `+publicArticle+` AND `+sub[0]+`)`)
		}
	case "post_tag":
		table = "tags"
		cols = `t.id, t.slug, t.name, '' AS description, 0 AS parent`
		count = `(SELECT COUNT(*) FROM article_tags at CROSS JOIN articles a ` + articleState + ` ON a.id = at.article_id
				WHERE at.tag_id = %[1]s.id AND ` + isStory + ` AND ` + publicArticle + `)`
		// A tag only drafts carry is not public (as GET /api/v1/tags).
		conds = append(conds, hasPublicTag("t.id"))
		args = append(args, now)
		if len(q.Posts) > 0 {
			var sub []string
			sub, args = in(nil, append(args, now), "a.id", false, q.Posts)
			conds = append(conds, `t.id IN (SELECT at.tag_id FROM article_tags at JOIN articles a ON a.id = at.article_id
				WHERE `+publicArticle+` AND `+sub[0]+`)`)
		}
	default:
		return nil, 0, fmt.Errorf("wp terms: unknown taxonomy %q", taxonomy)
	}
	conds, args = in(conds, args, "t.id", false, q.Include)
	conds, args = in(conds, args, "t.id", true, q.Exclude)
	conds, args = in(conds, args, "t.slug", false, q.Slugs)
	if len(q.Parents) > 0 {
		// Tags do not nest: every one is at the top (parent 0).
		parent := "0"
		if table == "sections" {
			parent = "COALESCE(t.parent_id, 0)"
		}
		conds, args = in(conds, args, parent, false, q.Parents)
	}
	if q.Search != "" {
		p := containsPattern(q.Search)
		conds = append(conds, `t.id IN (SELECT id FROM (SELECT id, name, slug FROM `+table+` ORDER BY id DESC LIMIT ?) WHERE bs_fold(name) LIKE ? ESCAPE '\' OR slug LIKE ? ESCAPE '\')`)
		args = append(args, news.WPSearchScan, p, p)
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	var total int
	if err := db.reads.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table+` t`+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("wp terms: count: %w", err)
	}
	if q.Offset >= total {
		return nil, total, nil
	}
	// The count's one argument (the time) comes first: it is in the outer SELECT.
	inner, orderArgs := termOrder(q, "t")
	outer, _ := termOrder(q, "p")
	args = append(append(append(append([]any{now}, args...), orderArgs...), wpLimit(q.Limit), q.Offset), orderArgs...)
	query := `SELECT p.*, ` + fmt.Sprintf(count, "p") + ` AS n FROM (SELECT ` + cols + ` FROM ` + table + ` t` + where +
		inner + ` LIMIT ? OFFSET ?) p` + outer
	if q.OrderBy == "count" {
		query = `SELECT ` + cols + `, ` + fmt.Sprintf(count, "t") + ` AS n FROM ` + table + ` t` + where +
			inner + ` LIMIT ? OFFSET ?`
	}
	rows, err := db.reads.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("wp terms: %w", err)
	}
	defer rows.Close()
	var out []*news.WPTerm
	for rows.Next() {
		var t news.WPTerm
		if err := rows.Scan(&t.ID, &t.Slug, &t.Name, &t.Description, &t.ParentID, &t.Count); err != nil {
			return nil, 0, fmt.Errorf("wp terms: %w", err)
		}
		out = append(out, &t)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("wp terms: %w", err)
	}
	return out, total, nil
}

// WPAuthors implements news.WPStore. The email is never read.
func (db *DB) WPAuthors(ctx context.Context, q news.WPQuery) ([]*news.Author, int, error) {
	conds := []string{hasPublicByline("t.id")}
	args := []any{q.Now.Unix()}
	conds, args = in(conds, args, "t.id", false, q.Include)
	conds, args = in(conds, args, "t.id", true, q.Exclude)
	conds, args = in(conds, args, "t.slug", false, q.Slugs)
	if q.Search != "" {
		p := containsPattern(q.Search)
		conds = append(conds, `t.id IN (SELECT id FROM (SELECT id, name, slug FROM authors ORDER BY id DESC LIMIT ?)
			WHERE bs_fold(name) LIKE ? ESCAPE '\' OR slug LIKE ? ESCAPE '\')`)
		args = append(args, news.WPSearchScan, p, p)
	}
	where := " WHERE " + strings.Join(conds, " AND ")
	var total int
	if err := db.reads.QueryRowContext(ctx, `SELECT COUNT(*) FROM authors t`+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("wp authors: count: %w", err)
	}
	if q.Offset >= total {
		return nil, total, nil
	}
	if q.OrderBy == "count" {
		q.OrderBy = "name"
	}
	order, orderArgs := termOrder(q, "t")
	rows, err := db.reads.QueryContext(ctx, `SELECT t.id, t.slug, t.name, t.bio FROM authors t`+where+order+` LIMIT ? OFFSET ?`,
		append(append(args, orderArgs...), wpLimit(q.Limit), q.Offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("wp authors: %w", err)
	}
	defer rows.Close()
	var out []*news.Author
	for rows.Next() {
		var au news.Author
		if err := rows.Scan(&au.ID, &au.Slug, &au.Name, &au.Bio); err != nil {
			return nil, 0, fmt.Errorf("wp authors: %w", err)
		}
		out = append(out, &au)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("wp authors: %w", err)
	}
	return out, total, nil
}

// WPComments implements news.WPStore. What an erased comment held is not returned, nor
// any comment's email, IP hash or user agent.
func (db *DB) WPComments(ctx context.Context, q news.WPQuery) ([]*news.Comment, int, error) {
	conds := []string{`c.status = 'approved'`, publicArticle}
	args := []any{q.Now.Unix()}
	conds, args = in(conds, args, "c.id", false, q.Include)
	conds, args = in(conds, args, "c.id", true, q.Exclude)
	conds, args = in(conds, args, "c.article_id", false, q.Posts)
	conds, args = in(conds, args, "COALESCE(c.parent_id, 0)", false, q.Parents)
	if !q.After.IsZero() {
		conds, args = append(conds, `c.created_at > ?`), append(args, q.After.Unix())
	}
	if !q.Before.IsZero() {
		conds, args = append(conds, `c.created_at < ?`), append(args, q.Before.Unix())
	}
	from := ` FROM comments c JOIN articles a ON a.id = c.article_id`
	where := " WHERE " + strings.Join(conds, " AND ")
	if q.Search != "" {
		where = ` WHERE c.id IN (SELECT id FROM (SELECT c.id, c.body, c.author_name, c.removed` + from + where +
			` ORDER BY c.created_at DESC, c.id DESC LIMIT ?) WHERE removed = 0 AND (body LIKE ? ESCAPE '\' OR author_name LIKE ? ESCAPE '\'))`
		p := rawPattern(q.Search)
		args = append(args, news.WPSearchScan, p, p)
		from = ` FROM comments c`
	}
	var total int
	if err := db.reads.QueryRowContext(ctx, `SELECT COUNT(*)`+from+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("wp comments: count: %w", err)
	}
	if q.Offset >= total {
		return nil, total, nil
	}
	dir := " DESC"
	if q.Asc {
		dir = " ASC"
	}
	order := ` ORDER BY c.created_at` + dir + `, c.id` + dir
	var orderArgs []any
	if q.OrderBy == "id" {
		order = ` ORDER BY c.id` + dir
	} else if q.OrderBy == "include" && len(q.Include) > 0 {
		// WP_Comment_Query orders by comment__in in the list's order, whatever order says.
		order, orderArgs = includeOrder("c", " ASC"), []any{includeList(q.Include)}
	}
	cols := strings.NewReplacer("id,", "c.id,", "article_id", "c.article_id", "parent_id", "c.parent_id", "status", "c.status",
		"author_name", "c.author_name", "author_email", "''", "author_url", "c.author_url", "body,", "c.body,", "body_html", "c.body_html",
		"ip_hash", "''", "user_agent", "''", "created_at", "c.created_at", "source,", "c.source,", "source_id", "c.source_id",
		"user_id", "c.user_id", "removed", "c.removed").Replace(commentColumns)
	out, err := db.queryComments(ctx, `SELECT `+cols+` FROM comments c WHERE c.id IN (SELECT c.id`+from+where+order+` LIMIT ? OFFSET ?)`+order,
		append(append(append(args, orderArgs...), wpLimit(q.Limit), q.Offset), orderArgs...)...)
	if err != nil {
		return nil, 0, fmt.Errorf("wp comments: %w", err)
	}
	for _, c := range out {
		c.AuthorEmail, c.IPHash, c.UserAgent = "", "", ""
		if c.Removed {
			c.AuthorName, c.AuthorURL, c.Body, c.BodyHTML = "", "", "", ""
		}
	}
	return out, total, nil
}

// WPMedia implements news.WPStore: an image is listed while a public article uses it
// (media_uses; an index made stale by a write past the store is brought up to date by
// the next write or deletion through it, so it may lag such a write until then).
func (db *DB) WPMedia(ctx context.Context, q news.WPQuery) ([]*news.Media, map[int64]int64, int, error) {
	post := `(SELECT MIN(a.id) FROM media_uses u JOIN articles a ON a.id = u.article_id WHERE u.name = m.name AND ` + publicArticle
	args := []any{q.Now.Unix()}
	if len(q.Posts) > 0 {
		var sub []string
		sub, args = in(nil, args, "a.id", false, q.Posts)
		post += ` AND ` + sub[0]
	}
	post += `)`
	conds := []string{"post IS NOT NULL"}
	var cargs []any
	conds, cargs = in(conds, cargs, "m.id", false, q.Include)
	conds, cargs = in(conds, cargs, "m.id", true, q.Exclude)
	if !q.After.IsZero() {
		conds, cargs = append(conds, `m.created_at > ?`), append(cargs, q.After.Unix())
	}
	if !q.Before.IsZero() {
		conds, cargs = append(conds, `m.created_at < ?`), append(cargs, q.Before.Unix())
	}
	if q.Search != "" {
		p := containsPattern(q.Search)
		conds = append(conds, `m.id IN (SELECT id FROM (SELECT id, name, alt, caption FROM media ORDER BY id DESC LIMIT ?)
			WHERE name LIKE ? ESCAPE '\' OR bs_fold(alt) LIKE ? ESCAPE '\' OR bs_fold(caption) LIKE ? ESCAPE '\')`)
		cargs = append(cargs, news.WPSearchScan, p, p, p)
	}
	inner := `SELECT m.id AS id, m.name AS name, m.created_at AS created_at, ` + post + ` AS post FROM media m`
	where := " WHERE " + strings.Join(conds, " AND ")
	all := append(args, cargs...)
	var total int
	if err := db.reads.QueryRowContext(ctx, `SELECT COUNT(*) FROM (`+inner+`) m`+where, all...).Scan(&total); err != nil {
		return nil, nil, 0, fmt.Errorf("wp media: count: %w", err)
	}
	if q.Offset >= total {
		return nil, nil, total, nil
	}
	dir := " DESC"
	if q.Asc {
		dir = " ASC"
	}
	order := ` ORDER BY m.id` + dir
	var orderArgs []any
	if q.OrderBy == "slug" || q.OrderBy == "title" {
		order = ` ORDER BY m.name` + dir
	} else if q.OrderBy == "include" && len(q.Include) > 0 {
		// WP_Query orders by post__in in the list's order, whatever order says.
		order, orderArgs = includeOrder("m", " ASC"), []any{includeList(q.Include)}
	}
	rows, err := db.reads.QueryContext(ctx, `SELECT m.id, m.post FROM (`+inner+`) m`+where+order+` LIMIT ? OFFSET ?`,
		append(append(all, orderArgs...), wpLimit(q.Limit), q.Offset)...)
	if err != nil {
		return nil, nil, 0, fmt.Errorf("wp media: %w", err)
	}
	posts := map[int64]int64{}
	var ids []int64
	for rows.Next() {
		var id, p int64
		if err := rows.Scan(&id, &p); err != nil {
			rows.Close()
			return nil, nil, 0, fmt.Errorf("wp media: %w", err)
		}
		posts[id] = p
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, 0, fmt.Errorf("wp media: %w", err)
	}
	out := make([]*news.Media, 0, len(ids))
	for _, id := range ids {
		m, err := scanMedia(db.reads.QueryRowContext(ctx, `SELECT `+mediaColumns+` FROM media WHERE id = ?`, id))
		if err == sql.ErrNoRows {
			continue
		}
		if err != nil {
			return nil, nil, 0, fmt.Errorf("wp media %d: %w", id, err)
		}
		out = append(out, m)
	}
	return out, posts, total, nil
}

// WPMediaIDs implements news.WPStore.
func (db *DB) WPMediaIDs(ctx context.Context, names []string) (map[string]int64, error) {
	out := map[string]int64{}
	if len(names) == 0 {
		return out, nil
	}
	conds, args := in(nil, nil, "name", false, names)
	rows, err := db.reads.QueryContext(ctx, `SELECT name, id FROM media WHERE `+conds[0], args...)
	if err != nil {
		return nil, fmt.Errorf("wp media IDs: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		var id int64
		if err := rows.Scan(&name, &id); err != nil {
			return nil, fmt.Errorf("wp media IDs: %w", err)
		}
		out[name] = id
	}
	return out, rows.Err()
}
