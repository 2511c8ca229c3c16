package news

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
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
// without capitals is returned as it is.
//
// It runs on every row a filter or a search looks through (the SQL function bs_fold), so
// it is made fast: ASCII is lower-cased directly, and every other character's form is
// worked out once (foldRune, Unicode's way: compatibility decomposition, nonspacing
// marks removed, full case folding) and remembered, then the whole is composed (NFC) —
// what the same steps on the whole string give, ten times and more faster.
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
	b.Grow(len(s))
	compose := false
	for _, r := range s {
		switch {
		case 'A' <= r && r <= 'Z':
			b.WriteByte(byte(r + 'a' - 'A'))
		case r < utf8.RuneSelf:
			b.WriteByte(byte(r))
		default:
			f := foldRune(r)
			b.WriteString(f.s)
			compose = compose || f.compose
		}
	}
	if !compose {
		return b.String() // nothing in it combines with what precedes it: NFC already
	}
	return norm.NFC.String(b.String())
}

// foldWhole is FoldName's rule applied to a whole string at once: the reference that
// FoldName's character-by-character way gives the same as.
func foldWhole(s string) string {
	var b strings.Builder
	for _, r := range norm.NFKD.String(s) {
		if !unicode.Is(unicode.Mn, r) {
			b.WriteRune(r)
		}
	}
	return norm.NFC.String(cases.Fold().String(b.String()))
}

// folded is one character's form in FoldName: its text (composed), and whether any of
// it may combine with what precedes it (a Hangul vowel jamo typed apart, some marks of
// Indic scripts), so that the whole must be composed again.
type folded struct {
	s       string
	compose bool
}

// foldBMP remembers the form of each character of the Basic Multilingual Plane once
// worked out (a fixed table: every script a text mixes costs no more memory); foldRest
// the others' (emoji and rarer scripts), at most foldRestKept of them.
var (
	foldBMP      [0x10000]atomic.Pointer[folded]
	foldRest     sync.Map // rune → *folded
	foldRestLen  atomic.Int64
	foldRestKept = int64(1 << 14)
)

// foldRune is one character outside ASCII in FoldName's form: its compatibility
// decomposition, nonspacing marks removed, full case folding, composed.
func foldRune(r rune) *folded {
	if r < 0x10000 {
		if f := foldBMP[r].Load(); f != nil {
			return f
		}
	} else if v, ok := foldRest.Load(r); ok {
		return v.(*folded)
	}
	var b strings.Builder
	for _, d := range norm.NFKD.String(string(r)) {
		if !unicode.Is(unicode.Mn, d) {
			b.WriteRune(d)
		}
	}
	f := &folded{s: norm.NFC.String(cases.Fold().String(b.String()))} // a Hangul syllable stays one
	for i := 0; i < len(f.s); {
		p := norm.NFC.PropertiesString(f.s[i:])
		f.compose = f.compose || !p.BoundaryBefore()
		i += max(p.Size(), 1)
	}
	switch {
	case r < 0x10000:
		foldBMP[r].Store(f)
	case foldRestLen.Load() < foldRestKept:
		if _, loaded := foldRest.LoadOrStore(r, f); !loaded {
			foldRestLen.Add(1)
		}
	}
	return f
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

// BlockQuery selects a page of the blocked commenters, newest first.
type BlockQuery struct {
	Match  string // part of a blocked email (FoldName); a blocked address (an IP hash) never matches
	Limit  int
	Offset int
}

// ListStore is what the admin's paged lists read beside Store and UserStore.
type ListStore interface {
	// UserList returns a page of users matching q, and how many match in all.
	UserList(ctx context.Context, q UserQuery) ([]*User, int, error)
	// BlockList returns a page of the blocks matching q, newest first, and how many
	// match in all.
	BlockList(ctx context.Context, q BlockQuery) ([]Block, int, error)
}
