"""Exact mode never dies of its own numbers: rationals of any size print in full (JSON and
table), the table reports their size, and a size budget ends a run with one line that
suggests the float path.

The decimal CSV is generated here (Gaussian, 30 × 100, 7 decimals, like a user's data):
its jump times reach rationals of more than 4300 digits, Python's default limit for
int-to-str conversion.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from flint import fmpq

from dlnsym import saddle_path
from dlnsym.errors import ExactBudgetError, ParameterError
from dlnsym.problems import example
from dlnsym.saddle_path import _digits

from .conftest import assert_one_line_error, run_cli


def _write_decimal_csv(path, n=30, d=100, seed=2, decimals=7):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    w = np.zeros(d)
    w[:5] = 1.0
    y = X @ w + 0.1 * rng.standard_normal(n)
    rows = [[f"{v:.{decimals}f}" for v in (*X[i], y[i])] for i in range(n)]
    path.write_text(",".join([*(f"x{j}" for j in range(d)), "y"]) + "\n"
                    + "".join(",".join(r) + "\n" for r in rows))
    return rows


@pytest.fixture(scope="module")
def decimal_csv(tmp_path_factory):
    path = tmp_path_factory.mktemp("csv") / "gaussian.csv"
    return path, _write_decimal_csv(path)


def _rational(text: str) -> fmpq:
    """Parse ``"p/q"`` of any length (``int(str)`` refuses beyond 4300 digits)."""
    return fmpq(*map(_fmpz, text.split("/"))) if "/" in text else fmpq(_fmpz(text))


def _fmpz(text: str):
    from flint import fmpz

    return fmpz(text)


def test_json_prints_huge_rationals_exactly(decimal_csv):
    """``saddles --exact --json`` on the decimal CSV: the numbers are complete (beyond 4300
    digits), and exact: the last saddle interpolates the data exactly, ``Xβ_K = y``, checked
    here in rational arithmetic from the CSV's decimals."""
    import json

    path, rows = decimal_csv
    proc = run_cli("saddles", str(path), "--exact", "--json")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert max(len(part) for t in out["times"] for part in t.split("/")) > 4300
    assert out["losses"][-1] == "0"
    beta = [_rational(v) for v in out["saddles"][-1]]
    for r in rows:
        x = [fmpq(Fraction(v).numerator, Fraction(v).denominator) for v in r]
        assert sum((a * b for a, b in zip(x[:-1], beta, strict=True)), fmpq(0)) == x[-1]


def test_table_prints_huge_rationals_and_their_size(decimal_csv):
    """The table prints the same rationals in full and, per saddle, the digits of the
    largest denominator (checked against the JSON's strings, counted here)."""
    import json

    path, _ = decimal_csv
    table = run_cli("saddles", str(path), "--exact")
    assert table.returncode == 0, table.stderr
    out = json.loads(run_cli("saddles", str(path), "--exact", "--json").stdout)
    lines = table.stdout.splitlines()
    assert "denominator digits" in lines[1]
    rows = lines[2:]
    assert len(rows) == len(out["times"])
    for k, row in enumerate(rows):
        fields = row.split()
        assert fields[0] == str(k) and fields[1] == out["times"][k]
        numbers = [out["times"][k], out["losses"][k], *out["saddles"][k], *out["duals"][k]]
        largest = max(len(v.split("/")[1]) if "/" in v else 1 for v in numbers)
        assert fields[-1] == str(largest)


def test_budget_is_a_one_line_error_that_suggests_the_float_path(decimal_csv):
    path, _ = decimal_csv
    proc = run_cli("saddles", str(path), "--exact", "--max-digits", "200")
    assert_one_line_error(proc, "max_digits = 200", "decimal digits", "drop --exact")
    assert run_cli("saddles", str(path)).returncode == 0  # the float path it suggests


def test_budget_in_the_library():
    """Example A's t_1 = 150/199 has 3 digits: a budget of 2 stops at jump 1."""
    with pytest.raises(ExactBudgetError, match=r"stopped at jump 1 .*max_digits = 2.*"
                                               r"exact=False") as info:
        saddle_path(example("A"), max_digits=2)
    assert info.value.digits >= 3
    assert saddle_path(example("A"), max_digits=40).n_jumps == 5
    assert saddle_path(example("A", exact=False), max_digits=1).n_jumps == 5  # float: unused
    for bad in (0, -3, 2.5, True, "10"):
        with pytest.raises(ParameterError, match="max_digits"):
            saddle_path(example("A"), max_digits=bad)


@pytest.mark.parametrize("k", [1, 2, 9, 10, 11, 99, 4300, 4301])
def test_digit_count(k):
    for m in (10 ** (k - 1), 10**k - 1, -(10**k - 1), 3 * 10 ** (k - 1)):
        assert _digits(m) == k
