"""The saddle attached to a sign pattern: least squares over the normal cone N(s).

Given the dual ``s`` of Algorithm 1 (THEORY.md §4), the saddle is

    β = argmin { L(β) : β ∈ N(s) },
    N(s) = { β : β_i ≥ 0 if s_i = 1,  β_i ≤ 0 if s_i = −1,  β_i = 0 if |s_i| < 1 },

a sign-constrained (non-negative after flipping signs by ``s``) least-squares problem in the
Gram form ``L(β) = ½βᵀHβ − cᵀβ + const``.  We solve it with the Lawson–Hanson active-set
method, warm-started from the previous saddle: the previous support stays feasible because its
coordinates sit at ±1 and do not move, so usually one or two active-set changes suffice.

Two linear-algebra back ends share that one method:

* :class:`ExactSystem` — python-flint ``fmpq_mat`` solves; every number is an exact rational
  and every comparison is exact (tolerance 0).
* :class:`FloatSystem` — float64 with a QR factorisation of the support columns ``X_P``
  updated in O(n²) when a coordinate enters or leaves (``scipy.linalg.qr_insert`` /
  ``qr_delete``); the d × d Gram matrix is never formed.

KKT conditions of the problem (what "solved" means): with ``g = Hβ − c``,
``g_i = 0`` on the support, ``s_i·g_i ≥ 0`` on the other coordinates with ``|s_i| = 1``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.linalg
from flint import fmpq, fmpq_mat

from dlnsym.errors import DegenerateProblemError

__all__ = ["ExactSystem", "FloatSystem", "solve_on_cone"]


class ExactSystem:
    """Exact rational back end: ``H``, ``c`` as object arrays of ``flint.fmpq``.

    Attributes
    ----------
    tol : 0
        Comparisons are exact.
    """

    exact = True

    def __init__(self, H: np.ndarray, c: np.ndarray, yy: fmpq) -> None:
        self.H = H
        self.c = c
        self.yy = yy
        self.tol = fmpq(0)
        self.tie_tol = fmpq(0)
        self.zero = fmpq(0)
        self.one = fmpq(1)
        self.support: list[int] = []
        self.in_support = np.zeros(len(c), dtype=bool)

    def gradient(self, beta: np.ndarray) -> np.ndarray:
        """``g = Hβ − c`` using only the support columns (β is zero elsewhere)."""
        P = self.support
        return self.H[:, P] @ beta[P] - self.c if P else -self.c

    def loss(self, beta: np.ndarray) -> fmpq:
        """``L(β) = ½βᵀHβ − cᵀβ + ‖y‖²/2n`` on the support ``P``."""
        P = self.support
        b = beta[P]
        return (b @ (self.H[np.ix_(P, P)] @ b)) / 2 - self.c[P] @ b + self.yy if P else self.yy

    def add(self, i: int) -> None:
        """Let coordinate ``i`` be free (nonzero) in the next solve."""
        self.support.append(i)
        self.in_support[i] = True

    def remove(self, i: int) -> None:
        """Pin coordinate ``i`` back to zero."""
        self.support.remove(i)
        self.in_support[i] = False

    def solve(self) -> np.ndarray:
        """``β_P = H_PP⁻¹ c_P`` on the current support ``P`` (exact).

        Raises
        ------
        DegenerateProblemError
            ``H_PP`` is singular: the columns of X on ``P`` are linearly dependent.
        """
        P = self.support
        if not P:
            return np.zeros(0, dtype=object)
        sub = fmpq_mat([[self.H[i, j] for j in P] for i in P])
        rhs = fmpq_mat([[self.c[i]] for i in P])
        try:
            sol = sub.solve(rhs)
        except ZeroDivisionError:
            raise _degenerate(P, _exact_dependent(sub, P)) from None
        return np.array([sol[k, 0] for k in range(len(P))], dtype=object)

    def dependent_coordinates(self, E: Sequence[int]) -> tuple[int, ...]:
        """Coordinates of ``E`` involved in a linear dependence of their columns (empty when
        the columns are independent)."""
        sub = fmpq_mat([[self.H[i, j] for j in E] for i in E])
        return _exact_dependent(sub, E) if sub.rank() < len(E) else ()


def _exact_dependent(sub: fmpq_mat, E: Sequence[int]) -> tuple[int, ...]:
    """Indices carrying a nonzero entry in a null vector of ``sub`` (from its RREF)."""
    R, rank = sub.rref()
    pivots = []
    for r in range(rank):
        pivots.append(next(j for j in range(sub.ncols()) if R[r, j] != 0))
    free = next(j for j in range(sub.ncols()) if j not in pivots)
    involved = {E[free]} | {E[p] for r, p in enumerate(pivots) if R[r, free] != 0}
    return tuple(sorted(involved))


class FloatSystem:
    """float64 back end working from ``X`` (never forms the d × d Gram matrix), with a QR
    factorisation of the support columns ``X_P`` updated as coordinates enter and leave.

    Parameters
    ----------
    X, y : ndarray
        The data; ``g = Xᵀ(X_P β_P − y)/n`` costs O(nd) per gradient.
    rtol : float
        Relative tolerance for zero gradients.
    cond_tol : float
        A new column whose component outside ``span(X_P)`` has squared norm below
        ``cond_tol·‖x_i‖²`` is numerically dependent: the minimiser is not unique.
    """

    exact = False

    def __init__(
        self, X: np.ndarray, y: np.ndarray, rtol: float = 1e-10, cond_tol: float = 1e-11
    ) -> None:
        self.Xt = np.ascontiguousarray(X.T)  # row i is column i of X: cheap gathers
        self.y = y
        self.n = X.shape[0]
        self.c = self.Xt @ y / self.n
        self.diag = np.einsum("ij,ij->i", self.Xt, self.Xt) / self.n
        scale = max(float(np.max(np.abs(self.c))), float(np.max(self.diag)), 1e-300)
        self.tol = rtol * scale
        self.tie_tol = 1e-12
        self.cond_tol = cond_tol
        self.zero = 0.0
        self.one = 1.0
        self.support: list[int] = []
        self.in_support = np.zeros(len(self.c), dtype=bool)
        self._Q = np.eye(self.n)  # X_P = Q R, full QR maintained by scipy's updates
        self._R = np.zeros((self.n, 0))
        self._XPt = np.zeros((0, self.n))  # rows: the support columns of X, in order

    def gram(self, rows: Sequence[int], cols: Sequence[int] | int) -> np.ndarray:
        """Entries ``H[rows, cols] = X_rowsᵀ X_cols / n``."""
        return self.Xt[rows] @ self.Xt[cols].T / self.n

    def residual(self, beta: np.ndarray) -> np.ndarray:
        """``r = X_P β_P − y``."""
        return beta[self.support] @ self._XPt - self.y

    def gradient(self, beta: np.ndarray) -> np.ndarray:
        """``g = Xᵀ(Xβ − y)/n``."""
        return self.Xt @ self.residual(beta) / self.n

    def loss(self, beta: np.ndarray) -> float:
        """``L(β) = ‖Xβ − y‖²/2n``."""
        r = self.residual(beta)
        return float(r @ r) / (2 * self.n)

    def add(self, i: int) -> None:
        """Append ``i`` to the support: insert column ``x_i`` into the QR factors of ``X_P``
        (``scipy.linalg.qr_insert``, O(n²))."""
        P = self.support
        if len(P) >= self.n:
            raise _degenerate(P + [i], self.dependent_coordinates(P + [i]))
        Q, R = scipy.linalg.qr_insert(
            self._Q, self._R, self.Xt[i], len(P), which="col", check_finite=False
        )
        # R_pp² = n·δ², δ² the Cholesky pivot of H_PP: the part of x_i outside span(X_P).
        if R[len(P), len(P)] ** 2 <= self.cond_tol * self.n * self.diag[i]:
            raise _degenerate(P + [i], self.dependent_coordinates(P + [i]))
        self._Q, self._R = Q, R
        self._XPt = np.vstack([self._XPt, self.Xt[i]])
        P.append(i)
        self.in_support[i] = True

    def remove(self, i: int) -> None:
        """Drop ``i`` from the support (``scipy.linalg.qr_delete``, O(n²))."""
        k = self.support.index(i)
        del self.support[k]
        self.in_support[i] = False
        self._XPt = np.delete(self._XPt, k, axis=0)
        self._Q, self._R = scipy.linalg.qr_delete(
            self._Q, self._R, k, 1, which="col", check_finite=False
        )

    def solve(self) -> np.ndarray:
        """``β_P = argmin ‖X_P β − y‖`` (equivalently ``H_PP β_P = c_P``) from the QR factors:
        ``R_P β_P = (Qᵀy)_P``."""
        p = len(self.support)
        qty = self._Q[:, :p].T @ self.y
        return scipy.linalg.solve_triangular(self._R[:p, :p], qty, check_finite=False)

    def dependent_coordinates(self, E: Sequence[int]) -> tuple[int, ...]:
        """Coordinates of ``E`` with a non-negligible entry in a numerical null vector of
        ``H_EE`` (empty when it is well conditioned)."""
        sub = self.gram(E, E)
        w, V = np.linalg.eigh(sub)
        if w[0] > self.cond_tol * max(float(np.max(np.diag(sub))), 1e-300):
            return ()
        v = np.abs(V[:, 0])
        return tuple(sorted(E[k] for k in np.flatnonzero(v > 1e-6 * v.max())))


def _degenerate(P: Sequence[int], involved: tuple[int, ...]) -> DegenerateProblemError:
    coords = involved or tuple(sorted(P))
    return DegenerateProblemError(
        f"the constrained least-squares problem has no unique minimiser: the columns of X "
        f"for coordinates {list(coords)} (0-based) are linearly dependent (duplicate or "
        "collinear features?); remove or merge them, or perturb the data",
        coords,
    )


def solve_on_cone(
    system: ExactSystem | FloatSystem, s: np.ndarray, beta: np.ndarray, g: np.ndarray
) -> np.ndarray:
    """Minimise ``L`` over the normal cone ``N(s)`` (Lawson–Hanson, warm start).

    Parameters
    ----------
    system : ExactSystem or FloatSystem
        Holds ``H``, ``c`` and the current support, which must be the support of ``beta``.
    s : ndarray, shape (d,)
        Dual variable; coordinates with ``|s_i| = 1`` (exactly) may be nonzero, with the
        sign of ``s_i``.
    beta : ndarray, shape (d,)
        A feasible starting point that minimises ``L`` on its own support (the previous
        saddle).  Modified in place into the new saddle.
    g : ndarray, shape (d,)
        The gradient ``Hβ − c`` at ``beta``.

    Returns
    -------
    g : ndarray
        The gradient ``Hβ − c`` at the new saddle.

    Raises
    ------
    DegenerateProblemError
        The minimiser is not unique (dependent columns among the coordinates that could be
        nonzero).
    """
    candidates = np.flatnonzero(np.abs(s) == system.one)
    while True:
        outside = candidates[~system.in_support[candidates]]
        if outside.size == 0:
            break
        # Most negative directional derivative s_i·g_i along the cone's free directions.
        entering = int(outside[np.argmin(s[outside] * g[outside])])
        if s[entering] * g[entering] >= -system.tol:
            break
        system.add(entering)
        if not _restore_feasibility(system, s, beta, entering):
            break
        g = system.gradient(beta)
    _check_unique(system, candidates, g)
    return g


def _restore_feasibility(
    system: ExactSystem | FloatSystem, s: np.ndarray, beta: np.ndarray, entering: int
) -> bool:
    """Inner loop of Lawson–Hanson: move from ``beta`` towards the unconstrained minimiser on
    the support, dropping coordinates that reach zero, until that minimiser is feasible.

    Returns False when (in floating point only) the entering coordinate comes out with the
    wrong sign straight away: its negative derivative was rounding noise.
    """
    first = True
    while True:
        P = list(system.support)
        z = system.solve()
        bad = [int(k) for k in np.flatnonzero(s[P] * z <= system.zero)]
        if not bad:
            beta[P] = z
            return True
        if first and not system.exact and bad == [P.index(entering)]:
            system.remove(entering)
            return False
        first = False
        # Largest step a ∈ [0, 1) keeping s_i·β_i ≥ 0: a = min β_i / (β_i − z_i).
        steps = {P[k]: beta[P[k]] / (beta[P[k]] - z[k]) for k in bad}
        a = min(steps.values())
        beta[P] = beta[P] + a * (z - beta[P])
        for i in P:
            if steps.get(i) == a or s[i] * beta[i] <= system.zero:
                beta[i] = system.zero
                system.remove(i)


def _check_unique(system: ExactSystem | FloatSystem, candidates: np.ndarray, g: np.ndarray) -> None:
    """Refuse a non-unique minimiser.

    All minimisers share ``g``; any minimiser is supported on ``E = P ∪ {i : |s_i| = 1,
    g_i = 0}``, and the minimiser is unique when the columns of X on ``E`` are independent.
    (When ``E ≠ P`` and they are dependent the minimiser may still be unique; we refuse
    anyway, naming the coordinates, rather than risk a silent choice.)
    """
    P = system.support
    outside = candidates[~system.in_support[candidates]]
    extra = [int(i) for i in outside[np.abs(g[outside]) <= system.tol]]
    if extra:
        involved = system.dependent_coordinates(P + extra)
        if involved:
            raise _degenerate(P + extra, involved)
