package usersig

import (
	"math"
	"runtime"
	"sync"
	"time"
)

// Option configures NewVerifier.
type Option func(*verifierConfig)

type verifierConfig struct {
	skew, leeway                uint64
	maxTokenLen, maxInflatedLen int
	err                         error
}

// WithMaxFutureSkew sets how far in the future a token's issue time may be (FORMAT.md §5.6;
// default 5 minutes). Whole seconds.
func WithMaxFutureSkew(d time.Duration) Option {
	return func(c *verifierConfig) { c.skew, c.err = firstErr(c.err, "max future skew", d) }
}

// WithLeeway sets how long after its expiry a token is still accepted (default 0). Whole
// seconds.
func WithLeeway(d time.Duration) Option {
	return func(c *verifierConfig) { c.leeway, c.err = firstErr(c.err, "leeway", d) }
}

// WithLimits sets the size limits enforced while decoding (FORMAT.md §5.1: by default 16 KiB of
// token text, 64 KiB inflated). Raising them raises what an attacker's token may cost.
func WithLimits(maxTokenLen, maxInflatedLen int) Option {
	return func(c *verifierConfig) {
		if maxTokenLen < 0 || maxInflatedLen < 0 {
			if c.err == nil {
				c.err = argError(codeInvalidArgument, "limits must not be negative")
			}
			return
		}
		c.maxTokenLen, c.maxInflatedLen = maxTokenLen, maxInflatedLen
	}
}

func firstErr(prev error, name string, d time.Duration) (uint64, error) {
	v, err := seconds(name, d)
	if prev != nil {
		return v, prev
	}
	return v, err
}

// Verifier verifies tokens for one app with fixed settings. Safe for concurrent use by any
// number of goroutines. Close wipes the key; a finalizer does so too if Close is forgotten.
type Verifier struct {
	mu       sync.RWMutex // read-held by each call, write-held by Close
	h        *cVerifier
	sdkappid uint64
}

// NewVerifier creates a Verifier for sdkappid with the app's key (raw bytes, FORMAT.md §1).
//
// Errors: ErrEmptyKey; ErrInvalidArgument for a bad option.
func NewVerifier(sdkappid uint64, key string, opts ...Option) (*Verifier, error) {
	cfg := verifierConfig{
		skew:           defaultSkewSecs,
		maxTokenLen:    defaultMaxTokenLen,
		maxInflatedLen: defaultMaxInflatedLen,
	}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.err != nil {
		return nil, cfg.err
	}
	h, err := newVerifierHandle(sdkappid, key, &cfg)
	if err != nil {
		return nil, err
	}
	v := &Verifier{h: h, sdkappid: sdkappid}
	runtime.SetFinalizer(v, (*Verifier).free)
	return v, nil
}

// SDKAppID is the app the Verifier accepts tokens for.
func (v *Verifier) SDKAppID() uint64 { return v.sdkappid }

// Close frees the Verifier and wipes its key. It waits for calls in progress; later calls
// return ErrClosed. Closing twice is harmless.
func (v *Verifier) Close() error {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.free()
	runtime.SetFinalizer(v, nil)
	return nil
}

func (v *Verifier) free() {
	if v.h != nil {
		freeVerifierHandle(v.h)
		v.h = nil
	}
}

func (v *Verifier) verify(a *verifyArgs) (*Claims, error) {
	v.mu.RLock()
	defer v.mu.RUnlock()
	if v.h == nil {
		return nil, ErrClosed
	}
	c, err := verify(v.h, a)
	runtime.KeepAlive(v)
	return c, err
}

// Verify checks token for identifier against the system clock, with no userbuf requirement.
// Checks run in FORMAT.md §5 order and the first failure is returned: a *VerifyError matching one
// of ErrMalformed ... ErrUserbufMismatch.
func (v *Verifier) Verify(token, identifier string) (*Claims, error) {
	return v.verify(&verifyArgs{token: token, identifier: identifier})
}

