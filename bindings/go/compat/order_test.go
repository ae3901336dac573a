package tencentyun_test

import (
	"bytes"
	"compress/zlib"
	"encoding/base64"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	usersig "usersig/bindings/go"
	tencentyun "usersig/bindings/go/compat"
)

// The assertions of the official SDK's own test, TestGenAndVerify, one subtest each, with
// its arguments: sdkappid 1, key "2", identifier "3", a 4-second lifetime, userbuf {5}.
func TestOfficialSuite(t *testing.T) {
	now := time.Now()
	sig, err := tencentyun.GenUserSig(1, "2", "3", 4)
	if err != nil {
		t.Fatal(err)
	}
	bufSig, err := tencentyun.GenUserSigWithBuf(1, "2", "3", 4, []byte{5})
	if err != nil {
		t.Fatal(err)
	}
	later := now.Add(time.Hour)
	for _, c := range []struct {
		name string
		got  error
		want error
	}{
		{"valid", tencentyun.VerifyUserSig(1, "2", "3", sig, now), nil},
		{"expired", tencentyun.VerifyUserSig(1, "2", "3", sig, later), tencentyun.ErrExpired},
		{"sdkappid_mismatch", tencentyun.VerifyUserSig(2, "2", "3", sig, now), tencentyun.ErrSdkAppIDNotMatch},
		{"identifier_mismatch", tencentyun.VerifyUserSig(1, "2", "4", sig, now), tencentyun.ErrIdentifierNotMatch},
		{"wrong_key", tencentyun.VerifyUserSig(1, "3", "3", sig, now), tencentyun.ErrSigNotMatch},
		{"unexpected_userbuf_before_wrong_key", tencentyun.VerifyUserSig(1, "3", "3", bufSig, now), tencentyun.ErrUserBufTypeNotMatch},

		{"with_buf/valid", tencentyun.VerifyUserSigWithBuf(1, "2", "3", bufSig, now, []byte{5}), nil},
		{"with_buf/expired", tencentyun.VerifyUserSigWithBuf(1, "2", "3", bufSig, later, []byte{5}), tencentyun.ErrExpired},
		{"with_buf/sdkappid_mismatch", tencentyun.VerifyUserSigWithBuf(2, "2", "3", bufSig, now, []byte{5}), tencentyun.ErrSdkAppIDNotMatch},
		{"with_buf/identifier_mismatch", tencentyun.VerifyUserSigWithBuf(1, "2", "4", bufSig, now, []byte{5}), tencentyun.ErrIdentifierNotMatch},
		{"with_buf/wrong_key", tencentyun.VerifyUserSigWithBuf(1, "3", "3", bufSig, now, []byte{5}), tencentyun.ErrSigNotMatch},
		{"with_buf/nil_userbuf_before_wrong_key", tencentyun.VerifyUserSigWithBuf(1, "3", "3", bufSig, now, nil), tencentyun.ErrUserBufTypeNotMatch},
		{"with_buf/other_userbuf_before_wrong_key", tencentyun.VerifyUserSigWithBuf(1, "3", "3", bufSig, now, []byte{6}), tencentyun.ErrUserBufNotMatch},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.got != c.want {
				t.Fatalf("got %v, want %v", c.got, c.want)
			}
		})
	}
}

const (
	life    = time.Hour
	stamp   = 1700000000
	wrongID = "bob"
)

var (
	t0       = time.Unix(stamp, 0)
	otherKey = strings.Repeat("0", len(key))
)

