package usersig

// Tencent's callbacks to your server (docs/callbacks.md): IMCallbackVerifier for IM webhooks,
// TRTCCallbackVerifier for TRTC room and media events, and a net/http middleware for each.
//
// The cgo rules of cabi.go hold here too: strings cross as _GoString_, byte slices as
// (pointer, length), and the C structs the library fills (which hold pointers) live on the C
// stack inside the wrappers below, which hand Go plain offsets and lengths.

/*
#include <stdint.h>
#include <stdlib.h>
#include "usersig.h"

static inline const char *usc_ptr(_GoString_ s) {
	return _GoStringLen(s) == 0 ? NULL : _GoStringPtr(s);
}

typedef struct {
	uint64_t request_time, sdkappid;
	int has_sdkappid, has_command, has_client_ip, has_platform;
	size_t command_off, command_len, client_ip_off, client_ip_len, platform_off, platform_len;
} usc_im_result;

static int usc_im_new(_GoString_ token, uint64_t window, uint64_t sdkappid,
                      usersig_im_callback_verifier **out) {
	return usersig_im_callback_verifier_new(usc_ptr(token), _GoStringLen(token), window, sdkappid,
	                                        out);
}

static int usc_im_verify(const usersig_im_callback_verifier *v, _GoString_ q, int at,
                         uint64_t now, char *text, size_t cap, size_t *len, usc_im_result *r) {
	usersig_im_callback c;
	int rc = at ? usersig_im_callback_verify_at(v, usc_ptr(q), _GoStringLen(q), now, &c, text,
	                                            cap, len)
	            : usersig_im_callback_verify(v, usc_ptr(q), _GoStringLen(q), &c, text, cap, len);
	if (rc != USERSIG_OK) return rc;
	r->request_time = c.request_time;
	r->has_sdkappid = c.has_sdkappid;
	r->sdkappid = c.sdkappid;
	r->has_command = c.command != NULL;
	r->command_off = c.command ? (size_t)(c.command - text) : 0;
	r->command_len = c.command_len;
	r->has_client_ip = c.client_ip != NULL;
	r->client_ip_off = c.client_ip ? (size_t)(c.client_ip - text) : 0;
	r->client_ip_len = c.client_ip_len;
	r->has_platform = c.platform != NULL;
	r->platform_off = c.platform ? (size_t)(c.platform - text) : 0;
	r->platform_len = c.platform_len;
	return rc;
}

static int usc_im_sign(_GoString_ token, uint64_t t, char *out, size_t cap, size_t *len) {
	return usersig_im_callback_sign(usc_ptr(token), _GoStringLen(token), t, out, cap, len);
}

typedef struct {
	uint64_t event_group_id, event_type, callback_ts, sdkappid;
	int has_sdkappid;
	size_t info_off, info_len;
} usc_trtc_result;

static int usc_trtc_new(_GoString_ key, uint64_t sdkappid, usersig_trtc_callback_verifier **out) {
	return usersig_trtc_callback_verifier_new(usc_ptr(key), _GoStringLen(key), sdkappid, out);
}

static int usc_trtc_verify(const usersig_trtc_callback_verifier *v, _GoString_ sign,
                           _GoString_ app, const uint8_t *body, size_t body_len,
                           usc_trtc_result *r) {
	usersig_trtc_event e;
	int rc = usersig_trtc_callback_verify(v, usc_ptr(sign), _GoStringLen(sign), usc_ptr(app),
	                                      _GoStringLen(app), body, body_len, &e);
	if (rc != USERSIG_OK) return rc;
	r->event_group_id = e.event_group_id;
	r->event_type = e.event_type;
	r->callback_ts = e.callback_ts;
	r->has_sdkappid = e.has_sdkappid;
	r->sdkappid = e.sdkappid;
	r->info_off = (size_t)((const uint8_t *)e.event_info - body);
	r->info_len = e.event_info_len;
	return rc;
}

static int usc_trtc_sign(_GoString_ key, const uint8_t *body, size_t body_len, char *out,
                         size_t cap, size_t *len) {
	return usersig_trtc_callback_sign(usc_ptr(key), _GoStringLen(key), body, body_len, out, cap,
	                                  len);
}
*/
import "C"

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"sync"
	"time"
	"unsafe"
)

