package stats

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// WriteText writes the report as stable, diffable text: every input in
// input order, then the total with the top talkers and conversations.
// Nothing in it depends on the wall clock or on the order inputs were read.
func (r *Report) WriteText(w io.Writer) error {
	bw := bufio.NewWriter(w)
	for i := range r.Files {
		writeFile(bw, "file", &r.Files[i])
		fmt.Fprintln(bw)
	}
	writeFile(bw, "total", &r.Total)
	fmt.Fprintf(bw, "  files:              %d\n", len(r.Files))
	if len(r.Talkers) > 0 {
		fmt.Fprintf(bw, "  top talkers (packets, wire bytes):\n")
		for _, t := range r.Talkers {
			fmt.Fprintf(bw, "    %-39s %10d %14d\n", t.Addr, t.Packets, t.Bytes)
		}
	}
	if len(r.Conversations) > 0 {
		fmt.Fprintf(bw, "  top conversations (packets a>b b>a, wire bytes a>b b>a):\n")
		for _, c := range r.Conversations {
			fmt.Fprintf(bw, "    %-5s %s <-> %s  %d %d  %d %d\n", protoName(c.Proto),
				endpoint(c.A, c.APort, c.Proto), endpoint(c.B, c.BPort, c.Proto),
				c.PacketsAB, c.Packets-c.PacketsAB, c.BytesAB, c.Bytes-c.BytesAB)
		}
	}
	return bw.Flush()
}

func writeFile(w io.Writer, label string, f *File) {
	if label == "total" {
		fmt.Fprintf(w, "total:\n")
	} else {
		fmt.Fprintf(w, "file: %s\n", f.Name)
	}
	status := f.Status
	if f.Damage != "" {
		status += ": " + f.Damage
	}
	fmt.Fprintf(w, "  status:             %s\n", status)
	if f.Format != "" {
		format := f.Format
		if f.Compression != "" {
			format += " (" + f.Compression + ")"
		}
		fmt.Fprintf(w, "  format:             %s\n", format)
	}
	var lts []string
	for _, l := range f.LinkTypes {
		lts = append(lts, fmt.Sprintf("%d %s (%d)", l.LinkType, l.Name, l.Packets))
	}
	fmt.Fprintf(w, "  link types:         %s\n", orDash(strings.Join(lts, ", ")))
	fmt.Fprintf(w, "  packets:            %d\n", f.Packets)
	fmt.Fprintf(w, "  bytes:              %d captured, %d on the wire\n", f.Bytes, f.WireBytes)
	fmt.Fprintf(w, "  first packet:       %s\n", orDash(f.FirstTime))
	fmt.Fprintf(w, "  last packet:        %s\n", orDash(f.LastTime))
	if f.Duration != "" {
		fmt.Fprintf(w, "  duration:           %s s\n", f.Duration)
	} else {
		fmt.Fprintf(w, "  duration:           -\n")
	}
	if f.Packets > 0 {
		fmt.Fprintf(w, "  average rates:      %.2f bytes/s, %.2f bits/s, %.2f packets/s, %.2f bytes/packet\n",
			f.ByteRate, f.BitRate, f.PacketRate, f.AvgPacketBytes)
	}
	snap := "not set"
	if f.Snaplen > 0 {
		snap = fmt.Sprint(f.Snaplen)
	}
	fmt.Fprintf(w, "  snaplen:            %s; largest frame %d; %d packets cut short\n", snap, f.MaxCapLen, f.CutPackets)
	fmt.Fprintf(w, "  decode problems:    %d malformed, %d headers cut by the snaplen, %d of unknown link type\n",
		f.Malformed, f.TruncatedHdr, f.UnknownLink)
	if len(f.Protocols) > 0 {
		fmt.Fprintf(w, "  protocols (packets, captured bytes):\n")
		for _, p := range f.Protocols {
			name := p.Path[strings.LastIndexByte(p.Path, ':')+1:]
			fmt.Fprintf(w, "    %-28s %10d %14d\n", strings.Repeat("  ", p.Depth)+name, p.Packets, p.Bytes)
		}
	}
	fmt.Fprintf(w, "  conversations:      %d\n", f.Conversations)
	if f.FragmentedReassembled+f.FragmentedIncomplete > 0 {
		fmt.Fprintf(w, "  ip fragments:       %d datagrams reassembled, %d incomplete\n", f.FragmentedReassembled, f.FragmentedIncomplete)
	}
	t := &f.TCP
	fmt.Fprintf(w, "  tcp connections:    %d\n", t.Connections)
	if t.Connections > 0 {
		fmt.Fprintf(w, "  tcp analysis:       %d retransmissions (%d fast, %d spurious), %d out-of-order, %d duplicate acks, %d zero windows, %d keep-alives\n",
			t.Retransmissions, t.FastRetransmissions, t.SpuriousRetransmissions, t.OutOfOrder, t.DupAcks, t.ZeroWindows, t.KeepAlives)
		var st []string
		for _, s := range t.States {
			st = append(st, fmt.Sprintf("%s %d", s.State, s.Connections))
		}
		fmt.Fprintf(w, "  tcp states:         %s\n", strings.Join(st, ", "))
	}
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func protoName(p uint8) string {
	switch p {
	case 6:
		return "tcp"
	case 17:
		return "udp"
	case 1:
		return "icmp"
	case 58:
		return "icmp6"
	case 132:
		return "sctp"
	}
	return fmt.Sprintf("ip%d", p)
}

func endpoint(addr string, port uint16, proto uint8) string {
	if proto != 6 && proto != 17 && proto != 132 {
		return addr
	}
	if strings.Contains(addr, ":") {
		return fmt.Sprintf("[%s]:%d", addr, port)
	}
	return fmt.Sprintf("%s:%d", addr, port)
}
