package media

import (
	"context"
	"image"
	"image/draw"
	"math"
)

// Variants are scaled with the Catmull-Rom kernel, weighted as
// golang.org/x/image/draw.CatmullRom weights them, but streamed: x/image's
// Kernel.Scale first scales every source row into a buffer of dw × sh [4]float64
// (32 bytes each; 1 GB for the 1600-pixel variant of a 2000 × 20000 image), and that
// buffer cannot be cut into bands without seams. Here each source row is converted
// once (image/draw's fast paths, no allocation per pixel), scaled horizontally for
// every variant, and kept only while a destination row still needs it: memory is the
// variants themselves, a few rows each, and the weights.

// axis is the weights of one direction: destination d is made of the source
// coordinates [lo[d], hi[d]) (both never decrease with d), weighted by
// w[off[d] : off[d]+hi[d]-lo[d]].
type axis struct {
	w      []float32
	off    []int32
	lo, hi []int32
}

// catmullRom is x/image/draw's CatmullRom kernel (support 2).
func catmullRom(t float64) float64 {
	if t < 1 {
		return (1.5*t-2.5)*t*t + 1
	}
	return ((-0.5*t+2.5)*t-4)*t + 2
}

// newAxis weighs sn source pixels into dn, as x/image/draw's newDistrib does: the
// kernel is widened by the scale when shrinking, taps outside the source are
// dropped, and each destination's weights are normalised to sum to 1.
func newAxis(dn, sn int) axis {
	scale := float64(sn) / float64(dn)
	half, argScale := 2.0, 1.0
	if scale > 1 {
		half *= scale
		argScale = 1 / scale
	}
	a := axis{off: make([]int32, dn), lo: make([]int32, dn), hi: make([]int32, dn)}
	a.w = make([]float32, 0, dn*maxSpan(half))
	for d := range dn {
		center := (float64(d)+0.5)*scale - 0.5
		i := max(0, int32(math.Floor(center-half)))
		j := max(i, min(int32(sn), int32(math.Ceil(center+half))))
		a.lo[d], a.hi[d], a.off[d] = i, j, int32(len(a.w))
		start, total := len(a.w), 0.0
		for c := i; c < j; c++ {
			w := 0.0
			if t := math.Abs((center - float64(c)) * argScale); t < 2 {
				w = catmullRom(t)
			}
			a.w = append(a.w, float32(w))
			total += w
		}
		for k := start; k < len(a.w); k++ {
			a.w[k] = float32(float64(a.w[k]) / total)
		}
	}
	return a
}

// maxSpan is the most source coordinates one destination reads, for a kernel
// reaching half either side: ceil(c+half) - floor(c-half) < 2·half + 2.
func maxSpan(half float64) int { return int(math.Ceil(2*half)) + 1 }

// scalerCost is what newAxis allocates for dn destinations of sn sources, at most.
func scalerCost(dn, sn int) int64 {
	return int64(dn)*int64(maxSpan(2*max(1, float64(sn)/float64(dn))))*4 + int64(dn)*12
}

// ringRows is how many rows of floats one variant keeps: the most source rows any
// destination row reads, and one to add up into.
func ringRows(dh, sh int) int {
	return maxSpan(2*max(1, float64(sh)/float64(dh))) + 1
}

// scaler makes one variant from the rows it is fed, in order.
type scaler struct {
	dst    *image.RGBA
	h, v   axis
	ring   [][]float32 // horizontally scaled rows, source row y in ring[y%len(ring)]
	sum    []float32
	next   int // the next destination row to finish
	opaque bool
}

func newScaler(dw, dh, sw, sh int) *scaler {
	s := &scaler{dst: image.NewRGBA(image.Rect(0, 0, dw, dh)), h: newAxis(dw, sw), v: newAxis(dh, sh), opaque: true}
	n := ringRows(dh, sh) - 1 // and one row to add up into
	buf := make([]float32, (n+1)*4*dw)
	for i := range n {
		s.ring = append(s.ring, buf[i*4*dw:(i+1)*4*dw])
	}
	s.sum = buf[n*4*dw:]
	return s
}