const (
	// DefaultIMCallbackWindow is how far RequestTime may be from the clock, either way.
	DefaultIMCallbackWindow = time.Duration(C.USERSIG_IM_CALLBACK_DEFAULT_WINDOW_SECS) * time.Second
	// MaxIMCallbackWindow is the widest window taken; a wider one is capped to it.
	MaxIMCallbackWindow = time.Duration(C.USERSIG_IM_CALLBACK_MAX_WINDOW_SECS) * time.Second
	// TRTCCallbackMaxBody is the largest body TRTCCallbackMiddleware reads (1 MiB); a larger
	// one is answered 413.
	TRTCCallbackMaxBody = 1 << 20

	imTextCap = int(C.USERSIG_IM_CALLBACK_TEXT_CAP)
)

// CallbackError is why a callback request was refused. It matches, through errors.Is, one of
// ErrMalformed, ErrMissingSignature, ErrBadSignature, ErrStale (IM only) and
// ErrSdkAppIDMismatch: the first failing check, in that order.
type CallbackError struct {
	Code    int    // the C ABI's result code (USERSIG_ERR_*)
	Kind    string // the stable kind: "missing_signature", "bad_signature", "stale", ...
	Message string // a one-line explanation
}

func (e *CallbackError) Error() string {
	return fmt.Sprintf("usersig: callback refused: %s: %s", e.Kind, e.Message)
}

// Is makes errors.Is(err, ErrStale) and the other sentinels work.
func (e *CallbackError) Is(target error) bool { return target == sentinel(e.Code) }

func newCallbackError(code int) error {
	switch code {
	case codeMalformed, codeMissingSignature, codeBadSignature, codeStale, codeSdkAppIDMismatch:
		return &CallbackError{Code: code, Kind: errorKind(code),
			Message: C.GoString(C.usersig_callback_error_message(C.int(code)))}
	}
	return newError(code)
}

// CallbackOption configures a callback verifier.
type CallbackOption func(*callbackConfig)

type callbackConfig struct {
	window   time.Duration
	sdkappid uint64
}

// WithCallbackWindow sets how far an IM callback's RequestTime may be from the clock, either
// way (DefaultIMCallbackWindow: 60 s; capped at MaxIMCallbackWindow; whole seconds). TRTC
// callbacks carry no signed time and ignore it.
func WithCallbackWindow(d time.Duration) CallbackOption {
	return func(c *callbackConfig) { c.window = d }
}

// WithCallbackSDKAppID refuses requests that name another app (ErrSdkAppIDMismatch). An IM
// request without SdkAppid (the console's check request) or a TRTC request without the
// SdkAppId header still passes.
func WithCallbackSDKAppID(sdkappid uint64) CallbackOption {
	return func(c *callbackConfig) { c.sdkappid = sdkappid }
}

func callbackOptions(opts []CallbackOption) (callbackConfig, error) {
	cfg := callbackConfig{window: DefaultIMCallbackWindow}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.window < 0 {
		return cfg, argError(codeInvalidArgument, "the callback window must not be negative")
	}
	return cfg, nil
}

func callbackUnix(now time.Time) (uint64, error) {
	if now.Before(time.Unix(0, 0)) {
		return 0, argError(codeInvalidArgument, "the time is before 1970")
	}
	return uint64(now.Unix()), nil
}

// ---------------------------------------------------------------------------------------------
// IM
// ---------------------------------------------------------------------------------------------

