"""The diagonal linear network itself: the (u, v) gradient flow in original time (theory §1).

::

    du/dt = −v ⊙ ∇L(u⊙v),   dv/dt = −u ⊙ ∇L(u⊙v),   ∇L(β) = Hβ − c,
    u_i(0) = √2·α^{λ_i},  v(0) = 0,   β = u ⊙ v,

with the shape ``λ = 1`` (the paper's ``u(0) = √2·α·1``) unless ``init_shape`` says otherwise
(theory page §7).

This is the model the mirror flow of :mod:`dlnsym.simulate` is *derived* from (theory §2), so
integrating it directly is an independent check of that reduction: at ``t = Λ·t̃`` its β must
agree with the mirror-flow β to working precision (``Λ = ln(1/α)``).

Numerics
--------
* **α must be representable**: everything is an mpmath ``mpf`` (unbounded exponent), so
  ``α = 1e-1000`` is fine; float64 is not an option here.
* **Not stiff, but ill-conditioned.**  The Jacobian of the right-hand side has entries of size
  ``|∇L|`` and ``|β|·‖H‖``, all O(1), so an explicit method takes O(1) steps; but a plateau lasts
  ``Λ·(t_{k+1} − t_k)`` in original time, so the cost grows like ``Λ``.  The flow conserves
  ``u_i² − v_i² = 2α^{2λ_i}`` and, once ``|β_i| = O(1)``, that information sits
  ``2Λλ_i/ln 10`` decimal digits below the leading digit of ``u_i``
  (``u_i − v_i = √2·α^{λ_i}·e^{−θ_i}``).  A rounding error ``δ`` in ``u_i`` shifts the conserved
  quantity by the relative amount ``δ/α^{2λ_i}``, which changes when coordinate ``i`` later
  leaves the active set.  We therefore integrate with ``dps + ⌈2Λ·max_i λ_i/ln 10⌉ + 10``
  digits to return ``dps`` correct ones.
* **Method: explicit Taylor series, order N ≈ ½·ln(1/ε).**  The right-hand side is a cubic
  polynomial, so its Taylor coefficients follow exactly from Cauchy products (automatic
  differentiation, as in heyoka)::

      β_[k] = Σ_j u_[j] ⊙ v_[k−j],    g_[k] = H β_[k] − c·[k = 0],
      u_[k+1] = −Σ_j v_[j] ⊙ g_[k−j] / (k+1),   v_[k+1] = −Σ_j u_[j] ⊙ g_[k−j] / (k+1).

  Step size (Jorba & Zou 2005): ``h = ρ/e²`` with ``ρ`` the smallest radius estimate
  ``(S_i/|y_[n],i|)^{1/n}`` over the last two orders ``n ∈ {N−1, N}`` and every coordinate,
  where ``S_i = u_i`` (``u_i ≥ |v_i| > 0`` throughout) is a *per-coordinate* scale, so the error
  control is relative: coordinates of size α get the same number of digits as O(1) ones.  With
  ``N = ⌈½·ln(1/ε)⌉ + 1`` the truncation error ``S_i·(h/ρ)^N`` is ≤ ``S_i·ε``.  Cost per step:
  ``O(N²·d + N·d²)`` mpf operations at the working precision; on example A the steps are
  ≈ 1.3 units of original time long, ≈ 0.1 s each at 40 digits, so the whole trajectory
  (t̃ ≤ 12) costs ≈ 6 s at Λ = 8 and grows like Λ·(dps + 0.87Λ)².  Dense output evaluates the
  stored Taylor polynomial of the step.

  mpmath's own ``odefun`` (also Taylor) is not used: it builds each series from ``N`` Euler
  steps at ``N×`` the working precision (about 7000 bits at 40 digits), which made it ≈ 2×
  slower on example A at Λ = 5 and much slower as the digits grow with Λ, and its error
  control is absolute, so the O(α) coordinates lose ``Λ/ln 10`` digits.
"""

from __future__ import annotations

import bisect
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import mpmath
import numpy as np

from dlnsym.errors import ParameterError
from dlnsym.problems import Problem, resolve_problem
from dlnsym.trajectory import TrajectoryExport, mid_levels, plateau_losses

__all__ = ["NetworkTrajectory", "simulate_network", "network_lambda"]

_MAX_STEPS = 2_000_000


