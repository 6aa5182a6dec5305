"""``dlnsym figure``: paper-quality figures of the saddle-to-saddle dynamics."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from dlnsym.errors import ParameterError

from ._common import (
    add_dps_argument,
    add_init_shape_argument,
    add_problem_arguments,
    add_quiet_argument,
    check_dps,
    check_figure_file,
    init_shape_from_args,
    positive_float,
    problem_from_args,
)
from ._runs import Interrupted, SimulationSeries

if TYPE_CHECKING:
    from pathlib import Path

    from dlnsym.problems import Problem
    from dlnsym.saddle_path import SaddlePath

KINDS = ("figure1", "active-sets", "convergence")
FIGURE1_LAMBDAS = (8.0, 40.0)
CONVERGENCE_LAMBDAS = (5.0, 10.0, 20.0, 40.0, 80.0)
NO_FIGURE = "no figure written"


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
    parser.add_argument("-o", "--output", required=True, metavar="FILE",
                        help="output file: .png, .pdf or .svg")
    parser.add_argument("--kind", choices=KINDS, default="figure1",
                        help="which figure (default: figure1)")
    parser.add_argument("--log-inv-alpha", nargs="+", type=positive_float, default=None,
                        metavar="Λ",
                        help="Λ = ln(1/α) of each simulation (default: 8 40 for figure1, "
                             "5 10 20 40 80 for convergence)")
    parser.add_argument("--t-max", type=positive_float, default=None, metavar="T",
                        help="end of the simulations in accelerated time (default: past "
                             "the last jump time of Algorithm 1)")
    add_dps_argument(parser)
    add_init_shape_argument(parser)
    add_quiet_argument(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Check the options and -o, compute, save atomically and print ``figure: FILE``.

    Ctrl-C during a simulation raises :class:`~dlnsym.cli._runs.Interrupted` and writes no
    figure (for ``convergence``, the table of the finished runs is printed first).
    """
    from dlnsym.simulate import _limit_path

    target = check_figure_file(args.output)  # fail before any computation
    check_dps(args.dps)
    lambdas = args.log_inv_alpha
    if args.kind == "convergence" and lambdas is not None and len(set(lambdas)) < 2:
        raise ParameterError("--kind convergence needs at least two distinct --log-inv-alpha "
                             "values")
    problem = problem_from_args(args, exact=False)
    args.shape = init_shape_from_args(args, problem.d)
    if args.shape is not None and args.kind == "convergence":
        raise ParameterError("--kind convergence compares with the unshaped Algorithm 1 only; "
                             "leave out --init-shape, or use --kind figure1")
    path = _limit_path(problem, args.shape)
    draw = {"active-sets": _active_sets, "convergence": _convergence, "figure1": _figure1}
    print(f"figure: {draw[args.kind](problem, path, args, target)}")
    return 0


def _active_sets(problem: Problem, path: SaddlePath, args: argparse.Namespace,
                 target: Path) -> Path:
    """The signed active sets of the saddles over time, saved as ``target``."""
    from dlnsym.plotting import plot_active_sets, save_figure

    return save_figure(plot_active_sets(path), target)


def _figure1(problem: Problem, path: SaddlePath, args: argparse.Namespace,
             target: Path) -> Path:
    """Simulations at each Λ drawn against the limit
    (:func:`dlnsym.plotting.simulate_figure1`), under one progress bar; saved as ``target``."""
    from dlnsym.plotting import save_figure, simulate_figure1

    lambdas = args.log_inv_alpha or FIGURE1_LAMBDAS
    with SimulationSeries(problem, len(lambdas), quiet=args.quiet, dps=args.dps,
                          init_shape=args.shape) as series:
        try:
            fig = simulate_figure1(problem, lambdas, t_max=args.t_max, path=path,
                                   simulator=series)
        except Interrupted as exc:
            raise exc.keeping(f"{NO_FIGURE} ({len(series.finished)} of {len(lambdas)} runs "
                              "had finished)") from None
    fig.suptitle(f"{problem.name or args.data}: saddle-to-saddle dynamics")
    return save_figure(fig, target)


def _convergence(problem: Problem, path: SaddlePath, args: argparse.Namespace,
                 target: Path) -> Path:
    """The convergence study: its table printed, its log-log plot saved as ``target``
    (:func:`dlnsym.plotting.plot_convergence`)."""
    from dlnsym.compare import convergence_study
    from dlnsym.plotting import plot_convergence

    lambdas = args.log_inv_alpha or CONVERGENCE_LAMBDAS
    with SimulationSeries(problem, len(set(lambdas)), quiet=args.quiet,
                          dps=args.dps) as series:
        try:
            study = convergence_study(problem, lambdas, t_max=args.t_max, simulator=series)
        except Interrupted as exc:
            raise exc.keeping(_partial_study(problem, series, args)) from None
    print(study.summary())
    return plot_convergence(study, target)


def _partial_study(problem: Problem, series: SimulationSeries,
                   args: argparse.Namespace) -> str:
    """After Ctrl-C: print the study of the finished runs if there are two or more, and say
    what was kept."""
    from dlnsym.compare import convergence_study

    done = series.finished_lambdas()
    if len(done) < 2:
        return f"{NO_FIGURE} ({len(done)} of {series.count} runs had finished)"
    study = convergence_study(problem, done, t_max=args.t_max, simulator=series.replay)
    print(study.summary())
    listed = ", ".join(f"{lam:g}" for lam in done)
    return (f"the table above covers only the {len(done)} finished runs (Λ = {listed}) of "
            f"{series.count}; {NO_FIGURE}")
