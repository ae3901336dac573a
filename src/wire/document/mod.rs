//! The JSON document (FORMAT.md §3): written as we emit it, read as any official SDK writes it.
//!
//! Reading takes [`canonical`] for the layouts minted in practice and [`reference`]
//! (serde_json) for everything else and for every error, so a document gets the same verdict
//! whichever reader takes it (tests/json_fastpath.rs).

mod canonical;
pub(crate) mod reference;
mod write;

use std::borrow::Cow;

use crate::error::VerifyError;
use crate::mac::Content;

pub(crate) use write::write;

/// The fields we write (FORMAT.md §3): the signed content and the signature.
pub(crate) struct OutDoc<'a> {
    pub content: Content<'a>,
    /// Base64 text (ASCII), kept as bytes: it is only ever copied into the document.
    pub sig_b64: &'a [u8],
}

/// A v2 document whose fields all have the right types (FORMAT.md §3). Not yet trusted: nothing
/// here has been checked against a key. The canonical reader borrows its strings from the JSON
/// bytes; the reference reader owns them (it has unescaped them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Document<'a> {
    pub identifier: Cow<'a, str>,
    pub sdkappid: u64,
    pub expire: u64,
    pub time: u64,
    /// The `TLS.userbuf` text exactly as received (FORMAT.md §5.5).
    pub userbuf_b64: Option<Cow<'a, str>>,
    pub sig_b64: Cow<'a, str>,
}

/// Parses and type-checks the JSON document (FORMAT.md §3, §5.2).
pub(crate) fn parse(json: &[u8]) -> Result<Document<'_>, VerifyError> {
    match canonical::parse(json) {
        Some(doc) => Ok(doc),
        None => reference::parse(json),
    }
}

/// The canonical reader alone: `None` where it leaves the document to the reference.
#[cfg(any(test, feature = "internals"))]
pub(crate) fn parse_canonical(json: &[u8]) -> Option<Document<'_>> {
    canonical::parse(json)
}
