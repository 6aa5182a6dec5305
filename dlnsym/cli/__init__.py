"""Command-line interface: ``dlnsym <command> …``.

Each command lives in its own module of this package and exposes
``register(subparsers) -> None``, which adds a sub-parser whose ``func`` default is called with
the parsed arguments and returns an exit status.  Errors that dlnsym raises on purpose
(:class:`dlnsym.errors.DlnsymError`) and bad files become one line on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import NoReturn

from dlnsym.errors import DlnsymError

from . import check, demo, derive, figure, saddles, simulate

COMMANDS = (saddles, derive, demo, figure, simulate, check)


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


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``dlnsym`` console script; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except (DlnsymError, OSError) as exc:
        print(f"dlnsym {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"dlnsym {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
