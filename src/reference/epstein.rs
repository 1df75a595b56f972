//! Epstein's civil-violence model (Epstein 2002, "Modeling civil violence: an agent-based
//! computational approach", PNAS 99 suppl. 3, Model I), on a data-oriented torus grid.
//!
//! Citizens and cops live on a `width`×`height` torus, one agent per cell. Each step every agent
//! acts once, in a fresh random order, and each sees the grid as the agents before it left it
//! (as in Mesa's example, which shuffles all agents and steps them one by one). A citizen out of
//! jail counts the cops C and the active citizens A (itself included) within its vision, estimates
//! its arrest probability P = 1 − exp(−k × ⌊C/A⌋) (or Mesa's rounding of C/A), turns active when
//! G − R × P > T with G = H × (1 − L), and moves to a random empty cell in vision. A cop arrests one
//! random active citizen in its vision, for a term uniform in 0..=Jmax steps, and moves the same
//! way. Jailed citizens keep their cell (as in Mesa's example) and count neither as cops nor as
//! actives.
//!
//! The rule itself is [`crate::systems::activation::epstein_arrest`] and
//! [`crate::systems::activation::rebels`], the functions revsim's district mechanism calls.
//!
//! Speed: no per-agent objects and no look-ups. Each cell keeps two bits (empty; an active
//! citizen there), the jail term of a jailed citizen there, and two running counts: the cops and
//! the active citizens in the vision window centred on it. An agent that moves or changes state
//! adds or takes one from the window around its cell (one short contiguous run per row, which the
//! compiler vectorises), so a citizen reads C and A in O(1) and a cop knows in O(1) whether anyone
//! in sight is active. Quiet citizens, the great majority, touch no window at all. Movement draws
//! random cells of the window until it hits an empty one (uniform over the empty cells), falling
//! back to a scan.
//!
//! On large grids the cost is memory, not arithmetic: in random order every turn lands on a
//! random cell. So the agents themselves are shuffled each step and visited in memory order, a
//! move writes nothing at random but two bits and the counts of the movers' windows (no map from
//! cells to agents: an arrest finds its target's state in the target's cell), and the cells of
//! the agents a few turns ahead are prefetched. Per agent and step the cost is about 55-60 ns from
//! 40×40 to 400×400 and 80-90 ns at 1000×1000 (docs/EPSTEIN.md).

use crate::systems::activation::{epstein_arrest, rebels};
use rand::seq::SliceRandom;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Which cells an agent sees.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Vision {
    /// Cells within Manhattan distance v (Mesa's example: an orthogonal von Neumann grid).
    VonNeumann,
    /// Cells within Chebyshev distance v, the (2v+1)² square.
    Moore,
}

/// How the ratio C/A is made whole before P = 1 − exp(−k × ratio).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rounding {
    /// ⌊C/A⌋, as in revsim's district rule (`arrest_probability`).
    Floor,
    /// Python's `round` (halves to even), as in Mesa's example.
    Round,
}

/// The model's parameters. [`Config::mesa`] gives Mesa's example defaults.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    pub width: usize,
    pub height: usize,
    pub citizen_density: f64,
    pub cop_density: f64,
    pub vision: usize,
    pub legitimacy: f64,
    pub k: f64,
    pub threshold: f64,
    pub max_jail: u32,
    pub shape: Vision,
    pub rounding: Rounding,
    pub seed: u64,
}

impl Config {
    /// Mesa 3.3.1's example defaults (40×40, densities 0.7 and 0.074, vision 7, L 0.8, k 2.3,
    /// T 0.1, Jmax 1000, von Neumann vision, `round`).
    pub fn mesa(seed: u64) -> Config {
        Config {
            width: 40,
            height: 40,
            citizen_density: 0.7,
            cop_density: 0.074,
            vision: 7,
            legitimacy: 0.8,
            k: 2.3,
            threshold: 0.1,
            max_jail: 1000,
            shape: Vision::VonNeumann,
            rounding: Rounding::Round,
            seed,
        }
    }

