"""``dlnsym gd`` text output through a subprocess: the summary line, fixed columns without
negative zeros, and the note when jumps went undetected."""

from __future__ import annotations

import json
import math
import re

from .conftest import run_cli

_NEGATIVE_ZERO = re.compile(r"^-0(\.0*)?(e[+-]?0+)?$")


def test_table_has_a_summary_and_no_negative_zeros() -> None:
    """At Λ = 1e12 the first steps leave β = −0.0 in float64 (u·v underflows), as the JSON
    output shows; the table prints 0."""
    args = ("gd", "--example", "A", "--log-inv-alpha", "1e12", "--step-size", "0.01",
            "--steps", "3")
    doc = json.loads(run_cli(*args, "--json").stdout)
    assert any(v == 0 and math.copysign(1, v) < 0 for v in doc["beta"][1])
    proc = run_cli(*args)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == ("example A: n = 3, d = 6, Λ = 1e+12, γ = 0.01, float64 in "
                        "log-coordinates, 3 steps (4 recorded) on t̃ ∈ [0, 3e-14], "
                        "0 jumps detected")  # t̃ = 3·0.01/1e12
    assert lines[1].split() == ["k", "t̃", "loss", *(f"β[{i}]" for i in range(6))]
    rows = [line.split() for line in lines[2:6]]
    assert [row[:2] for row in rows] == [["0", "0"], ["1", "1e-14"], ["2", "2e-14"],
                                         ["3", "3e-14"]]
    for row in rows:
        assert not any(_NEGATIVE_ZERO.match(cell) for cell in row), row
    assert "GDTrajectory(" not in proc.stdout
    assert proc.stdout.count("not detected") == 5
    assert proc.stderr == ""  # the run ends before t_1 = 0.754: no jump was expected


def test_mp_values_below_the_float_range_keep_their_exponent() -> None:
    """α = 1e-1000: β_i = u_i·v_i ≈ 2α²·(γ·c_i) after one step, far below float64."""
    proc = run_cli("gd", "--example", "A", "--alpha", "1e-1000", "--step-size", "0.5",
                   "--steps", "1", "--dps", "20")
    assert proc.returncode == 0, proc.stderr
    assert "mpmath at 20 digits" in proc.stdout.splitlines()[0]
    step_1 = proc.stdout.splitlines()[3].split()
    assert step_1[0] == "1" and all(cell.endswith(("e-2000", "e-2001")) for cell in step_1[3:])


def test_undetected_jumps_get_a_note() -> None:
    """Λ = 1e-300 (α ≈ 1): no plateaus; the run succeeds with a one-line note."""
    proc = run_cli("gd", "--example", "A", "--log-inv-alpha", "1e-300", "--step-size", "0.1",
                   "--steps", "10")
    assert proc.returncode == 0, proc.stderr
    note = proc.stderr.strip().splitlines()
    assert len(note) == 1 and note[0].startswith("dlnsym gd: note: ")
    assert "of the 5 jumps of Algorithm 1" in note[0] and "--log-inv-alpha" in note[0]
