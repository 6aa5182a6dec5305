"""Arguments and checks shared by the CLI commands: where the problem comes from, option
types, and output files checked before any computation."""

from __future__ import annotations

import argparse
import math
from pathlib import Path
from typing import Any

from dlnsym.errors import ParameterError
from dlnsym.io import check_writable_file
from dlnsym.problems import EXAMPLES, Problem, example, read_problem


def add_problem_arguments(parser: argparse.ArgumentParser) -> None:
    """``DATA | --example NAME``: a .csv/.npz file or a built-in example."""
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "data", nargs="?", metavar="DATA",
        help="a .npz file (arrays X, y) or a .csv file (header row, target column 'y')",
    )
    source.add_argument(
        "--example", choices=sorted(EXAMPLES), help="a built-in example (A is the theory page §5)"
    )


def add_quiet_argument(parser: argparse.ArgumentParser) -> None:
    """``--quiet``: no progress bar (there is none anyway when stderr is not a terminal)."""
    parser.add_argument("--quiet", action="store_true",
                        help="no progress bar (none is shown when stderr is not a terminal)")


def problem_from_args(args: argparse.Namespace, *, exact: bool) -> Problem:
    """Load the problem named by ``DATA`` or ``--example``."""
    if args.example is not None:
        return example(args.example, exact=exact)
    return read_problem(args.data, exact=exact)


def positive_float(text: str) -> float:
    """argparse type: a positive finite number (argparse reports the error as a usage error).

    Raises
    ------
    argparse.ArgumentTypeError
        Not a number, ≤ 0, infinite or NaN.
    """
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"must be a positive finite number, got {text!r}")
    return value


def add_init_shape_argument(parser: argparse.ArgumentParser) -> None:
    """``--init-shape λ1,λ2,…``: the shaped initialisation ``u_i(0) = √2·α^{λ_i}``."""
    parser.add_argument(
        "--init-shape", default=None, metavar="λ1,λ2,…",
        help="shaped initialisation u_i(0) = √2·α^λ_i: d comma-separated positive numbers "
             "(default all ones); the box edge of coordinate i becomes λ_i",
    )


def init_shape_from_args(args: argparse.Namespace, d: int) -> Any:
    """``--init-shape`` as a vector of ``d`` positive numbers, or ``None``; a
    :class:`ParameterError` (one line, exit 2) when malformed."""
    from dlnsym.simulate import check_init_shape

    if args.init_shape is None:
        return None
    parts = [part.strip() for part in args.init_shape.split(",")]
    if any(not part for part in parts):
        raise ParameterError(f"--init-shape must be {d} comma-separated positive numbers such "
                             f"as 1,2,0.5, got {args.init_shape!r}")
    try:
        return check_init_shape(parts, d)
    except ParameterError as exc:
        raise ParameterError(f"--init-shape: {exc}") from None


def check_dps(dps: int | None) -> None:
    """Refuse ``--dps`` below :data:`dlnsym.simulate.MIN_DPS` before any computation."""
    from dlnsym.simulate import MIN_DPS

    if dps is not None and dps < MIN_DPS:
        raise ParameterError(f"--dps must be at least {MIN_DPS}, got {dps}")


def check_figure_file(path: str) -> Path:
    """Check, before computing it, that a figure can be saved as ``path``: not empty, a
    writable (or creatable) directory, and an extension :mod:`dlnsym.plotting` knows.

    Raises
    ------
    ParameterError
        With a one-line message naming ``path``.
    """
    from dlnsym.plotting import figure_format

    target = check_writable_file(path, "the figure")
    figure_format(target)
    return target
