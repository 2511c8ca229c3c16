package wxr_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"broadsheet/internal/wxr"
)

// The first pass refuses a category whose parent is not before it (WordPress writes
// parents first), naming the category's line, so that an import writes nothing.
func TestCheckRefusesAParentNotBeforeItsChild(t *testing.T) {
	var b bytes.Buffer
	if err := wxr.WriteSample(&b, 5, 10); err != nil {
		t.Fatal(err)
	}
	if _, err := wxr.Check(context.Background(), bytes.NewReader(b.Bytes()), wxr.Limits{}, nil); err != nil {
		t.Fatalf("the sample itself: %v", err)
	}
	marker := "<wp:category_parent><![CDATA[]]></wp:category_parent><wp:cat_name><![CDATA[Section 19]]>"
	i := strings.Index(b.String(), marker)
	if i < 0 {
		t.Fatal("the sample changed: no category to break")
	}
	line := strings.Count(b.String()[:i], "\n") + 1
	bad := strings.Replace(b.String(), marker, strings.Replace(marker, "[CDATA[]]", "[CDATA[nowhere]]", 1), 1)
	_, err := wxr.Check(context.Background(), strings.NewReader(bad), wxr.Limits{}, nil)
	var we *wxr.Error
	if !errors.As(err, &we) || !strings.Contains(err.Error(), `names the parent "nowhere"`) {
		t.Fatalf("got %v, want the category refused", err)
	}
	// The error names the <wp:category> start tag's line, at or just before the parent's.
	if we.Line > line || we.Line < line-3 {
		t.Errorf("line %d, want the category's (its parent is on line %d)", we.Line, line)
	}
}
