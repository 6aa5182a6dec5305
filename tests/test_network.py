"""Tests of dlnsym.network: the (u, v) gradient flow integrated in original time."""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest

from dlnsym.errors import ParameterError
from dlnsym.network import network_lambda, simulate_network
from dlnsym.problems import as_problem, example

# d = 1: H = (1² + 2²)/2 = 5/2, c = (1 + 2)/2 = 3/2, fixed point β* = c/H = 3/5
ONE_D = as_problem([[1], [2]], [1, 1], exact=True)


def _time_to_reach(theta: mpmath.mpf, alpha: mpmath.mpf) -> mpmath.mpf:
    """Original time at which θ = ½·arcsinh(β/α²) reaches ``theta`` in d = 1 (docs/theory.md §2):
    dθ/dt = c − H·α²·sinh(2θ), so t(θ) = ∫₀^θ dφ / (c − H·α²·sinh 2φ)."""
    H, c = mpmath.mpf(5) / 2, mpmath.mpf(3) / 2
    nodes = [theta * f for f in (0, 0.5, 0.8, 0.9, 0.95, 0.98, 1)]
    return mpmath.quad(lambda p: 1 / (c - H * alpha**2 * mpmath.sinh(2 * p)), nodes)


def test_one_dimensional_flow_matches_quadrature_of_the_mirror_flow():
    """Independent check: the 1-D dual flow is separable, t(θ) is a quadrature."""
    lam = 6
    with mpmath.workdps(60):
        alpha = mpmath.exp(-lam)
        thetas = [mpmath.mpf(1), mpmath.mpf(5), mpmath.mpf("5.9"), mpmath.mpf("6.05")]
        times = [_time_to_reach(th, alpha) / lam for th in thetas]
        expected = [alpha**2 * mpmath.sinh(2 * th) for th in thetas]
    tr = simulate_network(ONE_D, log_inv_alpha=lam, t_max=2, dps=30, at=times)
    assert 0.5 < float(expected[-1]) < 0.6  # late in the transition to β* = 3/5
    for got, want in zip(tr.beta[:, 0], expected, strict=True):
        assert abs(got / want - 1) < 1e-27
    with mpmath.workdps(40):
        for got, th in zip(tr.s[:, 0], thetas, strict=True):
            assert abs(got - th / lam) < 1e-28


def test_alpha_far_below_float_range():
    """α = 1e-1000: β stays O(α²), so ∇L = −c to 2000 digits and s(t̃) = c·t̃ exactly enough."""
    tr = simulate_network(example("A"), alpha="1e-1000", t_max="0.001", dps=30, guard_digits=5,
                          at=["0.0005", "0.001"])
    assert tr.log_inv_alpha == pytest.approx(1000 * math.log(10))
    _, c = example("A").gram()
    with mpmath.workdps(40):
        for t, s_row, b_row in zip(["0.0005", "0.001"], tr.s, tr.beta, strict=True):
            for s_i, b_i, c_i in zip(s_row, b_row, c, strict=True):
                want = mpmath.mpf(c_i.numerator) / c_i.denominator * mpmath.mpf(t)
                assert abs(s_i - want) < 1e-32
                assert mpmath.log10(abs(b_i)) < -1990


def test_alpha_and_log_inv_alpha_give_the_same_flow():
    kwargs = {"t_max": 1.0, "dps": 25, "at": [0.5, 1.0]}
    with mpmath.workdps(60):
        alpha = mpmath.exp(-3)
    a = simulate_network(example("A"), alpha=alpha, **kwargs)
    b = simulate_network(example("A"), log_inv_alpha="3", **kwargs)
    assert all(abs(x / y - 1) < 1e-23 for x, y in zip(a.beta.ravel(), b.beta.ravel(), strict=True))
    np.testing.assert_array_equal(a.t, [0.5, 1.0])


