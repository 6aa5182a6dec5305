"""Simulation checks of the theory page §3–§4: convergence to the limit, the first-jump logistic
correction, and the agreement of the (u, v) network with the mirror flow.

The simulations are the library's (:func:`dlnsym.simulate.simulate`, float64 Radau IIA
collocation; :func:`dlnsym.network.simulate_network`, mpmath Taylor on the primal flow); the
expected values come from Algorithm 1 in exact arithmetic and from the theory page's closed forms.
The simulations are cached per (problem, Λ), so a negative control re-uses them and only its
corrupted *expectation* differs.  All three checks are slow (seconds per simulation).
"""

from __future__ import annotations

import math
import sys
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np

from dlnsym.lift import loss_gradient
from dlnsym.problems import Problem
from dlnsym.saddle_path import SaddlePath, saddle_path

from . import corrupt, instances
from .instances import path_cases
from .registry import Case, Verdict, register, verdict

MODULE = __spec__.name

#: Λ = ln(1/α) of the mirror-flow simulations, increasing.
LAMBDAS = (30.0, 100.0, 300.0, 1000.0)
#: Absolute accuracy of β in the float64 simulations (their contract is 1e-9 for Λ ≤ 10⁴).
SIM_ACCURACY = 1e-9


@lru_cache(maxsize=64)
def _simulation(problem: Problem, lam: float, t_max: float) -> Any:
    """The float64 mirror-flow trajectory on ``[0, t_max]`` (cached per problem object)."""
    from dlnsym.simulate import simulate

    return simulate(problem, log_inv_alpha=lam, t_max=t_max)


def _horizon(problem: Problem) -> float:
    """``1.2·t_K`` of the *true* path (the simulation must not depend on a corrupted one)."""
    return 1.2 * float(saddle_path(problem, exact=True).times[-1])


def _beta_at(problem: Problem, lam: float, times: Sequence[float]) -> np.ndarray:
    return _simulation(problem, lam, _horizon(problem)).at(list(times)).beta_float()


# ------------------------------------------------------------------ convergence rate
def check_convergence_rate(problem: Problem, path: SaddlePath,
                           lambdas: Sequence[float] = LAMBDAS) -> Verdict:
    """Simulations at growing Λ approach the limit path.

    * jump times: the simulated jump times ``T_k(Λ)`` (first crossing of the mid loss level)
      satisfy ``T_k(Λ) = t_k + c_k/Λ + o(1/Λ)``: ``Λ·(T_k − t_k)`` is bounded and settles —
      at the two largest Λ it differs by at most ``0.05·(1 + |Λ(T_k − t_k)|)``;
    * plateaus: the error ``e_k(Λ) = max_i |β_i(t_mid) − β_k,i|`` at the midpoint
      ``(t_k + t_{k+1})/2`` (at ``1.1·t_K`` for the last saddle) never grows with Λ, and
      shrinks by a factor 100 from the smallest to the largest Λ — unless it is already at
      the simulator's accuracy :data:`SIM_ACCURACY`.  (Short plateaus converge slowly: the
      midpoint is only ``Λ·(t_{k+1} − t_k)/2`` fast-time units away from the jumps.)
    """
    times = [float(t) for t in path.times]
    mids = [(a + b) / 2 for a, b in zip(times, times[1:], strict=False)] + [1.1 * times[-1]]
    target = np.array([np.asarray(b, dtype=float) for b in path.saddles])
    failures, scaled, plateau = [], [], []
    for lam in lambdas:
        sim = _simulation(problem, lam, _horizon(problem))
        if len(sim.jump_times) != len(times) - 1:
            failures.append(f"Λ={lam:g}: {len(sim.jump_times)} jumps detected, "
                            f"path has {len(times) - 1}")
            continue
        scaled.append(lam * (np.array(sim.jump_times) - np.array(times[1:])))
        plateau.append(np.max(np.abs(_beta_at(problem, lam, mids) - target), axis=1))
    if failures:
        return verdict(failures, "")
    last, before = scaled[-1], scaled[-2]
    for k in np.flatnonzero(np.abs(last - before) > 0.05 * (1 + np.abs(before))):
        failures.append(f"jump {k + 1}: Λ·(T − t) = {before[k]:.4g} at Λ={lambdas[-2]:g} "
                        f"but {last[k]:.4g} at Λ={lambdas[-1]:g}")
    errs = np.array(plateau)  # (Λ, plateau k)
    settled = errs <= SIM_ACCURACY
    for i, k in zip(*np.nonzero((errs[1:] > errs[:-1]) & ~settled[1:]), strict=True):
        failures.append(f"plateau {k}: error grows from {errs[i, k]:.2e} (Λ={lambdas[i]:g}) "
                        f"to {errs[i + 1, k]:.2e} (Λ={lambdas[i + 1]:g})")
    for k in np.flatnonzero((errs[-1] > errs[0] / 100) & ~settled[-1]):
        failures.append(f"plateau {k}: error only {errs[0, k]:.2e} → {errs[-1, k]:.2e}")
    return verdict(failures, f"Λ·(T_k − t_k) → {np.round(last, 3).tolist()}; worst plateau "
                   "error " + ", ".join(f"{e:.1e}" for e in errs.max(axis=1))
                   + f" at Λ = {list(lambdas)}")


register(
    "convergence-rate",
    "Simulations at growing Λ approach the limit: jump-time errors × Λ stay bounded (and "
    "settle to c_k) while plateau errors shrink.",
    cases=path_cases(check_convergence_rate),
    corrupted=lambda q: [
        *path_cases(check_convergence_rate, corrupt.shift_time, what="t_2 + 1/1000")(q),
        *path_cases(check_convergence_rate, lambda p: corrupt.perturb_saddle(p, k=2),
                    what="β_2 + 1/1000 in one entry")(q),
    ],
    module=MODULE,
    slow=True,
)


