//! Strict reading of the query string Tencent puts on an IM callback URL.
//!
//! Input is either a whole URL (`https://host/path?SdkAppid=..&Sign=..#frag`) or the query alone
//! (with or without its leading `?`). Pairs are split on `&`, each at its first `=`; names and
//! values are percent-decoded strictly (`%` must start two hex digits, `+` is a space, the
//! result must be UTF-8). The parameters this crate reads are matched without regard to case
//! (Tencent spells `SdkAppid` in IM and `SdkAppId` elsewhere) and may appear at most once:
//! a repeated one is ambiguous, so the request is malformed. Other parameters are checked for
//! well-formed escapes and otherwise ignored. The input is bounded before anything is decoded.

use super::{CallbackError, quoted};

/// The longest query string or URL read; Tencent's are a few hundred bytes.
pub(crate) const MAX_LEN: usize = 8 * 1024;

/// The parameters of an IM callback URL, decoded; `None` where absent.
#[derive(Debug, Default)]
pub(crate) struct Params {
    pub(crate) sign: Option<String>,
    pub(crate) request_time: Option<String>,
    pub(crate) sdkappid: Option<String>,
    pub(crate) command: Option<String>,
    pub(crate) client_ip: Option<String>,
    pub(crate) platform: Option<String>,
    pub(crate) content_type: Option<String>,
}

impl Params {
    fn slot(&mut self, name: &str) -> Option<(&'static str, &mut Option<String>)> {
        let slot = match name.to_ascii_lowercase().as_str() {
            "sign" => ("Sign", &mut self.sign),
            "requesttime" => ("RequestTime", &mut self.request_time),
            "sdkappid" => ("SdkAppid", &mut self.sdkappid),
            "callbackcommand" => ("CallbackCommand", &mut self.command),
            "clientip" => ("ClientIP", &mut self.client_ip),
            "optplatform" => ("OptPlatform", &mut self.platform),
            "contenttype" => ("contenttype", &mut self.content_type),
            _ => return None,
        };
        Some(slot)
    }
}

/// Reads the query of `query_or_url`.
pub(crate) fn parse(query_or_url: &str) -> Result<Params, CallbackError> {
    if query_or_url.len() > MAX_LEN {
        return Err(CallbackError::malformed(format!(
            "the query string has {} bytes; at most {MAX_LEN} are read",
            query_or_url.len()
        )));
    }
    let query = match query_or_url.split_once('?') {
        Some((_, q)) => q,
        // A URL without a query carries no parameters; anything else is the query itself.
        None if query_or_url.contains("://") => "",
        None => query_or_url,
    };
    let query = query.split_once('#').map_or(query, |(q, _)| q);
    let mut params = Params::default();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (raw_name, raw_value) = pair.split_once('=').unwrap_or((pair, ""));
        let name = decode(raw_name)?;
        let value = decode(raw_value)?;
        if let Some((canonical, slot)) = params.slot(&name) {
            if slot.is_some() {
                return Err(CallbackError::malformed(format!(
                    "{canonical} appears more than once"
                )));
            }
            *slot = Some(value);
        }
    }
    Ok(params)
}

/// Percent-decodes one name or value, strictly.
fn decode(raw: &str) -> Result<String, CallbackError> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'%' => {
                let digits = bytes.get(i + 1..i + 3).and_then(|h| {
                    let hi = (h.first()?).to_ascii_lowercase();
                    let lo = (h.get(1)?).to_ascii_lowercase();
                    Some((hex_value(hi)? << 4) | hex_value(lo)?)
                });
                let Some(byte) = digits else {
                    return Err(CallbackError::malformed(format!(
                        "a '%' not followed by two hex digits in {}",
                        quoted(raw)
                    )));
                };
                out.push(byte);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).map_err(|_| {
        CallbackError::malformed(format!("percent-escapes in {} are not UTF-8", quoted(raw)))
    })
}

fn hex_value(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    }
}

/// Decodes a hex string of exactly `N` bytes, either case; `None` for anything else.
pub(crate) fn hex_bytes<const N: usize>(text: &str) -> Option<[u8; N]> {
    let digits = text.as_bytes();
    if digits.len() != 2 * N {
        return None;
    }
    let mut out = [0u8; N];
    for (byte, pair) in out.iter_mut().zip(digits.chunks_exact(2)) {
        let hi = hex_value(pair.first()?.to_ascii_lowercase())?;
        let lo = hex_value(pair.get(1)?.to_ascii_lowercase())?;
        *byte = (hi << 4) | lo;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_whole_url_and_a_bare_query_read_the_same() {
        let url = "https://example.com/cb?SdkAppid=1400000000&CallbackCommand=State.StateChange\
                   &contenttype=json&ClientIP=1.2.3.4&OptPlatform=iOS&Sign=ab&RequestTime=7#x";
        for input in [url, url.split_once('?').unwrap().1] {
            let p = parse(input).unwrap();
            assert_eq!(p.sdkappid.as_deref(), Some("1400000000"));
            assert_eq!(p.command.as_deref(), Some("State.StateChange"));
            assert_eq!(p.client_ip.as_deref(), Some("1.2.3.4"));
            assert_eq!(p.platform.as_deref(), Some("iOS"));
            assert_eq!(p.content_type.as_deref(), Some("json"));
            assert_eq!(p.sign.as_deref(), Some("ab"));
            assert_eq!(p.request_time.as_deref(), Some("7"));
        }
    }

    #[test]
    fn escapes_are_decoded_and_names_match_without_case() {
        let p = parse("?sdkappid=14%30&CALLBACKCOMMAND=a+b%2Ec&ClientIP=%3A%3a1").unwrap();
        assert_eq!(p.sdkappid.as_deref(), Some("140"));
        assert_eq!(p.command.as_deref(), Some("a b.c"));
        assert_eq!(p.client_ip.as_deref(), Some("::1"));
    }

    #[test]
    fn a_repeated_parameter_is_malformed_whatever_its_case() {
        for q in [
            "Sign=a&Sign=b",
            "RequestTime=1&requesttime=1",
            "SdkAppid=1&SdkAppId=1",
        ] {
            let err = parse(q).unwrap_err();
            assert!(matches!(err, CallbackError::Malformed { .. }), "{q}: {err}");
        }
    }

    #[test]
    fn broken_escapes_and_non_utf8_are_malformed() {
        for q in ["Sign=%", "Sign=%4", "Sign=%zz", "x=%ff", "Sign=ok&%C3%28=1"] {
            assert!(parse(q).is_err(), "{q}");
        }
    }

    #[test]
    fn an_oversized_input_is_refused_before_decoding() {
        let long = "x=".to_owned() + &"a".repeat(MAX_LEN);
        assert!(parse(&long).is_err());
        assert!(parse(&long[..MAX_LEN]).is_ok());
    }

    #[test]
    fn unknown_and_empty_pairs_are_ignored() {
        let p = parse("&&foo=bar&Sign=&&").unwrap();
        assert_eq!(p.sign.as_deref(), Some(""));
        assert!(p.request_time.is_none());
        assert!(parse("https://example.com/cb").unwrap().sign.is_none());
    }

    #[test]
    fn hex_bytes_takes_either_case_and_only_the_exact_length() {
        assert_eq!(hex_bytes::<2>("aBcD"), Some([0xab, 0xcd]));
        assert_eq!(hex_bytes::<2>("abc"), None);
        assert_eq!(hex_bytes::<2>("abcdef"), None);
        assert_eq!(hex_bytes::<2>("abcg"), None);
    }
}
