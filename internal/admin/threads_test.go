package admin_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"broadsheet/internal/news"
)

// The moderation queue's and a comment's "View on site" links land on the comment page
// that shows the comment (here page 3 at 2 threads a page), and the site has it there.
func TestViewOnSiteLandsOnTheCommentsPage(t *testing.T) {
	e := newEnv(t)
	e.addUser(news.RoleEditor)
	ctx := context.Background()
	if err := e.db.SetSettings(ctx, map[string]string{news.SettingCommentsPerPage: "2"}); err != nil {
		t.Fatal(err)
	}
	e.site.Sync(ctx)
	before, err := e.db.ApprovedCommentPage(ctx, e.article.ID, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	var last *news.Comment
	for i := before.Threads; i < 5; i++ { // five threads: the fifth is on page 3
		e.clock.Add(time.Minute)
		last = e.addComment(fmt.Sprintf("r%d@example.net", i), "h", news.CommentApproved, fmt.Sprintf("Thread %d", i))
	}
	e.site.Sync(ctx)
	want := fmt.Sprintf("%scomment-page-3/#comment-%d", e.site.ArticlePath(e.article), last.ID)
	b := e.browser()
	b.login("editor@newsroom.example")
	if page := b.get("/admin/comments?status=approved").body; !strings.Contains(page, `href="`+want+`"`) {
		t.Errorf("the approved queue does not link to %s", want)
	}
	if page := b.get(fmt.Sprintf("/admin/comments/%d/edit", last.ID)).body; !strings.Contains(page, `href="`+want+`">View on site`) {
		t.Errorf("the comment's page does not link to %s", want)
	}
	if page := e.browser().get(strings.TrimSuffix(want, fmt.Sprintf("#comment-%d", last.ID))).body; !strings.Contains(page, fmt.Sprintf(`id="comment-%d"`, last.ID)) {
		t.Errorf("the site's page 3 does not show the comment")
	}
}
