"""The simulator on larger Gaussian problems, where most coordinates are dormant.

``gaussian_sparse(n=d/2, d, sparsity=5, noise=0.1)``: the support grows to n and the path
has about d saddles.  References are independent of the simulator's code path:

* Λ = 10⁶: mid-plateau β against the saddles of Algorithm 1 (the limit; at this Λ the
  plateaus are sharp to far below 1e-6);
* Λ = 10³ (short plateaus not yet sharp): scipy's Radau IIA (order 5) with the analytic
  Jacobian at rtol = 1e-12, on its own overflow-free formula for β and β';
* the mp path at 20 digits against float64.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from dlnsym.problems import gaussian_sparse
from dlnsym.saddle_path import saddle_path
from dlnsym.simulate import simulate


def _problem(d: int):  # noqa: ANN202
    return gaussian_sparse(n=d // 2, d=d, sparsity=5, noise=0.1, seed=0)


def _rel(a: np.ndarray, b: np.ndarray) -> float:
    """``max |a − b| / (1 + |b|)``."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.max(np.abs(a - b) / (1 + np.abs(b))))


def _mid_plateaus(path, t_max: float, lam: float) -> tuple[list[float], list[np.ndarray]]:
    """Mid-points of the plateaus long enough to be sharp at Λ, and their saddles.

    A jump at ``t_k`` with gradient ``g`` is over within ``~30/(Λ·|g|)`` of it (fast time
    ``τ = Λ(t̃ − t_k)``); ``|g|`` shrinks like ``1/t̃`` along these paths, so a plateau
    counts when it is longer than ``10⁴·t_{k+1}/Λ``."""
    times = [float(t) for t in path.times] + [t_max]
    mids, saddles = [], []
    for k in range(1, len(times) - 1):
        if times[k + 1] - times[k] > 1e4 * times[k + 1] / lam:
            mids.append(0.5 * (times[k] + times[k + 1]))
            saddles.append(np.asarray(path.saddles[k], dtype=float))
    return mids, saddles


def _assert_plateaus_are_saddles(d: int, lam: float) -> None:
    problem = _problem(d)
    path = saddle_path(problem)
    tr = simulate(problem, log_inv_alpha=lam)
    assert len(tr.jump_times) == path.n_jumps  # every jump detected
    mids, saddles = _mid_plateaus(path, tr.t_end, lam)
    # at d = 500 most plateaus are shorter than that (162 of 475 are checked)
    assert len(mids) >= 0.3 * path.n_jumps
    sampled = tr.at(mids)
    for t, row, saddle in zip(mids, sampled.beta, saddles, strict=True):
        assert np.max(np.abs(row - saddle)) <= 1e-6, t


def test_plateaus_equal_algorithm1_saddles_at_lambda_1e6() -> None:
    """d = 40 (29 jumps, support up to 20): mid-plateau β equals Algorithm 1's saddle to
    1e-6, every jump detected."""
    _assert_plateaus_are_saddles(40, 1e6)


@pytest.mark.slow
def test_plateaus_equal_algorithm1_saddles_at_lambda_1e6_d500() -> None:
    _assert_plateaus_are_saddles(500, 1e6)


def _scipy_reference(problem, lam: float, times: np.ndarray) -> np.ndarray:
    """β at ``times`` by scipy's Radau with the analytic Jacobian ``J = −H·diag(β')``,
    ``β = ½(e^{2Λ(s−1)} − e^{−2Λ(s+1)})``, ``β' = Λ(e^{2Λ(s−1)} + e^{−2Λ(s+1)})`` (both
    exponentials ≤ 1 in the box)."""
    H, c = (np.asarray(v, dtype=float) for v in problem.gram())

    def parts(s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        up, down = np.exp(2 * lam * (s - 1)), np.exp(-2 * lam * (s + 1))
        return 0.5 * (up - down), lam * (up + down)

    with np.errstate(over="ignore", invalid="ignore"):  # wild Newton iterates: rejected
        sol = solve_ivp(lambda _t, s: c - H @ parts(s)[0], (0.0, times[-1]),
                        np.zeros(problem.d), method="Radau", t_eval=times,
                        jac=lambda _t, s: -H * parts(s)[1][None, :], rtol=1e-12, atol=1e-15)
    assert sol.success, sol.message
    return np.array([parts(s)[0] for s in sol.y.T])


def _assert_agrees_with_scipy(d: int, lam: float) -> None:
    problem = _problem(d)
    t_max = 1.2 * float(saddle_path(problem).times[-1])
    times = np.linspace(0, t_max, 50)
    ours = simulate(problem, log_inv_alpha=lam, at=times)
    assert _rel(ours.beta, _scipy_reference(problem, lam, times)) <= 1e-7


def test_agrees_with_scipy_radau_at_lambda_1e3() -> None:
    """d = 16, whole path, 50 times: β within 1e-7 of scipy's Radau (rtol 1e-12)."""
    _assert_agrees_with_scipy(16, 1e3)


@pytest.mark.slow
def test_agrees_with_scipy_radau_at_lambda_1e3_d100() -> None:
    _assert_agrees_with_scipy(100, 1e3)


def _assert_float_agrees_with_mp(d: int, lam: float) -> None:
    problem = _problem(d)
    fl = simulate(problem, log_inv_alpha=lam)
    times = np.linspace(0, fl.t_end, 50)
    mp = simulate(problem, log_inv_alpha=lam, dps=20, at=times)
    assert len(mp.jump_times) == len(fl.jump_times)
    assert _rel(fl.at(times).beta, mp.beta) <= 1e-8


def test_float_agrees_with_mp_at_20_digits() -> None:
    """d = 16 at Λ = 10³, 50 times over the whole path."""
    _assert_float_agrees_with_mp(16, 1e3)


@pytest.mark.slow
def test_float_agrees_with_mp_at_20_digits_d50() -> None:
    _assert_float_agrees_with_mp(50, 1e3)


def test_dense_output_does_not_depend_on_earlier_requests() -> None:
    """``Trajectory.at`` integrates from the checkpoint before each time; what was
    integrated before (other times, other checkpoints) must not change the result: the
    same values, to the last bit, whatever the order of the requests (one time per
    request: several times after one checkpoint are reached by other steps).  At d = 100, Λ = 10⁶
    the Newton matrix is reused between steps (≥ 48 awake columns), so a matrix kept from
    an earlier request is at hand."""
    tr = simulate(_problem(100), log_inv_alpha=1e6)
    times = np.random.default_rng(1).uniform(0, tr.t_end, 40)
    forward = np.array([tr.at([t]).beta[0] for t in times])
    backward = np.array([tr.at([t]).beta[0] for t in times[::-1]])[::-1]
    assert np.array_equal(forward, backward)


def test_dense_output_agrees_with_a_run_that_lands_on_the_times() -> None:
    """d = 100, Λ = 10⁶, 200 times: ``at`` (from the checkpoints) against a run that steps
    onto each time itself (another step sequence), to the float path's 1e-7 at Λ = 10⁶."""
    problem = _problem(100)
    tr = simulate(problem, log_inv_alpha=1e6)
    times = np.sort(np.random.default_rng(1).uniform(0, tr.t_end, 200))
    landed = simulate(problem, log_inv_alpha=1e6, at=times)
    assert _rel(tr.at(times).beta, landed.beta) <= 1e-7
