"""Command-line interface: ``dlnsym <command> …``.

Each command lives in its own module of this package and exposes
``register(subparsers) -> None``, which adds a sub-parser whose ``func`` default is called with
the parsed arguments and returns an exit status.  Errors that dlnsym raises on purpose
(:class:`dlnsym.errors.DlnsymError`) and bad files become one line on stderr and exit status 2;
Ctrl-C says where it stopped and exits 130; a closed pipe on stdout (``dlnsym … | head``)
ends the command quietly.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from dlnsym.errors import DlnsymError

from . import check, demo, derive, explore, figure, gd, saddles, simulate, sweep
from ._runs import EXIT_INTERRUPTED, Interrupted

COMMANDS = (saddles, derive, demo, figure, simulate, gd, check, sweep, explore)

#: Exit status when stdout was closed early, as in the Python documentation's recipe.
EXIT_BROKEN_PIPE = 1


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line on stderr and exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser with one sub-command per module in :data:`COMMANDS`."""
    parser = _Parser(
        prog="dlnsym",
        description="Saddle-to-saddle dynamics of diagonal linear networks.",
    )
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
        print(f"{prefix}: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"{prefix}: error: {_os_message(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{prefix}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
