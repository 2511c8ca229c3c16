package news

import (
	"context"
	"errors"
	"strings"
	"time"
)

// ErrMediaDeleted is a store's refusal of an article write that names a file of a
// library item deleted before it (its featured image or its text): deleting an image is
// final, and a story must not show a broken one.
var ErrMediaDeleted = errors.New("names an image deleted from the library")

// The newsroom's management screens (issue 8, §3): the media library's items (their
// words, where they are used, their deletion, search and keyset pages), an
// administrator's changes to an account (name, email, a password reset link), and the
// taxonomy's upkeep (sections deleted and reordered; tags renamed, merged and deleted,
// their old addresses answering 301 to the tag that took them).

// MaxMediaPage is the most library items a page lists.
const MaxMediaPage = 100

// MediaQuery selects a page of the media library, newest first.
type MediaQuery struct {
	// Match is part of the file name, the alt text or the caption, compared in
	// FoldName's form ("" matches every item).
	Match string
	// Before pages by keyset: only items with an ID below it (0: from the newest).
	Before int64
	Limit  int // at most MaxMediaPage; 0 or less means MaxMediaPage
	// Images keeps only stored images (Media.IsImage): what a picker offers.
	Images bool
}

// MediaUse is an article that shows a library item: as its featured image, in its
// body (the item's file name, or one of its srcset variants' names, under /media/ in
// its Markdown or HTML), or both.
type MediaUse struct {
	ArticleID int64
	Title     string
	Status    ArticleStatus
	Featured  bool
	InBody    bool
}

// MediaFileNames are every stored file of a library item: its own file and its srcset
// variants (the names after "/media/" in Srcset).
func MediaFileNames(m *Media) []string {
	names := []string{m.Name}
	for part := range strings.SplitSeq(m.Srcset, ",") {
		url, _, _ := strings.Cut(strings.TrimSpace(part), " ")
		if _, name, ok := strings.Cut(url, "/media/"); ok && name != "" && name != m.Name {
			names = append(names, name)
		}
	}
	return names
}

// MediaNamesIn returns the file names that follow "/media/" in text (a link, an image,
// a srcset; relative or absolute), each once, at most max of them: what an article's
// body refers to of the library. A name is the run of letters, digits, '.', '_', '-'
// and '~' after the prefix (the characters Process gives names).
func MediaNamesIn(text string, max int) []string {
	var out []string
	seen := map[string]bool{}
	for len(out) < max {
		i := strings.Index(text, "/media/")
		if i < 0 {
			break
		}
		text = text[i+len("/media/"):]
		n := 0
		for n < len(text) {
			c := text[n]
			if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-' || c == '~' {
				n++
				continue
			}
			break
		}
		if name := text[:n]; name != "" && !seen[name] {
			seen[name] = true
			out = append(out, name)
		}
		text = text[n:]
	}
	return out
}

// MaxMediaNames bounds the names ArticleMediaNames returns: what one article adds to
// an engine's index of uses.
const MaxMediaNames = 1000

// ArticleMediaNames are the library file names an article shows (MediaNamesIn of its
// Markdown, its HTML, its featured image's address and srcset): what an engine indexes
// for ManageStore.MediaUses, computed in the article's write transaction.
func ArticleMediaNames(markdown, html, imageURL, imageSrcset string) []string {
	return MediaNamesIn(markdown+" "+html+" "+imageURL+" "+imageSrcset, MaxMediaNames)
}

// PasswordReset is a one-time link that lets a user choose a new password, made by an
// administrator (there is no mail yet: the administrator passes the link on). Only the
// SHA-256 of its token is stored (auth.HashToken), as for sessions.
type PasswordReset struct {
	TokenHash string
	UserID    int64
	CreatedBy int64
	CreatedAt time.Time
	ExpiresAt time.Time
}

// PasswordResetLife is how long a reset link works: a day, WordPress's default
// (password_reset_expiration, DAY_IN_SECONDS).
const PasswordResetLife = 24 * time.Hour

