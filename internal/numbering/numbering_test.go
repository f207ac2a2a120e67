package numbering

import "testing"

func TestNumbers(t *testing.T) {
	n := New[string]()
	for _, c := range []struct {
		key  string
		want uint32
	}{
		{"a", 0}, {"b", 1}, {"a", 0}, {"b", 1}, {"c", 2}, {"a", 0}, {"d", 3}, {"c", 2}, {"b", 1}, {"e", 4},
	} {
		if got := n.ID(c.key); got != c.want {
			t.Errorf("ID(%q) = %d, want %d", c.key, got, c.want)
		}
	}
	if n.Len() != 5 {
		t.Errorf("Len %d, want 5", n.Len())
	}
	// The zero key is a key like any other, not an empty cache slot.
	z := New[int]()
	if a, b := z.ID(0), z.ID(0); a != 0 || b != 0 || z.Len() != 1 {
		t.Errorf("ID(0) twice: %d %d, Len %d", a, b, z.Len())
	}
}
