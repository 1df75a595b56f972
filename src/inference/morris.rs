//! Morris's elementary effects (Morris 1991; the trajectory design as in Saltelli et al.,
//! *Global Sensitivity Analysis: The Primer*, 2008, ch. 3): `r` trajectories through a grid
//! of 4 levels of the unit cube, each moving one factor at a time by Δ = 2/3, every factor
//! once, in a random order. A factor's elementary effect on an output is the change of the
//! output over the change of the factor, in units of the factor's prior width: μ is their
//! mean, μ* the mean of their absolute values (the factor's importance), σ their standard
//! deviation (interactions and non-linearity).

use rand::{RngExt, SeedableRng};

/// Levels of the grid, and the step (Δ = levels / (2 (levels − 1))).
pub const LEVELS: usize = 4;
pub const DELTA: f64 = LEVELS as f64 / (2.0 * (LEVELS as f64 - 1.0));

/// One trajectory: `p + 1` points of the unit cube; step `s` (point `s` to `s + 1`) moves
/// factor `order[s]` alone.
#[derive(Clone, Debug, PartialEq)]
pub struct Trajectory {
    pub points: Vec<Vec<f64>>,
    pub order: Vec<usize>,
}

/// `r` trajectories over `p` factors, drawn from `seed`.
pub fn trajectories(p: usize, r: usize, seed: u64) -> Vec<Trajectory> {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let step = 1.0 / (LEVELS as f64 - 1.0);
    (0..r)
        .map(|_| {
            // Each factor starts at a level from which ±Δ stays on the grid.
            let low_levels = LEVELS - (DELTA / step).round() as usize;
            let mut x: Vec<f64> = (0..p)
                .map(|_| {
                    let base = rng.random_range(0..low_levels) as f64 * step;
                    if rng.random_bool(0.5) { base + DELTA } else { base }
                })
                .collect();
            let mut order: Vec<usize> = (0..p).collect();
            for i in (1..p).rev() {
                order.swap(i, rng.random_range(0..=i));
            }
            let mut points = vec![x.clone()];
            for &j in &order {
                x[j] = if x[j] + DELTA <= 1.0 + 1e-12 { x[j] + DELTA } else { x[j] - DELTA };
                points.push(x.clone());
            }
            Trajectory { points, order }
        })
        .collect()
}

/// A factor's statistics on one output.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Stat {
    pub mu: f64,
    pub mu_star: f64,
    pub sigma: f64,
}

/// The statistics of each output (outer) and factor (inner) from the outputs `ys` at every
/// point of every trajectory (`ys[t][s][o]`). An output that is not a number at either end
/// of a step gives no effect for that step.
pub fn effects(trajectories: &[Trajectory], ys: &[Vec<Vec<f64>>], p: usize, outputs: usize) -> Vec<Vec<Stat>> {
    let mut ee: Vec<Vec<Vec<f64>>> = vec![vec![Vec::new(); p]; outputs];
    for (t, ys) in trajectories.iter().zip(ys) {
        for (s, &j) in t.order.iter().enumerate() {
            let dx = t.points[s + 1][j] - t.points[s][j];
            for (o, per_factor) in ee.iter_mut().enumerate() {
                let dy = ys[s + 1][o] - ys[s][o];
                if dy.is_finite() {
                    per_factor[j].push(dy / dx);
                }
            }
        }
    }
    ee.iter()
        .map(|per_factor| {
            per_factor
                .iter()
                .map(|e| {
                    let n = e.len().max(1) as f64;
                    let mu = e.iter().sum::<f64>() / n;
                    let mu_star = e.iter().map(|v| v.abs()).sum::<f64>() / n;
                    let var =
                        if e.len() > 1 { e.iter().map(|v| (v - mu).powi(2)).sum::<f64>() / (n - 1.0) } else { 0.0 };
                    // + 0.0 writes −0 as 0.
                    Stat { mu: mu + 0.0, mu_star, sigma: var.sqrt() }
                })
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_step_moves_one_factor_by_delta_on_the_grid() {
        let ts = trajectories(5, 6, 3);
        assert_eq!(ts.len(), 6);
        for t in &ts {
            assert_eq!(t.points.len(), 6);
            let mut seen = t.order.clone();
            seen.sort_unstable();
            assert_eq!(seen, (0..5).collect::<Vec<_>>());
            for (s, &j) in t.order.iter().enumerate() {
                for k in 0..5 {
                    let d = (t.points[s + 1][k] - t.points[s][k]).abs();
                    let want = if k == j { DELTA } else { 0.0 };
                    assert!((d - want).abs() < 1e-12, "step {s} factor {k}: {d}");
                    assert!((-1e-12..=1.0 + 1e-12).contains(&t.points[s][k]));
                }
            }
        }
        assert_eq!(ts, trajectories(5, 6, 3));
        assert_ne!(ts, trajectories(5, 6, 4));
    }

    #[test]
    fn a_linear_output_gives_its_slopes_and_an_ignored_factor_zero() {
        // y = 3 x0 − 2 x1 (x2 ignored): μ = slope, μ* = |slope|, σ = 0.
        let ts = trajectories(3, 4, 1);
        let ys: Vec<Vec<Vec<f64>>> =
            ts.iter().map(|t| t.points.iter().map(|x| vec![3.0 * x[0] - 2.0 * x[1]]).collect()).collect();
        let s = &effects(&ts, &ys, 3, 1)[0];
        assert!((s[0].mu - 3.0).abs() < 1e-9 && (s[0].mu_star - 3.0).abs() < 1e-9 && s[0].sigma < 1e-9);
        assert!((s[1].mu + 2.0).abs() < 1e-9 && (s[1].mu_star - 2.0).abs() < 1e-9);
        assert_eq!(s[2], Stat { mu: 0.0, mu_star: 0.0, sigma: 0.0 });
    }
}
