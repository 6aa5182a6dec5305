"""Algorithm 1 in floating point on data in general position: never a false refusal, the
same path as exact arithmetic, and a refusal that says which columns and by how much.

The reference is the exact path (rational arithmetic, python-flint, an independent back end)
on the same decimal data, read as exact rationals.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from dlnsym import saddle_path
from dlnsym.errors import DegenerateProblemError
from dlnsym.problems import as_problem

from .test_scaling import _well_posed_for_float64


def _decimal_gaussian(n: int, d: int, decimals: int, seed: int):
    """Gaussian ``X``, ``y = Xw + 0.1·noise`` (``w`` with ±1 on ``min(3, d)`` coordinates),
    rounded to ``decimals``: the float problem and the same decimals as exact rationals."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    w = np.zeros(d)
    w[rng.choice(d, size=min(3, d), replace=False)] = rng.choice([-1.0, 1.0], size=min(3, d))
    y = X @ w + 0.1 * rng.standard_normal(n)
    X, y = np.round(X, decimals), np.round(y, decimals)

    def exact(a):
        return np.vectorize(lambda v: Fraction(f"{v:.{decimals}f}"), otypes=[object])(a)

    return as_problem(X, y), as_problem(exact(X), exact(y), exact=True)


#: Instances actually compared (well posed for float64; see ``_well_posed_for_float64``).
COMPARED: list[int] = []


@settings(max_examples=200, deadline=None)
@given(st.integers(2, 8), st.integers(2, 12), st.integers(1, 3), st.integers(0, 2**32 - 1))
def test_float_path_is_the_exact_path_on_gaussian_data(n, d, decimals, seed):
    """Never refused (unless exact arithmetic refuses too); where float64 can resolve every
    event, the same active sets at every step, and times, saddles, duals, losses to 1e-8."""
    float_problem, exact_problem = _decimal_gaussian(n, d, decimals, seed)
    try:
        exact_path = saddle_path(exact_problem)
    except DegenerateProblemError:  # exactly dependent columns of rounded data
        assume(False)
        raise
    path = saddle_path(float_problem)  # must not raise: the columns are independent
    assume(_well_posed_for_float64(exact_problem, exact_path))
    COMPARED.append(seed)
    assert path.n_jumps == exact_path.n_jumps
    assert path.active_sets == exact_path.active_sets
    np.testing.assert_allclose(path.times, [float(t) for t in exact_path.times], rtol=1e-8)
    for bf, be, sf, se in zip(path.saddles, exact_path.saddles, path.duals, exact_path.duals,
                              strict=True):
        np.testing.assert_allclose(bf, be.astype(float), rtol=1e-8, atol=0)
        np.testing.assert_allclose(sf, se.astype(float), rtol=0, atol=1e-8)
    np.testing.assert_allclose(path.losses, [float(v) for v in exact_path.losses],
                               rtol=1e-8, atol=1e-8 * float(exact_path.losses[0]))


def test_the_property_test_compared_enough_instances():
    """The hypothesis test above is not vacuous: most of its 200 instances were compared."""
    if not COMPARED:
        pytest.skip("runs after test_float_path_is_the_exact_path_on_gaussian_data")
    assert len(COMPARED) >= 200


def _near_collinear(rel: float):
    """Three columns, the third ``x_0 + x_1`` moved off their span by ``rel`` (relative)."""
    X = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0], [0.0, 0.0, rel * np.sqrt(2.0)],
                  [0.5, -0.5, 0.0]])
    return X, np.array([1.0, 2.0, 1.0, 0.25])


def test_ill_conditioned_but_independent_columns_are_not_refused():
    """Columns at relative distance 1e-6 from each other's span (κ ≈ 1e6) are independent to
    working precision (the rank tolerance is ~ε·n·κ ≈ 1e-9): solved, and the path is the
    exact one."""
    X, y = _near_collinear(1e-6)
    path = saddle_path(X, y)
    exact_path = saddle_path(X, y, exact=True)
    assert path.active_sets == exact_path.active_sets
    assert any(len(a) == 3 for a in exact_path.active_sets)  # all three columns at once
    np.testing.assert_allclose(path.times, [float(t) for t in exact_path.times], rtol=1e-8)
    for bf, be in zip(path.saddles, exact_path.saddles, strict=True):
        np.testing.assert_allclose(bf, be.astype(float), rtol=1e-6)


