"""Deliberate corruptions of exact saddle paths, for the negative controls.

Each returns a *new* :class:`~dlnsym.saddle_path.SaddlePath` (the input is untouched) that
differs from the true one in one documented way; the checks are then run on it unchanged.
"""

from __future__ import annotations

import dataclasses
from fractions import Fraction

import numpy as np

from dlnsym.saddle_path import SaddlePath

__all__ = ["perturb_saddle", "shift_time", "truncate"]

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


def truncate(path: SaddlePath) -> SaddlePath:
    """The path without its last saddle (so its 'last' saddle is not a minimiser)."""
    return dataclasses.replace(
        path, times=path.times[:-1], saddles=path.saddles[:-1], duals=path.duals[:-1],
        gradients=path.gradients[:-1], losses=path.losses[:-1],
    )
