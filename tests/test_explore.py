"""The conjecture explorer (``dlnsym.explore``, ``dlnsym explore``).

Counterexamples are checked against Algorithm 1 re-implemented here with plain Fractions and
brute force over the supports (independent of ``dlnsym.constrained_ls``), so that a bug shared
by the explorer and ``saddle_path`` cannot make a counterexample look real.
"""

from __future__ import annotations

import json
from dataclasses import replace
from fractions import Fraction
from itertools import combinations

import numpy as np
import pytest

from dlnsym import (
    ConjectureError,
    ExploreResult,
    ParameterError,
    Trajectory,
    as_problem,
    explore,
    saddle_path,
)
from dlnsym.explore import CONJECTURES, FAMILIES, Conjecture

from .conftest import assert_one_line_error, exact_gradient, run_cli

# ------------------------------------------------------------ Algorithm 1 by brute force


def _solve(A: list[list[Fraction]], b: list[Fraction]) -> list[Fraction] | None:
    """Gauss–Jordan elimination in Fractions; None when A is singular."""
    m = len(A)
    M = [row[:] + [v] for row, v in zip(A, b, strict=True)]
    for col in range(m):
        pivot = next((r for r in range(col, m) if M[r][col] != 0), None)
        if pivot is None:
            return None
        M[col], M[pivot] = M[pivot], M[col]
        for r in range(m):
            if r != col and M[r][col] != 0:
                f = M[r][col] / M[col][col]
                M[r] = [a - f * p for a, p in zip(M[r], M[col], strict=True)]
    return [M[i][m] / M[i][i] for i in range(m)]


def _loss(X, y, beta) -> Fraction:
    r = [sum(Fraction(X[a][j]) * beta[j] for j in range(len(beta))) - Fraction(y[a])
         for a in range(len(X))]
    return sum(v * v for v in r) / (2 * len(X))


def _cone_argmin(X, y, s: list[Fraction]) -> list[Fraction]:
    """argmin L over N(s): the best sign-feasible least-squares fit over every subset of the
    coordinates at ±1 (the minimiser of the convex problem is one of them)."""
    n, d = len(X), len(s)
    H = [[sum(Fraction(X[a][i]) * X[a][j] for a in range(n)) / n for j in range(d)]
         for i in range(d)]
    c = [sum(Fraction(X[a][i]) * y[a] for a in range(n)) / n for i in range(d)]
    boundary = [i for i in range(d) if abs(s[i]) == 1]
    best, best_loss = [Fraction(0)] * d, None
    for size in range(len(boundary) + 1):
        for S in combinations(boundary, size):
            sol = _solve([[H[i][j] for j in S] for i in S], [c[i] for i in S]) if S else []
            if sol is None or any(v * s[i] < 0 for v, i in zip(sol, S, strict=True)):
                continue
            beta = [Fraction(0)] * d
            for v, i in zip(sol, S, strict=True):
                beta[i] = v
            value = _loss(X, y, beta)
            if best_loss is None or value < best_loss:
                best, best_loss = beta, value
    return best


def _algorithm1(X, y) -> tuple[list[Fraction], list[list[Fraction]]]:
    """Jump times and saddles of Algorithm 1, in plain Fractions."""
    d = len(X[0])
    t, s, beta = Fraction(0), [Fraction(0)] * d, [Fraction(0)] * d
    times, saddles = [t], [beta]
    while True:
        g = exact_gradient(X, y, beta)
        hits = [((1 - s[i]) / -g[i] if g[i] < 0 else (1 + s[i]) / g[i])
                for i in range(d) if g[i] != 0]
        if not hits:
            return times, saddles
        delta = min(hits)
        t, s = t + delta, [s[i] - delta * g[i] for i in range(d)]
        beta = _cone_argmin(X, y, s)
        times.append(t)
        saddles.append(beta)


def _supports(saddles) -> list[set[int]]:
    return [{i for i, v in enumerate(b) if v != 0} for b in saddles]


