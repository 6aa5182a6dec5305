"""Simulated trajectories of the accelerated mirror flow: samples, dense evaluation, jumps, export.

Jump times
----------
The loss never increases along the flow (``dL/dt̃ = −Σ β'_i f_i² ≤ 0``).  Given the plateau
losses ``L_0 > L_1 > … > L_K`` of the limit (Algorithm 1's ``L(β_k)``), the *k-th detected
jump time* is the first time the simulated loss reaches the mid level

    m_k = (L_{k−1} + L_k)/2,      k = 1 … K.

Because the loss is monotone, each level is crossed once (or never, if the run ends first), so
the definition needs no threshold or smoothing and applies at every Λ, including small Λ where
plateaus blur.  The crossing is bracketed between two integrator steps and refined by a
safeguarded Newton iteration on ``L(t̃) − m_k`` with the exact derivative above, using dense
evaluation.  The theory predicts ``t_k − 0.328/Λ`` for the first jump of example A.
"""

from __future__ import annotations

import functools
import json
import math
import numbers
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import mpmath
import numpy as np

from dlnsym.errors import ParameterError
from dlnsym.integrate.backend import FloatBackend
from dlnsym.integrate.driver import Checkpoint, Integrator
from dlnsym.io import atomic_write
from dlnsym.problems import Problem

__all__ = ["JumpSearch", "Trajectory", "TrajectoryExport", "check_times", "default_jump_levels",
           "is_real", "mid_levels", "plateau_losses"]


def plateau_losses(path: Any) -> list[float] | None:
    """The plateau losses ``L(β_0) > L(β_1) > … > L(β_K)`` of a saddle path as floats, the
    levels of jump detection; ``None`` for no path (a degenerate problem: no jumps are
    detected).

    Parameters
    ----------
    path : SaddlePath or None
        Algorithm 1 on the problem (:func:`dlnsym.saddle_path.saddle_path`).

    Returns
    -------
    list of float or None

    Raises
    ------
    AttributeError
        ``path`` is neither ``None`` nor a :class:`~dlnsym.saddle_path.SaddlePath`.

    Examples
    --------
    >>> from dlnsym import example, saddle_path
    >>> [round(v, 6) for v in plateau_losses(saddle_path(example("A")))[:2]]
    [0.643333, 0.308299]
    >>> plateau_losses(None) is None
    True
    """
    return None if path is None else [float(v) for v in path.losses]


def default_jump_levels(problem: Problem, init_shape: Any = None) -> list[float] | None:
    """Algorithm 1's plateau losses ``L(β_0) > L(β_1) > … > L(β_K)`` as floats, the default
    levels of jump detection.

    Parameters
    ----------
    problem : Problem
    init_shape : sequence of d positive numbers, optional
        The initialisation ``u_i(0) = √2·α^{λ_i}`` (default all ones).

    Returns
    -------
    list of float or None
        ``None`` when Algorithm 1 finds the problem degenerate (then no jumps are detected).

    Raises
    ------
    ParameterError
        ``init_shape`` is not d positive numbers.

    Examples
    --------
    >>> from dlnsym.problems import example
    >>> [round(v, 6) for v in default_jump_levels(example("A"))[:2]]   # 193/300, 12147/39400
    [0.643333, 0.308299]
    """
    from dlnsym.errors import DegenerateProblemError
    from dlnsym.saddle_path import saddle_path

    try:
        return plateau_losses(saddle_path(problem, init_shape=init_shape))
    except DegenerateProblemError:
        return None


def mid_levels(levels: Sequence[float] | None) -> list[float]:
    """The mid levels ``m_k = (L_{k−1} + L_k)/2``, k = 1…K, whose first crossing by the loss
    defines the k-th jump time (module notes).

    Parameters
    ----------
    levels : sequence of float or None
        Plateau losses ``L_0 > L_1 > … > L_K``.

    Returns
    -------
    list of float
        K mid levels; empty for ``None`` or a single level.

    Raises
    ------
    TypeError
        ``levels`` is not a sequence of numbers.

    Examples
    --------
    >>> mid_levels([3.0, 1.0, 0.0])
    [2.0, 0.5]
    """
    if not levels:
        return []
    return [(upper + lower) / 2 for upper, lower in zip(levels, levels[1:], strict=False)]


