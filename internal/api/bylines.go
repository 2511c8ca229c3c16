package api

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"broadsheet/internal/news"
)

// applyByline makes names a's byline (nil: unchanged), by the admin editor's rules
// (internal/admin/bylines.go): each name is an author's or a newsroom user's, matched
// by slug (the author's address); a user bylined for the first time becomes an author;
// one to 1+news.MaxCoAuthors names; and only a role that may edit anyone's articles
// (news.PermEditAll, Co-Authors Plus's rule) changes a byline. Sending the byline as
// it is changes nothing and is allowed to anyone.
func (s *Server) applyByline(ctx context.Context, u *news.User, a *news.Article, names *[]string) error {
	if names == nil {
		return nil
	}
	var cleaned []string
	seen := map[string]bool{}
	for _, n := range *names {
		n, _ = news.CleanLine(n)
		if slug := news.Slugify(n); n != "" && slug != "" && !seen[slug] {
			seen[slug] = true
			cleaned = append(cleaned, n)
		}
	}
	switch {
	case len(cleaned) == 0:
		return unprocessable("A byline names at least one author: nothing was saved.")
	case len(cleaned) > 1+news.MaxCoAuthors:
		return unprocessable("A byline names at most " + strconv.Itoa(1+news.MaxCoAuthors) + " authors: nothing was saved.")
	}
	slugs := make([]string, len(cleaned))
	for i, n := range cleaned {
		slugs[i] = news.Slugify(n)
	}
	var current []string
	for _, au := range a.Byline() {
		current = append(current, news.Slugify(au.Name))
	}
	if slices.Equal(slugs, current) {
		return nil
	}
	if !u.Role.Can(news.PermEditAll) {
		return forbidden(fmt.Sprintf("This token's role (%s) may not change a byline (only an editor may), so nothing was saved.", u.Role))
	}
	var users []*news.User
	usersRead := false
	authors := make([]*news.Author, 0, len(cleaned))
	for i, name := range cleaned {
		au, err := s.store.AuthorBySlug(ctx, slugs[i])
		if err == nil {
			authors = append(authors, au)
			continue
		} else if !errors.Is(err, news.ErrNotFound) {
			return fmt.Errorf("find the byline's author %q: %w", slugs[i], err)
		}
		if !usersRead {
			if users, err = s.store.Users(ctx); err != nil {
				return fmt.Errorf("list users for a byline: %w", err)
			}
			usersRead = true
		}
		j := slices.IndexFunc(users, func(x *news.User) bool { return news.Slugify(x.Name) == slugs[i] })
		if j < 0 {
			return unprocessable(fmt.Sprintf("There is no author or user named %q (GET %sauthors lists the authors): nothing was saved.", name, Prefix))
		}
		authors = append(authors, &news.Author{Name: users[j].Name, Slug: slugs[i]})
	}
	a.SetByline(authors)
	return nil
}

// applyFeatured makes the library's image id a's featured image (nil: unchanged; 0:
// none), with the library's description and caption. An image not in the library
// (never uploaded, or deleted) is refused, as one without a description is: a featured
// image is the story's picture, never decoration (the admin's rule).
func (s *Server) applyFeatured(ctx context.Context, a *news.Article, id *int64) error {
	switch {
	case id == nil:
		return nil
	case *id == 0:
		a.FeaturedImage = nil
		return nil
	case *id < 0:
		return unprocessable("featured_media is an image's ID in the library (POST /media answers it), or 0 for none: nothing was saved.")
	}
	m, err := s.store.MediaItem(ctx, *id)
	if errors.Is(err, news.ErrNotFound) {
		return unprocessable(fmt.Sprintf("There is no image %d in the library (it may have been deleted): nothing was saved.", *id))
	} else if err != nil {
		return fmt.Errorf("read featured image %d: %w", *id, err)
	}
	if !news.Visible(m.Alt) {
		return unprocessable(fmt.Sprintf("Image %d has no description (alt text), which a featured image needs for people who cannot see it: describe it in the library first. Nothing was saved.", *id))
	}
	a.FeaturedImage = &news.Image{URL: mediaURL + m.Name, Alt: m.Alt, Caption: m.Caption, Width: m.Width, Height: m.Height, Srcset: m.Srcset}
	return nil
}