def network_lambda(alpha: Any = None, log_inv_alpha: Any = None) -> tuple[mpmath.mpf, mpmath.mpf]:
    """``(α, Λ)`` from exactly one of ``alpha`` and ``log_inv_alpha = Λ = ln(1/α)``.

    Both are returned as mpmath ``mpf`` at the current mpmath precision (``mpmath.mp.dps``;
    :func:`simulate_network` calls it inside ``mpmath.workdps``), so an ``α`` far below the
    float64 range, such as ``1e-1000``, is represented exactly enough.

    Parameters
    ----------
    alpha : mpf, int, float, Fraction or str, optional
        The initialisation scale ``α ∈ (0, 1)`` (so that Λ > 0).  A string such as
        ``"1e-1000"`` is parsed by mpmath at the current precision, a ``Fraction`` is
        rounded once; a float is taken at its binary value.
    log_inv_alpha : mpf, int, float, Fraction or str, optional
        ``Λ = ln(1/α) > 0`` instead of ``alpha``.

    Returns
    -------
    alpha : mpf
        ``α`` (``e^{−Λ}`` when ``log_inv_alpha`` was given).
    log_inv_alpha : mpf
        ``Λ`` (``−ln α`` when ``alpha`` was given).

    Raises
    ------
    ParameterError
        Neither or both of ``alpha`` and ``log_inv_alpha`` given; a value that is not a real
        number or not finite; ``alpha`` outside (0, 1) or ``log_inv_alpha ≤ 0``.

    Examples
    --------
    >>> a, lam = network_lambda(alpha="1e-1000")
    >>> round(float(lam), 9)              # 1000·ln 10
    2302.585092994
    >>> a, lam = network_lambda(log_inv_alpha=2)
    >>> a                                 # e^{−2}, at the current 15 digits
    mpf('0.1353352832366127')
    >>> network_lambda(alpha=2)
    Traceback (most recent call last):
    ...
    dlnsym.errors.ParameterError: alpha must lie in (0, 1) so that Λ = ln(1/α) > 0, got 2
    """
    if (alpha is None) == (log_inv_alpha is None):
        raise ParameterError(
            "give exactly one of alpha (the initialisation scale, e.g. alpha='1e-8') and "
            "log_inv_alpha (Λ = ln(1/α), e.g. log_inv_alpha=18)"
        )
    if alpha is not None:
        a = _mpf(alpha, "alpha")
        if not 0 < a < 1:
            raise ParameterError(f"alpha must lie in (0, 1) so that Λ = ln(1/α) > 0, got {alpha!r}")
        return a, -mpmath.log(a)
    lam = _mpf(log_inv_alpha, "log_inv_alpha")
    if not lam > 0:
        raise ParameterError(f"log_inv_alpha = ln(1/α) must be positive, got {log_inv_alpha!r}")
    return mpmath.exp(-lam), lam


def _mpf(value: Any, name: str) -> mpmath.mpf:
    """``value`` as an ``mpf`` (``Fraction`` exactly rounded); ParameterError if not finite."""
    try:
        if isinstance(value, Fraction):
            out = mpmath.mpf(value.numerator) / value.denominator
        else:
            out = mpmath.mpf(value.strip() if isinstance(value, str) else value)
    except (TypeError, ValueError):
        raise ParameterError(f"{name} = {value!r} is not a real number") from None
    if not mpmath.isfinite(out):
        raise ParameterError(f"{name} = {value!r} is not finite")
    return out


