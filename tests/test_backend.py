"""Back-end conversions to and from float64 (what crosses to the Newton linear algebra)."""

from __future__ import annotations

import math

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