# ---------------------------------------------------------------------- monotone active set


@pytest.fixture(scope="module")
def monotone() -> ExploreResult:
    return explore("monotone-active-set", seed=0, progress=False)  # default trials


def test_monotone_active_set_is_refuted_by_a_small_real_counterexample(monotone):
    assert monotone.found and not monotone.interrupted
    problem = monotone.problem
    assert problem.exact and problem.d <= 6
    X = [[Fraction(v) for v in row] for row in problem.X]
    y = [Fraction(v) for v in problem.y]
    times, saddles = _algorithm1(X, y)
    assert times == list(monotone.path.times)
    assert [list(b) for b in monotone.path.saddles] == saddles
    supports = _supports(saddles)
    assert any(not supports[k - 1] <= supports[k] for k in range(1, len(supports)))
    assert f"d = {problem.d}, n = {problem.n}" in monotone.description
    assert "leaves the active set at jump" in monotone.description
    assert monotone.tried <= monotone.trials and monotone.shrink_calls > 0


def test_the_counterexample_is_shrunk(monotone):
    """A non-monotone path needs a coordinate to enter and another to replace it: d ≥ 2.  The
    search shrinks to that size."""
    assert monotone.problem.d == 2 and monotone.problem.n <= 2


def test_the_reported_seed_reproduces_the_counterexample(monotone):
    again = explore("monotone-active-set", seed=monotone.seed, progress=False)
    assert np.array_equal(again.problem.X, monotone.problem.X)
    assert np.array_equal(again.problem.y, monotone.problem.y)
    assert (again.description, again.tried, again.degenerate, again.shrink_calls) == (
        monotone.description, monotone.tried, monotone.degenerate, monotone.shrink_calls)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_monotone_counterexample_is_found_reliably(seed):
    result = explore("monotone-active-set", seed=seed, progress=False)
    assert result.found and result.problem.d <= 6
    assert result.tried < result.trials / 4  # found well within the default budget


def test_a_random_seed_is_drawn_and_reported():
    result = explore("monotone-active-set", trials=50, max_d=3, progress=False)
    again = explore("monotone-active-set", trials=50, max_d=3, seed=result.seed,
                    progress=False)
    assert 0 <= result.seed < 2**32
    assert (again.found, again.tried, again.degenerate, again.description) == (
        result.found, result.tried, result.degenerate, result.description)


# ------------------------------------------------------------------- the other built-ins


@pytest.mark.parametrize("family", ["integer", "ties"])
def test_min_l1_endpoint_has_no_counterexample(family):
    result = explore("min-l1-endpoint", family=family, trials=100, seed=0, progress=False)
    assert not result.found and result.problem is None and result.description == ""
    assert result.tried == 100


@pytest.mark.parametrize("name", ["first-jump-time", "kkt-at-saddles", "loss-decreases"])
def test_theorems_have_no_counterexample(name):
    assert CONJECTURES[name].theory is True
    assert not explore(name, family="gaussian", trials=60, seed=1, progress=False).found


def test_saddle_count_le_d_is_false():
    """The theory bounds the count by 3^d only; more than d jumps already happen at d = 2."""
    result = explore("saddle-count-le-d", seed=0, progress=False)
    assert result.found
    assert result.path.n_jumps > result.problem.d
    X = [[Fraction(v) for v in row] for row in result.problem.X]
    times, _ = _algorithm1(X, [Fraction(v) for v in result.problem.y])
    assert len(times) - 1 > result.problem.d


def _tampered(path, **fields):
    return replace(path, **fields)


