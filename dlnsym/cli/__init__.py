"""Command-line interface: ``dlnsym <command> …``.

Each command lives in its own module of this package and exposes
``register(subparsers) -> None``, which adds a sub-parser whose ``func`` default is called with
the parsed arguments and returns an exit status.  Errors that dlnsym raises on purpose
(:class:`dlnsym.errors.DlnsymError`, worded for the command line by
:func:`~dlnsym.cli._messages.cli_message`) and bad files become one line on stderr and exit
status 2; Ctrl-C says where it stopped and exits 130; a closed pipe on stdout
(``dlnsym … | head``) ends the command quietly.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Sequence
from typing import NoReturn

from dlnsym import __version__
from dlnsym.errors import DlnsymError

from . import check, demo, derive, explore, figure, gd, saddles, simulate, sweep
from ._messages import cli_message
from ._runs import EXIT_INTERRUPTED, Interrupted

COMMANDS = (saddles, derive, demo, figure, simulate, gd, check, sweep, explore)

#: Exit status when stdout was closed early, as in the Python documentation's recipe.
EXIT_BROKEN_PIPE = 1


#: A value that starts with "-" but is a number, or a comma-separated list of numbers, in any
#: notation the commands accept: ``-5``, ``-.5``, ``-1e3``, ``-1E-3``, ``-inf``, ``-nan``,
#: ``-1,2``.
_NUMBER = r"(?:\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?|inf(?:inity)?|nan)"
NEGATIVE_NUMBER = re.compile(rf"^-{_NUMBER}(?:\s*,\s*[-+]?{_NUMBER})*$", re.IGNORECASE)


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line on stderr and exit status 2, and
    which reads a value such as ``-1e3`` as a value, not as an option.

    argparse decides whether an argument that starts with ``-`` is a value (a negative
    number) or an option with the attribute ``_negative_number_matcher``, which matches only
    ``-5`` and ``-0.5``; ``--log-inv-alpha -1e3`` would then fail with "expected one
    argument" instead of reaching the check of the value.  The parser replaces it with
    :data:`NEGATIVE_NUMBER` (sub-parsers are of the same class, so they do too).  No option
    of the CLI looks like a negative number, so nothing else changes.
    """

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self._negative_number_matcher = NEGATIVE_NUMBER

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser with one sub-command per module in :data:`COMMANDS`."""
    parser = _Parser(
        prog="dlnsym",
        description="Saddle-to-saddle dynamics of diagonal linear networks.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMANDS:
        module.register(sub)
    return parser


def _os_message(exc: OSError) -> str:
    """``"FILE: reason"`` for a file-system error (no ``[Errno …]`` prefix)."""
    if exc.filename is not None and exc.strerror:
        return f"{exc.filename}: {exc.strerror}"
    return str(exc)


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so that the flush at exit cannot fail on the closed pipe
    again (https://docs.python.org/3/library/signal.html#note-on-sigpipe)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``dlnsym`` console script; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    prefix = f"dlnsym {args.command}"
    try:
        status = int(args.func(args) or 0)
        sys.stdout.flush()  # a closed pipe shows here, not at interpreter exit
        return status
    except Interrupted as exc:
        print(f"{prefix}: {exc}", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except DlnsymError as exc:
        print(f"{prefix}: error: {cli_message(exc)}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"{prefix}: error: {_os_message(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{prefix}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
