//! Percentiles are by nearest rank, so every number reported is one that was measured rather than
//! an interpolation between two. Values are rounded once, here, so the table and the JSON carry
//! the same numbers.

use serde::Serialize;

/// Samples of one measurement, in the unit the caller names (milliseconds, nanoseconds).
#[derive(Debug, Clone, Serialize)]
pub struct Spread {
    pub samples: usize,
    pub median: f64,
    pub min: f64,
    pub p90: f64,
    pub max: f64,
}

impl Spread {
    /// Summarises `samples`, rounded to `decimals` places. `None` when there are none.
    pub fn of(samples: &[f64], decimals: i32) -> Option<Self> {
        let mut sorted = samples.to_vec();
        sorted.sort_by(f64::total_cmp);
        let (&min, &max) = (sorted.first()?, sorted.last()?);
        Some(Self {
            samples: sorted.len(),
            median: round(percentile(&sorted, 50.0), decimals),
            min: round(min, decimals),
            p90: round(percentile(&sorted, 90.0), decimals),
            max: round(max, decimals),
        })
    }

    /// `median (min, p90, max; n samples)` for the table.
    pub fn describe(&self, decimals: usize) -> (String, String) {
        (
            format!("{:.decimals$}", self.median),
            format!(
                "min {:.decimals$}, p90 {:.decimals$}, max {:.decimals$}, n = {}",
                self.min, self.p90, self.max, self.samples
            ),
        )
    }
}

/// The nearest-rank `p`th percentile of `sorted` (ascending, not empty).
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    let rank = (p / 100.0 * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

pub fn round(value: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (value * scale).round() / scale
}
