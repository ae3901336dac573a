//! What a token carries besides the claims, as `gen` mints it and `verify` expects it: the
//! `--userbuf-b64` / `--room-id` / `--room-str` group and the `--privileges` parser. The
//! privilege names come from `usersig::Privileges::NAMED`, never retyped here. Bad base64 or
//! an unknown privilege is a usage error (exit 2).

use clap::Args;

use usersig::{Privileges, Room};

use crate::UsageError;

#[derive(Args)]
#[group(id = "userbuf_kind", multiple = false)]
pub(crate) struct PayloadArgs {
    /// Carry these userbuf bytes (standard base64).
    #[arg(long, value_name = "B64", group = "userbuf_kind")]
    userbuf_b64: Option<String>,
    /// A TRTC PrivateMapKey for this numeric room.
    #[arg(long, value_name = "N", group = "userbuf_kind")]
    room_id: Option<u32>,
    /// A TRTC PrivateMapKey for this string room.
    #[arg(long, value_name = "S", group = "userbuf_kind")]
    room_str: Option<String>,
}

impl PayloadArgs {
    /// The `--userbuf-b64` bytes, decoded; `None` without the flag.
    pub(crate) fn userbuf(&self) -> Result<Option<Vec<u8>>, UsageError> {
        use base64::Engine as _;
        let Some(text) = &self.userbuf_b64 else {
            return Ok(None);
        };
        base64::engine::general_purpose::STANDARD
            .decode(text.trim())
            .map(Some)
            .map_err(|e| UsageError(format!("--userbuf-b64 is not valid base64: {e}")))
    }

    /// The `--room-id` or `--room-str` room; `None` without either.
    pub(crate) fn room(&self) -> Option<Room<'_>> {
        match (self.room_id, &self.room_str) {
            (Some(n), _) => Some(Room::Numeric(n)),
            (None, Some(s)) => Some(Room::Str(s)),
            (None, None) => None,
        }
    }
}

/// The `--privileges` value parser: a number 0-255 or names joined by commas, as
/// `Privileges`'s `FromStr` reads them.
pub(crate) fn parse_privileges(text: &str) -> Result<Privileges, String> {
    text.parse::<Privileges>().map_err(|e| e.to_string())
}

/// The help of `gen --privileges`, listing the names of `Privileges::NAMED` and `all`.
pub(crate) fn privileges_help() -> String {
    let names: Vec<&str> = Privileges::NAMED
        .iter()
        .map(|&(name, _)| name)
        .chain([Privileges::ALL_NAME])
        .collect();
    format!(
        "PrivateMapKey privileges: a number 0-255 or names joined by commas ({})",
        names.join(", ")
    )
}