@dataclass
class NetworkTrajectory(TrajectoryExport):
    """A trajectory of the network, with the attributes of :class:`dlnsym.trajectory.Trajectory`
    that :func:`dlnsym.compare.compare` and the plots read, and its exports
    (:meth:`beta_float`, :meth:`to_json`, :meth:`save_json`, :meth:`save_npz`, inherited from
    :class:`dlnsym.trajectory.TrajectoryExport`, so the files have the same format: that of
    the mp path, the network's numbers being ``mpf``).  ``u`` and ``v`` are not exported; they
    follow from β and α: ``u² = α² + √(α⁴ + β²)``, ``v = β/u`` (from ``u² − v² = 2α²``,
    ``u⊙v = β``).

    Attributes
    ----------
    problem : Problem
        The problem integrated (as resolved from ``X``, ``y``).
    log_inv_alpha : mpf
        Λ = ln(1/α).
    dps : int
        Decimal digits of the values.
    t : ndarray of float64, shape (m,)
        Accelerated times ``t̃ = t/Λ`` of the samples.
    u, v : ndarray of mpf, shape (m, d)
        The network's parameters.
    beta, s : ndarray of mpf, shape (m, d)
        ``β = u⊙v`` and ``s = θ/Λ = arcsinh(β_i/α^{2λ_i})/(2Λ)`` (``λ_i = 1`` unshaped).
    loss : ndarray of mpf, shape (m,)
        ``L(β) = ‖Xβ − y‖²/2n``.
    jump_levels : list of float or None
        Plateau losses the jumps were detected against.
    jump_times : list of float
        First time the loss reaches ``(L_{k−1} + L_k)/2``, k = 1…K (the definition of
        :mod:`dlnsym.trajectory`), located to float precision on the dense output.
    t_end : float
        ``t_max``.
    stats : dict
        ``steps``, ``order`` (Taylor order), ``working_dps`` and ``seconds``.
    init_shape : ndarray of float or None
        The shape λ of the initialisation ``u_i(0) = √2·α^{λ_i}`` (``None``: all ones).
    interrupted : bool
        Always ``False`` (the network run is not interruptible); kept for the export format.

    Examples
    --------
    Built by :func:`simulate_network`; here for ``X = I``, ``y = (2, 1)``, whose limit path
    (Λ → ∞) jumps at ``t̃ = 1`` and ``t̃ = 2``, at the small scale ``Λ = 3`` (0.2 s):

    >>> import mpmath, numpy as np
    >>> tr = simulate_network(np.eye(2), [2, 1], log_inv_alpha=3, dps=10, at=[0, 1, 2.4])
    >>> tr.t                                # accelerated times of the samples
    array([0. , 1. , 2.4])
    >>> [round(t, 2) for t in tr.jump_times]  # near 1 and 2 already at Λ = 3
    [1.08, 1.94]
    >>> tr.beta.shape, tr.dps, tr.t_end
    ((3, 2), 10, 2.4)
    >>> tr.s[1]                             # s = θ/Λ at t̃ = 1: near (1, 1/2), the limit
    array([mpf('0.9629750091189635'), mpf('0.4962962014178629')], dtype=object)
    >>> mpmath.nstr(tr.u[2, 0]**2 - tr.v[2, 0]**2, 6)   # conserved: 2α² = 2e^{−6}
    '0.0049575'
    """

    problem: Problem
    log_inv_alpha: mpmath.mpf
    dps: int
    t: np.ndarray
    u: np.ndarray
    v: np.ndarray
    beta: np.ndarray
    s: np.ndarray
    loss: np.ndarray
    jump_levels: list[float] | None
    jump_times: list[float]
    t_end: float
    stats: dict[str, Any] = field(default_factory=dict)
    init_shape: np.ndarray | None = None
    interrupted: bool = False

    def __repr__(self) -> str:
        path, jumps = self._repr_parts()
        return (f"NetworkTrajectory({self.problem.name or 'problem'}, "
                f"Λ={mpmath.nstr(self.log_inv_alpha, 8)}, {path}, {len(self.t)} samples "
                f"on [0, {self.t_end:.6g}], jumps={jumps})")


