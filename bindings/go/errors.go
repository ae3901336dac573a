package usersig

import (
	"errors"
	"fmt"
)

// Sentinels, one per error kind, for errors.Is. The errors this package returns are
// *VerifyError (the eight verification kinds), *CallbackError (a refused callback request,
// callback.go) or *Error (everything else); each matches its kind's sentinel:
//
//	if errors.Is(err, usersig.ErrExpired) { /* mint a new token */ }
//
// and carry the details through errors.As:
//
//	var ve *usersig.VerifyError
//	if errors.As(err, &ve) { log.Print(ve.Kind, ve.Message) }
var (
	// Verification (FORMAT.md §5), in the order the checks run.
	ErrMalformed          = errors.New("usersig: malformed")
	ErrUnsupportedVersion = errors.New("usersig: unsupported_version")
	ErrSdkAppIDMismatch   = errors.New("usersig: sdkappid_mismatch")
	ErrIdentifierMismatch = errors.New("usersig: identifier_mismatch")
	ErrBadSignature       = errors.New("usersig: bad_signature")
	ErrNotYetValid        = errors.New("usersig: not_yet_valid")
	ErrExpired            = errors.New("usersig: expired")
	ErrUserbufMismatch    = errors.New("usersig: userbuf_mismatch")

	// Verifying a callback (CallbackError): the request carries no Sign, or it is outside the
	// IM verifier's window. A callback also fails with ErrMalformed, ErrBadSignature and
	// ErrSdkAppIDMismatch.
	ErrMissingSignature = errors.New("usersig: missing_signature")
	ErrStale            = errors.New("usersig: stale")

	// Minting and arguments.
	ErrEmptyKey              = errors.New("usersig: empty_key")
	ErrEmptyIdentifier       = errors.New("usersig: empty_identifier")
	ErrIdentifierContainsNUL = errors.New("usersig: identifier_contains_nul")
	ErrTooLong               = errors.New("usersig: too_long")
	ErrExpiryOutOfRange      = errors.New("usersig: expiry_out_of_range")
	ErrSdkAppIDOutOfRange    = errors.New("usersig: sdkappid_out_of_range")
	ErrClockBeforeEpoch      = errors.New("usersig: clock_before_epoch")
	ErrInvalidUTF8           = errors.New("usersig: invalid_utf8")
	ErrInvalidArgument       = errors.New("usersig: invalid_argument")

	// Building a REST URL (RestURL); an empty admin identifier is ErrEmptyIdentifier.
	ErrUnknownRegion   = errors.New("usersig: unknown_region")
	ErrBadBaseURL      = errors.New("usersig: bad_base_url")
	ErrBadPathSegment  = errors.New("usersig: bad_path_segment")
	ErrMissingSdkAppID = errors.New("usersig: missing_sdkappid")
	ErrEmptyUsersig    = errors.New("usersig: empty_usersig")

	// ErrInternal matches the codes this package never expects from the library
	// (null_argument, buffer_too_small, panic, unknown): a bug here or in the library.
	ErrInternal = errors.New("usersig: internal error")

	// ErrClosed: the Signer or Verifier was used after Close.
	ErrClosed = errors.New("usersig: use of a closed Signer or Verifier")
)

var sentinels = map[int]error{
	codeMalformed:          ErrMalformed,
	codeUnsupported:        ErrUnsupportedVersion,
	codeSdkAppIDMismatch:   ErrSdkAppIDMismatch,
	codeIdentifierMismatch: ErrIdentifierMismatch,
	codeBadSignature:       ErrBadSignature,
	codeNotYetValid:        ErrNotYetValid,
	codeExpired:            ErrExpired,
	codeUserbufMismatch:    ErrUserbufMismatch,
	codeMissingSignature:   ErrMissingSignature,
	codeStale:              ErrStale,
	codeEmptyKey:           ErrEmptyKey,
	codeEmptyIdentifier:    ErrEmptyIdentifier,
	codeIdentifierNul:      ErrIdentifierContainsNUL,
	codeTooLong:            ErrTooLong,
	codeExpiryOutOfRange:   ErrExpiryOutOfRange,
	codeSdkAppIDOutOfRange: ErrSdkAppIDOutOfRange,
	codeClockBeforeEpoch:   ErrClockBeforeEpoch,
	codeInvalidUTF8:        ErrInvalidUTF8,
	codeInvalidArgument:    ErrInvalidArgument,
	codeUnknownRegion:      ErrUnknownRegion,
	codeBadBaseURL:         ErrBadBaseURL,
	codeBadPathSegment:     ErrBadPathSegment,
	codeMissingSdkAppID:    ErrMissingSdkAppID,
	codeEmptyUsersig:       ErrEmptyUsersig,
}

func sentinel(code int) error {
	if s, ok := sentinels[code]; ok {
		return s
	}
	return ErrInternal
}

// VerifyError is why a token was rejected: one of the eight verification kinds.
type VerifyError struct {
	Code    int    // the C ABI's result code (USERSIG_ERR_*), 1-8
	Kind    string // the stable kind: "malformed", ..., "expired", "userbuf_mismatch"
	Message string // a one-line explanation
}

func (e *VerifyError) Error() string {
	return fmt.Sprintf("usersig: token rejected: %s: %s", e.Kind, e.Message)
}

// Is makes errors.Is(err, ErrExpired) and the other sentinels work.
func (e *VerifyError) Is(target error) bool { return target == sentinel(e.Code) }

// Error is any other failure: invalid input to a minting call, a constructor or RestURL.
type Error struct {
	Code    int    // the C ABI's result code (USERSIG_ERR_*)
	Kind    string // the stable kind: "empty_key", "too_long", "invalid_argument", ...
	Message string // a one-line explanation
}

func (e *Error) Error() string { return fmt.Sprintf("usersig: %s: %s", e.Kind, e.Message) }

// Is makes errors.Is(err, ErrEmptyKey) and the other sentinels work.
func (e *Error) Is(target error) bool { return target == sentinel(e.Code) }

// newError turns a result code from the library into an error.
func newError(code int) error {
	if code >= codeMalformed && code <= codeUserbufMismatch {
		return &VerifyError{Code: code, Kind: errorKind(code), Message: errorMessage(code)}
	}
	return &Error{Code: code, Kind: errorKind(code), Message: errorMessage(code)}
}

// argError is an argument this package rejects before calling the library, with the kind
// the library would give it.
func argError(code int, message string) error {
	return &Error{Code: code, Kind: errorKind(code), Message: message}
}
