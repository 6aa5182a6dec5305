"""The mirror-flow simulator on example A (docs/theory.md §5): accuracy contract, limit, API.

Expected values come from docs/theory.md (plateau saddles, t₁ = 150/199, the first-jump
prediction t₁ − 0.328/Λ), from scipy's Radau at tight tolerance (an independent stiff
method, small Λ), or from the same simulator at 20 more digits (the accuracy contract).
"""

from __future__ import annotations

import importlib
import json
import math
from collections.abc import Callable
from fractions import Fraction

import mpmath
import numpy as np
import pytest
from scipy.integrate import solve_ivp

import dlnsym
from dlnsym.errors import ParameterError
from dlnsym.mirror_flow import beta_of_s
from dlnsym.problems import example, gaussian_sparse
from dlnsym.simulate import demo_runs, simulate

A = example("A")
T1 = 150 / 199
T2 = 19125 / 12863
#: L(β_k) of docs/theory.md §5 (plateau losses, for jump detection independent of Algorithm 1)
LOSSES = [Fraction(193, 300), Fraction(12147, 39400), Fraction(4800481, 26467800),
          Fraction(502681, 8844600), Fraction(137641, 6118200), Fraction(0)]
LEVELS = [float(v) for v in LOSSES]


def rel_error(a: np.ndarray, b: np.ndarray) -> float:
    """``max |a − b| / (1 + |b|)`` over all entries, computed in mpmath."""
    with mpmath.workdps(80):
        return max(
            float(abs(mpmath.mpf(x) - mpmath.mpf(y)) / (1 + abs(mpmath.mpf(y))))
            for x, y in zip(np.ravel(a), np.ravel(b), strict=True)
        )


@pytest.fixture
def newton_iterations(monkeypatch) -> list[int]:  # noqa: ANN001
    """The Newton iterations of every step attempt made while the test runs, in order."""
    import dlnsym.integrate.radau as radau

    original = radau.RadauStep.attempt
    counts: list[int] = []

    def counting(self, start, h, norm, guess=None):  # noqa: ANN001, ANN202
        outcome = original(self, start, h, norm, guess)
        counts.append(outcome.iterations)
        return outcome

    monkeypatch.setattr(radau.RadauStep, "attempt", counting)
    return counts


def jump_window(lam: float, t_max: float) -> list[float]:
    """Sample times before, inside and after the first jump of example A."""
    return [0.5, T1 - 3 / lam, T1 - 1 / lam, T1 - 0.328 / lam, T1, min(T1 + 1 / lam, t_max), t_max]


# ------------------------------------------------------------------- accuracy contract


@pytest.mark.parametrize(("lam", "t_max"), [(10, 0.85), (1e6, 0.754)])
def test_dps20_agrees_with_dps40_through_a_jump(lam: float, t_max: float) -> None:
    times = jump_window(lam, t_max)
    low = simulate(A, log_inv_alpha=lam, t_max=t_max, dps=20, at=times, jump_levels=LEVELS)
    high = simulate(A, log_inv_alpha=lam, t_max=t_max, dps=40, at=times, jump_levels=LEVELS)
    assert rel_error(low.beta, high.beta) <= 1e-10


@pytest.mark.parametrize(("lam", "t_max"), [(10, 0.85), (1e6, 0.754)])
def test_arb_backend_agrees_with_mpmath_backend(lam: float, t_max: float) -> None:
    """Same method and precision in C and in pure Python: the results are mpf and agree far
    below the contract (only rounding differs, not the steps)."""
    times = jump_window(lam, t_max)
    fast = simulate(A, log_inv_alpha=lam, t_max=t_max, dps=20, at=times, jump_levels=LEVELS)
    ref = simulate(A, log_inv_alpha=lam, t_max=t_max, dps=20, at=times, jump_levels=LEVELS,
                   mp_backend="mpmath")
    assert all(isinstance(v, mpmath.mpf) for v in fast.beta.flat)
    assert fast.stats["accepted"] == ref.stats["accepted"]
    assert rel_error(fast.beta, ref.beta) <= 1e-15


@pytest.mark.slow
def test_dps20_agrees_with_dps40_at_lambda_1e3_over_two_jumps() -> None:
    times = [*jump_window(1e3, 1.6), T2 - 1e-3, T2]
    low = simulate(A, log_inv_alpha=1e3, t_max=1.6, dps=20, at=times, jump_levels=LEVELS)
    high = simulate(A, log_inv_alpha=1e3, t_max=1.6, dps=40, at=times, jump_levels=LEVELS)
    assert rel_error(low.beta, high.beta) <= 1e-10


