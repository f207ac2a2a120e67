package flows

import "github.com/pcapflow/pcapflow/internal/tuplekey"

// key is a flow's canonical tuple (see tuplekey.Key).
type key = tuplekey.Key
