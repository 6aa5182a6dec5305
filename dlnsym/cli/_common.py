"""Arguments and checks shared by the CLI commands: where the problem comes from, option
types, and output files checked before any computation."""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

from dlnsym.errors import ParameterError
from dlnsym.io import check_writable_dir, check_writable_file
from dlnsym.problems import EXAMPLES, Problem, example, read_problem

from ._tables import plural


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
    """Load the problem named by ``DATA`` or ``--example`` (:func:`dlnsym.read_problem`, whose
    messages begin with the file name)."""
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


def number_text(want: str) -> Callable[[str], str]:
    """An argparse type for options the library reads at its own precision (``--alpha
    1e-1000``, ``--log-inv-alpha 1e200``): the value is kept as typed, but it must be a
    finite number (argparse reports the error as a usage error, saying ``want``).

    Parameters
    ----------
    want : str
        What the option takes, e.g. ``"a positive finite number such as 1e6"``.

    Returns
    -------
    callable
        ``text -> text``, raising :class:`argparse.ArgumentTypeError` on a text that is not a
        number, or is infinite or NaN.  Range checks (``Λ > 0``, ``α < 1``) are left to the
        library, whose messages explain them.
    """
    def check(text: str) -> str:
        import mpmath

        try:
            finite = bool(mpmath.isfinite(mpmath.mpf(text.strip())))
        except ValueError:
            finite = False
        if not finite:
            raise argparse.ArgumentTypeError(f"must be {want}, got {text!r}")
        return text

    return check


def positive_int(text: str) -> int:
    """argparse type: a whole number ≥ 1 (argparse reports the error as a usage error).

    Raises
    ------
    argparse.ArgumentTypeError
        Not a whole number, or below 1.
    """
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number ≥ 1, got {text!r}")
    return value


def add_dps_argument(parser: argparse.ArgumentParser, default: str = "float64") -> None:
    """``--dps D``: mpmath at D decimal digits (checked by :func:`check_dps`); ``default``
    says what runs without it."""
    parser.add_argument("--dps", type=int, default=None, metavar="D",
                        help=f"decimal digits (≥ 15) for mpmath; default {default}")


def add_plot_argument(parser: argparse.ArgumentParser) -> None:
    """``--plot FILE``: Figure-1 panels of the run against Algorithm 1, saved after the
    printed output (checked first by :func:`check_figure_file`)."""
    parser.add_argument("--plot", metavar="FILE",
                        help="save Figure-1 panels (.png/.pdf/.svg), after the output")


def add_init_shape_argument(parser: argparse.ArgumentParser) -> None:
    """``--init-shape λ1,λ2,…``: the shaped initialisation ``u_i(0) = √2·α^{λ_i}``."""
    parser.add_argument(
        "--init-shape", default=None, metavar="λ1,λ2,…",
        help="shaped initialisation u_i(0) = √2·α^λ_i: d comma-separated positive numbers "
             "(default all ones); the box edge of coordinate i becomes λ_i",
    )


def init_shape_from_args(args: argparse.Namespace, d: int) -> Any:
    """``--init-shape`` as a vector of ``d`` positive numbers, or ``None``; a
    :class:`ParameterError` (one line, exit 2) when malformed, naming the entry by its
    coordinate (0-based, as ``dlnsym saddles`` numbers them)."""
    import mpmath

    from dlnsym.simulate import check_init_shape

    if args.init_shape is None:
        return None
    want = ("give one positive number such as 0.5" if d == 1 else
            f"give {d} comma-separated positive numbers such as 1,2,0.5")
    parts = [part.strip() for part in args.init_shape.split(",")]
    if any(not part for part in parts):
        raise ParameterError(f"--init-shape {args.init_shape!r} has an empty entry; {want}")
    if len(parts) != d:
        raise ParameterError(f"--init-shape has {plural(len(parts), 'entry', 'entries')}, "
                             f"but the problem has d = {d}; {want}")
    for i, part in enumerate(parts):
        try:
            value = mpmath.mpf(part)
        except ValueError:
            raise ParameterError(f"--init-shape: {part!r} (coordinate {i}) is not a number; "
                                 f"{want}") from None
        if not (mpmath.isfinite(value) and value > 0):
            raise ParameterError(f"--init-shape: {part!r} (coordinate {i}) is not a positive "
                                 f"finite number; {want}")
    return check_init_shape(parts, d)


def check_dps(dps: int | None) -> None:
    """Refuse ``--dps`` below :data:`dlnsym.simulate.MIN_DPS` before any computation."""
    from dlnsym.simulate import MIN_DPS

    if dps is not None and dps < MIN_DPS:
        raise ParameterError(f"--dps must be at least {MIN_DPS}, got {dps}")


def _check_parent(path: str, what: str) -> None:
    """The directory that is to hold ``path`` must exist: the CLI creates no directories, so
    that a mistyped path is an error rather than a new directory tree."""
    parent = Path(path).parent
    if path.strip() and not parent.exists():
        raise ParameterError(f"cannot write {what} {path!r}: the directory {str(parent)!r} does "
                             "not exist; create it first")


def check_output_file(path: str, what: str) -> Path:
    """Check, before any computation, that the file ``path`` can be written: its directory
    exists (:func:`_check_parent`) and :func:`dlnsym.io.check_writable_file` accepts it.

    Raises
    ------
    ParameterError
        With a one-line message naming ``path`` and calling it ``what`` (``"the figure"``).
    """
    _check_parent(path, what)
    return check_writable_file(path, what)


def check_output_dir(path: str, what: str) -> Path:
    """Check, before any computation, that files can be written in the directory ``path``:
    it may be created, but its parent must exist (:func:`_check_parent`), and
    :func:`dlnsym.io.check_writable_dir` must accept it.

    Raises
    ------
    ParameterError
        With a one-line message naming ``path``; ``what`` is e.g. ``"the figures to"``.
    """
    _check_parent(path, what)
    return check_writable_dir(path, what)


def check_figure_file(path: str) -> Path:
    """Check, before computing it, that a figure can be saved as ``path``: not empty, in an
    existing writable directory, and with an extension :mod:`dlnsym.plotting` knows.

    Raises
    ------
    ParameterError
        With a one-line message naming ``path``.
    """
    from dlnsym.plotting import figure_format

    target = check_output_file(path, "the figure")
    figure_format(target)
    return target
