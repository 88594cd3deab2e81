//! When codes change: period boundaries in milliseconds, as pure functions of the time passed in (the window's
//! ticker sleeps until the next one).

/// The first moment after `now_ms`, among the periods (in seconds), that is `lead_ms` before a code changes.
/// With `lead_ms = 0`: the next moment any code changes.
pub fn next_event_ms(
    periods: impl IntoIterator<Item = u32>,
    now_ms: u64,
    lead_ms: u64,
) -> Option<u64> {
    periods
        .into_iter()
        .map(|period| {
            let p = u64::from(period.max(1)) * 1000;
            let mut boundary = (now_ms / p + 1) * p;
            while boundary.saturating_sub(lead_ms) <= now_ms {
                boundary += p;
            }
            boundary.saturating_sub(lead_ms)
        })
        .min()
}

/// Whether a code of this period changes within `window_ms` after `now_ms`.
pub fn changes_within(period: u32, now_ms: u64, window_ms: u64) -> bool {
    let p = u64::from(period.max(1)) * 1000;
    (now_ms / p + 1) * p - now_ms <= window_ms
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_boundary_and_the_moment_before_it() {
        // At 10.2 s, a 30 s code changes at 30 s and is "expiring" from 25 s.
        assert_eq!(next_event_ms([30], 10_200, 0), Some(30_000));
        assert_eq!(next_event_ms([30], 10_200, 5_000), Some(25_000));
        // Inside the last 5 s, the next "expiring" moment belongs to the following period.
        assert_eq!(next_event_ms([30], 27_000, 5_000), Some(55_000));
        // The earliest over several periods; none without time-based accounts.
        assert_eq!(next_event_ms([60, 30, 45], 50_000, 0), Some(60_000));
        assert_eq!(next_event_ms([], 50_000, 0), None);
        // A period shorter than the lead still yields a future moment: 5 s before the change at 8 s.
        assert_eq!(next_event_ms([2], 1_000, 5_000), Some(3_000));
    }

    #[test]
    fn expiring_window() {
        assert!(changes_within(30, 25_000, 5_000));
        assert!(!changes_within(30, 24_000, 5_000));
        assert!(changes_within(30, 29_999, 5_000));
    }
}
