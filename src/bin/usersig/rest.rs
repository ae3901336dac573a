//! The REST API target (FORMAT.md §8) shared by `rest-url` and `call`: the SDKAppID, the
//! admin to call as, the region or base URL, the admin UserSig's lifetime, the key, and the
//! service and command. Not a subcommand itself; a bad region or URL is a usage error (exit 2).

use clap::Args;

use usersig::Signer;
use usersig::rest::{DEFAULT_ADMIN_LIFETIME_SECS, Endpoint, Region};

use crate::UsageError;
use crate::key::{KeyArgs, read_key};

/// Who calls what, where: shared by `rest-url` and `call`.
#[derive(Args)]
pub(crate) struct TargetArgs {
    /// The application's SDKAppID.
    #[arg(long, value_name = "N")]
    pub(crate) sdkappid: u64,
    /// The app administrator to call as (the UserSig is minted for it).
    #[arg(long, value_name = "ADMIN")]
    pub(crate) identifier: String,
    /// The app's region: cn (console.tim.qq.com), sgp, kr, jpn, ger, ind, usa, idn.
    #[arg(long, value_name = "REGION", default_value = "cn", value_parser = parse_region)]
    region: Region,
    /// Send to this base URL instead of the region's domain (a proxy, a test server).
    #[arg(long, value_name = "URL", conflicts_with = "region")]
    base_url: Option<String>,
    /// Lifetime of the admin UserSig, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = DEFAULT_ADMIN_LIFETIME_SECS)]
    pub(crate) expire: u64,
    #[command(flatten)]
    key: KeyArgs,
    /// The service, e.g. `openim` or `im_open_login_svc`.
    #[arg(value_name = "SERVICE")]
    pub(crate) service: String,
    /// The command, e.g. `sendmsg` or `account_import`.
    #[arg(value_name = "COMMAND")]
    pub(crate) command: String,
}

impl TargetArgs {
    /// The `--base-url`, or else the `--region`'s domain.
    pub(crate) fn endpoint(&self) -> Result<Endpoint, UsageError> {
        match &self.base_url {
            Some(url) => Endpoint::custom(url).map_err(|e| UsageError(e.to_string())),
            None => Ok(Endpoint::from(self.region)),
        }
    }

    /// A signer for the SDKAppID with the key from `USERSIG_KEY` or `--key-file`.
    pub(crate) fn signer(&self) -> Result<Signer, UsageError> {
        let key = read_key(&self.key)?;
        Signer::new(self.sdkappid, key.as_slice()).map_err(|e| UsageError(e.to_string()))
    }
}

fn parse_region(text: &str) -> Result<Region, String> {
    text.parse::<Region>().map_err(|e| e.to_string())
}
