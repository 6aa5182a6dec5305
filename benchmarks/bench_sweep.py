"""Sweep throughput: instances per second on a Dask LocalCluster against one process.

* ``dlnsym.sweep`` of a Donoho–Tanner-style spec (family sparse, d = 200, δ ∈ {0.3, 0.5, 0.7},
  ρ ∈ {0.2, 0.4}, 16 trials: 96 instances of Algorithm 1) on a ``LocalCluster`` of one worker
  process per core, threads_per_worker = 1, against the same instances run in turn in this
  process (``run_instance`` in a loop, the same code a worker runs); target ≤ 1 (the cluster
  must not be slower than one process; ideal 1/cores).
* the same small-instance sweep (d = 40, 120 instances of about 1 ms) in tasks of one
  instance against the automatic chunk size: what chunking saves on the scheduler's per-task
  cost (no target).

The cluster is started once, before any timing (its start-up, about 1–2 s, is not part of
the throughput); the lines are timed in turn, best of 3 rounds, without result files.
"""

from __future__ import annotations

import logging

from distributed import Client, LocalCluster

from benchmarks._timing import Comparison, interleaved_best
from dlnsym.sweep import load_spec, sweep
from dlnsym.sweep.driver import default_workers
from dlnsym.sweep.instances import run_instance

PHASE = {"family": "sparse", "seed": 0, "trials": 16,
         "grid": {"d": 200, "delta": [0.3, 0.5, 0.7], "rho": [0.2, 0.4]}}
SMALL = {"family": "sparse", "seed": 0, "trials": 20,
         "grid": {"d": 40, "delta": [0.25, 0.5], "rho": [0.1, 0.3, 0.5]}}


def run() -> list[Comparison]:
    phase, small = load_spec(PHASE), load_spec(SMALL)
    workers = default_workers()
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                           dashboard_address=":0", silence_logs=logging.CRITICAL)
    with cluster, Client(cluster) as client:
        sweep(SMALL, client=client, progress=False)  # warm the workers' imports
        ours, serial, single, auto = interleaved_best(
            lambda: sweep(phase, client=client, progress=False),
            lambda: [run_instance(i) for i in phase.instances()],
            lambda: sweep(small, client=client, progress=False, chunk_size=1),
            lambda: sweep(small, client=client, progress=False),
            repeat=3,
        )
    count, tiny = len(phase), len(small)
    return [
        Comparison(f"sweep on LocalCluster({workers} workers), {count} instances d=200",
                   ours, "same instances in one process", serial, target=1.0,
                   note=f"{count / ours:.0f} vs {count / serial:.0f} instances/s"),
        Comparison(f"sweep, {tiny} instances d=40, 1 instance per task", single,
                   "automatic chunks", auto,
                   note=f"{tiny / single:.0f} vs {tiny / auto:.0f} instances/s"),
    ]
