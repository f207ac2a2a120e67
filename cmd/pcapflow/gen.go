package main

import (
	"encoding/json"
	"fmt"
	"net"
	"net/netip"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/pcapflow/pcapflow/decoders"
	"github.com/pcapflow/pcapflow/decoders/flowkey"
	"github.com/pcapflow/pcapflow/pipeline"
	"github.com/pcapflow/pcapflow/sinks/pcapout"
	"github.com/pcapflow/pcapflow/sinks/split"
	"github.com/spf13/pflag"
)

// generator is one `pcapflow gen NAME`: its flags and the Source they configure.
type generator struct {
	name  string
	short string
	// flags declares the generator's own flags and returns a constructor
	// for the configured source.
	flags func(fs *pflag.FlagSet) func() (genSource, error)
}

// genSource is a configured generator: its Source and its expected-result
// summary (any JSON-encodable value, for --expect).
type genSource struct {
	pipeline.Source
	expect func() any
}

// gen pairs a generator config with its Expect method for genSource.
func gen[E any](src interface {
	pipeline.Source
	Validate() error
	Expect() E
}) (genSource, error) {
	return genSource{src, func() any { return src.Expect() }}, src.Validate()
}

var generatorList = map[string]*generator{}

func registerGenerator(g *generator) { generatorList[g.name] = g }

func init() {
	register(&command{
		name:  "gen",
		args:  "GENERATOR [flags]",
		short: "generate a capture (SYN flood, traffic mix, TCP/HTTP sessions, traceroute, PFCP+GTP-U, GTPv2-C+GTP-U)",
		long: `Generates traffic into a capture file (or stdout with -o -), reproducibly:
the same flags and --seed give byte-identical output. Timestamps start at
--start (default 2024-01-01T00:00:00Z), never the wall clock.

Run 'pcapflow gen GENERATOR --help' for a generator's flags.`,
		raw: true,
		flags: func(fs *pflag.FlagSet) func(*env, []string) error {
			return func(e *env, args []string) error {
				if len(args) == 0 {
					fmt.Fprintln(e.stderr, "generators (pcapflow gen GENERATOR --help for its flags):")
					for _, n := range generatorNames() {
						fmt.Fprintf(e.stderr, "  %-12s %s\n", n, generatorList[n].short)
					}
					return usagef("which generator?")
				}
				g, ok := generatorList[args[0]]
				if !ok {
					return usagef("unknown generator %q: one of %s", args[0], strings.Join(generatorNames(), ", "))
				}
				return &codeError{execute(e, genCommand(g), "pcapflow gen "+g.name, args[1:])}
			}
		},
	})
}

func generatorNames() []string {
	var n []string
	for k := range generatorList {
		n = append(n, k)
	}
	sort.Strings(n)
	return n
}

// genCommand wraps a generator as a command with the output flags every generator shares.
func genCommand(g *generator) *command {
	return &command{
		name:  "gen " + g.name,
		args:  "[-o FILE|-] [--format pcap|pcapng] [flags]",
		short: g.short,
		flags: func(fs *pflag.FlagSet) func(*env, []string) error {
			out := fs.StringP("out", "o", g.name+".pcap", "output capture `FILE`, - for stdout")
			fs.StringVarP(out, "write", "w", g.name+".pcap", "same as --out (tcpdump style) `FILE`")
			format := fs.String("format", "", "`pcap` or pcapng (default: from the file extension, pcap for stdout)")
			expect := fs.String("expect", "", "also write the expected-result summary (JSON) to `FILE`")
			splitDir := fs.String("split", "", "also split the generated traffic into `DIR` (see --by)")
			by := fs.String("by", "ip-pair", "`KEY` for --split")
			build := g.flags(fs)
			return func(e *env, args []string) error {
				if len(args) > 0 {
					return usagef("unexpected arguments %q", args)
				}
				src, err := build()
				if err != nil {
					return usagef("%v", err)
				}
				f := *format
				if f == "" {
					f = "pcap"
					if strings.HasSuffix(*out, ".pcapng") {
						f = "pcapng"
					}
				}
				return runGen(e, src, *out, f, *expect, *splitDir, *by)
			}
		},
	}
}

