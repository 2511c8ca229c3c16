package sqlite

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestPublicAuthorsAndTagsReadByIndex checks that the lists of public authors and
// tags (GET /api/v1/authors, /api/v1/tags, /wp-json/wp/v2/users, /tags) find each
// one's articles through its own index (article_authors_by_author,
// article_tags_by_tag), never every public article once per author: with 20,000
// imported authors without a public story, one uncached GET /wp-json/wp/v2/users
// read 2.2 million rows.
func TestPublicAuthorsAndTagsReadByIndex(t *testing.T) {
	db := openFile(t, filepath.Join(t.TempDir(), "plan.db"))
	for _, c := range []struct{ query, want string }{
		{`SELECT COUNT(*) FROM authors t WHERE ` + hasPublicByline("t.id"), "SEARCH aa USING COVERING INDEX article_authors_by_author (author_id=?)"},
		{`SELECT au.id FROM authors au WHERE au.slug > '' AND ` + hasPublicByline("au.id") + ` ORDER BY au.slug LIMIT 5`, "SEARCH aa USING COVERING INDEX article_authors_by_author (author_id=?)"},
		{`SELECT COUNT(*) FROM tags t WHERE ` + hasPublicTag("t.id"), "SEARCH at USING COVERING INDEX article_tags_by_tag (tag_id=?)"},
		{`SELECT t.id FROM tags t WHERE t.slug > '' AND ` + hasPublicTag("t.id") + ` ORDER BY t.slug LIMIT 5`, "SEARCH at USING COVERING INDEX article_tags_by_tag (tag_id=?)"},
	} {
		plan := queryPlan(t, db, c.query, 1)
		if !strings.Contains(plan, c.want) {
			t.Errorf("%s\nis not read along its index (%s):\n%s", c.query, c.want, plan)
		}
		if strings.Contains(plan, "articles_by_time") {
			t.Errorf("%s\nreads the public articles for each row:\n%s", c.query, plan)
		}
	}
}