// TagQuery selects a page of tags, by name.
type TagQuery struct {
	Match         string // part of the name or slug, in FoldName's form
	Limit, Offset int
}

// TagCount is a tag and how many articles carry it.
type TagCount struct {
	Tag
	Articles int
}

// ManageStore is what the management screens need beyond Store; every engine
// implements it.
type ManageStore interface {
	// MediaPage lists library items matching q, newest first (by ID).
	MediaPage(ctx context.Context, q MediaQuery) ([]*Media, error)
	// SetMediaWords changes an item's alt text and caption (stored as given; the
	// caller cleans them). ErrNotFound when there is no such item.
	SetMediaWords(ctx context.Context, id int64, alt, caption string) error
	// MediaUses returns at most limit of the articles that use m (MediaUse), by ID,
	// and how many there are in all. Its cost follows the uses, not the articles: the
	// engine keeps every article's names under /media/ indexed (ArticleMediaNames) in
	// each write's transaction, and an article written past the engine (a database
	// shell, a script) is indexed again before the answer.
	MediaUses(ctx context.Context, m *Media, limit int) ([]MediaUse, int, error)
	// DeleteMedia removes an item from the library, if no article uses it, checked
	// in the same transaction (ErrConflict otherwise; ErrNotFound when there is no
	// such item). The caller removes its files afterwards.
	DeleteMedia(ctx context.Context, id int64) error

	// SetNameEmail changes a user's name and email (stored as given; the caller
	// cleans them). An email another account has, compared in NormalEmail's form, is
	// ErrConflict, decided in the same step as the write.
	SetNameEmail(ctx context.Context, userID int64, name, email string) error
	// CreatePasswordReset stores a reset link, replacing the user's earlier ones (one
	// link works at a time).
	CreatePasswordReset(ctx context.Context, pr PasswordReset) error
	// PasswordReset returns the reset link with the token hash if it works at now
	// (ErrNotFound otherwise, as for a disabled user's).
	PasswordReset(ctx context.Context, tokenHash string, now time.Time) (*PasswordReset, error)
	// ResetPassword uses a reset link once: in one transaction it checks that the link
	// works at now, deletes it (and every other link of the user), sets the password
	// hash and ends all the user's sessions. ErrNotFound when the link does not work,
	// so that of two uses of one link only one succeeds. It returns the user's ID.
	ResetPassword(ctx context.Context, tokenHash, passwordHash string, now time.Time) (int64, error)

	// DeleteSection deletes a section and moves its articles to the section moveTo (0:
	// none), in one transaction. ErrNotFound when either section is missing;
	// ErrInvalid when moveTo is the section itself.
	DeleteSection(ctx context.Context, id, moveTo int64) error
	// MoveSection moves a section one place up (by < 0) or down (by > 0) in the
	// navigation's order, numbering the sections 1…n as it does; at an end it changes
	// nothing.
	MoveSection(ctx context.Context, id int64, by int) error

	// TagList returns a page of tags matching q, by name, with how many articles carry
	// each, and how many match in all.
	TagList(ctx context.Context, q TagQuery) ([]TagCount, int, error)
	Tag(ctx context.Context, id int64) (*Tag, error)
	// RenameTag gives a tag a new name and slug; when the slug changes, the old one
	// is kept as the tag's former address (TagRedirect). A slug another tag has is
	// ErrConflict.
	RenameTag(ctx context.Context, id int64, name, slug string) error
	// MergeTag moves every article of tag from to tag into (once each), deletes from,
	// and makes from's addresses (its slug and its own former ones) lead to into.
	MergeTag(ctx context.Context, from, into int64) error
	// DeleteTag deletes a tag (its articles lose it) and its former addresses.
	DeleteTag(ctx context.Context, id int64) error
	// TagRedirect returns the tag a former tag slug leads to; ErrNotFound when none.
	TagRedirect(ctx context.Context, slug string) (*Tag, error)
}
