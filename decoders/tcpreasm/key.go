package tcpreasm

import "github.com/pcapflow/pcapflow/internal/tuplekey"

// key is a connection's canonical tuple (see tuplekey.Key).
type key = tuplekey.Key

// keyOf returns the key of the connection segment v belongs to, and
// whether v's source is the key's lower endpoint.
func keyOf(v *view) (key, bool) {
	return tuplekey.Make(v.src, v.dst, v.sport, v.dport, 6)
}
