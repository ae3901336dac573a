package usersig

import (
	"runtime"
	"sync"
	"time"
)

// DefaultExpire is the documented default lifetime of a token: 180 days (FORMAT.md §7).
const DefaultExpire = time.Duration(defaultExpireSecs) * time.Second

// Compression is how a Signer compresses the token's JSON (FORMAT.md §4.1); every official
// verifier accepts all three.
type Compression int

const (
	// CompressionStored: zlib stored blocks, the default: fastest to mint and verify (as the
	// official Go SDK since 2024-11).
	CompressionStored = Compression(compressionStored)
	// CompressionFast: zlib level 1 (as the official C++ SDK).
	CompressionFast = Compression(compressionFast)
	// CompressionStandard: zlib level 6, the shortest tokens (as the Python, Node, PHP and
	// Java SDKs).
	CompressionStandard = Compression(compressionStandard)
)

// SignerOption configures NewSigner.
type SignerOption func(*signerConfig)

type signerConfig struct{ compression Compression }

// WithCompression picks the compression of the tokens a Signer mints (default
// CompressionStored).
func WithCompression(c Compression) SignerOption {
	return func(s *signerConfig) { s.compression = c }
}

// Signer mints tokens for one app: an SDKAppID and its key. Create one per app and share it:
// it is safe for concurrent use by any number of goroutines. Close wipes the key; a finalizer
// does so too if Close is forgotten.
type Signer struct {
	mu       sync.RWMutex // read-held by each call, write-held by Close
	h        *cSigner
	sdkappid uint64
}

// NewSigner creates a Signer for sdkappid with the app's key, used as its raw bytes (FORMAT.md
// §1). The library copies the key into a keyed HMAC state; key is not retained.
//
// Errors: ErrEmptyKey; ErrInvalidArgument for an unknown Compression.
func NewSigner(sdkappid uint64, key string, opts ...SignerOption) (*Signer, error) {
	cfg := signerConfig{compression: CompressionStored}
	for _, o := range opts {
		o(&cfg)
	}
	h, err := newSignerHandle(sdkappid, key, cfg.compression)
	if err != nil {
		return nil, err
	}
	s := &Signer{h: h, sdkappid: sdkappid}
	runtime.SetFinalizer(s, (*Signer).free)
	return s, nil
}

// SDKAppID is the app the Signer mints for.
func (s *Signer) SDKAppID() uint64 { return s.sdkappid }

// Close frees the Signer and wipes its key. It waits for calls in progress; later calls
// return ErrClosed. Closing twice is harmless.
func (s *Signer) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.free()
	runtime.SetFinalizer(s, nil)
	return nil
}

func (s *Signer) free() {
	if s.h != nil {
		freeSignerHandle(s.h)
		s.h = nil
	}
}

func (s *Signer) mint(a *mintArgs) (string, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.h == nil {
		return "", ErrClosed
	}
	tok, err := mint(s.h, a)
	runtime.KeepAlive(s)
	return tok, err
}

// UserSig mints a plain token for identifier, issued now and valid for expire (whole
// seconds; DefaultExpire is the usual choice).
//
// Errors: ErrEmptyIdentifier, ErrIdentifierContainsNUL, ErrInvalidUTF8, ErrTooLong,
// ErrExpiryOutOfRange, ErrInvalidArgument (a negative or fractional expire).
func (s *Signer) UserSig(identifier string, expire time.Duration) (string, error) {
	e, err := seconds("expire", expire)
	if err != nil {
		return "", err
	}
	return s.mint(&mintArgs{what: mintPlain, identifier: identifier, expire: e})
}

// UserSigAt is UserSig issued at issuedAt instead of now: the same arguments always give the
// same token.
func (s *Signer) UserSigAt(identifier string, expire time.Duration, issuedAt time.Time) (string, error) {
	e, t, err := secondsAt(expire, issuedAt)
	if err != nil {
		return "", err
	}
	return s.mint(&mintArgs{what: mintPlain, identifier: identifier, expire: e, at: true, time: t})
}

