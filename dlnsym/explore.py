"""The conjecture explorer: search families of exact instances for a counterexample to a claim
about the saddle path, and shrink it to a smallest one.

A *conjecture* is a predicate on ``(problem, path)`` — or on ``(problem, path, trajectory)``
when it is about the simulated flow too — that returns ``True`` when the claim holds on that
instance.  :func:`explore` draws exact rational instances from a *family* (:data:`FAMILIES`),
runs Algorithm 1 on each in exact arithmetic (:func:`~dlnsym.saddle_path.saddle_path`) and
asks the predicate.

The instances are drawn with `hypothesis <https://hypothesis.readthedocs.io>`_ strategies, not
with a loop over seeded random generators, for two reasons.  Under a seed its search is
deterministic, so a counterexample is reproduced by the same call.  And a counterexample it
finds is *shrunk*: hypothesis retries the search on smaller choices (fewer coordinates, fewer
samples, entries closer to zero) as long as the conjecture still fails, so what is reported is
an instance small enough to be checked by hand rather than the first random one that failed.
Each family draws its entries one by one from small integer ranges for the same reason:
shrinking works on those choices.

Instances on which Algorithm 1 is not defined (a constrained minimiser that is not unique:
:class:`~dlnsym.errors.DegenerateProblemError`) are rejected and counted, never reported as
counterexamples.  A predicate that raises is an error (:class:`ConjectureError`), not a
counterexample.

The built-in conjectures (:data:`CONJECTURES`, ``dlnsym explore --list``) state claims of the
theory page §4, some true and some false.  Each checks its claim with its own arithmetic (plain
:class:`~fractions.Fraction` sums from ``X`` and ``y``, or a linear program), not by reading
back the quantity Algorithm 1 computed for the same purpose.
"""

from __future__ import annotations

import inspect
import secrets
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from dlnsym.errors import ConjectureError, DegenerateProblemError, DlnsymError, ParameterError
from dlnsym.problems import Problem, as_problem
from dlnsym.saddle_path import SaddlePath, _exact_str, saddle_path

__all__ = [
    "CONJECTURES",
    "FAMILIES",
    "Conjecture",
    "ExploreResult",
    "explore",
]

#: Default Λ = ln(1/α) of the simulation handed to a conjecture on trajectories.
DEFAULT_LOG_INV_ALPHA = 30.0


# ----------------------------------------------------------------------------- conjectures


@dataclass(frozen=True)
class Conjecture:
    """A named claim about the saddle path of every instance.

    Attributes
    ----------
    name : str
        Its name (``dlnsym explore --conjecture NAME``).
    predicate : callable
        ``predicate(problem, path) -> bool``, or ``predicate(problem, path, trajectory)`` when
        ``needs_trajectory``; True when the claim holds on that instance.
    claim : str
        The claim in words.
    theory : bool or None
        What the theory page says: True (a theorem), False (it is false) or None (it says
        nothing).
    needs_trajectory : bool
        Whether the predicate takes the simulated trajectory as a third argument.
    describe : callable or None
        Same arguments as the predicate; one line saying what fails on a counterexample.

    Examples
    --------
    >>> from dlnsym import example, saddle_path
    >>> claim = Conjecture("at-most-three-jumps", lambda problem, path: path.n_jumps <= 3,
    ...                    claim="Algorithm 1 makes at most three jumps")
    >>> claim.predicate(None, saddle_path(example("A")))  # example A makes five
    False
    """

    name: str
    predicate: Callable[..., bool]
    claim: str = ""
    theory: bool | None = None
    needs_trajectory: bool = False
    describe: Callable[..., str] | None = field(default=None, repr=False)


def _plain(problem: Problem) -> tuple[list[list[Fraction]], list[Fraction]]:
    """``X`` and ``y`` as lists of Fractions (the checks below use nothing else of dlnsym)."""
    return ([[Fraction(v) for v in row] for row in problem.X],
            [Fraction(v) for v in problem.y])


def _residual(X: list, y: list, beta: Any) -> list[Fraction]:
    return [sum((row[j] * Fraction(beta[j]) for j in range(len(row))), Fraction(0)) - y[a]
            for a, row in enumerate(X)]


def _gradient(X: list, y: list, beta: Any) -> list[Fraction]:
    """``∇L(β) = Xᵀ(Xβ − y)/n`` with plain Fractions."""
    r = _residual(X, y, beta)
    n, d = len(X), len(X[0])
    return [sum((X[a][i] * r[a] for a in range(n)), Fraction(0)) / n for i in range(d)]


def _correlation(X: list, y: list) -> list[Fraction]:
    """``c = Xᵀy/n = −∇L(0)`` with plain Fractions."""
    n = len(X)
    return [sum((X[a][i] * y[a] for a in range(n)), Fraction(0)) / n for i in range(len(X[0]))]


