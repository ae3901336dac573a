package usersig_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	usersig "usersig/bindings/go"
)

func inspectAt(t *testing.T, token string, now time.Time) *usersig.Inspection {
	t.Helper()
	in, err := usersig.InspectAt(token, now)
	if err != nil {
		t.Fatal(err)
	}
	return in
}

func codes(in *usersig.Inspection) []string {
	var out []string
	for _, w := range in.Warnings {
		out = append(out, w.Code)
	}
	return out
}

func TestInspectReadsAMintedToken(t *testing.T) {
	tok, err := newSigner(t).UserSigAt("xiaojun", day, issued)
	if err != nil {
		t.Fatal(err)
	}
	in := inspectAt(t, tok, issued)
	u := uint64(issued.Unix())
	if *in.Version != "2.0" || *in.Identifier != "xiaojun" || *in.SDKAppID != app ||
		*in.Time != u || *in.Expire != 86400 || *in.ExpiresAt != u+86400 || in.LegacyV1 {
		t.Fatalf("claims %+v", in)
	}
	if in.Userbuf != nil || in.PrivateMapKey != nil || len(in.Warnings) != 0 {
		t.Fatalf("userbuf %v, pmk %v, warnings %v", in.Userbuf, in.PrivateMapKey, in.Warnings)
	}
	if in.Producer != "usersig (this library)" || len(in.ProducerReasons) == 0 {
		t.Fatalf("producer %q %q", in.Producer, in.ProducerReasons)
	}
	if !strings.Contains(in.Document, `"TLS.identifier":"xiaojun"`) {
		t.Fatalf("document %s", in.Document)
	}
	// The raw JSON keeps what has no field, such as the compression.
	var raw map[string]any
	if err := json.Unmarshal(in.JSON, &raw); err != nil || raw["compression"] != "stored (level 0)" {
		t.Fatalf("JSON %s: %v", in.JSON, err)
	}

	// Only the warnings depend on the time of the inspection.
	if got := codes(inspectAt(t, tok, issued.Add(2*day))); !reflect.DeepEqual(got, []string{"expired"}) {
		t.Fatalf("warnings two days later: %v", got)
	}
	// And with the system clock: the token is years old.
	now, err := usersig.Inspect(tok)
	if err != nil || *now.Identifier != "xiaojun" || codes(now)[0] != "expired" {
		t.Fatalf("%v %+v", err, now)
	}
}

func TestInspectUserbufIsNilWithoutOneAndExactWithOne(t *testing.T) {
	s := newSigner(t)
	for _, buf := range [][]byte{{0, 0xff, 'a', '\n'}, {}} {
		tok, err := s.UserSigWithBufAt("bob", day, buf, issued)
		if err != nil {
			t.Fatal(err)
		}
		in := inspectAt(t, tok, issued)
		if in.Userbuf == nil || !bytes.Equal(in.Userbuf, buf) || in.PrivateMapKey != nil {
			t.Fatalf("userbuf %#v, want %#v; pmk %v", in.Userbuf, buf, in.PrivateMapKey)
		}
	}
}

func TestInspectPrivateMapKeysAsTheVerifierReadsThem(t *testing.T) {
	s, v := newSigner(t), newVerifier(t)
	num, err := s.PrivateMapKeyAt("alice", day, 10000, usersig.PrivAll, issued)
	if err != nil {
		t.Fatal(err)
	}
	str, err := s.PrivateMapKeyStringRoomAt("alice", day, "lobby",
		usersig.PrivEnterRoom|usersig.PrivRecvAudio, issued)
	if err != nil {
		t.Fatal(err)
	}
	for _, tok := range []string{num, str} {
		c, err := v.VerifyAt(tok, "alice", issued)
		if err != nil {
			t.Fatal(err)
		}
		in := inspectAt(t, tok, issued)
		if !reflect.DeepEqual(in.PrivateMapKey, c.PrivateMapKey) || !bytes.Equal(in.Userbuf, c.Userbuf) {
			t.Fatalf("inspected %+v, verified %+v", in.PrivateMapKey, c.PrivateMapKey)
		}
	}
}

// A token whose document lacks fields is described, with nil claims and a warning.
func TestInspectMissingClaimsAreNil(t *testing.T) {
	in := inspectAt(t, encode(t, `{"TLS.ver":"2.0","TLS.identifier":"a","TLS.userbuf":"!"}`), issued)
	if *in.Identifier != "a" || in.SDKAppID != nil || in.Time != nil || in.Expire != nil ||
		in.ExpiresAt != nil || in.Userbuf != nil {
		t.Fatalf("%+v", in)
	}
	if got := codes(in); len(got) == 0 || got[0] != "will_not_verify" {
		t.Fatalf("warnings %v", got)
	}
}

func TestInspectMalformedTokens(t *testing.T) {
	for _, tok := range []string{"", "%%%<token text>", "eJw*", encode(t, `[1,2]`), strings.Repeat("A", 20000)} {
		_, err := usersig.InspectAt(tok, issued)
		var ve *usersig.VerifyError
		if !errors.Is(err, usersig.ErrMalformed) || !errors.As(err, &ve) || ve.Code != 1 {
			t.Fatalf("%.20q: %v", tok, err)
		}
		if tok != "" && strings.Contains(err.Error(), tok) {
			t.Fatalf("the error quotes the token: %v", err)
		}
		if _, err := usersig.Inspect(tok); !errors.Is(err, usersig.ErrMalformed) {
			t.Fatalf("%.20q: %v", tok, err)
		}
	}
	_, err := usersig.InspectAt("x", time.Unix(-1, 0))
	mustErr(t, err, usersig.ErrClockBeforeEpoch)
}

func TestInspectLongDescriptionsThroughTheRetry(t *testing.T) {
	big := bytes.Repeat([]byte("0123456789"), 300)
	tok, err := newSigner(t).UserSigWithBufAt("carol", day, big, issued)
	if err != nil {
		t.Fatal(err)
	}
	for _, inspect := range []func() (*usersig.Inspection, error){
		func() (*usersig.Inspection, error) { return usersig.InspectAt(tok, issued) },
		func() (*usersig.Inspection, error) { return usersig.Inspect(tok) },
	} {
		in, err := inspect()
		// Longer than the first buffer inspect offers (inspectCap, 4 KiB).
		if err != nil || len(in.JSON) <= 4096 || !bytes.Equal(in.Userbuf, big) {
			t.Fatalf("%v", err)
		}
	}
}
