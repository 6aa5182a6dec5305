"""Radau IIA collocation with ``s`` stages (order ``2s − 1``): one step, for any back-end.

Why Radau IIA
-------------
On a plateau the active coordinates sit on a stiff slow manifold (eigenvalues of ``J`` near
``−2Λ·H_ii|β_i|``) that is forced, slowly, by the coordinates still waking up or dying out
(rates ``2Λ|f_i|``).  Extrapolated linearly implicit Euler loses order on such stiff forced
components: its rows converge like ``(h|λ|)^j/j!`` with the *stiff* ``λ``, so at 30 digits it
needed ≈ 1200 steps of 16 rows on one plateau of example A at Λ = 100.  Radau IIA is stiffly
accurate with stage order ``s``: the stiff components are resolved through the collocation
conditions, and the step is limited by the slow rates only.  On the same plateau
(t̃ ∈ [3.7, 9.9]), 9 stages (order 17) took 117 steps under step-doubling error control and
284 under the embedded estimate below, for the whole path 2149 → 1331 steps; 13 stages
(the default at 30 digits) take 328.

The embedded estimate has order ``s`` only, so it is conservative for the order-``2s − 1``
result; that is why ``s`` grows with the digits asked for
(:func:`dlnsym.simulate.radau_stages`).  Step doubling, which estimates the error of the
high-order result itself, was measured too: fewer accepted steps, but three Newton solves
per step and more rejections, for no gain in time.

The step
--------
With stage increments ``Z_i = Y_i − y_0`` (rows of an ``s × d`` array) the collocation
equations are

    Z = h·A·F(Z),   F(Z)_i = f(y_0 + Z_i),   y_1 = y_0 + Z_s   (b = last row of A),

solved by simplified Newton with ``J = f'(y_0)``.  Diagonalising ``A = T·Γ·T^{-1}``
(``Γ = diag(γ_k)``, one real eigenvalue for odd ``s``, the others in conjugate pairs) and
writing ``W = T^{-1}Z`` splits each Newton iteration into ``s`` independent ``d × d`` systems

    (I − h·γ_k·J)·ΔW_kᵀ = −(W_k − h·γ_k·(T^{-1}F)_k)ᵀ,

of which only the real one and one of each conjugate pair are solved (``Z`` is real, so the
other half are conjugates).  Iterations stop when the predicted distance to the solution,
``θ/(1 − θ)·‖ΔZ‖`` with ``θ`` the observed contraction, is below ``κ`` in the error norm
(Hairer–Wanner IV.8).

Error estimate (Hairer–Wanner IV.8, eq. (8.19)–(8.20), for general ``s``): the embedded
formula ``ŷ_1 = y_0 + h(γ̃·f(y_0) + Σ b̂_i F_i)`` with ``γ̃`` the real eigenvalue of ``A`` and
``b̂`` exact for polynomials of degree ``< s`` has order ``s``, and

    ŷ_1 − y_1 = h·γ̃·f(y_0) + Σ_j e_j·Z_j,     e = (b̂ − b)ᵀ·A^{-1};

the estimate is that difference filtered by ``(I − h·γ̃·J)^{-1}`` (the real Newton matrix),
which removes its stiff components.  When the filtered value still exceeds the tolerance, it
is recomputed with ``f(y_0 + err)`` in place of ``f(y_0)`` (Shampine's modification), which
is also small for stiff transients.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import flint
import mpmath
import numpy as np

from dlnsym.integrate.backend import Backend
from dlnsym.integrate.controller import ErrorNorm
from dlnsym.mirror_flow import FlowValue, MirrorFlow

__all__ = ["RadauTableau", "RadauStep", "radau_tableau"]




def _mp(x: flint.arb | flint.acb) -> mpmath.mpf | mpmath.mpc:
    """The mid-point of an arb (mpf) or acb (mpc), exactly at the current mpmath precision."""
    if isinstance(x, flint.acb):
        return mpmath.mpc(_mp(x.real), _mp(x.imag))
    man, exp = x.mid().man_exp()
    return mpmath.mpf((int(man), int(exp)))


@functools.cache
def _radau_coefficients(s: int, dps: int) -> dict[str, Any]:
    """Nodes, matrix, eigen-decomposition and error weights of ``s``-stage Radau IIA, as mpf
    and mpc at ``dps + 20`` digits.

    Computed in ball arithmetic (FLINT/Arb: certified roots and Rump's certified
    eigenvectors) at twice that precision, which the Vandermonde solve and the
    eigen-decomposition partly consume; the precision is doubled again until every radius is
    below ``10^−(dps+20)``, so the mid-points returned are correct to the digits given.
    """
    if s < 1 or s % 2 == 0:
        raise ValueError(f"Radau IIA stages must be odd and positive, got {s}")
    digits = dps + 20
    old = flint.ctx.prec
    flint.ctx.prec = mpmath.libmp.dps_to_prec(2 * digits)
    try:
        while True:
            raw = _radau_balls(s)
            if all(v.rad() < flint.arb(10) ** -digits for v in _flat(list(raw.values()))):
                break
            flint.ctx.prec *= 2
    finally:
        flint.ctx.prec = old
    with mpmath.workdps(digits):
        return {key: _mp_nested(value) for key, value in raw.items()}


def _radau_balls(s: int) -> dict[str, Any]:
    """The coefficients of :func:`_radau_coefficients` as arb/acb balls at ``flint.ctx.prec``."""
    # nodes: zeros of d^{s−1}/dx^{s−1} [x^{s−1}(x − 1)^s] (right Radau points on [0, 1])
    x = flint.fmpz_poly([0, 1])
    poly = x ** (s - 1) * (x - 1) ** s
    for _ in range(s - 1):
        poly = poly.derivative()
    c = sorted((r.real for r, _ in poly.complex_roots()), key=float)
    c[-1] = flint.arb(1)
    # A_ij: Σ_j A_ij c_j^{q−1} = c_i^q / q, q = 1 … s, i.e. A·Vᵀ = W
    V = flint.arb_mat([[cj ** (q - 1) for cj in c] for q in range(1, s + 1)])
    W = flint.arb_mat([[ci**q / q for q in range(1, s + 1)] for ci in c])
    A = W * V.transpose().inv()
    gammas, T_inv, T = flint.acb_mat(A).eig(left=True, right=True, algorithm="rump")
    real = min(range(s), key=lambda k: abs(float(gammas[k].imag)))  # A = T·Γ·T^{-1}
    gamma_real = gammas[real].real
    # b̂: Σ_i b̂_i c_i^{q−1} = 1/q − γ̃·[q = 1], and e = (b̂ − b)ᵀ·A^{-1}
    rhs = flint.arb_mat([[flint.arb(1) / q - (gamma_real if q == 1 else 0)]
                         for q in range(1, s + 1)])
    b = flint.arb_mat([[A[s - 1, j]] for j in range(s)])
    e = (V.solve(rhs) - b).transpose() * A.inv()
    keep = [real] + [k for k in range(s) if k != real and float(gammas[k].imag) > 0]
    return {
        "c": c,
        "A": [[A[i, j] for j in range(s)] for i in range(s)],
        "gammas": [flint.acb(gamma_real) if k == real else gammas[k] for k in keep],
        "T_keep": [[T[i, k] * (1 if k == real else 2) for k in keep] for i in range(s)],
        "T_inv_keep": [[T_inv[k, j] for j in range(s)] for k in keep],
        "gamma_real": gamma_real,
        "e": [e[0, j] for j in range(s)],
    }


def _flat(value: Any) -> list[Any]:
    """The balls of a nested list (real and imaginary parts separately)."""
    if isinstance(value, list):
        return [v for item in value for v in _flat(item)]
    return [value.real, value.imag] if isinstance(value, flint.acb) else [value]


def _mp_nested(value: Any) -> Any:
    """:func:`_mp` over a nested list."""
    return [_mp_nested(v) for v in value] if isinstance(value, list) else _mp(value)


@dataclass(frozen=True)
class RadauTableau:
    """``s``-stage Radau IIA on one back-end (see the module docstring for the symbols).

    ``gammas`` are the eigenvalues of ``A`` that are solved for: the real one first, then one
    of each conjugate pair.  ``T_keep`` holds the matching columns of ``T`` (pairs doubled),
    so that ``Z = Re(T_keep·W_keep)``; ``T_inv_keep`` the matching rows of ``T^{-1}``.
    """

    s: int
    c: np.ndarray
    A: np.ndarray
    gammas: np.ndarray
    T_keep: np.ndarray
    T_inv_keep: np.ndarray
    gamma_real: Any
    e: np.ndarray


def radau_tableau(s: int, backend: Backend) -> RadauTableau:
    """The ``s``-stage Radau IIA tableau in ``backend``'s numbers (``s`` odd)."""
    raw = _radau_coefficients(s, backend.digits)
    return RadauTableau(
        s=s,
        c=backend.array(raw["c"]),
        A=backend.array(raw["A"]),
        gammas=backend.complex_array(raw["gammas"]),
        T_keep=backend.complex_array(raw["T_keep"]),
        T_inv_keep=backend.complex_array(raw["T_inv_keep"]),
        gamma_real=backend.scalar(raw["gamma_real"]),
        e=backend.array(raw["e"]),
    )


