package flows

// Service names.
const (
	SvcDNS   = "dns"
	SvcHTTP  = "http"
	SvcTLS   = "tls"
	SvcPFCP  = "pfcp"
	SvcGTPU  = "gtp-u"
	SvcGTPC  = "gtp-c"
	SvcSSH   = "ssh"
	SvcNTP   = "ntp"
	SvcDHCP  = "dhcp"
	SvcSMTP  = "smtp"
	SvcFTP   = "ftp"
	SvcIRC   = "irc"
	SvcSNMP  = "snmp"
	SvcSIP   = "sip"
	SvcQUIC  = "quic"
	SvcMDNS  = "mdns"
	SvcSSDP  = "ssdp"
	SvcNBNS  = "netbios-ns"
	SvcTelnt = "telnet"
)

// portService maps (transport, port) to a service; the key is
// proto<<16 | port.
var portService = map[uint32]string{
	6<<16 | 80: SvcHTTP, 6<<16 | 8080: SvcHTTP, 6<<16 | 8000: SvcHTTP,
	6<<16 | 443: SvcTLS, 6<<16 | 8443: SvcTLS, 6<<16 | 993: SvcTLS, 6<<16 | 995: SvcTLS,
	6<<16 | 53: SvcDNS, 17<<16 | 53: SvcDNS,
	17<<16 | 5353: SvcMDNS, 17<<16 | 137: SvcNBNS, 17<<16 | 1900: SvcSSDP,
	17<<16 | 8805: SvcPFCP, 17<<16 | 2152: SvcGTPU, 17<<16 | 2123: SvcGTPC,
	6<<16 | 22: SvcSSH, 6<<16 | 23: SvcTelnt, 6<<16 | 21: SvcFTP,
	6<<16 | 25: SvcSMTP, 6<<16 | 587: SvcSMTP,
	6<<16 | 6667: SvcIRC, 6<<16 | 6668: SvcIRC, 6<<16 | 6669: SvcIRC,
	17<<16 | 123: SvcNTP, 17<<16 | 67: SvcDHCP, 17<<16 | 68: SvcDHCP,
	17<<16 | 161: SvcSNMP, 17<<16 | 162: SvcSNMP,
	17<<16 | 5060: SvcSIP, 6<<16 | 5060: SvcSIP, 17<<16 | 443: SvcQUIC,
}

// serviceByPort returns the service of a well-known port, or "".
func serviceByPort(proto uint8, port uint16) string {
	return portService[uint32(proto)<<16|uint32(port)]
}

// sniff guesses a service from the start of a payload: an HTTP request or
// status line, a TLS record header, or (on UDP) a plausible DNS message.
func sniff(proto uint8, p []byte) string {
	if len(p) >= 5 && p[0] == 0x16 && p[1] == 3 && p[2] <= 4 {
		return SvcTLS
	}
	if proto == 6 && len(p) >= 5 {
		switch string(p[:4]) {
		case "GET ", "POST", "HEAD", "PUT ", "HTTP", "DELE", "OPTI", "PATC", "CONN":
			return SvcHTTP
		case "SSH-":
			return SvcSSH
		}
	}
	if proto == 17 && len(p) >= 12 {
		// DNS: opcode 0..5, at most a few questions, and counts that fit.
		qd := int(p[4])<<8 | int(p[5])
		an := int(p[6])<<8 | int(p[7])
		opcode := (p[2] >> 3) & 0xf
		z := p[3] & 0x40
		if opcode <= 5 && z == 0 && qd >= 1 && qd <= 4 && an <= 64 && validName(p[12:]) {
			return SvcDNS
		}
	}
	return ""
}

// validName reports whether b starts with an uncompressed DNS name of
// printable labels, followed by room for a question's type and class.
func validName(b []byte) bool {
	i := 0
	for n := 0; n < 128; n++ {
		if i >= len(b) {
			return false
		}
		l := int(b[i])
		if l == 0 {
			return i > 0 && i+5 <= len(b)
		}
		if l > 63 || i+1+l > len(b) {
			return false
		}
		for _, c := range b[i+1 : i+1+l] {
			if c <= ' ' || c >= 0x7f {
				return false
			}
		}
		i += 1 + l
	}
	return false
}
