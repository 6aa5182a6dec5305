"""Error norm and order/step-size control of the extrapolation method.

Error norm
----------
The state is ``s``; what the user sees is ``β = α²·sinh(2Λs)``.  An error ``δs_i`` multiplies
``β_i`` by ``e^{2Λ δs_i}``, i.e. changes it by ``δβ_i ≈ 2Λ·δs_i·|β_i|``, so that

    |δβ_i| / (1 + |β_i|) ≈ 2Λ|δs_i| · |β_i|/(1 + |β_i|) ≤ 2Λ|δs_i|.

The bound is attained by the coordinates that matter (|β_i| ≳ 1), and a coordinate that is
exponentially small *now* becomes O(1) at its jump, where an error ``δs_i`` made earlier
shifts the jump by ``δs_i/|f_i|`` and so changes β by O(Λ·δs_i).  Hence every coordinate of
``s`` is weighted by ``w = max(1, 2Λ)``, whatever the size of its β: the local error test is

    err = max_i |δs_i| / (tol/w + ρ·|h f_i(s_0)|)  ≤ 1,

with ``ρ`` a small multiple of the unit round-off.  The table extrapolates increments of size
``|h f|`` (see :mod:`.extrapolation`), whose round-off is ``≈ ε|h f|``: below ``ρ|h f_i|`` a
difference is noise, not truncation error.  This floor only binds on the float64 path for a
coordinate that moves by O(1) in one step while ``tol/2Λ`` is below ``ε`` (long plateau steps
at Λ ≳ 10⁵); it then limits that coordinate's absolute accuracy to ``~ε`` per step, a relative
error ``2Λε`` in its β at its next jump.  Exponentially small β_i cannot fool this test,
because it never divides by β.

Order and step size (Hairer–Wanner IV.9, simplified SEULEX strategy)
--------------------------------------------------------------------
``err_j`` behaves like ``C·h^j``, so row ``j`` proposes ``h_j = h·0.94·(0.65/err_j)^{1/j}``
(factor clipped to [0.1, 4]).  With ``A_j`` the work of rows ``1…j`` (f-evaluations, solves,
LU factorisations, in units of one f-evaluation), the next column count minimises the work per
unit step ``W_j = A_j/h_j`` over ``{k−1, k}``, and is raised to ``k+1`` (with step
``h_k·A_{k+1}/A_k``) when ``W_k`` clearly beats ``W_{k−1}``.  Within a step, rows are added
until ``err ≤ 1``: row ``k−1`` may already suffice, row ``k+1`` is tried only when ``err_k``
is small enough for it to converge, otherwise the step is rejected early.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["ErrorNorm", "OrderStepController"]


@dataclass(frozen=True)
class ErrorNorm:
    """``err(δ) = max_i |δ_i| / (atol + rtol·|Δ_i|)``, see the module docstring."""

    atol: Any
    rtol: Any

    def bind(self, increment: np.ndarray) -> Any:
        """The norm for a step whose increment has the size of ``increment`` (``h·f(s_0)``):
        ``δ ↦ max_i |δ_i|/sc_i`` as a float."""
        inv = 1 / (np.abs(increment) * self.rtol + self.atol)

        def norm(delta: np.ndarray) -> float:
            return float((np.abs(delta) * inv).max())

        return norm


class OrderStepController:
    """Chooses the number of table rows ``k`` and the step ``h`` (module docstring).

    Parameters
    ----------
    k_max : int
        Largest number of rows (order of the result).
    dimension : int
        System size ``d``; an LU factorisation is counted as ``1 + d/3`` f-evaluations.
    """

    SAFETY, SAFE_ERR = 0.94, 0.65
    FAC_MIN, FAC_MAX = 0.1, 4.0

    def __init__(self, k_max: int, dimension: int) -> None:
        if k_max < 3:
            raise ValueError("k_max must be at least 3")
        self.k_max = k_max
        lu_cost = 1 + dimension / 3
        work = [0.0, 2.0 + lu_cost]  # A_1: Jacobian, f(y0), one LU, one solve
        for j in range(2, k_max + 2):
            work.append(work[-1] + lu_cost + j + (j - 1))  # j solves, j − 1 new f-evals
        self.work = work

    def factor(self, err: float, j: int) -> float:
        """Unclipped step factor ``0.94·(0.65/err_j)^{1/j}`` proposed by row ``j``."""
        if err == 0:
            return math.inf
        return self.SAFETY * (self.SAFE_ERR / err) ** (1.0 / j)

    def should_continue(self, errors: dict[int, float], j: int, k: int) -> bool | None:
        """After row ``j`` of a step planned with ``k`` rows: ``True`` → add a row,
        ``False`` → accept now (``err_j ≤ 1``), ``None`` → reject now.
        """
        if j < 2:
            return True
        err = errors[j]
        if err <= 1:
            return False
        return None if j >= min(k + 1, self.k_max) else True

    def propose(
        self, errors: dict[int, float], h: Any, j_last: int, accepted: bool
    ) -> tuple[Any, int]:
        """Next ``(h, k)`` from the errors of the rows computed in this step.

        The row count moves by at most one per step (as in SEULEX): it is the cheaper per unit
        step, ``A_j/h_j`` with the *unclipped* ``h_j``, of the last two rows computed; after
        an accepted step it is raised by one when the last row was clearly (10 %) cheaper,
        with the step ``h_k·A_{k+1}/A_k``.  The step factor is clipped to [0.1, 4]; after a
        rejection the step always shrinks.
        """
        fac = {j: self.factor(errors[j], j) for j in (j_last - 1, j_last) if j in errors}
        cost = {j: self.work[j] / f for j, f in fac.items()}
        k = min(cost, key=cost.__getitem__)
        h_new = h * min(self.FAC_MAX, max(self.FAC_MIN, fac[k]))
        if not accepted:
            return min(h_new, h / 2), k
        if k == j_last and k < self.k_max and (k - 1 not in cost or cost[k] < 0.9 * cost[k - 1]):
            return h_new * self.work[k + 1] / self.work[k], k + 1
        return h_new, k