def is_real(value: Any) -> bool:
    """Whether ``value`` is a real number — and not a bool.

    ``True`` would silently count as 1 (and ``True < 0.5`` holds), so argument checks use
    this instead of ``isinstance(value, numbers.Real)``.  NumPy scalars and
    :class:`~fractions.Fraction` count; strings do not (they are parsed elsewhere).

    Parameters
    ----------
    value : object
        Anything.

    Returns
    -------
    bool
        ``isinstance(value, numbers.Real)`` and ``value`` is neither a ``bool`` nor a
        ``numpy.bool_``.

    Raises
    ------
    Nothing
        Every object is accepted.

    Examples
    --------
    >>> from fractions import Fraction
    >>> import numpy as np
    >>> is_real(0.5), is_real(np.float32(2)), is_real(Fraction(150, 199))
    (True, True, True)
    >>> is_real(True), is_real(np.bool_(True)), is_real("1"), is_real(1j)
    (False, False, False, False)
    """
    return isinstance(value, numbers.Real) and not isinstance(value, bool | np.bool_)


def check_times(times: Any, t_end: float, *, name: str, outside: str) -> list[float]:
    """Validate sample times: ``times`` as floats in ``[0, t_end]``, in the order given.

    ``times`` may be one number or a flat sequence of numbers or decimal strings; duplicates
    are kept and nothing is sorted.

    Parameters
    ----------
    times : real, str or sequence of them
        The times to check.
    t_end : float
        The largest allowed time (the end of the run).
    name : str
        The argument's name, used in messages (e.g. ``"at"``).
    outside : str
        What messages say the range is, completing ``"time {t} is outside " + outside``.

    Returns
    -------
    list of float
        The times, in the order given.

    Raises
    ------
    ParameterError
        If ``times`` is nested (shape with more than one dimension), if an entry is not a
        number (a bool, ``None``, a list, text that does not parse as a number), or if a time
        is not finite (NaN, ±inf) or lies outside ``[0, t_end]`` (the first offending entry
        is named, and which of the two is wrong).

    Examples
    --------
    >>> check_times([0.5, "1", 0.5], 2.0, name="at", outside="[0, 2]")
    [0.5, 1.0, 0.5]
    >>> check_times(1, 2.0, name="at", outside="[0, 2]")
    [1.0]
    >>> check_times([3.0], 2.0, name="at", outside="the run [0, 2]")
    Traceback (most recent call last):
        ...
    dlnsym.errors.ParameterError: time 3.0 is outside the run [0, 2]
    >>> check_times([0.5, "nan"], 2.0, name="at", outside="[0, 2]")
    Traceback (most recent call last):
        ...
    dlnsym.errors.ParameterError: at: time nan is not finite; give finite times in [0, 2.0]
    """
    items = np.atleast_1d(np.asarray(times, dtype=object))
    if items.ndim != 1:
        raise ParameterError(
            f"{name} must be a time or a flat sequence of times, got a nested sequence of "
            f"shape {items.shape}; flatten it"
        )
    values: list[float] = []
    for item in items:
        try:
            if not (is_real(item) or isinstance(item, str)):  # a bool, None, a list, …
                raise TypeError
            values.append(float(item))
        except (TypeError, ValueError):
            raise ParameterError(
                f"{name} must be a time or a flat sequence of times (numbers); {item!r} is "
                "not a number"
            ) from None
    for t in values:
        if not math.isfinite(t):
            raise ParameterError(
                f"{name}: time {t!r} is not finite; give finite times in [0, {t_end!r}]"
            )
        if not 0 <= t <= t_end:
            raise ParameterError(f"time {t!r} is outside {outside}")
    return values


