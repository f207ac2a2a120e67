package seids

import (
	"net/netip"
	"slices"
	"time"

	"github.com/pcapflow/pcapflow/decoders/pfcp"
)

// pairKey is an unordered pair of node addresses, lower first.
type pairKey struct{ a, b netip.Addr }

func pairOf(x, y netip.Addr) pairKey {
	if y.Less(x) {
		x, y = y, x
	}
	return pairKey{x, y}
}

// pairStats counts the node messages (types 1-49) between two nodes.
type pairStats struct {
	key         pairKey
	byType      [256]int
	nodes       []string
	first, last uint64 // frames
	// ex counts the exchanges between the nodes.
	ex pfcp.Exchanges
}

// pairs holds the node pairs in order of their first message.
type pairs struct {
	idx  map[pairKey]int32
	list []*pairStats
	// lastKey and lastIdx cache the last pair looked up.
	lastKey pairKey
	lastIdx int32
}

// add counts node message s between src and dst, captured as frame, and
// returns the pair's index.
func (ps *pairs) add(src, dst netip.Addr, s *pfcp.Summary, frame uint64, nodes *names) int32 {
	k := pairOf(src, dst)
	i := ps.lastIdx
	if len(ps.list) == 0 || k != ps.lastKey {
		var ok bool
		if i, ok = ps.idx[k]; !ok {
			if ps.idx == nil {
				ps.idx = map[pairKey]int32{}
			}
			i = int32(len(ps.list))
			ps.idx[k] = i
			ps.list = append(ps.list, &pairStats{key: k, first: frame})
		}
		ps.lastKey, ps.lastIdx = k, i
	}
	p := ps.list[i]
	p.byType[s.Header.Type]++
	p.last = frame
	if s.HasNodeID {
		if n := nodes.text(nodes.of(s)); !slices.Contains(p.nodes, n) && len(p.nodes) < 4 {
			p.nodes = append(p.nodes, n)
		}
	}
	return i
}

// exchangeDone folds one exchange between the pair's nodes.
func (p *pairStats) exchangeDone(copies int, answered bool, latency time.Duration) {
	p.ex.Add(copies, answered, latency)
}
