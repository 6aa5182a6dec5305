"""How close a simulated trajectory is to the α → 0 limit of Algorithm 1 (the theory page §3–§4).

The limit is ``β°(t̃) = β_k`` on ``(t_k, t_{k+1})``.  The paper proves ``β̃_α(t̃) → β°(t̃)``
uniformly on compact sets that avoid the jump times; numerically the jump times move like
``t_k + c_k/Λ`` and mid-plateau errors vanish exponentially in ``Λ`` (the theory page §4,
"Convergence").  This module measures both:

* **Plateau error** of plateau k: ``sup ‖β(t̃) − β_k‖_∞`` over the samples ``t̃`` of the
  trajectory in ``(t_k + w_k, t_{k+1} − w_{k+1})``, the plateau minus a window around each jump.
  The window half-width is a fixed fraction of the shorter neighbouring plateau,
  ``w_k = window · min(t_k − t_{k−1}, t_{k+1} − t_k)`` (``window = ¼`` by default; the last jump
  uses ``t_K − t_{K−1}`` alone).  A fixed fraction keeps the compared set a fixed compact set
  avoiding the jumps, which is exactly the set of the convergence theorem, so the plateau error
  must go to 0 (exponentially fast in Λ) as Λ grows.  No window at ``t̃ = 0``: ``β(0) = β₀ = 0``.
* **Jump-time errors** ``t̂_k − t_k``, with ``t̂_k`` from ``trajectory.jump_times``.
* :func:`convergence_study` repeats that over several Λ and fits, by least squares,
  ``ln|t̂_k − t_k| = a + p·ln Λ`` (expected ``p = −1``) and ``ln(plateau error) = b + r·Λ``.

The package attribute ``dlnsym.compare`` is the function :func:`compare`; the rest of this
module is reached with ``from dlnsym.compare import convergence_study`` (and so on).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import mpmath
import numpy as np

from dlnsym.errors import ParameterError
from dlnsym.problems import Problem
from dlnsym.saddle_path import SaddlePath, saddle_path
from dlnsym.trajectory import Trajectory, is_real

__all__ = [
    "PathComparison",
    "ConvergenceStudy",
    "compare",
    "convergence_study",
    "fit_power_law",
    "plot_convergence",
]

@dataclass(frozen=True)
class PathComparison:
    """A trajectory measured against the limit path.

    Attributes
    ----------
    log_inv_alpha : float
        ``Λ`` of the trajectory.
    window : float
        Window fraction used (see the module notes).
    windows : ndarray, shape (K,)
        Half-width ``w_k`` of the excluded window around each jump ``t_k``, k = 1…K.
    plateau_errors : ndarray, shape (K+1,)
        ``sup ‖β(t̃) − β_k‖_∞`` over the samples on plateau k outside the windows; NaN when no
        sample falls there (the trajectory is too coarse or ends too early).
    path_jump_times : ndarray, shape (K,)
        ``t₁ … t_K`` of Algorithm 1.
    jump_times : ndarray, shape (K,)
        The trajectory's jump times matched to them (NaN where none was found).
    resolution : float
        Relative resolution of the trajectory's numbers (float64 ε, or ``10^−dps``): plateau
        errors below ``100 × resolution`` are round-off and left out of rate fits.

    Examples
    --------
    With ``X = I`` and ``y = (2, 1)`` the coordinates decouple: ``L = ‖y − β‖²/4`` and
    ``−∇L(0) = (1, ½)``, so the jumps come at ``t₁ = 1`` and ``t₂ = 2``:

    >>> from dlnsym import as_problem, saddle_path, simulate
    >>> P = as_problem([[1, 0], [0, 1]], [2, 1])
    >>> cmp_ = compare(saddle_path(P), simulate(P, log_inv_alpha=300))
    >>> cmp_.path_jump_times.tolist(), cmp_.windows.tolist()
    ([1.0, 2.0], [0.25, 0.25])
    >>> cmp_                                                   # doctest: +ELLIPSIS
    PathComparison(Λ=300, 2 jumps, max plateau error ..., max |jump-time error| 8.4...e-04, ...)
    >>> [round(float(300 * e), 3) for e in cmp_.jump_time_errors]    # Λ·(t̂_k − t_k)
    [0.252, -0.188]
    >>> bool(cmp_.plateau_error < 1e-13)
    True
    """

    log_inv_alpha: float
    window: float
    windows: np.ndarray
    plateau_errors: np.ndarray
    path_jump_times: np.ndarray
    jump_times: np.ndarray
    resolution: float = float(np.finfo(float).eps)

    @property
    def plateau_error(self) -> float:
        """The largest plateau error (``sup`` over every plateau, NaN-free; NaN if none)."""
        finite = self.plateau_errors[~np.isnan(self.plateau_errors)]
        return float(finite.max()) if finite.size else math.nan

    @property
    def jump_time_errors(self) -> np.ndarray:
        """Signed errors ``t̂_k − t_k``."""
        return self.jump_times - self.path_jump_times

    @property
    def max_jump_time_error(self) -> float:
        """``max_k |t̂_k − t_k|`` (NaN if a jump was not found)."""
        return float(np.max(np.abs(self.jump_time_errors))) if self.jump_times.size else 0.0

    def __repr__(self) -> str:
        """One line: Λ, the number of jumps and the largest errors (the arrays are in the
        attributes and :meth:`summary`)."""
        return (f"PathComparison(Λ={self.log_inv_alpha:g}, {self.path_jump_times.size} jumps, "
                f"max plateau error {self.plateau_error:.3e}, max |jump-time error| "
                f"{self.max_jump_time_error:.3e}, window {self.window:g})")

    def summary(self) -> str:
        """Readable table: one line per jump and per plateau."""
        lines = [
            f"Λ = {self.log_inv_alpha:g}: max plateau error {self.plateau_error:.3e}, "
            f"max |jump-time error| {self.max_jump_time_error:.3e} "
            f"(windows: {self.window:g} × shorter neighbouring plateau)"
        ]
        lines.append("  k   t_k          t̂_k          t̂_k − t_k    Λ·(t̂_k − t_k)   plateau error")
        lines.append(f"  0   {'':12} {'':12} {'':12} {'':15} {self.plateau_errors[0]:.3e}")
        for k, (tk, tj) in enumerate(zip(self.path_jump_times, self.jump_times, strict=True), 1):
            err, scaled = tj - tk, self.log_inv_alpha * (tj - tk)
            lines.append(
                f"  {k:<3d} {tk:<12.6g} {tj:<12.6g} {err:<+12.3e} {scaled:<+15.4g} "
                f"{self.plateau_errors[k]:.3e}"
            )
        return "\n".join(lines)


def compare(
    path: SaddlePath, trajectory: Trajectory, *, window: float = 0.25, grid: int = 9
) -> PathComparison:
    """Measure ``trajectory`` against the limit ``path`` (see the module notes).

    Parameters
    ----------
    path : SaddlePath
        Output of :func:`dlnsym.saddle_path.saddle_path` on the same problem.
    trajectory : Trajectory
        A simulation (mirror flow or network); uses ``t``, ``beta``, ``jump_times`` and
        ``log_inv_alpha``.
    window : float
        Fraction in (0, ½) of the shorter neighbouring plateau excluded on each side of a jump.
    grid : int
        If the trajectory can be evaluated densely (it has ``at(times)``, like
        :class:`~dlnsym.trajectory.Trajectory`), it is also evaluated at ``grid`` equally spaced
        times spanning each compared interval, ends included: a stiff integrator may step over
        a whole plateau, leaving no sample on it.  0: the samples only.

    Returns
    -------
    PathComparison

    Raises
    ------
    ParameterError
        ``path`` not a SaddlePath or ``trajectory`` not a trajectory (also: the two swapped),
        ``window`` not a fraction in (0, ½), ``grid`` not a whole number ≥ 0, the trajectory's
        β has the wrong number of coordinates, or it has no samples and cannot be evaluated
        densely (``grid = 0``, or no ``at``).

    Notes
    -----
    The trajectory's jump times are matched to the path's in order when there are as many of
    them; otherwise each ``t_k`` takes the nearest trajectory jump time that lies in
    ``(t_k − w_k, t_k + w_k)``, NaN if there is none.  Errors are computed in the trajectory's
    own arithmetic (mpf for an mpmath trajectory, so errors far below 1e-16 are resolved) and
    reported as floats.

    Examples
    --------
    >>> import dlnsym
    >>> A = dlnsym.example("A")
    >>> cmp_ = compare(dlnsym.saddle_path(A), dlnsym.simulate(A, log_inv_alpha=1000))
    >>> [round(float(1000 * e), 1) for e in cmp_.jump_time_errors]   # Λ·(t̂_k − t_k) ≈ c_k
    [-0.3, -0.8, -0.1, 0.8, -9.6]
    >>> bool(cmp_.plateau_error < 1e-7)      # β − β_k mid-plateau: exponentially small in Λ
    True
    """
    _check_pair(path, trajectory)
    window = _check_window(window)
    grid = _check_grid(grid)
    times = np.array([float(t) for t in path.times])
    jumps = times[1:]
    t = np.asarray(trajectory.t, dtype=float)
    beta = np.asarray(trajectory.beta)
    if beta.ndim != 2 or beta.shape[1] != path.problem.d:
        raise ParameterError(
            f"trajectory.beta has shape {beta.shape}; the path's problem has d = "
            f"{path.problem.d} coordinates: compare a trajectory of the same problem"
        )
    dense = bool(grid) and hasattr(trajectory, "at") and hasattr(trajectory, "t_end")
    if t.size == 0 and not dense:
        raise ParameterError(
            "the trajectory has no samples (simulated with at=[]?), so there is nothing to "
            "compare; simulate with at=None (every step) or with sample times, or compare a "
            "Trajectory with grid > 0, which evaluates it densely"
        )
    lengths = np.diff(times)
    windows = window * np.minimum(lengths, np.append(lengths[1:], np.inf))
    starts = np.concatenate([[0.0], jumps + windows])
    ends = np.append(jumps - windows, np.inf)
    t_end = float(trajectory.t_end) if hasattr(trajectory, "t_end") else float(t.max())
    plateau = np.full(len(times), math.nan)
    for k, (a, b) in enumerate(zip(starts, ends, strict=True)):
        inside = (t >= a) & (t <= b) if k == 0 else (t > a) & (t < b)
        rows = [beta[inside]] if inside.any() else []
        if grid and hasattr(trajectory, "at") and a < min(b, t_end):
            rows.append(np.asarray(trajectory.at(np.linspace(a, min(b, t_end), grid)).beta))
        if rows:
            plateau[k] = _sup_error(np.concatenate(rows), path.saddles[k])
    dps = getattr(trajectory, "dps", None)
    return PathComparison(
        log_inv_alpha=float(trajectory.log_inv_alpha),
        window=float(window),
        windows=windows,
        plateau_errors=plateau,
        path_jump_times=jumps,
        jump_times=_match(jumps, windows, np.asarray(trajectory.jump_times, dtype=float)),
        resolution=float(np.finfo(float).eps) if beta.dtype != object or not dps
        else 10.0 ** -dps,
    )


#: what :func:`compare` reads of a trajectory (``at``, ``t_end`` and ``dps`` if present)
TRAJECTORY_ATTRIBUTES = ("t", "beta", "jump_times", "log_inv_alpha")


def _check_pair(path: Any, trajectory: Any) -> None:
    """``path`` a SaddlePath, ``trajectory`` anything with :data:`TRAJECTORY_ATTRIBUTES`
    (a :class:`Trajectory`, a network trajectory, or a duck-typed stand-in)."""
    if isinstance(trajectory, SaddlePath) and not isinstance(path, SaddlePath):
        raise ParameterError(
            f"compare(path, trajectory) got a {type(path).__name__} as path and a SaddlePath "
            "as trajectory: the arguments are swapped; call compare(path, trajectory)"
        )
    if not isinstance(path, SaddlePath):
        raise ParameterError(
            f"path must be a SaddlePath (from dlnsym.saddle_path(problem)), got "
            f"{type(path).__name__}"
        )
    missing = [name for name in TRAJECTORY_ATTRIBUTES if not hasattr(trajectory, name)]
    if missing:
        raise ParameterError(
            f"trajectory must be a Trajectory (from dlnsym.simulate or "
            f"dlnsym.simulate_network), got {type(trajectory).__name__}, which has no "
            f"{', '.join(missing)}"
        )


def _check_window(window: Any) -> float:
    """The window fraction: ``w_k`` is ``window`` times the shorter neighbouring plateau, so
    ``window < ½`` keeps the windows of two consecutive jumps from overlapping."""
    if not is_real(window) or not 0 < window < 0.5:
        raise ParameterError(f"window must be a fraction in (0, 0.5), got {window!r}")
    return float(window)


def _check_grid(grid: Any) -> int:
    """The number of dense-evaluation points per compared interval (0: samples only)."""
    if not isinstance(grid, int | np.integer) or isinstance(grid, bool) or grid < 0:
        raise ParameterError(
            f"grid must be a whole number ≥ 0 of points per interval (0: samples only), "
            f"got {grid!r}"
        )
    return int(grid)


def _sup_error(beta: np.ndarray, saddle: np.ndarray) -> float:
    """``max ‖β(t̃) − β_k‖_∞`` over the rows of ``beta`` (mpf rows compared in mpf)."""
    if beta.dtype == object:
        exact = [mpmath.mpf(v.numerator) / v.denominator if isinstance(v, Fraction)
                 else mpmath.mpf(v) for v in saddle]
        return float(max(abs(b - s) for row in beta for b, s in zip(row, exact, strict=True)))
    return float(np.max(np.abs(beta - saddle.astype(float))))


def _match(jumps: np.ndarray, windows: np.ndarray, found: np.ndarray) -> np.ndarray:
    """The trajectory jump time matched to each path jump time (see :func:`compare`)."""
    if found.size == jumps.size:
        return found.copy()
    out = np.full(jumps.size, math.nan)
    for k, (tk, wk) in enumerate(zip(jumps, windows, strict=True)):
        near = found[np.abs(found - tk) < wk]
        if near.size:
            out[k] = near[np.argmin(np.abs(near - tk))]
    return out


# -------------------------------------------------------------------------- convergence


def fit_power_law(x: Sequence[float], err: Sequence[float]) -> float:
    """Least-squares slope ``p`` of ``ln|err| = a + p·ln x`` (NaN with fewer than 2 usable points).

    Zero and NaN errors are left out (ln 0 is undefined).

    Parameters
    ----------
    x : sequence of float
        Positive abscissae (values of Λ).
    err : sequence of float
        The errors at those abscissae.

    Returns
    -------
    float
        The slope ``p``; NaN when fewer than two points are usable or all share one ``x``.

    Raises
    ------
    IndexError
        If ``x`` and ``err`` have different lengths (with at least two usable errors).

    Examples
    --------
    >>> round(fit_power_law([10, 100, 1000], [0.3, 0.03, 0.003]), 12)
    -1.0
    """
    return _fit(np.log(np.asarray(x, dtype=float)), np.asarray(err, dtype=float))


def _fit(x: np.ndarray, err: np.ndarray) -> float:
    """Least-squares slope of ``ln|err|`` against ``x`` over the usable points."""
    keep = np.isfinite(err) & (err != 0)
    if np.count_nonzero(keep) < 2 or np.ptp(x[keep]) == 0:
        return math.nan
    return float(np.polyfit(x[keep], np.log(np.abs(err[keep])), 1)[0])


@dataclass(frozen=True)
class ConvergenceStudy:
    """Comparisons at several Λ and the fitted rates.

    Attributes
    ----------
    name : str
        Problem name.
    path : SaddlePath
    lambdas : ndarray
        The Λ values, increasing.
    comparisons : list of PathComparison
        One per Λ.

    Examples
    --------
    The two-jump problem of :class:`PathComparison` (jumps at ``t̃ = 1`` and 2): the
    jump-time errors fall tenfold from Λ = 30 to Λ = 300, ``Λ·(t̂_k − t_k)`` stays put:

    >>> from dlnsym import as_problem
    >>> study = convergence_study(as_problem([[1, 0], [0, 1]], [2, 1]), [30, 300])
    >>> study.lambdas.tolist(), study.path.n_jumps
    ([30.0, 300.0], 2)
    >>> (study.lambdas[:, None] * study.jump_time_errors).round(3).tolist()
    [[0.252, -0.188], [0.252, -0.188]]
    >>> study.jump_slopes.round(3).tolist(), study.first_order()
    ([-1.0, -1.0], True)
    """

    name: str
    path: SaddlePath
    lambdas: np.ndarray
    comparisons: list[PathComparison]

    @property
    def jump_time_errors(self) -> np.ndarray:
        """``(len(lambdas), K)`` array of signed errors ``t̂_k − t_k``."""
        return np.array([c.jump_time_errors for c in self.comparisons])

    @property
    def plateau_errors(self) -> np.ndarray:
        """Largest plateau error at each Λ."""
        return np.array([c.plateau_error for c in self.comparisons])

    @property
    def jump_slopes(self) -> np.ndarray:
        """Per jump k, the slope ``p_k`` of ``ln|t̂_k − t_k|`` against ``ln Λ`` (expect −1)."""
        errs = self.jump_time_errors
        return np.array([fit_power_law(self.lambdas, errs[:, k]) for k in range(errs.shape[1])])

    @property
    def jump_slope(self) -> float:
        """Slope of ``ln max_k |t̂_k − t_k|`` against ``ln Λ`` (expect −1)."""
        return fit_power_law(self.lambdas, np.max(np.abs(self.jump_time_errors), axis=1))

    @property
    def plateau_rate(self) -> float:
        """Slope ``r`` of ``ln(plateau error)`` against Λ: the error behaves like ``e^{r·Λ}``.

        Errors at round-off level (below ``100 × resolution``) are left out."""
        errors = self.plateau_errors.copy()
        floor = np.array([100 * c.resolution for c in self.comparisons])
        errors[errors <= floor] = math.nan
        return _fit(self.lambdas.astype(float), errors)

    def first_order(self, tol: float = 0.15) -> bool:
        """Whether the jump times converge at rate 1/Λ: ``|jump_slope + 1| ≤ tol``."""
        return bool(abs(self.jump_slope + 1) <= tol)

    def __repr__(self) -> str:
        """One line: the problem, the range of Λ and the fitted rates."""
        lams = self.lambdas
        return (f"ConvergenceStudy({self.name!r}, {self.path.n_jumps} jumps, Λ from "
                f"{lams[0]:g} to {lams[-1]:g} ({lams.size} values), jump slope "
                f"{self.jump_slope:+.3f}, plateau rate {self.plateau_rate:+.4g})")

    def summary(self) -> str:
        """Readable table of errors per Λ and the fitted rates."""
        lines = [f"Convergence to the saddle path of {self.name} ({self.path.n_jumps} jumps)"]
        lines.append("  Λ           max|t̂_k − t_k|   Λ·max|t̂_k − t_k|   plateau error")
        for lam, cmp_ in zip(self.lambdas, self.comparisons, strict=True):
            e = cmp_.max_jump_time_error
            lines.append(f"  {lam:<11.4g} {e:<16.3e} {lam * e:<18.4g} {cmp_.plateau_error:.3e}")
        per_jump = ", ".join(f"{p:+.3f}" for p in self.jump_slopes)
        lines.append(f"  jump-time error ~ Λ^p: p = {self.jump_slope:+.3f} (per jump: {per_jump}); "
                     f"expected −1: {'yes' if self.first_order() else 'NO'}")
        lines.append(f"  plateau error ~ e^(r·Λ): r = {self.plateau_rate:+.4g}")
        return "\n".join(lines)


def convergence_study(
    problem: Problem,
    lambdas: Sequence[float],
    *,
    t_max: float | None = None,
    dps: int | None = None,
    window: float = 0.25,
    simulator: Callable[[Problem, float, float], Trajectory] | None = None,
) -> ConvergenceStudy:
    """Simulate at each Λ in ``lambdas`` and compare with Algorithm 1.

    Parameters
    ----------
    problem : Problem
    lambdas : sequence of float
        At least two distinct ``Λ = ln(1/α) > 0``.
    t_max : float, optional
        End of each simulation in accelerated time; default ``1.2·t_K`` (past the last jump).
    dps : int, optional
        Passed to :func:`dlnsym.simulate.simulate` (None: float64 path).
    window : float
        See :func:`compare`.
    simulator : callable, optional
        ``simulator(problem, Λ, t_max) -> Trajectory``; default
        ``simulate(problem, log_inv_alpha=Λ, t_max=t_max, dps=dps)``.

    Returns
    -------
    ConvergenceStudy
        One :class:`PathComparison` per Λ (sorted, duplicates merged) and the fitted rates.

    Raises
    ------
    ParameterError
        If ``lambdas`` holds fewer than two distinct positive finite values, or as
        :func:`compare` and :func:`~dlnsym.simulate.simulate`.

    Examples
    --------
    Jump-time errors fall like 1/Λ; shown on a two-jump problem (``X = I``, ``y = (2, 1)``:
    jumps at ``t̃ = 1`` and 2), which runs in a fraction of the time of example A (which
    gives the same slope, −1.00):

    >>> from dlnsym import as_problem
    >>> study = convergence_study(as_problem([[1, 0], [0, 1]], [2, 1]), [30, 300])
    >>> round(study.jump_slope, 3), study.first_order()
    (-1.0, True)
    """
    lams = np.asarray(lambdas, dtype=float)
    if lams.ndim != 1 or lams.size < 2 or not np.all(np.isfinite(lams) & (lams > 0)):
        raise ParameterError(f"lambdas must be ≥ 2 positive finite values of Λ, got {lambdas!r}")
    lams = np.unique(lams)
    if lams.size < 2:
        raise ParameterError("lambdas must contain at least two distinct values to fit a rate")
    path = saddle_path(problem)
    from dlnsym.simulate import T_MAX_FACTOR, simulate

    if t_max is None:
        t_max = T_MAX_FACTOR * float(path.times[-1]) if path.n_jumps else 1.0
    if simulator is None:

        def simulator(p: Problem, lam: float, t_end: float) -> Trajectory:
            return simulate(p, log_inv_alpha=lam, t_max=t_end, dps=dps)

    comparisons = [compare(path, simulator(problem, lam, t_max), window=window) for lam in lams]
    return ConvergenceStudy(problem.name or "problem", path, lams, comparisons)


def plot_convergence(study: ConvergenceStudy, path: str | Path) -> Path:
    """Log-log plots against Λ of ``|t̂_k − t_k|`` (with a 1/Λ guide) and of the plateau error.

    Both panels put Λ on a logarithmic axis (the studies span decades of Λ) and the errors on
    a logarithmic axis too: jump-time errors fall like ``1/Λ`` (a line of slope −1) and
    plateau errors like ``e^{r·Λ}``, over many decades.  Errors that are exactly 0 or NaN
    cannot be drawn on a log axis and are left out; if no plateau error is positive, that
    panel keeps a linear error axis and says so.  Labels are matplotlib mathtext.

    The format follows the extension (``.png``, ``.pdf`` or ``.svg``); the file is written
    atomically (:func:`dlnsym.plotting.save_figure`).  For the house palette use
    :func:`dlnsym.plotting.plot_convergence`.

    Parameters
    ----------
    study : ConvergenceStudy
        The study to draw (:func:`convergence_study`).
    path : str or Path
        The file to write.

    Returns
    -------
    Path
        The path written.

    Raises
    ------
    ParameterError
        If the extension is not ``.png``, ``.pdf`` or ``.svg``, or the file cannot be
        written.

    Examples
    --------
    Drawing takes a second or two (Matplotlib), so the doctest does not run it:

    >>> import tempfile
    >>> from dlnsym import as_problem
    >>> study = convergence_study(as_problem([[1, 0], [0, 1]], [2, 1]), [30, 300])
    >>> plot_convergence(study, Path(tempfile.mkdtemp()) / "convergence.png").name  # doctest: +SKIP
    'convergence.png'
    """
    from matplotlib.figure import Figure

    from dlnsym.plotting import figure_format, save_figure

    figure_format(path)  # refuse a bad extension before drawing
    lams = study.lambdas
    fig = Figure(figsize=(10, 4), layout="constrained")
    ax_jump, ax_plat = fig.subplots(1, 2)
    lam_label = r"$\Lambda = \ln(1/\alpha)$"
    errs = np.abs(study.jump_time_errors)
    for k, slope in enumerate(study.jump_slopes):
        ax_jump.plot(lams, errs[:, k], "o-", label=rf"$k = {k + 1}$ (slope ${slope:+.2f}$)")
    # 1/Λ guide through the largest error at the smallest Λ (expected: t̂_k − t_k ≈ c_k/Λ)
    first = errs[0][np.isfinite(errs[0]) & (errs[0] > 0)] if errs.size else errs
    ref = first.max() if first.size else 1.0
    ax_jump.plot(lams, ref * lams[0] / lams, "k--", label=r"$\propto 1/\Lambda$")
    ax_jump.set(xscale="log", yscale="log", xlabel=lam_label, ylabel=r"$|\hat t_k - t_k|$",
                title=rf"jump times: $\max\ |\hat t_k - t_k| \propto \Lambda^{{p}}$, "
                      rf"$p = {study.jump_slope:+.3f}$")
    ax_jump.legend(fontsize="small")
    plateau = study.plateau_errors
    ax_plat.plot(lams, plateau, "s-")
    if np.any(np.isfinite(plateau) & (plateau > 0)):
        ax_plat.set_yscale("log")
    else:
        ax_plat.text(0.5, 0.5, "no positive plateau error (all 0 or NaN)",
                     transform=ax_plat.transAxes, ha="center", va="center")
    ax_plat.set(xscale="log", xlabel=lam_label,
                ylabel=r"largest plateau error $\|\beta(\tilde t) - \beta_k\|_\infty$",
                title=rf"plateaus: error $\propto e^{{r\Lambda}}$, "
                      rf"$r = {study.plateau_rate:.3g}$")
    fig.suptitle(f"Convergence to the saddle path: {study.name}")
    return save_figure(fig, path)
