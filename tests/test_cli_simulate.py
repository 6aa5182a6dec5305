"""``dlnsym simulate``: JSON output, default t-max, plots, one-line errors."""

from __future__ import annotations

import json
import math
import re

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


# ------------------------------------------------------------------------- text output

_NEGATIVE_ZERO = re.compile(r"^-0(\.0*)?(e[+-]?0+)?$")


def _rows(stdout: str, header_start: str) -> tuple[list[str], list[list[str]]]:
    """The header fields and the data rows of the sample table (up to the jump table)."""
    lines = stdout.splitlines()
    first = next(i for i, line in enumerate(lines) if line.split()[0] == header_start)
    end = next(i for i, line in enumerate(lines) if line.split()[0] == "k" and i > first)
    return lines[first].split(), [line.split() for line in lines[first + 1:end]]


def test_table_is_one_summary_line_then_fixed_columns() -> None:
    proc = run_cli("simulate", "--example", "A", "--log-inv-alpha", "100",
                   "--at", "0,0.5,1,2,5,11")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == ("example A: n = 3, d = 6, Λ = 100, float64, 6 samples on "
                        "t̃ ∈ [0, 11.9791], 5 jumps detected")  # 1.2·t₅, docs/theory.md §5
    header, rows = _rows(proc.stdout, "t̃")
    assert header == ["t̃", "loss", *(f"β[{i}]" for i in range(6))]
    assert [row[0] for row in rows] == ["0", "0.5", "1", "2", "5", "11"]
    assert rows[0][1:] == ["0.643333"] + ["0"] * 6  # L(0) = 193/300, β(0) = 0
    for row in rows:
        assert len(row) == 8
        assert not any(_NEGATIVE_ZERO.match(cell) for cell in row), row
        [float(cell) for cell in row]  # every cell is a plain number
    table = lines[1:1 + 1 + len(rows)]
    assert len({len(line) for line in table[1:]}) == 1  # right-aligned, fixed widths
    assert "Trajectory(" not in proc.stdout and "[" not in "".join(" ".join(r) for r in rows)


def test_negative_zeros_print_as_zero() -> None:
    args = ("simulate", "--example", "A", "--log-inv-alpha", "1e4", "--at", "0,0.1")
    doc = json.loads(run_cli(*args, "--json").stdout)
    assert any(v == 0 and math.copysign(1, v) < 0 for v in doc["beta"][1])  # −0.0 in the data
    _, rows = _rows(run_cli(*args).stdout, "t̃")
    assert rows[1][2:] == ["0"] * 6


def _orthogonal_csv(path, beta_star: dict[int, float], d: int) -> None:  # noqa: ANN001
    """X = I (n = d): H is diagonal, the coordinates decouple, those with y_i = 0 stay 0 and
    the others go to β*_i = y_i."""
    header = ",".join([f"x{j}" for j in range(d)] + ["y"])
    rows = [",".join(["1" if j == i else "0" for j in range(d)] + [str(beta_star.get(i, 0))])
            for i in range(d)]
    path.write_text("\n".join([header, *rows]) + "\n")


def test_wide_problem_shows_the_support(tmp_path) -> None:  # noqa: ANN001
    data = tmp_path / "wide.csv"
    beta_star = {3: 1.5, 17: -2.0, 40: 0.75}
    _orthogonal_csv(data, beta_star, 50)
    proc = run_cli("simulate", str(data), "--log-inv-alpha", "100")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("wide: n = 50, d = 50, Λ = 100, float64, ")
    assert lines[0].endswith(", 3 jumps detected")
    assert lines[1].startswith("β: 3 of 50 coordinates shown, those with |β_i| ≥ ")
    assert "--json prints all" in lines[1]
    header, rows = _rows(proc.stdout, "t̃")
    assert header == ["t̃", "loss", "β[3]", "β[17]", "β[40]"]
    final = [float(v) for v in rows[-1][2:]]
    np.testing.assert_allclose(final, list(beta_star.values()), rtol=1e-2)
    assert max(len(line) for line in lines) < 100
    doc = json.loads(run_cli("simulate", str(data), "--log-inv-alpha", "100", "--json").stdout)
    assert len(doc["beta"][-1]) == 50


def test_wide_support_shows_the_largest_coordinates(tmp_path) -> None:  # noqa: ANN001
    data = tmp_path / "wider.csv"
    sizes = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]  # the two smallest left out
    coordinates = [1, 4, 6, 9, 11, 12, 14, 17, 18, 19]
    _orthogonal_csv(data, dict(zip(coordinates, sizes, strict=True)), 20)
    proc = run_cli("simulate", str(data), "--log-inv-alpha", "100", "--t-max", "1000")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[1].startswith(
        "β: 8 of 20 coordinates shown, the 8 largest of the 10 with |β_i| ≥ ")
    header, _ = _rows(proc.stdout, "t̃")
    assert header[2:] == [f"β[{i}]" for i in coordinates[2:]]


def test_tiny_log_inv_alpha_says_no_jump_was_detected() -> None:
    """Λ = 1e-300: t = Λ·t̃ stays tiny, β does not move, no plateau forms; the run succeeds
    with a note rather than a silent column of NaN."""
    proc = run_cli("simulate", "--example", "A", "--log-inv-alpha", "1e-300")
    assert proc.returncode == 0, proc.stderr
    note = proc.stderr.strip().splitlines()
    assert len(note) == 1 and note[0].startswith(
        "dlnsym simulate: note: 0 of the 5 jumps of Algorithm 1 up to t̃ = 11.9791 detected")
    assert "--log-inv-alpha" in note[0]
    assert proc.stdout.count("not detected") == 5 and "nan" not in proc.stdout
    assert proc.stdout.splitlines()[0].endswith(", 0 jumps detected")


def test_partly_detected_jumps_are_counted_in_the_note() -> None:
    """Λ = 0.01: the loss crosses only some plateau midpoints (it is smooth, not a staircase)."""
    proc = run_cli("simulate", "--example", "A", "--log-inv-alpha", "0.01", "--json")
    assert proc.returncode == 0, proc.stderr
    found = len(json.loads(proc.stdout)["jump_times"])
    assert 0 < found < 5
    assert f"note: {found} of the 5 jumps" in proc.stderr
