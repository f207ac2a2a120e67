package netns

import (
	"regexp"
	"sort"
	"strconv"
	"time"
)

// PingResult is what ping(8) printed: one entry per reply.
type PingResult struct {
	// RTT and TTL of each reply, in order.
	RTT []time.Duration
	TTL []int
	// Output is ping's whole output, for failure messages.
	Output string
}

var replyRE = regexp.MustCompile(`ttl=(\d+) time=([0-9.]+) ms`)

// Ping runs ping -c count to addr from inside n (0.05 s apart, one second
// of patience per reply) and parses the replies. A ping with lost replies
// is not an error: the caller checks len(RTT).
func (n *NS) Ping(addr string, count int) PingResult {
	out, _ := n.Run(time.Duration(count)*time.Second+5*time.Second, "ping", "-n", "-c", strconv.Itoa(count), "-i", "0.05", "-W", "1", addr)
	return ParsePing(out)
}

// ParsePing extracts the replies' TTLs and RTTs from ping(8) output.
func ParsePing(out string) PingResult {
	r := PingResult{Output: out}
	for _, m := range replyRE.FindAllStringSubmatch(out, -1) {
		ttl, _ := strconv.Atoi(m[1])
		ms, _ := strconv.ParseFloat(m[2], 64)
		r.TTL = append(r.TTL, ttl)
		r.RTT = append(r.RTT, time.Duration(ms*float64(time.Millisecond)))
	}
	return r
}

// Median returns the median RTT (0 without replies).
func (r PingResult) Median() time.Duration {
	if len(r.RTT) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), r.RTT...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}
