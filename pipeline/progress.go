package pipeline

import (
	"io"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"
)

// startProgress draws a bar of input bytes read (with rate and ETA) and the
// packet count to w until the returned stop function is called. When the
// total input size is unknown (stdin, generators) it shows counts only.
func startProgress(w io.Writer, inputs *Inputs, packets *atomic.Int64) (stop func()) {
	p := mpb.New(mpb.WithOutput(w), mpb.WithRefreshRate(200*time.Millisecond), mpb.WithAutoRefresh())
	total := inputs.TotalBytes.Load()
	bar := p.New(total,
		mpb.BarStyle(),
		mpb.PrependDecorators(
			decor.Any(func(decor.Statistics) string {
				return formatCount(packets.Load()) + " pkts"
			}, decor.WCSyncSpaceR),
			decor.CountersKibiByte("% .1f / % .1f", decor.WCSyncSpace),
		),
		mpb.AppendDecorators(
			decor.AverageSpeed(decor.SizeB1024(0), "% .1f", decor.WCSyncSpace),
			decor.OnComplete(decor.AverageETA(decor.ET_STYLE_GO, decor.WCSyncSpace), ""),
		),
	)
	quit := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				if n := inputs.TotalBytes.Load(); n != total {
					total = n
					bar.SetTotal(total, false)
				}
				bar.SetCurrent(inputs.ReadBytes.Load())
			case <-quit:
				bar.SetCurrent(inputs.ReadBytes.Load())
				bar.Abort(true)
				return
			}
		}
	}()
	return func() {
		close(quit)
		<-finished
		p.Wait()
	}
}

func formatCount(n int64) string {
	const units = "kMGT"
	if n < 10000 {
		return strconv.FormatInt(n, 10)
	}
	f := float64(n)
	i := -1
	for f >= 1000 && i < len(units)-1 {
		f /= 1000
		i++
	}
	return strconv.FormatFloat(f, 'f', 1, 64) + string(units[i])
}
