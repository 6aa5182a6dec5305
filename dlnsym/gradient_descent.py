"""Gradient descent with a step size on the network (theory §1): the iteration itself.

::

    w_{k+1} = w_k − γ·∇F(w_k),   w = (u, v),   F(u, v) = L(u⊙v),   L(β) = ‖Xβ − y‖²/2n,
    u_i(0) = √2·α^{λ_i},  v(0) = 0,

i.e. ``u ← u − γ·v⊙g``, ``v ← v − γ·u⊙g`` with ``g = ∇L(β) = Xᵀ(Xβ − y)/n``, ``β = u⊙v``.
The flow of :mod:`dlnsym.network` is its limit ``γ → 0``; a finite γ changes the jump times
and can change which saddles are visited (notebook 09, the guide page "Gradient descent").

Structure
---------
With ``p = u + v`` and ``q = u − v`` the step is *multiplicative*::

    p ← p ⊙ (1 − γg),    q ← q ⊙ (1 + γg),    β = u⊙v = (p² − q²)/4,

so from ``p(0) = q(0) = √2·α^λ`` (per coordinate, dropping the index)::

    p_k² = 2α^{2λ}·e^{2P_k},  P_k = Σ_{j<k} ln abs(1 − γg(j)),
    q_k² = 2α^{2λ}·e^{2Q_k},  Q_k = Σ_{j<k} ln abs(1 + γg(j)),

    β_k = (α^{2λ}/2)·(e^{2P_k} − e^{2Q_k}) = α^{2λ}·e^{S_k}·sinh(D_k),
    D = P − Q = Σ −2·artanh(γg),   S = P + Q = Σ ln(1 − γ²g²)     (while abs(γg) < 1).

β involves ``p²`` and ``q²``, so the signs of ``p`` and ``q`` (which flip when ``|γg| > 1``)
do not enter it; they enter ``u = (p + q)/2`` and ``v = (p − q)/2``.  ``D`` is the discrete
counterpart of the flow's ``2θ`` (``−2·artanh(γg) = −2γg + O(γ³)``), and ``e^S ≤ 1`` shrinks
the scale: ``α^{2λ}·e^{S}`` is an *effective* ``α²`` that decreases along the run.  A
coordinate is of order one once ``2·max(P, Q) = S + |D|`` has grown to ``2λΛ``, and a step
with a constant g adds ``2·ln(1 + γ|g|) < 2γ|g|`` to it: gradient descent reaches the box
later than the flow, by the factor ``γ|g|/ln(1 + γ|g|) ≈ 1 + γ|g|/2``.  For the first jump,
``g = −c`` throughout the plateau, so as ``Λ → ∞`` the first jump time tends to
``t̃₁(γ) = γ/ln(1 + γ‖c‖_∞)`` instead of ``1/‖c‖_∞``.

Stability
---------
The fixed points of the iteration are the critical points of F, whatever γ: the saddles of
Algorithm 1 lifted to the network (theory §4, "Saddles of F").  At a saddle where
``g = ∇L(β_k)`` vanishes on the support, ``∇²F = JᵀHJ`` on the support with
``J = [diag v, diag u]``, whose non-zero eigenvalues are those of
``diag(u² + v²)^{½}·H·diag(u² + v²)^{½}``, and ``u_i² + v_i² ≈ 2|β_{k,i}|``.  A saddle attracts
gradient descent along its support only if ``γ < 2/λ_max(∇²F)``, i.e.
:func:`step_size_bound`::

    γ < 1 / max_k λ_max(diag(abs(β_k))^{½} · H · diag(abs(β_k))^{½}),

(0.615 for example A, set by its fourth saddle).  Beyond it the iteration leaves the saddle
along its support, oscillates, and may blow up: a loss above ``MAX_LOSS_FACTOR × L(0)`` or not
finite raises :class:`~dlnsym.errors.DivergenceError`.

Two arithmetic paths
--------------------
* **mpmath** (``dps`` given): ``p`` and ``q`` as ``mpf`` at ``dps`` digits, multiplied by
  ``1 ∓ γg`` each step; ``β = (p − q)(p + q)/4``.  Iterating ``(u, v)`` additively instead
  loses the scale: once ``|β_i| = O(1)``, ``u_i² − v_i² = p_i·q_i`` (``2α²`` times
  ``e^{S_i}``) lies ``2Λ/ln 10`` digits below the leading digit of ``u_i``, and a coordinate
  that later leaves the support decays to the wrong level.  Measured on example A against a
  reference at ``2·dps + 2Λ/ln 10 + 10`` digits (γ = 0.1 over the whole path, dps = 30): the
  largest relative error of β over all steps is 1e-27 (Λ = 5), 9e-19 (Λ = 20) and 1e-8
  (Λ = 50) for ``(u, v)``, against 2e-28, 3e-28 and 2e-27 for ``(p, q)``.  The products keep
  the relative accuracy of ``p`` and ``q`` (k roundings after k steps) whatever Λ, since
  ``mpf`` has an unbounded exponent.  A step costs ≈ 0.3 ms at 30 digits on example A
  (``O(nd)`` mpf operations).
* **float64 in log-coordinates** (``dps=None``): α underflows, so the state is ``(S, D)``
  (each a double-word sum, so that Λ = 10⁶ loses no digits to accumulation) and::

      β = sign(D)·½·e^{E}·(1 − e^{−2·abs(D)}),    E = S + abs(D) − 2λΛ,

  with ``−expm1(−2|D|)`` for the last factor, ``E`` computed from the double-word parts
  and ``2λΛ`` (itself double-word, from Λ at 30 digits), so nothing overflows, underflows
  before β itself does, or cancels.  ``u`` and ``v`` follow from
  ``e^{P}, e^{Q} = e^{S/2}·e^{±D/2}`` and the signs of ``p, q`` (float64 values, 0 where
  ``|u|`` is below the float range).  A step costs ``O(nd)`` and about 30 numpy calls
  (≈ 40 µs on example A); a run is ``Λ·t̃/γ`` steps, so Λ = 10⁶ is a matter of patience,
  not of accuracy.  Λ is limited to :data:`~dlnsym.simulate.FLOAT_MAX_LOG_INV_ALPHA` = 1e12,
  the limit of :func:`dlnsym.simulate.simulate`'s float64 path, and a larger Λ is refused
  before the first step: ``2λΛ`` has no float64 value beyond ≈ 9e307 (every β would be NaN,
  which reads as a divergence), and below that a run needs ``Λ/γ`` steps to leave the
  origin.  The mp path takes any Λ.

The loss and the gradient come from the residual ``r = Xβ − y`` (``L = r·r/2n``,
``g = Xᵀr/n``): no cancellation as ``L → 0``.

Jump times
----------
As in :mod:`dlnsym.trajectory`: the k-th jump time is the first accelerated time at which the
loss reaches the mid level ``(L_{k−1} + L_k)/2`` between Algorithm 1's plateau losses
(:func:`~dlnsym.trajectory.mid_levels`), the loss being linearly interpolated between the
two iterates that bracket it (every iterate is checked, not only the recorded ones).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import mpmath
import numpy as np

from dlnsym.errors import DivergenceError, ParameterError
from dlnsym.network import network_lambda
from dlnsym.problems import Problem, resolve_problem
from dlnsym.simulate import (
    FLOAT_MAX_LOG_INV_ALPHA,
    _check_dps,
    _check_jump_levels,
    _parse_number,
    check_init_shape,
)
from dlnsym.trajectory import TrajectoryExport, default_jump_levels, mid_levels

__all__ = ["GDTrajectory", "MAX_LOSS_FACTOR", "gradient_descent", "step_size_bound"]

#: the iteration counts as diverging once the loss exceeds this multiple of ``L(0)``
MAX_LOSS_FACTOR = 1e6
#: ``progress`` is called every this many steps (and at the end)
PROGRESS_EVERY = 1000


@dataclass
class GDTrajectory(TrajectoryExport):
    """Iterates of gradient descent on the network, with the attributes of
    :class:`dlnsym.trajectory.Trajectory` that :func:`dlnsym.compare.compare` and the plots
    read, and its exports (:meth:`to_json`, :meth:`save_json`, :meth:`save_npz`, inherited
    from :class:`dlnsym.trajectory.TrajectoryExport`), which also write ``step_size``, ``k``,
    ``time``, ``u`` and ``v``.

    Attributes
    ----------
    problem : Problem
    log_inv_alpha : float or mpf
        Λ = ln(1/α) (float64 on the float path).
    dps : int or None
        Decimal digits (``None``: float64 in log-coordinates).
    step_size : float or mpf
        γ.
    init_shape : ndarray or None
        λ of ``u_i(0) = √2·α^{λ_i}`` (``None``: all ones).
    k : ndarray of int64, shape (m,)
        Iteration numbers of the recorded iterates.
    time : ndarray of float64, shape (m,)
        Their original times ``kγ``.
    t : ndarray of float64, shape (m,)
        Their accelerated times ``t̃ = kγ/Λ``.
    u, v, beta : ndarray, shape (m, d)
        The iterates and ``β = u⊙v``: float64 on the float path (``u, v`` and β underflow to
        0 below ~1e-308), object arrays of ``mpf`` on the mp path.
    s : ndarray, shape (m, d)
        ``arcsinh(β_i/α^{2λ_i})/(2Λ)``, the rescaled dual of the flow with the same β (theory
        §3), so that ``s`` means the same in every trajectory.
    loss : ndarray, shape (m,)
        ``L(β) = ‖Xβ − y‖²/2n``.
    jump_levels : list of float or None
        Plateau losses the jumps were detected against.
    jump_times : list of float
        Accelerated times at which the loss first reaches each mid level (module notes).
    t_end : float
        Accelerated time of the last iterate (``steps·γ/Λ``, or where Ctrl-C stopped it).
    steps : int
        Steps done.
    interrupted : bool
        Whether Ctrl-C stopped the run (the iterates then end at the last completed step).
    stats : dict
        ``seconds``, ``max_abs_gamma_g`` (the largest ``|γg_i|`` met: above 1, a sign of
        ``1 ∓ γg`` flipped).

    Examples
    --------
    >>> import dlnsym
    >>> tr = dlnsym.gradient_descent(dlnsym.example("A"), log_inv_alpha=4, step_size=0.1,
    ...                              steps=250, record_every=100)
    >>> tr.k.tolist(), tr.time.tolist(), tr.t.tolist()     # t̃ = kγ/Λ
    ([0, 100, 200, 250], [0.0, 10.0, 20.0, 25.0], [0.0, 2.5, 5.0, 6.25])
    >>> sorted(set(tr.to_json()) - {"problem", "log_inv_alpha", "dps", "t", "s", "beta",
    ...                             "loss", "jump_times", "jump_levels", "interrupted", "t_end"})
    ['k', 'step_size', 'time', 'u', 'v']
    """

    problem: Problem
    log_inv_alpha: Any
    dps: int | None
    step_size: Any
    init_shape: np.ndarray | None
    k: np.ndarray
    time: np.ndarray
    t: np.ndarray
    u: np.ndarray
    v: np.ndarray
    beta: np.ndarray
    s: np.ndarray
    loss: np.ndarray
    jump_levels: list[float] | None
    jump_times: list[float]
    t_end: float
    steps: int
    interrupted: bool = False
    stats: dict[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:
        lam = (f"{self.log_inv_alpha:g}" if self.dps is None
               else mpmath.nstr(self.log_inv_alpha, 8))
        path, jumps = self._repr_parts()
        return (f"GDTrajectory({self.problem.name or 'problem'}, Λ={lam}, "
                f"γ={float(self.step_size):g}, {path}, {self.steps} steps, "
                f"{len(self.t)} recorded on [0, {self.t_end:.6g}], jumps={jumps}"
                + (", interrupted" if self.interrupted else "") + ")")

    def _export_extras(self) -> dict[str, Any]:
        gamma = (float(self.step_size) if self.dps is None
                 else mpmath.nstr(self.step_size, self.dps))
        return {"step_size": gamma, "k": self.k, "time": self.time, "u": self.u, "v": self.v}


def step_size_bound(path: Any) -> float:
    """The largest step size for which every saddle of ``path`` attracts gradient descent
    along its support (module notes, "Stability")::

        γ_max = 1 / max_k λ_max(diag(abs(β_k))^{½} · H · diag(abs(β_k))^{½})

    (``inf`` when every saddle is 0, i.e. ``∇L(0) = 0``).

    Parameters
    ----------
    path : SaddlePath
        Algorithm 1 on the problem (:func:`dlnsym.saddle_path.saddle_path`, with the same
        ``init_shape`` as the run).

    Returns
    -------
    float

    Raises
    ------
    AttributeError
        ``path`` is not a :class:`~dlnsym.saddle_path.SaddlePath` (it has no ``saddles``).

    Examples
    --------
    >>> import dlnsym
    >>> round(step_size_bound(dlnsym.saddle_path(dlnsym.example("A"))), 4)
    0.6151
    """
    H = np.asarray(path.problem.gram()[0], dtype=float)
    top = 0.0
    for saddle in path.saddles:
        root = np.sqrt(np.abs(np.asarray(saddle, dtype=float)))
        top = max(top, float(np.linalg.eigvalsh(root[:, None] * H * root[None, :])[-1]))
    return math.inf if top == 0 else 1 / top


def _positive_int(value: Any, name: str, meaning: str) -> int:
    """``value`` as an int ≥ 1 (a bool or a float is refused)."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, int | np.integer) or value < 1:
        raise ParameterError(f"{name} must be a whole number ≥ 1 ({meaning}), got {value!r}")
    return int(value)


