package disqus

import "strconv"

// parent is the dsq:id of the post the post id answers, once Check dropped the parents
// that cannot be; "" at the top. It walks the whole index: for tests only.
func (idx *Index) parent(id string) string {
	n := idx.node(id)
	if n == nil || n.parent == 0 {
		return ""
	}
	want := n.parent - 1
	for k, i := range idx.named {
		if i == want {
			return k
		}
	}
	for k, i := range idx.numbered {
		if i == want {
			return strconv.FormatUint(k, 10)
		}
	}
	return ""
}
