"""Progress bars of long runs: one tqdm bar on stderr, drawn only where someone watches.

Simulations, gradient descent, conjecture searches, sweeps and the command line all draw
their bars with :func:`progress_bar`, so they look and behave alike: on stderr (stdout stays
clean for results), silent when stderr is not a terminal (a log file, a pipe, a test), and
erased when closed.
"""

from __future__ import annotations

import sys

from tqdm import tqdm

__all__ = ["progress_bar"]


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