// IMCallback is an IM callback request that verified. Only RequestTime is signed; the other
// fields are as the query string carried them ("" or 0 when absent, as in the console's check
// request): claims that arrived with a fresh signature.
type IMCallback struct {
	RequestTime uint64 // RequestTime, Unix seconds
	SDKAppID    uint64 // SdkAppid, 0 when absent
	Command     string // CallbackCommand, e.g. "C2C.CallbackBeforeSendMsg"
	ClientIP    string // ClientIP
	Platform    string // OptPlatform: "RESTAPI", "Web", "Android", "iOS", ...
}

// IMCallbackVerifier checks IM callback requests for one app's callback token. Build it once
// and share it between goroutines; Close wipes the token (a finalizer frees a forgotten one).
type IMCallbackVerifier struct {
	mu sync.RWMutex // read-held by each call, write-held by Close
	h  *C.usersig_im_callback_verifier
}

// NewIMCallbackVerifier makes a verifier for the callback token set in the console (1 to 128
// bytes): ErrEmptyKey for an empty one, ErrInvalidArgument for a longer one.
func NewIMCallbackVerifier(token string, opts ...CallbackOption) (*IMCallbackVerifier, error) {
	cfg, err := callbackOptions(opts)
	if err != nil {
		return nil, err
	}
	var h *C.usersig_im_callback_verifier
	secs := uint64(cfg.window / time.Second)
	if rc := int(C.usc_im_new(token, C.uint64_t(secs), C.uint64_t(cfg.sdkappid), &h)); rc != codeOK {
		return nil, newError(rc)
	}
	v := &IMCallbackVerifier{h: h}
	runtime.SetFinalizer(v, func(v *IMCallbackVerifier) { v.free() })
	return v, nil
}

// Close frees the verifier and wipes its token; later calls return ErrClosed.
func (v *IMCallbackVerifier) Close() error {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.free()
	runtime.SetFinalizer(v, nil)
	return nil
}

func (v *IMCallbackVerifier) free() {
	if v.h != nil {
		C.usersig_im_callback_verifier_free(v.h)
		v.h = nil
	}
}

// Verify checks a request against the system clock. queryOrURL is r.URL.RawQuery, or the
// request target or whole URL as received. A refusal is a *CallbackError.
func (v *IMCallbackVerifier) Verify(queryOrURL string) (*IMCallback, error) {
	return v.verify(queryOrURL, false, 0)
}

// VerifyAt is Verify as of now instead of the system clock.
func (v *IMCallbackVerifier) VerifyAt(queryOrURL string, now time.Time) (*IMCallback, error) {
	t, err := callbackUnix(now)
	if err != nil {
		return nil, err
	}
	return v.verify(queryOrURL, true, t)
}

func (v *IMCallbackVerifier) verify(q string, at bool, now uint64) (*IMCallback, error) {
	v.mu.RLock()
	defer v.mu.RUnlock()
	if v.h == nil {
		return nil, ErrClosed
	}
	defer runtime.KeepAlive(v)
	text := make([]byte, imTextCap)
	for attempt := 0; ; attempt++ {
		var r C.usc_im_result
		var n C.size_t
		rc := int(C.usc_im_verify(v.h, q, cBool(at), C.uint64_t(now),
			(*C.char)(unsafe.Pointer(&text[0])), C.size_t(len(text)), &n, &r))
		switch {
		case rc == codeOK:
			field := func(has C.int, off, n C.size_t) string {
				if has == 0 {
					return ""
				}
				return string(text[off : off+n])
			}
			return &IMCallback{
				RequestTime: uint64(r.request_time),
				SDKAppID:    uint64(r.sdkappid),
				Command:     field(r.has_command, r.command_off, r.command_len),
				ClientIP:    field(r.has_client_ip, r.client_ip_off, r.client_ip_len),
				Platform:    field(r.has_platform, r.platform_off, r.platform_len),
			}, nil
		case rc == codeBufferTooSmall && attempt < 2:
			text = make([]byte, int(n)+1)
		default:
			return nil, newCallbackError(rc)
		}
	}
}

