package news

import (
	"bufio"
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
)

// A commenter's rights under the GDPR (articles 15, 17 and 5(1)(e)): to get everything
// stored about their email address (export), to have it erased, and to have nothing kept
// longer than it is needed (retention). The rules are here; every engine implements
// PrivacyStore, the one place that knows each table holding personal data.

// PermPersonalData is the permission to export and erase a commenter's personal data:
// administrators only, as WordPress gives its Export/Erase Personal Data tools to
// those who may manage options.
const PermPersonalData Permission = "export and erase a commenter's personal data"

// NormalEmail is an email address as privacy requests, blocks and accounts compare it:
// trimmed, in NFC (as comments store it) and in lower case by Unicode's rules (SQLite's
// lower() folds ASCII only).
func NormalEmail(email string) string {
	return strings.ToLower(NFC(strings.TrimSpace(email)))
}

// LimitKey names a rate-limit counter without its value in plain (an email, an
// address): kind, then a keyed hash (HMAC-SHA-256 under the site's secret, base64url)
// of the value. The admin's sign-in limits are keyed so; PrivacyStore finds an email's
// counters by the same rule.
func LimitKey(secret []byte, kind, value string) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("limit\x00" + value))
	return kind + ":" + base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// SignInLimitKey is the counter of failed sign-ins for an account's email (the admin's
// per-account limit), whether or not an account has that email.
func SignInLimitKey(secret []byte, email string) string {
	return LimitKey(secret, "guess-account", NormalEmail(email))
}

// CommentAddressLimitKey is the token bucket of comment posts from one address, named
// by the address's IP hash as stored with the comments.
func CommentAddressLimitKey(ipHash string) string { return "comment-address:" + ipHash }

// CommentRemovedText is what readers see in place of an erased or emptied comment that
// replies hang from.
const CommentRemovedText = "Comment removed."

// PersonalDataFormat and PersonalDataVersion name the export's JSON shape (README,
// "Privacy"). A change that removes or renames a field takes a new version; new fields
// may be added within one.
const (
	PersonalDataFormat  = "broadsheet-personal-data"
	PersonalDataVersion = 1
)

// PersonalData is everything a store holds about one email address, as exported to its
// owner. Times are UTC; fields are as stored.
type PersonalData struct {
	Format     string    `json:"format"`
	Version    int       `json:"version"`
	Email      string    `json:"email"` // as asked for, normalised (NormalEmail)
	ExportedAt time.Time `json:"exported_at"`
	// Comments written with the address, in any status, oldest first.
	Comments []PersonalComment `json:"comments"`
	// Blocks naming the address, or the IP hash of one of its comments.
	Blocks []Block `json:"blocks"`
	// RateLimits counts the live entries of the rate limits kept for the address and
	// its comments' IP hashes (they hold only hashes and times, and expire by
	// themselves within minutes).
	RateLimits PersonalLimits `json:"rate_limits"`
	// NewsroomAccount is the staff account with the address, if any: it is managed under
	// Users, not erased with a commenter's data.
	NewsroomAccount *PersonalAccount `json:"newsroom_account"`
	// Bylines are the authors (bylines of articles) with the address.
	Bylines []PersonalByline `json:"bylines"`
	// Notes say, in words, what the export means and what it cannot hold.
	Notes []string `json:"notes"`
}

// PersonalComment is one comment of a PersonalData.
type PersonalComment struct {
	ID          int64           `json:"id"`
	Article     PersonalArticle `json:"article"`
	ParentID    int64           `json:"parent_id,omitempty"`
	Status      CommentStatus   `json:"status"`
	AuthorName  string          `json:"author_name"`
	AuthorEmail string          `json:"author_email"`
	AuthorURL   string          `json:"author_url"`
	Body        string          `json:"body"`
	CreatedAt   time.Time       `json:"created_at"`
	// StatusSince is when it entered its status (trash and spam are emptied counting
	// from then).
	StatusSince time.Time `json:"status_since"`
	// IPHash is a keyed hash of the address it was sent from (the address itself is
	// never stored); empty once dropped after the retention.
	IPHash    string `json:"ip_hash"`
	UserAgent string `json:"user_agent"`
	// StaffUserID is the newsroom account that wrote it from the admin (a staff reply).
	StaffUserID int64  `json:"staff_user_id,omitempty"`
	Source      string `json:"import_source,omitempty"`
	SourceID    string `json:"import_id,omitempty"`
}