// mintAt mints, with the usersig package, a token issued at t0 for xiaojun, with userbuf
// buf (none when nil).
func mintAt(t *testing.T, buf []byte) string {
	t.Helper()
	s, err := usersig.NewSigner(app, key)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var tok string
	if buf == nil {
		tok, err = s.UserSigAt("xiaojun", life, t0)
	} else {
		tok, err = s.UserSigWithBufAt("xiaojun", life, buf, t0)
	}
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// Every combination of faults, each alone and with any others: the error is the first
// fault in the official order (sdkappid, identifier, expiry, userbuf presence, userbuf
// bytes, signature), and a token from the future (our addition) is ErrNotYetValid only when
// there is no other fault.
func TestTheFirstFaultInTheOfficialOrderWins(t *testing.T) {
	noBuf, withBuf := mintAt(t, nil), mintAt(t, []byte("abc"))
	bufs := []struct {
		name  string
		token string
		want  []byte
		fault error
	}{
		{"no_userbuf", noBuf, nil, nil},
		{"same_userbuf", withBuf, []byte("abc"), nil},
		{"userbuf_none_expected", withBuf, nil, tencentyun.ErrUserBufTypeNotMatch},
		{"no_userbuf_one_expected", noBuf, []byte("abc"), tencentyun.ErrUserBufTypeNotMatch},
		{"no_userbuf_empty_expected", noBuf, []byte{}, tencentyun.ErrUserBufTypeNotMatch},
		{"other_userbuf", withBuf, []byte("abd"), tencentyun.ErrUserBufNotMatch},
		{"userbuf_empty_expected", withBuf, []byte{}, tencentyun.ErrUserBufNotMatch},
	}
	const (
		fSdkAppID = 1 << iota
		fIdentifier
		fExpired
		fWrongKey
		fFuture
		fAll = 1<<iota - 1
	)
	n := 0
	for faults := 0; faults <= fAll; faults++ {
		if faults&fExpired != 0 && faults&fFuture != 0 {
			continue // issued after now and expired before it: impossible
		}
		sdkappid, id, k, now := uint64(app), "xiaojun", key, t0.Add(10*time.Minute)
		var names []string
		var want error
		fault := func(bit int, name string, err error) {
			if faults&bit != 0 {
				names = append(names, name)
				if want == nil {
					want = err
				}
			}
		}
		if faults&fSdkAppID != 0 {
			sdkappid++
		}
		if faults&fIdentifier != 0 {
			id = wrongID
		}
		if faults&fExpired != 0 {
			now = t0.Add(life + time.Second)
		}
		if faults&fFuture != 0 {
			now = t0.Add(-10 * time.Minute) // beyond the 5-minute skew
		}
		if faults&fWrongKey != 0 {
			k = otherKey
		}
		fault(fSdkAppID, "sdkappid", tencentyun.ErrSdkAppIDNotMatch)
		fault(fIdentifier, "identifier", tencentyun.ErrIdentifierNotMatch)
		fault(fExpired, "expired", tencentyun.ErrExpired)
		for _, b := range bufs {
			want, names := want, names
			if want == nil {
				want = b.fault
			}
			if faults&fWrongKey != 0 {
				names = append(names, "wrong_key")
				if want == nil {
					want = tencentyun.ErrSigNotMatch
				}
			}
			if faults&fFuture != 0 {
				names = append(names, "future")
			}
			if len(names) == 0 {
				names = []string{"valid"}
			}
			name := strings.Join(names, "+") + "/" + b.name
			t.Run(name, func(t *testing.T) {
				got := tencentyun.VerifyUserSigWithBuf(sdkappid, k, id, b.token, now, b.want)
				if faults&fFuture != 0 && want == nil {
					if !errors.Is(got, usersig.ErrNotYetValid) {
						t.Fatalf("got %v, want usersig.ErrNotYetValid", got)
					}
				} else if got != want {
					t.Fatalf("got %v, want %v", got, want)
				}
				if b.want == nil {
					plain := tencentyun.VerifyUserSig(sdkappid, k, id, b.token, now)
					if plain != got && !(errors.Is(plain, usersig.ErrNotYetValid) && errors.Is(got, usersig.ErrNotYetValid)) {
						t.Fatalf("VerifyUserSig: %v, VerifyUserSigWithBuf(nil): %v", plain, got)
					}
				}
			})
			n++
		}
	}
	if n != 24*len(bufs) {
		t.Fatalf("%d cases", n)
	}
}

// The official expiry rule, now > time + expire: valid through the last second, expired one
// second later, with the right key or not.
func TestExpiryIsInclusiveAndPrecedesTheSignature(t *testing.T) {
	tok := mintAt(t, nil)
	last := t0.Add(life)
	for _, c := range []struct {
		name string
		k    string
		now  time.Time
		want error
	}{
		{"last_second", key, last, nil},
		{"second_after", key, last.Add(time.Second), tencentyun.ErrExpired},
		{"last_second_wrong_key", otherKey, last, tencentyun.ErrSigNotMatch},
		{"second_after_wrong_key", otherKey, last.Add(time.Second), tencentyun.ErrExpired},
		{"issue_second", key, t0, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := tencentyun.VerifyUserSig(app, c.k, "xiaojun", tok, c.now); got != c.want {
				t.Fatalf("got %v, want %v", got, c.want)
			}
		})
	}
}