def _loss(X: list, y: list, beta: Any) -> Fraction:
    r = _residual(X, y, beta)
    return sum((v * v for v in r), Fraction(0)) / (2 * len(X))


def _check_monotone_active_set(problem: Problem, path: SaddlePath) -> str | None:
    """The active set only grows: the support of β_k contains that of β_{k−1} at every jump.

    False (theory page §4: a coordinate whose dual moves back into the box leaves the active
    set; example A shows it at d = 6).
    """
    supports = [{i for i, v in enumerate(b) if v != 0} for b in path.saddles]
    for k in range(1, len(supports)):
        left = sorted(supports[k - 1] - supports[k])
        if left:
            who = (f"coordinate {left[0]} leaves" if len(left) == 1
                   else f"coordinates {', '.join(map(str, left))} leave")
            return f"{who} the active set at jump {k} (t_{k} = {_exact_str(path.times[k])})"
    return None


def _check_min_l1_endpoint(problem: Problem, path: SaddlePath) -> str | None:
    """The last saddle minimises ‖β‖₁ over the minimisers of L.

    True (theory page §4).  Checked against a linear program: ``β_K`` must satisfy the normal
    equations ``Hβ = c`` exactly (plain Fractions), and ``‖β_K‖₁`` must not exceed the optimum
    of ``min ‖β‖₁ s.t. Hβ = c`` (scipy's HiGHS, on the independent rows of ``[H | c]``
    reduced exactly) by more than a relative 1e-9.
    """
    from flint import fmpq_mat
    from scipy.optimize import linprog

    X, y = _plain(problem)
    beta = path.saddles[-1]
    g = _gradient(X, y, beta)
    bad = [i for i, v in enumerate(g) if v != 0]
    if bad:
        return f"the last saddle does not minimise L (∇L(β_K) ≠ 0 at coordinate {bad[0]})"
    n, d = len(X), len(X[0])
    c = _correlation(X, y)
    rows = [[sum((X[a][i] * X[a][j] for a in range(n)), Fraction(0)) / n for j in range(d)]
            + [c[i]] for i in range(d)]
    flat = [v for row in rows for v in row]
    reduced, rank = fmpq_mat(d, d + 1, [_fmpq(v) for v in flat]).rref()
    l1 = float(sum(abs(Fraction(v)) for v in beta))
    if rank == 0:  # c = 0 and H = 0: every β minimises L, the minimum ‖β‖₁ is 0
        optimum = 0.0
    else:
        A = np.array([[float(Fraction(int(reduced[r, j].p), int(reduced[r, j].q)))
                       for j in range(d + 1)] for r in range(rank)])
        result = linprog(np.ones(2 * d), A_eq=np.hstack([A[:, :d], -A[:, :d]]),
                         b_eq=A[:, d], bounds=(0, None), method="highs")
        if result.status != 0:
            raise ArithmeticError(f"the linear program failed: {result.message}")
        optimum = float(result.fun)
    if l1 > optimum + 1e-9 * max(1.0, optimum):
        return (f"‖β_K‖₁ = {l1:.12g} exceeds the minimum ‖β‖₁ = {optimum:.12g} over the "
                f"minimisers of L (linear program)")
    return None


def _fmpq(v: Fraction) -> Any:
    from flint import fmpq

    return fmpq(v.numerator, v.denominator)


def _check_saddle_count_le_d(problem: Problem, path: SaddlePath) -> str | None:
    """The path visits at most d saddles after β₀ = 0 (K ≤ d jumps).

    Not a theorem: the theory page bounds the count by 3^d only (no sign pattern repeats) and
    says nothing bounds it by d.  The explorer finds it false at d = 2 (a coordinate leaves and
    re-enters with the other sign).
    """
    if path.n_jumps > problem.d:
        return f"{path.n_jumps} jumps (saddles after β₀ = 0) for d = {problem.d}"
    return None


def _check_first_jump_time(problem: Problem, path: SaddlePath) -> str | None:
    """The first jump happens at t₁ = 1/‖c‖∞, c = Xᵀy/n (no jump at all when c = 0).

    True (theory page §4).  ``c`` is summed here with plain Fractions.
    """
    c = _correlation(*_plain(problem))
    top = max(abs(v) for v in c)
    if top == 0:
        return None if path.n_jumps == 0 else f"c = 0 but the path jumps at t₁ = {path.times[1]}"
    if path.n_jumps == 0:
        return f"‖c‖∞ = {top} but the path never jumps"
    if path.times[1] != 1 / top:
        return f"t₁ = {_exact_str(path.times[1])} but 1/‖c‖∞ = {_exact_str(1 / top)}"
    return None


