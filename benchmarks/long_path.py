"""One long whole-path run of the float64 simulator, the lines `make bench` leaves out.

``python -m benchmarks.long_path [D] [LAMBDA]`` (default d = 2000, Λ = 10⁶) integrates the
whole path (default ``t_max``) of ``gaussian_sparse(n=d/2, d, sparsity=5, noise=0.1,
seed=0)``, the instance of the dimension lines of :mod:`benchmarks.bench_simulate`, and
prints a line every 30 s (wall and CPU time, ``t̃``, saddles passed) and at the end: wall
and CPU seconds, jumps detected against Algorithm 1's count, accepted and rejected steps,
and the peak resident memory of the process.  At d = 2000, Λ = 10⁶ it takes about half an
hour on a 2-core machine, which is why it is not a ``bench_*`` module.
"""

from __future__ import annotations

import resource
import sys
import time

from dlnsym.problems import gaussian_sparse
from dlnsym.progress import PathProgress
from dlnsym.saddle_path import saddle_path
from dlnsym.simulate import simulate

#: seconds between two progress lines
REPORT_EVERY = 30.0


def main(argv: list[str]) -> int:
    d = int(argv[0]) if argv else 2000
    lam = float(argv[1]) if len(argv) > 1 else 1e6
    problem = gaussian_sparse(n=d // 2, d=d, sparsity=5, noise=0.1, seed=0)
    path = saddle_path(problem)
    times = [float(t) for t in path.times]
    saddles = PathProgress(times, 1.2 * times[-1])  # simulate's default t_max
    wall, cpu = time.perf_counter(), time.process_time()
    last = [wall]

    def report(t: float) -> None:
        now = time.perf_counter()
        if now - last[0] >= REPORT_EVERY:
            last[0] = now
            print(f"{now - wall:8.0f} s wall {time.process_time() - cpu:8.0f} s CPU  "
                  f"t̃ = {t:.6g}, {saddles.describe(t)}", flush=True)

    trajectory = simulate(problem, log_inv_alpha=lam, progress=report)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20  # KiB on Linux
    stats = trajectory.stats
    print(f"d = {d}, Λ = {lam:g}: {wall:.1f} s wall, {cpu:.1f} s CPU, "
          f"{len(trajectory.jump_times)} of {path.n_jumps} jumps detected, "
          f"{stats['accepted']} accepted + {stats['rejected']} rejected steps, "
          f"peak memory {peak:.2f} GiB", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
