"""The accelerated mirror flow: vector field, Jacobian and error weights.

With ``Λ = ln(1/α)``, accelerated time ``t̃ = t/Λ`` and rescaled dual ``s = θ/Λ``:

    ds/dt̃ = f(s) = −∇L(β(s)) = c − H β(s),        s(0) = 0,
    β_i(s) = α²·sinh(2Λ s_i) = sign(s_i) · ½ · e^{2Λ(|s_i| − 1)} · (1 − e^{−4Λ|s_i|}),
    β'_i(s) = dβ_i/ds_i = 2Λ·sqrt(β_i² + α⁴) = Λ · e^{2Λ(|s_i| − 1)} · (1 + e^{−4Λ|s_i|}),
    J(s) = ∂f/∂s = −H · diag(β'(s)).

The product forms never overflow (``e^{2Λ(|s|−1)} ≤ 1`` inside the box) and are accurate
for every Λ; ``1 − e^{−4Λ|s|}`` is evaluated as ``−expm1(−4Λ|s|)`` so that β keeps full
relative accuracy near ``s = 0``.  ``HD`` with ``D = diag(β') > 0`` is similar to the
symmetric ``D^{½} H D^{½} ⪰ 0``, so every eigenvalue of ``J`` is real and ≤ 0, as large as
``2Λ·H_ii·|β_i|`` in magnitude: the flow is stiff, with a stiffness proportional to Λ.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import mpmath
import numpy as np
import scipy.linalg

from dlnsym.integrate.backend import Backend, FloatBackend, MpBackend, split_matmul
from dlnsym.problems import Problem

__all__ = ["AwakeBlock", "FlowValue", "FrozenJacobian", "MirrorFlow", "beta_of_s", "beta_and_slope"]

#: the awake set of a Jacobian is chosen for steps up to this factor longer
#: (:meth:`FrozenJacobian.awake`)
AWAKE_HEADROOM = 8.0

#: e-folds an awake coordinate may grow by in one step (:meth:`MirrorFlow.wake_cap`)
GROWTH = 4.0

#: the orthogonal factor of an awake block is formed up to this size, and applied as
#: reflectors beyond (:class:`AwakeBlock`).  Measured with 22 products per block (one
#: thread): 28.5 ms formed against 22.6 ms as reflectors at 600, 3.5 against 4.0 ms at 300
EXPLICIT_BASIS_MAX = 450


def _beta_and_slope_objects(
    base: np.ndarray, offset: Any, two_lam: Any, lam: Any, backend: Backend, edge: Any = 1
) -> Any:
    """``(β, β')`` on object arrays of the back-end's numbers (``two_lam = 2Λ``, ``edge =
    λ_i``); ``β`` alone when ``lam`` is ``None`` (what :meth:`MirrorFlow.field` needs).

    Whole-array operations: numpy's object loops call the numbers' own methods (in C for
    arb), one ``exp`` per entry (:meth:`Backend.exp_all`).  The two rare cases run on their
    entries only: ``|s| − λ_i`` from the rounded ``s`` where ``|offset| ≥ |base|``, and
    ``q = e^{−4Λ|s|} − 1`` by :meth:`Backend.expm1` where ``−4Λ|s|`` is not below
    :meth:`Backend.expm1_floor` (elsewhere ``q = −1``: every awake coordinate at large Λ)."""
    s = base + offset
    a = np.abs(s)
    b = np.abs(base)
    m = (b - edge) + np.where(np.less(base, 0, dtype=bool), -offset, offset)  # |s| − λ_i
    outer = ~np.less(np.abs(offset), b, dtype=bool)  # … unless s is not base-dominated
    if outer.any():
        m = np.array(np.broadcast_to(m, a.shape))
        m[outer] = np.broadcast_to(a - edge, a.shape)[outer]
    E = backend.exp_all(m * two_lam)  # e^{2Λ(|s|−λ_i)}
    x = a * (-2 * two_lam)
    live = ~np.less(x, backend.expm1_floor(), dtype=bool)
    if live.any():
        q = np.full(x.shape, backend.scalar(-1), dtype=object)  # e^{−4Λ|s|} − 1
        q[live] = [backend.expm1(v) for v in x[live]]
        magnitude = E * (-q) / 2
        slope = None if lam is None else E * (q + 2) * lam
    else:  # q = −1: the same numbers as the formulas above
        magnitude = E / 2
        slope = None if lam is None else E * lam
    beta = np.where(np.less(s, 0, dtype=bool), -magnitude, magnitude)
    return beta if lam is None else (beta, slope)


def _beta_and_slope_float64(
    base: np.ndarray, offset: np.ndarray | float, two_lam: float, lam: float | None,
    edge: Any = 1.0,
) -> Any:
    """:func:`_beta_and_slope_objects` on float64 arrays, the same formula.  Where every
    ``|offset| < |base|`` (the usual case: the stages of a step), ``s`` has the sign of
    ``base`` and ``|s| − λ_i = (|base| − λ_i) + sign(base)·offset`` everywhere, and
    ``|s| ≥ |base| − |offset|`` bounds ``4Λ|s|`` from below; otherwise both cases of
    ``|s| − λ_i`` are evaluated everywhere (``np.where``), which costs less in float64 than
    selecting entries.  Where every ``4Λ|s| > 40`` (awake coordinates at large Λ),
    ``q = e^{−4Λ|s|} − 1`` rounds to ``−1`` and is not computed."""
    b = np.abs(base)
    shift = np.abs(offset)
    if (shift < b).all():
        m = (b - edge) + offset * np.sign(base)
        sign = base
        nearest = (b - shift).min(initial=np.inf)  # ≤ |s|
    else:
        sign = base + offset
        m = np.where(shift < b, (b - edge) + offset * np.sign(base), np.abs(sign) - edge)
        nearest = np.abs(sign).min(initial=np.inf)
    E = np.exp(m * two_lam)
    if nearest * (2 * two_lam) > 40:
        beta = np.copysign(E * 0.5, sign)
        return beta if lam is None else (beta, E * lam)
    q = np.expm1(np.abs(base + offset) * (-2 * two_lam))
    beta = np.copysign(E * (-q) / 2, sign)
    return beta if lam is None else (beta, E * (q + 2) * lam)


def _beta_float64_above(
    base: np.ndarray, offset: np.ndarray | float, two_lam: float, floor: float,
    edge: Any = 1.0,
) -> np.ndarray:
    """β of :func:`_beta_and_slope_float64` on the columns ``j`` where some row may exceed
    ``½·e^{floor}``, 0 on the others: a column is skipped when

        2Λ·(|base_j| + max_i |offset_ij| − λ_j) ≤ floor,

    a bound on ``2Λ(|s_ij| − λ_j)`` for every row ``i`` (the field of a large problem,
    where most coordinates are dormant, :meth:`MirrorFlow.kept`).  The test costs one pass
    over ``offset``; the formula runs on the other columns only."""
    reach = np.abs(base) + (np.abs(offset).max(axis=0, initial=0.0) if np.ndim(offset) == 2
                            else np.abs(offset))
    live = np.flatnonzero(~((reach - edge) * two_lam <= floor))  # NaN: live
    if live.size == reach.size:
        return _beta_and_slope_float64(base, offset, two_lam, None, edge)
    beta = np.zeros(np.broadcast_shapes(np.shape(base), np.shape(offset)))
    if live.size:
        moved = offset if np.ndim(offset) == 0 else offset[..., live]
        edges = edge if np.ndim(edge) == 0 else edge[live]
        beta[..., live] = _beta_and_slope_float64(base[live], moved, two_lam, None, edges)
    return beta


def beta_and_slope(
    base: np.ndarray, offset: np.ndarray | int, lam: Any, backend: Backend, slope: bool = True,
    edge: Any = 1,
) -> Any:
    """``(β(s), β'(s))`` elementwise at ``s = base + offset``, in the overflow-free form
    (``β`` alone if not ``slope``).  ``base`` is 1-D, ``offset`` 0, a vector or a matrix of
    rows (then one row of results per row).

    With ``E = e^{2Λ(|s|−1)}`` and ``q = e^{−4Λ|s|} − 1 ∈ (−1, 0]``:
    ``|β| = ½·E·(−q)``, ``β' = Λ·E·(2 + q)``.

    ``s`` is passed as an unevaluated sum so that ``|s| − 1`` keeps full relative accuracy
    near ``|s| = 1``: where ``|offset| < |base|`` the sign of ``s`` is that of ``base`` and

        |s| − 1 = (|base| − 1) + sign(base)·offset

    is formed without rounding ``base + offset`` first (``|base| − 1`` is exact in floating
    point for ``½ ≤ |base| ≤ 2``).  In float64 a rounded ``s`` would carry an absolute error
    up to 1.1e-16, i.e. a relative error ``2Λ·1.1e-16`` in β (2e-10 at Λ = 10⁶).

    On float64 the formula runs on float64 arrays; at higher precision on object arrays of
    the back-end's numbers, with its ``exp``/``expm1`` (:func:`_beta_and_slope_objects`).

    ``edge``: the box edge ``λ_i`` of a shaped initialisation ``u_i(0) = √2·α^{λ_i}``
    (scalar or one per coordinate, default 1), where ``β_i = α^{2λ_i}·sinh(2Λs_i)``: then
    ``E = e^{2Λ(|s|−λ_i)}`` in the formulas above (:class:`MirrorFlow`).

    Parameters
    ----------
    base : ndarray, shape (d,)
        The leading part of ``s`` (numbers of the back-end).
    offset : 0 or ndarray, shape (d,) or (m, d)
        The trailing part of ``s``, or several offsets, one per row.
    lam : float or back-end scalar
        ``Λ = ln(1/α)``.
    backend : Backend
        The arithmetic (:mod:`dlnsym.integrate.backend`).
    slope : bool
        Also return ``β'(s) = dβ/ds``.
    edge : scalar or ndarray, shape (d,)
        The box edges ``λ_i`` (default 1).

    Returns
    -------
    beta, slope : ndarray
        Of the shape of ``base + offset``; ``beta`` alone if not ``slope``.

    Raises
    ------
    ValueError
        If ``offset`` does not broadcast against ``base``.

    Examples
    --------
    >>> from dlnsym.integrate.backend import FloatBackend
    >>> beta, slope = beta_and_slope(np.array([1.0, 0.5, -0.9]), 0, 50.0, FloatBackend())
    >>> beta[0], float(slope[0])                     # β = ½ and β' = Λ on the box edge
    (np.float64(0.5), 50.0)
    >>> bool(abs(beta[2] + 0.5 * np.exp(-10)) < 1e-18)     # ½·e^{2Λ(|s| − 1)} inside
    True
    """
    if isinstance(backend, FloatBackend):
        return _beta_and_slope_float64(base, offset, 2 * lam, lam if slope else None, edge)
    return _beta_and_slope_objects(base, offset, 2 * lam, lam if slope else None, backend, edge)


def beta_of_s(s: Any, log_inv_alpha: Any) -> Any:
    """``β(s) = α²·sinh(2Λs)`` with ``Λ = log_inv_alpha``, without overflow for any Λ.

    ``β_i = sign(s_i) · ½ · e^{2Λ(|s_i| − 1)} · (1 − e^{−4Λ|s_i|})``.

    Parameters
    ----------
    s : float, mpf or array-like of them
        Rescaled dual variable ``s = θ/Λ``.
    log_inv_alpha : float or mpf
        ``Λ = ln(1/α) > 0``.  If Λ or any entry of ``s`` is an ``mpf`` the result is computed
        with mpmath at the current ``mp.dps`` (exponents are unbounded); otherwise in float64,
        where values below ~1e-308 underflow to 0.

    Returns
    -------
    float, mpf or ndarray
        Same shape as ``s``: a scalar for a scalar, else an ndarray (object dtype on the mp
        path).

    Raises
    ------
    ValueError, TypeError
        If an entry of ``s`` or Λ is not a real number.  The sign of Λ is not checked.

    Examples
    --------
    >>> round(beta_of_s(1.0, 50.0), 12)
    0.5
    >>> beta_of_s(mpmath.mpf("0.5"), mpmath.mpf(10**6))
    mpf('1.6484157390442793e-434295')
    """
    raw = np.asarray(s, dtype=object)
    use_mp = isinstance(log_inv_alpha, mpmath.mpf) or any(
        isinstance(v, mpmath.mpf) for v in raw.flat
    )
    backend: Backend = MpBackend(mpmath.mp.dps) if use_mp else FloatBackend()
    with backend.precision():
        arr = backend.array(raw).reshape(-1)
        beta, _ = beta_and_slope(arr, 0, backend.scalar(log_inv_alpha), backend)
    beta = beta.reshape(raw.shape)
    return beta.item() if raw.ndim == 0 else beta


@dataclass(frozen=True)
class FlowValue:
    """The field evaluated at ``s = base + offset``: ``β(s)``, ``β'(s)``, ``f(s) = c − Hβ``.

    ``s`` is the rounded sum, for uses that do not need the extra precision.  Returned by
    :meth:`MirrorFlow.evaluate`.

    Attributes
    ----------
    base, offset : ndarray (offset may be the scalar 0)
        The point, kept as an unrounded sum (a step's start and its increment).
    s : ndarray, shape (d,)
        ``base + offset``, rounded.
    beta : ndarray, shape (d,)
        ``β_i(s) = sign(s_i)·½·e^{2Λ(|s_i| − 1)}·(1 − e^{−4Λ|s_i|})``.
    slope : ndarray, shape (d,)
        ``β'_i(s) = Λ·e^{2Λ(|s_i| − 1)}·(1 + e^{−4Λ|s_i|})``.
    f : ndarray, shape (d,)
        ``f(s) = c − Hβ(s)``.

    Examples
    --------
    ``X = I``, ``y = (2, 1)`` (so ``H = I/2``, ``c = (1, ½)``) at Λ = 10 and ``s = (1, 0)``:
    ``β₀ = ½(1 − e^{−40})``, ``β'₀ = Λ(1 + e^{−40})``, ``β'₁ = 2Λe^{−2Λ}``:

    >>> from dlnsym import as_problem
    >>> from dlnsym.integrate.backend import FloatBackend
    >>> flow = MirrorFlow(as_problem([[1, 0], [0, 1]], [2, 1]), 10.0, FloatBackend())
    >>> value = flow.evaluate(np.array([1.0, 0.0]))
    >>> value.beta.tolist(), value.f.tolist()
    ([0.5, 0.0], [0.75, 0.5])
    >>> float(value.slope[0]), bool(np.isclose(value.slope[1], 20 * np.exp(-20)))
    (10.0, True)
    """

    base: np.ndarray
    offset: np.ndarray
    s: np.ndarray
    beta: np.ndarray
    slope: np.ndarray
    f: np.ndarray


@dataclass
class FrozenJacobian:
    """``J = −H·diag(β')`` at the start of a step, in float64 (what the Newton matrices of
    :mod:`dlnsym.integrate.radau` are built from).

    Most columns of a large problem are negligible: a dormant coordinate has ``β'_i ≈
    2Λ|β_i|`` exponentially small.  :meth:`awake` names the columns that matter for a step
    ``h``; with the others dropped, ``I − hγJ`` is block lower-triangular in (awake,
    dormant) and is solved on the awake block alone
    (:class:`~dlnsym.integrate.radau.NewtonSolver`).  ``J_AA = −H_AA·D`` (``D = diag(β'_A) > 0``)
    is similar to the
    symmetric ``−D^{½}H_AA D^{½}``, whose reduction to tridiagonal form (:meth:`reduced`)
    serves every ``h`` and every eigenvalue ``γ`` of the Radau matrix at once.

    Parameters
    ----------
    H_T : ndarray of float64, shape (d, d), C-contiguous
        ``Hᵀ``, the transposed Gram matrix: its rows are the columns of ``H``, so that the
        awake columns are gathered as contiguous rows (:meth:`reduced`).
    slope : ndarray of float64, shape (d,)
        ``β'(s)`` at the start of the step.
    column_max : ndarray of float64, shape (d,)
        ``‖H_{:,i}‖_∞`` per column.

    Attributes
    ----------
    H_T, slope, column_max
        As the parameters.

    Examples
    --------
    Built by :meth:`MirrorFlow.frozen_jacobian`.  With ``X = I``, ``y = (2, 1)`` at Λ = 10
    and ``s = (1, 0)``, ``J = −H·diag(β') ≈ diag(−5, −2·10⁻⁸)``: coordinate 1 is dormant
    and only column 0 is kept in the Newton matrices:

    >>> from dlnsym import as_problem
    >>> from dlnsym.integrate.backend import FloatBackend
    >>> flow = MirrorFlow(as_problem([[1, 0], [0, 1]], [2, 1]), 10.0, FloatBackend())
    >>> jac = flow.frozen_jacobian(flow.evaluate(np.array([1.0, 0.0])))
    >>> jac.dense().round(6).tolist()
    [[-5.0, -0.0], [-0.0, -0.0]]
    >>> jac.awake(1.0, 1e-3).tolist()
    [0]
    """

    H_T: np.ndarray
    slope: np.ndarray
    column_max: np.ndarray
    _reduced: dict = field(default_factory=dict, repr=False)
    _awake: tuple[float, np.ndarray] | None = field(default=None, repr=False)

    def dense(self) -> np.ndarray:
        """``J`` itself (``d × d``)."""
        return -(self.H_T.T * self.slope[None, :])

    def awake(self, scale: float, budget: float) -> np.ndarray:
        """The columns kept in the Newton matrices of ``I − hγJ`` with ``scale ≥ h·|γ|``:
        all but the largest set ``D`` of columns with ``Σ_{i∈D} scale·‖H_{:,i}‖_∞·β'_i ≤
        budget``, so that the dropped part of ``hγJ`` has row sums ≤ ``budget`` — a change of
        at most that much in the contraction of the simplified Newton iteration, whose
        residual is always the exact one.

        The set is chosen for ``AWAKE_HEADROOM·scale`` and kept for every smaller scale, so
        that steps of a similar size share one set (and one :meth:`reduced`)."""
        if self._awake is not None and scale <= self._awake[0]:
            return self._awake[1]
        scale = scale * AWAKE_HEADROOM
        weight = self.column_max * np.abs(self.slope) * scale
        order = np.argsort(weight, kind="stable")
        dropped = int(np.searchsorted(np.cumsum(weight[order]), budget, side="right"))
        self._awake = (scale, np.sort(order[dropped:]))
        return self._awake[1]

    def reduced(self, awake: np.ndarray) -> AwakeBlock:
        """The awake block of ``J`` on the columns ``awake``, reduced to tridiagonal form
        (:class:`AwakeBlock`; cached per set).  ``H_{:,A}`` is read once, as the rows ``A`` of
        ``Hᵀ``; ``H_AA`` and ``H_DA`` are its columns ``A`` and ``D``."""
        key = awake.tobytes()
        if key not in self._reduced:
            mask = np.ones(len(self.slope), dtype=bool)
            mask[awake] = False
            dormant = np.flatnonzero(mask)
            columns = self.H_T.take(awake, axis=0)  # (H_{:,A})ᵀ
            slope = self.slope[awake]
            coupling = columns.take(dormant, axis=1).T * slope
            self._reduced = {key: AwakeBlock.of(columns.take(awake, axis=1).T, slope, awake,
                                                dormant, coupling)}
        return self._reduced[key]


@dataclass(frozen=True)
class AwakeBlock:
    """``D_A^{½}H_AA D_A^{½} = P·T·Pᵀ`` (``D_A = diag(β'_A)``) on the awake columns ``A`` of a
    :class:`FrozenJacobian`, with ``T`` symmetric tridiagonal and ``P`` orthogonal (LAPACK
    ``dsytrd``: Householder reflectors, ``4|A|³/3`` operations, three times cheaper than a
    symmetric eigen-decomposition).  ``P`` is formed (``dorgqr``, another ``4|A|³/3``) for
    ``|A| ≤`` :data:`EXPLICIT_BASIS_MAX`, where matrix products with it are cheaper than
    applying the reflectors (``dormqr``) by more than forming it costs over the dozen solves
    a block typically serves; beyond, the reflectors are applied.  Then for every ``h``
    and every eigenvalue ``γ`` of the Radau matrix

        (I + hγ·D_A^{½}H_AA D_A^{½})^{−1} = P·(I + hγT)^{−1}·Pᵀ,

    a tridiagonal solve (``O(|A|)``) between two products with ``P`` (``O(|A|²)``):
    :meth:`solve`.

    Attributes
    ----------
    diagonal, off_diagonal : ndarray of float64
        The diagonal (``|A|``) and sub-diagonal (``|A| − 1``) of ``T``.
    basis : ndarray of float64, shape (|A|, |A|), or None
        ``P``, formed for ``|A| ≤`` :data:`EXPLICIT_BASIS_MAX`.
    reflectors, tau : ndarray of float64, or None
        Otherwise ``P = diag(1, P')``, ``P'`` the product of the reflectors in the columns
        of ``reflectors`` (LAPACK's QR storage) with factors ``tau``.
    root : ndarray of float64
        ``√β'_A``.
    awake, dormant : ndarray of int
        The kept columns and the others.
    coupling : ndarray of float64
        ``H_DA·D_A`` (dormant rows, awake columns).

    Examples
    --------
    >>> H = np.array([[2.0, 1.0, 0.5], [1.0, 2.0, 1.0], [0.5, 1.0, 2.0]])
    >>> block = AwakeBlock.of(H, np.ones(3), np.arange(3), np.arange(0), H[:0])
    >>> w = np.array([[1.0, 2.0, 3.0], [0.0, 1.0, 0.0]], dtype=complex)
    >>> hg = np.array([0.5 + 0.25j, 2.0])
    >>> x = block.solve(w, block.stacked(hg))
    >>> [bool(np.allclose((np.eye(3) + g * H) @ x[j], w[j])) for j, g in enumerate(hg)]
    [True, True]
    """

    diagonal: np.ndarray
    off_diagonal: np.ndarray
    basis: np.ndarray | None
    reflectors: np.ndarray | None
    tau: np.ndarray | None
    root: np.ndarray
    awake: np.ndarray
    dormant: np.ndarray
    coupling: np.ndarray

    @classmethod
    def of(cls, H_AA: np.ndarray, slope: np.ndarray, awake: np.ndarray, dormant: np.ndarray,
           coupling: np.ndarray) -> AwakeBlock:
        """The reduction of ``D_A^{½}H_AA D_A^{½}`` for the awake block ``H_AA`` of ``H`` and
        its slopes ``slope = β'_A``."""
        root = np.sqrt(slope)
        S = H_AA * root[:, None] * root[None, :]
        k = len(awake)
        if k <= 2:  # already tridiagonal
            return cls(np.diag(S).copy(), np.diag(S, -1).copy(), np.eye(k), None, None, root,
                       awake, dormant, coupling)
        lapack = scipy.linalg.lapack
        packed, diagonal, off, tau, _ = lapack.dsytrd(
            S, lower=1, lwork=int(lapack.dsytrd_lwork(k, lower=1)[0]), overwrite_a=1)
        # P = diag(1, P'), P' the product of the reflectors below the sub-diagonal (QR storage)
        reflectors, tau = np.asfortranarray(packed[1:, : k - 1]), tau[: k - 1]
        if k > EXPLICIT_BASIS_MAX:
            return cls(diagonal, off, None, reflectors, tau, root, awake, dormant, coupling)
        basis = np.eye(k)
        lwork = int(lapack.dorgqr(reflectors, tau, lwork=-1)[1][0])
        basis[1:, 1:] = lapack.dorgqr(reflectors, tau, lwork=lwork)[0]
        return cls(diagonal, off, basis, None, None, root, awake, dormant, coupling)

    def _apply(self, Y: np.ndarray, transpose: bool) -> np.ndarray:
        """``P·Y`` or (``transpose``) ``Pᵀ·Y`` for a complex ``Y`` (``|A|`` rows)."""
        if self.basis is not None:
            return _real_matmul(self.basis.T if transpose else self.basis, Y)
        real = np.array(Y, dtype=complex, order="C").view(np.float64)  # a copy: updated below
        # one thread: dormqr writes into the reflectors while it applies them (it sets
        # each diagonal entry to 1 and restores it), so the columns cannot be split over
        # two threads sharing them
        real[1:] = scipy.linalg.lapack.dormqr(b"L", b"T" if transpose else b"N",
                                              self.reflectors, self.tau, real[1:],
                                              lwork=64 * real.shape[1])[0]
        return real.view(complex)

    def stacked(self, hg: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The systems ``I + hg_k·T`` for all ``hg_k`` as one block-diagonal tridiagonal
        matrix (its diagonal and off-diagonal, zero between the blocks), for :meth:`solve`."""
        diagonal = (1 + np.outer(hg, self.diagonal)).ravel()
        off = np.zeros((len(hg), len(self.diagonal)), dtype=complex)
        off[:, :-1] = np.outer(hg, self.off_diagonal)
        return diagonal, off.ravel()[:-1]

    def solve(self, W: np.ndarray, systems: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
        """``x_k = (I + hg_k·D_A^{½}H_AA D_A^{½})^{−1}·W_k`` for the rows ``W_k`` of ``W``
        (complex, ``|A|`` columns; the first rows of ``hg``), ``systems`` from
        :meth:`stacked`: ``P·(I + hg_k·T)^{−1}·Pᵀ``, the tridiagonal systems solved in one
        call of LAPACK ``zgtsv`` (partial pivoting; the zeros between the blocks keep them
        apart)."""
        rows, k = W.shape
        diagonal, off = systems
        Y = self._apply(W.T, transpose=True)  # (k, rows)
        size = rows * k
        if size == 1:
            return Y / diagonal[0]
        Y = scipy.linalg.lapack.zgtsv(off[: size - 1], diagonal[:size], off[: size - 1],
                                      Y.T.reshape(size, 1), overwrite_b=1)[3]
        return self._apply(Y.reshape(rows, k).T, transpose=False).T


def _real_matmul(M: np.ndarray, Z: np.ndarray) -> np.ndarray:
    """``M @ Z`` for a real ``M`` and a complex ``Z`` (2-D) as one real product on the
    interleaved real and imaginary parts (numpy would promote ``M`` to complex: 4× the work)."""
    Z = np.ascontiguousarray(Z, dtype=complex)
    return np.ascontiguousarray(split_matmul(M, Z.view(np.float64))).view(complex)


class MirrorFlow:
    """Vector field ``f(s) = c − Hβ(s)`` of the accelerated mirror flow, on one back-end.

    Parameters
    ----------
    problem : Problem
        Supplies ``(H, c) = problem.gram()`` (exact for exact problems, then rounded once to
        the back-end) and ``X, y`` for an accurate loss.
    log_inv_alpha : float or mpf
        Λ, already in the back-end's number type.
    backend : Backend
        The arithmetic (:class:`~dlnsym.integrate.backend.FloatBackend`,
        :class:`~dlnsym.integrate.backend.MpBackend` or
        :class:`~dlnsym.integrate.backend.ArbBackend`); build an mp flow inside
        ``backend.precision()``.
    negligible_beta : float
        ``|β_i|`` at or below it counts as 0 in ``f = c − Hβ`` (:meth:`kept`); 0 keeps
        every coordinate.
    shape : array-like, optional
        The initialisation shape ``λ`` (box edges ``λ_i``; ``None``: all ones).

    Attributes
    ----------
    problem : Problem
    backend : Backend
    lam : float or mpf
        Λ in the back-end's numbers.
    H, c, X, y : ndarray
        The data in the back-end's numbers.
    d : int
        Number of coordinates.

    Raises
    ------
    TypeError, ValueError
        If ``log_inv_alpha`` is not a number the back-end can convert (e.g. ``None``, text).
    AttributeError
        If ``problem`` is not a :class:`~dlnsym.problems.Problem` (it has no ``gram``).

    Examples
    --------
    The flow of ``X = I``, ``y = (2, 1)`` at Λ = 10; ``L(β) = ‖Xβ − y‖²/2n`` and
    ``dL/dt̃ = −Σ β'_i f_i²`` at ``s = (1, 0)``, where ``β ≈ (½, 0)`` and
    ``f = (¾, ½)``:

    >>> from dlnsym import as_problem
    >>> from dlnsym.integrate.backend import FloatBackend
    >>> flow = MirrorFlow(as_problem([[1, 0], [0, 1]], [2, 1]), 10.0, FloatBackend())
    >>> value = flow.evaluate(np.array([1.0, 0.0]))
    >>> float(flow.loss(value.beta)), round(float(flow.loss_rate(value)), 6)
    (0.8125, -5.625)

    On the mp back end, β far below the float64 range is kept (``β₀ ≈ ½e^{−1000}`` at
    ``s₀ = ½``, Λ = 1000):

    >>> from dlnsym.integrate.backend import MpBackend
    >>> mp = MpBackend(30)
    >>> with mp.precision():
    ...     flow = MirrorFlow(as_problem([[1, 0], [0, 1]], [2, 1]), mp.scalar(1000), mp)
    ...     beta = flow.evaluate(mp.array(np.array([0.5, 0.0]))).beta
    ...     print(mpmath.nstr(beta[0], 6))
    2.53798e-435
    """

    def __init__(
        self, problem: Problem, log_inv_alpha: Any, backend: Backend,
        negligible_beta: float = 0.0, shape: Any = None,
    ) -> None:
        H, c = problem.gram()
        self.problem = problem
        self.backend = backend
        self.lam = backend.scalar(log_inv_alpha)
        self.H = backend.array(H)
        self.c = backend.array(c)
        self.X = backend.array(problem.X)
        self.y = backend.array(problem.y)
        self.d = problem.d
        #: the initialisation shape ``λ`` (``None``: all ones) and the box edges ``λ_i`` in the
        #: back-end's numbers (the scalar 1 for the unshaped flow)
        self.shape = None if shape is None else np.asarray(shape, dtype=float)
        self.edge: Any = 1 if shape is None else backend.array(self.shape)
        #: ``|β_i|`` at or below this counts as 0 in ``f = c − Hβ`` (:meth:`kept`)
        self.negligible_beta = float(negligible_beta)
        #: float64 only: in a column where a bound on ``2Λ(|s|−1)`` is below this in every
        #: row, β is not even evaluated (``½e^{floor}`` is the level,
        #: :func:`_beta_float64_above`)
        self._beta_floor = (math.log(2 * self.negligible_beta)
                            if self.negligible_beta > 0 and isinstance(backend, FloatBackend)
                            else -math.inf)
        self._abs_c = np.abs(self.c)
        # Hᵀ with contiguous rows: the kept set's rows (_rows_of) are copied row by row
        H_T = self.H.T.copy()
        #: ``Hᵀ`` in the form :meth:`Backend.matmul`/:meth:`Backend.chain` multiply fastest
        self.H_T = backend.prepare(H_T)
        self._H_T_rows, self._abs_H_T = H_T, np.abs(H_T)
        self._H_T_float = backend.to_float64(H_T)
        self._column_max = np.abs(self._H_T_float).max(axis=1)  # ‖H_{:,i}‖_∞
        self._diagonal = np.abs(np.diagonal(self._H_T_float))  # |H_ii|
        self._rows: dict[bytes, tuple] = {}  # kept set ↦ (Hᵀ, |H|ᵀ, Xᵀ) rows
        self._last_kept: np.ndarray | None = None
        # Xᵀ with contiguous rows (float64): see loss
        self._X_T = self.X.T.copy() if isinstance(backend, FloatBackend) else None
        self._last_mask = np.zeros(0, dtype=bool)  # the cached kept set as a mask

    def evaluate(self, base: np.ndarray, offset: np.ndarray | int = 0) -> FlowValue:
        """``β(s)``, ``β'(s)`` and ``f(s) = c − Hβ(s)`` at ``s = base + offset`` (``offset = 0``:
        at ``s = base``, e.g. for a plain float64 state)."""
        beta, slope = beta_and_slope(base, offset, self.lam, self.backend, edge=self.edge)
        return FlowValue(base, offset, base + offset, beta, slope, self._f(beta))

    def sample(self, base: np.ndarray, offset: np.ndarray | int = 0) -> tuple[Any, Any, Any]:
        """``(s, β(s), L(β(s)))`` at ``s = base + offset``: what a trajectory keeps of a
        state."""
        beta = beta_and_slope(base, offset, self.lam, self.backend, slope=False, edge=self.edge)
        return base + offset, beta, self.loss(beta)

    def in_float64(self) -> MirrorFlow:
        """The same flow on :class:`FloatBackend` (``H``, ``c`` and Λ rounded once)."""
        return MirrorFlow(self.problem, float(self.lam), FloatBackend(), self.negligible_beta,
                          self.shape)

    def field(self, base: np.ndarray, offset: np.ndarray | int = 0) -> np.ndarray:
        """``f(s) = c − Hβ(s)`` alone (no ``β'``, no :class:`FlowValue`).  ``offset`` may be a
        matrix: then ``f`` at ``base + offset[i]`` for every row ``i`` (the stages of a step),
        in one pass."""
        return self._f(self.betas(base, offset))

    def betas(
        self,
        base: np.ndarray,
        offset: np.ndarray | int = 0,
        given: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> np.ndarray:
        """``β(s)`` at ``s = base + offset`` (rows of ``offset``: one row of β each).

        ``given = (indices, beta)``: the coordinates ``indices`` take their β from ``beta``
        (columns, one row per row of ``offset``; float64 is accepted, and exact in the products
        that follow) instead of being evaluated, e.g. dormant coordinates whose float64 values
        are good enough (:class:`~dlnsym.integrate.radau.RadauStep`)."""
        if given is None:
            if self._beta_floor > -math.inf:
                return _beta_float64_above(base, offset, 2 * self.lam, self._beta_floor,
                                           self.edge)
            return beta_and_slope(base, offset, self.lam, self.backend, slope=False,
                                  edge=self.edge)
        indices, values = given
        keep = np.ones(self.d, dtype=bool)
        keep[indices] = False
        computed = np.flatnonzero(keep)
        beta = np.empty(np.broadcast_shapes(base.shape, np.shape(offset)), dtype=object)
        beta[:, indices] = values
        if computed.size:
            beta[:, computed] = beta_and_slope(
                base[computed], offset[:, computed], self.lam, self.backend, slope=False,
                edge=self.edge_at(computed),
            )
        return beta

    def edge_at(self, indices: np.ndarray) -> Any:
        """The box edges ``λ_i`` of the coordinates ``indices`` (the scalar 1 unshaped)."""
        return self.edge if self.shape is None else self.edge[indices]

    def kept(self, beta: np.ndarray) -> np.ndarray | None:
        """The coordinates whose β enters ``f = c − Hβ``: ``|β_i| >`` :attr:`negligible_beta`
        in some row of ``beta`` (NaN and ±inf are kept); ``None`` when that is all of them.

        Reading the others as 0 changes ``f`` by at most ``max_j Σ_i |H_ji|·negligible_beta``,
        and ``s`` by that much per unit of time: :func:`dlnsym.simulate.simulate` sets the
        level so that this stays below ``10^−3`` of the tolerance over the whole run.  The
        products then cost ``O(|kept|·d)`` instead of ``O(d²)``: most coordinates of a large
        problem are dormant, with β exponentially small."""
        magnitude = np.abs(self.backend.to_float64(beta))
        if magnitude.ndim == 2:
            magnitude = magnitude.max(axis=0, initial=0.0)
        keep = np.flatnonzero(~(magnitude <= self.negligible_beta))
        if keep.size == 0:  # one column keeps the products' shapes (and costs nothing)
            keep = np.zeros(1, dtype=int)
        return None if keep.size == self.d else keep

    def _rows_of(self, keep: np.ndarray) -> tuple[Any, np.ndarray, np.ndarray | None]:
        """``(Hᵀ[keep], |H|ᵀ[keep], Xᵀ[keep])``, the first :meth:`Backend.prepare`-d, the last
        on float64 only (:meth:`loss`); cached, since the kept set changes only when a
        coordinate crosses the negligible level."""
        key = keep.tobytes()
        rows = self._rows.get(key)
        if rows is None:
            if len(self._rows) >= 8:
                self._rows.pop(next(iter(self._rows)))
            rows = (self.backend.prepare(self._H_T_rows[keep]), self._abs_H_T[keep],
                    None if self._X_T is None else self._X_T[keep])
            self._rows[key] = rows
        return rows

    def _f(self, beta: np.ndarray) -> np.ndarray:
        """``f = c − Hβ`` (rows of ``beta``: one ``f`` each), over the kept coordinates."""
        return self.c - self.products(beta)

    def products(self, beta: np.ndarray, left: Any = None) -> np.ndarray:
        """``β·Hᵀ`` (``left·β·Hᵀ`` with a :meth:`Backend.prepare`-d matrix ``left``) over the
        kept coordinates of ``beta`` (:meth:`kept`): the Radau step forms its quadrature
        ``A·F`` as ``(A·1)·cᵀ − A·B·Hᵀ``.

        The rows of ``Hᵀ`` are those of a cached superset of the kept set while it is not
        much larger (extra coordinates with their own, negligible β change nothing), so
        that coordinates hovering about the level do not cost a new copy each time."""
        keep = self.kept(beta)
        if keep is None:
            factors = (beta, self.H_T)
        else:
            keep = self._superset(keep)
            factors = (beta[..., keep], self._rows_of(keep)[0])
        if left is None:
            return self.backend.matmul(*factors)
        return self.backend.chain(left, *factors)

    def _superset(self, keep: np.ndarray) -> np.ndarray:
        """The cached kept set (:meth:`products`) if it contains ``keep`` and has at most
        ``1.25·|keep| + 16`` coordinates, else ``keep`` with a margin: itself joined with
        the cached set, when that is not too large."""
        last = self._last_kept
        if last is not None:
            inside = self._last_mask[keep].all()
            if inside and last.size <= 1.25 * keep.size + 16:
                return last
            union = np.union1d(keep, last)
            if union.size <= 1.25 * keep.size + 16:
                keep = union
        self._last_kept = keep
        self._last_mask = np.zeros(self.d, dtype=bool)
        self._last_mask[keep] = True
        return keep

    def rounding_scale(self, value: FlowValue) -> np.ndarray:
        """``|c| + |H|·|β|``: the size of the terms whose difference is ``f = c − Hβ``, so
        that ``f`` carries a rounding error of about ``ε`` times it (at an equilibrium
        ``f ≈ 0`` but its rounding does not vanish); over the kept coordinates."""
        keep = self.kept(value.beta)
        if keep is None:
            return self._abs_c + np.abs(value.beta) @ self._abs_H_T
        keep = self._superset(keep)
        return self._abs_c + np.abs(value.beta[keep]) @ self._rows_of(keep)[1]

    def frozen_jacobian(self, value: FlowValue) -> FrozenJacobian:
        """``J = −H·diag(β')`` at ``value`` in float64, as the Newton iteration uses it
        (:class:`FrozenJacobian`)."""
        return FrozenJacobian(self._H_T_float, self.backend.to_float64(value.slope),
                              self._column_max)

    def jacobian(self, value: FlowValue) -> np.ndarray:
        """``J = ∂f/∂s = −H·diag(β')``; its eigenvalues are real and ≤ 0 (module docstring),
        so ``I − hγJ`` is invertible for every ``h > 0`` and ``Re γ > 0``."""
        return -(self.H * value.slope[None, :])

    def loss(self, beta: np.ndarray) -> Any:
        """``L(β) = ‖Xβ − y‖²/2n`` from the residual (no cancellation as ``L → 0``).  On
        float64 over the kept coordinates (:meth:`kept`: a negligible β_i counts as 0, as in
        ``f``), whose rows of ``Xᵀ`` are cached with those of ``Hᵀ``; the residual then moves
        by at most ``‖X‖·Σ_i |β_i|`` over the dropped ``i``, far below the tolerance."""
        keep = None
        if isinstance(self.backend, FloatBackend):
            beta = np.asarray(beta, dtype=float)
            keep = self.kept(beta)
        if keep is None:
            r = self.X @ beta - self.y
        else:
            keep = self._superset(keep)
            r = beta[keep] @ self._rows_of(keep)[2] - self.y
        return (r @ r) / (2 * len(self.y))

    def loss_rate(self, value: FlowValue) -> Any:
        """``dL/dt̃ = ∇L·(β' ⊙ ds/dt̃) = −Σ_i β'_i f_i² ≤ 0`` (the loss never increases)."""
        return -(value.slope @ (value.f * value.f))

    def wake_cap(self, value: FlowValue, beta_wake: Any, growth: float = GROWTH) -> Any:
        """Largest step that cannot carry a coordinate past waking up unseen, nor let it grow
        faster than the step's frozen Jacobian can follow.

        A coordinate is *dormant* while ``|β_i| < beta_wake``, i.e. ``|s_i| < s_w`` with
        ``½·e^{2Λ(s_w−1)} = beta_wake``; it then moves (almost) linearly with velocity
        ``f_i``.  A step whose every evaluation point lies below ``s_w`` but whose end point
        lies far beyond would be accepted by any error estimate, since nothing in the step
        saw β_i grow — this is how explicit Taylor methods step over a jump.  The cap keeps
        the end point of a dormant coordinate short of the wake level ``sign(f_i)·s_w`` it
        moves towards, or at most ``1/2Λ`` beyond its start, so that β_i grows at most by a
        factor ``e`` beyond ``beta_wake`` in one step; from there on the error control sees
        it.  A coordinate moving inward counts too, awake or not: it crosses 0 and wakes on
        the other side (room ``s_w + |s_i|``).

        An awake coordinate moving outward grows like ``e^{2Λ|f_i| t̃}``, which the Jacobian
        frozen at the start of a step (``∝ β_i``) does not model: the Newton iteration
        diverges once its column has grown large.  Its step is capped at a growth of
        ``e^z``, i.e. ``h ≤ z/(2Λ|f_i|)``, with ``z`` the larger of ``growth`` and the growth
        the Newton matrix tolerates (:meth:`_newton_growth`): far below O(1) the column is
        negligible whatever its growth (``z ≈ 50`` at ``β_i = 10^−25``), and the error control
        alone limits the step — on example A at Λ = 10⁶ and 30 digits, ``growth = 4`` for
        every awake coordinate had cost about ten capped steps per jump.  Either cap only
        binds while β_i grows between ``beta_wake`` and O(1); there ``2Λ|f_i|`` is the rate of
        the jump in fast time, so the number of capped steps does not depend on Λ.

        Returns ``inf`` (float) when no coordinate constrains the step.
        """
        lam = self.lam
        s_w = self.edge + self.backend.log(2 * beta_wake) / (2 * lam)  # λ_i − ln(1/2β_w)/2Λ
        s, f = value.s, value.f
        moving = np.flatnonzero(f != 0)
        if moving.size == 0:
            return float("inf")
        s, f = s[moving], f[moving]
        if self.shape is not None:
            s_w = s_w[moving]
        ahead = np.where(f > 0, s, -s)  # signed position along the motion: |s| if outward
        growing = (ahead > 0) & (np.abs(s) >= s_w)  # awake and moving outward
        efolds = np.full(moving.size, float(growth))
        grow = np.flatnonzero(growing)
        if grow.size:
            z = self._newton_growth(moving[grow], value.slope[moving[grow]], f[grow])
            efolds[grow] = np.fmax(efolds[grow], z)  # a NaN z (β' = 0) leaves `growth`
        room = np.where(growing, efolds / (2 * lam), np.maximum(s_w - ahead, 1 / (2 * lam)))
        return min(room / np.abs(f))

    def waking_rate(self, value: FlowValue, beta_wake: Any) -> float:
        """``κ = max_i 2Λ|f_i|`` over the *waking* coordinates: awake (``|β_i| ≥
        beta_wake``), moving outward, and still growing exponentially, i.e. their own
        feedback ``|H_ii β_i|`` below a tenth of ``|f_i|`` (0 if there are none).

        Such a coordinate multiplies its β by ``e^{κh}`` over a step ``h``, and with it the
        local error it brings into every coordinate through ``H``: from one step to the next
        the error of a step of the same size grows by that factor, where a smooth solution
        leaves it unchanged (:meth:`~dlnsym.integrate.driver.Integrator.run`)."""
        beta = self.backend.to_float64(value.beta)
        f = self.backend.to_float64(value.f)
        s = self.backend.to_float64(value.s)
        waking = ((np.abs(beta) >= float(beta_wake)) & (f * s > 0)
                  & (self._diagonal * np.abs(beta) < 0.1 * np.abs(f)))
        if not waking.any():
            return 0.0
        return float(2 * float(self.lam) * np.abs(f[waking]).max())

    def _newton_growth(self, i: np.ndarray, slope: np.ndarray, f_i: np.ndarray,
                       mismatch: float = 0.1) -> np.ndarray:
        """E-folds ``z`` each coordinate of ``i`` (growing) may grow by in one step before the
        Jacobian frozen at the start of the step is off by more than ``mismatch`` in the
        Newton matrix: in a step ``h = z/(2Λ|f_i|)`` its column ``−H_{:,i}·β'_i`` grows by
        ``e^z``, an error of about ``h·‖H_{:,i}‖_∞·β'_i·e^z``, so

            z·e^z ≤ R = 2Λ·mismatch·|f_i| / (‖H_{:,i}‖_∞·β'_i),   z = W(R)

        (Lambert's W, by Newton's method on ``z + ln z = ln R`` in float64, since ``R`` may
        be far beyond its range); 0 where ``W(R) ≤ 1``, below any useful growth."""
        ratio = 2 * self.lam * mismatch * np.abs(f_i) / (self._column_max[i] * slope)
        if isinstance(self.backend, FloatBackend):
            with np.errstate(divide="ignore"):
                log_r = np.log(ratio.astype(float))
        else:
            log_r = np.array([float(self.backend.log(r)) for r in ratio])
        useful = log_r > 1
        z = np.where(useful, log_r, 2.0)
        for _ in range(50):
            step = (z + np.log(z) - np.where(useful, log_r, 2 + math.log(2))) / (1 + 1 / z)
            z = z - step
            if np.all(np.abs(step) <= 1e-12 * z):
                break
        return np.where(useful, z, 0.0)
