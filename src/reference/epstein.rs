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
//! Speed: no per-agent objects and no look-ups. Each cell keeps three bits (empty; an active
//! citizen there; a jailed one), the jail term of a jailed citizen there, and one word with two
//! running counts: the cops and the active citizens in the vision window centred on it. An agent
//! that moves or changes state adds or takes one from the window around its cell (one short
//! contiguous run per row, which the compiler vectorises), so a citizen reads C and A with one
//! access and a cop knows in O(1) whether anyone in sight is active. Quiet citizens, the great
//! majority, touch no window at all. Movement draws random cells of the window until it hits an
//! empty one (uniform over the empty cells), falling back to a scan.
//!
//! On large grids the cost is memory, not arithmetic: in random order every turn lands on a random
//! cell. So the agents themselves are shuffled each step and visited in memory order, a move writes
//! nothing at random but two bits and the counts of the movers' windows (no map from cells to
//! agents: an arrest finds its target's state in the target's cell), and the cells of the agents a
//! few turns ahead are prefetched. What is random per turn is kept small: an agent's record is 12
//! bytes (its cell, and for a citizen the ratio C/A below which it rebels under the current
//! legitimacy, worked out from H and R by [`rebels`] whenever L changes, so the shuffle moves half
//! the memory it did with H and R in the record), both counts of a cell share one word, in 16 bits
//! when the window is under 255 cells, and the jail term is read from the cell only once, on the
//! jailed citizen's first turn in jail, which then counts it down in its record. Per agent and step
//! the cost is about 55-60 ns from 40×40 to 400×400, 60-65 ns at 600×600 and 65-76 ns at 1000×1000
//! (docs/EPSTEIN.md).

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
        let window = match self.shape {
            Vision::Moore => side * side,
            Vision::VonNeumann => 2 * self.vision * (self.vision + 1) + 1,
        };
        if window >= u16::MAX as usize {
            return Err(format!(
                "vision {} sees {window} cells; the counts allow fewer than {}",
                self.vision,
                u16::MAX
            ));
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

/// What an agent's turn reads: its cell, and for a citizen the ratio at which it stops
/// rebelling. A citizen's state (quiet, active, jailed) is kept by its cell instead, where a
/// cop's arrest reaches it without a map from cells to agents; so nothing refers to an agent by
/// its place in [`Core::agents`], and the agents themselves can be shuffled. 12 bytes, so that
/// the shuffle, one random swap per agent, moves little memory.
#[derive(Clone, Copy, Debug, Default)]
struct Agent {
    /// The agent's cell, with `COP_BIT` set for a cop.
    cell: u32,
    /// A citizen's H and R: its index in [`Core::traits`], with `SERVING` set while it serves a
    /// jail term.
    traits: u32,
    /// The smallest whole ratio ⌊C/A⌋ (or its rounding) at which the citizen stays quiet under
    /// the current legitimacy: it turns active when the ratio in sight is below this. While it
    /// serves a term, the turns left instead (as the cell's `jail` counts them).
    cutoff: u32,
}

/// A citizen's fixed attributes.
#[derive(Clone, Copy, Debug)]
struct Traits {
    /// H, uniform in [0, 1).
    hardship: f64,
    /// R, uniform in [0, 1).
    risk_aversion: f64,
}

/// Marks a cop in [`Agent::cell`] (cells are fewer than 2³¹, see [`Config::validate`]).
const COP_BIT: u32 = 1 << 31;

/// Marks, in [`Agent::traits`], a citizen serving a jail term whose count of turns left is in
/// [`Agent::cutoff`] instead of in its cell: a cop's arrest writes the term into the cell, and
/// the citizen's first turn in jail moves it into its record, so that its other turns in jail
/// (hundreds, with Mesa's Jmax of 1000) read no cell at all.
const SERVING: u32 = 1 << 31;

/// A cell's running counts of the cops (low half) and the active citizens (high half) in the
/// window centred on it, in one word so that a citizen reads both with one access: `u16` when a
/// count cannot pass 255 (Mesa's window has 113 cells), which halves the counts' memory, else
/// `u32`. A count never goes below zero, so taking one away never borrows from the other half.
trait Seen: Copy + Default + PartialEq + std::fmt::Debug {
    /// Bits in each half.
    const HALF: u32;
    fn from_u32(x: u32) -> Self;
    fn to_u32(self) -> u32;
    fn wrapping_add(self, other: Self) -> Self;

    fn cops(self) -> usize {
        (self.to_u32() & ((1 << Self::HALF) - 1)) as usize
    }

    fn actives(self) -> usize {
        (self.to_u32() >> Self::HALF) as usize
    }

    /// One more (`up`) or one fewer of `kind` (cops or actives), as a number to add.
    fn delta(kind: u8, up: bool) -> Self {
        let unit = if kind == COP { 1 } else { 1 << Self::HALF };
        Self::from_u32(if up { unit } else { unit.wrapping_neg() })
    }
}

impl Seen for u16 {
    const HALF: u32 = 8;
    fn from_u32(x: u32) -> u16 {
        x as u16
    }
    fn to_u32(self) -> u32 {
        self.into()
    }
    fn wrapping_add(self, other: u16) -> u16 {
        self.wrapping_add(other)
    }
}

impl Seen for u32 {
    const HALF: u32 = 16;
    fn from_u32(x: u32) -> u32 {
        x
    }
    fn to_u32(self) -> u32 {
        self
    }
    fn wrapping_add(self, other: u32) -> u32 {
        self.wrapping_add(other)
    }
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

/// The model. Per cell: three bits (empty; an active citizen there; a jailed one), the jail term
/// of a jailed citizen there, and the running counts of cops and actives in its window. Per
/// agent, in the order in which they act, a 12-byte [`Agent`]: each step shuffles the records
/// themselves, not a list of indices, so that the turns run through them in memory order. A move
/// writes two bits and the agent's cell, nothing else at random.
pub struct Model(Grid);

/// The model with the counts in narrow or wide words (see [`Seen`]).
enum Grid {
    Narrow(Core<u16>),
    Wide(Core<u32>),
}

/// Runs `$body` with `$m` bound to the model's [`Core`], whichever its word.
macro_rules! on_core {
    ($grid:expr, $m:ident => $body:expr) => {
        match $grid {
            Grid::Narrow($m) => $body,
            Grid::Wide($m) => $body,
        }
    };
}

impl Model {
    /// Places agents cell by cell (citizen with probability `citizen_density`, cop with
    /// `cop_density`, else empty), as Mesa's example does.
    pub fn new(config: Config) -> Result<Model, String> {
        config.validate()?;
        let window = Window::new(config.shape, config.vision, config.width, config.height);
        // A count of cops or actives in a window is at most its cells, the centre included.
        Ok(Model(if window.cells.len() < u8::MAX as usize {
            Grid::Narrow(Core::new(config, window)?)
        } else {
            Grid::Wide(Core::new(config, window)?)
        }))
    }

    pub fn config(&self) -> &Config {
        on_core!(&self.0, m => &m.config)
    }

    /// Citizens by state now.
    pub fn counts(&self) -> Counts {
        on_core!(&self.0, m => m.counts)
    }

    pub fn citizens(&self) -> u32 {
        on_core!(&self.0, m => m.citizens)
    }

    pub fn cops(&self) -> u32 {
        on_core!(&self.0, m => m.cops)
    }

    /// Changes the regime's legitimacy L from the next step on (grievance is H × (1 − L)).
    pub fn set_legitimacy(&mut self, legitimacy: f64) {
        on_core!(&mut self.0, m => m.set_legitimacy(legitimacy))
    }

    /// Takes away cops, chosen at random, until `keep` remain (no effect if no more remain).
    pub fn remove_cops(&mut self, keep: u32) {
        on_core!(&mut self.0, m => m.remove_cops(keep))
    }

    /// One step: every agent (cops and citizens, in jail or not) acts once, in random order.
    pub fn step(&mut self) -> Counts {
        on_core!(&mut self.0, m => m.step())
    }

    /// Recounts everything from the agents; for tests of the running counts and bits.
    pub fn check_invariants(&self) -> Result<(), String> {
        on_core!(&self.0, m => m.check_invariants())
    }
}

/// The model's state and rules, with the counts in words of type `S`.
struct Core<S: Seen> {
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
    /// One bit per cell, set when a jailed citizen is there.
    jailed: Vec<u64>,
    /// Per cell with a citizen arrested since its last turn: 1 + the steps of jail (a term drawn
    /// 0 keeps the citizen jailed until its next turn, as in Mesa); 0 elsewhere, and once the
    /// citizen has taken the term into its record (`SERVING`). Read only where `jailed` is set.
    jail: Vec<u32>,
    seen: Vec<S>,
    /// In the order in which they act.
    agents: Vec<Agent>,
    traits: Vec<Traits>,
    citizens: u32,
    cops: u32,
    counts: Counts,
}

impl<S: Seen> Core<S> {
    fn new(config: Config, window: Window) -> Result<Core<S>, String> {
        let (w, h) = (config.width, config.height);
        let arrest: Vec<f64> = (0..=window.cells.len()).map(|r| epstein_arrest(config.k, r as f64)).collect();
        if arrest.windows(2).any(|p| p[1] < p[0]) {
            return Err("the arrest probability must not fall as the ratio of cops to actives rises".into());
        }
        let words = (w * h).div_ceil(64);
        let mut m = Core {
            legitimacy: config.legitimacy,
            rng: ChaCha8Rng::seed_from_u64(config.seed),
            window,
            inverse_width: u64::MAX / w as u64 + 1,
            arrest,
            empty: vec![u64::MAX; words],
            active: vec![0; words],
            jailed: vec![0; words],
            jail: vec![0; w * h],
            seen: vec![S::default(); w * h],
            agents: Vec::new(),
            traits: Vec::new(),
            citizens: 0,
            cops: 0,
            counts: Counts::default(),
            config,
        };
        let (cd, pd) = (m.config.citizen_density, m.config.cop_density);
        for c in 0..w * h {
            let u: f64 = m.rng.random();
            if u < cd {
                let (hardship, risk_aversion) = (m.rng.random(), m.rng.random());
                let traits = Traits { hardship, risk_aversion };
                let cutoff = m.cutoff(traits);
                m.agents.push(Agent { cell: c as u32, traits: m.traits.len() as u32, cutoff });
                m.traits.push(traits);
                m.citizens += 1;
            } else if u < cd + pd {
                m.agents.push(Agent { cell: c as u32 | COP_BIT, traits: 0, cutoff: 0 });
                m.add(c, COP, true);
                m.cops += 1;
            } else {
                continue;
            }
            set_bit(&mut m.empty, c, false);
        }
        m.counts = Counts { active: 0, quiet: m.citizens, jailed: 0 };
        Ok(m)
    }

    fn set_legitimacy(&mut self, legitimacy: f64) {
        self.legitimacy = legitimacy;
        for i in 0..self.agents.len() {
            // A citizen in jail works its cutoff out when it comes out.
            if self.agents[i].cell & COP_BIT == 0 && self.agents[i].traits & SERVING == 0 {
                self.agents[i].cutoff = self.cutoff(self.traits[self.agents[i].traits as usize]);
            }
        }
    }

    fn remove_cops(&mut self, keep: u32) {
        let mut cops: Vec<usize> = (0..self.agents.len()).filter(|&i| self.agents[i].cell & COP_BIT != 0).collect();
        if cops.len() <= keep as usize {
            return;
        }
        cops.shuffle(&mut self.rng);
        let mut gone = vec![false; self.agents.len()];
        for &i in &cops[keep as usize..] {
            let c = (self.agents[i].cell & !COP_BIT) as usize;
            self.add(c, COP, false);
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

    fn step(&mut self) -> Counts {
        self.agents.shuffle(&mut self.rng);
        for i in 0..self.agents.len() {
            if let Some(ahead) = self.agents.get(i + PREFETCH_AHEAD) {
                self.prefetch_turn(*ahead);
            }
            let cell = self.agents[i].cell;
            if cell & COP_BIT != 0 {
                self.agents[i].cell = self.cop_step((cell & !COP_BIT) as usize) as u32 | COP_BIT;
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
    fn prefetch_turn(&self, agent: Agent) {
        let (cell, c) = (agent.cell, (agent.cell & !COP_BIT) as usize);
        prefetch(&self.seen[c]);
        if cell & COP_BIT != 0 {
            // The cop will take itself out of the counts of its window.
            self.prefetch_window(c);
        } else {
            prefetch(&self.jailed[c / 64]);
            prefetch(&self.active[c / 64]);
        }
        prefetch(&self.empty[c / 64]);
    }

    /// Prefetches both ends of each row of the window around `c` in the counts.
    fn prefetch_window(&self, c: usize) {
        let (w, h, v) = (self.config.width, self.config.height, self.config.vision);
        let (x, y) = self.column_row(c);
        let mut r = if y >= v { y - v } else { y + h - v };
        for &half in &self.window.half {
            let start = if x >= half { x - half } else { x + w - half };
            let end = if x + half < w { x + half } else { x + half - w };
            prefetch(&self.seen[r * w + start]);
            prefetch(&self.seen[r * w + end]);
            r = if r + 1 == h { 0 } else { r + 1 };
        }
    }

    /// The smallest whole ratio at which a citizen with these traits does not rebel under the
    /// current legitimacy (one past the largest ratio if it rebels at all): by
    /// [`rebels`] on G = H × (1 − L) and P from [`epstein_arrest`]. G − R × P only falls as P
    /// rises, and P rises with the ratio (checked in [`Model::new`]), so the citizen rebels
    /// exactly at the ratios below the cutoff.
    fn cutoff(&self, traits: Traits) -> u32 {
        let grievance = traits.hardship * (1.0 - self.legitimacy);
        let quiet = |ratio: usize| !rebels(grievance, traits.risk_aversion, self.arrest[ratio], self.config.threshold);
        let (mut low, mut high) = (0, self.arrest.len());
        while low < high {
            let mid = (low + high) / 2;
            if quiet(mid) { high = mid } else { low = mid + 1 }
        }
        low as u32
    }

    /// The turn of the citizen `agents[i]`.
    fn citizen_step(&mut self, i: usize) {
        let Agent { cell, mut traits, mut cutoff } = self.agents[i];
        let c = cell as usize;
        let was = if traits & SERVING != 0 {
            if cutoff > 1 {
                self.agents[i].cutoff -= 1;
                return;
            }
            traits &= !SERVING;
            cutoff = self.cutoff(self.traits[traits as usize]);
            set_bit(&mut self.jailed, c, false);
            JAILED
        } else if bit(&self.jailed, c) {
            // Arrested since its last turn: the term moves from the cell to the record, so that
            // the turns in jail read no cell.
            let left = std::mem::take(&mut self.jail[c]);
            if left > 1 {
                self.agents[i] = Agent { cell, traits: traits | SERVING, cutoff: left - 1 };
                return;
            }
            set_bit(&mut self.jailed, c, false);
            JAILED
        } else if bit(&self.active, c) {
            ACTIVE
        } else {
            QUIET
        };
        let seen = self.seen[c];
        let (cops, actives) = (seen.cops(), 1 + seen.actives() - usize::from(was == ACTIVE));
        let now = if whole_ratio(cops, actives, self.config.rounding) < cutoff as usize { ACTIVE } else { QUIET };
        let to = self.empty_in_sight(c).unwrap_or(c);
        if was == ACTIVE && !(now == ACTIVE && to == c) {
            self.add(c, ACTIVE, false);
        }
        if now == ACTIVE && !(was == ACTIVE && to == c) {
            self.add(to, ACTIVE, true);
        }
        self.tally(was, 0u32.wrapping_sub(1));
        self.tally(now, 1);
        set_bit(&mut self.empty, c, true);
        set_bit(&mut self.active, c, false);
        set_bit(&mut self.empty, to, false);
        set_bit(&mut self.active, to, now == ACTIVE);
        self.agents[i] = Agent { cell: to as u32, traits, cutoff };
    }

    /// A cop's turn at cell `c`; returns its cell after the turn.
    fn cop_step(&mut self, c: usize) -> usize {
        let seen = self.seen[c].actives();
        if seen > 0 {
            let pick = self.rng.random_range(0..seen as u32) as usize;
            let target = self.nth_in_sight(c, &self.active, pick);
            self.jail[target] = self.rng.random_range(0..=self.config.max_jail) + 1;
            set_bit(&mut self.jailed, target, true);
            set_bit(&mut self.active, target, false);
            self.add(target, ACTIVE, false);
            self.tally(ACTIVE, 0u32.wrapping_sub(1));
            self.tally(JAILED, 1);
        }
        let Some(to) = self.empty_in_sight(c) else { return c };
        self.add(c, COP, false);
        self.add(to, COP, true);
        set_bit(&mut self.empty, c, true);
        set_bit(&mut self.empty, to, false);
        to
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

    /// Adds one to (`up`) or takes one from the count of `kind` (cops or actives) in every cell
    /// whose window holds `c`; windows are symmetric, so that is `c`'s window. A count never
    /// goes below zero, so taking one away never borrows from the other half of the word.
    fn add(&mut self, c: usize, kind: u8, up: bool) {
        let (w, h, v) = (self.config.width, self.config.height, self.config.vision);
        let (x, y) = self.column_row(c);
        let delta = S::delta(kind, up);
        let mut r = if y >= v { y - v } else { y + h - v };
        for &half in &self.window.half {
            let line = &mut self.seen[r * w..(r + 1) * w];
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

    fn check_invariants(&self) -> Result<(), String> {
        let mut kind = vec![EMPTY; self.jail.len()];
        for agent in &self.agents {
            let c = (agent.cell & !COP_BIT) as usize;
            if kind[c] != EMPTY {
                return Err(format!("cell {c}: two agents"));
            }
            kind[c] = match (agent.cell & COP_BIT != 0, bit(&self.jailed, c), bit(&self.active, c)) {
                (true, _, _) => COP,
                (false, true, _) => JAILED,
                (false, false, true) => ACTIVE,
                (false, false, false) => QUIET,
            };
            // A jailed citizen's term is in its cell until its first turn in jail, then in its record.
            let serving = agent.traits & SERVING != 0;
            if kind[c] == JAILED && serving == (self.jail[c] > 0) || kind[c] != JAILED && serving {
                return Err(format!("cell {c}: the jail term is in neither or both of the cell and the record"));
            }
        }
        let mut counts = Counts::default();
        for c in 0..kind.len() {
            let seen = |kind_: u8| {
                let around = (0..self.window.cells.len()).filter(|&k| kind[self.neighbour(c, k)] == kind_).count();
                (around + usize::from(kind[c] == kind_)) as u32
            };
            let (cops, actives) = (seen(COP), seen(ACTIVE));
            if S::from_u32(cops | actives << S::HALF) != self.seen[c] {
                return Err(format!(
                    "cell {c}: counted {cops} cops and {actives} actives, kept {} and {}",
                    self.seen[c].cops(),
                    self.seen[c].actives()
                ));
            }
            if bit(&self.empty, c) != (kind[c] == EMPTY)
                || bit(&self.active, c) && kind[c] != ACTIVE
                || bit(&self.jailed, c) && kind[c] != JAILED
            {
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
        let g = 1.0 - self.legitimacy;
        for agent in self.agents.iter().filter(|a| a.cell & COP_BIT == 0 && a.traits & SERVING == 0) {
            let t = self.traits[agent.traits as usize];
            let rebel = |r: usize| rebels(t.hardship * g, t.risk_aversion, self.arrest[r], self.config.threshold);
            if let Some(r) = (0..self.arrest.len()).find(|&r| rebel(r) != (r < agent.cutoff as usize)) {
                return Err(format!("a citizen's cutoff {} disagrees with the rule at ratio {r}", agent.cutoff));
            }
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
        // Vision 8 in a square is 288 cells: counts in u32 words (see `Seen`).
        let configs = [
            (Vision::VonNeumann, Rounding::Round, 3),
            (Vision::Moore, Rounding::Floor, 3),
            (Vision::Moore, Rounding::Round, 8),
        ];
        for (shape, rounding, vision) in configs {
            let mut m = Model::new(Config { vision, ..small(shape, rounding, 3) }).unwrap();
            assert_eq!(matches!(m.0, Grid::Wide(_)), vision == 8);
            m.check_invariants().unwrap();
            let mut seen_active = false;
            for step in 0..60 {
                let c = m.step();
                seen_active |= c.active > 0;
                assert_eq!(c.active + c.quiet + c.jailed, m.citizens());
                m.check_invariants().unwrap_or_else(|e| panic!("{shape:?} vision {vision} step {step}: {e}"));
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
            let config = Config { width, height: 15, citizen_density: 0.0, cop_density: 0.0, ..Config::mesa(1) };
            let window = Window::new(config.shape, config.vision, width, 15);
            let m = Core::<u32>::new(config, window).unwrap();
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
    fn narrow_and_wide_counts_give_the_same_run() {
        let config = || Config { legitimacy: 0.5, ..small(Vision::VonNeumann, Rounding::Round, 9) };
        let window = || Window::new(Vision::VonNeumann, 3, 21, 17);
        let mut narrow = Core::<u16>::new(config(), window()).unwrap();
        let mut wide = Core::<u32>::new(config(), window()).unwrap();
        let (a, b): (Vec<_>, Vec<_>) = (0..80).map(|_| (narrow.step(), wide.step())).unzip();
        assert_eq!(a, b);
        assert!(a.iter().any(|c| c.active > 0) && a.iter().any(|c| c.jailed > 0));
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
        let wide = Config { width: 400, height: 400, shape: Vision::Moore, ..Config::mesa(1) };
        assert!(Config { vision: 127, ..wide.clone() }.validate().is_ok());
        assert!(Config { vision: 128, ..wide }.validate().unwrap_err().contains("fewer than 65535"));
        assert!(Config::mesa(1).validate().is_ok());
    }
}
