"""Algorithm 1 (issue 2, items 3 and 5).

Expected values come from docs/theory.md (§4 facts, §5 table), from closed forms computed here
independently (orthogonal design, least squares), from scikit-learn's LARS and from scipy's LP
solver — never from saddle_path's own output.
"""

from __future__ import annotations

import re
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from scipy.optimize import linprog
from sklearn.linear_model import lars_path

from dlnsym import saddle_path
from dlnsym.errors import DegenerateProblemError, MaxSaddlesError, ParameterError
from dlnsym.problems import (
    EXAMPLE_A_THEORY,
    as_problem,
    example,
    gaussian_sparse,
    orthogonal_design,
)

from .conftest import exact_gradient

F = Fraction

# docs/theory.md §5, transcribed once in dlnsym.problems.
THEORY_A = EXAMPLE_A_THEORY["rows"]
THEORY_A_S5 = EXAMPLE_A_THEORY["s5"]


def test_example_A_exact_matches_theory_table():
    path = saddle_path(example("A"))
    assert path.exact and path.n_jumps == 5
    for k, (t, support, loss) in enumerate(THEORY_A):
        assert path.times[k] == t
        assert path.losses[k] == loss
        expected = [support.get(i, F(0)) for i in range(6)]
        assert list(path.saddles[k]) == expected
    assert list(path.duals[-1]) == THEORY_A_S5
    # Coordinate 1 enters at t2 and leaves at t3; coordinate 4 leaves at t4.
    assert 1 in path.active_sets[2] and 1 not in path.active_sets[3]
    assert 4 in path.active_sets[3] and 4 not in path.active_sets[4]


def test_example_A_float_close_to_theory():
    path = saddle_path(example("A", exact=False))
    assert not path.exact and path.n_jumps == 5
    for k, (t, support, _) in enumerate(THEORY_A):
        assert path.times[k] == pytest.approx(float(t), rel=1e-12)
        expected = [float(support.get(i, 0)) for i in range(6)]
        np.testing.assert_allclose(path.saddles[k], expected, atol=1e-12)


def test_first_jump_is_one_over_sup_norm_of_c():
    p = gaussian_sparse(30, 80, 4, seed=3)
    _, c = p.gram()
    assert saddle_path(p).times[1] == pytest.approx(1 / np.max(np.abs(c)), rel=1e-13)


def check_invariants(problem, path) -> None:
    """docs/theory.md §4 facts, checked with exact arithmetic independent of dlnsym's back ends."""
    X, y = problem.X, problem.y
    for k, (beta, s) in enumerate(zip(path.saddles, path.duals, strict=True)):
        g = exact_gradient(X, y, beta)
        assert all(abs(v) <= 1 for v in s), "the dual leaves the box"
        for i in range(problem.d):
            if beta[i] != 0:
                assert g[i] == 0, "KKT: zero gradient on the support"
                assert s[i] == np.sign(beta[i]), "support coordinates sit at sign(β)"
            elif abs(s[i]) == 1:
                assert s[i] * g[i] >= 0, "KKT: s_i g_i ≥ 0 at the boundary"
        if k + 1 < len(path.times):
            dt = path.times[k + 1] - path.times[k]
            assert dt > 0, "jump times strictly increase"
            assert path.losses[k + 1] < path.losses[k], "losses strictly decrease"
            # s moves with velocity −g on (t_k, t_{k+1}).
            assert list(path.duals[k + 1]) == [s[i] - dt * g[i] for i in range(problem.d)]
        else:
            assert all(v == 0 for v in g), "the last saddle is a critical point of L"


integer_problems = st.builds(
    lambda n, d, seed: np.random.default_rng(seed).integers(-6, 7, size=(n, d + 1)),
    st.integers(2, 5), st.integers(2, 7), st.integers(0, 2**32 - 1),
)


