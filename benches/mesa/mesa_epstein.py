"""Runs Mesa's own Epstein civil-violence example (mesa==3.3.1) for the cross-check and the timing.

Two modes, both writing plain CSV on standard output:

  counts CONFIG SIZE STEPS SEED...   one row per seed and step: seed,step,active,quiet,jailed
  timing CONFIG SIZE STEPS SEED...   one row per seed: seed,size,agents,steps,seconds,cpu_seconds

The model is Mesa's example exactly as shipped. CONFIG `mesa` keeps its defaults (citizen density
0.7, cop density 0.074, vision 7, legitimacy 0.8, k 2.3, threshold 0.1, max jail term 1000); `run1`
sets the paper's Run 1 values where they differ (cop density 0.04, legitimacy 0.82, max jail 30).
Only these, the grid size and the seed are set here. Python's imports and the model's construction
are not timed; one warm-up step (Mesa fills its neighbourhood cache on first use) runs before the
clock starts. `seconds` is wall time, `cpu_seconds` the process's CPU time over the same steps.
"""

import sys
import time

from mesa.examples.advanced.epstein_civil_violence.model import EpsteinCivilViolence


CONFIGS = {"mesa": {}, "run1": {"cop_density": 0.04, "legitimacy": 0.82, "max_jail_term": 30}}


def counts(config, size, steps, seeds):
    print("seed,step,active,quiet,jailed")
    for seed in seeds:
        model = EpsteinCivilViolence(width=size, height=size, seed=seed, max_iters=steps + 1, **config)
        for step in range(1, steps + 1):
            model.step()
            print(f"{seed},{step},{model.ACTIVE},{model.QUIET},{model.ARRESTED}")
        sys.stdout.flush()


def timing(config, size, steps, seeds):
    print("seed,size,agents,steps,seconds,cpu_seconds")
    for seed in seeds:
        model = EpsteinCivilViolence(width=size, height=size, seed=seed, max_iters=steps + 2, **config)
        model.step()
        start, cpu = time.perf_counter(), time.process_time()
        for _ in range(steps):
            model.step()
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        print(f"{seed},{size},{len(model.agents)},{steps},{seconds:.6f},{cpu:.6f}")
        sys.stdout.flush()


def main():
    mode, config, size, steps = sys.argv[1], CONFIGS[sys.argv[2]], int(sys.argv[3]), int(sys.argv[4])
    seeds = [int(s) for s in sys.argv[5:]]
    {"counts": counts, "timing": timing}[mode](config, size, steps, seeds)


if __name__ == "__main__":
    main()
