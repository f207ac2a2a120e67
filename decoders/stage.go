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
	// GTPU, GTPC and PFCP count packets carrying a GTP-U, GTP-C (v1 or v2)
	// or PFCP header; GTPUInner the GTP-U packets with a decoded inner IP
	// packet.
	GTPU, GTPC, PFCP, GTPUInner uint64
	// TunnelMalformed and TunnelTruncated count packets whose GTP-U, GTP-C
	// or PFCP content was inconsistent (bad version, wrong length, trailing
	// bytes) or cut by the snap length. These packets also carry
	// FlagMalformed or FlagTruncated and are counted in Malformed or
	// Truncated.
	TunnelMalformed, TunnelTruncated uint64
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
	l := dec.Layers
	if l.Has(pipeline.LayerGTPU) {
		c.GTPU++
		if l&(pipeline.LayerInnerIPv4|pipeline.LayerInnerIPv6) != 0 {
			c.GTPUInner++
		}
	}
	if l.Has(pipeline.LayerGTPC) {
		c.GTPC++
	}
	if l.Has(pipeline.LayerPFCP) {
		c.PFCP++
	}
}

// countTunnel tallies the mobile-core problems the decoder met in the
// frame it decoded last.
func (c *Counts) countTunnel(d *Decoder) {
	if d.tunnel&tunnelMalformed != 0 {
		c.TunnelMalformed++
	}
	if d.tunnel&tunnelTruncated != 0 {
		c.TunnelTruncated++
	}
}

// Stage is the parallel "decode" pipeline.Stage: every worker decodes the
// packets of its batches into Packet.Decoded.
type Stage struct {
	opts Options
	tot  struct {
		packets, truncated, malformed, unknownLink, nonIP atomic.Uint64
		fragments, nonFirst, icmpErrors                   atomic.Uint64
		gtpu, gtpc, pfcp, gtpuInner                       atomic.Uint64
		tunnelMalformed, tunnelTruncated                  atomic.Uint64
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
		GTPU:              s.tot.gtpu.Load(),
		GTPC:              s.tot.gtpc.Load(),
		PFCP:              s.tot.pfcp.Load(),
		GTPUInner:         s.tot.gtpuInner.Load(),
		TunnelMalformed:   s.tot.tunnelMalformed.Load(),
		TunnelTruncated:   s.tot.tunnelTruncated.Load(),
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
	s.tot.gtpu.Add(c.GTPU)
	s.tot.gtpc.Add(c.GTPC)
	s.tot.pfcp.Add(c.PFCP)
	s.tot.gtpuInner.Add(c.GTPUInner)
	s.tot.tunnelMalformed.Add(c.TunnelMalformed)
	s.tot.tunnelTruncated.Add(c.TunnelTruncated)
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
		c.countTunnel(p.dec)
	}
	p.stage.publish(&c)
	return nil
}