def test_float_agrees_with_mp_at_lambda_1e4() -> None:
    times = [*np.linspace(0, 1.6, 5), T1 - 0.3e-4, T2 - 1e-4, T2 - 0.5e-4]
    fl = simulate(A, log_inv_alpha=1e4, t_max=1.6, at=times, jump_levels=LEVELS)
    mp = simulate(A, log_inv_alpha=1e4, t_max=1.6, at=times, dps=20, jump_levels=LEVELS)
    assert rel_error(fl.beta, mp.beta) <= 1e-9
    assert len(fl.jump_times) == len(mp.jump_times) == 2
    assert fl.jump_times == pytest.approx(mp.jump_times, rel=0, abs=1e-11)


@pytest.mark.slow
def test_float_agrees_with_mp_at_lambda_1e6_whole_path() -> None:
    fl = simulate(A, log_inv_alpha="1e6", t_max=11.0, jump_levels=LEVELS)
    mp = simulate(A, log_inv_alpha="1e6", t_max=11.0, dps=20, at=fl.t, jump_levels=LEVELS)
    assert rel_error(fl.beta, mp.beta) <= 1e-7


def test_float_agrees_with_scipy_radau_at_small_lambda() -> None:
    """An independent stiff integrator (Radau IIA, tight tolerances) at Λ = 10."""
    lam = 10.0
    H, c = A.gram()
    H, c = H.astype(float), c.astype(float)

    def field(_t: float, s: np.ndarray) -> np.ndarray:
        return c - H @ beta_of_s(s, lam)

    times = np.linspace(0, 3, 13)
    ref = solve_ivp(field, (0, 3), np.zeros(6), method="Radau", t_eval=times,
                    rtol=1e-12, atol=1e-14)
    ref_beta = np.array([beta_of_s(s, lam) for s in ref.y.T])
    ours = simulate(A, log_inv_alpha=lam, t_max=3.0, at=times, jump_levels=LEVELS)
    assert rel_error(ours.beta, ref_beta) <= 1e-8


# ------------------------------------------------------------------ the α → 0 limit


def test_plateaus_and_jumps_match_theory_at_large_lambda() -> None:
    """Mid-plateau β equals the saddles of docs/theory.md §5; jump times are t_k + O(1/Λ)."""
    lam = 1e4
    saddles = {1.1: {0: Fraction(199, 394)},
               1.6: {0: Fraction(26409, 88226), 1: Fraction(-25726, 44113)},
               2.5: {0: Fraction(17547, 29482), 4: Fraction(-10466, 14741)},
               6.0: {0: Fraction(4093, 6798), 3: Fraction(-9280, 10197)},
               11.5: {0: Fraction(179, 306), 2: Fraction(-371, 459), 3: Fraction(-97, 153)}}
    tr = simulate(A, log_inv_alpha=lam, t_max=12.0, jump_levels=LEVELS)
    sampled = tr.at(list(saddles))
    for row, saddle in zip(sampled.beta, saddles.values(), strict=True):
        expected = np.array([float(saddle.get(i, 0)) for i in range(6)])
        assert np.max(np.abs(row - expected)) < 1e-6
    limit_times = [T1, T2, 1478475 / 830389, 210987300 / 57476503, 13971921800 / 1399630519]
    assert len(tr.jump_times) == 5
    for detected, tk in zip(tr.jump_times, limit_times, strict=True):
        assert abs(detected - tk) < 20 / lam
    # docs/theory.md §4: the mid level of the first jump is crossed at t₁ − 0.328/Λ
    assert tr.jump_times[0] == pytest.approx(T1 - 0.328 / lam, abs=0.01 / lam)


def test_first_jump_found_at_lambda_1e6_and_cost_flat_in_lambda() -> None:
    """The step control is not fooled by the exponentially small coordinates (the jump is
    found where docs/theory.md predicts) and the number of steps does not grow with Λ."""
    runs = {lam: simulate(A, log_inv_alpha=lam, t_max=2.0, jump_levels=LEVELS)
            for lam in (1e2, 1e6)}
    assert runs[1e6].jump_times[0] == pytest.approx(T1 - 0.328e-6, abs=1e-8)
    assert runs[1e6].stats["accepted"] <= 2 * runs[1e2].stats["accepted"]


def test_loss_never_increases() -> None:
    tr = simulate(A, log_inv_alpha=300, t_max=4.0, jump_levels=LEVELS)
    assert np.all(np.diff(tr.loss) <= 1e-15)


# ----------------------------------------------------------------------------- API


