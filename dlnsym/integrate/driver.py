"""The time loop: step-size caps, landing exactly on output times, checkpoints, Ctrl-C.

Output sampling follows the simplest honest rule: a step never crosses a requested output
time — it is shortened to land on it — so outputs are values of the integrator itself, with
its error control, not interpolants.  Every accepted step leaves a :class:`Checkpoint`; a
value at a time that was not requested is obtained later by integrating from the nearest
checkpoint before it, starting with the step size that was accepted there (usually a single
step).
"""

from __future__ import annotations

import bisect
import dataclasses
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from dlnsym.errors import DlnsymError
from dlnsym.integrate.backend import blas_pools
from dlnsym.integrate.controller import ErrorNorm, StepSizeController
from dlnsym.integrate.radau import CollocationPolynomial, RadauStep
from dlnsym.mirror_flow import FlowValue, MirrorFlow
from dlnsym.problems import Problem

__all__ = [
    "Checkpoint",
    "ConvertingFlow",
    "ConvertingIntegrator",
    "IntegrationError",
    "Integrator",
    "RunResult",
]


class IntegrationError(DlnsymError, ArithmeticError):
    """The step size collapsed: the integrator cannot meet the tolerance at this time.

    :func:`~dlnsym.simulate.simulate` raises it when the step needed to meet the tolerance
    falls below the resolution of the time variable; a looser ``tol``, or on the float64
    path at very large Λ the mp path (``dps``), gets past the point named in the message.

    Parameters
    ----------
    message : str
        The time at which the step collapsed, and the step size reached.

    Examples
    --------
    It is one of the kit's own errors, exported at the package level:

    >>> import dlnsym
    >>> issubclass(dlnsym.IntegrationError, dlnsym.DlnsymError)
    True
    """


