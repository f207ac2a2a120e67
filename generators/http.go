package generators

// HTTP/1.1 messages of an exact size for the port-80 connections of the
// mix, written in place without allocating.

// httpPaths are the resources requested; the request is padded to its
// size with an X-Pad header.
var httpPaths = [...]string{"/", "/index.html", "/api/v1/items", "/static/app.js", "/img/logo.png", "/search?q=pcap"}

const (
	httpReqHead  = "GET "
	httpReqMid   = " HTTP/1.1\r\nHost: www.example.com\r\nAccept: */*\r\nX-Pad: "
	httpReqTail  = "\r\n\r\n"
	httpRespHead = "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: "
	httpRespEnd  = "\r\n\r\n"
	// httpMinRequest is the shortest request putHTTPRequest writes: the
	// longest path and a one-letter X-Pad.
	httpMinRequest = len(httpReqHead) + len("/search?q=pcap") + len(httpReqMid) + 1 + len(httpReqTail)
)

// putHTTPRequest fills dst (at least httpMinRequest bytes) with a GET
// request for one of httpPaths, padded with lower-case letters from noise
// (at least len(dst) bytes) in an X-Pad header.
func putHTTPRequest(dst, noise []byte) {
	path := httpPaths[int(noise[0])%len(httpPaths)]
	n := copy(dst, httpReqHead)
	n += copy(dst[n:], path)
	n += copy(dst[n:], httpReqMid)
	k := len(dst) - n - len(httpReqTail)
	for i := range k {
		dst[n+i] = 'a' + noise[1+i]%26
	}
	copy(dst[n+k:], httpReqTail)
}

// putHTTPResponse fills dst with a 200 response whose Content-Length
// counts exactly the body bytes that follow the header in dst; the body
// comes from noise (at least len(dst) bytes). A dst too short for the
// header gets body bytes only (a continuation of an earlier response).
func putHTTPResponse(dst, noise []byte) {
	fixed := len(httpRespHead) + len(httpRespEnd)
	for digits := 1; digits <= 5; digits++ {
		body := len(dst) - fixed - digits
		if body < 0 {
			break
		}
		if decimalDigits(body) != digits {
			continue
		}
		n := copy(dst, httpRespHead)
		putDecimal(dst[n:n+digits], body)
		n += digits
		n += copy(dst[n:], httpRespEnd)
		copy(dst[n:], noise[:body])
		return
	}
	copy(dst, noise[:len(dst)])
}

// decimalDigits returns the number of decimal digits of v ≥ 0.
func decimalDigits(v int) int {
	d := 1
	for v >= 10 {
		v /= 10
		d++
	}
	return d
}

// putDecimal writes v ≥ 0 right-aligned into dst in decimal.
func putDecimal(dst []byte, v int) {
	for i := len(dst) - 1; i >= 0; i-- {
		dst[i] = '0' + byte(v%10)
		v /= 10
	}
}