class TrajectoryExport:
    """Export methods shared by :class:`Trajectory` and
    :class:`dlnsym.network.NetworkTrajectory`, so that both write the same JSON and ``.npz``
    formats.

    A mixin: it has no constructor and no state of its own.  The class using it provides the
    attributes below, with the meaning documented in :class:`Trajectory`: ``s``, ``beta``
    (one row per time) and ``loss`` are float64 arrays when ``dps`` is ``None``, and object
    arrays of ``mpf`` otherwise.

    Attributes
    ----------
    problem : Problem
        The problem simulated (its ``name`` is exported).
    log_inv_alpha : float or mpf
        ``Λ = ln(1/α)``.
    dps : int or None
        Significant digits of the mp path; ``None`` on the float64 path.
    t : ndarray, shape (m,)
        Sample times in accelerated time ``t̃``.
    s, beta : ndarray, shape (m, d)
        Mirror variable and ``β`` at each sample time.
    loss : ndarray, shape (m,)
        ``L(β(t̃))`` at each sample time.
    jump_times : list of float
        Detected jump times ``t̂_k``.
    jump_levels : list of float or None
        The loss levels whose crossings define the jump times.
    interrupted : bool
        Whether the run was stopped early (Ctrl-C).
    t_end : float
        The time the run reached.

    Examples
    --------
    :class:`Trajectory` is one:

    >>> from dlnsym import Trajectory, example, simulate
    >>> issubclass(Trajectory, TrajectoryExport)
    True
    >>> tr = simulate(example("A"), log_inv_alpha=100, t_max=1.0, at=[0.25, 0.5])
    >>> tr.beta_float().shape, sorted(tr.to_json())[:4]
    ((2, 6), ['beta', 'dps', 'interrupted', 'jump_levels'])
    """

    problem: Problem
    log_inv_alpha: Any
    dps: int | None
    t: np.ndarray
    s: np.ndarray
    beta: np.ndarray
    loss: np.ndarray
    jump_times: list[float]
    jump_levels: list[float] | None
    interrupted: bool
    t_end: float

    #: jump times a repr shows (the first ones; the rest are counted)
    REPR_JUMPS = 6

    def _repr_parts(self) -> tuple[str, str]:
        """``("float64" or "dps=N", "[t_1, …, t_6, … k more]")`` for the reprs."""
        path = "float64" if self.dps is None else f"dps={self.dps}"
        shown = ", ".join(f"{t:.6g}" for t in self.jump_times[: self.REPR_JUMPS])
        more = len(self.jump_times) - self.REPR_JUMPS
        return path, f"[{shown}" + (f", … {more} more]" if more > 0 else "]")

    def beta_float(self) -> np.ndarray:
        """β as float64 (mp values below ~1e-308 underflow to 0)."""
        return np.asarray(self.beta, dtype=float)

    def _export_extras(self) -> dict[str, Any]:
        """Further arrays or numbers a subclass exports, by name (none here): object arrays of
        ``mpf`` are written like β (decimal strings in JSON, float64 plus ``NAME_text`` in the
        ``.npz``), anything else as it is."""
        return {}

    def _text(self, values: np.ndarray) -> np.ndarray:
        """Decimal strings of mp values at the requested digits (lossless for the user)."""
        digits = self.dps or 17
        return np.vectorize(lambda v: mpmath.nstr(v, digits, strip_zeros=False),
                            otypes=[str])(values)

    def to_json(self) -> dict[str, Any]:
        """A JSON-serialisable dict: ``log_inv_alpha, dps, t, s, beta, loss, jump_times,
        jump_levels, interrupted, t_end, problem``.

        ``beta`` and ``s`` have one row per time.  On the float path numbers are JSON numbers;
        on the mp path ``log_inv_alpha``, ``s``, ``beta`` and ``loss`` are decimal strings with
        ``dps`` significant digits (a float could neither hold them nor values like
        ``1e-434295``); times are always floats.

        Examples
        --------
        >>> from dlnsym.problems import example
        >>> from dlnsym.simulate import simulate
        >>> doc = simulate(example("A"), log_inv_alpha=1000, t_max=1.0, at=[0.5]).to_json()
        >>> doc["t"], doc["dps"], len(doc["beta"][0]), [round(t, 4) for t in doc["jump_times"]]
        ([0.5], None, 6, [0.7534])
        >>> mp = simulate(example("A"), log_inv_alpha="1e6", t_max=0.5, dps=20, at=[0.5])
        >>> beta_1 = mp.to_json()["beta"][0][0]   # β₁ ≈ 1e-292426, far below float64
        >>> type(beta_1).__name__, beta_1.endswith("e-292426")
        ('str', True)
        """
        if self.dps is None:
            lam: Any = float(self.log_inv_alpha)
            s, beta, loss = self.s.tolist(), self.beta.tolist(), self.loss.tolist()
        else:
            lam = mpmath.nstr(self.log_inv_alpha, self.dps)
            s, beta = self._text(self.s).tolist(), self._text(self.beta).tolist()
            loss = self._text(self.loss).tolist()
        doc = {
            "problem": self.problem.name,
            "log_inv_alpha": lam,
            "dps": self.dps,
            "t": self.t.tolist(),
            "s": s,
            "beta": beta,
            "loss": loss,
            "jump_times": list(self.jump_times),
            "jump_levels": self.jump_levels,
            "interrupted": self.interrupted,
            "t_end": self.t_end,
        }
        for name, value in self._export_extras().items():
            value = np.asarray(value)
            doc[name] = (self._text(value) if value.dtype == object else value).tolist()
        return doc

    def save_json(self, path: str | os.PathLike[str]) -> None:
        """Write :meth:`to_json` to ``path`` atomically.

        Parameters
        ----------
        path : str or path-like
            The file; any name but an ``.npz`` or ``.npy`` one (those are for :meth:`save_npz`).

        Raises
        ------
        ParameterError
            ``path`` ends in ``.npz`` or ``.npy``: use :meth:`save_npz` for an archive.
        OSError
            The file cannot be written.
        """
        target = _export_path(path, "save_json")
        if target.suffix.lower() in (".npz", ".npy"):
            raise ParameterError(
                f"save_json writes JSON text, not a numpy archive, but {str(target)!r} ends in "
                f"{target.suffix}; use save_npz for an .npz file, or give save_json a .json name"
            )
        with atomic_write(target) as fh:
            json.dump(self.to_json(), fh)
            fh.write("\n")

    def save_npz(self, path: str | os.PathLike[str]) -> None:
        """Write ``t, s, beta, loss`` (float64), ``jump_times``, ``log_inv_alpha`` (a string with
        ``dps`` digits on the mp path, as in :meth:`to_json`),
        ``dps`` (−1 for float64) and ``interrupted`` to an ``.npz`` file atomically; on the mp
        path also ``s_text``, ``beta_text``, ``loss_text`` with full digits (loadable without
        pickle).

        Parameters
        ----------
        path : str or path-like
            The file; its name must end in ``.npz`` (as :func:`numpy.load` and
            :func:`~dlnsym.problems.read_problem` expect).

        Raises
        ------
        ParameterError
            ``path`` does not end in ``.npz`` (for ``.json``: use :meth:`save_json`).
        OSError
            The file cannot be written.
        """
        target = _export_path(path, "save_npz")
        if target.suffix.lower() != ".npz":
            hint = ("use save_json for a .json file" if target.suffix.lower() == ".json"
                    else "name the file *.npz")
            raise ParameterError(
                f"save_npz writes a numpy .npz archive, but {str(target)!r} "
                + (f"ends in {target.suffix}" if target.suffix else "has no suffix")
                + f"; {hint}"
            )
        arrays: dict[str, Any] = {
            "t": self.t,
            "s": np.asarray(self.s, dtype=float),
            "beta": self.beta_float(),
            "loss": np.asarray(self.loss, dtype=float),
            "jump_times": np.asarray(self.jump_times, dtype=float),
            "log_inv_alpha": np.asarray(str(self.log_inv_alpha) if self.dps is None
                                        else mpmath.nstr(self.log_inv_alpha, self.dps)),
            "dps": np.asarray(-1 if self.dps is None else self.dps),
            "interrupted": np.asarray(self.interrupted),
        }
        if self.dps is not None:
            arrays.update(
                s_text=self._text(self.s),
                beta_text=self._text(self.beta),
                loss_text=self._text(self.loss),
            )
        for name, value in self._export_extras().items():
            value = np.asarray(value)
            if value.dtype == object:
                arrays[name], arrays[f"{name}_text"] = value.astype(float), self._text(value)
            else:
                arrays[name] = value
        with atomic_write(target, "wb") as fh:
            np.savez(fh, **arrays)