// tokenJSON inflates a token's JSON (the form usersig mints: * - _, padded).
func tokenJSON(t *testing.T, tok string) string {
	t.Helper()
	r := strings.NewReplacer("*", "+", "-", "/", "_", "=")
	z, err := base64.StdEncoding.DecodeString(r.Replace(tok))
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zlib.NewReader(bytes.NewReader(z))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return string(doc)
}

// encode compresses doc at level and base64-encodes it, substituting * - _ if asked.
func encode(t *testing.T, doc string, level int, substitute bool) string {
	t.Helper()
	var b bytes.Buffer
	w, err := zlib.NewWriterLevel(&b, level)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write([]byte(doc)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	s := base64.StdEncoding.EncodeToString(b.Bytes())
	if substitute {
		s = strings.NewReplacer("+", "*", "/", "-", "=", "_").Replace(s)
	}
	return s
}

// The claims the official order needs before the signature are read from every encoding the
// library accepts (docs/FORMAT.md §3, §4.3), and by exact key. Each variant is checked to
// still verify, so it is one the library accepts.
func TestClaimsAreReadFromEveryAcceptedEncoding(t *testing.T) {
	tok := mintAt(t, []byte("abc"))
	doc := tokenJSON(t, tok)
	if !strings.Contains(doc, `"TLS.identifier":"xiaojun"`) {
		t.Fatalf("unexpected JSON: %s", doc)
	}
	wrap := func(s string) string {
		var b strings.Builder
		for len(s) > 60 {
			b.WriteString(s[:60] + "\r\n")
			s = s[60:]
		}
		b.WriteString(s)
		return b.String()
	}
	spaced := strings.NewReplacer(`":`, `": `, `,"`, `, "`, `/`, `\/`, `"xiaojun"`, `"\u0078iaojun"`).Replace(doc)
	last := strings.LastIndex(doc, "}")
	decoys := doc[:last] + `,"tls.time":0,"tls.userbuf":"AAAA","TLS.extra":{"a":[1,null]}` + doc[last:]
	for _, v := range []struct{ name, token string }{
		{"as_minted", tok},
		{"level_9_plain_base64", encode(t, doc, zlib.BestCompression, false)},
		{"padding_stripped", strings.TrimRight(encode(t, doc, zlib.BestSpeed, true), "_")},
		{"line_wrapped", wrap(encode(t, doc, zlib.NoCompression, true))},
		{"spaces_and_escapes", encode(t, spaced, zlib.DefaultCompression, true)},
		{"trailing_newline", encode(t, doc+"\n", zlib.NoCompression, true)},
		{"decoy_keys", encode(t, decoys, zlib.DefaultCompression, true)},
	} {
		ok, early, late := t0.Add(time.Minute), t0.Add(-10*time.Minute), t0.Add(life+time.Second)
		for _, c := range []struct {
			name string
			k    string
			now  time.Time
			buf  []byte
			want error
		}{
			{"valid", key, ok, []byte("abc"), nil},
			{"other_userbuf_wrong_key", otherKey, ok, []byte("abd"), tencentyun.ErrUserBufNotMatch},
			{"nil_userbuf_wrong_key", otherKey, ok, nil, tencentyun.ErrUserBufTypeNotMatch},
			{"expired_wrong_key", otherKey, late, []byte("abc"), tencentyun.ErrExpired},
			{"wrong_key", otherKey, ok, []byte("abc"), tencentyun.ErrSigNotMatch},
			{"future_other_userbuf", key, early, []byte("abd"), tencentyun.ErrUserBufNotMatch},
			{"future", key, early, []byte("abc"), usersig.ErrNotYetValid},
		} {
			t.Run(v.name+"/"+c.name, func(t *testing.T) {
				got := tencentyun.VerifyUserSigWithBuf(app, c.k, "xiaojun", v.token, c.now, c.buf)
				if got != c.want && !(c.want == usersig.ErrNotYetValid && errors.Is(got, c.want)) {
					t.Fatalf("got %v, want %v", got, c.want)
				}
			})
		}
	}
}

// Deviation: the structure is checked first and strictly, so a malformed token is
// usersig.ErrMalformed even when every official check would fail too (the official SDK
// returns a decoding error, or judges a blank token when its JSON does not decode).
func TestStructureIsCheckedFirst(t *testing.T) {
	valid := tokenJSON(t, mintAt(t, []byte("abc")))
	for _, s := range []string{`"TLS.expire":3600,`, `"TLS.time":1700000000`, `"TLS.identifier":"xiaojun"`, `"2.0"`} {
		if !strings.Contains(valid, s) {
			t.Fatalf("the cases below edit %s, not in %s", s, valid)
		}
	}
	edit := func(old, new string) string {
		return encode(t, strings.Replace(valid, old, new, 1), zlib.DefaultCompression, true)
	}
	for _, c := range []struct {
		name, token string
		want        error
	}{
		{"empty", "", usersig.ErrMalformed},
		{"not_base64", "!!!!", usersig.ErrMalformed},
		{"not_zlib", base64.StdEncoding.EncodeToString([]byte("hello, world")), usersig.ErrMalformed},
		{"not_json", encode(t, "not json", zlib.DefaultCompression, true), usersig.ErrMalformed},
		{"json_array", encode(t, "[]", zlib.DefaultCompression, true), usersig.ErrMalformed},
		{"truncated_json", encode(t, valid[:len(valid)/2], zlib.DefaultCompression, true), usersig.ErrMalformed},
		{"missing_expire", edit(`"TLS.expire":3600,`, ""), usersig.ErrMalformed},
		{"quoted_time", edit(`"TLS.time":1700000000`, `"TLS.time":"1700000000"`), usersig.ErrMalformed},
		{"negative_expire", edit(`"TLS.expire":3600`, `"TLS.expire":-1`), usersig.ErrMalformed},
		{"duplicated_identifier", edit(`"TLS.identifier":"xiaojun"`, `"TLS.identifier":"bob","TLS.identifier":"xiaojun"`), usersig.ErrMalformed},
		{"too_long", strings.Repeat("A", 16<<10+4), usersig.ErrMalformed},
		{"inflates_too_far", encode(t, "{"+strings.Repeat(" ", 64<<10)+"}", zlib.BestCompression, true), usersig.ErrMalformed},
		{"version_1", edit(`"2.0"`, `"1.0"`), usersig.ErrUnsupportedVersion},
		{"legacy_v1", encode(t, `{"TLS.account_type":"0","TLS.identifier":"xiaojun","TLS.appid_at_3rd":"0","TLS.sdk_appid":"1400000000","TLS.expire_after":"180","TLS.version":"201512300000","TLS.time":"1569910200","TLS.sig":"MEUCIQ"}`, zlib.DefaultCompression, true), usersig.ErrUnsupportedVersion},
	} {
		t.Run(c.name, func(t *testing.T) {
			// Every official check fails as well: wrong sdkappid, identifier, key, userbuf.
			got := tencentyun.VerifyUserSigWithBuf(app+1, otherKey, wrongID, c.token, t0.Add(2*life), []byte("zzz"))
			var ve *usersig.VerifyError
			if !errors.Is(got, c.want) || !errors.As(got, &ve) {
				t.Fatalf("got %v, want a *usersig.VerifyError matching %v", got, c.want)
			}
		})
	}
}

// Deviations that hold whatever the token: an empty key is a misconfiguration, and the
// library counts time from 1970.
func TestArgumentErrorsComeFirst(t *testing.T) {
	tok := mintAt(t, []byte("abc"))
	if err := tencentyun.VerifyUserSig(app+1, "", wrongID, tok, t0.Add(2*life)); !errors.Is(err, usersig.ErrEmptyKey) {
		t.Errorf("empty key: %v", err)
	}
	if err := tencentyun.VerifyUserSigWithBuf(app, "", "xiaojun", tok, t0, []byte("abc")); !errors.Is(err, usersig.ErrEmptyKey) {
		t.Errorf("empty key, otherwise valid: %v", err)
	}
	if err := tencentyun.VerifyUserSig(app+1, otherKey, wrongID, tok, time.Unix(-1, 0)); !errors.Is(err, usersig.ErrClockBeforeEpoch) {
		t.Errorf("now before 1970: %v", err)
	}
}
