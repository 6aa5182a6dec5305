"""Exact mode never dies of its own numbers: rationals of any size print in full in JSON,
the text table abbreviates the wide ones and reports their size, and a size budget ends a run
with one line that suggests the float path.

The decimal CSV is generated here (Gaussian, 30 × 100, 7 decimals, like a user's data):
its jump times reach rationals of more than 4300 digits, Python's default limit for
int-to-str conversion.
"""

from __future__ import annotations

import re
from fractions import Fraction

import mpmath
import numpy as np
import pytest
from flint import fmpq

from dlnsym import saddle_path
from dlnsym.errors import ExactBudgetError, ParameterError
from dlnsym.problems import as_problem, example, read_problem
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


def _abbreviation_of(text: str) -> tuple[mpmath.mpf, str]:
    """The value of ``"p/q"`` to 20 digits, from the leading 25 digits of p and q and their
    lengths (``int`` refuses strings beyond 4300 digits), and the digit counts the table
    should show for it, counted on the strings."""
    p, q = text.split("/") if "/" in text else (text, "1")
    digits_p, digits_q = len(p.lstrip("-")), len(q)

    def leading(s: str, n: int) -> mpmath.mpf:  # s ≈ (its first 25 digits)·10^(n − 25)
        return mpmath.mpf(s[:25]) * mpmath.mpf(10) ** (n - min(n, 25))

    with mpmath.workdps(30):
        value = leading(p, digits_p) / leading(q, digits_q)
    return value, f"(p/q: {digits_p}/{digits_q} digits)"


def test_table_abbreviates_huge_rationals_and_prints_their_size(decimal_csv):
    """The table prints short rationals in full and wide ones (over 40 characters) as
    ``≈value (p/q: digits/digits digits)``; per saddle, the digits of the largest denominator.
    Checked against the JSON's strings (exact), counted and evaluated here."""
    import json

    path, _ = decimal_csv
    table = run_cli("saddles", str(path), "--exact")
    assert table.returncode == 0, table.stderr
    out = json.loads(run_cli("saddles", str(path), "--exact", "--json").stdout)
    lines = table.stdout.splitlines()
    assert "denominator digits" in lines[1]
    rows = lines[2:]
    assert len(rows) == len(out["times"])
    assert max(len(t) for t in out["times"]) > 4300
    abbreviated = 0
    for k, row in enumerate(rows):
        fields = re.split(r"\s{2,}", row)
        assert fields[0] == str(k) and len(fields[1]) <= 45 and len(fields[3]) <= 45
        t = out["times"][k]
        if len(t) <= 40:
            assert fields[1] == t
        else:
            abbreviated += 1
            value, digits = _abbreviation_of(t)
            approx, _, shown = fields[1].partition(" ")
            assert approx.startswith("≈") and shown == digits
            assert abs(mpmath.mpf(approx[1:]) - value) <= 1e-3 * abs(value)
        numbers = [out["times"][k], out["losses"][k], *out["saddles"][k], *out["duals"][k]]
        largest = max(len(v.split("/")[1]) if "/" in v else 1 for v in numbers)
        assert fields[-1] == str(largest)
    assert abbreviated > 0


def test_the_table_abbreviates_a_huge_value_read_exactly_from_a_csv(tmp_path):
    """One cell of 1e400, read exactly: L(0) = (10⁴⁰⁰)²/2 = 5·10⁷⁹⁹ (800 digits), t₁ =
    1/‖c‖∞ = 10⁻⁴⁰⁰ (a denominator of 401 digits); the table stays narrow, the JSON exact."""
    f = tmp_path / "huge.csv"
    f.write_text("x0,y\n1,1e400\n")
    path = saddle_path(read_problem(f, exact=True))
    assert path.table().splitlines() == [
        "k  t_k                              active set  L(β_k)                           "
        "denominator digits",
        "0  0                                ∅           ≈5.000e+799 (p/q: 800/1 digits)  1",
        "1  ≈1.000e-400 (p/q: 1/401 digits)  +0          0                                401",
    ]
    doc = path.to_dict()
    assert doc["times"][1] == "1/1" + "0" * 400 and doc["losses"][0] == "5" + "0" * 799
    full = path.table(max_width=None)
    assert "1/1" + "0" * 400 in full and "5" + "0" * 799 in full
    # L(0) prints as 800 characters, t₁ as 403: max_width 799 abbreviates L(0) only
    assert path.table(max_width=799).count("≈") == 1 and "≈" not in path.table(max_width=800)


@pytest.mark.parametrize("bad", [0, -1, 2.5, True, "40"])
def test_table_max_width_is_validated(bad):
    with pytest.raises(ParameterError, match="max_width must be a positive integer"):
        saddle_path(example("A")).table(max_width=bad)


def test_the_repr_abbreviates_a_huge_final_loss():
    path = saddle_path(as_problem([[1], [1]], [0, 10**400], exact=True))
    # β = 10⁴⁰⁰/2, residuals ∓10⁴⁰⁰/2: L = (2·10⁸⁰⁰/4)/4 = 10⁸⁰⁰/8 = 1.25·10⁷⁹⁹ (800 digits)
    assert repr(path).endswith("final loss ≈1.250e+799 (p/q: 800/1 digits))")


def test_budget_is_a_one_line_error_that_suggests_the_float_path(decimal_csv):
    path, _ = decimal_csv
    proc = run_cli("saddles", str(path), "--exact", "--max-digits", "200")
    assert_one_line_error(proc, "--max-digits 200", "decimal digits", "drop --exact")
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