def test_at_returns_exactly_the_times_asked_and_matches_dense_evaluation() -> None:
    times = [1.5, 0.2, 0.7537, 1.5, 0.0]
    tr = simulate(A, log_inv_alpha=1e3, t_max=2.0, at=times, jump_levels=LEVELS)
    assert tr.t.tolist() == times
    full = simulate(A, log_inv_alpha=1e3, t_max=2.0, jump_levels=LEVELS)
    dense = full.at(times)
    assert dense.t.tolist() == times
    assert rel_error(dense.beta, tr.beta) <= 1e-9
    assert np.all(tr.beta[4] == 0)


def test_alpha_and_string_lambda_are_accepted() -> None:
    lam = 1000 * math.log(10)
    by_alpha = simulate(A, alpha="1e-1000", t_max=0.76, dps=20, at=[0.7535], jump_levels=LEVELS)
    by_lam = simulate(A, log_inv_alpha=mpmath.mpf(1000) * mpmath.log(10), t_max=0.76, dps=20,
                      at=[0.7535], jump_levels=LEVELS)
    assert rel_error(by_alpha.beta, by_lam.beta) < 1e-12
    assert float(by_alpha.log_inv_alpha) == pytest.approx(lam, rel=1e-15)
    as_string = simulate(A, log_inv_alpha="2302.585092994046", t_max=0.76, at=[0.7535],
                         jump_levels=LEVELS)
    assert rel_error(as_string.beta, by_lam.beta) < 1e-8


def test_arrays_and_module_call() -> None:
    X = A.X.astype(float)
    y = A.y.astype(float)
    tr = dlnsym.simulate(X, y, log_inv_alpha=50, t_max=1.0, at=[1.0])
    assert tr.beta.shape == (1, 6) and tr.dps is None
    assert dlnsym.simulate is simulate  # the package attribute is the function


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"log_inv_alpha": 0}, "positive"),
        ({"log_inv_alpha": -3}, "positive"),
        ({"log_inv_alpha": "abc"}, "positive"),
        ({"log_inv_alpha": 10, "alpha": "1e-3"}, "exactly one"),
        ({}, "exactly one"),
        ({"alpha": "2"}, "(0, 1)"),
        ({"log_inv_alpha": 10, "dps": 10}, "dps"),
        ({"log_inv_alpha": 10, "t_max": 0}, "t_max"),
        ({"log_inv_alpha": 10, "t_max": 1.0, "at": [1.5]}, "outside"),
        ({"log_inv_alpha": 10, "t_max": 1.0, "at": [-0.1]}, "outside"),
        ({"log_inv_alpha": 10, "tol": 0.1}, "tol"),
        ({"log_inv_alpha": 1e13}, "dps"),
    ],
)
def test_bad_parameters_raise_parameter_error(kwargs: dict, fragment: str) -> None:
    kwargs = {"t_max": 1.0, "jump_levels": LEVELS, **kwargs}
    with pytest.raises(ParameterError, match=fragment.replace("(", r"\(").replace(")", r"\)")):
        simulate(A, **kwargs)


def test_dense_evaluation_outside_the_run_is_refused() -> None:
    tr = simulate(A, log_inv_alpha=10, t_max=1.0, jump_levels=LEVELS)
    with pytest.raises(ParameterError, match="outside"):
        tr.at([1.5])


def test_ctrl_c_keeps_what_was_computed() -> None:
    calls = []

    def progress(t: float) -> None:
        calls.append(t)
        if len(calls) == 5:
            raise KeyboardInterrupt

    tr = simulate(A, log_inv_alpha=100, t_max=5.0, progress=progress, jump_levels=LEVELS)
    assert tr.interrupted
    assert len(tr.t) == 1 + 5 and tr.t[0] == 0  # the initial state, then 5 steps
    assert tr.t_end == pytest.approx(calls[-1])
    assert tr.at([tr.t_end / 2]).beta.shape == (1, 6)


