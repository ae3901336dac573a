package usersig_test

import (
	"bytes"
	"compress/zlib"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"

	usersig "usersig/bindings/go"
)

const (
	app = 1400000000
	key = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e"
	day = 24 * time.Hour
)

var issued = time.Unix(1569910200, 0)

func newSigner(t testing.TB, opts ...usersig.SignerOption) *usersig.Signer {
	t.Helper()
	s, err := usersig.NewSigner(app, key, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func newVerifier(t testing.TB, opts ...usersig.Option) *usersig.Verifier {
	t.Helper()
	v, err := usersig.NewVerifier(app, key, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { v.Close() })
	return v
}

// decode undoes FORMAT.md §4 to read the JSON document of a token.
func decode(t testing.TB, token string) map[string]any {
	t.Helper()
	r := strings.NewReplacer("*", "+", "-", "/", "_", "=")
	raw, err := base64.StdEncoding.DecodeString(r.Replace(token))
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zlib.NewReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(doc, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// encode applies FORMAT.md §4 to a JSON document.
func encode(t testing.TB, doc string) string {
	t.Helper()
	var b bytes.Buffer
	w := zlib.NewWriter(&b)
	if _, err := w.Write([]byte(doc)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	r := strings.NewReplacer("+", "*", "/", "-", "=", "_")
	return r.Replace(base64.StdEncoding.EncodeToString(b.Bytes()))
}

func sigOf(t testing.TB, token string) string {
	t.Helper()
	s, _ := decode(t, token)["TLS.sig"].(string)
	return s
}

func mustErr(t *testing.T, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("got %v, want %v", err, want)
	}
}

func TestSpecKnownAnswers(t *testing.T) {
	s := newSigner(t)
	for _, c := range []struct{ id, userbuf, sig string }{
		{"xiaojun", "", "gOoeW13s19Fgyn8RwlEt/rLkw3wzLq9M+SqBbXTIfnQ="},
		{"xiaojun", "abc", "3TxjjQy6zPPaA/ym48DhPp0nXv+HlvvewKWOX4u3upg="},
		{"0", "", "CpjuBdQs9ZwnuGAJR8onoOeI9fweX2vIMMY94iOJWJY="},
		{"0", "abc", "bC3u5cuslSg8Ds7KY58mhSkTrxunrFu50dkdkCYH4i8="},
	} {
		var tok string
		var err error
		if c.userbuf == "" {
			tok, err = s.UserSigAt(c.id, 180*day, issued)
		} else {
			tok, err = s.UserSigWithBufAt(c.id, 180*day, []byte(c.userbuf), issued)
		}
		if err != nil {
			t.Fatal(err)
		}
		if got := sigOf(t, tok); got != c.sig {
			t.Errorf("%s/%q: %s, want %s", c.id, c.userbuf, got, c.sig)
		}
	}
}

func TestSpecPrivateMapKeyExamples(t *testing.T) {
	s := newSigner(t)
	v := newVerifier(t)
	tok, err := s.PrivateMapKeyAt("xiaojun", 180*day, 10000, usersig.PrivAll, issued)
	if err != nil {
		t.Fatal(err)
	}
	if got := decode(t, tok)["TLS.userbuf"]; got != "AAAHeGlhb2p1blNyTgAAACcQXoA7uAAAAP8AAAAA" {
		t.Fatalf("numeric room userbuf %v", got)
	}
	tok, err = s.PrivateMapKeyStringRoomAt("xiaojun", 180*day, "1000000040", usersig.PrivAll, issued)
	if err != nil {
		t.Fatal(err)
	}
	if got := decode(t, tok)["TLS.userbuf"]; got != "AQAHeGlhb2p1blNyTgAAAAAAXoA7uAAAAP8AAAAAAAoxMDAwMDAwMDQw" {
		t.Fatalf("string room userbuf %v", got)
	}
	c, err := v.VerifyExpectAt(tok, "xiaojun", usersig.ExpectStringRoom("1000000040", usersig.PrivEnterRoom), issued)
	if err != nil {
		t.Fatal(err)
	}
	if p := c.PrivateMapKey; p == nil || !p.HasStringRoom || p.StringRoom != "1000000040" || p.Account != "xiaojun" || p.Privileges != usersig.PrivAll {
		t.Fatalf("%+v", c.PrivateMapKey)
	}
}

func TestRoundTripsWithTheSystemClock(t *testing.T) {
	s := newSigner(t)
	v := newVerifier(t)
	before := uint64(time.Now().Unix())

	tok, err := s.UserSig("alice", usersig.DefaultExpire)
	if err != nil {
		t.Fatal(err)
	}
	c, err := v.Verify(tok, "alice")
	if err != nil {
		t.Fatal(err)
	}
	if c.Identifier != "alice" || c.SDKAppID != app || c.Expire != 15552000 || c.Time < before ||
		c.ExpiresAt != c.Time+c.Expire || c.Userbuf != nil || c.PrivateMapKey != nil {
		t.Fatalf("%+v", c)
	}
	if !c.Expiry().Equal(time.Unix(int64(c.ExpiresAt), 0)) || !c.IssuedAt().Equal(time.Unix(int64(c.Time), 0)) {
		t.Fatalf("times %v %v", c.IssuedAt(), c.Expiry())
	}
	if _, err := v.VerifyExpect(tok, "alice", usersig.ExpectNoUserbuf()); err != nil {
		t.Fatal(err)
	}

	tok, err = s.UserSigWithBuf("alice", time.Hour, []byte{0, 1, 2, 0xff})
	if err != nil {
		t.Fatal(err)
	}
	c, err = v.VerifyExpect(tok, "alice", usersig.ExpectUserbuf([]byte{0, 1, 2, 0xff}))
	if err != nil || !bytes.Equal(c.Userbuf, []byte{0, 1, 2, 0xff}) {
		t.Fatalf("%v %+v", err, c)
	}

	tok, err = s.PrivateMapKey("alice", time.Hour, 42, usersig.PrivEnterRoom|usersig.PrivRecvAudio)
	if err != nil {
		t.Fatal(err)
	}
	c, err = v.VerifyExpect(tok, "alice", usersig.ExpectRoom(42, usersig.PrivEnterRoom))
	if err != nil {
		t.Fatal(err)
	}
	if p := c.PrivateMapKey; p == nil || p.HasStringRoom || p.RoomID != 42 || p.StringRoom != "" ||
		p.Privileges != usersig.PrivEnterRoom|usersig.PrivRecvAudio || uint64(p.ExpiresAt) != c.ExpiresAt {
		t.Fatalf("%+v", c.PrivateMapKey)
	}

	tok, err = s.PrivateMapKeyStringRoom("alice", time.Hour, "lobby-小", usersig.PrivAll)
	if err != nil {
		t.Fatal(err)
	}
	if c, err = v.VerifyExpect(tok, "alice", usersig.ExpectStringRoom("lobby-小", usersig.PrivAll)); err != nil {
		t.Fatal(err)
	}
	if c.PrivateMapKey.StringRoom != "lobby-小" || c.PrivateMapKey.Account != "alice" {
		t.Fatalf("%+v", c.PrivateMapKey)
	}
}

func TestEveryCompressionRoundTrips(t *testing.T) {
	v := newVerifier(t)
	lengths := map[usersig.Compression]int{}
	for _, comp := range []usersig.Compression{usersig.CompressionStored, usersig.CompressionFast, usersig.CompressionStandard} {
		s := newSigner(t, usersig.WithCompression(comp))
		tok, err := s.UserSigAt("xiaojun", 180*day, issued)
		if err != nil {
			t.Fatal(err)
		}
		if sigOf(t, tok) != "gOoeW13s19Fgyn8RwlEt/rLkw3wzLq9M+SqBbXTIfnQ=" {
			t.Fatalf("compression %d changed the signature", comp)
		}
		if _, err := v.VerifyAt(tok, "xiaojun", issued); err != nil {
			t.Fatal(err)
		}
		lengths[comp] = len(tok)
	}
	if lengths[usersig.CompressionStandard] >= lengths[usersig.CompressionStored] {
		t.Fatalf("level 6 is not shorter than stored: %v", lengths)
	}
	if _, err := usersig.NewSigner(app, key, usersig.WithCompression(7)); !errors.Is(err, usersig.ErrInvalidArgument) {
		t.Fatalf("compression 7: %v", err)
	}
}

func TestEmptyUserbufIsCarriedAndDistinctFromNone(t *testing.T) {
	s := newSigner(t)
	v := newVerifier(t)
	tok, err := s.UserSigWithBufAt("bob", time.Hour, nil, issued)
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := decode(t, tok)["TLS.userbuf"]; !ok || got != "" {
		t.Fatalf("TLS.userbuf %v %v", got, ok)
	}
	c, err := v.VerifyExpectAt(tok, "bob", usersig.ExpectUserbuf([]byte{}), issued)
	if err != nil || c.Userbuf == nil || len(c.Userbuf) != 0 {
		t.Fatalf("%v %#v", err, c)
	}
	_, err = v.VerifyExpectAt(tok, "bob", usersig.ExpectNoUserbuf(), issued)
	mustErr(t, err, usersig.ErrUserbufMismatch)
}

func TestLargeUserbufsRoundTripThroughTheRetry(t *testing.T) {
	s := newSigner(t)
	v := newVerifier(t)
	big := bytes.Repeat([]byte("0123456789"), 900) // bigger than the scratch buffers
	tok, err := s.UserSigWithBuf("carol", time.Hour, big)
	if err != nil {
		t.Fatal(err)
	}
	c, err := v.VerifyExpect(tok, "carol", usersig.ExpectUserbuf(big))
	if err != nil || !bytes.Equal(c.Userbuf, big) {
		t.Fatalf("%v", err)
	}
	_, err = s.UserSigWithBuf("carol", time.Hour, make([]byte, 65536))
	mustErr(t, err, usersig.ErrTooLong)
}

// Every verification kind, as a sentinel and as a *VerifyError with its code and kind.
func TestEveryVerificationErrorKind(t *testing.T) {
	s := newSigner(t)
	v := newVerifier(t)
	tok, err := s.UserSigAt("alice", time.Hour, issued)
	if err != nil {
		t.Fatal(err)
	}
	pmk, err := s.PrivateMapKeyAt("alice", time.Hour, 7, usersig.PrivEnterRoom, issued)
	if err != nil {
		t.Fatal(err)
	}
	other, err := usersig.NewSigner(app+1, key)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	otherApp, _ := other.UserSigAt("alice", time.Hour, issued)
	wrongKey, _ := usersig.NewSigner(app, "another key")
	defer wrongKey.Close()
	forged, _ := wrongKey.UserSigAt("alice", time.Hour, issued)
	legacy := encode(t, `{"TLS.account_type":"0","TLS.identifier":"alice","TLS.appid_at_3rd":"0",`+
		`"TLS.sdk_appid":"1400000000","TLS.expire_after":"3600","TLS.version":"201512300000",`+
		`"TLS.time":"1569910200","TLS.sig":"MEUCIQ"}`)

	for _, c := range []struct {
		name string
		err  error
		want error
		code int
		kind string
	}{
		{"malformed", verr(v.VerifyAt("not a token", "alice", issued)), usersig.ErrMalformed, 1, "malformed"},
		{"unsupported_version", verr(v.VerifyAt(legacy, "alice", issued)), usersig.ErrUnsupportedVersion, 2, "unsupported_version"},
		{"sdkappid_mismatch", verr(v.VerifyAt(otherApp, "alice", issued)), usersig.ErrSdkAppIDMismatch, 3, "sdkappid_mismatch"},
		{"identifier_mismatch", verr(v.VerifyAt(tok, "bob", issued)), usersig.ErrIdentifierMismatch, 4, "identifier_mismatch"},
		{"bad_signature", verr(v.VerifyAt(forged, "alice", issued)), usersig.ErrBadSignature, 5, "bad_signature"},
		{"not_yet_valid", verr(v.VerifyAt(tok, "alice", issued.Add(-301*time.Second))), usersig.ErrNotYetValid, 6, "not_yet_valid"},
		{"expired", verr(v.VerifyAt(tok, "alice", issued.Add(time.Hour+time.Second))), usersig.ErrExpired, 7, "expired"},
		{"userbuf_mismatch", verr(v.VerifyExpectAt(pmk, "alice", usersig.ExpectRoom(8, usersig.PrivEnterRoom), issued)), usersig.ErrUserbufMismatch, 8, "userbuf_mismatch"},
	} {
		if !errors.Is(c.err, c.want) {
			t.Errorf("%s: got %v", c.name, c.err)
			continue
		}
		for _, s := range kindSentinels {
			if s != c.want && errors.Is(c.err, s) {
				t.Errorf("%s also matches %v", c.name, s)
			}
		}
		var ve *usersig.VerifyError
		if !errors.As(c.err, &ve) || ve.Code != c.code || ve.Kind != c.kind || ve.Message == "" {
			t.Errorf("%s: %#v", c.name, c.err)
		}
		if !strings.Contains(c.err.Error(), c.kind) {
			t.Errorf("%s: message %q", c.name, c.err.Error())
		}
	}
	// Within the skew, and with leeway after expiry, the token is accepted.
	if _, err := v.VerifyAt(tok, "alice", issued.Add(-300*time.Second)); err != nil {
		t.Fatal(err)
	}
	lenient := newVerifier(t, usersig.WithLeeway(time.Minute), usersig.WithMaxFutureSkew(0))
	if _, err := lenient.VerifyAt(tok, "alice", issued.Add(time.Hour+time.Minute)); err != nil {
		t.Fatal(err)
	}
	_, err = lenient.VerifyAt(tok, "alice", issued.Add(-time.Second))
	mustErr(t, err, usersig.ErrNotYetValid)
	small := newVerifier(t, usersig.WithLimits(50, 1000))
	_, err = small.VerifyAt(tok, "alice", issued)
	mustErr(t, err, usersig.ErrMalformed)
}

func verr(_ *usersig.Claims, err error) error { return err }

func TestEveryMintingErrorKind(t *testing.T) {
	s := newSigner(t)
	big, err := usersig.NewSigner(1<<32, key)
	if err != nil {
		t.Fatal(err)
	}
	defer big.Close()
	for _, c := range []struct {
		name string
		err  error
		want error
		kind string
	}{
		{"empty key", serr(usersig.NewSigner(app, "")), usersig.ErrEmptyKey, "empty_key"},
		{"empty verifier key", verr2(usersig.NewVerifier(app, "")), usersig.ErrEmptyKey, "empty_key"},
		{"empty identifier", terr(s.UserSig("", time.Hour)), usersig.ErrEmptyIdentifier, "empty_identifier"},
		{"nul", terr(s.UserSig("a\x00b", time.Hour)), usersig.ErrIdentifierContainsNUL, "identifier_contains_nul"},
		{"too long", terr(s.UserSig(strings.Repeat("x", 65536), time.Hour)), usersig.ErrTooLong, "too_long"},
		{"room too long", terr(s.PrivateMapKeyStringRoom("a", time.Hour, strings.Repeat("r", 65536), 1)), usersig.ErrTooLong, "too_long"},
		{"pmk expiry", terr(s.PrivateMapKeyAt("a", time.Duration(1<<32)*time.Second, 1, 1, issued)), usersig.ErrExpiryOutOfRange, "expiry_out_of_range"},
		{"sdkappid", terr(big.PrivateMapKey("a", time.Hour, 1, 1)), usersig.ErrSdkAppIDOutOfRange, "sdkappid_out_of_range"},
		{"before 1970", terr(s.UserSigAt("a", time.Hour, time.Unix(-1, 0))), usersig.ErrClockBeforeEpoch, "clock_before_epoch"},
		{"utf-8", terr(s.UserSig("\xff", time.Hour)), usersig.ErrInvalidUTF8, "invalid_utf8"},
		{"privileges", terr(s.PrivateMapKey("a", time.Hour, 1, 256)), usersig.ErrInvalidArgument, "invalid_argument"},
		{"negative expire", terr(s.UserSig("a", -time.Second)), usersig.ErrInvalidArgument, "invalid_argument"},
		{"fractional expire", terr(s.UserSig("a", 1500*time.Millisecond)), usersig.ErrInvalidArgument, "invalid_argument"},
		{"negative leeway", verr2(usersig.NewVerifier(app, key, usersig.WithLeeway(-time.Second))), usersig.ErrInvalidArgument, "invalid_argument"},
		{"negative limits", verr2(usersig.NewVerifier(app, key, usersig.WithLimits(-1, 10))), usersig.ErrInvalidArgument, "invalid_argument"},
		{"verify before 1970", verr(newVerifier(t).VerifyAt("x", "a", time.Unix(-5, 0))), usersig.ErrClockBeforeEpoch, "clock_before_epoch"},
	} {
		if !errors.Is(c.err, c.want) {
			t.Errorf("%s: got %v, want %v", c.name, c.err, c.want)
			continue
		}
		var e *usersig.Error
		if !errors.As(c.err, &e) || e.Kind != c.kind || e.Message == "" {
			t.Errorf("%s: %#v", c.name, c.err)
		}
		var ve *usersig.VerifyError
		if errors.As(c.err, &ve) {
			t.Errorf("%s is a VerifyError", c.name)
		}
	}
}

func serr(_ *usersig.Signer, err error) error    { return err }
func verr2(_ *usersig.Verifier, err error) error { return err }
func terr(_ string, err error) error             { return err }

// Empty strings and slices cross as (NULL, 0): an empty token is malformed, not a NULL
// argument, and an empty identifier is the library's own error.
func TestEmptyInputsAreEmptyNotNull(t *testing.T) {
	v := newVerifier(t)
	_, err := v.Verify("", "")
	mustErr(t, err, usersig.ErrMalformed)
	_, err = v.VerifyExpect("", "a", usersig.ExpectUserbuf(nil))
	mustErr(t, err, usersig.ErrMalformed)
	s := newSigner(t)
	tok, err := s.PrivateMapKeyStringRoomAt("a", time.Hour, "", usersig.PrivAll, issued)
	if err != nil {
		t.Fatal(err)
	}
	c, err := v.VerifyExpectAt(tok, "a", usersig.ExpectRoom(0, usersig.PrivAll), issued)
	if err != nil || c.PrivateMapKey.HasStringRoom {
		t.Fatalf("%v %+v", err, c)
	}
}

func TestClosedHandlesFailCleanly(t *testing.T) {
	s, _ := usersig.NewSigner(app, key)
	v, _ := usersig.NewVerifier(app, key)
	tok, _ := s.UserSig("a", time.Hour)
	if s.Close() != nil || s.Close() != nil || v.Close() != nil || v.Close() != nil {
		t.Fatal("Close failed")
	}
	_, err := s.UserSig("a", time.Hour)
	mustErr(t, err, usersig.ErrClosed)
	_, err = v.Verify(tok, "a")
	mustErr(t, err, usersig.ErrClosed)
}

// Handles dropped without Close are freed by their finalizers (run here, under -race too).
func TestFinalizersFreeForgottenHandles(t *testing.T) {
	for i := 0; i < 1000; i++ {
		s, _ := usersig.NewSigner(app, key)
		v, _ := usersig.NewVerifier(app, key)
		tok, _ := s.UserSig("a", time.Hour)
		if _, err := v.Verify(tok, "a"); err != nil {
			t.Fatal(err)
		}
	}
	runtime.GC()
	runtime.GC()
}

func TestPrivileges(t *testing.T) {
	p := usersig.PrivEnterRoom | usersig.PrivRecvAudio
	if p.String() != "enter_room|recv_audio" || usersig.Privileges(0).String() != "none" ||
		usersig.PrivAll != 255 || !usersig.PrivAll.Has(p) || p.Has(usersig.PrivSendAudio) ||
		usersig.Privileges(0x180).String() != "recv_sub_stream|0x100" {
		t.Fatal(p.String())
	}
}

func TestVersionIsTheLibrarys(t *testing.T) {
	if v := usersig.Version(); len(strings.Split(v, ".")) != 3 {
		t.Fatal(v)
	}
}
