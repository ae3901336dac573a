// Package tencentyun has the exported names and signatures of the official Go SDK
// (github.com/tencentyun/tls-sig-api-v2-golang/tencentyun), implemented with usersig:
// switching from the official SDK means changing the import path only.
//
//	import "github.com/tencentyun/tls-sig-api-v2-golang/tencentyun"
//
// becomes
//
//	import "usersig/bindings/go/compat" // package tencentyun
//
// VerifyUserSig and VerifyUserSigWithBuf return the official error values, checked in the
// official SDK's order (that of its unexported verify method), the first failure
// winning:
//
//  1. ErrSdkAppIDNotMatch: TLS.sdkappid is not sdkappid;
//  2. ErrIdentifierNotMatch: TLS.identifier is not userid;
//  3. ErrExpired: now is after TLS.time + TLS.expire (valid at that very second);
//  4. ErrUserBufTypeNotMatch: the token has a userbuf and userbuf is nil, or the reverse;
//  5. ErrUserBufNotMatch: the token's userbuf is not exactly userbuf;
//  6. ErrSigNotMatch: the HMAC is not the key's (compared in constant time).
//
// So a token with a wrong key and a wrong userbuf is ErrUserBufTypeNotMatch or
// ErrUserBufNotMatch, and an expired one with a wrong key is ErrExpired, as in the official
// SDK. Checks 1-5 read claims the signature has not vouched for yet: only nil says the token
// is genuine. An ErrExpired token may be forged, so never renew a token because of
// ErrExpired alone: authenticate the user first.
//
// What changes, deliberately (docs/FORMAT.md §5, §7), where the official SDK is unsafe:
//   - Structure first, strictly: a token that is not valid base64 (§4.2-4.3), zlib and JSON
//     with every field of its type, once (no duplicated or missing key, no quoted or negative
//     number), or longer than 16 KiB or inflating beyond 64 KiB, gets a *usersig.VerifyError
//     matching usersig.ErrMalformed before checks 1-6; a TLS.ver other than "2.0" or a legacy
//     v1 token, usersig.ErrUnsupportedVersion. The official SDK returns its base64 or zlib
//     error but, for JSON it cannot decode, no error and a blank token that checks 1-6 then
//     judge, and it reads missing numbers as 0. Why: the limits make a decompression bomb
//     cost nothing, and strict parsing leaves no doubt about which value was checked and
//     signed.
//   - Issue time: a token issued more than 5 minutes after now is rejected with a
//     *usersig.VerifyError matching usersig.ErrNotYetValid. This check runs after checks 1-6,
//     so it only turns away tokens the official SDK accepts. Why: the official SDK has no such
//     check, so a token minted ahead (by a skewed or compromised clock) stays valid longer
//     than its lifetime.
//   - An empty key is usersig.ErrEmptyKey, whatever the token, where the official SDK
//     verifies HMACs under the empty key. Why: anyone can mint those; an empty key is a
//     misconfiguration to report, not a key.
//   - A now before 1970 is usersig.ErrClockBeforeEpoch, whatever the token: the library counts
//     time in unsigned seconds, and a clock that wrong makes every time check meaningless.
//   - The signature is compared in constant time (the official SDK uses bytes.Equal), which
//     changes no result but leaks nothing through timing.
//
// And in minting:
//   - An empty key, an empty identifier, a negative sdkappid or expire are errors (matching
//     usersig.ErrEmptyKey, ...), not tokens that can never verify.
//   - GenUserSigWithBuf with an empty, non-nil buf carries the empty userbuf (the official
//     SDK dropped it while still signing it, so its token never verified).
//
// For new code prefer the usersig package: a Signer or Verifier created once per app does
// the key setup once, where each call here does it again.
package tencentyun

import (
	"bytes"
	"compress/zlib"
	"errors"
	"math"
	"time"

	usersig "usersig/bindings/go"
)

// DefaultCompressionLevel is the zlib level of the tokens minted here, as in the official
// SDK: zlib.NoCompression by default. zlib.BestSpeed mints level 1; any other level mints
// level 6 (the shortest tokens).
var DefaultCompressionLevel = zlib.NoCompression

// The official SDK's verification errors, returned as these very values (compare with ==
// or errors.Is).
var (
	ErrSdkAppIDNotMatch    = errors.New("sdk appid not match")
	ErrIdentifierNotMatch  = errors.New("identifier not match")
	ErrExpired             = errors.New("expired")
	ErrUserBufTypeNotMatch = errors.New("userbuf type not match")
	ErrUserBufNotMatch     = errors.New("userbuf not match")
	ErrSigNotMatch         = errors.New("sig not match")
)

// GenUserSig mints a UserSig for userid, valid for expire seconds from now.
func GenUserSig(sdkappid int, key string, userid string, expire int) (string, error) {
	return gen(sdkappid, key, expire, func(s *usersig.Signer, e time.Duration) (string, error) {
		return s.UserSig(userid, e)
	})
}

