package mobile

import "testing"

func TestIMSIFromDigits(t *testing.T) {
	for _, tt := range []struct {
		in   string
		ok   bool
		back string
	}{
		{"001010000000001", true, "001010000000001"},
		{"901700000021309", true, "901700000021309"},
		{"0", true, "0"},
		{"1234567890123456", true, "1234567890123456"},
		{"12345678901234567", false, ""},
		{"", false, ""},
		{"00101a", false, ""},
	} {
		m, ok := IMSIFromDigits([]byte(tt.in))
		if ok != tt.ok || (ok && m.String() != tt.back) {
			t.Errorf("IMSIFromDigits(%q) = %v %v, want %q %v", tt.in, m, ok, tt.back, tt.ok)
		}
	}
}
