package usersig

import (
	"fmt"
	"strconv"
)

// The REST API the admin UserSig is for (FORMAT.md §8): the request URL, the reply's envelope and
// what each documented ErrorCode means. There is no HTTP client here: send the URL with
// net/http (POST, a JSON body, "{}" when there is nothing to send, a timeout above the
// server's 3 s) and decode the reply into an Envelope.

// RestURL builds the URL of one REST API request (FORMAT.md §8), with a fresh random:
//
//	https://<domain>/v4/<service>/<command>?sdkappid=<n>&identifier=<admin>&usersig=<token>&random=<u32>&contenttype=json
//
// endpoint is a region code ("sgp", "usa", "kr", "jpn", "ger", "ind", "idn", "cn" or a longer
// name such as "singapore"; any case), or a base URL "http(s)://host[:port][/prefix]" (a proxy
// or a test server); "" is China, https://console.tim.qq.com. service and command are made of
// [A-Za-z0-9_]. identifier is the app administrator and usersig its admin UserSig, both
// percent-encoded into the URL. Build a new URL for each request (each has its own random),
// but keep the admin UserSig and mint a new one only shortly before it expires.
//
// Errors match ErrUnknownRegion, ErrBadBaseURL, ErrBadPathSegment, ErrMissingSdkAppID (0),
// ErrEmptyIdentifier, ErrEmptyUsersig or ErrInvalidUTF8, and are *Error values.
func RestURL(endpoint, service, command string, sdkappid uint64, identifier, usersig string) (string, error) {
	return restURL(&restURLArgs{endpoint: endpoint, service: service, command: command,
		sdkappid: sdkappid, identifier: identifier, usersig: usersig})
}

// RestURLWithRandom is RestURL with the given random instead of a fresh one: for tests and
// reproducible output. A real request needs a fresh random: use RestURL.
func RestURLWithRandom(endpoint, service, command string, sdkappid uint64, identifier, usersig string, random uint32) (string, error) {
	return restURL(&restURLArgs{endpoint: endpoint, service: service, command: command,
		sdkappid: sdkappid, identifier: identifier, usersig: usersig, fixed: true, random: random})
}

// RetryClass is how to react to a REST ErrorCode.
type RetryClass int

// The retry classes (the header's USERSIG_RETRY_* values).
const (
	// RetryUnknown: the code is not in FORMAT.md §8's table. Do not retry; read ErrorInfo.
	RetryUnknown RetryClass = RetryClass(retryUnknown)
	// RetryNever: retrying the same request cannot succeed; fix the request, key or settings.
	RetryNever RetryClass = RetryClass(retryNever)
	// RetryBackoff: transient (rate limit, timeout); retry with exponential backoff and
	// jitter, a bounded number of times.
	RetryBackoff RetryClass = RetryClass(retryBackoff)
	// RetryAfter60s: locked out after too many UserSig failures (70050); wait 60 s, then retry.
	RetryAfter60s RetryClass = RetryClass(retryAfter60s)
	// RetryRenewToken: the admin UserSig was refused as expired or damaged (70001, 70003);
	// mint a new one, rebuild the URL and retry once.
	RetryRenewToken RetryClass = RetryClass(retryRenewToken)
)

// String is the stable name: "never", "backoff", "after_60s", "renew_token" (as the Rust API
// and the CLI), "unknown" for RetryUnknown, and "RetryClass(N)" for any other value.
func (c RetryClass) String() string {
	if name := retryClassName(int(c)); name != "" {
		return name
	}
	if c == RetryUnknown {
		return "unknown"
	}
	return "RetryClass(" + strconv.Itoa(int(c)) + ")"
}

// Advice is what the class asks of the caller, for a person ("" for RetryUnknown).
func (c RetryClass) Advice() string { return retryClassAdvice(int(c)) }

// RestCode describes a REST ErrorCode of FORMAT.md §8's table.
type RestCode struct {
	Code    int64      // the ErrorCode
	Name    string     // its stable snake_case name, e.g. "usersig_expired" (usersig explain)
	Meaning string     // what it means, e.g. "the UserSig has expired"
	Action  string     // what to do about it, for a person
	Retry   RetryClass // whether and how to retry
}

// DescribeRestCode describes a REST ErrorCode. For a code outside FORMAT.md §8's table (0
// included) it returns false and a RestCode with only Code set and Retry RetryUnknown.
func DescribeRestCode(code int64) (RestCode, bool) {
	retry := RetryClass(restCodeRetry(code))
	if retry == RetryUnknown {
		return RestCode{Code: code, Retry: RetryUnknown}, false
	}
	return RestCode{
		Code:    code,
		Name:    restCodeName(code),
		Meaning: restCodeMeaning(code),
		Action:  restCodeAction(code),
		Retry:   retry,
	}, true
}

// Envelope is the part of every REST reply common to all services. Decode the body into it
// with encoding/json, or embed it in a struct holding the service's own fields:
//
//	var reply struct {
//		usersig.Envelope
//		ResultItem []struct{ UserID, AccountStatus string }
//	}
//	err := json.NewDecoder(resp.Body).Decode(&reply)
//	if err == nil {
//		err = reply.Err() // a *RestError unless ActionStatus is "OK" and ErrorCode 0
//	}
type Envelope struct {
	ActionStatus string `json:"ActionStatus"` // "OK" or "FAIL"
	ErrorCode    int64  `json:"ErrorCode"`    // 0 on success
	ErrorInfo    string `json:"ErrorInfo"`    // the server's explanation
	RequestID    string `json:"RequestId"`    // to quote to Tencent support; may be absent
}

// OK reports whether ActionStatus is "OK" and ErrorCode is 0.
func (e *Envelope) OK() bool { return e.ActionStatus == "OK" && e.ErrorCode == 0 }

// Err is nil when the reply is OK, otherwise a *RestError with the code, the server's
// ErrorInfo and the retry class (RetryUnknown for a code outside the table, and for a body
// that was not an envelope: no ActionStatus).
func (e *Envelope) Err() error {
	if e.OK() {
		return nil
	}
	return &RestError{
		Code:         e.ErrorCode,
		Info:         e.ErrorInfo,
		RequestID:    e.RequestID,
		ActionStatus: e.ActionStatus,
		Retry:        RetryClass(restCodeRetry(e.ErrorCode)),
	}
}

// RestError is a REST reply other than OK.
type RestError struct {
	Code         int64      // ErrorCode
	Info         string     // ErrorInfo, the server's explanation
	RequestID    string     // RequestId, to quote to Tencent support ("" if absent)
	ActionStatus string     // "FAIL" normally
	Retry        RetryClass // whether and how to retry (DescribeRestCode(Code).Retry)
}

// Error reads "usersig: REST error 70001 usersig_expired: <what to do> (ErrorInfo "...")
// [RequestId ...]", leaving out what is not known.
func (e *RestError) Error() string {
	s := "usersig: REST error " + strconv.FormatInt(e.Code, 10)
	if c, ok := DescribeRestCode(e.Code); ok {
		s += " " + c.Name + ": " + c.Action
	} else if e.ActionStatus != "FAIL" {
		s += fmt.Sprintf(" (ActionStatus %q)", e.ActionStatus)
	}
	if e.Info != "" {
		s += fmt.Sprintf(" (ErrorInfo %q)", e.Info)
	}
	if e.RequestID != "" {
		s += fmt.Sprintf(" [RequestId %q]", e.RequestID)
	}
	return s
}
