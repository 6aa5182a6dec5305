"""The cost-flatness lines of :mod:`benchmarks.bench_simulate` in machine instructions.

Wall-clock times on a shared machine drift by ±30 % from one second to the next, enough to
move a ratio across its target.  The number of instructions a run executes does not drift:
valgrind counts them (``--tool=callgrind``), and the cost of one whole ``simulate`` call of
example A is the count of a process that makes the call minus that of the same process
without it (imports, the certified Radau tableau and a short warm-up run are in both).
Instructions are not time — Python glue retires fewer per cycle than Arb's arithmetic — but
they are the reproducible part of it: with a fixed hash seed and no address randomisation
(``setarch -R``) two counts of the same call agree to about 2 % (without, 5–7 %); the
float64 run at Λ = 10⁶ varies most, by up to 8 % between runs of the same code.

``python -m benchmarks.count_instructions`` (``make bench-instructions``): needs valgrind;
twelve processes under valgrind, two at a time, take about ten minutes.
"""

from __future__ import annotations

import os
import platform
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

from benchmarks._timing import Comparison
from benchmarks.bench_simulate import FLOAT_LAMS, MP_LAMS, T_MAX

#: the child process: warm-up, then ``n`` whole runs of example A
_CHILD = f"""
import sys
from dlnsym import simulate
from dlnsym.problems import example
dps = None if sys.argv[1] == "None" else int(sys.argv[1])
lam, n = float(sys.argv[2]), int(sys.argv[3])
simulate(example("A"), log_inv_alpha=lam, t_max=0.01, dps=dps)
for _ in range(n):
    simulate(example("A"), log_inv_alpha=lam, t_max={T_MAX}, dps=dps)
"""


def _collected(dps: int | None, lam: float, runs: int) -> int:
    """Instructions valgrind counts for the child process making ``runs`` whole runs."""
    command = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
               sys.executable, "-c", _CHILD, str(dps), repr(lam), str(runs)]
    if shutil.which("setarch"):  # no address randomisation: object ids, hence hashes, repeat
        command = ["setarch", platform.machine(), "-R", *command]
    out = subprocess.run(command, capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONHASHSEED": "0"})
    match = re.search(r"Collected\s*:\s*(\d+)", out.stderr)
    if match is None:
        raise RuntimeError(f"no instruction count in valgrind's output:\n{out.stderr[-2000:]}")
    return int(match.group(1))


def instructions(dps: int | None, lam: float) -> int:
    """Instructions of one whole ``simulate`` call of example A (the difference of two
    processes, one with the call and one without)."""
    return _collected(dps, lam, 1) - _collected(dps, lam, 0)


def run() -> list[Comparison]:
    """Instruction-count ratios ``count(Λ)/count(Λ = 10)`` on both paths (target ≤ 2), and
    ``count(10⁶)/count(10³ or 10²)`` (no target, :mod:`benchmarks.bench_simulate`)."""
    if shutil.which("valgrind") is None:
        print("valgrind not found: no instruction counts", file=sys.stderr)
        return []
    cases = [(None, lam) for lam in FLOAT_LAMS] + [(30, lam) for lam in MP_LAMS]
    with ThreadPoolExecutor(max_workers=2) as pool:
        counts = dict(zip(cases, pool.map(lambda case: instructions(*case), cases),
                          strict=True))
    out = []
    for dps, lams in ((None, FLOAT_LAMS), (30, MP_LAMS)):
        for lam in lams[1:]:
            out.append(Comparison(f"example A, simulate(dps={dps}), Λ={lam:g}",
                                  counts[dps, lam] / 1e6, "same at Λ=10",
                                  counts[dps, lams[0]] / 1e6, 2.0,
                                  "instructions(Λ)/instructions(Λ=10)", unit="Minstr"))
        out.append(Comparison(f"example A, simulate(dps={dps}), Λ={lams[2]:g}",
                              counts[dps, lams[2]] / 1e6, f"same at Λ={lams[1]:g}",
                              counts[dps, lams[1]] / 1e6, None,
                              "both past the smoothing of small Λ", unit="Minstr"))
    return out


if __name__ == "__main__":
    for comparison in run():
        print(comparison.line(), flush=True)