// SignIMCallback is the Sign Tencent sends for token at requestTime: lowercase hex of
// SHA-256(token ‖ decimal time). For testing handlers: append
// "&Sign=<sign>&RequestTime=<requestTime>" to the query string.
func SignIMCallback(token string, requestTime uint64) string {
	var out [C.USERSIG_IM_CALLBACK_SIGN_LEN + 1]byte
	var n C.size_t
	C.usc_im_sign(token, C.uint64_t(requestTime), (*C.char)(unsafe.Pointer(&out[0])),
		C.size_t(len(out)), &n)
	return string(out[:n])
}

type imReply struct {
	ActionStatus string
	ErrorCode    int64
	ErrorInfo    string
}

// IMReplyOK is the answer that lets the action go ahead:
// {"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""}.
func IMReplyOK() []byte { return imReplyJSON("OK", 0, "") }

// IMReplyFail is the answer that refuses it, with your own code and text.
func IMReplyFail(code int64, info string) []byte { return imReplyJSON("FAIL", code, info) }

func imReplyJSON(status string, code int64, info string) []byte {
	b, _ := json.Marshal(imReply{status, code, info}) // cannot fail: strings and an int
	return b
}

type imCallbackKey struct{}

// IMCallbackFrom is the verified callback IMCallbackMiddleware put in the request's context.
func IMCallbackFrom(ctx context.Context) (*IMCallback, bool) {
	cb, ok := ctx.Value(imCallbackKey{}).(*IMCallback)
	return cb, ok
}

// IMCallbackMiddleware verifies each request's query string (r.URL.RawQuery) with v and calls
// next with the trusted callback in the request's context (IMCallbackFrom). A refused request
// is answered 403 with {"ActionStatus":"FAIL","ErrorCode":<result code>,"ErrorInfo":<kind>}
// and never reaches next.
func IMCallbackMiddleware(v *IMCallbackVerifier, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cb, err := v.Verify(r.URL.RawQuery)
		if err != nil {
			code, kind := int64(codeInternalFor(err)), "internal"
			var ce *CallbackError
			if errors.As(err, &ce) {
				code, kind = int64(ce.Code), ce.Kind
			}
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusForbidden)
			_, _ = w.Write(IMReplyFail(code, kind))
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), imCallbackKey{}, cb)))
	})
}

func codeInternalFor(err error) int {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return codePanic
}

// ---------------------------------------------------------------------------------------------
// TRTC
// ---------------------------------------------------------------------------------------------

// TRTCEvent is a TRTC event callback that verified.
type TRTCEvent struct {
	EventGroupID uint64          // EventGroupId: 1 room events, 2 media events, ...
	EventType    uint64          // EventType: 101 create room, 103 enter room, 201 start video, ...
	CallbackTs   uint64          // CallbackTs: when Tencent sent it, Unix milliseconds
	EventInfo    json.RawMessage // EventInfo as received (a slice of the body passed to Verify)
	SDKAppID     uint64          // the SdkAppId header, 0 when absent
}

// TRTCCallbackVerifier checks TRTC event callbacks for one app's callback key. Build it once
// and share it between goroutines; Close wipes the key (a finalizer frees a forgotten one).
type TRTCCallbackVerifier struct {
	mu sync.RWMutex
	h  *C.usersig_trtc_callback_verifier
}

// NewTRTCCallbackVerifier makes a verifier for the callback key set in the console (1 to 128
// bytes). WithCallbackSDKAppID is its only option.
func NewTRTCCallbackVerifier(key string, opts ...CallbackOption) (*TRTCCallbackVerifier, error) {
	cfg, err := callbackOptions(opts)
	if err != nil {
		return nil, err
	}
	var h *C.usersig_trtc_callback_verifier
	if rc := int(C.usc_trtc_new(key, C.uint64_t(cfg.sdkappid), &h)); rc != codeOK {
		return nil, newError(rc)
	}
	v := &TRTCCallbackVerifier{h: h}
	runtime.SetFinalizer(v, func(v *TRTCCallbackVerifier) { v.free() })
	return v, nil
}

