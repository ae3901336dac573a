package usersig_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	usersig "usersig/bindings/go"
)

const restQuery = "?sdkappid=1400000000&identifier=administrator&usersig=eJx.sig_&random=42&contenttype=json"

func TestRestURLRegionsAndBase(t *testing.T) {
	for _, c := range []struct{ endpoint, want string }{
		{"sgp", "https://adminapisgp.im.qcloud.com/v4/openim/sendmsg" + restQuery},
		{"SINGAPORE", "https://adminapisgp.im.qcloud.com/v4/openim/sendmsg" + restQuery},
		{"usa", "https://adminapiusa.im.qcloud.com/v4/openim/sendmsg" + restQuery},
		{"", "https://console.tim.qq.com/v4/openim/sendmsg" + restQuery},
		{"cn", "https://console.tim.qq.com/v4/openim/sendmsg" + restQuery},
		{"http://127.0.0.1:8080/tim/", "http://127.0.0.1:8080/tim/v4/openim/sendmsg" + restQuery},
		{"https://proxy.internal", "https://proxy.internal/v4/openim/sendmsg" + restQuery},
	} {
		got, err := usersig.RestURLWithRandom(c.endpoint, "openim", "sendmsg", app, "administrator", "eJx.sig_", 42)
		if err != nil || got != c.want {
			t.Errorf("%q: got %q, %v; want %q", c.endpoint, got, err, c.want)
		}
	}
}

func TestRestURLPercentEncodes(t *testing.T) {
	got, err := usersig.RestURLWithRandom("sgp", "im_open_login_svc", "account_check", app, "a+b/c=d", "x+y/z=", 7)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(got, "&identifier=a%2Bb%2Fc%3Dd&usersig=x%2By%2Fz%3D&random=7&") {
		t.Fatal(got)
	}
	u, err := url.Parse(got)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if q.Get("identifier") != "a+b/c=d" || q.Get("usersig") != "x+y/z=" || u.Path != "/v4/im_open_login_svc/account_check" {
		t.Fatalf("%q read back as %v", got, q)
	}
}

func TestRestURLWithAMintedTokenAndAFreshRandom(t *testing.T) {
	token, err := newSigner(t).UserSig("administrator", day)
	if err != nil {
		t.Fatal(err)
	}
	randoms := map[string]bool{}
	for i := 0; i < 8; i++ {
		got, err := usersig.RestURL("sgp", "openim", "sendmsg", app, "administrator", token)
		if err != nil {
			t.Fatal(err)
		}
		u, err := url.Parse(got)
		if err != nil {
			t.Fatal(err)
		}
		q := u.Query()
		if q.Get("usersig") != token || q.Get("contenttype") != "json" || q.Get("sdkappid") != "1400000000" {
			t.Fatalf("%q", got)
		}
		randoms[q.Get("random")] = true
	}
	if len(randoms) < 2 {
		t.Fatalf("the random does not change: %v", randoms)
	}
	// Longer than the 1024-byte scratch buffer: retried with an exact one.
	long := strings.Repeat("x", 3000)
	got, err := usersig.RestURLWithRandom("", "openim", "sendmsg", app, "administrator", long, 1)
	if err != nil || !strings.Contains(got, "usersig="+long+"&random=1&") {
		t.Fatalf("%.80q, %v", got, err)
	}
	got, err = usersig.RestURL("", "openim", "sendmsg", app, long, long)
	if err != nil || !strings.HasSuffix(got, "&contenttype=json") {
		t.Fatalf("%.80q, %v", got, err)
	}
}

