package disqus

import (
	"context"
	"fmt"
	"io"
)

// Index is what the first pass learnt of a whole export: its threads, and the shape of
// every post (its thread, parent and state; not its text), some 150 bytes a post. The
// second pass (Import) needs it to match threads before their posts, to keep a deleted
// post that replies hang from as a placeholder, and to thread replies written before
// the post they answer.
type Index struct {
	Categories int
	Threads    map[string]*Thread // dsq:id → thread
	posts      map[string]*node   // dsq:id → post's shape
	perThread  map[string]int     // thread's dsq:id → its posts
	// Posts counts the posts by their state in the file.
	Posts map[State]int
}

// State is a post's state in the export.
type State string

// A post's states.
const (
	StateVisible State = "visible"
	StateDeleted State = "deleted"
	StateSpam    State = "spam"
)

type node struct {
	thread, parent string
	line           int
	state          State
	shown          bool // the post is visible, or a deleted post a shown reply hangs from
}

// Check reads the whole export from r with the limits lim and returns its Index, or
// the first error: an *Error naming the line of a file that does not read, or of a
// thread or post whose dsq:id an earlier one had. It writes nothing: it is the first
// pass of an import. ctx is checked between entries.
func Check(ctx context.Context, r io.Reader, lim Limits) (*Index, error) {
	idx := &Index{Threads: map[string]*Thread{}, posts: map[string]*node{}, perThread: map[string]int{}, Posts: map[State]int{}}
	rd := NewReader(r, lim)
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		e, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch e := e.(type) {
		case *Category:
			idx.Categories++
		case *Thread:
			if was, ok := idx.Threads[e.ID]; ok {
				return nil, &Error{Line: e.Line, Err: fmt.Errorf("thread %s is also the one at line %d: %w", clip(e.ID, 40), was.Line, ErrNotDisqus)}
			}
			idx.Threads[e.ID] = e
		case *Post:
			if was, ok := idx.posts[e.ID]; ok {
				return nil, &Error{Line: e.Line, Err: fmt.Errorf("post %s is also the one at line %d: %w", clip(e.ID, 40), was.line, ErrNotDisqus)}
			}
			n := &node{thread: e.Thread, parent: e.Parent, line: e.Line, state: stateOf(e)}
			idx.posts[e.ID] = n
			idx.Posts[n.state]++
			idx.perThread[e.Thread]++
		}
	}
	idx.resolve()
	return idx, nil
}

func stateOf(p *Post) State {
	switch {
	case p.IsSpam:
		return StateSpam
	case p.IsDeleted:
		return StateDeleted
	}
	return StateVisible
}

// resolve drops parents that cannot be (a post not in the file, of another thread, or
// a loop: such a post stands at the top of its thread, as Disqus shows an orphan), and
// marks the posts shown: the visible ones and every deleted post above one, which
// stays as a placeholder so that the replies keep their place. Each post is walked up
// once at most.
func (idx *Index) resolve() {
	for _, n := range idx.posts {
		if p, ok := idx.posts[n.parent]; n.parent != "" && (!ok || p.thread != n.thread) {
			n.parent = ""
		}
	}
	// Loops: walk up from each post, marking the path; a walk that meets its own path
	// cuts the loop where it closes.
	const (
		unseen = iota
		onPath
		done
	)
	mark := make(map[*node]int, len(idx.posts))
	for _, start := range idx.posts {
		var path []*node
		for n := start; n != nil && mark[n] == unseen; {
			mark[n] = onPath
			path = append(path, n)
			if n.parent == "" {
				break
			}
			p := idx.posts[n.parent]
			if mark[p] == onPath {
				n.parent = "" // the loop closes here
				break
			}
			n = p
		}
		for _, n := range path {
			mark[n] = done
		}
	}
	for _, n := range idx.posts {
		if n.state != StateVisible {
			continue
		}
		for m := n; m != nil && !m.shown; {
			if m.state == StateSpam {
				break // a reply under spam is shown; the spam is not
			}
			m.shown = true
			if m.parent == "" {
				break
			}
			m = idx.posts[m.parent]
		}
	}
}

// Placeholder reports whether the post with dsq:id id is deleted and has replies that
// are shown (directly or through other such placeholders).
func (idx *Index) Placeholder(id string) bool {
	n := idx.posts[id]
	return n != nil && n.state == StateDeleted && n.shown
}

// Parent is the dsq:id of the post the post id answers, once resolve dropped the
// parents that cannot be; "" at the top.
func (idx *Index) Parent(id string) string {
	if n := idx.posts[id]; n != nil {
		return n.parent
	}
	return ""
}

// PostsOf counts the posts of the thread with dsq:id id.
func (idx *Index) PostsOf(id string) int { return idx.perThread[id] }
