package admin

import (
	"fmt"

	"broadsheet/internal/news"
)

// moderatedMessage says what a moderation did, in WordPress's words ("2 comments
// approved.", "1 comment marked as spam.", "3 comments moved to the Trash."), and how
// many of the selected comments were gone by then (deleted or erased meanwhile).
func moderatedMessage(changed, gone int, status news.CommentStatus) string {
	what := "comments"
	if changed == 1 {
		what = "comment"
	}
	done := map[news.CommentStatus]string{news.CommentApproved: "approved", news.CommentPending: "unapproved",
		news.CommentSpam: "marked as spam", news.CommentTrash: "moved to the Trash"}[status]
	msg := fmt.Sprintf("%d %s %s.", changed, what, done)
	switch {
	case gone == 1:
		msg += " 1 other no longer exists."
	case gone > 1:
		msg += fmt.Sprintf(" %d others no longer exist.", gone)
	}
	return msg
}
