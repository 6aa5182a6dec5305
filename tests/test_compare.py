"""Tests of dlnsym.compare: synthetic trajectories with known errors, and one real study."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pytest

import dlnsym
from dlnsym.compare import (
    compare,
    convergence_study,
    fit_power_law,
    plot_convergence,
)
from dlnsym.errors import ParameterError
from dlnsym.problems import example
from dlnsym.saddle_path import saddle_path

PROBLEM = example("A")
PATH = saddle_path(PROBLEM)
JUMPS = np.array([float(t) for t in PATH.times[1:]])
T_MAX = 1.2 * JUMPS[-1]


@dataclass
class Synthetic:
    """Duck-typed trajectory: the limit path with jumps moved to ``t_k + offsets_k`` and every
    sample perturbed by ``plateau``; its errors are known by construction."""

    log_inv_alpha: float
    t: np.ndarray
    beta: np.ndarray
    jump_times: list[float]


def synthetic(lam: float, offsets: np.ndarray, plateau: float, n: int = 6001) -> Synthetic:
    t = np.linspace(0.0, T_MAX, n)
    moved = JUMPS + offsets
    k = np.searchsorted(moved, t, side="right")
    saddles = np.array([b.astype(float) for b in PATH.saddles])
    return Synthetic(lam, t, saddles[k] + plateau, list(moved))


def study_for(offsets_of_lambda, lambdas=(10.0, 100.0, 1000.0, 10000.0)):
    def simulator(problem, lam, t_max):
        assert problem is PROBLEM and t_max == pytest.approx(T_MAX)
        return synthetic(lam, offsets_of_lambda(lam), math.exp(-lam / 100))

    return convergence_study(PROBLEM, lambdas, simulator=simulator)


C = np.array([0.3, -0.5, 0.2, 0.7, -0.1])  # per-jump constants c_k of t̂_k = t_k + c_k/Λ


def test_errors_of_a_synthetic_trajectory_are_recovered():
    cmp_ = compare(PATH, synthetic(50.0, C / 50, 1e-7))
    np.testing.assert_allclose(cmp_.jump_time_errors, C / 50, rtol=1e-12)
    assert cmp_.max_jump_time_error == pytest.approx(0.7 / 50)
    # every plateau has samples outside its windows and sees exactly the perturbation
    np.testing.assert_allclose(cmp_.plateau_errors, 1e-7, rtol=1e-6)
    assert cmp_.plateau_error == pytest.approx(1e-7, rel=1e-6)
    # window: ¼ of the shorter neighbouring plateau, the last jump uses its left plateau
    lengths = np.diff([0.0, *JUMPS])
    assert cmp_.windows[0] == pytest.approx(0.25 * min(lengths[0], lengths[1]))
    assert cmp_.windows[-1] == pytest.approx(0.25 * lengths[-1])
    text = cmp_.summary()
    assert "Λ = 50" in text and len(text.splitlines()) == 2 + 1 + len(JUMPS)
    # the repr summarises (errors known by construction: 1e-7 on plateaus, max |c_k|/Λ)
    assert repr(cmp_) == ("PathComparison(Λ=50, 5 jumps, max plateau error 1.000e-07, "
                          "max |jump-time error| 1.400e-02, window 0.25)")


def test_a_wrong_value_counts_outside_the_windows_only():
    traj = synthetic(50.0, np.zeros(5), 0.0)
    inside = np.argmin(np.abs(traj.t - (JUMPS[0] - 0.5 * 0.25 * JUMPS[0])))
    traj.beta[inside] += 3.0  # inside the window before jump 1: ignored
    assert compare(PATH, traj).plateau_errors[0] == 0.0
    outside = np.argmin(np.abs(traj.t - 0.5 * JUMPS[0]))
    traj.beta[outside, 2] -= 0.25
    assert compare(PATH, traj).plateau_errors.tolist()[:2] == [0.25, 0.0]


def test_dense_trajectory_is_measured_across_plateaus_without_samples():
    """A stiff integrator may step over a plateau: ``at`` fills it in (``grid`` points)."""
    full = synthetic(50.0, np.zeros(5), 0.0)
    bad = 0.5 * (JUMPS[1] + JUMPS[2])  # middle of plateau 2, between the two samples
    full.beta[np.argmin(np.abs(full.t - bad)), 0] += 0.125

    class Dense(Synthetic):
        def at(self, times):
            idx = [int(np.argmin(np.abs(full.t - x))) for x in times]
            return Synthetic(50.0, full.t[idx], full.beta[idx], [])

    sparse = Dense(50.0, np.array([0.0, JUMPS[1], JUMPS[2] + 0.1]), full.beta[[0, 0, 0]],
                   full.jump_times)
    assert np.isnan(compare(PATH, sparse, grid=0).plateau_errors[2])
    assert compare(PATH, sparse, grid=9).plateau_errors[2] == pytest.approx(0.125)


def test_missing_jump_is_nan_and_extra_jumps_are_matched_by_proximity():
    traj = synthetic(50.0, np.zeros(5), 0.0)
    traj.jump_times = [JUMPS[0] + 1e-3, 0.05, JUMPS[2] - 2e-3]  # 0.05: far from any t_k
    errs = compare(PATH, traj).jump_time_errors
    assert errs[0] == pytest.approx(1e-3) and errs[2] == pytest.approx(-2e-3)
    assert np.isnan(errs[[1, 3, 4]]).all()


def test_mp_trajectory_errors_below_float_resolution():
    import mpmath

    traj = synthetic(50.0, np.zeros(5), 0.0)
    k = np.searchsorted(JUMPS, traj.t, side="right")
    with mpmath.workdps(40):
        exact = [[mpmath.mpf(v.numerator) / v.denominator + mpmath.mpf("1e-30") for v in b]
                 for b in PATH.saddles]
        traj.beta = np.array([exact[i] for i in k], dtype=object)
        errors = compare(PATH, traj).plateau_errors
    np.testing.assert_allclose(errors, 1e-30, rtol=1e-8)


def test_rate_fit_finds_minus_one_for_c_over_lambda():
    study = study_for(lambda lam: C / lam)
    np.testing.assert_allclose(study.jump_slopes, -1.0, atol=1e-9)
    assert study.jump_slope == pytest.approx(-1.0, abs=1e-9)
    assert study.first_order()
    assert study.plateau_rate == pytest.approx(-0.01, rel=1e-6)
    text = study.summary()
    assert "p = -1.000" in text and "expected −1: yes" in text
    assert repr(study) == ("ConvergenceStudy('example A', 5 jumps, Λ from 10 to 10000 "
                           "(4 values), jump slope -1.000, plateau rate -0.01)")


@pytest.mark.parametrize(
    ("offsets", "slope"),
    [(lambda lam: C / lam**2, -2.0), (lambda lam: C / np.sqrt(lam), -0.5),
     (lambda lam: C * 0 + 0.01, 0.0)],
)
def test_rate_fit_rejects_other_rates(offsets, slope):
    study = study_for(offsets)
    assert study.jump_slope == pytest.approx(slope, abs=1e-6)
    assert not study.first_order()
    assert "expected −1: NO" in study.summary()


def test_fit_power_law_ignores_zero_errors_and_needs_two_points():
    assert fit_power_law([1, 10, 100], [0.0, 1.0, 0.1]) == pytest.approx(-1.0)
    assert math.isnan(fit_power_law([1, 10], [0.0, 1.0]))


def test_bad_arguments():
    with pytest.raises(ParameterError, match="window"):
        compare(PATH, synthetic(10.0, np.zeros(5), 0.0), window=0.5)
    bad = synthetic(10.0, np.zeros(5), 0.0)
    bad.beta = bad.beta[:, :3]
    with pytest.raises(ParameterError, match="d = 6"):
        compare(PATH, bad)
    with pytest.raises(ParameterError, match="two distinct"):
        convergence_study(PROBLEM, [10, 10.0])


def test_package_exports_the_compare_function():
    traj = synthetic(20.0, C / 20, 0.0)
    assert dlnsym.compare is compare
    assert dlnsym.compare(PATH, traj).max_jump_time_error == pytest.approx(0.7 / 20)


@pytest.mark.parametrize("ext", [".png", ".pdf", ".svg"])
def test_plot_convergence_writes_the_format_of_the_extension(tmp_path, ext):
    study = study_for(lambda lam: C / lam)
    out = plot_convergence(study, tmp_path / f"conv{ext}")
    head = out.read_bytes()[:8]
    assert {".png": b"\x89PNG", ".pdf": b"%PDF", ".svg": b"<?xml"}[ext] in head
    assert [p.name for p in tmp_path.iterdir()] == [f"conv{ext}"]  # no temporary left
    with pytest.raises(ParameterError, match="extension"):
        plot_convergence(study, tmp_path / "conv.jpg")


def test_plot_convergence_has_log_lambda_axes_and_mathtext_labels(tmp_path, monkeypatch):
    import dlnsym.plotting

    drawn = []
    save = dlnsym.plotting.save_figure

    def spy(fig, path):
        drawn.append(fig)
        return save(fig, path)

    monkeypatch.setattr(dlnsym.plotting, "save_figure", spy)
    study = study_for(lambda lam: C / lam)
    plot_convergence(study, tmp_path / "conv.png")
    (fig,) = drawn
    ax_jump, ax_plat = fig.axes[:2]
    for ax in (ax_jump, ax_plat):  # Λ spans decades on both panels, and so do the errors
        assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
        assert ax.get_xlabel() == r"$\Lambda = \ln(1/\alpha)$"
        assert ax.get_ylabel().endswith("$") and "$" in ax.get_title()
    assert ax_jump.get_ylabel() == r"$|\hat t_k - t_k|$"
    assert r"\beta_k" in ax_plat.get_ylabel()
    # one curve per jump plus the 1/Λ guide, drawn at the study's Λ
    lines = ax_jump.get_lines()
    assert len(lines) == len(C) + 1
    np.testing.assert_array_equal(lines[-1].get_xdata(), study.lambdas)
    assert lines[-1].get_label() == r"$\propto 1/\Lambda$"
    np.testing.assert_array_equal(ax_plat.get_lines()[0].get_ydata(), study.plateau_errors)


def test_plot_convergence_with_exact_plateaus_keeps_a_linear_error_axis(tmp_path, monkeypatch):
    """Plateau errors all 0 (nothing to draw on a log axis): said on the panel, no warning."""
    import warnings

    import dlnsym.plotting

    drawn = []
    save = dlnsym.plotting.save_figure
    monkeypatch.setattr(dlnsym.plotting, "save_figure",
                        lambda fig, path: drawn.append(fig) or save(fig, path))
    study = convergence_study(PROBLEM, [10.0, 100.0],
                              simulator=lambda p, lam, t_max: synthetic(lam, C * 0, 0.0))
    assert not study.plateau_errors.any() and not study.jump_time_errors.any()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        plot_convergence(study, tmp_path / "conv.png")
    ax_jump, ax_plat = drawn[0].axes[:2]
    assert ax_jump.get_yscale() == "log"  # the 1/Λ guide is still drawn
    assert ax_plat.get_xscale() == "log" and ax_plat.get_yscale() == "linear"
    assert "no positive plateau error" in ax_plat.texts[0].get_text()


def test_real_convergence_study_jump_times_go_like_one_over_lambda():
    """Mirror-flow simulations at moderate Λ: errors shrink like 1/Λ (docs/theory.md §4)."""
    study = convergence_study(PROBLEM.to_float(), [100.0, 300.0, 1000.0])
    assert study.first_order(tol=0.15), study.summary()
    # Λ·(t̂_k − t_k) settles to the constants c_k
    scaled = study.jump_time_errors * study.lambdas[:, None]
    np.testing.assert_allclose(scaled[-1], scaled[-2], rtol=0.15, atol=0.02)
    assert study.plateau_errors[-1] < 1e-6


# ------------------------------------------------------------------------ argument checks


@pytest.fixture(scope="module")
def real_trajectory():
    return dlnsym.simulate(PROBLEM, log_inv_alpha=100)


def test_wrong_arguments_raise_parameter_error_saying_what_was_expected(real_trajectory):
    tr = real_trajectory
    cases = [
        ((tr, PATH), {}, "swapped"),
        ((PROBLEM, tr), {}, "path must be a SaddlePath .* got Problem"),
        ((PATH, None), {}, "trajectory must be a Trajectory .* got NoneType"),
        ((PATH, tr), {"grid": -1}, "grid"),
        ((PATH, tr), {"grid": 2.5}, "grid"),
        ((PATH, tr), {"window": "x"}, "window"),
        ((PATH, tr), {"window": True}, "window"),
    ]
    for args, kwargs, fragment in cases:
        with pytest.raises(ParameterError, match=fragment):
            compare(*args, **kwargs)


def test_trajectory_without_samples(real_trajectory):
    """``simulate(…, at=[])`` keeps the run but no samples: with ``grid > 0`` it is measured
    by dense evaluation; with ``grid=0`` (or no ``at``) there is nothing to compare."""
    empty = dlnsym.simulate(PROBLEM, log_inv_alpha=100, at=[])
    assert empty.t.size == 0
    with pytest.raises(ParameterError, match="no samples"):
        compare(PATH, empty, grid=0)
    dense = compare(PATH, empty)
    assert np.isfinite(dense.plateau_errors).all()
    np.testing.assert_array_equal(dense.jump_times, compare(PATH, real_trajectory).jump_times)
    bare = synthetic(10.0, np.zeros(5), 0.0)
    bare.t, bare.beta = bare.t[:0], bare.beta[:0]
    with pytest.raises(ParameterError, match="no samples"):
        compare(PATH, bare)


def test_compare_of_a_real_trajectory_starts_at_the_initial_state(real_trajectory):
    """Every-step output includes t̃ = 0, where β = β₀ = 0 exactly (plateau 0 error there)."""
    assert real_trajectory.t[0] == 0
    assert compare(PATH, real_trajectory.at([0.0]), grid=0).plateau_errors[0] == 0.0
