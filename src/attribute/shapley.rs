//! Shapley values and pairwise interaction terms of a function given on subsets of factors.
//!
//! A subset is a bit mask (bit `i` set: factor `i` applied). With up to [`MAX_EXACT`] factors
//! every subset is run and the values are exact: factor `i`'s Shapley value is its marginal
//! contribution `f(S ∪ i) − f(S)` averaged over all orders in which the factors can be added,
//! `Σ_{S ∌ i} |S|! (k − |S| − 1)! / k! · (f(S ∪ i) − f(S))`, and they sum to `f(all) − f(∅)`.
//! Above that, the average is taken over orders drawn from a seeded generator (the estimate
//! still sums exactly to `f(all) − f(∅)`, each order's contributions telescoping).
//!
//! Two interaction terms per pair `i, j`, both built from the 2×2 difference
//! `Δij f(S) = f(S ∪ ij) − f(S ∪ i) − f(S ∪ j) + f(S)`:
//! - the *simple* interaction, `Δij f(∅)`: what `i` and `j` do together beyond what each does
//!   alone, on the base with nothing else changed;
//! - the *Shapley interaction index* (Grabisch and Roubens 1999),
//!   `Σ_{S ⊆ N∖{i,j}} |S|! (k − |S| − 2)! / (k − 1)! · Δij f(S)`, the same difference averaged
//!   over the other factors the way Shapley values average, computed only when every subset is
//!   run.
//!
//! Everything here is linear in `f`, so the terms of the mean over seeds are the mean of each
//! seed's terms: the bootstrap resamples per-seed terms.

use rand::{RngExt, SeedableRng};

/// A subset of factors: bit `i` set when factor `i` is applied.
pub type Mask = u32;

/// Most factors for which every subset is run.
pub const MAX_EXACT: usize = 8;
/// Most factors `revsim attribute` takes (masks are 32 bits; the runs grow fast anyway).
pub const MAX_FACTORS: usize = 16;

/// Which subsets are run and how their values are weighed.
#[derive(Clone, Debug, PartialEq)]
pub enum Design {
    /// Every subset of `k` factors.
    Exact { k: usize },
    /// Orders of the factors drawn at random; the empty set, each factor alone and each pair
    /// are run too, for the simple interactions.
    Sampled { k: usize, orders: Vec<Vec<usize>> },
}

/// The attribution of one function (one seed's metric, or their mean).
#[derive(Clone, Debug, PartialEq)]
pub struct Terms {
    /// Per factor.
    pub shapley: Vec<f64>,
    /// Per pair (in [`Design::pairs`] order); NaN with sampled orders.
    pub interaction: Vec<f64>,
    /// Per pair: `Δij f(∅)`.
    pub simple: Vec<f64>,
    /// `f(all) − f(∅)`.
    pub total: f64,
}

impl Terms {
    /// The terms as one flat row: Shapley values, interaction indices, simple interactions,
    /// total (the order [`Terms::from_flat`] reads).
    pub fn flat(&self) -> Vec<f64> {
        let mut row = self.shapley.clone();
        row.extend(&self.interaction);
        row.extend(&self.simple);
        row.push(self.total);
        row
    }

    /// The terms back from [`Terms::flat`] for `k` factors.
    pub fn from_flat(row: &[f64], k: usize) -> Terms {
        let p = k * k.saturating_sub(1) / 2;
        Terms {
            shapley: row[..k].to_vec(),
            interaction: row[k..k + p].to_vec(),
            simple: row[k + p..k + 2 * p].to_vec(),
            total: row[k + 2 * p],
        }
    }
}

fn factorial(n: usize) -> f64 {
    (1..=n).map(|i| i as f64).product()
}

fn bit(i: usize) -> Mask {
    1 << i
}

impl Design {
    /// Every subset up to [`MAX_EXACT`] factors; above, `orders` orders drawn from `seed`.
    pub fn new(k: usize, orders: usize, seed: u64) -> Design {
        if k <= MAX_EXACT {
            return Design::Exact { k };
        }
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        let orders = (0..orders.max(1))
            .map(|_| {
                let mut order: Vec<usize> = (0..k).collect();
                for i in (1..k).rev() {
                    order.swap(i, rng.random_range(0..=i));
                }
                order
            })
            .collect();
        Design::Sampled { k, orders }
    }

