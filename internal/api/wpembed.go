package api

// WordPress's _embed on posts and pages (REST API Handbook, "Linking and Embedding";
// WP_REST_Server::embed_links): with ?_embed (or _embed=1, true, or empty) every
// embeddable link of each item is embedded, with _embed=author,wp:term only the
// relations named (WordPress 5.4). Each item then has "_embedded", an object keyed by
// relation whose value holds one entry per link of that relation, in the links' order:
// the linked resource in WordPress's "embed" context (its short form), a list for a
// link to a collection (wp:term's categories and tags), or WordPress's error object
// for a link that answers one. A relation none of whose entries has anything is left
// out, as WordPress leaves it out.
//
// The cost is bounded before the work: a page holds at most news.WPPerPageMax items,
// the authors and the featured images of the whole page are read with one query each,
// and the terms come with the articles. Differences: "replies" (an item's comments) is
// not embedded (it would cost a query for each item; follow the link), nor anything
// of the other collections.

import (
	"context"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"broadsheet/internal/news"
)

// wpEmbeddable are the relations this API embeds, in the order _embed is normalised to.
var wpEmbeddable = []string{"author", "wp:featuredmedia", "wp:term"}

// wpEmbedParam normalises the _embed parameter in q (rest_parse_embed_param) so that
// one answer has one cache key: "1" for every relation, or the relations named that
// this API embeds, in wpEmbeddable's order ("1" when that is all of them); none of
// them drops the parameter (nothing is embedded).
func wpEmbedParam(q url.Values) {
	vs, ok := q["_embed"]
	if !ok {
		return
	}
	v := strings.TrimSpace(vs[0])
	// PHP's empty(): "" and "0" are false, which rest_parse_embed_param reads as all.
	if v == "" || v == "0" || v == "1" || v == "true" {
		q["_embed"] = []string{"1"}
		return
	}
	var rels []string
	for _, rel := range wpEmbeddable {
		for _, part := range strings.Split(v, ",") {
			if strings.TrimSpace(part) == rel {
				rels = append(rels, rel)
				break
			}
		}
	}
	switch len(rels) {
	case 0:
		delete(q, "_embed")
		return
	case len(wpEmbeddable):
		q["_embed"] = []string{"1"} // the same answer as every relation's
		return
	}
	q["_embed"] = []string{strings.Join(rels, ",")}
}

// wpEmbedRels are the relations a request's (normalised) _embed asks for; nil: none.
func wpEmbedRels(q url.Values) map[string]bool {
	v, ok := q["_embed"]
	if !ok {
		return nil
	}
	rels := map[string]bool{}
	if v[0] == "1" {
		for _, rel := range wpEmbeddable {
			rels[rel] = true
		}
		return rels
	}
	for _, rel := range strings.Split(v[0], ",") {
		rels[rel] = true
	}
	return rels
}

// wpUserEmbed is a user in WordPress's embed context.
type wpUserEmbed struct {
	ID          int64             `json:"id"`
	Name        string            `json:"name"`
	URL         string            `json:"url"`
	Description string            `json:"description"`
	Link        string            `json:"link"`
	Slug        string            `json:"slug"`
	AvatarURLs  map[string]string `json:"avatar_urls"`
	Links       wpLinks           `json:"_links"`
}

// wpTermEmbed is a category or a tag in WordPress's embed context.
type wpTermEmbed struct {
	ID       int64   `json:"id"`
	Link     string  `json:"link"`
	Name     string  `json:"name"`
	Slug     string  `json:"slug"`
	Taxonomy string  `json:"taxonomy"`
	Links    wpLinks `json:"_links"`
}

// wpMediaEmbed is an attachment in WordPress's embed context.
type wpMediaEmbed struct {
	ID           int64          `json:"id"`
	Date         string         `json:"date"`
	Slug         string         `json:"slug"`
	Type         string         `json:"type"`
	Link         string         `json:"link"`
	Title        wpRendered     `json:"title"`
	Author       int64          `json:"author"`
	Caption      wpRendered     `json:"caption"`
	AltText      string         `json:"alt_text"`
	MediaType    string         `json:"media_type"`
	MimeType     string         `json:"mime_type"`
	MediaDetails wpMediaDetails `json:"media_details"`
	SourceURL    string         `json:"source_url"`
	Links        wpLinks        `json:"_links"`
}

// wpTermLinks are a term's _links (the same in a list of terms and embedded).
func (s *Server) wpTermLinks(taxonomy string, id int64) wpLinks {
	coll := "categories"
	if taxonomy == "post_tag" {
		coll = "tags"
	}
	return wpLinks{
		"self":         {{Href: s.wpURL(coll + "/" + strconv.FormatInt(id, 10))}},
		"collection":   {{Href: s.wpURL(coll)}},
		"about":        {{Href: s.wpURL("taxonomies/" + taxonomy)}},
		"wp:post_type": {{Href: s.wpURL("posts?" + coll + "=" + strconv.FormatInt(id, 10))}},
	}
}