def _export_path(path: Any, method: str) -> Path:
    """``path`` as a Path: a non-empty str or path-like, else :class:`ParameterError`."""
    if not isinstance(path, str | os.PathLike) or not os.fspath(path).strip():
        raise ParameterError(f"{method}: path must be a non-empty file name (str or "
                             f"path-like), got {path!r}")
    return Path(path)


class JumpSearch:
    """The crossing times of the mid levels between consecutive plateau losses (the jump
    times of a trajectory), found step by step: call it with every accepted step, in order.

    A step from ``checkpoint`` (loss ``L_a``) to ``(t, s)`` (loss ``L_b``) holds the crossing
    of every pending level ``ℓ`` with ``L_b ≤ ℓ < L_a``: the root of ``L(t̃) = ℓ`` in the
    step along the step's collocation polynomial (:meth:`interpolated_loss_and_rate`), the
    dense output of the method, good to the step's tolerance.  On the float64 path that root
    is the crossing (should its search not converge, the integrated search below takes
    over).  Above float64 the polynomial is rounded to float64, and its root
    starts Newton's method on the integrated loss (:meth:`loss_and_rate`), which then
    typically takes one or two integrations of part of the step; without a polynomial, the
    root of the linear interpolant of ``L`` between the ends starts it.  Levels at or above
    ``L(0)`` cross at ``t̃ = 0``.

    Called from inside :meth:`~dlnsym.integrate.driver.Integrator.run` (its ``on_step``),
    each integration starts where the step did, with the step's Jacobian and its
    decomposition still at hand; :class:`Trajectory` also runs it over the checkpoints
    of a finished run.

    Parameters
    ----------
    integrator : Integrator
        The run's integrator (states and loss in its flow's numbers).
    levels : sequence of float
        The plateau losses (:func:`mid_levels` of them are searched for).

    Attributes
    ----------
    times : list of float
        The crossing times found so far, one per level, in order.

    Examples
    --------
    The first jump of example A (``t₁ = 150/199 ≈ 0.7538``) at Λ = 10⁴, searched while the
    flow is integrated:

    >>> import numpy as np
    >>> from dlnsym import example, saddle_path
    >>> from dlnsym.integrate.backend import FloatBackend
    >>> from dlnsym.simulate import _integrator
    >>> problem = example("A").to_float()
    >>> levels = plateau_losses(saddle_path(problem))
    >>> integrator = _integrator(problem, 1e4, FloatBackend(), 5e-12, 1.0, None)
    >>> search = JumpSearch(integrator, levels)
    >>> zero = np.zeros(6)
    >>> with integrator.flow.backend.precision():
    ...     run = integrator.run(0.0, (zero, zero.copy()), 1.0, h0=0.1, on_step=search)
    >>> len(search.times), abs(search.times[0] - 150 / 199) < 1e-3
    (1, True)
    """

    def __init__(self, integrator: Integrator, levels: Sequence[float]) -> None:
        self.integrator = integrator
        self.times: list[float] = []
        self._pending = mid_levels(levels)
        self._loss: float | None = None  # at the end of the last step seen

    def _loss_of(self, hi: np.ndarray, lo: np.ndarray) -> float:
        flow = self.integrator.flow
        return float(flow.loss(flow.betas(hi, lo)))

    def __call__(
        self, checkpoint: Checkpoint, t: Any, hi: np.ndarray, lo: np.ndarray,
        loss: float | None = None, loss_start: float | None = None,
    ) -> None:
        """One accepted step from ``checkpoint`` to the state ``hi + lo`` at ``t``; ``loss``
        and ``loss_start``: the losses at its ends, when known."""
        if not self._pending:
            return
        with self.integrator.flow.backend.precision():
            if self._loss is None:
                self._loss = (self._loss_of(checkpoint.hi, checkpoint.lo) if loss_start is None
                              else loss_start)
                while self._pending and self._loss <= self._pending[0]:
                    self._pending.pop(0)
                    self.times.append(0.0)  # already below the level at t̃ = 0
            loss_a, loss_b = self._loss, self._loss_of(hi, lo) if loss is None else loss
            while self._pending and loss_b <= self._pending[0]:
                self.times.append(
                    self.refine(self._pending.pop(0), checkpoint, float(t), loss_a, loss_b))
            self._loss = loss_b

    def loss_and_rate(self, checkpoint: Checkpoint, t: float) -> tuple[float, float]:
        """``(L, dL/dt̃)`` at time ``t``, integrated from ``checkpoint``."""
        flow = self.integrator.flow
        backend = flow.backend
        with backend.precision():
            (hi, lo), = self.integrator.states_at([checkpoint], [backend.scalar(t)])
            value = flow.evaluate(hi, lo)
            return float(flow.loss(value.beta)), float(flow.loss_rate(value))

    def interpolated_loss_and_rate(self, checkpoint: Checkpoint, t: float) -> tuple[float, float]:
        """``(L, dL/dt̃)`` at time ``t`` from the collocation polynomial ``u`` of the step
        that leaves ``checkpoint``: ``s(t) ≈ s(t_c) + u(t − t_c)``, good to the stage order
        of the method (no Newton iteration)."""
        flow = self.integrator.flow
        backend = flow.backend
        with backend.precision():
            tau = backend.scalar(t) - checkpoint.t
            u = self.integrator.stepper.interpolate(checkpoint.polynomial, tau)
            value = flow.evaluate(checkpoint.hi, checkpoint.lo + backend.from_float(u))
            return float(flow.loss(value.beta)), float(flow.loss_rate(value))

    def refine(
        self, level: float, checkpoint: Checkpoint, b: float, loss_a: float, loss_b: float
    ) -> float:
        """Root of ``L(t̃) = level`` in the step ``[a, b]`` from ``checkpoint`` (at ``a``),
        ``loss_a = L(a) > level ≥ L(b) = loss_b`` (class docstring)."""
        a = float(checkpoint.t)
        t = a + (b - a) * (loss_a - level) / (loss_a - loss_b)
        backend = self.integrator.flow.backend
        noise = 1e4 * float(backend.eps)
        if checkpoint.polynomial is not None and float(checkpoint.t + checkpoint.h) == b:
            along = functools.partial(self.interpolated_loss_and_rate, checkpoint)
            if isinstance(backend, FloatBackend):  # the answer: to the loss noise
                t, converged = _crossing(level, a, b, t, along, noise=noise)
                if converged:
                    return t
            else:  # a start for the integrated search
                t, _ = _crossing(level, a, b, t, along, noise=0.0,
                                 resolution=1e-9 * (b - a), iterations=12)
        return _crossing(level, a, b, t, functools.partial(self.loss_and_rate, checkpoint),
                         noise=noise)[0]


