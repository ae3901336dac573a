package usersig_test

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	usersig "usersig/bindings/go"
)

// vector is one entry of tests/data/official.json (see its "about").
type vector struct {
	Name       string  `json:"name"`
	Token      string  `json:"token"`
	Identifier string  `json:"identifier"`
	SDKAppID   uint64  `json:"sdkappid"`
	Key        string  `json:"key"`
	Time       uint64  `json:"time"`
	Expire     uint64  `json:"expire"`
	Expect     string  `json:"expect"`
	Sig        string  `json:"sig"`
	UserbufB64 *string `json:"userbuf_b64"`
	RoomID     *uint32 `json:"room_id"`
	RoomStr    *string `json:"room_str"`
	Privileges uint32  `json:"privileges"`
}

// loadVectors reads the official vectors: $USERSIG_VECTORS, or tests/data/official.json
// under the repository root (the first directory above this one holding Cargo.toml).
func loadVectors(t testing.TB) []vector {
	t.Helper()
	path := os.Getenv("USERSIG_VECTORS")
	if path == "" {
		dir, err := os.Getwd()
		if err != nil {
			t.Fatal(err)
		}
		for {
			if _, err := os.Stat(filepath.Join(dir, "Cargo.toml")); err == nil {
				break
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				t.Fatal("no Cargo.toml above the test directory: set USERSIG_VECTORS")
			}
			dir = parent
		}
		path = filepath.Join(dir, "tests", "data", "official.json")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("the official vectors: %v (set USERSIG_VECTORS to their path)", err)
	}
	var doc struct {
		Vectors []vector `json:"vectors"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if len(doc.Vectors) == 0 {
		t.Fatalf("%s: no vectors", path)
	}
	return doc.Vectors
}

var kindSentinels = map[string]error{
	"malformed":           usersig.ErrMalformed,
	"unsupported_version": usersig.ErrUnsupportedVersion,
	"sdkappid_mismatch":   usersig.ErrSdkAppIDMismatch,
	"identifier_mismatch": usersig.ErrIdentifierMismatch,
	"bad_signature":       usersig.ErrBadSignature,
	"not_yet_valid":       usersig.ErrNotYetValid,
	"expired":             usersig.ErrExpired,
	"userbuf_mismatch":    usersig.ErrUserbufMismatch,
}

func (v *vector) expectation(t *testing.T) (usersig.Expect, []byte) {
	var userbuf []byte
	if v.UserbufB64 != nil {
		var err error
		if userbuf, err = base64.StdEncoding.DecodeString(*v.UserbufB64); err != nil {
			t.Fatal(err)
		}
	}
	switch {
	case v.RoomID != nil:
		return usersig.ExpectRoom(*v.RoomID, usersig.Privileges(v.Privileges)), userbuf
	case v.RoomStr != nil:
		return usersig.ExpectStringRoom(*v.RoomStr, usersig.Privileges(v.Privileges)), userbuf
	case userbuf != nil:
		return usersig.ExpectUserbuf(userbuf), userbuf
	default:
		return usersig.ExpectNoUserbuf(), nil
	}
}

func TestEveryOfficialVectorVerifiesOrFailsWithItsKind(t *testing.T) {
	for _, v := range loadVectors(t) {
		v := v
		t.Run(v.Name, func(t *testing.T) {
			ver, err := usersig.NewVerifier(v.SDKAppID, v.Key)
			if err != nil {
				t.Fatal(err)
			}
			defer ver.Close()
			expect, userbuf := v.expectation(t)
			at := time.Unix(int64(v.Time), 0)
			claims, err := ver.VerifyExpectAt(v.Token, v.Identifier, expect, at)
			if v.Expect != "valid" {
				want, ok := kindSentinels[v.Expect]
				if !ok {
					t.Fatalf("unknown expectation %q", v.Expect)
				}
				if !errors.Is(err, want) {
					t.Fatalf("got %v, want %s", err, v.Expect)
				}
				var ve *usersig.VerifyError
				if !errors.As(err, &ve) || ve.Kind != v.Expect {
					t.Fatalf("got %#v, want a *VerifyError of kind %s", err, v.Expect)
				}
				return
			}
			if err != nil {
				t.Fatalf("valid vector rejected: %v", err)
			}
			if claims.SDKAppID != v.SDKAppID || claims.Time != v.Time || claims.Expire != v.Expire ||
				claims.ExpiresAt != v.Time+v.Expire || claims.Identifier != v.Identifier {
				t.Fatalf("claims %+v", claims)
			}
			if (claims.Userbuf != nil) != (userbuf != nil) || string(claims.Userbuf) != string(userbuf) {
				t.Fatalf("userbuf %q, want %q", claims.Userbuf, userbuf)
			}
			if v.RoomID != nil || v.RoomStr != nil {
				pmk := claims.PrivateMapKey
				if pmk == nil || uint32(pmk.Privileges) != v.Privileges || uint64(pmk.ExpiresAt) != v.Time+v.Expire {
					t.Fatalf("private map key %+v", pmk)
				}
				if v.RoomID != nil && (pmk.HasStringRoom || pmk.RoomID != *v.RoomID) {
					t.Fatalf("numeric room: %+v", pmk)
				}
				if v.RoomStr != nil && (!pmk.HasStringRoom || pmk.StringRoom != *v.RoomStr) {
					t.Fatalf("string room: %+v", pmk)
				}
			}
			// The last second is valid; the next is not (FORMAT.md §5.7).
			last := time.Unix(int64(v.Time+v.Expire), 0)
			if _, err := ver.VerifyExpectAt(v.Token, v.Identifier, expect, last); err != nil {
				t.Fatalf("at the last second: %v", err)
			}
			if _, err := ver.VerifyExpectAt(v.Token, v.Identifier, expect, last.Add(time.Second)); !errors.Is(err, usersig.ErrExpired) {
				t.Fatalf("one second after expiry: %v", err)
			}
		})
	}
}

// Minting with a vector's inputs at its time gives the same TLS.sig as the official SDK.
func TestMintingReproducesEveryOfficialSignature(t *testing.T) {
	n := 0
	for _, v := range loadVectors(t) {
		if v.Expect != "valid" || v.Sig == "" {
			continue
		}
		s, err := usersig.NewSigner(v.SDKAppID, v.Key)
		if err != nil {
			t.Fatal(err)
		}
		at := time.Unix(int64(v.Time), 0)
		expire := time.Duration(v.Expire) * time.Second
		var token string
		switch {
		case v.RoomID != nil:
			token, err = s.PrivateMapKeyAt(v.Identifier, expire, *v.RoomID, usersig.Privileges(v.Privileges), at)
		case v.RoomStr != nil:
			token, err = s.PrivateMapKeyStringRoomAt(v.Identifier, expire, *v.RoomStr, usersig.Privileges(v.Privileges), at)
		case v.UserbufB64 != nil:
			ub, _ := base64.StdEncoding.DecodeString(*v.UserbufB64)
			token, err = s.UserSigWithBufAt(v.Identifier, expire, ub, at)
		default:
			token, err = s.UserSigAt(v.Identifier, expire, at)
		}
		s.Close()
		if err != nil {
			t.Fatalf("%s: %v", v.Name, err)
		}
		if got := sigOf(t, token); got != v.Sig {
			t.Errorf("%s: TLS.sig %s, want %s", v.Name, got, v.Sig)
		}
		n++
	}
	if n < 10 {
		t.Fatalf("only %d vectors with a signature", n)
	}
}