    /// Rejects parameters the model cannot run with, saying why.
    pub fn validate(&self) -> Result<(), String> {
        let side = 2 * self.vision + 1;
        if self.vision == 0 {
            return Err("vision must be at least 1".into());
        }
        if self.width < side || self.height < side {
            return Err(format!(
                "the grid ({}×{}) must be at least 2×vision+1 = {side} cells on each side, so that vision \
                 does not wrap onto itself",
                self.width, self.height
            ));
        }
        if self.width.checked_mul(self.height).is_none_or(|n| n > u32::MAX as usize / 2) {
            return Err("the grid is too large".into());
        }
        let unit = |x: f64| (0.0..=1.0).contains(&x);
        if !unit(self.citizen_density) || !unit(self.cop_density) || self.citizen_density + self.cop_density > 1.0 {
            return Err("the densities must lie in [0, 1] and add up to at most 1".into());
        }
        if !unit(self.legitimacy) {
            return Err("legitimacy must lie in [0, 1]".into());
        }
        if self.max_jail == u32::MAX {
            return Err(format!("the longest jail term must be below {}", u32::MAX));
        }
        if !(self.k.is_finite() && self.k >= 0.0 && self.threshold.is_finite()) {
            return Err("k must be a non-negative number and the threshold a number".into());
        }
        Ok(())
    }
}

/// Citizens by state after a step.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Counts {
    pub active: u32,
    pub quiet: u32,
    pub jailed: u32,
}

const EMPTY: u8 = 0;
const QUIET: u8 = 1;
const ACTIVE: u8 = 2;
const JAILED: u8 = 3;
const COP: u8 = 4;

/// Tries at drawing an empty cell before scanning the whole window.
const MOVE_TRIES: usize = 32;

/// Turns ahead at which [`Model::step`] asks for an agent's cell to be loaded.
const PREFETCH_AHEAD: usize = 8;

