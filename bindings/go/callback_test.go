package usersig

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

const cbApp = 1400000000

func imQuery(token string, app uint64, command string, t uint64) string {
	return fmt.Sprintf("SdkAppid=%d&CallbackCommand=%s&contenttype=json&ClientIP=%s&OptPlatform=RESTAPI&Sign=%s&RequestTime=%d",
		app, url.QueryEscape(command), url.QueryEscape("::1"), SignIMCallback(token, t), t)
}

func TestIMCallbackSignMatchesTheDocumentedExampleAndSHA256(t *testing.T) {
	if got := SignIMCallback("xxxxyyyy", 1669872112); got != "17773bc39a671d7b9aa835458704d2a6db81360a5940292b587d6d760d484061" {
		t.Fatalf("sign %s", got)
	}
	sum := sha256.Sum256([]byte("tok1700000000"))
	if got := SignIMCallback("tok", 1700000000); got != hex.EncodeToString(sum[:]) {
		t.Fatalf("sign %s", got)
	}
}

func TestIMCallbackVerifier(t *testing.T) {
	v, err := NewIMCallbackVerifier("tok", WithCallbackWindow(30*time.Second), WithCallbackSDKAppID(cbApp))
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	const T = 1700000000
	cb, err := v.VerifyAt("https://example.com/im?"+imQuery("tok", cbApp, "C2C.CallbackBeforeSendMsg", T), time.Unix(T+30, 0))
	if err != nil {
		t.Fatal(err)
	}
	want := IMCallback{RequestTime: T, SDKAppID: cbApp, Command: "C2C.CallbackBeforeSendMsg", ClientIP: "::1", Platform: "RESTAPI"}
	if *cb != want {
		t.Fatalf("got %+v", *cb)
	}
	cases := []struct {
		query string
		now   int64
		want  error
		kind  string
	}{
		{imQuery("tok", cbApp, "x", T), T + 31, ErrStale, "stale"},
		{imQuery("tok", cbApp, "x", T), T - 31, ErrStale, "stale"},
		{imQuery("other", cbApp, "x", T), T, ErrBadSignature, "bad_signature"},
		{imQuery("tok", cbApp+1, "x", T), T, ErrSdkAppIDMismatch, "sdkappid_mismatch"},
		{"SdkAppid=1400000000&CallbackCommand=x", T, ErrMissingSignature, "missing_signature"},
		{"Sign=a&Sign=b&RequestTime=1", T, ErrMalformed, "malformed"},
	}
	for _, c := range cases {
		_, err := v.VerifyAt(c.query, time.Unix(c.now, 0))
		var ce *CallbackError
		if !errors.Is(err, c.want) || !errors.As(err, &ce) || ce.Kind != c.kind || !strings.Contains(ce.Message, "callback") {
			t.Errorf("%s at %d: %v, want %v", c.query, c.now, err, c.want)
		}
	}
	// A long unsigned field comes out whole (the buffer grows).
	long := strings.Repeat("a", 1000)
	cb, err = v.VerifyAt(fmt.Sprintf("ClientIP=%s&Sign=%s&RequestTime=%d", long, SignIMCallback("tok", T), T), time.Unix(T, 0))
	if err != nil || cb.ClientIP != long || cb.Command != "" || cb.SDKAppID != 0 {
		t.Fatalf("%+v %v", cb, err)
	}
	if _, err := NewIMCallbackVerifier(""); !errors.Is(err, ErrEmptyKey) {
		t.Fatalf("empty token: %v", err)
	}
	if _, err := NewIMCallbackVerifier(strings.Repeat("t", 129)); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("long token: %v", err)
	}
	v.Close()
	if _, err := v.Verify("x"); !errors.Is(err, ErrClosed) {
		t.Fatalf("closed: %v", err)
	}
}

const trtcBody = "{\n\t\"EventGroupId\":\t1,\n\t\"EventType\":\t103,\n\t\"CallbackTs\":\t1615554923704,\n\t\"EventInfo\":\t{\"RoomId\":12345,\"UserId\":\"test\"}\n}"

func TestTRTCCallbackSignMatchesHMAC(t *testing.T) {
	m := hmac.New(sha256.New, []byte("key"))
	m.Write([]byte(trtcBody))
	if got, want := SignTRTCCallback("key", []byte(trtcBody)), base64.StdEncoding.EncodeToString(m.Sum(nil)); got != want {
		t.Fatalf("%s != %s", got, want)
	}
}

func TestTRTCCallbackVerifier(t *testing.T) {
	v, err := NewTRTCCallbackVerifier("key", WithCallbackSDKAppID(cbApp))
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	body := []byte(trtcBody)
	sign := SignTRTCCallback("key", body)
	e, err := v.VerifyRequest(sign, "1400000000", body)
	if err != nil {
		t.Fatal(err)
	}
	if e.EventGroupID != 1 || e.EventType != 103 || e.CallbackTs != 1615554923704 || e.SDKAppID != cbApp ||
		string(e.EventInfo) != `{"RoomId":12345,"UserId":"test"}` {
		t.Fatalf("%+v", e)
	}
	tampered := append([]byte{}, body...)
	tampered[5] ^= 1
	for _, c := range []struct {
		sign, app string
		body      []byte
		want      error
	}{
		{sign, "", tampered, ErrBadSignature},
		{"", "", body, ErrMissingSignature},
		{sign, "1400000001", body, ErrSdkAppIDMismatch},
		{sign, "x", body, ErrMalformed},
	} {
		if _, err := v.VerifyRequest(c.sign, c.app, c.body); !errors.Is(err, c.want) {
			t.Errorf("%q %q: %v, want %v", c.sign, c.app, err, c.want)
		}
	}
}