def _check_step_size(step_size: Any) -> mpmath.mpf:
    """γ as an mpf at the current precision: a positive finite number."""
    want = "a positive step size such as 0.1"
    gamma = _parse_number(step_size, "step_size", want)
    if not (mpmath.isfinite(gamma) and gamma > 0):
        raise ParameterError(f"step_size (γ) must be a positive finite number, got "
                             f"{step_size!r}; give {want}")
    return gamma


def _check_progress(progress: Any) -> Callable[[int], None] | None:
    """``progress`` as a callable of the step count (``True``: a tqdm bar on stderr)."""
    if progress is None or progress is False:
        return None
    if progress is True:
        return _Bar()
    if not callable(progress):
        raise ParameterError(f"progress must be True, False or a function of the number of "
                             f"steps done, got {progress!r}")
    return progress


class _Bar:
    """``progress=True``: a tqdm bar on stderr, silent when stderr is not a terminal."""

    def __init__(self) -> None:
        self.bar: Any = None

    def start(self, total: int) -> None:
        from dlnsym.progress import progress_bar

        self.bar = progress_bar(total, quiet=False, unit="step")

    def __call__(self, done: int) -> None:
        self.bar.update(done - self.bar.n)

    def close(self) -> None:
        self.bar.close()


def gradient_descent(
    X: Any,
    y: Any = None,
    *,
    alpha: Any = None,
    log_inv_alpha: Any = None,
    step_size: Any,
    steps: int,
    dps: int | None = None,
    record_every: int = 1,
    init_shape: Sequence[float] | None = None,
    jump_levels: Sequence[float] | None = None,
    progress: bool | Callable[[int], None] | None = None,
) -> GDTrajectory:
    """Run ``steps`` steps of gradient descent ``w ← w − γ∇F(w)`` on the network (module notes).

    Parameters
    ----------
    X : Problem or array-like of shape (n, d)
        A :class:`~dlnsym.problems.Problem`, or the design (then ``y`` is required).
    y : array-like of shape (n,), optional
    alpha, log_inv_alpha : mpf, number or str
        Exactly one: the initialisation scale ``α ∈ (0, 1)`` (e.g. ``"1e-1000"``) or
        ``Λ = ln(1/α) > 0`` (any size: α itself need not be representable).
    step_size : number, str or mpf
        γ > 0.  The saddles stay attracting for ``γ <`` :func:`step_size_bound`.
    steps : int
        Number of steps; the run ends at accelerated time ``steps·γ/Λ``.
    dps : int, optional
        ``None``: float64 in log-coordinates (fast; Λ ≤ 1e12).  ``D ≥ 15``: mpmath at D
        digits (any Λ).
    record_every : int
        Record every this many iterates (and always the first and the last); the jump times
        are detected on every iterate regardless.
    init_shape : sequence of d positive numbers, optional
        ``u_i(0) = √2·α^{λ_i}`` (default all ones), as in :func:`dlnsym.simulate.simulate`.
    jump_levels : sequence of float, optional
        Plateau losses for jump detection; default Algorithm 1's ``L(β_k)`` for ``init_shape``
        (none detected when the problem is degenerate).
    progress : bool or callable(int), optional
        ``True``: a tqdm bar on stderr (drawn only when stderr is a terminal); a callable is
        called with the number of steps done every :data:`PROGRESS_EVERY` steps.

    Returns
    -------
    GDTrajectory
        With ``interrupted = True`` and the iterates up to the last completed step after
        Ctrl-C.

    Raises
    ------
    ParameterError
        Both or neither of ``alpha``/``log_inv_alpha``, α ∉ (0, 1) or Λ ≤ 0, γ ≤ 0 or not
        finite, ``steps`` or ``record_every`` not a whole number ≥ 1, ``dps < 15``,
        Λ above :data:`~dlnsym.simulate.FLOAT_MAX_LOG_INV_ALPHA` = 1e12 without ``dps``
        (beyond the float64 path), ``init_shape`` not d positive numbers, ``progress``
        neither a bool nor callable.
    DivergenceError
        The loss exceeded ``MAX_LOSS_FACTOR × L(0)`` or stopped being finite: γ is too
        large (the message gives the step and :func:`step_size_bound`).
    ProblemError
        Malformed data.

    Examples
    --------
    >>> import dlnsym
    >>> A = dlnsym.example("A")
    >>> tr = gradient_descent(A, log_inv_alpha=20, step_size=0.05, steps=400)
    >>> [round(t, 3) for t in tr.jump_times]   # flow at Λ = 20: 0.738; γ adds ≈ γ/2
    [0.761]
    >>> round(float(tr.beta[-1, 0]), 4)       # on the first plateau: β₁ = 199/394
    0.5051

    At α = 1e-1000 two steps give ``β₀ = (α²/2)((1 + γc₀)⁴ − (1 − γc₀)⁴)``, ``c₀ = 199/150``:

    >>> import mpmath
    >>> mp = gradient_descent(A, alpha="1e-1000", step_size=0.5, steps=2, dps=20)
    >>> mpmath.nstr(mp.beta[-1, 0], 12)
    '3.82082948148e-2000'
    """
    problem = resolve_problem(X, y, caller="gradient_descent")
    shape = check_init_shape(init_shape, problem.d)
    dps = _check_dps(dps)
    steps = _positive_int(steps, "steps", "the number of gradient steps")
    record_every = _positive_int(record_every, "record_every",
                                 "record every this many iterates")
    report = _check_progress(progress)
    with mpmath.workdps(30 if dps is None else dps + 10):
        gamma = _check_step_size(step_size)
        lam = network_lambda(alpha, log_inv_alpha)[1]
    _check_float_range(lam, dps)
    jump_levels = (default_jump_levels(problem, shape) if jump_levels is None
                   else _check_jump_levels(jump_levels))
    lam_shape = np.ones(problem.d) if shape is None else shape
    if isinstance(report, _Bar):
        report.start(steps)
    runner = _FloatRun if dps is None else _MpRun
    try:
        run = runner(problem, lam, gamma, lam_shape, dps)
        start = time.perf_counter()
        # a diverging float run overflows e^E on its way to a DivergenceError: no warnings
        with np.errstate(over="ignore", invalid="ignore"):
            run.iterate(steps, record_every, mid_levels(jump_levels), report)
        seconds = time.perf_counter() - start
    finally:
        if isinstance(report, _Bar):
            report.close()
    if run.diverged is not None:
        raise _divergence(problem, shape, float(gamma), *run.diverged)
    return run.trajectory(problem, shape, jump_levels,
                          {"seconds": seconds, "max_abs_gamma_g": run.max_x})


