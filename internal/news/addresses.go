package news

import (
	"context"
	"fmt"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Addresses and identities that never break: every address a story had answers with a
// permanent redirect to its current one (as WordPress's wp_old_slug_redirect does for
// a post's former slugs), and a story's identity in feeds is minted once and never
// follows its address, its slug, the site's domain or its time zone.

// Kinds of Redirect.
const (
	// RedirectSlug is an article's former slug: /{any date}/{slug}/ answers 301.
	RedirectSlug = "slug"
	// RedirectPath is an old path kept whole, such as an imported site's /?p=42 or
	// /2019/old-permalink/ (for the WordPress import).
	RedirectPath = "path"
)

// Redirect is an address that was an article's and is no longer its own.
type Redirect struct {
	Kind      string // RedirectSlug or RedirectPath
	Address   string // the slug (NFC) or the path
	ArticleID int64
	CreatedAt time.Time
}

// RedirectStore keeps the addresses articles had. An engine keeps them by itself when
// articles are renamed: UpdateArticle, in the write's transaction, records an article's
// former slug when the article is or was published (a draft's working slugs are never
// kept), all of an article's former slugs point at the article (so a chain of renames
// is one hop to the current address), and renaming back to a former slug or publishing
// an article at another story's former slug drops the slug's redirect (the latest
// public holder of an address wins); a write or an import that gives another story's
// former slug to an article not published keeps the redirect behind it — the site
// answers with it while the article holding the slug is not public, so that a draft
// given the slug breaks no link. Either names the article the redirect pointed at in
// its Change (its cached redirect is stale).
type RedirectStore interface {
	// Redirect returns what an old address leads to; ErrNotFound when nothing. It says
	// nothing of whether the article is public: the caller answers for the article as
	// it would at its own address.
	Redirect(ctx context.Context, kind, address string) (Redirect, error)
	// AddRedirect records an old address of an article (ArticleID), e.g. an imported
	// site's paths; one already recorded moves to this article. A slug that is an
	// article's current slug is refused with ErrConflict; an unknown kind, an empty
	// address or a missing article with ErrInvalid or ErrNotFound.
	AddRedirect(ctx context.Context, r Redirect) error
}

// SettingFeedIDBase is the stored base of the site's feed IDs (see NewFeedIDBase). It
// is minted once, at first need, and is no setting an operator changes: changing it
// would make every feed reader show every story again.
const SettingFeedIDBase = "feed_id_base"

// NewFeedIDBase mints the base of a site's feed IDs from its public address and the
// day: "tag:news.example.org,2026-05-01:", a tag URI prefix (RFC 4151: an authority
// name the minter holds on that date, then a specific part). The host is in ASCII
// (IDNA), without port; an IPv6 literal, which a tag's DNS name cannot hold, is written
// with hyphens.
func NewFeedIDBase(baseURL string, now time.Time) (string, error) {
	u, err := url.Parse(baseURL)
	if err != nil || u.Hostname() == "" {
		return "", fmt.Errorf("feed IDs: the site's address %q has no host: %w", baseURL, ErrInvalid)
	}
	host, ok := ASCIIHost(u.Hostname())
	if !ok {
		return "", fmt.Errorf("feed IDs: the site's host %q is not a valid name: %w", u.Hostname(), ErrInvalid)
	}
	if !PublicHost(host) {
		// No name the site holds (a trial on localhost or an address): a base that is
		// never stored (EnsureFeedIDBase), so the site's real name mints its own later,
		// and dated from a fixed day so that it stays the same from one day to the next.
		now = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	host = strings.Trim(strings.NewReplacer("[", "", "]", "", ":", "-").Replace(strings.ToLower(host)), "-.")
	if host == "" {
		host = "localhost"
	}
	return "tag:" + host + "," + now.UTC().Format("2006-01-02") + ":", nil
}

// PublicHost reports whether host (ASCII, without port) is a DNS name that can be held
// on the public internet, and so can be a tag URI's authority (RFC 4151 §2.1): not an IP
// address, not a single label, and not under a special-use name that nobody registers
// (RFC 6761: localhost, test, invalid, example; RFC 6762: local; RFC 8375: home.arpa;
// ICANN's internal).
func PublicHost(host string) bool {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if host == "" || strings.ContainsAny(host, ":[]") || !strings.Contains(host, ".") {
		return false
	}
	if _, err := netip.ParseAddr(host); err == nil {
		return false
	}
	for _, special := range []string{"localhost", "test", "invalid", "example", "local", "internal", "home.arpa"} {
		if host == special || strings.HasSuffix(host, "."+special) {
			return false
		}
	}
	return true
}

// EnsureFeedIDBase returns the site's stored feed ID base, minting it from baseURL and
// now and storing it when there is none yet (a site's first start with feeds). A base
// minted from a host that is no public name (PublicHost: a trial on localhost) is
// returned but not stored, so the IDs a site keeps are those of its real name. A base
// already stored is never replaced (AddSettings): two servers starting at once on a new
// database, on either side of midnight or with other addresses, end with one base.
func EnsureFeedIDBase(ctx context.Context, store Store, baseURL string, now time.Time) (string, error) {
	stored, err := store.Settings(ctx)
	if err != nil {
		return "", err
	}
	if v := stored[SettingFeedIDBase]; v != "" {
		return v, nil
	}
	v, err := NewFeedIDBase(baseURL, now)
	if err != nil {
		return "", err
	}
	if u, _ := url.Parse(baseURL); !PublicHost(u.Hostname()) {
		return v, nil // a trial's: the site's public name will mint the one kept
	}
	kept, err := store.AddSettings(ctx, map[string]string{SettingFeedIDBase: v})
	if err != nil {
		return v, fmt.Errorf("store the feed ID base: %w", err)
	}
	return kept[SettingFeedIDBase], nil
}

// ArticleFeedID is the article's identity in every feed (RSS guid, Atom id, JSON Feed
// id): the one it was stored with (an import's GUID), or else the site's base and its
// ID, "tag:news.example.org,2026-05-01:article-42". Neither changes when the article is
// renamed or moved, nor when the site's domain or time zone does.
func ArticleFeedID(base string, a *Article) string {
	if a.FeedID != "" {
		return a.FeedID
	}
	return base + "article-" + strconv.FormatInt(a.ID, 10)
}

// CommentFeedID is a comment's permanent identity, for feeds that carry comments.
func CommentFeedID(base string, c *Comment) string {
	return base + "comment-" + strconv.FormatInt(c.ID, 10)
}

// FeedListID is the permanent identity of one of the site's feeds (Atom's feed id),
// by its directory: "/" for the site's, "/section/world/" for a section's.
func FeedListID(base, dir string) string {
	return base + "feed:" + dir
}

// MaxFeedIDLength bounds an article's stored feed ID (WordPress's guid is a
// varchar(255); a little more room for other systems' URIs).
const MaxFeedIDLength = 1000

// CheckFeedID reports whether id may be an article's stored feed ID: an absolute URI
// or IRI (Atom's id must be one, RFC 4287 §4.2.6) without spaces or control characters,
// at most MaxFeedIDLength bytes.
func CheckFeedID(id string) error {
	if err := CheckText("the feed ID", id); err != nil {
		return err
	}
	u, err := url.Parse(id)
	if len(id) > MaxFeedIDLength || strings.ContainsFunc(id, func(r rune) bool { return r <= ' ' || r == 0x7f }) ||
		err != nil || u.Scheme == "" || u.Opaque == "" && u.Host == "" && u.Path == "" {
		return fmt.Errorf("feed ID %q is not an absolute URI of at most %d bytes: %w", id, MaxFeedIDLength, ErrInvalid)
	}
	return nil
}
