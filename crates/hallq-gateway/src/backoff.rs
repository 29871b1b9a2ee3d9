//! Exponential backoff with jitter, for reconnecting to the controller and retrying a key
//! press: 100 ms, 200 ms, 400 ms … doubling up to 5 s, each delay drawn between half and all
//! of that step so that a hall's gateways (and a controller's many clients) do not come back
//! in lockstep after a restart.
//!
//! The schedule is pure: the jitter is an argument in `[0, 1)`. [`jitter`] is the driver's
//! source for it.

use std::hash::{BuildHasher, Hasher};
use std::time::Duration;

/// The first step.
pub const MIN: Duration = Duration::from_millis(100);
/// The longest step.
pub const MAX: Duration = Duration::from_secs(5);

/// Where a retry loop is in the schedule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backoff {
    attempt: u32,
    min: Duration,
    max: Duration,
}

impl Default for Backoff {
    fn default() -> Backoff {
        Backoff::new(MIN, MAX)
    }
}

impl Backoff {
    /// A schedule from `min` doubling up to `max`.
    pub fn new(min: Duration, max: Duration) -> Backoff {
        Backoff {
            attempt: 0,
            min,
            max: max.max(min),
        }
    }

    /// The step for the `attempt`-th retry (0-based), before jitter.
    pub fn step(&self, attempt: u32) -> Duration {
        let factor = 1u32.checked_shl(attempt.min(31)).unwrap_or(u32::MAX);
        self.min.saturating_mul(factor).min(self.max)
    }

    /// The delay before the next retry, with `jitter` in `[0, 1)`: between half the step and
    /// the whole step. Advances the schedule.
    pub fn next_delay(&mut self, jitter: f64) -> Duration {
        let step = self.step(self.attempt);
        self.attempt = self.attempt.saturating_add(1);
        step.mul_f64(0.5 + 0.5 * jitter.clamp(0.0, 1.0))
    }

    /// Back to the first step, after a success.
    pub fn reset(&mut self) {
        self.attempt = 0;
    }

    /// How many delays were taken since the last reset.
    pub fn attempts(&self) -> u32 {
        self.attempt
    }
}

/// A value in `[0, 1)` that differs between calls and between processes (std's randomly
/// keyed hasher; no cryptographic quality needed).
pub fn jitter() -> f64 {
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0),
    );
    (h.finish() >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn steps_double_from_100_ms_up_to_5_s() {
        let b = Backoff::default();
        let steps: Vec<Duration> = (0..10).map(|i| b.step(i)).collect();
        assert_eq!(
            steps,
            [100, 200, 400, 800, 1600, 3200, 5000, 5000, 5000, 5000].map(ms)
        );
        assert_eq!(b.step(u32::MAX), MAX, "never overflows");
    }

    #[test]
    fn jitter_draws_between_half_and_the_whole_step() {
        let mut lo = Backoff::default();
        let mut hi = Backoff::default();
        for i in 0..8 {
            let step = lo.step(i);
            assert_eq!(lo.next_delay(0.0), step / 2);
            let d = hi.next_delay(0.999_999);
            assert!(d <= step && d > step.mul_f64(0.99), "{d:?} vs {step:?}");
        }
        assert_eq!(lo.attempts(), 8);
    }

    #[test]
    fn reset_starts_again_at_the_first_step() {
        let mut b = Backoff::default();
        for _ in 0..5 {
            b.next_delay(0.5);
        }
        b.reset();
        assert_eq!(b.next_delay(0.0), ms(50));
    }

    #[test]
    fn jitter_is_in_the_unit_interval_and_varies() {
        let values: Vec<f64> = (0..64).map(|_| jitter()).collect();
        assert!(values.iter().all(|v| (0.0..1.0).contains(v)));
        assert!(values.windows(2).any(|w| w[0] != w[1]));
    }
}
