"""Radau IIA collocation with ``s`` stages (order ``2s − 1``): one step, for any back-end.

Why Radau IIA
-------------
On a plateau the active coordinates sit on a stiff slow manifold (eigenvalues of ``J`` near
``−2Λ·H_ii|β_i|``) that is forced, slowly, by the coordinates still waking up or dying out
(rates ``2Λ|f_i|``).  Extrapolated linearly implicit Euler loses order on such stiff forced
components: its rows converge like ``(h|λ|)^j/j!`` with the *stiff* ``λ``, so its steps are
bounded by the stiff rates.  Radau IIA is stiffly accurate with stage order ``s``: the stiff
components are resolved through the collocation conditions, and the step is limited by the
slow rates only.

The embedded estimate has order ``s`` only; that is why ``s`` grows with the digits asked
for (:func:`dlnsym.simulate.radau_stages`).  It is not as conservative as the orders
suggest, though, so it is judged against ``tol`` itself and not against the looser
``0.1·tol^{(s+1)/2s}`` of Hairer's RADAU code (which counts on the result being of order
``2s − 1``): the steps that matter are stiff ones, where the true error is of the
estimate's order.  Step doubling, which estimates the error of the high-order result
itself, is not used: it takes fewer accepted steps but three Newton solves per step and
more rejections.

Large problems
--------------
The Newton matrices keep only the Jacobian columns that matter for the step
(:class:`NewtonSolver`): dormant coordinates, with β' exponentially small, are dropped
within a row-sum budget :data:`NEWTON_DROP`, the matrix is block lower-triangular in
(awake, dormant), the awake block is solved through one reduction to symmetric tridiagonal
form per Jacobian (for every eigenvalue of the Radau matrix and every ``h``) and the
dormant rows by substitution.  A Jacobian is reused across steps while Newton contracts fast
(:data:`REUSE_CONTRACTION`, Hairer–Wanner IV.8).  The residual is always the exact one, so
none of this changes the solution, only the contraction.

The step
--------
With stage increments ``Z_i = Y_i − y_0`` (rows of an ``s × d`` array) the collocation
equations are

    Z = h·A·F(Z),   F(Z)_i = f(y_0 + Z_i),   y_1 = y_0 + Z_s   (b = last row of A),

solved by simplified Newton with ``J = f'(y_0)``: ``ΔZ = (I − hA⊗J)^{-1}·G`` with the
residual ``G = h·A·F(Z) − Z``.  Diagonalising ``A = T·Γ·T^{-1}`` (``Γ = diag(γ_k)``, one real
eigenvalue for odd ``s``, the others in conjugate pairs) splits the solve into ``s``
independent ``d × d`` systems

    ΔZ = Re(T·ΔW),   (I − h·γ_k·J)·ΔW_kᵀ = (T^{-1}G)_kᵀ,

of which only the real one and one of each conjugate pair are solved (``Z`` is real, so the
other half are conjugates).  Iterations stop when the predicted distance to the solution,
``θ/(1 − θ)·‖ΔZ‖`` with ``θ`` the observed contraction, is below ``κ`` in the error norm
(Hairer–Wanner IV.8).

Mixed precision
---------------
Simplified Newton is iterative refinement: the iterates converge to the solution of the
equations whose *residual* is computed, whatever (within reason) the matrix used to turn a
residual into a correction.  So only ``G`` — and the state, the stage values and the field —
need working precision; the Newton matrices, their inverses and ``T``, ``T^{-1}`` are
complex128, and each correction is a float64 array, added to ``Z`` exactly.  Residuals far
below the float64 range (``10^−400`` at 400 digits) cross with a common binary exponent
(:meth:`~dlnsym.integrate.backend.Backend.to_float`).  Above float64, the iteration is also
*warm-started* on the float64 flow (:meth:`RadauStep._warm_start`), from the double-word
start, which gets the first ~15 digits for the price of a fraction of one working-precision
iteration; and the coordinates whose β is negligible at the tolerance (dormant, below
:func:`float64_beta_level`, re-tested at every iterate) take β from float64.  This leaves a
few working-precision iterations per step, with the same steps and the same errors as an
iteration carried out entirely in working precision.  What one float64 correction can gain
is bounded by the conditioning of ``T``: ``‖|T|·|T^{-1}|‖∞`` = 2.6e6, 4.5e8, 8e10 for
s = 13, 17, 21, so a correction is good to ``ε·10⁶`` … ``ε·10¹¹`` in the worst case.

The working-precision iterations after the warm start solve with the *stage* Jacobians
``J_i = f'(y_0 + Z_i)`` at the warm start's stages, not with ``J = f'(y_0)`` alone: the
matrix ``I − h(A ⊗ I)·diag(J_1 … J_s)`` of size ``s·d``, LU-factored once per step in
float64 (:meth:`RadauStep._stage_newton_matrix`).  Simplified Newton contracts by the
mismatch between ``J`` and the ``J_i`` — ``θ`` = 0.01–0.1 per iteration in the jumps, where
β changes by orders of magnitude within a step — so it would need several
working-precision iterations there; with the stage Jacobians (exact to float64 at the warm
start's stages) one correction gains what float64 can give, and every step takes two: one
correction and the one that confirms it.  The LU costs ``(s·d)³/3``
float64 operations, against ``s²·d + s·d²`` working-precision products (and ``s·d``
exponentials) per iteration: it is used up to ``s·d =`` :data:`STAGE_NEWTON_MAX_SIZE`
(d ≤ 17 at the 23 stages of 30 digits).  Beyond, the same system is solved by an
iteration in float64 preconditioned with the simplified Newton matrices
(:meth:`RadauStep._stage_iteration`): it contracts as simplified Newton would, but each of
its updates costs ``O(s·d²)`` float64 operations where a working-precision iteration costs
the products and exponentials above, so that the steps take two working-precision
iterations here too (Gaussian data, d = 50 at Λ = 10³ and 30 digits: 2 against 2–11,
mean 5, with simplified Newton).

Starting values
---------------
The iteration (above float64: the float64 warm start) starts from the previous step's
stage values ``(0, 0)`` and ``(c_i·h_prev, Z_i)`` (:class:`CollocationPolynomial`, in
float64) continued into the new step: ``Z_i⁰ = p(h_prev + c_i·h) − p(h_prev)``
(Hairer–Wanner IV.8, "starting values"), instead of ``Z = 0``, with ``p`` the least-squares
polynomial of degree ``s −`` :data:`CONTINUATION_DEGREE_DEFICIT` through those ``s + 1``
points rather than their interpolant ``u`` (degree ``s``).  The stage values carry the
truncation and Newton errors of the previous step, and continuing them beyond their
interval amplifies those errors by the Lebesgue function of the continuation
(``Σ_j |ℓ_j(1 + c_i·r) − ℓ_j(1)|``, ``ℓ_j`` the weight of the value at node ``j``); three
degrees fewer than the interpolant lower it by two to three orders of magnitude (13 stages:
2.7e7 against 5.3e9 at ``r = 1``, 5.3e9 against 5.1e12 at ``r = 2``) while still following
the solution's curvature: on Gaussian data at Λ = 10⁶ the Newton iterations fall by a
fifth at d = 100 and by 7 % at d = 500; at Λ = 10³ and d = 100 they change by 1 %.  The first
correction then only has to remove the continuation's error, not the whole increment.
Continuing a polynomial far outside its interval is hopeless, so this is done only for
``h ≤ 2·h_prev`` (:data:`PREDICT_MAX_RATIO`), and only as far as the rounding of the stored
stages, amplified by that Lebesgue function, cannot make the start worse than 0
(:data:`PREDICT_ROUNDING`): up to ``r`` = 2, 2, 1.98, 1.44, 1.09 for 13, 17, 19, 21, 23
stages.  The cap is set by the rounding
reaching the size of the start, not a small fraction of it: a start that is 10 % off still
saves most of the iterations.  A step
from a checkpoint to an output time (dense output,
:meth:`~dlnsym.integrate.driver.Integrator.states_at`) is a shorter step from the start of
an accepted one: its start is that step's polynomial *inside* its interval,
``Z_i⁰ = u(c_i·h)``, which is well conditioned.  The continued start is typically good to
a relative 10⁻⁵…10⁻⁸ for ``h ≤ h_prev`` and to 10⁻⁴…10⁻² at ``h = 2h_prev``, and useless
beyond; it lets the iteration converge on longer steps in the jumps and makes the dense
output of the jump-time search cheap.
An error ``δ`` of the start in an awake coordinate multiplies its β by ``e^{2Λδ}``: at
Λ = 10⁶ a continuation to ``h > h_prev`` is typically off by ``2Λδ ≈ 0.4…3`` in the
support, beyond the reach of Newton's method on the exponential, while ``Z = 0`` is close
in the stiff components (the support sits on its slow manifold).  So a Newton iteration
that fails from a continued start is retried once from ``Z = 0`` before the step is
rejected (:meth:`RadauStep.attempt`); on a Gaussian problem with d = 100 at Λ = 10⁶ that
takes a quarter of the steps.
A warm start from a continued polynomial says nothing about the contraction of the
working-precision iteration (its corrections reach round-off at once), so it offers no
hint for the first iteration's convergence test (:meth:`RadauStep._verdict`).

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

import contextlib
import functools
import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import flint
import mpmath
import numpy as np
import scipy.linalg

from dlnsym.integrate.backend import Backend, FloatBackend, ldexp
from dlnsym.integrate.controller import ErrorNorm, ScaledNorm
from dlnsym.mirror_flow import (
    FlowValue,
    FrozenJacobian,
    MirrorFlow,
    _real_matmul,
    beta_and_slope,
)

__all__ = ["CONTINUATION_DEGREE_DEFICIT", "NEWTON_DROP", "PREDICT_MAX_RATIO",
           "PREDICT_ROUNDING", "STAGE_ITERATIONS", "STAGE_ITERATION_TOL", "STAGE_NEWTON_MAX_SIZE",
           "CollocationPolynomial", "NewtonSolver",
           "RadauStep", "RadauTableau", "float64_beta_level", "radau_tableau"]

#: largest ``h/h_prev`` for which the previous step's collocation polynomial is continued
#: into the next step as the Newton iteration's start (module docstring, "Starting values")
PREDICT_MAX_RATIO = 2.0

#: the continued start of a step is the least-squares polynomial of degree ``s −`` this
#: through the previous step's ``s + 1`` stage values (module docstring, "Starting values")
CONTINUATION_DEGREE_DEFICIT = 3

#: largest relative error that the rounding of the stored stages (float64), amplified by
#: the continuation, may bring into the starting values: beyond 1 a start from 0 is better
#: (module docstring, "Starting values")
PREDICT_ROUNDING = 1.0

#: row-sum budget of the Jacobian columns left out of the Newton matrices
#: (:meth:`~dlnsym.mirror_flow.FrozenJacobian.awake`): the contraction of the simplified
#: Newton iteration changes by at most this much
NEWTON_DROP = 1e-3

#: an earlier Jacobian is reused while the Newton iteration with it contracts at least this
#: fast (:meth:`RadauStep._jacobian`) …
REUSE_CONTRACTION = 0.05
#: … and has at least this many awake columns: below, its decomposition costs about as
#: much as one or two iterations
REUSE_MIN_AWAKE = 48

#: largest ``s·d`` for which the working-precision Newton iterations solve with the LU
#: factors of the stage Jacobians (module docstring, "Mixed precision").  Measured: the LU
#: takes 0.14 ms at size 114 (19 stages, d = 6), where one 30-digit iteration takes about
#: 1.5 ms, and 2.5 ms at size 400 (d = 21), where the iteration's s²·d + s·d² ≈ 16 000 Arb
#: products take about 10 ms: below one iteration, which it saves several of in the jumps
STAGE_NEWTON_MAX_SIZE = 400

#: beyond :data:`STAGE_NEWTON_MAX_SIZE`: the relative size of the last update of the
#: iteration that solves with the stage Jacobians (:meth:`RadauStep._stage_iteration`) …
STAGE_ITERATION_TOL = 2.0**-40
#: … and its largest number of updates
STAGE_ITERATIONS = 40


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
    eigenvectors).  The Vandermonde solve and the eigen-decomposition consume digits — 3,
    21, 53, 77 and 103 for s = 3, 7, 13, 17, 21 — so the computation starts with
    ``6s + 10`` extra digits and doubles the precision until every radius is below
    ``10^−(dps+20)`` (or, for many stages at low ``dps``, until Arb can isolate the
    eigenvalues at all): the mid-points returned are correct to the digits given.  Results
    are cached per ``(s, dps)``.
    """
    if s < 1 or s % 2 == 0:
        raise ValueError(f"Radau IIA stages must be odd and positive, got {s}")
    digits = dps + 20
    old = flint.ctx.prec
    flint.ctx.prec = mpmath.libmp.dps_to_prec(digits + 6 * s + 10)
    try:
        while True:
            try:
                raw = _radau_balls(s)
            except ValueError:  # eigenvalues not isolated at this precision
                raw = None
            if raw is not None and all(
                v.rad() < flint.arb(10) ** -digits for v in _flat(list(raw.values()))
            ):
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

    ``c``, ``A``, ``e`` and ``gamma_real`` are in the back-end's numbers: they enter the
    residual of the collocation equations and the error estimate, which are formed at working
    precision.  ``gammas``, ``T_keep`` and ``T_inv_keep`` are complex128: they only build the
    Newton matrices, which are solved in float64 (module docstring, "Mixed precision").
    ``gammas`` are the eigenvalues of ``A`` that are solved for: the real one first, then one
    of each conjugate pair.  ``T_keep`` holds the matching columns of ``T`` (pairs doubled),
    so that ``Z = Re(T_keep·W_keep)``; ``T_inv_keep`` the matching rows of ``T^{-1}``.

    Attributes
    ----------
    s : int
        Number of stages (odd); the method has order ``2s − 1``.
    c : ndarray, shape (s,)
        Nodes (``c_s = 1``).
    A : ndarray, shape (s, s)
        The Runge–Kutta matrix (its last row is ``b``).
    gammas : ndarray of complex128, shape ((s + 1)/2,)
        Eigenvalues of ``A`` solved for: the real ``γ̃`` first, then one of each pair.
    T_keep : ndarray of complex128, shape (s, (s + 1)/2)
        Matching columns of ``T`` (``A = T·Γ·T^{-1}``), conjugate-pair columns doubled.
    T_inv_keep : ndarray of complex128, shape ((s + 1)/2, s)
        Matching rows of ``T^{-1}``.
    gamma_real : float, mpf or arb
        The real eigenvalue ``γ̃`` of ``A``.
    e : ndarray, shape (s,)
        Error weights ``e = (b̂ − b)ᵀ·A^{-1}`` of the embedded estimate.

    Examples
    --------
    Three stages (order 5): nodes ``(4 ∓ √6)/10`` and 1, rows of ``A`` summing to the
    nodes, real eigenvalue ``γ̃ = 1/3.6378…``:

    >>> from dlnsym.integrate.backend import FloatBackend
    >>> tableau = radau_tableau(3, FloatBackend())
    >>> tableau.c.round(6).tolist(), bool(np.allclose(tableau.A.sum(axis=1), tableau.c))
    ([0.155051, 0.644949, 1.0], True)
    >>> round(1 / tableau.gamma_real, 6), tableau.gammas.shape
    (3.637834, (2,))
    """

    s: int
    c: np.ndarray
    A: np.ndarray
    gammas: np.ndarray
    T_keep: np.ndarray
    T_inv_keep: np.ndarray
    gamma_real: Any
    e: np.ndarray


def _complex128(values: Any) -> np.ndarray:
    """Nested lists of mpc/mpf as a complex128 array (rounded once)."""
    return np.vectorize(complex, otypes=[complex])(np.asarray(values, dtype=object))


def radau_tableau(s: int, backend: Backend) -> RadauTableau:
    """The ``s``-stage Radau IIA tableau in ``backend``'s numbers (``s`` odd).

    The coefficients are computed for the back-end's digits rounded up to a multiple of 16,
    so that runs at nearby precisions (the mp path adds ``log10(2Λ)`` digits) share one
    cached computation.  The nodes ``c_i`` are the zeros of
    ``d^{s−1}/dx^{s−1} [x^{s−1}(x − 1)^s]`` and ``A`` solves ``Σ_j A_ij c_j^{q−1} = c_i^q/q``,
    ``q = 1 … s``, in certified ball arithmetic.

    Parameters
    ----------
    s : int
        Number of stages: odd and positive.
    backend : Backend
        The arithmetic of ``c``, ``A``, ``e`` and ``gamma_real``.

    Returns
    -------
    RadauTableau

    Raises
    ------
    ValueError
        If ``s`` is even or not positive.

    Examples
    --------
    >>> from dlnsym.integrate.backend import FloatBackend, MpBackend
    >>> radau_tableau(1, FloatBackend()).A.tolist()      # one stage: implicit Euler
    [[1.0]]
    >>> tableau = radau_tableau(5, MpBackend(30))
    >>> type(tableau.c[-1]).__name__, tableau.c[-1] == 1
    ('mpf', True)
    >>> radau_tableau(4, FloatBackend())
    Traceback (most recent call last):
        ...
    ValueError: Radau IIA stages must be odd and positive, got 4
    """
    raw = _radau_coefficients(s, 16 * -(-backend.digits // 16))
    return RadauTableau(
        s=s,
        c=backend.array(raw["c"]),
        A=backend.array(raw["A"]),
        gammas=_complex128(raw["gammas"]),
        T_keep=_complex128(raw["T_keep"]),
        T_inv_keep=_complex128(raw["T_inv_keep"]),
        gamma_real=backend.scalar(raw["gamma_real"]),
        e=backend.array(raw["e"]),
    )


def float64_beta_level(tol: Any, lam: float, H_row_sum: float) -> Any:
    """Largest ``|β_i|`` whose float64 value is good enough in ``f = c − Hβ`` at tolerance
    ``tol`` on ``2Λ|δs|`` (``H_row_sum = max_j Σ_i |H_ji|``).

    From the double-word ``s`` (:meth:`~dlnsym.integrate.backend.Backend.to_double_word`),
    float64 β has a relative error ``ρ ≤ 2Λε·|s + Z| + ε·|ln β| ≤ 4Λε + 10^−13``, and a
    coordinate keeps its float64 β only while that stays below ``e`` times the level
    (:meth:`RadauStep.solve` re-tests it at every iterate).  The level keeps the drift this
    causes in ``s`` below ``10^−3`` of the tolerance ``tol/2Λ`` per unit of time:

        level = 10^−3·tol / (2Λ·e·ρ·H_row_sum)

    — about ``tol/5`` at Λ = 10⁶ (so that the wake level ``tol/1000`` is the lower), and
    ``2·10^−13·tol`` at Λ = 10¹²  (for ``H_row_sum = 1``).

    Parameters
    ----------
    tol : float or mpf
        The local tolerance on ``2Λ|δs|``.
    lam : float
        ``Λ`` (times the largest initialisation shape ``λ_i``, if shaped).
    H_row_sum : float
        ``max_j Σ_i |H_ji|``.

    Returns
    -------
    float or mpf
        The level (the type of ``tol``).

    Raises
    ------
    ZeroDivisionError
        If ``lam`` is 0.

    Examples
    --------
    >>> f"{float64_beta_level(1e-11, 1e6, 1.0):.3g}", f"{float64_beta_level(1e-11, 1e12, 1.0):.3g}"
    ('2.07e-12', '2.07e-24')
    """
    rho = 4 * lam * FloatBackend.eps + 1e-13
    return tol * (1e-3 / (2 * lam * math.e * rho * max(H_row_sum, 1e-300)))


@dataclass(frozen=True)
class CollocationPolynomial:
    """The collocation polynomial ``u`` of an accepted step of size ``h`` (float64):
    ``u(0) = 0`` and ``u(c_i·h) = stages[i]``, the stage increments (``u(h) = stages[-1]``).
    It starts the Newton iteration of a later step (:meth:`RadauStep.predict`).

    Attributes
    ----------
    h : float or mpf
        The step size.
    stages : ndarray of float64, shape (s, d)
        The stage increments ``Z_i = u(c_i·h)``.

    Examples
    --------
    From :meth:`RadauStep.polynomial`; at ``s = 0`` of ``X = I``, ``y = (2, 1)`` the field
    is ``c = (1, ½)`` and β stays negligible over a step of 0.1, so ``u(h) ≈ h·c``:

    >>> from dlnsym import as_problem
    >>> from dlnsym.integrate.backend import FloatBackend
    >>> from dlnsym.integrate.controller import ErrorNorm
    >>> backend = FloatBackend()
    >>> flow = MirrorFlow(as_problem([[1, 0], [0, 1]], [2, 1]), 10.0, backend)
    >>> step = RadauStep(flow, radau_tableau(7, backend))
    >>> outcome = step.attempt(flow.evaluate(np.zeros(2)), 0.1, ErrorNorm(5e-12, 1e-14))
    >>> polynomial = step.polynomial(0.1, outcome)
    >>> polynomial.h, polynomial.stages.shape, polynomial.stages[-1].round(6).tolist()
    (0.1, (7, 2), [0.1, 0.05])
    """

    h: Any
    stages: np.ndarray


class _LagrangeBasis:
    """The Lagrange basis of the nodes ``x_0 = 0, x_j = c_j`` (``c_s = 1``), evaluated at
    ``x_i = c_i·r``: where the nodes of a step of ``r`` times the length lie, in units of the
    given step, when it starts at its start (dense output inside the step).

    In the first (modified Lagrange) form

        L_j(x) = ℓ(x)·w_j/(x − x_j),   ℓ(x) = Π_m (x − x_m),   w_j = 1/Π_{m≠j} (x_j − x_m),

    which is backward stable (Higham, IMA J. Numer. Anal. 24, 2004).  Only the columns
    ``j ≥ 1`` are kept (the value at 0 is 0).

    :meth:`continued` is the continuation beyond the step instead (``x_i = 1 + c_i·r``),
    by the least-squares polynomial of degree ``degree`` through the same nodes (module
    docstring, "Starting values")."""

    def __init__(self, c: np.ndarray, degree: int) -> None:
        self.c = c
        self.nodes = np.concatenate([[0.0], c])
        gaps = self.nodes[:, None] - self.nodes[None, :]
        np.fill_diagonal(gaps, 1.0)
        self.weights = 1 / gaps.prod(axis=1)
        self.degree = min(degree, len(c))
        # coefficients of the least-squares fit from the values at the nodes (Chebyshev
        # basis on [0, 1]), the same for every continuation
        self._fit = np.linalg.pinv(self._chebyshev(self.nodes))

    def at(self, ratio: float) -> np.ndarray:
        """``L_j(c_i·ratio)`` for ``j = 1 … s`` (rows ``i``), ``ratio > 0``."""
        diff = -self.nodes[None, :] + (self.c * ratio)[:, None]
        at_node = diff == 0  # x_i is a node (e.g. ratio 1): that row is its unit vector
        with np.errstate(divide="ignore", invalid="ignore"):
            basis = diff.prod(axis=1)[:, None] * self.weights / diff
        hit = at_node.any(axis=1)
        basis[hit] = at_node[hit]
        return basis[:, 1:]

    def continued(self, ratio: float) -> np.ndarray:
        """The weights ``ℓ_j(1 + c_i·ratio) − ℓ_j(1)`` (``j = 1 … s``, rows ``i``) of the
        values at the nodes in the least-squares polynomial ``p`` of degree
        :attr:`degree` through them, continued beyond the step: ``p(1 + c_i·r) − p(1)``,
        the increments from where the fit leaves the step.  Chebyshev basis on the nodes'
        interval ``[0, 1]`` (a well-conditioned fit), pseudo-inverse of its Vandermonde
        matrix at the nodes."""
        at = self._chebyshev(np.concatenate([[1.0], 1 + self.c * ratio])) @ self._fit
        return at[1:, 1:] - at[0, 1:]

    def _chebyshev(self, x: np.ndarray) -> np.ndarray:
        """The Chebyshev polynomials up to :attr:`degree` on ``[0, 1]`` at ``x`` (rows)."""
        return np.polynomial.chebyshev.chebvander(2 * x - 1, self.degree)

    def largest_ratio(self, amplification: float) -> float:
        """The largest ``r ≤`` :data:`PREDICT_MAX_RATIO` for which the continuation
        (:meth:`continued`) amplifies the rounding of the stages by at most
        ``amplification``: ``max_i Σ_j |ℓ_j(1 + c_i·r) − ℓ_j(1)| ≤ amplification`` (it grows
        with ``r`` past the nodes; bisection)."""
        def lebesgue(r: float) -> float:
            return float(np.abs(self.continued(r)).sum(axis=1).max())

        if lebesgue(PREDICT_MAX_RATIO) <= amplification:
            return PREDICT_MAX_RATIO
        low, high = 0.0, PREDICT_MAX_RATIO
        for _ in range(40):
            mid = (low + high) / 2
            low, high = (mid, high) if lebesgue(mid) <= amplification else (low, mid)
        return low


def _largest_ratio(sizes: list[float]) -> float | None:
    """Largest ratio of successive Newton corrections (``None`` with fewer than two)."""
    ratios = [b / a for a, b in zip(sizes, sizes[1:], strict=False) if a > 0]
    return max(ratios) if ratios else None


class NewtonSolver:
    """``(I − h·γ_k·J)^{-1}`` for the kept eigenvalues ``γ_k`` of the Radau matrix.

    With a :class:`~dlnsym.mirror_flow.FrozenJacobian`, the columns of ``J`` that are
    negligible for this ``h`` are dropped (:meth:`~dlnsym.mirror_flow.FrozenJacobian.awake`):
    in (awake ``A``, dormant ``D``) order the matrix is then block lower-triangular,

        [ I + hγ·H_AA·D_A     0 ] [x_A]   [w_A]
        [ hγ·H_DA·D_A         I ] [x_D] = [w_D],      D_A = diag(β'_A),

    so ``x_A = D_A^{−½}·P·(I + hγT)^{−1}·Pᵀ·D_A^{½}·w_A`` from the tridiagonal reduction
    ``D_A^{½}H_AA D_A^{½} = PTPᵀ`` (:class:`~dlnsym.mirror_flow.AwakeBlock`, one per Jacobian,
    for every ``γ_k`` and every ``h``) and the dormant rows by substitution,
    ``x_D = w_D − hγ·H_DA·(β'_A ⊙ x_A)``.  A solve costs ``O(|A|·d)`` per eigenvalue; the
    reduction ``4|A|³/3`` once per Jacobian.

    With a plain matrix ``J`` (float64) the inverses are formed densely.

    Parameters
    ----------
    J : FrozenJacobian or ndarray of float64
        The Jacobian at the start of the step.
    h : float
        The step size.
    gammas : ndarray of complex128
        The kept eigenvalues of the Radau matrix (:attr:`RadauTableau.gammas`).

    Attributes
    ----------
    hg : ndarray of complex128
        ``h·γ_k``.
    awake, dormant : ndarray of int
        The kept and dropped columns (structured Jacobian only).

    Examples
    --------
    ``J ≈ diag(−5, −2·10⁻⁸)`` (``X = I``, ``y = (2, 1)``, Λ = 10, ``s = (1, 0)``): the
    dormant column is dropped, and ``(I − hγ̃J)^{-1}`` is ``1/(1 + 5hγ̃)`` on the awake
    coordinate, 1 on the dormant one — as the dense inverse gives:

    >>> from dlnsym import as_problem
    >>> from dlnsym.integrate.backend import FloatBackend
    >>> flow = MirrorFlow(as_problem([[1, 0], [0, 1]], [2, 1]), 10.0, FloatBackend())
    >>> value = flow.evaluate(np.array([1.0, 0.0]))
    >>> gammas = radau_tableau(3, FloatBackend()).gammas
    >>> solver = NewtonSolver(flow.frozen_jacobian(value), 0.1, gammas)
    >>> solver.awake.tolist(), solver.solve_real(np.array([1.0, 1.0])).round(6).tolist()
    ([0], [0.879164, 1.0])
    >>> NewtonSolver(flow.jacobian(value), 0.1, gammas).solve_real(np.ones(2)).round(6).tolist()
    [0.879164, 1.0]
    """

    def __init__(self, J: FrozenJacobian | np.ndarray, h: float, gammas: np.ndarray) -> None:
        self.hg = h * gammas
        if isinstance(J, np.ndarray):
            eye = np.eye(len(J))
            self._dense: np.ndarray | None = np.linalg.inv(
                eye[None, :, :] - self.hg[:, None, None] * J[None, :, :])
            return
        self._dense = None
        self.awake = J.awake(h * float(np.abs(gammas).max()), NEWTON_DROP)
        self._block = J.reduced(self.awake)
        self.dormant = self._block.dormant
        self._coupling = (self._block.coupling if self.dormant.size and self.awake.size
                          else None)
        self._systems = self._block.stacked(self.hg)

    def solve(self, W: np.ndarray) -> np.ndarray:
        """``x_k = (I − h·γ_k·J)^{-1}·W_k`` for the rows ``W_k`` of ``W`` (complex)."""
        if self._dense is not None:
            return np.einsum("kij,kj->ki", self._dense, W)
        out = np.array(W, dtype=complex)
        if not self.awake.size:
            return out
        root = self._block.root
        X = self._block.solve(out[:, self.awake] * root, self._systems).T / root[:, None]
        out[:, self.awake] = X.T
        if self._coupling is not None:
            out[:, self.dormant] -= (_real_matmul(self._coupling, X) * self.hg[: X.shape[1]]).T
        return out

    def solve_real(self, w: np.ndarray) -> np.ndarray:
        """``(I − h·γ̃·J)^{-1}·w`` for the real eigenvalue ``γ̃`` (the first) and a real
        vector ``w``."""
        return self.solve(np.asarray(w, dtype=complex)[None, :])[0].real


@dataclass
class StepOutcome:
    """What :meth:`RadauStep.attempt` found: the stage increments ``Z`` (``None`` when the
    Newton iteration failed; ``Z[-1] = y_1 − y_0``), the error estimate in the error norm,
    the Newton iterations, and ``noise``: a bound on the rounding error of the estimate, in
    the same norm (an ``error`` below it says only that the truncation error is too small to
    be seen)."""

    stages: np.ndarray | None
    error: float
    iterations: int
    noise: float = 0.0


class RadauStep:
    """One Radau IIA step of a :class:`MirrorFlow` (module docstring).

    Parameters
    ----------
    flow : MirrorFlow
    tableau : RadauTableau
    newton_tol : float
        ``κ``: Newton stops when the predicted remaining error is below ``κ`` (error norm).
    max_iterations : int
    dormant_level : number, optional
        Above float64 only: a coordinate with ``|β_i| <`` this at the start of a step takes
        its β, in the working-precision Newton iterations, from float64 at the current
        iterate (:meth:`solve`), so that only the awake coordinates cost working-precision
        ``exp`` calls.  See :func:`float64_beta_level` for a safe level.

    Attributes
    ----------
    flow : MirrorFlow
    tab : RadauTableau
    kappa : float
        ``newton_tol``.
    max_iterations : int
    contraction : float
        Largest ratio of successive Newton corrections in the last solve.

    Examples
    --------
    One step of 0.1 from ``s = 0`` for ``X = I``, ``y = (2, 1)`` at Λ = 10 (β still
    negligible, so ``s(h) ≈ h·c = (0.1, 0.05)``), well within the tolerance:

    >>> from dlnsym import as_problem
    >>> from dlnsym.integrate.backend import FloatBackend
    >>> from dlnsym.integrate.controller import ErrorNorm
    >>> backend = FloatBackend()
    >>> flow = MirrorFlow(as_problem([[1, 0], [0, 1]], [2, 1]), 10.0, backend)
    >>> step = RadauStep(flow, radau_tableau(7, backend))
    >>> outcome = step.attempt(flow.evaluate(np.zeros(2)), 0.1, ErrorNorm(5e-12, 1e-14))
    >>> outcome.error < 1, outcome.stages[-1].round(6).tolist()
    (True, [0.1, 0.05])
    """

    def __init__(
        self, flow: MirrorFlow, tableau: RadauTableau, newton_tol: float = 0.03,
        max_iterations: int = 12, dormant_level: Any = None,
    ) -> None:
        self.flow = flow
        self.tab = tableau
        self.kappa = newton_tol
        self.max_iterations = max_iterations
        backend = flow.backend
        # float64 must resolve β well below the level, or it cannot vouch for it (dps ≳ 290)
        if dormant_level is not None and float(dormant_level) < 1e-290:
            dormant_level = None
        self.dormant_level = dormant_level
        self._dormant_ceiling = None if dormant_level is None else math.e * float(dormant_level)
        self._A = backend.prepare(tableau.A)
        self._Ac = np.outer(tableau.c, flow.c)  # A·1·cᵀ (the rows of A sum to the nodes)
        self._zero_stages = backend.array(np.zeros((tableau.s, flow.d)))
        # above float64, the first iterations run on the float64 flow (warm start)
        self._float_flow = None if isinstance(backend, FloatBackend) else flow.in_float64()
        self._A_float = backend.to_float64(tableau.A)
        self._continuation = _LagrangeBasis(  # see predict
            backend.to_float64(tableau.c), tableau.s - CONTINUATION_DEGREE_DEFICIT)
        self._last_jacobian: tuple[Any, Any, FrozenJacobian] | None = None
        self._reusable = False
        #: largest ratio of successive Newton corrections in the last solve (0: one only)
        self.contraction = 0.0
        self._max_ratio = self._continuation.largest_ratio(
            PREDICT_ROUNDING / FloatBackend.eps)

    def polynomial(self, h: Any, outcome: StepOutcome) -> CollocationPolynomial:
        """The collocation polynomial of an accepted step ``h`` with ``outcome``, for
        :meth:`predict` (its stage increments rounded to float64)."""
        return CollocationPolynomial(h, self.flow.backend.to_float64(outcome.stages))

    def predict(
        self, polynomial: CollocationPolynomial | None, h: Any, origin: int = 1
    ) -> np.ndarray | None:
        """Starting values of the stage increments for a step ``h`` from the end
        (``origin = 1``: the next step) or from the start (``origin = 0``: a shorter step
        to an output time) of an accepted step with ``polynomial`` ``u`` of step ``h_u``:
        from the end ``Z_i⁰ = p(h_u + c_i·h) − p(h_u)`` with ``p`` the least-squares fit of
        degree ``s −`` :data:`CONTINUATION_DEGREE_DEFICIT` to ``u``'s stage values, from the
        start ``Z_i⁰ = u(c_i·h)`` (module docstring, "Starting values").

        ``None`` (start from ``Z = 0``) without a polynomial, and for ``h`` beyond
        :data:`PREDICT_MAX_RATIO` times ``h_u`` — from the end, beyond the ratio where the
        rounding of the stages could spoil the start (:data:`PREDICT_ROUNDING`)."""
        if polynomial is None:
            return None
        ratio = float(h / polynomial.h)
        if ratio > (self._max_ratio if origin else PREDICT_MAX_RATIO):
            return None
        # in units of h_u: u(0) = 0, so the node 0 contributes nothing
        if origin:
            return self._continuation.continued(ratio) @ polynomial.stages
        return self._continuation.at(ratio) @ polynomial.stages

    def interpolate(self, polynomial: CollocationPolynomial, tau: Any) -> np.ndarray:
        """``u(τ)`` for ``0 ≤ τ ≤ h_u``: the collocation polynomial of an accepted step inside
        its interval (float64; dense output good to the stage order ``s`` of the method, where
        the step's end is good to order ``2s − 1``)."""
        return self._continuation.at(float(tau / polynomial.h))[-1] @ polynomial.stages

    def newton_matrices(self, h: Any, J: FrozenJacobian | np.ndarray) -> NewtonSolver:
        """The solver of ``(I − h·γ_k·J)·x = w`` for each kept eigenvalue ``γ_k``
        (:class:`NewtonSolver`), from the structured Jacobian of
        :meth:`~dlnsym.mirror_flow.MirrorFlow.frozen_jacobian` or from a plain matrix ``J`` in the
        back-end's numbers (rounded to
        float64: entries below the float64 range become 0, harmlessly — they are the
        Jacobian columns of dormant coordinates)."""
        if isinstance(J, np.ndarray):
            J = self.flow.backend.to_float64(J)
        return NewtonSolver(J, float(h), self.tab.gammas)

    def _correction(self, solvers: NewtonSolver, R: np.ndarray) -> np.ndarray:
        """``Re(T·(I − hΓ⊗J)^{-1}·T^{-1}R)``: the simplified-Newton correction for a
        float64 right-hand side ``R`` (rows: stages)."""
        W = self.tab.T_inv_keep @ R
        return (self.tab.T_keep @ solvers.solve(W)).real

    def _stage_slopes(self, base: np.ndarray, stages: np.ndarray) -> np.ndarray:
        """``β'(y_i)`` at the stages ``y_i = base + stages[i]`` (float64 double-word), one row
        per stage: ``J_i = −H·diag(β'(y_i))``."""
        flow = self._float_flow
        return beta_and_slope(base, stages, flow.lam, flow.backend, edge=flow.edge)[1]

    def _stage_newton_matrix(self, base: np.ndarray, stages: np.ndarray, h: Any) -> Any:
        """LU factors (scipy) of ``I − h(A ⊗ I)·diag(J_1 … J_s)``, ``J_i = −H·diag(β'(y_i))``
        at the stages ``y_i = base + stages[i]`` (float64 double-word), in float64; rows and
        columns ordered stage by stage (``Z.ravel()``)."""
        flow = self._float_flow
        slope = self._stage_slopes(base, stages)
        J = -(flow.H[None, :, :] * slope[:, None, :])  # J[j] = J_j
        size = self.tab.s * self.flow.d
        coupling = np.einsum("ij,jab->iajb", self._A_float, J).reshape(size, size)
        return scipy.linalg.lu_factor(np.eye(size) - float(h) * coupling, check_finite=False)

    @staticmethod
    def _stage_correction(lu: Any, R: np.ndarray) -> np.ndarray:
        """The Newton correction for a float64 right-hand side ``R`` (rows: stages) with the
        factors of :meth:`_stage_newton_matrix`."""
        return scipy.linalg.lu_solve(lu, R.ravel(), check_finite=False).reshape(R.shape)

    def _stage_iteration(
        self, solvers: NewtonSolver, slope: np.ndarray, h: float, R: np.ndarray
    ) -> np.ndarray:
        """The correction of :meth:`_stage_correction` without the factors: the solution
        ``X`` of ``M·X = R``, ``M = I − h(A ⊗ I)·diag(J_1 … J_s)`` with ``J_i =
        −H·diag(slope[i])`` (:meth:`_stage_slopes`), by the iteration preconditioned with
        the simplified Newton matrices ``P`` (:meth:`_correction`), in float64:

            X ← X + P^{-1}(R − M·X),   M·X = X + h·A·((slope ⊙ X)·Hᵀ),

        from ``X = P^{-1}R``, until an update is below :data:`STAGE_ITERATION_TOL` of ``X``
        or stops halving (round-off, or a slow contraction), at most
        :data:`STAGE_ITERATIONS` times.  It contracts as simplified Newton does, but costs
        ``O(s·d²)`` float64 operations per update instead of a working-precision
        residual.  An update that grows, or does not stay finite, is not taken."""
        H = self._float_flow.H
        X = self._correction(solvers, R)
        previous = math.inf
        for _ in range(STAGE_ITERATIONS):
            dX = self._correction(solvers, R - X - h * (self._A_float @ ((slope * X) @ H.T)))
            size = float(np.abs(dX).max())
            if not size <= previous:
                break
            X = X + dX
            if size <= STAGE_ITERATION_TOL * float(np.abs(X).max()) or size > previous / 2:
                break
            previous = size
        return X

    def solve(
        self, start: FlowValue, h: Any, J: np.ndarray, norm: ScaledNorm,
        guess: np.ndarray | None = None,
    ) -> tuple[np.ndarray | None, np.ndarray, int]:
        """Newton's method for the stage increments ``Z`` of a step ``h`` from ``start``:
        ``(Z, solvers, iterations)``, ``Z = None`` when the iteration diverges or is too
        slow; ``solvers`` are :meth:`newton_matrices` (simplified Newton, ``J = f'(y_0)``),
        reused by the estimate.  ``norm(δ, k)`` measures ``δ·2^k`` (float64 ``δ``) in the
        error norm.  ``guess`` (:meth:`predict`): the starting ``Z`` instead of 0 (above
        float64: of the warm start).

        Above float64 the iteration starts from :meth:`_warm_start` (simplified Newton in
        float64), continues at working precision with the stage Jacobians
        (:meth:`_stage_newton_matrix` for ``s·d ≤`` :data:`STAGE_NEWTON_MAX_SIZE`,
        :meth:`_stage_iteration` beyond), and the
        dormant coordinates (``|β_i| <`` ``dormant_level`` at the start) take β from float64
        at the current iterate (class docstring); ``iterations`` counts working-precision
        ones."""
        # a wild iterate overflows float64 to inf; the step is then rejected, so the
        # warnings are noise
        with np.errstate(over="ignore", invalid="ignore"):
            return self._newton(start, h, J, norm, guess)

    def _newton(
        self, start: FlowValue, h: Any, J: np.ndarray, norm: ScaledNorm,
        guess: np.ndarray | None,
    ) -> tuple[np.ndarray | None, np.ndarray, int]:
        """The iteration of :meth:`solve`."""
        backend = self.flow.backend
        solvers = self.newton_matrices(h, J)
        correct = functools.partial(self._correction, solvers)  # residual ↦ correction
        Z = self._zero_stages if guess is None else guess
        Z_float, theta_float, dormant = None, None, None
        if self._float_flow is not None:
            base_float, offset_float = backend.to_double_word(start.base, start.offset)
            Z_float, theta_float = self._warm_start(base_float, offset_float, float(h), solvers,
                                                    guess)
            if guess is not None:  # its corrections say nothing of the contraction here
                theta_float = None
            Z = backend.from_float(Z_float)
            dormant = self._dormant(start)
            if self.tab.s * self.flow.d <= STAGE_NEWTON_MAX_SIZE:
                stage_lu = self._stage_newton_matrix(base_float, offset_float + Z_float, h)
                correct = functools.partial(self._stage_correction, stage_lu)
            else:
                slope = self._stage_slopes(base_float, offset_float + Z_float)
                correct = functools.partial(self._stage_iteration, solvers, slope, float(h))
        previous = None
        self.contraction = 0.0
        for iteration in range(1, self.max_iterations + 1):
            given = None
            if dormant is not None:  # their β from float64 at the current iterate …
                stages = offset_float[dormant] + Z_float[:, dormant]
                beta = beta_and_slope(base_float[dormant], stages, self._float_flow.lam,
                                      self._float_flow.backend, slope=False,
                                      edge=self._float_flow.edge_at(dormant))
                asleep = np.all(np.abs(beta) <= self._dormant_ceiling, axis=0)
                dormant, beta = dormant[asleep], beta[:, asleep]  # … while still dormant
                if dormant.size:
                    given = (dormant, beta)  # float64: exact in the products
                else:
                    dormant = None
            # A·F with F_i = f(y_0 + Z_i) = c − H·β(y_0 + Z_i): (A·1)·cᵀ − A·B·Hᵀ
            B = self.flow.betas(start.base, start.offset + Z, given)
            AF = self._Ac - self.flow.products(B, left=self._A)
            residual, k = backend.to_float(AF * h - Z)
            if not np.isfinite(residual).all():
                return None, solvers, iteration
            dZ = correct(residual)
            Z = Z + backend.from_float(dZ, k)
            if Z_float is not None:
                Z_float = Z_float + ldexp(dZ, k)
            size = norm(dZ, k)
            if previous:
                self.contraction = max(self.contraction, size / previous)
            verdict = self._verdict(size, previous, theta_float, iteration)
            if verdict is not None:
                return (Z if verdict else None), solvers, iteration
            previous = size
        return None, solvers, self.max_iterations

    def _verdict(
        self, size: float, previous: float | None, theta_hint: float | None, iteration: int
    ) -> bool | None:
        """Convergence test after a correction of ``size`` (error norm): ``True`` converged,
        ``False`` diverging or too slow for the iterations left, ``None`` go on.

        With ``θ = size/previous`` the predicted distance to the solution is
        ``θ/(1 − θ)·size`` (Hairer–Wanner IV.8); on the first iteration ``θ`` is not known
        yet, and the warm start's ``theta_hint`` stands in for it (as Hairer's RADAU uses
        the previous step's).  A correction below ``κ/10`` is at the noise level of the
        Newton norm: nothing is left to gain."""
        kappa = self.kappa
        if previous is None:
            hinted = theta_hint is not None and theta_hint < 1
            if size <= kappa * 1e-3 or (hinted and theta_hint / (1 - theta_hint) * size <= kappa):
                return True
            return None
        if size <= kappa / 10:
            return True
        theta = size / previous if previous else 0.0
        if theta >= 1:
            return False
        if theta / (1 - theta) * size <= kappa:
            return True
        remaining = self.max_iterations - iteration
        if theta**remaining / (1 - theta) * size > kappa:
            return False
        return None

    def _dormant(self, start: FlowValue) -> np.ndarray | None:
        """Indices of the coordinates with ``|β_i| <`` ``dormant_level`` at the start of the
        step (``None`` if there are none, or no level)."""
        if self.dormant_level is None:
            return None
        dormant = np.flatnonzero(np.array(np.abs(start.beta) < self.dormant_level, dtype=bool))
        return dormant if dormant.size else None

    def _warm_start(
        self, base: np.ndarray, offset: np.ndarray, h: float, solvers: np.ndarray,
        guess: np.ndarray | None = None,
    ) -> tuple[np.ndarray, float | None]:
        """The stage increments to float64 accuracy and a bound on the contraction ``θ`` of
        the iteration (``None`` if not measured): simplified Newton on the float64 flow from
        the double-word start ``base + offset``
        (:meth:`~dlnsym.integrate.backend.Backend.to_double_word`), from ``guess``
        (:meth:`predict`) or 0, until the corrections reach
        the round-off of ``Z`` or stop shrinking by half; zeros when it overflows.  (From a
        guess the corrections reach round-off at once, and :meth:`_newton` ignores their
        ``θ``: module docstring, "Starting values".)  It leaves the working-precision
        iterations only the digits beyond float64 to gain, at a fraction of the cost of one
        of them.

        ``θ`` is the largest ratio of successive corrections, the last one excepted when it
        stalled: the early ratios can understate the asymptotic rate (the slowest
        component dominates only later), and round-off only makes a ratio larger."""
        flow = self._float_flow
        Z = np.zeros((self.tab.s, self.flow.d)) if guess is None else guess
        sizes: list[float] = []
        for _ in range(self.max_iterations):
            residual = self._A_float @ flow.field(base, offset + Z) * h - Z
            dZ = self._correction(solvers, residual)
            size = float(np.abs(dZ).max())
            if not np.isfinite(size):
                return np.zeros_like(Z), None
            round_off = FloatBackend.eps * float(np.abs(Z).max())
            if len(sizes) > 1 and size > sizes[-1] / 2:
                # stalled: at round-off this correction is noise; above it, the iteration
                # is slow and no θ is offered
                return Z, (None if size > 64 * round_off else _largest_ratio(sizes))
            Z = Z + dZ
            sizes.append(size)
            if size <= 4 * round_off:
                break
        return Z, _largest_ratio(sizes)

    def _jacobian(self, start: FlowValue, fresh: bool = False) -> tuple[FrozenJacobian, bool]:
        """The Jacobian for a step from ``start`` and whether it is *stale* (taken at an
        earlier state).

        The Jacobian at ``start`` is kept while the steps start from there (a rejected
        step's retry reuses it and its reduction).  Unless ``fresh``, an earlier
        one is reused as long as the last Newton iteration with it contracted by at least
        :data:`REUSE_CONTRACTION` per iteration and it has at least :data:`REUSE_MIN_AWAKE`
        awake columns (Hairer–Wanner IV.8): simplified Newton converges to the same
        solution with any matrix close enough, since its residual is exact, and the
        decomposition (``O(|A|³)``) is then the dearest part of a step."""
        last = self._last_jacobian
        if last is not None and last[0] is start.base and last[1] is start.offset:
            return last[2], False
        if not fresh and last is not None and self._reusable:
            return last[2], True
        last = (start.base, start.offset, self.flow.frozen_jacobian(start))
        self._last_jacobian = last
        return last[2], False

    def begin(self, base: np.ndarray, offset: np.ndarray) -> None:
        """A run starts from the state ``base + offset``: a Jacobian kept from steps taken
        elsewhere (an earlier run, e.g. dense output from another checkpoint) is not reused
        here, only one taken at this very state (:meth:`_jacobian`).

        Reuse rests on the steps following each other, so that the kept matrix is close to
        the Jacobian where the next step starts.  A matrix from elsewhere can be far from
        it: where a coordinate's ``β'`` is much smaller now, the kept matrix damps that
        coordinate's corrections so strongly that the Newton iteration looks converged
        while that coordinate has hardly moved."""
        last = self._last_jacobian
        if last is None or last[0] is not base or last[1] is not offset:
            self._reusable = False

    @contextlib.contextmanager
    def aside(self) -> Iterator[None]:
        """Steps taken inside leave the Jacobian kept for reuse, the reuse verdict and
        :attr:`contraction` as they were: a search inside a run
        (:meth:`~dlnsym.integrate.driver.Integrator.run`, ``on_step``) changes none of the
        run's own steps."""
        kept = (self._last_jacobian, self._reusable, self.contraction)
        try:
            yield
        finally:
            self._last_jacobian, self._reusable, self.contraction = kept

    def attempt(
        self, start: FlowValue, h: Any, norm: ErrorNorm, guess: np.ndarray | None = None
    ) -> StepOutcome:
        """One step ``h`` from ``start`` with its error estimate in ``norm`` (≤ 1: within
        tolerance); ``guess``: starting stage increments (:meth:`predict`).  The round-off
        floor of the norm is set by ``h·(|c| + |H||β|)``, the rounding of ``h·f``
        (:meth:`MirrorFlow.rounding_scale`); the Newton test uses the same norm with that
        floor raised by ``1/κ``: increments below ``κ`` times it are noise, not
        convergence.  A Newton iteration that fails from ``guess`` is retried from ``Z = 0``
        (module docstring, "Starting values")."""
        backend = self.flow.backend
        increment = self.flow.rounding_scale(start) * h
        newton_norm = norm.bind(increment, backend, noise=1 / self.kappa)
        J, stale = self._jacobian(start)
        Z, solvers, iterations = self.solve(start, h, J, newton_norm, guess)
        if Z is None and stale:  # the earlier Jacobian no longer serves: take this one
            J, _ = self._jacobian(start, fresh=True)
            Z, solvers, more = self.solve(start, h, J, newton_norm, guess)
            iterations += more
        if Z is None and guess is not None:  # the continued start was out of reach
            Z, solvers, more = self.solve(start, h, J, newton_norm, None)
            iterations += more
        awake = getattr(solvers, "awake", ())
        self._reusable = (Z is not None and self.contraction <= REUSE_CONTRACTION
                          and len(awake) >= REUSE_MIN_AWAKE)
        if Z is None:
            return StepOutcome(None, np.inf, iterations)
        bound = norm.bind(increment, backend)
        err = self._error(start, Z, h, solvers, bound)
        # the rounding bound only matters for an accepted step (the driver's step growth)
        noise = self._rounding_of_error(start, Z, h, bound) if err <= 1 else 0.0
        return StepOutcome(Z, err, iterations, noise)

    def _rounding_of_error(
        self, start: FlowValue, Z: np.ndarray, h: Any, norm: ScaledNorm
    ) -> float:
        """``‖u·(|h·γ̃·f(y_0)| + Σ_j |e_j|·|Z_j|)‖``: the rounding error of the estimate's
        sum, in the error norm (``u`` the unit round-off).  On the float64 path at large Λ
        the estimate sits at this level for long stretches after a jump, where it says
        nothing about the step size (:meth:`~dlnsym.integrate.driver.Integrator.run`)."""
        backend, tab = self.flow.backend, self.tab
        size = np.abs(start.f * (h * tab.gamma_real)) + np.abs(tab.e) @ np.abs(Z)
        return norm(*backend.to_float(size * backend.eps))

    def _error(
        self, start: FlowValue, Z: np.ndarray, h: Any, solvers: np.ndarray, norm: ScaledNorm
    ) -> float:
        """Filtered embedded error estimate (module docstring), in the error norm."""
        backend, tab = self.flow.backend, self.tab
        tail = tab.e @ Z
        hg = h * tab.gamma_real

        def filtered(f: np.ndarray) -> tuple[np.ndarray, int]:
            """``(I − h·γ̃·J)^{-1}(h·γ̃·f + Σ e_j Z_j)`` (the real stage system, row 0), the
            sum formed at working precision, the solve in float64, as ``(δ, k)``."""
            rhs, k = backend.to_float(f * hg + tail)
            return solvers.solve_real(rhs), k

        estimate = filtered(start.f)
        err = norm(*estimate)
        if err > 1:  # Shampine: f(y_0 + err) removes the stiff transient from the estimate
            moved = start.offset + backend.from_float(*estimate)
            estimate = filtered(self.flow.field(start.base, moved))
            err = norm(*estimate)
        return err
