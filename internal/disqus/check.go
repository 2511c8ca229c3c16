package disqus

import (
	"context"
	"fmt"
	"io"
	"math"
	"strconv"
)

// Index is what the first pass learnt of a whole export: its threads (the address and
// identifier Match needs, whether it is closed, its posts), and the shape of every post
// (its thread, parent and state; not its text). The second pass (Import) needs it to
// match threads before their posts, to keep a deleted post that replies hang from as a
// placeholder, and to thread replies written before the post they answer.
//
// A post costs some 40 bytes (a record of 24, and its dsq:id as a number in a map:
// Disqus's IDs are decimal numbers; any other is kept as a string), so that an export
// of Limits.Entries (ten million) posts is indexed in well under a gigabyte. The second
// pass keeps each post's comment ID in the same record.
type Index struct {
	Categories int
	// Threads counts the <thread> entries of the file.
	Threads int
	// Posts counts the posts by their state in the file.
	Posts map[State]int

	threads    []threadRec       // by thread number
	threadKeys map[string]uint32 // thread's dsq:id → its number (threads named by posts too)
	nodes      []node            // by post number
	numbered   map[uint64]uint32 // a post's decimal dsq:id → its number
	named      map[string]uint32 // any other post's dsq:id → its number
}

// State is a post's state in the export.
type State string

// A post's states.
const (
	StateVisible State = "visible"
	StateDeleted State = "deleted"
	StateSpam    State = "spam"
)

// threadRec is what the import needs of a thread.
type threadRec struct {
	link       string
	identifier string // kept when Match can use it (the WordPress plug-in's), or to name a thread without link
	line       int
	posts      int
	inFile     bool // a <thread> entry: not only named by posts
	closed     bool // <isClosed>true</isClosed>
	matched    bool // the second pass looked it up: article is its story, 0 none
	article    int64
}

// node is a post's shape: 24 bytes.
type node struct {
	comment int64  // the second pass's: the comment it became (or was already)
	parent  uint32 // 1 + the number of the post it answers; 0 at the top
	thread  uint32
	line    uint32 // saturated at math.MaxUint32 (only said in an error)
	state   uint8  // states[state]
	shown   bool   // the post is visible, or a deleted post a shown reply hangs from
}

var states = [...]State{StateVisible, StateDeleted, StateSpam}

func stateNumber(p *Post) uint8 {
	switch {
	case p.IsSpam:
		return 2
	case p.IsDeleted:
		return 1
	}
	return 0
}

