"""``dlnsym simulate``: the mirror flow at a given Λ = ln(1/α), float64 or mpmath."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from dlnsym.errors import ParameterError

from ._common import add_problem_arguments, problem_from_args

if TYPE_CHECKING:
    from dlnsym.saddle_path import SaddlePath
    from dlnsym.trajectory import Trajectory


def _times(text: str) -> list[float]:
    """``"t1,t2,…"`` → floats (argparse turns the ValueError into a usage error)."""
    return [float(part) for part in text.split(",") if part.strip()]


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "simulate",
        help="integrate the mirror flow at Λ = ln(1/α) (stiff, float64 or mpmath)",
        description="Integrate the accelerated mirror flow ds/dt̃ = −∇L(β(s)) of THEORY.md §3 "
        "and report β, the loss and the detected jump times.",
    )
    add_problem_arguments(parser)
    parser.add_argument(
        "--log-inv-alpha", required=True, metavar="Λ",
        help="Λ = ln(1/α) > 0, e.g. 1e6 (any size: α itself need not be representable)",
    )
    parser.add_argument(
        "--dps", type=int, default=None, metavar="D",
        help="decimal digits (≥ 15) for mpmath; default float64",
    )
    parser.add_argument(
        "--t-max", type=float, default=None, metavar="T",
        help="end of the accelerated time (default 1.2 × the last jump time of Algorithm 1)",
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
    parser.add_argument("--plot", metavar="FILE", help="save Figure-1 panels (.png/.pdf/.svg)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from dlnsym.saddle_path import saddle_path
    from dlnsym.simulate import MIN_DPS, simulate

    if args.dps is not None and args.dps < MIN_DPS:
        raise ParameterError(f"--dps must be at least {MIN_DPS}, got {args.dps}")
    if args.t_max is not None and not args.t_max > 0:
        raise ParameterError(f"--t-max must be positive, got {args.t_max}")
    problem = problem_from_args(args, exact=args.example is not None or args.dps is not None)
    path = saddle_path(problem)
    t_max = args.t_max if args.t_max is not None else 1.2 * float(path.times[-1])
    if args.at is not None:
        outside = [t for t in args.at if not 0 <= t <= t_max]
        if outside:
            raise ParameterError(
                f"--at time {outside[0]} is outside [0, t-max = {t_max:.6g}]; raise --t-max"
            )
    # tqdm's disable=None: silent when stderr is not a terminal
    with tqdm(total=t_max, unit="t̃", file=sys.stderr, disable=True if args.quiet else None,
              bar_format="{l_bar}{bar}| t̃ {n:.4g}/{total:.4g} [{elapsed}<{remaining}]") as bar:

        def progress(t: float) -> None:
            bar.update(t - bar.n)

        trajectory = simulate(
            problem,
            log_inv_alpha=args.log_inv_alpha,
            t_max=t_max,
            dps=args.dps,
            at=args.at,
            jump_levels=[float(v) for v in path.losses],
            progress=progress,
        )
    if args.plot:
        from dlnsym.plotting import plot_figure1, save_figure

        save_figure(plot_figure1(path, trajectory, t_end=trajectory.t_end), args.plot)
    if args.json:
        print(json.dumps(trajectory.to_json()))
    else:
        _print_table(trajectory, path)
    if trajectory.interrupted:
        print(
            f"dlnsym simulate: interrupted at t̃ = {trajectory.t_end:.6g} of {t_max:.6g}; "
            f"the output above holds the {len(trajectory.t)} samples computed so far",
            file=sys.stderr,
        )
        return 130
    return 0


def _print_table(trajectory: Trajectory, path: SaddlePath) -> None:
    """A human-readable summary: samples, then detected vs predicted jump times."""
    import numpy as np

    beta = trajectory.beta_float()
    print(f"{trajectory!r}")
    print(f"{'t̃':>12} {'loss':>12}  β")
    with np.printoptions(precision=6, linewidth=200):
        for t, loss, row in zip(trajectory.t, trajectory.loss, beta, strict=True):
            print(f"{t:>12.6g} {float(loss):>12.6g}  {row}")
    print(f"{'k':>3} {'t_k (limit)':>14} {'t̂_k (detected)':>16}")
    for k, tk in enumerate(path.times[1:], start=1):
        tj = trajectory.jump_times[k - 1] if k <= len(trajectory.jump_times) else float("nan")
        print(f"{k:>3} {float(tk):>14.8g} {tj:>16.8g}")
