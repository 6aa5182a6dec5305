"""``dlnsym.plotting`` (issue 6, item 1): the figures, their notation, palette and output."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.colors import to_hex

from dlnsym.errors import ParameterError
from dlnsym.plotting import (
    PALETTE,
    coordinate_color,
    figure_format,
    plot_active_sets,
    plot_convergence,
    plot_figure1,
    plot_saddle_path,
    relevant_coordinates,
    save_figure,
    simulate_figure1,
)
from dlnsym.problems import as_problem, example
from dlnsym.saddle_path import saddle_path
from dlnsym.simulate import simulate

OKABE_ITO = {"#0072b2", "#e69f00", "#009e73", "#d55e00", "#cc79a7", "#56b4e9", "#f0e442",
             "#000000"}
MAGIC = {"png": b"\x89PNG", "pdf": b"%PDF"}


@pytest.fixture(scope="module")
def path_A():
    return saddle_path(example("A"))


@pytest.fixture(scope="module")
def runs_A():
    """Two short simulations of example A (past the first two jumps)."""
    return [simulate(example("A"), log_inv_alpha=lam, t_max=2.0) for lam in (10, 40)]


def test_palette_is_okabe_ito_and_coordinates_skip_black():
    assert {c.lower() for c in PALETTE} == OKABE_ITO
    colours = [coordinate_color(r) for r in range(7)]
    assert len(set(colours)) == 7 and "#000000" not in colours
    assert coordinate_color(7) == coordinate_color(0)


@pytest.mark.parametrize("ext", ["png", "pdf", "svg", "PNG"])
def test_save_figure_by_extension(tmp_path, path_A, ext):
    target = save_figure(plot_saddle_path(path_A), tmp_path / "sub" / f"fig.{ext}")
    data = target.read_bytes()
    fmt = ext.lower()
    assert data.startswith(MAGIC[fmt]) if fmt in MAGIC else b"<svg" in data[:2000]
    assert [p.name for p in target.parent.iterdir()] == [target.name]  # no temporary left


@pytest.mark.parametrize("name", ["fig.jpg", "fig", "fig.png.txt"])
def test_unknown_extension_says_what_to_do(tmp_path, path_A, name):
    with pytest.raises(ParameterError, match=r"\.pdf, \.png, \.svg"):
        save_figure(plot_saddle_path(path_A), tmp_path / name)
    assert not any(tmp_path.iterdir())
    with pytest.raises(ParameterError):
        figure_format(name)


def test_relevant_coordinates_of_example_A(path_A, runs_A):
    # ∫|β°_i| dt̃ over [0, 1.15·t₅]: β₃ ≈ 0.91 × 6.3 + 0.63 × 1.5 ≈ 6.7, β₀ ≈ 0.6 × 10.7,
    # β₄ ≈ 0.71 × 1.9, β₂ ≈ 0.81 × 1.5, β₁ ≈ 0.58 × 0.29; β₅ is never active
    assert relevant_coordinates(path_A) == [3, 0, 4]
    assert relevant_coordinates(path_A, 6, runs_A) == [3, 0, 4, 2, 1, 5]
    # up to t̃ = 2 only β₀, β₁ (0.58 × 0.29) and β₄ (0.71 × 0.22) have been active
    assert relevant_coordinates(path_A, 3, runs_A, t_end=2.0) == [0, 1, 4]
    with pytest.raises(ParameterError, match="count"):
        relevant_coordinates(path_A, 7)


def test_figure1_panels_notation_and_palette(path_A, runs_A):
    fig = plot_figure1(path_A, runs_A)
    ax_loss, ax_beta, ax_space = fig.axes
    assert ax_space.name == "3d"
    assert r"\tilde t" in ax_loss.get_xlabel() and r"\Lambda" in ax_loss.get_xlabel()
    assert "L(" in ax_loss.get_ylabel() and r"\beta_i" in ax_beta.get_ylabel()
    labels = [t.get_text() for t in ax_loss.get_legend().get_texts()]
    assert labels[:2] == [r"$\Lambda = 10$", r"$\Lambda = 40$"]  # sorted by Λ
    jump_labels = {t.get_text() for t in ax_loss.texts}
    assert jump_labels == {"$t_{1}$", "$t_{2}$", "$t_{3}$"}  # the jumps before t̃ = 2
    assert ax_loss.get_xlim() == (0, 2.0)
    # the right panel: three relevant coordinates, saddles marked and labelled
    assert {ax_space.get_xlabel(), ax_space.get_ylabel(), ax_space.get_zlabel()} == {
        r"$\beta_{0}$", r"$\beta_{1}$", r"$\beta_{4}$"}
    assert any(r"\beta_{1}" in t.get_text() for t in ax_space.texts)
    colours = {to_hex(line.get_color()) for ax in fig.axes for line in ax.get_lines()}
    assert colours <= OKABE_ITO | {to_hex("0.55")}  # palette, and grey jump markers


def test_figure1_in_two_and_one_dimensions():
    X = [[1.0, 0.5], [0.2, 1.0], [0.3, -0.4]]
    problem = as_problem(X, [1.0, -0.5, 0.2])
    path = saddle_path(problem)
    trajectory = simulate(problem, log_inv_alpha=20, t_max=1.2 * float(path.times[-1]))
    fig = plot_figure1(path, trajectory)
    assert fig.axes[2].name == "rectilinear" and fig.axes[2].get_ylabel() == r"$\beta_{1}$"
    fig = plot_figure1(path, trajectory, coordinates=[1])
    assert r"\tilde t" in fig.axes[2].get_xlabel()


def test_figure1_rejects_bad_input(path_A, runs_A):
    with pytest.raises(ParameterError, match="at least one"):
        plot_figure1(path_A, [])
    with pytest.raises(ParameterError, match="coordinates"):
        plot_figure1(path_A, runs_A[0], coordinates=[0, 6])
    with pytest.raises(ParameterError, match="coordinates"):
        plot_figure1(path_A, runs_A[0], coordinates=[0, 1, 2, 3])
    other = simulate(as_problem([[1.0, 2.0]], [1.0]), log_inv_alpha=5, t_max=0.5)
    with pytest.raises(ParameterError, match="same problem"):
        plot_figure1(path_A, other)


def test_active_sets_diagram_of_example_A(path_A):
    ax = plot_active_sets(path_A).axes[0]
    rows = [t.get_text() for t in ax.get_yticklabels()]
    assert rows == [rf"$\beta_{{{i}}}$" for i in range(5)]  # β₅ is never active
    # one bar per run of constant sign: every coordinate of example A has exactly one run
    assert len(ax.collections) == 5
    signs = sorted(t.get_text() for t in ax.texts if t.get_text() in "+−")
    assert signs == ["+", "−", "−", "−", "−"]
    bar_3 = ax.collections[3].get_segments()[0]
    assert np.allclose(bar_3[:, 0], [float(path_A.times[4]), 1.15 * float(path_A.times[5])])
    assert {to_hex(c) for coll in ax.collections for c in coll.get_colors()} == {
        PALETTE[0].lower(), PALETTE[3].lower()}


def test_saddle_path_plot_needs_t_end_past_last_jump(path_A):
    with pytest.raises(ParameterError, match="last jump"):
        plot_saddle_path(path_A, t_end=5.0)


def test_convergence_plot_uses_the_palette(tmp_path, runs_A):
    from dlnsym.compare import convergence_study

    runs = {float(tr.log_inv_alpha): tr for tr in runs_A}
    study = convergence_study(example("A"), list(runs), t_max=2.0,
                              simulator=lambda problem, lam, t_max: runs[lam])
    target = plot_convergence(study, tmp_path / "conv.svg")
    svg = target.read_text()
    assert PALETTE[0].lower() in svg.lower() and PALETTE[1].lower() in svg.lower()
    with pytest.raises(ParameterError, match="extensions"):
        plot_convergence(study, tmp_path / "conv.eps")


def test_simulate_figure1_as_the_demo_calls_it(tmp_path, path_A):
    fig = simulate_figure1(example("A"), (8, 40), path=path_A, samples=101)
    ax_loss = fig.axes[0]
    curves = [line for line in ax_loss.get_lines() if len(line.get_xdata()) == 101]
    assert len(curves) == 2  # one loss curve per Λ, on the uniform grid
    assert ax_loss.get_xlim() == (0, pytest.approx(1.15 * float(path_A.times[-1])))
    assert save_figure(fig, tmp_path / "figure1.png").stat().st_size > 10_000