def test_network_lambda_parses_strings_and_rejects_bad_input():
    alpha, lam = network_lambda(alpha="1e-1000")
    assert lam == pytest.approx(1000 * math.log(10))  # α = 10^−1000
    assert network_lambda(log_inv_alpha=2)[0] == pytest.approx(math.exp(-2))
    for kwargs in ({}, {"alpha": 0.1, "log_inv_alpha": 2}, {"alpha": 1.5}, {"alpha": "x"},
                   {"log_inv_alpha": -1}, {"log_inv_alpha": float("inf")}):
        with pytest.raises(ParameterError):
            network_lambda(**kwargs)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [({"dps": 2}, "dps"), ({"t_max": -1}, "t_max"), ({"at": [0.5, 0.2]}, "sorted"),
     ({"at": [2.0]}, r"\[0, t_max\]"), ({"guard_digits": -1}, "guard_digits"),
     ({"jump_levels": [0.1, 0.5]}, "strictly decreasing")],
)
def test_bad_parameters(kwargs, match):
    args = {"log_inv_alpha": 3, "t_max": 1.0, "dps": 20} | kwargs
    with pytest.raises(ParameterError, match=match):
        simulate_network(example("A"), **args)


def test_needs_y_with_arrays():
    with pytest.raises(ParameterError, match="y is missing"):
        simulate_network([[1.0]], log_inv_alpha=3, t_max=1.0)
    tr = simulate_network([[1.0], [2.0]], [1.0, 1.0], log_inv_alpha=3, t_max=0.2, dps=20)
    assert tr.t[0] == 0 and tr.t[-1] == pytest.approx(0.2) and len(tr.t) >= 2
    assert tr.stats["steps"] == len(tr.t) - 1


def _max_errors(net, mirror) -> tuple[float, float]:
    """``max |Δs|`` and ``max |β_net/β_mirror − 1|`` (t̃ > 0), computed at 60 digits."""
    with mpmath.workdps(60):
        ds = max(abs(a - b) for a, b in zip(net.s.ravel(), mirror.s.ravel(), strict=True))
        rel = max(abs(a / b - 1) for a, b in zip(net.beta[1:].ravel(), mirror.beta[1:].ravel(),
                                                  strict=True))
    return float(ds), float(rel)


def test_network_agrees_with_mirror_flow_through_three_jumps():
    """docs/theory.md §2: β = u⊙v of the network is the mirror-flow β at t = Λ·t̃.

    At dps = 30 the mirror flow promises 10^−(dps−10) relative to 1 + |β| (its contract); the
    network is far more accurate (see the slow test), so the bound is the mirror flow's.
    """
    from dlnsym.simulate import simulate

    at = np.linspace(0.0, 2.5, 6)
    net = simulate_network(example("A"), log_inv_alpha=4, t_max=2.5, dps=30, at=at)
    mirror = simulate(example("A"), log_inv_alpha=4, t_max=2.5, dps=30, at=at)
    np.testing.assert_array_equal(net.t, at)
    ds, rel = _max_errors(net, mirror)
    assert ds < 1e-21 and rel < 1e-20
    # same jump-time definition (mid loss levels), located independently
    assert len(net.jump_times) == 3
    np.testing.assert_allclose(net.jump_times, mirror.jump_times, rtol=1e-13)


@pytest.mark.slow
@pytest.mark.parametrize("lam", [3, 7])
def test_network_agrees_with_mirror_flow_to_working_precision(lam):
    """The whole trajectory of example A (five jumps, two coordinates leave the active set),
    against a mirror-flow run with 15 more digits: agreement to the network's 30 digits."""
    from dlnsym.simulate import simulate

    at = np.linspace(0.0, 11.0, 12)
    net = simulate_network(example("A"), log_inv_alpha=lam, t_max=11.0, dps=30, at=at)
    mirror = simulate(example("A"), log_inv_alpha=lam, t_max=11.0, dps=45, at=at)
    ds, rel = _max_errors(net, mirror)
    assert ds < 1e-28 and rel < 1e-27


