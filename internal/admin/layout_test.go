package admin

import (
	"strings"
	"testing"

	"broadsheet/internal/news"
)

// The editor shows the featured image from its narrowest file, whatever the srcset's
// order, at most 240 px wide with the original's proportions.
func TestThumbnailOfAFeaturedImage(t *testing.T) {
	for _, tc := range []struct {
		img          *news.Image
		src          string
		width, heigh int
	}{
		{&news.Image{URL: "/media/a.png", Width: 3000, Height: 2000, Srcset: "/media/a-480.png 480w, /media/a-960.png 960w, /media/a.png 3000w"}, "/media/a-480.png", 240, 160},
		{&news.Image{URL: "/media/b.jpg", Width: 3000, Height: 1000, Srcset: "/media/b-1600.jpg 1600w,/media/b-480.jpg 480w , /media/b.jpg 3000w"}, "/media/b-480.jpg", 240, 80},
		{&news.Image{URL: "/media/tiny.gif", Width: 100, Height: 50}, "/media/tiny.gif", 100, 50},
		{&news.Image{URL: "https://old.example/wp/x.jpg"}, "https://old.example/wp/x.jpg", 0, 0}, // imported, size unknown
		{&news.Image{URL: "/media/tall.png", Width: 1000, Height: 9000, Srcset: "/media/tall-480.png 480w, /media/tall.png 1000w"}, "/media/tall-480.png", 240, 2160},
	} {
		th := thumbOf(tc.img)
		if th.Src != tc.src || th.Width != tc.width || th.Height != tc.heigh || th.Full != tc.img.URL {
			t.Errorf("%s: %+v", tc.img.URL, th)
		}
	}
	if thumbOf(nil) != nil {
		t.Error("a thumbnail without an image")
	}
}

// The top of the settings column has the first button (Enter's), Preview and the
// primary action the story's state leads to.
func TestTopActionsLeadWithTheStateAction(t *testing.T) {
	labels := func(bs []actionButton) string {
		var out []string
		for _, b := range bs {
			s := b.Value
			if b.Primary {
				s += "*"
			}
			out = append(out, s)
		}
		return strings.Join(out, " ")
	}
	for _, tc := range []struct {
		actions []string
		top     string
	}{
		{[]string{"save", "submit", "publish", "preview", "trash"}, "save preview publish*"}, // an editor's draft
		{[]string{"save", "submit", "preview", "trash"}, "save preview submit*"},             // a contributor's
		{[]string{"save", "unpublish", "preview", "trash"}, "save* preview"},                 // a live story: Update
		{[]string{"restore"}, "restore*"},                                                    // in the trash
	} {
		b := &editBody{}
		for _, a := range tc.actions {
			b.Actions = append(b.Actions, editAction{Value: a, Label: a})
		}
		if got := labels(b.TopActions()); got != tc.top {
			t.Errorf("%v: top %q, want %q", tc.actions, got, tc.top)
		}
		if all := b.AllActions(); len(all) != len(tc.actions) || all[0].Value != tc.actions[0] {
			t.Errorf("%v: all %v", tc.actions, all)
		}
	}
}

// Each table of a preview is put in a box of its own that scrolls sideways and takes
// the keyboard's focus; the rest of the HTML is unchanged.
func TestPreviewTablesScrollInTheirOwnBox(t *testing.T) {
	in := `<p>a &lt;table&gt; in text</p><table><tr><td><table><tr><td>x</td></tr></table></td></tr></table><pre><code>&lt;/table&gt;</code></pre>`
	want := `<p>a &lt;table&gt; in text</p>` + tableScroll + `<table><tr><td>` + tableScroll + `<table><tr><td>x</td></tr></table></div></td></tr></table></div><pre><code>&lt;/table&gt;</code></pre>`
	if got := scrollingTables(in); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if plain := "<p>No table.</p>"; scrollingTables(plain) != plain {
		t.Error("HTML without a table changed")
	}
}
