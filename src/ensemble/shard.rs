//! Shards: an ensemble or comparison split over several processes or machines. Run `k` belongs
//! to shard `k mod N`; each shard writes its runs' rows (with their own run numbers and seeds)
//! and a manifest naming the plan, so that `revsim merge` can check the shards belong together
//! and rebuild the folder the unsharded command would have written.
//!
//! `--shard auto` takes the shard from a scheduler's environment: a SLURM job array
//! (`SLURM_ARRAY_TASK_ID`, `SLURM_ARRAY_TASK_COUNT`, and `SLURM_ARRAY_TASK_MIN` and
//! `SLURM_ARRAY_TASK_STEP` when the array does not start at 0 or has a step), or a Kubernetes
//! indexed job (`JOB_COMPLETION_INDEX`, with the count given as `--shard auto/N`).

use crate::output;
use crate::scenario::Resolved;
use serde::{Deserialize, Serialize};

/// One shard of `count`: the runs `k` with `k mod count == index`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

impl Shard {
    /// How many of `total` runs this shard holds.
    pub fn len(&self, total: usize) -> usize {
        total.saturating_sub(self.index).div_ceil(self.count.max(1))
    }

    /// Whether the shard holds no run of `total`.
    pub fn is_empty(&self, total: usize) -> bool {
        self.len(total) == 0
    }

    /// The run number of this shard's `position`-th run.
    pub fn run(&self, position: usize) -> usize {
        self.index + position * self.count
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// The most shards a plan may have (a SLURM array is usually limited to a few thousand tasks).
pub const MAX_SHARDS: usize = 100_000;

/// What `--shard` asked for: a given shard, or one read from the scheduler's environment
/// (with the count, for schedulers that do not say it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShardSpec {
    Fixed(Shard),
    Auto(Option<usize>),
}

fn count(text: &str) -> Result<usize, String> {
    let n: usize = text.trim().parse().map_err(|_| format!("`{text}` is not a whole number of shards"))?;
    if (1..=MAX_SHARDS).contains(&n) { Ok(n) } else { Err(format!("the number of shards must lie in 1-{MAX_SHARDS}")) }
}

impl std::str::FromStr for ShardSpec {
    type Err = String;

    /// `I/N` (shard I of N, counted from 0), `auto`, or `auto/N`.
    fn from_str(text: &str) -> Result<Self, String> {
        let usage = "--shard takes I/N (shard I of N, from 0: 0/4 … 3/4), auto (a SLURM job array) or auto/N";
        let (left, right) = match text.trim().split_once('/') {
            Some((l, r)) => (l.trim(), Some(r)),
            None => (text.trim(), None),
        };
        if left == "auto" {
            return right.map(count).transpose().map(ShardSpec::Auto);
        }
        let Some(right) = right else { return Err(format!("`{text}`: {usage}")) };
        let count = count(right)?;
        let index: usize = left.parse().map_err(|_| format!("`{text}`: {usage}"))?;
        if index >= count {
            return Err(format!(
                "shard {index}/{count}: shards are counted from 0, so the last is {}/{count}",
                count - 1
            ));
        }
        Ok(ShardSpec::Fixed(Shard { index, count }))
    }
}

impl ShardSpec {
    /// The shard, reading the scheduler's environment through `var` for `auto`.
    pub fn resolve(&self, var: impl Fn(&str) -> Option<String>) -> Result<Shard, String> {
        let number = |name: &str| -> Result<Option<usize>, String> {
            var(name)
                .map(|v| v.trim().parse::<usize>().map_err(|_| format!("{name}={v} is not a whole number")))
                .transpose()
        };
        let shard = match *self {
            ShardSpec::Fixed(shard) => return Ok(shard),
            ShardSpec::Auto(Some(n)) if var("JOB_COMPLETION_INDEX").is_some() => {
                Shard { index: number("JOB_COMPLETION_INDEX")?.unwrap_or(0), count: n }
            }
            ShardSpec::Auto(given) => {
                let Some(id) = number("SLURM_ARRAY_TASK_ID")? else {
                    return Err(match given {
                        Some(n) => format!(
                            "--shard auto/{n}: neither JOB_COMPLETION_INDEX (a Kubernetes indexed job) nor \
                             SLURM_ARRAY_TASK_ID (a SLURM job array) is set; outside a scheduler give the shard \
                             as I/{n}"
                        ),
                        None => "--shard auto: SLURM_ARRAY_TASK_ID is not set (this is not a task of a SLURM job \
                                 array); elsewhere give the shard as I/N, or auto/N in a Kubernetes indexed job"
                            .to_string(),
                    });
                };
                let min = number("SLURM_ARRAY_TASK_MIN")?.unwrap_or(0);
                let step = number("SLURM_ARRAY_TASK_STEP")?.unwrap_or(1).max(1);
                let count = match (number("SLURM_ARRAY_TASK_COUNT")?, given) {
                    (Some(c), Some(n)) if c != n => {
                        return Err(format!("--shard auto/{n}, but the SLURM array has {c} tasks"));
                    }
                    (Some(c), _) => c,
                    (None, Some(n)) => n,
                    (None, None) => {
                        return Err("--shard auto: SLURM_ARRAY_TASK_COUNT is not set; give the count as auto/N".into());
                    }
                };
                Shard { index: id.saturating_sub(min) / step, count }
            }
        };
        if shard.count == 0 || shard.index >= shard.count {
            return Err(format!("the scheduler's task is shard {shard}: outside 0..{}", shard.count));
        }
        Ok(shard)
    }
}

/// What the shards of one plan share: the command, its scenarios (by content), runs, seed,
/// scale, and the revsim that ran them. Two shards merge only when their plans are equal.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// `ensemble` or `compare`.
    pub command: String,
    pub scenarios: Vec<PlanScenario>,
    pub runs: usize,
    pub seed: u64,
    pub scale: u32,
    pub version: String,
    pub commit: String,
}

