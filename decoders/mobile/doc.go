// Package mobile keeps the mobile-core state that ties packets of different
// protocols to one subscriber session: which PFCP session a PFCP message
// belongs to (decided when the message is read, so a splitter can route it at
// once), which GTP-U tunnels a PFCP session or a GTP-C subscriber set up,
// and which addresses are UE addresses.
//
// # PFCP sessions (PFCPTable)
//
// A session is opened by a Session Establishment Request from the CP node to
// the UP node: header SEID 0 and the CP F-SEID in an IE. Its identity is
// (CP address, UP address, CP SEID, generation), all known when the request
// is read. Retransmissions of the request (same peers and CP SEID) join it.
// The Session Establishment Response is matched by sequence number and peers;
// it carries the UP F-SEID, after which messages 52-57 from CP to UP carry
// the UP SEID in their header and messages from UP to CP carry the CP SEID.
// A request for a (CP, UP, CP SEID) whose session was deleted or rejected
// opens the next generation, so reused SEIDs start a new session.
//
// Every F-TEID a session's messages carry (Create PDR > PDI F-TEID when the CP
// chose it, Created PDR F-TEID from the UP, any other F-TEID IE) names a
// local GTP-U endpoint of the UP function, and every Outer Header Creation a
// remote one (the gNB's or the peer UPF's). A GTP-U packet belongs to the
// session whose endpoint matches its outer destination address and header
// TEID. The endpoint table is versioned by capture time: the latest session
// to announce an endpoint owns it from that message on, and a session's
// endpoints are released when its deletion ends it (pfcp.DeletionEnds) or its
// establishment is rejected, so a reused TEID is attributed to the session that holds it at
// the packet's time.
//
// # GTPv2-C subscribers (GTPCTable)
//
// A subscriber is named by the IMSI of a Create Session Request (or any
// message carrying an IMSI IE). Top-level F-TEIDs of its messages (the
// sender's control-plane F-TEIDs) map later messages to it by header TEID
// and receiver address; F-TEIDs inside Bearer Contexts are its user-plane
// GTP-U endpoints; PDN Address Allocations are its UE addresses. Responses
// with header TEID 0 are matched to their request by sequence number and
// peers.
//
// GTPv1-C (Gn/Gp, TS 29.060) PDP context messages are read into the same
// table (AddV1): the IMSI of a Create PDP Context Request names the
// subscriber, its TEID Control Plane at the sender's first GSN Address maps
// later messages to it by header TEID, its TEID Data I at the sender's
// second (user-plane) GSN Address is a GTP-U endpoint, and the End User
// Address is the PDP (UE) address.
//
// Both tables expect messages in capture order from one goroutine. Their
// memory grows with the number of sessions and subscribers, not packets;
// PFCPTable.Forget takes a session out for good (a caller forgets the
// sessions that ended, deleted or rejected, so that memory follows the
// live ones) and reuses its slot.
package mobile
