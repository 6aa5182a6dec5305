"""``dlnsym demo``: the main job on the built-in example A, end to end.

1. Algorithm 1 in exact arithmetic: the saddle table (THEORY.md §5).
2. The SymPy derivation: the hyperbolic-entropy potential and its α → 0 limit.
3. The mirror flow simulated at Λ = 10, 100 and 10⁴ (float64): jump-time errors against
   Algorithm 1, and a Figure-1-style figure overlaying the trajectories on the limit.
4. The fast proofs_checks on example A: one summary line.
"""

from __future__ import annotations

import argparse
from pathlib import Path

#: The initialisation scales of the demo's simulations, as Λ = ln(1/α).
DEMO_LAMBDAS = (10.0, 100.0, 1e4)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="run the main job on example A and save its figures",
        description="Example A (THEORY.md §5): Algorithm 1 in exact arithmetic, the "
                    "symbolic derivation, simulations at Λ = 10, 100, 10⁴ against the limit, "
                    "the fast checks, and the figures.",
    )
    parser.add_argument("--out", default="demo_output", type=Path,
                        help="directory for the figures (default: demo_output)")
    parser.set_defaults(func=run)


def _section(title: str) -> None:
    print(f"\n== {title}")


def run(args: argparse.Namespace) -> int:
    from dlnsym.plotting import plot_figure1, plot_saddle_path, save_figure
    from dlnsym.problems import example
    from dlnsym.saddle_path import saddle_path
    from dlnsym.simulate import demo_runs
    from dlnsym.symbolic import demo_summary
    from proofs_checks import summary_line

    problem = example("A", exact=True)
    path = saddle_path(problem)
    _section(f"Example A (n = {problem.n}, d = {problem.d}): Algorithm 1, exact arithmetic")
    print(path.table())
    print(f"last saddle β_K = [{', '.join(str(v) for v in path.saddles[-1])}]")

    _section("Symbolic derivation (SymPy)")
    print(demo_summary())

    _section("Mirror flow at finite α against the limit")
    runs = demo_runs(problem, path, lambdas=DEMO_LAMBDAS)
    print(runs.summary)

    _section("Checks")
    print(summary_line(fast_only=True))

    _section("Figures")
    fig = plot_saddle_path(path)
    fig.suptitle("Example A: the α → 0 limit (saddle-to-saddle)")
    print(f"limit:    {save_figure(fig, args.out / 'saddle_path.png')}")
    fig = plot_figure1(path, list(runs.trajectories.values()))
    fig.suptitle("Example A: gradient flow at Λ = ln(1/α) = 10, 100, 10⁴ against the limit "
                 "(after Pesme & Flammarion 2023, Fig. 1)")
    print(f"figure 1: {save_figure(fig, args.out / 'figure1.png')}")
    return 0
