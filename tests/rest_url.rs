//! The REST request URL (FORMAT.md §8): shape, regions, encoding, validation.

mod rest_support;

use rest_support::percent_decode;
use usersig::rest::{Endpoint, Region, RestUrl, UrlError};
use usersig::{DEMO_KEY, DEMO_SDKAPPID, Mint, Signer, Verifier};

fn query(url: &str) -> Vec<(String, String)> {
    let (_, q) = url.split_once('?').unwrap();
    q.split('&')
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap();
            (k.to_owned(), v.to_owned())
        })
        .collect()
}

#[test]
fn url_has_the_documented_parameters_in_order() {
    let token = Signer::new(DEMO_SDKAPPID, DEMO_KEY)
        .unwrap()
        .mint(&Mint::new("administrator").time(1569910200))
        .unwrap();
    let endpoint = Endpoint::default();
    let url = RestUrl::new(&endpoint, "im_open_login_svc", "account_import")
        .sdkappid(DEMO_SDKAPPID)
        .identifier("administrator")
        .usersig(&token)
        .random(4_294_967_295)
        .build()
        .unwrap();
    assert!(url.starts_with("https://console.tim.qq.com/v4/im_open_login_svc/account_import?"));
    let q = query(&url);
    let keys: Vec<_> = q.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        keys,
        ["sdkappid", "identifier", "usersig", "random", "contenttype"]
    );
    assert_eq!(q[0].1, "1400000000");
    assert_eq!(
        q[2].1, token,
        "a UserSig needs no escaping (FORMAT.md §4.2)"
    );
    assert_eq!(q[3].1, "4294967295");
    assert_eq!(q[4].1, "json");
    Verifier::new(DEMO_SDKAPPID, DEMO_KEY)
        .unwrap()
        .verify_at(&percent_decode(&q[2].1), "administrator", 1569910200)
        .unwrap();
}

#[test]
fn every_region_has_its_documented_domain() {
    let expected = [
        ("cn", "console.tim.qq.com"),
        ("sgp", "adminapisgp.im.qcloud.com"),
        ("kr", "adminapikr.im.qcloud.com"),
        ("jpn", "adminapijpn.im.qcloud.com"),
        ("ger", "adminapiger.im.qcloud.com"),
        ("ind", "adminapiind.im.qcloud.com"),
        ("usa", "adminapiusa.im.qcloud.com"),
        ("idn", "adminapiidn.im.qcloud.com"),
    ];
    assert_eq!(Region::ALL.len(), expected.len());
    for (region, (code, domain)) in Region::ALL.into_iter().zip(expected) {
        assert_eq!(region.code(), code);
        assert_eq!(region.domain(), domain);
        assert_eq!(region.base_url(), format!("https://{domain}"));
        assert_eq!(code.parse::<Region>(), Ok(region));
        assert_eq!(Endpoint::parse(code).unwrap(), Endpoint::from(region));
        assert!(region.backup_domain().ends_with(".my-imcloud.com"));
    }
}

#[test]
fn random_is_fresh_for_every_url() {
    let endpoint = Endpoint::from(Region::Singapore);
    let url = RestUrl::new(&endpoint, "openim", "sendmsg")
        .sdkappid(1)
        .identifier("admin")
        .usersig("t");
    let randoms: std::collections::HashSet<String> = (0..8)
        .map(|_| query(&url.build().unwrap())[3].1.clone())
        .collect();
    assert!(randoms.len() >= 7, "8 draws of a u32 collided: {randoms:?}");
    for r in &randoms {
        r.parse::<u32>().unwrap();
    }
}

#[test]
fn identifier_and_plain_base64_tokens_are_percent_encoded() {
    let endpoint = Endpoint::default();
    let url = RestUrl::new(&endpoint, "openim", "sendmsg")
        .sdkappid(1)
        .identifier("ad min&x=1/管理")
        .usersig("ab+/cd==")
        .random(1)
        .build()
        .unwrap();
    let q = query(&url);
    assert_eq!(q.len(), 5, "no parameter injection: {url}");
    assert_eq!(q[1].1, "ad%20min%26x%3D1%2F%E7%AE%A1%E7%90%86");
    assert_eq!(percent_decode(&q[1].1), "ad min&x=1/管理");
    assert_eq!(q[2].1, "ab%2B%2Fcd%3D%3D");
    // The UserSig alphabet passes unchanged.
    let url = RestUrl::new(&endpoint, "s", "c")
        .sdkappid(1)
        .identifier("a")
        .usersig("eJx*-_9")
        .build()
        .unwrap();
    assert_eq!(query(&url)[2].1, "eJx*-_9");
}

#[test]
fn custom_base_urls_keep_their_prefix_and_lose_a_trailing_slash() {
    let endpoint = Endpoint::custom("http://127.0.0.1:8080/proxy/tim/").unwrap();
    let url = RestUrl::new(&endpoint, "openim", "sendmsg")
        .sdkappid(1)
        .identifier("a")
        .usersig("t")
        .random(5)
        .build()
        .unwrap();
    assert!(url.starts_with("http://127.0.0.1:8080/proxy/tim/v4/openim/sendmsg?sdkappid=1&"));
}

#[test]
fn unusable_base_urls_are_refused() {
    for bad in [
        "",
        "console.tim.qq.com",
        "ftp://x",
        "https://",
        "https:///path",
        "https://x/?q=1",
        "https://x/#f",
        "https://a b",
        "https://x\n",
    ] {
        assert!(
            matches!(Endpoint::custom(bad), Err(UrlError::BadBaseUrl { .. })),
            "{bad:?}"
        );
    }
    assert!(matches!(
        Endpoint::parse("mars"),
        Err(UrlError::UnknownRegion(_))
    ));
}

