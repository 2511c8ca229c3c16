package news

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/language"
)

// Settings are the site's own words and policies, kept in the store (so that every node
// and every process shares them) and read into memory at start and after every change.
// The public site, the admin and the command line all read them through ParseSettings.
type Settings struct {
	Title       string
	Tagline     string
	Language    string
	PerPage     int
	Location    *time.Location
	SocialLinks []Link // "Follow us on …"
	// CommentsCloseDays closes an article's comments that many days after publication;
	// 0 keeps them open (WordPress's default).
	CommentsCloseDays int
	// CommentModeration is "first" (a commenter's first comment waits for approval, as
	// WordPress does by default), "all" or "none".
	CommentModeration string
	// CommentMaxLinks: a comment with more links waits for moderation.
	CommentMaxLinks int
	// CommentsClosed closes comments on every article.
	CommentsClosed bool
	// EmptyTrashDays and CommentTraceDays are the comments' retention (see Retention).
	EmptyTrashDays, CommentTraceDays int
	// CommentsPerPage is how many top-level comments (threads, with all their
	// replies) a comment page holds; 0 shows every comment on the article's page
	// (WordPress's comments_per_page, and page_comments off).
	CommentsPerPage int
	// Logo is the address of the site's logo image, shown with the title.
	Logo   string
	Secret []byte // signs form tokens, hashes IP addresses
	// EmbedHosts are the hosts whose https iframes articles may embed besides the
	// built-in providers (render.Embeds), lower-case ASCII (ParseEmbedHosts).
	EmbedHosts []string
	// LeadArticle is the ID of the story the front page leads with while it is public
	// (WordPress's sticky post, set by the WXR import); 0 leads with the newest.
	LeadArticle int64
}

// Link is a named link.
type Link struct{ Name, URL string }

// Setting keys and their defaults.
const (
	SettingTitle             = "title"
	SettingTagline           = "tagline"
	SettingLanguage          = "language"
	SettingPerPage           = "per_page"
	SettingTimezone          = "timezone"
	SettingSocialLinks       = "social_links" // one "Name URL" a line
	SettingCommentsCloseDays = "comments_close_days"
	SettingCommentModeration = "comment_moderation"
	SettingCommentMaxLinks   = "comment_max_links"
	SettingCommentsClosed    = "comments_closed" // "yes" closes comments site-wide
	SettingCommentsPerPage   = "comments_per_page"
	SettingLogo              = "logo"
	SettingSecret            = "secret"
	SettingEmptyTrashDays    = "empty_trash_days" // WordPress's EMPTY_TRASH_DAYS, for comments
	SettingCommentTraceDays  = "comment_ip_days"
	SettingEmbedHosts        = "embed_hosts" // host names, one a line (ParseEmbedHosts)
	SettingLeadArticle       = "lead_article"
)

var defaultSettings = map[string]string{
	SettingTitle:             "Broadsheet",
	SettingTagline:           "Independent news",
	SettingLanguage:          "en",
	SettingPerPage:           "10",
	SettingTimezone:          "UTC",
	SettingCommentsCloseDays: "0",
	SettingCommentModeration: "first",
	SettingCommentMaxLinks:   "2",
	SettingCommentsClosed:    "no",
	SettingCommentsPerPage:   strconv.Itoa(DefaultCommentsPerPage),
	SettingLogo:              "",
	SettingEmptyTrashDays:    "30",
	SettingCommentTraceDays:  "30",
	SettingLeadArticle:       "0",
}