// GenUserSigWithBuf mints a UserSig carrying buf as its userbuf (none when buf is nil).
func GenUserSigWithBuf(sdkappid int, key string, userid string, expire int, buf []byte) (string, error) {
	return gen(sdkappid, key, expire, func(s *usersig.Signer, e time.Duration) (string, error) {
		if buf == nil {
			return s.UserSig(userid, e)
		}
		return s.UserSigWithBuf(userid, e, buf)
	})
}

// GenPrivateMapKey mints a TRTC PrivateMapKey for the numeric room roomid granting the
// privilege bits privilegeMap (255: all), valid for expire seconds from now.
func GenPrivateMapKey(sdkappid int, key string, userid string, expire int, roomid uint32, privilegeMap uint32) (string, error) {
	return gen(sdkappid, key, expire, func(s *usersig.Signer, e time.Duration) (string, error) {
		return s.PrivateMapKey(userid, e, roomid, usersig.Privileges(privilegeMap))
	})
}

// GenPrivateMapKeyWithStringRoomID mints a TRTC PrivateMapKey for the string room roomStr.
func GenPrivateMapKeyWithStringRoomID(sdkappid int, key string, userid string, expire int, roomStr string, privilegeMap uint32) (string, error) {
	return gen(sdkappid, key, expire, func(s *usersig.Signer, e time.Duration) (string, error) {
		return s.PrivateMapKeyStringRoom(userid, e, roomStr, usersig.Privileges(privilegeMap))
	})
}

// VerifyUserSig checks that usersig is a valid UserSig without a userbuf for userid at now.
func VerifyUserSig(sdkappid uint64, key string, userid string, usersig string, now time.Time) error {
	return verify(sdkappid, key, userid, usersig, now, nil)
}

// VerifyUserSigWithBuf checks that usersig is valid for userid at now and carries exactly
// userbuf (or, when userbuf is nil, no userbuf).
func VerifyUserSigWithBuf(sdkappid uint64, key string, userid string, usersig string, now time.Time, userbuf []byte) error {
	return verify(sdkappid, key, userid, usersig, now, userbuf)
}

func compression() usersig.Compression {
	switch DefaultCompressionLevel {
	case zlib.NoCompression:
		return usersig.CompressionStored
	case zlib.BestSpeed:
		return usersig.CompressionFast
	default:
		return usersig.CompressionStandard
	}
}

var errRange = errors.New("tencentyun: sdkappid and expire must not be negative, nor expire above 292 years")

func gen(sdkappid int, key string, expire int, mint func(*usersig.Signer, time.Duration) (string, error)) (string, error) {
	if sdkappid < 0 || expire < 0 || int64(expire) > int64(math.MaxInt64/time.Second) {
		return "", errRange
	}
	s, err := usersig.NewSigner(uint64(sdkappid), key, usersig.WithCompression(compression()))
	if err != nil {
		return "", err
	}
	defer s.Close()
	return mint(s, time.Duration(expire)*time.Second)
}

// verify checks in the official SDK's order (see the package doc). The usersig library runs
// the checks that come first in both orders (structure, sdkappid, identifier) and the
// signature; nil is returned only when it accepted the token.
func verify(sdkappid uint64, key, userid, token string, now time.Time, userbuf []byte) error {
	v, err := usersig.NewVerifier(sdkappid, key)
	if err != nil {
		return err
	}
	defer v.Close()
	got, err := v.VerifyAt(token, userid, now)
	switch {
	case err == nil:
		// Genuine, issued in the past and not expired: the userbuf comes next.
		return checkUserbuf(userbuf, got.Userbuf)
	case errors.Is(err, usersig.ErrSdkAppIDMismatch):
		return ErrSdkAppIDNotMatch
	case errors.Is(err, usersig.ErrIdentifierMismatch):
		return ErrIdentifierNotMatch
	case errors.Is(err, usersig.ErrBadSignature), errors.Is(err, usersig.ErrNotYetValid),
		errors.Is(err, usersig.ErrExpired):
		// The library stopped at the signature or after it; officially expiry and the
		// userbuf come before the signature, and there is no issue-time check at all.
		if c, ok := readClaims(token); ok {
			if c.expiredAt(now) {
				return ErrExpired
			}
			if err := checkUserbuf(userbuf, c.userbuf); err != nil {
				return err
			}
		}
		switch {
		case errors.Is(err, usersig.ErrBadSignature):
			return ErrSigNotMatch
		case errors.Is(err, usersig.ErrExpired):
			return ErrExpired
		}
		return err // ErrNotYetValid: only where the official SDK returns nil
	default:
		// Malformed, unsupported version, or now before 1970.
		return err
	}
}

// checkUserbuf is the official userbuf rule: a nil want means no userbuf (present vs absent
// is ErrUserBufTypeNotMatch), otherwise exactly want. The userbuf is signed content, not a
// secret: a plain comparison is fine.
func checkUserbuf(want, have []byte) error {
	if (want == nil) != (have == nil) {
		return ErrUserBufTypeNotMatch
	}
	if !bytes.Equal(want, have) {
		return ErrUserBufNotMatch
	}
	return nil
}
