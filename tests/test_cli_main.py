"""The ``dlnsym`` command as a whole, through a subprocess: ``python -m dlnsym``,
``--version``, option values that look like options, and CLI wording of errors."""

from __future__ import annotations

import subprocess
import sys

import pytest

from .conftest import assert_one_line_error, run_cli


def test_python_dash_m_dlnsym_runs_the_cli() -> None:
    proc = subprocess.run([sys.executable, "-m", "dlnsym", "--help"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("usage: dlnsym ")
    for command in ("saddles", "simulate", "gd", "check"):
        assert command in proc.stdout
    proc = subprocess.run([sys.executable, "-m", "dlnsym", "saddles", "--example", "A",
                           "--exact", "--json"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert '"13971921800/1399630519"' in proc.stdout  # t_5 of example A, docs/theory.md §5


def test_version() -> None:
    proc = run_cli("--version")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "dlnsym 0.1.0\n"  # pyproject.toml's version


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["simulate", "--example", "A", "--log-inv-alpha", "-1e3"], ["positive", "'-1e3'"]),
        (["simulate", "--example", "A", "--log-inv-alpha", "-1E+3"], ["positive", "'-1E+3'"]),
        (["simulate", "--example", "A", "--log-inv-alpha", "-.5e1"], ["positive", "'-.5e1'"]),
        (["simulate", "--example", "A", "--log-inv-alpha", "10", "--t-max", "-2e0"],
         ["--t-max", "positive", "'-2e0'"]),
        (["gd", "--example", "A", "--alpha", "-1e-3", "--step-size", "0.1", "--steps", "1"],
         ["(0, 1)", "'-1e-3'"]),
        (["gd", "--example", "A", "--alpha", "0.5", "--step-size", "-1e-2", "--steps", "1"],
         ["positive", "'-1e-2'"]),
        (["figure", "--example", "A", "-o", "x.png", "--log-inv-alpha", "-1e3"],
         ["--log-inv-alpha", "positive", "'-1e3'"]),
        (["saddles", "--example", "A", "--init-shape", "-1,2,3,4,5,6"], ["--init-shape"]),
    ],
)
def test_negative_numbers_in_any_notation_reach_the_check_of_the_value(
        args: list[str], fragments: list[str]) -> None:
    """argparse would read ``-1e3`` as an option ("expected one argument")."""
    proc = run_cli(*args)
    assert_one_line_error(proc, *fragments)
    assert "expected one argument" not in proc.stderr


def test_an_option_after_an_option_is_still_a_missing_value() -> None:
    assert_one_line_error(run_cli("simulate", "--example", "A", "--log-inv-alpha", "-x"),
                          "--log-inv-alpha", "expected one argument")
