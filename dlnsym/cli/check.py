"""``dlnsym check``: run every claim of the theory page as a check (the same as
``python -m proofs_checks``, with the same options)."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``check`` sub-command, with the options of :mod:`proofs_checks.cli`."""
    from proofs_checks.cli import add_arguments

    parser = subparsers.add_parser(
        "check",
        help="run every claim of the theory page as a check (or its negative control)",
        description="Run the checks of proofs_checks: a table of name, claim, instances, "
                    "PASS/FAIL and time; exit status 0 exactly when all pass "
                    "(with --negative-controls: when every corrupted input is caught).",
    )
    add_arguments(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run the selected checks; 0 when all pass, 1 otherwise."""
    from proofs_checks.cli import run as run_checks

    return run_checks(args)
