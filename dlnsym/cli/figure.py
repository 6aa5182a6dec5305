"""``dlnsym figure``: paper-quality figures of the saddle-to-saddle dynamics."""

from __future__ import annotations

import argparse
from pathlib import Path

from dlnsym.errors import ParameterError

from ._common import add_problem_arguments, problem_from_args

KINDS = ("figure1", "active-sets", "convergence")
FIGURE1_LAMBDAS = (8.0, 40.0)
CONVERGENCE_LAMBDAS = (5.0, 10.0, 20.0, 40.0, 80.0)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "figure",
        help="draw a figure (PNG, PDF or SVG) of the dynamics on a problem",
        description="figure1: the three panels of Figure 1 of Pesme & Flammarion (2023) — "
                    "loss and |β_i| against accelerated time t̃ for each Λ, with the saddle "
                    "path of Algorithm 1, and the trajectory among the three most relevant "
                    "coordinates.  active-sets: the signed active sets of the saddles over "
                    "time.  convergence: jump-time and plateau errors against Λ (log-log; "
                    "needs at least two Λ).  The format follows the extension of -o.",
    )
    add_problem_arguments(parser)
    parser.add_argument("-o", "--output", required=True, type=Path, metavar="FILE",
                        help="output file: .png, .pdf or .svg")
    parser.add_argument("--kind", choices=KINDS, default="figure1",
                        help="which figure (default: figure1)")
    parser.add_argument("--log-inv-alpha", nargs="+", type=float, default=None, metavar="Λ",
                        help="Λ = ln(1/α) of each simulation (default: 8 40 for figure1, "
                             "5 10 20 40 80 for convergence)")
    parser.add_argument("--t-max", type=float, default=None, metavar="T",
                        help="end of the simulations in accelerated time (default: past "
                             "the last jump time of Algorithm 1)")
    parser.add_argument("--dps", type=int, default=None,
                        help="decimal digits of the simulations (default: float64)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from dlnsym import plotting
    from dlnsym.saddle_path import saddle_path

    plotting.figure_format(args.output)  # fail before any computation
    lambdas = args.log_inv_alpha
    if lambdas is not None and any(not lam > 0 for lam in lambdas):
        raise ParameterError(f"--log-inv-alpha must be positive (Λ = ln(1/α)), got {lambdas}")
    if args.t_max is not None and not args.t_max > 0:
        raise ParameterError(f"--t-max must be a positive accelerated time, got {args.t_max}")
    if args.kind == "convergence" and lambdas is not None and len(set(lambdas)) < 2:
        raise ParameterError("--kind convergence needs at least two distinct --log-inv-alpha "
                             "values")
    problem = problem_from_args(args, exact=False)
    path = saddle_path(problem)
    if args.kind == "active-sets":
        fig = plotting.plot_active_sets(path)
    elif args.kind == "convergence":
        from dlnsym.compare import convergence_study

        study = convergence_study(problem, lambdas or CONVERGENCE_LAMBDAS, t_max=args.t_max,
                                  dps=args.dps)
        print(study.summary())
        return _saved(plotting.plot_convergence(study, args.output))
    else:
        fig = plotting.simulate_figure1(problem, lambdas or FIGURE1_LAMBDAS, t_max=args.t_max,
                                        dps=args.dps, path=path)
        fig.suptitle(f"{problem.name or args.data}: saddle-to-saddle dynamics")
    return _saved(plotting.save_figure(fig, args.output))


def _saved(target: Path) -> int:
    print(f"figure: {target}")
    return 0