def test_exports(tmp_path) -> None:  # noqa: ANN001 - pytest fixture
    fl = simulate(A, log_inv_alpha=1e3, t_max=1.0, at=[0.5, 1.0], jump_levels=LEVELS)
    fl.save_npz(tmp_path / "f.npz")
    fl.save_json(tmp_path / "f.json")
    with np.load(tmp_path / "f.npz") as data:
        assert np.array_equal(data["beta"], fl.beta) and data["dps"] == -1
    doc = json.loads((tmp_path / "f.json").read_text())
    assert doc["t"] == [0.5, 1.0] and len(doc["beta"]) == 2 and len(doc["jump_times"]) == 1
    mp = simulate(A, log_inv_alpha="1e6", t_max=1.0, dps=20, at=[0.5], jump_levels=LEVELS)
    doc = mp.to_json()
    tiny = mpmath.mpf(doc["beta"][0][0])  # far below the float range, kept as a string
    # on the first plateau s₀ = t̃·c₀ = 0.5·199/150 and β₀ = ½·e^{2Λ(s₀ − 1)} (β₀ ≈ 1e-292426)
    expected = (2e6 * (mpmath.mpf(199) / 300 - 1) - mpmath.log(2)) / mpmath.log(10)
    assert abs(mpmath.log10(tiny) - expected) < 1e-9
    mp.save_npz(tmp_path / "m.npz")
    with np.load(tmp_path / "m.npz") as data:
        assert data["beta"][0, 0] == 0.0 and data["beta_text"][0, 0] == doc["beta"][0][0]


def test_demo_runs_summarises_jump_errors() -> None:
    demo = demo_runs(lambdas=(10, 100))
    assert set(demo.trajectories) == {10.0, 100.0}
    assert "t̂_k − t_k" in demo.summary and str(demo) == demo.summary


def test_long_plateau_jump_is_not_stepped_over():
    """Regression: after a plateau of length ≈ 23 the float path once stepped straight over
    the last jump at Λ = 300.  The jump-time offsets Λ·(t̂_k − t_k) settle to constants c_k
    (docs/theory.md §4), so Λ = 300 and Λ = 1000 must agree closely on every jump."""
    from dlnsym.problems import random_integer

    problem = random_integer(3, 6, seed=5).to_float()
    limit = dlnsym.saddle_path(problem)
    offsets = []
    for lam in (300.0, 1000.0):
        tr = dlnsym.simulate(problem, log_inv_alpha=lam)
        assert len(tr.jump_times) == limit.n_jumps
        offsets.append([lam * (a - b) for a, b in zip(tr.jump_times, limit.jump_times,
                                                       strict=True)])
    np.testing.assert_allclose(offsets[0], offsets[1], atol=0.05)


def test_mp_accuracy_does_not_depend_on_output_times():
    """Regression (issue 4): the extrapolation solver, on the mp path, stepped across the wake
    of a coordinate at the end of a plateau of length 23 when an output time let it, and got
    L(23.9) wrong by 2e-4 relative; the float path is an independent run of other steps."""
    from dlnsym.problems import random_integer

    problem = random_integer(3, 6, seed=5).to_float()
    reference = dlnsym.simulate(problem, log_inv_alpha=300.0, t_max=25.5, at=[23.9, 24.05])
    coarse = dlnsym.simulate(problem, log_inv_alpha=300.0, t_max=25.5, dps=20,
                             at=[1.0, 10.0, 23.9, 24.05])
    np.testing.assert_allclose([float(v) for v in coarse.loss[2:]], reference.loss, rtol=1e-8)


def test_mp_path_finds_every_jump_after_a_long_plateau():
    """Regression (issue 4): with the default ``t_max`` the extrapolation solver's step size
    collapsed after the last jump of this instance (loss ≈ 1e-31), and it detected 4 of its
    5 jumps; the jump times must agree with the float path, an independent run."""
    from dlnsym.problems import random_integer

    problem = random_integer(3, 6, seed=5).to_float()
    mp_run = dlnsym.simulate(problem, log_inv_alpha=300.0, dps=20)
    float_run = dlnsym.simulate(problem, log_inv_alpha=300.0)
    assert len(mp_run.jump_times) == len(float_run.jump_times) == 5
    np.testing.assert_allclose(mp_run.jump_times, float_run.jump_times, rtol=1e-9)


def test_cost_flat_in_lambda_over_the_whole_path() -> None:
    """Whole path of example A: the accepted steps at Λ = 10⁶ stay within 2× of Λ = 10²
    (with f ≈ 0 at a saddle, a round-off floor set by |h f| alone made the float path crawl
    at Λ = 10⁶: its error estimate sat at the noise level, step after step)."""
    steps = {lam: simulate(A, log_inv_alpha=lam, t_max=12.0).stats["accepted"]
             for lam in (1e2, 1e6)}
    assert steps[1e6] <= 2 * steps[1e2]