def simulate_network(
    X: Any,
    y: Any = None,
    *,
    alpha: Any = None,
    log_inv_alpha: Any = None,
    t_max: Any = None,
    dps: int = 30,
    at: Any = None,
    guard_digits: int | None = None,
    jump_levels: Sequence[float] | None = None,
    init_shape: Sequence[float] | None = None,
) -> NetworkTrajectory:
    """Integrate the (u, v) gradient flow of the network in original time, in mpmath.

    Parameters
    ----------
    X : Problem or array-like of shape (n, d)
        A :class:`~dlnsym.problems.Problem`, or the design (then ``y`` is required).
    y : array-like of shape (n,), optional
    alpha, log_inv_alpha : mpf, number or str
        Exactly one: the initialisation scale ``α ∈ (0, 1)`` or ``Λ = ln(1/α) > 0``.
    t_max : float, mpf or str, optional
        End of the simulation in **accelerated** time ``t̃ = t/Λ`` (the same unit as
        :func:`dlnsym.simulate.simulate`); the flow runs to original time ``Λ·t_max``.
        Default ``1.2 × t_K``, the last jump time of Algorithm 1 for the initialisation
        (:func:`~dlnsym.saddle_path.saddle_path` with ``init_shape``), as in ``simulate``.
    dps : int
        Decimal digits wanted in the result; the integration uses ``dps + guard_digits``.
    at : array-like, optional
        Accelerated times ``0 ≤ t̃ ≤ t_max`` to report (floats, ``mpf`` or decimal strings,
        used exactly); default: ``0`` and the end point of every integration step.
    guard_digits : int, optional
        Extra working digits; default ``⌈2Λ·max_i λ_i/ln 10⌉ + 10``, which the
        ``1/α^{2λ_i}`` conditioning of the (u, v) flow needs once a coordinate can leave the
        active set (module notes).  A smaller value is safe only while every ``|β_i|`` stays
        ≪ 1, e.g. a short run at a huge Λ.
    jump_levels : sequence of float, optional
        Plateau losses for jump detection; default Algorithm 1's ``L(β_k)`` for the
        initialisation (no jumps are detected when Algorithm 1 finds the problem degenerate).
    init_shape : sequence of d positive numbers, optional
        Shaped initialisation ``u_i(0) = √2·α^{λ_i}``, ``v_i(0) = 0`` (default all ones).
        Then ``u_i² − v_i² = 2α^{2λ_i}``, ``β_i = α^{2λ_i}·sinh(2θ_i)`` and the reported
        ``s_i = θ_i/Λ`` lives in the box ``[−λ_i, λ_i]`` as Λ → ∞ (the limit is
        :func:`~dlnsym.saddle_path.saddle_path` with ``init_shape``; the same flow as
        :func:`dlnsym.simulate.simulate` with ``init_shape``).

    Returns
    -------
    NetworkTrajectory

    Raises
    ------
    ParameterError
        Bad ``alpha``/``log_inv_alpha``, ``t_max``, ``dps``, ``guard_digits`` or ``at``;
        ``jump_levels`` not finite strictly decreasing numbers;
        ``init_shape`` not ``d`` positive finite numbers
        (:func:`dlnsym.simulate.check_init_shape`); no ``t_max`` when ``∇L(0) = 0``.
    DegenerateProblemError
        No ``t_max`` given and Algorithm 1, which provides the default, finds the problem
        degenerate.

    Examples
    --------
    >>> from dlnsym.problems import example
    >>> tr = simulate_network(example("A"), log_inv_alpha=4, t_max=0.25, dps=20, at=[0.25])
    >>> float(tr.beta[0, 0]) > 0
    True
    >>> shaped = simulate_network(example("A"), log_inv_alpha=4, t_max=0.25, dps=20, at=[0],
    ...                           init_shape=[1, 2, 1, 1, 1, 1])
    >>> float(shaped.u[0, 1] / shaped.u[0, 0])          # √2·α² / √2·α = α = e^{−4}
    0.01831563888873418
    """
    from dlnsym.simulate import (
        _check_jump_levels,
        _limit_path,
        check_init_shape,
        default_t_max,
    )

    problem = resolve_problem(X, y, caller="simulate_network")
    shape = check_init_shape(init_shape, problem.d)
    if not isinstance(dps, int | np.integer) or isinstance(dps, bool) or dps < 5:
        raise ParameterError(f"dps must be an integer ≥ 5 (decimal digits), got {dps!r}")
    path = None
    if t_max is None or jump_levels is None:
        path = _limit_path(problem, shape, needed=t_max is None)
    if t_max is None:
        t_max = default_t_max(path)
    if not _mpf(t_max, "t_max") > 0:
        raise ParameterError(f"t_max must be a positive accelerated time, got {t_max!r}")
    widest = 1.0 if shape is None else float(shape.max())  # the smallest scale is α^{λ_max}
    if guard_digits is None:
        with mpmath.workdps(dps + 10):
            lam = network_lambda(alpha, log_inv_alpha)[1]
        guard_digits = math.ceil(2 * float(lam) * widest / math.log(10)) + 10
    if not isinstance(guard_digits, int | np.integer) or guard_digits < 0:
        raise ParameterError(f"guard_digits must be a non-negative integer, got {guard_digits!r}")
    jump_levels = plateau_losses(path) if jump_levels is None else _check_jump_levels(jump_levels)
    start = time.perf_counter()
    with mpmath.workdps(int(dps + guard_digits)):
        alpha_, lam = network_lambda(alpha, log_inv_alpha)
        t_end = _mpf(t_max, "t_max")
        times = _output_times(at, t_end)
        to_mpf = np.vectorize(lambda v: _mpf(v, "data"), otypes=[object])
        H, c = (to_mpf(a) for a in problem.gram())
        flow = _DenseFlow(problem, to_mpf(problem.X), to_mpf(problem.y))
        # per-coordinate scale α_i = α^{λ_i} = e^{−Λλ_i}: u_i(0) = √2·α_i, u_i² − v_i² = 2α_i²
        scale = (np.full(problem.d, alpha_, dtype=object) if shape is None else
                 np.array([mpmath.exp(-lam * mpmath.mpf(v)) for v in shape], dtype=object))
        u0 = mpmath.sqrt(2) * scale
        flow.integrate(H, c, u0, np.full(problem.d, mpmath.mpf(0), dtype=object), lam * t_end)
        if times is None:
            times = [seg.t0 / lam for seg in flow.segments] + [t_end]
        u, v = (np.array(a, dtype=object) for a in zip(*(flow.state(lam * t) for t in times),
                                                          strict=True))
        beta = u * v
        s = np.vectorize(mpmath.asinh, otypes=[object])(beta / scale**2) / (2 * lam)
        loss = np.array([flow.loss(row) for row in beta], dtype=object)
        jumps = [float(t / lam) for t in flow.crossings(jump_levels)]
        stats = {"steps": len(flow.segments), "order": flow.order,
                 "working_dps": mpmath.mp.dps}
    with mpmath.workdps(dps):
        rnd = np.vectorize(lambda x: +x, otypes=[object])
        return NetworkTrajectory(
            problem=problem,
            log_inv_alpha=+lam,
            dps=int(dps),
            t=np.array([float(t) for t in times]),
            u=rnd(u),
            v=rnd(v),
            beta=rnd(beta),
            s=rnd(s),
            loss=rnd(loss),
            jump_levels=jump_levels,
            jump_times=jumps,
            t_end=float(t_end),
            stats=stats | {"seconds": time.perf_counter() - start},
            init_shape=shape,
        )


