// Package usersig mints and verifies Tencent Cloud UserSig v2 tokens (the "TLS Sig API v2"
// tokens of Tencent IM, TRTC and Live), through the C ABI of the usersig Rust crate.
//
// Build the library first, at the repository root:
//
//	cargo build --release
//
// The package links target/release/libusersig.a statically (cgo, so CGO_ENABLED=1 and a C
// compiler). To link an installed library instead (bindings/c/install.sh PREFIX, which
// writes usersig.pc), build with the usersig_system tag:
//
//	PKG_CONFIG_PATH=$PREFIX/lib/pkgconfig go build -tags usersig_system ./...
//
// A Signer and a Verifier each hold one app's key; create them once and share them between
// goroutines. Errors match one sentinel per kind with errors.Is (ErrExpired, ...) and carry
// the details as a *VerifyError or *Error through errors.As.
//
// Inspect and InspectAt decode a token without a key for diagnosis: what it claims, which
// implementation probably minted it, what looks wrong. Nothing they return is verified: never
// accept a token because of an Inspection.
//
// For the REST API an admin UserSig is for, RestURL builds a request URL, Envelope reads the
// common fields of a reply (Err returns a *RestError with its RetryClass), and
// DescribeRestCode explains an ErrorCode. There is no HTTP client here: use net/http.
//
// The package usersig/bindings/go/compat has the official Go SDK's names and signatures
// (package tencentyun), so switching from the official SDK means changing the import path.
package usersig
