"""Linearly implicit Euler extrapolation (Deuflhard's EULSIM, Hairer–Wanner's SEULEX): one step.

For a step of size ``h`` from ``y0`` and the step-number sequence ``n_j = j`` (harmonic),
row ``j`` of the table takes ``n_j`` linearly implicit Euler substeps of size ``h_j = h/n_j``
with the Jacobian ``J = f'(y0)`` frozen for the whole step:

    (I − h_j J) Δ_i = h_j f(y_i),     y_{i+1} = y_i + Δ_i,     i = 0 … n_j − 1,
    T_{j,1} = y_{n_j},

and Aitken–Neville extrapolation in ``h`` (the global error of this scheme has an asymptotic
expansion in powers of ``h``, Hairer–Wanner IV.9):

    T_{j,l+1} = T_{j,l} + (T_{j,l} − T_{j−1,l}) / (n_j/n_{j−l} − 1).

``T_{jj}`` has order ``j``; ``‖T_{jj} − T_{j,j−1}‖`` estimates the local error of the
order-``j−1`` value ``T_{j,j−1}`` and is used (as in SEULEX) to control the step of ``T_{jj}``.
Each substep costs one evaluation of ``f`` and one triangular solve; each row one LU
factorisation.  The first column is L-stable and the extrapolated ones are ``A(α)``-stable
with ``α`` close to 90° (Hairer–Wanner, Section IV.9); ``J``'s spectrum is real and ≤ 0 here
(see :mod:`dlnsym.mirror_flow`), so every column is stable at any step size.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from dlnsym.mirror_flow import FlowValue, MirrorFlow

__all__ = ["ExtrapolationTable", "euler_row"]


def euler_row(
    flow: MirrorFlow, start: FlowValue, h: Any, n: int, norm: Callable[[np.ndarray], float]
) -> np.ndarray | None:
    """``n`` linearly implicit Euler substeps of size ``h/n`` from ``start``; ``None`` if they
    diverge.  Works on the offset from ``start.base`` (see :func:`beta_and_slope`) and returns
    the final offset.

    Divergence test (the "stability check" of SEULEX): the second increment must not be
    larger than twice the first in the error norm once it matters (``‖Δ_1‖ > 1``) — the frozen
    Jacobian is then a bad model of the exponential nonlinearity — and nothing may overflow.
    """
    backend = flow.backend
    hj = h / n
    lu = backend.lu_factor(flow.iteration_matrix(start, hj))
    y, f, first = start.offset, start.f, None
    for i in range(n):
        delta = backend.lu_solve(lu, f * hj)
        if i == 0:
            first = norm(delta)
        elif i == 1:
            second = norm(delta)
            if second > 1 and second > 2 * first:
                return None
        y = y + delta
        if i < n - 1:
            f = flow.field(start.base, y)
    # an overflow of e^{2Λ(|s|−1)} (float64) propagates as inf/nan into y
    return y if backend.all_finite(y) else None


@dataclass
class ExtrapolationTable:
    """The extrapolation tableau of one step, grown row by row.

    Attributes
    ----------
    flow, start, h, norm :
        Field, state at the start of the step (with ``f`` and ``β'`` for ``J``), step size,
        weighted error norm (≤ 1 means "within tolerance").
    row : list of ndarray
        The current (last computed) row ``T_{j,1} … T_{j,j}``, as offsets from
        ``start.base``: extrapolating the small increments rather than the states keeps the
        round-off of the table at ``ε·|h f|`` instead of ``ε·|s|``.
    errors : dict[int, float]
        ``err_j = ‖T_{jj} − T_{j,j−1}‖`` for every computed row ``j ≥ 2``.
    """

    flow: MirrorFlow
    start: FlowValue
    h: Any
    norm: Callable[[np.ndarray], float]
    row: list[np.ndarray] = field(default_factory=list)
    errors: dict[int, float] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        """Number of rows computed so far (``n_j = j``, so also the last ``n_j``)."""
        return len(self.row)

    def add_row(self) -> bool:
        """Compute the next row; ``False`` if its Euler substeps diverged."""
        j = self.rows + 1
        y = euler_row(self.flow, self.start, self.h, j, self.norm)
        if y is None:
            return False
        new = [y]
        for m, prev in enumerate(self.row, start=1):
            # 1/(n_j/n_{j−m} − 1) = (j − m)/m with n_j = j, in exact integer arithmetic
            new.append(new[-1] + (new[-1] - prev) * (j - m) / m)
        self.row = new
        if j >= 2:
            self.errors[j] = self.norm(new[-1] - new[-2])
        return True

    @property
    def best(self) -> np.ndarray:
        """``T_{jj}`` of the last row (an offset from ``start.base``): the accepted value."""
        return self.row[-1]
