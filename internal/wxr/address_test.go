package wxr_test

import (
	"bytes"
	"context"
	"maps"
	"strings"
	"testing"

	"broadsheet/internal/news"
	"broadsheet/internal/wxr"
)

// An attachment whose address is no file's (javascript:, data:, any scheme but http
// and https) was kept as a library reference, which the editor's picker then offered
// to insert, and could become a post's featured image. Now both passes skip it with
// the reason (FitFileScheme), the library keeps none, and no story shows it.
func TestAttachmentsOfScriptAddressesAreSkipped(t *testing.T) {
	for _, u := range []string{"javascript:alert(1)//x.jpg", "data:image/png;base64,iVBORw0KGgo=", "JaVa\tScRiPt:alert(1)//x.jpg", "vbscript:x.jpg", "https://old.example/x.jpg"} {
		kept := strings.HasPrefix(u, "https:") // the control: kept, and the story's image
		t.Run(u, func(t *testing.T) {
			att := `<item><title>img</title><wp:post_id>7</wp:post_id><wp:post_parent>5</wp:post_parent><wp:status>inherit</wp:status><wp:post_type>attachment</wp:post_type><wp:attachment_url><![CDATA[` + u + `]]></wp:attachment_url></item>` + "\n"
			doc := fitHead + att + fitPost(`<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>7</wp:meta_value></wp:postmeta>`) + "</channel></rss>\n"
			ctx := context.Background()
			p, err := wxr.CheckImport(ctx, strings.NewReader(doc), wxr.Options{})
			if err != nil {
				t.Fatalf("check: %v", err)
			}
			if p.Counts.Changes[wxr.FitFileScheme] != map[bool]int{false: 1}[kept] {
				t.Errorf("the check announces %v, want %q", p.Counts.Changes, wxr.FitFileScheme)
			}
			db := openStore(t)
			rep, err := p.Import(ctx, db)
			if err != nil {
				t.Fatalf("the check passed, the write refused: %v", err)
			}
			if !maps.Equal(rep.Changes, p.Counts.Changes) {
				t.Errorf("the write changed %v, the check announced %v", rep.Changes, p.Counts.Changes)
			}
			var text bytes.Buffer
			rep.WriteText(&text)
			if !kept && !strings.Contains(text.String(), wxr.FitFileScheme) {
				t.Errorf("the report does not say why:\n%s", text.String())
			}
			items, err := db.MediaPage(ctx, news.MediaQuery{})
			if want := map[bool]int{true: 1}[kept]; err != nil || len(items) != want {
				t.Errorf("the library keeps %d items (%v), want %d", len(items), err, want)
			}
			a, err := db.ArticleBySlug(ctx, "a-post")
			if err != nil {
				t.Fatal(err)
			}
			if (a.FeaturedImage != nil) != kept {
				t.Errorf("the story's featured image is %+v", a.FeaturedImage)
			}
		})
	}
}
