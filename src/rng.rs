//! The run's random numbers: counter-based streams, one per (seed, tick, mechanism, agent).
//!
//! An agent's draws in a mechanism and week come from a stream keyed by the run's seed, the
//! tick, the mechanism and the agent's number, never from a generator shared along the
//! iteration. So the draws an agent gets do not depend on the order in which agents are
//! visited, on how they are split among threads, or on whether another agent drew at all:
//! the same seed gives the same bytes for any thread count. The generator is SplitMix64
//! (Steele, Lea and Flood 2014, "Fast splittable pseudorandom number generators"): a Weyl
//! sequence through a 64-bit finaliser, which passes BigCrush, and is keyed here by mixing
//! the stream's coordinates through the same finaliser.
//!
//! Streams that are not per agent (the weather, the assault on Kronstadt, building the
//! world) use ChaCha8 from `rand_chacha` ([`stream_rng`]).

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::convert::Infallible;

/// Identifies a mechanism's random streams.
#[derive(Clone, Copy, Debug)]
pub enum Stream {
    Build = 1,
    Agriculture = 2,
    Procurement = 3,
    Cities = 4,
    War = 5,
    Repression = 6,
    Loyalty = 7,
    Activation = 8,
    Soviets = 9,
    Demography = 10,
    Events = 11,
    Kronstadt = 12,
    Leaders = 13,
}

const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

/// The SplitMix64 finaliser: spreads a 64-bit input over the whole output space.
#[inline]
pub fn mix(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// The key of one mechanism's streams in one tick of one run.
#[inline]
pub fn tick_key(seed: u64, tick: u32, stream: Stream) -> u64 {
    mix(mix(seed.wrapping_add(GOLDEN)) ^ mix((((stream as u64) << 32) | tick as u64).wrapping_add(GOLDEN)))
}

/// The ChaCha8 stream of one mechanism and tick (for draws that are not per agent).
pub fn stream_rng(seed: u64, tick: u32, stream: Stream, lane: u32) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(tick_key(seed, tick, stream));
    rng.set_stream(lane as u64);
    rng
}

/// One agent's stream in one mechanism and tick.
#[derive(Clone, Debug)]
pub struct AgentRng {
    state: u64,
}

impl AgentRng {
    #[inline]
    pub fn new(key: u64, agent: u32) -> AgentRng {
        // The key is already mixed; the agent's number spreads by an odd multiplier, so every
        // agent's SplitMix64 sequence starts from its own seed.
        AgentRng { state: key ^ (agent as u64 + 1).wrapping_mul(0xD1B5_4A32_D192_ED03) }
    }

    /// A uniform draw in [0, 1) with 53 random bits.
    #[inline]
    pub fn uniform(&mut self) -> f64 {
        (self.next() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    #[inline]
    fn next(&mut self) -> u64 {
        self.state = self.state.wrapping_add(GOLDEN);
        mix(self.state)
    }
}

impl rand::TryRng for AgentRng {
    type Error = Infallible;

    #[inline]
    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        Ok((self.next() >> 32) as u32)
    }

    #[inline]
    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        Ok(self.next())
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        for chunk in dst.chunks_mut(8) {
            let bytes = self.next().to_le_bytes();
            chunk.copy_from_slice(&bytes[..chunk.len()]);
        }
        Ok(())
    }
}

/// Hands out agents' streams for one mechanism in one tick.
#[derive(Clone, Copy, Debug)]
pub struct AgentStreams {
    key: u64,
}

impl AgentStreams {
    pub fn new(seed: u64, tick: u32, stream: Stream) -> AgentStreams {
        AgentStreams { key: tick_key(seed, tick, stream) }
    }

    #[inline]
    pub fn agent(&self, id: u32) -> AgentRng {
        AgentRng::new(self.key, id)
    }
}

/// A standard normal draw (Box-Muller).
pub fn normal(rng: &mut impl rand::RngExt) -> f64 {
    let u1: f64 = rng.random::<f64>().max(1e-12);
    let u2: f64 = rng.random::<f64>();
    (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::RngExt;

    #[test]
    fn an_agents_stream_depends_on_its_coordinates_only() {
        let a = AgentStreams::new(7, 3, Stream::Loyalty);
        let first: Vec<u64> = (0..4).map(|_| a.agent(42).random::<u64>()).collect();
        // The same coordinates give the same draw, whoever asked before.
        assert!(first.windows(2).all(|w| w[0] == w[1]));
        let other_agent = a.agent(43).random::<u64>();
        let other_tick = AgentStreams::new(7, 4, Stream::Loyalty).agent(42).random::<u64>();
        let other_stream = AgentStreams::new(7, 3, Stream::Activation).agent(42).random::<u64>();
        let other_seed = AgentStreams::new(8, 3, Stream::Loyalty).agent(42).random::<u64>();
        for x in [other_agent, other_tick, other_stream, other_seed] {
            assert_ne!(x, first[0]);
        }
    }

    #[test]
    fn uniform_draws_are_uniform() {
        // Mean 1/2 and variance 1/12 over 200,000 draws from 2,000 agents' streams: the
        // standard error of the mean is 0.00065, so the bound of 0.003 is about 4.6 sigma.
        let s = AgentStreams::new(1917, 10, Stream::Demography);
        let mut sum = 0.0;
        let mut sum_sq = 0.0;
        let mut below_tenth = 0;
        for id in 0..2000 {
            let mut rng = s.agent(id);
            for _ in 0..100 {
                let u = rng.uniform();
                assert!((0.0..1.0).contains(&u));
                sum += u;
                sum_sq += u * u;
                below_tenth += usize::from(u < 0.1);
            }
        }
        let n = 200_000.0;
        let mean = sum / n;
        assert!((mean - 0.5).abs() < 0.003, "{mean}");
        assert!((sum_sq / n - mean * mean - 1.0 / 12.0).abs() < 0.002);
        assert!((below_tenth as f64 / n - 0.1).abs() < 0.003);
    }
}
