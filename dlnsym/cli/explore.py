"""``dlnsym explore``: search a family of exact instances for a counterexample to a built-in
conjecture, and print it shrunk (:func:`dlnsym.explore.explore`)."""

from __future__ import annotations

import argparse
import json

from dlnsym.errors import ParameterError

from ._common import add_quiet_argument
from ._runs import Interrupted
from ._tables import plural


def register(subparsers: argparse._SubParsersAction) -> None:
    from dlnsym.explore import FAMILIES

    parser = subparsers.add_parser(
        "explore",
        help="search exact instances for a counterexample to a conjecture and shrink it",
        description="Draw exact instances of a family, run Algorithm 1 on each, check a "
                    "built-in conjecture, and print the smallest counterexample found (its X, "
                    "y and saddle table).  Deterministic under --seed.",
    )
    parser.add_argument("--list", action="store_true",
                        help="list the built-in conjectures and what the theory says of them")
    parser.add_argument("--conjecture", metavar="NAME",
                        help="a built-in conjecture (see --list)")
    parser.add_argument("--family", default="integer", metavar="F",
                        help=f"instance family: {', '.join(FAMILIES)} (default integer)")
    parser.add_argument("--trials", type=int, default=500, metavar="N",
                        help="instances to try (default 500; degenerate ones not counted)")
    parser.add_argument("--seed", type=int, default=None, metavar="S",
                        help="seed of the search (default: a random one, printed)")
    parser.add_argument("--max-d", type=int, default=6, metavar="D",
                        help="largest number of coordinates d (default 6)")
    parser.add_argument("--max-n", type=int, default=None, metavar="N",
                        help="largest number of samples n (default: --max-d)")
    parser.add_argument("--json", action="store_true",
                        help="print one JSON object (exact numbers as strings such as "
                             "\"-3/10\")")
    add_quiet_argument(parser)
    parser.set_defaults(func=run)


def _list() -> str:
    from dlnsym.explore import CONJECTURES

    verdict = {True: "true (theorem)", False: "false", None: "not settled by the theory"}
    width = max(len(name) for name in CONJECTURES)
    return "\n".join(f"{c.name.ljust(width)}  [{verdict[c.theory]}] {c.claim}"
                     for c in CONJECTURES.values())


def run(args: argparse.Namespace) -> int:
    from dlnsym.explore import explore

    if args.list:
        print(_list())
        return 0
    if args.conjecture is None:
        raise ParameterError("give --conjecture NAME (--list shows the built-in ones)")
    result = explore(args.conjecture, family=args.family, trials=args.trials, seed=args.seed,
                     max_d=args.max_d, max_n=args.max_n, progress=False if args.quiet else None)
    if args.json:
        print(json.dumps(result.to_dict()))
    else:
        print(result.summary())  # with the counterexample's exact X and y
        if result.found:
            print(result.path.table())
    if result.interrupted:
        raise Interrupted(f"after {plural(result.tried, 'instance')}",
                          "the counterexample so far is printed above" if result.found else "")
    return 0
