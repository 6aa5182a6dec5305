"""Figures (matplotlib): saddle paths, trajectories, convergence.

All figures use the Okabe–Ito colour-blind-safe palette and THEORY.md's notation
(accelerated time t̃, saddles β_k, jump times t_k).  Files are written atomically; the format
follows the extension (PNG, PDF, SVG).
"""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # headless by default; notebooks switch backends themselves
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from dlnsym.errors import ParameterError  # noqa: E402
from dlnsym.io import atomic_write  # noqa: E402
from dlnsym.saddle_path import SaddlePath  # noqa: E402

__all__ = ["PALETTE", "plot_saddle_path", "save_figure", "coordinate_color"]

#: Okabe & Ito (2008) colour-blind-safe palette.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442",
           "#000000")

_FORMATS = {".png", ".pdf", ".svg"}


def coordinate_color(i: int) -> str:
    """Colour of coordinate ``i`` (cycles through :data:`PALETTE`)."""
    return PALETTE[i % len(PALETTE)]


def _staircase(path: SaddlePath, t_end: float) -> tuple[np.ndarray, np.ndarray]:
    """Times and saddles of the piecewise-constant limit β°(t̃) on [0, t_end], step form."""
    times = np.array([float(t) for t in path.times] + [t_end])
    betas = np.array([[float(v) for v in b] for b in path.saddles])
    return times, betas


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
    """
    if axes is None:
        fig, axes = plt.subplots(1, 2, figsize=(10, 3.8), layout="constrained")
    fig = axes[0].figure
    last = float(path.times[-1]) if path.n_jumps else 1.0
    t_end = 1.15 * last if t_end is None else t_end
    if t_end <= last:
        raise ParameterError(f"t_end = {t_end} must exceed the last jump time {last}")
    times, betas = _staircase(path, t_end)
    losses = [float(v) for v in path.losses]
    ax_loss, ax_beta = axes
    ax_loss.stairs(losses, times, color=PALETTE[0], lw=2, label=r"$L(\beta_k)$")
    for k, t in enumerate(times[1:-1], start=1):
        ax_loss.axvline(t, color="0.6", lw=0.8, ls=":")
        ax_loss.annotate(f"$t_{{{k}}}$", (t, 1.0), xycoords=("data", "axes fraction"),
                         ha="center", va="bottom", fontsize=8)
    ax_loss.set(xlabel=r"accelerated time $\tilde t$", ylabel=r"loss $L(\beta^\circ(\tilde t))$",
                xlim=(0, t_end))
    for i in range(betas.shape[1]):
        if np.any(betas[:, i] != 0):
            ax_beta.stairs(betas[:, i], times, color=coordinate_color(i), lw=2,
                           baseline=None, label=rf"$\beta_{{{i}}}$")
    ax_beta.axhline(0, color="0.3", lw=0.6)
    ax_beta.set(xlabel=r"accelerated time $\tilde t$", ylabel=r"saddle coordinates $\beta_{k,i}$",
                xlim=(0, t_end))
    ax_beta.legend(fontsize=8, ncols=2)
    return fig


def save_figure(fig: Figure, path: str | os.PathLike[str], dpi: int = 150) -> Path:
    """Save ``fig`` atomically; the format follows the extension (.png, .pdf, .svg)."""
    target = Path(path)
    fmt = target.suffix.lower()
    if fmt not in _FORMATS:
        raise ParameterError(
            f"cannot save a figure as {target.name!r}: use one of {', '.join(sorted(_FORMATS))}"
        )
    with atomic_write(target, "wb") as fh:
        fig.savefig(fh, format=fmt[1:], dpi=dpi)
    return target


