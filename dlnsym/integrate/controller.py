"""Error norm and step-size control of the Radau IIA integrator.

Error norm
----------
The state is ``s``; what the user sees is ``β = α²·sinh(2Λs)``.  An error ``δs_i`` multiplies
``β_i`` by ``e^{2Λ δs_i}``, i.e. changes it by ``δβ_i ≈ 2Λ·δs_i·|β_i|``, so that

    |δβ_i| / (1 + |β_i|) ≈ 2Λ|δs_i| · |β_i|/(1 + |β_i|) ≤ 2Λ|δs_i|.

The bound is attained by the coordinates that matter (|β_i| ≳ 1), and a coordinate that is
exponentially small *now* becomes O(1) at its jump, where an error ``δs_i`` made earlier
shifts the jump by ``δs_i/|f_i|`` and so changes β by O(Λ·δs_i).  Hence every coordinate of
``s`` is weighted by ``w = max(1, 2Λ)``, whatever the size of its β: the local error test is

    err = max_i |δs_i| / (tol/w + ρ·h·r_i)  ≤ 1,     r = |c| + |H|·|β(s_0)|,

with ``ρ`` the unit round-off times a small multiple of the size of the estimate's weights
(:func:`dlnsym.simulate._integrator`).  ``h·r_i`` bounds the size of the terms whose
difference is the increment ``h·f_i``
(:meth:`~dlnsym.mirror_flow.MirrorFlow.rounding_scale`): below ``ρ·h·r_i`` a difference is noise,
not truncation error — even at an
equilibrium, where ``f ≈ 0`` but its rounding is not.  This floor only binds on the float64
path while ``tol/2Λ`` is below ``ε`` (long plateau steps at Λ ≳ 10⁵); it then limits that
coordinate's absolute accuracy to ``~ε`` per step, a relative error ``2Λε`` in its β at its
next jump.  Exponentially small β_i cannot fool this test, because it never divides by β.

Step size (Hairer–Wanner IV.8)
------------------------------
The embedded estimate of an ``s``-stage Radau IIA step has order ``s``, so ``err ∝ h^{s+1}``
and the classical proposal is ``h·0.9·err^{−1/(s+1)}``.  After an accepted step that follows
another accepted step of comparable size, Gustafsson's predictive controller is used
instead: ``h·0.9·(h/h_acc)·(err_acc/err²)^{1/(s+1)}`` (Hairer–Wanner IV.8, (8.21)), which
extrapolates the *trend* of the error constant ``err/h^{s+1}`` from the last two steps.  When
the error grows from step to step, it shortens the step before it is rejected; when the error
constant falls — the relaxation after a jump, where the transients that limit the step decay
exponentially — it grows the step faster than the classical rule, which reads a small error
as a fixed constant.  Hairer's RADAU5 takes the smaller of the two proposals; the
predictive one alone takes fewer step attempts here.  Steps of very different sizes
(``h/h_acc`` outside the clipping range, i.e. one of them was cut by a wake-up cap or a
landing) say nothing about the trend: the classical proposal is used then, as the predictive
one would read the cut as a sudden change of the error constant.

Two departures from RADAU5, both chosen on example A:

* RADAU5 floors ``err_acc`` at ``10⁻²``.  For its order-3 estimate that changes little; for
  ours, of order ``s + 1 = 22`` at 30 digits, it hides the trend exactly where it matters:
  a waking coordinate raises the error ~10⁴× per step at a fixed ``h``, and a floored
  ``err_acc = 10⁻²`` would grow the step and have it rejected with ``err ≈ 10⁹``, several
  times per jump.  The previous error is therefore taken as measured, and only an error at
  its rounding level (below) counts as "no trend known" — classical proposal.
* Factors are clipped to ``[0.2, 64]`` for a measured error and to ``[0.2, 8]`` (RADAU5's
  bounds) for one below its rounding.  With ``err ∝ h^{s+1}`` a factor 8 already needs
  ``err ≲ 10⁻²⁰`` at 30 digits, which the tails after a jump, where the transients decay
  exponentially, reach over five decades; the wider clip lets the step follow them.  On a
  rounding-level estimate nothing is measured, and growth beyond 8 there costs rejections
  on float64.

A failed Newton iteration halves the step, and the step after a rejection does not grow
(:meth:`dlnsym.integrate.driver.Integrator.run`).  When a retry is rejected too, the two
errors show the order at which the error actually falls with ``h``
(:meth:`StepSizeController.observed_exponent`), and the next shrink uses it: on a plateau at
Λ = 10⁶, an awake coordinate relaxing faster than the step leaves an error near 2 that
hardly moves with ``h`` until the step resolves it, and the nominal exponent ``1/(s+1)``
would take some twenty retries at 0.86 each to get there.

While a coordinate wakes up, its β grows like ``e^{κt̃}`` (``κ = 2Λ|f_i|``,
:meth:`~dlnsym.mirror_flow.MirrorFlow.waking_rate`), and so does the local error it brings
into every coordinate through ``H``: a step of the same size taken from the next state has
an error ``e^{κh}`` times larger, which a controller reading the error as a fixed constant
does not see (the step after a rejection does not shrink, and is rejected in turn).  The
driver therefore passes an accepted step's error times ``e^{κh}``; on Gaussian data at
d = 500 and Λ = 10⁶ the run otherwise rejects 40 % more steps.

An estimate no larger than a bound on its own rounding error
(:attr:`~dlnsym.integrate.radau.StepOutcome.noise`) is passed to the controller as 0, i.e.
the step grows by ``FAC_QUIET``: the truncation error is then too small to be seen, and
reading the rounding as truncation error of order ``s + 1`` would grow the step by only
``0.9·err^{−1/(s+1)}`` (1.5× for ``err = 10⁻³`` at 13 stages).  This happens on the float64
path at large Λ, where ``tol/2Λ`` is below ``ε``: without it, after each jump of example A
at Λ = 10⁶ some 20 steps would go by at a growth of ~1.6.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from dlnsym.integrate.backend import ldexp

__all__ = ["ErrorNorm", "ScaledNorm", "StepSizeController"]


#: ``norm(δ, k)``: the error norm of ``δ·2^k`` for a float64 array ``δ`` (see
#: :meth:`ErrorNorm.bind`)
ScaledNorm = Callable[[np.ndarray, int], float]


@dataclass(frozen=True)
class ErrorNorm:
    """``err(δ) = max_i |δ_i| / (atol + rtol·|Δ_i|)``, see the module docstring.

    ``Δ`` is the size of the step's increment (``h·(|c| + |H||β|)``); :meth:`bind` fixes it
    for one step and returns the norm as a function.

    Parameters
    ----------
    atol : float or mpf
        Absolute tolerance on ``s`` (``tol/max(1, 2Λ)``).
    rtol : float or mpf
        Round-off floor relative to the increment (a small multiple of the unit round-off).

    Attributes
    ----------
    atol, rtol
        As the parameters.

    Examples
    --------
    With ``rtol = 0`` the norm is ``max_i |δ_i|/atol``; ``k`` scales ``δ`` by ``2^k``:

    >>> from dlnsym.integrate.backend import FloatBackend
    >>> norm = ErrorNorm(atol=1e-3, rtol=0.0).bind(np.array([1.0, 2.0]), FloatBackend())
    >>> norm(np.array([1e-4, -2e-3])), norm(np.array([1e-4, -2e-3]), 1)
    (2.0, 4.0)
    """

    atol: Any
    rtol: Any

    def bind(self, increment: np.ndarray, backend: Any, noise: float = 1.0) -> ScaledNorm:
        """The norm for a step whose increment has the size of ``increment`` (``h·f(s_0)``,
        in ``backend``'s numbers): ``(δ, k) ↦ max_i |δ_i·2^k|/sc_i`` as a float.

        The weights ``1/sc_i`` are formed at working precision and kept as float64 with a
        common binary exponent, like ``δ``
        (:meth:`~dlnsym.integrate.backend.Backend.to_float`), so the norm works whatever the size
        of the tolerance (``10^−400`` is
        beyond float64, not beyond an mpf).  ``noise`` scales the round-off floor ``rtol``
        (a test against ``κ < 1`` needs the floor raised by ``1/κ``).  ``δ`` may also be a
        matrix of such increments (rows), e.g. the stages of a step: the max over all."""
        weights, shift = backend.to_float(1 / (np.abs(increment) * (self.rtol * noise) + self.atol))

        def norm(delta: np.ndarray, k: int = 0) -> float:
            return float(ldexp((np.abs(delta) * weights).max(), k + shift))

        return norm


class StepSizeController:
    """Step sizes for an error estimate of order ``order`` (``err ∝ h^{order+1}``).

    Parameters
    ----------
    order : int
        Order of the embedded estimate (``s`` for ``s``-stage Radau IIA).
    predictive : bool
        Use Gustafsson's predictive controller after accepted steps: it follows the trend
        of the error constant from one accepted step to the next (module docstring).

    Attributes
    ----------
    exponent : float
        ``1/(order + 1)``.
    predictive : bool
        As the parameter.

    Examples
    --------
    With an estimate of order 3, an accepted error ``10⁻⁴`` grows the step by
    ``0.9·(10⁻⁴)^{−1/4} = 9`` (within the clip ``[0.2, 64]``); a rejected one
    shrinks it; a failed Newton iteration (``inf``) halves it; an error at its rounding
    level (``0``) grows it by ``FAC_QUIET = 8``:

    >>> controller = StepSizeController(3)
    >>> round(controller.propose(1e-4, 0.1, True), 12)
    0.9
    >>> round(controller.propose(2.0, 0.1, False), 6), controller.propose(float("inf"), 0.1, False)
    (0.075681, 0.05)
    >>> round(controller.propose(0.0, 0.1, True), 12)
    0.8
    """

    SAFETY = 0.9
    #: bounds of the factor for a measured error; also the range of ``h/h_acc`` within
    #: which two accepted steps are comparable (the predictive controller applies)
    FAC_MIN, FAC_MAX = 0.2, 64.0
    #: largest factor for an error at its rounding level (``err = 0``): nothing measured
    FAC_QUIET = 8.0

    def __init__(self, order: int, predictive: bool = True) -> None:
        self.exponent = 1.0 / (order + 1)
        self.predictive = predictive

    def propose(
        self, err: float, h: Any, accepted: bool, last: tuple[Any, float] | None = None,
        rejected: tuple[Any, float] | None = None,
    ) -> Any:
        """Next step after a step ``h`` with error ``err`` (``inf``: Newton failed).

        ``err = 0`` means "below its rounding": the factor is then ``FAC_QUIET``.
        ``last = (h_acc, err_acc)`` of the previous accepted step, if any: then, for an
        accepted step of comparable size (``FAC_MIN ≤ h/h_acc ≤ FAC_MAX``) after one whose
        error was measured (``err_acc > 0``), Gustafsson's factor
        ``0.9·(h/h_acc)·(err_acc/err²)^{1/(order+1)}`` replaces the classical one (module
        docstring).  ``rejected = (h_rej, err_rej)``: the rejected attempt that this
        rejected step ``h`` retried; the shrink factor then uses the order the two errors
        show (:meth:`observed_exponent`)."""
        if not math.isfinite(err):
            return h / 2
        exponent = self.exponent
        if not accepted and rejected is not None:
            exponent = self.observed_exponent(h, err, *rejected)
        fac = self.FAC_QUIET if err == 0 else self.SAFETY * err ** (-exponent)
        if accepted and self.predictive and last is not None and err > 0 and last[1] > 0:
            h_acc, err_acc = last
            ratio = float(h / h_acc)
            if self.FAC_MIN <= ratio <= self.FAC_MAX:
                fac = self.SAFETY * ratio * (err_acc / err / err) ** self.exponent
        fac = min(self.FAC_MAX if err > 0 else self.FAC_QUIET, max(self.FAC_MIN, fac))
        return h * (fac if accepted else min(fac, 1.0))

    def observed_exponent(self, h: Any, err: float, h_rej: Any, err_rej: float) -> float:
        """``1/p`` for the order ``p = ln(err_rej/err)/ln(h_rej/h)`` that a rejected retry
        ``(h, err)`` of a rejected step ``(h_rej, err_rej)`` shows, ``p`` clipped to
        ``[1, order + 1]`` (an error that does not fall, ``p ≤ 1``, gets the strongest
        shrink, ``p = 1``); the nominal ``1/(order + 1)`` when the two steps have (almost)
        the same size or an error is not finite.

        A stiff transient faster than the step, or a field that is not smooth on it, gives
        an error that hardly shrinks with ``h``; the nominal exponent then shrinks the step
        by only ``0.9·err^{−1/(order+1)}`` per attempt (0.86 for ``err = 2`` at 13 stages),
        and a step 20 times too long takes some twenty rejections to come down.

        >>> ctl = StepSizeController(13)
        >>> ctl.observed_exponent(0.5, 2.0, 1.0, 2.2)  # the error hardly moved: p = 1
        1.0
        >>> ctl.observed_exponent(0.5, 2.0**-13, 1.0, 2.0)  # as the order says: p = 14
        0.07142857142857142
        """
        ratio = float(h_rej / h)
        if not (ratio > 1.01 and math.isfinite(err_rej) and err_rej > 0 and err > 0):
            return self.exponent
        order = math.log(err_rej / err) / math.log(ratio)
        return 1.0 / min(1.0 / self.exponent, max(1.0, order))