func TestRestURLErrors(t *testing.T) {
	rest := func(endpoint, service, command string, sdkappid uint64, id, sig string) error {
		got, err := usersig.RestURLWithRandom(endpoint, service, command, sdkappid, id, sig, 1)
		if err != nil && got != "" {
			t.Errorf("a URL with an error: %q", got)
		}
		return err
	}
	for _, c := range []struct {
		name string
		err  error
		want error
		kind string
	}{
		{"unknown region", rest("mars", "openim", "sendmsg", app, "admin", "sig"), usersig.ErrUnknownRegion, "unknown_region"},
		{"bad base url", rest("ftp://x", "openim", "sendmsg", app, "admin", "sig"), usersig.ErrBadBaseURL, "bad_base_url"},
		{"base url with a query", rest("https://x/?a=b", "openim", "sendmsg", app, "admin", "sig"), usersig.ErrBadBaseURL, "bad_base_url"},
		{"bad service", rest("sgp", "../etc", "sendmsg", app, "admin", "sig"), usersig.ErrBadPathSegment, "bad_path_segment"},
		{"empty command", rest("sgp", "openim", "", app, "admin", "sig"), usersig.ErrBadPathSegment, "bad_path_segment"},
		{"sdkappid 0", rest("sgp", "openim", "sendmsg", 0, "admin", "sig"), usersig.ErrMissingSdkAppID, "missing_sdkappid"},
		{"empty identifier", rest("sgp", "openim", "sendmsg", app, "", "sig"), usersig.ErrEmptyIdentifier, "empty_identifier"},
		{"empty usersig", rest("sgp", "openim", "sendmsg", app, "admin", ""), usersig.ErrEmptyUsersig, "empty_usersig"},
		{"utf-8", rest("sgp", "openim", "sendmsg", app, "\xff", "sig"), usersig.ErrInvalidUTF8, "invalid_utf8"},
	} {
		if !errors.Is(c.err, c.want) {
			t.Errorf("%s: got %v, want %v", c.name, c.err, c.want)
			continue
		}
		var e *usersig.Error
		if !errors.As(c.err, &e) || e.Kind != c.kind || e.Message == "" || errors.Is(c.err, usersig.ErrInternal) {
			t.Errorf("%s: %#v", c.name, c.err)
		}
	}
	// The fresh-random path reports the same errors.
	if _, err := usersig.RestURL("mars", "openim", "sendmsg", app, "admin", "sig"); !errors.Is(err, usersig.ErrUnknownRegion) {
		t.Errorf("fresh random: %v", err)
	}
}

func TestRetryClass(t *testing.T) {
	for _, c := range []struct {
		class usersig.RetryClass
		value int
		name  string
	}{
		{usersig.RetryUnknown, -1, "unknown"},
		{usersig.RetryNever, 0, "never"},
		{usersig.RetryBackoff, 1, "backoff"},
		{usersig.RetryAfter60s, 2, "after_60s"},
		{usersig.RetryRenewToken, 3, "renew_token"},
		{usersig.RetryClass(9), 9, "RetryClass(9)"},
	} {
		if int(c.class) != c.value || c.class.String() != c.name {
			t.Errorf("%d: %d %q", c.value, int(c.class), c.class.String())
		}
		if known := c.value >= 0 && c.value <= 3; (c.class.Advice() != "") != known {
			t.Errorf("%v: advice %q", c.class, c.class.Advice())
		}
	}
}

func TestDescribeRestCode(t *testing.T) {
	for _, c := range []struct {
		code  int64
		name  string
		retry usersig.RetryClass
	}{
		{70001, "usersig_expired", usersig.RetryRenewToken},
		{70003, "", usersig.RetryRenewToken},
		{60007, "", usersig.RetryBackoff},
		{60019, "", usersig.RetryBackoff},
		{70050, "", usersig.RetryAfter60s},
		{70009, "", usersig.RetryNever},
		{60002, "", usersig.RetryNever},
	} {
		got, ok := usersig.DescribeRestCode(c.code)
		if !ok || got.Code != c.code || got.Retry != c.retry || got.Name == "" || got.Meaning == "" || got.Action == "" {
			t.Errorf("%d: %+v, %v", c.code, got, ok)
		}
		if c.name != "" && got.Name != c.name {
			t.Errorf("%d: name %q", c.code, got.Name)
		}
	}
	if got, _ := usersig.DescribeRestCode(70001); !strings.Contains(got.Meaning, "expired") {
		t.Errorf("70001: %+v", got)
	}
	for _, code := range []int64{0, 1, 12345, 70002, -1, 1 << 40} {
		got, ok := usersig.DescribeRestCode(code)
		if ok || got != (usersig.RestCode{Code: code, Retry: usersig.RetryUnknown}) {
			t.Errorf("%d: %+v, %v", code, got, ok)
		}
	}
}

func TestEnvelopeOK(t *testing.T) {
	var reply struct {
		usersig.Envelope
		ResultItem []struct{ UserID, AccountStatus string }
	}
	body := `{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","RequestId":"Id-1",
		"ResultItem":[{"UserID":"bob","AccountStatus":"Imported"}]}`
	if err := json.Unmarshal([]byte(body), &reply); err != nil {
		t.Fatal(err)
	}
	if err := reply.Err(); err != nil || !reply.OK() {
		t.Fatal(err)
	}
	if reply.RequestID != "Id-1" || len(reply.ResultItem) != 1 || reply.ResultItem[0].AccountStatus != "Imported" {
		t.Fatalf("%+v", reply)
	}
	// ErrorCode and RequestId may be absent from a success.
	var env usersig.Envelope
	if err := json.Unmarshal([]byte(`{"ActionStatus":"OK"}`), &env); err != nil || env.Err() != nil {
		t.Fatalf("%+v %v", env, err)
	}
}

