package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/pcapflow/pcapflow/pipeline"
	"github.com/pcapflow/pcapflow/pipeline/traceroute"
	"github.com/pcapflow/pcapflow/sinks/pcapout"
	"github.com/spf13/pflag"
)

func init() {
	register(&command{
		name:  "traceroute",
		args:  "HOST [--max-hops N] [--probes N] [--timeout D] [--proto icmp|udp] [-w FILE]",
		short: "trace the routers on the way to an IPv4 host (raw socket; root)",
		long: `Sends probes with TTL 1, 2, ... (three per hop by default, one after the other)
until the host answers or --max-hops, and prints each hop's address and the
probes' round-trip times as the hop completes ("*" for no answer within
--timeout). ICMP probes are echo requests; UDP probes go to port 33434 and up,
one port per probe. -w keeps every probe and answer as a capture (raw IP).`,
		flags: func(fs *pflag.FlagSet) func(*env, []string) error {
			var o traceroute.Options
			var proto, write string
			var asJSON bool
			fs.IntVarP(&o.MaxHops, "max-hops", "m", 30, "highest TTL to send")
			fs.IntVar(&o.FirstTTL, "first-ttl", 1, "first TTL to send")
			fs.IntVarP(&o.Probes, "probes", "q", 3, "probes per hop")
			fs.DurationVar(&o.Timeout, "timeout", 3*time.Second, "wait this long for each probe's answer")
			fs.StringVarP(&proto, "proto", "P", "icmp", "probe protocol: icmp or udp")
			fs.Uint16VarP(&o.Port, "port", "p", 33434, "first destination port of UDP probes")
			fs.StringVarP(&write, "write", "w", "", "write the probes and answers to `FILE` (.pcapng for pcapng)")
			fs.BoolVar(&asJSON, "json", false, "print the path as JSON at the end instead of hop lines")
			return func(e *env, args []string) error {
				if len(args) != 1 {
					return usagef("want one HOST, got %d arguments", len(args))
				}
				switch proto {
				case "icmp":
					o.Proto = traceroute.ProtoICMP
				case "udp":
					o.Proto = traceroute.ProtoUDP
				default:
					return usagef("--proto must be icmp or udp, not %q", proto)
				}
				if o.MaxHops < 1 || o.MaxHops > 255 || o.FirstTTL < 1 || o.FirstTTL > o.MaxHops {
					return usagef("want 1 <= --first-ttl <= --max-hops <= 255")
				}
				if o.Probes < 1 || o.Probes > 10 || o.Timeout <= 0 {
					return usagef("--probes must be 1..10 and --timeout positive")
				}
				return runTraceroute(e, args[0], o, write, asJSON)
			}
		},
	})
}

// resolve4 returns host's IPv4 address (a literal or a name).
func resolve4(e *env, host string) (netip.Addr, error) {
	if a, err := netip.ParseAddr(host); err == nil {
		if !a.Unmap().Is4() {
			return a, usagef("%s: only IPv4 targets are supported", host)
		}
		return a.Unmap(), nil
	}
	addrs, err := net.DefaultResolver.LookupNetIP(e.ctx, "ip4", host)
	if err != nil || len(addrs) == 0 {
		return netip.Addr{}, fmt.Errorf("cannot resolve %s: %v", host, err)
	}
	return addrs[0].Unmap(), nil
}

// packetRecorder collects raw IP packets for -w.
type packetRecorder struct {
	mu    sync.Mutex
	batch *pipeline.Batch
}

func (r *packetRecorder) record(ts int64, ip []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.batch.AddCopy(pipeline.CaptureInfo{Timestamp: ts, Frame: uint64(r.batch.Len() + 1), OrigLen: uint32(len(ip)), LinkType: 101, TsDigits: 9}, ip)
}

// write saves the recorded packets, in time order, to path.
func (r *packetRecorder) write(e *env, path string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	format := "pcap"
	if strings.EqualFold(filepath.Ext(path), ".pcapng") {
		format = "pcapng"
	}
	w, err := pcapout.NewWriterSink(path, format, pcapout.Options{})
	if err != nil {
		return err
	}
	// The sender and the receiver record concurrently: sort by time.
	b := r.batch
	for i := 1; i < b.Len(); i++ {
		for j := i; j > 0 && b.Packets[j].Timestamp < b.Packets[j-1].Timestamp; j-- {
			b.Packets[j], b.Packets[j-1] = b.Packets[j-1], b.Packets[j]
		}
	}
	for i := range b.Packets {
		b.Packets[i].Frame = uint64(i + 1)
	}
	if err := w.Consume(e.ctx, b); err != nil {
		w.Close(true)
		return err
	}
	if err := w.Close(false); err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "wrote %s to %s\n", plural(int64(b.Len()), "packet", "packets"), path)
	return nil
}

func runTraceroute(e *env, host string, o traceroute.Options, write string, asJSON bool) error {
	target, err := resolve4(e, host)
	if err != nil {
		return err
	}
	o.Target = target
	var rec *packetRecorder
	if write != "" {
		rec = &packetRecorder{batch: pipeline.NewBatch(1024, 1<<20)}
		o.Record = rec.record
	}
	if !asJSON {
		fmt.Fprintf(e.stdout, "traceroute to %s (%s), %d hops max, %s probes\n", host, target, o.MaxHops, traceroute.ProtoName(o.Proto))
		o.Hop = func(h traceroute.Hop) { fmt.Fprintln(e.stdout, traceroute.FormatHop(h)) }
	}
	path, runErr := traceroute.Run(e.ctx, o)
	if asJSON && (runErr == nil || len(path.Hops) > 0) {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(path); err != nil {
			return err
		}
	}
	if rec != nil {
		if err := rec.write(e, write); err != nil {
			return errors.Join(runErr, err)
		}
	}
	return runErr
}