@dataclass
class StepOutcome:
    """What :meth:`RadauStep.attempt` found: the stage increments ``Z`` (``None`` when the
    Newton iteration failed; ``Z[-1] = y_1 − y_0``), the error estimate in the error norm,
    the Newton iterations."""

    stages: np.ndarray | None
    error: float
    iterations: int


class RadauStep:
    """One Radau IIA step of a :class:`MirrorFlow` (module docstring).

    Parameters
    ----------
    flow : MirrorFlow
    tableau : RadauTableau
    newton_tol : float
        ``κ``: Newton stops when the predicted remaining error is below ``κ`` (error norm).
    max_iterations : int
    """

    def __init__(
        self, flow: MirrorFlow, tableau: RadauTableau, newton_tol: float = 0.03,
        max_iterations: int = 12,
    ) -> None:
        self.flow = flow
        self.tab = tableau
        self.kappa = newton_tol
        self.max_iterations = max_iterations
        backend, d, k = flow.backend, flow.d, len(tableau.gammas)
        self._T_inv = backend.prepare(tableau.T_inv_keep)
        self._T = backend.prepare(tableau.T_keep)
        # constants, built once (arrays are never modified in place, but copied)
        self._eye = backend.array(np.eye(d))
        self._zero_stages = backend.array(np.zeros((tableau.s, d)))
        self._zero_transformed = backend.complex_array(np.zeros((k, d)))

    def solve(
        self, start: FlowValue, h: Any, J: np.ndarray, norm: Callable[[np.ndarray], float]
    ) -> tuple[np.ndarray | None, Any, int]:
        """Simplified Newton for the stage increments ``Z`` of a step ``h`` from ``start``,
        from ``Z = 0``: ``(Z, solvers, iterations)``, ``Z = None`` when the iteration
        diverges or is too slow; ``solvers`` are the stage systems
        (:meth:`~dlnsym.integrate.backend.Backend.stage_solver`), reused by the estimate."""
        backend, tab = self.flow.backend, self.tab
        solvers = backend.stage_solver([self._eye - J * (h * g) for g in tab.gammas])
        Z, W = self._zero_stages, self._zero_transformed
        gamma_h = (tab.gammas * h)[:, None]
        previous = None
        for iteration in range(1, self.max_iterations + 1):
            F = self.flow.field(start.base, start.offset + Z)  # F_i = f(y_0 + Z_i), rows
            if not backend.all_finite(F):
                return None, solvers, iteration
            R = backend.matmul(self._T_inv, F) * gamma_h - W
            dW = backend.solve_each(solvers, R)
            W = W + dW  # W's radii (Arb) grow by a few ulps per iteration; only Z is compared
            dZ = backend.point(backend.real(backend.matmul(self._T, dW)))
            Z = Z + dZ
            size = norm(dZ)
            if previous is None:
                if size <= self.kappa * 1e-3:
                    return Z, solvers, iteration
            elif size <= self.kappa / 10:  # a correction at noise level: nothing left to gain
                return Z, solvers, iteration
            else:
                theta = size / previous if previous else 0.0
                if theta >= 1:
                    return None, solvers, iteration
                if theta / (1 - theta) * size <= self.kappa:
                    return Z, solvers, iteration
                remaining = self.max_iterations - iteration
                if theta**remaining / (1 - theta) * size > self.kappa:
                    return None, solvers, iteration
            previous = size
        return None, solvers, self.max_iterations

    def attempt(self, start: FlowValue, h: Any, norm: ErrorNorm) -> StepOutcome:
        """One step ``h`` from ``start`` with its error estimate in ``norm`` (≤ 1: within
        tolerance).  The round-off floor of the norm is set by ``h·(|c| + |H||β|)``, the
        rounding of ``h·f`` (:meth:`MirrorFlow.rounding_scale`); the Newton test uses the
        same norm with that floor raised by ``1/κ``: increments below ``κ`` times it are
        noise, not convergence."""
        increment = self.flow.rounding_scale(start) * h
        newton_norm = norm.bind(increment, noise=1 / self.kappa)
        Z, solvers, iterations = self.solve(start, h, self.flow.jacobian(start), newton_norm)
        if Z is None:
            return StepOutcome(None, np.inf, iterations)
        err = self._error(start, Z, h, solvers, norm.bind(increment))
        return StepOutcome(Z, err, iterations)

    def _error(
        self,
        start: FlowValue,
        Z: np.ndarray,
        h: Any,
        solver: Any,
        norm: Callable[[np.ndarray], float],
    ) -> float:
        """Filtered embedded error estimate (module docstring), in the error norm."""
        backend, tab = self.flow.backend, self.tab
        tail = tab.e @ Z
        hg = h * tab.gamma_real

        def filtered(f: np.ndarray) -> np.ndarray:
            """``(I − h·γ̃·J)^{-1}(h·γ̃·f + Σ e_j Z_j)``: the real stage system (row 0)."""
            R = self._zero_transformed.copy()
            R[0] = R[0] + (f * hg + tail)
            return backend.point(backend.real(backend.solve_each(solver, R)[0]))

        estimate = filtered(start.f)
        err = norm(estimate)
        if err > 1:  # Shampine: f(y_0 + err) removes the stiff transient from the estimate
            estimate = filtered(self.flow.field(start.base, start.offset + estimate))
            err = norm(estimate)
        return err
