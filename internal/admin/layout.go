package admin

// The editor's two-column layout (issue 8): the text on the left, the story's settings
// beside it, as WordPress's and Ghost's editors have them. This file holds what the
// layout needs from Go: the featured image's thumbnail and the buttons at the top of
// the settings column.

import (
	"strconv"
	"strings"

	"golang.org/x/net/html"

	"broadsheet/internal/news"
)

// thumbWidth is the widest, in CSS pixels, the editor shows the featured image: a
// preview of which picture it is, not the picture itself (a 3000 px photo at full
// size made the editor 3,174 px wide).
const thumbWidth = 240

// thumbnail is the featured image as the editor shows it: the narrowest file of its
// srcset, and the size it is shown at, so that the browser keeps its place before it
// loads.
type thumbnail struct {
	Src           string // the narrowest variant's address (the original when there is none)
	Width, Height int    // the shown size in CSS pixels, at most thumbWidth wide; 0 when unknown
	Full          string // the original's address
	FullW, FullH  int    // the original's size in pixels
}

// thumbOf is img's thumbnail, or nil without an image.
func thumbOf(img *news.Image) *thumbnail {
	if img == nil || img.URL == "" {
		return nil
	}
	t := &thumbnail{Src: img.URL, Full: img.URL, FullW: img.Width, FullH: img.Height}
	if src := narrowest(img.Srcset); src != "" {
		t.Src = src
	}
	if img.Width > 0 && img.Height > 0 {
		t.Width = min(img.Width, thumbWidth)
		t.Height = max(1, (img.Height*t.Width+img.Width/2)/img.Width)
	}
	return t
}

// narrowest is the address of a srcset's narrowest candidate by its width descriptor
// ("url 480w, url 960w": HTML's srcset syntax); candidates without one count as widest.
// It is "" for an empty srcset.
func narrowest(srcset string) string {
	best, bestW := "", -1
	for cand := range strings.SplitSeq(srcset, ",") {
		fields := strings.Fields(cand)
		if len(fields) == 0 {
			continue
		}
		w := int(^uint(0) >> 1)
		if len(fields) > 1 && strings.HasSuffix(fields[1], "w") {
			if n, err := strconv.Atoi(strings.TrimSuffix(fields[1], "w")); err == nil && n > 0 {
				w = n
			}
		}
		if bestW < 0 || w < bestW {
			best, bestW = fields[0], w
		}
	}
	return best
}

// actionButton is one of the editor's buttons; Primary marks the one the story's state
// leads to (Publish for a draft an editor may publish, Submit for review for a
// contributor's, Update for a live story).
type actionButton struct {
	Value, Label string
	Primary      bool
	// FormAction and FormTarget send the form elsewhere: Preview opens the full
	// preview of the unsaved form in a new tab (preview.go). Confirm asks before the
	// action (Move to trash), in a <details> that works without script.
	FormAction, FormTarget string
	Confirm                string
	// Now and Later are the labels the editor's script shows as the publication time
	// typed is now or to come (editAction); empty for a button whose effect does not
	// depend on it.
	Now, Later string
}

// button is action a as a button of the editor of b (preview.go's additions: where
// Preview sends the form, and the trash's confirmation).
func (b *editBody) button(a editAction, primary string) actionButton {
	btn := actionButton{Value: a.Value, Label: a.Label, Primary: a.Value == primary, Now: a.Now, Later: a.Later}
	switch a.Value {
	case "preview":
		btn.FormAction, btn.FormTarget = "/admin/articles/preview", "_blank"
		if b.ID != 0 {
			btn.FormAction = "/admin/articles/" + strconv.FormatInt(b.ID, 10) + "/preview"
		}
	case "trash":
		btn.Confirm = "Move this story to the trash? Readers can no longer see it; you can undo this, or restore it from the trash later."
	}
	return btn
}

// primaryAction is the value of the action the story's state leads to.
func primaryAction(actions []editAction) string {
	for _, want := range []string{"publish", "submit", "save", "restore"} {
		for _, a := range actions {
			if a.Value == want {
				return want
			}
		}
	}
	return ""
}

// AllActions are every button of the editor, the primary one marked: the row at the
// foot of the form.
func (b *editBody) AllActions() []actionButton {
	p := primaryAction(b.Actions)
	out := make([]actionButton, 0, len(b.Actions))
	for _, a := range b.Actions {
		out = append(out, b.button(a, p))
	}
	return out
}

// TopActions are the buttons at the top of the settings column: the first action (so
// that Enter in a field still presses the same button as before: a form's default
// button is its first, by HTML's implicit submission), Preview, and the primary
// action, last unless it is the first.
func (b *editBody) TopActions() []actionButton {
	if len(b.Actions) == 0 {
		return nil
	}
	p := primaryAction(b.Actions)
	var out []actionButton
	seen := map[string]bool{}
	add := func(a editAction) {
		if !seen[a.Value] {
			seen[a.Value] = true
			out = append(out, b.button(a, p))
		}
	}
	add(b.Actions[0])
	for _, a := range b.Actions {
		if a.Value == "preview" {
			add(a)
		}
	}
	for _, a := range b.Actions {
		if a.Value == p {
			add(a)
		}
	}
	return out
}

// tableScroll opens the box a preview's table scrolls sideways in. A scrolling box needs
// to take the keyboard's focus to be scrolled without a mouse (WCAG 2.1.1; axe-core's
// scrollable-region-focusable), and a focusable box a role and a name.
const tableScroll = `<div class="table-scroll" role="region" tabindex="0" aria-label="Table (scrolls sideways)">`

// scrollingTables puts each table of rendered HTML in a box that scrolls sideways, so
// that a table wider than the column scrolls by itself instead of widening the page or
// crushing its words a letter a line. The HTML is the renderer's own, sanitised
// output; it is read as tokens (not searched as text), once: its cost is linear.
func scrollingTables(fragment string) string {
	if !strings.Contains(fragment, "<table") {
		return fragment
	}
	var out strings.Builder
	out.Grow(len(fragment) + 256)
	z := html.NewTokenizer(strings.NewReader(fragment))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return out.String() // io.EOF: a strings.Reader has no other error
		}
		name, _ := z.TagName()
		isTable := string(name) == "table"
		if isTable && tt == html.StartTagToken {
			out.WriteString(tableScroll)
		}
		out.Write(z.Raw())
		if isTable && tt == html.EndTagToken {
			out.WriteString("</div>")
		}
	}
}