def test_the_checks_do_not_trust_the_path():
    """Each built-in recomputes its claim: a path altered where the claim looks fails it."""
    problem = as_problem([[2, 1], [1, 0]], [1, 0], exact=True)
    path = saddle_path(problem)
    assert all(c.predicate(problem, path) for n, c in CONJECTURES.items()
               if c.theory is True)
    wrong_t1 = _tampered(path, times=[path.times[0], path.times[1] * 2, path.times[2] * 2])
    assert not CONJECTURES["first-jump-time"].predicate(problem, wrong_t1)
    assert not CONJECTURES["kkt-at-saddles"].predicate(problem, wrong_t1)
    # a minimiser of L with a larger ℓ1 norm in place of β_K (X above is invertible, so take a
    # wide problem, whose minimisers form a line)
    wide = as_problem([[1, 1, 0], [0, 1, 1]], [1, 1], exact=True)
    wpath = saddle_path(wide)
    assert CONJECTURES["min-l1-endpoint"].predicate(wide, wpath)
    other = np.array([Fraction(1), Fraction(0), Fraction(1)], dtype=object)  # ‖·‖₁ = 2 > 1
    assert not CONJECTURES["min-l1-endpoint"].predicate(
        wide, _tampered(wpath, saddles=[*wpath.saddles[:-1], other]))
    flat = _tampered(path, saddles=[path.saddles[0], path.saddles[0], path.saddles[2]])
    assert not CONJECTURES["loss-decreases"].predicate(problem, flat)


def test_registry_entries_document_their_claim():
    assert set(CONJECTURES) >= {"monotone-active-set", "min-l1-endpoint", "saddle-count-le-d"}
    for name, conj in CONJECTURES.items():
        assert isinstance(conj, Conjecture) and conj.name == name and conj.claim
    assert CONJECTURES["monotone-active-set"].theory is False


# ----------------------------------------------------------------- user predicates, errors


def test_always_false_is_reported_on_the_smallest_instance():
    """Negative control: every instance is a counterexample, so shrinking must reach the
    smallest instance of the family."""
    result = explore(lambda problem, path: False, seed=3, progress=False)
    assert result.found and result.tried == 1
    assert (result.problem.n, result.problem.d) == (1, 1)
    assert result.problem.X[0, 0] == 0 and result.problem.y[0] == 0
    assert "returns False" in result.description


def test_a_predicate_that_raises_is_an_error_not_a_counterexample():
    def fragile(problem, path):
        if path.n_jumps >= 2:
            raise ZeroDivisionError("boom")
        return True

    with pytest.raises(ConjectureError, match=r"conjecture fragile raised ZeroDivisionError: "
                                              r"boom on the instance X = \[\[") as info:
        explore(fragile, seed=0, progress=False)
    assert isinstance(info.value, ParameterError)
    assert isinstance(info.value.__cause__, ZeroDivisionError)
    assert info.value.conjecture == "fragile" and info.value.problem.exact


def test_a_predicate_must_return_a_bool():
    with pytest.raises(ConjectureError, match="returned None"):
        explore(lambda problem, path: None, trials=5, seed=0, progress=False)


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"trials": 0}, "trials must be a positive integer"),
    ({"trials": True}, "trials must be a positive integer"),
    ({"trials": 2.5}, "trials must be a positive integer"),
    ({"max_d": 0}, "max_d must be a positive integer"),
    ({"max_n": -1}, "max_n must be a positive integer"),
    ({"family": "nope"}, "unknown family 'nope'; available: integer"),
    ({"family": "ties", "max_d": 1}, "ties family needs max_d ≥ 2"),
    ({"seed": -1}, "seed must be a non-negative integer"),
    ({"progress": "yes"}, "progress must be"),
])
def test_bad_arguments(kwargs, match):
    with pytest.raises(ParameterError, match=match):
        explore("monotone-active-set", **kwargs)


@pytest.mark.parametrize(("conjecture", "match"), [
    ("nope", "unknown conjecture 'nope'; built-in: monotone-active-set"),
    (42, "conjecture must be a built-in name"),
    (lambda problem: True, "must take .problem, path. or .problem, path, trajectory."),
])
def test_bad_conjectures(conjecture, match):
    with pytest.raises(ParameterError, match=match):
        explore(conjecture, trials=1)


