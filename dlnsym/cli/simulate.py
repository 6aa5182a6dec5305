"""``dlnsym simulate``: the mirror flow at a given Λ = ln(1/α), float64 or mpmath."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from dlnsym.errors import DegenerateProblemError, ParameterError

from ._common import (
    add_dps_argument,
    add_init_shape_argument,
    add_plot_argument,
    add_problem_arguments,
    add_quiet_argument,
    check_dps,
    check_figure_file,
    init_shape_from_args,
    number_text,
    positive_float,
    problem_from_args,
)
from ._runs import Interrupted, SimulationSeries, run_position
from ._tables import (
    arithmetic,
    missing_jumps_note,
    number,
    plural,
    print_jump_times,
    print_samples,
)

if TYPE_CHECKING:
    from dlnsym.problems import Problem
    from dlnsym.saddle_path import SaddlePath
    from dlnsym.trajectory import Trajectory


def _times(text: str) -> list[float]:
    """``"t1,t2,…"`` → floats; argparse reports an empty list or a bad number."""
    try:
        times = [float(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated times such as 0.5,1,2, got {text!r}"
        ) from None
    if not times:
        raise argparse.ArgumentTypeError("expected at least one time, such as 0.5,1,2")
    return times


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "simulate",
        help="integrate the mirror flow at Λ = ln(1/α) (stiff, float64 or mpmath)",
        description="Integrate the accelerated mirror flow ds/dt̃ = −∇L(β(s)) of the theory page §3 "
        "and report β, the loss and the detected jump times.",
    )
    add_problem_arguments(parser)
    parser.add_argument(
        "--log-inv-alpha", required=True, metavar="Λ",
        type=number_text("a positive finite number such as 1e6"),
        help="Λ = ln(1/α) > 0, e.g. 1e6 (any size: α itself need not be representable)",
    )
    add_dps_argument(parser)
    parser.add_argument(
        "--t-max", type=positive_float, default=None, metavar="T",
        help="end of the accelerated time (default 1.2 × the last jump time of Algorithm 1; "
             "with --t-max, Algorithm 1 is optional: it only supplies the limit to compare)",
    )
    parser.add_argument(
        "--at", type=_times, default=None, metavar="t1,t2,…",
        help="report exactly these times (default: every integrator step)",
    )
    parser.add_argument(
        "--json", action="store_true",
        help="print one JSON object: log_inv_alpha, t, beta (one row per time), loss, "
             "jump_times (mp values as decimal strings)",
    )
    add_plot_argument(parser)
    add_init_shape_argument(parser)
    add_quiet_argument(parser)
    parser.set_defaults(func=run)


def _limit_path(problem: Problem, args: argparse.Namespace, shape: Any = None
                ) -> SaddlePath | None:
    """Algorithm 1 on ``problem`` (with the initialisation ``shape``); ``None`` when it is
    undefined (dependent columns) but not needed, i.e. with ``--t-max`` and without
    ``--plot``."""
    from dlnsym.simulate import _limit_path as limit_path

    try:
        return limit_path(problem, shape)
    except DegenerateProblemError as exc:
        if args.t_max is None:
            raise ParameterError(f"{exc}; Algorithm 1 sets the default --t-max: give --t-max "
                                 "to simulate without it") from None
        if args.plot is not None:
            raise ParameterError(f"{exc}; --plot draws the saddle path of Algorithm 1: leave "
                                 "out --plot to simulate without it") from None
        return None


def _t_max(args: argparse.Namespace, path: SaddlePath | None) -> float:
    """``--t-max``, or the default of :func:`dlnsym.simulate.default_t_max`."""
    from dlnsym.simulate import default_t_max

    if args.t_max is not None:
        return args.t_max
    return default_t_max(path, "--t-max")  # path is None only when --t-max is given


def run(args: argparse.Namespace) -> int:
    """Check every option and output path, simulate, print, then save the plot; after
    Ctrl-C print what was computed and raise :class:`~dlnsym.cli._runs.Interrupted`."""
    from dlnsym.trajectory import check_times, plateau_losses

    check_dps(args.dps)
    if args.plot is not None:
        check_figure_file(args.plot)
    problem = problem_from_args(args, exact=args.example is not None or args.dps is not None)
    shape = init_shape_from_args(args, problem.d)
    path = _limit_path(problem, args, shape)
    t_max = _t_max(args, path)
    if args.at is not None:
        check_times(args.at, t_max, name="--at",
                    outside=f"[0, t-max = {t_max:.6g}]; raise --t-max")
    levels = plateau_losses(path)
    with SimulationSeries(problem, 1, quiet=args.quiet, dps=args.dps, at=args.at,
                          jump_levels=levels, init_shape=shape) as series:
        trajectory = series.run(args.log_inv_alpha, t_max, stop=False)
    if args.json:
        print(json.dumps(trajectory.to_json()))
    else:
        _print_table(trajectory, path)
    sys.stdout.flush()  # the results are out before saving the plot can fail
    missing_jumps_note(trajectory, path, "dlnsym simulate", "--log-inv-alpha")
    if args.plot is not None:
        _save_plot(trajectory, path, args.plot)
    if trajectory.interrupted:
        kept = f"the output above holds the {plural(len(trajectory.t), 'sample')} computed so far"
        if args.plot is not None:
            kept += f", the plot {args.plot} the same part of the run"
        raise Interrupted(run_position(trajectory, t_max), kept)
    return 0


def _save_plot(trajectory: Trajectory, path: SaddlePath, target: str) -> None:
    """Figure-1 panels of ``trajectory`` against the limit, saved atomically as ``target``."""
    from dlnsym.plotting import plot_figure1, save_figure

    save_figure(plot_figure1(path, trajectory, t_end=trajectory.t_end), target)


def _print_table(trajectory: Trajectory, path: SaddlePath | None) -> None:
    """The run in one line, the samples (t̃, loss, β: the support when d is large), then
    the detected against Algorithm 1's jump times (:mod:`dlnsym.cli._tables`)."""
    problem = trajectory.problem
    summary = ", ".join([
        f"{problem.name or 'problem'}: n = {problem.n}", f"d = {problem.d}",
        f"Λ = {number(trajectory.log_inv_alpha)}", arithmetic(trajectory.dps),
        f"{plural(len(trajectory.t), 'sample')} on t̃ ∈ [0, {number(trajectory.t_end)}]",
        f"{plural(len(trajectory.jump_times), 'jump')} detected",
    ]) + (" (interrupted)" if trajectory.interrupted else "")
    lead = [("t̃", [number(t) for t in trajectory.t]),
            ("loss", [number(v) for v in trajectory.loss])]
    print_samples(summary, lead, trajectory.beta)
    print_jump_times(trajectory.jump_times, path, limit="t_k (limit)",
                     detected="t̂_k (detected)")
