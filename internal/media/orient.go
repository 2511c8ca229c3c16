package media

import (
	"image"
	"image/draw"
)

// EXIF orientations (Exif 2.32, table of tag 0x0112): how the stored rows are to be
// turned to show the picture. 5 to 8 swap width and height.
//
//	1 as stored          2 mirrored left-right   3 turned 180°          4 mirrored top-bottom
//	5 transposed         6 turned 90° clockwise  7 transversed          8 turned 90° anticlockwise

// transposes is whether orientation o swaps width and height.
func transposes(o int) bool { return o >= 5 && o <= 8 }

// orientedSize is the size a w × h stored picture shows at under orientation o.
func orientedSize(o, w, h int) (int, int) {
	if transposes(o) {
		return h, w
	}
	return w, h
}

// source is the stored pixel (x, y) shown at (dx, dy) under orientation o, for a
// stored picture of w × h.
func source(o, w, h, dx, dy int) (int, int) {
	switch o {
	case 2:
		return w - 1 - dx, dy
	case 3:
		return w - 1 - dx, h - 1 - dy
	case 4:
		return dx, h - 1 - dy
	case 5:
		return dy, dx
	case 6:
		return dy, h - 1 - dx
	case 7:
		return w - 1 - dy, h - 1 - dx
	case 8:
		return w - 1 - dy, dx
	}
	return dx, dy
}

// orient returns img turned as orientation o says, in a new image of the same kind
// (a YCbCr image keeps its planes, its chroma subsampling turned with it), so that
// it costs the decoded image's bytes once more and encodes as fast. img is returned
// as it is for orientation 1.
func orient(img image.Image, o int) image.Image {
	if o < 2 || o > 8 {
		return img
	}
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	W, H := orientedSize(o, w, h)
	r := image.Rect(0, 0, W, H)
	switch m := img.(type) {
	case *image.RGBA:
		d := image.NewRGBA(r)
		orientPix(d.Pix, d.Stride, m.Pix, m.Stride, 4, o, w, h)
		return d
	case *image.NRGBA:
		d := image.NewNRGBA(r)
		orientPix(d.Pix, d.Stride, m.Pix, m.Stride, 4, o, w, h)
		return d
	case *image.RGBA64:
		d := image.NewRGBA64(r)
		orientPix(d.Pix, d.Stride, m.Pix, m.Stride, 8, o, w, h)
		return d
	case *image.NRGBA64:
		d := image.NewNRGBA64(r)
		orientPix(d.Pix, d.Stride, m.Pix, m.Stride, 8, o, w, h)
		return d
	case *image.Gray:
		d := image.NewGray(r)
		orientPix(d.Pix, d.Stride, m.Pix, m.Stride, 1, o, w, h)
		return d
	case *image.Gray16:
		d := image.NewGray16(r)
		orientPix(d.Pix, d.Stride, m.Pix, m.Stride, 2, o, w, h)
		return d
	case *image.Paletted:
		d := image.NewPaletted(r, m.Palette)
		orientPix(d.Pix, d.Stride, m.Pix, m.Stride, 1, o, w, h)
		return d
	case *image.YCbCr:
		return orientYCbCr(m, o)
	}
	// No decoder of an accepted format makes another kind; should one, it is drawn
	// as RGBA first.
	rgba := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(rgba, rgba.Rect, img, b.Min, draw.Src)
	return orient(rgba, o)
}

// orientPix fills dst (W × H pixels of bpp bytes) from src (w × h), row by row of
// dst: along a row of dst the source moves by a fixed step (a pixel or a row, either
// way), so each row is one strided walk.
func orientPix(dst []byte, dstride int, src []byte, sstride, bpp, o, w, h int) {
	W, H := orientedSize(o, w, h)
	at := func(x, y int) int { return y*sstride + x*bpp }
	for dy := range H {
		x0, y0 := source(o, w, h, 0, dy)
		s := at(x0, y0)
		step := 0
		if W > 1 {
			x1, y1 := source(o, w, h, 1, dy)
			step = at(x1, y1) - s
		}
		row := dst[dy*dstride : dy*dstride+W*bpp]
		switch bpp {
		case 1:
			for dx := range row {
				row[dx] = src[s]
				s += step
			}
		case 4:
			for dx := 0; dx < len(row); dx += 4 {
				copy(row[dx:dx+4:dx+4], src[s:s+4:s+4])
				s += step
			}
		default:
			for dx := 0; dx < len(row); dx += bpp {
				copy(row[dx:dx+bpp], src[s:s+bpp])
				s += step
			}
		}
	}
}

// subsampling is how many luma samples, across and down, one chroma sample covers.
func subsampling(r image.YCbCrSubsampleRatio) (int, int) {
	switch r {
	case image.YCbCrSubsampleRatio422:
		return 2, 1
	case image.YCbCrSubsampleRatio420:
		return 2, 2
	case image.YCbCrSubsampleRatio440:
		return 1, 2
	case image.YCbCrSubsampleRatio411:
		return 4, 1
	case image.YCbCrSubsampleRatio410:
		return 4, 2
	}
	return 1, 1
}

// orientedRatio is the chroma subsampling of a YCbCr image turned by o: 4:2:2 and
// 4:4:0 swap when it is transposed; 4:1:1 and 4:1:0 have no transposed kind in
// image.YCbCr and become 4:4:4 (3 bytes a pixel).
func orientedRatio(r image.YCbCrSubsampleRatio, o int) image.YCbCrSubsampleRatio {
	if !transposes(o) {
		return r
	}
	switch r {
	case image.YCbCrSubsampleRatio422:
		return image.YCbCrSubsampleRatio440
	case image.YCbCrSubsampleRatio440:
		return image.YCbCrSubsampleRatio422
	case image.YCbCrSubsampleRatio411, image.YCbCrSubsampleRatio410:
		return image.YCbCrSubsampleRatio444
	}
	return r
}

// orientYCbCr turns the luma plane pixel by pixel and takes each chroma sample of
// the result from the source sample under its first luma sample.
func orientYCbCr(m *image.YCbCr, o int) *image.YCbCr {
	b := m.Rect
	w, h := b.Dx(), b.Dy()
	W, H := orientedSize(o, w, h)
	d := image.NewYCbCr(image.Rect(0, 0, W, H), orientedRatio(m.SubsampleRatio, o))
	orientPix(d.Y, d.YStride, m.Y[m.YOffset(b.Min.X, b.Min.Y):], m.YStride, 1, o, w, h)
	sx, sy := subsampling(d.SubsampleRatio)
	cw, ch := (W+sx-1)/sx, (H+sy-1)/sy
	for cy := range ch {
		for cx := range cw {
			x, y := source(o, w, h, min(cx*sx, W-1), min(cy*sy, H-1))
			s := m.COffset(b.Min.X+x, b.Min.Y+y)
			i := cy*d.CStride + cx
			d.Cb[i], d.Cr[i] = m.Cb[s], m.Cr[s]
		}
	}
	return d
}

// orientedCost is what orient allocates for a decoded image of bytes bytes (its
// planes) whose YCbCr subsampling, if any, has no transposed kind: the image again,
// or 3 bytes a pixel of 4:4:4.
func orientedCost(o int, decoded, pixels int64, ratio image.YCbCrSubsampleRatio, ycbcr bool) int64 {
	if o < 2 || o > 8 {
		return 0
	}
	if ycbcr && ratio != image.YCbCrSubsampleRatio444 && orientedRatio(ratio, o) == image.YCbCrSubsampleRatio444 {
		return max(decoded, 3*pixels+64)
	}
	return decoded
}
