"""The instances the checks run on: example A and seeded random rational problems.

All instances are exact (``Fraction`` data), so that Algorithm 1 gives exact saddles and the
checks can compare with ``==``.  The random ones are integer problems of a few sizes whose
seeds were chosen in general position (Algorithm 1 finds unique constrained minimisers; one
of them has a coordinate that leaves the active set).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache, cached_property

from dlnsym.problems import (
    Problem,
    example,
    orthogonal_design,
    random_integer,
    underparametrised,
)
from dlnsym.saddle_path import SaddlePath, saddle_path

from .registry import Case, Verdict, case

__all__ = ["Instance", "general", "least_squares", "orthogonal", "path_cases"]


@dataclass(frozen=True, eq=False)
class Instance:
    """A labelled exact problem and (lazily) its exact saddle path."""

    label: str
    problem: Problem

    @cached_property
    def path(self) -> SaddlePath:
        """Algorithm 1 in exact arithmetic."""
        return saddle_path(self.problem, exact=True)


#: (n, d, seed) of the random integer instances: 5 jumps of which two swap a coordinate
#: (one enters as another leaves), a plain 4-jump path, and a 7-jump path with one swap.
RANDOM_SIZES = ((3, 6, 5), (4, 8, 2), (6, 12, 4))


@cache
def _example_a() -> Instance:
    return Instance("example A", example("A", exact=True))


@cache
def _random(n: int, d: int, seed: int) -> Instance:
    return Instance(f"random n={n} d={d} seed={seed}", random_integer(n, d, seed))


def general(quick: bool = False, max_d: int | None = None) -> list[Instance]:
    """Example A and, unless ``quick``, the random instances with ``d ≤ max_d``."""
    out = [_example_a()]
    if not quick:
        out += [_random(n, d, s) for n, d, s in RANDOM_SIZES if max_d is None or d <= max_d]
    return out


@cache
def orthogonal(quick: bool = False) -> list[Instance]:
    """Orthogonal designs (``H`` exactly diagonal), ``d = 6``, ``n = 8``; seed 1 has a
    coordinate with ``c_i = 0`` (it never enters)."""
    seeds = (0,) if quick else (0, 1, 2)
    return [Instance(f"orthogonal d=6 seed={s}", orthogonal_design(d=6, seed=s, exact=True))
            for s in seeds]


@cache
def least_squares(quick: bool = False) -> list[Instance]:
    """An underparametrised instance (n > d): the last saddle is the least-squares fit and
    does not interpolate."""
    if quick:
        return []
    return [Instance("underparametrised n=8 d=4", underparametrised(n=8, d=4, exact=True))]


def path_cases(
    fn: Callable[[Problem, SaddlePath], Verdict],
    corrupt: Callable[[SaddlePath], SaddlePath] | None = None,
    pick: Callable[[bool], list[Instance]] = general,
    what: str | None = None,
    expect: str | None = None,
) -> Callable[[bool], Iterable[Case]]:
    """Cases ``fn(problem, path)`` over the instances ``pick(quick)``, with the path passed
    through ``corrupt`` (for a negative control) when given; the label says so with ``what``
    (default: the name of ``corrupt``), and ``expect`` names the targeted clause (a phrase of
    its failure message, see :attr:`~proofs_checks.registry.Case.expect`)."""
    def cases(quick: bool) -> Iterable[Case]:
        for inst in pick(quick):
            if corrupt is None:
                yield case(inst.label, fn, inst.problem, inst.path)
            else:
                name = what or corrupt.__name__.replace("_", " ")
                yield _corrupted_case(f"{inst.label}, {name}", fn, corrupt, inst, expect)
    return cases


def _corrupted_case(label: str, fn: Callable[[Problem, SaddlePath], Verdict],
                    corrupt: Callable[[SaddlePath], SaddlePath], inst: Instance,
                    expect: str | None = None) -> Case:
    """``fn(path.problem, path)`` on the corrupted path (a corruption may change the data)."""
    def run() -> Verdict:
        bad = corrupt(inst.path)
        return fn(bad.problem, bad)
    return Case(label, run, expect)