// PersonalArticle names the article a comment is on; URL is its public address (empty
// when the article is not published, or no address was given to the export).
type PersonalArticle struct {
	ID          int64         `json:"id"`
	Title       string        `json:"title"`
	Slug        string        `json:"slug"`
	Status      ArticleStatus `json:"status"`
	PublishedAt time.Time     `json:"published_at,omitzero"`
	URL         string        `json:"url,omitempty"`
}

// PersonalLimits counts the rate-limit entries kept for an address.
type PersonalLimits struct {
	// SignInAttempts are failed sign-ins counted for the address in the last 15 minutes.
	SignInAttempts int `json:"sign_in_attempts"`
	// CommentBuckets are comment post limits of its comments' IP hashes still counting.
	CommentBuckets int `json:"comment_buckets"`
}

// PersonalAccount is what an export says of a newsroom account with the address (never
// its password hash or second-factor secret).
type PersonalAccount struct {
	ID         int64     `json:"id"`
	Name       string    `json:"name"`
	Role       Role      `json:"role"`
	CreatedAt  time.Time `json:"created_at"`
	Disabled   bool      `json:"disabled"`
	TwoStep    bool      `json:"two_step_sign_in"`
	Sessions   int       `json:"sessions"`
	KeptForms  int       `json:"kept_forms"`
	Note       string    `json:"note"`
	SessionUAs []string  `json:"session_user_agents"`
}

// PersonalByline is an author (a byline) with the address.
type PersonalByline struct {
	ID   int64  `json:"id"`
	Slug string `json:"slug"`
	Name string `json:"name"`
}

// SetURLs fills each comment's article address with path (a published article's public
// path, e.g. the site's ArticlePath), prefixed by base (the site's address, or "").
func (p *PersonalData) SetURLs(base string, path func(a *Article) string) {
	for i := range p.Comments {
		p.Comments[i].SetURL(base, path)
	}
}

// SetURL fills the comment's article address as SetURLs does.
func (c *PersonalComment) SetURL(base string, path func(a *Article) string) {
	pa := &c.Article
	if pa.Status != StatusPublished || pa.PublishedAt.IsZero() {
		return
	}
	pa.URL = strings.TrimSuffix(base, "/") + path(&Article{ID: pa.ID, Slug: pa.Slug, Title: pa.Title, Status: pa.Status, PublishedAt: pa.PublishedAt})
}

// WritePersonalData writes the export of email to w as indented JSON, the bytes
// json.MarshalIndent(p, "", "  ") gives for the whole PersonalData, one comment at a
// time: an address with 100,000 long comments costs the memory of one, not of all of
// them twice over (read, then encoded). each, when not nil, is applied to every comment
// before it is written (SetURL). It returns how many comments were written; after an
// error, w holds a part of the export.
func WritePersonalData(ctx context.Context, store PrivacyStore, email string, w io.Writer, each func(*PersonalComment)) (int, error) {
	bw := bufio.NewWriterSize(w, 64<<10)
	var tail []byte
	n := 0
	err := store.StreamPersonalData(ctx, email, func(p *PersonalData) error {
		p.Comments = []PersonalComment{}
		data, err := json.MarshalIndent(p, "", "  ")
		if err != nil {
			return fmt.Errorf("export: %w", err)
		}
		// The comments' place in the head: the only top-level key "comments" (its
		// indent is two spaces; a string value cannot hold an unescaped quote).
		const mark = "\n  \"comments\": []"
		i := bytes.Index(data, []byte(mark))
		if i < 0 {
			return fmt.Errorf("export: no comments in %.40q…", data)
		}
		tail = append(data[i+len(mark):], '\n')
		_, err = bw.Write(data[:i+len(mark)-1]) // up to and with the "["
		return err
	}, func(c *PersonalComment) error {
		if each != nil {
			each(c)
		}
		data, err := json.MarshalIndent(c, "    ", "  ")
		if err != nil {
			return fmt.Errorf("export: comment %d: %w", c.ID, err)
		}
		if n > 0 {
			bw.WriteByte(',')
		}
		bw.WriteString("\n    ")
		_, err = bw.Write(data)
		n++
		return err
	})
	if err != nil {
		return n, err
	}
	if n > 0 {
		bw.WriteString("\n  ")
	}
	bw.WriteByte(']')
	bw.Write(tail)
	return n, bw.Flush()
}