def _exact_or_skip(data: np.ndarray):
    problem = as_problem(data[:, :-1], data[:, -1], exact=True)
    try:
        return problem, saddle_path(problem)
    except DegenerateProblemError:
        assume(False)
        raise


@given(integer_problems)
def test_invariants_on_random_integer_problems(data):
    problem, path = _exact_or_skip(data)
    check_invariants(problem, path)


def test_invariants_on_example_A():
    problem = example("A")
    check_invariants(problem, saddle_path(problem))


def _min_hit_gap(path) -> float:
    """Smallest relative gap between distinct competing hit times over all steps."""
    gap = np.inf
    for k in range(path.n_jumps):
        s, g = path.duals[k], path.gradients[k]
        hits = sorted({(1 - s[i]) / -g[i] if g[i] < 0 else (1 + s[i]) / g[i]
                       for i in range(len(s)) if g[i] != 0 and path.saddles[k][i] == 0})
        if len(hits) > 1:
            gap = min(gap, float((hits[1] - hits[0]) / hits[0]))
    return gap


@given(integer_problems)
def test_float_agrees_with_exact(data):
    problem, exact_path = _exact_or_skip(data)
    # Only well-separated events are resolvable in float64: near-ties are not floats' business.
    assume(_min_hit_gap(exact_path) > 1e-6)
    float_path = saddle_path(problem.to_float())
    assert float_path.n_jumps == exact_path.n_jumps
    np.testing.assert_allclose(float_path.times, [float(t) for t in exact_path.times],
                               rtol=1e-7)
    scale = 1 + max(float(abs(v)) for b in exact_path.saddles for v in b)
    for bf, be in zip(float_path.saddles, exact_path.saddles, strict=True):
        np.testing.assert_allclose(bf, be.astype(float), atol=1e-7 * scale)


@pytest.mark.parametrize("seed", range(4))
def test_orthogonal_design_matches_closed_form_and_lars(seed):
    problem = orthogonal_design(d=6, seed=seed, exact=True)
    X, y, n = problem.X, problem.y, problem.n
    # Independent closed form: coordinate i alone, s_i = c_i t, hits ±1 at 1/|c_i|, and the
    # saddle is the hard-thresholded value c_i / H_ii once it has.
    c = [sum(X[a, i] * y[a] for a in range(n)) / n for i in range(6)]
    h = [sum(X[a, i] ** 2 for a in range(n)) / n for i in range(6)]
    order = sorted((i for i in range(6) if c[i] != 0), key=lambda i: -abs(c[i]))
    assert len({abs(c[i]) for i in order}) == len(order), "test needs distinct |c_i|"
    path = saddle_path(problem)
    assert path.times == [0] + [1 / abs(c[i]) for i in order]
    for k in range(1, len(order) + 1):
        expected = [c[i] / h[i] if i in order[:k] else 0 for i in range(6)]
        assert list(path.saddles[k]) == expected
    alphas, _, _ = lars_path(problem.X.astype(float), problem.y.astype(float),
                             method="lasso", alpha_min=0)
    np.testing.assert_allclose(1 / np.array([float(t) for t in path.times[1:]]),
                               alphas[: len(order)], rtol=1e-10)


@pytest.mark.parametrize("seed", range(5))
def test_last_saddle_is_minimum_l1_interpolator(seed):
    problem = gaussian_sparse(n=6, d=14, sparsity=2, noise=0.3, seed=seed)
    X, y = problem.X, problem.y
    d = problem.d
    lp = linprog(np.ones(2 * d), A_eq=np.hstack([X, -X]), b_eq=y, bounds=(0, None),
                 method="highs")
    assert lp.status == 0
    beta_lp = lp.x[:d] - lp.x[d:]
    path = saddle_path(problem)
    np.testing.assert_allclose(path.saddles[-1], beta_lp, atol=1e-8)
    s_K = path.duals[-1]
    # Dual certificate: s_K ∈ range(Xᵀ), ‖s_K‖∞ ≤ 1.
    coef, *_ = np.linalg.lstsq(X.T, s_K, rcond=None)
    np.testing.assert_allclose(X.T @ coef, s_K, atol=1e-9)
    assert np.max(np.abs(s_K)) <= 1


