package follow

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/pcapflow/pcapflow/decoders/flows"
	"github.com/pcapflow/pcapflow/decoders/tcpreasm"
)

// Selector picks connections by stream number (as tshark's tcp.stream
// counts them from 0), by endpoint pair (either order), or by Community ID.
type Selector struct {
	stream      int64 // -1 when not by number
	a, b        netip.AddrPort
	communityID string
}

// ParseSelector reads "N" (a stream number), "ADDR:PORT-ADDR:PORT" (IPv6
// addresses in brackets) or a Community ID ("1:...").
func ParseSelector(s string) (Selector, error) {
	s = strings.TrimSpace(s)
	if n, err := strconv.ParseUint(s, 10, 63); err == nil {
		return Selector{stream: int64(n)}, nil
	}
	if strings.HasPrefix(s, "1:") {
		return Selector{stream: -1, communityID: s}, nil
	}
	if i := strings.Index(s, "]-"); i >= 0 || strings.Count(s, "-") == 1 {
		cut := strings.Index(s, "-")
		if i >= 0 {
			cut = i + 1
		}
		a, err1 := netip.ParseAddrPort(s[:cut])
		b, err2 := netip.ParseAddrPort(s[cut+1:])
		if err1 == nil && err2 == nil {
			return Selector{stream: -1, a: a, b: b}, nil
		}
	}
	return Selector{}, fmt.Errorf("bad flow %q: want a stream number, ADDR:PORT-ADDR:PORT or a Community ID (1:...)", s)
}

// Match reports whether c is selected.
func (s Selector) Match(c *tcpreasm.Conn) bool {
	switch {
	case s.stream >= 0:
		return uint64(s.stream) == c.ID
	case s.communityID != "":
		return flows.CommunityID(0, c.Client.Addr(), c.Server.Addr(), 6, c.Client.Port(), c.Server.Port()) == s.communityID
	}
	return (s.a == c.Client && s.b == c.Server) || (s.a == c.Server && s.b == c.Client)
}
