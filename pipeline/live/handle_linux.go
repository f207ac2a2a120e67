//go:build linux

package live

import (
	"fmt"
	"net"
	"os"
	"sync"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Handle is one AF_PACKET socket bound to one interface.
type Handle struct {
	name     string
	index    int
	mac      net.HardwareAddr
	linkType uint16
	fd       int
	file     *os.File
	rc       syscall.RawConn
	snaplen  int
	ignoreTx bool

	// Receive state, reused for every frame (one reader at a time).
	buf     []byte
	sa      unix.RawSockaddrLinklayer
	iov     unix.Iovec
	msg     unix.Msghdr
	control []byte
	readFn  func(fd uintptr) bool
	rn      int
	rerr    error
	flags   int

	// Transmit state (one writer at a time).
	wmu     sync.Mutex
	wframe  []byte
	wn      int
	werr    error
	writeFn func(fd uintptr) bool

	statsMu sync.Mutex
	stats   Stats
}

func htons(v uint16) uint16 { return v<<8 | v>>8 }

// Open binds a packet socket to interface iface.
func Open(iface string, o Options) (*Handle, error) {
	ifi, err := net.InterfaceByName(iface)
	if err != nil {
		return nil, fmt.Errorf("live: interface %s: %w", iface, err)
	}
	lt, err := linkTypeOf(ifi.Index)
	if err != nil {
		return nil, fmt.Errorf("live: interface %s: %w", iface, err)
	}
	sock := unix.SOCK_RAW
	if lt == linkTypeRaw {
		sock = unix.SOCK_DGRAM
	}
	fd, err := unix.Socket(unix.AF_PACKET, sock|unix.SOCK_CLOEXEC|unix.SOCK_NONBLOCK, int(htons(unix.ETH_P_ALL)))
	if err != nil {
		return nil, fmt.Errorf("live: %s: packet socket: %w (capture needs root or CAP_NET_RAW)", iface, err)
	}
	h := &Handle{name: iface, index: ifi.Index, mac: ifi.HardwareAddr, linkType: lt, fd: fd, ignoreTx: o.IgnoreOutgoing}
	fail := func(what string, err error) (*Handle, error) {
		unix.Close(fd)
		return nil, fmt.Errorf("live: %s: %s: %w", iface, what, err)
	}
	if o.IgnoreOutgoing {
		// Best effort: kernels before 4.20 lack it; outgoing frames are then
		// skipped by their packet type.
		_ = unix.SetsockoptInt(fd, unix.SOL_PACKET, unix.PACKET_IGNORE_OUTGOING, 1)
	}
	if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_TIMESTAMPNS, 1); err != nil {
		return fail("SO_TIMESTAMPNS", err)
	}
	if o.ReceiveBuffer > 0 {
		if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUFFORCE, o.ReceiveBuffer); err != nil {
			// Without CAP_NET_ADMIN: as much as net.core.rmem_max allows.
			if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUF, o.ReceiveBuffer); err != nil {
				return fail("SO_RCVBUF", err)
			}
		}
	}
	if err := unix.Bind(fd, &unix.SockaddrLinklayer{Protocol: htons(unix.ETH_P_ALL), Ifindex: ifi.Index}); err != nil {
		return fail("bind", err)
	}
	if o.Promisc {
		mr := unix.PacketMreq{Ifindex: int32(ifi.Index), Type: unix.PACKET_MR_PROMISC}
		if err := unix.SetsockoptPacketMreq(fd, unix.SOL_PACKET, unix.PACKET_ADD_MEMBERSHIP, &mr); err != nil {
			return fail("promiscuous mode", err)
		}
	}
	// Frames queued between socket() and bind() may come from any
	// interface: discard them, and the counters that go with them.
	for {
		if _, _, err := unix.Recvfrom(fd, make([]byte, 1), unix.MSG_DONTWAIT); err != nil {
			break
		}
	}
	_, _ = unix.GetsockoptTpacketStats(fd, unix.SOL_PACKET, unix.PACKET_STATISTICS)

	h.snaplen = o.Snaplen
	if h.snaplen <= 0 {
		h.snaplen = DefaultSnaplen
	}
	h.buf = make([]byte, h.snaplen)
	h.control = make([]byte, unix.CmsgSpace(int(unsafe.Sizeof(unix.Timespec{})))*2)
	h.file = os.NewFile(uintptr(fd), "packet:"+iface)
	if h.rc, err = h.file.SyscallConn(); err != nil {
		h.file.Close()
		return nil, fmt.Errorf("live: %s: %w", iface, err)
	}
	h.readFn = h.recv
	h.writeFn = h.send
	return h, nil
}

