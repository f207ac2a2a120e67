package pfcp

import (
	"encoding/binary"
	"strconv"
	"time"
)

// PDRID returns the rule id of a PDR ID IE (2 octets).
func (ie IE) PDRID() (uint16, bool) {
	if ie.Type != IEPDRID || len(ie.Value) < 2 {
		return 0, false
	}
	return binary.BigEndian.Uint16(ie.Value), true
}

// FARID returns the value of a FAR ID IE (4 octets).
func (ie IE) FARID() (uint32, bool) { return ie.uint32Of(IEFARID) }

// QERID returns the value of a QER ID IE (4 octets).
func (ie IE) QERID() (uint32, bool) { return ie.uint32Of(IEQERID) }

// URRID returns the value of a URR ID IE (4 octets).
func (ie IE) URRID() (uint32, bool) { return ie.uint32Of(IEURRID) }

// Precedence returns the value of a Precedence IE (4 octets).
func (ie IE) Precedence() (uint32, bool) { return ie.uint32Of(IEPrecedence) }

func (ie IE) uint32Of(t IEType) (uint32, bool) {
	if ie.Type != t || len(ie.Value) < 4 {
		return 0, false
	}
	return binary.BigEndian.Uint32(ie.Value), true
}

// Interface is the value of a Source Interface or Destination Interface IE
// (TS 29.244 clauses 8.2.2 and 8.2.24).
type Interface uint8

// Interface values.
const (
	InterfaceAccess     Interface = 0
	InterfaceCore       Interface = 1
	InterfaceSGiLAN     Interface = 2 // SGi-LAN / N6-LAN
	InterfaceCPFunction Interface = 3
	InterfaceLIFunction Interface = 4 // Destination Interface; "5G VN Internal" as a source
	InterfaceVNInternal Interface = 5
)

var interfaceNames = [...]string{
	"Access", "Core", "SGi-LAN/N6-LAN", "CP-function", "LI Function / 5G VN Internal", "5G VN Internal",
}

// String returns the interface's name, or "Interface(N)".
func (i Interface) String() string {
	if int(i) < len(interfaceNames) {
		return interfaceNames[i]
	}
	return "Interface(" + strconv.Itoa(int(i)) + ")"
}

// SourceInterface returns the value of a Source Interface IE.
func (ie IE) SourceInterface() (Interface, bool) { return ie.interfaceOf(IESourceInterface) }

// DestinationInterface returns the value of a Destination Interface IE.
func (ie IE) DestinationInterface() (Interface, bool) {
	return ie.interfaceOf(IEDestinationInterface)
}

func (ie IE) interfaceOf(t IEType) (Interface, bool) {
	if ie.Type != t || len(ie.Value) < 1 {
		return 0, false
	}
	return Interface(ie.Value[0] & 0x0f), true
}

// ApplyAction holds the Apply Action flags (TS 29.244 clause 8.2.26): the
// first octet in the low 8 bits, the optional second octet in the high 8.
type ApplyAction uint16

// Apply Action flags.
const (
	ActionDrop                ApplyAction = 1 << iota // DROP
	ActionForward                                     // FORW
	ActionBuffer                                      // BUFF
	ActionNotifyCP                                    // NOCP
	ActionDuplicate                                   // DUPL
	ActionIPMulticastAccept                           // IPMA
	ActionIPMulticastDeny                             // IPMD
	ActionDuplicateRedundant                          // DFRT
	ActionEliminateRedundant                          // EDRT (second octet)
	ActionBufferDLNoNotify                            // BDPN
	ActionBufferDLNotifyFirst                         // DDPN
	ActionForwardStaticSplit                          // FSSM
	ActionMBSUnicast                                  // MBSU
)

var actionNames = [...]string{"DROP", "FORW", "BUFF", "NOCP", "DUPL", "IPMA", "IPMD", "DFRT", "EDRT", "BDPN", "DDPN", "FSSM", "MBSU"}

// Has reports whether every flag of x is set.
func (a ApplyAction) Has(x ApplyAction) bool { return a&x == x }

// String returns the set flags joined with "|", e.g. "FORW|NOCP".
func (a ApplyAction) String() string {
	var b []byte
	for i, n := range actionNames {
		if a&(1<<i) != 0 {
			if len(b) > 0 {
				b = append(b, '|')
			}
			b = append(b, n...)
		}
	}
	if rest := a >> len(actionNames); rest != 0 {
		if len(b) > 0 {
			b = append(b, '|')
		}
		b = append(b, "0x"...)
		b = strconv.AppendUint(b, uint64(rest)<<len(actionNames), 16)
	}
	return string(b)
}

// ApplyAction returns the flags of an Apply Action IE, of one or two octets.
func (ie IE) ApplyAction() (ApplyAction, bool) {
	if ie.Type != IEApplyAction || len(ie.Value) < 1 {
		return 0, false
	}
	a := ApplyAction(ie.Value[0])
	if len(ie.Value) >= 2 {
		a |= ApplyAction(ie.Value[1]) << 8
	}
	return a, true
}

// ntpUnixOffset is the number of seconds from 1900-01-01 to 1970-01-01.
const ntpUnixOffset = 2208988800

// NTPTime converts NTP seconds to a time in UTC. Following RFC 4330
// clause 3, a value with the top bit clear is taken to be in NTP era 1
// (from 2036-02-07 on), so the conversion keeps working after 2036.
func NTPTime(sec uint32) time.Time {
	s := int64(sec)
	if sec&0x80000000 == 0 {
		s += 1 << 32
	}
	return time.Unix(s-ntpUnixOffset, 0).UTC()
}

// RecoveryTimeStamp returns the time of a Recovery Time Stamp IE (NTP
// seconds, TS 29.244 clause 8.2.65), and the raw seconds.
func (ie IE) RecoveryTimeStamp() (time.Time, bool) {
	if ie.Type != IERecoveryTimeStamp || len(ie.Value) < 4 {
		return time.Time{}, false
	}
	return NTPTime(binary.BigEndian.Uint32(ie.Value)), true
}
