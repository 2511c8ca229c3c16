package sqlite_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"broadsheet/internal/news"
	"broadsheet/internal/sqlite"
)

// A search of the queue folds (case and accents) the text of every comment it looks
// through, which costs about as much as the text is long: 5,000 comments of the
// longest a reader may post would be minutes of work for one search. So a search page
// looks through at most QueueSearchBytes of text as well as QueueSearchWindow comments,
// and says how far it went.
func TestQueueSearchIsBoundedByText(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "site.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	a := &news.Article{Slug: "s", Title: "S", BodyMarkdown: "x", BodyHTML: "<p>x</p>", Status: news.StatusPublished, PublishedAt: time.Now().Add(-time.Hour)}
	if err := db.CreateArticle(ctx, a); err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("é", 65000) // 130,000 bytes: a long comment, in an accented script
	const n = 40                       // 5.2 MB of text: more than one search's budget
	at := time.Now().Add(-time.Hour).Truncate(time.Second)
	for i := 0; i < n; i++ {
		body := fmt.Sprint(i) + long // a repeated comment is refused as a duplicate
		c := &news.Comment{ArticleID: a.ID, Status: news.CommentSpam, AuthorName: "Spammer", AuthorEmail: "s@example.net",
			Body: body, BodyHTML: "<p>" + body + "</p>", CreatedAt: at.Add(time.Duration(i) * time.Second)}
		if err := db.CreateComment(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	page, err := db.CommentQueue(ctx, news.QueueQuery{Status: news.CommentSpam, Match: "needle", Limit: 20})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Comments) != 0 || page.SearchedTo == nil || !page.More {
		t.Fatalf("the search through %d long comments: %d found, searched to %v, more %v", n, len(page.Comments), page.SearchedTo, page.More)
	}
	// It looked through the newest comments whose text fits the budget, and one more.
	looked := int(page.SearchedTo.CreatedAt.Sub(at.Add(time.Duration(n-1)*time.Second))/-time.Second) + 1
	if most := news.QueueSearchBytes/len(long) + 1; looked > most || looked < 1 {
		t.Errorf("the search looked through %d comments of %d bytes, at most %d fit its budget", looked, len(long), most)
	}
	// The next page goes on from there, through the rest, which fits.
	next, err := db.CommentQueue(ctx, news.QueueQuery{Status: news.CommentSpam, Match: "needle", Limit: 20, After: page.SearchedTo})
	if err != nil || next.SearchedTo != nil || next.More {
		t.Errorf("the next search page, through the %d left: %v, %+v", n-looked, err, next)
	}
}