def test_a_three_argument_predicate_gets_the_trajectory():
    seen = []

    def on_flow(problem, path, trajectory):
        seen.append(trajectory)
        return trajectory.log_inv_alpha == 12 and trajectory.problem is problem

    result = explore(on_flow, trials=3, max_d=2, seed=0, log_inv_alpha=12, progress=False)
    assert not result.found and len(seen) == 3
    assert all(isinstance(tr, Trajectory) for tr in seen)


def test_degenerate_instances_are_counted_never_reported():
    result = explore(lambda problem, path: True, family="ties", trials=60, seed=0,
                     progress=False)
    assert not result.found and result.degenerate > 0 and result.tried == 60


def test_ctrl_c_keeps_what_was_found():
    calls = []

    def impatient(problem, path):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return problem.d < 2

    result = explore(impatient, seed=0, progress=False)
    assert result.interrupted
    assert result.found == (result.problem is not None)
    if result.found:
        assert result.problem.d >= 2
    nothing = explore(lambda p, q: (_ for _ in ()).throw(KeyboardInterrupt), seed=0,
                      progress=False)
    assert nothing.interrupted and not nothing.found and nothing.tried == 0


# -------------------------------------------------------------------------------- families


def _c(problem):
    return [sum(Fraction(a) * b for a, b in zip(problem.X[:, i], problem.y, strict=True))
            for i in range(problem.d)]


FAMILY_PROPERTIES = {
    "integer": lambda p, path: all(Fraction(v).denominator == 1 for v in p.X.flat),
    "gaussian": lambda p, path: all(Fraction(v).denominator in (1, 2, 4, 5, 10, 20, 25, 50,
                                                                 100) for v in p.X.flat),
    "sparse": lambda p, path: path.losses[-1] == 0,  # y = Xw* is fitted exactly
    "orthogonal": lambda p, path: all(
        sum(p.X[a, i] * p.X[a, j] for a in range(p.n)) == 0
        for i in range(p.d) for j in range(i)),
    # several coordinates attain ‖c‖∞, so they all land on ±1 at t₁
    "ties": lambda p, path: sum(abs(v) == max(map(abs, _c(p))) for v in _c(p)) >= 2
    and sum(abs(v) == 1 for v in path.duals[1]) >= 2,
}


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_families_draw_exact_instances_with_their_property(family):
    def holds(problem, path):
        return (problem.exact and problem.d <= 4 and problem.n <= (8 if family == "orthogonal"
                                                                   else 3)
                and FAMILY_PROPERTIES[family](problem, path))

    result = explore(holds, family=family, trials=40, max_d=4, max_n=3, seed=0,
                     progress=False)
    assert not result.found, result.description


# ------------------------------------------------------------------------------ summary


def _rows(problem) -> tuple[list[str], str]:
    """The rows of X and y as ``[a, b]`` texts with str(Fraction) (not dlnsym's printer)."""
    rows = ["[" + ", ".join(str(Fraction(v)) for v in row) + "]" for row in problem.X]
    return rows, "[" + ", ".join(str(Fraction(v)) for v in problem.y) + "]"


def test_the_summary_shows_the_counterexample(monotone):
    lines = monotone.summary().splitlines()
    assert len(lines) == 3
    assert lines[0] == ("monotone-active-set is false on integer: counterexample with "
                        + monotone.description)
    rows, y = _rows(monotone.problem)
    assert lines[1] == f"  counterexample (shrunk): X = [{', '.join(rows)}], y = {y}"
    assert lines[2].startswith(f"  {monotone.tried} instances tried, {monotone.degenerate} "
                               f"degenerate, {monotone.shrink_calls} shrinking steps, ")
    assert lines[2].endswith(", seed 0")