func TestEnvelopeFail(t *testing.T) {
	for _, c := range []struct {
		body  string
		code  int64
		retry usersig.RetryClass
		text  string
	}{
		{`{"ActionStatus":"FAIL","ErrorCode":70001,"ErrorInfo":"sig expired","RequestId":"r-1"}`,
			70001, usersig.RetryRenewToken, `usersig: REST error 70001 usersig_expired: `},
		{`{"ActionStatus":"FAIL","ErrorCode":60007,"ErrorInfo":"busy"}`, 60007, usersig.RetryBackoff, `(ErrorInfo "busy")`},
		{`{"ActionStatus":"FAIL","ErrorCode":70050,"ErrorInfo":""}`, 70050, usersig.RetryAfter60s, "70050"},
		{`{"ActionStatus":"FAIL","ErrorCode":70009,"ErrorInfo":"x"}`, 70009, usersig.RetryNever, "70009"},
		{`{"ActionStatus":"FAIL","ErrorCode":91000,"ErrorInfo":"new"}`, 91000, usersig.RetryUnknown, `usersig: REST error 91000 (ErrorInfo "new")`},
		// An OK status with an error code is not a success.
		{`{"ActionStatus":"OK","ErrorCode":60007}`, 60007, usersig.RetryBackoff, "60007"},
		// Not an envelope at all.
		{`{"error":"gateway"}`, 0, usersig.RetryUnknown, `(ActionStatus "")`},
	} {
		var env usersig.Envelope
		if err := json.Unmarshal([]byte(c.body), &env); err != nil {
			t.Fatal(err)
		}
		err := env.Err()
		var re *usersig.RestError
		if env.OK() || !errors.As(err, &re) {
			t.Fatalf("%s: %v", c.body, err)
		}
		if re.Code != c.code || re.Retry != c.retry || re.Info != env.ErrorInfo || re.RequestID != env.RequestID {
			t.Errorf("%s: %+v", c.body, re)
		}
		if !strings.Contains(err.Error(), c.text) {
			t.Errorf("%s: %q lacks %q", c.body, err.Error(), c.text)
		}
	}
	var env usersig.Envelope
	_ = json.Unmarshal([]byte(`{"ActionStatus":"FAIL","ErrorCode":70001,"ErrorInfo":"e","RequestId":"r-9"}`), &env)
	if msg := env.Err().Error(); !strings.HasSuffix(msg, `(ErrorInfo "e") [RequestId "r-9"]`) {
		t.Error(msg)
	}
}

// The URL builder shares nothing between goroutines.
func TestRestURLConcurrently(t *testing.T) {
	done := make(chan error)
	for g := 0; g < 8; g++ {
		go func(g int) {
			var err error
			for i := 0; i < 200 && err == nil; i++ {
				var got string
				got, err = usersig.RestURLWithRandom("sgp", "openim", "sendmsg", app, "administrator", "eJx.sig_", 42)
				if err == nil && got != "https://adminapisgp.im.qcloud.com/v4/openim/sendmsg"+restQuery {
					err = errors.New(got)
				}
			}
			done <- err
		}(g)
	}
	deadline := time.After(time.Minute)
	for g := 0; g < 8; g++ {
		select {
		case err := <-done:
			if err != nil {
				t.Error(err)
			}
		case <-deadline:
			t.Fatal("timed out")
		}
	}
}

func ExampleRestURLWithRandom() {
	url, err := usersig.RestURLWithRandom("sgp", "openim", "sendmsg", 1400000000, "administrator", "eJx.sig_", 42)
	fmt.Println(url, err)
	_, err = usersig.RestURL("mars", "openim", "sendmsg", 1400000000, "administrator", "eJx.sig_")
	fmt.Println(errors.Is(err, usersig.ErrUnknownRegion))
	// Output:
	// https://adminapisgp.im.qcloud.com/v4/openim/sendmsg?sdkappid=1400000000&identifier=administrator&usersig=eJx.sig_&random=42&contenttype=json <nil>
	// true
}

func ExampleDescribeRestCode() {
	info, ok := usersig.DescribeRestCode(70050)
	fmt.Println(ok, info.Name, info.Retry)
	_, ok = usersig.DescribeRestCode(12345)
	fmt.Println(ok)
	// Output:
	// true usersig_lockout after_60s
	// false
}

func ExampleEnvelope_Err() {
	var reply struct {
		usersig.Envelope
		MsgTime int64
	}
	body := `{"ActionStatus":"FAIL","ErrorCode":60007,"ErrorInfo":"busy","RequestId":"r-1"}`
	if err := json.Unmarshal([]byte(body), &reply); err != nil {
		panic(err)
	}
	var rest *usersig.RestError
	if errors.As(reply.Err(), &rest) {
		fmt.Println(rest.Code, rest.Retry, rest.RequestID)
	}
	// Output: 60007 backoff r-1
}
