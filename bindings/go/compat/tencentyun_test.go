package tencentyun_test

import (
	"compress/zlib"
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	usersig "usersig/bindings/go"
	tencentyun "usersig/bindings/go/compat"
)

const (
	app = 1400000000
	key = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e"
)

// The official SDK's exported API, signature by signature: this file does not compile if
// one differs.
var (
	_ func(int, string, string, int) (string, error)                 = tencentyun.GenUserSig
	_ func(int, string, string, int, []byte) (string, error)         = tencentyun.GenUserSigWithBuf
	_ func(int, string, string, int, uint32, uint32) (string, error) = tencentyun.GenPrivateMapKey
	_ func(int, string, string, int, string, uint32) (string, error) = tencentyun.GenPrivateMapKeyWithStringRoomID
	_ func(uint64, string, string, string, time.Time) error          = tencentyun.VerifyUserSig
	_ func(uint64, string, string, string, time.Time, []byte) error  = tencentyun.VerifyUserSigWithBuf
	_ error                                                          = tencentyun.ErrSdkAppIDNotMatch
	_ error                                                          = tencentyun.ErrIdentifierNotMatch
	_ error                                                          = tencentyun.ErrExpired
	_ error                                                          = tencentyun.ErrUserBufTypeNotMatch
	_ error                                                          = tencentyun.ErrUserBufNotMatch
	_ error                                                          = tencentyun.ErrSigNotMatch
	_ int                                                            = tencentyun.DefaultCompressionLevel
)

func TestMintedTokensVerifyHereAndWithTheVerifier(t *testing.T) {
	now := time.Now()
	v, err := usersig.NewVerifier(app, key)
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()

	tok, err := tencentyun.GenUserSig(app, key, "xiaojun", 86400)
	if err != nil {
		t.Fatal(err)
	}
	if err := tencentyun.VerifyUserSig(app, key, "xiaojun", tok, now); err != nil {
		t.Fatal(err)
	}
	if c, err := v.Verify(tok, "xiaojun"); err != nil || c.Expire != 86400 || c.Userbuf != nil {
		t.Fatalf("%v %+v", err, c)
	}

	tok, err = tencentyun.GenUserSigWithBuf(app, key, "xiaojun", 86400, []byte("abc"))
	if err != nil {
		t.Fatal(err)
	}
	if err := tencentyun.VerifyUserSigWithBuf(app, key, "xiaojun", tok, now, []byte("abc")); err != nil {
		t.Fatal(err)
	}
	if err := tencentyun.VerifyUserSigWithBuf(app, key, "xiaojun", tok, now, []byte("abd")); err != tencentyun.ErrUserBufNotMatch {
		t.Fatalf("other userbuf: %v", err)
	}
	if err := tencentyun.VerifyUserSig(app, key, "xiaojun", tok, now); err != tencentyun.ErrUserBufTypeNotMatch {
		t.Fatalf("userbuf where none expected: %v", err)
	}

	tok, err = tencentyun.GenUserSigWithBuf(app, key, "xiaojun", 86400, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := tencentyun.VerifyUserSig(app, key, "xiaojun", tok, now); err != nil {
		t.Fatalf("nil buf is no userbuf: %v", err)
	}
	if err := tencentyun.VerifyUserSigWithBuf(app, key, "xiaojun", tok, now, []byte{}); err != tencentyun.ErrUserBufTypeNotMatch {
		t.Fatalf("no userbuf where one expected: %v", err)
	}
	// Unlike the official SDK's, an empty buf is carried, and its token verifies.
	tok, err = tencentyun.GenUserSigWithBuf(app, key, "xiaojun", 86400, []byte{})
	if err != nil {
		t.Fatal(err)
	}
	if err := tencentyun.VerifyUserSigWithBuf(app, key, "xiaojun", tok, now, []byte{}); err != nil {
		t.Fatalf("empty userbuf: %v", err)
	}

	tok, err = tencentyun.GenPrivateMapKey(app, key, "xiaojun", 86400, 10000, 255)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.VerifyExpect(tok, "xiaojun", usersig.ExpectRoom(10000, usersig.PrivAll)); err != nil {
		t.Fatal(err)
	}
	tok, err = tencentyun.GenPrivateMapKeyWithStringRoomID(app, key, "xiaojun", 86400, "1000000040", 42)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.VerifyExpect(tok, "xiaojun", usersig.ExpectStringRoom("1000000040", 42)); err != nil {
		t.Fatal(err)
	}
}

func TestVerificationFailuresAreTheOfficialErrorValues(t *testing.T) {
	now := time.Now()
	tok, err := tencentyun.GenUserSig(app, key, "xiaojun", 60)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		err  error
		want error
	}{
		{"sdkappid", tencentyun.VerifyUserSig(app+1, key, "xiaojun", tok, now), tencentyun.ErrSdkAppIDNotMatch},
		{"identifier", tencentyun.VerifyUserSig(app, key, "bob", tok, now), tencentyun.ErrIdentifierNotMatch},
		{"expired", tencentyun.VerifyUserSig(app, key, "xiaojun", tok, now.Add(2*time.Minute)), tencentyun.ErrExpired},
		{"signature", tencentyun.VerifyUserSig(app, "another key", "xiaojun", tok, now), tencentyun.ErrSigNotMatch},
	} {
		if c.err != c.want {
			t.Errorf("%s: got %v, want %v", c.name, c.err, c.want)
		}
	}
	if err := tencentyun.VerifyUserSig(app, key, "xiaojun", "garbage", now); !errors.Is(err, usersig.ErrMalformed) {
		t.Errorf("garbage: %v", err)
	}
	if err := tencentyun.VerifyUserSig(app, key, "xiaojun", tok, now.Add(-time.Hour)); !errors.Is(err, usersig.ErrNotYetValid) {
		t.Errorf("future: %v", err)
	}
	if _, err := tencentyun.GenUserSig(app, "", "xiaojun", 60); !errors.Is(err, usersig.ErrEmptyKey) {
		t.Errorf("empty key: %v", err)
	}
	if _, err := tencentyun.GenUserSig(app, key, "xiaojun", -1); err == nil {
		t.Error("negative expire accepted")
	}
	if _, err := tencentyun.GenUserSig(-1, key, "xiaojun", 1); err == nil {
		t.Error("negative sdkappid accepted")
	}
}

