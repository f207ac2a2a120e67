package filter

// namedConstants are the numbers pcap-filter(7) gives names to, usable
// anywhere a number is: byte offsets and TCP flag and ICMP type values.
var namedConstants = map[string]uint32{
	"tcpflags": 13, "icmptype": 0, "icmpcode": 1, "icmp6type": 0, "icmp6code": 1,
	"tcp-fin": 0x01, "tcp-syn": 0x02, "tcp-rst": 0x04, "tcp-push": 0x08,
	"tcp-ack": 0x10, "tcp-urg": 0x20, "tcp-ece": 0x40, "tcp-cwr": 0x80,
	"icmp-echoreply": 0, "icmp-unreach": 3, "icmp-sourcequench": 4, "icmp-redirect": 5,
	"icmp-echo": 8, "icmp-routeradvert": 9, "icmp-routersolicit": 10, "icmp-timxceed": 11,
	"icmp-paramprob": 12, "icmp-tstamp": 13, "icmp-tstampreply": 14, "icmp-ireq": 15,
	"icmp-ireqreply": 16, "icmp-maskreq": 17, "icmp-maskreply": 18,
	"icmp6-destinationunreach": 1, "icmp6-packettoobig": 2, "icmp6-timeexceeded": 3,
	"icmp6-parameterproblem": 4, "icmp6-echo": 128, "icmp6-echoreply": 129,
	"icmp6-multicastlistenerquery": 130, "icmp6-multicastlistenerreportv1": 131,
	"icmp6-multicastlistenerdone": 132, "icmp6-routersolicit": 133,
	"icmp6-routeradvert": 134, "icmp6-neighborsolicit": 135, "icmp6-neighboradvert": 136,
	"icmp6-redirect": 137, "icmp6-routerrenum": 138, "icmp6-multicastlistenerreportv2": 143,
}

// ipProtoNames are the names "proto \NAME" accepts after ip, ip6 or nothing.
var ipProtoNames = map[string]uint32{
	"icmp": 1, "igmp": 2, "tcp": 6, "udp": 17, "ipv6": 41, "ip6": 41, "rsvp": 46, "gre": 47,
	"esp": 50, "ah": 51, "icmp6": 58, "ipv6-icmp": 58, "ospf": 89, "pim": 103,
	"vrrp": 112, "sctp": 132,
}

// etherProtoNames are the names "ether proto \NAME" accepts.
var etherProtoNames = map[string]uint32{
	"ip": 0x0800, "ip6": 0x86dd, "arp": 0x0806, "rarp": 0x8035, "atalk": 0x809b,
	"aarp": 0x80f3, "ipx": 0x8137, "decnet": 0x6003, "lat": 0x6004, "sca": 0x6007,
	"moprc": 0x6002, "mopdl": 0x6001, "loopback": 0x9000,
}

// Transport protocol sets a service name may belong to.
const (
	svcTCP = 1 << iota
	svcUDP
)

// service is a well-known port and the transports it is registered for in
// /etc/services (Debian's, which is what tcpdump here resolves against).
type service struct {
	port   uint16
	protos uint8
}

// services are the port names pcapflow knows; libpcap asks getservbyname,
// which pcapflow does not, so the table is fixed.
var services = map[string]service{
	"ftp-data": {20, svcTCP}, "ftp": {21, svcTCP}, "ssh": {22, svcTCP}, "telnet": {23, svcTCP},
	"smtp": {25, svcTCP}, "mail": {25, svcTCP}, "domain": {53, svcTCP | svcUDP},
	"bootps": {67, svcUDP}, "bootpc": {68, svcUDP}, "tftp": {69, svcUDP},
	"http": {80, svcTCP}, "www": {80, svcTCP}, "pop3": {110, svcTCP}, "ntp": {123, svcUDP},
	"snmp": {161, svcTCP | svcUDP}, "bgp": {179, svcTCP}, "ldap": {389, svcTCP | svcUDP},
	"https": {443, svcTCP | svcUDP}, "isakmp": {500, svcUDP}, "syslog": {514, svcUDP},
	"route": {520, svcUDP}, "router": {520, svcUDP}, "sip": {5060, svcTCP | svcUDP},
	"mdns": {5353, svcUDP},
}