def _crossing(
    level: float, a: float, b: float, t: float,
    loss_and_rate: Callable[[float], tuple[float, float]], noise: float,
    resolution: float = 0.0, iterations: int = 100,
) -> tuple[float, bool]:
    """Root of ``L(t̃) = level`` in the bracket ``[a, b]`` from ``t``, with ``(L, dL/dt̃)``
    from ``loss_and_rate``: Newton steps, falling back to bisection when a step leaves
    the bracket; ``(t, converged)``, ``converged = False`` when ``iterations`` ran out.

    The iteration stops when the step is below ``resolution`` or a few ulp, or when the
    residual is at the noise level of the loss: ``noise·L`` (on the integrated loss
    ``10⁴ε·L``: the local tolerance leaves noise of that size in ``L``; ε is the unit
    round-off, so on the mp path this is far below what a float time resolves) plus what a
    change of ``t̃`` by 4 ulp does to ``L`` (at large Λ the loss drops by more than
    ``10⁴ε·L`` per ulp of ``t̃`` across a jump).  Below that level Newton steps only
    jitter; the last step from there is kept."""
    for _ in range(iterations):
        loss, rate = loss_and_rate(t)
        if loss > level:
            a = t
        else:
            b = t
        newton = t - (loss - level) / rate if rate < 0 else math.nan
        ulps = 4 * math.ulp(max(abs(t), 1.0))
        if abs(loss - level) <= noise * abs(level) + ulps * abs(rate):
            return (newton if a <= newton <= b else t), True
        t_new = newton if a < newton < b else 0.5 * (a + b)
        if abs(t_new - t) <= max(resolution, ulps) or b - a <= 4 * math.ulp(b):
            return t_new, True
        t = t_new
    return t, False


