package parquet

import (
	"bytes"
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow-go/v18/parquet/compress"
)

// TestFastZstd checks the registered zstd codec: every level's output
// decodes to its input; levels other than fastZstdLevel are arrow-go's
// own bytes; and at fastZstdLevel a block without repeats but of skewed
// bytes (64 symbols, no 4-byte sequence twice) stays uncoded where
// arrow-go's codec Huffman-codes it, while repeating data still
// compresses.
func TestFastZstd(t *testing.T) {
	c, err := compress.GetCodec(compress.Codecs.Zstd)
	if err != nil {
		t.Fatal(err)
	}
	fz, ok := c.(*fastZstd)
	if !ok {
		t.Fatalf("the registered zstd codec is a %T", c)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	skewed := make([]byte, 4096)
	for i := range skewed {
		skewed[i] = byte(rng.IntN(64))
	}
	repeats := bytes.Repeat([]byte("pcapflow parquet page "), 500)
	random := make([]byte, 10000)
	for i := range random {
		random[i] = byte(rng.Uint32())
	}
	for _, tc := range []struct {
		name string
		src  []byte
	}{{"skewed", skewed}, {"repeats", repeats}, {"random", random}, {"empty", nil}} {
		for _, level := range []int{fastZstdLevel, 2, 3, 9} {
			dst := make([]byte, 0, c.CompressBound(int64(len(tc.src))))
			enc := c.EncodeLevel(dst, tc.src, level)
			dec, err := compress.Decode(c, nil, enc)
			if err != nil || !bytes.Equal(dec, tc.src) {
				t.Errorf("%s, level %d: decodes to %d bytes (%v), want the %d of the input", tc.name, level, len(dec), err, len(tc.src))
			}
			if base := fz.base.EncodeLevel(nil, tc.src, level); level != fastZstdLevel && !bytes.Equal(enc, base) {
				t.Errorf("%s, level %d: %d bytes, arrow-go's codec %d", tc.name, level, len(enc), len(base))
			}
		}
	}
	ours, theirs := c.EncodeLevel(nil, skewed, fastZstdLevel), fz.base.EncodeLevel(nil, skewed, fastZstdLevel)
	if len(ours) <= len(skewed) || len(theirs) >= len(skewed)*7/8 {
		t.Errorf("skewed block without repeats: %d bytes here, %d by arrow-go's codec, from %d", len(ours), len(theirs), len(skewed))
	}
	if n := len(c.EncodeLevel(nil, repeats, fastZstdLevel)); n > len(repeats)/10 {
		t.Errorf("repeating data: %d bytes from %d", n, len(repeats))
	}
	if _, err := compress.Decode(c, nil, []byte("not zstd at all")); err == nil {
		t.Error("damaged input decoded without an error")
	}
}
