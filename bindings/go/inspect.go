package usersig

import (
	"encoding/hex"
	"encoding/json"
	"time"
)

// Inspection is what a token says about itself, decoded by the library without a key
// (usersig_inspect in the C ABI, `usersig inspect --json` on the command line): its claims,
// which implementation probably minted it, and what looks wrong with it.
//
// NOTHING IN AN INSPECTION IS VERIFIED. There is no key, so anyone can write any token with
// any of these values: never accept a token, let a user in or make any other security
// decision because of an Inspection. Only a Verifier says that a token is genuine. Inspect is
// for diagnosis: support tools, logs, and explaining why a Verifier rejected a token.
type Inspection struct {
	// The claims as the token states them: nil where the token has no such field, or one
	// not of the expected type (a Warning with the code "will_not_verify" then says so).
	Version    *string // TLS.ver: "2.0" for the tokens a Verifier takes
	Identifier *string // TLS.identifier
	SDKAppID   *uint64 // TLS.sdkappid
	Time       *uint64 // TLS.time: the issue time, Unix seconds
	Expire     *uint64 // TLS.expire: the lifetime, seconds
	ExpiresAt  *uint64 // Time + Expire, when both are present and the sum fits in 64 bits
	LegacyV1   bool    // a legacy v1 (ECDSA) token, which current SDKs and this library reject

	// Userbuf is TLS.userbuf as the library decodes it: nil when the token has none or when it
	// does not decode ("will_not_verify"), non-nil (maybe empty) otherwise.
	Userbuf []byte
	// PrivateMapKey is the userbuf read as a TRTC PrivateMapKey (FORMAT.md §6), or nil. A
	// Warning with the code "private_map_key_inconsistent" says when it disagrees with the
	// token around it.
	PrivateMapKey *PrivateMapKey

	Document        string    // the token's JSON document, inflated (invalid UTF-8 replaced)
	Producer        string    // a best guess of which implementation minted the token
	ProducerReasons []string  // why Producer is guessed
	Warnings        []Warning // what a support engineer should know, most serious first

	// JSON is the library's whole description, in the shape of `usersig inspect --json`. It
	// also has what no field here holds: how the token text, the zlib stream and the JSON
	// document were written, the signature text, and the PrivateMapKey's own SDKAppID.
	JSON []byte
}

// Warning is something a support engineer should know about a token.
type Warning struct {
	// Code is a stable snake_case name: "expired", "expires_soon", "issued_in_future",
	// "short_lifetime", "long_lifetime", "userid_rules", "legacy_v1", "needs_url_escaping",
	// "will_not_verify" (no key makes a Verifier accept it) or "private_map_key_inconsistent".
	Code    string `json:"code"`
	Message string `json:"message"` // one line for a person
}

// Inspect is InspectAt as of the system clock.
//
// Nothing is verified: never use an Inspection to accept a token (see Inspection).
func Inspect(token string) (*Inspection, error) {
	out, err := inspect(token, false, 0)
	if err != nil {
		return nil, err
	}
	return inspectionFrom(out)
}

// InspectAt decodes token without a key and describes it as of now, which only the warnings
// depend on (expired, expires soon, issued in the future).
//
// Nothing is verified: never use an Inspection to accept a token (see Inspection).
//
// Errors: a *VerifyError matching ErrMalformed when there is no JSON document to describe
// (the token text, zlib stream or JSON syntax is broken, or a size limit of FORMAT.md §5.1 is
// exceeded); ErrClockBeforeEpoch for a now before 1970. Fields that are missing or of the
// wrong type are no error: they are nil, with a Warning.
func InspectAt(token string, now time.Time) (*Inspection, error) {
	t, err := unixSeconds(now)
	if err != nil {
		return nil, err
	}
	out, err := inspect(token, true, t)
	if err != nil {
		return nil, err
	}
	return inspectionFrom(out)
}

// inspectionJSON is the part of the library's description that Inspection has fields for.
type inspectionJSON struct {
	Version       *string  `json:"version"`
	LegacyV1      bool     `json:"legacy_v1"`
	Identifier    *string  `json:"identifier"`
	SDKAppID      *uint64  `json:"sdkappid"`
	Time          *uint64  `json:"time"`
	Expire        *uint64  `json:"expire"`
	ExpiresAt     *uint64  `json:"expires_at"`
	UserbufHex    *string  `json:"userbuf_hex"`
	PrivateMapKey *pmkJSON `json:"private_map_key"`
	Document      string   `json:"json"`
	Producer      string   `json:"producer"`
	Reasons       []string `json:"producer_reasons"`

	Warnings []Warning `json:"warnings"`
}

type pmkJSON struct {
	Account    string  `json:"account"`
	RoomID     uint32  `json:"room_id"`
	RoomStr    *string `json:"room_str"`
	Privileges uint32  `json:"privileges"`
	ExpiresAt  uint32  `json:"expires_at"`
}

func inspectionFrom(out []byte) (*Inspection, error) {
	var j inspectionJSON
	if err := json.Unmarshal(out, &j); err != nil {
		// The error would quote the JSON, and so the token: it is not passed on.
		return nil, internalError("the library's inspection JSON does not decode")
	}
	in := &Inspection{
		Version:         j.Version,
		Identifier:      j.Identifier,
		SDKAppID:        j.SDKAppID,
		Time:            j.Time,
		Expire:          j.Expire,
		ExpiresAt:       j.ExpiresAt,
		LegacyV1:        j.LegacyV1,
		Document:        j.Document,
		Producer:        j.Producer,
		ProducerReasons: j.Reasons,
		Warnings:        j.Warnings,
		JSON:            out,
	}
	if j.UserbufHex != nil {
		// The library wrote the bytes it decoded as plain hex: no token decoding happens here.
		b, err := hex.DecodeString(*j.UserbufHex)
		if err != nil {
			return nil, internalError("the library's inspection JSON has a userbuf that is not hex")
		}
		in.Userbuf = append([]byte{}, b...) // non-nil, even when empty
	}
	if p := j.PrivateMapKey; p != nil {
		in.PrivateMapKey = &PrivateMapKey{
			Account:       p.Account,
			HasStringRoom: p.RoomStr != nil,
			RoomID:        p.RoomID,
			Privileges:    Privileges(p.Privileges),
			ExpiresAt:     p.ExpiresAt,
		}
		if p.RoomStr != nil {
			in.PrivateMapKey.StringRoom = *p.RoomStr
		}
	}
	return in, nil
}

// internalError is a description from the library that this package cannot read: a bug in
// one of them. It matches ErrInternal.
func internalError(message string) error {
	return &Error{Code: codePanic, Kind: errorKind(codePanic), Message: message}
}