#[test]
fn service_and_command_must_be_plain_names() {
    let endpoint = Endpoint::default();
    for (service, command) in [
        ("", "c"),
        ("s", ""),
        ("../s", "c"),
        ("s", "c?x=1"),
        ("s/t", "c"),
        ("s", "c d"),
    ] {
        let err = RestUrl::new(&endpoint, service, command)
            .sdkappid(1)
            .identifier("a")
            .usersig("t")
            .build()
            .unwrap_err();
        assert!(
            matches!(err, UrlError::BadPathSegment { .. }),
            "{service:?} {command:?}"
        );
    }
}

#[test]
fn missing_parts_are_errors_and_leave_the_buffer_empty() {
    let endpoint = Endpoint::default();
    let mut buf = String::from("old contents");
    let base = RestUrl::new(&endpoint, "s", "c");
    assert_eq!(
        base.identifier("a").usersig("t").write_into(&mut buf),
        Err(UrlError::MissingSdkAppId)
    );
    assert!(buf.is_empty());
    assert_eq!(
        base.sdkappid(1).usersig("t").build(),
        Err(UrlError::EmptyIdentifier)
    );
    assert_eq!(
        base.sdkappid(1).identifier("a").build(),
        Err(UrlError::EmptyUserSig)
    );
}

#[test]
fn base_urls_that_would_send_the_token_elsewhere_or_nowhere_are_refused() {
    use usersig::rest::Endpoint;
    for bad in [
        "https://console.tim.qq.com@evil.example",
        "https://user:pw@host",
        "https://x:notaport",
        "https://x:0",
        "https://x:65536",
        "https://x:",
        "https://:80",
        "https://[::1",
        "https://[]:80",
        "https://[::1]x",
        "https://ho_st",
        "ftp://host",
        "https//host",
    ] {
        assert!(Endpoint::custom(bad).is_err(), "{bad} was accepted");
    }
    for (good, base) in [
        ("https://host", "https://host"),
        (
            "HTTP://localhost:8080/prefix/",
            "http://localhost:8080/prefix",
        ),
        ("https://[::1]:8443", "https://[::1]:8443"),
        ("http://127.0.0.1:9", "http://127.0.0.1:9"),
    ] {
        assert_eq!(Endpoint::custom(good).unwrap().base_url(), base, "{good}");
    }
}

/// The reason given when plain `http://` would carry the admin token off this machine.
const CLEARTEXT: &str = "plain http:// would send the admin UserSig in cleartext: use https://, \
                         or http:// only for a loopback host (localhost, 127.0.0.0/8, [::1])";

#[test]
fn plain_http_is_refused_for_any_host_but_loopback() {
    for bad in [
        "http://example.com",
        "http://console.tim.qq.com",
        "HTTP://example.com",
        "hTtP://example.com:80/prefix",
        "http://127.0.0.1.evil.com",
        "http://localhost.evil.com",
        "http://evil.com/127.0.0.1",
        "http://127.1",
        "http://0127.0.0.1",
        "http://128.0.0.1",
        "http://0.0.0.0",
        "http://10.0.0.1:8080",
        "http://[fe80::1]",
        "http://[::2]",
        "http://[::]",
    ] {
        match Endpoint::custom(bad) {
            Err(UrlError::BadBaseUrl { reason, .. }) => assert_eq!(reason, CLEARTEXT, "{bad}"),
            other => panic!("{bad} gave {other:?}"),
        }
        // The one-string form (the C ABI's and the bindings') goes through the same check.
        assert!(
            matches!(Endpoint::parse(bad), Err(UrlError::BadBaseUrl { .. })),
            "{bad}"
        );
    }
    let err = Endpoint::custom("http://example.com")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("cleartext") && err.contains("https://"),
        "{err}"
    );
    // Userinfo cannot make a remote host look local.
    for bad in [
        "http://127.0.0.1@evil.com",
        "http://localhost@evil.com",
        "http://localhost:80@evil.com",
        "http://[::1]@evil.com",
    ] {
        assert!(
            matches!(Endpoint::custom(bad), Err(UrlError::BadBaseUrl { .. })),
            "{bad} was accepted"
        );
    }
}

#[test]
fn plain_http_is_allowed_for_loopback_hosts() {
    for (good, base) in [
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("http://127.0.0.1", "http://127.0.0.1"),
        ("http://127.255.0.9:1/p/", "http://127.255.0.9:1/p"),
        ("http://localhost", "http://localhost"),
        ("http://LocalHost:9/", "http://LocalHost:9"),
        ("HTTP://localhost:8080", "http://localhost:8080"),
        ("http://[::1]:9", "http://[::1]:9"),
        ("http://[0:0:0:0:0:0:0:1]", "http://[0:0:0:0:0:0:0:1]"),
        // https is fine for any host.
        ("https://example.com", "https://example.com"),
        ("HTTPS://127.0.0.1.evil.com", "https://127.0.0.1.evil.com"),
    ] {
        assert_eq!(Endpoint::custom(good).unwrap().base_url(), base, "{good}");
        assert_eq!(Endpoint::parse(good).unwrap().base_url(), base, "{good}");
    }
}

#[test]
fn an_empty_authority_is_reported_as_no_host() {
    for url in ["https://", "https:///", "http://", "https:////"] {
        match Endpoint::custom(url) {
            Err(UrlError::BadBaseUrl { reason, .. }) => {
                assert_eq!(reason, "it has no host", "{url}")
            }
            other => panic!("{url} gave {other:?}"),
        }
    }
}