def _check_float_range(lam: mpmath.mpf, dps: int | None) -> None:
    """Refuse Λ above :data:`~dlnsym.simulate.FLOAT_MAX_LOG_INV_ALPHA` on the float64 path
    (module notes, "Two arithmetic paths") before any step, as :func:`dlnsym.simulate.simulate`
    does: beyond ~9e307 ``2λΛ`` has no float64 value and every β turns NaN, which would pass
    for a divergence."""
    if dps is None and lam > FLOAT_MAX_LOG_INV_ALPHA:
        raise ParameterError(
            f"Λ = {mpmath.nstr(lam, 6)} is beyond the float64 path "
            f"(Λ ≤ {FLOAT_MAX_LOG_INV_ALPHA:g}); pass dps (e.g. dps=20)"
        )


def _divergence(problem: Problem, shape: np.ndarray | None, gamma: float, step: int,
                loss: float) -> DivergenceError:
    """The error for a loss that blew up at ``step``, with the stability bound if known."""
    from dlnsym.errors import DegenerateProblemError
    from dlnsym.saddle_path import saddle_path

    try:
        bound = step_size_bound(saddle_path(problem, init_shape=shape))
        hint = (f"the saddles of Algorithm 1 attract gradient descent only for γ < "
                f"{bound:.4g} (1/max_k λ_max(|β_k|^½ H |β_k|^½))")
    except DegenerateProblemError:
        bound, hint = math.nan, "the stability bound is unknown (degenerate problem)"
    return DivergenceError(
        f"gradient descent diverged at step {step}: the loss reached {loss:.6g} "
        f"(> {MAX_LOSS_FACTOR:g} × L(0) or not finite) with step size γ = {gamma:g}; "
        f"{hint}: use a smaller step_size",
        step=step, bound=bound,
    )