class Trajectory(TrajectoryExport):
    """A simulated trajectory ``t̃ ↦ (s, β, L)``.

    Attributes
    ----------
    problem : Problem
    log_inv_alpha : float or mpf
        Λ = ln(1/α).
    dps : int or None
        Decimal digits asked for (``None``: float64 path).
    t : ndarray of float64, shape (m,)
        Accelerated times ``t̃ = t/Λ`` of the samples.
    s, beta : ndarray, shape (m, d)
        Rescaled dual ``s = θ/Λ`` and predictor β at those times: float64 on the float path,
        object arrays of ``mpf`` on the mp path (where β may be far below the float range).
    loss : ndarray, shape (m,)
        ``L(β)`` (same number type).
    jump_times : list of float
        Detected jump times (module docstring); fewer than the limit's if the run ends before.
    jump_levels : list of float or None
        The plateau losses the jumps were detected against.
    interrupted : bool
        Whether the run was stopped by Ctrl-C (the samples then end where it stopped).
    t_end : float
        End of the integrated interval (``t_max``, or where the run was interrupted).
    stats : dict
        ``accepted``/``rejected`` steps and ``seconds`` of the run.

    Parameters
    ----------
    problem, log_inv_alpha, dps, interrupted, stats, jump_levels, jump_times
        As the attributes.
    integrator, checkpoints, samples
        The integrator of the run, its checkpoints (for dense evaluation) and the samples
        ``(t̃, s_hi, s_lo)``.  A trajectory is built by :func:`~dlnsym.simulate.simulate`,
        not directly.

    Examples
    --------
    >>> from dlnsym import example, simulate
    >>> tr = simulate(example("A"), log_inv_alpha=100)
    >>> tr.dps is None, tr.beta.shape[1]
    (True, 6)
    >>> [round(t, 2) for t in tr.jump_times]          # the limit: 0.75, 1.49, 1.78, 3.67, 9.98
    [0.75, 1.48, 1.78, 3.68, 9.89]
    """

    def __init__(
        self,
        *,
        problem: Problem,
        log_inv_alpha: Any,
        dps: int | None,
        integrator: Integrator,
        checkpoints: Sequence[Checkpoint],
        samples: Sequence[tuple[Any, np.ndarray, np.ndarray]],
        interrupted: bool = False,
        stats: dict[str, Any] | None = None,
        jump_levels: Sequence[float] | None = None,
        jump_times: Sequence[float] | None = None,
    ) -> None:
        self.problem = problem
        self.log_inv_alpha = log_inv_alpha
        self.dps = dps
        self.interrupted = interrupted
        self.stats = dict(stats or {})
        self._integrator = integrator
        self._checkpoints = list(checkpoints)
        self.t_end = float(self._checkpoints[-1].t)
        flow, backend = integrator.flow, integrator.flow.backend
        dtype = float if dps is None else object
        m, d = len(samples), problem.d
        self.t = np.array([float(t) for t, _, _ in samples], dtype=float)
        self.s = np.empty((m, d), dtype=dtype)
        self.beta = np.empty((m, d), dtype=dtype)
        self.loss = np.empty(m, dtype=dtype)
        with backend.precision():
            for i, (_, hi, lo) in enumerate(samples):
                self.s[i], self.beta[i], self.loss[i] = flow.sample(hi, lo)
        # losses already evaluated, by exact time, for jump detection: a sample and a
        # checkpoint at the same time hold the same state (every step's end state is a sample
        # when no output times are given)
        self._known_loss = {t: float(v) for (t, _, _), v in zip(samples, self.loss, strict=True)}
        self.jump_levels = None if jump_levels is None else [float(v) for v in jump_levels]
        if jump_times is not None:
            self.jump_times = list(jump_times)
        elif self.jump_levels is None:
            self.jump_times = []
        else:
            self.jump_times = self._detect_jumps(self.jump_levels)

    # ------------------------------------------------------------------ dense evaluation

    def _states(self, times: Sequence[float]) -> list[tuple[Any, np.ndarray, np.ndarray]]:
        """``(t, hi, lo)`` at the given float times (any order, duplicates allowed)."""
        backend = self._integrator.flow.backend
        unique = sorted(set(times))
        with backend.precision():
            exact = [backend.scalar(t) for t in unique]
            states = dict(zip(unique, self._integrator.states_at(self._checkpoints, exact),
                              strict=True))
        return [(backend.scalar(t), *states[t]) for t in times]

    def _check_times(self, times: Any) -> list[float]:
        return check_times(
            times, self.t_end, name="times",
            outside=f"the simulated interval [0, {self.t_end!r}]"
            + ("" if not self.interrupted else " (the run was interrupted)")
            + "; ask for times inside it or simulate with a larger t_max",
        )

    def at(self, times: Any) -> Trajectory:
        """The trajectory sampled at exactly ``times`` (in the order given).

        Values come from the integrator itself (integrating from the nearest step before each
        time), not from interpolation, and satisfy the same accuracy contract.

        Parameters
        ----------
        times : number or sequence of numbers
            Accelerated times ``t̃`` in ``[0, t_end]``, any order, duplicates allowed.

        Returns
        -------
        Trajectory
            The same run (jump times, checkpoints) with samples at ``times`` only.

        Raises
        ------
        ParameterError
            An entry is not a number (or is a bool, or ``times`` is nested), or a time is not
            finite or outside ``[0, t_end]``.

        Examples
        --------
        >>> from dlnsym.problems import example
        >>> from dlnsym.simulate import simulate
        >>> tr = simulate(example("A"), log_inv_alpha=1000, t_max=1.0)
        >>> mid = tr.at([0.9, 0.0])
        >>> mid.t.tolist()
        [0.9, 0.0]
        >>> round(float(mid.beta[0, 0]), 6), float(mid.beta[1, 0])   # β₁ = 199/394; β(0) = 0
        (0.505076, 0.0)
        """
        wanted = self._check_times(times)
        return Trajectory(
            problem=self.problem,
            log_inv_alpha=self.log_inv_alpha,
            dps=self.dps,
            integrator=self._integrator,
            checkpoints=self._checkpoints,
            samples=self._states(wanted),
            interrupted=self.interrupted,
            stats=self.stats,
            jump_levels=self.jump_levels,
            jump_times=self.jump_times,
        )

    # -------------------------------------------------------------------------- jumps

    def _detect_jumps(self, levels: Sequence[float]) -> list[float]:
        """Crossing times of the mid levels between consecutive plateau losses, searched
        after the run, step by step through the checkpoints (:class:`JumpSearch`)."""
        search = JumpSearch(self._integrator, levels)
        steps = zip(self._checkpoints, self._checkpoints[1:], strict=False)
        for checkpoint, after in steps:
            search(checkpoint, after.t, after.hi, after.lo, self._known_loss.get(after.t),
                   self._known_loss.get(checkpoint.t))
        return search.times

    # ------------------------------------------------------------------------- export
    # beta_float, to_json, save_json, save_npz: inherited from TrajectoryExport

    def __repr__(self) -> str:
        path, jumps = self._repr_parts()
        return (
            f"Trajectory({self.problem.name or 'problem'}, Λ={self.log_inv_alpha}, {path}, "
            f"{len(self.t)} samples on [0, {self.t_end:.6g}], jumps={jumps})"
        )
