"""``dlnsym gd``: gradient descent with a step size on the network, float64 or mpmath."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
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
    check_output_file,
    init_shape_from_args,
    number_text,
    positive_int,
    problem_from_args,
)
from ._runs import Interrupted, progress_bar, run_position
from ._tables import (
    arithmetic,
    missing_jumps_note,
    number,
    plural,
    print_jump_times,
    print_samples,
)

if TYPE_CHECKING:
    from dlnsym.gradient_descent import GDTrajectory
    from dlnsym.problems import Problem
    from dlnsym.saddle_path import SaddlePath


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "gd",
        help="gradient descent with a step size on the network (float64 or mpmath)",
        description="Run gradient descent w ← w − γ∇F(w) on the diagonal linear network "
        "from u(0) = √2·α^λ, v(0) = 0 (the theory page §1) and report β, the loss and the "
        "jump times against Algorithm 1.",
    )
    add_problem_arguments(parser)
    scale = parser.add_mutually_exclusive_group(required=True)
    scale.add_argument("--log-inv-alpha", metavar="Λ",
                       type=number_text("a positive finite number such as 2302.6"),
                       help="Λ = ln(1/α) > 0, e.g. 2302.6 (any size)")
    scale.add_argument("--alpha", metavar="α",
                       type=number_text("a number in (0, 1) such as 1e-1000"),
                       help="the initialisation scale in (0, 1), e.g. 1e-1000 (read exactly)")
    parser.add_argument("--step-size", required=True, metavar="γ",
                        type=number_text("a positive finite number such as 0.1"),
                        help="the step size γ > 0, e.g. 0.1 (stable below the bound "
                             "1/max_k λ_max(|β_k|^½ H |β_k|^½) of Algorithm 1's saddles)")
    parser.add_argument("--steps", required=True, type=positive_int, metavar="K",
                        help="number of steps (the run ends at t̃ = K·γ/Λ)")
    add_dps_argument(parser, "float64 in log-coordinates")
    parser.add_argument("--record-every", type=positive_int, default=1, metavar="N",
                        help="record every N-th iterate (and the last); jumps are detected "
                             "on every iterate")
    parser.add_argument("--json", action="store_true",
                        help="print one JSON object: log_inv_alpha, step_size, k, t, beta, "
                             "u, v, loss, jump_times (mp values as decimal strings)")
    parser.add_argument("--out", metavar="FILE",
                        help="also write the trajectory to FILE (.json, or .npz for arrays), "
                             "atomically")
    add_plot_argument(parser)
    add_init_shape_argument(parser)
    add_quiet_argument(parser)
    parser.set_defaults(func=run)


def _check_out(path: str) -> Path:
    """``--out`` is a writable ``.json`` or ``.npz`` file in an existing directory (checked
    before running)."""
    target = check_output_file(path, "the trajectory")
    if target.suffix.lower() not in (".json", ".npz"):
        raise ParameterError(f"--out {path!r}: give a .json or .npz file name")
    return target


def _limit_path(problem: Problem, shape: Any, args: argparse.Namespace) -> SaddlePath | None:
    """Algorithm 1 (for the plot and the table), ``None`` if degenerate and not plotted."""
    from dlnsym.saddle_path import saddle_path

    try:
        return saddle_path(problem, init_shape=shape)
    except DegenerateProblemError as exc:
        if args.plot is not None:
            raise ParameterError(f"{exc}; --plot draws the saddle path of Algorithm 1: leave "
                                 "out --plot to run without it") from None
        return None


def run(args: argparse.Namespace) -> int:
    """Check every option and output path, run, print, write; after Ctrl-C print what was
    computed and raise :class:`~dlnsym.cli._runs.Interrupted`."""
    from dlnsym.gradient_descent import gradient_descent
    from dlnsym.trajectory import plateau_losses

    check_dps(args.dps)
    out = None if args.out is None else _check_out(args.out)
    if args.plot is not None:
        check_figure_file(args.plot)
    problem = problem_from_args(args, exact=args.example is not None or args.dps is not None)
    shape = init_shape_from_args(args, problem.d)
    path = _limit_path(problem, shape, args)
    levels = plateau_losses(path)
    bar = progress_bar(args.steps, quiet=args.quiet, unit="step")
    try:
        trajectory = gradient_descent(
            problem, alpha=args.alpha, log_inv_alpha=args.log_inv_alpha,
            step_size=args.step_size, steps=args.steps, dps=args.dps,
            record_every=args.record_every, init_shape=shape, jump_levels=levels,
            progress=lambda done: bar.update(done - bar.n),
        )
    finally:
        bar.close()
    if args.json:
        print(json.dumps(trajectory.to_json()))
    else:
        _print_table(trajectory, path)
    sys.stdout.flush()  # the results are out before writing files can fail
    missing_jumps_note(trajectory, path, "dlnsym gd", "--log-inv-alpha (smaller --alpha)")
    if out is not None:
        (trajectory.save_npz if out.suffix.lower() == ".npz" else trajectory.save_json)(out)
    if args.plot is not None:
        from dlnsym.plotting import plot_figure1, save_figure

        save_figure(plot_figure1(path, trajectory, t_end=trajectory.t_end), args.plot)
    if trajectory.interrupted:
        kept = f"the output above holds the {plural(len(trajectory.t), 'iterate')} recorded so far"
        if out is not None:
            kept += f", {args.out} the same"
        t_total = args.steps * float(trajectory.step_size) / float(trajectory.log_inv_alpha)
        where = run_position(trajectory, t_total) + f" (step {trajectory.steps} of {args.steps})"
        raise Interrupted(where, kept)
    return 0


def _print_table(trajectory: GDTrajectory, path: SaddlePath | None) -> None:
    """The run in one line, the recorded iterates (k, t̃, loss, β: the support when d is
    large), then the detected against the flow limit's jump times
    (:mod:`dlnsym.cli._tables`)."""
    problem = trajectory.problem
    summary = ", ".join([
        f"{problem.name or 'problem'}: n = {problem.n}", f"d = {problem.d}",
        f"Λ = {number(trajectory.log_inv_alpha)}",
        f"γ = {number(trajectory.step_size)}",
        arithmetic(trajectory.dps, "float64 in log-coordinates"),
        f"{plural(trajectory.steps, 'step')} ({len(trajectory.t)} recorded) on "
        f"t̃ ∈ [0, {number(trajectory.t_end)}]",
        f"{plural(len(trajectory.jump_times), 'jump')} detected",
    ]) + (" (interrupted)" if trajectory.interrupted else "")
    lead = [("k", [str(k) for k in trajectory.k]),
            ("t̃", [number(t) for t in trajectory.t]),
            ("loss", [number(v) for v in trajectory.loss])]
    print_samples(summary, lead, trajectory.beta)
    print_jump_times(trajectory.jump_times, path, limit="t_k (flow limit)",
                     detected="t̂_k (gd)")