# ------------------------------------------------------------- first-jump correction
def logistic_first_jump(problem: Problem, t1: float, t: np.ndarray, lam: float) -> np.ndarray:
    """the theory page §4: ``|β_j(t̃)| ≈ |b| / (1 + e^{−2c*Λ(t̃ − t₁) + ln(2|b|)})`` with
    ``c* = ‖c‖∞`` reached at j and ``b = c_j/H_jj`` (= β₁,j)."""
    c = np.array([float(v) for v in -loss_gradient(problem, [0] * problem.d)])
    j = int(np.argmax(np.abs(c)))
    H_jj = float(problem.to_float().gram()[0][j, j])
    b = abs(c[j] / H_jj)
    return b / (1 + np.exp(-2 * abs(c[j]) * lam * (t - t1) + math.log(2 * b)))


def check_first_jump_correction(problem: Problem, path: SaddlePath,
                                lambdas: Sequence[float] = LAMBDAS) -> Verdict:
    """``e(Λ) = max |β_j^sim(t̃) − logistic(t̃)|`` over ``t̃ = t₁ + w/(2c*Λ)``, ``w ∈ [−6, 6]``,
    is o(1/Λ): ``Λ·e(Λ)`` never grows with Λ unless ``e`` is already at the simulator's
    accuracy (:data:`SIM_ACCURACY`), and is below 1e-3 at the largest Λ.  (The logistic
    neglects only exponentially small terms; the bound is generous.)"""
    c_star = float(max(abs(v) for v in -loss_gradient(problem, [0] * problem.d)))
    t1 = float(path.times[1])
    j = int(np.argmax(np.abs(np.array(path.saddles[1], dtype=float))))
    errors = []
    for lam in lambdas:
        t = t1 + np.linspace(-6, 6, 25) / (2 * c_star * lam)
        sim = np.abs(_beta_at(problem, lam, np.clip(t, 0, None))[:, j])
        errors.append(float(np.max(np.abs(sim - logistic_first_jump(problem, t1, t, lam)))))
    failures = [f"Λ·error grows from {l0 * e0:.2e} (Λ={l0:g}) to {l1 * e1:.2e} (Λ={l1:g})"
                for l0, e0, l1, e1 in zip(lambdas, errors, lambdas[1:], errors[1:], strict=False)
                if l1 * e1 > l0 * e0 and e1 > SIM_ACCURACY]
    if lambdas[-1] * errors[-1] > 1e-3:
        failures.append(f"Λ·error = {lambdas[-1] * errors[-1]:.2e} at Λ={lambdas[-1]:g}")
    return verdict(failures, "max error = " + ", ".join(f"{e:.1e}" for e in errors)
                   + f" at Λ = {list(lambdas)}")


register(
    "first-jump-correction",
    "The logistic first-jump formula of theory §4 matches the simulation with an error that "
    "is o(1/Λ).",
    cases=path_cases(check_first_jump_correction),
    corrupted=path_cases(check_first_jump_correction, lambda p: corrupt.shift_time(p, 1),
                         what="t₁ + 1/1000"),
    module=MODULE,
    slow=True,
)


# ------------------------------------------------------------------------ primal-dual
#: Λ and digits of the network runs (its cost grows like Λ·(dps + 0.87Λ)²).
NETWORK_LAMBDA, NETWORK_DPS, PRIMAL_DUAL_TOL = 6.0, 20, 1e-8


@lru_cache(maxsize=16)
def _network(problem: Problem, lam: float, times: tuple[float, ...]) -> np.ndarray:
    from dlnsym.network import simulate_network

    run = simulate_network(problem, log_inv_alpha=lam, t_max=times[-1], dps=NETWORK_DPS,
                           at=list(times))
    return run.beta_float()


def check_primal_dual(network_beta: np.ndarray, mirror_beta: np.ndarray) -> Verdict:
    """``max |β_network(t̃) − β_mirror(t̃)| ≤ 1e-8`` at common sample times."""
    err = float(np.max(np.abs(network_beta - mirror_beta)))
    if err > PRIMAL_DUAL_TOL:
        return Verdict(False, f"max |β_net − β_mirror| = {err:.2e} > {PRIMAL_DUAL_TOL:g}")
    return Verdict(True, f"max |β_net − β_mirror| = {err:.1e} over {len(network_beta)} times")


def _primal_dual_cases(mirror_lambda_shift: float) -> Any:
    """Network at Λ = 6 against the mirror flow at ``Λ + shift`` (shift 0: honest), on the
    whole path (every jump, leaving coordinates included) at 40 times."""
    def cases(quick: bool) -> list[Case]:
        out = []
        for inst in instances.general(quick, max_d=8):
            times = tuple(np.linspace(0, 1.1 * float(inst.path.times[-1]), 40).tolist())
            lam = NETWORK_LAMBDA + mirror_lambda_shift
            label = inst.label + (f", mirror flow at Λ = {lam:g}" if mirror_lambda_shift else "")
            out.append(Case(label, lambda inst=inst, times=times, lam=lam: check_primal_dual(
                _network(inst.problem, NETWORK_LAMBDA, times),
                _simulation(inst.problem, lam, times[-1]).at(list(times)).beta_float())))
        return out
    return cases


register(
    "primal-dual",
    "The (u, v) network simulation and the mirror-flow simulation give the same β(t̃).",
    cases=_primal_dual_cases(0.0),
    corrupted=_primal_dual_cases(0.01),
    module=MODULE,
    slow=True,
)

if __name__ == "__main__":
    from .cli import main

    sys.exit(main(module=MODULE))
