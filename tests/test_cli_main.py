"""The ``dlnsym`` command as a whole, through a subprocess: ``python -m dlnsym``,
``--version``, option values that look like options, and CLI wording of errors."""

from __future__ import annotations

import json
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


# Each message names the CLI's options, not the Python arguments behind them.
@pytest.mark.parametrize(
    ("args", "fragments", "python_words"),
    [
        (["simulate", "--example", "A", "--log-inv-alpha", "1e13"],
         ["beyond the float64 path", "--dps 20"], ["dps=20", "pass dps"]),
        (["saddles", "--example", "A", "--max-saddles", "2"],
         ["within --max-saddles 2 jumps", "pass a larger --max-saddles"], ["max_saddles"]),
        (["saddles", "--example", "A", "--exact", "--max-digits", "2"],
         ["--max-digits 2", "drop --exact"], ["max_digits", "exact=False"]),
        (["saddles", "--example", "A", "--max-saddles", "0"], ["--max-saddles must be"],
         ["max_saddles"]),
        (["saddles", "--example", "A", "--init-shape", "a,b"],
         ["--init-shape has 2 entries", "d = 6", "6 comma-separated positive numbers"],
         ["[1, 2", "decimal string", "init_shape"]),
        (["saddles", "--example", "A", "--init-shape", "2"],
         ["--init-shape has 1 entry, but the problem has d = 6"], ["1 entries"]),
        (["saddles", "--example", "A", "--init-shape", "1,a,1,1,1,1"],
         ["--init-shape: 'a' (coordinate 1) is not a number", "comma-separated"],
         ["[1, 2", "init_shape"]),
        (["simulate", "--example", "A", "--log-inv-alpha", "10", "--init-shape",
          "1,1,0,1,1,1"], ["--init-shape: '0' (coordinate 2) is not a positive"],
         ["init_shape"]),
        (["simulate", "--example", "A", "--log-inv-alpha", "-5"],
         ["--log-inv-alpha (Λ = ln 1/α) must be a positive", "'-5'"], ["log_inv_alpha"]),
        (["gd", "--example", "A", "--log-inv-alpha", "0", "--step-size", "0.1", "--steps", "1"],
         ["--log-inv-alpha = ln(1/α) must be positive"], ["log_inv_alpha"]),
        (["gd", "--example", "A", "--alpha", "2", "--step-size", "0.1", "--steps", "1"],
         ["--alpha must lie in (0, 1)"], []),
        (["gd", "--example", "A", "--log-inv-alpha", "5", "--step-size", "0", "--steps", "1"],
         ["--step-size (γ) must be a positive"], ["step_size"]),
        (["gd", "--example", "A", "--log-inv-alpha", "5", "--step-size", "1.6", "--steps",
          "100"], ["diverged", "use a smaller --step-size"], ["step_size"]),
        (["explore", "--conjecture", "min-l1-endpoint", "--max-d", "0"],
         ["--max-d must be a positive"], ["max_d"]),
    ],
)
def test_messages_use_option_names(args: list[str], fragments: list[str],
                                   python_words: list[str]) -> None:
    proc = run_cli(*args)
    assert_one_line_error(proc, *fragments)
    for word in python_words:
        assert word not in proc.stderr, (word, proc.stderr)


@pytest.mark.parametrize(
    ("args", "option", "value"),
    [
        (["simulate", "--example", "A"], "--log-inv-alpha", "nan"),
        (["simulate", "--example", "A"], "--log-inv-alpha", "inf"),
        (["simulate", "--example", "A"], "--log-inv-alpha", "-inf"),
        (["simulate", "--example", "A"], "--log-inv-alpha", "abc"),
        (["gd", "--example", "A", "--step-size", "0.1", "--steps", "1"], "--alpha", "nan"),
        (["gd", "--example", "A", "--step-size", "0.1", "--steps", "1"], "--log-inv-alpha",
         "inf"),
        (["gd", "--example", "A", "--alpha", "0.5", "--steps", "1"], "--step-size", "NaN"),
    ],
)
def test_non_finite_values_are_refused_by_the_cli(args: list[str], option: str,
                                                  value: str) -> None:
    """NaN is not "Λ ≤ 0": the CLI says what the option takes."""
    proc = run_cli(*args, option, value)
    assert_one_line_error(proc, f"argument {option}: must be ", f"got '{value}'")
    assert "≤ 0" not in proc.stderr


def test_huge_values_are_left_to_the_library() -> None:
    """Λ = 1e400 is finite (only not a float64): the library's range check answers."""
    proc = run_cli("simulate", "--example", "A", "--log-inv-alpha", "1e400", "--dps", "20")
    assert_one_line_error(proc, "beyond the mp path")


@pytest.mark.parametrize(
    ("args", "option_value", "what"),
    [
        (["simulate", "--example", "A", "--log-inv-alpha", "10", "--quiet"],
         ["--plot", "MISSING/x.png"], "the figure"),
        (["gd", "--example", "A", "--log-inv-alpha", "10", "--step-size", "0.1", "--steps", "3"],
         ["--out", "MISSING/x.json"], "the trajectory"),
        (["gd", "--example", "A", "--log-inv-alpha", "10", "--step-size", "0.1", "--steps", "3"],
         ["--plot", "MISSING/x.png"], "the figure"),
        (["figure", "--example", "A", "--kind", "active-sets"], ["-o", "MISSING/x.png"],
         "the figure"),
        (["demo", "--quiet"], ["--out", "MISSING/figures"], "the figures to"),
        (["sweep", "SPEC"], ["--out", "MISSING/r.parquet"], "the results"),
    ],
)
def test_output_in_a_missing_directory_is_refused(tmp_path, args: list[str],
                                                  option_value: list[str], what: str) -> None:
    """Nothing is created: a mistyped directory is an error, not a new directory."""
    missing = tmp_path / "no_such_dir"
    option, value = option_value[0], option_value[1].replace("MISSING", str(missing))
    args = [str(tmp_path / "spec.toml") if a == "SPEC" else a for a in args]
    proc = run_cli(*args, option, value)
    assert_one_line_error(proc, f"cannot write {what} {value!r}", f"'{missing}' does not exist")
    assert not missing.exists()
    assert proc.stdout == ""


def test_check_quick_help_says_what_it_runs():
    """--quick keeps example A, and for orthogonal-lasso one orthogonal design (as a run with
    --quick reports), not "only example A"."""
    text = " ".join(run_cli("check", "--help").stdout.split())
    assert "example A (orthogonal-lasso: one orthogonal design, d = 6)" in text
    assert "only example A" not in text
    proc = run_cli("check", "--quick", "--only", "orthogonal-lasso", "--json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)[0]["instances"] == ["orthogonal d=6 seed=0"]


def test_quoted_names_keep_their_underscores(tmp_path) -> None:
    """A file called t_max.csv is not the option --t-max."""
    missing = tmp_path / "t_max.csv"
    proc = run_cli("saddles", str(missing))
    assert_one_line_error(proc, repr(str(missing)))
    assert "--t-max" not in proc.stderr
