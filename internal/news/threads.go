package news

import "strconv"

// Comment pages, as WordPress pages a long discussion (its page_comments,
// comments_per_page and default_comments_page options): a page holds a number of
// top-level comments (threads), each with all its replies; page 1 holds the oldest
// threads and is the article's own address (WordPress's default_comments_page
// "oldest"), page N lives at the article's address plus comment-page-N/.

// DefaultCommentsPerPage is WordPress's default comments_per_page.
const DefaultCommentsPerPage = 50

// CommentPage is one page of an article's approved comments.
type CommentPage struct {
	// Comments are the page's threads: each top-level comment and every approved
	// reply under it, oldest first (Thread nests them). A top-level comment is an
	// approved comment whose parent is not an approved comment (Thread shows such a
	// reply at the top level).
	Comments []*Comment
	// Threads is the number of top-level comments on the whole article; Total the
	// number of approved comments readers see (placeholders of erased ones not counted).
	Threads, Total int
}

// CommentPages is how many pages threads top-level comments fill at perPage threads a
// page: at least 1 (an article without comments has its page), and 1 when perPage is
// 0 (paging off).
func CommentPages(threads, perPage int) int {
	if perPage <= 0 || threads <= perPage {
		return 1
	}
	return (threads + perPage - 1) / perPage
}

// CommentPageOf is the page (from 1) that shows the thread at index (from 0, as
// Store.CommentThreadIndex gives it) at perPage threads a page (0: paging off).
func CommentPageOf(index, perPage int) int {
	if perPage <= 0 || index < 0 {
		return 1
	}
	return index/perPage + 1
}

// CommentPagePath is the address of comment page n of the article at articlePath
// ("/2025/06/02/slug/"): the article's own address for page 1, else
// articlePath + "comment-page-N/" (WordPress's address).
func CommentPagePath(articlePath string, n int) string {
	if n <= 1 {
		return articlePath
	}
	return articlePath + "comment-page-" + strconv.Itoa(n) + "/"
}
