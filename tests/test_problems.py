"""Loading and validating problems (issue 2, item 2)."""

from __future__ import annotations

import re
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from dlnsym.errors import DlnsymError, MissingFileError, ParameterError, ProblemError
from dlnsym.problems import (
    EXAMPLE_A_THEORY,
    EXAMPLES,
    Problem,
    as_problem,
    example,
    gaussian_sparse,
    orthogonal_design,
    read_problem,
    underparametrised,
)


def test_decimal_strings_are_exact_decimal_rationals():
    p = as_problem([["0.1", "1/3"], [2, 0.5]], ["-1.4", 1], exact=True)
    assert p.X[0, 0] == Fraction(1, 10)
    assert p.X[0, 1] == Fraction(1, 3)
    assert p.y[0] == Fraction(-7, 5)


def test_binary_float_becomes_its_exact_value():
    p = as_problem([[0.1]], [1.0], exact=True)
    assert p.X[0, 0] == Fraction(0.1) != Fraction(1, 10)


#: Worked example A as published with the theory (§5 of the theory page), a verbatim copy
#: of its text, parsed independently of dlnsym.problems
_THEORY_SECTION_5 = Path(__file__).parent / "data" / "theory_section5.md"
_SUBSCRIPTS = str.maketrans("₀₁₂₃₄₅₆₇₈₉−", "0123456789-")


def _theory_section_5() -> dict:
    """Data, table and s₅ of example A parsed from the published text."""
    text = _THEORY_SECTION_5.read_text(encoding="utf-8").translate(_SUBSCRIPTS)
    x_block = re.search(r"X = (\[\[.*?\]\])", text, re.S).group(1)
    X = [re.findall(r"-?\d+\.\d+", row) for row in x_block.split("],")]
    y = re.findall(r"-?\d+\.\d+", re.search(r"y = \[(.*?)\]", text).group(1))
    rows = []
    for k, t, beta, loss in re.findall(r"^\| (\d) \| (\S+) \| (.*?) \| (\S+) \|$", text, re.M):
        entries = dict(re.findall(r"β(\d) = (-?\d+/\d+)", beta))
        rows.append((Fraction(t), {int(i): Fraction(v) for i, v in entries.items()},
                     Fraction(loss)))
        assert int(k) == len(rows) - 1
    s5 = [Fraction(v) for v in re.search(r"s5 = \((.*?)\)", text).group(1).split(", ")]
    return {"X": X, "y": y, "rows": rows, "s5": s5}


def test_example_A_and_its_answer_are_those_of_theory():
    """``example("A")`` and :data:`EXAMPLE_A_THEORY` (the oracle of the Algorithm-1 tests)
    agree entry for entry with the published worked example, parsed from its text."""
    published = _theory_section_5()
    p = example("A")
    assert p.X.tolist() == [[Fraction(v) for v in row] for row in published["X"]]
    assert p.y.tolist() == [Fraction(v) for v in published["y"]]
    assert len(published["rows"]) == 6
    assert EXAMPLE_A_THEORY == {"rows": published["rows"], "s5": published["s5"]}


@pytest.mark.parametrize(
    ("X", "y", "fragment"),
    [
        ([1, 2], [1], "2-D"),
        ([[1, 2]], [[1]], "1-D"),
        ([[1, 2], [3, 4]], [1], "X has 2 rows but y has 1"),
        (np.zeros((0, 3)), [], "empty"),
        ([[1, float("nan")]], [1], "non-finite"),
        ([[1, "abc"]], [1], "'abc' is not a number"),
        ([[1, 2], [3]], [1, 2], "ragged"),
        ([[1, "inf"]], [1], "non-finite"),
    ],
)
@pytest.mark.parametrize("exact", [True, False])
def test_bad_arrays_raise_specific_errors(X, y, fragment, exact):
    with pytest.raises(ProblemError, match=fragment):
        as_problem(X, y, exact=exact)


def test_non_finite_error_says_where():
    X = np.ones((3, 4))
    X[2, 1] = np.inf
    with pytest.raises(ProblemError, match=r"X\[2, 1\]"):
        as_problem(X, np.ones(3))


def test_csv_round_trip_exact(tmp_path):
    f = tmp_path / "d.csv"
    f.write_text("a,y,b\n0.1,1,2\n-0.25,0,3\n")
    p = read_problem(f, exact=True)
    assert p.X.tolist() == [[Fraction(1, 10), 2], [Fraction(-1, 4), 3]]
    assert p.y.tolist() == [1, 0]
    q = read_problem(f)
    assert q.X.dtype == float and q.X[0, 0] == 0.1


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("a,b\n1,2\n", "no column named 'y'"),
        ("a,y\n1,x\n", "line 2, column 'y'"),
        ("a,y\n1,2\n3\n", "line 3"),
        ("a,y\n", "header only"),
        ("", "empty file"),
        ("y\n1\n", "no feature columns"),
        ("a,y\n1,nan\n", "non-finite"),
    ],
)
def test_bad_csv(tmp_path, text, fragment):
    f = tmp_path / "bad.csv"
    f.write_text(text)
    with pytest.raises(ProblemError, match=fragment):
        read_problem(f)


