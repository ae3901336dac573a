package tencentyun

import (
	"bytes"
	"compress/zlib"
	"encoding/base64"
	"math"
	"strings"
	"testing"
	"time"
)

func TestExpiredAtIsTheOfficialRuleWithoutOverflow(t *testing.T) {
	for _, c := range []struct {
		name         string
		time, expire uint64
		now          int64
		want         bool
	}{
		{"before_issue", 100, 10, 50, false},
		{"last_second", 100, 10, 110, false},
		{"second_after", 100, 10, 111, true},
		{"zero_lifetime", 100, 0, 101, true},
		{"huge_expire", 100, math.MaxUint64, math.MaxInt64, false},
		{"huge_time", math.MaxUint64, math.MaxUint64, math.MaxInt64, false},
		{"now_before_1970", 0, 0, -1, false},
	} {
		c2 := claims{time: c.time, expire: c.expire}
		if got := c2.expiredAt(time.Unix(c.now, 0)); got != c.want {
			t.Errorf("%s: %v", c.name, got)
		}
	}
}

func encodeForTest(t *testing.T, doc string) string {
	var b bytes.Buffer
	w := zlib.NewWriter(&b)
	if _, err := w.Write([]byte(doc)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return strings.NewReplacer("+", "*", "/", "-", "=", "_").Replace(base64.StdEncoding.EncodeToString(b.Bytes()))
}

// The library's default limits (FORMAT.md §5.1), which the inspection enforces.
const (
	maxTokenLen    = 16 << 10
	maxInflatedLen = 64 << 10
)

// doc is a document with the fields readClaims does not read, and fields.
func doc(fields string) string {
	return `{"TLS.ver":"2.0","TLS.identifier":"x","TLS.sdkappid":1,` + fields +
		`,"TLS.sig":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}`
}

func TestReadClaims(t *testing.T) {
	for _, c := range []struct {
		name, doc string
		want      *claims
	}{
		{"no_userbuf", doc(`"TLS.time":5,"TLS.expire":6`), &claims{5, 6, nil}},
		{"userbuf", doc(`"TLS.expire":6,"TLS.userbuf":"YWJj","TLS.time":5`), &claims{5, 6, []byte("abc")}},
		{"empty_userbuf", doc(`"TLS.time":5,"TLS.expire":6,"TLS.userbuf":""`), &claims{5, 6, []byte{}}},
		{"wrapped_unpadded_userbuf", doc(`"TLS.time":5,"TLS.expire":6,"TLS.userbuf":"YW\r\nI"`), &claims{5, 6, []byte("ab")}},
		{"exact_keys", doc(`"TLS.time":5,"TLS.expire":6,"tls.time":0,"Tls.Userbuf":"YWJj"`), &claims{5, 6, nil}},
		{"missing_time", doc(`"TLS.expire":6`), nil},
		{"quoted_expire", doc(`"TLS.time":5,"TLS.expire":"6"`), nil},
		{"negative_time", doc(`"TLS.time":-5,"TLS.expire":6`), nil},
		{"duplicated_time", doc(`"TLS.time":5,"TLS.expire":6,"TLS.time":7`), nil},
		{"overflowing_expiry", doc(`"TLS.time":18446744073709551615,"TLS.expire":1`), nil},
		{"null_userbuf", doc(`"TLS.time":5,"TLS.expire":6,"TLS.userbuf":null`), nil},
		{"null_time", doc(`"TLS.time":null,"TLS.expire":6`), nil},
		{"bad_userbuf", doc(`"TLS.time":5,"TLS.expire":6,"TLS.userbuf":"!"`), nil},
		{"missing_identifier", `{"TLS.ver":"2.0","TLS.sdkappid":1,"TLS.time":5,"TLS.expire":6,"TLS.sig":""}`, nil},
		{"not_an_object", `[5,6]`, nil},
	} {
		got, ok := readClaims(encodeForTest(t, c.doc))
		switch {
		case c.want == nil && ok:
			t.Errorf("%s: read %+v", c.name, got)
		case c.want != nil && !ok:
			t.Errorf("%s: not read", c.name)
		case c.want != nil && (got.time != c.want.time || got.expire != c.want.expire ||
			(got.userbuf == nil) != (c.want.userbuf == nil) || !bytes.Equal(got.userbuf, c.want.userbuf)):
			t.Errorf("%s: %+v, want %+v", c.name, got, c.want)
		}
	}
	// Valid but for its size: token text may carry whitespace, which counts.
	if _, ok := readClaims(encodeForTest(t, doc(`"TLS.time":5,"TLS.expire":6`)) + strings.Repeat(" ", maxTokenLen)); ok {
		t.Error("read a token beyond the size limit")
	}
	if _, ok := readClaims(encodeForTest(t, doc(`"TLS.time":5,"TLS.expire":6`)+strings.Repeat(" ", maxInflatedLen))); ok {
		t.Error("read a token inflating beyond the limit")
	}
	if _, ok := readClaims("!!"); ok {
		t.Error("read a token that is not base64")
	}
}
