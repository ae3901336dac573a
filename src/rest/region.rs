//! The data-center regions of Tencent Cloud Chat and their REST domains (FORMAT.md §8).

use std::fmt;

/// A data-center region of Tencent Cloud Chat (IM), each with its own REST domain (FORMAT.md §8).
///
/// An app lives in one region, chosen when it was created; calling another region's domain
/// fails with 70016 or 70020. The domains are the ones Tencent's "RESTful API Overview" page
/// (document 1047/34620) lists.
///
/// ```
/// use usersig::rest::Region;
/// assert_eq!(Region::default(), Region::China);
/// assert_eq!(Region::Singapore.domain(), "adminapisgp.im.qcloud.com");
/// assert_eq!("usa".parse::<Region>(), Ok(Region::SiliconValley));
/// assert_eq!(Region::from_code("ger"), Some(Region::Frankfurt));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Region {
    /// China: `console.tim.qq.com`, the default.
    #[default]
    China,
    /// Singapore: `adminapisgp.im.qcloud.com`.
    Singapore,
    /// Seoul: `adminapikr.im.qcloud.com`.
    Seoul,
    /// Tokyo: `adminapijpn.im.qcloud.com`.
    Tokyo,
    /// Frankfurt: `adminapiger.im.qcloud.com`.
    Frankfurt,
    /// Mumbai: `adminapiind.im.qcloud.com`.
    Mumbai,
    /// Silicon Valley (USA): `adminapiusa.im.qcloud.com`.
    SiliconValley,
    /// Jakarta: `adminapiidn.im.qcloud.com`.
    Jakarta,
}

impl Region {
    /// Every region, China first.
    ///
    /// ```
    /// assert_eq!(usersig::rest::Region::ALL.len(), 8);
    /// ```
    pub const ALL: [Region; 8] = [
        Region::China,
        Region::Singapore,
        Region::Seoul,
        Region::Tokyo,
        Region::Frankfurt,
        Region::Mumbai,
        Region::SiliconValley,
        Region::Jakarta,
    ];

    /// The short code, as in Tencent's domain names: `cn`, `sgp`, `kr`, `jpn`, `ger`, `ind`,
    /// `usa`, `idn`. The CLI's `--region` takes these.
    ///
    /// ```
    /// assert_eq!(usersig::rest::Region::Seoul.code(), "kr");
    /// ```
    pub const fn code(self) -> &'static str {
        match self {
            Region::China => "cn",
            Region::Singapore => "sgp",
            Region::Seoul => "kr",
            Region::Tokyo => "jpn",
            Region::Frankfurt => "ger",
            Region::Mumbai => "ind",
            Region::SiliconValley => "usa",
            Region::Jakarta => "idn",
        }
    }

    /// The REST API's domain for this region.
    ///
    /// ```
    /// assert_eq!(usersig::rest::Region::China.domain(), "console.tim.qq.com");
    /// ```
    pub const fn domain(self) -> &'static str {
        match self {
            Region::China => "console.tim.qq.com",
            Region::Singapore => "adminapisgp.im.qcloud.com",
            Region::Seoul => "adminapikr.im.qcloud.com",
            Region::Tokyo => "adminapijpn.im.qcloud.com",
            Region::Frankfurt => "adminapiger.im.qcloud.com",
            Region::Mumbai => "adminapiind.im.qcloud.com",
            Region::SiliconValley => "adminapiusa.im.qcloud.com",
            Region::Jakarta => "adminapiidn.im.qcloud.com",
        }
    }

    /// The backup domain Tencent documents for when the main one's DNS is hijacked.
    ///
    /// ```
    /// assert_eq!(usersig::rest::Region::China.backup_domain(), "adminapi.my-imcloud.com");
    /// ```
    pub const fn backup_domain(self) -> &'static str {
        match self {
            Region::China => "adminapi.my-imcloud.com",
            Region::Singapore => "adminapisgp.my-imcloud.com",
            Region::Seoul => "adminapikr.my-imcloud.com",
            Region::Tokyo => "adminapijpn.my-imcloud.com",
            Region::Frankfurt => "adminapiger.my-imcloud.com",
            Region::Mumbai => "adminapiind.my-imcloud.com",
            Region::SiliconValley => "adminapiusa.my-imcloud.com",
            Region::Jakarta => "adminapiidn.my-imcloud.com",
        }
    }

    /// `https://` and the domain: the base of every request URL in this region.
    ///
    /// ```
    /// assert_eq!(usersig::rest::Region::Tokyo.base_url(), "https://adminapijpn.im.qcloud.com");
    /// ```
    pub const fn base_url(self) -> &'static str {
        match self {
            Region::China => "https://console.tim.qq.com",
            Region::Singapore => "https://adminapisgp.im.qcloud.com",
            Region::Seoul => "https://adminapikr.im.qcloud.com",
            Region::Tokyo => "https://adminapijpn.im.qcloud.com",
            Region::Frankfurt => "https://adminapiger.im.qcloud.com",
            Region::Mumbai => "https://adminapiind.im.qcloud.com",
            Region::SiliconValley => "https://adminapiusa.im.qcloud.com",
            Region::Jakarta => "https://adminapiidn.im.qcloud.com",
        }
    }

    /// A region from its [`code`](Region::code) or its English name, case-insensitively
    /// (`sgp`, `singapore`, `usa`, `us`, `silicon-valley`, ...).
    ///
    /// ```
    /// use usersig::rest::Region;
    /// assert_eq!(Region::from_code("SGP"), Some(Region::Singapore));
    /// assert_eq!(Region::from_code("india"), Some(Region::Mumbai));
    /// assert_eq!(Region::from_code("mars"), None);
    /// ```
    pub fn from_code(code: &str) -> Option<Region> {
        let code = code.trim().to_ascii_lowercase();
        let region = match code.as_str() {
            "cn" | "china" => Region::China,
            "sgp" | "sg" | "singapore" => Region::Singapore,
            "kr" | "seoul" | "korea" => Region::Seoul,
            "jpn" | "jp" | "tokyo" | "japan" => Region::Tokyo,
            "ger" | "de" | "frankfurt" | "germany" => Region::Frankfurt,
            "ind" | "in" | "mumbai" | "india" => Region::Mumbai,
            "usa" | "us" | "silicon-valley" | "siliconvalley" => Region::SiliconValley,
            "idn" | "id" | "jakarta" | "indonesia" => Region::Jakarta,
            _ => return None,
        };
        Some(region)
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}
