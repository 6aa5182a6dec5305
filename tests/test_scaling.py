"""Algorithm 1 under rescaling of the data (X → aX, y → by).

docs/theory.md §1/§4 give the exact laws: ``c → ab·c``, ``H → a²H``, so the saddles scale like
``β_k → (b/a)·β_k``, the velocities ``−g`` like ``ab``, the jump times like ``t_k → t_k/(ab)``,
the duals ``s_k`` not at all and the losses like ``L → b²L``.  The float path must obey them:
every tolerance in it has to be relative to the scale of what it tests.  The reference is the
exact path (rational arithmetic, an independent code path) on the unscaled data; the laws
themselves are checked exactly first.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from dlnsym import saddle_path
from dlnsym.errors import DegenerateProblemError
from dlnsym.problems import as_problem, example

from .conftest import exact_gradient

F = Fraction

#: Scale exponents k of a = 10^k and b = 10^k.
EXPONENTS = range(-12, 13)
#: Relative agreement required of the float path after undoing the scaling.
RTOL = 1e-8


def _scaled(problem, a: Fraction, b: Fraction, *, exact: bool):
    """``(aX, by)`` computed exactly, then (``exact=False``) rounded once to float64."""
    return as_problem(problem.X * a, problem.y * b, exact=exact)


def assert_float_path_matches(exact_path, problem, ka: int, kb: int) -> None:
    """The float path on ``(10^ka X, 10^kb y)``, scaled back, equals ``exact_path`` (the exact
    path of ``problem``): same saddles count, active sets and boundary patterns of ``s``; t_k,
    β_k, s_k and L(β_k) within ``RTOL``."""
    a, b = F(10) ** ka, F(10) ** kb
    path = saddle_path(_scaled(problem, a, b, exact=False))
    where = f"a = 1e{ka}, b = 1e{kb}"
    assert not path.exact
    assert path.n_jumps == exact_path.n_jumps, where
    assert path.active_sets == exact_path.active_sets, where
    for k, (sf, se) in enumerate(zip(path.duals, exact_path.duals, strict=True)):
        boundary_f = {int(i): float(sf[i]) for i in np.flatnonzero(np.abs(sf) == 1)}
        boundary_e = {i: float(v) for i, v in enumerate(se) if abs(v) == 1}
        assert boundary_f == boundary_e, (where, k)
        np.testing.assert_allclose(sf, se.astype(float), rtol=0, atol=RTOL, err_msg=where)
    # t_k → t_k/(ab),  β_k → (b/a)β_k,  L → b²L.
    ab, b_over_a, b2 = float(a * b), float(b / a), float(b * b)
    np.testing.assert_allclose(np.array(path.times) * ab,
                               [float(t) for t in exact_path.times], rtol=RTOL, err_msg=where)
    for bf, be in zip(path.saddles, exact_path.saddles, strict=True):
        np.testing.assert_allclose(bf / b_over_a, be.astype(float), rtol=RTOL, atol=0,
                                   err_msg=where)
    np.testing.assert_allclose(np.array(path.losses) / b2,
                               [float(v) for v in exact_path.losses],
                               rtol=RTOL, atol=RTOL * float(exact_path.losses[0]), err_msg=where)


# ------------------------------------------------------------------------ exact scaling laws


@pytest.mark.parametrize(("ka", "kb"), [(0, -9), (0, -10), (10, 0), (-12, 12), (12, -12)])
def test_exact_path_obeys_the_scaling_laws(ka, kb):
    """The reference itself: exact paths of (aX, by) and (X, y) are related exactly by
    t_k → t_k/(ab), β_k → (b/a)β_k, s_k → s_k, L → b²L."""
    problem = example("A")
    a, b = F(10) ** ka, F(10) ** kb
    base, scaled = saddle_path(problem), saddle_path(_scaled(problem, a, b, exact=True))
    assert scaled.n_jumps == base.n_jumps == 5
    assert scaled.times == [t / (a * b) for t in base.times]
    assert [list(v) for v in scaled.saddles] == [list(v * b / a) for v in base.saddles]
    assert [list(v) for v in scaled.duals] == [list(v) for v in base.duals]
    assert scaled.losses == [v * b * b for v in base.losses]


# ----------------------------------------------------------------------- example A, float


def test_example_A_float_is_scale_covariant_on_the_whole_grid():
    """Every a, b ∈ {10^k : k = −12 … 12} (625 float paths of example A)."""
    problem = example("A")
    exact_path = saddle_path(problem)
    for ka in EXPONENTS:
        for kb in EXPONENTS:
            assert_float_path_matches(exact_path, problem, ka, kb)


@pytest.mark.parametrize("kb", [-9, -10])
def test_audit_repro_small_y(kb):
    """The audit's repro: y × 1e-9 gave 3 jumps (t₃ = 2.098e9 instead of 1.780e9), y × 1e-10
    gave none (and simulate then claimed ∇L(0) = 0)."""
    problem = example("A")
    path = saddle_path(_scaled(problem, F(1), F(10) ** kb, exact=False))
    assert path.n_jumps == 5
    assert path.times[3] == pytest.approx(float(F(1478475, 830389) / F(10) ** kb), rel=1e-12)


# ---------------------------------------------------------------- random rational instances


rational_problems = st.builds(
    lambda n, d, seed: np.random.default_rng(seed).integers(-25, 26, size=(n, d + 1)),
    st.integers(2, 5), st.integers(2, 6), st.integers(0, 2**32 - 1),
)


def _well_posed_for_float64(problem, path) -> bool:
    """Whether float64 can be asked to resolve every event of the exact ``path``: hit times
    of competing coordinates separated by a relative 1e-6, nonzero gradients off the support
    above 1e-6 of the size of their terms, support columns of X well conditioned.  (Near-ties
    and near-zeros are genuinely ambiguous in floating point; they are not what this file
    tests.)"""
    X = problem.X.astype(float)
    y = problem.y.astype(float)
    for k in range(path.n_jumps + 1):
        beta, s = path.saddles[k], path.duals[k]
        g = exact_gradient(problem.X, problem.y, beta)
        support = np.flatnonzero(beta != 0)
        if support.size and np.linalg.cond(X[:, support]) > 1e4:
            return False
        terms = np.abs(X).T @ (np.abs(X) @ np.abs(beta.astype(float)) + np.abs(y))
        for i in range(problem.d):
            if beta[i] == 0 and g[i] != 0 and abs(float(g[i])) * problem.n < 1e-6 * terms[i]:
                return False
        hits = sorted({(1 - s[i]) / -g[i] if g[i] < 0 else (1 + s[i]) / g[i]
                       for i in range(problem.d) if g[i] != 0 and beta[i] == 0})
        if len(hits) > 1 and (hits[1] - hits[0]) / hits[0] < F(1, 10**6):
            return False
    return True


@given(rational_problems, st.sampled_from(EXPONENTS), st.sampled_from(EXPONENTS))
def test_random_rational_float_is_scale_covariant(data, ka, kb):
    """Small random instances with decimal entries (integers / 10, like example A)."""
    problem = as_problem(data[:, :-1] * F(1, 10), data[:, -1] * F(1, 10), exact=True)
    try:
        exact_path = saddle_path(problem)
    except DegenerateProblemError:
        assume(False)
        raise
    assume(_well_posed_for_float64(problem, exact_path))
    assert_float_path_matches(exact_path, problem, ka, kb)
    assert_float_path_matches(exact_path, problem, 0, 0)