// post sends a request to a local server and returns the status and body.
func post(t *testing.T, target string, header map[string]string, body []byte) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out
}

func TestIMCallbackMiddlewareEndToEnd(t *testing.T) {
	v, err := NewIMCallbackVerifier("tok", WithCallbackSDKAppID(cbApp))
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	handled := 0
	srv := httptest.NewServer(IMCallbackMiddleware(v, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cb, ok := IMCallbackFrom(r.Context())
		body, _ := io.ReadAll(r.Body)
		if !ok || cb.Command != "C2C.CallbackBeforeSendMsg" || !json.Valid(body) {
			http.Error(w, "no callback", http.StatusInternalServerError)
			return
		}
		handled++
		w.Header().Set("Content-Type", "application/json")
		w.Write(IMReplyOK())
	})))
	defer srv.Close()
	if !strings.HasPrefix(srv.URL, "http://127.0.0.1:") {
		t.Fatalf("not a loopback server: %s", srv.URL)
	}
	now := uint64(time.Now().Unix())
	msg := []byte(`{"CallbackCommand":"C2C.CallbackBeforeSendMsg","From_Account":"alice"}`)

	status, out := post(t, srv.URL+"/im?"+imQuery("tok", cbApp, "C2C.CallbackBeforeSendMsg", now), nil, msg)
	if status != 200 || string(out) != `{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""}` {
		t.Fatalf("valid: %d %s", status, out)
	}
	for _, c := range []struct {
		name, query, kind string
	}{
		{"stale", imQuery("tok", cbApp, "C2C.CallbackBeforeSendMsg", now-3600), "stale"},
		{"missing sign", "SdkAppid=1400000000&CallbackCommand=C2C.CallbackBeforeSendMsg", "missing_signature"},
		{"tampered sign", strings.Replace(imQuery("tok", cbApp, "x", now), "Sign=", "Sign=0", 1), "bad_signature"},
		{"forged", imQuery("guess", cbApp, "x", now), "bad_signature"},
		{"other app", imQuery("tok", cbApp+1, "x", now), "sdkappid_mismatch"},
	} {
		status, out := post(t, srv.URL+"/im?"+c.query, nil, msg)
		var reply struct {
			ActionStatus string
			ErrorCode    int
			ErrorInfo    string
		}
		if err := json.Unmarshal(out, &reply); err != nil || status != 403 || reply.ActionStatus != "FAIL" ||
			reply.ErrorInfo != c.kind || reply.ErrorCode == 0 {
			t.Errorf("%s: %d %s", c.name, status, out)
		}
	}
	if handled != 1 {
		t.Fatalf("the handler ran %d times, want once", handled)
	}
}

func TestTRTCCallbackMiddlewareEndToEnd(t *testing.T) {
	v, err := NewTRTCCallbackVerifier("key", WithCallbackSDKAppID(cbApp))
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	handled := 0
	srv := httptest.NewServer(TRTCCallbackMiddleware(v, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e, ok := TRTCEventFrom(r.Context())
		body, _ := io.ReadAll(r.Body) // restored by the middleware
		if !ok || e.EventType != 103 || string(body) != trtcBody {
			http.Error(w, "no event", http.StatusInternalServerError)
			return
		}
		handled++
		w.Write([]byte(`{"code":0}`))
	})))
	defer srv.Close()
	body := []byte(trtcBody)
	sign := SignTRTCCallback("key", body)
	hdr := map[string]string{"Sign": sign, "SdkAppId": "1400000000", "Content-Type": "application/json"}
	if status, out := post(t, srv.URL+"/trtc", hdr, body); status != 200 || string(out) != `{"code":0}` {
		t.Fatalf("valid: %d %s", status, out)
	}
	tampered := bytes.Replace(body, []byte("12345"), []byte("12346"), 1)
	if status, out := post(t, srv.URL+"/trtc", hdr, tampered); status != 403 || !bytes.Contains(out, []byte(`"bad_signature"`)) {
		t.Errorf("tampered: %d %s", status, out)
	}
	if status, out := post(t, srv.URL+"/trtc", map[string]string{"SdkAppId": "1400000000"}, body); status != 403 || !bytes.Contains(out, []byte(`"missing_signature"`)) {
		t.Errorf("missing sign: %d %s", status, out)
	}
	big := bytes.Repeat([]byte(" "), TRTCCallbackMaxBody+1)
	if status, _ := post(t, srv.URL+"/trtc", hdr, big); status != http.StatusRequestEntityTooLarge {
		t.Errorf("too large: %d", status)
	}
	if handled != 1 {
		t.Fatalf("the handler ran %d times, want once", handled)
	}
}

func ExampleIMCallbackMiddleware() {
	verifier, err := NewIMCallbackVerifier("console-token", WithCallbackSDKAppID(1400000000))
	if err != nil {
		panic(err)
	}
	handler := IMCallbackMiddleware(verifier, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cb, _ := IMCallbackFrom(r.Context())
		_ = cb.Command // "C2C.CallbackBeforeSendMsg", ...; read r.Body as JSON
		w.Write(IMReplyOK())
	}))
	mux := http.NewServeMux()
	mux.Handle("/im", handler)
	fmt.Println(string(IMReplyFail(1, "blocked")))
	// Output: {"ActionStatus":"FAIL","ErrorCode":1,"ErrorInfo":"blocked"}
}