def test_newton_budget_and_stages_grow_with_the_digits() -> None:
    from dlnsym.simulate import MAX_STAGES, default_tol, newton_iterations, radau_stages

    digits = (None, 20, 30, 40, 200)  # float64 (tol 1e-11) first: the fewest digits
    stages = [radau_stages(default_tol(dps)) for dps in digits]
    assert stages == sorted(stages) and stages[0] < stages[2] and stages[-1] == MAX_STAGES
    assert all(s % 2 == 1 for s in stages)  # odd: the Radau matrix has one real eigenvalue
    budgets = [newton_iterations(default_tol(dps)) for dps in digits]
    assert budgets == sorted(budgets) and budgets[0] < budgets[-1]


def test_steps_grow_freely_once_the_estimate_is_at_its_rounding_level(monkeypatch) -> None:  # noqa: ANN001
    """Float64 at Λ = 10⁶ after the first jump: the error estimate sits at its own rounding
    level (the tolerance on s, 10⁻¹¹/2Λ, is below ε), which says nothing about the step
    size; the steps then grow by the controller's largest factor, and the first plateau
    (t̃ ∈ (0.76, 1.4)) takes a handful of steps.  The classical controller is used, to see
    this rule alone (the predictive one also grows the steps there, from the falling error
    trend).  Negative control: reading the rounding as truncation error (noise bound 0), the
    steps grow slowly and take several times as many."""
    import importlib

    import dlnsym.integrate.radau as radau
    from dlnsym.integrate.controller import StepSizeController

    simulate_module = importlib.import_module("dlnsym.simulate")  # the package attribute
    # dlnsym.simulate is the function

    monkeypatch.setattr(simulate_module, "StepSizeController",
                        lambda order: StepSizeController(order, predictive=False))

    def plateau_steps() -> int:
        tr = simulate(A, log_inv_alpha=1e6, t_max=1.4)
        t = np.array([float(v) for v in tr.t])
        return int(((t > 0.76) & (t < 1.4)).sum())

    free = plateau_steps()
    monkeypatch.setattr(radau.RadauStep, "_rounding_of_error", lambda self, *args: 0.0)
    assert free <= 5 and plateau_steps() >= 2 * free + 2


