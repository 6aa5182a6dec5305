"""``dlnsym simulate``: JSON output, default t-max, plots, one-line errors."""

from __future__ import annotations

import json

import numpy as np
import pytest

from .conftest import assert_one_line_error, run_cli

T1 = 150 / 199
T5 = 13971921800 / 1399630519  # last jump of example A (docs/theory.md §5)


def test_json_at_times() -> None:
    proc = run_cli("simulate", "--example", "A", "--log-inv-alpha", "1e4",
                   "--at", "0.5,1.1,0.9", "--json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["log_inv_alpha"] == 1e4
    assert doc["t"] == [0.5, 1.1, 0.9]
    beta = np.array(doc["beta"])
    assert beta.shape == (3, 6)
    assert beta[1, 0] == pytest.approx(199 / 394, abs=1e-6)  # first plateau, docs/theory.md §5
    assert doc["loss"][0] == pytest.approx(193 / 300, abs=1e-12)
    # default t-max = 1.2 × t₅: every jump detected, each within O(1/Λ) of the limit
    assert len(doc["jump_times"]) == 5
    assert doc["jump_times"][0] == pytest.approx(T1, abs=1e-3)
    assert doc["t_end"] == pytest.approx(1.2 * T5)
    assert proc.stderr == ""  # no progress bar when stderr is not a terminal


def test_mp_json_and_plot(tmp_path) -> None:  # noqa: ANN001 - pytest fixture
    png = tmp_path / "sim.png"
    proc = run_cli("simulate", "--example", "A", "--log-inv-alpha", "1e6", "--dps", "16",
                   "--t-max", "0.8", "--at", "0.4,0.8", "--json", "--plot", str(png))
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["dps"] == 16 and isinstance(doc["beta"][0][0], str)
    assert float(doc["beta"][1][0]) == pytest.approx(199 / 394, abs=1e-9)
    assert png.stat().st_size > 1000


def test_table_output() -> None:
    proc = run_cli("simulate", "--example", "A", "--log-inv-alpha", "100", "--t-max", "1",
                   "--quiet")
    assert proc.returncode == 0, proc.stderr
    assert "t_k (limit)" in proc.stdout and "0.75376884" in proc.stdout


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--log-inv-alpha", "0"], "positive"),
        (["--log-inv-alpha", "-5"], "positive"),
        (["--log-inv-alpha", "10", "--dps", "14"], "dps"),
        (["--log-inv-alpha", "10", "--t-max", "0"], "t-max"),
        (["--log-inv-alpha", "10", "--t-max", "1", "--at", "2"], "outside"),
        (["--log-inv-alpha", "10", "--at", "-1"], "outside"),
    ],
)
def test_errors_are_one_line(args: list[str], fragment: str) -> None:
    assert_one_line_error(run_cli("simulate", "--example", "A", *args), fragment)


@pytest.mark.parametrize(
    ("plot", "fragments"),
    [
        ("out.jpg", ["'out.jpg'", ".png"]),
        ("/proc/p.png", ["'/proc/p.png'", "not writable"]),
        ("", ["empty path"]),
    ],
)
def test_plot_is_checked_before_anything_is_computed(tmp_path, plot: str,
                                                     fragments: list[str]) -> None:
    """The bad --plot is reported first, before even the data file is read."""
    proc = run_cli("simulate", str(tmp_path / "no_such.csv"), "--log-inv-alpha", "1e6",
                   "--dps", "40", "--json", "--plot", plot)
    assert_one_line_error(proc, "dlnsym simulate: error:", *fragments)
    assert "no_such" not in proc.stderr and ".tmp" not in proc.stderr
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--at", ""], "--at"),
        (["--at", "1,x"], "--at"),
        (["--t-max", "inf"], "--t-max"),
        (["--t-max", "nan"], "--t-max"),
    ],
)
def test_bad_option_values_are_usage_errors(args: list[str], fragment: str) -> None:
    proc = run_cli("simulate", "--example", "A", "--log-inv-alpha", "10", *args)
    assert_one_line_error(proc, "dlnsym simulate: error: argument", fragment)


def test_zero_target_asks_for_t_max(tmp_path) -> None:  # noqa: ANN001 - pytest fixture
    data = tmp_path / "zeroy.csv"
    data.write_text("x0,x1,y\n1,2,0\n3,4,0\n")
    proc = run_cli("simulate", str(data), "--log-inv-alpha", "10")
    assert_one_line_error(proc, "∇L(0) = 0", "give --t-max")
    assert "got 0.0" not in proc.stderr
    proc = run_cli("simulate", str(data), "--log-inv-alpha", "10", "--t-max", "1", "--json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["beta"][-1] == [0.0, 0.0]


def test_dependent_columns_need_algorithm_1_only_for_the_defaults(tmp_path) -> None:  # noqa: ANN001
    """As the API: with --t-max the flow is simulated (no limit to compare); without it, or
    with --plot, the message says what Algorithm 1 was needed for."""
    data = tmp_path / "dupcol.csv"
    data.write_text("x0,x1,y\n1,1,1\n2,2,0\n3,3,1\n")
    proc = run_cli("simulate", str(data), "--log-inv-alpha", "10", "--t-max", "2", "--json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["t_end"] == 2 and doc["jump_times"] == []
    np.testing.assert_allclose(doc["beta"][-1][0], doc["beta"][-1][1])
    table = run_cli("simulate", str(data), "--log-inv-alpha", "10", "--t-max", "2")
    assert table.returncode == 0 and "Algorithm 1 is undefined" in table.stdout
    assert_one_line_error(run_cli("simulate", str(data), "--log-inv-alpha", "10"),
                          "linearly dependent", "default --t-max")
    assert_one_line_error(run_cli("simulate", str(data), "--log-inv-alpha", "10", "--t-max",
                                  "2", "--plot", str(tmp_path / "p.png")),
                          "linearly dependent", "--plot")
