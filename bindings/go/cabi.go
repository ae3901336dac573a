package usersig

// The cgo boundary for tokens, inspection and REST: every such call into the C ABI
// (include/usersig.h) goes through this file; the callback verifiers have theirs in
// callback.go, under the same rules.
//
// cgo's rules, and how this file keeps them:
//   - Go memory passed to C must hold no Go pointers: strings cross as _GoString_ values and
//     byte slices as (pointer, length) arguments; the usersig_expect struct that points at them
//     is built on the C stack inside the wrapper, never in Go memory.
//   - C keeps no Go pointer after the call: the library reads inputs during the call only
//     (header: "keeps no caller pointer after it returns").
//   - A handle must outlive every call that uses it: callers hold the handle's read lock
//     for the call and runtime.KeepAlive it afterwards, so neither Close nor the finalizer
//     can free it mid-call.

/*
#include <stdlib.h>
#include "usersig.h"

// (NULL, 0) for the empty string, as the header's input convention reads best.
static inline const char *us_ptr(_GoString_ s) {
	return _GoStringLen(s) == 0 ? NULL : _GoStringPtr(s);
}

static int us_signer_new(uint64_t sdkappid, _GoString_ key, int compression,
                         usersig_signer **out) {
	return usersig_signer_new(sdkappid, us_ptr(key), _GoStringLen(key), compression, out);
}

static int us_verifier_new(uint64_t sdkappid, _GoString_ key, uint64_t skew, uint64_t leeway,
                           size_t max_token, size_t max_inflated, usersig_verifier **out) {
	return usersig_verifier_new(sdkappid, us_ptr(key), _GoStringLen(key), skew, leeway,
	                            max_token, max_inflated, out);
}

// The usersig_mint_params struct is built here, on the C stack, from Go values that hold no Go
// pointers, so each Go call is one cgo call.
static int us_mint(const usersig_signer *s, int32_t kind, _GoString_ id, uint64_t expire,
                   int at, uint64_t now, const uint8_t *userbuf, size_t userbuf_len,
                   uint32_t room_id, _GoString_ string_room, uint32_t privileges,
                   char *out, size_t cap, size_t *len) {
	usersig_mint_params p;
	p.kind = kind;
	p.identifier = us_ptr(id);
	p.identifier_len = _GoStringLen(id);
	p.expire = expire;
	p.userbuf = userbuf;
	p.userbuf_len = userbuf_len;
	p.room_id = room_id;
	p.string_room = us_ptr(string_room);
	p.string_room_len = _GoStringLen(string_room);
	p.privileges = privileges;
	return at ? usersig_mint_at(s, &p, now, out, cap, len) : usersig_mint(s, &p, out, cap, len);
}

static int us_verify(const usersig_verifier *v, _GoString_ token, _GoString_ id, int at,
                     uint64_t now, int32_t kind, const uint8_t *userbuf, size_t userbuf_len,
                     uint32_t room_id, _GoString_ string_room, uint32_t privileges,
                     usersig_claims *claims, uint8_t *userbuf_out, size_t userbuf_cap) {
	usersig_expect e;
	e.kind = kind;
	e.userbuf = userbuf;
	e.userbuf_len = userbuf_len;
	e.room_id = room_id;
	e.string_room = us_ptr(string_room);
	e.string_room_len = _GoStringLen(string_room);
	e.privileges = privileges;
	const usersig_expect *ep = kind == USERSIG_EXPECT_ANYTHING ? NULL : &e;
	if (at)
		return usersig_verify_at(v, us_ptr(token), _GoStringLen(token), us_ptr(id),
		                         _GoStringLen(id), now, ep, claims, userbuf_out, userbuf_cap);
	return usersig_verify(v, us_ptr(token), _GoStringLen(token), us_ptr(id), _GoStringLen(id),
	                      ep, claims, userbuf_out, userbuf_cap);
}

static int us_inspect(_GoString_ token, int at, uint64_t now, char *out, size_t cap,
                      size_t *len) {
	if (at)
		return usersig_inspect_at(us_ptr(token), _GoStringLen(token), now, out, cap, len);
	return usersig_inspect(us_ptr(token), _GoStringLen(token), out, cap, len);
}

// The fixed random, when there is one, lives on the C stack for the call.
static int us_rest_url(_GoString_ endpoint, _GoString_ service, _GoString_ command,
                       uint64_t sdkappid, _GoString_ id, _GoString_ sig, int fixed,
                       uint32_t random, char *out, size_t cap, size_t *len) {
	const uint32_t *r = fixed ? &random : NULL;
	return usersig_rest_url(us_ptr(endpoint), _GoStringLen(endpoint), us_ptr(service),
	                        _GoStringLen(service), us_ptr(command), _GoStringLen(command),
	                        sdkappid, us_ptr(id), _GoStringLen(id), us_ptr(sig),
	                        _GoStringLen(sig), r, out, cap, len);
}
*/
import "C"

