package tencentyun

import (
	"bytes"
	"compress/zlib"
	"encoding/base64"
	"encoding/json"
	"io"
	"strings"
	"time"
)

// The official verifier checks expiry and the userbuf before the signature; the usersig
// library checks the signature first and returns no claims with a failure. So when the
// library rejects a token that it has parsed (signature, issue time or expiry), this file
// reads the claims those official checks need straight from the token (docs/FORMAT.md §3-4).
//
// It only runs on tokens the library has already decoded strictly (§5.1-5.2: within the size
// limits, no duplicated or missing key, every field of its type), so the values read here are
// the ones the library read, and it decides nothing but which error a rejected token gets:
// no token is ever accepted on what this file reads.

// The library's default limits (FORMAT.md §5.1), enforced again here so this decoder costs no
// more than the library's did.
const (
	maxTokenLen    = 16 << 10
	maxInflatedLen = 64 << 10
)

// claims are the token's unauthenticated fields that the official SDK checks before the
// signature.
type claims struct {
	time, expire uint64
	userbuf      []byte // nil when the token has no TLS.userbuf
}

// expiredAt is the official rule (now > time + expire), computed without overflow.
func (c *claims) expiredAt(now time.Time) bool {
	n := now.Unix()
	if n < 0 {
		return false
	}
	t := uint64(n)
	return t > c.time && t-c.time > c.expire
}

// readClaims decodes token (§4.2-4.3 text, §4.1 zlib, §3 JSON) for its time, expire and
// userbuf; ok is false when any layer fails.
func readClaims(token string) (c *claims, ok bool) {
	if len(token) > maxTokenLen {
		return nil, false
	}
	compressed, ok := decodeB64(token, true)
	if !ok {
		return nil, false
	}
	zr, err := zlib.NewReader(bytes.NewReader(compressed))
	if err != nil {
		return nil, false
	}
	doc, err := io.ReadAll(io.LimitReader(zr, maxInflatedLen+1))
	if err != nil || len(doc) > maxInflatedLen {
		return nil, false
	}
	// A map keeps the keys exact: decoding into a struct would also match "tls.time", a key
	// the library skips as unknown.
	var fields map[string]json.RawMessage
	if json.Unmarshal(doc, &fields) != nil {
		return nil, false
	}
	c = &claims{}
	if !field(fields["TLS.time"], &c.time) || !field(fields["TLS.expire"], &c.expire) {
		return nil, false
	}
	if raw, has := fields["TLS.userbuf"]; has {
		var text string
		if !field(raw, &text) {
			return nil, false
		}
		if c.userbuf, ok = decodeB64(text, false); !ok {
			return nil, false
		}
	}
	return c, true
}

// field decodes a JSON value of v's type; a missing value or null (which encoding/json would
// leave as the zero value) fails.
func field(raw json.RawMessage, v interface{}) bool {
	return len(raw) > 0 && string(raw) != "null" && json.Unmarshal(raw, v) == nil
}

// decodeB64 decodes base64 as §4.3 allows: ASCII whitespace ignored, padding optional and,
// for the token text (substituted), the * - _ spelling of + / = too. An empty text is an
// empty, non-nil slice.
func decodeB64(s string, substituted bool) ([]byte, bool) {
	s = strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '\n', '\r', '\f', '\v':
			return -1
		}
		if substituted {
			switch r {
			case '*':
				return '+'
			case '-':
				return '/'
			case '_':
				return '='
			}
		}
		return r
	}, s)
	b, err := base64.RawStdEncoding.DecodeString(strings.TrimRight(s, "="))
	if err != nil {
		return nil, false
	}
	return b, true
}
