//! Human-readable instants and durations for error messages and inspection.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The largest instant we print as a calendar date: 9999-12-31T23:59:59Z.
const MAX_PRINTABLE: u64 = 253_402_300_799;

/// `2026-05-01T10:00:00Z`, or `@<unix seconds>` past the year 9999.
pub(crate) fn rfc3339(unix: u64) -> String {
    if unix > MAX_PRINTABLE {
        return format!("@{unix} (after the year 9999)");
    }
    match UNIX_EPOCH.checked_add(Duration::from_secs(unix)) {
        Some(t) => humantime::format_rfc3339_seconds(t).to_string(),
        None => format!("@{unix}"),
    }
}

/// A duration in the largest two units, e.g. `3h 12m`.
pub(crate) fn span(secs: u64) -> String {
    const UNITS: [(u64, &str); 5] = [
        (365 * 86_400, "y"),
        (86_400, "d"),
        (3_600, "h"),
        (60, "m"),
        (1, "s"),
    ];
    if secs == 0 {
        return "0s".to_owned();
    }
    let mut out = String::new();
    let mut rest = secs;
    let mut parts = 0;
    for (size, unit) in UNITS {
        if parts == 2 {
            break;
        }
        let n = rest / size;
        if n > 0 {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&format!("{n}{unit}"));
            rest %= size;
            parts += 1;
        } else if parts > 0 {
            break;
        }
    }
    out
}

/// `3h 12m ago`.
pub(crate) fn ago(secs: u64) -> String {
    format!("{} ago", span(secs))
}

/// The system clock in Unix seconds, or `None` before 1970.
pub(crate) fn unix_now() -> Option<u64> {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .ok()
        .map(|d| d.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_read_as_two_units() {
        assert_eq!(span(0), "0s");
        assert_eq!(span(59), "59s");
        assert_eq!(span(3 * 3600 + 12 * 60 + 5), "3h 12m");
        assert_eq!(span(86_400 + 5), "1d");
        assert_eq!(ago(90), "1m 30s ago");
    }

    #[test]
    fn rfc3339_handles_the_far_future() {
        assert_eq!(rfc3339(1_569_910_200), "2019-10-01T06:10:00Z");
        assert!(rfc3339(u64::MAX).starts_with('@'));
    }
}