class _Run:
    """The shared loop: records, jump detection, divergence, progress and Ctrl-C.

    A subclass holds its state as one tuple (``self.state``, replaced in a single assignment
    per step, so that Ctrl-C never leaves it half updated) and provides :meth:`step`, which
    maps the state after ``k`` steps to that after ``k + 1`` and its loss, and
    :meth:`record`, which turns a state into ``(u, v, β, s, loss)``.
    """

    state: tuple[Any, ...]

    def __init__(self, problem: Problem, lam: mpmath.mpf, gamma: mpmath.mpf,
                 shape: np.ndarray, dps: int | None) -> None:
        self.problem, self.dps = problem, dps
        self.lam_exact, self.gamma_exact = lam, gamma
        self.n = problem.n
        self.records: list[tuple[int, Any]] = []
        self.jumps: list[float] = []
        self.diverged: tuple[int, float] | None = None
        self.interrupted = False
        self.done = 0
        self.max_x = 0.0

    def iterate(self, steps: int, every: int, mids: list[float],
                report: Callable[[int], None] | None) -> None:
        """``steps`` steps from the current state (recording, detecting, stopping)."""
        state, loss = self.state, float(self.loss0)
        bound = MAX_LOSS_FACTOR * max(loss, np.finfo(float).tiny)
        scale = float(self.gamma_exact / self.lam_exact)  # t̃ of one step
        self.records.append((0, state))
        level = 0
        while level < len(mids) and loss <= mids[level]:  # already below at t̃ = 0
            self.jumps.append(0.0)
            level += 1
        k = 0
        try:
            while k < steps:
                new_state, new_loss = self.step(state)
                value = float(new_loss)
                if not value <= bound:  # also NaN
                    self.diverged = (k + 1, value)
                    break
                while level < len(mids) and value <= mids[level]:
                    frac = (loss - mids[level]) / (loss - value) if loss > value else 1.0
                    self.jumps.append((k + frac) * scale)
                    level += 1
                state, loss, k = new_state, value, k + 1
                if k % every == 0 or k == steps:
                    self.records.append((k, state))
                if report is not None and (k % PROGRESS_EVERY == 0 or k == steps):
                    report(k)
        except KeyboardInterrupt:
            self.interrupted = True
            # a crossing found in the step that Ctrl-C cut short belongs to a later iterate
            self.jumps = [t for t in self.jumps if t <= k * scale]
            if self.records[-1][0] != k:
                self.records.append((k, state))
        self.done = k

    def trajectory(self, problem: Problem, shape: np.ndarray | None,
                   levels: list[float] | None, stats: dict[str, Any]) -> GDTrajectory:
        """The recorded iterates as a :class:`GDTrajectory`."""
        ks = np.array([k for k, _ in self.records], dtype=np.int64)
        rows = [self.record(state) for _, state in self.records]
        dtype = float if self.dps is None else object
        u, v, beta, s = (np.array([row[i] for row in rows], dtype=dtype).reshape(len(rows), -1)
                         for i in range(4))
        loss = np.array([row[4] for row in rows], dtype=dtype)
        gamma_f, lam_f = float(self.gamma_exact), float(self.lam_exact)
        with mpmath.workdps(self.dps or 30):
            lam = lam_f if self.dps is None else +self.lam_exact
            gamma = gamma_f if self.dps is None else +self.gamma_exact
        return GDTrajectory(
            problem=problem, log_inv_alpha=lam, dps=self.dps, step_size=gamma,
            init_shape=shape, k=ks, time=ks * gamma_f,
            t=np.array([float(k * self.gamma_exact / self.lam_exact) for k in ks]),
            u=u, v=v, beta=beta, s=s, loss=loss, jump_levels=levels,
            jump_times=list(self.jumps), t_end=float(self.done * self.gamma_exact
                                                     / self.lam_exact),
            steps=self.done, interrupted=self.interrupted, stats=stats,
        )

    loss0: Any

    def step(self, state: tuple[Any, ...]) -> tuple[tuple[Any, ...], Any]:
        raise NotImplementedError

    def record(self, state: tuple[Any, ...]) -> tuple[Any, Any, Any, Any, Any]:
        raise NotImplementedError