def test_a_wide_counterexample_puts_each_row_on_a_line_of_its_own(monotone):
    entries = [[Fraction(-123 - 7 * a - j, 100) for j in range(6)] for a in range(5)]
    problem = as_problem(entries, [Fraction(a, 3) for a in range(5)], exact=True)
    result = replace(monotone, problem=problem, interrupted=True)
    lines = result.summary().splitlines()
    rows, y = _rows(problem)
    assert lines[0].startswith("monotone-active-set is false on integer (interrupted): ")
    assert lines[1] == "  counterexample (smallest seen before the interruption):"
    assert lines[2] == f"    X = [{rows[0]},"
    assert lines[3:7] == [f"         {row}," for row in rows[1:4]] + [f"         {rows[4]}],"]
    assert lines[7] == f"    y = {y}"
    assert len(lines) == 9 and max(map(len, lines[1:])) <= 100


def test_no_counterexample_is_one_line():
    result = explore("first-jump-time", trials=5, seed=0, max_d=2, progress=False)
    assert len(result.summary().splitlines()) == 1
    assert result.summary().startswith("first-jump-time: no counterexample among integer "
                                       "instances with d ≤ 2, n ≤ 2; 5 instances tried")


def test_the_repr_is_one_line(monotone):
    assert repr(monotone) == ("ExploreResult('monotone-active-set' on integer: counterexample "
                              "d = 2, n = 2, seed 0)")


# ------------------------------------------------------------------------------------ CLI


def test_cli_prints_the_counterexample():
    proc = run_cli("explore", "--conjecture", "monotone-active-set", "--seed", "0",
                   "--trials", "50", "--max-d", "4")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("monotone-active-set is false on integer: counterexample with "
                               "d = 2")
    assert lines[1].startswith("  counterexample (shrunk): X = [[")
    assert any(line.startswith("k  t_k  active set") for line in lines)


def test_cli_json():
    proc = run_cli("explore", "--conjecture", "monotone-active-set", "--seed", "0",
                   "--trials", "50", "--max-d", "4", "--json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["found"] and doc["seed"] == 0 and doc["d"] == len(doc["X"][0])
    times = [Fraction(t) for t in doc["path"]["times"]]
    X = [[Fraction(v) for v in row] for row in doc["X"]]
    assert times == _algorithm1(X, [Fraction(v) for v in doc["y"]])[0]


def test_cli_no_counterexample_and_list():
    proc = run_cli("explore", "--conjecture", "first-jump-time", "--trials", "20", "--seed",
                   "1", "--family", "orthogonal")
    assert proc.returncode == 0 and len(proc.stdout.splitlines()) == 1
    assert "no counterexample" in proc.stdout
    listed = run_cli("explore", "--list")
    assert listed.returncode == 0
    assert [line.split()[0] for line in listed.stdout.splitlines()] == list(CONJECTURES)


@pytest.mark.parametrize(("args", "fragments"), [
    (["--conjecture", "nope"], ["dlnsym explore: error:", "unknown conjecture 'nope'"]),
    (["--conjecture", "min-l1-endpoint", "--trials", "0"], ["trials must be a positive"]),
    (["--conjecture", "min-l1-endpoint", "--max-d", "0"], ["--max-d must be a positive"]),
    (["--conjecture", "min-l1-endpoint", "--family", "x"], ["unknown family 'x'"]),
    ([], ["give --conjecture NAME"]),
    (["--conjecture", "min-l1-endpoint", "--trials", "many"], ["invalid int value"]),
])
def test_cli_errors_are_one_line(args, fragments):
    assert_one_line_error(run_cli("explore", *args), *fragments)


def test_the_search_writes_no_files_and_ignores_local_constants(tmp_path, monkeypatch):
    """hypothesis would cache the constants of local modules in ./.hypothesis and draw some
    entries from them, so that a seed would depend on the working directory."""
    first = explore("monotone-active-set", trials=50, seed=5, progress=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "local_constants_module.py").write_text("A, B, C = -4, 3, 2\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    __import__("local_constants_module")
    again = explore("monotone-active-set", trials=50, seed=5, progress=False)
    assert not any(tmp_path.glob(".hypothesis"))
    assert np.array_equal(again.problem.X, first.problem.X)
    assert (again.tried, again.shrink_calls) == (first.tried, first.shrink_calls)
