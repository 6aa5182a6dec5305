"""Arithmetic back-ends: the integrator is written once and runs on either of them.

A back-end supplies what differs between float64 and arbitrary precision: how to convert
numbers (to and from float64 exactly, see :meth:`Backend.to_float`), scalar
``exp``/``expm1``/``log``, matrix products, the unit round-off and the precision context.
Vectors are numpy arrays in every case — float64 on :class:`FloatBackend`, ``object``
arrays of ``mpmath.mpf`` on :class:`MpBackend`, of ``flint.arb`` on :class:`ArbBackend` — so
that ``+ - * @`` and slicing are shared code.

:class:`ArbBackend` does the same arithmetic as :class:`MpBackend` at the same precision in
C (FLINT/Arb) instead of Python: 5–10× cheaper per operation.  Its numbers are balls, used
as mid-point arithmetic (see the class docstring); values cross to mpmath exactly through
:meth:`ArbBackend.to_mpf` / :meth:`ArbBackend.scalar`.
"""

from __future__ import annotations

import contextlib
import functools
import math
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from fractions import Fraction
from typing import Any

import flint
import mpmath
import numpy as np
from threadpoolctl import ThreadpoolController

__all__ = ["SPLIT_MIN_WORK", "ArbBackend", "Backend", "FloatBackend", "MpBackend", "blas_pools",
           "helper_thread", "ldexp", "on_helper", "split_matmul"]


