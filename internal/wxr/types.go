package wxr

import "time"

// Entry is one thing a Reader yields: *Site, *Author, *Category, *Tag, *Term or *Item.
type Entry interface{ entry() }

func (*Site) entry()     {}
func (*Author) entry()   {}
func (*Category) entry() {}
func (*Tag) entry()      {}
func (*Term) entry()     {}
func (*Item) entry()     {}

// Site is what the <channel> says of the exported site, from its direct children.
type Site struct {
	Title       string    // <title>
	Link        string    // <link>: the site's address
	Description string    // <description>: the tagline
	PubDate     time.Time // <pubDate> (RFC 1123 with numeric zone): when the export was made; zero if absent
	Language    string    // <language>: "en-US"
	WXRVersion  string    // <wp:wxr_version>: "1.0", "1.1" or "1.2"
	BaseSiteURL string    // <wp:base_site_url>: the network's address (WordPress.com: https://wordpress.com/)
	BaseBlogURL string    // <wp:base_blog_url>: the blog's own address
	Generator   string    // <generator>: "https://wordpress.org/?v=6.4.3" (WordPress.com writes none)
	// Namespace is the WXR namespace the file declares for the wp: prefix, e.g.
	// "http://wordpress.org/export/1.2/" (WordPress.com writes https).
	Namespace string
}

// Author is a <wp:author> of the channel (WXR 1.1 and later): a user who wrote
// something exported. Items name their author by Login (<dc:creator>).
type Author struct {
	Line        int    // line of the <wp:author> start tag
	ID          int64  // <wp:author_id>; 0 when absent (WordPress.com writes none)
	Login       string // <wp:author_login>
	Email       string // <wp:author_email>: personal data, never to be shown
	DisplayName string // <wp:author_display_name>
	FirstName   string // <wp:author_first_name>
	LastName    string // <wp:author_last_name>
	Description string // <wp:author_description> (newer WordPress): the biography
}

// Category is a <wp:category> of the channel: a term of the "category" taxonomy.
type Category struct {
	Line        int    // line of the <wp:category> start tag
	TermID      int64  // <wp:term_id>
	Nicename    string // <wp:category_nicename>: the slug
	Parent      string // <wp:category_parent>: the parent's nicename, "" at the top
	Name        string // <wp:cat_name>
	Description string // <wp:category_description>
}

// Tag is a <wp:tag> of the channel: a term of the "post_tag" taxonomy.
type Tag struct {
	Line        int    // line of the <wp:tag> start tag
	TermID      int64  // <wp:term_id>
	Slug        string // <wp:tag_slug>
	Name        string // <wp:tag_name>
	Description string // <wp:tag_description>
}

// Term is a <wp:term> of the channel: a term of any other taxonomy (nav_menu,
// post_format, a custom taxonomy).
type Term struct {
	Line        int    // line of the <wp:term> start tag
	TermID      int64  // <wp:term_id>
	Taxonomy    string // <wp:term_taxonomy>: "nav_menu", "post_format", …
	Slug        string // <wp:term_slug>
	Parent      string // <wp:term_parent>: the parent's slug, "" at the top
	Name        string // <wp:term_name>
	Description string // <wp:term_description>
}

// Item is an <item> of the channel: a post, a page, an attachment, a navigation menu
// item or a post of any other type, with its terms, metadata and comments.
type Item struct {
	Line       int       // line of the <item> start tag
	Title      string    // <title>
	Link       string    // <link>: the permalink the post had
	GUID       string    // <guid>
	PubDate    time.Time // <pubDate>; zero when absent or empty (drafts)
	Creator    string    // <dc:creator>: the author's login (Author.Login)
	Content    string    // <content:encoded>: HTML with Gutenberg block comments and shortcodes as WordPress stores it (see Convert)
	Excerpt    string    // <excerpt:encoded>: the hand-written excerpt, HTML; "" when none
	PostID     int64     // <wp:post_id>: WordPress's ID, unique in the file
	PostParent int64     // <wp:post_parent>: the parent page, or an attachment's post; 0 for none
	// Date is <wp:post_date>: the wall-clock time in the site's time zone (which the
	// file does not name), held as that wall clock in UTC; zero for "0000-00-00 00:00:00".
	Date time.Time
	// DateGMT is <wp:post_date_gmt>, in UTC; zero for "0000-00-00 00:00:00", which
	// WordPress writes for drafts never published.
	DateGMT       time.Time
	Modified      time.Time // <wp:post_modified>, wall clock like Date; zero when absent
	ModifiedGMT   time.Time // <wp:post_modified_gmt>, UTC; zero when absent
	CommentStatus string    // <wp:comment_status>: "open" or "closed"
	PingStatus    string    // <wp:ping_status>: "open" or "closed"
	Name          string    // <wp:post_name>: the slug; "" for drafts never saved with one
	// Status is <wp:status>: "publish", "draft", "pending", "future", "private",
	// "inherit" (attachments, revisions) or "trash".
	Status    string
	MenuOrder int64  // <wp:menu_order>
	Type      string // <wp:post_type>: "post", "page", "attachment", "nav_menu_item", …
	Password  string // <wp:post_password>: "" when the post is not protected
	Sticky    bool   // <wp:is_sticky> is "1"
	// AttachmentURL is <wp:attachment_url>: the uploaded file's address (attachments).
	AttachmentURL string
	Terms         []ItemTerm // <category domain=… nicename=…> elements, in file order
	Meta          []Meta     // <wp:postmeta> elements, in file order
	Comments      []*Comment // <wp:comment> elements, in file order
	// Attachment is what the attachment's metadata says (from Meta), nil for items
	// that are not attachments.
	Attachment *Attachment
	// ThumbnailID is the featured image's post ID (the meta _thumbnail_id); 0 for none.
	ThumbnailID int64
	// Warnings are what was read but not understood, the item kept: attachment
	// metadata that does not unserialize, a _thumbnail_id that is not a number.
	Warnings []Warning
}