/// A scenario of a plan: its name and every file it reads (the file and those it extends),
/// with their SHA-256.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlanScenario {
    pub name: String,
    pub files: Vec<(String, String)>,
}

impl PlanScenario {
    pub fn of(resolved: &Resolved) -> PlanScenario {
        let files = resolved.files.iter().map(|f| (f.display().to_string(), output::sha256_file(f))).collect();
        PlanScenario { name: resolved.scenario.name.clone(), files }
    }
}

impl Plan {
    pub fn new(command: &str, resolved: &[&Resolved], runs: usize, seed: u64, scale: u32) -> Plan {
        let build = output::build_info();
        Plan {
            command: command.to_string(),
            scenarios: resolved.iter().map(|r| PlanScenario::of(r)).collect(),
            runs,
            seed,
            scale,
            version: env!("CARGO_PKG_VERSION").to_string(),
            commit: build["git_commit"].as_str().unwrap_or("unknown").to_string(),
        }
    }

    /// What differs between two plans, in words (`None` when they are equal).
    pub fn difference(&self, other: &Plan) -> Option<String> {
        let mut parts = Vec::new();
        if self.commit != other.commit || self.version != other.version {
            parts.push(format!(
                "a different revsim commit ({} {} against {} {})",
                self.version, self.commit, other.version, other.commit
            ));
        }
        if self.command != other.command {
            parts.push(format!("another command ({} against {})", self.command, other.command));
        }
        if self.scenarios != other.scenarios {
            let names = |p: &Plan| p.scenarios.iter().map(|s| s.name.clone()).collect::<Vec<_>>().join(", ");
            parts.push(format!(
                "other scenarios or scenario files ({} against {}; compared by SHA-256)",
                names(self),
                names(other)
            ));
        }
        for (what, a, b) in [
            ("runs", self.runs.to_string(), other.runs.to_string()),
            ("seed", self.seed.to_string(), other.seed.to_string()),
            ("scale", self.scale.to_string(), other.scale.to_string()),
        ] {
            if a != b {
                parts.push(format!("--{what} {a} against {b}"));
            }
        }
        (!parts.is_empty()).then(|| parts.join("; "))
    }
}

/// The unsharded command of a shard's command line: without `--shard`, and writing to `out`.
pub fn unsharded_command(command_line: &str, out: &str) -> String {
    let mut words = command_line.split(' ');
    let mut kept: Vec<&str> = Vec::new();
    while let Some(word) = words.next() {
        match word {
            "--shard" | "--out" => {
                words.next();
            }
            w if w.starts_with("--shard=") || w.starts_with("--out=") => {}
            w => kept.push(w),
        }
    }
    format!("{} --out {out}", kept.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string())
    }

    #[test]
    fn every_run_belongs_to_exactly_one_shard() {
        for total in [0, 1, 5, 12, 13] {
            let mut seen = vec![0; total];
            for index in 0..4 {
                let s = Shard { index, count: 4 };
                for p in 0..s.len(total) {
                    seen[s.run(p)] += 1;
                }
            }
            assert!(seen.iter().all(|n| *n == 1), "{total}: {seen:?}");
        }
    }

    #[test]
    fn shards_are_parsed_and_bad_ones_refused() {
        assert_eq!("1/3".parse(), Ok(ShardSpec::Fixed(Shard { index: 1, count: 3 })));
        assert_eq!("auto".parse(), Ok(ShardSpec::Auto(None)));
        assert_eq!("auto/4".parse(), Ok(ShardSpec::Auto(Some(4))));
        assert!("3/3".parse::<ShardSpec>().unwrap_err().contains("last is 2/3"));
        assert!("1/0".parse::<ShardSpec>().is_err());
        assert!("2".parse::<ShardSpec>().is_err());
    }

    #[test]
    fn auto_reads_slurm_and_kubernetes_and_says_what_is_missing() {
        let slurm =
            env(&[("SLURM_ARRAY_TASK_ID", "5"), ("SLURM_ARRAY_TASK_COUNT", "3"), ("SLURM_ARRAY_TASK_MIN", "3")]);
        assert_eq!(ShardSpec::Auto(None).resolve(slurm), Ok(Shard { index: 2, count: 3 }));
        let k8s = env(&[("JOB_COMPLETION_INDEX", "1")]);
        assert_eq!(ShardSpec::Auto(Some(4)).resolve(k8s), Ok(Shard { index: 1, count: 4 }));
        let none = env(&[]);
        assert!(ShardSpec::Auto(None).resolve(&none).unwrap_err().contains("SLURM_ARRAY_TASK_ID is not set"));
        assert!(ShardSpec::Auto(Some(2)).resolve(&none).unwrap_err().contains("JOB_COMPLETION_INDEX"));
        let outside = env(&[("JOB_COMPLETION_INDEX", "4")]);
        assert!(ShardSpec::Auto(Some(4)).resolve(outside).is_err());
    }

    #[test]
    fn the_unsharded_command_drops_the_shard_and_takes_the_merged_folder() {
        let line = "revsim compare a.ron b.ron --runs 12 --shard 1/3 --out s1 --scale 5000";
        assert_eq!(unsharded_command(line, "all"), "revsim compare a.ron b.ron --runs 12 --scale 5000 --out all");
    }
}
