package forward

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"strconv"
	"strings"
)

// Neighbour is one IPv4 address → MAC binding on an interface.
type Neighbour struct {
	IP     netip.Addr
	MAC    [6]byte
	Device string
}

// ProcNetARP is the kernel's IPv4 neighbour table as text (Linux).
const ProcNetARP = "/proc/net/arp"

// KernelNeighbours reads the complete entries of the kernel's IPv4
// neighbour table from ProcNetARP.
func KernelNeighbours() ([]Neighbour, error) {
	f, err := os.Open(ProcNetARP)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ParseProcNetARP(f)
}

// atfCom is the "complete entry" flag of /proc/net/arp.
const atfCom = 0x2

// ParseProcNetARP parses the /proc/net/arp format: a header line, then
// "IP HW-type Flags HW-address Mask Device" per entry. Incomplete entries
// (flag 0x2 unset) and malformed lines are skipped.
func ParseProcNetARP(r io.Reader) ([]Neighbour, error) {
	sc := bufio.NewScanner(r)
	var out []Neighbour
	first := true
	for sc.Scan() {
		if first {
			first = false
			continue
		}
		f := strings.Fields(sc.Text())
		if len(f) < 6 {
			continue
		}
		ip, err := netip.ParseAddr(f[0])
		if err != nil || !ip.Is4() {
			continue
		}
		flags, err := strconv.ParseUint(strings.TrimPrefix(f[2], "0x"), 16, 32)
		if err != nil || flags&atfCom == 0 {
			continue
		}
		hw, err := net.ParseMAC(f[3])
		if err != nil || len(hw) != 6 {
			continue
		}
		n := Neighbour{IP: ip, Device: f[5]}
		copy(n.MAC[:], hw)
		out = append(out, n)
	}
	if err := sc.Err(); err != nil {
		return out, fmt.Errorf("%s: %w", ProcNetARP, err)
	}
	return out, nil
}

// neighKey is a next hop on one port.
type neighKey struct {
	ip   netip.Addr
	port int
}
