package decoders

import (
	"sync/atomic"

	"github.com/pcapflow/pcapflow/pipeline"
)

// Counts are a decode stage's totals over all its workers.
type Counts struct {
	// Packets decoded.
	Packets uint64
	// Truncated, Malformed and UnknownLink count packets with the flag of
	// the same name.
	Truncated, Malformed, UnknownLink uint64
	// NonIP counts packets of a known link type with neither an IPv4 nor an
	// IPv6 header (ARP, LLC, unknown Ethertypes).
	NonIP uint64
	// Fragments counts IP fragments (first or not); NonFirstFragments those
	// with an offset, which carry no transport header.
	Fragments, NonFirstFragments uint64
	// ICMPErrors counts ICMP errors that quote an IP packet.
	ICMPErrors uint64
}

// count tallies one decoded packet.
func (c *Counts) count(dec *pipeline.Decoded) {
	c.Packets++
	f := dec.Flags
	if f.Has(pipeline.FlagTruncated) {
		c.Truncated++
	}
	if f.Has(pipeline.FlagMalformed) {
		c.Malformed++
	}
	if f.Has(pipeline.FlagUnknownLink) {
		c.UnknownLink++
	} else if dec.Layers&(pipeline.LayerIPv4|pipeline.LayerIPv6) == 0 {
		c.NonIP++
	}
	if dec.Layers.Has(pipeline.LayerFragment) {
		c.Fragments++
	}
	if f.Has(pipeline.FlagNonFirstFragment) {
		c.NonFirstFragments++
	}
	if f.Has(pipeline.FlagInICMPError) {
		c.ICMPErrors++
	}
}

// Stage is the parallel "decode" pipeline.Stage: every worker decodes the
// packets of its batches into Packet.Decoded.
type Stage struct {
	opts Options
	tot  struct {
		packets, truncated, malformed, unknownLink, nonIP atomic.Uint64
		fragments, nonFirst, icmpErrors                   atomic.Uint64
	}
}

// NewStage returns a decode stage whose workers decode with opts.
func NewStage(opts Options) *Stage {
	return &Stage{opts: opts}
}

// Name returns "decode".
func (s *Stage) Name() string { return "decode" }

// NewProcessor returns one worker's decoder.
func (s *Stage) NewProcessor() pipeline.Processor {
	return &processor{stage: s, dec: NewDecoder(s.opts)}
}

// Counts returns the totals so far over all workers. Workers add their
// counts once per batch.
func (s *Stage) Counts() Counts {
	return Counts{
		Packets:           s.tot.packets.Load(),
		Truncated:         s.tot.truncated.Load(),
		Malformed:         s.tot.malformed.Load(),
		UnknownLink:       s.tot.unknownLink.Load(),
		NonIP:             s.tot.nonIP.Load(),
		Fragments:         s.tot.fragments.Load(),
		NonFirstFragments: s.tot.nonFirst.Load(),
		ICMPErrors:        s.tot.icmpErrors.Load(),
	}
}

func (s *Stage) publish(c *Counts) {
	s.tot.packets.Add(c.Packets)
	s.tot.truncated.Add(c.Truncated)
	s.tot.malformed.Add(c.Malformed)
	s.tot.unknownLink.Add(c.UnknownLink)
	s.tot.nonIP.Add(c.NonIP)
	s.tot.fragments.Add(c.Fragments)
	s.tot.nonFirst.Add(c.NonFirstFragments)
	s.tot.icmpErrors.Add(c.ICMPErrors)
}

type processor struct {
	stage *Stage
	dec   *Decoder
}

// Process decodes every packet of b into its Decoded field.
func (p *processor) Process(b *pipeline.Batch) error {
	var c Counts
	for i := range b.Packets {
		pk := &b.Packets[i]
		p.dec.Decode(b.Bytes(pk), pk.LinkType, pk.OrigLen, &pk.Decoded)
		c.count(&pk.Decoded)
	}
	p.stage.publish(&c)
	return nil
}