def _output_times(at: Any, t_max: mpmath.mpf) -> list[mpmath.mpf] | None:
    """Validated, sorted accelerated output times as ``mpf`` (None: report every step).

    Times are kept exact (an ``mpf``, a decimal string or a float taken at its binary value),
    because a float64 time would limit the reported β to about 16 digits.
    """
    if at is None:
        return None
    times = [_mpf(t, "at") for t in np.atleast_1d(np.asarray(at, dtype=object)).ravel()]
    if not times:
        raise ParameterError("at must be a non-empty list of accelerated times")
    if any(b < a for a, b in zip(times, times[1:], strict=False)):
        raise ParameterError("at must be sorted in increasing order")
    if times[0] < 0 or times[-1] > t_max:
        raise ParameterError(
            f"at must lie in [0, t_max] = [0, {mpmath.nstr(t_max, 6)}], "
            f"got [{mpmath.nstr(times[0], 6)}, {mpmath.nstr(times[-1], 6)}]"
        )
    return times


@dataclass(frozen=True)
class _Segment:
    """One Taylor step: ``u(t0 + τ) = Σ_k U[k]·τ^k`` (same for v) for ``0 ≤ τ ≤ h``."""

    t0: mpmath.mpf
    h: mpmath.mpf
    U: np.ndarray
    V: np.ndarray

    def at(self, tau: mpmath.mpf) -> tuple[np.ndarray, np.ndarray]:
        """``(u, v)`` at ``t0 + tau`` (Horner)."""
        pu, pv = self.U[-1].copy(), self.V[-1].copy()
        for k in range(len(self.U) - 2, -1, -1):
            pu, pv = pu * tau + self.U[k], pv * tau + self.V[k]
        return pu, pv