    pub fn k(&self) -> usize {
        match self {
            Design::Exact { k } | Design::Sampled { k, .. } => *k,
        }
    }

    /// The pairs `(i, j)`, `i < j`, in the order of the interaction terms.
    pub fn pairs(&self) -> Vec<(usize, usize)> {
        let k = self.k();
        (0..k).flat_map(|i| (i + 1..k).map(move |j| (i, j))).collect()
    }

    /// The subsets to run, ascending, each once.
    pub fn subsets(&self) -> Vec<Mask> {
        let mut masks: Vec<Mask> = match self {
            Design::Exact { k } => (0..(1 << k) as Mask).collect(),
            Design::Sampled { orders, .. } => {
                let mut m: Vec<Mask> = orders
                    .iter()
                    .flat_map(|order| (0..=order.len()).map(|n| order[..n].iter().fold(0, |m, &i| m | bit(i))))
                    .collect();
                m.extend(self.pairs().into_iter().flat_map(|(i, j)| [bit(i), bit(j), bit(i) | bit(j)]));
                m
            }
        };
        masks.push(0);
        masks.sort_unstable();
        masks.dedup();
        masks
    }

    /// The Shapley values, interaction terms and total of `f`, which must be given on every
    /// subset of [`Design::subsets`].
    pub fn terms(&self, f: impl Fn(Mask) -> f64) -> Terms {
        let k = self.k();
        let all: Mask = if k == 0 { 0 } else { Mask::MAX >> (32 - k) };
        let pairs = self.pairs();
        let delta = |s: Mask, i: usize, j: usize| f(s | bit(i) | bit(j)) - f(s | bit(i)) - f(s | bit(j)) + f(s);
        let simple = pairs.iter().map(|&(i, j)| delta(0, i, j)).collect();
        let (shapley, interaction) = match self {
            Design::Exact { .. } => {
                let w = |s: usize, less: usize| factorial(s) * factorial(k - s - less) / factorial(k + 1 - less);
                let shapley = (0..k)
                    .map(|i| {
                        let without = (0..=all).filter(|s| s & bit(i) == 0);
                        without.map(|s| w(s.count_ones() as usize, 1) * (f(s | bit(i)) - f(s))).sum()
                    })
                    .collect();
                let interaction = pairs
                    .iter()
                    .map(|&(i, j)| {
                        let without = (0..=all).filter(|s| s & (bit(i) | bit(j)) == 0);
                        without.map(|s| w(s.count_ones() as usize, 2) * delta(s, i, j)).sum()
                    })
                    .collect();
                (shapley, interaction)
            }
            Design::Sampled { orders, .. } => {
                let mut shapley = vec![0.0; k];
                for order in orders {
                    let mut s: Mask = 0;
                    for &i in order {
                        shapley[i] += f(s | bit(i)) - f(s);
                        s |= bit(i);
                    }
                }
                shapley.iter_mut().for_each(|v| *v /= orders.len() as f64);
                (shapley, vec![f64::NAN; pairs.len()])
            }
        };
        Terms { shapley, interaction, simple, total: f(all) - f(0) }
    }
}

