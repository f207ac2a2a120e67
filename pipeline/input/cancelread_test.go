package input

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"time"
)

func TestCancelReader(t *testing.T) {
	t.Run("passes the stream through", func(t *testing.T) {
		want := bytes.Repeat([]byte("0123456789abcdef"), 100000) // several chunks
		got, err := io.ReadAll(newCancelReader(context.Background(), shortReader{bytes.NewReader(want)}))
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("read %d bytes (%v), want %d", len(got), err, len(want))
		}
	})
	t.Run("cancel ends a blocked read", func(t *testing.T) {
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		defer w.Close()
		if !mayBlock(r) || mayBlock(strings.NewReader("x")) {
			t.Fatal("mayBlock: a pipe may block, a strings.Reader does not")
		}
		ctx, cancel := context.WithCancelCause(context.Background())
		cr := newCancelReader(ctx, r)
		w.Write([]byte("head"))
		buf := make([]byte, 16)
		if n, err := cr.Read(buf); err != nil || string(buf[:n]) != "head" {
			t.Fatalf("first read %q %v", buf[:n], err)
		}
		stop := errors.New("interrupt signal received")
		go func() { time.Sleep(50 * time.Millisecond); cancel(stop) }()
		done := make(chan error, 1)
		go func() { _, err := cr.Read(buf); done <- err }()
		select {
		case err := <-done:
			if !errors.Is(err, stop) {
				t.Errorf("blocked read ended with %v, want the cancel cause", err)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("read still blocked after cancel")
		}
	})
}

// shortReader returns at most 7 bytes per Read.
type shortReader struct{ r io.Reader }

func (o shortReader) Read(p []byte) (int, error) {
	if len(p) > 7 {
		p = p[:7]
	}
	return o.r.Read(p)
}