import (
	"sync"
	"unsafe"
)

// Result codes, from the header.
const (
	codeOK                 = int(C.USERSIG_OK)
	codeMalformed          = int(C.USERSIG_ERR_MALFORMED)
	codeUnsupported        = int(C.USERSIG_ERR_UNSUPPORTED_VERSION)
	codeSdkAppIDMismatch   = int(C.USERSIG_ERR_SDKAPPID_MISMATCH)
	codeIdentifierMismatch = int(C.USERSIG_ERR_IDENTIFIER_MISMATCH)
	codeBadSignature       = int(C.USERSIG_ERR_BAD_SIGNATURE)
	codeNotYetValid        = int(C.USERSIG_ERR_NOT_YET_VALID)
	codeExpired            = int(C.USERSIG_ERR_EXPIRED)
	codeUserbufMismatch    = int(C.USERSIG_ERR_USERBUF_MISMATCH)
	codeMissingSignature   = int(C.USERSIG_ERR_MISSING_SIGNATURE)
	codeStale              = int(C.USERSIG_ERR_STALE)
	codeEmptyKey           = int(C.USERSIG_ERR_EMPTY_KEY)
	codeEmptyIdentifier    = int(C.USERSIG_ERR_EMPTY_IDENTIFIER)
	codeIdentifierNul      = int(C.USERSIG_ERR_IDENTIFIER_CONTAINS_NUL)
	codeTooLong            = int(C.USERSIG_ERR_TOO_LONG)
	codeExpiryOutOfRange   = int(C.USERSIG_ERR_EXPIRY_OUT_OF_RANGE)
	codeSdkAppIDOutOfRange = int(C.USERSIG_ERR_SDKAPPID_OUT_OF_RANGE)
	codeClockBeforeEpoch   = int(C.USERSIG_ERR_CLOCK_BEFORE_EPOCH)
	codeNullArgument       = int(C.USERSIG_ERR_NULL_ARGUMENT)
	codeInvalidUTF8        = int(C.USERSIG_ERR_INVALID_UTF8)
	codeInvalidArgument    = int(C.USERSIG_ERR_INVALID_ARGUMENT)
	codeBufferTooSmall     = int(C.USERSIG_ERR_BUFFER_TOO_SMALL)
	codeUnknownRegion      = int(C.USERSIG_ERR_UNKNOWN_REGION)
	codeBadBaseURL         = int(C.USERSIG_ERR_BAD_BASE_URL)
	codeBadPathSegment     = int(C.USERSIG_ERR_BAD_PATH_SEGMENT)
	codeMissingSdkAppID    = int(C.USERSIG_ERR_MISSING_SDKAPPID)
	codeEmptyUsersig       = int(C.USERSIG_ERR_EMPTY_USERSIG)
	codePanic              = int(C.USERSIG_ERR_PANIC)
)

