//! The FORMAT.md §2 signature: HMAC-SHA256 over the content lines, with the key's HMAC state made
//! once per signer or verifier and cloned per token.
//!
//! Plain `hmac::Hmac<Sha256>` updates, one per piece of content. A hand-written block layout
//! (the content laid out in a stack buffer and handed to the core as whole blocks) used to sit
//! here; it saved 1.5% of a verification and was removed (see the commit that removed it for
//! the instruction counts).

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use crate::error::KeyError;

/// The HMAC-SHA256 state keyed with the app key. The key itself is not kept: the keyed state
/// (the inner and outer SHA-256 states) is all we need. That state is as sensitive as the key,
/// and is wiped on drop, as is every per-token clone: an `Hmac` is its SHA-256 block cores and
/// its block buffer, which zeroize themselves on drop with the `zeroize` feature we enable
/// (asserted below at compile time).
#[derive(Clone)]
pub(crate) struct KeyedMac {
    keyed: Hmac<Sha256>,
}

const _: fn() = || {
    fn wiped_on_drop<T: zeroize::ZeroizeOnDrop>() {}
    wiped_on_drop::<sha2::block_api::Sha256VarCore>();
    wiped_on_drop::<hmac::digest::block_api::Buffer<hmac::block_api::HmacCore<Sha256>>>();
};

/// The token fields the signature covers (FORMAT.md §2), the numbers in decimal: the caller
/// formats them once for both the signature and the document.
#[derive(Clone, Copy)]
pub(crate) struct Content<'a> {
    pub identifier: &'a str,
    pub sdkappid: &'a str,
    pub time: &'a str,
    pub expire: &'a str,
    pub userbuf_b64: Option<&'a str>,
}

impl KeyedMac {
    /// The state for `key`, used as its raw bytes, never hex-decoded (FORMAT.md §1).
    pub(crate) fn new(key: &[u8]) -> Result<Self, KeyError> {
        if key.is_empty() {
            return Err(KeyError::EmptyKey);
        }
        // HMAC accepts keys of any length, so this cannot fail; map it all the same.
        Hmac::<Sha256>::new_from_slice(key)
            .map(|keyed| KeyedMac { keyed })
            .map_err(|_| KeyError::EmptyKey)
    }

    /// The 32-byte tag over the FORMAT.md §2 content lines of `c`; nothing is allocated.
    pub(crate) fn tag(&self, c: &Content<'_>) -> [u8; 32] {
        let mut mac = self.keyed.clone();
        mac.update(b"TLS.identifier:");
        mac.update(c.identifier.as_bytes());
        mac.update(b"\nTLS.sdkappid:");
        mac.update(c.sdkappid.as_bytes());
        mac.update(b"\nTLS.time:");
        mac.update(c.time.as_bytes());
        mac.update(b"\nTLS.expire:");
        mac.update(c.expire.as_bytes());
        mac.update(b"\n");
        if let Some(userbuf) = c.userbuf_b64 {
            mac.update(b"TLS.userbuf:");
            mac.update(userbuf.as_bytes());
            mac.update(b"\n");
        }
        mac.finalize().into_bytes().into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The reference: the `hmac` crate's streaming API over the content written out in full.
    fn reference(key: &[u8], c: &Content<'_>) -> [u8; 32] {
        let mut text = format!(
            "TLS.identifier:{}\nTLS.sdkappid:{}\nTLS.time:{}\nTLS.expire:{}\n",
            c.identifier, c.sdkappid, c.time, c.expire
        );
        if let Some(userbuf) = c.userbuf_b64 {
            text.push_str(&format!("TLS.userbuf:{userbuf}\n"));
        }
        let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap();
        mac.update(text.as_bytes());
        mac.finalize().into_bytes().into()
    }

    #[test]
    fn every_content_length_across_the_layout_cap_matches_the_reference() {
        // Identifier lengths from 1 to well past the stack buffer, with and without a userbuf,
        // with short and long numbers: every block boundary of both the laid-out and the
        // streamed paths.
        let key = b"5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";
        let mac = KeyedMac::new(key).unwrap();
        let long_userbuf = "QUJD".repeat(40);
        for len in 1..=320 {
            let identifier = "x".repeat(len);
            for sdkappid in ["1400000000", "7", "18446744073709551615"] {
                for userbuf_b64 in [None, Some(""), Some("YWJj"), Some(long_userbuf.as_str())] {
                    let c = Content {
                        identifier: &identifier,
                        sdkappid,
                        time: "1569910200",
                        expire: "18446744072139641415",
                        userbuf_b64,
                    };
                    assert_eq!(mac.tag(&c), reference(key, &c), "{len} {sdkappid}");
                }
            }
        }
    }

    #[test]
    fn an_empty_key_is_refused() {
        assert!(matches!(KeyedMac::new(b""), Err(KeyError::EmptyKey)));
    }

    proptest! {
        #[test]
        fn tags_match_the_hmac_crate(
            key in prop::collection::vec(any::<u8>(), 1..150),
            identifier in any::<String>(),
            sdkappid in any::<u64>(),
            time in any::<u64>(),
            expire in any::<u64>(),
            userbuf_b64 in prop::option::of("[A-Za-z0-9+/=]{0,300}"),
        ) {
            let mac = KeyedMac::new(&key).unwrap();
            let (sdkappid, time, expire) =
                (sdkappid.to_string(), time.to_string(), expire.to_string());
            let c = Content {
                identifier: &identifier,
                sdkappid: &sdkappid,
                time: &time,
                expire: &expire,
                userbuf_b64: userbuf_b64.as_deref(),
            };
            prop_assert_eq!(mac.tag(&c), reference(&key, &c));
        }
    }
}
