//! The data-center regions of Tencent Cloud Chat and their REST domains (FORMAT.md §8),
//! written once, in the [`region_table!`] invocation below, from which [`Region`] and every
//! one of its lookups are made.

use std::fmt;

/// Makes [`Region`] and its lookups from one table: the variants (each documented with its
/// domain), [`Region::ALL`], [`Region::code`], [`Region::domain`], [`Region::backup_domain`],
/// [`Region::base_url`] (`https://` and the domain) and [`Region::from_code`].
///
/// A row reads `Variant: "place", "code" | "alias" | ..., "domain", "backup domain";`; the
/// first code is the one Tencent's domain names use, and the place is the variant's doc.
macro_rules! region_table {
    (
        $(#[$enum_attr:meta])*
        pub enum Region {
            $(
                $(#[$attr:meta])*
                $variant:ident: $place:literal, $code:literal $(| $alias:literal)*,
                    $domain:literal, $backup:literal;
            )*
        }
    ) => {
        $(#[$enum_attr])*
        pub enum Region {
            $(
                #[doc = concat!($place, ": `", $domain, "`.")]
                $(#[$attr])*
                $variant,
            )*
        }

        impl Region {
            /// Every region, China first.
            ///
            /// ```
            /// assert_eq!(usersig::rest::Region::ALL.len(), 8);
            /// ```
            pub const ALL: [Region; [$($code),*].len()] = [$(Region::$variant),*];

            /// The short code, as in Tencent's domain names: `cn`, `sgp`, `kr`, `jpn`, `ger`,
            /// `ind`, `usa`, `idn`. The CLI's `--region` takes these.
            ///
            /// ```
            /// assert_eq!(usersig::rest::Region::Seoul.code(), "kr");
            /// ```
            pub const fn code(self) -> &'static str {
                match self {
                    $(Region::$variant => $code,)*
                }
            }

            /// The REST API's domain for this region.
            ///
            /// ```
            /// assert_eq!(usersig::rest::Region::China.domain(), "console.tim.qq.com");
            /// ```
            pub const fn domain(self) -> &'static str {
                match self {
                    $(Region::$variant => $domain,)*
                }
            }

            /// The backup domain Tencent documents for when the main one's DNS is hijacked.
            ///
            /// ```
            /// assert_eq!(usersig::rest::Region::China.backup_domain(), "adminapi.my-imcloud.com");
            /// ```
            pub const fn backup_domain(self) -> &'static str {
                match self {
                    $(Region::$variant => $backup,)*
                }
            }

            /// `https://` and the domain: the base of every request URL in this region.
            ///
            /// ```
            /// assert_eq!(usersig::rest::Region::Tokyo.base_url(), "https://adminapijpn.im.qcloud.com");
            /// ```
            pub const fn base_url(self) -> &'static str {
                match self {
                    $(Region::$variant => concat!("https://", $domain),)*
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
                    $($code $(| $alias)* => Region::$variant,)*
                    _ => return None,
                };
                Some(region)
            }
        }
    };
}

region_table! {
    /// A data-center region of Tencent Cloud Chat (IM), each with its own REST domain
    /// (FORMAT.md §8).
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
        /// The default.
        #[default]
        China: "China", "cn" | "china",
            "console.tim.qq.com", "adminapi.my-imcloud.com";
        Singapore: "Singapore", "sgp" | "sg" | "singapore",
            "adminapisgp.im.qcloud.com", "adminapisgp.my-imcloud.com";
        Seoul: "Seoul", "kr" | "seoul" | "korea",
            "adminapikr.im.qcloud.com", "adminapikr.my-imcloud.com";
        Tokyo: "Tokyo", "jpn" | "jp" | "tokyo" | "japan",
            "adminapijpn.im.qcloud.com", "adminapijpn.my-imcloud.com";
        Frankfurt: "Frankfurt", "ger" | "de" | "frankfurt" | "germany",
            "adminapiger.im.qcloud.com", "adminapiger.my-imcloud.com";
        Mumbai: "Mumbai", "ind" | "in" | "mumbai" | "india",
            "adminapiind.im.qcloud.com", "adminapiind.my-imcloud.com";
        SiliconValley: "Silicon Valley (USA)", "usa" | "us" | "silicon-valley" | "siliconvalley",
            "adminapiusa.im.qcloud.com", "adminapiusa.my-imcloud.com";
        Jakarta: "Jakarta", "idn" | "id" | "jakarta" | "indonesia",
            "adminapiidn.im.qcloud.com", "adminapiidn.my-imcloud.com";
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn china_is_the_default_and_comes_first() {
        assert_eq!(Region::default(), Region::China);
        assert_eq!(Region::ALL.first(), Some(&Region::China));
    }

    #[test]
    fn every_region_is_listed_once_with_its_own_code_and_domains() {
        for (i, a) in Region::ALL.iter().enumerate() {
            for b in Region::ALL.iter().skip(i + 1) {
                assert_ne!(a, b);
                assert_ne!(a.code(), b.code());
                assert_ne!(a.domain(), b.domain());
                assert_ne!(a.backup_domain(), b.backup_domain());
            }
        }
    }

    #[test]
    fn the_base_url_is_https_and_the_domain() {
        for region in Region::ALL {
            assert_eq!(region.base_url(), format!("https://{}", region.domain()));
        }
    }

    #[test]
    fn domains_are_lowercase_host_names() {
        for region in Region::ALL {
            for domain in [region.domain(), region.backup_domain()] {
                assert!(
                    domain.bytes().all(|b| b.is_ascii_lowercase()
                        || b.is_ascii_digit()
                        || b == b'-'
                        || b == b'.'),
                    "{domain}"
                );
            }
        }
    }

    #[test]
    fn regions_other_than_china_follow_tencent_s_naming() {
        for region in Region::ALL.into_iter().skip(1) {
            let code = region.code();
            assert_eq!(region.domain(), format!("adminapi{code}.im.qcloud.com"));
            assert_eq!(
                region.backup_domain(),
                format!("adminapi{code}.my-imcloud.com")
            );
        }
    }

    #[test]
    fn a_code_reads_back_as_its_region_in_any_case_and_with_spaces_around() {
        for region in Region::ALL {
            let code = region.code();
            assert_eq!(Region::from_code(code), Some(region));
            assert_eq!(Region::from_code(&code.to_ascii_uppercase()), Some(region));
            assert_eq!(Region::from_code(&format!(" {code}\t")), Some(region));
            assert_eq!(region.to_string(), code);
        }
    }

    #[test]
    fn english_names_and_short_aliases_are_understood() {
        for (text, region) in [
            ("china", Region::China),
            ("sg", Region::Singapore),
            ("Korea", Region::Seoul),
            ("JAPAN", Region::Tokyo),
            ("de", Region::Frankfurt),
            ("in", Region::Mumbai),
            ("silicon-valley", Region::SiliconValley),
            ("SiliconValley", Region::SiliconValley),
            ("us", Region::SiliconValley),
            ("indonesia", Region::Jakarta),
        ] {
            assert_eq!(Region::from_code(text), Some(region), "{text}");
        }
    }

    #[test]
    fn anything_else_is_no_region() {
        for text in [
            "",
            " ",
            "mars",
            "c n",
            "cn.",
            "silicon valley",
            "adminapisgp",
            "\0cn",
            "сn",
        ] {
            assert_eq!(Region::from_code(text), None, "{text:?}");
        }
    }
}
