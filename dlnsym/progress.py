"""Progress bars of long runs: one tqdm bar on stderr, drawn only where someone watches.

Simulations, gradient descent, conjecture searches, sweeps and the command line all draw
their bars with :func:`progress_bar`, so they look and behave alike: on stderr (stdout stays
clean for results), silent when stderr is not a terminal (a log file, a pipe, a test), and
erased when closed.
"""

from __future__ import annotations

import bisect
import sys
from collections.abc import Sequence

from tqdm import tqdm

__all__ = ["PathProgress", "progress_bar"]


def progress_bar(total: float, *, quiet: bool | None = False, unit: str = "it",
                 bar_format: str | None = None, desc: str | None = None) -> tqdm:
    """A tqdm bar on stderr, erased when closed.

    Parameters
    ----------
    total : float
        The count the bar runs to.
    quiet : bool or None
        ``True``: no bar; ``False``: a bar when stderr is a terminal (tqdm's
        ``disable=None``); ``None``: the same as ``False``.
    unit, bar_format, desc : str, optional
        As in :class:`tqdm.tqdm`.

    Returns
    -------
    tqdm.tqdm

    Raises
    ------
    Nothing of its own: tqdm's errors for a malformed ``bar_format`` propagate.

    Examples
    --------
    >>> bar = progress_bar(3, quiet=True, unit="step")
    >>> bar.disable, bar.total
    (True, 3)
    >>> bar.close()
    """
    return tqdm(total=total, unit=unit, file=sys.stderr, leave=False,
                disable=True if quiet else None, dynamic_ncols=True, bar_format=bar_format,
                desc=desc)


class PathProgress:
    """How far a simulation along a saddle-to-saddle path has come, counted in saddles.

    The cost of a simulation grows with the number of jumps it passes, not with the
    accelerated time: the jump times of a path typically spread over decades (at d = 2000
    half of the jumps come before ``t̃ = 1060``, the last at ``t̃ ≈ 4·10⁵``), so
    ``t̃/t_max`` would sit near 0 for most of a run.  With Algorithm 1's jump times
    ``t_1 < … < t_K`` and ``t_0 = 0``, ``t_{K+1} = t_max``, the progress at ``t̃`` in
    ``[t_k, t_{k+1})`` is

        (k + (t̃ − t_k)/(t_{k+1} − t_k)) / (K + 1),

    linear inside each plateau and one unit per saddle.

    Parameters
    ----------
    jump_times : sequence of float
        Algorithm 1's jump times (increasing; empty: progress is ``t̃/t_max``).
    t_max : float
        The end of the run (> 0).

    Examples
    --------
    >>> clock = PathProgress([1.0, 10.0], 12.0)
    >>> clock.fraction(0.5), clock.fraction(5.5), clock.fraction(12.0)
    (0.16666666666666666, 0.5, 1.0)
    >>> clock.describe(5.5)
    'saddle 1 of 2'
    >>> PathProgress([], 4.0).fraction(1.0)
    0.25
    """

    def __init__(self, jump_times: Sequence[float], t_max: float) -> None:
        if not t_max > 0:
            raise ValueError(f"PathProgress: t_max must be positive, got {t_max!r}")
        self.jumps = [float(t) for t in jump_times if 0 < float(t) < t_max]
        self.knots = [0.0, *self.jumps, float(t_max)]

    def passed(self, t: float) -> int:
        """How many of the jumps lie at or before ``t``."""
        return bisect.bisect_right(self.jumps, t)

    def fraction(self, t: float) -> float:
        """The progress at ``t`` in ``[0, 1]`` (formula in the class docstring)."""
        k = min(self.passed(t), len(self.knots) - 2)
        start, end = self.knots[k], self.knots[k + 1]
        within = min(max((t - start) / (end - start), 0.0), 1.0)
        return (k + within) / (len(self.knots) - 1)

    def describe(self, t: float) -> str:
        """``"saddle k of K"``: the plateau reached (``""`` without jumps)."""
        return f"saddle {self.passed(t)} of {len(self.jumps)}" if self.jumps else ""
