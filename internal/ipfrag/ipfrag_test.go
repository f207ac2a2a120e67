package ipfrag

import "testing"

// TestIPv6FragmentHeader finds the fragment header directly after the IPv6
// header, after extension headers, and not when absent or cut.
func TestIPv6FragmentHeader(t *testing.T) {
	v6 := func(next uint8, rest ...byte) []byte {
		b := make([]byte, 40, 40+len(rest))
		b[0], b[6] = 0x60, next
		return append(b, rest...)
	}
	frag := []byte{17, 0, 0, 1, 0, 0, 0, 9}
	hop := append([]byte{44, 0, 1, 4, 0, 0, 0, 0}, frag...)              // hop-by-hop (8 bytes) then fragment
	auth := append([]byte{44, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, frag...) // AH of (1+2)*4 = 12 bytes
	tests := []struct {
		name       string
		ip         []byte
		end        int
		at, nextAt int
		ok         bool
	}{
		{"direct", v6(44, frag...), 48, 40, 6, true},
		{"after hop-by-hop", v6(0, hop...), 56, 48, 40, true},
		{"after AH", v6(51, auth...), 60, 52, 40, true},
		{"none", v6(17, 0, 0, 0, 0, 0, 0, 0, 0), 48, 0, 0, false},
		{"cut", v6(44, frag[:4]...), 44, 0, 0, false},
		{"beyond end", v6(44, frag...), 46, 0, 0, false},
		{"short", make([]byte, 20), 20, 0, 0, false},
	}
	for _, tt := range tests {
		at, nextAt, ok := IPv6FragmentHeader(tt.ip, tt.end)
		if at != tt.at || nextAt != tt.nextAt || ok != tt.ok {
			t.Errorf("%s: %d %d %v, want %d %d %v", tt.name, at, nextAt, ok, tt.at, tt.nextAt, tt.ok)
		}
	}
}
