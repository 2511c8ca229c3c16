package news

import (
	"context"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// The admin's lists (issue 8): keyset paging, and filters by part of a name.

// ListPageMax bounds a page of any admin list; ListPageDefault is its usual size.
const (
	ListPageDefault = 50
	ListPageMax     = 200
	// MaxFilterRunes bounds a filter's text: a longer one is cut there.
	MaxFilterRunes = 200
)

// ArticleKey is an article's place in the newest-first order of ArticleQuery (its
// publication time, none sorting last, then its ID): a keyset cursor, so that a page
// neither repeats nor skips a row when articles are added or moved meanwhile, and
// costs the same at any depth.
type ArticleKey struct {
	PublishedAt time.Time // zero: not yet published (a draft)
	ID          int64
}

// KeyOf is a's place in the order.
func KeyOf(a *Article) ArticleKey { return ArticleKey{PublishedAt: a.PublishedAt, ID: a.ID} }

// FoldName is the form in which names and titles are compared by part: case folded
// (Unicode's full folding: "STRASSE" matches "straße") and accents removed ("Zoë",
// "ZOE" and "zoe" are one), so a filter typed on any keyboard finds the name. ASCII
// without capitals is returned as it is, other ASCII in lower case (what the full path
// makes of it, a hundred times faster: the queue's search folds whole comments).
func FoldName(s string) string {
	ascii, upper := true, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			ascii = false
			break
		}
		upper = upper || ('A' <= c && c <= 'Z')
	}
	if ascii {
		if upper {
			return strings.ToLower(s)
		}
		return s
	}
	var b strings.Builder
	for _, r := range norm.NFKD.String(s) {
		if !unicode.Is(unicode.Mn, r) {
			b.WriteRune(r)
		}
	}
	return norm.NFC.String(cases.Fold().String(b.String()))
}

// CutFilter trims a filter's text and cuts it at MaxFilterRunes.
func CutFilter(s string) string {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) > MaxFilterRunes {
		s = string([]rune(s)[:MaxFilterRunes])
	}
	return strings.ToValidUTF8(s, "")
}

// UserQuery selects newsroom accounts, by name then ID.
type UserQuery struct {
	Match  string // part of the name or email (FoldName)
	Role   Role
	Limit  int
	Offset int
}

// ListStore is what the admin's paged lists read beside Store and UserStore.
type ListStore interface {
	// UserList returns a page of users matching q, and how many match in all.
	UserList(ctx context.Context, q UserQuery) ([]*User, int, error)
}
