//! The admin-token cache: reuse, renewal ahead of expiry, renewal after rejection, threads.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use usersig::rest::{AdminToken, DEFAULT_ADMIN_LIFETIME_SECS, MIN_ADMIN_LIFETIME_SECS};
use usersig::{DEMO_KEY, DEMO_SDKAPPID, Signer, Verifier};

const T0: u64 = 1_700_000_000;

struct FakeClock {
    now: AtomicU64,
    reads: AtomicUsize,
}

fn cache(lifetime: u64, margin: Option<u64>) -> (AdminToken, Arc<FakeClock>) {
    let clock = Arc::new(FakeClock {
        now: AtomicU64::new(T0),
        reads: AtomicUsize::new(0),
    });
    let c = Arc::clone(&clock);
    let mut builder = AdminToken::builder(Signer::new(DEMO_SDKAPPID, DEMO_KEY).unwrap(), "admin")
        .lifetime_secs(lifetime)
        .clock(move || {
            c.reads.fetch_add(1, Ordering::Relaxed);
            c.now.load(Ordering::Relaxed)
        });
    if let Some(m) = margin {
        builder = builder.renew_margin_secs(m);
    }
    (builder.build().unwrap(), clock)
}

fn verify_at(token: &str, now: u64) -> usersig::Claims {
    Verifier::new(DEMO_SDKAPPID, DEMO_KEY)
        .unwrap()
        .verify_at(token, "admin", now)
        .unwrap()
}

#[test]
fn the_same_token_is_reused_until_the_margin() {
    let (admin, clock) = cache(86_400, None);
    assert_eq!(admin.renew_margin_secs(), 3_600);
    let first = admin.get().unwrap();
    assert_eq!(verify_at(&first, T0).time, T0);
    clock.now.store(T0 + 86_400 - 3_601, Ordering::Relaxed);
    assert!(Arc::ptr_eq(&first, &admin.get().unwrap()));
    clock.now.store(T0 + 86_400 - 3_600, Ordering::Relaxed);
    let second = admin.get().unwrap();
    assert_ne!(first, second);
    let claims = verify_at(&second, T0 + 86_400 - 3_600);
    assert_eq!(claims.time, T0 + 86_400 - 3_600);
    assert_eq!(claims.expire, 86_400);
    assert_eq!(admin.expires_at(), claims.expires_at);
}

#[test]
fn the_default_margin_is_a_tenth_of_the_lifetime_up_to_an_hour() {
    assert_eq!(cache(600, None).0.renew_margin_secs(), 60);
    assert_eq!(cache(36_000, None).0.renew_margin_secs(), 3_600);
    assert_eq!(cache(180 * 86_400, None).0.renew_margin_secs(), 3_600);
}

#[test]
fn a_margin_never_exceeds_half_the_lifetime() {
    let (admin, clock) = cache(600, Some(10_000));
    assert_eq!(admin.renew_margin_secs(), 300);
    let first = admin.get().unwrap();
    clock.now.store(T0 + 299, Ordering::Relaxed);
    assert_eq!(first, admin.get().unwrap(), "not minted per request");
}

#[test]
fn lifetimes_are_at_least_a_minute() {
    let (admin, _) = cache(0, None);
    assert_eq!(admin.lifetime_secs(), MIN_ADMIN_LIFETIME_SECS);
    let admin = AdminToken::new(Signer::new(DEMO_SDKAPPID, DEMO_KEY).unwrap(), "admin").unwrap();
    assert_eq!(admin.lifetime_secs(), DEFAULT_ADMIN_LIFETIME_SECS);
}

#[test]
fn a_rejected_token_is_replaced_once_however_many_report_it() {
    let (admin, clock) = cache(3_600, None);
    let old = admin.get().unwrap();
    clock.now.fetch_add(5, Ordering::Relaxed);
    let new = admin.renew_rejected(&old).unwrap();
    assert_ne!(old, new);
    assert_eq!(verify_at(&new, T0 + 5).time, T0 + 5);
    clock.now.fetch_add(5, Ordering::Relaxed);
    assert!(Arc::ptr_eq(&new, &admin.renew_rejected(&old).unwrap()));
    assert!(Arc::ptr_eq(&new, &admin.get().unwrap()));
}

#[test]
fn an_empty_identifier_is_refused_up_front() {
    assert!(AdminToken::new(Signer::new(DEMO_SDKAPPID, DEMO_KEY).unwrap(), "").is_err());
}

#[test]
fn debug_output_does_not_show_the_token() {
    let (admin, _) = cache(3_600, None);
    let token = admin.get().unwrap();
    let debug = format!("{admin:?}");
    assert!(!debug.contains(&*token));
    assert!(debug.contains("redacted"));
}

#[test]
fn threads_share_one_cache_and_renew_once() {
    let (admin, clock) = cache(3_600, None);
    let admin = Arc::new(admin);
    let first = admin.get().unwrap();
    clock.now.store(T0 + 3_600 - 10, Ordering::Relaxed); // inside the 360 s margin
    let tokens: Vec<Arc<str>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..8)
            .map(|_| s.spawn(|| (0..50).map(|_| admin.get().unwrap()).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    assert_eq!(tokens.len(), 400);
    assert!(tokens.iter().all(|t| *t != first));
    assert!(
        tokens.iter().all(|t| Arc::ptr_eq(t, &tokens[0])),
        "renewed exactly once"
    );
    assert!(clock.reads.load(Ordering::Relaxed) >= 400);
}