def test_npz(tmp_path):
    f = tmp_path / "d.npz"
    np.savez(f, X=np.array([[0.5, 1.0]]), y=np.array([2.0]))
    p = read_problem(f, exact=True)
    assert p.X[0, 0] == Fraction(1, 2)
    g = tmp_path / "e.npz"
    np.savez(g, A=np.ones((1, 1)))
    with pytest.raises(ProblemError, match="missing array"):
        read_problem(g)


def test_missing_file_and_unknown_format(tmp_path):
    with pytest.raises(FileNotFoundError):
        read_problem(tmp_path / "nope.csv")
    with pytest.raises(DlnsymError, match=re.escape(f"no such data file: '{tmp_path}/nope.csv'")):
        read_problem(tmp_path / "nope.csv")
    f = tmp_path / "d.txt"
    f.write_text("1")
    with pytest.raises(ProblemError, match="unknown data format"):
        read_problem(f)


def test_generators_are_seeded_and_shaped():
    a, b = gaussian_sparse(20, 50, 3, seed=4), gaussian_sparse(20, 50, 3, seed=4)
    assert np.array_equal(a.X, b.X) and a.X.shape == (20, 50)
    o = orthogonal_design(6, exact=True)
    H, _ = o.gram()
    assert all(H[i, j] == 0 for i in range(6) for j in range(6) if i != j)
    u = underparametrised(12, 5)
    assert u.n > u.d
    with pytest.raises(ProblemError, match="n > d"):
        underparametrised(3, 5)
    with pytest.raises(ProblemError, match="unknown example"):
        example("Z")


def test_gaussian_sparse_returns_its_signal():
    plain = gaussian_sparse(20, 50, 3, noise=0.0, seed=4)
    problem, w = gaussian_sparse(20, 50, 3, noise=0.0, seed=4, return_signal=True)
    assert np.array_equal(problem.X, plain.X) and np.array_equal(problem.y, plain.y)
    assert sorted(np.abs(w[w != 0])) == [1.0, 1.0, 1.0] and np.count_nonzero(w) == 3
    assert np.array_equal(problem.y, problem.X @ w)  # noiseless: y = Xβ*, bit for bit


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_an_example_is_one_problem_in_both_modes(name):
    """``example(name, exact=False)`` holds the nearest doubles of ``example(name)``'s
    rationals (−0.0 and 0.0 alike): the float and the exact runs of a name solve the same
    problem."""
    exact, floats = example(name), example(name, exact=False)
    assert exact.exact and not floats.exact
    for a, b in ((exact.X, floats.X), (exact.y, floats.y)):
        want = np.vectorize(float, otypes=[float])(a)
        assert np.array_equal(np.asarray(b, dtype=float), want)


def test_gaussian_example_float_path_is_its_exact_path():
    """``--example gaussian`` gives the same saddles with and without ``--exact``: same
    active sets and signs, jump times to 1e-9; the first one is ``1/‖Xᵀy/n‖_∞ = 1000/493``
    by hand (Fractions), the rest from the exact path on the same decimals."""
    from dlnsym.saddle_path import saddle_path

    exact, floats = example("gaussian"), example("gaussian", exact=False)
    c = [sum(Fraction(exact.X[a, i]) * Fraction(exact.y[a]) for a in range(exact.n)) / exact.n
         for i in range(exact.d)]
    assert 1 / max(abs(ci) for ci in c) == Fraction(1000, 493)
    ref, got = saddle_path(exact), saddle_path(floats)
    assert len(got.times) == len(ref.times) == 12          # t₀ = 0 and 11 jumps
    assert ref.times[1] == Fraction(1000, 493)
    np.testing.assert_allclose([float(t) for t in got.times], [float(t) for t in ref.times],
                               rtol=1e-9)
    for want, have in zip(ref.saddles, got.saddles, strict=True):
        assert np.array_equal(np.sign(np.asarray(want, dtype=float)),
                              np.sign(np.asarray(have, dtype=float)))


