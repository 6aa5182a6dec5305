"""Check of the theory page §4 "Jumps": the heteroclinic orbit of each jump ends at the next saddle.

The orbit is integrated by the library (:func:`dlnsym.heteroclinic.jump_orbit`, log-coordinates
``z_i = ln|β_i|``, stiff solver); the expected end point ``β_{k+1}`` comes from Algorithm 1 in
exact arithmetic, an independent computation (a sign-constrained least-squares solve, not a
flow).
"""

from __future__ import annotations

import sys

import numpy as np

from dlnsym.heteroclinic import jump_orbit
from dlnsym.problems import Problem
from dlnsym.saddle_path import SaddlePath

from . import corrupt
from .instances import path_cases
from .registry import Verdict, register, verdict

MODULE = __spec__.name

#: Largest allowed ``max_i |β_orbit,i(∞) − β_{k+1,i}|`` (float64 integration, rtol 1e-10).
TOLERANCE = 1e-8


def check_heteroclinic(problem: Problem, path: SaddlePath) -> Verdict:
    """For every jump k: the jump ODE started at ``β_k`` + tiny entries (sign of
    ``s_{k+1}``) in the newly hit coordinates converges, and its end point is ``β_{k+1}``
    within :data:`TOLERANCE` (with the same support)."""
    failures, worst = [], 0.0
    for k in range(path.n_jumps):
        orbit = jump_orbit(problem, path.saddles[k], path.duals[k + 1])
        target = np.array(path.saddles[k + 1], dtype=float)
        err = float(np.max(np.abs(orbit.limit - target)))
        worst = max(worst, err)
        if not orbit.converged:
            failures.append(f"jump {k}→{k + 1}: did not converge (max |g| = "
                            f"{orbit.residual:.2e} at τ = {orbit.tau[-1]:.3g})")
        elif err > TOLERANCE or not np.array_equal(orbit.limit != 0, target != 0):
            failures.append(f"jump {k}→{k + 1}: ends at support "
                            f"{np.flatnonzero(orbit.limit).tolist()}, "
                            f"β_{k + 1} has {np.flatnonzero(target).tolist()}; error {err:.2e}")
    return verdict(failures, f"all {path.n_jumps} orbits end at the next saddle, max error "
                   f"{worst:.1e}")


register(
    "heteroclinic",
    "The jump ODE dz_i/dτ = −2·sign(β_i)·g_i(β) in log-coordinates, started at β_k with tiny "
    "entries in the newly hit coordinates, converges to β_{k+1}.",
    cases=path_cases(check_heteroclinic),
    corrupted=lambda q: [
        *path_cases(check_heteroclinic, corrupt.flip_entering,
                    what="entering coordinates seeded with the wrong sign")(q),
        *path_cases(check_heteroclinic, lambda p: corrupt.perturb_saddle(p, k=2),
                    what="β_2 + 1/1000 in one entry")(q),
    ],
    module=MODULE,
)


if __name__ == "__main__":
    from .cli import main

    sys.exit(main(module=MODULE))