const (
	mintPlain      = C.int32_t(C.USERSIG_MINT_PLAIN)
	mintUserbuf    = C.int32_t(C.USERSIG_MINT_USERBUF)
	mintRoom       = C.int32_t(C.USERSIG_MINT_ROOM)
	mintStringRoom = C.int32_t(C.USERSIG_MINT_STRING_ROOM)
)

// The handle types, for the files that do not import "C".
type (
	cSigner   = C.usersig_signer
	cVerifier = C.usersig_verifier
)

// Version is the linked library's version, "MAJOR.MINOR.PATCH".
func Version() string { return C.GoString(C.usersig_version()) }

func errorKind(code int) string    { return C.GoString(C.usersig_error_kind(C.int(code))) }
func errorMessage(code int) string { return C.GoString(C.usersig_error_message(C.int(code))) }

// bytesPtr is the (pointer, length) input convention for a byte slice: (NULL, 0) when empty.
func bytesPtr(b []byte) (*C.uint8_t, C.size_t) {
	if len(b) == 0 {
		return nil, 0
	}
	return (*C.uint8_t)(unsafe.Pointer(&b[0])), C.size_t(len(b))
}

// Scratch buffers for tokens and userbufs: large enough for ordinary tokens and
// PrivateMapKeys, so the common call allocates only its result. Larger outputs are retried
// with an exact buffer.
const scratchSize = 1024

var scratch = sync.Pool{New: func() any { return new([scratchSize]byte) }}

// mintArgs are the inputs of one minting call.
type mintArgs struct {
	what       C.int32_t
	identifier string
	expire     uint64
	at         bool
	time       uint64
	userbuf    []byte
	roomID     uint32
	stringRoom string
	privileges uint32
}

func cBool(b bool) C.int {
	if b {
		return 1
	}
	return 0
}

// mint calls the library and returns the token. The caller holds the signer's handle alive.
func mint(s *C.usersig_signer, a *mintArgs) (string, error) {
	ub, ubLen := bytesPtr(a.userbuf)
	buf := scratch.Get().(*[scratchSize]byte)
	defer scratch.Put(buf)
	out := buf[:]
	// A token minted "now" may change length between two calls (the clock ticks over a
	// digit), hence a loop rather than one retry.
	for attempt := 0; ; attempt++ {
		var n C.size_t
		rc := int(C.us_mint(s, a.what, a.identifier, C.uint64_t(a.expire), cBool(a.at),
			C.uint64_t(a.time), ub, ubLen, C.uint32_t(a.roomID), a.stringRoom,
			C.uint32_t(a.privileges), (*C.char)(unsafe.Pointer(&out[0])), C.size_t(len(out)), &n))
		switch {
		case rc == codeOK:
			return string(out[:n]), nil
		case rc == codeBufferTooSmall && attempt < 3:
			out = make([]byte, int(n)+64)
		default:
			return "", newError(rc)
		}
	}
}

// verifyArgs are the inputs of one verification call.
type verifyArgs struct {
	token, identifier string
	at                bool
	now               uint64
	expect            *Expect
}

func verify(v *C.usersig_verifier, a *verifyArgs) (*Claims, error) {
	var e Expect
	if a.expect != nil {
		e = *a.expect
	}
	ub, ubLen := bytesPtr(e.userbuf)
	buf := scratch.Get().(*[scratchSize]byte)
	defer scratch.Put(buf)
	out := buf[:]
	for attempt := 0; ; attempt++ {
		var c C.usersig_claims
		rc := int(C.us_verify(v, a.token, a.identifier, cBool(a.at), C.uint64_t(a.now),
			C.int32_t(e.kind), ub, ubLen, C.uint32_t(e.roomID), e.stringRoom,
			C.uint32_t(e.privileges), &c, (*C.uint8_t)(unsafe.Pointer(&out[0])),
			C.size_t(len(out))))
		switch {
		case rc == codeOK:
			return claimsFrom(a.identifier, &c, out), nil
		case rc == codeBufferTooSmall && attempt < 3:
			out = make([]byte, int(c.userbuf_len)+1)
		default:
			return nil, newError(rc)
		}
	}
}

