package usersig_test

import (
	"errors"
	"fmt"
	"time"

	usersig "usersig/bindings/go"
)

func Example() {
	signer, err := usersig.NewSigner(1400000000, "the app's key")
	if err != nil {
		panic(err)
	}
	defer signer.Close()
	verifier, err := usersig.NewVerifier(1400000000, "the app's key")
	if err != nil {
		panic(err)
	}
	defer verifier.Close()

	token, err := signer.UserSig("alice", 24*time.Hour)
	if err != nil {
		panic(err)
	}
	claims, err := verifier.Verify(token, "alice")
	fmt.Println(claims.Identifier, claims.Expire, err)

	_, err = verifier.Verify(token, "bob")
	fmt.Println(errors.Is(err, usersig.ErrIdentifierMismatch))
	// Output:
	// alice 86400 <nil>
	// true
}

func ExampleSigner_PrivateMapKeyStringRoom() {
	signer, _ := usersig.NewSigner(1400000000, "the app's key")
	defer signer.Close()
	verifier, _ := usersig.NewVerifier(1400000000, "the app's key")
	defer verifier.Close()

	pmk, _ := signer.PrivateMapKeyStringRoom("alice", 5*time.Minute, "lobby",
		usersig.PrivEnterRoom|usersig.PrivRecvAudio)
	claims, err := verifier.VerifyExpect(pmk, "alice",
		usersig.ExpectStringRoom("lobby", usersig.PrivEnterRoom))
	fmt.Println(claims.PrivateMapKey.StringRoom, claims.PrivateMapKey.Privileges, err)
	// Output: lobby enter_room|recv_audio <nil>
}

func ExampleVerifyError() {
	verifier, _ := usersig.NewVerifier(1400000000, "the app's key",
		usersig.WithMaxFutureSkew(time.Minute), usersig.WithLeeway(0))
	defer verifier.Close()

	_, err := verifier.Verify("not a token", "alice")
	var ve *usersig.VerifyError
	if errors.As(err, &ve) {
		fmt.Println(ve.Kind, ve.Code, errors.Is(err, usersig.ErrMalformed))
	}
	// Output: malformed 1 true
}

func ExampleInspectAt() {
	signer, _ := usersig.NewSigner(1400000000, "the app's key")
	defer signer.Close()
	at := time.Unix(1569910200, 0)
	token, _ := signer.UserSigWithBufAt("alice", time.Hour, []byte("hi"), at)

	// No key: this reads what the token claims, which anyone can forge. Diagnose with it;
	// accept a token only when a Verifier does.
	info, err := usersig.InspectAt(token, at.Add(2*time.Hour))
	if err != nil {
		panic(err)
	}
	fmt.Println(*info.Identifier, *info.SDKAppID, *info.Expire, string(info.Userbuf))
	fmt.Println(info.Producer)
	for _, w := range info.Warnings {
		fmt.Println(w.Code)
	}
	// Output:
	// alice 1400000000 3600 hi
	// usersig (this library)
	// expired
	// short_lifetime
}
