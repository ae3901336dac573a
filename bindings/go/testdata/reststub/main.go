// Command reststub stands in for Tencent's REST endpoint (FORMAT.md §8) while it runs one command:
//
//	reststub COMMAND [ARG...]
//
// It listens on 127.0.0.1, runs COMMAND with USERSIG_REST_ENDPOINT set to its base URL, and
// exits with COMMAND's status. It checks each request as the server would (POST, the query
// parameters, a JSON object body, the usersig verified with this package for the identifier
// and $USERSIG_KEY) and answers with an envelope: FAIL 70001 to the first valid request (as if
// the admin UserSig had expired, so the caller's renewal path runs), then OK with a ResultItem
// for each CheckItem. docs/rest.md's Go example runs under it (bindings/go/run-tests.sh).
package main

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"sync/atomic"

	usersig "usersig/bindings/go"
)

type reply map[string]any

func fail(code int64, info string) reply {
	return reply{"ActionStatus": "FAIL", "ErrorCode": code, "ErrorInfo": info, "RequestId": "stub-" + strconv.FormatInt(code, 10)}
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: reststub COMMAND [ARG...]")
		os.Exit(2)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var served int64
	go http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(answer(r, &served))
	}))

	cmd := exec.Command(os.Args[1], os.Args[2:]...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	cmd.Env = append(os.Environ(), "USERSIG_REST_ENDPOINT=http://"+ln.Addr().String())
	if err := cmd.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "reststub:", err)
		os.Exit(1)
	}
}

func answer(r *http.Request, served *int64) reply {
	q := r.URL.Query()
	if r.Method != http.MethodPost || r.URL.Path != "/v4/im_open_login_svc/account_check" {
		return fail(60009, "no such resource: "+r.Method+" "+r.URL.Path)
	}
	if q.Get("contenttype") != "json" || q.Get("random") == "" {
		return fail(60002, "bad query: "+r.URL.RawQuery)
	}
	if q.Get("sdkappid") != "1400000000" {
		return fail(60012, "sdkappid missing or wrong")
	}
	verifier, err := usersig.NewVerifier(1400000000, os.Getenv("USERSIG_KEY"))
	if err != nil {
		return fail(70016, err.Error())
	}
	defer verifier.Close()
	if _, err := verifier.Verify(q.Get("usersig"), q.Get("identifier")); err != nil {
		return fail(70009, err.Error())
	}
	var body struct{ CheckItem []struct{ UserID string } }
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		return fail(60003, err.Error())
	}
	if atomic.AddInt64(served, 1) == 1 {
		return fail(70001, "the usersig expired (the stub's first answer)")
	}
	items := []reply{}
	for _, c := range body.CheckItem {
		items = append(items, reply{"UserID": c.UserID, "ResultCode": 0, "AccountStatus": "Imported"})
	}
	return reply{"ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": "", "RequestId": "stub-ok", "ResultItem": items}
}
