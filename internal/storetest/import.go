package storetest

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"testing"
	"time"

	"broadsheet/internal/news"
)

// streamOf yields n import items of source src, made by item, then err if not nil.
func streamOf(n int, item func(i int) *news.ImportItem, err error) iter.Seq2[*news.ImportItem, error] {
	return func(yield func(*news.ImportItem, error) bool) {
		for i := 1; i <= n; i++ {
			if !yield(item(i), nil) {
				return
			}
		}
		if err != nil {
			yield(nil, err)
		}
	}
}

func streamItem(src string, i int, slug string) *news.ImportItem {
	a := article(i, "Section "+src, "Tag "+src)
	a.Slug, a.Source, a.SourceID = slug, src, fmt.Sprint(i)
	return &news.ImportItem{Article: a, Comments: []*news.Comment{
		{Status: news.CommentApproved, AuthorName: "Ivan", Body: "first", BodyHTML: "<p>first</p>", Source: src, SourceID: "1", CreatedAt: base},
		{Status: news.CommentApproved, AuthorName: "Tom", Body: "reply", BodyHTML: "<p>reply</p>", Source: src, SourceID: "2", ParentSourceID: "1", CreatedAt: base.Add(time.Minute)},
	}}
}

// testImportStream: ImportStream writes all of a sequence or, when the sequence fails
// late, nothing; it numbers taken slugs as WordPress does however many articles share
// one; it adds the new comments of an article already there, threaded to the stored
// ones; and it refuses items it could not find again.
func testImportStream(t *testing.T, s Engine) {
	ctx := context.Background()
	count := func() int {
		n, err := s.CountArticles(ctx, news.ArticleQuery{})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}

	t.Run("SequenceErrorLateWritesNothing", func(t *testing.T) {
		lastChange, _ := s.LastChange(ctx)
		broken := errors.New("line 1001: not a JSON record")
		items := streamOf(1000, func(i int) *news.ImportItem { return streamItem("late", i, fmt.Sprintf("late-%d", i)) }, broken)
		if _, err := s.ImportStream(ctx, items); !errors.Is(err, broken) {
			t.Fatalf("import of a sequence that fails: %v, want its error", err)
		}
		if n := count(); n != 0 {
			t.Errorf("%d articles left by a failed import", n)
		}
		if secs, _ := s.Sections(ctx); len(secs) != 0 {
			t.Errorf("sections left by a failed import: %v", secs)
		}
		if c, _ := s.LastChange(ctx); c != lastChange {
			t.Errorf("a failed import recorded change %d", c)
		}
	})

	t.Run("ManyArticlesOneSlug", func(t *testing.T) {
		taken := article(0, "")
		taken.Slug = "same-3" // an article the numbering must step over
		mustCreate(t, s, taken)
		res, err := s.ImportStream(ctx, streamOf(60, func(i int) *news.ImportItem { return streamItem("same", i, "same") }, nil))
		if err != nil || res.Articles != 60 || res.Comments != 120 {
			t.Fatalf("import: %v %v", res, err)
		}
		var slugs []string
		all, err := s.Articles(ctx, news.ArticleQuery{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range all {
			slugs = append(slugs, a.Slug)
		}
		want := []string{"same", "same-2", "same-3"}
		for n := 4; n <= 61; n++ {
			want = append(want, fmt.Sprintf("same-%d", n))
		}
		slices.Sort(slugs)
		slices.Sort(want)
		if !slices.Equal(slugs, want) {
			t.Errorf("slugs %v, want %v", slugs, want)
		}
		res, err = s.ImportStream(ctx, streamOf(60, func(i int) *news.ImportItem { return streamItem("same", i, "same") }, nil))
		if err != nil || res.Articles+res.Comments != 0 || res.SkippedArticles != 60 || res.SkippedComments != 120 {
			t.Errorf("second import: %v %v", res, err)
		}
	})

	t.Run("NewCommentsOnAStoredArticle", func(t *testing.T) {
		if _, err := s.ImportStream(ctx, streamOf(1, func(i int) *news.ImportItem { return streamItem("grow", i, "grow") }, nil)); err != nil {
			t.Fatal(err)
		}
		it := streamItem("grow", 1, "grow")
		it.Comments = append(it.Comments, &news.Comment{Status: news.CommentApproved, AuthorName: "Zoë", Body: "later reply",
			BodyHTML: "<p>later reply</p>", Source: "grow", SourceID: "3", ParentSourceID: "1", CreatedAt: base.Add(time.Hour)})
		res, err := s.ImportStream(ctx, streamOf(1, func(int) *news.ImportItem { return it }, nil))
		if err != nil || res.Articles != 0 || res.Comments != 1 || res.SkippedComments != 2 {
			t.Fatalf("import with a new comment: %v %v", res, err)
		}
		a, err := s.ArticleBySlug(ctx, "grow")
		if err != nil {
			t.Fatal(err)
		}
		cs, _ := s.ApprovedComments(ctx, a.ID)
		if len(cs) != 3 || cs[2].Body != "later reply" || cs[2].ParentID != cs[0].ID {
			t.Errorf("thread after the second import: %+v", cs)
		}
	})

	t.Run("ItemsWithoutSourceRefused", func(t *testing.T) {
		before := count()
		for name, it := range map[string]*news.ImportItem{
			"no source":            streamItem("", 1, "nosource"),
			"comment no source id": func() *news.ImportItem { it := streamItem("x", 1, "x"); it.Comments[1].SourceID = ""; return it }(),
			"nil article":          {},
		} {
			if _, err := s.ImportStream(ctx, streamOf(1, func(int) *news.ImportItem { return it }, nil)); !errors.Is(err, news.ErrInvalid) {
				t.Errorf("%s: %v, want ErrInvalid", name, err)
			}
		}
		if n := count(); n != before {
			t.Errorf("refused items left %d articles", n-before)
		}
	})

	t.Run("StopsWhenContextEnds", func(t *testing.T) {
		before := count()
		cctx, cancel := context.WithCancel(ctx)
		items := streamOf(500, func(i int) *news.ImportItem {
			if i == 300 {
				cancel()
			}
			return streamItem("cancel", i, fmt.Sprintf("cancel-%d", i))
		}, nil)
		if _, err := s.ImportStream(cctx, items); !errors.Is(err, context.Canceled) {
			t.Errorf("import whose context ended: %v", err)
		}
		if n := count(); n != before {
			t.Errorf("a cancelled import left %d articles", n-before)
		}
	})
}