// VerifyAt is Verify as of now instead of the system clock.
func (v *Verifier) VerifyAt(token, identifier string, now time.Time) (*Claims, error) {
	t, err := unixSeconds(now)
	if err != nil {
		return nil, err
	}
	return v.verify(&verifyArgs{token: token, identifier: identifier, at: true, now: t})
}

// VerifyExpect is Verify that also requires the token's userbuf to meet expect (FORMAT.md §5.8),
// failing with ErrUserbufMismatch otherwise.
func (v *Verifier) VerifyExpect(token, identifier string, expect Expect) (*Claims, error) {
	return v.verify(&verifyArgs{token: token, identifier: identifier, expect: &expect})
}

// VerifyExpectAt is VerifyExpect as of now instead of the system clock.
func (v *Verifier) VerifyExpectAt(token, identifier string, expect Expect, now time.Time) (*Claims, error) {
	t, err := unixSeconds(now)
	if err != nil {
		return nil, err
	}
	return v.verify(&verifyArgs{token: token, identifier: identifier, expect: &expect, at: true, now: t})
}

// Expect is what a caller requires of a token's userbuf. The zero value requires nothing.
type Expect struct {
	kind       int32
	userbuf    []byte
	roomID     uint32
	stringRoom string
	privileges Privileges
}

// ExpectNoUserbuf requires a token without a userbuf.
func ExpectNoUserbuf() Expect { return Expect{kind: expectNoUserbuf} }

// ExpectUserbuf requires a token carrying exactly userbuf (empty included).
func ExpectUserbuf(userbuf []byte) Expect { return Expect{kind: expectUserbuf, userbuf: userbuf} }

// ExpectRoom requires a PrivateMapKey for the numeric room roomID granting at least
// privileges, for this token's identifier and SDKAppID, not yet expired.
func ExpectRoom(roomID uint32, privileges Privileges) Expect {
	return Expect{kind: expectRoom, roomID: roomID, privileges: privileges}
}

// ExpectStringRoom requires a PrivateMapKey for the string room stringRoom granting at least
// privileges (an empty string room means numeric room 0, FORMAT.md §6).
func ExpectStringRoom(stringRoom string, privileges Privileges) Expect {
	return Expect{kind: expectStringRoom, stringRoom: stringRoom, privileges: privileges}
}

// Claims is what a valid token says.
type Claims struct {
	Identifier string // equal, byte for byte, to the identifier passed to Verify
	SDKAppID   uint64 // TLS.sdkappid
	Time       uint64 // TLS.time: the issue time, Unix seconds
	Expire     uint64 // TLS.expire: the lifetime, seconds
	ExpiresAt  uint64 // Time + Expire: the last second the token is valid, Unix seconds
	// Userbuf is the decoded userbuf: nil without one, non-nil (maybe empty) with one.
	Userbuf []byte
	// PrivateMapKey describes the userbuf read as a TRTC PrivateMapKey (FORMAT.md §6), or is nil.
	// Only a Verify with ExpectRoom or ExpectStringRoom checks it against the token.
	PrivateMapKey *PrivateMapKey
}

// IssuedAt is Time as a time.Time.
func (c *Claims) IssuedAt() time.Time { return unixTime(c.Time) }

// Expiry is ExpiresAt as a time.Time.
func (c *Claims) Expiry() time.Time { return unixTime(c.ExpiresAt) }

func unixTime(s uint64) time.Time {
	// Beyond the year 292277026596 time.Time cannot count; such a token is valid forever.
	const max = math.MaxInt64 / 2
	if s > max {
		s = max
	}
	return time.Unix(int64(s), 0)
}

// PrivateMapKey is a TRTC PrivateMapKey read from a token's userbuf: what the app signed,
// checked against a room only by a Verify with ExpectRoom or ExpectStringRoom.
type PrivateMapKey struct {
	Account       string     // the account (identifier) the key is for
	HasStringRoom bool       // the key names a string room (StringRoom), not a numeric one (RoomID)
	StringRoom    string     // the string room; "" for a numeric room
	RoomID        uint32     // the numeric room; 0 for a string room
	Privileges    Privileges // the privileges granted
	ExpiresAt     uint32     // the absolute expiry, Unix seconds
}