class _MpRun(_Run):
    """``p ← p⊙(1 − γg)``, ``q ← q⊙(1 + γg)`` in ``mpf`` at ``dps`` digits.

    State: ``(p, q, β, r)`` with the residual ``r = Xβ − y``; the loss is ``r·r/2n``.
    """

    def __init__(self, problem: Problem, lam: mpmath.mpf, gamma: mpmath.mpf,
                 shape: np.ndarray, dps: int | None) -> None:
        super().__init__(problem, lam, gamma, shape, dps)
        self.digits = int(dps)
        with self._precision():
            to_mpf = np.vectorize(_to_mpf, otypes=[object])
            self.X, self.y = to_mpf(problem.X), to_mpf(problem.y)
            self.XT_n = self.X.T / problem.n
            self.gamma = +gamma
            self.lam = +lam
            # α^{2λ_i} = e^{−2λ_iΛ}: the scale of s, and √2·α^{λ_i} = p(0) = q(0)
            self.scale2 = np.array([mpmath.exp(-2 * _to_mpf(li) * self.lam) for li in shape],
                                   dtype=object)
            p0 = np.array([mpmath.sqrt(2 * a2) for a2 in self.scale2], dtype=object)
            zero = np.array([mpmath.mpf(0)] * problem.d, dtype=object)
            r = -self.y
            self.state = (p0, p0.copy(), zero, r)
            self.loss0 = (r @ r) / (2 * self.n)

    def _precision(self) -> Any:
        return mpmath.workdps(self.digits)

    def step(self, state: tuple[Any, ...]) -> tuple[tuple[Any, ...], Any]:
        p, q, _, r = state
        with self._precision():
            # γg, g = Xᵀ(Xβ − y)/n (the array first: mpf * ndarray would try to convert it)
            x = (self.XT_n @ r) * self.gamma
            top = max(abs(xi) for xi in x)
            if top > self.max_x:
                self.max_x = float(top)
            p, q = p * (1 - x), q * (1 + x)            # p ← p(1 − γg), q ← q(1 + γg)
            beta = (p - q) * (p + q) / 4               # β = u⊙v = (p² − q²)/4
            r = self.X @ beta - self.y
            return (p, q, beta, r), (r @ r) / (2 * self.n)

    def record(self, state: tuple[Any, ...]) -> tuple[Any, Any, Any, Any, Any]:
        p, q, beta, r = state
        with self._precision():
            u, v = (p + q) / 2, (p - q) / 2
            # s = arcsinh(β/α^{2λ})/(2Λ)
            s = np.array([mpmath.asinh(b / a2) / (2 * self.lam)
                          for b, a2 in zip(beta, self.scale2, strict=True)], dtype=object)
            return u, v, beta, s, (r @ r) / (2 * self.n)


