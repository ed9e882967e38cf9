package main

import (
	"io"
	"time"

	"github.com/schollz/progressbar/v3"
)

// bar is a terminal progress bar whose total is learned from the first update.
type bar struct {
	w    io.Writer
	desc string
	pb   *progressbar.ProgressBar
}

func newBar(w io.Writer, desc string) *bar { return &bar{w: w, desc: desc} }

func (b *bar) set(done, total int) {
	if b.pb == nil {
		b.pb = progressbar.NewOptions(total, progressbar.OptionSetWriter(b.w), progressbar.OptionSetDescription(b.desc),
			progressbar.OptionShowCount(), progressbar.OptionSetWidth(30), progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionSetPredictTime(true), progressbar.OptionOnCompletion(func() { io.WriteString(b.w, "\n") }))
	}
	b.pb.Set(done)
}

func (b *bar) finish() {
	if b.pb != nil {
		b.pb.Finish()
	}
}
