//! `revsim plan`: a ready job script that runs an ensemble or comparison as shards on a
//! scheduler and merges them: a SLURM job array with a dependent merge job, or a GNU parallel
//! line with a job log (docs/CLUSTER.md).
//!
//! The resources asked per shard come from the measured constants of [`crate::limits`]: the
//! memory of `jobs` runs at once, and the time of the shard's runs, each with a margin.

use crate::error::CommandError;
use crate::scenario::Resolved;
use std::path::{Path, PathBuf};

/// The schedulers `revsim plan --emit` writes for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Emit {
    Slurm,
    Parallel,
}

impl std::str::FromStr for Emit {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        match text {
            "slurm" => Ok(Emit::Slurm),
            "parallel" => Ok(Emit::Parallel),
            other => Err(format!("`{other}`: --emit takes slurm (an sbatch job array) or parallel (GNU parallel)")),
        }
    }
}

/// What to plan: the command's words as the user gave them, and what the plan needs of them.
#[derive(Clone, Debug)]
pub struct PlanRequest {
    /// `ensemble` or `compare`, followed by its arguments.
    pub words: Vec<String>,
    pub scenarios: Vec<PathBuf>,
    pub runs: usize,
    pub scale: u32,
    /// Runs at once in each shard (`--jobs`, default 1).
    pub jobs: usize,
    pub out: Option<PathBuf>,
    pub shards: usize,
    /// The revsim binary the script calls (default: this one).
    pub revsim: PathBuf,
}

/// Options whose value follows them, and which the plan sets itself (dropped from the shards'
/// command) or passes to the merge (the chart options, so the charts are the unsharded ones).
const OWN_WITH_VALUE: &[&str] = &["--out", "--jobs", "--shard"];
const OWN_FLAGS: &[&str] = &["--force", "--resume", "--quiet"];
const MERGE_WITH_VALUE: &[&str] = &["--width", "--height", "--chart-scale", "--style"];
const MERGE_FLAGS: &[&str] = &["--png", "--no-charts", "--report"];

/// The command's words split into those for the shards and those for the merge.
fn split_words(words: &[String]) -> (Vec<String>, Vec<String>) {
    let (mut shard, mut merge) = (Vec::new(), Vec::new());
    let mut i = 0;
    while i < words.len() {
        let w = words[i].as_str();
        let name = w.split_once('=').map_or(w, |(n, _)| n);
        let takes_value = !w.contains('=') && (OWN_WITH_VALUE.contains(&name) || MERGE_WITH_VALUE.contains(&name));
        let end = if takes_value { (i + 2).min(words.len()) } else { i + 1 };
        if MERGE_WITH_VALUE.contains(&name) || MERGE_FLAGS.contains(&name) {
            merge.extend_from_slice(&words[i..end]);
        } else if !OWN_WITH_VALUE.contains(&name) && !OWN_FLAGS.contains(&name) {
            shard.extend_from_slice(&words[i..end]);
        }
        i = end;
    }
    (shard, merge)
}

/// A word as the shell reads it back unchanged.
pub fn quote(word: &str) -> String {
    let plain = !word.is_empty() && word.chars().all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c));
    if plain { word.to_string() } else { format!("'{}'", word.replace('\'', r"'\''")) }
}

fn quoted(words: &[String]) -> String {
    words.iter().map(|w| quote(w)).collect::<Vec<_>>().join(" ")
}

/// Memory (MB) and time (minutes) to ask for one shard: the measured cost of `jobs` runs at
/// once and of the shard's runs, with room (×1.5 and 200 MB; ×3 and 10 minutes).
fn resources(resolved: &[Resolved], req: &PlanRequest) -> (u64, u64) {
    let heaviest = resolved.iter().max_by_key(|r| crate::limits::agents(r, req.scale)).expect("a scenario");
    let memory = crate::limits::memory(heaviest, req.scale, req.jobs) * 3 / 2 / 1_000_000 + 200;
    let per_shard = req.runs.div_ceil(req.shards);
    let seconds: f64 =
        resolved.iter().map(|r| crate::limits::estimate(r, req.scale, per_shard, req.jobs).0).sum::<f64>();
    (memory, (seconds * 3.0 / 60.0).ceil() as u64 + 10)
}

/// The folder the unsharded command would write.
fn default_out(resolved: &[Resolved], command: &str) -> PathBuf {
    let names: Vec<&str> = resolved.iter().map(|r| r.scenario.name.as_str()).collect();
    if command == "compare" {
        Path::new("output").join(format!("compare-{}", names.join("-vs-")))
    } else {
        crate::output::default_out(&resolved[0])
    }
}