def test_underparametrised_last_saddle_is_least_squares():
    problem = as_problem(*_underdetermined_data(), exact=True)
    path = saddle_path(problem)
    ols, *_ = np.linalg.lstsq(problem.X.astype(float), problem.y.astype(float), rcond=None)
    np.testing.assert_allclose(path.saddles[-1].astype(float), ols, rtol=1e-12)
    assert path.losses[-1] > 0


def _underdetermined_data():
    rng = np.random.default_rng(7)
    return rng.integers(-5, 6, size=(9, 4)), rng.integers(-5, 6, size=9)


@pytest.mark.parametrize("exact", [True, False])
def test_ties_enter_together(exact):
    path = saddle_path([[2, 0], [0, 2]], [1, -1], exact=exact)
    assert path.n_jumps == 1
    assert path.times[1] == 1
    assert path.active_sets[1] == {0: 1, 1: -1}


@pytest.mark.parametrize("exact", [True, False])
def test_duplicate_columns_are_refused(exact):
    X = [[1, 1, 0], [2, 2, 1], [0, 0, 3]]
    with pytest.raises(DegenerateProblemError, match="linearly dependent") as info:
        saddle_path(X, [1, 2, 0], exact=exact)
    assert info.value.coordinates == (0, 1)


def test_max_saddles():
    with pytest.raises(MaxSaddlesError, match="max_saddles = 2"):
        saddle_path(example("A"), max_saddles=2)
    with pytest.raises(ParameterError):
        saddle_path(example("A"), max_saddles=0)


def test_arguments_are_validated():
    with pytest.raises(ParameterError, match="y is missing"):
        saddle_path([[1.0]])
    with pytest.raises(ParameterError, match="not both"):
        saddle_path(example("A"), [1, 2, 3])


@pytest.mark.parametrize(("X", "fragment"), [
    ("data.csv", "saddle_path: got the file name 'data.csv', not data; read the file first, "
                 "problem = dlnsym.read_problem('data.csv')"),
    (None, "saddle_path: got None instead of a problem; pass a Problem (dlnsym.example, "
           "dlnsym.read_problem, dlnsym.as_problem) or the arrays X (n × d) and y (n)"),
    (([[1.0, 0.0], [0.0, 1.0]], [1.0, 2.0]),
     "saddle_path: got the pair (X, y) as one argument; pass the arrays as two, "
     "saddle_path(X, y, …), or a Problem"),
    (3, "saddle_path: got a value of type int, which is neither a Problem nor an array X"),
])
def test_what_is_not_a_problem_is_named(X, fragment):
    with pytest.raises(ParameterError, match=re.escape(fragment)) as info:
        saddle_path(X)
    assert "y is missing" not in str(info.value)


@pytest.mark.parametrize("exact", ["no", "False", 0, 1, 1.0, [True]])
def test_exact_must_be_a_bool(exact):
    """``exact="no"`` used to run in exact mode (a truthy string); now it is refused."""
    with pytest.raises(ParameterError, match=r"exact must be True .*, False .* or None"):
        saddle_path(example("A"), exact=exact)
    with pytest.raises(ParameterError, match=repr(exact).replace("[", r"\[")):
        saddle_path([[1.0, 2.0]], [1.0], exact=exact)


@pytest.mark.parametrize("exact", [None, True, False, np.True_, np.False_])
def test_exact_accepts_bools_and_none(exact):
    path = saddle_path(example("A", exact=False), exact=exact)
    assert path.exact is bool(exact) and path.n_jumps == 5


def test_zero_target_has_no_jump():
    path = saddle_path([[1, 2]], [0], exact=True)
    assert path.n_jumps == 0 and path.losses == [0]


