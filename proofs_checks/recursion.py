"""Checks of the recursion of Algorithm 1 itself (the theory page §4): the dual moves linearly and
stops at the first hit, sign patterns never repeat, and the float64 path agrees with the
exact one.

The time steps are re-derived from the saddles (``s_{k+1} = s_k − Δ_k·∇L(β_k)`` with gradients
recomputed by SymPy), not read from Algorithm 1's bookkeeping.
"""

from __future__ import annotations

import sys

import numpy as np

from dlnsym.lift import loss_gradient, rational
from dlnsym.problems import Problem
from dlnsym.saddle_path import SaddlePath, saddle_path

from . import corrupt
from .instances import path_cases
from .registry import Verdict, register, verdict

MODULE = __spec__.name


def check_dual_recursion(problem: Problem, path: SaddlePath) -> Verdict:
    """``t₀ = 0``, ``s₀ = 0``; for each k: ``Δ_k = t_{k+1} − t_k > 0``,
    ``s_{k+1} = s_k − Δ_k·∇L(β_k)`` exactly, ``‖s_{k+1}‖∞ ≤ 1`` (so, s being linear in
    between, no coordinate left the box before ``t_{k+1}``), and some coordinate strictly
    inside the box at ``t_k`` is on ±1 at ``t_{k+1}`` (so ``t_{k+1}`` is the first hit);
    at the end ``∇L(β_K) = 0``."""
    failures = []
    if path.times[0] != 0 or any(v != 0 for v in path.duals[0]):
        failures.append("t₀ ≠ 0 or s₀ ≠ 0")
    for k in range(path.n_jumps):
        g = loss_gradient(problem, path.saddles[k])
        delta = rational(path.times[k + 1]) - rational(path.times[k])
        s0 = [rational(v) for v in path.duals[k]]
        s1 = [rational(v) for v in path.duals[k + 1]]
        if delta <= 0:
            failures.append(f"k={k}: Δ = {delta} ≤ 0")
        if any(b != a - delta * gi for a, b, gi in zip(s0, s1, g, strict=True)):
            failures.append(f"k={k}: s_{k + 1} ≠ s_{k} − Δ·∇L(β_{k})")
        if any(abs(v) > 1 for v in s1):
            failures.append(f"k={k}: ‖s_{k + 1}‖∞ > 1")
        if not any(abs(b) == 1 and abs(a) < 1 for a, b in zip(s0, s1, strict=True)):
            failures.append(f"k={k}: no coordinate reaches ±1 at t_{k + 1}")
    if any(v != 0 for v in loss_gradient(problem, path.saddles[-1])):
        failures.append("∇L(β_K) ≠ 0 at the end")
    return verdict(failures, f"{path.n_jumps} steps: s_(k+1) = s_k − Δ_k·g_k exactly, each "
                   "stopping at the first hit of ±1; ∇L(β_K) = 0")


register(
    "dual-recursion",
    "Between jumps s moves linearly with velocity −∇L(β_k) and each jump time is the first "
    "time a coordinate of s reaches ±1.",
    cases=path_cases(check_dual_recursion),
    corrupted=lambda q: [
        *path_cases(check_dual_recursion, corrupt.shift_time, what="t_2 + 1/1000")(q),
        *path_cases(check_dual_recursion, corrupt.stop_short,
                    what="step 1 stopped halfway, before the first hit",
                    expect="no coordinate reaches ±1")(q),
    ],
    module=MODULE,
)


def _pattern(s: np.ndarray) -> tuple[int, ...]:
    """The sign pattern of N(s): ±1 where ``s_i = ±1``, 0 where ``|s_i| < 1``."""
    return tuple(int(v) if abs(v) == 1 else 0 for v in s)


def check_no_repeat(problem: Problem, path: SaddlePath) -> Verdict:
    """The sign patterns of ``N(s_k)`` are pairwise distinct, hence ``K + 1 ≤ 3^d``."""
    patterns = [_pattern(s) for s in path.duals]
    seen: dict[tuple[int, ...], int] = {}
    failures = []
    for k, pat in enumerate(patterns):
        if pat in seen:
            failures.append(f"pattern of s_{k} repeats that of s_{seen[pat]}: {pat}")
        seen.setdefault(pat, k)
    if len(patterns) > 3**problem.d:
        failures.append(f"{len(patterns)} saddles > 3^d")
    return verdict(failures, f"{len(patterns)} distinct sign patterns (≤ 3^{problem.d})")


register(
    "no-repeat",
    "No sign pattern of N(s_k) repeats along the path, so Algorithm 1 stops after at most "
    "3^d steps.",
    cases=path_cases(check_no_repeat),
    corrupted=path_cases(check_no_repeat, corrupt.repeat_last_step),
    module=MODULE,
)

#: Agreement required between the float64 and the exact Algorithm 1, relative to 1 + |x|.
FLOAT_TOL = 1e-9


def check_float_path(problem: Problem, path: SaddlePath) -> Verdict:
    """Algorithm 1 in float64 on the rounded data gives the same number of jumps, the same
    signed active sets and times, saddles and losses within ``1e-9·(1 + |x|)``."""
    fpath = saddle_path(problem.to_float())
    if fpath.n_jumps != path.n_jumps or fpath.active_sets != path.active_sets:
        return Verdict(False, f"float path has {fpath.n_jumps} jumps and active sets "
                       f"{fpath.active_sets}, exact {path.n_jumps} and {path.active_sets}")
    pairs = {
        "times": (fpath.times, path.times),
        "saddles": (fpath.saddles, path.saddles),
        "losses": (fpath.losses, path.losses),
    }
    worst = {}
    for key, (got, want) in pairs.items():
        w = np.array(want, dtype=float)
        worst[key] = float(np.max(np.abs(np.array(got, dtype=float) - w) / (1 + np.abs(w))))
    failures = [f"{key} differ by {err:.2e} (relative)" for key, err in worst.items()
                if err > FLOAT_TOL]
    return verdict(failures, "same active sets; relative differences "
                   + ", ".join(f"{k} {e:.1e}" for k, e in worst.items()))


register(
    "float-path",
    "The float64 Algorithm 1 reproduces the exact saddle path: same active sets, times and "
    "saddles to 1e-9.",
    cases=path_cases(check_float_path),
    corrupted=path_cases(check_float_path, corrupt.perturb_saddle,
                         what="last saddle + 1/1000 in one entry"),
    module=MODULE,
)


if __name__ == "__main__":
    from .cli import main

    sys.exit(main(module=MODULE))