func TestDefaultCompressionLevelPicksTheCompression(t *testing.T) {
	defer func(l int) { tencentyun.DefaultCompressionLevel = l }(tencentyun.DefaultCompressionLevel)
	stored, _ := tencentyun.GenUserSig(app, key, "xiaojun", 86400)
	tencentyun.DefaultCompressionLevel = zlib.BestCompression
	small, err := tencentyun.GenUserSig(app, key, "xiaojun", 86400)
	if err != nil {
		t.Fatal(err)
	}
	if len(small) >= len(stored) {
		t.Fatalf("level 9: %d bytes, stored: %d", len(small), len(stored))
	}
	if err := tencentyun.VerifyUserSig(app, key, "xiaojun", small, time.Now()); err != nil {
		t.Fatal(err)
	}
}

// The official Go SDK's tokens from the official vectors (tests/data/official.json) verify here.
func TestOfficialGoSDKVectorsVerify(t *testing.T) {
	type vector struct {
		Name, Token, Identifier, Key, Expect string
		SDKAppID                             uint64  `json:"sdkappid"`
		Time                                 int64   `json:"time"`
		UserbufB64                           *string `json:"userbuf_b64"`
	}
	dir, _ := os.Getwd()
	for {
		if _, err := os.Stat(filepath.Join(dir, "Cargo.toml")); err == nil {
			break
		}
		if filepath.Dir(dir) == dir {
			t.Fatal("no Cargo.toml above the test directory")
		}
		dir = filepath.Dir(dir)
	}
	path := os.Getenv("USERSIG_VECTORS")
	if path == "" {
		path = filepath.Join(dir, "tests", "data", "official.json")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct{ Vectors []vector }
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, v := range doc.Vectors {
		if v.Expect != "valid" || len(v.Name) < 3 || v.Name[:3] != "go-" {
			continue
		}
		var ub []byte
		if v.UserbufB64 != nil {
			ub, _ = base64.StdEncoding.DecodeString(*v.UserbufB64)
		}
		if err := tencentyun.VerifyUserSigWithBuf(v.SDKAppID, v.Key, v.Identifier, v.Token, time.Unix(v.Time, 0), ub); err != nil {
			t.Errorf("%s: %v", v.Name, err)
		}
		n++
	}
	if n < 4 {
		t.Fatalf("only %d Go vectors", n)
	}
}