def test_a_missing_file_is_the_kits_error_and_a_file_not_found_error(tmp_path):
    with pytest.raises(MissingFileError) as info:
        read_problem(str(tmp_path / "nope.csv"))
    err = info.value
    assert isinstance(err, FileNotFoundError) and isinstance(err, DlnsymError)
    assert err.errno == 2 and err.filename == str(tmp_path / "nope.csv")
    assert str(err).startswith(f"no such data file: '{tmp_path / 'nope.csv'}'; check the name")


@pytest.mark.parametrize("path", [None, 3, [[1.0]]])
def test_read_problem_refuses_what_is_not_a_file_name(path):
    with pytest.raises(ParameterError, match="path must be a file name"):
        read_problem(path)


def test_read_problem_refuses_a_non_bool_exact(tmp_path):
    with pytest.raises(ParameterError, match="exact must be True or False, got 'yes'"):
        read_problem(tmp_path / "x.csv", exact="yes")


def test_as_problem_returns_a_problem_given_one():
    p = as_problem([[1, 2]], [3], exact=True, name="p")
    assert as_problem(p) is p
    q = as_problem(p, exact=False)
    assert not q.exact and q.X.tolist() == [[1.0, 2.0]] and q.y.tolist() == [3.0]
    assert q.name == "p"
    assert as_problem(p, exact=True) is p
    renamed = as_problem(p, name="q")
    assert isinstance(renamed, Problem) and renamed.name == "q" and renamed.X is p.X
    with pytest.raises(ParameterError, match="not both"):
        as_problem(p, [3])


def test_as_problem_defaults_to_float_for_arrays():
    p = as_problem([[1, 2]], [3])
    assert not p.exact and p.X.dtype == np.float64


@pytest.mark.parametrize(("args", "fragment"), [
    (([[1.0, 2.0]],), "as_problem: y is missing; call as_problem(X, y, …)"),
    (("data.csv",), "got the file name 'data.csv', not data; read the file first, "
                    "problem = dlnsym.read_problem('data.csv')"),
    ((Path("data.csv"), [1.0]), "got the file name 'data.csv'"),
    ((None,), "got None instead of a problem; pass a Problem"),
    ((None, [1.0]), "got None instead of a problem"),
    ((([[1.0, 2.0]], [3.0]),), "got the pair (X, y) as one argument; pass the arrays as two"),
    (({"X": 1},), "got a value of type dict, which is neither a Problem nor an array X"),
])
def test_as_problem_names_what_is_wrong_with_its_arguments(args, fragment):
    with pytest.raises(ParameterError, match=re.escape(fragment)):
        as_problem(*args)


@pytest.mark.parametrize(("kwargs", "fragment"), [
    ({"exact": "no"}, "exact must be True (rational arithmetic), False (float64) or None"),
    ({"name": 3}, "name must be a string, got int"),
])
def test_as_problem_validates_its_options(kwargs, fragment):
    with pytest.raises(ParameterError, match=re.escape(fragment)):
        as_problem([[1.0]], [1.0], **kwargs)


def test_a_two_row_design_is_not_mistaken_for_a_pair():
    # [[1, 2], [3, 4]] is a 2 × 2 design X, not (X, y): y is what is missing
    with pytest.raises(ParameterError, match="y is missing"):
        as_problem([[1, 2], [3, 4]])


@pytest.mark.parametrize(("make", "text"), [
    (lambda: gaussian_sparse(n=250, d=500),
     "Problem('gaussian_sparse(n=250, d=500, seed=0)', n=250, d=500, float64)"),
    (lambda: example("A"), "Problem('example A', n=3, d=6, exact)"),
    (lambda: as_problem([[1, 2]], [3]), "Problem(n=1, d=2, float64)"),
])
def test_the_repr_of_a_problem_is_one_line_without_the_data(make, text):
    assert repr(make()) == text


def test_data_file_messages_for_python_callers(tmp_path) -> None:  # noqa: ANN001
    """What ``read_problem`` says of an empty CSV cell, a single non-finite entry, a
    directory and an .npz file without ``y`` (the file named once)."""
    blank = tmp_path / "blank.csv"
    blank.write_text("x0,x1,y\n1,,2\n")
    with pytest.raises(ProblemError, match=r"blank\.csv line 2, column 'x1': empty cell"):
        read_problem(blank)
    with pytest.raises(ProblemError, match=r"\(1 non-finite entry in all\); remove or impute it$"):
        as_problem([[1.0, float("nan")]], [1.0])
    with pytest.raises(ProblemError, match="a directory, not a data file"):
        read_problem(tmp_path)
    nokey = tmp_path / "nokey.npz"
    np.savez(nokey, X=np.eye(2))
    with pytest.raises(ProblemError) as info:
        read_problem(nokey)
    assert str(info.value).count("nokey.npz") == 1 and "missing array(s) ['y']" in str(info.value)
