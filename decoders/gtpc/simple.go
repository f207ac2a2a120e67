package gtpc

import (
	"encoding/binary"
	"strconv"
)

// RATType is the radio access technology of a RAT Type element (type 82).
type RATType uint8

// RAT types.
const (
	RATUTRAN     RATType = 1
	RATGERAN     RATType = 2
	RATWLAN      RATType = 3
	RATGAN       RATType = 4
	RATHSPAEvol  RATType = 5
	RATEUTRAN    RATType = 6
	RATVirtual   RATType = 7
	RATEUTRANNB  RATType = 8
	RATLTEM      RATType = 9
	RATNR        RATType = 10
	RATWBEUTRANL RATType = 11
)

var ratNames = func() (t [256]string) {
	named := [...]string{
		1: "UTRAN", 2: "GERAN", 3: "WLAN", 4: "GAN", 5: "HSPA Evolution", 6: "EUTRAN",
		7: "Virtual", 8: "EUTRAN-NB-IoT", 9: "LTE-M", 10: "NR", 11: "WB-E-UTRAN (LEO)",
	}
	for i := range t {
		if i < len(named) && named[i] != "" {
			t[i] = named[i]
		} else {
			t[i] = "RAT(" + strconv.Itoa(i) + ")"
		}
	}
	return t
}()

// String returns the RAT's name. It never allocates.
func (r RATType) String() string { return ratNames[r] }

// RATType decodes a RAT Type element.
func (ie IE) RATType() (RATType, bool) {
	if ie.Type != IERATType || len(ie.Value) < 1 {
		return 0, false
	}
	return RATType(ie.Value[0]), true
}

// EBI decodes an EPS Bearer ID element (type 73): the low 4 bits.
func (ie IE) EBI() (uint8, bool) {
	if ie.Type != IEEBI || len(ie.Value) < 1 {
		return 0, false
	}
	return ie.Value[0] & 0x0f, true
}

// Recovery decodes a Recovery element (type 3): the restart counter.
func (ie IE) Recovery() (uint8, bool) {
	if ie.Type != IERecovery || len(ie.Value) < 1 {
		return 0, false
	}
	return ie.Value[0], true
}

// ChargingID decodes a Charging ID element (type 94).
func (ie IE) ChargingID() (uint32, bool) {
	if ie.Type != IEChargingID || len(ie.Value) < 4 {
		return 0, false
	}
	return binary.BigEndian.Uint32(ie.Value), true
}