func runGen(e *env, src genSource, out, format, expectPath, splitDir, by string) error {
	inputs := &pipeline.Inputs{}
	var sinks []pipeline.Sink
	var w *pcapout.WriterSink
	var err error
	if out == "-" {
		w, err = pcapout.NewStreamSink(e.stdout, format)
	} else {
		w, err = pcapout.NewWriterSink(out, format, pcapout.Options{Inputs: inputs})
	}
	if err != nil {
		return usagef("%v", err)
	}
	sinks = append(sinks, w)
	g := &pipeline.Graph{Source: src, Sinks: sinks, Inputs: inputs}
	var sp *split.Sink
	if splitDir != "" {
		spec, err := flowkey.ParseSpec(by)
		if err != nil {
			w.Close(true)
			return usagef("%v", err)
		}
		sp, err = split.New(split.Options{Dir: splitDir, Spec: spec, Format: format, Inputs: inputs})
		if err != nil {
			w.Close(true)
			return err
		}
		g.Sinks = append(g.Sinks, sp)
		g.Stages = []pipeline.Stage{decoders.NewStage(decoders.Options{})}
	}
	st, err := g.Run(e.ctx)
	if err != nil {
		return err
	}
	if expectPath != "" {
		b, err := json.MarshalIndent(src.expect(), "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(expectPath, append(b, '\n'), 0o644); err != nil {
			return err
		}
	}
	if ws, ok := src.Source.(interface{ Warnings() []string }); ok {
		for _, m := range ws.Warnings() {
			fmt.Fprintf(e.stderr, "pcapflow gen: warning: %s\n", m)
		}
	}
	if out != "-" {
		fmt.Fprintf(e.stderr, "wrote %s: %s, %d bytes in %.2fs\n", out, plural(st.Packets, "packet", "packets"), st.Bytes, st.Elapsed.Seconds())
	}
	if sp != nil {
		s := sp.Summary()
		fmt.Fprintf(e.stderr, "split into %s: %s, %s\n", splitDir, plural(s.Flows, "flow", "flows"), plural(s.Files, "file", "files"))
	}
	return nil
}

// Shared generator flag helpers.

type startFlag struct{ t *time.Time }

func (f startFlag) String() string {
	if f.t.IsZero() {
		return "2024-01-01T00:00:00Z"
	}
	return f.t.Format(time.RFC3339Nano)
}
func (f startFlag) Set(s string) error {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return fmt.Errorf("want RFC 3339 time like 2024-01-01T00:00:00Z")
	}
	*f.t = t
	return nil
}
func (f startFlag) Type() string { return "TIME" }

type sizeFlag struct{ n *int64 }

func (f sizeFlag) String() string { return strconv.FormatInt(*f.n, 10) }
func (f sizeFlag) Set(s string) error {
	n, err := parseSize(s)
	if err != nil {
		return err
	}
	*f.n = n
	return nil
}
func (f sizeFlag) Type() string { return "SIZE" }

// parseSize reads a byte count with an optional unit: k, M, G (powers of
// 1000) or KiB, MiB, GiB (powers of 1024); a trailing B is allowed.
func parseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		m      int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"TiB", 1 << 40},
		{"kB", 1e3}, {"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"TB", 1e12},
		{"k", 1e3}, {"K", 1e3}, {"M", 1e6}, {"G", 1e9}, {"T", 1e12}, {"B", 1}} {
		if strings.HasSuffix(t, u.suffix) {
			t, mult = strings.TrimSuffix(t, u.suffix), u.m
			break
		}
	}
	n, err := strconv.ParseInt(strings.TrimSpace(t), 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("bad size %q: want a number with an optional unit (k, M, G, KiB, MiB, GiB)", s)
	}
	return n * mult, nil
}

type macFlag struct{ m *net.HardwareAddr }

func (f macFlag) String() string {
	if *f.m == nil {
		return ""
	}
	return f.m.String()
}
func (f macFlag) Set(s string) error {
	m, err := net.ParseMAC(s)
	if err != nil || len(m) != 6 {
		return fmt.Errorf("bad MAC address %q", s)
	}
	*f.m = m
	return nil
}
func (f macFlag) Type() string { return "MAC" }

type prefixFlag struct{ p *netip.Prefix }

func (f prefixFlag) String() string {
	if !f.p.IsValid() {
		return ""
	}
	return f.p.String()
}
func (f prefixFlag) Set(s string) error {
	p, err := netip.ParsePrefix(s)
	if err != nil {
		a, err2 := netip.ParseAddr(s)
		if err2 != nil {
			return fmt.Errorf("bad address range %q: want CIDR like 10.0.0.0/8", s)
		}
		p = netip.PrefixFrom(a, a.BitLen())
	}
	*f.p = p
	return nil
}
func (f prefixFlag) Type() string { return "CIDR" }

type addrFlag struct{ a *netip.Addr }

func (f addrFlag) String() string {
	if !f.a.IsValid() {
		return ""
	}
	return f.a.String()
}
func (f addrFlag) Set(s string) error {
	a, err := netip.ParseAddr(s)
	if err != nil {
		return fmt.Errorf("bad IP address %q", s)
	}
	*f.a = a
	return nil
}
func (f addrFlag) Type() string { return "ADDR" }
