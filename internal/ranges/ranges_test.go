package ranges

import (
	"slices"
	"testing"
)

func TestAdd(t *testing.T) {
	tests := []struct {
		name string
		add  []Range
		want []Range
	}{
		{"one", []Range{{0, 8}}, []Range{{0, 8}}},
		{"in order, touching", []Range{{0, 8}, {8, 16}, {16, 20}}, []Range{{0, 20}}},
		{"reversed, touching", []Range{{16, 20}, {8, 16}, {0, 8}}, []Range{{0, 20}}},
		{"gap", []Range{{0, 8}, {16, 24}}, []Range{{0, 8}, {16, 24}}},
		{"gap filled", []Range{{0, 8}, {16, 24}, {8, 16}}, []Range{{0, 24}}},
		{"duplicate", []Range{{0, 8}, {0, 8}}, []Range{{0, 8}}},
		{"overlap", []Range{{0, 10}, {5, 20}}, []Range{{0, 20}}},
		{"covers several", []Range{{0, 2}, {4, 6}, {8, 10}, {20, 30}, {1, 9}}, []Range{{0, 10}, {20, 30}}},
		{"before all", []Range{{10, 20}, {0, 5}}, []Range{{0, 5}, {10, 20}}},
		{"empty range", []Range{{4, 4}}, []Range{{4, 4}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s Set
			for _, r := range tt.add {
				s.Add(r.Lo, r.Hi)
			}
			if got := s.Ranges(); !slices.Equal(got, tt.want) {
				t.Errorf("ranges = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestWhole(t *testing.T) {
	var s Set
	if s.Whole(0) {
		t.Error("empty set is whole")
	}
	s.Add(8, 16)
	if s.Whole(16) {
		t.Error("[8,16) is whole for 16 bytes")
	}
	s.Add(0, 8)
	if !s.Whole(16) || s.Whole(20) {
		t.Errorf("after [0,8): Whole(16) = %v, Whole(20) = %v", s.Whole(16), s.Whole(20))
	}
	s.Reset()
	if len(s.Ranges()) != 0 {
		t.Errorf("after Reset: %v", s.Ranges())
	}
}
