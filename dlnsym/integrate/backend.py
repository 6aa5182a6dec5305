"""Arithmetic back-ends: the integrator is written once and runs on either of them.

A back-end supplies what differs between float64 and arbitrary precision: how to convert
numbers (real and complex), scalar ``exp``/``expm1``/``log``, the inverse of a small dense
matrix, the unit round-off and the precision context.  Vectors are numpy arrays in every
case — float64 on :class:`FloatBackend`, ``object`` arrays of ``mpmath.mpf`` on
:class:`MpBackend`, of ``flint.arb`` on :class:`ArbBackend` — so that ``+ - * @`` and slicing
are shared code.

:class:`ArbBackend` does the same arithmetic as :class:`MpBackend` at the same precision in
C (FLINT/Arb) instead of Python: 5–10× cheaper per operation.  Its numbers are balls, used
as mid-point arithmetic (see the class docstring); values cross to mpmath exactly through
:meth:`ArbBackend.to_mpf` / :meth:`ArbBackend.scalar`.
"""

from __future__ import annotations

import contextlib
import functools
import math
from collections.abc import Callable, Iterator
from fractions import Fraction
from typing import Any

import flint
import mpmath
import numpy as np

__all__ = ["ArbBackend", "Backend", "FloatBackend", "MpBackend"]


class Backend:
    """Interface of an arithmetic back-end (see the module docstring)."""

    name: str
    #: unit round-off of the working precision
    eps: Any

    def scalar(self, x: Any) -> Any:
        """``x`` (int, float, Fraction, decimal string or mpf) as a working-precision number."""
        raise NotImplementedError

    def array(self, values: Any) -> np.ndarray:
        """A 1-D or 2-D array of working-precision numbers: :meth:`scalar` of each entry, in
        an object array (back-ends with a native array type override this)."""
        return _object_array(values, self.scalar)

    def exp(self, x: Any) -> Any:
        """``e^x`` of a scalar (float64: ``inf`` on overflow, no exception)."""
        raise NotImplementedError

    def expm1(self, x: Any) -> Any:
        """``e^x − 1`` of a scalar (accurate for small ``x``)."""
        raise NotImplementedError

    def log(self, x: Any) -> Any:
        """Natural logarithm of a positive scalar."""
        raise NotImplementedError

    def elementwise(
        self, fn: Callable[..., Any], nout: int, base: np.ndarray, offset: Any, *args: Any
    ) -> Any:
        """``fn(base_i, offset_i, *args)`` for every entry of ``base`` and ``offset``
        (broadcast together: a vector and a matrix of rows, or a scalar), on the back-end's
        scalars: an array, or a tuple of ``nout`` arrays when ``nout > 1``.

        For the few coordinates of these problems, one call of a scalar formula per
        coordinate costs less than two dozen whole-array operations, each dispatched on its
        own."""
        return _ufunc(fn, 2 + len(args), nout)(base, offset, *args)

    def point(self, x: np.ndarray) -> np.ndarray:
        """``x`` without error bounds: the mid-points of balls (:class:`ArbBackend`), else
        ``x`` itself."""
        return x

    def complex_scalar(self, z: Any) -> Any:
        """A complex number (Python complex, ``mpmath.mpc`` or real) at working precision."""
        raise NotImplementedError

    def complex_array(self, values: Any) -> np.ndarray:
        """Like :meth:`array`, for complex numbers: :meth:`complex_scalar` of each entry."""
        return _object_array(values, self.complex_scalar)

    def real(self, x: np.ndarray) -> np.ndarray:
        """Real parts of a complex array (as a real array)."""
        return _ufunc(_real_part, 1, 1)(x)

    def inverse(self, A: np.ndarray) -> np.ndarray:
        """``A^{-1}`` of a small square real or complex matrix (LU with partial pivoting), so
        that a solve is one matrix–vector product: the systems of a step are ``d × d`` and
        solved several times each."""
        raise NotImplementedError

    def prepare(self, A: np.ndarray) -> Any:
        """A constant matrix in the form :meth:`matmul` multiplies fastest (here: as is)."""
        return A

    def matmul(self, A: Any, B: Any) -> np.ndarray:
        """``A @ B`` for arrays or :meth:`prepare`-d matrices; the result is an array."""
        return A @ B

    def stage_solver(self, matrices: list[np.ndarray]) -> Any:
        """Prepare the solves with each of ``matrices`` (one per row of a right-hand side)."""
        return [self.inverse(M) for M in matrices]

    def solve_each(self, solver: Any, R: np.ndarray) -> np.ndarray:
        """Row ``k`` of the result solves ``matrices[k]·x = R[k]`` (see :meth:`stage_solver`)."""
        return np.array([M @ r for M, r in zip(solver, R, strict=True)])

    def all_finite(self, x: np.ndarray) -> bool:
        """Whether every entry is finite (float64 overflow shows up here)."""
        raise NotImplementedError

    def precision(self) -> contextlib.AbstractContextManager:
        """Context in which every operation of the back-end must run."""
        raise NotImplementedError