// Erasure counts what ErasePersonalData removed.
type Erasure struct {
	// Comments is how many comments of the address were erased; Placeholders how many
	// of those stay as "Comment removed." (no author, text or trace), because replies
	// hang from them.
	Comments, Placeholders int
	// Blocks lifted: of the address, and of IP hashes no other comment has.
	Blocks int
	// LimitEntries are rate-limit rows deleted (sign-in attempts, comment buckets).
	LimitEntries int
	// Articles whose pages changed (their caches were purged through the change log).
	Articles []int64
}

func (e *Erasure) String() string {
	return fmt.Sprintf("%s erased (%d left as %q placeholders, replies hang from them), %s lifted, %s deleted",
		plural(e.Comments, "comment"), e.Placeholders, CommentRemovedText, plural(e.Blocks, "block"), plural(e.LimitEntries, "rate-limit entry"))
}

func plural(n int, one string) string {
	if n == 1 {
		return "1 " + one
	}
	if strings.HasSuffix(one, "y") {
		return fmt.Sprintf("%d %sies", n, strings.TrimSuffix(one, "y"))
	}
	return fmt.Sprintf("%d %ss", n, one)
}

// Retention is how long comments' data are kept (the site's settings).
type Retention struct {
	// EmptyTrashDays: a trash or spam comment is deleted this many days after it got
	// there, as WordPress empties its trash after EMPTY_TRASH_DAYS (30); 0 never.
	EmptyTrashDays int
	// TraceDays: a comment's IP hash and user agent are dropped this many days after it
	// was posted; 0 never.
	TraceDays int
}

// RetentionOf returns the settings' retention.
func RetentionOf(s *Settings) Retention {
	return Retention{EmptyTrashDays: s.EmptyTrashDays, TraceDays: s.CommentTraceDays}
}

// MaxRetentionDays is the longest retention the settings take (a hundred years).
const MaxRetentionDays = 36525

// Cutoffs are the instants before which, at now, trash and spam are emptied and traces
// dropped; zero for "never". A retention over MaxRetentionDays (a Retention not read
// from the settings) counts as "never": subtracting more days than time.Time can hold
// wraps round to a cutoff in the future, which would empty everything at once.
func (r Retention) Cutoffs(now time.Time) (emptyBefore, tracesBefore time.Time) {
	if r.EmptyTrashDays > 0 && r.EmptyTrashDays <= MaxRetentionDays {
		emptyBefore = now.AddDate(0, 0, -r.EmptyTrashDays)
	}
	if r.TraceDays > 0 && r.TraceDays <= MaxRetentionDays {
		tracesBefore = now.AddDate(0, 0, -r.TraceDays)
	}
	return emptyBefore, tracesBefore
}

// Purged counts what a purge did.
type Purged struct {
	// Comments deleted or emptied from trash and spam; Placeholders those of them left
	// as "Comment removed." because replies hang from them.
	Comments, Placeholders int
	// Traces: comments whose IP hash and user agent were dropped.
	Traces int
	// More: a batch was full, so there may be more to do.
	More bool
}

func (p Purged) add(q Purged) Purged {
	return Purged{Comments: p.Comments + q.Comments, Placeholders: p.Placeholders + q.Placeholders, Traces: p.Traces + q.Traces, More: q.More}
}

