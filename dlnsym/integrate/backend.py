"""Arithmetic back-ends: the integrator is written once and runs on either of them.

A back-end supplies what differs between float64 and arbitrary precision: how to convert
numbers, elementwise ``exp``/``expm1``, a dense LU factorisation with its solve, the unit
round-off and the precision context.  Vectors are 1-D numpy arrays in both cases — float64
on :class:`FloatBackend`, ``object`` arrays of ``mpmath.mpf`` on :class:`MpBackend` — so
that ``+ - * @`` and slicing are shared code.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from fractions import Fraction
from typing import Any

import mpmath
import numpy as np
import scipy.linalg

__all__ = ["Backend", "FloatBackend", "MpBackend"]


class Backend:
    """Interface of an arithmetic back-end (see the module docstring)."""

    name: str
    #: unit round-off of the working precision
    eps: Any

    def scalar(self, x: Any) -> Any:
        """``x`` (int, float, Fraction, decimal string or mpf) as a working-precision number."""
        raise NotImplementedError

    def array(self, values: Any) -> np.ndarray:
        """A 1-D or 2-D array of working-precision numbers."""
        raise NotImplementedError

    def exp(self, x: np.ndarray) -> np.ndarray:
        """Elementwise ``e^x``."""
        raise NotImplementedError

    def expm1(self, x: np.ndarray) -> np.ndarray:
        """Elementwise ``e^x − 1`` (accurate for small ``x``)."""
        raise NotImplementedError

    def lu_factor(self, A: np.ndarray) -> Any:
        """LU factorisation of a square matrix with partial pivoting."""
        raise NotImplementedError

    def lu_solve(self, lu: Any, b: np.ndarray) -> np.ndarray:
        """Solve ``A x = b`` from ``lu_factor(A)``."""
        raise NotImplementedError

    def all_finite(self, x: np.ndarray) -> bool:
        """Whether every entry is finite (float64 overflow shows up here)."""
        raise NotImplementedError

    def precision(self) -> contextlib.AbstractContextManager:
        """Context in which every operation of the back-end must run."""
        raise NotImplementedError


class FloatBackend(Backend):
    """float64 with LAPACK (``getrf``/``getrs``)."""

    name = "float64"
    eps = float(np.finfo(float).eps)

    def scalar(self, x: Any) -> float:
        return float(x)

    def array(self, values: Any) -> np.ndarray:
        return np.asarray(values, dtype=float)

    exp = staticmethod(np.exp)
    expm1 = staticmethod(np.expm1)

    # LAPACK getrf/getrs directly: scipy.linalg.lu_factor/lu_solve add ~50 µs of argument
    # checking per call, which dominates for the small systems of a step.
    def lu_factor(self, A: np.ndarray) -> Any:
        lu, piv, _ = scipy.linalg.lapack.dgetrf(A)
        return lu, piv

    def lu_solve(self, lu: Any, b: np.ndarray) -> np.ndarray:
        return scipy.linalg.lapack.dgetrs(lu[0], lu[1], b)[0]

    def all_finite(self, x: np.ndarray) -> bool:
        return bool(np.all(np.isfinite(x)))

    @contextlib.contextmanager
    def precision(self) -> Iterator[None]:
        # e^{2Λ(|s|−1)} overflows to inf on a wild trial step: the step is then rejected,
        # so the warning is noise.
        with np.errstate(over="ignore", invalid="ignore"):
            yield


class MpBackend(Backend):
    """mpmath at ``dps`` decimal digits, vectors as numpy object arrays of ``mpf``.

    mpf has an unbounded exponent, so ``β = e^{−2·10⁶}`` is an ordinary number here.  The
    "factorisation" is an explicit inverse (see :meth:`lu_factor`); mpmath's own ``lu_solve``
    would need conversions to ``mp.matrix`` at every call.
    """

    name = "mpmath"

    def __init__(self, dps: int) -> None:
        self.dps = int(dps)
        with self.precision():
            self.eps = mpmath.mpf(2) ** (1 - mpmath.mp.prec)

    def scalar(self, x: Any) -> mpmath.mpf:
        if isinstance(x, Fraction):
            return mpmath.mpf(x.numerator) / x.denominator
        return mpmath.mpf(x)

    def array(self, values: Any) -> np.ndarray:
        raw = np.asarray(values, dtype=object)
        out = np.empty(raw.shape, dtype=object)
        for idx, v in np.ndenumerate(raw):
            out[idx] = self.scalar(v)
        return out

    exp = staticmethod(np.frompyfunc(mpmath.exp, 1, 1))

    @staticmethod
    def _expm1(x: mpmath.mpf) -> mpmath.mpf:
        # mpmath.expm1 raises the precision adaptively and dominates the cost of a field
        # evaluation; it is only needed where e^x − 1 cancels (|x| < 1).  For x below
        # −(prec·ln 2 + 2), e^x − 1 rounds to −1.
        if x < -(mpmath.mp.prec * 0.7 + 2):
            return -mpmath.mpf(1)
        if x < -1:
            return mpmath.exp(x) - 1
        return mpmath.expm1(x)

    expm1 = staticmethod(np.frompyfunc(_expm1, 1, 1))

    def lu_factor(self, A: np.ndarray) -> np.ndarray:
        """The inverse of ``A`` by Gauss–Jordan elimination with partial pivoting.

        Every substep of a row then costs one object-array matrix–vector product instead of
        two Python-level triangular sweeps (the systems are small and the precision high, so
        the explicit inverse loses nothing that matters)."""
        n = A.shape[0]
        M = np.concatenate([np.array(A, dtype=object), self.array(np.eye(n))], axis=1)
        for k in range(n):
            p = k + int(np.argmax(np.abs(M[k:, k])))
            if p != k:
                M[[k, p]] = M[[p, k]]
            M[k] = M[k] / M[k, k]
            others = np.arange(n) != k
            M[others] -= np.outer(M[others, k], M[k])
        return M[:, n:]

    def lu_solve(self, lu: np.ndarray, b: np.ndarray) -> np.ndarray:
        return lu @ b

    def all_finite(self, x: np.ndarray) -> bool:
        return all(mpmath.isfinite(v) for v in x.flat)

    def precision(self) -> contextlib.AbstractContextManager:
        return mpmath.mp.workdps(self.dps)
