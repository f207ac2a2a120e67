//go:build linux

package live

import (
	"context"
	"errors"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/pcapflow/pcapflow/internal/netns"
	"github.com/pcapflow/pcapflow/pipeline"
)

// vethPair returns handles on both ends of a veth pair between two fresh
// namespaces (IPv6 off, so only the test's frames cross it).
func vethPair(t *testing.T, o Options) (a, b *Handle) {
	t.Helper()
	a, b, _ = vethPairNS(t, o)
	return a, b
}

// vethPairNS is vethPair that also returns the namespace of a.
func vethPairNS(t *testing.T, o Options) (a, b *Handle, na *netns.NS) {
	t.Helper()
	netns.Require(t)
	na, nb := netns.New(t, "live-a"), netns.New(t, "live-b")
	netns.Veth(t, na, "va", nb, "vb")
	na.Sysctl("net.ipv6.conf.all.disable_ipv6", "1")
	nb.Sysctl("net.ipv6.conf.all.disable_ipv6", "1")
	for _, x := range []struct {
		ns   *netns.NS
		name string
		h    **Handle
	}{{na, "va", &a}, {nb, "vb", &b}} {
		if err := x.ns.Do(func() (err error) { *x.h, err = Open(x.name, o); return err }); err != nil {
			t.Fatal(err)
		}
		h := *x.h
		t.Cleanup(func() { h.Close() })
	}
	return a, b, na
}

// testFrame is an Ethernet frame of the local experimental EtherType.
func testFrame(src []byte, n int, tag byte) []byte {
	f := make([]byte, n)
	for i := range 6 {
		f[i] = 0xff
	}
	copy(f[6:12], src)
	f[12], f[13] = 0x88, 0xb5
	for i := 14; i < n; i++ {
		f[i] = tag
	}
	return f
}

func TestHandleReadWrite(t *testing.T) {
	a, b := vethPair(t, Options{Snaplen: 100})
	if a.LinkType() != 1 || len(a.HardwareAddr()) != 6 || a.Name() != "va" || a.Index() == 0 {
		t.Fatalf("handle: link type %d, MAC %v, name %q, index %d", a.LinkType(), a.HardwareAddr(), a.Name(), a.Index())
	}
	if _, err := b.ReadNow(); !errors.Is(err, ErrNoFrame) {
		t.Fatalf("ReadNow on an idle interface: %v", err)
	}
	for i, n := range []int{60, 100, 400} {
		if err := a.WritePacket(testFrame(a.HardwareAddr(), n, byte(i))); err != nil {
			t.Fatal(err)
		}
		b.SetReadDeadline(time.Now().Add(2 * time.Second))
		f, err := b.Read()
		if err != nil {
			t.Fatal(err)
		}
		want := min(n, 100)
		if len(f.Data) != want || f.OrigLen != uint32(n) || f.Data[want-1] != byte(i) || f.Outgoing {
			t.Errorf("frame %d: %d bytes of %d, outgoing %v", i, len(f.Data), f.OrigLen, f.Outgoing)
		}
		if d := time.Since(time.Unix(0, f.Timestamp)); d < 0 || d > 5*time.Second {
			t.Errorf("kernel timestamp %v away from now", d)
		}
	}
	st, err := b.Stats()
	if err != nil || st.Received != 3 || st.Dropped != 0 {
		t.Errorf("stats %+v, %v; want 3 received", st, err)
	}
	b.SetReadDeadline(time.Now().Add(20 * time.Millisecond))
	if _, err := b.Read(); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("read past the deadline: %v", err)
	}
}

