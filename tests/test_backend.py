"""Back-end conversions to and from float64 (what crosses to the Newton linear algebra)."""

from __future__ import annotations

import math
import os

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlnsym.integrate.backend import ArbBackend, Backend, FloatBackend, MpBackend
from dlnsym.integrate.controller import ErrorNorm

HIGH = [ArbBackend(40), MpBackend(40)]


@pytest.mark.parametrize("backend", HIGH, ids=lambda b: b.name)
@settings(max_examples=40, deadline=None)
@given(
    values=st.lists(
        st.just(0.0) | st.floats(1e-3, 1e6) | st.floats(-1e6, -1e-3), min_size=1, max_size=8
    ),
    k=st.integers(-3000, 3000),
)
def test_from_float_then_to_float_is_exact(backend: Backend, values: list, k: int) -> None:
    """``m·2^k`` into the back-end and back gives ``m·2^k`` again: ``to_float`` rescales
    values outside the float64 range (2^±3000) instead of flushing them to 0 or inf.  (The
    entries span at most 10⁹ here: entries below ~2^−960 times the largest are flushed.)"""
    m = np.array(values)
    with backend.precision():
        x = backend.from_float(m, k)
        exact = [mpmath.ldexp(mpmath.mpf(f), k) for f in m]
        assert [backend.to_mpf(v) for v in x] == exact
        back, shift = backend.to_float(x)
    assert np.array_equal(np.ldexp(back, shift - k), m) if m.any() else not back.any()
    if m.any() and abs(k) > 1100:  # outside float64: rescaled to magnitude ~1
        assert 0.5 <= np.abs(back).max() <= 1


@pytest.mark.parametrize("backend", HIGH, ids=lambda b: b.name)
def test_to_float_uses_one_exponent_set_by_the_largest_entry(backend: Backend) -> None:
    """Entries are rounded once to float64 relative to the largest: an entry 10^−500 times
    smaller is negligible and becomes 0; when every entry is that small they are rescaled
    together (their ratios kept), not flushed."""
    with backend.precision():
        third = backend.scalar(1) / 3
        tiny = backend.scalar(10) ** -500
        m, k = backend.to_float(np.array([third, -third * tiny, backend.scalar(0)]))
        assert k == 0 and m[0] == 1 / 3 and m[1] == 0 and m[2] == 0
        m, k = backend.to_float(np.array([third * tiny, -2 * third * tiny]))
        assert m[1] == -2 * m[0] and 0.5 <= abs(m[1]) < 1
        assert mpmath.ldexp(m[0], k) == pytest.approx(mpmath.mpf(10) ** -500 / 3, rel=1e-15)


def test_float_backend_is_the_identity() -> None:
    backend = FloatBackend()
    x = np.array([1.5, -2e-300])
    m, k = backend.to_float(x)
    assert m is x and k == 0
    assert backend.from_float(m, 0) is m
    assert backend.from_float(np.array([1.0]), 3)[0] == 8.0


@pytest.mark.parametrize("backend", HIGH, ids=lambda b: b.name)
def test_error_norm_beyond_the_float64_range(backend: Backend) -> None:
    """At 500 digits the tolerance 10^−480 and the corrections it judges are far below
    float64; the norm still measures them correctly (negative control: a correction 10×
    the tolerance measures 10)."""
    with backend.precision():
        atol = backend.scalar(10) ** -480
        norm = ErrorNorm(atol=atol, rtol=backend.scalar(0)).bind(
            backend.array(np.ones(3)), backend
        )
        small, k_small = backend.to_float(backend.array([0.5, -0.25, 0]) * atol)
        big, k_big = backend.to_float(backend.array([0, 10, 0]) * atol)
    assert k_small < -1000
    assert norm(small, k_small) == pytest.approx(0.5, rel=1e-14)
    assert norm(big, k_big) == pytest.approx(10, rel=1e-14)
    assert math.isinf(norm(np.array([1.0]), 4000))  # overflow is inf, not an exception