class _DenseFlow:
    """Taylor integration of ``u' = −v⊙(H(u⊙v) − c)``, ``v' = −u⊙(H(u⊙v) − c)`` with dense
    output, at the current mpmath precision ``ε = 10^{−dps}`` (module notes)."""

    def __init__(self, problem: Problem, X: np.ndarray, y: np.ndarray) -> None:
        self.X, self.y, self.n = X, y, problem.n
        self.order = int(math.ceil(0.5 * mpmath.mp.dps * math.log(10))) + 1  # ⌈½ ln 1/ε⌉ + 1
        self.segments: list[_Segment] = []
        self.end: tuple[mpmath.mpf, np.ndarray, np.ndarray] | None = None

    def integrate(self, H: np.ndarray, c: np.ndarray, u: np.ndarray, v: np.ndarray,
                  t_end: mpmath.mpf) -> None:
        """Step from ``(0, u, v)`` to ``t_end``, storing every step's Taylor polynomial."""
        order, d = self.order, len(u)
        t = mpmath.mpf(0)
        while t < t_end:
            if len(self.segments) >= _MAX_STEPS:
                raise ParameterError(f"the network flow needed more than {_MAX_STEPS} steps; "
                                     "lower log_inv_alpha or t_max")
            U = np.empty((order + 1, d), dtype=object)
            V = np.empty((order + 1, d), dtype=object)
            G = np.empty((order, d), dtype=object)
            U[0], V[0] = u, v
            for k in range(order):
                G[k] = H @ (U[: k + 1] * V[k::-1]).sum(axis=0) - (c if k == 0 else 0)
                U[k + 1] = -(V[: k + 1] * G[k::-1]).sum(axis=0) / (k + 1)
                V[k + 1] = -(U[: k + 1] * G[k::-1]).sum(axis=0) / (k + 1)
            h = min(_step(U, V, order), t_end - t)
            segment = _Segment(t, h, U, V)
            self.segments.append(segment)
            u, v = segment.at(h)
            t = t + h if h < t_end - t else t_end
        self.end = (t, u, v)

    def state(self, t: mpmath.mpf) -> tuple[np.ndarray, np.ndarray]:
        """``(u, v)`` at original time ``0 ≤ t ≤ t_end``."""
        k = bisect.bisect_right([seg.t0 for seg in self.segments], t) - 1
        if k == len(self.segments) - 1 and self.end is not None and t >= self.end[0]:
            return self.end[1], self.end[2]
        seg = self.segments[max(k, 0)]
        return seg.at(t - seg.t0)

    def loss(self, beta: np.ndarray) -> mpmath.mpf:
        """``L(β) = ‖Xβ − y‖²/2n`` from the residual (no cancellation as L → 0)."""
        r = self.X @ beta - self.y
        return (r @ r) / (2 * self.n)

    def _loss_at(self, t: mpmath.mpf) -> mpmath.mpf:
        u, v = self.state(t)
        return self.loss(u * v)

    def crossings(self, levels: Sequence[float] | None) -> list[mpmath.mpf]:
        """First original time the loss reaches each mid level ``(L_{k−1} + L_k)/2``.

        The loss is non-increasing, so the step whose end points bracket a level is found by
        a scan, and the crossing by bisection on the dense output down to a relative width
        of 1e-17 (below float resolution of t̃).
        """
        if not levels:
            return []
        knots = [seg.t0 for seg in self.segments] + [self.end[0]]
        knot_loss = [self._loss_at(t) for t in knots]
        out: list[mpmath.mpf] = []
        i = 0
        for mid_level in mid_levels(levels):
            mid = mpmath.mpf(mid_level)
            while i < len(knots) and knot_loss[i] > mid:
                i += 1
            if i == len(knots):
                break
            if i == 0:
                out.append(knots[0])
                continue
            a, b = knots[i - 1], knots[i]
            while b - a > mpmath.mpf("1e-17") * b:
                m = (a + b) / 2
                a, b = (m, b) if self._loss_at(m) > mid else (a, m)
            out.append(b)
        return out


def _step(U: np.ndarray, V: np.ndarray, order: int) -> mpmath.mpf:
    """Jorba–Zou step ``h = ρ/e²``, ``ρ = min_{i, n ∈ {N−1, N}} (u_i / m_[n],i)^{1/n}``.

    ``m_[n],i = max(|u_[n],i|, |v_[n],i|)`` is the size of the order-n Taylor coefficient.

    ``u_i > 0`` is the per-coordinate scale (``u_i² − v_i² = 2α² > 0``), so the control is
    relative.  Returns ``+inf`` when every coefficient vanishes (a stationary point).
    """
    rho = mpmath.inf
    scale = U[0]
    for n in (order - 1, order):
        size = np.maximum(np.abs(U[n]), np.abs(V[n]))
        for si, ci in zip(scale, size, strict=True):
            if ci:
                rho = min(rho, mpmath.root(si / ci, n))
    return rho / mpmath.e**2