def _to_mpf(value: Any) -> mpmath.mpf:
    """A number of the data (float, int or Fraction) as an mpf, Fractions rounded once."""
    if hasattr(value, "numerator") and not isinstance(value, float | int):
        return mpmath.mpf(value.numerator) / value.denominator
    return mpmath.mpf(value)


def _two_sum(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``a + b = s + e`` exactly in float64 (Knuth's TwoSum)."""
    s = a + b
    bb = s - a
    return s, (a - (s - bb)) + (b - bb)


class _FloatRun(_Run):
    """``(S, D)`` in float64 double-word sums (module notes).

    State: ``(SD_hi, SD_lo, sign_p, sign_q, β, r)``: rows 0 and 1 of the (2, d) arrays are
    ``S`` and ``D`` (their sum is ``SD_hi + SD_lo``, kept apart by :func:`_two_sum`);
    ``sign_p``, ``sign_q`` are the signs of ``p = u + v`` and ``q = u − v`` (±1.0), flipped
    by a step with ``1 − γg < 0`` or ``1 + γg < 0``.
    """

    def __init__(self, problem: Problem, lam: mpmath.mpf, gamma: mpmath.mpf,
                 shape: np.ndarray, dps: int | None) -> None:
        super().__init__(problem, lam, gamma, shape, dps)
        self.X = np.asarray(problem.X, dtype=float)
        self.y = np.asarray(problem.y, dtype=float)
        self.XT_n = self.X.T / problem.n
        self.gamma = float(gamma)
        self.lam = float(lam)
        with mpmath.workdps(40):
            # 2λ_iΛ as a double word: α^{2λ_i} = e^{−2λ_iΛ} to ~1e-30 relative
            two_lam = [2 * mpmath.mpf(float(li)) * lam for li in shape]
            self.L_hi = np.array([float(v) for v in two_lam])
            self.L_lo = np.array([float(v - mpmath.mpf(h)) for v, h in
                                  zip(two_lam, self.L_hi, strict=True)])
        d = problem.d
        one = np.ones(d)
        r = -self.y
        self.state = (np.zeros((2, d)), np.zeros((2, d)), one, one, np.zeros(d), r)
        self.loss0 = float(r @ r) / (2 * self.n)

    def step(self, state: tuple[Any, ...]) -> tuple[tuple[Any, ...], Any]:
        SD_hi, SD_lo, sign_p, sign_q, _, r = state
        x = self.gamma * (self.XT_n @ r)                 # γg, g = Xᵀ(Xβ − y)/n
        top = float(np.abs(x).max())
        if top > self.max_x:
            self.max_x = top
        if top < 1:
            inc = np.empty_like(SD_hi)
            np.log1p(-x * x, out=inc[0])                 # dS = ln|1 − γg| + ln|1 + γg|
            np.arctanh(x, out=inc[1])
            inc[1] *= -2                                 # dD = ln|1 − γg| − ln|1 + γg|
        else:
            inc, sign_p, sign_q = _large_steps(x, sign_p, sign_q)
        SD_hi, err = _two_sum(SD_hi, inc)
        SD_lo = SD_lo + err
        beta = self._beta(SD_hi, SD_lo)
        r = self.X @ beta - self.y
        return (SD_hi, SD_lo, sign_p, sign_q, beta, r), float(r @ r) / (2 * self.n)

    def _exponent(self, SD_hi: np.ndarray, SD_lo: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(sign D, |D|, E = S + |D| − 2λΛ)``, the large terms cancelled first."""
        sign = np.sign(SD_hi[1])
        abs_hi = np.abs(SD_hi[1])
        lo = sign * SD_lo[1]
        E = (abs_hi - self.L_hi) + ((lo - self.L_lo) + (SD_hi[0] + SD_lo[0]))
        return sign, abs_hi + lo, E

    def _beta(self, SD_hi: np.ndarray, SD_lo: np.ndarray) -> np.ndarray:
        """``β = sign(D)·½·e^{E}·(1 − e^{−2|D|})``, ``E = S + |D| − 2λΛ``."""
        sign, abs_d, E = self._exponent(SD_hi, SD_lo)
        return sign * np.exp(E) * (-0.5 * np.expm1(-2 * abs_d))

    def record(self, state: tuple[Any, ...]) -> tuple[Any, Any, Any, Any, Any]:
        SD_hi, SD_lo, sign_p, sign_q, beta, r = state
        sign, abs_d, E = self._exponent(SD_hi, SD_lo)
        # e^{P} ± e^{Q} = e^{S/2}·(e^{D/2} ± e^{−D/2}) scaled by α^λ/√2:
        # "cosh" part e^{E/2}(1 + e^{−|D|})/√2, "sinh" part sign(D)·e^{E/2}(1 − e^{−|D|})/√2
        half = np.exp(E / 2) / math.sqrt(2)
        cosh_part = half * (1 + np.exp(-abs_d))
        sinh_part = sign * half * -np.expm1(-abs_d)
        same = sign_p == sign_q  # u = (p + q)/2, v = (p − q)/2 with p = σ_p|p|, q = σ_q|q|
        u = np.where(same, sign_p * cosh_part, sign_p * sinh_part)
        v = np.where(same, sign_p * sinh_part, sign_p * cosh_part)
        return u, v, beta, self._s(sign, abs_d, E), float(r @ r) / (2 * self.n)

    def _s(self, sign: np.ndarray, abs_d: np.ndarray, E: np.ndarray) -> np.ndarray:
        """``s = arcsinh(β/α^{2λ})/(2Λ)`` with ``|β|/α^{2λ} = e^{S}·sinh|D| = e^{ℓ}``,
        ``ℓ = E + 2λΛ − ln 2 + ln(1 − e^{−2|D|})``, without overflow:
        ``arcsinh(e^ℓ) = ℓ + ln(1 + √(1 + e^{−2ℓ}))`` for ℓ > 0."""
        with np.errstate(divide="ignore"):
            ell = ((E + self.L_hi) + self.L_lo) - math.log(2) + np.log(-np.expm1(-2 * abs_d))
        big = ell > 0
        out = np.where(big, ell + np.log1p(np.sqrt(1 + np.exp(-2 * np.where(big, ell, 0)))),
                       np.arcsinh(np.exp(np.minimum(ell, 0))))
        return sign * out / (2 * self.lam)


def _large_steps(x: np.ndarray, sign_p: np.ndarray, sign_q: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``([dS, dD], sign_p, sign_q)`` when some ``|γg_i| ≥ 1``: ``ln|1 ∓ x|`` by cases, and the
    sign of ``p`` (``q``) flips where ``1 − x < 0`` (``1 + x < 0``).  ``x = ±1`` makes ``p``
    or ``q`` exactly 0: ``dS = −inf``, and the loss turns NaN (a DivergenceError)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        small = np.abs(x) < 1
        safe = np.where(small, x, 0.0)
        ax = np.abs(x)
        # |x| > 1: ln|1 − x| − ln|1 + x| = −sign(x)·ln((|x| + 1)/(|x| − 1))
        dD = np.where(small, -2 * np.arctanh(safe), -np.sign(x) * np.log1p(2 / (ax - 1)))
        dS = np.where(small, np.log1p(-safe * safe), np.log(ax - 1) + np.log1p(ax))
    return (np.stack([dS, dD]), np.where(x > 1, -sign_p, sign_p),
            np.where(x < -1, -sign_q, sign_q))