func (p Purged) String() string {
	return fmt.Sprintf("%s emptied from trash and spam (%d left as %q placeholders), IP hash and user agent dropped from %s",
		plural(p.Comments, "comment"), p.Placeholders, CommentRemovedText, plural(p.Traces, "comment"))
}

// PurgeBatch is how many comments one PurgeComments call (one transaction) handles of
// each kind: a backlog of millions is worked through in short writes that other writers
// (a reader's comment) can come between.
const PurgeBatch = 500

// PrivacyStore is the part of a Store that knows every table holding personal data.
type PrivacyStore interface {
	// PersonalData returns everything stored about the email address (compared as
	// NormalEmail), with no article URL set (see SetURLs). An empty address is
	// ErrInvalid.
	PersonalData(ctx context.Context, email string) (*PersonalData, error)
	// StreamPersonalData is PersonalData without holding the comments: head gets
	// everything but them (Comments empty), then each gets every comment, oldest first,
	// one at a time, all read in one transaction. An error of head or each ends it with
	// that error.
	StreamPersonalData(ctx context.Context, email string, head func(*PersonalData) error, each func(*PersonalComment) error) error
	// ErasePersonalData erases, in transactions of a bounded number of comments each (so
	// that other writers, on every server, get in between), the address's comments (a
	// comment replies hang from stays as a placeholder: no author, email, website, text, IP hash
	// or user agent; one imported stays as a bare row, hidden, so that importing the same
	// file again does not bring it back) and every other trace of the address: blocks,
	// rate-limit entries of it and of its comments' IP hashes (when no other comment has
	// them). Placeholders nothing hangs from any more are deleted. Each transaction
	// records a Change naming the articles whose pages it changed. A failure part way
	// leaves what was erased erased, and a second call erases the rest; after a
	// success, a second call finds nothing. A newsroom account or byline with the
	// address is left (managed elsewhere). An empty address is ErrInvalid.
	ErasePersonalData(ctx context.Context, email string) (*Erasure, error)
	// PurgeComments does one bounded step of the retention, in one transaction: at most
	// limit trash or spam comments that entered their status before emptyBefore are
	// erased as ErasePersonalData erases a comment, and at most limit comments posted
	// before tracesBefore lose their IP hash and user agent. A zero time skips that part.
	// It is idempotent, so several servers may run it at once.
	PurgeComments(ctx context.Context, emptyBefore, tracesBefore time.Time, limit int) (Purged, error)
}

// PurgeExpired applies the retention at now: PurgeComments in batches of PurgeBatch
// until nothing is left or maxBatches have run (0: no bound), and returns the sum.
func PurgeExpired(ctx context.Context, store PrivacyStore, r Retention, now time.Time, maxBatches int) (Purged, error) {
	emptyBefore, tracesBefore := r.Cutoffs(now)
	var total Purged
	if emptyBefore.IsZero() && tracesBefore.IsZero() {
		return total, nil
	}
	for i := 0; maxBatches <= 0 || i < maxBatches; i++ {
		p, err := store.PurgeComments(ctx, emptyBefore, tracesBefore, PurgeBatch)
		if err != nil {
			return total, fmt.Errorf("purge comments: %w", err)
		}
		total = total.add(p)
		if !p.More {
			break
		}
		if err := ctx.Err(); err != nil {
			return total, err
		}
	}
	return total, nil
}

// RetentionSettings reads the retention from stored settings (the defaults where none
// is stored); a value that does not parse is an error naming the key.
func RetentionSettings(stored map[string]string) (Retention, error) {
	merged := make(map[string]string, len(stored)+1)
	for k, v := range stored {
		merged[k] = v
	}
	if _, ok := merged[SettingSecret]; !ok {
		merged[SettingSecret] = NewSecret() // not needed here; a store may have none yet
	}
	s, err := ParseSettings(merged)
	if err != nil {
		return Retention{}, err
	}
	return RetentionOf(s), nil
}