func claimsFrom(identifier string, c *C.usersig_claims, userbuf []byte) *Claims {
	claims := &Claims{
		Identifier: identifier,
		SDKAppID:   uint64(c.sdkappid),
		Time:       uint64(c.time),
		Expire:     uint64(c.expire),
		ExpiresAt:  uint64(c.expires_at),
	}
	if bool(c.has_userbuf) {
		claims.Userbuf = append([]byte{}, userbuf[:c.userbuf_len]...)
	}
	if bool(c.has_private_map_key) {
		// The account and the string room are located in the userbuf by the library.
		claims.PrivateMapKey = &PrivateMapKey{
			Account:       string(userbuf[c.pmk_account_offset:][:c.pmk_account_len]),
			HasStringRoom: bool(c.pmk_has_string_room),
			StringRoom:    string(userbuf[c.pmk_string_room_offset:][:c.pmk_string_room_len]),
			RoomID:        uint32(c.pmk_room_id),
			Privileges:    Privileges(c.pmk_privileges),
			ExpiresAt:     uint32(c.pmk_expires_at),
		}
	}
	return claims
}

// inspectCap is the first buffer inspect offers: the description of an ordinary token is 1-2
// KiB. A longer one (a long userbuf) is retried with the length the library asks for.
const inspectCap = 4096

// inspect returns the library's JSON description of token: as of now when at is set
// (usersig_inspect_at), else as of the library's clock (usersig_inspect).
func inspect(token string, at bool, now uint64) ([]byte, error) {
	out := make([]byte, inspectCap)
	// As of the library's clock the warnings (in 3h 2m, ...) may change length between two
	// calls, hence a loop and some headroom, as in mint.
	for attempt := 0; ; attempt++ {
		var n C.size_t
		rc := int(C.us_inspect(token, cBool(at), C.uint64_t(now),
			(*C.char)(unsafe.Pointer(&out[0])), C.size_t(len(out)), &n))
		switch {
		case rc == codeOK:
			return out[:n:n], nil
		case rc == codeBufferTooSmall && attempt < 3:
			out = make([]byte, int(n)+64)
		default:
			return nil, newError(rc)
		}
	}
}

func newSignerHandle(sdkappid uint64, key string, compression Compression) (*C.usersig_signer, error) {
	var h *C.usersig_signer
	if rc := int(C.us_signer_new(C.uint64_t(sdkappid), key, C.int(compression), &h)); rc != codeOK {
		return nil, newError(rc)
	}
	return h, nil
}

func freeSignerHandle(h *C.usersig_signer) { C.usersig_signer_free(h) }

func newVerifierHandle(sdkappid uint64, key string, c *verifierConfig) (*C.usersig_verifier, error) {
	var h *C.usersig_verifier
	rc := int(C.us_verifier_new(C.uint64_t(sdkappid), key, C.uint64_t(c.skew), C.uint64_t(c.leeway),
		C.size_t(c.maxTokenLen), C.size_t(c.maxInflatedLen), &h))
	if rc != codeOK {
		return nil, newError(rc)
	}
	return h, nil
}

func freeVerifierHandle(h *C.usersig_verifier) { C.usersig_verifier_free(h) }