// NewSecret returns a new random secret for SettingSecret.
func NewSecret() string {
	b := make([]byte, 32)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// ParseSettings reads stored values over the defaults; a value that does not parse is
// an error naming the key, so that a typo is found at start rather than served.
func ParseSettings(stored map[string]string) (*Settings, error) {
	get := func(k string) string {
		if v, ok := stored[k]; ok {
			return v
		}
		return defaultSettings[k]
	}
	atoi := func(k string, min int) (int, error) {
		n, err := strconv.Atoi(strings.TrimSpace(get(k)))
		if err != nil || n < min {
			return 0, fmt.Errorf("setting %s: %q is not a whole number of at least %d", k, get(k), min)
		}
		return n, nil
	}
	s := &Settings{Title: get(SettingTitle), Tagline: get(SettingTagline), Language: strings.TrimSpace(get(SettingLanguage))}
	// The language goes into every page's lang attribute, og:locale and the feeds: a
	// BCP 47 tag (RFC 5646), e.g. en or en-GB, as browsers and feed readers expect.
	tag, err := language.Parse(s.Language)
	if base, conf := tag.Base(); err != nil || s.Language == "" || conf != language.Exact || base.String() == "und" {
		return nil, fmt.Errorf("setting %s: %q is not a language tag such as en or en-GB", SettingLanguage, s.Language)
	}
	s.Language = tag.String()
	if s.PerPage, err = atoi(SettingPerPage, 1); err != nil {
		return nil, err
	}
	if s.CommentsCloseDays, err = atoi(SettingCommentsCloseDays, 0); err != nil {
		return nil, err
	}
	if s.CommentMaxLinks, err = atoi(SettingCommentMaxLinks, 0); err != nil {
		return nil, err
	}
	if s.EmptyTrashDays, err = atoi(SettingEmptyTrashDays, 0); err != nil {
		return nil, err
	}
	if s.CommentTraceDays, err = atoi(SettingCommentTraceDays, 0); err != nil {
		return nil, err
	}
	// A retention of a billion billion days, typed to mean "for ever", would put the
	// cutoff past the end of time.Time's range, where it wraps round to the future and
	// everything is due at once.
	for _, r := range []struct {
		key string
		n   int
	}{{SettingEmptyTrashDays, s.EmptyTrashDays}, {SettingCommentTraceDays, s.CommentTraceDays}} {
		if r.n > MaxRetentionDays {
			return nil, fmt.Errorf("setting %s: %d days is more than %d (a hundred years); 0 keeps for ever", r.key, r.n, MaxRetentionDays)
		}
	}
	if s.CommentsPerPage, err = atoi(SettingCommentsPerPage, 0); err != nil {
		return nil, err
	}
	lead, err := atoi(SettingLeadArticle, 0)
	if err != nil {
		return nil, err
	}
	s.LeadArticle = int64(lead)
	// "Local" is no zone but whatever the server's TZ says: LoadLocation takes it, and
	// servers of one database (or a restart with another TZ) would then date stories
	// and their addresses differently.
	if zone := get(SettingTimezone); zone == "Local" {
		return nil, fmt.Errorf("setting %s: unknown time zone %s (name a zone, such as Europe/London)", SettingTimezone, zone)
	} else if s.Location, err = time.LoadLocation(zone); err != nil {
		return nil, fmt.Errorf("setting %s: %w", SettingTimezone, err)
	}
	switch s.CommentModeration = get(SettingCommentModeration); s.CommentModeration {
	case "first", "all", "none":
	default:
		return nil, fmt.Errorf("setting %s: %q is not first, all or none", SettingCommentModeration, s.CommentModeration)
	}
	for i, line := range strings.Split(get(SettingSocialLinks), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		cut := strings.LastIndexByte(line, ' ')
		if cut < 0 {
			return nil, fmt.Errorf("setting %s, line %d: want a name and a URL", SettingSocialLinks, i+1)
		}
		name, link := strings.TrimSpace(line[:cut]), line[cut+1:]
		if u, err := url.Parse(link); err != nil || (u.Scheme != "https" && u.Scheme != "http") || !validHost(u.Hostname()) {
			return nil, fmt.Errorf("setting %s, line %d: %q is not a web address", SettingSocialLinks, i+1, link)
		}
		s.SocialLinks = append(s.SocialLinks, Link{Name: name, URL: link})
	}
	switch v := get(SettingCommentsClosed); v {
	case "yes", "no":
		s.CommentsClosed = v == "yes"
	default:
		return nil, fmt.Errorf("setting %s: %q is not yes or no", SettingCommentsClosed, v)
	}
	if s.Logo = strings.TrimSpace(get(SettingLogo)); s.Logo != "" {
		if u, err := url.Parse(s.Logo); err != nil || !(strings.HasPrefix(s.Logo, "/") && !strings.HasPrefix(s.Logo, "//") || u.Scheme == "https" && validHost(u.Hostname())) {
			return nil, fmt.Errorf("setting %s: %q is not an address on this site or an https address", SettingLogo, s.Logo)
		}
	}
	secret, err := hex.DecodeString(stored[SettingSecret])
	if err != nil || len(secret) < 16 {
		return nil, fmt.Errorf("setting %s is missing or too short", SettingSecret)
	}
	s.Secret = secret
	if s.EmbedHosts, err = ParseEmbedHosts(get(SettingEmbedHosts)); err != nil {
		return nil, err
	}
	return s, nil
}

// SettingKeys lists the settings an operator may set, with what each is for.
var SettingKeys = []struct{ Key, Help string }{
	{SettingTitle, "the site's name"},
	{SettingTagline, "a line under the name, and the front page's description"},
	{SettingLanguage, "the pages' language, e.g. en or en-GB"},
	{SettingPerPage, "articles per list page"},
	{SettingTimezone, "time zone of dates and article addresses, e.g. Europe/London"},
	{SettingSocialLinks, `"Follow us on" links, one "Name https://…" a line`},
	{SettingCommentsCloseDays, "days after publication that comments close (0: never)"},
	{SettingCommentModeration, "first (a commenter's first comment waits), all or none"},
	{SettingCommentMaxLinks, "a comment with more links waits for moderation"},
	{SettingCommentsClosed, "yes closes comments on every article"},
	{SettingCommentsPerPage, "top-level comments (threads, with their replies) per comment page, oldest first (0: all on one page)"},
	{SettingLogo, "address of the logo image, e.g. /media/… from the media library (empty: none)"},
	{SettingEmptyTrashDays, "days a comment stays in trash or spam before it is deleted for good (0: never)"},
	{SettingCommentTraceDays, "days a comment's IP hash and browser (user agent) are kept (0: for ever)"},
	{SettingLeadArticle, "ID of the story the front page leads with while it is published (0: the newest; the WordPress import sets its sticky post)"},
	{SettingEmbedHosts, "hosts whose embeds (https iframes) articles may show besides YouTube, Vimeo, Spotify, Datawrapper and OpenStreetMap, one a line, e.g. www.example-maps.org"},
}

// CheckSettings reports whether stored values, with changes applied, make valid
// settings; it names the first bad one.
func CheckSettings(stored, changes map[string]string) error {
	merged := map[string]string{}
	for k, v := range stored {
		merged[k] = v
	}
	for k, v := range changes {
		known := false
		for _, s := range SettingKeys {
			known = known || s.Key == k
		}
		if !known {
			return fmt.Errorf("unknown setting %q", k)
		}
		if err := CheckText("setting "+k, v); err != nil {
			return err
		}
		merged[k] = v
	}
	if _, ok := merged[SettingSecret]; !ok {
		merged[SettingSecret] = NewSecret()
	}
	_, err := ParseSettings(merged)
	return err
}

// Setting returns a setting's stored value or its default.
func Setting(stored map[string]string, key string) string {
	if v, ok := stored[key]; ok {
		return v
	}
	return defaultSettings[key]
}

// EnsureSecret stores a new secret when the store has none, as on a first start. It
// never replaces a stored one (AddSettings): of two servers starting at once on a new
// database, each would otherwise sign forms and key the rate limits with its own secret
// for as long as it runs.
func EnsureSecret(ctx context.Context, store Store) error {
	// Read first: a database that cannot be written still serves once it has one.
	stored, err := store.Settings(ctx)
	if err != nil {
		return err
	}
	if stored[SettingSecret] != "" {
		return nil
	}
	_, err = store.AddSettings(ctx, map[string]string{SettingSecret: NewSecret()})
	return err
}

func validHost(h string) bool { _, ok := ASCIIHost(h); return ok }

// MaxEmbedHosts is how many hosts SettingEmbedHosts may name: each is in the
// Content-Security-Policy header of every page with an embed.
const MaxEmbedHosts = 50

// ParseEmbedHosts reads SettingEmbedHosts: host names separated by lines, spaces or
// commas, each a name valid under IDNA's lookup rules (ASCIIHost; "bücher.example" is
// kept as "xn--bcher-kva.example") with at least one dot, or an https address whose host
// is taken ("https://maps.example.org/" is "maps.example.org"). It refuses, naming the
// entry, an IP address, a wildcard ("*.example.org": a page's frame-src names exactly the
// hosts it allows), an http:// address (embeds are https only), an address with a
// path, a port or a user name, and more than MaxEmbedHosts hosts. The result has each
// host once, in the order given.
func ParseEmbedHosts(v string) ([]string, error) {
	var out []string
	for _, f := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' || r == '\r' }) {
		h := f
		if strings.Contains(f, "://") {
			u, err := url.Parse(f)
			if err != nil || u.Scheme != "https" {
				return nil, fmt.Errorf("setting %s: %q is not an https address or a host name (embeds are https only)", SettingEmbedHosts, f)
			}
			if u.User != nil || u.Port() != "" || u.Path != "" && u.Path != "/" || u.RawQuery != "" || u.Fragment != "" {
				return nil, fmt.Errorf("setting %s: %q is not a host name: give the host alone, e.g. %s", SettingEmbedHosts, f, u.Hostname())
			}
			h = u.Hostname()
		}
		a, ok := ASCIIHost(h)
		if strings.ContainsAny(h, "*/:@?#[]") || !ok {
			return nil, fmt.Errorf("setting %s: %q is not a host name such as maps.example.org (no wildcards, ports or paths)", SettingEmbedHosts, f)
		}
		if !strings.Contains(a, ".") || strings.Trim(a, "0123456789.") == "" {
			return nil, fmt.Errorf("setting %s: %q is not a host name with a domain, such as maps.example.org", SettingEmbedHosts, f)
		}
		a = strings.ToLower(a)
		if !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	if len(out) > MaxEmbedHosts {
		return nil, fmt.Errorf("setting %s: %d hosts, more than the %d allowed", SettingEmbedHosts, len(out), MaxEmbedHosts)
	}
	return out, nil
}