def _check_kkt_at_saddles(problem: Problem, path: SaddlePath) -> str | None:
    """Every saddle satisfies the optimality (KKT) conditions of theory page §4 for its dual.

    The duals are integrated here, ``s₀ = 0``, ``s_{k+1} = s_k − (t_{k+1} − t_k)·∇L(β_k)``.
    At every saddle ``|s_i| ≤ 1``; on the support ``∇L(β_k)_i = 0`` and
    ``s_i = sign(β_k,i)``; where ``|s_i| = 1`` off the support ``s_i·∇L(β_k)_i ≥ 0``; at each
    jump a moving coordinate lands on ±1; the last gradient is 0.

    True (theory page §4).  The gradients are summed here with plain Fractions.
    """
    X, y = _plain(problem)
    d = len(X[0])
    s = [Fraction(0)] * d
    for k, beta in enumerate(path.saddles):
        g = _gradient(X, y, beta)
        for i in range(d):
            b = Fraction(beta[i])
            if abs(s[i]) > 1:
                return f"|s_{i}| = {abs(s[i])} > 1 at saddle {k}"
            if b != 0 and g[i] != 0:
                return f"∇L(β_{k})_{i} = {g[i]} ≠ 0 on the support"
            if b != 0 and s[i] != (1 if b > 0 else -1):
                return f"s_{i} = {s[i]} ≠ sign(β_{k},{i}) on the support at saddle {k}"
            if b == 0 and abs(s[i]) == 1 and s[i] * g[i] < 0:
                return f"coordinate {i} is pushed out of the box at saddle {k} (s_i·g_i < 0)"
        if k == path.n_jumps:
            if any(g):
                return f"the last saddle β_{k} is not a critical point of L"
            return None
        dt = Fraction(path.times[k + 1]) - Fraction(path.times[k])
        s = [s[i] - dt * g[i] for i in range(d)]
        if not any(g[i] != 0 and abs(s[i]) == 1 for i in range(d)):
            return f"no coordinate reaches ±1 at jump {k + 1}"
    return None  # pragma: no cover (the loop returns at the last saddle)


def _check_loss_decreases(problem: Problem, path: SaddlePath) -> str | None:
    """The loss decreases strictly from saddle to saddle.

    True (theory page §4).  ``L(β_k)`` is recomputed here with plain Fractions.
    """
    X, y = _plain(problem)
    losses = [_loss(X, y, b) for b in path.saddles]
    for k in range(1, len(losses)):
        if losses[k] >= losses[k - 1]:
            return f"L(β_{k}) = {losses[k]} ≥ L(β_{k - 1}) = {losses[k - 1]}"
    return None


def _builtin(name: str, check: Callable[[Problem, SaddlePath], str | None],
             theory: bool | None) -> Conjecture:
    def predicate(problem: Problem, path: SaddlePath) -> bool:
        return check(problem, path) is None

    predicate.__name__ = predicate.__qualname__ = name
    claim = inspect.cleandoc(check.__doc__ or "").split("\n\n")[0].replace("\n", " ")
    return Conjecture(name, predicate, claim, theory, describe=lambda p, q: check(p, q) or "")


#: The built-in conjectures by name; each one's ``claim`` says what it states, ``theory``
#: whether the theory page says it is true.
CONJECTURES: dict[str, Conjecture] = {
    c.name: c for c in (
        _builtin("monotone-active-set", _check_monotone_active_set, False),
        _builtin("min-l1-endpoint", _check_min_l1_endpoint, True),
        _builtin("saddle-count-le-d", _check_saddle_count_le_d, None),
        _builtin("first-jump-time", _check_first_jump_time, True),
        _builtin("kkt-at-saddles", _check_kkt_at_saddles, True),
        _builtin("loss-decreases", _check_loss_decreases, True),
    )
}


def _resolve_conjecture(conjecture: Any) -> Conjecture:
    """A :class:`Conjecture` from a name, a Conjecture or a predicate."""
    if isinstance(conjecture, Conjecture):
        return conjecture
    if isinstance(conjecture, str):
        if conjecture not in CONJECTURES:
            raise ParameterError(f"unknown conjecture {conjecture!r}; built-in: "
                                 f"{', '.join(CONJECTURES)}")
        return CONJECTURES[conjecture]
    if not callable(conjecture):
        raise ParameterError(f"conjecture must be a built-in name, a Conjecture or a predicate "
                             f"f(problem, path[, trajectory]) -> bool, got {conjecture!r}")
    name = getattr(conjecture, "__name__", None) or repr(conjecture)
    return Conjecture(name, conjecture, needs_trajectory=_arity(conjecture, name) == 3)


