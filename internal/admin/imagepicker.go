package admin

// The featured-image picker (issue 8): the editor's <select> holds the newest
// libraryShown images; an older one is found by name without a script (image_find:
// one match is chosen on save; several are listed in the select instead, and the save
// is refused with nothing lost), and with the script by the library dialog the body's
// images use (editor.js: thumbnails, "More images" paging through
// /admin/media/library.json), which sets the select's choice.

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"broadsheet/internal/news"
)

// libraryShown is how many of the newest images the featured-image select lists.
const libraryShown = 50

// LibraryShown is libraryShown, for the help text.
func (b *editBody) LibraryShown() int { return libraryShown }

// PickedImage is the library item the form chose (its ID), 0 for none, the current
// image or an upload.
func (b *editBody) PickedImage() int64 {
	id, err := strconv.ParseInt(b.ImageChoice, 10, 64)
	if err != nil || id <= 0 {
		return 0
	}
	return id
}

// findImage is the one library item whose file name, alt text or caption contains
// find (news.MediaQuery.Match); msg says why there is none to take: no match, or
// several (the editor then lists them, fillImageChoices).
func (s *Server) findImage(ctx context.Context, find string) (*news.Media, string) {
	if !isValidText(find) || len(find) > 200 {
		return nil, "The image search is not valid text, or too long. Nothing was saved."
	}
	ms, err := s.store.MediaPage(ctx, news.MediaQuery{Match: find, Limit: 2, Images: true})
	switch {
	case err != nil:
		s.log.Error("find a featured image", "err", err)
		return nil, "The library could not be searched. Nothing was saved."
	case len(ms) == 0:
		return nil, "No image in the library matches “" + find + "”. Nothing was saved."
	case len(ms) > 1:
		return nil, "Several images match “" + find + "”: choose one from the list (it now shows them), then save again. Nothing was saved."
	}
	return ms[0], ""
}

// fillImageChoices fills the select: the images matching the form's image_find when it
// was sent (at most libraryShown, the one match chosen), else the newest libraryShown,
// with the form's chosen item added when it is older (a choice made in the dialog
// survives a refused save).
func (s *Server) fillImageChoices(r *http.Request, b *editBody) {
	ctx := r.Context()
	if r.Method == http.MethodPost && r.PostForm != nil {
		if find := strings.TrimSpace(r.PostForm.Get("image_find")); find != "" && isValidText(find) && len(find) <= 200 {
			ms, err := s.store.MediaPage(ctx, news.MediaQuery{Match: find, Limit: libraryShown + 1, Images: true})
			if err == nil && len(ms) > 0 {
				more := ""
				if len(ms) > libraryShown {
					ms, more = ms[:libraryShown], " (the newest "+strconv.Itoa(libraryShown)+"; type more of the name to narrow them)"
				}
				b.Library = ms
				b.ImageMatches = fmt.Sprintf("The list shows the %d images matching “%s”%s.", len(ms), find, more)
				if len(ms) == 1 {
					b.ImageChoice = strconv.FormatInt(ms[0].ID, 10)
				}
				return
			}
		}
	}
	b.Library, _ = s.store.MediaLibrary(ctx, libraryShown)
	if id := b.PickedImage(); id > 0 {
		for _, m := range b.Library {
			if m.ID == id {
				return
			}
		}
		if m, err := s.store.MediaItem(ctx, id); err == nil {
			b.Library = append([]*news.Media{m}, b.Library...)
		}
	}
}