// ItemTerm is a <category> of an item: its domain is the taxonomy ("category",
// "post_tag", "post_format", …; WXR 1.0 wrote "tag" for tags), nicename the term's
// slug, the text its name. WXR 1.0 also wrote a bare <category> (no domain) beside
// each; it is kept with Domain "".
type ItemTerm struct {
	Domain   string // domain attribute
	Nicename string // nicename attribute (WXR 1.0 also wrote "nice_name")
	Name     string // the element's text
}

// Meta is one <wp:postmeta> or <wp:commentmeta>: a key and its value as stored (PHP
// serialized for arrays).
type Meta struct {
	Key   string // <wp:meta_key>
	Value string // <wp:meta_value>
}

// Comment is a <wp:comment> of an item.
type Comment struct {
	Line        int       // line of the <wp:comment> start tag
	ID          int64     // <wp:comment_id>: unique in its item
	Author      string    // <wp:comment_author>
	AuthorEmail string    // <wp:comment_author_email>: personal data, never to be shown
	AuthorURL   string    // <wp:comment_author_url>
	AuthorIP    string    // <wp:comment_author_IP>: personal data, never to be shown
	Date        time.Time // <wp:comment_date>: site wall clock held in UTC, as Item.Date
	DateGMT     time.Time // <wp:comment_date_gmt>, UTC; zero when absent
	Content     string    // <wp:comment_content>: the comment's text as WordPress stores it (a few tags allowed)
	Approved    string    // <wp:comment_approved> as written: "1", "0", "spam", "trash", "post-trashed"
	Status      CommentStatus
	Type        string // <wp:comment_type>: "" or "comment", "pingback", "trackback"
	Parent      int64  // <wp:comment_parent>: the comment this one answers, 0 for none
	UserID      int64  // <wp:comment_user_id>: the site user who wrote it, 0 for a visitor
	Meta        []Meta // <wp:commentmeta> elements
}

// CommentStatus is a comment's moderation state, read from <wp:comment_approved>.
type CommentStatus int

// The comment statuses WordPress stores in comment_approved.
const (
	CommentPending  CommentStatus = iota // "0" (WordPress also accepts "hold")
	CommentApproved                      // "1" ("approve")
	CommentSpam                          // "spam"
	CommentTrash                         // "trash", or "post-trashed": trashed with its post
)

func (s CommentStatus) String() string {
	switch s {
	case CommentApproved:
		return "approved"
	case CommentSpam:
		return "spam"
	case CommentTrash:
		return "trash"
	}
	return "pending"
}

// Warning is something of an entry that was read but not understood; the entry is
// kept without it.
type Warning struct {
	Line int    // line where it was read
	Msg  string // what and why, for a person
}

func (w Warning) String() string { return lineMsg(w.Line, 0, w.Msg) }

// Attachment is what an attachment item's metadata says of its file.
type Attachment struct {
	// File is the meta _wp_attached_file: the path under wp-content/uploads,
	// "2023/01/photo.jpg" ("" when absent).
	File string
	// Alt is the meta _wp_attachment_image_alt: the image's alternative text.
	Alt string
	// Metadata is the meta _wp_attachment_metadata (PHP serialized), nil when absent
	// or unreadable (then a Warning says why).
	Metadata *AttachmentMetadata
}

// AttachmentMetadata is what WordPress's wp_generate_attachment_metadata stores of an
// uploaded image (the keys of its PHP array). Keys this type does not name are ignored.
type AttachmentMetadata struct {
	Width    int    // "width", pixels
	Height   int    // "height", pixels
	File     string // "file": the path under uploads, as _wp_attached_file
	FileSize int64  // "filesize", bytes (WordPress 6.0 and later); 0 when absent
	// OriginalImage is "original_image": the file name of the upload before WordPress
	// scaled it down to "-scaled" (5.3 and later); "" when not scaled.
	OriginalImage string
	Sizes         map[string]ImageSize // "sizes": "thumbnail", "medium", "large", …
	ImageMeta     ImageMeta            // "image_meta"
}

// ImageSize is one of the smaller copies WordPress made ("sizes" of the metadata).
type ImageSize struct {
	File     string // "file": a name in the same folder as the original
	Width    int    // "width", pixels
	Height   int    // "height", pixels
	MimeType string // "mime-type"
	FileSize int64  // "filesize", bytes; 0 when absent
}

// ImageMeta is what WordPress read from the picture's EXIF and IPTC ("image_meta").
// Numbers are kept as WordPress stored them (strings such as "0.0125" or "1/80" are
// left to the caller).
type ImageMeta struct {
	Aperture         string   // "aperture"
	Credit           string   // "credit"
	Camera           string   // "camera"
	Caption          string   // "caption"
	CreatedTimestamp string   // "created_timestamp": Unix seconds
	Copyright        string   // "copyright"
	FocalLength      string   // "focal_length"
	ISO              string   // "iso"
	ShutterSpeed     string   // "shutter_speed"
	Title            string   // "title"
	Orientation      string   // "orientation": EXIF orientation, "0" or "1".."8"
	Keywords         []string // "keywords"
}
