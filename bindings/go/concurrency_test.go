package usersig_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	usersig "usersig/bindings/go"
)

// One Signer and one Verifier shared by 16 goroutines, each minting and verifying every kind
// of token; run under -race. A Close racing the calls waits for them and then fails the
// later ones with ErrClosed, never freeing a handle in use.
func TestSixteenGoroutinesShareOneSignerAndOneVerifier(t *testing.T) {
	s := newSigner(t)
	v := newVerifier(t)
	const goroutines, rounds = 16, 200
	var wg sync.WaitGroup
	errs := make(chan error, goroutines)
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			errs <- func() error {
				id := fmt.Sprintf("user-%d", g)
				userbuf := []byte(id)
				for i := 0; i < rounds; i++ {
					at := issued.Add(time.Duration(i) * time.Second)
					var tok string
					var err error
					var expect usersig.Expect
					switch i % 4 {
					case 0:
						tok, err = s.UserSigAt(id, time.Hour, at)
						expect = usersig.ExpectNoUserbuf()
					case 1:
						tok, err = s.UserSigWithBufAt(id, time.Hour, userbuf, at)
						expect = usersig.ExpectUserbuf(userbuf)
					case 2:
						tok, err = s.PrivateMapKeyAt(id, time.Hour, uint32(g), usersig.PrivAll, at)
						expect = usersig.ExpectRoom(uint32(g), usersig.PrivEnterRoom)
					default:
						tok, err = s.PrivateMapKeyStringRoomAt(id, time.Hour, id, usersig.PrivEnterRoom, at)
						expect = usersig.ExpectStringRoom(id, usersig.PrivEnterRoom)
					}
					if err != nil {
						return err
					}
					c, err := v.VerifyExpectAt(tok, id, expect, at)
					if err != nil {
						return fmt.Errorf("goroutine %d round %d: %w", g, i, err)
					}
					if c.Identifier != id || c.Time != uint64(at.Unix()) {
						return fmt.Errorf("goroutine %d: claims %+v", g, c)
					}
					if _, err := v.VerifyAt(tok, "someone-else", at); err == nil {
						return fmt.Errorf("goroutine %d: accepted for another identifier", g)
					}
				}
				return nil
			}()
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}

func TestCloseWhileInUseIsSafe(t *testing.T) {
	s, err := usersig.NewSigner(app, key)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 500; i++ {
				if _, err := s.UserSig("a", time.Hour); err != nil && err != usersig.ErrClosed {
					t.Error(err)
					return
				}
			}
		}()
	}
	time.Sleep(time.Millisecond)
	s.Close()
	wg.Wait()
}
