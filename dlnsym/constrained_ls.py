"""The saddle attached to a sign pattern: least squares over the normal cone N(s).

Given the dual ``s`` of Algorithm 1 (see the theory page), the saddle is

    β = argmin { L(β) : β ∈ N(s) },
    N(s) = { β : β_i ≥ 0 if s_i = 1,  β_i ≤ 0 if s_i = −1,  β_i = 0 if |s_i| < 1 },

a sign-constrained (non-negative after flipping signs by ``s``) least-squares problem in the
Gram form ``L(β) = ½βᵀHβ − cᵀβ + const``.  We solve it with the Lawson–Hanson active-set
method, warm-started from the previous saddle: the previous support stays feasible because its
coordinates sit at ±1 and do not move, so usually one or two active-set changes suffice.

Two linear-algebra back ends share that one method:

* :class:`ExactSystem` — python-flint ``fmpq_mat`` solves; every number is an exact rational
  and every comparison is exact (tolerance 0).
* :class:`FloatSystem` — float64 with the Cholesky factor of ``H_PP`` bordered in O(np) when
  a coordinate enters and re-triangularised by an orthogonal transformation of its trailing
  block when one leaves (Householder for small blocks, Givens rotations otherwise), together
  with ``w = R⁻ᵀc_P`` so that each solve is one back substitution; the d × d Gram matrix is
  never formed.  Gradients are evaluated only on the *awake* coordinates
  (:class:`Dormancy`): a coordinate far from ±1 is dormant until a step could bring it there
  (a Cauchy–Schwarz bound on ``s = Xᵀρ``), so a step costs O(n·#awake), not O(n·d) —
  from ``n·d ≥`` :attr:`Dormancy.MIN_SIZE` on; below, a full ``Xᵀρ`` costs less than the
  bookkeeping and every coordinate stays awake.

KKT conditions of the problem (what "solved" means): with ``g = Hβ − c``,
``g_i = 0`` on the support, ``s_i·g_i ≥ 0`` on the other coordinates with ``|s_i| = 1``.

Tolerances (float back end) are relative to the scale of what they test, so that the path is
covariant under ``X → aX, y → by`` (``β → (b/a)β``, ``g → ab·g``, ``t → t/(ab)``, ``s → s``):

* "``g_i = 0``" (and the sign tests ``s_i·g_i ≥ 0``) is
  ``|g_i| ≤ rtol·(|X|ᵀ(|X_P||β_P| + |y|))_i/n``: relative to the size of the terms whose
  cancellation gives ``g_i = x_iᵀ(X_Pβ_P − y)/n`` (it bounds ``|c_i| + (|H||β|)_i``, and
  scales like ``ab``);
* "``x_i`` depends on ``X_P``" is a numerical-rank test: the distance of ``x_i`` to
  ``span(X_P)``, relative to ``‖x_i‖``, at most ``rank_tol·ε·max(n, p)·κ(X_P)`` (ratio of
  ``a`` quantities; :meth:`FloatSystem._rank_tolerance`);
* "hit at the same time" compares times with times, ``t + τ_i ≤ (t + Δ)(1 + tie_tol)``;
* signs of ``β`` and of ``s`` need no tolerance (``|s_i| ≥ 1`` is a clip).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.linalg
from flint import fmpq, fmpq_mat
from scipy.linalg.lapack import dgeqrf, dtrcon, dtrtrs

from dlnsym.errors import DegenerateProblemError

__all__ = ["Dormancy", "ExactSystem", "FloatSystem", "solve_on_cone"]

#: Largest trailing block re-triangularised by a dense Householder QR (LAPACK ``geqrf``, O(m³)
#: but one call) rather than by Givens rotations (``qr_delete``, O(m²) with more overhead);
#: the two cost the same near m = 60 (measured).
_HOUSEHOLDER_MAX = 48

#: Upper-triangle mask for copying a triangular block (``np.triu`` without its temporaries).
_UPPER = np.triu(np.ones((_HOUSEHOLDER_MAX + 1, _HOUSEHOLDER_MAX + 1), dtype=bool))

#: Unit roundoff of float64.
_EPS = float(np.finfo(float).eps) / 2

#: ``H_ii − ‖u‖²`` below this fraction of ``H_ii`` has cancelled too many digits to decide
#: dependence: the distance to the span is then computed from the residual.
_CANCELLED = 1e-2

#: An empty index array (no coordinate zero to rounding: see :meth:`FloatSystem.off_cone`).
_NONE = np.zeros(0, dtype=np.intp)

#: The next jump: ``(Δ, hitting coordinates)``.
Jump = tuple[Any, np.ndarray]


class _Support:
    """The support ``P`` (coordinates free to be nonzero), kept as an integer array in
    insertion order plus a boolean mask, so that numpy indexing never converts lists."""

    def _init_support(self, d: int) -> None:
        self._P = np.empty(d, dtype=np.intp)
        self.p = 0
        self.in_support = np.zeros(d, dtype=bool)
        self.boundary = np.zeros(0, dtype=np.intp)  # coordinates with |s_i| = 1

    @property
    def support(self) -> np.ndarray:
        """The support ``P`` as an integer array (a view: copy it before changing ``P``)."""
        return self._P[: self.p]

    def _append(self, i: int) -> None:
        self._P[self.p] = i
        self.p += 1
        self.in_support[i] = True

    def _delete(self, i: int) -> int:
        """Remove ``i`` from ``P``; returns its former position."""
        k = int((self.support == i).argmax())
        self._P[k : self.p - 1] = self._P[k + 1 : self.p]
        self.p -= 1
        self.in_support[i] = False
        return k


class ExactSystem(_Support):
    """Exact rational back end: ``H``, ``c`` as object arrays of ``flint.fmpq``.

    Comparisons are exact: every tolerance is 0.  Solves on the support ``P`` are
    ``fmpq_mat`` solves of ``H_PP β_P = c_P``.

    Parameters
    ----------
    H : ndarray of fmpq, shape (d, d)
        The Gram matrix ``XᵀX/n``.
    c : ndarray of fmpq, shape (d,)
        ``Xᵀy/n``, so that ``L(β) = ½βᵀHβ − cᵀβ + ‖y‖²/2n``.
    yy : fmpq
        The constant ``‖y‖²/2n`` (the loss at ``β = 0``).

    Attributes
    ----------
    support : ndarray of int
        The support ``P`` (coordinates free to be nonzero), in insertion order.
    boundary : ndarray of int
        ``{i : |s_i| = 1}`` as last given to :func:`solve_on_cone`.

    Examples
    --------
    ``X = I``, ``y = (2, 1)`` (n = 2): ``H = I/2``, ``c = (1, ½)``, ``L(0) = 5/4``.  From
    ``β = 0`` the dual ``s`` moves with velocity ``−g = c`` and coordinate 0 reaches 1 at
    ``Δ = 1`` (the first jump time):

    >>> import numpy as np
    >>> from flint import fmpq
    >>> H = np.array([[fmpq(1, 2), fmpq(0)], [fmpq(0), fmpq(1, 2)]], dtype=object)
    >>> system = ExactSystem(H, np.array([fmpq(1), fmpq(1, 2)], dtype=object), fmpq(5, 4))
    >>> beta = np.array([fmpq(0), fmpq(0)], dtype=object)
    >>> g = system.gradient(beta)
    >>> g.tolist(), system.loss()
    ([-1, -1/2], 5/4)
    >>> delta, hitting = system.next_jump(-g, np.array([fmpq(0), fmpq(0)], dtype=object))
    >>> delta, hitting.tolist()
    (1, [0])
    """

    exact = True

    def __init__(self, H: np.ndarray, c: np.ndarray, yy: fmpq) -> None:
        self.H = H
        self.c = c
        self.yy = yy
        self.zero = fmpq(0)
        self.one = fmpq(1)
        self._init_support(len(c))
        self._at = (self.support.copy(), np.zeros(0, dtype=object))  # (P, β_P) of the last gradient

    def next_jump(self, velocity: np.ndarray, s: np.ndarray, t: Any = None) -> Jump | None:
        """``Δ = min_i τ_i`` over the moving coordinates, ``τ_i = (1 ∓ s_i)/|v_i|`` for
        ``v_i ≷ 0`` (the time to reach ±1), and the coordinates with ``τ_i = Δ``; None when
        nothing moves.  (``t``, the current time, is unused: ties are exact.)"""
        moving = (velocity != self.zero).nonzero()[0]
        if moving.size == 0:
            return None
        v = velocity[moving]
        tau = (self.one - np.sign(v) * s[moving]) / np.abs(v)
        delta = tau.min()
        return delta, moving[tau == delta]

    def land(self, s: np.ndarray, velocity: np.ndarray, hitting: np.ndarray) -> np.ndarray:
        """Put the hitting coordinates on ``sign(v_i) = ±1`` (in place) and return the
        boundary ``{i : |s_i| = 1}``."""
        s[hitting] = np.where(velocity[hitting] > self.zero, self.one, -self.one)
        return (np.abs(s) == self.one).nonzero()[0]

    def gradient(self, beta: np.ndarray) -> np.ndarray:
        """``g = Hβ − c`` using only the support columns (β is zero elsewhere); ``(P, β_P)``
        is kept for :meth:`loss`."""
        P = self.support
        self._at = (P.copy(), beta[P])
        return self.H[:, P] @ beta[P] - self.c if self.p else -self.c

    #: Upper bound on every tolerance of :meth:`negligible`: comparisons are exact.
    tol_bound = fmpq(0)

    def negligible(self, x: np.ndarray, idx: np.ndarray | None = None) -> np.ndarray:
        """Positions ``k`` with ``x_k = 0`` (gradient entries or slopes): the tolerance is 0."""
        return (x == self.zero).nonzero()[0]

    def off_cone(self, sz: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(bad, tiny)`` for ``β_P = z`` given ``sz = s_P·z``: ``bad = {k : s_k z_k ≤ 0}``
        (positions in ``P``); ``tiny`` is empty, no coordinate is zero to rounding."""
        return (sz <= self.zero).nonzero()[0], _NONE

    def loss(self) -> fmpq:
        """``L(β) = ½βᵀHβ − cᵀβ + ‖y‖²/2n`` at the ``β`` of the last :meth:`gradient` call."""
        P, b = self._at
        if not len(P):
            return self.yy
        return (b @ (self.H[np.ix_(P, P)] @ b)) / 2 - self.c[P] @ b + self.yy

    def add(self, i: int) -> None:
        """Let coordinate ``i`` be free (nonzero) in the next solve."""
        self._append(i)

    def remove(self, i: int) -> None:
        """Pin coordinate ``i`` back to zero."""
        self._delete(i)

    def solve(self) -> np.ndarray:
        """``β_P = H_PP⁻¹ c_P`` on the current support ``P`` (exact).

        Raises
        ------
        DegenerateProblemError
            ``H_PP`` is singular: the columns of X on ``P`` are linearly dependent.
        """
        P = self.support
        if not self.p:
            return np.zeros(0, dtype=object)
        sub = fmpq_mat([[self.H[i, j] for j in P] for i in P])
        rhs = fmpq_mat([[self.c[i]] for i in P])
        try:
            sol = sub.solve(rhs)
        except ZeroDivisionError:
            raise _degenerate(P, _exact_dependent(sub, P), "exactly") from None
        return np.array([sol[k, 0] for k in range(len(P))], dtype=object)

    def dependent_coordinates(self, E: Sequence[int]) -> tuple[tuple[int, ...], str]:
        """Coordinates of ``E`` involved in a linear dependence of their columns and a
        description (``((), "")`` when the columns are independent)."""
        sub = fmpq_mat([[self.H[i, j] for j in E] for i in E])
        if sub.rank() == len(E):
            return (), ""
        return _exact_dependent(sub, E), "exactly"


