"""Checks of the theory page §4 "Saddles of F": each β_k lifts to an exact critical point of
``F(u, v) = L(u ⊙ v)``; all but the last are strict saddles, the last is a global minimum.

Everything is exact: the lifted weights are square roots of rationals, the derivatives of F
are taken by SymPy from the polynomial F (:mod:`dlnsym.lift`), and zero tests are exact.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

import numpy as np
import sympy as sp

from dlnsym.lift import (
    is_exact_zero,
    lift,
    loss_gradient,
    loss_hessian,
    network_gradient,
    network_hessian,
    rational,
)
from dlnsym.problems import Problem
from dlnsym.saddle_path import SaddlePath

from . import corrupt
from .instances import path_cases
from .registry import Verdict, register, verdict

MODULE = __spec__.name


def check_saddle_critical(problem: Problem, path: SaddlePath) -> Verdict:
    """``∇F(u, v) = 0`` exactly at the lift ``u = sqrt|β_k|``, ``v = sign(β_k)·sqrt|β_k|`` of
    every saddle (and ``u ⊙ v = β_k``)."""
    failures = []
    for k, b in enumerate(path.saddles):
        u, v = lift(b)
        if any(not is_exact_zero(ui * vi - rational(bi)) for ui, vi, bi in zip(u, v, b,
                                                                               strict=True)):
            failures.append(f"k={k}: u ⊙ v ≠ β_k")
        grad = network_gradient(problem, b)
        bad = [j for j, e in enumerate(grad) if not is_exact_zero(e)]
        if bad:
            failures.append(f"k={k}: ∂F ≠ 0 in {len(bad)} entries, e.g. "
                            f"{sp.sstr(grad[bad[0]])}")
    return verdict(failures, f"∇F = 0 exactly (algebraic numbers) at all "
                   f"{len(path.saddles)} lifted saddles")


register(
    "saddle-critical",
    "Every saddle β_k of Algorithm 1, lifted to u = sqrt|β_k|, v = sign(β_k)·sqrt|β_k|, is an "
    "exact critical point of F(u, v) = L(u ⊙ v).",
    cases=path_cases(check_saddle_critical),
    corrupted=path_cases(check_saddle_critical, corrupt.perturb_saddle,
                         what="last saddle + 1/1000 in one entry"),
    module=MODULE,
)


#: A claimed Hessian eigenpair at a saddle: ``(d, i, g_i) -> (w, λ)`` with w in ℝ^{2d}
#: (u-coordinates first) for a coordinate with ``β_i = 0``, ``g_i ≠ 0``.
Eigenpair = Callable[[int, int, sp.Expr], tuple[sp.Matrix, sp.Expr]]


def _escape(d: int, i: int, sign: sp.Expr) -> sp.Matrix:
    """``e_{u_i} + sign·e_{v_i}`` in ℝ^{2d} (u-coordinates first)."""
    w = sp.zeros(2 * d, 1)
    w[i], w[d + i] = 1, sign
    return w


def theory_eigenpair(d: int, i: int, gi: sp.Expr) -> tuple[sp.Matrix, sp.Expr]:
    """the theory page §4: ``w = e_{u_i} − sign(g_i)·e_{v_i}`` with eigenvalue ``−|g_i|``."""
    return _escape(d, i, -sp.sign(gi)), -abs(gi)


def _plus_direction(d: int, i: int, gi: sp.Expr) -> tuple[sp.Matrix, sp.Expr]:
    """Wrong: ``e_{u_i} + sign(g_i)·e_{v_i}`` (true eigenvalue ``+|g_i|``) claimed ``−|g_i|``."""
    return _escape(d, i, sp.sign(gi)), -abs(gi)


def _plus_eigenvalue(d: int, i: int, gi: sp.Expr) -> tuple[sp.Matrix, sp.Expr]:
    """A true eigenpair that is no escape direction: ``e_{u_i} + sign(g_i)·e_{v_i}``, ``+|g_i|``."""
    return _escape(d, i, sp.sign(gi)), abs(gi)


def check_strict_saddle(problem: Problem, path: SaddlePath,
                        eigenpair: Eigenpair = theory_eigenpair) -> Verdict:
    """Every saddle but the last is a strict saddle of F, the last one a global minimum.

    For each β_k with ``g = ∇L(β_k)`` (SymPy rationals):

    * criticality: ``g_i = 0`` on the support (then ``∇F = (v ⊙ g, u ⊙ g) = 0``);
    * k < K: for every i with ``β_k,i = 0``, ``g_i ≠ 0``, the claimed eigenpair
      ``(w, λ) = eigenpair(d, i, g_i)`` (the theory page: ``w = e_{u_i} − sign(g_i)·e_{v_i}``,
      ``λ = −|g_i|``) has ``λ < 0`` and ``∇²F·w = λ·w`` exactly, and at least one such i
      exists;
    * k = K: ``g = 0`` exactly and ``∇²F = Jᵀ H J`` with ``J = [diag v | diag u]``, which is
      ``(XJ)ᵀ(XJ)/n ⪰ 0``: no negative eigenvalue (a float eigenvalue bound corroborates).
    """
    failures, found = [], []
    d, last = problem.d, len(path.saddles) - 1
    for k, b in enumerate(path.saddles):
        g = loss_gradient(problem, b)
        if any(g[i] != 0 for i in np.flatnonzero(b != 0)):
            failures.append(f"k={k}: not critical, g ≠ 0 on the support")
            continue
        hess = network_hessian(problem, b)
        if k < last:
            directions = [i for i in range(d) if b[i] == 0 and g[i] != 0]
            failures += _escape_failures(k, hess, g, directions, eigenpair)
            if directions:
                i = max(directions, key=lambda j: abs(g[j]))
                w, lam = eigenpair(d, i, g[i])
                sign = "−" if w[d + i] < 0 else "+"
                found.append(f"k={k}: λ = {lam} along e_u{i} {sign} e_v{i}")
            else:
                failures.append(f"k={k}: no coordinate with β_i = 0 and g_i ≠ 0")
            continue
        if any(e != 0 for e in g):
            failures.append(f"k={k} (last): g ≠ 0 (max |g_i| = {max(abs(e) for e in g)}), so "
                            "−|g_i| < 0 is a Hessian eigenvalue: a saddle, not a minimum")
            continue
        u, v = lift(b)
        J = sp.diag(*v).row_join(sp.diag(*u))
        if not all(is_exact_zero(e) for e in hess - J.T * loss_hessian(problem) * J):
            failures.append(f"k={k} (last): ∇²F ≠ Jᵀ H J")
            continue
        low = float(np.linalg.eigvalsh(np.array(hess.evalf(), dtype=float)).min())
        found.append(f"k={k} (last): g = 0 and ∇²F = JᵀHJ ⪰ 0 exactly "
                     f"(float min eigenvalue {low:.2e})")
    return verdict(failures, "; ".join(found))


def _escape_failures(k: int, hess: sp.Matrix, g: sp.Matrix, directions: list[int],
                     eigenpair: Eigenpair) -> list[str]:
    """Why the claimed eigenpairs along ``directions`` are not negative eigenpairs of ∇²F."""
    failures = []
    for i in directions:
        w, lam = eigenpair(hess.rows // 2, i, g[i])
        if not lam < 0:
            failures.append(f"k={k}: claimed eigenvalue λ = {lam} ≥ 0 along u_{i}, v_{i}")
        if not all(is_exact_zero(e) for e in hess * w - lam * w):
            failures.append(f"k={k}: ∇²F·w ≠ λ·w (λ = {lam}) along u_{i}, v_{i}")
    return failures


def _eigenpair_cases(eigenpair: Eigenpair, what: str, expect: str) -> Callable:
    """Cases of the check on the *true* paths with a wrong claimed ``eigenpair``."""
    return path_cases(lambda problem, path: check_strict_saddle(problem, path, eigenpair),
                      lambda path: path, what=what, expect=expect)


register(
    "strict-saddle",
    "Every saddle but the last has the exact Hessian eigenvalue −|g_i| < 0 of F along "
    "e_{u_i} − sign(g_i)·e_{v_i} (β_i = 0, g_i ≠ 0); the last has no negative eigenvalue.",
    cases=path_cases(check_strict_saddle),
    corrupted=lambda q: [
        *path_cases(check_strict_saddle, corrupt.truncate, what="path without its last saddle",
                    expect="(last): g ≠ 0")(q),
        *path_cases(check_strict_saddle, corrupt.repeat_last_step,
                    what="last saddle repeated as a non-last one",
                    expect="no coordinate with β_i = 0 and g_i ≠ 0")(q),
        *_eigenpair_cases(_plus_direction, "direction e_u + sign(g)·e_v claimed −|g|",
                          "∇²F·w ≠ λ·w")(q),
        *_eigenpair_cases(_plus_eigenvalue, "eigenpair (e_u + sign(g)·e_v, +|g|)",
                          "≥ 0 along")(q),
    ],
    module=MODULE,
)


if __name__ == "__main__":
    from .cli import main

    sys.exit(main(module=MODULE))