/// Asks the CPU to start loading the cache line of `x`; a hint only, with no effect on results.
#[inline(always)]
fn prefetch<T>(x: &T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: SSE is part of every x86_64 CPU, and a prefetch never faults nor changes memory,
    // whatever the address (here a valid reference).
    unsafe {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        _mm_prefetch::<_MM_HINT_T0>((x as *const T).cast());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = x;
}

/// C/A made whole by `rounding`, in integers (Python's `round` takes halves to the even number).
pub fn whole_ratio(cops: usize, actives: usize, rounding: Rounding) -> usize {
    if actives == 1 {
        // The usual case (the citizen alone), without a division.
        return cops;
    }
    let (q, r) = (cops / actives, cops % actives);
    match rounding {
        Rounding::Floor => q,
        Rounding::Round if 2 * r > actives || (2 * r == actives && q % 2 == 1) => q + 1,
        Rounding::Round => q,
    }
}

/// The vision window: per row offset dy (−v..=v) the half width of the row, and the cells
/// other than the centre as (dx, dy) already reduced modulo the grid.
#[derive(Clone, Debug)]
struct Window {
    half: Vec<usize>,
    cells: Vec<(u32, u32)>,
}

impl Window {
    fn new(shape: Vision, v: usize, width: usize, height: usize) -> Window {
        let half: Vec<usize> = (0..=2 * v)
            .map(|row| match shape {
                Vision::Moore => v,
                Vision::VonNeumann => v - row.abs_diff(v),
            })
            .collect();
        let mut cells = Vec::new();
        for (row, &h) in half.iter().enumerate() {
            let dy = (row + height - v) % height;
            for col in 0..=2 * h {
                let dx = (col + width - h) % width;
                if (dx, dy) != (0, 0) {
                    cells.push((dx as u32, dy as u32));
                }
            }
        }
        Window { half, cells }
    }
}

/// One agent's attributes. A citizen's state (quiet, active, jailed) is kept by its cell instead
/// (the `active` bit and `jail`), where a cop's arrest reaches it without a map from cells to
/// agents; so nothing refers to an agent by its place in [`Model::agents`], and the agents
/// themselves can be shuffled.
#[derive(Clone, Copy, Debug)]
struct Agent {
    /// H, uniform in [0, 1) (citizens).
    hardship: f64,
    /// R, uniform in [0, 1) (citizens).
    risk_aversion: f64,
    cell: u32,
    cop: bool,
}

/// Whether bit `c` is set.
fn bit(bits: &[u64], c: usize) -> bool {
    bits[c / 64] >> (c % 64) & 1 == 1
}

fn set_bit(bits: &mut [u64], c: usize, on: bool) {
    let mask = 1u64 << (c % 64);
    if on {
        bits[c / 64] |= mask;
    } else {
        bits[c / 64] &= !mask;
    }
}

/// The model. Per cell: two bits (empty; an active citizen there), the jail term of a jailed
/// citizen there, and the running counts of cops and actives in its window. Per agent: its
/// attributes and cell, in the order in which they act: each step shuffles the agents
/// themselves, not a list of indices, so that the turns run through them in memory order. A
/// move writes two bits and the agent's cell, nothing else at random.
pub struct Model {
    config: Config,
    legitimacy: f64,
    rng: ChaCha8Rng,
    window: Window,
    /// ⌈2⁶⁴ / width⌉, to split a cell index into column and row without a division.
    inverse_width: u64,
    /// P for each whole ratio 0..=window size, from [`epstein_arrest`].
    arrest: Vec<f64>,
    /// One bit per cell, set when the cell is empty: what movement reads, small enough to stay
    /// in cache on large grids.
    empty: Vec<u64>,
    /// One bit per cell, set when an active citizen is there: what an arrest reads.
    active: Vec<u64>,
    /// Per cell: 0, or 1 + the steps of jail left for the jailed citizen there (a term drawn 0
    /// keeps the citizen jailed until its next turn, as in Mesa).
    jail: Vec<u32>,
    cops_seen: Vec<u16>,
    actives_seen: Vec<u16>,
    agents: Vec<Agent>,
    citizens: u32,
    cops: u32,
    counts: Counts,
}

impl Model {
    /// Places agents cell by cell (citizen with probability `citizen_density`, cop with
    /// `cop_density`, else empty), as Mesa's example does.
    pub fn new(config: Config) -> Result<Model, String> {
        config.validate()?;
        let (w, h) = (config.width, config.height);
        let window = Window::new(config.shape, config.vision, w, h);
        let arrest = (0..=window.cells.len()).map(|r| epstein_arrest(config.k, r as f64)).collect();
        let words = (w * h).div_ceil(64);
        let mut m = Model {
            legitimacy: config.legitimacy,
            rng: ChaCha8Rng::seed_from_u64(config.seed),
            window,
            inverse_width: u64::MAX / w as u64 + 1,
            arrest,
            empty: vec![u64::MAX; words],
            active: vec![0; words],
            jail: vec![0; w * h],
            cops_seen: vec![0; w * h],
            actives_seen: vec![0; w * h],
            agents: Vec::new(),
            citizens: 0,
            cops: 0,
            counts: Counts::default(),
            config,
        };
        let (cd, pd) = (m.config.citizen_density, m.config.cop_density);
        for c in 0..w * h {
            let u: f64 = m.rng.random();
            let cop = if u < cd {
                false
            } else if u < cd + pd {
                true
            } else {
                continue;
            };
            let (hardship, risk_aversion) = if cop { (0.0, 0.0) } else { (m.rng.random(), m.rng.random()) };
            set_bit(&mut m.empty, c, false);
            m.agents.push(Agent { hardship, risk_aversion, cell: c as u32, cop });
            if cop {
                m.add(c, COP, 1);
                m.cops += 1;
            } else {
                m.citizens += 1;
            }
        }
        m.counts = Counts { active: 0, quiet: m.citizens, jailed: 0 };
        Ok(m)
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Citizens by state now.
    pub fn counts(&self) -> Counts {
        self.counts
    }

    pub fn citizens(&self) -> u32 {
        self.citizens
    }

    pub fn cops(&self) -> u32 {
        self.cops
    }

    /// Changes the regime's legitimacy L from the next step on (grievance is H × (1 − L)).
    pub fn set_legitimacy(&mut self, legitimacy: f64) {
        self.legitimacy = legitimacy;
    }

    /// Takes away cops, chosen at random, until `keep` remain (no effect if no more remain).
    pub fn remove_cops(&mut self, keep: u32) {
        let mut cops: Vec<usize> = (0..self.agents.len()).filter(|&i| self.agents[i].cop).collect();
        if cops.len() <= keep as usize {
            return;
        }
        cops.shuffle(&mut self.rng);
        let mut gone = vec![false; self.agents.len()];
        for &i in &cops[keep as usize..] {
            let c = self.agents[i].cell as usize;
            self.add(c, COP, u16::MAX);
            set_bit(&mut self.empty, c, true);
            gone[i] = true;
        }
        let mut i = 0;
        self.agents.retain(|_| {
            i += 1;
            !gone[i - 1]
        });
        self.cops = keep;
    }

    /// One step: every agent (cops and citizens, in jail or not) acts once, in random order.
    pub fn step(&mut self) -> Counts {
        self.agents.shuffle(&mut self.rng);
        for i in 0..self.agents.len() {
            if let Some(ahead) = self.agents.get(i + PREFETCH_AHEAD) {
                self.prefetch_turn(ahead);
            }
            if self.agents[i].cop {
                self.cop_step(i);
            } else {
                self.citizen_step(i);
            }
        }
        self.counts
    }

    /// Starts loading what an agent a few turns ahead will read: its cell is a random one, a
    /// cache miss on a large grid, and these hints let the misses overlap. An agent moves only
    /// on its own turn, so its cell is known in advance. No effect on results.
    #[inline]
    fn prefetch_turn(&self, agent: &Agent) {
        let c = agent.cell as usize;
        prefetch(&self.actives_seen[c]);
        if agent.cop {
            // The cop will take itself out of the counts of its window.
            self.prefetch_window(&self.cops_seen, c);
        } else {
            prefetch(&self.jail[c]);
            prefetch(&self.cops_seen[c]);
            prefetch(&self.active[c / 64]);
        }
    }

    /// Prefetches both ends of each row of the window around `c` in `grid`.
    fn prefetch_window(&self, grid: &[u16], c: usize) {
        let (w, h, v) = (self.config.width, self.config.height, self.config.vision);
        let (x, y) = self.column_row(c);
        let mut r = if y >= v { y - v } else { y + h - v };
        for &half in &self.window.half {
            let start = if x >= half { x - half } else { x + w - half };
            let end = if x + half < w { x + half } else { x + half - w };
            prefetch(&grid[r * w + start]);
            prefetch(&grid[r * w + end]);
            r = if r + 1 == h { 0 } else { r + 1 };
        }
    }

    fn citizen_step(&mut self, i: usize) {
        let c = self.agents[i].cell as usize;
        let was = match self.jail[c] {
            0 if bit(&self.active, c) => ACTIVE,
            0 => QUIET,
            1 => {
                self.jail[c] = 0;
                JAILED
            }
            left => {
                self.jail[c] = left - 1;
                return;
            }
        };
        let cops = self.cops_seen[c] as usize;
        let actives = 1 + self.actives_seen[c] as usize - usize::from(was == ACTIVE);
        let p = self.arrest[whole_ratio(cops, actives, self.config.rounding)];
        let grievance = self.agents[i].hardship * (1.0 - self.legitimacy);
        let now =
            if rebels(grievance, self.agents[i].risk_aversion, p, self.config.threshold) { ACTIVE } else { QUIET };
        let to = self.empty_in_sight(c).unwrap_or(c);
        if was == ACTIVE && !(now == ACTIVE && to == c) {
            self.add(c, ACTIVE, u16::MAX);
        }
        if now == ACTIVE && !(was == ACTIVE && to == c) {
            self.add(to, ACTIVE, 1);
        }
        self.tally(was, 0u32.wrapping_sub(1));
        self.tally(now, 1);
        set_bit(&mut self.empty, c, true);
        set_bit(&mut self.active, c, false);
        set_bit(&mut self.empty, to, false);
        set_bit(&mut self.active, to, now == ACTIVE);
        self.agents[i].cell = to as u32;
    }

    fn cop_step(&mut self, i: usize) {
        let c = self.agents[i].cell as usize;
        let seen = self.actives_seen[c] as usize;
        if seen > 0 {
            let pick = self.rng.random_range(0..seen as u32) as usize;
            let target = self.nth_in_sight(c, &self.active, pick);
            self.jail[target] = self.rng.random_range(0..=self.config.max_jail) + 1;
            set_bit(&mut self.active, target, false);
            self.add(target, ACTIVE, u16::MAX);
            self.tally(ACTIVE, 0u32.wrapping_sub(1));
            self.tally(JAILED, 1);
        }
        if let Some(to) = self.empty_in_sight(c) {
            self.add(c, COP, u16::MAX);
            self.add(to, COP, 1);
            set_bit(&mut self.empty, c, true);
            set_bit(&mut self.empty, to, false);
            self.agents[i].cell = to as u32;
        }
    }

    fn tally(&mut self, kind: u8, delta: u32) {
        let n = match kind {
            ACTIVE => &mut self.counts.active,
            QUIET => &mut self.counts.quiet,
            JAILED => &mut self.counts.jailed,
            _ => return,
        };
        *n = n.wrapping_add(delta);
    }

    /// Column and row of cell `c`: c / width by a multiplication (exact for 32-bit c; Lemire,
    /// Kaser and Kurz 2019, "Faster remainder by direct computation"), as a division takes tens
    /// of cycles and every move needs this.
    #[inline]
    fn column_row(&self, c: usize) -> (usize, usize) {
        let y = ((u128::from(self.inverse_width) * c as u128) >> 64) as usize;
        (c - y * self.config.width, y)
    }

    /// The cell `k` of the window around `c`.
    fn neighbour(&self, c: usize, k: usize) -> usize {
        let (x, y) = self.column_row(c);
        self.shifted(x, y, k)
    }

    /// The cell `k` of the window around (x, y).
    #[inline]
    fn shifted(&self, x: usize, y: usize, k: usize) -> usize {
        let (w, h) = (self.config.width, self.config.height);
        let (dx, dy) = self.window.cells[k];
        let (mut x, mut y) = (x + dx as usize, y + dy as usize);
        if x >= w {
            x -= w;
        }
        if y >= h {
            y -= h;
        }
        y * w + x
    }

    /// A cell drawn uniformly from the empty cells in sight of `c`, if any.
    fn empty_in_sight(&mut self, c: usize) -> Option<usize> {
        let n = self.window.cells.len();
        let (x, y) = self.column_row(c);
        for _ in 0..MOVE_TRIES {
            let k = self.rng.random_range(0..n as u32) as usize;
            let t = self.shifted(x, y, k);
            if bit(&self.empty, t) {
                return Some(t);
            }
        }
        let empty = (0..n).filter(|&k| bit(&self.empty, self.neighbour(c, k))).count();
        if empty == 0 {
            return None;
        }
        let pick = self.rng.random_range(0..empty as u32) as usize;
        Some(self.nth_in_sight(c, &self.empty, pick))
    }

    /// The `nth` cell (from 0) in sight of `c` whose bit is set in `bits`, in window order.
    fn nth_in_sight(&self, c: usize, bits: &[u64], nth: usize) -> usize {
        (0..self.window.cells.len())
            .map(|k| self.neighbour(c, k))
            .filter(|&t| bit(bits, t))
            .nth(nth)
            .expect("the running counts match the grid")
    }

    /// Adds `delta` (1, or u16::MAX to take one away) to the count of `kind` (cops or actives)
    /// in every cell whose window holds `c`; windows are symmetric, so that is `c`'s window.
    fn add(&mut self, c: usize, kind: u8, delta: u16) {
        let (w, h, v) = (self.config.width, self.config.height, self.config.vision);
        let (x, y) = self.column_row(c);
        let grid = if kind == COP { &mut self.cops_seen } else { &mut self.actives_seen };
        let mut r = if y >= v { y - v } else { y + h - v };
        for &half in &self.window.half {
            let line = &mut grid[r * w..(r + 1) * w];
            r = if r + 1 == h { 0 } else { r + 1 };
            let start = if x >= half { x - half } else { x + w - half };
            let end = start + 2 * half + 1;
            let (first, second) = if end <= w { (start..end, 0..0) } else { (start..w, 0..end - w) };
            for n in &mut line[first] {
                *n = n.wrapping_add(delta);
            }
            for n in &mut line[second] {
                *n = n.wrapping_add(delta);
            }
        }
    }

    /// Recounts everything from the agents; for tests of the running counts and bits.
    pub fn check_invariants(&self) -> Result<(), String> {
        let mut kind = vec![EMPTY; self.jail.len()];
        for agent in &self.agents {
            let c = agent.cell as usize;
            if kind[c] != EMPTY {
                return Err(format!("cell {c}: two agents"));
            }
            kind[c] = match (agent.cop, self.jail[c], bit(&self.active, c)) {
                (true, _, _) => COP,
                (false, 1.., _) => JAILED,
                (false, 0, true) => ACTIVE,
                (false, 0, false) => QUIET,
            };
        }
        let mut counts = Counts::default();
        for c in 0..kind.len() {
            let seen = |kind_: u8| {
                let around = (0..self.window.cells.len()).filter(|&k| kind[self.neighbour(c, k)] == kind_).count();
                (around + usize::from(kind[c] == kind_)) as u16
            };
            let (cops, actives) = (seen(COP), seen(ACTIVE));
            if (cops, actives) != (self.cops_seen[c], self.actives_seen[c]) {
                return Err(format!(
                    "cell {c}: counted {cops} cops and {actives} actives, kept {:?}",
                    (self.cops_seen[c], self.actives_seen[c])
                ));
            }
            if bit(&self.empty, c) != (kind[c] == EMPTY) || bit(&self.active, c) && kind[c] != ACTIVE {
                return Err(format!("cell {c}: a bit disagrees with the agents"));
            }
            if self.jail[c] > 0 && kind[c] != JAILED {
                return Err(format!("cell {c}: a jail term without a jailed citizen"));
            }
            match kind[c] {
                ACTIVE => counts.active += 1,
                QUIET => counts.quiet += 1,
                JAILED => counts.jailed += 1,
                _ => {}
            }
        }
        if counts != self.counts {
            return Err(format!("counted {counts:?}, kept {:?}", self.counts));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small(shape: Vision, rounding: Rounding, seed: u64) -> Config {
        Config {
            width: 21,
            height: 17,
            vision: 3,
            max_jail: 15,
            legitimacy: 0.3,
            shape,
            rounding,
            ..Config::mesa(seed)
        }
    }

    #[test]
    fn running_counts_match_a_recount_every_step() {
        for (shape, rounding) in [(Vision::VonNeumann, Rounding::Round), (Vision::Moore, Rounding::Floor)] {
            let mut m = Model::new(small(shape, rounding, 3)).unwrap();
            m.check_invariants().unwrap();
            let mut seen_active = false;
            for step in 0..60 {
                let c = m.step();
                seen_active |= c.active > 0;
                assert_eq!(c.active + c.quiet + c.jailed, m.citizens());
                m.check_invariants().unwrap_or_else(|e| panic!("{shape:?} step {step}: {e}"));
                if step == 30 {
                    m.remove_cops(m.cops() / 2);
                    m.check_invariants().unwrap();
                }
            }
            assert!(seen_active, "the test exercises the active counts");
        }
    }

    #[test]
    fn column_row_matches_division() {
        for width in [15, 40, 41, 100, 999, 1000, 4096, 46_341] {
            let m = Model::new(Config { width, height: 15, citizen_density: 0.0, cop_density: 0.0, ..Config::mesa(1) })
                .unwrap();
            let cells = (0..5000).chain((0..5000).map(|k| width * 15 - 1 - k)).chain([width * 15 / 2]);
            for c in cells.filter(|&c| c < width * 15) {
                assert_eq!(m.column_row(c), (c % width, c / width), "width {width}, cell {c}");
            }
        }
    }

    #[test]
    fn rounding_follows_python_and_floor() {
        let round = |c, a| whole_ratio(c, a, Rounding::Round);
        assert_eq!([round(1, 2), round(3, 2), round(5, 2), round(7, 3), round(8, 3), round(0, 4)], [0, 2, 2, 2, 3, 0]);
        assert_eq!(whole_ratio(8, 3, Rounding::Floor), 2);
        assert_eq!(whole_ratio(1, 2, Rounding::Floor), 0);
        assert_eq!([round(5, 1), whole_ratio(5, 1, Rounding::Floor)], [5, 5]);
    }

    #[test]
    fn von_neumann_window_has_mesas_112_cells() {
        assert_eq!(Window::new(Vision::VonNeumann, 7, 40, 40).cells.len(), 112);
        assert_eq!(Window::new(Vision::Moore, 7, 40, 40).cells.len(), 224);
    }

    #[test]
    fn same_seed_same_counts() {
        let run = |seed| {
            let mut m = Model::new(small(Vision::VonNeumann, Rounding::Round, seed)).unwrap();
            (0..40).map(|_| m.step()).collect::<Vec<_>>()
        };
        assert_eq!(run(5), run(5));
        assert_ne!(run(5), run(6));
    }

    #[test]
    fn bad_configs_are_refused() {
        assert!(Config { width: 10, ..Config::mesa(1) }.validate().unwrap_err().contains("2×vision+1"));
        assert!(Config { citizen_density: 0.9, cop_density: 0.2, ..Config::mesa(1) }.validate().is_err());
        assert!(Config { legitimacy: 1.5, ..Config::mesa(1) }.validate().is_err());
        assert!(Config { vision: 0, ..Config::mesa(1) }.validate().is_err());
        assert!(Config::mesa(1).validate().is_ok());
    }
}
