package wxr

import (
	"errors"
	"io"
	"strings"
	"testing"
)

// FuzzReader: whatever the bytes, a Reader ends with io.EOF or an *Error naming a line,
// never a panic, and what it yields keeps its promises (positive, unique post IDs).
func FuzzReader(f *testing.F) {
	for _, s := range []string{
		sampleWXR,
		head + "<item>\n<wp:post_id>1</wp:post_id>\n<title>x</title>\n</item></channel></rss>",
		head + "<item><wp:post_id>1</wp:post_id><wp:comment><wp:comment_id>1</wp:comment_id></wp:comment></item></channel></rss>",
		"<?xml version=\"1.0\"?>\n<!DOCTYPE rss [<!ENTITY a \"b\">]>\n<rss/>",
		head + "<item><content:encoded><![CDATA[]]]]><![CDATA[>]]></content:encoded>",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := NewReader(strings.NewReader(string(data)), Limits{Field: 4 << 10, LongField: 64 << 10, Item: 256 << 10, Entries: 1000})
		ids := map[int64]bool{}
		for range 10_000 {
			e, err := r.Next()
			if err == io.EOF {
				return
			}
			if err != nil {
				var we *Error
				if !errors.As(err, &we) || we.Line < 1 {
					t.Fatalf("error %v (%T)", err, err)
				}
				return
			}
			if it, ok := e.(*Item); ok {
				if it.PostID <= 0 || ids[it.PostID] {
					t.Fatalf("post ID %d", it.PostID)
				}
				ids[it.PostID] = true
			}
		}
		t.Fatal("10,000 entries from a fuzzed input")
	})
}

// FuzzConvert: any content converts without a panic, and the result grows at most by a
// constant factor (a shortcode of a few bytes becomes a player of some hundreds).
func FuzzConvert(f *testing.F) {
	for _, s := range []string{
		"First\n\nSecond\nline",
		"<pre>a\n\nb</pre>\n\n<script>x\ny</script>",
		"<!-- wp:paragraph -->\n<p>x</p>\n<!-- /wp:paragraph --><!-- wp:embed {\"url\":\"https://youtu.be/x\"} -->y<!-- /wp:embed -->",
		"[caption]<img src=x> c[/caption][gallery ids=\"1,2\"][embed]https://e.com[/embed][audio a.mp3][video mp4=v.mp4][/video][[x]][unknown a=1]",
		"<!-- wp:group --><!-- wp:group --><!-- /wp:paragraph --><!-- wp:x /-->",
	} {
		f.Add(s)
	}
	idx := NewAttachmentIndex()
	idx.Add(&Item{Type: "attachment", PostID: 1, PostParent: 5, AttachmentURL: "https://e.com/a.jpg"})
	f.Fuzz(func(t *testing.T, s string) {
		out, _ := Convert(s, ConvertOptions{PostID: 5, Attachments: idx})
		if len(out) > 64*len(s)+1024 {
			t.Fatalf("%d bytes became %d", len(s), len(out))
		}
	})
}
