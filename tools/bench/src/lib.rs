//! The sections of `make bench` (see `src/bin/bench.rs`): each measures one claim and reports
//! its figures, its goal and whether the goal is met, as Markdown and JSON.

pub mod coldstart;
pub mod cost;
pub mod inbox;
pub mod list;
pub mod load;
pub mod scenario;
pub mod site;
pub mod soak;

use std::time::Duration;

/// One part of the report.
pub struct Section {
    pub title: &'static str,
    pub markdown: String,
    pub json: serde_json::Value,
    /// `None` for sections without a goal.
    pub goal_met: Option<bool>,
}

/// Median, minimum and maximum of repeated measurements, in milliseconds.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct Stats {
    pub median: f64,
    pub min: f64,
    pub max: f64,
    pub runs: usize,
}

impl Stats {
    pub fn of(samples: &[Duration]) -> Stats {
        let mut ms: Vec<f64> = samples.iter().map(|d| d.as_secs_f64() * 1000.0).collect();
        ms.sort_by(f64::total_cmp);
        if ms.is_empty() {
            return Stats::default();
        }
        let median = if ms.len() % 2 == 1 {
            ms[ms.len() / 2]
        } else {
            (ms[ms.len() / 2 - 1] + ms[ms.len() / 2]) / 2.0
        };
        Stats {
            median,
            min: ms[0],
            max: ms[ms.len() - 1],
            runs: ms.len(),
        }
    }

    /// `12.3 (11.0–15.2)`.
    pub fn cell(&self) -> String {
        format!("{:.1} ({:.1}–{:.1})", self.median, self.min, self.max)
    }
}

pub fn verdict(met: bool) -> &'static str {
    if met {
        "**Goal met.**"
    } else {
        "**Goal NOT met.**"
    }
}

#[cfg(test)]
mod tests {
    use super::Stats;
    use std::time::Duration;

    #[test]
    fn stats_take_the_middle_of_sorted_samples() {
        let s = Stats::of(&[3, 1, 2, 10].map(Duration::from_millis));
        assert_eq!((s.median, s.min, s.max, s.runs), (2.5, 1.0, 10.0, 4));
    }
}