def _arity(predicate: Callable[..., Any], name: str) -> int:
    """2 (problem, path) or 3 (problem, path, trajectory): the positional parameters without
    defaults of the predicate's signature."""
    try:
        params = list(inspect.signature(predicate).parameters.values())
    except (TypeError, ValueError):
        return 2  # a builtin without a signature: assume (problem, path)
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    required = sum(p.default is p.empty for p in positional)
    if required in (2, 3):
        return required
    if required < 2 and (len(positional) >= 2 or any(p.kind is p.VAR_POSITIONAL for p in params)):
        return 2
    raise ParameterError(f"conjecture {name}: the predicate must take (problem, path) or "
                         f"(problem, path, trajectory), it takes {required} required arguments")


# ------------------------------------------------------------------------------- families

#: The instance families: name → what an instance is.  Every entry is exact; ``d`` is drawn
#: in ``[1, max_d]`` and ``n`` in ``[1, max_n]`` unless said otherwise.
FAMILIES: dict[str, str] = {
    "integer": "integer entries of X and y in [−5, 5]",
    "gaussian": "standard Gaussian entries of X and y rounded to 1 or 2 decimals, read exactly",
    "sparse": "sparse recovery: X Gaussian rounded to 1 decimal, y = Xw* with w* integer "
              "(entries ±1, ±2, ±3) on a random support",
    "orthogonal": "orthogonal design (H = XᵀX/n diagonal): d distinct columns of a Sylvester "
                  "Hadamard matrix with integer scales 1–5 and signs, n the smallest power of "
                  "two ≥ d or twice it (max_n does not apply), y integer in [−5, 5]",
    "ties": "integer X and y in [−5, 5], then columns shifted along y so that several |c_i| "
            "equal ‖c‖∞: several coordinates hit ±1 together at t₁ (d ≥ 2)",
}

_BOUND = 5
#: Resolution of the Gaussian entries: an integer in [−R, R] picks the quantile.
_GAUSS_RESOLUTION = 10_000
_NORMAL = statistics.NormalDist()


def _gaussian_entry(m: int, decimals: int) -> Fraction:
    """The quantile ``Φ⁻¹(½ + |m|/2(R+1))`` with the sign of ``m``, rounded to ``decimals``
    (``m = 0`` → 0, so entries shrink towards 0)."""
    z = _NORMAL.inv_cdf(0.5 + abs(m) / (2 * (_GAUSS_RESOLUTION + 1)))
    scale = 10**decimals
    return Fraction(round(z * scale) * (1 if m >= 0 else -1), scale)