// wpUserLinks are a user's _links.
func (s *Server) wpUserLinks(id int64) wpLinks {
	return wpLinks{
		"self":       {{Href: s.wpURL("users/" + strconv.FormatInt(id, 10))}},
		"collection": {{Href: s.wpURL("users")}},
	}
}

// wpEmbed fills items' _embedded with the relations rels asks for (items[i] is
// arts[i]'s), reading the page's authors and images with one query each. It returns
// the cache keys the embedded resources add.
func (s *Server) wpEmbed(ctx context.Context, rels map[string]bool, arts []*news.Article, items []wpPost) ([]string, error) {
	if len(rels) == 0 || len(items) == 0 {
		return nil, nil
	}
	var deps []string
	now := s.cfg.Now()
	authors := map[int64]*news.Author{}
	if rels["author"] {
		var ids []int64
		for _, it := range items {
			if it.Author != 0 && !containsID(ids, it.Author) {
				ids = append(ids, it.Author)
			}
		}
		if len(ids) > 0 {
			as, _, err := s.store.WPAuthors(ctx, news.WPQuery{Now: now, Include: ids, OrderBy: "id", Limit: len(ids)})
			if err != nil {
				return nil, err
			}
			for _, au := range as {
				authors[au.ID] = au
				deps = append(deps, news.KeyAuthor(au.ID))
			}
		}
	}
	images := map[int64]*news.Media{}
	imagePosts := map[int64]int64{}
	if rels["wp:featuredmedia"] {
		var ids []int64
		for _, it := range items {
			if it.FeaturedMedia != 0 && !containsID(ids, it.FeaturedMedia) {
				ids = append(ids, it.FeaturedMedia)
			}
		}
		if len(ids) > 0 {
			ms, posts, _, err := s.store.WPMedia(ctx, news.WPQuery{Now: now, Include: ids, OrderBy: "id", Limit: len(ids)})
			if err != nil {
				return nil, err
			}
			for _, m := range ms {
				images[m.ID] = m
			}
			imagePosts = posts
			// Which images are public, and their words, as the media list (wpMedia).
			deps = append(deps, news.KeyLists)
		}
	}
	for i := range items {
		it, a := &items[i], arts[i]
		embedded := map[string]any{}
		if rels["author"] && it.Author != 0 {
			if au := authors[it.Author]; au != nil {
				embedded["author"] = []any{wpUserEmbed{ID: au.ID, Name: au.Name, Description: au.Bio,
					Link: s.abs("/author/" + url.PathEscape(au.Slug) + "/"), Slug: au.Slug, AvatarURLs: map[string]string{},
					Links: s.wpUserLinks(au.ID)}}
			} else {
				embedded["author"] = []any{wpErr(http.StatusNotFound, "rest_user_invalid_id", "Invalid user ID.")}
			}
		}
		if rels["wp:featuredmedia"] && it.FeaturedMedia != 0 {
			if m := images[it.FeaturedMedia]; m != nil {
				full := s.wpMediaItem(m, imagePosts[m.ID])
				embedded["wp:featuredmedia"] = []any{wpMediaEmbed{ID: full.ID, Date: full.Date, Slug: full.Slug, Type: full.Type,
					Link: full.Link, Title: full.Title, Author: full.Author, Caption: full.Caption, AltText: full.AltText,
					MediaType: full.MediaType, MimeType: full.MimeType, MediaDetails: full.MediaDetails, SourceURL: full.SourceURL,
					Links: full.Links}}
			} else {
				embedded["wp:featuredmedia"] = []any{wpErr(http.StatusNotFound, "rest_post_invalid_id", "Invalid post ID.")}
			}
		}
		if rels["wp:term"] && !a.IsPage() {
			// The post's categories and tags, as its two wp:term links list them
			// (categories?post=, tags?post=: ordered by name).
			cats, tags := []wpTermEmbed{}, []wpTermEmbed{}
			if sec := a.Section; sec != nil {
				cats = append(cats, wpTermEmbed{ID: sec.ID, Link: s.abs("/section/" + url.PathEscape(sec.Slug) + "/"),
					Name: sec.Name, Slug: sec.Slug, Taxonomy: "category", Links: s.wpTermLinks("category", sec.ID)})
			}
			for _, t := range a.Tags {
				tags = append(tags, wpTermEmbed{ID: t.ID, Link: s.abs("/tag/" + url.PathEscape(t.Slug) + "/"),
					Name: t.Name, Slug: t.Slug, Taxonomy: "post_tag", Links: s.wpTermLinks("post_tag", t.ID)})
			}
			sort.SliceStable(tags, func(x, y int) bool { return news.FoldName(tags[x].Name) < news.FoldName(tags[y].Name) })
			if len(cats)+len(tags) > 0 {
				embedded["wp:term"] = []any{cats, tags}
			}
		}
		if len(embedded) > 0 {
			it.Embedded = embedded
		}
	}
	return deps, nil
}
