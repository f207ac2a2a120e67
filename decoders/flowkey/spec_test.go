package flowkey

import (
	"strings"
	"testing"
	"time"
)

func TestParseSpec(t *testing.T) {
	tests := []struct {
		in      string
		want    Spec
		wantErr string
	}{
		{in: "ip-pair", want: Spec{Kind: IPPair}},
		{in: "3-tuple", want: Spec{Kind: ThreeTuple}},
		{in: "5-tuple", want: Spec{Kind: FiveTuple}},
		{in: " 5-Tuple-Dir ", want: Spec{Kind: FiveTupleDir}},
		{in: "src-ip", want: Spec{Kind: SrcIP}},
		{in: "dst-ip", want: Spec{Kind: DstIP}},
		{in: "client-ip", want: Spec{Kind: ClientIP}},
		{in: "server-ip", want: Spec{Kind: ServerIP}},
		{in: "server-port", want: Spec{Kind: ServerPort}},
		{in: "client-port", want: Spec{Kind: ClientPort}},
		{in: "vlan", want: Spec{Kind: VLAN}},
		{in: "mac-pair", want: Spec{Kind: MACPair}},
		{in: "count:1000", want: Spec{Kind: Count, N: 1000}},
		{in: "size:100MB", want: Spec{Kind: Size, N: 100e6}},
		{in: "size:100M", want: Spec{Kind: Size, N: 100e6}},
		{in: "size:64MiB", want: Spec{Kind: Size, N: 64 << 20}},
		{in: "size:2k", want: Spec{Kind: Size, N: 2000}},
		{in: "size:3KiB", want: Spec{Kind: Size, N: 3072}},
		{in: "size:1G", want: Spec{Kind: Size, N: 1e9}},
		{in: "size:1GiB", want: Spec{Kind: Size, N: 1 << 30}},
		{in: "size:1500", want: Spec{Kind: Size, N: 1500}},
		{in: "size:1500B", want: Spec{Kind: Size, N: 1500}},
		{in: "time:1m", want: Spec{Kind: Time, Every: time.Minute}},
		{in: "time:1h30m", want: Spec{Kind: Time, Every: 90 * time.Minute}},
		{in: "ip-pair:3", wantErr: "takes no argument"},
		{in: "count", wantErr: "needs an argument"},
		{in: "count:", wantErr: "needs an argument"},
		{in: "count:0", wantErr: "positive packet count"},
		{in: "count:-5", wantErr: "positive packet count"},
		{in: "count:x", wantErr: "positive packet count"},
		{in: "size:0", wantErr: "positive byte size"},
		{in: "size:12XB", wantErr: "positive byte size"},
		{in: "size:99999999999GiB", wantErr: "positive byte size"},
		{in: "time:0s", wantErr: "positive duration"},
		{in: "time:1", wantErr: "positive duration"},
		{in: "flows", wantErr: "valid keys: ip-pair, 3-tuple"},
		{in: "", wantErr: "unknown key"},
	}
	for _, tt := range tests {
		got, err := ParseSpec(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseSpec(%q) error = %v, want one containing %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseSpec(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
		}
	}
}

func TestSpecStringRoundTrip(t *testing.T) {
	for _, n := range Names() {
		in := strings.NewReplacer("N", "7", "BYTES", "4096", "DURATION", "90s").Replace(n)
		s, err := ParseSpec(in)
		if err != nil {
			t.Fatalf("ParseSpec(%q): %v", in, err)
		}
		back, err := ParseSpec(s.String())
		if err != nil || back != s {
			t.Errorf("ParseSpec(%q).String() = %q parses to %+v, %v", in, s.String(), back, err)
		}
	}
}

func FuzzParseSpec(f *testing.F) {
	for _, n := range Names() {
		f.Add(n)
	}
	for _, s := range []string{"count:1", "size:1KiB", "time:1ns", "size:9223372036854775807", "x:y:z", "time:-1s"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		spec, err := ParseSpec(s)
		if err != nil {
			if spec != (Spec{}) {
				t.Fatalf("error with non-zero spec %+v", spec)
			}
			return
		}
		if spec.Kind < IPPair || spec.Kind > Tunnel {
			t.Fatalf("bad kind %d", spec.Kind)
		}
		if (spec.Kind == Count || spec.Kind == Size) && spec.N <= 0 {
			t.Fatalf("non-positive N %d", spec.N)
		}
		if spec.Kind == Time && spec.Every <= 0 {
			t.Fatalf("non-positive duration %v", spec.Every)
		}
		back, err := ParseSpec(spec.String())
		if err != nil || back != spec {
			t.Fatalf("round trip of %q: %+v, %v", spec.String(), back, err)
		}
	})
}