// Close frees the verifier and wipes its key; later calls return ErrClosed.
func (v *TRTCCallbackVerifier) Close() error {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.free()
	runtime.SetFinalizer(v, nil)
	return nil
}

func (v *TRTCCallbackVerifier) free() {
	if v.h != nil {
		C.usersig_trtc_callback_verifier_free(v.h)
		v.h = nil
	}
}

// Verify checks body (the raw bytes, exactly as received) against the Sign header's value.
func (v *TRTCCallbackVerifier) Verify(sign string, body []byte) (*TRTCEvent, error) {
	return v.VerifyRequest(sign, "", body)
}

// VerifyRequest checks a request from its Sign and SdkAppId headers ("" when absent) and the
// raw body. A refusal is a *CallbackError.
func (v *TRTCCallbackVerifier) VerifyRequest(sign, sdkappid string, body []byte) (*TRTCEvent, error) {
	v.mu.RLock()
	defer v.mu.RUnlock()
	if v.h == nil {
		return nil, ErrClosed
	}
	defer runtime.KeepAlive(v)
	b, n := bytesPtr(body)
	var r C.usc_trtc_result
	if rc := int(C.usc_trtc_verify(v.h, sign, sdkappid, b, n, &r)); rc != codeOK {
		return nil, newCallbackError(rc)
	}
	return &TRTCEvent{
		EventGroupID: uint64(r.event_group_id),
		EventType:    uint64(r.event_type),
		CallbackTs:   uint64(r.callback_ts),
		EventInfo:    json.RawMessage(body[r.info_off : r.info_off+r.info_len]),
		SDKAppID:     uint64(r.sdkappid),
	}, nil
}

// SignTRTCCallback is the Sign header Tencent sends for body under key: base64 of
// HMAC-SHA256(key, body). For testing handlers.
func SignTRTCCallback(key string, body []byte) string {
	var out [C.USERSIG_TRTC_CALLBACK_SIGN_LEN + 1]byte
	var n C.size_t
	b, bn := bytesPtr(body)
	C.usc_trtc_sign(key, b, bn, (*C.char)(unsafe.Pointer(&out[0])), C.size_t(len(out)), &n)
	return string(out[:n])
}

type trtcEventKey struct{}

// TRTCEventFrom is the verified event TRTCCallbackMiddleware put in the request's context.
func TRTCEventFrom(ctx context.Context) (*TRTCEvent, bool) {
	e, ok := ctx.Value(trtcEventKey{}).(*TRTCEvent)
	return e, ok
}

// TRTCCallbackMiddleware reads the body (at most TRTCCallbackMaxBody bytes, else 413),
// verifies it with the Sign and SdkAppId headers, restores r.Body for next and calls next with
// the trusted event in the request's context (TRTCEventFrom). A refused request is answered
// 403 with {"code":<result code>,"error":<kind>} and never reaches next.
func TRTCCallbackMiddleware(v *TRTCCallbackVerifier, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, TRTCCallbackMaxBody))
		if err != nil {
			http.Error(w, "request body unreadable or too large", http.StatusRequestEntityTooLarge)
			return
		}
		_ = r.Body.Close()
		event, err := v.VerifyRequest(r.Header.Get("Sign"), r.Header.Get("SdkAppId"), body)
		if err != nil {
			code, kind := codeInternalFor(err), "internal"
			var ce *CallbackError
			if errors.As(err, &ce) {
				code, kind = ce.Code, ce.Kind
			}
			reply, _ := json.Marshal(map[string]any{"code": code, "error": kind})
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusForbidden)
			_, _ = w.Write(reply)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.ContentLength = int64(len(body))
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), trtcEventKey{}, event)))
	})
}