// UserSigWithBuf mints a token carrying userbuf (any bytes, at most 65535; an empty userbuf
// is still carried, FORMAT.md §7).
func (s *Signer) UserSigWithBuf(identifier string, expire time.Duration, userbuf []byte) (string, error) {
	e, err := seconds("expire", expire)
	if err != nil {
		return "", err
	}
	return s.mint(&mintArgs{what: mintUserbuf, identifier: identifier, expire: e, userbuf: userbuf})
}

// UserSigWithBufAt is UserSigWithBuf issued at issuedAt.
func (s *Signer) UserSigWithBufAt(identifier string, expire time.Duration, userbuf []byte, issuedAt time.Time) (string, error) {
	e, t, err := secondsAt(expire, issuedAt)
	if err != nil {
		return "", err
	}
	return s.mint(&mintArgs{what: mintUserbuf, identifier: identifier, expire: e, userbuf: userbuf, at: true, time: t})
}

// PrivateMapKey mints a TRTC PrivateMapKey (FORMAT.md §6) for the numeric room roomID, granting
// privileges, issued now. Its absolute expiry must fit in 32 bits, as must the SDKAppID.
//
// Errors: as UserSig, and ErrSdkAppIDOutOfRange; ErrInvalidArgument for privilege bits above
// PrivAll.
func (s *Signer) PrivateMapKey(identifier string, expire time.Duration, roomID uint32, privileges Privileges) (string, error) {
	e, err := seconds("expire", expire)
	if err != nil {
		return "", err
	}
	return s.mint(&mintArgs{what: mintRoom, identifier: identifier, expire: e, roomID: roomID, privileges: uint32(privileges)})
}

// PrivateMapKeyAt is PrivateMapKey issued at issuedAt.
func (s *Signer) PrivateMapKeyAt(identifier string, expire time.Duration, roomID uint32, privileges Privileges, issuedAt time.Time) (string, error) {
	e, t, err := secondsAt(expire, issuedAt)
	if err != nil {
		return "", err
	}
	return s.mint(&mintArgs{what: mintRoom, identifier: identifier, expire: e, roomID: roomID, privileges: uint32(privileges), at: true, time: t})
}

// PrivateMapKeyStringRoom mints a PrivateMapKey for the string room stringRoom (UTF-8, at most
// 65535 bytes). An empty string room means numeric room 0 (FORMAT.md §6).
func (s *Signer) PrivateMapKeyStringRoom(identifier string, expire time.Duration, stringRoom string, privileges Privileges) (string, error) {
	e, err := seconds("expire", expire)
	if err != nil {
		return "", err
	}
	return s.mint(&mintArgs{what: mintStringRoom, identifier: identifier, expire: e, stringRoom: stringRoom, privileges: uint32(privileges)})
}

// PrivateMapKeyStringRoomAt is PrivateMapKeyStringRoom issued at issuedAt.
func (s *Signer) PrivateMapKeyStringRoomAt(identifier string, expire time.Duration, stringRoom string, privileges Privileges, issuedAt time.Time) (string, error) {
	e, t, err := secondsAt(expire, issuedAt)
	if err != nil {
		return "", err
	}
	return s.mint(&mintArgs{what: mintStringRoom, identifier: identifier, expire: e, stringRoom: stringRoom, privileges: uint32(privileges), at: true, time: t})
}

// seconds converts a duration the format carries in whole seconds, refusing what it cannot
// carry rather than rounding it.
func seconds(name string, d time.Duration) (uint64, error) {
	if d < 0 || d%time.Second != 0 {
		return 0, argError(codeInvalidArgument, name+" must be a non-negative whole number of seconds")
	}
	return uint64(d / time.Second), nil
}

func unixSeconds(t time.Time) (uint64, error) {
	if t.Unix() < 0 {
		return 0, argError(codeClockBeforeEpoch, "time is before 1970")
	}
	return uint64(t.Unix()), nil
}

func secondsAt(expire time.Duration, at time.Time) (uint64, uint64, error) {
	e, err := seconds("expire", expire)
	if err != nil {
		return 0, 0, err
	}
	t, err := unixSeconds(at)
	return e, t, err
}