# ------------------------------------------------------------------ shaped initialisation
SHAPE = [1, 2, 0.5, 1.5, 1, 3]


def test_shaped_network_agrees_with_shaped_mirror_flow():
    """u_i(0) = √2·α^{λ_i}: β and s of the (u, v) flow equal those of the mirror flow of
    :func:`dlnsym.simulate.simulate` with the same ``init_shape`` (a different method and
    equation) at Λ = 4; t_max and jump levels default to Algorithm 1 for the shape."""
    from dlnsym.saddle_path import saddle_path
    from dlnsym.simulate import simulate

    path = saddle_path(example("A"), init_shape=SHAPE)
    at = np.linspace(0.0, 2.8, 8)
    net = simulate_network(example("A"), log_inv_alpha=4, dps=30, at=at, init_shape=SHAPE)
    mirror = simulate(example("A"), log_inv_alpha=4, dps=30, at=at, init_shape=SHAPE)
    assert net.t_end == pytest.approx(1.2 * float(path.times[-1]))
    assert net.jump_levels == [float(v) for v in path.losses]
    ds, rel = _max_errors(net, mirror)
    assert ds < 1e-21 and rel < 1e-20
    np.testing.assert_allclose(net.jump_times, mirror.jump_times, rtol=1e-13)
    with mpmath.workdps(40):  # the conserved quantity u_i² − v_i² = 2α^{2λ_i}
        for row_u, row_v in zip(net.u, net.v, strict=True):
            for u, v, lam in zip(row_u, row_v, SHAPE, strict=True):
                assert abs((u * u - v * v) / (2 * mpmath.exp(-8 * mpmath.mpf(lam))) - 1) < 1e-25
    plain = simulate_network(example("A"), log_inv_alpha=4, t_max=2.8, dps=15, at=at)
    assert max(abs(float(a - b)) for a, b in zip(plain.beta.ravel(), net.beta.ravel(),
                                                 strict=True)) > 1e-2  # the shape matters


def test_shaped_network_plateaus_are_the_shaped_saddles():
    """At Λ = 30 the network rests on the saddles of ``saddle_path(init_shape=λ)`` (exact
    Algorithm 1 on X_{:,i}/λ_i mapped back): mid-plateau β within 1e-3 on the first two
    plateaus (errors vanish exponentially in Λ), the end within 0.05 of the weighted-ℓ1
    endpoint; the unshaped path's first saddle is elsewhere."""
    from dlnsym.saddle_path import saddle_path

    shape = [1, "1/2", "1/2", 1, 1, 1]
    path = saddle_path(example("A"), init_shape=shape)
    times = [float(t) for t in path.times]
    mids = [(a + b) / 2 for a, b in zip(times[1:], times[2:], strict=False)]
    end = 1.2 * times[-1]
    net = simulate_network(example("A"), log_inv_alpha=30, dps=15, at=[*mids, end],
                           init_shape=shape)
    saddles = [np.asarray(b, dtype=float) for b in path.saddles]
    beta = np.asarray(net.beta, dtype=float)
    assert np.max(np.abs(beta[0] - saddles[1])) < 1e-3
    assert np.max(np.abs(beta[1] - saddles[2])) < 1e-3
    assert np.max(np.abs(beta[-1] - saddles[-1])) < 0.05
    assert len(net.jump_times) == path.n_jumps
    np.testing.assert_allclose(net.jump_times, times[1:], atol=0.06)
    unshaped = np.asarray(saddle_path(example("A")).saddles[1], dtype=float)
    assert np.max(np.abs(beta[0] - unshaped)) > 0.1


@pytest.mark.parametrize(("shape", "fragment"), [([1, 2], "2 entries"),
                                                 ([1, 1, 0, 1, 1, 1], r"init_shape\[2\]")])
def test_bad_init_shape(shape, fragment):
    with pytest.raises(ParameterError, match=fragment):
        simulate_network(example("A"), log_inv_alpha=3, t_max=1.0, init_shape=shape)