/// The job script for `req`.
pub fn emit(req: &PlanRequest, emit: Emit) -> Result<String, CommandError> {
    if req.shards == 0 || req.shards > super::shard::MAX_SHARDS {
        return Err(CommandError::Input(format!("--shards must lie in 1-{}", super::shard::MAX_SHARDS)));
    }
    let resolved: Vec<Resolved> = req.scenarios.iter().map(|p| crate::scenario::load(p)).collect::<Result<_, _>>()?;
    let command = req.words.first().cloned().unwrap_or_default();
    let out = req.out.clone().unwrap_or_else(|| default_out(&resolved, &command));
    let (shard_words, merge_words) = split_words(&req.words);
    let (memory, minutes) = resources(&resolved, req);
    let cwd = std::env::current_dir().map_err(|e| CommandError::Input(e.to_string()))?;
    let p = Parts {
        revsim: quote(&req.revsim.display().to_string()),
        cwd: quote(&cwd.display().to_string()),
        out: quote(&out.display().to_string()),
        shards_dir: quote(&format!("{}.shards", out.display())),
        shard: quoted(&shard_words),
        merge: quoted(&merge_words),
        original: quoted(&req.words),
        n: req.shards,
        jobs: req.jobs,
        memory,
        minutes,
    };
    Ok(match emit {
        Emit::Slurm => slurm(&p),
        Emit::Parallel => parallel(&p),
    })
}

/// The pieces of a job script, quoted for the shell.
struct Parts {
    revsim: String,
    cwd: String,
    out: String,
    shards_dir: String,
    shard: String,
    merge: String,
    original: String,
    n: usize,
    jobs: usize,
    memory: u64,
    minutes: u64,
}

fn slurm(p: &Parts) -> String {
    format!(
        r#"#!/usr/bin/env bash
# revsim plan: `revsim {original}` as {n} shards on a SLURM job array, then one merge job
# that writes {out} exactly as the unsharded command would. Run it where sbatch works:
#   bash THIS_FILE        (REVSIM=/path/to/revsim bash THIS_FILE to use another binary)
# Each shard asks {jobs} CPU(s), {memory} MB and {minutes} minutes (revsim's measured costs with room).
set -euo pipefail
REVSIM=${{REVSIM:-{revsim}}}
cd {cwd}
SHARDS={shards_dir}
mkdir -p "$SHARDS/logs"
array=$(sbatch --parsable <<EOF
#!/usr/bin/env bash
#SBATCH --job-name=revsim-shards
#SBATCH --array=0-{last}
#SBATCH --ntasks=1
#SBATCH --cpus-per-task={jobs}
#SBATCH --mem={memory}M
#SBATCH --time={minutes}
#SBATCH --output=$SHARDS/logs/shard-%a.log
set -euo pipefail
cd {cwd}
"$REVSIM" {shard} --shard auto --jobs {jobs} --quiet --force --out "$SHARDS/shard-\$SLURM_ARRAY_TASK_ID"
EOF
)
array=${{array%%;*}}
merge=$(sbatch --parsable --dependency=afterok:$array <<EOF
#!/usr/bin/env bash
#SBATCH --job-name=revsim-merge
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=1
#SBATCH --mem={memory}M
#SBATCH --time=30
#SBATCH --output=$SHARDS/logs/merge.log
set -euo pipefail
cd {cwd}
"$REVSIM" merge "$SHARDS"/shard-* --out {out} --force {merge}
EOF
)
merge=${{merge%%;*}}
echo "submitted shards $array (array 0-{last}) and merge $merge; logs in $SHARDS/logs, result in {out}"
"#,
        original = p.original,
        n = p.n,
        out = p.out,
        jobs = p.jobs,
        memory = p.memory,
        minutes = p.minutes,
        revsim = p.revsim,
        cwd = p.cwd,
        shards_dir = p.shards_dir,
        last = p.n - 1,
        shard = p.shard,
        merge = p.merge,
    )
}

fn parallel(p: &Parts) -> String {
    format!(
        r#"#!/usr/bin/env bash
# revsim plan: `revsim {original}` as {n} shards with GNU parallel, then the merge that writes
# {out} exactly as the unsharded command would. Run it again after a failure: --resume-failed
# reruns only the shards whose line in the job log says they failed.
# Each shard uses {jobs} CPU(s) and about {memory} MB; -j sets how many shards run at once.
set -euo pipefail
REVSIM=${{REVSIM:-{revsim}}}
cd {cwd}
SHARDS={shards_dir}
mkdir -p "$SHARDS"
parallel -j "${{JOBS:-$(nproc)}}" --joblog "$SHARDS/joblog" --resume-failed \
  "$REVSIM" {shard} --shard {{}}/{n} --jobs {jobs} --quiet --force --out "$SHARDS/shard-{{}}" ::: $(seq 0 {last})
"$REVSIM" merge "$SHARDS"/shard-* --out {out} --force {merge}
"#,
        original = p.original,
        n = p.n,
        out = p.out,
        jobs = p.jobs,
        memory = p.memory,
        revsim = p.revsim,
        cwd = p.cwd,
        shards_dir = p.shards_dir,
        last = p.n - 1,
        shard = p.shard,
        merge = p.merge,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        text.split(' ').map(String::from).collect()
    }

    #[test]
    fn the_plan_sets_its_own_options_and_gives_the_chart_options_to_the_merge() {
        let (shard, merge) =
            split_words(&words("compare a.ron b.ron --runs 6 --out x --jobs 2 --force --png --style print --quiet"));
        assert_eq!(shard, words("compare a.ron b.ron --runs 6"));
        assert_eq!(merge, words("--png --style print"));
    }

    #[test]
    fn words_are_quoted_for_the_shell() {
        assert_eq!(quote("scenarios/a.ron"), "scenarios/a.ron");
        assert_eq!(quote("my file's.ron"), r"'my file'\''s.ron'");
    }
}
