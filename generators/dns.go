package generators

import (
	"encoding/binary"
	"strings"
)

// dnsNames are the query names of the mix's DNS-like traffic.
var dnsNames = []string{
	"www.example.com", "api.example.net", "cdn.example.org", "mail.example.com",
	"time.example.net", "static.example.org", "login.example.com", "img.example.net",
	"update.example.org", "news.example.com", "video.example.net", "chat.example.org",
	"files.example.com", "maps.example.net", "docs.example.org", "shop.example.com",
}

// encodeName returns a domain name in DNS wire format.
func encodeName(name string) []byte {
	var b []byte
	for _, l := range strings.Split(name, ".") {
		b = append(b, byte(len(l)))
		b = append(b, l...)
	}
	return append(b, 0)
}

// dnsLen is the length of a DNS message for query name qname (wire format):
// the question, plus one answer of rdlen address bytes when answer is set.
func dnsLen(qname []byte, answer bool, rdlen int) int {
	n := 12 + len(qname) + 4
	if answer {
		n += 12 + rdlen
	}
	return n
}

// putDNS writes a standard query (or its answer, when rdata is not nil)
// for qname with id. The answer's name is a pointer to the question.
func putDNS(b []byte, id uint16, qname []byte, qtype uint16, rdata []byte) {
	binary.BigEndian.PutUint16(b[0:], id)
	flags, an := uint16(0x0100), uint16(0) // RD
	if rdata != nil {
		flags, an = 0x8180, 1 // QR RD RA, no error
	}
	binary.BigEndian.PutUint16(b[2:], flags)
	binary.BigEndian.PutUint16(b[4:], 1)
	binary.BigEndian.PutUint16(b[6:], an)
	binary.BigEndian.PutUint32(b[8:], 0)
	o := 12 + copy(b[12:], qname)
	binary.BigEndian.PutUint16(b[o:], qtype)
	binary.BigEndian.PutUint16(b[o+2:], 1) // IN
	o += 4
	if rdata == nil {
		return
	}
	binary.BigEndian.PutUint16(b[o:], 0xc00c)
	binary.BigEndian.PutUint16(b[o+2:], qtype)
	binary.BigEndian.PutUint16(b[o+4:], 1)
	binary.BigEndian.PutUint32(b[o+6:], 300)
	binary.BigEndian.PutUint16(b[o+10:], uint16(len(rdata)))
	copy(b[o+12:], rdata)
}