#: ``np.frompyfunc`` of a scalar function, built once per (function, arity)
_ufunc = functools.cache(np.frompyfunc)


def _real_part(z: Any) -> Any:
    return z.real


def _object_array(values: Any, convert: Callable[[Any], Any]) -> np.ndarray:
    """``convert`` of every entry of ``values``, in an object array of the same shape."""
    raw = np.asarray(values, dtype=object)
    out = np.empty(raw.shape, dtype=object)
    for idx, v in np.ndenumerate(raw):
        out[idx] = convert(v)
    return out


def _exp(x: float) -> float:
    """``math.exp`` with ``inf`` on overflow instead of an exception."""
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf


class FloatBackend(Backend):
    """float64 with LAPACK (``getrf``/``getrs``); scalars are Python floats (``math``
    functions are ~20× cheaper than numpy's on a single number)."""

    name = "float64"
    eps = float(np.finfo(float).eps)
    #: decimal digits of the coefficients the back-end is given
    digits = 17

    def scalar(self, x: Any) -> float:
        return float(x)

    def array(self, values: Any) -> np.ndarray:
        return np.asarray(values, dtype=float)

    exp = staticmethod(_exp)
    expm1 = staticmethod(math.expm1)
    log = staticmethod(math.log)

    def elementwise(
        self, fn: Callable[..., Any], nout: int, base: np.ndarray, offset: Any, *args: Any
    ) -> Any:
        # a list comprehension over Python floats: no object arrays, one conversion back
        base, offset = np.broadcast_arrays(base, offset)
        pairs = zip(base.ravel().tolist(), offset.ravel().tolist(), strict=True)
        out = [fn(b, o, *args) for b, o in pairs]
        if nout == 1:
            return np.array(out).reshape(base.shape)
        return tuple(np.array(v).reshape(base.shape) for v in zip(*out, strict=True))

    def complex_array(self, values: Any) -> np.ndarray:
        return np.asarray(values, dtype=complex)

    real = staticmethod(np.real)
    inverse = staticmethod(np.linalg.inv)

    def all_finite(self, x: np.ndarray) -> bool:
        return bool(np.isfinite(x).all())

    @contextlib.contextmanager
    def precision(self) -> Iterator[None]:
        # e^{2Λ(|s|−1)} overflows to inf on a wild trial step: the step is then rejected,
        # so the warning is noise.
        with np.errstate(over="ignore", invalid="ignore"):
            yield


class MpBackend(Backend):
    """mpmath at ``dps`` decimal digits, vectors as numpy object arrays of ``mpf``.

    mpf has an unbounded exponent, so ``β = e^{−2·10⁶}`` is an ordinary number here.
    """

    name = "mpmath"

    def __init__(self, dps: int) -> None:
        self.dps = self.digits = int(dps)
        with self.precision():
            self.eps = mpmath.mpf(2) ** (1 - mpmath.mp.prec)

    def scalar(self, x: Any) -> mpmath.mpf:
        if isinstance(x, Fraction):
            return mpmath.mpf(x.numerator) / x.denominator
        return mpmath.mpf(x)

    exp = staticmethod(mpmath.exp)

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

    expm1 = _expm1
    log = staticmethod(mpmath.log)

    complex_scalar = staticmethod(mpmath.mpc)

    def inverse(self, A: np.ndarray) -> np.ndarray:
        """``A^{-1}`` by Gauss–Jordan elimination with partial pivoting (real or complex;
        mpmath's own ``inverse`` would need conversions to ``mp.matrix``)."""
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

    def all_finite(self, x: np.ndarray) -> bool:
        return all(mpmath.isfinite(v) for v in x.flat)

    def precision(self) -> contextlib.AbstractContextManager:
        return mpmath.mp.workdps(self.dps)


