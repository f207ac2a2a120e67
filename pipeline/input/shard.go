package input

import (
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
)

// ShardSpec selects shard K of N (1 ≤ K ≤ N).
type ShardSpec struct {
	K, N int
}

// ParseShard parses "K/N", for example "3/8".
func ParseShard(s string) (ShardSpec, error) {
	ks, ns, ok := strings.Cut(s, "/")
	k, kerr := strconv.Atoi(ks)
	n, nerr := strconv.Atoi(ns)
	if !ok || kerr != nil || nerr != nil || n < 1 || k < 1 || k > n {
		return ShardSpec{}, fmt.Errorf("bad shard %q: want K/N with 1 ≤ K ≤ N, such as 1/4", s)
	}
	return ShardSpec{K: k, N: n}, nil
}

// String returns "K/N".
func (s ShardSpec) String() string { return fmt.Sprintf("%d/%d", s.K, s.N) }

// Of returns the shard (1…N) that holds the input with the given key: the
// 64-bit FNV-1a hash of the key, modulo N, plus one. The choice depends on
// the key alone, so every job of a batch computes the same partition without
// talking to the others, and a file added to the archive does not move the
// files already there.
func (s ShardSpec) Of(key string) int {
	h := fnv.New64a()
	_, _ = h.Write([]byte(key))
	return int(h.Sum64()%uint64(s.N)) + 1
}

// Shard returns the entries that belong to shard s, in their order. The
// shards 1/N … N/N are pairwise disjoint and together hold every entry.
// Standard input cannot be sharded.
func Shard(entries []Entry, s ShardSpec) ([]Entry, error) {
	var out []Entry
	for _, e := range entries {
		if e.Path == "-" {
			return nil, fmt.Errorf("--shard cannot split standard input")
		}
		if s.Of(e.Key) == s.K {
			out = append(out, e)
		}
	}
	return out, nil
}
