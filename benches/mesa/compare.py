"""Compares Mesa's Epstein example with revsim's reference model (benches/mesa/run.sh).

  compare.py crosscheck NAME MESA_COUNTS.csv REVSIM_COUNTS.csv
      per-seed statistics of the two models' runs, and a two-sample test for each
  compare.py timing MESA_TIMING.csv REVSIM_TIMING.csv
      steps per second by grid size (medians over seeds), and the ratio

Statistics of one run (one seed), over the steps after BURN_IN:
  active mean, median, q90, q99   the active share of citizens (active / all citizens)
  jailed share                    the mean jailed share over the last half of the run
  outbursts per 1000 steps        runs of consecutive steps with more than OUTBURST_SHARE of the
                                  citizens active (as in tests/epstein.rs: 50 of about 1,120)

The test: Mann-Whitney U, two-sided (scipy.stats.mannwhitneyu), Mesa's seeds against revsim's, per
statistic. The two agree on a statistic when p >= ALPHA.
"""

import csv
import statistics
import sys
from collections import defaultdict

from scipy.stats import mannwhitneyu

BURN_IN = 100
OUTBURST_SHARE = 50 / 1120
ALPHA = 0.01


def runs(path):
    by_seed = defaultdict(list)
    with open(path) as f:
        for row in csv.DictReader(f):
            by_seed[row["seed"]].append((int(row["active"]), int(row["quiet"]), int(row["jailed"])))
    return list(by_seed.values())


def quantile(sorted_values, q):
    return sorted_values[min(len(sorted_values) - 1, int(q * len(sorted_values)))]


def statistics_of(run):
    citizens = sum(run[0])
    kept = run[BURN_IN:]
    active = sorted(a / citizens for a, _, _ in kept)
    jailed = [j / citizens for _, _, j in kept[len(kept) // 2 :]]
    outbursts, above = 0, False
    for a, _, _ in kept:
        now = a / citizens > OUTBURST_SHARE
        outbursts += now and not above
        above = now
    return {
        "active share, mean": statistics.fmean(active),
        "active share, median": quantile(active, 0.5),
        "active share, q90": quantile(active, 0.9),
        "active share, q99": quantile(active, 0.99),
        "jailed share (last half)": statistics.fmean(jailed),
        "outbursts per 1000 steps": outbursts * 1000 / len(kept),
    }


def crosscheck(name, mesa_path, revsim_path):
    mesa = [statistics_of(r) for r in runs(mesa_path)]
    revsim = [statistics_of(r) for r in runs(revsim_path)]
    steps = len(runs(mesa_path)[0])
    print(f"\n## Cross-check, configuration {name}: {len(mesa)} Mesa seeds, {len(revsim)} revsim seeds, "
          f"{steps} steps, statistics over steps {BURN_IN + 1}-{steps}")
    print(f"{'statistic':<28} {'Mesa mean (sd)':>22} {'revsim mean (sd)':>22} {'Mann-Whitney p':>15}  verdict")
    disagreements = 0
    for key in mesa[0]:
        a, b = [m[key] for m in mesa], [r[key] for r in revsim]
        p = 1.0 if len(set(a + b)) == 1 else mannwhitneyu(a, b, alternative="two-sided").pvalue
        verdict = "agree" if p >= ALPHA else "DIFFER"
        disagreements += p < ALPHA
        cell = lambda v: f"{statistics.fmean(v):.5f} ({statistics.stdev(v):.5f})"
        print(f"{key:<28} {cell(a):>22} {cell(b):>22} {p:>15.3f}  {verdict}")
    print(f"{name}: {'agreement on every statistic' if not disagreements else f'{disagreements} statistics differ'} "
          f"(Mann-Whitney U, two-sided, alpha {ALPHA})")
    return disagreements


def timing_table(path):
    by_size = defaultdict(list)
    with open(path) as f:
        for row in csv.DictReader(f):
            steps = int(row["steps"])
            by_size[int(row["size"])].append(
                (steps / float(row["seconds"]), steps / float(row["cpu_seconds"]), int(row["agents"]))
            )
    return {
        size: (statistics.median(w for w, _, _ in v), statistics.median(c for _, c, _ in v), v[0][2], len(v))
        for size, v in by_size.items()
    }


def timing(mesa_path, revsim_path):
    mesa, revsim = timing_table(mesa_path), timing_table(revsim_path)
    print("\n## Speed: steps per second, medians over seeds (CPU time; wall clock in brackets)")
    print(f"{'grid':>10} {'agents':>9} {'Mesa steps/s':>24} {'revsim steps/s':>24} {'ratio':>16}"
          f" {'Mesa µs/agent':>14} {'revsim ns/agent':>16}")
    for size in sorted(revsim):
        r = revsim[size]
        if size in mesa:
            m = mesa[size]
            ratio = f"{r[1] / m[1]:,.0f}× [{r[0] / m[0]:,.0f}×]"
            mesa_cell = f"{m[1]:,.3f} [{m[0]:,.3f}] ({m[3]})"
        else:
            ratio, mesa_cell = "-", "not run"
        # CPU time per agent and step: how each scales with the grid.
        mesa_agent = f"{1e6 / (m[1] * m[2]):,.0f}" if size in mesa else "-"
        revsim_agent = f"{1e9 / (r[1] * r[2]):,.0f}"
        print(f"{f'{size}×{size}':>10} {r[2]:>9,} {mesa_cell:>24} {f'{r[1]:,.0f} [{r[0]:,.0f}] ({r[3]})':>24} {ratio:>16}"
              f" {mesa_agent:>14} {revsim_agent:>16}")
    print("(in round brackets: seeds timed)")
    return round(revsim[40][1] / mesa[40][1])


def main():
    if sys.argv[1] == "crosscheck":
        sys.exit(1 if crosscheck(*sys.argv[2:5]) else 0)
    ratio = timing(*sys.argv[2:4])
    print(f"revsim is {ratio}× faster than Mesa per step (40×40)")


if __name__ == "__main__":
    main()