def _strategy(family: str, max_d: int, max_n: int) -> Any:
    """The hypothesis strategy of exact :class:`Problem` instances of ``family``."""
    from hypothesis import assume
    from hypothesis import strategies as st

    ints = st.integers(-_BOUND, _BOUND)

    def sizes(draw: Any, min_d: int = 1) -> tuple[list[int], list[int]]:
        """The kept columns and rows: of the first ``d ≤ max_d`` columns and ``n ≤ max_n``
        rows, those whose flag is not 0 (flags are 0–3, so 3/4 are kept).  Shrinking can then
        delete any column or row (a flag to 0), not only the last one."""
        d, n = draw(st.integers(min_d, max_d)), draw(st.integers(1, max_n))
        cols = [j for j, f in enumerate(draw(st.lists(st.integers(0, 3), min_size=max_d,
                                                      max_size=max_d))[:d]) if f]
        rows = [a for a, f in enumerate(draw(st.lists(st.integers(0, 3), min_size=max_n,
                                                      max_size=max_n))[:n]) if f]
        assume(len(cols) >= min_d and rows)
        return cols, rows

    def block(draw: Any, cols: list[int], rows: list[int],
              entry: Any) -> tuple[list[list[Any]], list[Any]]:
        """The kept rows and columns of a ``max_n × max_d`` grid of entries, and the kept
        entries of ``max_n`` targets: the grid is drawn whatever is kept, so that shrinking
        the sizes keeps the entries that remain where they were."""
        grid = [draw(st.lists(entry, min_size=max_d, max_size=max_d)) for _ in range(max_n)]
        targets = draw(st.lists(entry, min_size=max_n, max_size=max_n))
        return [[grid[a][j] for j in cols] for a in rows], [targets[a] for a in rows]

    def gaussians(decimals: int) -> Any:
        return st.integers(-_GAUSS_RESOLUTION, _GAUSS_RESOLUTION).map(
            lambda m: _gaussian_entry(m, decimals))

    def name(n: int, d: int) -> str:
        return f"{family} instance (n = {n}, d = {d})"

    @st.composite
    def integer(draw: Any) -> Problem:
        cols, rows = sizes(draw)
        X, y = block(draw, cols, rows, ints)
        n, d = len(rows), len(cols)
        return as_problem(X, y, exact=True, name=name(n, d))

    @st.composite
    def gaussian(draw: Any) -> Problem:
        cols, rows = sizes(draw)
        X, y = block(draw, cols, rows, gaussians(draw(st.integers(1, 2))))
        n, d = len(rows), len(cols)
        return as_problem(X, y, exact=True, name=name(n, d))

    @st.composite
    def sparse(draw: Any) -> Problem:
        cols, rows = sizes(draw)
        X, _ = block(draw, cols, rows, gaussians(1))
        n, d = len(rows), len(cols)
        # half of the entries of w* are 0 (sampled_from shrinks towards the first, 0)
        w = draw(st.lists(st.sampled_from([0, 0, 0, 0, 0, 0, 1, -1, 2, -2, 3, -3]),
                          min_size=max_d, max_size=max_d))
        w = [w[j] for j in cols]
        assume(any(w))
        y = [sum((X[a][j] * w[j] for j in range(d)), Fraction(0)) for a in range(n)]
        return as_problem(X, y, exact=True, name=name(n, d))

    @st.composite
    def orthogonal(draw: Any) -> Problem:
        from scipy.linalg import hadamard

        d = draw(st.integers(1, max_d))
        n = (1 << max(0, (d - 1).bit_length())) << draw(st.integers(0, 1))
        cols = draw(st.lists(st.integers(0, n - 1), min_size=d, max_size=d, unique=True))
        scales = draw(st.lists(st.integers(1, 5), min_size=d, max_size=d))
        signs = draw(st.lists(st.sampled_from([1, -1]), min_size=d, max_size=d))
        Hd = hadamard(n)
        X = [[int(Hd[a, cols[j]]) * scales[j] * signs[j] for j in range(d)] for a in range(n)]
        return as_problem(X, draw(st.lists(ints, min_size=n, max_size=n)), exact=True,
                          name=name(n, d))

    @st.composite
    def ties(draw: Any) -> Problem:
        cols, rows = sizes(draw, min_d=2)
        X0, y0 = block(draw, cols, rows, ints)
        n, d = len(rows), len(cols)
        X = [[Fraction(v) for v in row] for row in X0]
        y = [Fraction(v) for v in y0]
        yy = sum(v * v for v in y)
        assume(yy != 0)
        c = [sum((X[a][i] * y[a] for a in range(n)), Fraction(0)) for i in range(d)]
        top = max(range(d), key=lambda i: (abs(c[i]), -i))
        assume(c[top] != 0)
        # tie[j] ∈ {0, 1, −1}: coordinate j is left alone, or made to have c_j = ±c_top
        tie = draw(st.lists(st.sampled_from([0, 1, -1]), min_size=max_d, max_size=max_d))
        tie = [tie[j] for j in cols]
        tied = [j for j in range(d) if j != top and tie[j]]
        assume(tied)
        for j in tied:
            shift = (tie[j] * c[top] - c[j]) / yy  # x_j + shift·y has x_j·y = ±x_top·y
            for a in range(n):
                X[a][j] += shift * y[a]
        return as_problem(X, y, exact=True, name=name(n, d))

    return {"integer": integer, "gaussian": gaussian, "sparse": sparse,
            "orthogonal": orthogonal, "ties": ties}[family]()


# --------------------------------------------------------------------------------- search


