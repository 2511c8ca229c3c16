package wxr

import "fmt"

// Threaded returns the comments of one item in an order where every reply comes after
// the comment it answers (replies in file order under their parent, depth first), for a
// store that writes a parent before its replies. WordPress exports a post's comments in
// no particular order, and without its spam (export.php leaves out comment_approved
// "spam"), so a reply may name a parent the file does not hold: such a reply, and any
// comment caught in a cycle of parents, is put at the top level of the order (its
// Parent is left as read) and named in a Warning. The comments are not changed.
func Threaded(comments []*Comment) ([]*Comment, []Warning) {
	byID := make(map[int64]*Comment, len(comments))
	for _, c := range comments {
		byID[c.ID] = c
	}
	children := map[int64][]*Comment{}
	var roots []*Comment
	var warnings []Warning
	for _, c := range comments {
		if c.Parent == 0 {
			roots = append(roots, c)
			continue
		}
		if byID[c.Parent] == nil || c.Parent == c.ID {
			warnings = append(warnings, Warning{Line: c.Line, Msg: fmt.Sprintf("comment %d answers comment %d, which the file does not hold; kept at the top level", c.ID, c.Parent)})
			roots = append(roots, c)
			continue
		}
		children[c.Parent] = append(children[c.Parent], c)
	}
	out := make([]*Comment, 0, len(comments))
	placed := make(map[int64]bool, len(comments))
	// An explicit stack: a thread may be thousands of replies deep.
	walk := func(root *Comment) {
		stack := []*Comment{root}
		for len(stack) > 0 {
			c := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if placed[c.ID] {
				continue
			}
			placed[c.ID] = true
			out = append(out, c)
			kids := children[c.ID]
			for i := len(kids) - 1; i >= 0; i-- {
				stack = append(stack, kids[i])
			}
		}
	}
	for _, r := range roots {
		walk(r)
	}
	// What no root reaches is a cycle (a answers b, b answers a).
	for _, c := range comments {
		if !placed[c.ID] {
			warnings = append(warnings, Warning{Line: c.Line, Msg: fmt.Sprintf("comment %d is in a cycle of replies (it answers %d); kept at the top level", c.ID, c.Parent)})
			walk(c)
		}
	}
	return out, warnings
}
