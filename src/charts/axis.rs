//! The value axis of the bar charts: a range with round tick steps and the
//! labels of its ticks.
//!
//! Owns: [`Axis`]. Must not: draw (the bar chart places the ticks).

use crate::format::thousands;

use super::number::group_digits;

/// A value axis with round tick steps.
pub(super) struct Axis {
    pub(super) min: f64,
    pub(super) max: f64,
    pub(super) step: f64,
    pub(super) decimals: usize,
}

impl Axis {
    /// An axis from `lo` to `hi` (both already include 0) with about five steps.
    pub(super) fn nice(lo: f64, hi: f64) -> Axis {
        let span = if hi > lo { hi - lo } else { 1.0 };
        let raw = span / 5.0;
        let mag = 10f64.powf(raw.log10().floor());
        let step = [1.0, 2.0, 2.5, 5.0, 10.0]
            .iter()
            .map(|m| m * mag)
            .find(|s| *s >= raw * (1.0 - 1e-9))
            .unwrap_or(10.0 * mag);
        let min = (lo / step + 1e-9).floor() * step;
        let mut max = (hi / step - 1e-9).ceil() * step;
        if max <= min {
            max = min + step;
        }
        let decimals = (0..=6)
            .find(|&d| {
                let scaled = step * 10f64.powi(d as i32);
                (scaled - scaled.round()).abs() < 1e-6
            })
            .unwrap_or(6);
        Axis {
            min: if min == 0.0 { 0.0 } else { min },
            max,
            step,
            decimals,
        }
    }

    pub(super) fn ticks(&self) -> Vec<f64> {
        let n = ((self.max - self.min) / self.step).round() as i64;
        (0..=n)
            .map(|i| {
                let t = self.min + self.step * i as f64;
                // Clean up float noise so labels and the zero test are exact.
                let f = 10f64.powi(self.decimals as i32);
                let t = (t * f).round() / f;
                if t == 0.0 {
                    0.0
                } else {
                    t
                }
            })
            .collect()
    }

    pub(super) fn label(&self, v: f64) -> String {
        // An integer needs no float formatting (but "-0" stays "-0").
        if self.decimals == 0
            && v.fract() == 0.0
            && v.abs() < 1e15
            && (v != 0.0 || v.is_sign_positive())
        {
            return thousands(v as i64);
        }
        let s = format!("{:.*}", self.decimals, v);
        group_digits(&s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axis_steps_are_round() {
        let a = Axis::nice(0.0, 95.0);
        assert_eq!((a.min, a.max, a.step), (0.0, 100.0, 20.0));
        let a = Axis::nice(0.0, 1234.0);
        assert_eq!((a.min, a.max, a.step), (0.0, 1250.0, 250.0));
        assert_eq!(a.label(1000.0), "1,000");
        let a = Axis::nice(0.0, 0.0);
        assert!(a.max > a.min);
        let a = Axis::nice(0.0, 0.7);
        assert_eq!(a.ticks().last().copied(), Some(0.8));
        assert_eq!(a.label(0.3), "0.3");
        let a = Axis::nice(-10.0, 30.0);
        assert!(a.min <= -10.0 && a.ticks().contains(&0.0));
    }
}
