//! Exponential backoff with full jitter, for the retries the provider makes itself
//! (the response PUT, CreateIdentityPool); the SDK backs off its own.

use std::hash::{BuildHasher, RandomState};
use std::time::{Duration, Instant};

const FIRST: Duration = Duration::from_millis(100);
const MAX: Duration = Duration::from_secs(2);

/// The pause before retry number `attempt + 1`: a random time below a ceiling
/// that doubles from 100 ms up to 2 s, so that many functions retrying at once
/// do not arrive in step.
pub fn delay(attempt: u32) -> Duration {
    let ceiling = FIRST
        .saturating_mul(1 << attempt.saturating_sub(1).min(16))
        .min(MAX);
    let random = RandomState::new().hash_one(Instant::now());
    ceiling.mul_f64((random % 1000) as f64 / 1000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_delay_stays_below_a_doubling_ceiling_capped_at_two_seconds() {
        for (attempt, ceiling_ms) in [
            (1, 100),
            (2, 200),
            (3, 400),
            (5, 1600),
            (6, 2000),
            (40, 2000),
        ] {
            for _ in 0..50 {
                assert!(
                    delay(attempt) < Duration::from_millis(ceiling_ms),
                    "attempt {attempt}"
                );
            }
        }
    }

    #[test]
    fn the_delay_is_jittered() {
        let delays: std::collections::BTreeSet<Duration> = (0..20).map(|_| delay(6)).collect();
        assert!(delays.len() > 1, "20 delays were all {delays:?}");
    }
}
