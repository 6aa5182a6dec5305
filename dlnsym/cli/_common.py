"""Arguments shared by the CLI commands: where the problem comes from."""

from __future__ import annotations

import argparse

from dlnsym.problems import EXAMPLES, Problem, example, read_problem


def add_problem_arguments(parser: argparse.ArgumentParser) -> None:
    """``DATA | --example NAME``: a .csv/.npz file or a built-in example."""
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "data", nargs="?", metavar="DATA",
        help="a .npz file (arrays X, y) or a .csv file (header row, target column 'y')",
    )
    source.add_argument(
        "--example", choices=sorted(EXAMPLES), help="a built-in example (A is THEORY.md §5)"
    )


def problem_from_args(args: argparse.Namespace, *, exact: bool) -> Problem:
    """Load the problem named by ``DATA`` or ``--example``."""
    if args.example is not None:
        return example(args.example, exact=exact)
    return read_problem(args.data, exact=exact)
