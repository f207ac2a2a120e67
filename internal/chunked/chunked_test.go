package chunked

import "testing"

func TestArray(t *testing.T) {
	var a Array[int]
	if a.Len() != 0 {
		t.Fatalf("zero Array has %d elements", a.Len())
	}
	first := -1
	for i := range 3000 {
		j := a.Add()
		if j != i {
			t.Fatalf("Add returned %d, want %d", j, i)
		}
		*a.At(j) = i * 7
		if i == 0 {
			first = j
		}
	}
	p := a.At(first)
	a.Grow(5000)
	if a.Len() != 5001 {
		t.Fatalf("after Grow(5000): %d elements", a.Len())
	}
	if p != a.At(first) {
		t.Error("growing moved element 0")
	}
	for i := range 3000 {
		if *a.At(i) != i*7 {
			t.Fatalf("element %d = %d", i, *a.At(i))
		}
	}
	for i := 3000; i <= 5000; i++ {
		if *a.At(i) != 0 {
			t.Fatalf("grown element %d = %d, want 0", i, *a.At(i))
		}
	}
	a.Grow(10) // already there: no change
	if a.Len() != 5001 {
		t.Errorf("Grow of an existing index changed Len to %d", a.Len())
	}
}
