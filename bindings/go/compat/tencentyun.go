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
// What changes, deliberately (FORMAT.md §5, §7):
//   - Verification checks the signature and rejects tokens issued more than 5 minutes in the
//     future; a malformed, legacy v1 or future token gets a *usersig.VerifyError (matching
//     usersig.ErrMalformed, ErrUnsupportedVersion, ErrNotYetValid) where the official SDK
//     returned a decoding error or nil. The signature is checked before expiry, so a forged
//     and expired token is ErrSigNotMatch.
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

func verify(sdkappid uint64, key, userid, token string, now time.Time, userbuf []byte) error {
	v, err := usersig.NewVerifier(sdkappid, key)
	if err != nil {
		return err
	}
	defer v.Close()
	claims, err := v.VerifyAt(token, userid, now)
	switch {
	case err == nil:
	case errors.Is(err, usersig.ErrSdkAppIDMismatch):
		return ErrSdkAppIDNotMatch
	case errors.Is(err, usersig.ErrIdentifierMismatch):
		return ErrIdentifierNotMatch
	case errors.Is(err, usersig.ErrBadSignature):
		return ErrSigNotMatch
	case errors.Is(err, usersig.ErrExpired):
		return ErrExpired
	default:
		return err
	}
	// The userbuf is signed content, not a secret: a plain comparison is fine.
	if (userbuf == nil) != (claims.Userbuf == nil) {
		return ErrUserBufTypeNotMatch
	}
	if !bytes.Equal(userbuf, claims.Userbuf) {
		return ErrUserBufNotMatch
	}
	return nil
}
