package render

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// ArticleHTML has Markdown's size bound, refused before any work with the writer's
// error, and stops when its ctx has ended.
func TestArticleHTMLIsBounded(t *testing.T) {
	big := "<p>" + strings.Repeat("<b>a</b> ", MaxMarkdownBytes/9) + "</p>"
	out, rep, err := ArticleHTML(big, Embeds{})
	var tc *TooComplexError
	if !errors.As(err, &tc) || tc.Limit != LimitSize || out != "" || rep != nil {
		t.Fatalf("%d bytes of HTML: %v (%d bytes out)", len(big), err, len(out))
	}
	if !strings.Contains(err.Error(), "more than the 1,048,576") {
		t.Errorf("the error does not say the bound: %v", err)
	}
	if _, _, err := ArticleHTML(big[:MaxMarkdownBytes-4]+"</p>", Embeds{}); err != nil {
		t.Errorf("HTML at the bound: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := ArticleHTMLContext(ctx, "<p>Short.</p>", Embeds{}); !errors.Is(err, context.Canceled) {
		t.Errorf("an ended ctx: %v", err)
	}
}

// The steps after goldmark (embeds, the policy, balance) spend the same budget: a
// render whose ctx ends or whose time is up between them stops there.
func TestStepsAfterMarkdownHonourTheBudget(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := sanitizeArticle(stepBudget{ctx, farFuture(), 10}, "<p>x</p>", false, Embeds{}, &Report{}); !errors.Is(err, context.Canceled) {
		t.Errorf("an ended ctx: %v", err)
	}
	var tc *TooComplexError
	if _, err := sanitizeArticle(stepBudget{context.Background(), farPast(), 10}, "<p>x</p>", false, Embeds{}, &Report{}); !errors.As(err, &tc) || tc.Limit != LimitTime {
		t.Errorf("a passed deadline: %v", err)
	}
}

func farFuture() time.Time { return time.Now().Add(time.Hour) }
func farPast() time.Time   { return time.Now().Add(-time.Hour) }
