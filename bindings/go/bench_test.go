package usersig_test

import (
	"testing"
	"time"

	usersig "usersig/bindings/go"
)

func BenchmarkMintUserSig(b *testing.B) {
	s := newSigner(b)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := s.UserSig("alice", usersig.DefaultExpire); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMintPrivateMapKey(b *testing.B) {
	s := newSigner(b)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := s.PrivateMapKeyStringRoom("alice", time.Hour, "lobby", usersig.PrivAll); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerify(b *testing.B) {
	s := newSigner(b)
	v := newVerifier(b)
	tok, err := s.UserSig("alice", usersig.DefaultExpire)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := v.Verify(tok, "alice"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyParallel(b *testing.B) {
	s := newSigner(b)
	v := newVerifier(b)
	tok, err := s.UserSig("alice", usersig.DefaultExpire)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := v.Verify(tok, "alice"); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
