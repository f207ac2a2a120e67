package split

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pcapflow/pcapflow/decoders/flowkey"
	"github.com/pcapflow/pcapflow/pipeline"
)

// run feeds pkts to a new sink in batches of per packets and closes it.
func run(t testing.TB, opts Options, pkts []tp, per int, aborted bool) (*Sink, []pipeline.CaptureInfo, [][]byte) {
	t.Helper()
	s, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	batches, infos, datas := build(pkts, per)
	for _, b := range batches {
		if err := s.Consume(context.Background(), b); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(aborted); err != nil {
		t.Fatal(err)
	}
	return s, infos, datas
}

// checkOutput verifies that dir holds exactly the wanted files (plus the
// manifests), each with exactly the wanted packets in order, byte for byte,
// and that the manifest describes them.
func checkOutput(t *testing.T, dir string, want map[string][]int, infos []pipeline.CaptureInfo, datas [][]byte, inputName string) {
	t.Helper()
	var names []string
	for name, idxs := range want {
		names = append(names, name)
		back := readCapture(t, filepath.Join(dir, name))
		if len(back) != len(idxs) {
			t.Errorf("%s: %d packets, want %d", name, len(back), len(idxs))
			continue
		}
		for j, i := range idxs {
			ci := infos[i]
			wantTs := ci.Timestamp
			if !strings.HasSuffix(name, ".pcapng") && ci.TsDigits <= 6 && infos[idxs[0]].TsDigits <= 6 {
				wantTs -= wantTs % 1000
			}
			g := back[j]
			if g.ts != wantTs || !bytes.Equal(g.data, datas[i]) || g.origLen != ci.OrigLen || g.linkType != ci.LinkType {
				t.Errorf("%s packet %d: got ts %d len %d orig %d lt %d; want packet %d ts %d len %d orig %d lt %d",
					name, j, g.ts, len(g.data), g.origLen, g.linkType, i, wantTs, len(datas[i]), ci.OrigLen, ci.LinkType)
			}
		}
	}
	all := append(slices.Clone(names), ManifestJSON, ManifestCSV)
	sort.Strings(all)
	if got := dirFiles(t, dir); !slices.Equal(got, all) {
		t.Errorf("directory holds\n%v\nwant\n%v", got, all)
	}
	m := readManifest(t, dir)
	sort.Strings(names)
	if len(m) != len(names) {
		t.Fatalf("manifest has %d entries, want %d", len(m), len(names))
	}
	for i, e := range m {
		if e.File != names[i] {
			t.Errorf("manifest entry %d is %s, want %s (sorted by name)", i, e.File, names[i])
			continue
		}
		idxs := want[e.File]
		first, last := infos[idxs[0]], infos[idxs[len(idxs)-1]]
		var bytesN, wire int64
		for _, j := range idxs {
			bytesN += int64(len(datas[j]))
			wire += int64(infos[j].OrigLen)
		}
		if e.Packets != int64(len(idxs)) || e.Bytes != bytesN || e.WireBytes != wire ||
			e.FirstTs != formatTs(first.Timestamp) || e.LastTs != formatTs(last.Timestamp) ||
			e.FirstFrame != first.Frame || e.FirstInput != inputName || e.LinkType != first.LinkType {
			t.Errorf("manifest entry %+v does not match packets %v", e, idxs)
		}
	}
	f, err := os.Open(filepath.Join(dir, ManifestCSV))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(m)+1 || !slices.Equal(rows[0], csvHeader) {
		t.Errorf("manifest.csv has %d rows (header %v), want %d", len(rows), rows[0], len(m)+1)
	}
	for i, e := range m {
		if rows[i+1][0] != e.File || rows[i+1][1] != e.Key {
			t.Errorf("csv row %d = %v, want file %s key %s", i+1, rows[i+1], e.File, e.Key)
		}
	}
}

// mixed is a small capture: two UDP conversations, an ICMP packet, non-IP
// frames and VLAN tags.
var mixed = []tp{
	{src: "10.0.0.1", dst: "10.0.0.2", sport: 1000, dport: 53, vlan: 10}, // 0
	{src: "10.0.0.2", dst: "10.0.0.1", sport: 53, dport: 1000, vlan: 10}, // 1
	{}, // 2 non-IP
	{src: "10.0.0.1", dst: "10.0.0.3", sport: 1001, dport: 123, vlan: 20}, // 3
	{src: "10.0.0.1", dst: "10.0.0.2", sport: 1002, dport: 53},            // 4
	{src: "10.0.0.3", dst: "10.0.0.1", proto: 1, size: 98},                // 5 ICMP
	{size: 1514}, // 6 non-IP
	{src: "10.0.0.3", dst: "10.0.0.1", sport: 123, dport: 1001, size: 1}, // 7
}

func TestSplitByKey(t *testing.T) {
	tests := []struct {
		spec   string
		format string
		want   map[string][]int
	}{
		{"ip-pair", "pcap", map[string][]int{
			"10.0.0.1_10.0.0.2.pcap": {0, 1, 4},
			"10.0.0.1_10.0.0.3.pcap": {3, 5, 7},
			"other.pcap":             {2, 6},
		}},
		{"5-tuple", "pcapng", map[string][]int{
			"udp_10.0.0.1_1000_10.0.0.2_53.pcapng":  {0, 1},
			"udp_10.0.0.1_1001_10.0.0.3_123.pcapng": {3, 7},
			"udp_10.0.0.1_1002_10.0.0.2_53.pcapng":  {4},
			"icmp_10.0.0.1_0_10.0.0.3_0.pcapng":     {5},
			"other.pcapng":                          {2, 6},
		}},
		{"server-port", "pcap", map[string][]int{
			"server_udp_53.pcap":  {0, 1, 4},
			"server_udp_123.pcap": {3, 7},
			"other.pcap":          {2, 5, 6},
		}},
		{"vlan", "pcap", map[string][]int{
			"vlan_10.pcap": {0, 1},
			"vlan_20.pcap": {3},
			"other.pcap":   {2, 4, 5, 6, 7},
		}},
		{"count:3", "pcap", map[string][]int{
			"chunk-000001.pcap": {0, 1, 2},
			"chunk-000002.pcap": {3, 4, 5},
			"chunk-000003.pcap": {6, 7},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.spec, func(t *testing.T) {
			dir := t.TempDir()
			inputs := &pipeline.Inputs{}
			inputs.Add(&pipeline.Input{Name: "in.pcap"})
			s, infos, datas := run(t, Options{Dir: dir, Spec: mustSpec(t, tt.spec), Format: tt.format, Inputs: inputs}, mixed, 3, false)
			checkOutput(t, dir, tt.want, infos, datas, "in.pcap")
			sum := s.Summary()
			if sum.Packets != int64(len(mixed)) || sum.Files != int64(len(tt.want)) || sum.Interrupted {
				t.Errorf("summary %+v", sum)
			}
		})
	}
}

func TestDropOther(t *testing.T) {
	dir := t.TempDir()
	s, infos, datas := run(t, Options{Dir: dir, Spec: mustSpec(t, "ip-pair"), DropOther: true}, mixed, 100, false)
	checkOutput(t, dir, map[string][]int{
		"10.0.0.1_10.0.0.2.pcap": {0, 1, 4},
		"10.0.0.1_10.0.0.3.pcap": {3, 5, 7},
	}, infos, datas, "")
	sum := s.Summary()
	if sum.OtherPackets != 2 || sum.Dropped != 2 || sum.OtherBytes != 60+1514 || sum.Flows != 2 {
		t.Errorf("summary %+v", sum)
	}
}

func TestMinPackets(t *testing.T) {
	tests := []struct {
		name  string
		drop  bool
		want  map[string][]int
		small int64
		drops int64
	}{
		{name: "fold into other", want: map[string][]int{
			"udp_10.0.0.1_1000_10.0.0.2_53.pcap":  {0, 1},
			"udp_10.0.0.1_1001_10.0.0.3_123.pcap": {3, 7},
			"other.pcap":                          {2, 4, 5, 6},
		}, small: 2},
		{name: "drop", drop: true, want: map[string][]int{
			"udp_10.0.0.1_1000_10.0.0.2_53.pcap":  {0, 1},
			"udp_10.0.0.1_1001_10.0.0.3_123.pcap": {3, 7},
		}, small: 2, drops: 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			s, infos, datas := run(t, Options{Dir: dir, Spec: mustSpec(t, "5-tuple"), MinPackets: 2, DropOther: tt.drop}, mixed, 2, false)
			checkOutput(t, dir, tt.want, infos, datas, "")
			sum := s.Summary()
			if sum.SmallFlows != tt.small || sum.Dropped != tt.drops || sum.OtherPackets != 4 {
				t.Errorf("summary %+v", sum)
			}
		})
	}
}

// TestMinPacketsSpill forces the pending log to spill to disk and checks
// that promoted flows and other are still complete and in order.
func TestMinPacketsSpill(t *testing.T) {
	var pkts []tp
	want := map[string][]int{}
	// 1500 single-packet flows of 1000 bytes (1.5 MB > the 1 MiB log
	// memory), interleaved with 300 flows that reach 3 packets late.
	for i := 0; i < 1500; i++ {
		if i%5 == 0 {
			f := i / 5
			pkts = append(pkts, tp{src: "10.1.0.1", dst: "10.2.0.1", sport: uint16(2000 + f), dport: 80, size: 900})
		}
		pkts = append(pkts, tp{src: "10.9.0.1", dst: "10.8.0.1", sport: uint16(10000 + i), dport: 53, size: 1000})
		want["other.pcap"] = append(want["other.pcap"], len(pkts)-1)
	}
	for f := 0; f < 300; f++ {
		for k := 0; k < 2; k++ {
			pkts = append(pkts, tp{src: "10.1.0.1", dst: "10.2.0.1", sport: uint16(2000 + f), dport: 80, size: 900})
		}
	}
	for i, p := range pkts {
		if p.dport == 80 {
			name := "udp_10.1.0.1_" + itoa(int(p.sport)) + "_10.2.0.1_80.pcap"
			want[name] = append(want[name], i)
		}
	}
	dir := t.TempDir()
	s, infos, datas := run(t, Options{Dir: dir, Spec: mustSpec(t, "5-tuple"), MinPackets: 3, BufferBytes: 1 << 20, MaxOpen: 16}, pkts, 64, false)
	checkOutput(t, dir, want, infos, datas, "")
	if sum := s.Summary(); sum.SpilledBytes == 0 || sum.SmallFlows != 1500 || sum.Files != 301 {
		t.Errorf("summary %+v", sum)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

func TestLinkTypeMixing(t *testing.T) {
	pkts := []tp{
		{src: "10.0.0.1", dst: "10.0.0.2", linkType: 1},
		{src: "10.0.0.2", dst: "10.0.0.1", linkType: 113}, // Linux SLL
		{src: "10.0.0.1", dst: "10.0.0.2", linkType: 1},
		{src: "10.0.0.1", dst: "10.0.0.2", linkType: 101},
		{linkType: 101},
		{linkType: 1},
	}
	tests := []struct {
		format string
		want   map[string][]int
	}{
		{"pcap", map[string][]int{
			"10.0.0.1_10.0.0.2.pcap":       {0, 2},
			"10.0.0.1_10.0.0.2.lt113.pcap": {1},
			"10.0.0.1_10.0.0.2.lt101.pcap": {3},
			"other.pcap":                   {4},
			"other.lt1.pcap":               {5},
		}},
		{"pcapng", map[string][]int{
			"10.0.0.1_10.0.0.2.pcapng": {0, 1, 2, 3},
			"other.pcapng":             {4, 5},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			dir := t.TempDir()
			s, infos, datas := run(t, Options{Dir: dir, Spec: mustSpec(t, "ip-pair"), Format: tt.format}, pkts, 4, false)
			checkOutput(t, dir, tt.want, infos, datas, "")
			if s.Summary().Packets != 6 {
				t.Errorf("summary %+v", s.Summary())
			}
		})
	}
}

func TestNanosecondsKept(t *testing.T) {
	pkts := []tp{
		{src: "10.0.0.1", dst: "10.0.0.2", digits: 9},
		{src: "10.0.0.1", dst: "10.0.0.2", digits: 9},
		{src: "10.0.0.1", dst: "10.0.0.3", digits: 6},
	}
	dir := t.TempDir()
	_, infos, datas := run(t, Options{Dir: dir, Spec: mustSpec(t, "ip-pair")}, pkts, 10, false)
	checkOutput(t, dir, map[string][]int{"10.0.0.1_10.0.0.2.pcap": {0, 1}, "10.0.0.1_10.0.0.3.pcap": {2}}, infos, datas, "")
	raw, _ := os.ReadFile(filepath.Join(dir, "10.0.0.1_10.0.0.2.pcap"))
	if len(raw) < 4 || raw[0] != 0x4d || raw[1] != 0x3c {
		t.Errorf("ns input not written with the ns magic: % x", raw[:4])
	}
}

// TestAbortLeavesNoCompleteOutput: after Close(true) nothing has a final
// name, every packet is in a .partial file, and manifest.partial.json says so.
func TestAbortLeavesNoCompleteOutput(t *testing.T) {
	dir := t.TempDir()
	_, infos, datas := run(t, Options{Dir: dir, Spec: mustSpec(t, "ip-pair")}, mixed, 3, true)
	files := dirFiles(t, dir)
	want := []string{"10.0.0.1_10.0.0.2.pcap.partial", "10.0.0.1_10.0.0.3.pcap.partial", PartialManifestName, "other.pcap.partial"}
	if !slices.Equal(files, want) {
		t.Fatalf("after abort: %v, want %v", files, want)
	}
	raw, err := os.ReadFile(filepath.Join(dir, PartialManifestName))
	if err != nil {
		t.Fatal(err)
	}
	var pm PartialManifest
	if err := json.Unmarshal(raw, &pm); err != nil || !pm.Interrupted || len(pm.Files) != 3 {
		t.Fatalf("partial manifest %s: %v", raw, err)
	}
	back := readCapture(t, filepath.Join(dir, "10.0.0.1_10.0.0.3.pcap.partial"))
	if len(back) != 3 || !bytes.Equal(back[2].data, datas[7]) || back[0].origLen != infos[3].OrigLen {
		t.Errorf("partial file content %+v", back)
	}

	// A later complete run in the same directory removes the stale partial manifest.
	_, infos, datas = run(t, Options{Dir: dir, Spec: mustSpec(t, "ip-pair")}, mixed[:2], 3, false)
	if _, err := os.Stat(filepath.Join(dir, PartialManifestName)); err == nil {
		t.Error("stale manifest.partial.json kept after a complete run")
	}
	if back := readCapture(t, filepath.Join(dir, "10.0.0.1_10.0.0.2.pcap")); len(back) != 2 || !bytes.Equal(back[1].data, datas[1]) {
		t.Errorf("rerun output %+v", back)
	}
	_ = infos
}

// TestByteIdentical: the same packet sequence gives the same bytes whatever
// the batching, buffer budget and open file limit.
func TestByteIdentical(t *testing.T) {
	var pkts []tp
	for i := 0; i < 3000; i++ {
		pkts = append(pkts, tp{src: "10.0.0.1", dst: "10.0.1." + itoa(i%97), sport: uint16(i % 7), dport: 9, size: 40 + i%300})
		if i%50 == 0 {
			pkts = append(pkts, tp{size: 70})
		}
	}
	configs := []struct {
		per    int
		buffer int64
		open   int
	}{{1, 1 << 20, 1}, {1000, 64 << 20, 512}, {7, 100 << 10, 3}}
	var ref map[string][]byte
	for _, c := range configs {
		dir := t.TempDir()
		run(t, Options{Dir: dir, Spec: mustSpec(t, "5-tuple"), BufferBytes: c.buffer, MaxOpen: c.open, Format: "pcapng"}, pkts, c.per, false)
		out := map[string][]byte{}
		for _, name := range dirFiles(t, dir) {
			out[name], _ = os.ReadFile(filepath.Join(dir, name))
		}
		if ref == nil {
			ref = out
			continue
		}
		if len(out) != len(ref) {
			t.Fatalf("config %+v: %d files, want %d", c, len(out), len(ref))
		}
		for name, b := range ref {
			if !bytes.Equal(out[name], b) {
				t.Errorf("config %+v: %s differs", c, name)
			}
		}
	}
}

func TestWriteErrorsNameTheFile(t *testing.T) {
	t.Run("cannot create", func(t *testing.T) {
		dir := t.TempDir()
		// A directory where the flow file should go.
		if err := os.Mkdir(filepath.Join(dir, "other.pcap.partial"), 0o755); err != nil {
			t.Fatal(err)
		}
		s, err := New(Options{Dir: dir, Spec: mustSpec(t, "ip-pair")})
		if err != nil {
			t.Fatal(err)
		}
		batches, _, _ := build(mixed, 100)
		err = s.Consume(context.Background(), batches[0])
		if err == nil {
			err = s.Close(false)
		} else {
			s.Close(true)
		}
		if err == nil || !strings.Contains(err.Error(), "other.pcap.partial") {
			t.Fatalf("error %v does not name the file", err)
		}
		if _, err := os.Stat(filepath.Join(dir, ManifestJSON)); err == nil {
			t.Error("manifest.json written after a failure")
		}
	})
	t.Run("disk full", func(t *testing.T) {
		if _, err := os.Stat("/dev/full"); err != nil {
			t.Skip("no /dev/full")
		}
		dir := t.TempDir()
		if err := os.Symlink("/dev/full", filepath.Join(dir, "10.0.0.1_10.0.0.2.pcap.partial")); err != nil {
			t.Skip(err)
		}
		s, err := New(Options{Dir: dir, Spec: mustSpec(t, "ip-pair")})
		if err != nil {
			t.Fatal(err)
		}
		batches, _, _ := build(mixed, 100)
		if err := s.Consume(context.Background(), batches[0]); err != nil {
			t.Fatal(err) // everything is still buffered
		}
		err = s.Close(false)
		if err == nil || !strings.Contains(err.Error(), "10.0.0.1_10.0.0.2.pcap.partial") || !strings.Contains(err.Error(), "no space") {
			t.Fatalf("error %v", err)
		}
		if s.Summary().Interrupted {
			t.Error("summary says interrupted for a run closed with aborted=false")
		}
		if _, err := os.Stat(filepath.Join(dir, PartialManifestName)); err != nil {
			t.Errorf("no partial manifest after a failed close: %v", err)
		}
	})
}

func TestNewErrors(t *testing.T) {
	spec := mustSpec(t, "ip-pair")
	for _, o := range []Options{
		{Dir: t.TempDir(), Spec: spec, Format: "erf"},
		{Dir: "", Spec: spec},
		{Dir: t.TempDir()},
	} {
		if _, err := New(o); err == nil {
			t.Errorf("New(%+v) succeeded", o)
		}
	}
}

func TestEmptyRun(t *testing.T) {
	dir := t.TempDir()
	run(t, Options{Dir: dir, Spec: mustSpec(t, "ip-pair")}, nil, 1, false)
	if m := readManifest(t, dir); len(m) != 0 {
		t.Errorf("manifest %v", m)
	}
	if got := dirFiles(t, dir); !slices.Equal(got, []string{ManifestCSV, ManifestJSON}) {
		t.Errorf("files %v", got)
	}
}

// TestFragmentsBeforeTheirFirst splits by 5-tuple later IP fragments that
// arrive before their datagram's first fragment: they wait for it and go
// into its flow's file just before it (after the flow's packets that came
// meanwhile); those whose first fragment comes too late (FragmentTimeout of
// packet time) or never go where their own headers say (ports 0), when
// released.
func TestFragmentsBeforeTheirFirst(t *testing.T) {
	late := int64(flowkey.FragmentTimeout) + int64(time.Second)
	pkts := []tp{
		{src: "10.0.0.1", dst: "10.0.0.2", frag: fragLater, ipid: 1},                         // 0: waits for 2
		{src: "10.0.0.1", dst: "10.0.0.2", sport: 5000, dport: 53},                           // 1
		{src: "10.0.0.1", dst: "10.0.0.2", sport: 5000, dport: 53, frag: fragFirst, ipid: 1}, // 2
		{src: "10.0.0.1", dst: "10.0.0.2", frag: fragLater, ipid: 2, ts: 10e6},               // 3: first too late
		{src: "10.0.0.1", dst: "10.0.0.2", frag: fragLater, ipid: 3, ts: 11e6},               // 4: first never comes
		{src: "10.0.0.1", dst: "10.0.0.2", sport: 5001, dport: 53, frag: fragFirst, ipid: 2, ts: late + 10e6},
		{src: "10.0.0.1", dst: "10.0.0.2", frag: fragLater, ipid: 4, ts: late + 11e6}, // 6: held at the end
	}
	dir := t.TempDir()
	s, infos, datas := run(t, Options{Dir: dir, Spec: mustSpec(t, "5-tuple")}, pkts, 2, false)
	checkOutput(t, dir, map[string][]int{
		"udp_10.0.0.1_5000_10.0.0.2_53.pcap": {1, 0, 2},
		"udp_10.0.0.1_0_10.0.0.2_0.pcap":     {3, 4, 6},
		"udp_10.0.0.1_5001_10.0.0.2_53.pcap": {5},
	}, infos, datas, "")
	if sum := s.Summary(); sum.Packets != int64(len(pkts)) || sum.Flows != 3 || len(s.held.m) != 0 || s.held.bytes != 0 {
		t.Errorf("summary %+v", sum)
	}
}