def two_sum(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(hi, lo)`` with ``hi = fl(a + b)`` and ``hi + lo = a + b`` exactly (Knuth's TwoSum)."""
    hi = a + b
    bb = hi - a
    return hi, (a - (hi - bb)) + (b - bb)


@dataclass(frozen=True)
class Checkpoint:
    """State ``s = hi + lo`` at time ``t`` (back-end numbers), the step ``h`` that left
    it and that step's collocation polynomial (which starts the Newton
    iteration of a shorter step from here, :meth:`Integrator.states_at`).  The state is a
    double-word sum so that float64 resolves ``|s| − 1`` to far below ``ε``, see
    :func:`dlnsym.mirror_flow.beta_and_slope`.

    Attributes
    ----------
    t : float or mpf
        Time of the state.
    hi, lo : ndarray
        The state ``s = hi + lo``.
    h : float or mpf
        The accepted step that left this state (the last checkpoint of a run: the next
        step proposed).
    polynomial : CollocationPolynomial or None
        That step's collocation polynomial (``None`` for the last checkpoint).

    Examples
    --------
    Every accepted step of :meth:`Integrator.run` leaves one, plus one at the end (here
    ``X = I``, ``y = (2, 1)`` at Λ = 10, integrated to ``t̃ = 3``):

    >>> import numpy as np
    >>> from dlnsym import as_problem
    >>> from dlnsym.integrate.backend import FloatBackend
    >>> from dlnsym.integrate.controller import ErrorNorm, StepSizeController
    >>> from dlnsym.integrate.radau import RadauStep, radau_tableau
    >>> from dlnsym.mirror_flow import MirrorFlow
    >>> backend = FloatBackend()
    >>> flow = MirrorFlow(as_problem([[1, 0], [0, 1]], [2, 1]), 10.0, backend)
    >>> integrator = Integrator(RadauStep(flow, radau_tableau(7, backend)),
    ...                         ErrorNorm(atol=5e-12, rtol=1e-14), StepSizeController(7),
    ...                         beta_wake=1e-13)
    >>> zero = np.zeros(2)
    >>> with backend.precision():
    ...     run = integrator.run(0.0, (zero, zero.copy()), 3.0, h0=1e-3, stops=[1.0, 2.0, 3.0])
    >>> first = run.checkpoints[0]
    >>> first.t, first.h, first.polynomial.stages.shape      # 7 stages, d = 2
    (0.0, 0.001, (7, 2))
    >>> len(run.checkpoints) == run.accepted + 1, run.checkpoints[-1].t
    (True, 3.0)
    """

    t: Any
    hi: np.ndarray
    lo: np.ndarray
    h: Any
    polynomial: CollocationPolynomial | None = None


@dataclass
class RunResult:
    """What one call of :meth:`Integrator.run` produced.

    ``outputs`` are ``(t, hi, lo)`` at the requested stops (and at every step when asked);
    ``checkpoints`` one per accepted step; ``interrupted`` is set by Ctrl-C.

    Attributes
    ----------
    outputs : list of (t, hi, lo)
        The states at the output times, ``s = hi + lo``.
    checkpoints : list of Checkpoint
        One per accepted step, and one at the end.
    accepted, rejected : int
        Step counts.
    interrupted : bool
        Whether Ctrl-C ended the run early.

    Examples
    --------
    ``X = I``, ``y = (2, 1)`` at Λ = 10: at ``t̃ = 2`` coordinate 0 has jumped to 2 (at
    ``t̃ ≈ 1``), coordinate 1 is still on its way (it jumps at ``t̃ ≈ 2``):

    >>> import numpy as np
    >>> from dlnsym import as_problem
    >>> from dlnsym.integrate.backend import FloatBackend
    >>> from dlnsym.integrate.controller import ErrorNorm, StepSizeController
    >>> from dlnsym.integrate.radau import RadauStep, radau_tableau
    >>> from dlnsym.mirror_flow import MirrorFlow
    >>> backend = FloatBackend()
    >>> flow = MirrorFlow(as_problem([[1, 0], [0, 1]], [2, 1]), 10.0, backend)
    >>> integrator = Integrator(RadauStep(flow, radau_tableau(7, backend)),
    ...                         ErrorNorm(atol=5e-12, rtol=1e-14), StepSizeController(7),
    ...                         beta_wake=1e-13)
    >>> zero = np.zeros(2)
    >>> with backend.precision():
    ...     run = integrator.run(0.0, (zero, zero.copy()), 3.0, h0=1e-3, stops=[1.0, 2.0, 3.0])
    >>> [t for t, _, _ in run.outputs], run.interrupted
    ([1.0, 2.0, 3.0], False)
    >>> [flow.evaluate(hi, lo).beta.round(4).tolist() for _, hi, lo in run.outputs]
    [[0.4, 0.0], [2.0, 0.3333], [2.0, 0.9999]]
    """

    outputs: list[tuple[Any, np.ndarray, np.ndarray]] = field(default_factory=list)
    checkpoints: list[Checkpoint] = field(default_factory=list)
    accepted: int = 0
    rejected: int = 0
    interrupted: bool = False


class Integrator:
    """Adaptive Radau IIA for one :class:`MirrorFlow`.

    Parameters
    ----------
    stepper : RadauStep
        One step of the method, on ``stepper.flow``.
    norm : ErrorNorm
        Weighted error norm (see :mod:`dlnsym.integrate.controller`).
    controller : StepSizeController
        Proposes the step sizes.
    beta_wake : number
        Level below which a coordinate counts as dormant for :meth:`MirrorFlow.wake_cap`.

    Attributes
    ----------
    stepper, norm, controller, beta_wake
        As the parameters.
    flow : MirrorFlow
        ``stepper.flow``.

    Raises
    ------
    IntegrationError
        From :meth:`run`, when the step size falls below ``H_MIN_ULPS`` units of round-off
        of the time reached.

    Examples
    --------
    :func:`dlnsym.simulate.simulate` builds one; by hand, for ``X = I``, ``y = (2, 1)`` at
    Λ = 10 with 7-stage Radau IIA:

    >>> import numpy as np
    >>> from dlnsym import as_problem
    >>> from dlnsym.integrate.backend import FloatBackend
    >>> from dlnsym.integrate.controller import ErrorNorm, StepSizeController
    >>> from dlnsym.integrate.radau import RadauStep, radau_tableau
    >>> from dlnsym.mirror_flow import MirrorFlow
    >>> backend = FloatBackend()
    >>> flow = MirrorFlow(as_problem([[1, 0], [0, 1]], [2, 1]), 10.0, backend)
    >>> integrator = Integrator(RadauStep(flow, radau_tableau(7, backend)),
    ...                         ErrorNorm(atol=5e-12, rtol=1e-14), StepSizeController(7),
    ...                         beta_wake=1e-13)
    >>> zero = np.zeros(2)
    >>> with backend.precision():
    ...     run = integrator.run(0.0, (zero, zero.copy()), 3.0, h0=1e-3, stops=[1.0, 2.0, 3.0])
    >>> run.accepted > 0, [t for t, _, _ in run.outputs]
    (True, [1.0, 2.0, 3.0])

    Dense output from the checkpoints, with the same error control:

    >>> with backend.precision():
    ...     states = integrator.states_at(run.checkpoints, [0.5, 1.5])
    >>> [flow.evaluate(hi, lo).beta.round(4).tolist() for hi, lo in states]
    [[0.0, 0.0], [1.9996, 0.0034]]
    """

    #: a step shorter than this many units of round-off of the time reached means failure
    #: (64ε: 1.4e-14 on float64; on the mp path far smaller, so that jumps of width 1/Λ
    #: resolve at Λ = 10¹⁵ and beyond)
    H_MIN_ULPS = 64

    def __init__(
        self,
        stepper: RadauStep,
        norm: ErrorNorm,
        controller: StepSizeController,
        beta_wake: Any,
    ) -> None:
        self.stepper = stepper
        self.flow = stepper.flow
        self.norm = norm
        self.controller = controller
        self.beta_wake = beta_wake
        # (checkpoints, their number, their times) of the last dense-output call
        self._starts: tuple[Sequence[Checkpoint], int, list[Any]] | None = None

    def run(
        self,
        t0: Any,
        s0: tuple[np.ndarray, np.ndarray],
        t_end: Any,
        *,
        h0: Any,
        stops: Sequence[Any] = (),
        every_step: bool = False,
        progress: Callable[[float], None] | None = None,
        lead: CollocationPolynomial | None = None,
        on_step: Callable[[Checkpoint, Any, np.ndarray, np.ndarray], None] | None = None,
        keep_polynomials: bool = True,
    ) -> RunResult:
        """Integrate from ``(t0, s0)`` to ``t_end``; ``s0 = (hi, lo)``.

        Parameters
        ----------
        stops : sorted sequence of times in ``[t0, t_end]``
            Output times; steps land on them exactly.
        every_step : bool
            Also output the state after every accepted step.
        progress : callable(t) or None
            Called with the float time after every accepted step.
        lead : CollocationPolynomial or None
            That of a step accepted earlier from ``(t0, s0)`` (a checkpoint's): it starts
            the Newton iteration of the first step (:meth:`RadauStep.predict`).
        on_step : callable(checkpoint, t, hi, lo) or None
            Called after every accepted step with the checkpoint it left and the state it
            reached, while the step's Jacobian is still at hand: a jump search
            (:class:`~dlnsym.trajectory.JumpSearch`) integrates parts of the step from the
            checkpoint with it.  What it integrates leaves the run's own steps unchanged
            (:meth:`RadauStep.aside`).
        keep_polynomials : bool
            Keep every accepted step's collocation polynomial in its checkpoint (the
            starting values of the Newton iteration for dense output from there,
            :meth:`states_at`).  ``False`` keeps it only in the last checkpoint (for
            ``on_step``): the checkpoints then hold two vectors instead of ``s + 2``, and
            dense output starts its Newton iterations from ``Z = 0`` (a few more of them).

        Ctrl-C (``KeyboardInterrupt``) ends the loop; the result then holds everything
        accepted so far and ``interrupted = True``.
        """
        result = RunResult()
        t, (hi, lo), h = t0, s0, h0
        retried = None  # (h, err) of the rejected attempt that the step being tried retries
        last = None  # (h, err) of the last accepted step, for the predictive controller
        # the collocation polynomial that starts the next Newton iteration, and where the
        # step starts in it (0: at its start, 1: at its end)
        polynomial, origin = lead, 0
        i_stop = bisect.bisect_left(stops, t0)
        if i_stop < len(stops) and stops[i_stop] == t0:
            result.outputs.append((t, hi, lo))
            i_stop += 1
        backend = self.flow.backend
        self.stepper.begin(hi, lo)
        # the products of a step are small (the awake block, a few stages): BLAS threads
        # cost more in start-up and synchronisation than they save, and on a shared
        # machine their spinning can slow a run several-fold, so run on one
        with backend.precision(), blas_pools().limit(limits=1, user_api="blas"):
            try:
                while t < t_end:
                    target = stops[i_stop] if i_stop < len(stops) else t_end
                    value = self.flow.evaluate(hi, lo)
                    # mid-points (Arb): balls that overlap compare False both ways, and a step
                    # as long as the distance to the target up to rounding would then neither
                    # land nor stop short — the loop would end without that output
                    h_try = backend.point(min(h, self.flow.wake_cap(value, self.beta_wake)))
                    # t + h_try may round onto the target although h_try < target − t: the
                    # step then lands (else the loop would end without that output)
                    landing = (h_try >= backend.point(target - t)
                               or backend.point(t + h_try) >= target)
                    if landing:
                        h_try = target - t
                    guess = self.stepper.predict(polynomial, h_try, origin)
                    step = self.stepper.attempt(value, h_try, self.norm, guess)
                    accepted = step.error <= 1
                    # an accepted step's estimate within its own rounding says nothing about
                    # the step size: grow as if it were 0
                    seen = step.error if not accepted or step.error > step.noise else 0.0
                    if accepted and seen > 0:
                        # a waking coordinate multiplies the error of the next step by
                        # e^{κh}: propose for the error the step would have from there
                        rate = self.flow.waking_rate(value, self.beta_wake)
                        seen = seen * math.exp(min(rate * float(h_try), 700.0))
                    h_new = self.controller.propose(seen, h_try, accepted, last, retried)
                    if accepted and retried is not None:  # no growth right after a rejection
                        h_new = min(h_new, h_try)
                    retried = None if accepted else (h_try, step.error)
                    if accepted:
                        last = (h_try, seen)  # as measured: no floor (controller module)
                        polynomial, origin = self.stepper.polynomial(h_try, step), 1
                        if not keep_polynomials and result.checkpoints:
                            result.checkpoints[-1] = dataclasses.replace(
                                result.checkpoints[-1], polynomial=None)
                        result.checkpoints.append(Checkpoint(t, hi, lo, h_try, polynomial))
                        t = target if landing else backend.point(t + h_try)
                        hi, lo = map(backend.point, two_sum(hi, lo + step.stages[-1]))
                        result.accepted += 1
                        # a step shortened to land on an output keeps the longer proposal
                        h = max(h_new, h) if landing else h_new
                        if landing and i_stop < len(stops):
                            result.outputs.append((t, hi, lo))
                            i_stop += 1
                        elif every_step:
                            result.outputs.append((t, hi, lo))
                        if on_step is not None:
                            with self.stepper.aside():
                                on_step(result.checkpoints[-1], t, hi, lo)
                        if progress is not None:
                            progress(float(t))
                        continue
                    result.rejected += 1
                    h = h_new
                    if h <= self.H_MIN_ULPS * backend.eps * max(1, abs(t)):
                        raise IntegrationError(
                            f"step size underflow at t̃ = {float(t):.17g} (h = {float(h):.3g}); "
                            "loosen tol or, on the float64 path at very large Λ, use dps"
                        )
            except KeyboardInterrupt:
                result.interrupted = True
        result.checkpoints.append(Checkpoint(t, hi, lo, h))
        return result

    def _start_times(self, checkpoints: Sequence[Checkpoint]) -> list[Any]:
        """The times of ``checkpoints``, kept between calls on the same (unchanged) list: a
        jump search asks for dense output thousands of times from one run's checkpoints."""
        cached = self._starts
        if cached is None or cached[0] is not checkpoints or cached[1] != len(checkpoints):
            cached = (checkpoints, len(checkpoints), [c.t for c in checkpoints])
            self._starts = cached
        return cached[2]

    def states_at(
        self, checkpoints: Sequence[Checkpoint], times: Sequence[Any]
    ) -> list[tuple[np.ndarray, np.ndarray]]:
        """Dense output: the state ``(hi, lo)`` at each of ``times`` (strictly ascending,
        back-end numbers, not before the first checkpoint).

        Each group of times between two checkpoints is integrated from the earlier one, with
        steps landing on the times and the step size and row count accepted there, so that
        the values carry the same error control as the original run.
        """
        starts = self._start_times(checkpoints)
        out: list[tuple[np.ndarray, np.ndarray]] = []
        i = 0
        while i < len(times):
            idx = bisect.bisect_right(starts, times[i]) - 1
            c = checkpoints[idx]
            j = i + 1
            while j < len(times) and (idx + 1 == len(starts) or times[j] < starts[idx + 1]):
                j += 1
            group = list(times[i:j])
            run = self.run(c.t, (c.hi, c.lo), group[-1], h0=c.h, stops=group,
                           lead=c.polynomial)
            if run.interrupted:
                raise KeyboardInterrupt
            out.extend((hi, lo) for _, hi, lo in run.outputs)
            i = j
        return out


class ConvertingFlow(MirrorFlow):
    """The field of ``inner`` (computed on its back-end), reported in ``backend``'s numbers.

    :meth:`evaluate` and :meth:`loss` convert in, compute on ``inner`` and convert out
    (exact both ways at equal precision); ``loss_rate`` and the data are those of
    :class:`MirrorFlow` on ``backend``.  Used for the evaluations a
    :class:`~dlnsym.trajectory.Trajectory` makes at its samples and checkpoints.

    Parameters
    ----------
    problem : Problem
        The data.
    log_inv_alpha : float or mpf
        Λ in ``backend``'s numbers.
    backend : Backend
        The reporting back-end (e.g. :class:`~dlnsym.integrate.backend.MpBackend`).
    inner : MirrorFlow
        The same flow on the computing back-end (e.g.
        :class:`~dlnsym.integrate.backend.ArbBackend`).
    export : callable
        One number of ``inner``'s back-end → one of ``backend`` (e.g.
        :meth:`~dlnsym.integrate.backend.ArbBackend.to_mpf`).

    Attributes
    ----------
    inner : MirrorFlow
        As the parameter.

    Examples
    --------
    Computed in Arb, reported as mpf (what :func:`dlnsym.simulate.simulate` does at
    ``dps`` digits); ``β₀ = ½e^{−1000}`` at ``s₀ = ½``, Λ = 1000:

    >>> import mpmath
    >>> import numpy as np
    >>> from dlnsym import as_problem
    >>> from dlnsym.integrate.backend import ArbBackend, MpBackend
    >>> problem = as_problem([[1, 0], [0, 1]], [2, 1])
    >>> arb, mp = ArbBackend(30), MpBackend(30)
    >>> with arb.precision():
    ...     inner = MirrorFlow(problem, arb.scalar(1000), arb)
    >>> with mp.precision():
    ...     flow = ConvertingFlow(problem, mp.scalar(1000), mp, inner, ArbBackend.to_mpf)
    ...     beta = flow.evaluate(mp.array(np.array([0.5, 0.0]))).beta
    ...     print(type(beta[0]).__name__, mpmath.nstr(beta[0], 6))
    mpf 2.53798e-435
    """

    def __init__(
        self,
        problem: Problem,
        log_inv_alpha: Any,
        backend: Any,
        inner: MirrorFlow,
        export: Callable[[Any], Any],
    ) -> None:
        super().__init__(problem, log_inv_alpha, backend, inner.negligible_beta, inner.shape)
        self.inner = inner
        self._export = export
        self._out = np.frompyfunc(export, 1, 1)  # elementwise, on vectors

    def evaluate(self, base: np.ndarray, offset: np.ndarray | int = 0) -> FlowValue:
        into = self.inner.backend
        with into.precision():
            v = self.inner.evaluate(
                into.array(base), into.array(offset) if isinstance(offset, np.ndarray) else 0
            )
        out = self._out
        return FlowValue(base, offset, out(v.s), out(v.beta), out(v.slope), out(v.f))

    def sample(self, base: np.ndarray, offset: np.ndarray | int = 0) -> tuple[Any, Any, Any]:
        """``(s, β, L)`` computed on ``inner`` and converted once (not ``β'`` and ``f``,
        nor ``β`` back again for the loss, as :meth:`evaluate` then :meth:`loss` would)."""
        into = self.inner.backend
        with into.precision():
            s, beta, loss = self.inner.sample(into.array(base), into.array(offset)
                                              if isinstance(offset, np.ndarray) else 0)
        return self._out(s), self._out(beta), self._export(loss)

    def loss(self, beta: np.ndarray) -> Any:
        """``L(β)`` computed on ``inner``'s back-end (exact conversion both ways)."""
        into = self.inner.backend
        with into.precision():
            value = self.inner.loss(into.array(beta))
        return self._export(value)


class ConvertingIntegrator(Integrator):
    """An :class:`Integrator` computing on one back-end and reporting in another.

    The arithmetic runs in ``inner`` (e.g. on :class:`~dlnsym.integrate.backend.ArbBackend`);
    arguments and results of :meth:`run` — and therefore of :meth:`states_at` — are numbers of
    ``flow.backend`` (e.g. mpmath, what :class:`dlnsym.trajectory.Trajectory` and its users
    store), except the states of the checkpoints, which only serve to restart the inner
    integrator and stay in its numbers (either kind is accepted as a start).  Numbers cross
    the boundary once per output, never per substep; with both back-ends at the same
    precision the crossing is exact both ways.

    Parameters
    ----------
    inner : Integrator
        The integrator doing the work.
    flow : MirrorFlow
        The same field on the reporting back-end (for the users' evaluations), e.g. a
        :class:`ConvertingFlow`.
    export : callable
        One inner number → the reporting back-end's number.

    Attributes
    ----------
    inner : Integrator
        As the parameter.
    flow : MirrorFlow
        As the parameter (the field in the reporting numbers).

    Raises
    ------
    IntegrationError
        From :meth:`run`, as :class:`Integrator`.

    Examples
    --------
    Arb inside, mpmath outside (``X = I``, ``y = (2, 1)``, Λ = 10, 30 digits, 7 stages);
    ``s₀(1) = 0.98884282…`` as :func:`dlnsym.simulate.simulate` finds it on either path:

    >>> import mpmath
    >>> import numpy as np
    >>> from dlnsym import as_problem
    >>> from dlnsym.integrate.backend import ArbBackend, MpBackend
    >>> from dlnsym.integrate.controller import ErrorNorm, StepSizeController
    >>> from dlnsym.integrate.radau import RadauStep, radau_tableau
    >>> problem = as_problem([[1, 0], [0, 1]], [2, 1])
    >>> arb, mp = ArbBackend(30), MpBackend(30)
    >>> with arb.precision():
    ...     inner_flow = MirrorFlow(problem, arb.scalar(10), arb)
    ...     inner = Integrator(RadauStep(inner_flow, radau_tableau(7, arb)),
    ...                        ErrorNorm(atol=arb.scalar("5e-20"), rtol=16 * arb.eps),
    ...                        StepSizeController(7), beta_wake=arb.scalar("1e-22"))
    >>> with mp.precision():
    ...     flow = ConvertingFlow(problem, mp.scalar(10), mp, inner_flow, ArbBackend.to_mpf)
    ...     integrator = ConvertingIntegrator(inner, flow, ArbBackend.to_mpf)
    ...     zero = mp.array(np.zeros(2))
    ...     run = integrator.run(mp.scalar(0), (zero, zero), mp.scalar(1), h0=mp.scalar("0.1"),
    ...                          stops=[mp.scalar(1)])
    ...     t, hi, lo = run.outputs[0]
    ...     print(type(t).__name__, type(hi[0]).__name__, mpmath.nstr(hi[0] + lo[0], 8))
    mpf mpf 0.98884282
    """

    def __init__(self, inner: Integrator, flow: MirrorFlow, export: Callable[[Any], Any]) -> None:
        super().__init__(inner.stepper, inner.norm, inner.controller, inner.beta_wake)
        self.flow = flow
        self.inner = inner
        self._export = export
        self._out = np.frompyfunc(export, 1, 1)  # elementwise, on vectors

    def run(
        self,
        t0: Any,
        s0: tuple[np.ndarray, np.ndarray],
        t_end: Any,
        *,
        h0: Any,
        stops: Sequence[Any] = (),
        every_step: bool = False,
        progress: Callable[[float], None] | None = None,
        lead: CollocationPolynomial | None = None,
        on_step: Callable[[Checkpoint, Any, np.ndarray, np.ndarray], None] | None = None,
        keep_polynomials: bool = True,
    ) -> RunResult:
        """:meth:`Integrator.run` of ``inner`` with its arguments and results converted
        (``on_step`` sees the inner integrator's numbers)."""
        backend = self.inner.flow.backend
        with backend.precision():
            result = self.inner.run(
                backend.scalar(t0),
                (backend.array(s0[0]), backend.array(s0[1])),
                backend.scalar(t_end),
                h0=backend.scalar(h0),
                stops=[backend.scalar(t) for t in stops],
                every_step=every_step,
                progress=progress,
                lead=lead,
                on_step=on_step,
                keep_polynomials=keep_polynomials,
            )
        with self.flow.backend.precision():
            ex = self._export
            result.outputs = [(ex(t), self._out(hi), self._out(lo)) for t, hi, lo in result.outputs]
            # checkpoint states only restart the inner integrator (states_at): they stay
            # in its numbers, and only their times and steps are converted
            result.checkpoints = [Checkpoint(ex(c.t), c.hi, c.lo, ex(c.h), c.polynomial)
                                  for c in result.checkpoints]
        return result
