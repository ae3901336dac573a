package tencentyun

import (
	"time"

	usersig "usersig/bindings/go"
)

// The official verifier checks expiry and the userbuf before the signature; the usersig
// library checks the signature first and returns no claims with a failure. So when the
// library rejects a token that it has parsed (signature, issue time or expiry), this file
// asks the library's key-less inspection (usersig.Inspect) for the claims those official
// checks need. Tokens are decoded by the library alone, with the verifier's decoders and its
// default size limits (docs/FORMAT.md §4-5): nothing here decodes a token.
//
// It only runs on tokens the library has already decoded strictly (§5.1-5.2), and refuses
// any the inspection says no verifier would take, so the values read here are the ones the
// verifier read. It decides nothing but which error a rejected token gets: no token is ever
// accepted on what this file reads.

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

// readClaims reads token's time, expire and userbuf through the library's inspection; ok is
// false when the inspection cannot describe the token, or says that no verifier would take
// it (a field missing, duplicated or of the wrong type, a userbuf that does not decode, a v1
// token).
func readClaims(token string) (c *claims, ok bool) {
	in, err := usersig.Inspect(token)
	if err != nil || in.LegacyV1 || in.Time == nil || in.Expire == nil {
		return nil, false
	}
	for _, w := range in.Warnings {
		if w.Code == "will_not_verify" {
			return nil, false
		}
	}
	return &claims{time: *in.Time, expire: *in.Expire, userbuf: in.Userbuf}, true
}