// TestHandleIgnoreOutgoing: a frame sent on va by one socket is seen as
// outgoing by another socket on va, unless that one ignores outgoing frames.
func TestHandleIgnoreOutgoing(t *testing.T) {
	a, b, na := vethPairNS(t, Options{})
	var seeAll, ignore *Handle
	if err := na.Do(func() (err error) {
		if seeAll, err = Open("va", Options{}); err != nil {
			return err
		}
		ignore, err = Open("va", Options{IgnoreOutgoing: true})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	defer seeAll.Close()
	defer ignore.Close()
	if err := a.WritePacket(testFrame(a.HardwareAddr(), 64, 1)); err != nil {
		t.Fatal(err)
	}
	b.SetReadDeadline(time.Now().Add(2 * time.Second))
	if _, err := b.Read(); err != nil {
		t.Fatal(err)
	}
	seeAll.SetReadDeadline(time.Now().Add(2 * time.Second))
	if f, err := seeAll.Read(); err != nil || !f.Outgoing {
		t.Errorf("second socket on the sender: outgoing %v, %v", f.Outgoing, err)
	}
	ignore.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
	if f, err := ignore.Read(); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("a handle ignoring outgoing frames read one (%d bytes, %v)", len(f.Data), err)
	}
}

// TestHandleNoAlloc: sending and receiving a frame allocate nothing.
func TestHandleNoAlloc(t *testing.T) {
	a, b := vethPair(t, Options{})
	f := testFrame(a.HardwareAddr(), 100, 7)
	b.SetReadDeadline(time.Now().Add(10 * time.Second))
	allocs := testing.AllocsPerRun(100, func() {
		if err := a.WritePacket(f); err != nil {
			t.Fatal(err)
		}
		if _, err := b.Read(); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations per frame sent and received", allocs)
	}
}

// collect is a sink keeping copies of the frames it sees.
type collect struct {
	mu     sync.Mutex
	frames [][]byte
	ports  []uint32
}

func (c *collect) Name() string { return "collect" }
func (c *collect) Consume(_ context.Context, b *pipeline.Batch) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i := range b.Packets {
		c.frames = append(c.frames, append([]byte(nil), b.Data(i)...))
		c.ports = append(c.ports, b.Packets[i].Interface)
	}
	return nil
}
func (c *collect) Close(bool) error { return nil }

// TestSourceTransmit sends frames through a graph with a Transmit sink on
// one end and captures them with a Source and a Limit on the other.
func TestSourceTransmit(t *testing.T) {
	a, b := vethPair(t, Options{IgnoreOutgoing: true, ReceiveBuffer: 8 << 20})
	const n = 500
	src := NewSource([]*Handle{b}, SourceOptions{Duration: 20 * time.Second})
	got := &collect{}
	g := &pipeline.Graph{Source: src, Ordered: []pipeline.Stage{NewLimit(n, src.Stop)}, Sinks: []pipeline.Sink{got}}
	done := make(chan error, 1)
	var inputs *pipeline.Inputs
	go func() {
		g.Inputs = &pipeline.Inputs{}
		inputs = g.Inputs
		_, err := g.Run(context.Background())
		done <- err
	}()
	time.Sleep(50 * time.Millisecond)
	tx := NewTransmit([]*Handle{a})
	batch := pipeline.NewBatch(n+1, 1<<20)
	for i := 0; i < n; i++ {
		batch.AddCopy(pipeline.CaptureInfo{LinkType: 1}, testFrame(a.HardwareAddr(), 60+i, byte(i)))
	}
	batch.AddCopy(pipeline.CaptureInfo{LinkType: 1, Interface: 3}, testFrame(a.HardwareAddr(), 60, 0))
	if err := tx.Consume(context.Background(), batch); err != nil {
		t.Fatal(err)
	}
	if st := tx.Stats(); st.Sent != n || st.Unroutable != 1 || st.Failed != 0 {
		t.Errorf("transmit stats %v", st)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(15 * time.Second):
		src.Stop()
		t.Fatalf("capture did not end; %d frames", len(got.frames))
	}
	if len(got.frames) != n {
		st, _ := b.Stats()
		t.Fatalf("captured %d frames, want %d (kernel: %+v)", len(got.frames), n, st)
	}
	for i, f := range got.frames {
		if len(f) != 60+i || f[len(f)-1] != byte(i) || got.ports[i] != 0 {
			t.Fatalf("frame %d: %d bytes, port %d", i, len(f), got.ports[i])
		}
	}
	ins := inputs.All()
	if len(ins) != 1 || ins[0].Name != "live:vb" || ins[0].Packets < n {
		t.Errorf("inputs %+v", ins)
	}
}

// TestSourceStop: cancelling the Stop context ends the run cleanly.
func TestSourceStop(t *testing.T) {
	_, b := vethPair(t, Options{})
	stop, cancel := context.WithCancel(context.Background())
	src := NewSource([]*Handle{b}, SourceOptions{Stop: stop})
	g := &pipeline.Graph{Source: src, Sinks: []pipeline.Sink{&collect{}}}
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	if _, err := g.Run(context.Background()); err != nil {
		t.Fatalf("a stopped capture is not an error: %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("stopping took %v", d)
	}
}
