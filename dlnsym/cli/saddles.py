"""``dlnsym saddles``: Algorithm 1 on a data file or a built-in example."""

from __future__ import annotations

import argparse
import json

from ._common import (
    add_init_shape_argument,
    add_problem_arguments,
    init_shape_from_args,
    problem_from_args,
)
from ._tables import plural


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "saddles",
        help="saddles and jump times of the α → 0 limit (Algorithm 1)",
        description="Run Algorithm 1 and print the saddle path.",
    )
    add_problem_arguments(parser)
    parser.add_argument(
        "--exact", action="store_true",
        help="exact rational arithmetic (decimals in CSV files are read exactly)",
    )
    parser.add_argument(
        "--json", action="store_true",
        help="print one JSON object with times, saddles, duals, losses "
             "(exact numbers as strings such as \"-25726/44113\")",
    )
    parser.add_argument(
        "--max-saddles", type=int, default=None, metavar="K",
        help="stop with an error after K jumps (default 100 + 20·d)",
    )
    parser.add_argument(
        "--max-digits", type=int, default=None, metavar="D",
        help="with --exact: stop with an error once an exact number has more than D decimal "
             "digits (default 10000; the float path has no such limit)",
    )
    add_init_shape_argument(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from dlnsym.saddle_path import MAX_DIGITS, saddle_path

    problem = problem_from_args(args, exact=args.exact)
    max_digits = MAX_DIGITS if args.max_digits is None else args.max_digits
    shape = None
    if init_shape_from_args(args, problem.d) is not None:
        # the entries as typed, so that exact mode reads "0.1" as 1/10
        shape = [part.strip() for part in args.init_shape.split(",")]
    path = saddle_path(problem, max_saddles=args.max_saddles, max_digits=max_digits,
                       init_shape=shape)
    if args.json:
        print(json.dumps(path.to_dict()))
    else:
        print(f"{problem.name or args.data}: n = {problem.n}, d = {problem.d}, "
              f"{'exact' if path.exact else 'float64'} arithmetic, {plural(path.n_jumps, 'jump')}")
        print(path.table())
    return 0
