"""Figures (matplotlib): saddle paths, trajectories, active sets, convergence.

All figures use the Okabe–Ito colour-blind-safe palette and the theory page's notation: accelerated
time ``t̃ = t/Λ`` with ``Λ = ln(1/α)``, saddles ``β_k``, jump times ``t_k``, loss ``L``.
Figures are built on :class:`matplotlib.figure.Figure` directly (no pyplot state), so they work
with any backend, headless included; in a notebook, display one by ending a cell with it.
Files are written atomically and the format follows the extension (PNG, PDF, SVG).

Functions
---------
plot_figure1
    The three panels of the paper's Figure 1 for simulated trajectories and the saddle path.
simulate_figure1
    Algorithm 1, the simulations and :func:`plot_figure1` in one call (``dlnsym figure``).
plot_saddle_path
    The limit alone: loss staircase and saddle coordinates.
plot_active_sets
    The signed active sets of the saddles over time (the saddle-path diagram).
plot_phase_diagram
    Recovery probability and saddle counts of a sweep over (n/d, k/n) (:func:`dlnsym.sweep`).
plot_convergence
    :func:`dlnsym.compare.plot_convergence` (log-log error against Λ) in the house palette.
save_figure
    Atomic PNG/PDF/SVG output.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import matplotlib as mpl
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from dlnsym.errors import ParameterError
from dlnsym.io import atomic_write
from dlnsym.saddle_path import SaddlePath

if TYPE_CHECKING:
    from dlnsym.compare import ConvergenceStudy
    from dlnsym.problems import Problem
    from dlnsym.trajectory import Trajectory

__all__ = [
    "PALETTE",
    "coordinate_color",
    "figure_format",
    "okabe_ito",
    "plot_active_sets",
    "plot_convergence",
    "plot_figure1",
    "plot_phase_diagram",
    "plot_saddle_path",
    "relevant_coordinates",
    "save_figure",
    "simulate_figure1",
]

#: Okabe & Ito (2008) colour-blind-safe palette.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442",
           "#000000")

_FORMATS = {".png": "png", ".pdf": "pdf", ".svg": "svg"}
_T_LABEL = r"accelerated time $\tilde t = t/\Lambda$"
_POSITIVE, _NEGATIVE = PALETTE[0], PALETTE[3]


def coordinate_color(rank: int) -> str:
    """Colour of the ``rank``-th coordinate drawn in a figure.

    Cycles through the seven colours of :data:`PALETTE` other than black, which the figures
    keep for losses: ``PALETTE[rank mod 7]``.  Figures number the coordinates they show in
    order (not by index), so that coordinates such as 1 and 9 never share a colour.

    Parameters
    ----------
    rank : int
        Position of the coordinate among those drawn (0 for the first).

    Returns
    -------
    str
        A hex colour of :data:`PALETTE`.

    Raises
    ------
    TypeError
        If ``rank`` is not an integer.

    Examples
    --------
    >>> coordinate_color(0), coordinate_color(1)
    ('#0072B2', '#E69F00')
    >>> coordinate_color(7) == coordinate_color(0)       # black is skipped
    True
    """
    return PALETTE[rank % (len(PALETTE) - 1)]


@contextlib.contextmanager
def okabe_ito() -> Iterator[None]:
    """Context in which new axes cycle through :data:`PALETTE` (for figures drawn elsewhere).

    Sets Matplotlib's ``axes.prop_cycle`` inside the ``with`` block and restores it after.

    Yields
    ------
    None

    Raises
    ------
    Nothing
        Exceptions of the body propagate, after the settings are restored.

    Examples
    --------
    >>> import matplotlib as mpl
    >>> with okabe_ito():
    ...     mpl.rcParams["axes.prop_cycle"].by_key()["color"][:3]
    ['#0072B2', '#E69F00', '#009E73']
    """
    with mpl.rc_context({"axes.prop_cycle": mpl.cycler(color=PALETTE)}):
        yield


def figure_format(path: str | os.PathLike[str]) -> str:
    """The matplotlib format for ``path`` ("png", "pdf" or "svg").

    The extension decides, in any case (``.PDF`` is PDF).

    Parameters
    ----------
    path : path-like
        The file a figure is to be written to.

    Returns
    -------
    str
        ``"png"``, ``"pdf"`` or ``"svg"``.

    Raises
    ------
    ParameterError
        Any other extension; the message lists the accepted ones.

    Examples
    --------
    >>> figure_format("figure1.png"), figure_format("paper/fig.PDF")
    ('png', 'pdf')
    >>> try:
    ...     figure_format("figure1.jpg")
    ... except ParameterError as err:
    ...     print(str(err).split(": ")[1])
    give the file name one of the extensions .pdf, .png, .svg
    """
    target = Path(path)
    fmt = _FORMATS.get(target.suffix.lower())
    if fmt is None:
        raise ParameterError(
            f"cannot save a figure as {target.name!r}: give the file name one of the "
            f"extensions {', '.join(sorted(_FORMATS))}"
        )
    return fmt


def save_figure(fig: Figure, path: str | os.PathLike[str], dpi: int = 150) -> Path:
    """Save ``fig`` atomically; the format follows the extension (.png, .pdf, .svg).

    The figure is written through :func:`dlnsym.io.atomic_write`, so an interrupted save
    never leaves a half-written file.

    Parameters
    ----------
    fig : Figure
        The figure to save.
    path : path-like
        The file to write (missing directories are created).
    dpi : int
        Resolution of a PNG (dots per inch).

    Returns
    -------
    Path
        The path written.

    Raises
    ------
    ParameterError
        For an extension other than ``.png``, ``.pdf`` or ``.svg`` (before anything is
        written).
    OSError
        If the file cannot be written (naming ``path``, :func:`~dlnsym.io.atomic_write`).

    Examples
    --------
    >>> import tempfile
    >>> import matplotlib; matplotlib.use("Agg")
    >>> from matplotlib.figure import Figure
    >>> fig = Figure(figsize=(1, 1))
    >>> out = save_figure(fig, Path(tempfile.mkdtemp()) / "blank.png", dpi=20)
    >>> out.name, out.read_bytes()[1:4]
    ('blank.png', b'PNG')
    """
    target = Path(path)
    fmt = figure_format(target)
    with atomic_write(target, "wb") as fh:
        fig.savefig(fh, format=fmt, dpi=dpi)
    return target


def plot_convergence(study: ConvergenceStudy, path: str | os.PathLike[str]) -> Path:
    """Log-log convergence plot of a :func:`dlnsym.compare.convergence_study`, in the palette.

    Jump-time errors ``|t̂_k − t_k|`` against ``Λ`` with a ``1/Λ`` guide, and the plateau
    error; this is :func:`dlnsym.compare.plot_convergence` drawn under :func:`okabe_ito`.

    Parameters
    ----------
    study : ConvergenceStudy
        From :func:`dlnsym.compare.convergence_study`.
    path : path-like
        The file to write (PNG, PDF or SVG by extension), atomically.

    Returns
    -------
    Path
        The path written.

    Raises
    ------
    ParameterError
        If the extension is not ``.png``, ``.pdf`` or ``.svg`` (checked before drawing).
    OSError
        If the file cannot be written.

    Examples
    --------
    Drawing and saving take a second or more (Matplotlib's text rendering), so that line is
    not run as a doctest; a bad extension is refused at once, before anything is drawn:

    >>> import tempfile
    >>> import matplotlib; matplotlib.use("Agg")
    >>> from dlnsym import as_problem
    >>> from dlnsym.compare import convergence_study
    >>> study = convergence_study(as_problem([[1]], [1]), [30, 300])
    >>> plot_convergence(study, Path(tempfile.mkdtemp()) / "conv.svg").name  # doctest: +SKIP
    'conv.svg'
    >>> try:
    ...     plot_convergence(study, "conv.jpg")
    ... except ParameterError as err:
    ...     print(str(err)[:34])
    cannot save a figure as 'conv.jpg'
    """
    from dlnsym.compare import plot_convergence as _plot

    figure_format(path)
    with okabe_ito():
        return _plot(study, path)


# ------------------------------------------------------------------------ the limit


def _floats(values: Sequence) -> np.ndarray:
    """Exact, mpf or float numbers as a float64 array."""
    return np.array([float(v) for v in values], dtype=float)


def _limit_steps(path: SaddlePath, t_end: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Step form of the limit on ``[0, t_end]``: edges, saddles (rows) and losses.

    Plateau ``k`` covers ``[t_k, t_{k+1})``; jumps at or after ``t_end`` are cut off.
    """
    times = _floats(path.times)
    keep = int(np.searchsorted(times, t_end, side="left"))
    edges = np.append(times[:keep], t_end)
    betas = np.array([_floats(b) for b in path.saddles[:keep]])
    return edges, betas, _floats(path.losses[:keep])


def _default_t_end(path: SaddlePath) -> float:
    """1.15 × the last jump time (1 when there is no jump)."""
    return 1.15 * float(path.times[-1]) if path.n_jumps else 1.0


def _mark_jumps(ax: Axes, path: SaddlePath, t_end: float, labels: bool = True) -> None:
    """Dotted vertical lines at the predicted jump times ``t_k < t_end``, labelled on top."""
    for k, t in enumerate(_floats(path.jump_times), start=1):
        if t >= t_end:
            break
        ax.axvline(t, color="0.55", lw=0.8, ls=":", zorder=0)
        if labels:
            ax.annotate(f"$t_{{{k}}}$", (t, 1.0), xycoords=("data", "axes fraction"),
                        ha="center", va="bottom", fontsize=8)


def plot_saddle_path(
    path: SaddlePath, axes: tuple[Axes, Axes] | None = None, t_end: float | None = None
) -> Figure:
    """Loss staircase ``L(β_k)`` and coordinates ``β°_i(t̃)`` against accelerated time.

    Parameters
    ----------
    path : SaddlePath
    axes : pair of Axes, optional
        Where to draw; a new two-panel figure by default.
    t_end : float, optional
        Right end of the time axis (default 1.15 × the last jump time).

    Returns
    -------
    Figure
        The figure of ``axes`` (left: ``L(β_k)`` as a staircase with the jump times
        ``t_k`` marked; right: the coordinates ``β_k,i`` that are ever nonzero).

    Raises
    ------
    ParameterError
        If ``t_end`` does not exceed the last jump time ``t_K``.

    Examples
    --------
    Example A jumps five times, the first at ``t₁ = 150/199``:

    >>> import matplotlib; matplotlib.use("Agg")
    >>> from dlnsym import example, saddle_path
    >>> path = saddle_path(example("A"))
    >>> fig = plot_saddle_path(path)
    >>> type(fig).__name__, len(fig.axes)
    ('Figure', 2)
    >>> [line.get_xdata()[0] for line in fig.axes[0].lines][:2] == [150 / 199, 19125 / 12863]
    True
    >>> try:
    ...     plot_saddle_path(path, t_end=5)
    ... except ParameterError as err:
    ...     print(str(err)[:39])
    t_end = 5.0 must exceed the last jump t
    """
    if axes is None:
        axes = tuple(Figure(figsize=(10, 3.8), layout="constrained").subplots(1, 2))
    fig = axes[0].figure
    last = float(path.times[-1]) if path.n_jumps else 0.0
    t_end = _default_t_end(path) if t_end is None else float(t_end)
    if t_end <= last:
        raise ParameterError(f"t_end = {t_end} must exceed the last jump time {last}")
    edges, betas, losses = _limit_steps(path, t_end)
    ax_loss, ax_beta = axes
    ax_loss.stairs(losses, edges, color=PALETTE[0], lw=2, label=r"$L(\beta_k)$")
    _mark_jumps(ax_loss, path, t_end)
    ax_loss.set(xlabel=_T_LABEL, ylabel=r"loss $L(\beta^\circ(\tilde t))$", xlim=(0, t_end))
    for rank, i in enumerate(np.flatnonzero(np.any(betas != 0, axis=0))):
        ax_beta.stairs(betas[:, i], edges, color=coordinate_color(rank), lw=2,
                       baseline=None, label=rf"$\beta_{{{i}}}$")
    ax_beta.axhline(0, color="0.3", lw=0.6)
    ax_beta.set(xlabel=_T_LABEL, ylabel=r"saddle coordinates $\beta_{k,i}$", xlim=(0, t_end))
    ax_beta.legend(fontsize=8, ncols=2)
    return fig


def plot_active_sets(
    path: SaddlePath, ax: Axes | None = None, t_end: float | None = None
) -> Figure:
    """The saddle-path diagram: which coordinates are active, with which sign, when.

    One row per coordinate that is ever active; a bar over ``[t_k, t_{k+1})`` wherever
    ``β_k,i ≠ 0``, blue for ``β_k,i > 0`` and vermillion for ``β_k,i < 0`` (also marked
    "+"/"−" so that the figure reads in grey scale).  Coordinates that leave the active set
    show as bars that stop.

    Parameters
    ----------
    path : SaddlePath
    ax : Axes, optional
        Where to draw; a new figure by default.
    t_end : float, optional
        Right end of the time axis (default 1.15 × the last jump time); jumps at or after
        it are not drawn.

    Returns
    -------
    Figure
        The figure of ``ax``.

    Raises
    ------
    ValueError, TypeError
        If ``t_end`` is not a number (``float(t_end)`` fails).  A ``t_end`` at or before the
        first jump is not refused: it gives a diagram without rows.

    Examples
    --------
    Example A's saddles use five of its six coordinates (β₅ stays 0), three of them up to
    ``t̃ = 2`` (after its jumps at ``t₁ = 150/199``, ``t₂ ≈ 1.487`` and ``t₃ ≈ 1.780``):

    >>> import matplotlib; matplotlib.use("Agg")
    >>> from dlnsym import example, saddle_path
    >>> path = saddle_path(example("A"))
    >>> fig = plot_active_sets(path)
    >>> type(fig).__name__, len(fig.axes[0].get_yticks())
    ('Figure', 5)
    >>> len(plot_active_sets(path, t_end=2.0).axes[0].get_yticks())
    3
    """
    t_end = _default_t_end(path) if t_end is None else float(t_end)
    edges, betas, _ = _limit_steps(path, t_end)
    rows = np.flatnonzero(np.any(betas != 0, axis=0))
    if ax is None:
        ax = Figure(figsize=(7.5, 1.2 + 0.35 * max(len(rows), 1)), layout="constrained").subplots()
    for r, i in enumerate(rows):
        signs = np.sign(betas[:, i])
        starts = np.flatnonzero(np.diff(signs, prepend=0) != 0)
        for start, stop in zip(starts, [*starts[1:], len(signs)], strict=True):
            if signs[start] != 0:
                positive = signs[start] > 0
                ax.hlines(r, edges[start], edges[stop], lw=9,
                          color=_POSITIVE if positive else _NEGATIVE)
                ax.text((edges[start] + edges[stop]) / 2, r, "+" if positive else "−",
                        ha="center", va="center", color="white", fontsize=9, fontweight="bold")
    _mark_jumps(ax, path, t_end)
    handles = [mpl.lines.Line2D([], [], color=c, lw=6) for c in (_POSITIVE, _NEGATIVE)]
    ax.legend(handles, [r"$\beta_{k,i} > 0$", r"$\beta_{k,i} < 0$"], fontsize=8,
              loc="lower right")
    ax.set_yticks(range(len(rows)), [rf"$\beta_{{{i}}}$" for i in rows])
    ax.set(xlabel=_T_LABEL, xlim=(0, t_end), ylim=(len(rows) - 0.5, -0.5))
    ax.set_title(r"signed active sets of the saddles $\beta_k$", pad=14)
    return ax.figure


# ------------------------------------------------------------------- trajectories


def relevant_coordinates(
    path: SaddlePath,
    count: int = 3,
    trajectories: Sequence[Trajectory] = (),
    t_end: float | None = None,
) -> list[int]:
    """The ``count`` most relevant coordinates, most relevant first.

    Coordinates are ranked by ``∫₀^{t_end} |β°_i(t̃)| dt̃`` for the limit ``β°`` (the size of
    each saddle coordinate times how long it lasts; ``t_end`` defaults to 1.15 × the last jump
    time); coordinates never active on the path come after, by ``max |β_i(t̃)|`` over
    ``trajectories``, then by index.

    Parameters
    ----------
    path : SaddlePath
        The limit (Algorithm 1).
    count : int
        How many coordinates, in ``1 … d``.
    trajectories : sequence of Trajectory
        Simulations that break ties among coordinates with equal weight on the path.
    t_end : float, optional
        Upper end of the integral (default 1.15 × the last jump time).

    Returns
    -------
    list of int
        ``count`` coordinate indices (0-based), most relevant first.

    Raises
    ------
    ParameterError
        If ``count`` is not in ``1 … d``.

    Examples
    --------
    On example A the weights ``∫|β°_i|`` are ≈ 6.26, 0.17, 1.21, 6.69, 1.34 and 0 for
    coordinates 0…5:

    >>> from dlnsym import example, saddle_path
    >>> path = saddle_path(example("A"))
    >>> relevant_coordinates(path)
    [3, 0, 4]
    >>> relevant_coordinates(path, 6)
    [3, 0, 4, 2, 1, 5]
    >>> relevant_coordinates(path, 7)
    Traceback (most recent call last):
        ...
    dlnsym.errors.ParameterError: count must lie in 1..d = 6, got 7
    """
    d = path.problem.d
    if not 1 <= count <= d:
        raise ParameterError(f"count must lie in 1..d = {d}, got {count!r}")
    edges, betas, _ = _limit_steps(path, _default_t_end(path) if t_end is None else t_end)
    weight = np.diff(edges) @ np.abs(betas)
    traj_size = np.zeros(d)
    for tr in trajectories:
        traj_size = np.maximum(traj_size, np.max(np.abs(tr.beta_float()), axis=0))
    order = np.lexsort((np.arange(d), -traj_size, -weight))
    return [int(i) for i in order[:count]]


def _as_list(trajectory: Trajectory | Sequence[Trajectory]) -> list[Trajectory]:
    """One trajectory or several, sorted by increasing Λ."""
    items = list(trajectory) if isinstance(trajectory, list | tuple) else [trajectory]
    if not items:
        raise ParameterError("give at least one simulated trajectory to plot")
    return sorted(items, key=lambda tr: float(tr.log_inv_alpha))


def _number(x: float) -> str:
    """``x`` to 3 significant digits in mathtext (``4.61``, ``100``, ``10^{6}``)."""
    mantissa, _, exponent = f"{x:.3g}".partition("e")
    if not exponent:
        return mantissa
    power = f"10^{{{int(exponent)}}}"
    return power if mantissa == "1" else rf"{mantissa}\times{power}"


def _style(rank: int, count: int) -> dict[str, float]:
    """Line style of the ``rank``-th of ``count`` trajectories (by Λ): the largest Λ is solid,
    the smaller ones lighter and thinner."""
    weight = 1.0 if count == 1 else 0.35 + 0.65 * rank / (count - 1)
    return {"alpha": weight, "lw": 0.8 + 1.2 * weight}


def plot_figure1(
    path: SaddlePath,
    trajectory: Trajectory | Sequence[Trajectory],
    *,
    coordinates: Sequence[int] | None = None,
    t_end: float | None = None,
) -> Figure:
    """The three panels of Figure 1 of Pesme & Flammarion (2023) for ``trajectory``.

    Left: training loss ``L(β(t̃))`` against accelerated time, with the limit staircase
    ``L(β_k)`` and the predicted jump times ``t_k`` marked.  Middle: ``|β_i(t̃)|`` per
    coordinate, with the limit ``|β_k,i|`` dashed.  Right: the trajectory in the space of the
    three most relevant coordinates (:func:`relevant_coordinates`) with the saddles ``β_k``
    marked (two or one coordinate when ``d < 3``).

    Parameters
    ----------
    path : SaddlePath
        The limit, from :func:`dlnsym.saddle_path.saddle_path` on the same problem.
    trajectory : Trajectory or sequence of Trajectory
        Simulations (:func:`dlnsym.simulate.simulate`); several Λ are drawn together, the
        largest Λ solid and the smaller ones lighter.
    coordinates : sequence of int, optional
        The coordinates of the right panel (default: the most relevant ones).
    t_end : float, optional
        Right end of the time axes (default: the end of the longest trajectory).

    Returns
    -------
    Figure
        Three axes: loss, ``|β_i|``, and the trajectory in coordinate space (a 3-D axes for
        three coordinates).

    Raises
    ------
    ParameterError
        If no trajectory is given, a trajectory has a different number of coordinates than
        the path's problem, or ``coordinates`` is not 1 to 3 indices in ``0 … d−1``.

    Examples
    --------
    A short float64 run of example A at Λ = 8, through its first three jumps:

    >>> import numpy as np
    >>> import matplotlib; matplotlib.use("Agg")
    >>> from dlnsym import example, saddle_path, simulate
    >>> A = example("A")
    >>> tr = simulate(A, log_inv_alpha=8, t_max=2.0, at=np.linspace(0, 2, 41))
    >>> fig = plot_figure1(saddle_path(A), tr)
    >>> type(fig).__name__, [ax.name for ax in fig.axes]
    ('Figure', ['rectilinear', 'rectilinear', '3d'])
    >>> [ax.name for ax in plot_figure1(saddle_path(A), tr, coordinates=[0, 1]).axes]
    ['rectilinear', 'rectilinear', 'rectilinear']
    """
    trajectories = _as_list(trajectory)
    d = path.problem.d
    for tr in trajectories:
        if tr.beta_float().shape[1] != d:
            raise ParameterError(
                f"a trajectory has {tr.beta_float().shape[1]} coordinates but the saddle path "
                f"has d = {d}; simulate the same problem"
            )
    if t_end is None:
        t_end = max(float(np.max(tr.t)) for tr in trajectories)
    t_end = float(t_end)
    if coordinates is None:
        coordinates = sorted(relevant_coordinates(path, min(3, d), trajectories, t_end))
    coordinates = [int(i) for i in coordinates]
    if not 1 <= len(coordinates) <= 3 or any(not 0 <= i < d for i in coordinates):
        raise ParameterError(f"coordinates must be 1 to 3 indices in 0..{d - 1}, "
                             f"got {coordinates}")

    fig = Figure(figsize=(15, 4.4), layout="constrained")
    ax_loss = fig.add_subplot(1, 3, 1)
    ax_beta = fig.add_subplot(1, 3, 2)
    ax_space = fig.add_subplot(1, 3, 3, projection="3d" if len(coordinates) == 3 else None)
    edges, betas, losses = _limit_steps(path, t_end)
    shown = sorted(set(np.flatnonzero(np.any(betas != 0, axis=0))) | set(coordinates))
    colour = {i: coordinate_color(rank) for rank, i in enumerate(shown)}

    for rank, tr in enumerate(trajectories):
        style = _style(rank, len(trajectories))
        t, beta = np.asarray(tr.t, dtype=float), tr.beta_float()
        ax_loss.plot(t, _floats(tr.loss), color=PALETTE[7], **style,
                     label=rf"$\Lambda = {_number(float(tr.log_inv_alpha))}$")
        for i in shown:
            ax_beta.plot(t, np.abs(beta[:, i]), color=colour[i], **style,
                         label=rf"$|\beta_{{{i}}}|$" if rank == len(trajectories) - 1 else None)
        xyz = [beta[:, i] for i in coordinates]
        ax_space.plot(*(xyz if len(xyz) > 1 else [t, *xyz]), color=PALETTE[0], **style)

    ax_loss.stairs(losses, edges, color=PALETTE[1], lw=1.5, ls="--", baseline=None,
                   label=r"limit $L(\beta_k)$")
    _mark_jumps(ax_loss, path, t_end)
    ax_loss.set(xlabel=_T_LABEL, ylabel=r"training loss $L(\beta(\tilde t))$", xlim=(0, t_end))
    ax_loss.legend(fontsize=8)

    for i in shown:
        ax_beta.stairs(np.abs(betas[:, i]), edges, color=colour[i], lw=1, ls="--",
                       baseline=None)
    _mark_jumps(ax_beta, path, t_end, labels=False)
    ax_beta.set(xlabel=_T_LABEL, ylabel=r"$|\beta_i(\tilde t)|$ (limit dashed)", xlim=(0, t_end))
    ax_beta.legend(fontsize=8, ncols=2)

    _draw_saddles(ax_space, betas, coordinates)
    return fig


def simulate_figure1(
    problem: Problem,
    log_inv_alphas: Sequence[float] = (8.0, 40.0),
    *,
    t_max: float | None = None,
    dps: int | None = None,
    path: SaddlePath | None = None,
    samples: int = 601,
    simulator: Callable[..., Trajectory] | None = None,
) -> Figure:
    """Simulate ``problem`` at each Λ and draw :func:`plot_figure1` against its saddle path.

    Parameters
    ----------
    problem : Problem
    log_inv_alphas : sequence of float
        ``Λ = ln(1/α)`` of each simulation (:func:`dlnsym.simulate.simulate`).
    t_max : float, optional
        End of the simulations in accelerated time (default 1.15 × the last jump time).
    dps : int, optional
        Digits of the simulations (default float64).
    path : SaddlePath, optional
        Algorithm 1 on ``problem``, if already computed.
    samples : int
        The trajectories are sampled at this many equally spaced times on ``[0, t_max]``, so
        that curves are smooth even where the integrator takes long steps.
    simulator : callable, optional
        ``simulator(problem, Λ, t_max, at=grid) -> Trajectory`` (e.g. the CLI's, with a
        progress bar); default :func:`dlnsym.simulate.simulate` at ``dps`` digits.

    Returns
    -------
    Figure
        As :func:`plot_figure1`.

    Raises
    ------
    ParameterError
        As :func:`dlnsym.simulate.simulate` (e.g. a Λ that is not positive) and
        :func:`plot_figure1` (e.g. an empty ``log_inv_alphas``).
    DlnsymError
        As :func:`dlnsym.saddle_path.saddle_path` when ``path`` is not given (e.g.
        :class:`~dlnsym.errors.DegenerateProblemError`).

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> from dlnsym import example
    >>> fig = simulate_figure1(example("A"), [8.0], t_max=2.0, samples=41)
    >>> type(fig).__name__, fig.axes[0].get_xlim()
    ('Figure', (np.float64(0.0), np.float64(2.0)))
    >>> print(fig.axes[0].lines[0].get_label())
    $\\Lambda = 8$
    """
    from dlnsym.saddle_path import saddle_path
    from dlnsym.simulate import simulate

    if path is None:
        path = saddle_path(problem)
    t_max = _default_t_end(path) if t_max is None else float(t_max)
    grid = np.linspace(0.0, t_max, samples)
    if simulator is None:
        def simulator(p: Problem, lam: float, t_end: float, **options: Any) -> Trajectory:
            return simulate(p, log_inv_alpha=lam, t_max=t_end, dps=dps, **options)

    return plot_figure1(path, [simulator(problem, lam, t_max, at=grid)
                               for lam in log_inv_alphas])


def _draw_saddles(ax: Axes, betas: np.ndarray, coordinates: list[int]) -> None:
    """Mark and label the saddles ``β_k`` (shown up to the end of the time axis) in the
    right panel of :func:`plot_figure1`; repeated projections are labelled once."""
    labels: dict[tuple[float, ...], list[str]] = {}
    for k, b in enumerate(betas):
        labels.setdefault(tuple(b[coordinates]), []).append(str(k))
    names = [rf"$\beta_{{{i}}}$" for i in coordinates]
    if len(coordinates) == 1:
        ax.set(xlabel=_T_LABEL, ylabel=names[0], title="trajectory and saddle values")
        for (value,), ks in labels.items():
            ax.axhline(value, color=PALETTE[3], lw=0.8, ls="--")
            ax.annotate(rf"$\beta_{{{','.join(ks)}}}$", (0, value), fontsize=8,
                        color=PALETTE[3], va="bottom")
        return
    points = np.array(list(labels))
    ax.scatter(*points.T, color=PALETTE[3], s=30, zorder=5,
               **({"depthshade": False} if len(coordinates) == 3 else {}))
    for point, ks in labels.items():
        ax.text(*point, rf" $\beta_{{{','.join(ks)}}}$", fontsize=8, color=PALETTE[3])
    if len(coordinates) == 3:
        ax.set(xlabel=names[0], ylabel=names[1], zlabel=names[2])
        ax.set_title(r"trajectory in $(" + ", ".join(n.strip("$") for n in names)
                     + r")$, saddles $\beta_k$", fontsize=10)
    else:
        ax.set(xlabel=names[0], ylabel=names[1], title=r"trajectory and saddles $\beta_k$")


# -------------------------------------------------------------------------- sweeps


def _edges(centres: np.ndarray) -> np.ndarray:
    """Cell edges around sorted ``centres``: midpoints inside, half a gap beyond the ends."""
    if len(centres) == 1:
        return np.array([centres[0] * 0.9, centres[0] * 1.1])
    mids = (centres[1:] + centres[:-1]) / 2
    return np.concatenate([[2 * centres[0] - mids[0]], mids, [2 * centres[-1] - mids[-1]]])


def _heat_map(ax: Axes, table: Any, label: str, **norm: float) -> None:
    """Draw a (ρ × δ) table of :func:`dlnsym.sweep.phase.phase_table` as a heat map, with
    the Donoho–Tanner weak threshold ρ_W(δ) over it."""
    from dlnsym.sweep.phase import weak_threshold

    deltas, rhos = table.columns.to_numpy(float), table.index.to_numpy(float)
    mesh = ax.pcolormesh(_edges(deltas), _edges(rhos), np.ma.masked_invalid(table.to_numpy(
        float)), cmap="cividis", shading="flat", **norm)
    ax.figure.colorbar(mesh, ax=ax, label=label)
    low, high = _edges(deltas)[[0, -1]]
    if low < 1:
        inside = np.linspace(max(low, 1e-3), min(high, 0.999), 200)
        ax.plot(inside, weak_threshold(inside), color=PALETTE[3], lw=2,
                label=r"Donoho–Tanner $\rho_W(\delta)$")
        ax.legend(fontsize=8, loc="upper left")
    ax.set(xlabel=r"$\delta = n/d$", ylabel=r"$\rho = k/n$",
           xlim=_edges(deltas)[[0, -1]], ylim=_edges(rhos)[[0, -1]])


def plot_phase_diagram(results: Any, path: str | os.PathLike[str] | None = None) -> Figure:
    """The phase diagram of a sweep over (δ, ρ) = (n/d, k/n).

    Left: the probability that the last saddle recovers the planted signal
    (``recovered``, among the instances of status ``ok``); right: the mean number of saddles
    ``K + 1``.  Both carry the Donoho–Tanner weak threshold of ℓ1 recovery
    (:func:`dlnsym.sweep.phase.weak_threshold`).  Without recovery data (families integer,
    orthogonal have no δ–ρ grid) a :class:`~dlnsym.errors.ParameterError` is raised.

    Parameters
    ----------
    results : DataFrame or path
        The table of :func:`dlnsym.sweep`, or the results file it wrote.
    path : path-like, optional
        Also save the figure there (PNG, PDF or SVG by extension), atomically.

    Returns
    -------
    Figure
        Two heat maps (each with its colour bar: four axes in all).

    Raises
    ------
    ParameterError
        A bad extension of ``path`` (checked first), a results file that cannot be read
        (:func:`dlnsym.sweep.store.read_results`), or no finished rows with recovery data and
        both δ and ρ (:func:`dlnsym.sweep.phase.phase_table`).

    Examples
    --------
    A tiny sweep of the sparse family, run in this process (no Dask cluster): 2 × 2 cells of
    2 instances with ``d = 8``.  Drawing computes the Donoho–Tanner curve at 400 values of δ
    (a numerical maximisation each, over a second), so that line is not run as a doctest:

    >>> import matplotlib; matplotlib.use("Agg")
    >>> from dlnsym import load_spec
    >>> from dlnsym.sweep.instances import run_chunk
    >>> from dlnsym.sweep.store import to_frame
    >>> spec = load_spec({"family": "sparse", "trials": 2,
    ...                   "grid": {"d": 8, "delta": [0.5, 1.0], "rho": [0.25, 0.5]}})
    >>> results = to_frame(run_chunk(spec.instances()))
    >>> fig = plot_phase_diagram(results)                    # doctest: +SKIP
    >>> type(fig).__name__, len(fig.axes)                    # doctest: +SKIP
    ('Figure', 4)
    >>> try:
    ...     plot_phase_diagram(results, "phase.jpg")
    ... except ParameterError as err:
    ...     print(str(err)[:35])
    cannot save a figure as 'phase.jpg'
    """
    import pandas as pd

    from dlnsym.sweep.phase import phase_table
    from dlnsym.sweep.store import read_results

    if path is not None:
        figure_format(path)
    frame = results if isinstance(results, pd.DataFrame) else read_results(results)
    recovery = phase_table(frame, "recovered")
    saddles = phase_table(frame, "n_saddles")
    fig = Figure(figsize=(11, 4.2), layout="constrained")
    left, right = fig.subplots(1, 2)
    _heat_map(left, recovery, "recovery probability", vmin=0.0, vmax=1.0)
    left.set_title(r"$P(\beta_K = w^\star)$: last saddle recovers the signal")
    _heat_map(right, saddles, r"mean number of saddles $K + 1$")
    right.set_title("number of saddles")
    ok = frame[frame["status"] == "ok"]
    dims = sorted(set(ok["d"].dropna().astype(int)))
    trials = int(ok.groupby(["delta", "rho"]).size().median())
    fig.suptitle(f"{', '.join(sorted(set(ok['family'])))}: d = "
                 f"{', '.join(map(str, dims))}, ~{trials} instances per cell", fontsize=11)
    if path is not None:
        save_figure(fig, path)
    return fig
