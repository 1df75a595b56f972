//! The person-agents in bulk: their components as slices of the `bevy_ecs` table, visited in
//! fixed chunks, on one thread or several.
//!
//! Every person-agent has the same three components ([`Person`], [`Household`], [`Mind`]) and
//! is never despawned, so all of them lie in one table, in the order of their numbers. A pass
//! over the agents splits that table into chunks whose boundaries depend only on the number of
//! agents (never on the number of threads); each chunk returns its own partial sums, and the
//! partial sums are added in chunk order. With the agents' random streams keyed by agent
//! ([`crate::rng`]), a run gives the same bytes on one thread or on many.

use crate::model::{Household, Mind, Person};
use bevy_ecs::prelude::*;
use bevy_ecs::system::SystemParam;
use rayon::prelude::*;

/// The smallest chunk of agents (and the unit of chunk sizes).
pub const CHUNK: usize = 4096;
/// At most this many chunks per pass, so that per-chunk partial sums stay small at household
/// scale (32 million agents).
pub const MAX_CHUNKS: usize = 256;

/// The chunk size for a number of agents: a multiple of [`CHUNK`], independent of threads.
pub fn chunk_size(agents: usize) -> usize {
    let per_chunk = agents.div_ceil(MAX_CHUNKS).max(1);
    per_chunk.div_ceil(CHUNK) * CHUNK
}

/// The threads a run may use for its passes over the agents.
#[derive(Resource)]
pub struct Workers {
    pool: Option<rayon::ThreadPool>,
    threads: usize,
}

impl Workers {
    /// `threads` ≥ 1; with 1, passes run on the calling thread.
    pub fn new(threads: usize) -> Workers {
        let threads = threads.max(1);
        let pool = (threads > 1).then(|| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .thread_name(|i| format!("revsim-agents-{i}"))
                .build()
                .expect("the operating system starts threads")
        });
        Workers { pool, threads }
    }

    pub fn threads(&self) -> usize {
        self.threads
    }
}

/// One chunk of agents: the same range of each component.
pub struct Chunk<'a> {
    pub person: &'a mut [Person],
    pub household: &'a mut [Household],
    pub mind: &'a mut [Mind],
}

impl Chunk<'_> {
    pub fn len(&self) -> usize {
        self.person.len()
    }

    pub fn is_empty(&self) -> bool {
        self.person.is_empty()
    }
}

/// Partial sums of a pass: made empty per chunk, added in chunk order.
pub trait Partial: Send {
    fn merge(&mut self, other: Self);
}

/// The agents of the world, for a system that visits them all.
#[derive(SystemParam)]
pub struct AllAgents<'w, 's> {
    query: Query<'w, 's, (&'static mut Person, &'static mut Household, &'static mut Mind)>,
    workers: Res<'w, Workers>,
}

impl AllAgents<'_, '_> {
    /// Runs `visit` on every chunk (in parallel when the run has threads) and returns the
    /// chunks' partial sums added in chunk order. `empty` makes a chunk's starting sums.
    pub fn pass<A: Partial>(&mut self, empty: impl Fn() -> A + Sync, visit: impl Fn(&mut A, Chunk<'_>) + Sync) -> A {
        let workers = &*self.workers;
        let mut tables = self.query.contiguous_iter_mut().expect("person-agents are stored densely");
        let mut total = empty();
        let Some((mut person, mut household, mut mind)) = tables.next() else { return total };
        assert!(tables.next().is_none(), "all person-agents share one table");
        let person = person.bypass_change_detection();
        let household = household.bypass_change_detection();
        let mind = mind.bypass_change_detection();
        let size = chunk_size(person.len());
        let run = |((person, household), mind): ((&mut [Person], &mut [Household]), &mut [Mind])| {
            let mut partial = empty();
            visit(&mut partial, Chunk { person, household, mind });
            partial
        };
        let partials: Vec<A> = match &workers.pool {
            Some(pool) => pool.install(|| {
                person
                    .par_chunks_mut(size)
                    .zip(household.par_chunks_mut(size))
                    .zip(mind.par_chunks_mut(size))
                    .map(run)
                    .collect()
            }),
            None => {
                person.chunks_mut(size).zip(household.chunks_mut(size)).zip(mind.chunks_mut(size)).map(run).collect()
            }
        };
        for partial in partials {
            total.merge(partial);
        }
        total
    }

    /// The agents as whole slices, for the few visits that address agents by number (the
    /// Kronstadt garrison).
    pub fn with_slices<R>(&mut self, f: impl FnOnce(Chunk<'_>) -> R) -> Option<R> {
        let mut tables = self.query.contiguous_iter_mut().expect("person-agents are stored densely");
        let (mut person, mut household, mut mind) = tables.next()?;
        Some(f(Chunk {
            person: person.bypass_change_detection(),
            household: household.bypass_change_detection(),
            mind: mind.bypass_change_detection(),
        }))
    }
}

/// Adds `other` into `sums` element by element.
pub fn add_into(sums: &mut [f64], other: &[f64]) {
    for (s, o) in sums.iter_mut().zip(other) {
        *s += o;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunk_sizes_depend_on_agents_only_and_bound_the_chunks() {
        assert_eq!(chunk_size(1), CHUNK);
        assert_eq!(chunk_size(160_000), CHUNK);
        let big = 32_600_000;
        let size = chunk_size(big);
        assert_eq!(size % CHUNK, 0);
        assert!(big.div_ceil(size) <= MAX_CHUNKS);
    }
}
