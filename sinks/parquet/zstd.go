package parquet

import (
	"sync"

	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/klauspost/compress/zstd"
)

// fastZstdLevel is the zstd level whose page compression fastZstd does
// itself (see DefaultZstdLevel).
const fastZstdLevel = 1

// fastZstd is the zstd codec the sink registers with arrow-go for Parquet
// pages (see init). At fastZstdLevel it compresses as arrow-go's own codec
// does at that level (klauspost/compress's fastest encoder, no frame
// content size), except that a block in which the encoder finds no
// repeats keeps its literals as they are instead of trying a Huffman table
// on them (zstd.WithAllLitEntropyCompression(false), klauspost's own
// default for its fastest level; arrow-go turns it on), and frames carry
// no content checksum (the zstd library's default; a page's integrity is
// Parquet's page CRC's business: 0.4% of the instructions). The pages of
// bit-packed dictionary indices and delta-encoded integers are mostly
// such blocks: on the benchmark mix the export took 6.2% fewer
// instructions (cachegrind, 2.275 -> 2.133 G; paired wall 0.946, CPU 0.959
// over 21 runs) for files 1.9% larger (8.05 -> 8.20 MB; the indices of
// skewed columns such as ports, lengths and protocols lose what Huffman
// coding took off them). Every other level, and all decoding, is
// arrow-go's codec's: --compression-level 3 gets its behaviour back.
type fastZstd struct {
	base compress.Codec
	pool sync.Pool // of *zstd.Encoder
}

// init registers fastZstd in place of arrow-go's zstd codec. The registry
// is the process's: the readers in this program decode with arrow-go's
// codec through it, unchanged.
func init() {
	base, err := compress.GetCodec(compress.Codecs.Zstd)
	if err != nil {
		panic("parquet: arrow-go has no zstd codec: " + err.Error())
	}
	compress.RegisterCodec(compress.Codecs.Zstd, newFastZstd(base))
}

func newFastZstd(base compress.Codec) *fastZstd {
	c := &fastZstd{base: base}
	c.pool.New = func() any {
		e, err := zstd.NewWriter(nil, zstd.WithZeroFrames(true), zstd.WithEncoderLevel(zstd.SpeedFastest),
			zstd.WithEncoderConcurrency(1), zstd.WithAllLitEntropyCompression(false), zstd.WithEncoderCRC(false))
		if err != nil {
			panic("parquet: zstd encoder: " + err.Error())
		}
		return e
	}
	return c
}

// Encode compresses src at arrow-go's default level.
func (c *fastZstd) Encode(dst, src []byte) []byte { return c.base.Encode(dst, src) }

// EncodeLevel compresses src at level into dst's memory when it is large
// enough (see compress.Codec).
func (c *fastZstd) EncodeLevel(dst, src []byte, level int) []byte {
	if level != fastZstdLevel {
		return c.base.EncodeLevel(dst, src, level)
	}
	e := c.pool.Get().(*zstd.Encoder)
	defer c.pool.Put(e)
	return e.EncodeAll(src, dst[:0])
}

// CompressBound returns the largest size n bytes compress to.
func (c *fastZstd) CompressBound(n int64) int64 { return c.base.CompressBound(n) }

// Decode decompresses src (arrow-go's codec).
func (c *fastZstd) Decode(dst, src []byte) []byte { return c.base.Decode(dst, src) }

// DecodeWithError decompresses src, reporting damage as an error
// (compress.ErrorCodec), as arrow-go's codec does.
func (c *fastZstd) DecodeWithError(dst, src []byte) ([]byte, error) {
	return compress.Decode(c.base, dst, src)
}

var _ compress.ErrorCodec = (*fastZstd)(nil)