class Backend:
    """Interface of an arithmetic back-end (see the module docstring).

    Subclasses implement :meth:`scalar`, :meth:`exp`, :meth:`expm1`, :meth:`expm1_floor`,
    :meth:`log`, :meth:`all_finite` and :meth:`precision`; the rest has generic
    implementations on object arrays.

    Attributes
    ----------
    name : str
        Short name (``"float64"``, ``"mpmath"``, ``"arb"``).
    eps : float, mpf or arb
        Unit round-off of the working precision.

    Examples
    --------
    The base class only declares the interface:

    >>> issubclass(FloatBackend, Backend), issubclass(MpBackend, Backend)
    (True, True)
    >>> Backend().scalar(1)
    Traceback (most recent call last):
        ...
    NotImplementedError
    """

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

    def exp_all(self, x: np.ndarray) -> np.ndarray:
        """:meth:`exp` of every entry of an array, in one numpy loop."""
        return _ufunc(self.exp, 1, 1)(x)

    def expm1_floor(self) -> Any:
        """The ``x`` below which ``e^x − 1`` rounds to ``−1`` at the working precision,
        ``−(prec·ln 2 + 2)`` (where ``e^x`` is below half an ulp of 1), as a number of the
        back-end."""
        raise NotImplementedError

    def point(self, x: np.ndarray) -> np.ndarray:
        """``x`` without error bounds: the mid-points of balls (:class:`ArbBackend`), else
        ``x`` itself."""
        return x

    def to_float(self, x: np.ndarray) -> tuple[np.ndarray, int]:
        """``x = m·2^k`` rounded once: ``m`` a float64 array, ``k`` an integer, ``0`` unless
        ``x`` lies outside the float64 range (then ``max|m| ≈ 1``).

        What crosses to the float64 linear algebra of a Newton step
        (:mod:`dlnsym.integrate.radau`); the common exponent keeps residuals of size
        ``10^−400``, ordinary at 400 digits, from underflowing."""
        m = self.to_float64(x)
        peak = float(np.abs(m).max()) if m.size else 0.0
        if _FLOAT_SAFE[0] < peak < _FLOAT_SAFE[1] or not self.all_finite(x):
            return m, 0
        # mid-points: an Arb ball overlapping 0 is neither == 0 nor != 0
        mids = (self.to_mpf(v) for v in x.flat)
        k = max((mpmath.frexp(v)[1] for v in mids if v != 0), default=0)
        scale = self.scalar(2) ** -k
        return np.array([float(v * scale) for v in x.ravel().tolist()]).reshape(x.shape), k

    def from_float(self, m: np.ndarray, k: int = 0) -> np.ndarray:
        """``m·2^k`` in the back-end's numbers, exactly (the inverse of :meth:`to_float`)."""
        out = np.array([self.scalar(v) for v in m.ravel().tolist()], dtype=object)
        if k:
            out = out * self.scalar(2) ** k
        return out.reshape(m.shape)

    def to_float64(self, x: np.ndarray) -> np.ndarray:
        """``x`` rounded to float64 entry by entry (``0`` below its range, ``±inf`` above)."""
        return x.astype(float)  # float(v) of every entry, in numpy's loop

    def to_double_word(self, base: np.ndarray, offset: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``base + offset`` as float64 ``(hi, lo)`` with ``hi + lo`` equal to it to about
        ``ε²`` relative (``|s| − 1`` resolved far below ``ε``, as the float64 path keeps its
        state, :func:`dlnsym.mirror_flow.beta_and_slope`)."""
        hi = self.to_float64(base)
        return hi, self.to_float64(base - self.from_float(hi) + offset)

    def to_mpf(self, x: Any) -> mpmath.mpf:
        """One number as an mpf (exactly, at a precision at least the back-end's)."""
        return mpmath.mpf(x)

    def prepare(self, A: np.ndarray) -> Any:
        """A constant matrix in the form :meth:`matmul` multiplies fastest (here: as is)."""
        return A

    def matmul(self, A: Any, B: Any) -> np.ndarray:
        """``A @ B`` for arrays or :meth:`prepare`-d matrices; the result is an array."""
        return A @ B

    def chain(self, *factors: Any) -> np.ndarray:
        """The matrix product of ``factors`` (2-D arrays or :meth:`prepare`-d matrices), as
        an array."""
        return functools.reduce(np.matmul, factors)

    def all_finite(self, x: np.ndarray) -> bool:
        """Whether every entry is finite (float64 overflow shows up here)."""
        raise NotImplementedError

    def precision(self) -> contextlib.AbstractContextManager:
        """Context in which every operation of the back-end must run."""
        raise NotImplementedError


#: ``np.frompyfunc`` of a scalar function, built once per (function, arities)
_ufunc = functools.cache(np.frompyfunc)


#: ``flint.arb`` of every entry of an array, in numpy's loop
_arb_of = np.frompyfunc(flint.arb, 1, 1)

#: float64 magnitudes that :meth:`Backend.to_float` passes unscaled (normal, with room)
_FLOAT_SAFE = (2.0**-960, 2.0**960)


@functools.cache
def blas_pools() -> ThreadpoolController:
    """The process's BLAS thread pools (threadpoolctl; inspected once, which costs
    milliseconds): the integrator and Algorithm 1 run their small products on one thread.

    Returns
    -------
    ThreadpoolController
        Its ``limit(limits=n, user_api="blas")`` sets the BLAS threads for a ``with`` block.

    Raises
    ------
    Nothing of its own: threadpoolctl's errors propagate.

    Examples
    --------
    >>> with blas_pools().limit(limits=1, user_api="blas"):
    ...     pass
    >>> blas_pools() is blas_pools()
    True
    """
    return ThreadpoolController()


#: float64 products of at least this many multiply-adds are split over two threads
#: (:func:`split_matmul`).  Measured on the project's 2-core machine: a hand-off costs some
#: 40 µs, so at 10⁶ (d = 500: 13 × 150 × 500) the split is slower (0.070 against 0.042
#: ms), while at d = 2000 the field products (13 × 700 × 2000) take 0.58 ms split against
#: 1.13 ms whole, and the Newton coupling (1370 × 630 × 14) 0.53 against 0.93 ms
SPLIT_MIN_WORK = 4_000_000


_HELPER: dict[int, ThreadPoolExecutor | None] = {}  # process id ↦ its helper thread


def helper_thread() -> ThreadPoolExecutor | None:
    """One worker thread beside the caller's for the halves of large products (``None`` on
    a single core), one per process (a forked child starts its own: the parent's thread
    does not exist there).  BLAS and LAPACK release the GIL, so the two halves run at once;
    both threads block (they do not spin) while they wait, unlike BLAS's own thread pool,
    which the integrator keeps at one thread (:func:`blas_pools`).

    Returns
    -------
    concurrent.futures.ThreadPoolExecutor or None

    Raises
    ------
    Nothing of its own.

    Examples
    --------
    >>> pool = helper_thread()
    >>> pool is helper_thread() and (pool is None or pool.submit(sum, [1, 2]).result() == 3)
    True
    """
    pid = os.getpid()
    if pid not in _HELPER:
        cores = (len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
                 else os.cpu_count() or 1)
        _HELPER[pid] = (ThreadPoolExecutor(max_workers=1, thread_name_prefix="dlnsym-half")
                        if cores >= 2 else None)
    return _HELPER[pid]


def on_helper(pool: ThreadPoolExecutor, function: Callable[..., Any], *args: Any,
              **kwargs: Any) -> Any:
    """``pool.submit(function, *args, **kwargs)`` under the caller's numpy error state
    (``np.errstate`` is per thread: the integrator's silenced overflow on a wild trial step
    would otherwise warn from the helper).

    Parameters
    ----------
    pool : concurrent.futures.ThreadPoolExecutor
        Usually :func:`helper_thread`.
    function : callable
        Called as ``function(*args, **kwargs)`` on the pool.
    *args, **kwargs
        Its arguments.

    Returns
    -------
    concurrent.futures.Future
        Its result; ``result()`` re-raises what ``function`` raised (e.g.
        ``FloatingPointError`` under ``np.errstate(over="raise")``).

    Raises
    ------
    RuntimeError
        From ``pool.submit`` when the pool has been shut down.

    Examples
    --------
    >>> pool = helper_thread() or ThreadPoolExecutor(1)
    >>> with np.errstate(over="ignore"):
    ...     future = on_helper(pool, np.multiply, 1e308, 10.0)
    >>> float(future.result())
    inf
    """
    state = np.geterr()

    def call() -> Any:
        with np.errstate(**state):
            return function(*args, **kwargs)

    return pool.submit(call)


def split_matmul(M: np.ndarray, Z: np.ndarray) -> np.ndarray:
    """``M @ Z`` for float64 arrays; for 2-D ones the larger of ``M``'s rows and ``Z``'s
    columns split in two halves computed on two threads (:func:`helper_thread`) when the
    product has at least :data:`SPLIT_MIN_WORK` multiply-adds; a plain ``M @ Z``
    otherwise.  The halves are the same BLAS products as the whole, so the result is the
    same up to BLAS's blocking.  Only the output is written: the operands may be shared
    (unlike LAPACK's ``dormqr``, which writes into its reflectors while it applies them).

    Parameters
    ----------
    M, Z : ndarray of float64
        The factors, 1-D or 2-D, with matching inner dimensions.

    Returns
    -------
    ndarray of float64
        ``M @ Z``.

    Raises
    ------
    ValueError
        From numpy, when the inner dimensions differ.

    Examples
    --------
    >>> M, Z = np.arange(6.0).reshape(3, 2), np.ones((2, 4))
    >>> bool((split_matmul(M, Z) == M @ Z).all())
    True
    """
    pool = helper_thread()
    if pool is None or M.ndim != 2 or Z.ndim != 2 or M.size * Z.shape[1] < SPLIT_MIN_WORK:
        return M @ Z
    rows, columns = M.shape[0], Z.shape[1]
    out = np.empty((rows, columns), dtype=np.result_type(M, Z))
    if rows >= columns:
        half = rows // 2
        other = on_helper(pool, np.matmul, M[half:], Z, out=out[half:])
        np.matmul(M[:half], Z, out=out[:half])
    else:
        half = columns // 2
        other = on_helper(pool, np.matmul, M, Z[:, half:])
        np.matmul(M, Z[:, :half], out=out[:, :half])
        out[:, half:] = other.result()
    other.result()
    return out


def ldexp(m: Any, k: int) -> Any:
    """``m·2^k`` in float64 for any integer ``k``, 0 or ±inf out of range, silently.

    ``np.ldexp`` takes 32-bit exponents only; ``k`` is clipped to ``±2200``, beyond which
    the result is 0 or ±inf anyway.  It undoes the scaling of :meth:`Backend.to_float`.

    Parameters
    ----------
    m : float or ndarray of float64
        Mantissas.
    k : int
        The power of two (any size).

    Returns
    -------
    float or ndarray of float64
        ``m·2^k``; ``m`` itself when ``k = 0``.

    Raises
    ------
    TypeError
        If ``int(k)`` fails (e.g. ``k = None``); a non-integral ``k`` is truncated.

    Examples
    --------
    >>> ldexp(np.array([1.0, 3.0]), -3)
    array([0.125, 0.375])
    >>> ldexp(1.0, 5000), ldexp(1.0, -5000)
    (np.float64(inf), np.float64(0.0))
    """
    if k == 0:  # the float64 path, and most residuals: no scaling to do
        return m
    with np.errstate(over="ignore"):
        return np.ldexp(m, max(-2200, min(2200, int(k))))


def _expm1_floor(prec: int) -> float:
    """``−(prec·ln 2 + 2)``: below it ``e^x`` is under half an ulp of 1 at ``prec`` bits, so
    ``e^x − 1`` rounds to ``−1``."""
    return -(prec * math.log(2) + 2)


def _object_array(values: Any, convert: Callable[[Any], Any]) -> np.ndarray:
    """``convert`` of every entry of ``values``, in an object array of the same shape."""
    raw = np.asarray(values, dtype=object)
    out = np.empty(raw.shape, dtype=object)
    out[...] = _ufunc(convert, 1, 1)(raw)  # numpy's loop; a bare object for 0-d input
    return out


def _exp(x: float) -> float:
    """``math.exp`` with ``inf`` on overflow instead of an exception."""
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf


class FloatBackend(Backend):
    """float64 with LAPACK (``getrf``/``getrs``); scalars are Python floats (``math``
    functions are ~20× cheaper than numpy's on a single number).

    Takes no parameters.

    Attributes
    ----------
    name : str
        ``"float64"``.
    eps : float
        ``2⁻⁵²`` (NumPy's float64 machine epsilon).
    digits : int
        17, the decimal digits of the coefficients it is given.

    Examples
    --------
    >>> backend = FloatBackend()
    >>> backend.name, backend.eps == 2.0**-52
    ('float64', True)
    >>> backend.exp(1000.0)                    # inf on overflow, no exception
    inf
    >>> backend.to_float(np.array([1.0, 2.0]))  # already float64: exponent 0
    (array([1., 2.]), 0)
    """

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

    def expm1_floor(self) -> float:
        return _expm1_floor(53)

    def to_float(self, x: np.ndarray) -> tuple[np.ndarray, int]:
        return x, 0

    def to_float64(self, x: np.ndarray) -> np.ndarray:
        return x

    def from_float(self, m: np.ndarray, k: int = 0) -> np.ndarray:
        return ldexp(m, k)

    def matmul(self, A: np.ndarray, B: np.ndarray) -> np.ndarray:
        return split_matmul(A, B)

    def chain(self, *factors: np.ndarray) -> np.ndarray:
        return functools.reduce(split_matmul, factors)

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

    Parameters
    ----------
    dps : int
        Decimal digits (``mpmath.mp.dps`` inside :meth:`precision`).

    Attributes
    ----------
    name : str
        ``"mpmath"``.
    dps, digits : int
        The decimal digits.
    eps : mpf
        ``2^(1 − prec)`` at the working precision ``prec`` (bits).

    Examples
    --------
    Numbers far below the float64 range cross to float64 as a mantissa and a common power
    of two (:meth:`Backend.to_float`):

    >>> backend = MpBackend(30)
    >>> with backend.precision():
    ...     tiny = backend.array(["1e-400", "2e-400"])
    ...     m, k = backend.to_float(tiny)
    ...     print(k, bool(ldexp(m[0], k) == 0.0), mpmath.nstr(backend.from_float(m, k)[1], 6))
    -1327 True 2.0e-400
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
        if x < _expm1_floor(mpmath.mp.prec):
            return -mpmath.mpf(1)
        if x < -1:
            return mpmath.exp(x) - 1
        return mpmath.expm1(x)

    expm1 = _expm1

    def expm1_floor(self) -> mpmath.mpf:
        return mpmath.mpf(_expm1_floor(mpmath.mp.prec))
    log = staticmethod(mpmath.log)

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
    overlapping balls are ``False``.  Radii would blow up if fed back from step to step, so
    the accepted state is kept as mid-points (:meth:`point`); the Newton corrections are
    float64 numbers, exact balls of radius 0 (:mod:`dlnsym.integrate.radau`).  A radius
    then only accumulates the rounding errors of one step, far below what is compared.

    Parameters
    ----------
    dps : int
        Decimal digits; the working precision is the same number of bits as
        ``mpmath.workdps(dps)`` sets.

    Attributes
    ----------
    name : str
        ``"arb"``.
    dps, digits : int
        The decimal digits.
    prec : int
        Working precision in bits (``flint.ctx.prec`` inside :meth:`precision`).
    eps : arb
        ``2^(1 − prec)``.

    Examples
    --------
    >>> from fractions import Fraction
    >>> backend = ArbBackend(30)
    >>> backend.prec
    103
    >>> with backend.precision():
    ...     third = backend.scalar(Fraction(1, 3))
    ...     product = backend.matmul(backend.array([[1, 2], [3, 4]]), backend.array([1, 1]))
    >>> [float(v) for v in product], third.rad() == 0      # mid-points: radius 0
    ([3.0, 7.0], True)
    """

    name = "arb"

    def __init__(self, dps: int) -> None:
        self.dps = self.digits = int(dps)
        #: bits, as ``mpmath.workdps(dps)`` sets them, so both back-ends round alike
        self.prec = mpmath.libmp.dps_to_prec(self.dps)
        self.eps = flint.arb(2) ** (1 - self.prec)
        self._expm1_floor = flint.arb(_expm1_floor(self.prec))
        self._minus_one = flint.arb(-1)

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
    point = staticmethod(np.frompyfunc(flint.arb.mid, 1, 1))

    def expm1(self, x: flint.arb) -> flint.arb:
        """``e^x − 1``; ``−1`` at once below ``−(prec·ln 2 + 2)``, where ``e^x`` is below
        half an ulp of 1 (as :meth:`MpBackend._expm1`): the factor ``1 − e^{−4Λ|s|}`` of β
        for every awake coordinate at large Λ."""
        return self._minus_one if x < self._expm1_floor else x.expm1()

    def expm1_floor(self) -> flint.arb:
        return self._expm1_floor

    @staticmethod
    def log(x: Any) -> flint.arb:
        """``ln x`` for an arb or any number arb accepts (the unbound ``flint.arb.log``
        returns nan for a plain float)."""
        return flint.arb(x).log()

    @staticmethod
    def _array(M: flint.arb_mat) -> np.ndarray:
        return np.array(M.entries(), dtype=object).reshape(M.nrows(), M.ncols())

    def prepare(self, A: np.ndarray) -> flint.arb_mat:
        """``A`` as an Arb matrix: products then run in C, not entry by entry in Python."""
        return flint.arb_mat(np.asarray(A, dtype=object).tolist())

    def matmul(self, A: Any, B: Any) -> np.ndarray:
        """``A @ B`` in C (Arb's ``arb_mat_mul``); 1-D operands are a row (left) or a column
        (right), as for ``@``."""
        left = flint.arb_mat(np.atleast_2d(A).tolist()) if isinstance(A, np.ndarray) else A
        right = flint.arb_mat(B.reshape(len(B), -1).tolist()) if isinstance(B, np.ndarray) else B
        out = self._array(left * right)
        if isinstance(A, np.ndarray) and A.ndim == 1:
            out = out[0]
        if isinstance(B, np.ndarray) and B.ndim == 1:
            out = out[:, 0]
        return out

    def chain(self, *factors: Any) -> np.ndarray:
        """The product of ``factors`` in C, converting each array operand once and the
        result once (two :meth:`matmul` calls would convert the middle product twice)."""
        product = functools.reduce(
            lambda P, Q: P * Q,
            (self.prepare(F) if isinstance(F, np.ndarray) else F for F in factors),
        )
        return self._array(product)

    def from_float(self, m: np.ndarray, k: int = 0) -> np.ndarray:
        out = _arb_of(m)  # exact
        return out * flint.arb(2) ** k if k else out

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