// number is a canonical decimal dsq:id as a number ("0", "4723…", no sign, no leading
// zero, at most 2⁶⁴−1); ok false for any other.
func number(id string) (uint64, bool) {
	if id == "" || len(id) > 20 || id[0] == '0' && len(id) > 1 {
		return 0, false
	}
	for i := 0; i < len(id); i++ {
		if id[i] < '0' || id[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseUint(id, 10, 64)
	return n, err == nil
}

// post returns the number of the post with dsq:id id.
func (idx *Index) post(id string) (uint32, bool) {
	if n, ok := number(id); ok {
		i, ok := idx.numbered[n]
		return i, ok
	}
	i, ok := idx.named[id]
	return i, ok
}

func (idx *Index) node(id string) *node {
	if i, ok := idx.post(id); ok {
		return &idx.nodes[i]
	}
	return nil
}

// threadNumber returns the number of the thread with dsq:id id, made when new.
func (idx *Index) threadNumber(id string) uint32 {
	if i, ok := idx.threadKeys[id]; ok {
		return i
	}
	i := uint32(len(idx.threads))
	idx.threads = append(idx.threads, threadRec{})
	idx.threadKeys[id] = i
	return i
}

// thread returns the thread with dsq:id id; nil when no <thread> entry has it.
func (idx *Index) thread(id string) *threadRec {
	if i, ok := idx.threadKeys[id]; ok && idx.threads[i].inFile {
		return &idx.threads[i]
	}
	return nil
}

// Check reads the whole export from r with the limits lim and returns its Index, or
// the first error: an *Error naming the line of a file that does not read, or of a
// thread or post whose dsq:id an earlier one had. It writes nothing: it is the first
// pass of an import. ctx is checked between entries.
func Check(ctx context.Context, r io.Reader, lim Limits) (*Index, error) {
	idx := &Index{Posts: map[State]int{}, threadKeys: map[string]uint32{}, numbered: map[uint64]uint32{}, named: map[string]uint32{}}
	// Replies read before the post they answer: resolved once every post is known.
	type pending struct {
		child  uint32
		parent string
	}
	var later []pending
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
			i := idx.threadNumber(e.ID)
			th := &idx.threads[i]
			if th.inFile {
				return nil, &Error{Line: e.Line, Err: fmt.Errorf("thread %s is also the one at line %d: %w", clip(e.ID, 40), th.line, ErrNotDisqus)}
			}
			idx.Threads++
			th.inFile, th.line, th.link, th.closed = true, e.Line, e.Link, e.IsClosed
			if e.Link == "" || wpIdentifier.MatchString(e.Identifier) {
				th.identifier = e.Identifier
			}
		case *Post:
			if was := idx.node(e.ID); was != nil {
				return nil, &Error{Line: e.Line, Err: fmt.Errorf("post %s is also the one at line %d: %w", clip(e.ID, 40), was.line, ErrNotDisqus)}
			}
			if len(idx.nodes) >= math.MaxUint32-1 {
				return nil, &Error{Line: e.Line, Err: fmt.Errorf("more than %d posts: %w", math.MaxUint32-1, ErrTooLarge)}
			}
			i := uint32(len(idx.nodes))
			n := node{thread: idx.threadNumber(e.Thread), line: uint32(min(e.Line, math.MaxUint32)), state: stateNumber(e)}
			if e.Parent != "" {
				if p, ok := idx.post(e.Parent); ok {
					n.parent = p + 1
				} else {
					later = append(later, pending{i, e.Parent})
				}
			}
			idx.nodes = append(idx.nodes, n)
			if k, ok := number(e.ID); ok {
				idx.numbered[k] = i
			} else {
				idx.named[e.ID] = i
			}
			idx.Posts[states[n.state]]++
			idx.threads[n.thread].posts++
		}
	}
	for _, l := range later {
		if p, ok := idx.post(l.parent); ok {
			idx.nodes[l.child].parent = p + 1
		}
	}
	idx.resolve()
	return idx, nil
}

// resolve drops parents that cannot be (a post of another thread, or a loop: such a
// post stands at the top of its thread, as Disqus shows an orphan; one not in the file
// was never set), and marks the posts shown: the visible ones and every deleted post
// above one, which stays as a placeholder so that the replies keep their place. Each
// post is walked up once at most.
func (idx *Index) resolve() {
	nodes := idx.nodes
	for i := range nodes {
		if p := nodes[i].parent; p != 0 && nodes[p-1].thread != nodes[i].thread {
			nodes[i].parent = 0
		}
	}
	// Loops: walk up from each post, marking the path; a walk that meets its own path
	// cuts the loop where it closes.
	const (
		unseen = iota
		onPath
		done
	)
	mark := make([]uint8, len(nodes))
	var path []uint32
	for start := range nodes {
		path = path[:0]
		for n := uint32(start); mark[n] == unseen; {
			mark[n] = onPath
			path = append(path, n)
			p := nodes[n].parent
			if p == 0 {
				break
			}
			if mark[p-1] == onPath {
				nodes[n].parent = 0 // the loop closes here
				break
			}
			n = p - 1
		}
		for _, n := range path {
			mark[n] = done
		}
	}
	for i := range nodes {
		if states[nodes[i].state] != StateVisible {
			continue
		}
		for m := &nodes[i]; !m.shown; {
			if states[m.state] == StateSpam {
				break // a reply under spam is shown; the spam is not
			}
			m.shown = true
			if m.parent == 0 {
				break
			}
			m = &nodes[m.parent-1]
		}
	}
}

// Placeholder reports whether the post with dsq:id id is deleted and has replies that
// are shown (directly or through other such placeholders).
func (idx *Index) Placeholder(id string) bool {
	n := idx.node(id)
	return n != nil && states[n.state] == StateDeleted && n.shown
}

// PostsOf counts the posts of the thread with dsq:id id.
func (idx *Index) PostsOf(id string) int {
	if i, ok := idx.threadKeys[id]; ok {
		return idx.threads[i].posts
	}
	return 0
}

// Closed counts the threads of the file that are closed (<isClosed>true</isClosed>).
func (idx *Index) Closed() int {
	n := 0
	for i := range idx.threads {
		if idx.threads[i].inFile && idx.threads[i].closed {
			n++
		}
	}
	return n
}