@dataclass(eq=False)
class ExploreResult:
    """What :func:`explore` found.

    Attributes
    ----------
    conjecture : str
        The conjecture's name.
    family : str
        The instance family searched.
    found : bool
        Whether a counterexample was found.
    problem : Problem or None
        The counterexample (exact), shrunk to a smallest instance of the family (after an
        interruption during shrinking: the smallest failing instance seen so far).
    path : SaddlePath or None
        Its exact saddle path.
    trajectory : Trajectory or None
        Its simulated trajectory, for a conjecture on trajectories.
    description : str
        One line: d, n and what fails (empty when nothing was found).
    seed : int
        The seed of the search: ``explore(…, seed=seed)`` with the same other arguments finds
        the same counterexample.
    trials, max_d, max_n : int
        The search's budget and size bounds.
    tried : int
        Instances on which the conjecture was checked before the first counterexample (or in
        all, if none was found); at most ``trials``.
    degenerate : int
        Instances rejected in that search because Algorithm 1 is not defined on them
        (:class:`~dlnsym.errors.DegenerateProblemError`).
    shrink_calls : int
        Instances checked while shrinking the counterexample.
    seconds : float
        Wall-clock time of the whole search.
    interrupted : bool
        Whether Ctrl-C stopped the search (what was found until then is kept).

    Examples
    --------
    >>> result = explore("monotone-active-set", seed=0, progress=False)
    >>> result.found, result.problem.d, result.path.n_jumps
    (True, 2, 2)
    >>> result.description
    'd = 2, n = 2: coordinate 0 leaves the active set at jump 2 (t_2 = 6)'
    """

    conjecture: str
    family: str
    found: bool
    problem: Problem | None
    path: SaddlePath | None
    trajectory: Any
    description: str
    seed: int
    trials: int
    max_d: int
    max_n: int
    tried: int
    degenerate: int
    shrink_calls: int
    seconds: float
    interrupted: bool = False

    def summary(self) -> str:
        """The verdict and what fails; for a counterexample, its ``X`` and ``y`` (exact) and
        the counts on further lines.

        Returns
        -------
        str
            One line without a counterexample; with one, three lines (the counterexample on
            lines of its own, ``X`` row by row, when it does not fit on one line of 100
            characters).

        Examples
        --------
        >>> result = explore("monotone-active-set", trials=50, seed=0, max_d=2, max_n=3,
        ...                  progress=False)
        >>> print(result.summary())  # doctest: +ELLIPSIS
        monotone-active-set is false on integer: counterexample with d = 2, n = 2: coordinate 0 leaves the active set at jump 2 (t_2 = 6)
          counterexample (shrunk): X = [[1, 0], [2, 1]], y = [0, 1]
          2 instances tried, 0 degenerate, 129 shrinking steps, ... s, seed 0
        """  # noqa: E501
        counts = (f"{self.tried} instances tried, {self.degenerate} degenerate, "
                  f"{self.seconds:.2f} s, seed {self.seed}")
        stop = " (interrupted)" if self.interrupted else ""
        if not self.found:
            return (f"{self.conjecture}: no counterexample{stop} among {self.family} instances "
                    f"with d ≤ {self.max_d}, n ≤ {self.max_n}; {counts}")
        lines = [f"{self.conjecture} is false on {self.family}{stop}: counterexample with "
                 f"{self.description}"]
        if self.problem is not None:
            label = ("smallest seen before the interruption" if self.interrupted
                     else "shrunk")
            head = f"  counterexample ({label}):"
            text = _instance_lines(self.problem)
            flat = _instance_text(self.problem)
            if len(head) + 1 + len(flat) <= 100:
                lines.append(f"{head} {flat}")
            else:  # X row by row, then y, under the heading
                lines += [head, *(f"    {line}" for line in text)]
        lines.append(f"  {self.tried} instances tried, {self.degenerate} degenerate, "
                     f"{self.shrink_calls} shrinking steps, {self.seconds:.2f} s, "
                     f"seed {self.seed}")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict: the fields above, and for a counterexample ``X``, ``y`` as exact
        strings (``"-3/10"``) and its ``path`` (:meth:`SaddlePath.to_dict`)."""
        out: dict[str, Any] = {
            key: getattr(self, key) for key in (
                "conjecture", "family", "found", "description", "seed", "trials", "max_d",
                "max_n", "tried", "degenerate", "shrink_calls", "seconds", "interrupted")
        }
        if self.found and self.problem is not None and self.path is not None:
            out["n"], out["d"] = self.problem.n, self.problem.d
            out["X"] = [[_exact_str(v) for v in row] for row in self.problem.X]
            out["y"] = [_exact_str(v) for v in self.problem.y]
            out["path"] = self.path.to_dict()
        return out

    def __repr__(self) -> str:
        stop = ", interrupted" if self.interrupted else ""
        if self.found and self.problem is not None:
            verdict = f"counterexample d = {self.problem.d}, n = {self.problem.n}"
        else:
            verdict = f"no counterexample in {self.tried} instances"
        return (f"ExploreResult({self.conjecture!r} on {self.family}: {verdict}, "
                f"seed {self.seed}{stop})")


class _Counterexample(Exception):
    """Raised inside the hypothesis test when the conjecture fails, so that it shrinks."""


class _Abort(BaseException):
    """Ends the search at once, without shrinking (hypothesis lets BaseException through)."""

    def __init__(self, error: BaseException) -> None:
        super().__init__(error)
        self.error = error


def _size(problem: Problem) -> tuple[int, int, int]:
    """A shrinking order for interrupted searches: d, n, then the digits of the entries."""
    digits = sum(len(_exact_str(v)) for v in (*problem.X.flat, *problem.y))
    return problem.d, problem.n, digits


class _Search:
    """The state of one search: counters, the progress bar, the counterexamples met."""

    def __init__(self, conjecture: Conjecture, log_inv_alpha: Any, bar: Any) -> None:
        self.conjecture, self.log_inv_alpha, self.bar = conjecture, log_inv_alpha, bar
        self.tried = self.degenerate = self.shrink_calls = 0
        self.last: tuple | None = None  # the last failing instance (hypothesis's final one)
        self.best: tuple | None = None  # the smallest failing instance by _size

    def check(self, problem: Problem) -> None:
        from hypothesis import reject

        try:
            path = saddle_path(problem, exact=True)
        except DegenerateProblemError:
            if self.last is None:
                self.degenerate += 1
            reject()
        except DlnsymError as exc:
            raise _Abort(exc) from exc
        args: tuple = (problem, path)
        if self.conjecture.needs_trajectory:
            from dlnsym.simulate import simulate

            try:
                args += (simulate(problem, log_inv_alpha=self.log_inv_alpha),)
            except DlnsymError as exc:
                raise _Abort(exc) from exc
        verdict = self._ask(args)
        if self.last is None:
            self.tried += 1
            self.bar.update(1)
        else:
            self.shrink_calls += 1
        if not verdict:
            if self.last is None:
                self.bar.set_description("shrinking")
            self.last = args
            if self.best is None or _size(problem) < _size(self.best[0]):
                self.best = args
            raise _Counterexample

    def _ask(self, args: tuple) -> bool:
        name, problem = self.conjecture.name, args[0]
        try:
            verdict = self.conjecture.predicate(*args)
        except Exception as exc:
            raise _Abort(ConjectureError(
                f"conjecture {name} raised {type(exc).__name__}: {exc} on the instance "
                f"{_instance_text(problem)}", name, problem, exc)) from exc
        if not isinstance(verdict, bool | np.bool_):
            raise _Abort(ConjectureError(
                f"conjecture {name} returned {verdict!r} ({type(verdict).__name__}), not True "
                f"or False, on the instance {_instance_text(problem)}", name, problem))
        return bool(verdict)


@contextmanager
def _no_local_constants() -> Iterator[None]:
    """Run hypothesis without the integer constants it collects from the source of the
    *local* modules imported in the process (it substitutes them for a few draws).

    Which modules count as local depends on the working directory and on what the process
    has imported, so with them a seed would not reproduce the same instances in another
    process, and hypothesis would write a cache of them into ``./.hypothesis``.  This swaps
    hypothesis's private collector for an empty set (hypothesis ≥ 6.131); if that function
    is not there, the search runs unchanged.
    """
    try:
        from hypothesis.internal.conjecture import providers
        from hypothesis.internal.constants_ast import Constants

        original = providers._get_local_constants
    except (ImportError, AttributeError):  # pragma: no cover (another hypothesis)
        yield
        return
    empty = Constants()
    providers._get_local_constants = lambda: empty
    providers.CONSTANTS_CACHE.cache.clear()
    try:
        yield
    finally:
        providers._get_local_constants = original
        providers.CONSTANTS_CACHE.cache.clear()


def _instance_text(problem: Problem) -> str:
    """``X = [[1, -2], [0, 3]], y = [1, 0]`` with exact entries."""
    return " ".join(line.strip() for line in _instance_lines(problem))


def _instance_lines(problem: Problem) -> list[str]:
    """``X = [[1, -2],``, ``[0, 3]],``, ``y = [1, 0]``: a line per row of ``X`` (continued
    rows aligned under the first) and one for ``y``, with exact entries."""
    rows = ["[" + ", ".join(_exact_str(v) for v in row) + "]" for row in problem.X]
    lines = [f"X = [{rows[0]}"] + [f"     {row}" for row in rows[1:]]
    lines = [line + "," for line in lines[:-1]] + [lines[-1] + "],"]
    return lines + ["y = [" + ", ".join(_exact_str(v) for v in problem.y) + "]"]


def _positive_int(value: Any, what: str) -> int:
    if not isinstance(value, int | np.integer) or isinstance(value, bool) or value < 1:
        raise ParameterError(f"{what} must be a positive integer, got {value!r}")
    return int(value)


def explore(
    conjecture: str | Conjecture | Callable[..., bool],
    *,
    family: str = "integer",
    trials: int = 500,
    seed: int | None = None,
    max_d: int = 6,
    max_n: int | None = None,
    log_inv_alpha: Any = DEFAULT_LOG_INV_ALPHA,
    progress: bool | None = None,
) -> ExploreResult:
    """Search a family of exact instances for a counterexample to ``conjecture`` and shrink it.

    Parameters
    ----------
    conjecture : str, Conjecture or callable
        A built-in name (:data:`CONJECTURES`), a :class:`Conjecture`, or a predicate
        ``f(problem, path) -> bool`` that is True when the claim holds on the instance.  A
        predicate with three required parameters, ``f(problem, path, trajectory)``, also gets
        the flow simulated at ``log_inv_alpha`` (:func:`~dlnsym.simulate.simulate`, float64;
        tens of milliseconds per small instance, against about one for the rest).  ``path`` is
        the exact :class:`~dlnsym.saddle_path.SaddlePath` of the exact ``problem``.
    family : str
        One of :data:`FAMILIES`: ``"integer"`` (default), ``"gaussian"``, ``"sparse"``,
        ``"orthogonal"``, ``"ties"``.
    trials : int
        How many instances (not counting rejected degenerate ones) to try before concluding
        that there is no counterexample (default 500).
    seed : int, optional
        The search is deterministic given the seed; default a fresh random one, reported in
        the result.
    max_d, max_n : int
        The largest number of coordinates and of samples (default 6, and ``max_n = max_d``).
    log_inv_alpha : number
        Λ of the simulation for a conjecture on trajectories (default 30).
    progress : bool, optional
        A progress bar of the instances tried, on stderr: ``None`` (default) shows it only
        when stderr is a terminal, ``False`` never, ``True`` always.

    Returns
    -------
    ExploreResult
        ``found``, and for a counterexample the shrunk exact ``problem``, its ``path`` and a
        one-line ``description``; the counts of instances tried and degenerate, the time, the
        seed.  After Ctrl-C, what was found so far, with ``interrupted = True``.

    Raises
    ------
    ParameterError
        An unknown conjecture or family, ``trials``, ``max_d`` or ``max_n`` not a positive
        integer, a negative or non-integer ``seed``, ``max_d < 2`` for ``"ties"``, a predicate
        taking neither 2 nor 3 arguments.
    ConjectureError
        The predicate raised, or returned something other than a bool, on an instance (the
        message names the conjecture, the instance and the exception); a subclass of
        ParameterError.

    Examples
    --------
    >>> result = explore("monotone-active-set", trials=50, seed=0, max_d=2, max_n=3,
    ...                  progress=False)
    >>> result.description
    'd = 2, n = 2: coordinate 0 leaves the active set at jump 2 (t_2 = 6)'
    >>> print(result.path.table())
    k  t_k  active set  L(β_k)  denominator digits
    0  0    ∅           1/4     1
    1  1    +0          1/20    2
    2  6    +1          0       1
    >>> explore(lambda problem, path: path.n_jumps <= 3 ** problem.d, trials=20, seed=0,
    ...         max_d=3, progress=False).found
    False
    """
    from hypothesis import HealthCheck, Phase, Verbosity, given, settings
    from hypothesis import seed as hypothesis_seed
    from hypothesis.errors import Flaky

    from dlnsym.progress import progress_bar

    conj = _resolve_conjecture(conjecture)
    if family not in FAMILIES:
        raise ParameterError(f"unknown family {family!r}; available: {', '.join(FAMILIES)}")
    trials = _positive_int(trials, "trials")
    max_d = _positive_int(max_d, "max_d")
    max_n = max_d if max_n is None else _positive_int(max_n, "max_n")
    if family == "ties" and max_d < 2:
        raise ParameterError(f"the ties family needs max_d ≥ 2 (two tied coordinates), got "
                             f"{max_d}")
    if seed is None:
        seed = secrets.randbelow(2**32)
    elif not isinstance(seed, int | np.integer) or isinstance(seed, bool) or seed < 0:
        raise ParameterError(f"seed must be a non-negative integer, got {seed!r}")
    seed = int(seed)
    if progress not in (None, True, False):
        raise ParameterError(f"progress must be None, True or False, got {progress!r}")

    strategy = _strategy(family, max_d, max_n)
    start = time.perf_counter()
    bar = progress_bar(trials, quiet=None if progress is None else not progress,
                       unit="instance", desc=conj.name)
    search = _Search(conj, log_inv_alpha, bar)

    @hypothesis_seed(seed)
    @settings(database=None, max_examples=trials, deadline=None, derandomize=False,
              suppress_health_check=list(HealthCheck), phases=(Phase.generate, Phase.shrink),
              verbosity=Verbosity.quiet, report_multiple_bugs=False, print_blob=False)
    @given(strategy)
    def run(problem: Problem) -> None:
        search.check(problem)

    interrupted = False
    try:
        with _no_local_constants():
            run()
    except _Counterexample:
        pass
    except _Abort as abort:
        raise abort.error from abort.error.__cause__
    except Flaky as exc:
        raise ParameterError(f"conjecture {conj.name} is not deterministic: it failed on an "
                             f"instance, then held on the same instance ({exc})") from None
    except KeyboardInterrupt:
        interrupted = True
    finally:
        bar.close()
    found = search.last if not interrupted else search.best
    description = ""
    if found is not None:
        problem = found[0]
        what = conj.describe(*found) if conj.describe is not None else ""
        description = (f"d = {problem.d}, n = {problem.n}: "
                       f"{what or f'the predicate {conj.name} returns False'}")
    return ExploreResult(
        conjecture=conj.name, family=family, found=found is not None,
        problem=None if found is None else found[0], path=None if found is None else found[1],
        trajectory=None if found is None or len(found) < 3 else found[2],
        description=description, seed=seed, trials=trials, max_d=max_d, max_n=max_n,
        tried=search.tried, degenerate=search.degenerate, shrink_calls=search.shrink_calls,
        seconds=time.perf_counter() - start, interrupted=interrupted,
    )