@pytest.mark.parametrize("lam", ["8e8", "1e15"])
def test_mp_path_beyond_the_float64_exponent_range(lam: str) -> None:
    """Regression: at Λ = 8e8 the Jacobian at the start (entries ~e^{−2Λ}) has a binary
    exponent beyond 32 bits, which numpy's ldexp refused; at Λ = 10¹⁵ the jump, of width
    ~1/Λ, needs steps below 10⁻¹⁴·t̃, which the float64 step-size floor refused.  The first
    jump is found at t₁ = 150/199 (docs/theory.md §5) up to O(1/Λ), without warnings."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tr = simulate(A, log_inv_alpha=lam, dps=20, t_max=1.0)
    assert len(tr.jump_times) == 1
    assert abs(tr.jump_times[0] - 150 / 199) < 1e-7


def test_warm_start_from_the_continued_polynomial(monkeypatch) -> None:  # noqa: ANN001
    """Above float64 the continued polynomial starts the float64 warm start: fewer float64
    iterations for the same steps.  Negative control: ``PREDICT_MAX_RATIO = 0``, at least
    1.2× as many (measured 1.6×), with the same step count."""
    import dlnsym.integrate.radau as radau

    original = radau.RadauStep._correction
    calls = []

    def counting(self, solvers, R):  # noqa: ANN001, ANN202
        calls.append(1)
        return original(self, solvers, R)

    monkeypatch.setattr(radau.RadauStep, "_correction", counting)
    continued = simulate(A, log_inv_alpha=100, t_max=12.0, dps=20)
    warm = len(calls)
    calls.clear()
    monkeypatch.setattr(radau, "PREDICT_MAX_RATIO", 0.0)
    cold = simulate(A, log_inv_alpha=100, t_max=12.0, dps=20)
    assert len(calls) >= 1.2 * warm
    assert cold.stats["accepted"] == continued.stats["accepted"]


def test_dense_output_starts_from_the_checkpoints_polynomial(newton_iterations: list[int]) -> None:
    """Values between steps (``at``) are steps from the checkpoint before them, whose
    Newton iteration starts from the collocation polynomial of the step accepted there.
    Times inside the first two jumps at Λ = 10⁴ (on plateaus two iterations are the least
    either way).  Same values (to the tolerance) as when starting from ``Z = 0``, the
    negative control, which takes at least 1.3× the Newton iterations (measured 1.55×)."""
    import dataclasses

    lam = 1e4
    traj = simulate(A, log_inv_alpha=lam, t_max=3.0)
    times = np.concatenate([t + np.linspace(-4, 4, 15) / lam for t in (T1, T2)])
    iterations = newton_iterations
    iterations.clear()
    led = traj.at(times)
    led_iterations = sum(iterations)
    iterations.clear()
    traj._checkpoints = [dataclasses.replace(c, polynomial=None) for c in traj._checkpoints]
    unled = traj.at(times)
    assert sum(iterations) >= 1.3 * led_iterations
    assert rel_error(np.array(led.beta, dtype=float), np.array(unled.beta, dtype=float)) < 1e-9


def test_checkpoints_keep_states_only_above_the_polynomial_dimension(monkeypatch) -> None:  # noqa: ANN001
    """Above ``POLYNOMIALS_MAX_D`` (here lowered below example A's d = 6) the checkpoints
    drop their polynomials once the jump search has used them: the run itself is the same
    to the last bit (samples, jump times, steps), dense output agrees to the tolerance, and
    only the last checkpoint keeps its polynomial (the negative control, the default,
    keeps all)."""
    simulate_module = importlib.import_module("dlnsym.simulate")  # the module, not the function
    lam, times = 1e4, np.concatenate([t + np.linspace(-4, 4, 9) / 1e4 for t in (T1, T2)])
    kept = simulate(A, log_inv_alpha=lam, t_max=3.0)
    monkeypatch.setattr(simulate_module, "POLYNOMIALS_MAX_D", 5)
    lean = simulate(A, log_inv_alpha=lam, t_max=3.0)
    assert all(c.polynomial is not None for c in kept._checkpoints[:-1])
    assert [c.polynomial is None for c in lean._checkpoints[:-1]] == [True] * (
        len(lean._checkpoints) - 2) + [False]
    assert np.array_equal(lean.t, kept.t) and np.array_equal(lean.beta, kept.beta)
    assert lean.jump_times == kept.jump_times and lean.stats["accepted"] == kept.stats["accepted"]
    assert rel_error(lean.at(times).beta, kept.at(times).beta) < 1e-9


@pytest.mark.parametrize("dps", [None, 20])
def test_jump_times_from_the_collocation_polynomial(monkeypatch, dps: int | None) -> None:  # noqa: ANN001
    """Each jump time is the root of the loss along the collocation polynomial of the step
    that holds it; on the float64 path that is the answer (no integration), above float64
    it starts Newton's method on the integrated loss.  Same jump times (to the loss noise)
    as from the linear interpolant between the checkpoints, the negative control, which
    integrates at least once per jump, and at least 1.5× as often as the polynomial start
    above float64."""
    import dataclasses

    from dlnsym.trajectory import JumpSearch

    traj = simulate(A, log_inv_alpha=1e4, t_max=3.0, dps=dps)
    calls = []
    original = JumpSearch.loss_and_rate

    def counting(self, checkpoint, t):  # noqa: ANN001, ANN202
        calls.append(t)
        return original(self, checkpoint, t)

    monkeypatch.setattr(JumpSearch, "loss_and_rate", counting)
    led = traj._detect_jumps(traj.jump_levels)
    led_calls = len(calls)
    calls.clear()
    traj._checkpoints = [dataclasses.replace(c, polynomial=None) for c in traj._checkpoints]
    linear = traj._detect_jumps(traj.jump_levels)
    assert len(led) == len(linear) == 3
    assert abs(led[0] - T1) < 1e-3 and abs(led[1] - T2) < 1e-3
    assert np.allclose(led, linear, rtol=1e-12, atol=0)
    assert len(calls) >= 3 and len(calls) >= 1.5 * led_calls
    if dps is None:
        assert led_calls == 0


@pytest.mark.parametrize("lam", [1e3, 1e6])
def test_jumps_searched_during_the_run(monkeypatch, lam: float) -> None:  # noqa: ANN001
    """``simulate`` searches the jumps inside the run, with each step's Jacobian at hand:
    the same jump times as the search over the checkpoints afterwards, without a fresh
    Jacobian (negative control: the search from the linear interpolant integrates, with at
    least one per jump), and the run's own steps unchanged (same step counts as a run
    without levels)."""
    import dataclasses

    from dlnsym.mirror_flow import MirrorFlow

    fresh = []
    original = MirrorFlow.frozen_jacobian

    def counting(self, value):  # noqa: ANN001, ANN202
        fresh.append(1)
        return original(self, value)

    monkeypatch.setattr(MirrorFlow, "frozen_jacobian", counting)
    silent = simulate(A, log_inv_alpha=lam, t_max=12.0, jump_levels=[])
    baseline = len(fresh)
    fresh.clear()
    during = simulate(A, log_inv_alpha=lam, t_max=12.0)
    in_run = len(fresh)
    fresh.clear()
    after = during._detect_jumps(during.jump_levels)
    assert len(during.jump_times) == 5
    assert after == during.jump_times
    assert during.stats["accepted"] == silent.stats["accepted"]
    assert during.stats["rejected"] == silent.stats["rejected"]
    assert in_run <= baseline + 1
    assert not fresh
    # negative control: without the polynomials the search integrates, one Jacobian a jump
    during._checkpoints = [dataclasses.replace(c, polynomial=None) for c in during._checkpoints]
    assert np.allclose(during._detect_jumps(during.jump_levels), during.jump_times,
                       rtol=1e-10, atol=0)
    assert len(fresh) >= 5


def test_interpolate_is_the_collocation_polynomial() -> None:
    """``RadauStep.interpolate`` passes through the stages of the step (``u(c_i·h) = Z_i``)
    and is exact on a polynomial of degree ≤ s: stages of ``u(τ) = τ³`` at 3 stages."""
    from dlnsym.integrate.backend import FloatBackend
    from dlnsym.integrate.radau import CollocationPolynomial, RadauStep, radau_tableau
    from dlnsym.mirror_flow import MirrorFlow

    backend = FloatBackend()
    tableau = radau_tableau(3, backend)
    step = RadauStep(MirrorFlow(A, 10.0, backend), tableau)
    h = 0.5
    stages = np.outer((tableau.c * h) ** 3, np.ones(A.d))
    cubic = CollocationPolynomial(h, stages)
    for i, c in enumerate(tableau.c):
        assert np.allclose(step.interpolate(cubic, c * h), stages[i], rtol=1e-14)
    assert np.allclose(step.interpolate(cubic, 0.3), 0.3**3, rtol=1e-13)
    assert np.allclose(step.interpolate(cubic, 0.0), 0.0, atol=1e-16)


def test_stage_jacobians_leave_two_working_precision_iterations_per_step(
    monkeypatch, newton_iterations: list[int]  # noqa: ANN001
) -> None:
    """30 digits, example A at Λ = 100 (a whole path): the working-precision Newton
    iterations with the stage Jacobians take two per step — one correction, one to confirm
    it.  Negative control: with simplified Newton (``STAGE_NEWTON_MAX_SIZE = 0`` and no
    updates of the stage iteration) at least 1.4× as many (measured 1.8×)."""
    _two_iterations_per_step(
        monkeypatch, newton_iterations,
        lambda: simulate(A, log_inv_alpha=100, t_max=12.0, dps=30),
        ("STAGE_NEWTON_MAX_SIZE", "STAGE_ITERATIONS"), 1.4,
    )


def _two_iterations_per_step(
    monkeypatch,  # noqa: ANN001
    counts: list[int], run: Callable[[], object], switches: tuple[str, ...], factor: float,
) -> None:
    """``run()`` takes at most 2.1 working-precision Newton iterations per step (``counts``),
    and at least ``factor`` times as many with the ``switches`` of
    :mod:`dlnsym.integrate.radau` set to 0 (the negative control)."""
    import dlnsym.integrate.radau as radau

    run()
    staged = list(counts)
    assert sum(staged) <= 2.1 * len(staged)
    counts.clear()
    for name in switches:
        monkeypatch.setattr(radau, name, 0)
    run()
    assert sum(counts) >= factor * sum(staged)


def test_stage_iteration_leaves_two_working_precision_iterations_per_step(
    monkeypatch, newton_iterations: list[int]  # noqa: ANN001
) -> None:
    """30 digits, Gaussian data with d = 20 at Λ = 10³ (``s·d = 460`` beyond
    :data:`~dlnsym.integrate.radau.STAGE_NEWTON_MAX_SIZE`, over its first three jumps): the
    stage Jacobians through :meth:`~dlnsym.integrate.radau.RadauStep._stage_iteration`
    leave two working-precision iterations per step, as the LU does for small ``s·d``.
    Negative control: with simplified Newton (``STAGE_ITERATIONS = 0``) at least 1.3× as
    many (measured 1.6×)."""
    problem = gaussian_sparse(n=10, d=20, sparsity=5, noise=0.1, seed=0)
    _two_iterations_per_step(
        monkeypatch, newton_iterations,
        lambda: simulate(problem, log_inv_alpha=1000, t_max=2.0, dps=30),
        ("STAGE_ITERATIONS",), 1.3,
    )


def test_continued_collocation_polynomial_saves_newton_iterations(
    monkeypatch, newton_iterations: list[int]  # noqa: ANN001
) -> None:
    """Float64, whole path of example A at Λ = 10 and 10⁶: starting each Newton iteration
    from the previous step's collocation polynomial (:meth:`RadauStep.predict`) instead of
    ``Z = 0``, and each dense-output step from its checkpoint's polynomial.  Negative
    control: with the continuation switched off, at least 1.15× as many Newton iterations
    (measured 1.9× at Λ = 10, 1.55× at Λ = 10⁶)."""
    import dlnsym.integrate.radau as radau

    iterations = newton_iterations
    for lam in (10.0, 1e6):
        iterations.clear()
        simulate(A, log_inv_alpha=lam, t_max=12.0)
        continued = sum(iterations)
        iterations.clear()
        with monkeypatch.context() as m:
            m.setattr(radau, "PREDICT_MAX_RATIO", 0.0)
            simulate(A, log_inv_alpha=lam, t_max=12.0)
        assert sum(iterations) >= 1.15 * continued, lam


# ------------------------------------------------------------------------ argument checks


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"log_inv_alpha": 10, "at": ["a"]}, "'a' is not a number"),
        ({"log_inv_alpha": 10, "at": [[0.1, 0.2]]}, "nested"),
        ({"log_inv_alpha": 10, "at": [True]}, "True is not a number"),
        ({"log_inv_alpha": 10, "jump_levels": ["x"]}, "jump_levels entry = 'x' is not a number"),
        ({"log_inv_alpha": 10, "jump_levels": [0.1, 0.2]}, "strictly decreasing"),
        ({"log_inv_alpha": 10, "progress": 3}, "progress must be a function"),
        ({"log_inv_alpha": True}, "True is not a number"),
        ({"log_inv_alpha": 10, "t_max": True}, "t_max = True is not a number"),
        ({"log_inv_alpha": "1e1000", "dps": 20}, "beyond the mp path"),
        ({"log_inv_alpha": "1e151", "dps": 20}, "beyond the mp path"),
    ],
)
def test_malformed_arguments_raise_parameter_error_up_front(kwargs: dict, fragment: str) -> None:
    """Each of these raised a raw ValueError/TypeError (or ran with Λ = 1, or failed after
    ~26 s with an IntegrationError advising dps); now a ParameterError before any step."""
    calls = []
    kwargs = {"t_max": 1.0, "jump_levels": LEVELS, **kwargs}
    if "progress" not in kwargs:
        kwargs["progress"] = calls.append
    with pytest.raises(ParameterError, match=fragment):
        simulate(A, **kwargs)
    assert calls == []  # refused before the first step


def test_largest_mp_lambda_is_accepted() -> None:
    from dlnsym.simulate import MP_MAX_LOG_INV_ALPHA

    tr = simulate(A, log_inv_alpha=MP_MAX_LOG_INV_ALPHA, dps=20, t_max=0.01, jump_levels=LEVELS)
    assert tr.t_end == 0.01 and tr.stats["rejected"] == 0


def test_dense_evaluation_with_malformed_times_raises_parameter_error() -> None:
    tr = simulate(A, log_inv_alpha=10, t_max=1.0, at=[0.5], jump_levels=LEVELS)
    for times, fragment in [(["a"], "'a' is not a number"), ([[0.1, 0.2]], "nested"),
                            ([None], "None is not a number"), ([False], "False is not")]:
        with pytest.raises(ParameterError, match=fragment):
            tr.at(times)
    assert tr.at("0.25").t.tolist() == [0.25]  # a decimal string is a number


def test_every_step_output_starts_at_the_initial_state() -> None:
    """The default sampling (``at=None``) begins at t̃ = 0 with s = 0, β = 0, L(0), like the
    network simulator, and the jump times are those found with explicit sample times."""
    for dps in (None, 20):
        tr = simulate(A, log_inv_alpha=100, t_max=1.0, dps=dps, jump_levels=LEVELS)
        assert tr.t[0] == 0 and np.all(tr.t[1:] > 0)
        assert np.all(tr.s[0] == 0) and np.all(tr.beta[0] == 0)
        assert float(tr.loss[0]) == pytest.approx(LEVELS[0], rel=1e-15)  # L(0) = |y|²/2n
        assert len(tr.t) == tr.stats["accepted"] + 1
        sparse = simulate(A, log_inv_alpha=100, t_max=1.0, dps=dps, at=[1.0],
                          jump_levels=LEVELS)
        assert sparse.jump_times == pytest.approx(tr.jump_times, abs=1e-12)