class ArbBackend(Backend):
    """FLINT/Arb at the precision of ``mpmath.workdps(dps)``, vectors as object arrays of
    ``flint.arb``.

    Every operation runs in C, and ``exp``/``expm1`` are Arb's (accurate for every argument,
    no precision juggling as in :meth:`MpBackend._expm1`).  Like mpf, arb has an unbounded
    exponent.

    *Mid-point use of balls.*  An arb is a ball ``[m ± r]``; its mid-point ``m`` is rounded
    to ``prec`` bits like an mpf, and ``r`` bounds the rounding errors.  The integrator needs
    the mid-points only, and the radii must stay small, since comparisons (``<``, ``max``) of
    overlapping balls are ``False``.  Radii would blow up through the Newton solves: a ball
    solve of ``(I − hγJ)x = b`` cannot see the cancellation that makes the implicit step
    contractive, and fed back through the iterates and the state, that compounds from step
    to step.  :meth:`inverse` therefore returns mid-points, the Newton iterates are kept as
    mid-points, and so is the accepted state (:meth:`point`): a radius only accumulates the
    rounding errors of one operation, far below what is compared.
    """

    name = "arb"

    def __init__(self, dps: int) -> None:
        self.dps = self.digits = int(dps)
        #: bits, as ``mpmath.workdps(dps)`` sets them, so both back-ends round alike
        self.prec = mpmath.libmp.dps_to_prec(self.dps)
        self.eps = flint.arb(2) ** (1 - self.prec)

    def scalar(self, x: Any) -> flint.arb:
        """``x`` as an arb mid-point (radius 0); exact for int, float, mpf and arb."""
        if isinstance(x, Fraction):
            return (flint.arb(x.numerator) / x.denominator).mid()
        return flint.arb(x.strip() if isinstance(x, str) else x).mid()

    @staticmethod
    def to_mpf(x: flint.arb) -> mpmath.mpf:
        """The mid-point of ``x`` as an exact mpf (mpf rounds it only if its precision is
        lower than the back-end's)."""
        man, exp = x.mid().man_exp()
        return mpmath.mpf((int(man), int(exp)))

    exp = staticmethod(flint.arb.exp)
    expm1 = staticmethod(flint.arb.expm1)
    _mid = staticmethod(np.frompyfunc(lambda x: x.mid(), 1, 1))  # arb or acb
    point = _mid

    def complex_scalar(self, z: Any) -> flint.acb:
        """``z`` (mpc, complex or real) as an acb mid-point: exact, no mpmath rounding."""
        return flint.acb(self.scalar(z.real), self.scalar(z.imag))

    @staticmethod
    def log(x: Any) -> flint.arb:
        """``ln x`` for an arb or any number arb accepts (the unbound ``flint.arb.log``
        returns nan for a plain float)."""
        return flint.arb(x).log()

    def inverse(self, A: np.ndarray) -> np.ndarray:
        """Mid-points of ``A^{-1}`` (Arb's ``arb_mat_inv``/``acb_mat_inv``, LU with partial
        pivoting in C)."""
        return self._array(self._inverse(A))

    def _inverse(self, A: np.ndarray) -> flint.arb_mat | flint.acb_mat:
        return self._mat(self._mid(A)).inv().mid()

    @staticmethod
    def _mat(X: np.ndarray) -> flint.arb_mat | flint.acb_mat:
        """A 2-D object array of arb (or acb) as an Arb matrix."""
        mat = flint.acb_mat if any(isinstance(v, flint.acb) for v in X.flat) else flint.arb_mat
        return mat(X.tolist())

    @staticmethod
    def _array(M: flint.arb_mat | flint.acb_mat) -> np.ndarray:
        return np.array(M.entries(), dtype=object).reshape(M.nrows(), M.ncols())

    def prepare(self, A: np.ndarray) -> flint.arb_mat | flint.acb_mat:
        """``A`` as an Arb matrix: products then run in C, not entry by entry in Python."""
        return self._mat(np.asarray(A, dtype=object))

    def matmul(self, A: Any, B: Any) -> np.ndarray:
        """``A @ B`` in C (Arb's ``arb_mat_mul``/``acb_mat_mul``); 1-D operands are a row
        (left) or a column (right), as for ``@``."""
        left = self._mat(np.atleast_2d(A)) if isinstance(A, np.ndarray) else A
        right = self._mat(B.reshape(len(B), -1)) if isinstance(B, np.ndarray) else B
        out = self._array(left * right)
        if isinstance(A, np.ndarray) and A.ndim == 1:
            out = out[0]
        if isinstance(B, np.ndarray) and B.ndim == 1:
            out = out[:, 0]
        return out

    def stage_solver(self, matrices: list[np.ndarray]) -> flint.acb_mat:
        """One block-diagonal matrix of the mid-points of the inverses, so that
        :meth:`solve_each` is one product in C."""
        d = matrices[0].shape[0]
        solver = flint.acb_mat(len(matrices) * d, len(matrices) * d)
        for k, M in enumerate(matrices):
            inverse = self._inverse(M)
            for i in range(d):
                for j in range(d):
                    solver[k * d + i, k * d + j] = inverse[i, j]
        return solver

    def solve_each(self, solver: flint.acb_mat, R: np.ndarray) -> np.ndarray:
        column = flint.acb_mat(R.size, 1, list(R.ravel()))
        return self._array(solver * column).reshape(R.shape)

    def all_finite(self, x: np.ndarray) -> bool:
        return all(v.is_finite() for v in x.flat)

    @contextlib.contextmanager
    def precision(self) -> Iterator[None]:
        """``flint.ctx.prec = prec`` for the duration, restored afterwards (FLINT's context
        is global, like mpmath's)."""
        old = flint.ctx.prec
        flint.ctx.prec = self.prec
        try:
            yield
        finally:
            flint.ctx.prec = old
