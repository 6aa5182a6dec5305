"""``simulate``: the accelerated mirror flow of THEORY.md §3, float64 or mpmath, stiff-capable.

The package attribute ``dlnsym.simulate`` is :func:`simulate` itself.

Method
------
Radau IIA collocation with ``s`` stages (order ``2s − 1``, stiffly accurate), written once
over an arithmetic back-end (:mod:`dlnsym.integrate`):

* *stiff*: each step solves its collocation equations by Newton's method — simplified
  Newton with ``J = −H·diag(β')`` exact at the step start, split into ``(s+1)/2`` systems of
  size ``d`` by diagonalising the Radau matrix, on float64; at higher precision after a
  float64 warm start with the Jacobians at the stages — started from the previous step's
  collocation polynomial; the stiff plateaus (eigenvalues ≈ −2Λ·H_ii·|β_i|) cost a handful
  of steps at any Λ;
* *high order at high precision*: ``s`` grows with the digits of the tolerance
  (:func:`radau_stages`: 13 on float64, 23 at 30 digits).  Radau IIA was chosen over the
  classical alternative, linearly implicit Euler extrapolation (SEULEX), after measuring both:
  on a plateau the active coordinates sit on a stiff slow manifold forced by coordinates that
  wake up or die out, and extrapolation converges there like ``(h|λ|)^j/j!`` with the *stiff*
  λ — 1171 steps of 16 rows on one plateau of example A at 30 digits, against 117 steps for
  9-stage Radau IIA, whose stage order resolves the stiff components;
* *cost flat in Λ*: in fast time ``τ = Λt̃`` and scaled dual ``Λs`` the jump dynamics is
  Λ-independent, and the error weight ``2Λ`` on ``s`` (:mod:`dlnsym.integrate.controller`)
  makes the step control invariant under that scaling;
* *not fooled by exponentially small coordinates*: the error test never divides by β, a step
  may not carry a dormant coordinate past waking up unseen, and a waking coordinate may grow
  per step only as far as the step's frozen Jacobian can follow (``e^4`` near O(1), more
  far below it: :meth:`dlnsym.mirror_flow.MirrorFlow.wake_cap`) — the failure of explicit
  Taylor methods that step over the first jump;
* *float64 at Λ = 10⁶*: the state is a double-word sum, so ``|s| − 1`` is resolved far below
  ``ε`` (:func:`dlnsym.mirror_flow.beta_and_slope`), and the error and Newton tests have a
  round-off floor set by the rounding of ``h·f`` (:meth:`~dlnsym.mirror_flow.MirrorFlow.
  rounding_scale`).

On the mp path the working precision is ``dps + ⌈log10(2Λ)⌉ + 8`` digits: ``s`` must be
resolved to ``10^−dps/2Λ`` for β to have ``dps`` digits.

The mp path computes with FLINT/Arb (:class:`~dlnsym.integrate.backend.ArbBackend`, C-level
arithmetic, mid-points of balls) and reports mpf values, converted once per sample
(:class:`~dlnsym.integrate.driver.ConvertingIntegrator`); ``mp_backend="mpmath"`` runs the
same method in pure-Python mpmath, about 3× slower (dps=20, example A at Λ = 100: 0.95 s
against 0.42 s, the same 90 steps).  Above float64, the Newton linear algebra runs in
float64 against working-precision residuals, from a float64 warm start, and dormant
coordinates take β from float64 (:mod:`dlnsym.integrate.radau`, "Mixed precision").

Measured on example A, whole path to t̃ = 12, default tolerances, 2 shared cores (``make
bench``, 2026-11-28, session 13); "s" is the whole call (Trajectory and jump detection
included), the best of several runs (wall-clock times on the shared machine vary by ±25 %);
"Minstr" counts machine instructions of the whole call (``make bench-instructions``,
valgrind), which is reproducible to about 5 %:

======  ==================================  =================================================
Λ       float64: steps (rejected), s         mp path: steps (rejected), s
======  ==================================  =================================================
10      34 (4), 0.032; 138 Minstr            dps=30: 38 (3), 0.35; 1609 Minstr
10²     67 (15), 0.066                       dps=20: 74 (14);  dps=30: 82 (13), 0.43;
                                             2379 Minstr
10³     84 (14), 0.058; 247 Minstr
10⁶     104 (13), 0.059; 264 Minstr          dps=20: 113 (17);  dps=30: 133 (14), 0.63;
                                             2820 Minstr
======  ==================================  =================================================

Session 12 (21 stages at 30 digits, RADAU5's ``err_acc`` floor and growth limit 8):
float64 34/67/84/101 steps, 138/250/274 Minstr; dps=30 42/95/157 steps, 1570/2413/3084 Minstr.
Session 11 (19 stages at 30 digits): dps=30 48/115/183 steps, 1538/2549/3222 Minstr.
Session 10 (simplified Newton from ``Z = 0`` at every precision): float64 38/75/94/112 steps,
193/326/358 Minstr; dps=30 49/117/184 steps, 2440/3686/3926 Minstr.
Session 9 (17 stages at 30 digits, the classical/Gustafsson minimum with factors in
``[0.2, 4]``, growth ``e^4`` per step): float64 41/91/122/155 steps; dps=30 61/170/295.
Session 8 (Radau with working-precision linear algebra, 7 stages on float64, 13 at 30
digits): float64 90/223/328 steps, 0.10/0.20/0.25 s; dps=30 328 and 468 steps, 3.7–4.6 s.
The extrapolation solver before that: float64 310 and 404 steps, 0.4–0.5 s; dps=30 2149 and
2283 steps, 30–33 s.  Accuracy is checked by the tests against runs at 20 more digits and
between the float and mp paths (the contract of :func:`simulate`).

Cost grows with the digits asked for relative to α²: while exponentially small coordinates
are still above the tolerance, their exponential growth (rate ``2Λ|f_i|``) must be followed
by polynomials to that tolerance.  At dps=150 and Λ = 100 (α² ≈ 10⁻⁸⁷ against a tolerance
of 10⁻¹⁴²) the interval t̃ ∈ [0, 0.2] before the first jump takes about 2600 steps.

Cost as Λ grows
---------------
Each jump costs its core (fast time ``τ = Λ(t̃ − t_k)`` within about ±20) and two tails:
the approach of the waking coordinate, whose β grows like ``e^{2|f_i|τ}`` from the wake
level (``tol/1000``) to O(1), and the decay of a leaving one, whose β falls to below the
tolerance.  The stages must follow these exponentials — and the support's response to
them — to the tolerance, so each tail spans about ``ln(1/tol)`` e-folds, whatever Λ.  At
Λ = 10, α² = e⁻²⁰ caps them at 20 e-folds and the jumps (width ``1/Λ = 0.1``) overlap into
one smooth path; from Λ ≈ ½·ln(1/tol) on (13 on float64, ≈ 30 at 30 digits) every jump
carries its full tails.  The cost therefore rises from Λ = 10 to about Λ = 100 and then
only slowly, with ``log Λ`` (after each jump the step grows back from ``~1/Λ`` to the plateau
scale by a bounded factor per step).  Example A, whole path, step attempts: float64 57, 73,
100, 117, 124, 135, 154 at Λ = 10, 30, 10², 10³, 10⁴, 10⁶, 10⁸; 30 digits 72, 104, 152,
207, 224, 286, 341 at Λ = 10, 30, 10², 10⁴, 10⁶, 10⁹, 10¹² (19 stages, session 11).
Of the 206 steps of the main run at Λ = 10⁶ and 30 digits (jump-time search not counted),
107 are in the tails (``20 < |τ| < 10⁴``), 80 in the cores and 19 far from any jump.  Making
steps cheaper (the Newton iteration, session 11) helps the Λ = 10 run most, whose steps are
all hard: it made every run faster and the ratio to Λ = 10 larger.
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
from dlnsym.trajectory import Trajectory, check_times

__all__ = ["DemoRuns", "check_init_shape", "default_t_max", "default_tol", "demo_runs",
           "shaped_limit_path", "simulate", "working_dps"]

#: smallest number of digits accepted on the mp path (float64 already gives ~15)
MIN_DPS = 15
#: above this Λ float64 cannot represent α-scale data meaningfully; use ``dps``
FLOAT_MAX_LOG_INV_ALPHA = 1e12
#: above this Λ the mp path is refused up front.  Its Newton iteration runs partly in float64
#: (warm start, linear algebra, error weights ``2Λ/tol``: :mod:`dlnsym.integrate.radau`,
#: "Mixed precision"), and on example A it stops converging for steps of any useful size
#: from Λ ≈ 1e176 (dps=30), 1e183 (dps=20), 1e190 (dps=15): the run then creeps on with
#: steps of ~1e-20 and ends in a step-size underflow (measured 2026-11-28); above 1.8e308 Λ
#: has no float64 value at all.  Below the limit the cost grows with log Λ twice: ~19 steps
#: per decade of Λ (each jump's step recovers from ~1/Λ by a bounded factor per step) at
#: ``dps + log10 Λ`` working digits — whole path at dps=20: 1e6 ≈ 1 s, 1e100 ≈ 14 s (1900
#: steps), 1e150 ≈ 60 s (3200 steps)
MP_MAX_LOG_INV_ALPHA = 1e150
#: default end of a run, as a multiple of the last jump time of Algorithm 1
T_MAX_FACTOR = 1.2
#: float64 path: default local tolerance
FLOAT_TOL = 1e-11
#: float64 path: most simplified-Newton iterations per step.  In the jumps of a large
#: problem at large Λ the whole support moves within a step and the iteration contracts by
#: only 0.2–0.5: a failed iteration costs the step and halves it, an iteration costs one
#: field evaluation (Gaussian d = 100, Λ = 10⁶: 8678 steps with 12, 4289 with 20)
FLOAT_NEWTON_ITERATIONS = 20
#: most Radau IIA stages (order 45): the certified tableau costs ≈ 2 s at 21 stages and
#: 70 digits, 5 s at 25 stages and 100 digits
MAX_STAGES = 23
#: guard digits of the mp path on top of ``dps + log10(2Λ)``
GUARD_DIGITS = 8


def working_dps(dps: int, log_inv_alpha: Any) -> int:
    """Digits carried on the mp path: ``dps + ⌈log10(2Λ)⌉ + GUARD_DIGITS``."""
    return int(dps) + max(0, math.ceil(float(mpmath.log10(2 * log_inv_alpha)))) + GUARD_DIGITS


def default_tol(dps: int | None) -> float | mpmath.mpf:
    """Default local tolerance: ``1e-11`` on float64, ``10^−(dps−8)`` at ``dps`` digits.

    The accuracy contract asks ``10^−(dps−10)`` for the global error relative to ``1 + |β|``;
    measured global errors on example A are below the local tolerance, so two digits of slack
    remain.
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
    ``dps=28``.  Measured on example A,
    whole path, Λ = 10, 10² (10³ on float64), 10⁶, after the Newton iteration moved its linear
    algebra to float64 (:mod:`dlnsym.integrate.radau`), which made a stage cheap:

    * float64: s = 7 → 93, 287, 335 steps; 13 → 34, 145, 213 (35 % less time); 17 and 21
      no better (again so with the step control of session 10: 11, 13, 15, 17 stages within
      the timing noise);
    * ``dps=20``: 7 → 121, 298, 401 steps; 13 → 29, 90, 165 (2.3–2.5× faster); 17 equal,
      21 slower at Λ = 10⁶;
    * ``dps=30``, with the step control of session 10 (Gustafsson's predictive controller,
      growth beyond ``e^4`` far below O(1)): 17 → 64, 254 step attempts at Λ = 10, 10⁶; 19 →
      54, 207; 21 → 47, 183.  Counted in machine instructions (valgrind, deterministic where
      wall-clock times on the shared machine are not): 17 → 2356 and 4298 million, 19 →
      2443 and 4046, 21 → 2668 and 4041; 19 is the cheapest over both (13 stages, the
      choice before that session's controller, took 335 and 492 steps at Λ = 10², 10⁶);
    * ``dps=40``: 21 stages 25 % faster than 19;
    * ``dps=30`` again in session 12, after the Newton iteration took the stage Jacobians
      and its start from the previous step (:mod:`dlnsym.integrate.radau`), which made the
      steps in the jumps cheap and left the tails (accuracy-limited, fewer with higher
      order) as the cost at large Λ: 19 → 1540, 2557, 3239 million instructions at Λ = 10,
      10², 10⁶; 21 → 1578, 2408, 3080; 23 → 1638, 2427, 3009.  21 costs 6 % and 5 % less
      at Λ = 10², 10⁶ than 19, 2.5 % more at Λ = 10; 23 gains nothing more at Λ = 10²
      (and ``dps=15``: 9 stages → 49, 85, 133 step attempts, 11 → 42, 73, 112);
    * session 13, after the controller took the previous error unfloored and growth up to
      64 (:mod:`dlnsym.integrate.controller`): ``dps=30``, 21 → 1552 and 2912 million
      instructions at Λ = 10, 10⁶ (65 and 182 step attempts), 23 → 1608 and 2840 (61, 162),
      25 → 4281 and 143191 (its Newton iteration breaks down at 30 digits: ``T`` too
      ill-conditioned for float64 corrections, module docstring of
      :mod:`dlnsym.integrate.radau`); 23 costs 3.6 % more at Λ = 10 and 2.5 % less at 10⁶,
      and errors against 50 digits stay 6e-33 (Λ = 100) and 5e-24 (10⁶).  At higher
      precision more stages pay more (example A to t̃ = 4, accepted + rejected steps and
      seconds at Λ = 10², 10⁶): ``dps=40``, 21 → 191 and 302 (1.8, 1.5 s), 23 → 150 and
      236 (1.9, 1.3 s), 25 → 122 and 197 (2.1, 1.2 s); ``dps=60``, 21 → 1380 and 2120
      (10.0, 12.5 s), 23 → 889 and 1399 (7.7, 7.4 s), 25 → 626 and 987 (6.0, 6.7 s).  A
      stage count growing beyond 23 with the digits is left for a later session (25 fails at
      30 digits, so it needs a lower bound in digits, measured).
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
    """The default end of a run: :data:`T_MAX_FACTOR` × the last jump time ``t_K`` of
    Algorithm 1's ``path``; a ParameterError asking for ``name`` when there is no jump."""
    if path.n_jumps == 0:
        raise ParameterError(
            f"∇L(0) = 0: the flow does not move and Algorithm 1 has no jump; give {name}"
        )
    return T_MAX_FACTOR * float(path.times[-1])


def _limit_path(problem: Problem, shape: np.ndarray | None = None) -> Any:
    """Algorithm 1 on the problem (exact for exact problems); with an initialisation
    ``shape`` λ, :func:`shaped_limit_path`."""
    from dlnsym.saddle_path import saddle_path

    return saddle_path(problem) if shape is None else shaped_limit_path(problem, shape)


def check_init_shape(init_shape: Any, d: int) -> np.ndarray | None:
    """``init_shape`` as a float64 vector of ``d`` positive finite numbers, or ``None``
    (all ones, the paper's initialisation); a :class:`ParameterError` otherwise."""
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


def shaped_limit_path(problem: Problem, shape: np.ndarray) -> Any:
    """The limit path of the flow started at ``u_i(0) = √2·α^{λ_i}``: Algorithm 1 on the
    columns ``X_{:,i}/λ_i`` (box ``[−1, 1]``), mapped back to the box ``[−λ_i, λ_i]``.

    With ``β_i = β'_i/λ_i`` the loss is the same, ``Xβ = X'β'``, and ``∇_β L = λ ⊙ ∇_{β'}L'``,
    so ``s_i = λ_i·s'_i`` moves with velocity ``−∇_β L`` and reaches ``±λ_i`` exactly when
    ``s'_i`` reaches ``±1``: same jump times and losses, saddles ``β'/λ``, duals ``λ·s'``,
    gradients ``λ·g'``.  Exact problems stay exact (each λ_i read as the exact value of
    its float)."""
    from fractions import Fraction

    from dlnsym.problems import as_problem
    from dlnsym.saddle_path import SaddlePath, saddle_path

    if problem.exact:
        lam = np.array([Fraction(float(v)) for v in shape], dtype=object)
    else:
        lam = shape
    rescaled = as_problem(problem.X / lam[None, :], problem.y, exact=problem.exact,
                          name=problem.name)
    path = saddle_path(rescaled)
    return SaddlePath(
        problem=problem, exact=path.exact, times=path.times,
        saddles=[b / lam for b in path.saddles], duals=[s * lam for s in path.duals],
        gradients=[g * lam for g in path.gradients], losses=path.losses,
    )


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
    """Integrate ``ds/dt̃ = c − Hβ(s)``, ``s(0) = 0`` (THEORY.md §3) on ``[0, t_max]``.

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
        on the columns ``X_{:,i}/λ_i`` with ``β_i = β'_i/λ_i`` (:func:`shaped_limit_path`),
        which also gives the default ``t_max`` and jump levels.
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
        try:
            path = _limit_path(problem, shape)
        except DegenerateProblemError:
            if t_max is None:
                raise
    if t_max is None:
        t_max = default_t_max(path)
    t_max = float(_parse_positive(t_max, "t_max"))
    wanted = None if at is None else check_times(
        at, t_max, name="at",
        outside=f"[0, t_max = {t_max!r}]; ask for times in that interval or raise t_max",
    )
    if jump_levels is None and path is not None:
        jump_levels = [float(v) for v in path.losses]
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
        start = time.perf_counter()
        run = integrator.run(
            backend.scalar(0),
            (zero, zero.copy()),
            backend.scalar(t_max),
            h0=backend.scalar(min(t_max, 0.1)),
            stops=stops,
            every_step=at is None,
            progress=progress,
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
    )


# -------------------------------------------------------------------------------- demo


@dataclass
class DemoRuns:
    """Example A at several Λ: the trajectories, the limit path and a printable summary."""

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
    errors ``t̂_k − t_k`` and ``Λ·(t̂_k − t_k)`` (which THEORY.md §4 expects to settle to a
    constant ``c_k``), and the cost of each run.
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

