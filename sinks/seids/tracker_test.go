package seids

import (
	"testing"
	"time"

	"github.com/pcapflow/pcapflow/decoders/pfcp"
)

// TestSessionTracker checks session rows built as messages arrive: what
// each row must say after a scenario, field by field (as JSON).
func TestSessionTracker(t *testing.T) {
	const cpSEID, upSEID = 0x100, 0x200
	cases := []struct {
		name string
		run  func(f *feeder)
		id   int // the row checked (0: the first incomplete one)
		want map[string]string
	}{{
		name: "lifecycle",
		run: func(f *feeder) {
			f.send(cpEnd, upEnd, establishmentReq(1, cpSEID, "smf.example", "10.45.0.1"))
			f.after(time.Millisecond).send(upEnd, cpEnd, withFTEID(establishmentResp(1, cpSEID, upSEID, pfcp.CauseRequestAccepted), 0x10, "10.0.0.2"))
			f.after(time.Second).send(cpEnd, upEnd, withOHC(sessReq(pfcp.SessionModificationRequest, 2, upSEID), 0x20, "10.0.1.1"))
			f.after(2*time.Millisecond).send(upEnd, cpEnd, sessResp(pfcp.SessionModificationResponse, 2, cpSEID))
			f.after(time.Second).exchange(pfcp.SessionDeletionRequest, 3, cpSEID, upSEID, true)
		},
		id: 1,
		want: map[string]string{"state": `"deleted"`, "messages": "6", "cp_node": `"smf.example"`,
			"messages_by_type": `{"50":1,"51":1,"52":1,"53":1,"54":1,"55":1}`, "ue_ips": `["10.45.0.1"]`,
			"fteids":   `[{"ipv4":"10.0.0.2","ipv6":null,"source":"f-teid","teid":16},{"ipv4":"10.0.1.1","ipv6":null,"source":"outer-header-creation","teid":32}]`,
			"answered": "3", "retransmissions": "0", "unanswered": "0", "latency_us": `{"max":2000,"median":1000,"min":1000}`,
			"est_request_frame": "1", "est_response_frame": "2", "first_frame": "1", "last_frame": "6",
			"deletion_response_frame": "6", "established": `"1970-01-01T00:00:00.001000000Z"`},
	}, {
		// An establishment request's values come after every other
		// message's, as they did when requests were attributed at the end.
		name: "request values listed last",
		run: func(f *feeder) {
			f.send(cpEnd, upEnd, withFTEID(establishmentReq(1, cpSEID, ""), 0xa, "10.0.0.2"))
			f.after(time.Millisecond).send(upEnd, cpEnd, withFTEID(establishmentResp(1, cpSEID, upSEID, pfcp.CauseRequestAccepted), 0xb, "10.0.0.2"))
		},
		id:   1,
		want: map[string]string{"fteids": `[{"ipv4":"10.0.0.2","ipv6":null,"source":"f-teid","teid":11},{"ipv4":"10.0.0.2","ipv6":null,"source":"f-teid","teid":10}]`, "state": `"established"`},
	}, {
		name: "retransmitted establishment",
		run: func(f *feeder) {
			f.send(cpEnd, upEnd, establishmentReq(1, cpSEID, ""))
			f.after(time.Second).send(cpEnd, upEnd, establishmentReq(1, cpSEID, ""))
			f.after(time.Millisecond).send(upEnd, cpEnd, establishmentResp(1, cpSEID, upSEID, pfcp.CauseRequestAccepted))
		},
		id:   1,
		want: map[string]string{"messages": "3", "messages_by_type": `{"50":2,"51":1}`, "retransmissions": "1", "answered": "1", "latency_us": `{"max":1001000,"median":1001000,"min":1001000}`},
	}, {
		// Requests decided out of capture order: the earlier one's node
		// and values still come first; the Correlator names the request
		// of the exchange that opened the session.
		name: "two establishments, answered in reverse",
		run: func(f *feeder) {
			f.send(cpEnd, upEnd, establishmentReq(1, cpSEID, "cp-a", "10.45.0.1"))
			f.send(cpEnd, upEnd, establishmentReq(2, cpSEID, "cp-b", "10.45.0.2"))
			f.after(time.Millisecond).send(upEnd, cpEnd, establishmentResp(2, cpSEID, upSEID, pfcp.CauseRequestAccepted))
			f.send(upEnd, cpEnd, establishmentResp(1, cpSEID, upSEID, pfcp.CauseRequestAccepted))
		},
		id:   1,
		want: map[string]string{"cp_node": `"cp-a"`, "ue_ips": `["10.45.0.1","10.45.0.2"]`, "est_request_frame": "2", "messages": "4", "messages_by_type": `{"50":2,"51":2}`},
	}, {
		name: "unanswered modification expires",
		run: func(f *feeder) {
			f.establish(1, cpSEID, upSEID)
			f.after(time.Second).exchange(pfcp.SessionModificationRequest, 2, cpSEID, upSEID, false)
			f.after(2*time.Minute).send(cpEnd, upEnd, heartbeat(pfcp.HeartbeatRequest, 9))
		},
		id:   1,
		want: map[string]string{"unanswered": "1", "answered": "1", "state": `"established"`},
	}, {
		// Linger after its response, a request with the same sequence
		// number is a new exchange, not a retransmission.
		name: "late copy is a new exchange",
		run: func(f *feeder) {
			f.establish(1, cpSEID, upSEID)
			f.exchange(pfcp.SessionModificationRequest, 2, cpSEID, upSEID, true)
			f.after(5*time.Second).send(cpEnd, upEnd, sessReq(pfcp.SessionModificationRequest, 2, upSEID))
			f.after(20*time.Second).send(cpEnd, upEnd, sessReq(pfcp.SessionModificationRequest, 2, upSEID))
		},
		id:   1,
		want: map[string]string{"retransmissions": "1", "unanswered": "1", "answered": "2", "state": `"modified"`},
	}, {
		// A capture read after another starts its time over: the
		// exchanges of the first end there, and the same requests in
		// the second are new exchanges, not retransmissions.
		name: "time starts over",
		run: func(f *feeder) {
			f.establish(1, cpSEID, upSEID)
			f.after(time.Second).exchange(pfcp.SessionModificationRequest, 2, cpSEID, upSEID, true)
			f.after(-time.Minute).exchange(pfcp.SessionModificationRequest, 2, cpSEID, upSEID, true)
			f.after(3*time.Second).exchange(pfcp.SessionModificationRequest, 2, cpSEID, upSEID, true)
		},
		id:   1,
		want: map[string]string{"retransmissions": "1", "answered": "3", "unanswered": "0"},
	}, {
		name: "never answered",
		run: func(f *feeder) {
			f.send(cpEnd, upEnd, establishmentReq(7, cpSEID, "smf", "10.45.0.9"))
			f.after(time.Second).send(cpEnd, upEnd, establishmentReq(7, cpSEID, "smf", "10.45.0.9"))
		},
		id: 0,
		want: map[string]string{"state": `"incomplete"`, "messages": "2", "retransmissions": "1", "unanswered": "1",
			"ue_ips": `["10.45.0.9"]`, "cp_node": `"smf"`, "first_frame": "1", "last_frame": "2", "est_response_frame": "0",
			"up_seid": "null", "cp_seid": "256", "latency_us": "null"},
	}, {
		name: "rejected",
		run: func(f *feeder) {
			f.send(cpEnd, upEnd, establishmentReq(1, cpSEID, ""))
			f.send(upEnd, cpEnd, establishmentResp(1, cpSEID, 0, pfcp.CauseRequestRejected))
		},
		id:   1,
		want: map[string]string{"state": `"rejected"`, "est_cause": "64", "up_seid": "null", "fteids": "null", "ue_ips": "null"},
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFeeder(t)
			c.run(f)
			row := rowOf(t, f.rows(), c.id)
			for k, w := range c.want {
				if got := jsonText(row[k]); got != w {
					t.Errorf("%s = %s, want %s", k, got, w)
				}
			}
		})
	}
}

// TestNodePairRow: heartbeats count for their node pair, with their
// latency (mean) and unanswered requests.
func TestNodePairRow(t *testing.T) {
	f := newFeeder(t)
	for seq := uint32(1); seq <= 4; seq++ {
		f.after(time.Second).send(cpEnd, upEnd, heartbeat(pfcp.HeartbeatRequest, seq))
		if seq != 3 {
			f.after(time.Duration(seq)*time.Millisecond).send(upEnd, cpEnd, heartbeat(pfcp.HeartbeatResponse, seq))
		}
	}
	rows := f.rows()
	if len(rows) != 1 || rows[0]["kind"] != "node_pair" {
		t.Fatalf("rows %v", rows)
	}
	want := map[string]string{"a": `"10.0.0.1"`, "b": `"10.0.0.2"`, "messages": "7", "heartbeat_messages": "7",
		"requests": "4", "answered": "3", "unanswered": "1", "retransmissions": "0",
		"latency_us": `{"max":4000,"median":2333.333,"min":1000}`, "first_frame": "1", "last_frame": "7"}
	for k, w := range want {
		if got := jsonText(rows[0][k]); got != w {
			t.Errorf("%s = %s, want %s", k, got, w)
		}
	}
}
