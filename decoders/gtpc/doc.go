// Package gtpc decodes GTPv2-C (3GPP TS 29.274, UDP 2123) messages straight
// from a byte slice, without allocating.
//
// ParseHeader reads one message header. Messages walks a datagram's message
// and the messages piggybacked on it (P flag). IEs is a lazy TLV iterator
// with a sticky error:
//
//	it := gtpc.IEs(body)
//	for it.Next() {
//		switch ie := it.IE(); ie.Type {
//		case gtpc.IEFTEID:
//			f, ok := ie.FTEID()
//			…
//		case gtpc.IEBearerContext:
//			g := ie.Group() // iterated the same way
//			…
//		}
//	}
//	if err := it.Err(); err != nil { … }
//
// Typed accessors on IE decode the elements analysis needs (IMSI, MSISDN,
// MEI, F-TEID, EBI, Cause, APN, PAA, RAT Type, Recovery, Bearer Context);
// every other element stays raw. Summarize condenses a whole datagram into a
// fixed-size Summary for the pipeline.
package gtpc
