"""Command line of the checks: ``python -m proofs_checks`` and ``dlnsym check``.

::

    python -m proofs_checks [--list] [--only NAME …] [--fast] [--quick] [--json]
                            [--negative-controls]

Exit status 0 exactly when every selected check passes (with ``--negative-controls``: when
every control is caught), 1 otherwise, 2 on a usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

from dlnsym.errors import DlnsymError, ParameterError

from .registry import Check, all_checks, run_check, run_control

__all__ = ["add_arguments", "main", "run", "select"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options shared by ``python -m proofs_checks`` and ``dlnsym check``."""
    parser.add_argument("--list", action="store_true", help="list the checks and their claims")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="run only these checks")
    parser.add_argument("--json", action="store_true",
                        help="print a JSON list of results instead of a table")
    parser.add_argument("--negative-controls", action="store_true",
                        help="run every check on deliberately corrupted inputs and report "
                             "whether it caught them")
    parser.add_argument("--fast", action="store_true",
                        help="leave out the slow (simulation-based) checks")
    parser.add_argument("--quick", action="store_true",
                        help="run each check on its smallest instances only: example A "
                             "(orthogonal-lasso: one orthogonal design, d = 6); the random and "
                             "underparametrised instances are left out, the symbolic "
                             "identities run as without --quick (as in the demo)")


def select(only: Sequence[str] | None = None, fast: bool = False,
           module: str | None = None) -> list[Check]:
    """The registered checks named in ``only`` (all by default), without the slow ones when
    ``fast``, restricted to ``module`` when given.

    Raises
    ------
    ParameterError
        A name in ``only`` is not a registered check.
    """
    checks = all_checks()
    if module is not None:
        checks = [c for c in checks if c.module == module]
    if only:
        known = {c.name for c in all_checks()}
        unknown = [name for name in only if name not in known]
        if unknown:
            raise ParameterError(f"unknown check(s) {', '.join(unknown)}; available: "
                                 f"{', '.join(sorted(known))}")
        checks = [c for c in checks if c.name in only]
    return [c for c in checks if not (fast and c.slow)]


def _table(rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(r[j]) for r in rows) for j in range(len(rows[0]) - 1)]
    return "\n".join(
        "  ".join([*(cell.ljust(w) for cell, w in zip(r, widths, strict=False)), r[-1]])
        for r in rows
    )


def run(args: argparse.Namespace, module: str | None = None) -> int:
    """Run the selected checks as ``args`` asks; print the table or JSON; return the status."""
    checks = select(args.only, args.fast, module)
    if args.list:
        rows = [("NAME", "SLOW", "CLAIM")]
        rows += [(c.name, "slow" if c.slow else "", c.claim) for c in checks]
        print(_table(rows))
        return 0
    start = time.perf_counter()
    if args.negative_controls:
        controls = _run_each(checks, run_control, args,
                             lambda r: "caught" if r.caught else "NOT CAUGHT")
        if not args.json:
            rows = [("NAME", "CAUGHT", "TIME", "CORRUPTED INPUTS")]
            rows += [(r.name, "yes" if r.caught else "NO", f"{r.seconds:.1f}s", r.details)
                     for r in controls]
            print(_table(rows))
            n_caught = sum(r.caught for r in controls)
            print(f"\n{n_caught}/{len(controls)} negative controls caught "
                  f"({time.perf_counter() - start:.1f} s)")
        return 0 if controls and all(r.caught for r in controls) else 1
    results = _run_each(checks, run_check, args, lambda r: r.status)
    if not args.json:
        rows = [("NAME", "STATUS", "TIME", "INSTANCES", "CLAIM")]
        rows += [(r.name, r.status.upper(), f"{r.seconds:.1f}s", str(len(r.instances)), r.claim)
                 for r in results]
        print(_table(rows))
        print()
        for r in results:
            print(f"[{r.status.upper()}] {r.name} on {', '.join(r.instances) or 'nothing'}:"
                  f"\n    {r.details}")
        n_pass = sum(r.status == "pass" for r in results)
        print(f"\n{n_pass}/{len(results)} checks pass ({time.perf_counter() - start:.1f} s)")
    return 0 if results and all(r.status == "pass" for r in results) else 1


def _run_each(checks: list[Check], run_one: Callable[[Check, bool], Any],
              args: argparse.Namespace, status: Callable[[Any], str]) -> list[Any]:
    """``run_one(check, args.quick)`` for every check, in order, with a progress line
    ``name: status(result)`` each; with ``--json`` the results are printed as a JSON list."""
    out = []
    for c in checks:
        out.append(run_one(c, args.quick))
        _progress(args, f"{c.name}: {status(out[-1])}")
    if args.json:
        print(json.dumps([r.as_dict() for r in out], indent=1, ensure_ascii=False))
    return out


def _progress(args: argparse.Namespace, message: str) -> None:
    """One line on stderr per finished check when stderr is a terminal."""
    if sys.stderr.isatty() and not args.json:
        print(f"  … {message}", file=sys.stderr)


def main(argv: Sequence[str] | None = None, module: str | None = None) -> int:
    """``python -m proofs_checks`` (or ``python -m proofs_checks.<module>``, which runs only
    that module's checks)."""
    parser = argparse.ArgumentParser(
        prog=f"python -m {module or 'proofs_checks'}",
        description="Run every claim of the theory page as a check (with --negative-controls: on "
                    "corrupted inputs, which each check must catch).",
    )
    add_arguments(parser)
    args = parser.parse_args(argv)
    try:
        return run(args, module)
    except DlnsymError as exc:
        print(f"{parser.prog}: error: {exc}", file=sys.stderr)
        return 2
