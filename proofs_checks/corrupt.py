"""Deliberate corruptions of exact saddle paths, for the negative controls.

Each returns a *new* :class:`~dlnsym.saddle_path.SaddlePath` (the input is untouched) that
differs from the true one in one documented way; the checks are then run on it unchanged.
"""

from __future__ import annotations

import dataclasses
from fractions import Fraction

import numpy as np

from dlnsym.saddle_path import SaddlePath

__all__ = [
    "dual_off_range",
    "duplicate_column",
    "flip_entering",
    "inflate_dual",
    "non_minimal_minimiser",
    "perturb_saddle",
    "premature_hit",
    "repeat_last_step",
    "shift_time",
    "soft_threshold",
    "stall",
    "stop_short",
    "truncate",
]

#: Size of the perturbations: small, but far above any rounding (everything is exact).
EPS = Fraction(1, 1000)


def perturb_saddle(path: SaddlePath, k: int = -1, eps: Fraction = EPS) -> SaddlePath:
    """``β_k`` with ``eps`` added to its first nonzero entry (to entry 0 if β_k = 0);
    losses recomputed so that only the saddle is wrong."""
    saddles = [b.copy() for b in path.saddles]
    b = saddles[k]
    i = int(np.flatnonzero(b != 0)[0]) if np.any(b != 0) else 0
    b[i] = b[i] + eps
    losses = list(path.losses)
    losses[k] = path.problem.loss(b)
    return dataclasses.replace(path, saddles=saddles, losses=losses)


def shift_time(path: SaddlePath, k: int = 2, eps: Fraction = EPS) -> SaddlePath:
    """The jump time ``t_k`` moved by ``eps``."""
    times = list(path.times)
    times[k] = times[k] + eps
    return dataclasses.replace(path, times=times)


def inflate_dual(path: SaddlePath, k: int = -1, factor: Fraction = 1 + EPS) -> SaddlePath:
    """``s_k`` multiplied by ``factor`` (so that ``‖s_k‖∞ > 1``)."""
    duals = list(path.duals)
    duals[k] = duals[k] * factor
    return dataclasses.replace(path, duals=duals)


def _row_space_misses(X: np.ndarray, i: int) -> bool:
    """Whether ``e_i ∉ range(Xᵀ)`` (exact rank test)."""
    import sympy as sp

    Xt = sp.Matrix(X.tolist()).T
    return Xt.row_join(sp.eye(Xt.rows)[:, i]).rank() > Xt.rank()


def non_minimal_minimiser(path: SaddlePath) -> SaddlePath:
    """The last saddle moved along the null space of X: still a minimiser of L, but not of
    minimal ℓ₁ norm.

    Raises
    ------
    ValueError
        X has full column rank: the minimiser of L is unique, so the corruption does not
        apply (the controls run it only on designs with a null space).
    """
    import sympy as sp

    X = sp.Matrix(path.problem.X.tolist())
    null = X.nullspace()
    if not null:
        raise ValueError("X has full column rank: no other minimiser of L")
    delta = null[0] / max(abs(v) for v in null[0])
    saddles = list(path.saddles)
    saddles[-1] = np.array([b + Fraction(int(sp.numer(e)), int(sp.denom(e)))
                            for b, e in zip(saddles[-1], delta, strict=True)], dtype=object)
    return dataclasses.replace(path, saddles=saddles)


def dual_off_range(path: SaddlePath, eps: Fraction = EPS) -> SaddlePath:
    """``s_K`` with one entry ``|s_i| < 1`` moved by ``eps`` towards 0, chosen with
    ``e_i ∉ range(Xᵀ)``: ``‖s_K‖∞ ≤ 1`` and ``s_K = sign(β_K)`` on the support still hold
    (``β_K,i = 0`` where ``|s_i| < 1``), but ``s_K ∉ range(Xᵀ)``.

    Raises
    ------
    ValueError
        No such entry (e.g. X has full column rank, so ``range(Xᵀ) = ℝ^d``).
    """
    s = path.duals[-1].copy()
    free = [i for i in range(len(s)) if abs(s[i]) < 1
            and _row_space_misses(path.problem.X, i)]
    if not free:
        raise ValueError("every e_i with |s_i| < 1 lies in range(Xᵀ)")
    i = free[0]
    s[i] = s[i] - eps if s[i] > 0 else s[i] + eps
    return dataclasses.replace(path, duals=[*path.duals[:-1], s])


def soft_threshold(path: SaddlePath) -> SaddlePath:
    """On an orthogonal design (``H`` diagonal), every saddle ``β_k`` (k ≥ 1) replaced by the
    soft-thresholded Lasso solution ``sign(c_i)·(|c_i| − λ_k)₊/H_ii`` at ``λ_k = 1/t_k``, with
    ``c = Xᵀy/n``, instead of the hard-thresholded ``c_i/H_ii`` (losses recomputed; times
    and duals unchanged)."""
    problem = path.problem
    X, y, n = problem.X, problem.y, problem.n
    c = X.T @ y / n
    h = [sum(X[r, i] * X[r, i] for r in range(n)) / n for i in range(problem.d)]

    def soft(lam: Fraction) -> np.ndarray:
        return np.array([(1 if ci > 0 else -1) * (abs(ci) - lam) / hi
                         if abs(ci) >= lam else Fraction(0) for ci, hi in zip(c, h, strict=True)],
                        dtype=object)

    saddles = [path.saddles[0]] + [soft(1 / Fraction(t)) for t in path.times[1:]]
    return dataclasses.replace(path, saddles=saddles,
                               losses=[problem.loss(b) for b in saddles])