def test_dependent_columns_are_refused_with_their_distance():
    """Columns that tie and are equal to rounding (relative 1e-16): refused, naming both and
    how close they are to dependent (the smallest singular value against the largest)."""
    X = np.array([[1.0, 1.0, 0.0], [2.0, 2.0 * (1 + 2.0**-52), 1.0], [0.0, 0.0, 3.0]])
    with pytest.raises(DegenerateProblemError,
                       match=r"coordinates \[0, 1\] .* linearly dependent \(the smallest "
                             r"singular value of their columns is .*e-1\d of the largest, below "
                             r"the rank tolerance") as info:
        saddle_path(X, np.array([1.0, 2.0, 0.0]))
    assert info.value.coordinates == (0, 1)


def test_a_column_in_the_span_of_the_support_is_refused_on_entry():
    """The bordered Cholesky factor refuses a column within rounding of span(X_P), naming
    the column, its relative distance and the columns of the combination."""
    from dlnsym.constrained_ls import FloatSystem

    rng = np.random.default_rng(0)
    X = rng.standard_normal((20, 4))
    X[:, 3] = 2 * X[:, 0] - X[:, 2]  # in the span of columns 0 and 2, not 1
    system = FloatSystem(X, rng.standard_normal(20))
    for i in range(3):
        system.add(i)
    with pytest.raises(DegenerateProblemError,
                       match=r"column 3 is within .* \(relative distance\) of the span of "
                             r"columns 0, 2, below the rank tolerance") as info:
        system.add(3)
    assert info.value.coordinates == (0, 2, 3)
    # The factor is unchanged: still that of the three independent columns.
    np.testing.assert_allclose(system.cholesky_factor.T @ system.cholesky_factor,
                               X[:, :3].T @ X[:, :3] / 20, atol=1e-12)


def test_dormant_coordinates_are_filled_in_exactly(monkeypatch):
    """The float path keeps most coordinates dormant between refreshes (here made to at a
    size where it would keep all awake); the stored duals and gradients are completed on
    reading: every gradient is ∇L(β_k) (computed here from the data), every dual step is
    s_{k+1} = s_k − Δ_k·g_k off the boundary, and |s| ≤ 1."""
    from dlnsym.constrained_ls import Dormancy
    from dlnsym.problems import gaussian_sparse

    monkeypatch.setattr(Dormancy, "MIN_SIZE", 0)
    problem = gaussian_sparse(n=60, d=3000, sparsity=4, noise=0.1, seed=1)
    path = saddle_path(problem)
    assert path.n_jumps > 50
    scale = np.abs(problem.X).T @ np.abs(problem.y) / problem.n
    for k in range(path.n_jumps + 1):
        g = problem.X.T @ (problem.X @ path.saddles[k] - problem.y) / problem.n
        np.testing.assert_allclose(path.gradients[k], g, rtol=0, atol=1e-9 * scale.max())
        assert np.max(np.abs(path.duals[k])) <= 1
    for k in range(path.n_jumps):
        s0, s1, g = path.duals[k], path.duals[k + 1], path.gradients[k]
        inside = np.abs(s1) < 1
        dt = path.times[k + 1] - path.times[k]
        np.testing.assert_allclose(s1[inside], (s0 - dt * g)[inside], rtol=0, atol=1e-9)
    assert len(path.duals[2:5]) == 3 and path.duals[-1] is path.duals[path.n_jumps]


def test_dormancy_gives_the_all_awake_path(monkeypatch) -> None:  # noqa: ANN001
    """The same path with dormant coordinates (``Dormancy.MIN_SIZE = 0``, the contiguous
    buffer of awake rows growing and refreshed along the way) as with every coordinate
    awake (the default at this size, n·d = 1.8·10⁵): same saddles, active sets and jump
    times — two code paths for the gradient, one answer."""
    from dlnsym.constrained_ls import Dormancy
    from dlnsym.problems import gaussian_sparse

    problem = gaussian_sparse(n=60, d=3000, sparsity=4, noise=0.1, seed=2)
    assert problem.n * problem.d < Dormancy.MIN_SIZE
    awake = saddle_path(problem)
    monkeypatch.setattr(Dormancy, "MIN_SIZE", 0)
    dormant = saddle_path(problem)
    assert dormant.n_jumps == awake.n_jumps > 50
    np.testing.assert_allclose(dormant.times, awake.times, rtol=1e-10, atol=0)
    for k in range(awake.n_jumps + 1):
        assert np.array_equal(dormant.saddles[k] != 0, awake.saddles[k] != 0)
        np.testing.assert_allclose(dormant.saddles[k], awake.saddles[k], rtol=0, atol=1e-9)