// linkTypes of the ARPHRD device types pcapflow captures from.
const (
	linkTypeEthernet = 1
	linkTypeRaw      = 101
)

// linkTypeOf maps the interface's hardware type to a LINKTYPE number.
func linkTypeOf(index int) (uint16, error) {
	ifi, err := net.InterfaceByIndex(index)
	if err != nil {
		return 0, err
	}
	typ, err := os.ReadFile("/sys/class/net/" + ifi.Name + "/type")
	if err != nil {
		// No sysfs (some containers): decide by the hardware address.
		if len(ifi.HardwareAddr) == 6 || ifi.Flags&net.FlagLoopback != 0 {
			return linkTypeEthernet, nil
		}
		return linkTypeRaw, nil
	}
	var arphrd int
	if _, err := fmt.Sscanf(string(typ), "%d", &arphrd); err != nil {
		return 0, fmt.Errorf("hardware type %q: %w", typ, err)
	}
	switch arphrd {
	case unix.ARPHRD_ETHER, unix.ARPHRD_LOOPBACK:
		return linkTypeEthernet, nil
	case unix.ARPHRD_NONE:
		return linkTypeRaw, nil
	}
	return 0, fmt.Errorf("hardware type %d is not Ethernet, loopback or raw IP", arphrd)
}

// Name returns the interface name.
func (h *Handle) Name() string { return h.name }

// Index returns the interface index.
func (h *Handle) Index() int { return h.index }

// HardwareAddr returns the interface's MAC address (empty for raw IP links).
func (h *Handle) HardwareAddr() net.HardwareAddr { return h.mac }

// LinkType returns the LINKTYPE number of the frames read and written:
// 1 (Ethernet, loopback included) or 101 (raw IP).
func (h *Handle) LinkType() uint16 { return h.linkType }

// Snaplen returns the number of bytes kept of each frame.
func (h *Handle) Snaplen() int { return h.snaplen }

// recv is the RawConn read callback: one recvmsg, reporting false to wait
// on the poller when no frame is queued.
func (h *Handle) recv(fd uintptr) bool {
	h.iov.Base = &h.buf[0]
	h.iov.SetLen(len(h.buf))
	h.msg = unix.Msghdr{
		Name:    (*byte)(unsafe.Pointer(&h.sa)),
		Namelen: uint32(unsafe.Sizeof(h.sa)),
		Iov:     &h.iov,
		Control: &h.control[0],
	}
	h.msg.SetIovlen(1)
	h.msg.SetControllen(len(h.control))
	n, _, errno := unix.Syscall(unix.SYS_RECVMSG, fd, uintptr(unsafe.Pointer(&h.msg)), uintptr(h.flags))
	if errno == unix.EAGAIN || errno == unix.EWOULDBLOCK {
		h.rn, h.rerr = 0, errno
		return h.flags&unix.MSG_DONTWAIT != 0
	}
	if errno == unix.EINTR {
		return false
	}
	h.rn, h.rerr = int(n), nil
	if errno != 0 {
		h.rerr = errno
	}
	return true
}

// Read waits for the next frame. It returns os.ErrDeadlineExceeded after
// SetReadDeadline's time, and os.ErrClosed after Close. Outgoing frames are
// skipped when the handle ignores them.
func (h *Handle) Read() (Frame, error) { return h.read(0) }

// ReadNow returns the next queued frame, or ErrNoFrame when none is queued.
func (h *Handle) ReadNow() (Frame, error) { return h.read(unix.MSG_DONTWAIT) }