def premature_hit(path: SaddlePath, k: int = 1) -> SaddlePath:
    """In ``s_k``, the coordinate i with ``β_k,i = 0``, ``|s_k,i| < 1`` and the largest
    ``|g_k,i|`` put on the boundary with the sign it will hit, ``s_i = −sign(g_i)``: β_k then
    violates the multiplier condition ``s_i·g_i ≥ 0`` of N(s_k) (L decreases into the cone)
    and nothing else.

    Raises
    ------
    ValueError
        No such coordinate (β_k is the last saddle, where ``g = 0``).
    """
    b, s, g = path.saddles[k], path.duals[k].copy(), path.gradients[k]
    free = [i for i in range(len(s)) if b[i] == 0 and abs(s[i]) < 1 and g[i] != 0]
    if not free:
        raise ValueError(f"no coordinate with β_{k},i = 0, |s_i| < 1 and g_i ≠ 0")
    i = max(free, key=lambda j: abs(g[j]))
    s[i] = -1 if g[i] > 0 else 1
    return dataclasses.replace(path, duals=[*path.duals[:k], s, *path.duals[k + 1:]])


def stall(path: SaddlePath, k: int = 2) -> SaddlePath:
    """``β_k`` (with its gradient and loss) replaced by ``β_{k−1}``: the loss stays flat over
    jump k; times and duals are unchanged."""
    def copy(xs: list) -> list:
        return [*xs[:k], xs[k - 1], *xs[k + 1:]]

    return dataclasses.replace(path, saddles=copy(path.saddles),
                               gradients=copy(path.gradients), losses=copy(path.losses))


def stop_short(path: SaddlePath, k: int = 1) -> SaddlePath:
    """A node inserted halfway through step k: at ``t = (t_k + t_{k+1})/2`` the saddle is
    ``β_k`` again (with its gradient and loss) and ``s = s_k − (t − t_k)·g_k``.  s still moves
    along −g_k at every step, but the inserted step stops before any coordinate reaches ±1."""
    t = (path.times[k] + path.times[k + 1]) / 2
    s = path.duals[k] - (t - path.times[k]) * path.gradients[k]

    def insert(xs: list, x: object) -> list:
        return [*xs[:k + 1], x, *xs[k + 1:]]

    return dataclasses.replace(
        path, times=insert(path.times, t), saddles=insert(path.saddles, path.saddles[k]),
        duals=insert(path.duals, s), gradients=insert(path.gradients, path.gradients[k]),
        losses=insert(path.losses, path.losses[k]),
    )


def duplicate_column(path: SaddlePath) -> SaddlePath:
    """The data with a column ``x_j`` of the last saddle's support appended again as column
    d, and the path padded accordingly: the copy has the same gradient, hence the same dual,
    as ``x_j``, so every saddle still satisfies the KKT conditions, but wherever
    ``|s_j| = 1`` the minimiser is not unique (β_j can be split between the two copies)."""
    from dlnsym.problems import as_problem

    problem = path.problem
    j = int(np.flatnonzero(path.saddles[-1] != 0)[0])
    X = np.concatenate([problem.X, problem.X[:, j : j + 1]], axis=1)
    wider = as_problem(X, problem.y, exact=problem.exact, name=f"{problem.name} + copy of x_{j}")

    def pad(vectors: list, copy: bool) -> list:
        return [np.append(v, v[j] if copy else v[j] * 0) for v in vectors]

    return dataclasses.replace(path, problem=wider, saddles=pad(path.saddles, False),
                               duals=pad(path.duals, True), gradients=pad(path.gradients, True))


def flip_entering(path: SaddlePath) -> SaddlePath:
    """Every ``s_{k+1}`` with the sign of its newly hit coordinates (``|s_i| = 1``,
    ``β_k,i = 0``) reversed: the jumps start with entries of the wrong sign."""
    duals = [path.duals[0]]
    for before, s in zip(path.saddles, path.duals[1:], strict=False):
        entering = (np.abs(s) == 1) & (before == 0)
        duals.append(np.where(entering, -s, s))
    return dataclasses.replace(path, duals=duals)


def repeat_last_step(path: SaddlePath) -> SaddlePath:
    """The last step appended again one time unit later (its sign pattern repeats)."""
    return dataclasses.replace(
        path, times=[*path.times, path.times[-1] + 1], saddles=[*path.saddles, path.saddles[-1]],
        duals=[*path.duals, path.duals[-1]], gradients=[*path.gradients, path.gradients[-1]],
        losses=[*path.losses, path.losses[-1]],
    )


def truncate(path: SaddlePath) -> SaddlePath:
    """The path without its last saddle (so its 'last' saddle is not a minimiser)."""
    return dataclasses.replace(
        path, times=path.times[:-1], saddles=path.saddles[:-1], duals=path.duals[:-1],
        gradients=path.gradients[:-1], losses=path.losses[:-1],
    )