/// The bootstrap 95% interval of the mean of `values`: `resamples` resamples of the values
/// with replacement, drawn from `seed` (the same seed draws the same resamples, so columns of
/// per-seed values resampled with one seed are resampled together).
pub fn interval(values: &[f64], resamples: usize, seed: u64) -> (f64, f64) {
    let n = values.len();
    if n == 0 {
        return (f64::NAN, f64::NAN);
    }
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let mut means: Vec<f64> =
        (0..resamples).map(|_| (0..n).map(|_| values[rng.random_range(0..n)]).sum::<f64>() / n as f64).collect();
    means.sort_by(f64::total_cmp);
    (crate::stats::quantile(&means, 0.025), crate::stats::quantile(&means, 0.975))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn an_additive_function_gives_each_factor_its_own_term_and_no_interaction() {
        let a = [1.5, -2.0, 0.25, 4.0];
        let f = |s: Mask| (0..4).filter(|i| s & bit(*i) != 0).map(|i| a[i]).sum::<f64>();
        let t = Design::new(4, 0, 0).terms(f);
        assert!(t.shapley.iter().zip(a).all(|(x, y)| close(*x, y)), "{:?}", t.shapley);
        assert!(t.interaction.iter().chain(&t.simple).all(|x| close(*x, 0.0)));
        assert!(close(t.total, 3.75));
    }

    #[test]
    fn a_unanimity_game_splits_between_the_pair_that_needs_both() {
        // f = 1 when factors 0 and 1 are both applied, whatever factor 2 does.
        let f = |s: Mask| f64::from(u8::from(s & 3 == 3));
        let d = Design::new(3, 0, 0);
        let t = d.terms(f);
        assert_eq!(d.pairs(), vec![(0, 1), (0, 2), (1, 2)]);
        assert!(close(t.shapley[0], 0.5) && close(t.shapley[1], 0.5) && close(t.shapley[2], 0.0), "{t:?}");
        assert!(close(t.interaction[0], 1.0) && close(t.simple[0], 1.0));
        assert!(close(t.interaction[1], 0.0) && close(t.interaction[2], 0.0));
    }

    #[test]
    fn a_majority_of_three_gives_a_third_each_and_negative_pair_index() {
        let f = |s: Mask| f64::from(u8::from(s.count_ones() >= 2));
        let t = Design::new(3, 0, 0).terms(f);
        assert!(t.shapley.iter().all(|v| close(*v, 1.0 / 3.0)), "{:?}", t.shapley);
        // Δ01 on ∅ is 1; on {2} it is 1 − 1 − 1 + 0 = −1: weights ½ and ½.
        assert!(t.interaction.iter().all(|v| close(*v, 0.0)) && t.simple.iter().all(|v| close(*v, 1.0)));
    }

    #[test]
    fn shapley_values_sum_to_the_total_for_any_function() {
        let f = |s: Mask| ((s as f64) * 1.37).sin() * 10.0 + f64::from(s.count_ones()).powi(3);
        for k in 1..=6 {
            let t = Design::new(k, 0, 0).terms(f);
            let sum: f64 = t.shapley.iter().sum();
            assert!((sum - t.total).abs() < 1e-9, "k = {k}: {sum} vs {}", t.total);
        }
    }

    #[test]
    fn sampling_every_order_gives_the_exact_values() {
        let f = |s: Mask| ((s as f64) * 0.71).cos() + f64::from(s.count_ones()) * f64::from(s & 1);
        let exact = Design::new(3, 0, 0).terms(f);
        let orders = vec![vec![0, 1, 2], vec![0, 2, 1], vec![1, 0, 2], vec![1, 2, 0], vec![2, 0, 1], vec![2, 1, 0]];
        let sampled = Design::Sampled { k: 3, orders }.terms(f);
        assert!(exact.shapley.iter().zip(&sampled.shapley).all(|(a, b)| close(*a, *b)));
        assert_eq!(exact.simple, sampled.simple);
        assert!(sampled.interaction.iter().all(|v| v.is_nan()));
    }

    #[test]
    fn sampled_designs_are_seeded_and_sum_to_the_total() {
        let d = Design::new(10, 30, 7);
        assert_eq!(d, Design::new(10, 30, 7));
        assert_ne!(d, Design::new(10, 30, 8));
        let subsets = d.subsets();
        assert!(subsets.contains(&0) && subsets.contains(&0x3ff) && subsets.contains(&0b11));
        let f = |s: Mask| f64::from(s.count_ones()).sqrt() + f64::from(s & 0b101);
        let t = d.terms(f);
        assert!((t.shapley.iter().sum::<f64>() - t.total).abs() < 1e-9);
    }

    #[test]
    fn flat_rows_round_trip() {
        let t = Design::new(3, 0, 0).terms(|s| f64::from(s * s));
        assert_eq!(Terms::from_flat(&t.flat(), 3), t);
    }

    #[test]
    fn intervals_are_seeded_and_cover_the_mean() {
        let v: Vec<f64> = (0..30).map(|i| f64::from(i % 7)).collect();
        let (lo, hi) = interval(&v, 500, 3);
        assert_eq!((lo, hi), interval(&v, 500, 3));
        let mean = v.iter().sum::<f64>() / 30.0;
        assert!(lo < mean && mean < hi);
        assert_eq!(interval(&[2.0; 5], 100, 1), (2.0, 2.0));
    }
}