def _exact_dependent(sub: fmpq_mat, E: Sequence[int]) -> tuple[int, ...]:
    """Indices carrying a nonzero entry in a null vector of ``sub`` (from its RREF)."""
    R, rank = sub.rref()
    pivots = []
    for r in range(rank):
        pivots.append(next(j for j in range(sub.ncols()) if R[r, j] != 0))
    free = next(j for j in range(sub.ncols()) if j not in pivots)
    involved = {E[free]} | {E[p] for r, p in enumerate(pivots) if R[r, free] != 0}
    return tuple(sorted(involved))


class FloatSystem(_Support):
    """float64 back end working from ``X`` (never forms the d × d Gram matrix), with the
    Cholesky factor of ``H_PP`` updated in O(p²) as coordinates enter and leave.

    Parameters
    ----------
    X, y : ndarray
        The data; ``g = Xᵀ(X_P β_P − y)/n`` costs O(nd) per gradient.
    rtol : float
        ``g_i`` counts as zero when ``|g_i| ≤ rtol·(|X|ᵀ(|X_P||β_P| + |y|))_i/n``, relative to
        the size of the terms of ``g_i`` (see :meth:`gradient_tol`).
    rank_tol : float
        Safety factor of the numerical-rank test: a new column within
        ``rank_tol·ε·max(n, p)·κ(X_P)`` (relative) of ``span(X_P)`` is dependent, and the
        minimiser is not unique (:meth:`_rank_tolerance`).
    tie_tol : float
        Hit times ``t + τ_i`` within ``tie_tol·(t + Δ)`` of the next jump time ``t + Δ`` are
        ties (see :meth:`next_jump`).

    Every test is scale-free: under ``X → aX, y → by`` the path maps to ``β → (b/a)β``,
    ``t → t/(ab)`` up to rounding (module docstring).

    Examples
    --------
    The first saddle of ``X = I``, ``y = (2, 1)``: coordinate 0 enters at ``t = 1`` and
    ``β₁ = (2, 0)`` (up to rounding) with loss ``L(β₁) = ¼``:

    >>> system = FloatSystem(np.eye(2), np.array([2.0, 1.0]))
    >>> beta, s = np.zeros(2), np.zeros(2)
    >>> g = system.gradient(beta)
    >>> delta, hitting = system.next_jump(-g, s)
    >>> s += delta * -g
    >>> g = solve_on_cone(system, s, beta, g, system.land(s, -g, hitting))
    >>> float(delta), beta.round(12).tolist(), system.support.tolist(), system.loss()
    (1.0, [2.0, 0.0], [0], 0.25)
    >>> system.cholesky_factor.round(6).tolist()      # R with RᵀR = H_PP = [½]
    [[0.707107]]
    """

    exact = False

    def __init__(
        self,
        X: np.ndarray,
        y: np.ndarray,
        rtol: float = 1e-10,
        rank_tol: float = 10.0,
        tie_tol: float = 1e-12,
    ) -> None:
        self.Xt = np.ascontiguousarray(X.T)  # row i is column i of X: cheap gathers
        self.y = y
        self.n = X.shape[0]
        self.c = self.Xt @ y / self.n
        self.diag = np.einsum("ij,ij->i", self.Xt, self.Xt) / self.n
        self.norms = np.sqrt(self.diag * self.n)  # ‖x_i‖₂
        self.rtol = rtol
        self.tie_tol = tie_tol
        self.rank_tol = rank_tol
        self.zero = 0.0
        self.one = 1.0
        self._init_support(len(self.c))
        # Buffers of a common capacity (doubled when full), used in their first p rows/columns:
        # R (Fortran order, zero below the diagonal): upper Cholesky factor, RᵀR = H_PP; LAPACK
        # reads the p × p factor in place from the columns R[:, :p] (leading dimension =
        # capacity), so bordering writes one column and copies nothing.
        self._Rb = np.zeros((16, 16), order="F")
        self._w = np.empty(16)  # w = R⁻ᵀc_P (forward-solved right-hand side)
        self._r = -y  # residual X_Pβ_P − y at the last gradient evaluation
        self._y_norm = float(np.sqrt(y @ y))
        self._at = (self.support.copy(), np.zeros(0))  # (P, β_P) at the last gradient
        self._terms: np.ndarray | None = None  # m = |X_P||β_P| + |y| there, on demand
        self._screen = rtol * self._y_norm / self.n  # rtol·(bound on ‖m‖)/n there
        self._max_norm = float(np.max(self.norms))
        # Upper bound on every tolerance of negligible() at the last gradient (beyond it, no
        # test is needed): rtol·max_i ‖x_i‖·(Σ_{j∈P} |β_j|·‖x_j‖ + ‖y‖)/n.
        self.tol_bound = self._screen * self._max_norm
        self._XPt = np.empty((16, self.n))  # first p rows: the support columns of X, in order
        self.dormancy = Dormancy(self.Xt, self.norms)

    def gram(self, rows: Sequence[int], cols: Sequence[int] | int) -> np.ndarray:
        """Entries ``H[rows, cols] = X_rowsᵀ X_cols / n``."""
        return self.Xt[rows] @ self.Xt[cols].T / self.n

    def next_jump(self, velocity: np.ndarray, s: np.ndarray, t: float = 0.0) -> Jump | None:
        """``Δ = min_i τ_i``, ``τ_i = (±1 − s_i)/v_i`` for ``v_i ≷ 0`` (the time to reach ±1),
        and the coordinates that hit at the same time up to rounding,
        ``t + τ_i ≤ (t + Δ)·(1 + tie_tol)`` (times compared with times: the current time
        ``t ≥ 0`` carries a relative rounding error that no later event can resolve); None
        when nothing moves.

        One pass over d, no gather: with ``±1 = copysign(1, v_i)`` a coordinate with
        ``v_i = ±0`` gets ``τ_i = +∞`` or, on the boundary, NaN, which ``fmin`` skips.
        """
        tau = np.copysign(1.0, velocity)
        tau -= s
        tau /= velocity  # ±1/0 and 0/0 by design: the caller silences those warnings
        delta = np.fmin.reduce(tau)
        if not delta < np.inf:
            return None
        return delta, (tau <= delta + self.tie_tol * (t + delta)).nonzero()[0]

    def land(self, s: np.ndarray, velocity: np.ndarray, hitting: np.ndarray) -> np.ndarray:
        """Put the hitting coordinates on ``sign(v_i) = ±1`` and return the boundary
        ``{i : |s_i| = 1}``, after putting back onto ±1 the coordinates that rounding pushed
        past it: ``s_i ← sign(s_i)`` where ``|s_i| ≥ 1`` (= clipping s to [−1, 1]).

        ``s`` is modified in place.
        """
        s[hitting] = np.sign(velocity[hitting])
        boundary = (np.abs(s) >= 1.0).nonzero()[0]
        s[boundary] = np.sign(s[boundary])
        return boundary

    def residual(self, beta: np.ndarray) -> np.ndarray:
        """``r = X_P β_P − y``."""
        return beta[self.support] @ self._XPt[: self.p] - self.y

    def gradient(self, beta: np.ndarray) -> np.ndarray:
        """``g = Xᵀ(Xβ − y)/n`` (the 1/n applied to the short residual, which is kept for
        :meth:`loss`); ``(P, β_P)`` is kept for the tolerances (:meth:`gradient_tol`), with
        the O(p) bound ``‖m‖ ≤ Σ_{j∈P} |β_j|·‖x_j‖ + ‖y‖`` on the size of the residual's
        terms ``m = |X_P||β_P| + |y|`` (:meth:`negligible`) and :attr:`tol_bound`."""
        p = self.p
        P = self._P[:p].copy()
        b = beta[P]
        self._r = b @ self._XPt[:p] - self.y
        self._at = (P, b)
        self._terms = None
        self._screen = self.rtol * (float(np.abs(b) @ self.norms[P]) + self._y_norm) / self.n
        self.tol_bound = self._screen * self._max_norm
        return self.dormancy.gradient(self._r / self.n)

    def gradient_tol(self, idx: np.ndarray) -> np.ndarray:
        """Tolerances of the tests ``g_i = 0`` and ``s_i·g_i ≥ 0`` at the last gradient, for
        ``i ∈ idx``: ``rtol`` times the size of the terms of ``g_i``,

        ``tol_i = rtol·(|X|ᵀ m)_i / n``,  ``m = |X_P||β_P| + |y|``,

        since ``g_i = Σ_a X_ai (Σ_j X_aj β_j − y_a)/n``; ``tol_i ≥ rtol·(|c_i| + (|H||β|)_i)``
        and it scales like ``g`` (``ab`` under ``X → aX, y → by``).  O(n·(|idx| + p)).
        """
        if self._terms is None:
            P, b = self._at
            rows = (np.abs(self._XPt[: self.p]) if np.array_equal(P, self.support)
                    else _abs_rows(self.Xt, P))
            self._terms = np.abs(b) @ rows + np.abs(self.y)
        return self.rtol * (_abs_rows(self.Xt, idx) @ self._terms) / self.n

    def off_cone(self, sz: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(bad, tiny)`` for ``β_P = z`` given ``sz = s_P·z`` (positions in ``P``):
        ``bad = {k : s_k z_k ≤ 0}`` (wrong sign or zero) and, when ``bad`` is empty, ``tiny``,
        the coordinates zero to rounding relative to the size of the terms of the prediction
        ``X_P z = Σ_j x_j z_j``:

        ``|z_k|·‖x_k‖ ≤ rtol·Σ_{j∈P} |z_j|·‖x_j‖``

        (both sides scale like ``b`` under ``X → aX, y → by``, and the test is unchanged by
        rescaling single columns).

        Both empty (the usual case) is one test: ``s_k = ±1`` on ``P``, so
        ``w_k = s_k z_k·‖x_k‖`` is ``|z_k|·‖x_k‖`` when every ``s_k z_k > 0``, and
        ``min_k w_k > |rtol·Σ_k w_k|`` holds exactly when all ``w_k > 0`` and none is ``tiny``.
        It is screened without the sum (two ``arg`` searches cost less than one reduction):
        ``min_k w_k > 2p·rtol·max_k w_k`` implies it, rounding of the sum included.
        """
        p = len(sz)
        if not p:
            return _NONE, _NONE
        w = sz * self.norms[self.support]
        lo = w[w.argmin()]
        if lo > 2 * p * self.rtol * w[w.argmax()]:
            return _NONE, _NONE
        cut = self.rtol * np.add.reduce(w)
        if lo > abs(cut):
            return _NONE, _NONE
        bad = (sz <= 0.0).nonzero()[0]
        return (bad, _NONE) if bad.size else (_NONE, (w <= cut).nonzero()[0])

    def negligible(self, x: np.ndarray, idx: np.ndarray | None = None) -> np.ndarray:
        """Positions ``k`` with ``|x_k| ≤ tol_{idx_k}`` (:meth:`gradient_tol`; ``idx``
        defaults to all coordinates), ``x`` being gradient entries or slopes ``s_i·g_i`` at the
        last gradient: those that are zero to rounding.

        Screened by Cauchy–Schwarz and the triangle inequality,
        ``tol_i ≤ rtol·‖x_i‖·‖m‖/n ≤ rtol·‖x_i‖·(Σ_{j∈P} |β_j|·‖x_j‖ + ‖y‖)/n``, in O(len(x))
        with ``max_i ‖x_i‖`` (:attr:`tol_bound`), then per coordinate: only the (few) nonzero
        entries under both bounds get their O(n) tolerance computed.
        """
        ax = np.abs(x)
        small = (ax <= self.tol_bound).nonzero()[0]
        under = ax[small]
        if np.count_nonzero(under):  # (else: all exact zeros, no test)
            cand = small[under > 0.0]
            i = cand if idx is None else idx[cand]
            big = ax[cand] > self.norms[i] * self._screen
            test = (~big).nonzero()[0]
            if test.size:
                big[test] = ax[cand[test]] > self.gradient_tol(i[test])
            if big.any():
                small = np.setdiff1d(small, cand[big], assume_unique=True)
        return small

    def loss(self) -> float:
        """``L(β) = ‖Xβ − y‖²/2n`` at the ``β`` of the last :meth:`gradient` call (from the
        residual kept there)."""
        return float(self._r @ self._r) / (2 * self.n)

    def add(self, i: int) -> None:
        """Append ``i`` to the support and border the Cholesky factor (one new column, in
        place) and ``w``, O(np + p²):

        ``Rᵀu = H_Pi``,  ``δ² = H_ii − ‖u‖²``,  ``R ← [[R, u], [0, δ]]``,
        ``w ← [w, (c_i − u·w)/δ]``.

        ``δ·√n`` is the distance of ``x_i`` to ``span(X_P)``.  When ``δ² < H_ii/100`` the
        subtraction has cancelled digits, and ``δ`` is recomputed from the residual itself
        (:meth:`_distance_to_span`); the column is refused as dependent when that distance is
        within the rank tolerance (:meth:`_rank_tolerance`).

        Raises
        ------
        DegenerateProblemError
            ``x_i`` lies in ``span(X_P)`` to working precision; names the columns.
        """
        p = self.p
        x = self.Xt[i]
        h = self._XPt[:p] @ x / self.n
        u = dtrtrs(self._Rb[:, :p], h, lower=0, trans=1)[0] if p else h
        h_ii = self.diag[i]
        pivot = h_ii - u @ u  # δ²: the part of x_i outside span(X_P), squared
        if pivot < _CANCELLED * h_ii:
            dist, z = self._distance_to_span(x, u)
            tol = self._rank_tolerance(p + 1) * self.norms[i]
            if not dist > tol:
                raise self._dependent_column(i, z, dist, tol)
            pivot = dist * dist / self.n
        if p == len(self._w):
            self._XPt = np.vstack([self._XPt, np.empty_like(self._XPt)])
            self._w = np.concatenate([self._w, np.empty_like(self._w)])
            Rb = np.zeros((2 * p, 2 * p), order="F")
            Rb[:p, :p] = self._Rb
            self._Rb = Rb
        self._Rb[:p, p] = u
        self._Rb[p, p] = delta = math.sqrt(pivot)
        self._w[p] = (self.c[i] - u @ self._w[:p]) / delta
        self._XPt[p] = x
        self._append(i)

    def _distance_to_span(self, x: np.ndarray, u: np.ndarray) -> tuple[float, np.ndarray]:
        """``(‖x − X_P z‖, z)`` with ``z`` the least-squares coefficients of ``x`` on ``X_P``,
        from the corrected seminormal equations (Björck): ``z = R⁻¹u``, ``r = x − X_P z``,
        then one correction ``z += R⁻¹R⁻ᵀX_Pᵀr/n``, ``r −= X_P·(that)``.  The residual is
        formed directly, so its norm is accurate to about ``ε·κ(X_P)·‖x‖`` even when it is
        far below ``‖x‖`` (where ``H_ii − ‖u‖²`` has lost every digit)."""
        p = self.p
        if not p:
            return float(np.sqrt(x @ x)), np.zeros(0)
        R, XP = self._Rb[:, :p], self._XPt[:p]
        z = dtrtrs(R, u, lower=0)[0]
        r = x - z @ XP
        v = dtrtrs(R, XP @ r / self.n, lower=0, trans=1)[0]
        dz = dtrtrs(R, v, lower=0)[0]
        z += dz
        r -= dz @ XP
        return float(np.sqrt(r @ r)), z

    def _rank_tolerance(self, size: int) -> float:
        """Relative distance below which a column counts as in the span of the support
        columns: ``rank_tol·ε·max(n, size)·κ₁(R)``.

        ``ε·max(n, size)`` is the usual numerical-rank threshold (LAPACK's, numpy's
        ``matrix_rank``) relative to the norms involved; ``κ₁(R) = κ₁(X_P/√n)`` (LAPACK
        ``trcon`` estimate, O(p²)) scales it by the accuracy of the computed distance, which
        is about ``ε·κ(X_P)`` relative.  Data in general position are far above it
        (Gaussian columns: a relative distance of order ``√((n − p)/n)``).
        """
        kappa = 1.0
        if self.p:
            rcond = dtrcon(self._Rb[: self.p, : self.p], norm="1")[0]
            kappa = 1.0 / rcond if rcond > 0 else np.inf
        return self.rank_tol * _EPS * max(self.n, size) * kappa

    def _dependent_column(
        self, i: int, z: np.ndarray, dist: float, tol: float
    ) -> DegenerateProblemError:
        """The refusal of :meth:`add`: ``x_i ≈ X_P z``; the columns named are ``i`` and
        those ``j ∈ P`` whose share ``|z_j|·‖x_j‖`` of that combination is above 1e-6 of
        the largest."""
        P = self.support
        share = np.abs(z) * self.norms[P]
        span = sorted(int(j) for j in P[share > 1e-6 * share.max()]) if share.size else []
        rel, rtol = dist / self.norms[i], tol / self.norms[i]
        return _degenerate(
            [*P, i], tuple([*span, i]),
            f"column {i} is within {rel:.2g} (relative distance) of the span of "
            f"column{'s' if len(span) != 1 else ''} {_shorten(span)}, below the rank "
            f"tolerance {rtol:.2g} (ε·max(n, p)·κ(X_P) × {self.rank_tol:g})",
        )

    def remove(self, i: int) -> None:
        """Drop ``i`` (position ``k`` in ``P``) from the support, in place in O(pm) (plus
        O(m³) for a small trailing block).

        Deleting column k of ``R`` keeps rows ``< k`` triangular; the rest, with ``w``
        alongside, is the upper Hessenberg ``(m+1) × (m+1)`` matrix
        ``A = [R[k:, k+1:] | w[k:]]`` (m = p − 1 − k).  An orthogonal ``Q`` with ``QᵀA``
        upper triangular gives the new factor and ``w`` (``R'ᵀR' = RᵀR`` without row and
        column k, ``R'ᵀw' = c_P'``)::

            R' = [[R[:k, :k], R[:k, k+1:]],       w' = [w[:k], (QᵀA)[:m, m]]
                  [0,         (QᵀA)[:m, :m]]]

        ``Q``: Householder reflections (``geqrf``) for m ≤ ``_HOUSEHOLDER_MAX``, else Givens
        rotations (``scipy.linalg.qr_delete`` of column 0 from ``[R[k:, k:] | w[k:]]``).
        """
        p, n = self.p, self.n
        k = self._delete(i)
        m = p - 1 - k
        # Rows k+1.. up by one, as one 1-D move (a 2-D overlapping one goes through a copy).
        rows = self._XPt.reshape(-1)
        rows[k * n : (p - 1) * n] = rows[(k + 1) * n : p * n]
        R = self._Rb
        if m <= _HOUSEHOLDER_MAX:
            A = np.empty((m + 1, m + 1), order="F")
            A[:, :m] = R[k:p, k + 1 : p]
            A[:, m] = self._w[k:p]
            T = dgeqrf(A, overwrite_a=1)[0]  # upper triangle: QᵀA; below it: reflectors
            upper: np.ndarray | bool = _UPPER[:m, :m]
        else:
            T = scipy.linalg.qr_delete(np.eye(m + 1), np.column_stack([R[k:p, k:p], self._w[k:p]]),
                                       0, 1, which="col", overwrite_qr=True, check_finite=False)[1]
            upper = True
        # In place, O(pm): shift columns k+1.. left above row k, write the new block (its
        # upper triangle: below it, R's diagonal block is zero already).
        R[:k, k : p - 1] = R[:k, k + 1 : p]
        np.copyto(R[k : p - 1, k : p - 1], T[:m, :m], where=upper)
        R[:p, p - 1] = 0.0  # the old last column, now outside R: keep the buffer clean
        self._w[k : p - 1] = T[:m, m]

    def solve(self) -> np.ndarray:
        """``β_P = H_PP⁻¹ c_P = R⁻¹w`` with ``w = R⁻ᵀc_P`` kept up to date by :meth:`add` and
        :meth:`remove`: one back substitution (LAPACK ``trtrs``, called directly: the solves
        are small and wrapper overhead would dominate)."""
        if not self.p:
            return np.zeros(0)
        return dtrtrs(self._Rb[:, : self.p], self._w[: self.p], lower=0)[0]

    @property
    def cholesky_factor(self) -> np.ndarray:
        """``R`` (p × p upper triangular, ``RᵀR = H_PP``), a view into the buffer."""
        return self._Rb[: self.p, : self.p]

    def dependent_coordinates(self, E: Sequence[int]) -> tuple[tuple[int, ...], str]:
        """Coordinates of ``E`` with a non-negligible entry in a numerical null vector of
        ``X_E`` and a description of the dependence (``((), "")`` when ``X_E`` has full
        numerical rank).

        Numerical rank from the SVD of ``X_E``: dependent when
        ``σ_min ≤ rank_tol·ε·max(n, |E|)·σ_max`` (the threshold of :meth:`_rank_tolerance`
        with ``κ = 1``: the singular values are computed backward stably).
        """
        wide = len(E) > self.n  # more columns than rows: a null vector exists
        _, sigma, Vt = np.linalg.svd(self.Xt[list(E)].T, full_matrices=wide)
        rel = sigma[-1] / sigma[0] if not wide and sigma[0] > 0 else 0.0
        tol = self.rank_tol * _EPS * max(self.n, len(E))
        if rel > tol:
            return (), ""
        v = np.abs(Vt[-1]) * self.norms[list(E)]
        involved = tuple(sorted(int(E[k]) for k in np.flatnonzero(v > 1e-6 * v.max())))
        return involved, (f"the smallest singular value of their columns is {rel:.2g} of the "
                          f"largest, below the rank tolerance {tol:.2g}")


def _shorten(items: Sequence[int], most: int = 12) -> str:
    """``"2, 5, 9"``, or the first ``most`` items then ``"… (k in all)"``."""
    head = ", ".join(str(v) for v in items[:most])
    return head if len(items) <= most else f"{head}, … ({len(items)} in all)"


class Dormancy:
    """Which coordinates of the float path are *awake* (their ``s_i`` and ``g_i`` kept up to
    date at every step) and which are *dormant* (known only through a bound).

    Every dual is ``s = Xᵀρ`` with ``ρ(t) = −(1/n)∫₀ᵗ r``, ``r = X_Pβ_P − y`` the residual
    (``ds/dt̃ = −g = −Xᵀr/n``).  A coordinate made dormant at the anchor ``(t_a, ρ_a)`` with
    ``s_i(t_a) = σ_i`` keeps ``s_i(t) = σ_i + x_iᵀ(ρ(t) − ρ_a)``, and by Cauchy–Schwarz

        ``|s_i(t) − σ_i| ≤ ‖x_i‖·‖ρ(t) − ρ_a‖``,

    so it cannot reach ±1 while ``D(t) = ‖ρ(t) − ρ_a‖`` stays below its margin
    ``m_i = (1 − |σ_i|)/‖x_i‖``.  ``D`` is convex along each straight step of ``ρ``, so its
    largest value over a step is at an end.  Before a step of length ``Δ`` is taken the
    coordinates whose margin that step could use up are woken (:meth:`wake`: ``s_i`` and
    ``g_i`` computed exactly, O(n) each), and ``Δ`` is recomputed with them; it can only
    shrink, so one pass suffices.  The gradient costs O(n·#awake) instead of O(n·d).

    When the work spent on awake rows since the anchor exceeds ``refresh·d`` rows, every
    dormant ``s_i`` is brought up to date in one pass over ``X`` and a new anchor is set with
    only the boundary ``|s_i| = 1`` awake (:meth:`maybe_refresh`).  Below ``n·d =``
    :attr:`MIN_SIZE` every coordinate stays awake: there a full product ``Xᵀr`` costs less
    than the bookkeeping that would avoid it.

    Parameters
    ----------
    Xt : ndarray, shape (d, n)
        ``Xᵀ``, C-contiguous (row i is column i of X).
    norms : ndarray, shape (d,)
        ``‖x_i‖``.
    refresh : float
        Refresh after this many ``d`` awake rows of work (never when ``n·d <`` :attr:`MIN_SIZE`).

    Examples
    --------
    At the start every coordinate is awake and the gradient is ``Xᵀ(r/n)`` in full:

    >>> X = np.array([[1.0, 0.0, 2.0], [0.0, 1.0, 1.0]])
    >>> dormancy = Dormancy(np.ascontiguousarray(X.T), np.linalg.norm(X, axis=0))
    >>> dormancy.all_awake, dormancy.awake.tolist()
    (True, [0, 1, 2])
    >>> dormancy.gradient(np.array([-1.0, -0.5])).tolist()
    [-1.0, -0.5, -2.5]
    """

    #: Relative slack of the wake test ``m_i ≤ D·(1 + SLACK)`` (rounding in ``s_i``, far
    #: below it: ~nε relative).
    SLACK = 1e-6

    #: Smallest ``n·d`` at which coordinates are made dormant (measured on Gaussian data, one
    #: BLAS thread: all awake is 1.1–1.6× faster up to n·d = 1.6·10⁶, dormancy 1.2–2.3×
    #: faster from 2·10⁶).
    MIN_SIZE = 2_000_000

    def __init__(self, Xt: np.ndarray, norms: np.ndarray, refresh: float = 4.0) -> None:
        self.Xt = Xt
        self.d, self.n = Xt.shape
        self.norms = norms
        self.refresh_rows = refresh * self.d if self.n * self.d >= self.MIN_SIZE else math.inf
        self.rho = np.zeros(self.n)  # ρ(t)
        self._g_scale = np.zeros(self.n)  # r/n at the last gradient: dρ/dt̃ = −r/n
        self.epoch = 0  # counts anchors; records name (epoch, #awake)
        self._anchors: list[tuple[np.ndarray, np.ndarray]] = []  # (awake, ρ_a) per epoch
        self._everything_awake()

    def _everything_awake(self) -> None:
        """The start: every coordinate awake, the rows being ``Xᵀ`` itself (no copy)."""
        self.awake = np.arange(self.d)
        self.w = self.d
        # Once some are dormant: rows[:w] = Xᵀ[awake[:w]], one contiguous block (capacity
        # len(awake), doubled when full, reused from one anchor to the next).
        self._rows = self.Xt
        self.rho_a = self.rho.copy()
        self._order = np.zeros(0, dtype=np.intp)  # dormant coordinates by increasing margin
        self._margins = np.zeros(0)
        self._next = 0
        self._dmax = 0.0
        self._work = 0.0
        self._anchors.append((self.awake, self.rho_a))

    @property
    def all_awake(self) -> bool:
        return self.w == self.d

    def gradient(self, r_over_n: np.ndarray) -> np.ndarray:
        """``g = Xᵀr/n`` on the awake coordinates, 0 on the dormant ones (unused there)."""
        self._g_scale = r_over_n
        self._work += self.w
        if self.all_awake:
            return self.Xt @ r_over_n
        g = np.zeros(self.d)
        g[self.awake[: self.w]] = self._rows[: self.w] @ r_over_n
        return g

    def wake(self, delta: float | None, s: np.ndarray, g: np.ndarray) -> np.ndarray:
        """Wake the dormant coordinates a step of length ``delta`` could bring to ±1 (when
        ``delta`` is None, no awake coordinate moving: the next batch by margin), filling in
        their ``s_i`` (in place) and ``g_i`` (in place); returns them."""
        if self.all_awake or self._next == len(self._order):
            return _NONE
        if delta is None or not np.isfinite(delta):
            # No awake coordinate moves: the next hit is among the dormant ones, no earlier
            # than their smallest margins allow; wake a batch of those, growing geometrically.
            stop = min(len(self._order), self._next + max(128, self.w))
        else:
            d_end = float(np.linalg.norm(self.rho - delta * self._g_scale - self.rho_a))
            self._dmax = max(self._dmax, d_end)
            stop = int(np.searchsorted(self._margins, self._dmax * (1 + self.SLACK),
                                       side="right"))
        if stop <= self._next:
            return _NONE
        J = self._order[self._next : stop]
        self._next = stop
        w, m = self.w, len(J)
        if w + m > len(self.awake):  # double the capacity (at most d), keeping the first w
            capacity = min(max(2 * len(self.awake), w + m), self.d)
            awake, self.awake = self.awake, np.empty(capacity, dtype=np.intp)
            self.awake[:w] = awake[:w]
            rows, self._rows = self._rows, np.empty((capacity, self.n))
            self._rows[:w] = rows[:w]
            self._anchors[-1] = (self.awake, self.rho_a)
        rows = self._rows[w : w + m]
        np.take(self.Xt, J, axis=0, out=rows, mode="clip")  # (in range: "clip" is unbuffered)
        s[J] += rows @ (self.rho - self.rho_a)
        g[J] = rows @ self._g_scale
        self.awake[w : w + m] = J
        self.w = w + m
        self._work += m
        return J

    def advance(self, delta: float) -> None:
        """``ρ ← ρ − Δ·r/n`` (the step just taken)."""
        self.rho = self.rho - delta * self._g_scale

    def maybe_refresh(self, s: np.ndarray, g: np.ndarray, boundary: np.ndarray) -> None:
        """New anchor when the work since the last one exceeds ``refresh·d`` rows: the
        dormant ``s_i = σ_i + x_iᵀ(ρ − ρ_a)`` (in place, one pass over X), then only
        ``boundary`` (``|s_i| = 1``) awake, the others dormant by increasing margin (their
        ``g_i`` set to 0 in place: dormant coordinates do not move ``s``)."""
        if self._work < self.refresh_rows:
            return
        if not self.all_awake:
            dormant = np.ones(self.d, dtype=bool)
            dormant[self.awake[: self.w]] = False
            s[dormant] += (self.Xt @ (self.rho - self.rho_a))[dormant]
        self.rho_a = self.rho.copy()
        w = len(boundary)
        if self.all_awake or len(self._rows) < 2 * w:
            self._rows = np.empty((min(max(2 * w, 64), self.d), self.n))
        self.awake = np.empty(len(self._rows), dtype=np.intp)  # (the anchors keep the old)
        self.awake[:w] = boundary
        np.take(self.Xt, boundary, axis=0, out=self._rows[:w], mode="clip")
        self.w = w
        dormant = np.ones(self.d, dtype=bool)
        dormant[boundary] = False
        g[dormant] = 0.0
        idx = dormant.nonzero()[0]
        margins = (1.0 - np.abs(s[idx]) - 1e-12) / self.norms[idx]
        order = np.argsort(margins, kind="stable")
        self._order, self._margins = idx[order], margins[order]
        self._next = 0
        self._dmax = 0.0
        self._work = 0.0
        self.epoch += 1
        self._anchors.append((self.awake, self.rho_a))

    def record(self) -> tuple[int, int, np.ndarray, np.ndarray]:
        """What :meth:`complete` needs later for the current ``s`` and ``g``:
        ``(epoch, #awake, ρ, r/n)``."""
        return self.epoch, self.w, self.rho, self._g_scale

    def complete(self, record: tuple, s: np.ndarray | None, g: np.ndarray | None) -> None:
        """Fill in, in place, the dormant entries of a stored ``s`` (``σ_i + x_iᵀ(ρ − ρ_a)``)
        and ``g`` (``x_iᵀr/n``) from their :meth:`record`: one pass over X each."""
        epoch, w, rho, r_over_n = record
        awake, rho_a = self._anchors[epoch]
        if w == self.d:
            return
        dormant = np.ones(self.d, dtype=bool)
        dormant[awake[:w]] = False
        if s is not None:
            s[dormant] += (self.Xt @ (rho - rho_a))[dormant]
        if g is not None:
            g[dormant] = (self.Xt @ r_over_n)[dormant]


def _abs_rows(A: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """``|A[rows]|``, in place in the gathered copy (one temporary: for many rows a second one
    costs more in page faults than the arithmetic)."""
    out = A[rows]
    return np.abs(out, out=out)


def _degenerate(
    P: Sequence[int], involved: tuple[int, ...], detail: str = ""
) -> DegenerateProblemError:
    coords = tuple(sorted(int(i) for i in (involved or P)))
    how = f" ({detail})" if detail else ""
    return DegenerateProblemError(
        f"the constrained least-squares problem has no unique minimiser: the columns of X "
        f"for coordinates [{_shorten(coords)}] (0-based) are linearly dependent{how}; "
        "duplicate or collinear features? Remove or merge them, or perturb the data",
        coords,
    )


def solve_on_cone(
    system: ExactSystem | FloatSystem,
    s: np.ndarray,
    beta: np.ndarray,
    g: np.ndarray,
    candidates: np.ndarray,
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
    candidates : ndarray of int
        ``{i : |s_i| = 1}`` in increasing order (``system.land(…)``); kept as
        ``system.boundary``.

    Returns
    -------
    g : ndarray
        The gradient ``Hβ − c`` at the new saddle; the system's last gradient evaluation
        (which ``loss()`` refers to) is at the new saddle too.

    Raises
    ------
    DegenerateProblemError
        The minimiser is not unique (dependent columns among the coordinates that could be
        nonzero); its ``coordinates`` name them.

    Examples
    --------
    ``X = I``, ``y = (2, 1)`` in exact arithmetic, at the first jump (``t = 1``,
    ``s = (1, ½)``): only coordinate 0 may be nonzero, and the saddle is ``β₁ = (2, 0)``
    with gradient ``(0, −½)``:

    >>> import numpy as np
    >>> from flint import fmpq
    >>> H = np.array([[fmpq(1, 2), fmpq(0)], [fmpq(0), fmpq(1, 2)]], dtype=object)
    >>> system = ExactSystem(H, np.array([fmpq(1), fmpq(1, 2)], dtype=object), fmpq(5, 4))
    >>> beta = np.array([fmpq(0), fmpq(0)], dtype=object)
    >>> s = np.array([fmpq(1), fmpq(1, 2)], dtype=object)
    >>> g = solve_on_cone(system, s, beta, system.gradient(beta), np.array([0]))
    >>> beta.tolist(), g.tolist(), system.loss()
    ([2, 0], [0, -1/2], 1/4)

    Two equal columns (``H`` all ones) both on the boundary: the minimiser is not unique.

    >>> ones = np.array([[fmpq(1), fmpq(1)], [fmpq(1), fmpq(1)]], dtype=object)
    >>> system = ExactSystem(ones, np.array([fmpq(1), fmpq(1)], dtype=object), fmpq(1))
    >>> beta = np.array([fmpq(0), fmpq(0)], dtype=object)
    >>> s = np.array([fmpq(1), fmpq(1)], dtype=object)
    >>> try:
    ...     solve_on_cone(system, s, beta, system.gradient(beta), np.array([0, 1]))
    ... except DegenerateProblemError as err:
    ...     print(err.coordinates)
    (0, 1)
    """
    system.boundary = candidates
    while True:
        outside = candidates[~system.in_support[candidates]]
        if outside.size == 0:
            break
        # Most negative directional derivative s_i·g_i along the cone's free directions,
        # among those below −tol_i (beyond rounding; tol_i = 0 in exact arithmetic).
        slopes = s[outside] * g[outside]
        j = slopes.argmin()
        if not slopes[j] < -system.tol_bound:  # (else: beyond every tolerance, no test)
            descent = (slopes < system.zero).nonzero()[0]
            if descent.size:
                descent = np.delete(descent, system.negligible(slopes[descent], outside[descent]))
            if descent.size == 0:
                break
            j = descent[slopes[descent].argmin()]
        entering = int(outside[j])
        system.add(entering)
        if not _restore_feasibility(system, s, beta, entering):
            break  # the support is back to what ``outside`` was computed from
        g = system.gradient(beta)
    _check_unique(system, outside, g)
    return g


def _restore_feasibility(
    system: ExactSystem | FloatSystem, s: np.ndarray, beta: np.ndarray, entering: int
) -> bool:
    """Inner loop of Lawson–Hanson: move from ``beta`` towards the unconstrained minimiser on
    the support, dropping coordinates that reach zero, until that minimiser is feasible.

    Returns False when (in floating point only) the entering coordinate comes out with the
    wrong sign, or zero to rounding, straight away: its negative derivative was rounding noise.

    In floating point a feasible minimiser's coordinates that are zero to rounding
    (``tiny`` of :meth:`FloatSystem.off_cone`, relative to the size of ``X_P z``) are set to 0
    and pinned: exact arithmetic would have them at 0 (a coordinate leaving exactly where its
    gradient vanishes), and the support then means the same in both back ends.
    """
    first = True
    while True:
        P = system.support  # a view, but every use below comes before the first remove
        z = system.solve()
        bad, tiny = system.off_cone(s[P] * z)
        if tiny.size:
            if first and entering in P[tiny]:
                system.remove(entering)
                return False
            beta[P] = z
            for i in P[tiny].tolist():
                beta[i] = 0.0
                system.remove(i)
            first = False
            continue
        if bad.size == 0:
            beta[P] = z
            return True
        if first and not system.exact and bad.size == 1 and P[bad[0]] == entering:
            system.remove(entering)
            return False
        first = False
        # Largest step a ∈ [0, 1) keeping s_i·β_i ≥ 0: a = min β_i / (β_i − z_i).
        Pb = P[bad]
        steps = beta[Pb] / (beta[Pb] - z[bad])
        a = steps.min()
        beta[P] = beta[P] + a * (z - beta[P])
        beta[Pb[steps == a]] = system.zero
        for i in P[s[P] * beta[P] <= system.zero]:
            beta[i] = system.zero
            system.remove(int(i))


def _check_unique(system: ExactSystem | FloatSystem, outside: np.ndarray, g: np.ndarray) -> None:
    """Refuse a non-unique minimiser (``outside``: the coordinates with ``|s_i| = 1`` not in
    the support ``P``).

    All minimisers share ``g``; any minimiser is supported on ``E = P ∪ {i : |s_i| = 1,
    g_i = 0}`` (``|g_i| ≤ tol_i`` in floating point), and the minimiser is unique when the
    columns of X on ``E`` are independent.  (When ``E ≠ P`` and they are dependent the
    minimiser may still be unique; we refuse anyway, naming the coordinates, rather than risk
    a silent choice.)
    """
    if outside.size == 0:
        return
    extra = outside[system.negligible(g[outside], outside)]
    if extra.size:
        E = [int(i) for i in np.concatenate([system.support, extra])]
        involved, detail = system.dependent_coordinates(E)
        if involved:
            raise _degenerate(E, involved, detail)