// needs is whether source row y is still to be used.
func (s *scaler) needs(y int) bool {
	return s.next < len(s.v.lo) && int32(y) >= s.v.lo[s.next]
}

// feed takes source row y (premultiplied RGBA as floats, 0 to 255) and finishes
// every destination row that needs nothing below it.
func (s *scaler) feed(y int, row []float32) {
	if !s.needs(y) {
		return
	}
	out := s.ring[y%len(s.ring)]
	h := &s.h
	for d := range h.lo {
		lo, hi := h.lo[d], h.hi[d]
		ws := h.w[h.off[d] : h.off[d]+hi-lo]
		p := row[4*lo : 4*hi]
		var r, g, b, a float32
		for _, w := range ws {
			q := p[:4:4]
			r += w * q[0]
			g += w * q[1]
			b += w * q[2]
			a += w * q[3]
			p = p[4:]
		}
		o := out[4*d : 4*d+4 : 4*d+4]
		o[0], o[1], o[2], o[3] = r, g, b, a
	}
	for s.next < len(s.v.hi) && int32(y+1) >= s.v.hi[s.next] {
		s.finish(s.next)
		s.next++
	}
}

// finish writes destination row d from the kept rows.
func (s *scaler) finish(d int) {
	sum := s.sum
	clear(sum)
	v := &s.v
	lo, hi := v.lo[d], v.hi[d]
	for k, w := range v.w[v.off[d] : v.off[d]+hi-lo] {
		if w == 0 {
			continue
		}
		src := s.ring[int(lo+int32(k))%len(s.ring)]
		src = src[:len(sum)]
		for i, x := range src {
			sum[i] += w * x
		}
	}
	pix := s.dst.Pix[d*s.dst.Stride : d*s.dst.Stride+len(sum)]
	for i := 0; i+4 <= len(pix); i += 4 {
		a := clamp8(sum[i+3])
		// Catmull-Rom's negative lobes can overshoot: keep colours premultiplied.
		pix[i+0] = min(clamp8(sum[i+0]), a)
		pix[i+1] = min(clamp8(sum[i+1]), a)
		pix[i+2] = min(clamp8(sum[i+2]), a)
		pix[i+3] = a
		if a != 0xff {
			s.opaque = false
		}
	}
}

func clamp8(f float32) uint8 {
	switch {
	case f <= 0:
		return 0
	case f >= 255:
		return 255
	}
	return uint8(f + 0.5)
}

// scaleVariants makes, in one pass over src's rows, a copy of src at each width of
// widths (narrower than the canvas) keeping its aspect ratio. The canvas is the area
// shown (a GIF's screen); what src does not cover is transparent. It stops when ctx
// ends.
func scaleVariants(ctx context.Context, src image.Image, canvas image.Rectangle, widths []int) ([]*scaler, error) {
	sw, sh := canvas.Dx(), canvas.Dy()
	var ss []*scaler
	for _, w := range widths {
		if w >= sw {
			break
		}
		ss = append(ss, newScaler(w, max(1, sh*w/sw), sw, sh))
	}
	if len(ss) == 0 {
		return nil, nil
	}
	row, rowF := image.NewRGBA(image.Rect(0, 0, sw, 1)), make([]float32, 4*sw)
	for y := range sh {
		if y%64 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		needed := false
		for _, s := range ss {
			needed = needed || s.needs(y)
		}
		if !needed {
			continue
		}
		// row's origin is the canvas's (canvas.Min.X, canvas.Min.Y+y); draw clips to
		// src's bounds and leaves the rest as it was, so that rest is cleared first.
		at := image.Rect(canvas.Min.X, canvas.Min.Y+y, canvas.Max.X, canvas.Min.Y+y+1)
		if !at.In(src.Bounds()) {
			clear(row.Pix)
		}
		draw.Draw(row, row.Rect, src, at.Min, draw.Src)
		for i, c := range row.Pix {
			rowF[i] = float32(c)
		}
		for _, s := range ss {
			s.feed(y, rowF)
		}
	}
	return ss, nil
}