def test_scales_to_the_benchmark_size():
    problem = gaussian_sparse(n=200, d=2000, sparsity=10, noise=0.1, seed=0)
    path = saddle_path(problem)
    g = problem.gradient(path.saddles[-1])
    assert np.max(np.abs(g)) < 1e-8
    assert np.max(np.abs(problem.X @ path.saddles[-1] - problem.y)) < 1e-8
    # docs/theory.md §4: the active set is not monotone at this size.
    left = sum(not set(path.active_sets[k]) <= set(path.active_sets[k + 1])
               for k in range(path.n_jumps))
    assert left / path.n_jumps > 0.2


@pytest.mark.parametrize("k", [0, 3, 70, 79])  # trailing blocks of 79, 76, 9, 0 columns
def test_float_factor_survives_removal(k):
    """Dropping support coordinate k keeps ``RᵀR = H_PP`` and ``Rᵀw = c_P`` (both the
    Householder and the Givens branch of the re-triangularisation), so ``solve`` is still
    the least-squares solution on the remaining columns."""
    from dlnsym.constrained_ls import FloatSystem

    rng = np.random.default_rng(k)
    X, y = rng.standard_normal((120, 90)), rng.standard_normal(120)
    system = FloatSystem(X, y)
    for i in range(80):
        system.add(i)
    system.remove(k)
    P = system.support
    H = X[:, P].T @ X[:, P] / 120
    R = system.cholesky_factor
    np.testing.assert_allclose(R.T @ R, H, atol=1e-12)
    np.testing.assert_allclose(np.tril(R, -1), 0.0)
    np.testing.assert_allclose(system.solve(), np.linalg.lstsq(X[:, P], y, rcond=None)[0],
                               rtol=1e-9, atol=1e-12)


def test_saddle_at_is_the_piecewise_constant_limit():
    """β°(t̃) = β_k on (t_k, t_{k+1}), with the docs/theory.md §5 values of example A."""
    path = saddle_path(example("A"))
    rows = [[support.get(i, F(0)) for i in range(6)] for _, support, _ in THEORY_A]
    times = [t for t, _, _ in THEORY_A]
    assert list(path.saddle_at(0.5 * float(times[1]))) == rows[0]
    for k in range(1, 5):
        assert list(path.saddle_at(float((times[k] + times[k + 1]) / 2))) == rows[k]
    assert list(path.saddle_at(2 * float(times[5]))) == rows[5]


def test_saddle_at_an_exact_jump_time_is_the_saddle_after_the_jump():
    """At t_k itself the limit is β_k (the saddle after the jump), compared exactly."""
    path = saddle_path(example("A"))
    rows = [[support.get(i, F(0)) for i in range(6)] for _, support, _ in THEORY_A]
    for k, (t_k, _, _) in enumerate(THEORY_A):
        assert list(path.saddle_at(t_k)) == rows[k]
        if k:
            assert list(path.saddle_at(t_k - F(1, 10**30))) == rows[k - 1]
    assert list(path.saddle_at("150/199")) == rows[1]      # t₁, a decimal string read exactly


@pytest.mark.parametrize(("t", "fragment"), [
    (float("nan"), "t = nan is not finite"),
    (float("inf"), "t = inf is not finite"),
    ("nan", "t = 'nan' is not finite"),
    (-1, "t = -1 is negative; the limit is defined for t̃ ≥ 0"),
    (-1e-300, "is negative"),
    (F(-1, 2), "is negative"),
    (True, "t must be a real number (an accelerated time t̃ ≥ 0), got True (bool)"),
    (None, "t must be a real number"),
    ("soon", "t must be a real number"),
    ([1.0], "t must be a real number"),
])
def test_saddle_at_refuses_a_time_that_is_not_finite_and_non_negative(t, fragment):
    path = saddle_path(example("A"))
    with pytest.raises(ParameterError, match=re.escape(fragment)):
        path.saddle_at(t)