// Defaults, from the header.
const (
	defaultExpireSecs     = uint64(C.USERSIG_DEFAULT_EXPIRE_SECS)
	defaultSkewSecs       = uint64(C.USERSIG_DEFAULT_MAX_FUTURE_SKEW_SECS)
	defaultMaxTokenLen    = int(C.USERSIG_MAX_TOKEN_LEN)
	defaultMaxInflatedLen = int(C.USERSIG_MAX_INFLATED_LEN)

	expectAnything   = int32(C.USERSIG_EXPECT_ANYTHING)
	expectNoUserbuf  = int32(C.USERSIG_EXPECT_NO_USERBUF)
	expectUserbuf    = int32(C.USERSIG_EXPECT_USERBUF)
	expectRoom       = int32(C.USERSIG_EXPECT_ROOM)
	expectStringRoom = int32(C.USERSIG_EXPECT_STRING_ROOM)

	compressionStored   = int(C.USERSIG_COMPRESSION_STORED)
	compressionFast     = int(C.USERSIG_COMPRESSION_FAST)
	compressionStandard = int(C.USERSIG_COMPRESSION_STANDARD)

	privCreateRoom    = uint32(C.USERSIG_PRIV_CREATE_ROOM)
	privEnterRoom     = uint32(C.USERSIG_PRIV_ENTER_ROOM)
	privSendAudio     = uint32(C.USERSIG_PRIV_SEND_AUDIO)
	privRecvAudio     = uint32(C.USERSIG_PRIV_RECV_AUDIO)
	privSendVideo     = uint32(C.USERSIG_PRIV_SEND_VIDEO)
	privRecvVideo     = uint32(C.USERSIG_PRIV_RECV_VIDEO)
	privSendSubStream = uint32(C.USERSIG_PRIV_SEND_SUB_STREAM)
	privRecvSubStream = uint32(C.USERSIG_PRIV_RECV_SUB_STREAM)
	privAll           = uint32(C.USERSIG_PRIV_ALL)
)

// Retry classes of REST error codes, from the header.
const (
	retryUnknown    = int(C.USERSIG_RETRY_UNKNOWN)
	retryNever      = int(C.USERSIG_RETRY_NEVER)
	retryBackoff    = int(C.USERSIG_RETRY_BACKOFF)
	retryAfter60s   = int(C.USERSIG_RETRY_AFTER_60S)
	retryRenewToken = int(C.USERSIG_RETRY_RENEW_TOKEN)
)

// restURLArgs are the inputs of one usersig_rest_url call.
type restURLArgs struct {
	endpoint, service, command string
	sdkappid                   uint64
	identifier, usersig        string
	fixed                      bool
	random                     uint32
}

func restURL(a *restURLArgs) (string, error) {
	buf := scratch.Get().(*[scratchSize]byte)
	defer scratch.Put(buf)
	out := buf[:]
	// With a fresh random, a too-small call reports the longest length, which the next call
	// fits whatever random it draws; the loop is a safety net.
	for attempt := 0; ; attempt++ {
		var n C.size_t
		rc := int(C.us_rest_url(a.endpoint, a.service, a.command, C.uint64_t(a.sdkappid),
			a.identifier, a.usersig, cBool(a.fixed), C.uint32_t(a.random),
			(*C.char)(unsafe.Pointer(&out[0])), C.size_t(len(out)), &n))
		switch {
		case rc == codeOK:
			return string(out[:n]), nil
		case rc == codeBufferTooSmall && attempt < 3:
			out = make([]byte, int(n)+1)
		default:
			return "", newError(rc)
		}
	}
}

// The REST code descriptions: static strings in the library.
func restCodeRetry(code int64) int   { return int(C.usersig_rest_code_retry(C.int64_t(code))) }
func restCodeName(code int64) string { return C.GoString(C.usersig_rest_code_name(C.int64_t(code))) }
func restCodeMeaning(code int64) string {
	return C.GoString(C.usersig_rest_code_meaning(C.int64_t(code)))
}
func restCodeAction(code int64) string {
	return C.GoString(C.usersig_rest_code_action(C.int64_t(code)))
}
func retryClassName(class int) string {
	return C.GoString(C.usersig_rest_retry_class_name(C.int(class)))
}
func retryClassAdvice(class int) string {
	return C.GoString(C.usersig_rest_retry_class_advice(C.int(class)))
}
