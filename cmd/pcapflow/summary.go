package main

import (
	"github.com/pcapflow/pcapflow/pipeline"
)

// inputSummary is one input's line in a --json run summary.
type inputSummary struct {
	Name        string   `json:"name"`
	Format      string   `json:"format"`
	Compression string   `json:"compression,omitempty"`
	Packets     int64    `json:"packets"`
	Bytes       int64    `json:"bytes"`
	LinkTypes   []uint16 `json:"link_types"`
	Status      string   `json:"status"` // "ok" or "damaged"
	Damage      string   `json:"damage,omitempty"`
	// DamagedPlaces and SkippedBytes: see pipeline.Input.
	DamagedPlaces int   `json:"damaged_places,omitempty"`
	SkippedBytes  int64 `json:"skipped_bytes,omitempty"`
}

func summarizeInput(in pipeline.Input) inputSummary {
	s := inputSummary{
		Name: in.Name, Format: in.Format, Compression: in.Compression,
		Packets: in.Packets, Bytes: in.Bytes, LinkTypes: in.LinkTypes, Status: "ok",
	}
	if s.LinkTypes == nil {
		s.LinkTypes = []uint16{}
	}
	if in.Damage != nil {
		s.Status = "damaged"
		s.Damage = in.DamageText()
		s.DamagedPlaces, s.SkippedBytes = in.Damages, in.SkippedBytes
	}
	return s
}

// stageSummary is one stage's counters in a --json run summary.
type stageSummary struct {
	Name        string  `json:"name"`
	Batches     int64   `json:"batches"`
	Packets     int64   `json:"packets"`
	BusySeconds float64 `json:"busy_seconds"`
}

func summarizeStages(st []pipeline.StageStats) []stageSummary {
	out := make([]stageSummary, 0, len(st))
	for _, s := range st {
		out = append(out, stageSummary{s.Name, s.Batches, s.Packets, s.Busy.Seconds()})
	}
	return out
}
