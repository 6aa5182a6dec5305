"""``simulate``: the accelerated mirror flow, float64 or mpmath, stiff-capable.

The package attribute ``dlnsym.simulate`` is :func:`simulate` itself.

Method
------
The flow ``ds/dt̃ = c − Hβ(s)``, ``β_i = α^{2λ_i}·sinh(2Λs_i)`` in accelerated time (its
cost does not grow with Λ), integrated by Radau IIA collocation with ``s`` stages (order
``2s − 1``, stiffly accurate), written once over an arithmetic back-end
(:mod:`dlnsym.integrate`): vector field (:mod:`dlnsym.mirror_flow`), one step
(:mod:`~dlnsym.integrate.radau`), error norm and step-size control
(:mod:`~dlnsym.integrate.controller`) and the time loop with output sampling
(:mod:`~dlnsym.integrate.driver`) are kept apart.

* *Stiff*: on a plateau the awake coordinates sit on a stiff slow manifold (eigenvalues
  ≈ ``−2Λ·H_ii|β_i|``); each step solves its collocation equations by simplified Newton,
  the stiff components are resolved through the collocation conditions, and the step is
  limited by the slow rates only.  ``s`` grows with the digits asked for
  (:func:`radau_stages`: 13 on float64, 23 from 20 digits).
* *Dormant coordinates*: most coordinates of a large problem have ``|s_i|`` well inside
  the box and β_i exponentially small.  Their β counts as 0 in ``f`` below a level that
  moves ``s`` by less than ``10⁻³`` of the tolerance over the run (:func:`negligible_beta`),
  so a field evaluation costs ``O(|K|·d)`` for the ``K`` coordinates that matter; their
  Jacobian columns ``−H_{:,i}β'_i`` are dropped from the Newton matrix, which is then block
  lower-triangular: a reduction of the awake block to tridiagonal form (reused across steps
  while Newton contracts fast), one tridiagonal solve per eigenvalue of the Radau matrix,
  and the dormant rows by substitution (:class:`~dlnsym.integrate.radau.NewtonSolver`).
* *Jump times*: searched during the run, step by step: the root of the loss along the
  collocation polynomial (the dense output) of the step that holds the crossing.  On the
  mp path, where the polynomial is kept in float64, that root starts a Newton search on
  the integrated loss,
  which then takes one or two integrations of part of the step
  (:class:`~dlnsym.trajectory.JumpSearch`).
* *Not fooled by exponentially small coordinates*: the error test never divides by β, a step
  may not carry a dormant coordinate past waking up unseen, and a waking coordinate may grow
  per step only as far as the step's frozen Jacobian can follow
  (:meth:`dlnsym.mirror_flow.MirrorFlow.wake_cap`) — the failure of explicit Taylor
  methods, which step over the first jump.
* *float64 at Λ = 10⁶*: the state is a double-word sum, so ``|s| − λ_i`` is resolved far
  below ``ε`` (:func:`dlnsym.mirror_flow.beta_and_slope`), and the error and Newton tests
  have a round-off floor set by the rounding of ``h·f``.
* *mp path*: working precision ``dps + ⌈log10(2Λ)⌉ + 8`` digits (``s`` must be resolved to
  ``10^−dps/2Λ`` for β to have ``dps`` digits), computed with FLINT/Arb
  (:class:`~dlnsym.integrate.backend.ArbBackend`) and reported as mpf; the Newton linear
  algebra runs in float64 against working-precision residuals, from a float64 warm start
  (:mod:`dlnsym.integrate.radau`, "Mixed precision").

Cost
----
About (number of saddles) × (steps per jump: 2 to 11 at Λ = 10³, 20 to 25 at Λ = 10⁶) × (cost
of a step), and a step costs ``O(|K|·d + |A|·d)`` plus a ``4|A|³/3`` tridiagonal reduction
whenever the Jacobian is refreshed, for the awake set ``A`` (the support of the current
saddle and the coordinates in transition), not ``O(d³)``; the largest products of a step
run on two threads (:func:`~dlnsym.integrate.backend.split_matmul`).  Measured by ``make
bench`` (2-core machine, whole path to ``1.2 × t_K``) on ``gaussian_sparse(n=d/2, d,
sparsity=5, noise=0.1, seed=0)``: 1.3 s at d = 100, 10 s at d = 500 and 240 s at d = 2000
at Λ = 10³ (scipy's Radau with the analytic Jacobian: 8.5 s and 119 s at d = 100 and 500);
2.0 s and 27 s at Λ = 10⁶ for d = 100 and 500 (and, by ``benchmarks/long_path.py``, 29
minutes at d = 2000); 39 s at 30
digits for d = 100.  At Λ = 10⁶ a jump takes about 20 steps, against 2 to 11 at Λ = 10³: the
tails of each jump (below) must be followed, and the simplified Newton iteration contracts
slowly while the whole support moves within a step.

Cost grows with the digits asked for relative to α²: while exponentially small coordinates
are above the tolerance, their exponential growth (rate ``2Λ|f_i|``) must be followed to
that tolerance; each jump carries tails of about ``ln(1/tol)`` e-folds on either side, so
the cost rises from Λ = 10 (where α² caps the tails) to Λ ≈ ½·ln(1/tol) and then only with
``log Λ`` (the step grows back from ``~1/Λ`` after each jump by a bounded factor per step).

Memory
------
A run keeps every accepted step's state as a checkpoint (dense output integrates from the
one before each requested time, :meth:`~dlnsym.trajectory.Trajectory.at`) and, by default,
the state after every step as a sample: ``O(steps × d)``.  Up to d =
:data:`POLYNOMIALS_MAX_D` a checkpoint also keeps its step's collocation polynomial
(``s = 13`` stage vectors), from which the Newton iterations of dense output start; beyond,
the polynomial is dropped once the jump search has used it, and dense output starts from
``Z = 0`` (1.1× the time on plateaus, up to 1.5× the Newton iterations inside jumps).
Measured peaks of the whole process: 1.0 GiB at d = 1000 (2.8 GiB with the polynomials) and
4.1 GiB at d = 2000, both at Λ = 10⁶ (19 128 and 39 150 steps).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import mpmath
import numpy as np

from dlnsym.errors import DegenerateProblemError, ParameterError
from dlnsym.integrate.backend import ArbBackend, Backend, FloatBackend, MpBackend
from dlnsym.integrate.controller import ErrorNorm, StepSizeController
from dlnsym.integrate.driver import ConvertingFlow, ConvertingIntegrator, Integrator
from dlnsym.integrate.radau import RadauStep, float64_beta_level, radau_tableau
from dlnsym.mirror_flow import MirrorFlow
from dlnsym.problems import Problem, example, resolve_problem
from dlnsym.trajectory import JumpSearch, Trajectory, check_times, plateau_losses

__all__ = ["DemoRuns", "check_init_shape", "default_t_max", "default_tol", "demo_runs",
           "simulate", "working_dps"]

#: smallest number of digits accepted on the mp path (float64 already gives ~15)
MIN_DPS = 15
#: above this Λ float64 cannot represent α-scale data meaningfully; use ``dps``
FLOAT_MAX_LOG_INV_ALPHA = 1e12
#: above this Λ the mp path is refused up front.  Its Newton iteration runs partly in float64
#: (warm start, linear algebra, error weights ``2Λ/tol``: :mod:`dlnsym.integrate.radau`,
#: "Mixed precision"), and on example A it stops converging for steps of any useful size
#: from Λ ≈ 1e176 (dps=30), 1e183 (dps=20), 1e190 (dps=15); above 1.8e308 Λ has no float64
#: value at all.  Below the limit the cost grows with log Λ twice: ~19 steps per decade of
#: Λ at ``dps + log10 Λ`` working digits (example A, whole path at dps=20: 1e6 ≈ 1 s,
#: 1e150 ≈ 60 s)
MP_MAX_LOG_INV_ALPHA = 1e150
#: default end of a run, as a multiple of the last jump time of Algorithm 1
T_MAX_FACTOR = 1.2
#: float64 path: up to this d every checkpoint keeps its step's collocation polynomial,
#: the start of the Newton iteration for dense output from there; beyond, only the states
#: (module docstring, "Memory")
POLYNOMIALS_MAX_D = 500
#: float64 path: default local tolerance
FLOAT_TOL = 1e-11
#: float64 path: most simplified-Newton iterations per step.  In the jumps of a large
#: problem at large Λ the whole support moves within a step and the iteration contracts by
#: only 0.2–0.5: a failed iteration costs the step and halves it, an iteration costs one
#: field evaluation, far less than the halved steps that a lower cap causes
FLOAT_NEWTON_ITERATIONS = 20
#: most Radau IIA stages (order 45): the certified tableau costs ≈ 2 s at 21 stages and
#: 70 digits, 5 s at 25 stages and 100 digits
MAX_STAGES = 23
#: guard digits of the mp path on top of ``dps + log10(2Λ)``
GUARD_DIGITS = 8


def working_dps(dps: int, log_inv_alpha: Any) -> int:
    """Digits carried on the mp path: ``dps + ⌈log10(2Λ)⌉ + GUARD_DIGITS``.

    Since ``β_i = α^{2λ_i}·sinh(2Λs_i)``, ``s`` must be resolved to ``10^−dps/2Λ`` for β to
    have ``dps`` digits: ``⌈log10(2Λ)⌉`` digits are added (none when ``2Λ ≤ 1``), plus
    :data:`GUARD_DIGITS` = 8.

    Parameters
    ----------
    dps : int
        Significant digits asked for.
    log_inv_alpha : real or mpf
        ``Λ = ln(1/α) > 0``.

    Returns
    -------
    int
        The working precision in decimal digits (for ``mpmath.mp.dps``).

    Raises
    ------
    TypeError
        If ``log_inv_alpha`` is negative (its logarithm is complex) or not a number.
    OverflowError
        If ``log_inv_alpha`` is 0.

    Examples
    --------
    >>> working_dps(20, 1000)          # 20 + ⌈log10 2000⌉ + 8
    32
    >>> working_dps(20, 10**6)         # 20 + ⌈log10 2e6⌉ + 8
    35
    """
    return int(dps) + max(0, math.ceil(float(mpmath.log10(2 * log_inv_alpha)))) + GUARD_DIGITS


def default_tol(dps: int | None) -> float | mpmath.mpf:
    """Default local tolerance: ``1e-11`` on float64, ``10^−(dps−8)`` at ``dps`` digits.

    The accuracy contract asks ``10^−(dps−10)`` for the global error relative to ``1 + |β|``;
    measured global errors on example A are below the local tolerance, so two digits of slack
    remain.

    Parameters
    ----------
    dps : int or None
        Significant digits of the mp path; ``None`` for the float64 path.

    Returns
    -------
    float or mpf
        :data:`FLOAT_TOL` (``1e-11``) for ``None``, else the mpf ``10^−(dps−8)``.

    Raises
    ------
    ValueError
        If ``dps`` is a string that is not a whole number.
    TypeError
        If ``dps`` is neither ``None`` nor convertible by :class:`int`.

    Examples
    --------
    >>> default_tol(None)
    1e-11
    >>> default_tol(20)
    mpf('9.9999999999999998e-13')
    """
    return FLOAT_TOL if dps is None else mpmath.mpf(10) ** (-(int(dps) - 8))


def _tol_digits(tol: Any) -> float:
    """Decimal digits asked for by a tolerance: ``−log10(tol)`` (for any mpf or arb, also
    below the float64 range)."""
    return -float(mpmath.log10(mpmath.mpf(tol)))


def newton_iterations(tol: Any) -> int:
    """Most simplified-Newton iterations per step: the first correction is ``~|h f|/tol``
    times the tolerance and each iteration gains a fixed factor, so the count must grow with
    the digits of ``tol`` (12 up to 1e-18, 21 at 1e-42)."""
    return max(12, math.ceil(_tol_digits(tol) / 2))


def radau_stages(tol: Any) -> int:
    """Stages ``s`` of Radau IIA (order ``2s − 1``) for the tolerance ``tol``: high order
    pays, and more so at high precision.

    ``s = 2⌊(3·digits + 30)/10⌋ + 1`` below 20 digits, :data:`MAX_STAGES` from 20 digits on:
    11 at ``dps=15``, 13 for the float64 default (1e-11) and at ``dps=20``, 23 from
    ``dps=28``.  The embedded error estimate has order ``s`` only, and a step is cheap once
    the Newton linear algebra runs in float64, so more stages buy longer steps; the counts
    are the cheapest measured on example A over Λ = 10 … 10⁶ (float64: 13 against 7, 17, 21;
    30 digits: 23 against 19, 21, 25 — 25 stages make ``T`` too ill-conditioned for float64
    Newton corrections at 30 digits, :mod:`dlnsym.integrate.radau`).  At 40 and 60 digits
    more stages would pay still; a count growing beyond 23 needs a lower bound in digits.
    """
    digits = _tol_digits(tol)
    if digits >= 20:
        return MAX_STAGES
    return max(3, 2 * int((3 * digits + 30) / 10) + 1)


# --------------------------------------------------------------------------- arguments


def _parse_number(value: Any, name: str, want: str = "a positive number") -> mpmath.mpf:
    """``value`` (number, string, Fraction or mpf) as an mpf at the current precision.

    A bool is refused: ``True`` is an ``int`` to Python and would silently mean 1."""
    try:
        if isinstance(value, bool | np.bool_):
            raise TypeError
        if isinstance(value, Fraction):
            out = mpmath.mpf(value.numerator) / value.denominator
        elif isinstance(value, str):
            out = mpmath.mpf(value.strip())
        elif isinstance(value, int | float | np.integer | np.floating | mpmath.mpf):
            out = mpmath.mpf(value)
        else:
            raise TypeError
    except (TypeError, ValueError):
        raise ParameterError(
            f"{name} = {value!r} is not a number; give {want} or a decimal string such as "
            "'1e6'"
        ) from None
    return out


def _parse_positive(value: Any, name: str) -> mpmath.mpf:
    """:func:`_parse_number`, and positive and finite."""
    out = _parse_number(value, name)
    if not mpmath.isfinite(out) or out <= 0:
        raise ParameterError(f"{name} must be a positive finite number, got {value!r}")
    return out


def _log_inv_alpha(log_inv_alpha: Any, alpha: Any, digits: int) -> mpmath.mpf:
    """Λ at ``digits`` decimal digits, from either ``log_inv_alpha`` or ``alpha``."""
    if (log_inv_alpha is None) == (alpha is None):
        raise ParameterError("give exactly one of log_inv_alpha (Λ = ln 1/α) and alpha")
    with mpmath.workdps(digits):
        if alpha is None:
            lam = _parse_number(log_inv_alpha, "log_inv_alpha (Λ)")
            if not mpmath.isfinite(lam) or lam <= 0:
                raise ParameterError(
                    f"log_inv_alpha (Λ = ln 1/α) must be a positive finite number, got "
                    f"{log_inv_alpha!r}; Λ ≤ 0 means α ≥ 1, outside the theory"
                )
            return lam
        a = _parse_positive(alpha, "alpha")
        if a >= 1:
            raise ParameterError(f"alpha must lie in (0, 1), got {alpha!r}")
        return -mpmath.log(a)


def _check_dps(dps: Any) -> int | None:
    if dps is None:
        return None
    if isinstance(dps, bool) or not isinstance(dps, int | np.integer) or dps < MIN_DPS:
        raise ParameterError(
            f"dps must be an integer ≥ {MIN_DPS} (or None for float64), got {dps!r}"
        )
    return int(dps)


def _check_lambda_range(lam: mpmath.mpf, dps: int | None) -> None:
    """Λ within the range of the path chosen by ``dps`` (:data:`FLOAT_MAX_LOG_INV_ALPHA`,
    :data:`MP_MAX_LOG_INV_ALPHA`): refused before any work, not after a slow failure."""
    if dps is None and lam > FLOAT_MAX_LOG_INV_ALPHA:
        raise ParameterError(
            f"Λ = {mpmath.nstr(lam, 6)} is beyond the float64 path "
            f"(Λ ≤ {FLOAT_MAX_LOG_INV_ALPHA:g}); pass dps (e.g. dps=20)"
        )
    if dps is not None and lam > MP_MAX_LOG_INV_ALPHA:
        raise ParameterError(
            f"Λ = {mpmath.nstr(lam, 6)} is beyond the mp path (Λ ≤ {MP_MAX_LOG_INV_ALPHA:g}, "
            f"α ≥ e^−{MP_MAX_LOG_INV_ALPHA:g}): its Newton iteration "
            "runs partly in float64 and stops converging near Λ = 1e180, and the cost grows "
            "with log Λ (≈ 1 min at the limit); use a smaller Λ — the jump times already "
            "agree with the limit t_k to O(1/Λ)"
        )


def _check_tol(tol: Any, dps: int | None) -> Any:
    if tol is None:
        return default_tol(dps)
    value = _parse_positive(tol, "tol")
    if value >= 1e-3:
        raise ParameterError(f"tol must be below 1e-3, got {tol!r}")
    return float(value) if dps is None else value


def _check_progress(progress: Any) -> Callable[[float], None] | None:
    """Refuse a non-callable ``progress`` now, not with a TypeError after the first step."""
    if progress is not None and not callable(progress):
        raise ParameterError(
            f"progress must be a function of the time t̃ (or None), got {progress!r}"
        )
    return progress


def _check_jump_levels(levels: Any) -> list[float] | None:
    """Plateau losses ``L_0 > L_1 > …`` as floats: jump k is the crossing of the mid level
    ``(L_{k−1} + L_k)/2`` by a loss that never increases (:mod:`dlnsym.trajectory`), so the
    levels must decrease strictly for each crossing to be found once, in order."""
    if levels is None:
        return None
    want = "a number (a plateau loss)"
    try:
        values = [float(_parse_number(v, "jump_levels entry", want)) for v in levels]
    except TypeError:  # not iterable
        raise ParameterError(
            f"jump_levels must be a sequence of plateau losses, got {levels!r}"
        ) from None
    if not all(math.isfinite(v) for v in values) or any(
        b >= a for a, b in zip(values, values[1:], strict=False)
    ):
        raise ParameterError(
            f"jump_levels must be finite and strictly decreasing (the plateau losses "
            f"L(β_0) > L(β_1) > … of Algorithm 1), got {values}"
        )
    return values


def default_t_max(path: Any, name: str = "t_max") -> float:
    """The default end of a run: ``t_max = T_MAX_FACTOR · t_K = 1.2 · t_K``.

    ``t_K`` is the last jump time of Algorithm 1's ``path``, so the run ends on the last
    plateau, past every jump.

    Parameters
    ----------
    path : SaddlePath
        Algorithm 1 on the problem (:func:`dlnsym.saddle_path.saddle_path`).
    name : str
        The argument that messages ask for (``"t_max"``; the CLI says ``"--t-max"``).

    Returns
    -------
    float
        ``1.2 · t_K``.

    Raises
    ------
    ParameterError
        If the path has no jump (``∇L(0) = 0``: the flow does not move), asking for ``name``.

    Examples
    --------
    Example A's last jump is at ``t₅ = 13971921800/1399630519 ≈ 9.9826``:

    >>> from dlnsym import example, saddle_path
    >>> round(default_t_max(saddle_path(example("A"))), 6)
    11.979094
    """
    if path.n_jumps == 0:
        raise ParameterError(
            f"∇L(0) = 0: the flow does not move and Algorithm 1 has no jump; give {name}"
        )
    return T_MAX_FACTOR * float(path.times[-1])


def _limit_path(problem: Problem, shape: np.ndarray | None = None, *,
                needed: bool = True) -> Any:
    """Algorithm 1 on the problem (exact for exact problems), for the initialisation
    ``shape`` λ (``None``: all ones); ``None`` for a degenerate problem unless ``needed``
    (then :class:`~dlnsym.errors.DegenerateProblemError` propagates)."""
    from dlnsym.saddle_path import saddle_path

    try:
        return saddle_path(problem, init_shape=shape)
    except DegenerateProblemError:
        if needed:
            raise
        return None


def check_init_shape(init_shape: Any, d: int) -> np.ndarray | None:
    """Validate the initialisation shape λ (``u_i(0) = √2·α^λ_i``) of a problem with ``d``
    coordinates.

    Parameters
    ----------
    init_shape : sequence of real or str, or None
        ``d`` positive finite numbers (numbers, decimal strings or Fractions); ``None`` for
        all ones, the paper's initialisation.
    d : int
        The number of coordinates of the problem.

    Returns
    -------
    ndarray of float64, shape (d,), or None
        The vector; ``None`` when it is ``None`` or all ones (the standard initialisation,
        which takes the faster code path).

    Raises
    ------
    ParameterError
        If ``init_shape`` is nested or ragged, has an entry that is not a number, does not
        have ``d`` entries, or has an entry that is not positive and finite.

    Examples
    --------
    >>> check_init_shape([1, 2, "0.5"], 3)
    array([1. , 2. , 0.5])
    >>> check_init_shape([1, 1, 1], 3) is None
    True
    >>> try:
    ...     check_init_shape([1, 2], 3)
    ... except ParameterError as err:
    ...     print(str(err)[:43])
    init_shape has 2 entries, the problem d = 3
    """
    if init_shape is None:
        return None
    want = f"d = {d} positive numbers λ_i (u_i(0) = √2·α^λ_i), e.g. [1, 2, …]"
    try:
        items = np.asarray(init_shape, dtype=object)
    except ValueError:  # ragged nesting
        items = None
    if items is None or items.ndim > 1:
        raise ParameterError(f"init_shape = {init_shape!r} is not a flat vector of numbers; "
                             f"give {want}")
    shape = np.array([float(_parse_number(v, "init_shape entry", want))
                      for v in np.atleast_1d(items)])
    if shape.size != d:
        raise ParameterError(f"init_shape has {shape.size} entries, the problem d = {d}; "
                             f"give {want}")
    bad = np.flatnonzero(~(np.isfinite(shape) & (shape > 0)))
    if bad.size:
        i = int(bad[0])
        raise ParameterError(f"init_shape[{i}] = {float(shape[i])!r} is not a positive finite "
                             f"number; give {want}")
    return None if np.all(shape == 1) else shape


# ---------------------------------------------------------------------------- simulate


def negligible_beta(tol: Any, lam: Any, H_row_sum: float, t_max: float) -> float:
    """The level below which β_i is read as 0 in ``f = c − Hβ``
    (:meth:`~dlnsym.mirror_flow.MirrorFlow.kept`): ``10^−3·(tol/2Λ) / (H_row_sum·t_max)``,
    so that the perturbation of ``f`` (at most ``H_row_sum`` times the level) moves ``s`` by
    less than ``10^−3`` of the tolerance on ``s`` over the whole run ``[0, t_max]``."""
    atol = float(tol) / max(1.0, 2 * float(lam))
    return 1e-3 * atol / (max(H_row_sum, 1e-300) * max(1.0, float(t_max)))


def _integrator(
    problem: Problem, lam: Any, backend: Backend, tol: Any, t_max: float = 1.0,
    shape: np.ndarray | None = None,
) -> Integrator:
    """The integrator of the flow on ``backend`` (call in ``backend.precision()``): error
    weight ``2Λ`` on ``s`` (``atol = tol/max(1, 2Λ)``), round-off floor ``16ε·Σ|e_j|·|h f|``
    (the error estimate ``Σ e_j Z_j`` carries that much rounding), wake-up level ``tol/1000``
    (also the level below which a coordinate's β is taken from float64 on the mp path, unless
    Λ is so large that :func:`~dlnsym.integrate.radau.float64_beta_level` is lower).
    """
    H_row_sum = float(max(np.abs(np.asarray(problem.gram()[0], dtype=float)).sum(axis=1)))
    flow = MirrorFlow(problem, lam, backend, negligible_beta(tol, lam, H_row_sum, t_max),
                      shape)
    widest = 1.0 if shape is None else max(1.0, float(shape.max()))  # |s| ≤ λ_max
    stages = radau_stages(tol)
    tableau = radau_tableau(stages, backend)
    noise = 16 * backend.eps * max(1, sum(abs(v) for v in tableau.e))
    norm = ErrorNorm(atol=tol / max(1, 2 * flow.lam), rtol=noise)
    beta_wake = tol / 1000
    stepper = RadauStep(
        flow,
        tableau,
        max_iterations=(max(newton_iterations(tol), FLOAT_NEWTON_ITERATIONS)
                        if isinstance(backend, FloatBackend) else newton_iterations(tol)),
        dormant_level=min(beta_wake, float64_beta_level(tol, float(flow.lam) * widest,
                                                               H_row_sum)),
    )
    return Integrator(stepper, norm, StepSizeController(stages), beta_wake=beta_wake)


def simulate(
    X: Any,
    y: Any = None,
    *,
    log_inv_alpha: Any = None,
    alpha: Any = None,
    t_max: float | None = None,
    dps: int | None = None,
    tol: Any = None,
    at: Sequence[float] | None = None,
    jump_levels: Sequence[float] | None = None,
    progress: Callable[[float], None] | None = None,
    mp_backend: str = "arb",
    init_shape: Sequence[float] | None = None,
) -> Trajectory:
    """Integrate the accelerated mirror flow ``ds/dt̃ = c − Hβ(s)``, ``s(0) = 0``, on
    ``[0, t_max]`` (module docstring: method and cost).

    Parameters
    ----------
    X, y : Problem, or array-likes (n, d) and (n,)
    log_inv_alpha : number, decimal string or mpf
        ``Λ = ln(1/α) > 0``; any size (α itself need not be representable).
    alpha : mpf, number or string such as ``"1e-1000"``
        Alternative to ``log_inv_alpha``; ``0 < α < 1``.
    t_max : float, optional
        End of the accelerated-time interval; default ``1.2 × t_K``, the last jump time of
        Algorithm 1 (:func:`dlnsym.saddle_path.saddle_path`).
    dps : int, optional
        ``None``: float64 (fast).  ``D ≥ 15``: mpmath at D digits (plus guard digits).
    tol : optional
        Local error tolerance on ``2Λ·|δs|`` (≈ relative error of β), default
        :func:`default_tol`.  Accuracy contract with the default: β agrees with a run at
        ``dps + 20`` to ``10^−(dps−10)`` relative to ``1 + |β|`` at every sample; the float path
        agrees with the mp path to 1e-9 for Λ ≤ 10⁴ and 1e-7 up to Λ = 10⁶.
    at : sequence of float, optional
        Sample exactly at these times (in ``[0, t_max]``, any order); default: the initial
        state ``t̃ = 0`` and the end of every accepted step.
    jump_levels : sequence of float, optional
        Plateau losses for jump detection (see :mod:`dlnsym.trajectory`); default
        Algorithm 1's ``L(β_k)``.  No jumps are detected when Algorithm 1 finds the problem
        degenerate.
    progress : callable(t̃), optional
        Called after every accepted step (the CLI's progress bar); checked up front.
    init_shape : sequence of d positive numbers, optional
        Shaped initialisation ``u_i(0) = √2·α^{λ_i}``, ``v_i(0) = 0`` (default all ones).
        Then ``β_i = α^{2λ_i}·sinh(2θ_i)``, i.e. ``β_i(s) = sign(s_i)·½·e^{2Λ(|s_i| − λ_i)}·
        (1 − e^{−4Λ|s_i|})``: the box edge 1 becomes ``λ_i``, and the limit is Algorithm 1
        on the columns ``X_{:,i}/λ_i`` with ``β_i = β'_i/λ_i``
        (:func:`~dlnsym.saddle_path.saddle_path` with ``init_shape``), which also gives the
        default ``t_max`` and jump levels.
    mp_backend : {"arb", "mpmath"}
        Arithmetic of the mp path (ignored on float64): ``"arb"`` (default) computes with
        FLINT/Arb in C (:class:`~dlnsym.integrate.backend.ArbBackend`), ``"mpmath"`` in pure
        Python (:class:`~dlnsym.integrate.backend.MpBackend`, the slower reference).  Both
        round to the same precision and the results are mpf either way.

    Returns
    -------
    Trajectory
        With ``interrupted = True`` and the part computed so far after Ctrl-C.

    Raises
    ------
    ParameterError
        Λ ≤ 0 or not a number (a bool is not a number), Λ beyond the path (float64:
        ``FLOAT_MAX_LOG_INV_ALPHA`` = 1e12; mp: ``MP_MAX_LOG_INV_ALPHA`` = 1e150), both/neither
        of Λ and α, dps < 15,
        tol out of range, t_max ≤ 0, ``at`` not a flat list of numbers or a time outside
        ``[0, t_max]``, ``jump_levels`` not strictly decreasing numbers, ``progress`` not
        callable, unknown ``mp_backend``, ``init_shape`` not ``d`` positive finite numbers.
    ProblemError
        Malformed data.
    IntegrationError
        The step size collapsed (only with an unreasonably small ``tol``).

    Examples
    --------
    >>> from dlnsym.problems import example
    >>> tr = simulate(example("A"), log_inv_alpha=1000, t_max=1.0)
    >>> [round(t, 4) for t in tr.jump_times]          # t₁ = 150/199 ≈ 0.7538, minus 0.328/Λ
    [0.7534]
    >>> round(float(tr.at([0.9]).beta[0, 0]), 6)      # β₁ = 199/394 on the first plateau
    0.505076
    """
    problem = resolve_problem(X, y, caller="simulate")
    shape = check_init_shape(init_shape, problem.d)
    dps = _check_dps(dps)
    if mp_backend not in ("arb", "mpmath"):
        raise ParameterError(f"mp_backend must be 'arb' or 'mpmath', got {mp_backend!r}")
    lam_probe = _log_inv_alpha(log_inv_alpha, alpha, 30)
    _check_lambda_range(lam_probe, dps)
    path = None
    if t_max is None or jump_levels is None:
        path = _limit_path(problem, shape, needed=t_max is None)
    if t_max is None:
        t_max = default_t_max(path)
    t_max = float(_parse_positive(t_max, "t_max"))
    wanted = None if at is None else check_times(
        at, t_max, name="at",
        outside=f"[0, t_max = {t_max!r}]; ask for times in that interval or raise t_max",
    )
    if jump_levels is None:
        jump_levels = plateau_losses(path)
    jump_levels = _check_jump_levels(jump_levels)
    progress = _check_progress(progress)

    backend: Backend
    if dps is None:
        backend = FloatBackend()
        lam: Any = float(lam_probe)
    else:
        backend = MpBackend(working_dps(dps, lam_probe))
        lam = _log_inv_alpha(log_inv_alpha, alpha, backend.dps)
    tol = _check_tol(tol, dps)

    compute: Backend = backend
    if dps is not None and mp_backend == "arb":
        compute = ArbBackend(backend.dps)
    with compute.precision():
        integrator = _integrator(problem, lam, compute, compute.scalar(tol), t_max, shape)
    if compute is not backend:  # report in mpmath: convert once per output, not per substep
        with backend.precision():
            export = ArbBackend.to_mpf
            flow = ConvertingFlow(problem, lam, backend, integrator.flow, export)
            integrator = ConvertingIntegrator(integrator, flow, export)
    with backend.precision():
        zero = backend.array(np.zeros(problem.d))
        # every step (at=None) starts with the initial state: a stop at t̃ = 0 outputs it
        stops = [backend.scalar(t) for t in sorted(set([0.0] if wanted is None else wanted))]
        # jumps are searched during the run, where each step's Jacobian is at hand, when
        # the run computes in the reported numbers (else by the Trajectory, afterwards)
        search = None if compute is not backend else JumpSearch(integrator, jump_levels or [])
        start = time.perf_counter()
        run = integrator.run(
            backend.scalar(0),
            (zero, zero.copy()),
            backend.scalar(t_max),
            h0=backend.scalar(min(t_max, 0.1)),
            stops=stops,
            every_step=at is None,
            progress=progress,
            on_step=search,
            # found during the run, the jumps need no polynomial afterwards (module
            # docstring, "Memory")
            keep_polynomials=search is None or problem.d <= POLYNOMIALS_MAX_D,
        )
        seconds = time.perf_counter() - start
    samples = run.outputs
    if wanted is not None:  # the requested order, duplicates included, as far as the run got
        reached = {float(t): (t, hi, lo) for t, hi, lo in run.outputs}
        samples = [reached[t] for t in wanted if t in reached]
    return Trajectory(
        problem=problem,
        log_inv_alpha=lam,
        dps=dps,
        integrator=integrator,
        checkpoints=run.checkpoints,
        samples=samples,
        interrupted=run.interrupted,
        stats={"accepted": run.accepted, "rejected": run.rejected, "seconds": seconds},
        jump_levels=jump_levels,
        jump_times=None if search is None or jump_levels is None else search.times,
    )


# -------------------------------------------------------------------------------- demo


@dataclass
class DemoRuns:
    """Example A at several Λ: the trajectories, the limit path and a printable summary.

    Returned by :func:`demo_runs`; ``str()`` of it is the summary.

    Attributes
    ----------
    trajectories : dict of float to Trajectory
        One float64 simulation per Λ, keyed by Λ.
    path : SaddlePath
        Algorithm 1 on the problem.
    summary : str
        Table of detected jump times ``t̂_k`` against ``t_k``, errors and run costs.

    Examples
    --------
    >>> runs = demo_runs(lambdas=[100])
    >>> isinstance(runs, DemoRuns), list(runs.trajectories), runs.path.n_jumps
    (True, [100.0], 5)
    """

    trajectories: dict[float, Trajectory]
    path: Any
    summary: str

    def __str__(self) -> str:
        return self.summary


def demo_runs(
    problem: Problem | None = None,
    path: Any = None,
    *,
    lambdas: Sequence[float] = (10, 100, 1e4),
) -> DemoRuns:
    """Simulate ``problem`` (default example A) at each Λ in ``lambdas`` on the float path,
    up to 1.2 × the last jump of ``path`` (default: Algorithm 1 on ``problem``).

    ``summary`` tabulates the detected jump times ``t̂_k`` against Algorithm 1's ``t_k``, the
    errors ``t̂_k − t_k`` and ``Λ·(t̂_k − t_k)`` (which the theory expects to settle to a
    constant ``c_k``), and the cost of each run.

    Parameters
    ----------
    problem : Problem, optional
        The problem (default: example A).
    path : SaddlePath, optional
        Algorithm 1 on ``problem``, if already computed.
    lambdas : sequence of float
        The values of ``Λ = ln(1/α)``.

    Returns
    -------
    DemoRuns
        The trajectories (keyed by Λ as float), the path and the summary.

    Raises
    ------
    ParameterError
        As :func:`simulate` (e.g. a Λ that is not positive), or if the path has no jump.

    Examples
    --------
    At Λ = 100 the first jump of example A comes ``≈ 0.33/Λ`` early
    (``t₁ = 150/199 ≈ 0.753769``):

    >>> runs = demo_runs(lambdas=[100])
    >>> print(runs.summary.splitlines()[2])
         100  1     0.753769     0.750485   -3.284e-03    -0.328
    """
    problem = example("A") if problem is None else problem
    path = _limit_path(problem) if path is None else path
    times = [float(t) for t in path.times[1:]]
    runs = {float(lam): simulate(problem, log_inv_alpha=lam) for lam in lambdas}
    lines = [f"Jump times of the mirror flow vs Algorithm 1 ({problem.name or 'problem'})"]
    lines.append(f"{'Λ':>8} {'k':>2} {'t_k':>12} {'t̂_k':>12} {'t̂_k − t_k':>12} {'Λ·err':>9}")
    for lam, tr in runs.items():
        for k, (tk, tj) in enumerate(zip(times, tr.jump_times, strict=False), start=1):
            err = tj - tk
            lines.append(
                f"{lam:>8g} {k:>2} {tk:>12.6f} {tj:>12.6f} {err:>+12.3e} {lam * err:>+9.3f}"
            )
        lines.append(
            f"{'':>8} {len(tr.jump_times)} jumps detected, {tr.stats['accepted']} steps "
            f"({tr.stats['rejected']} rejected), {tr.stats['seconds']:.2f} s"
        )
    return DemoRuns(runs, path, "\n".join(lines))

