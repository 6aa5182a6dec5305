"""``saddle_path(..., init_shape=λ)``: the limit of the flow started at u_i(0) = √2·α^{λ_i}.

Expected values come from Algorithm 1 run by the test itself on the columns X_{:,i}/λ_i and
mapped back by hand, and from an LP for the weighted-ℓ1 endpoint (scipy's linprog).
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from scipy.optimize import linprog

import dlnsym
from dlnsym.problems import as_problem, example, gaussian_sparse

from .conftest import assert_one_line_error, run_cli

SHAPE = [1, 2, "1/2", 1, 3, 1]


def _weighted_l1_interpolator(X: np.ndarray, y: np.ndarray, lam: np.ndarray) -> np.ndarray:
    """argmin Σ λ_i|β_i| subject to Xβ = y, as an LP in (β⁺, β⁻) ≥ 0."""
    d = X.shape[1]
    res = linprog(np.r_[lam, lam], A_eq=np.c_[X, -X], b_eq=y, bounds=[(0, None)] * (2 * d),
                  method="highs")
    assert res.status == 0
    return res.x[:d] - res.x[d:]


def test_exact_shape_is_algorithm_1_on_rescaled_columns():
    p = example("A")
    lam = np.array([Fraction(v) for v in SHAPE], dtype=object)
    reference = dlnsym.saddle_path(as_problem(p.X / lam, p.y, exact=True))
    path = dlnsym.saddle_path(p, init_shape=SHAPE)
    assert path.exact and path.times == reference.times and path.losses == reference.losses
    for k in range(len(path.times)):
        assert list(path.saddles[k]) == list(reference.saddles[k] / lam)
        assert list(path.duals[k]) == list(reference.duals[k] * lam)
        assert list(path.gradients[k]) == list(reference.gradients[k] * lam)
    # the duals live in the box [−λ_i, λ_i], and the support sits on its edge
    for s, b in zip(path.duals, path.saddles, strict=True):
        assert all(abs(si) <= li for si, li in zip(s, lam, strict=True))
        assert all(s[i] == np.sign(b[i]) * lam[i] for i in np.flatnonzero(b != 0))


def test_unit_shape_is_the_plain_path():
    p = example("A")
    plain, unit = dlnsym.saddle_path(p), dlnsym.saddle_path(p, init_shape=[1] * 6)
    assert unit.times == plain.times and unit.init_shape is None


@pytest.mark.parametrize("seed", range(4))
def test_last_saddle_is_the_weighted_l1_interpolator(seed):
    p = gaussian_sparse(n=8, d=20, sparsity=3, noise=0.1, seed=seed)
    lam = np.random.default_rng(seed).uniform(0.5, 3.0, size=20)
    path = dlnsym.saddle_path(p, init_shape=lam)
    expected = _weighted_l1_interpolator(p.X, p.y, lam)
    np.testing.assert_allclose(path.saddles[-1], expected, atol=1e-8)
    # control: the unweighted endpoint is a different point, so the comparison can fail
    plain = dlnsym.saddle_path(p).saddles[-1]
    assert np.max(np.abs(plain - expected)) > 1e-3


@pytest.mark.parametrize(("shape", "fragment"), [
    ([1, 2], "has 2 entries"),
    ([1, 2, 0, 1, 1, 1], "init_shape[2] = 0.0 is not a positive"),
    ([1, 2, -1, 1, 1, 1], "init_shape[2] = -1.0"),
    ([1, 2, float("inf"), 1, 1, 1], "init_shape[2] = inf"),
    ([[1, 2, 3, 1, 1, 1]], "flat vector"),
    (["a"] * 6, "init_shape"),
])
def test_bad_shapes_are_refused(shape, fragment):
    with pytest.raises(dlnsym.ParameterError, match=fragment.replace("[", r"\[")
                       .replace("]", r"\]")):
        dlnsym.saddle_path(example("A"), init_shape=shape)


def test_cli_init_shape():
    ok = run_cli("saddles", "--example", "A", "--exact", "--init-shape", "1,2,1/2,1,3,1",
                 "--json")
    assert ok.returncode == 0, ok.stderr
    expected = dlnsym.saddle_path(example("A"), init_shape=SHAPE)
    assert f'"{expected.times[-1]}"' in ok.stdout
    bad = run_cli("saddles", "--example", "A", "--init-shape", "1,0,1,1,1,1")
    assert_one_line_error(bad, "--init-shape")
