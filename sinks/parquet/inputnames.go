package parquet

import "github.com/pcapflow/pcapflow/pipeline"

// inputNames gives the names of a run's inputs by id, cached: a flow
// tracker asks for every packet, mostly the same input again. It is not
// safe for concurrent use; each goroutine that asks has its own.
type inputNames struct {
	inputs *pipeline.Inputs
	names  map[pipeline.InputID]string
	// The id asked for last, and its name.
	last     pipeline.InputID
	lastName string
	has      bool
}

func newInputNames(inputs *pipeline.Inputs) inputNames {
	return inputNames{inputs: inputs, names: make(map[pipeline.InputID]string)}
}

// name returns the name of input id.
func (n *inputNames) name(id pipeline.InputID) string {
	if n.has && n.last == id {
		return n.lastName
	}
	name, ok := n.names[id]
	if !ok {
		name = n.inputs.Name(id)
		n.names[id] = name
	}
	n.last, n.lastName, n.has = id, name, true
	return name
}
