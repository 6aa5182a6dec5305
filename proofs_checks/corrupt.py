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
    "duplicate_column",
    "flip_entering",
    "inflate_dual",
    "non_minimal_minimiser",
    "perturb_saddle",
    "repeat_last_step",
    "shift_time",
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


def non_minimal_minimiser(path: SaddlePath) -> SaddlePath:
    """The last saddle moved along the null space of X: still a minimiser of L, but not of
    minimal ℓ₁ norm (falls back to :func:`perturb_saddle` when X has full column rank)."""
    import sympy as sp

    X = sp.Matrix(path.problem.X.tolist())
    null = X.nullspace()
    if not null:
        return perturb_saddle(path)
    delta = null[0] / max(abs(v) for v in null[0])
    saddles = list(path.saddles)
    saddles[-1] = np.array([b + Fraction(int(sp.numer(e)), int(sp.denom(e)))
                            for b, e in zip(saddles[-1], delta, strict=True)], dtype=object)
    return dataclasses.replace(path, saddles=saddles)


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