func (h *Handle) read(flags int) (Frame, error) {
	for {
		h.flags = flags | unix.MSG_TRUNC
		if err := h.rc.Read(h.readFn); err != nil {
			return Frame{}, err
		}
		if h.rerr != nil {
			if h.rerr == unix.EAGAIN || h.rerr == unix.EWOULDBLOCK {
				return Frame{}, ErrNoFrame
			}
			return Frame{}, fmt.Errorf("live: %s: recvmsg: %w", h.name, h.rerr)
		}
		out := h.sa.Pkttype == unix.PACKET_OUTGOING
		if out && h.ignoreTx {
			h.statsMu.Lock()
			h.stats.Skipped++
			h.statsMu.Unlock()
			continue
		}
		caplen := min(h.rn, len(h.buf))
		return Frame{Data: h.buf[:caplen], OrigLen: uint32(h.rn), Timestamp: h.timestamp(), Outgoing: out}, nil
	}
}

// timestamp finds SCM_TIMESTAMPNS in the last message's control data.
func (h *Handle) timestamp() int64 {
	ctl := h.control[:h.msg.Controllen]
	for len(ctl) >= unix.SizeofCmsghdr {
		c := (*unix.Cmsghdr)(unsafe.Pointer(&ctl[0]))
		l := int(c.Len)
		if l < unix.SizeofCmsghdr || l > len(ctl) {
			break
		}
		if c.Level == unix.SOL_SOCKET && c.Type == unix.SCM_TIMESTAMPNS && l >= unix.CmsgLen(int(unsafe.Sizeof(unix.Timespec{}))) {
			ts := (*unix.Timespec)(unsafe.Pointer(&ctl[unix.CmsgLen(0)]))
			return ts.Nano()
		}
		next := unix.CmsgSpace(l - unix.CmsgLen(0))
		if next > len(ctl) {
			break
		}
		ctl = ctl[next:]
	}
	return time.Now().UnixNano()
}

// SetReadDeadline makes a waiting Read return os.ErrDeadlineExceeded at t
// (a time in the past wakes it now).
func (h *Handle) SetReadDeadline(t time.Time) error { return h.file.SetReadDeadline(t) }

func (h *Handle) send(fd uintptr) bool {
	n, _, errno := unix.Syscall(unix.SYS_WRITE, fd, uintptr(unsafe.Pointer(&h.wframe[0])), uintptr(len(h.wframe)))
	if errno == unix.EAGAIN || errno == unix.EWOULDBLOCK {
		return false
	}
	if errno == unix.EINTR {
		return false
	}
	h.wn, h.werr = int(n), nil
	if errno != 0 {
		h.werr = errno
	}
	return true
}

// WritePacket transmits frame (a complete link-layer frame) on the
// interface. It is safe to call from several goroutines.
func (h *Handle) WritePacket(frame []byte) error {
	if len(frame) == 0 {
		return nil
	}
	if h.linkType != linkTypeEthernet {
		return fmt.Errorf("live: %s: transmit is supported on Ethernet interfaces only", h.name)
	}
	h.wmu.Lock()
	defer h.wmu.Unlock()
	h.wframe = frame
	err := h.rc.Write(h.writeFn)
	h.wframe = nil
	if err != nil {
		return err
	}
	if h.werr != nil {
		return fmt.Errorf("live: %s: send %d bytes: %w", h.name, len(frame), h.werr)
	}
	return nil
}

// Stats returns the kernel's counters for the socket, summed since Open.
func (h *Handle) Stats() (Stats, error) {
	h.statsMu.Lock()
	defer h.statsMu.Unlock()
	var err error
	if cerr := h.rc.Control(func(fd uintptr) {
		var st *unix.TpacketStats
		st, err = unix.GetsockoptTpacketStats(int(fd), unix.SOL_PACKET, unix.PACKET_STATISTICS)
		if err == nil {
			// The kernel resets its counters on every read; tp_packets
			// includes the drops.
			h.stats.Received += uint64(st.Packets) - uint64(st.Drops)
			h.stats.Dropped += uint64(st.Drops)
		}
	}); cerr != nil {
		return h.stats, cerr
	}
	if err != nil {
		return h.stats, fmt.Errorf("live: %s: PACKET_STATISTICS: %w", h.name, err)
	}
	return h.stats, nil
}

// Close closes the socket (leaving promiscuous mode). A waiting Read
// returns os.ErrClosed.
func (h *Handle) Close() error { return h.file.Close() }