@pytest.mark.parametrize("backend", HIGH, ids=lambda b: b.name)
def test_chain_is_the_exact_rational_product(backend: Backend) -> None:
    """``chain(A, B, C)`` (one conversion in and out on Arb) against the product of the same
    matrices in exact rationals: equal to the working precision; float64 entries of ``B``
    (dormant β values) are taken exactly."""
    from fractions import Fraction

    rng = np.random.default_rng(3)
    A, C = rng.integers(-9, 10, (5, 4)), rng.integers(-9, 10, (3, 2))
    B_float = rng.uniform(-1, 1, (4, 3))
    exact = (np.vectorize(Fraction, otypes=[object])(A)
             @ np.vectorize(Fraction, otypes=[object])(B_float)
             @ np.vectorize(Fraction, otypes=[object])(C))
    with backend.precision():
        B = B_float.astype(object)
        B[0] = backend.array(B_float[0])  # a mix of working-precision numbers and floats
        got = backend.chain(backend.prepare(backend.array(A)), B, backend.array(C))
        for g, e in zip(got.ravel(), exact.ravel(), strict=True):
            err = abs(backend.to_mpf(g) - mpmath.mpf(e.numerator) / e.denominator)
            assert err <= mpmath.mpf(10) ** -35 * (1 + abs(float(e)))


@pytest.mark.parametrize("shape", [(7, 5, 3), (3, 5, 9), (1, 4, 1), (40, 30, 14)])
def test_split_matmul_is_the_product(monkeypatch, shape: tuple[int, int, int]) -> None:  # noqa: ANN001
    """Split in halves (threshold 0, rows or columns, whichever is larger) or not, the same
    product as numpy's to rounding; 1-D operands are not split."""
    import dlnsym.integrate.backend as backend

    m, k, n = shape
    rng = np.random.default_rng(m * n)
    M, Z = rng.standard_normal((m, k)), rng.standard_normal((k, n))
    expected = M @ Z
    assert np.allclose(backend.split_matmul(M, Z), expected, rtol=1e-14, atol=1e-14)
    monkeypatch.setattr(backend, "SPLIT_MIN_WORK", 0)
    got = backend.split_matmul(M, Z)
    assert got.shape == expected.shape
    assert np.allclose(got, expected, rtol=1e-13, atol=1e-13 * np.abs(expected).max())
    assert np.allclose(backend.split_matmul(M[0], Z), expected[0], rtol=1e-13, atol=1e-13)


def _split_in_child(queue) -> None:  # noqa: ANN001
    import dlnsym.integrate.backend as backend

    backend.SPLIT_MIN_WORK = 0
    M = np.ones((6, 4))
    queue.put(float(backend.split_matmul(M, M.T).sum()))


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_split_matmul_works_in_a_forked_child(monkeypatch) -> None:  # noqa: ANN001
    """A child forked after the parent started its helper thread gets a thread of its own
    (the parent's does not exist there: submitting to it would wait forever)."""
    import multiprocessing

    import dlnsym.integrate.backend as backend

    monkeypatch.setattr(backend, "SPLIT_MIN_WORK", 0)
    backend.split_matmul(np.ones((6, 4)), np.ones((4, 6)))  # the parent's helper exists
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_split_in_child, args=(queue,))
    child.start()
    assert queue.get(timeout=60) == 6 * 6 * 4
    child.join(timeout=60)
    assert child.exitcode == 0


def test_split_matmul_keeps_the_callers_error_state(monkeypatch) -> None:  # noqa: ANN001
    """``np.errstate`` is per thread: the helper's half runs under the caller's, so an
    overflow the integrator silences (a wild trial step) does not warn from there — and
    one it does not silence still does."""
    import warnings

    import dlnsym.integrate.backend as backend

    monkeypatch.setattr(backend, "SPLIT_MIN_WORK", 0)
    M = np.ones((8, 2))
    M[4:] = 1e308  # the rows split: only the helper's half overflows
    Z = np.full((2, 8), 1e308)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="ignore", invalid="ignore"):
            assert np.isinf(backend.split_matmul(M, Z)[4:]).all()
        with np.errstate(over="raise"), pytest.raises(FloatingPointError):
            backend.split_matmul(M, Z)
