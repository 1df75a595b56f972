"""Runs Mesa's own Epstein civil-violence example (mesa==3.3.1) for the cross-check and the timing.

Two modes, both writing plain CSV on standard output:

  counts SIZE STEPS SEED...   one row per seed and step: seed,step,active,quiet,jailed
  timing SIZE STEPS SEED...   one row per seed: seed,size,agents,steps,seconds (model.step() only)

The model is Mesa's example exactly as shipped, with its defaults (citizen density 0.7, cop density
0.074, vision 7, legitimacy 0.8, k 2.3, threshold 0.1, max jail term 1000); only the grid size and
the seed are set here. Python's imports and the model's construction are not timed; one warm-up step
(Mesa fills its neighbourhood cache on first use) is run before the clock starts.
"""

import sys
import time

from mesa.examples.advanced.epstein_civil_violence.model import EpsteinCivilViolence


def counts(size, steps, seeds):
    print("seed,step,active,quiet,jailed")
    for seed in seeds:
        model = EpsteinCivilViolence(width=size, height=size, seed=seed, max_iters=steps + 1)
        for step in range(1, steps + 1):
            model.step()
            print(f"{seed},{step},{model.ACTIVE},{model.QUIET},{model.ARRESTED}")
        sys.stdout.flush()


def timing(size, steps, seeds):
    print("seed,size,agents,steps,seconds")
    for seed in seeds:
        model = EpsteinCivilViolence(width=size, height=size, seed=seed, max_iters=steps + 2)
        model.step()
        start = time.perf_counter()
        for _ in range(steps):
            model.step()
        seconds = time.perf_counter() - start
        print(f"{seed},{size},{len(model.agents)},{steps},{seconds:.6f}")
        sys.stdout.flush()


def main():
    mode, size, steps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    seeds = [int(s) for s in sys.argv[4:]]
    {"counts": counts, "timing": timing}[mode](size, steps, seeds)


if __name__ == "__main__":
    main()
