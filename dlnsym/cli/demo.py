"""``dlnsym demo``: the main job on the built-in example A."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="run the main job on example A and save its figures",
        description="Example A (THEORY.md §5): Algorithm 1 in exact arithmetic, the saddle "
                    "table and a figure of the limit dynamics.",
    )
    parser.add_argument("--out", default="demo_output", type=Path,
                        help="directory for the figures (default: demo_output)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import matplotlib.pyplot as plt

    from dlnsym.plotting import plot_saddle_path, save_figure
    from dlnsym.problems import example
    from dlnsym.saddle_path import saddle_path

    problem = example("A", exact=True)
    path = saddle_path(problem)
    print(f"Example A (n = {problem.n}, d = {problem.d}): Algorithm 1 in exact arithmetic")
    print(path.table())
    print(f"last saddle β_K = [{', '.join(str(v) for v in path.saddles[-1])}]")
    fig = plot_saddle_path(path)
    fig.suptitle("Example A: the α → 0 limit (saddle-to-saddle)")
    target = save_figure(fig, args.out / "saddle_path.png")
    plt.close(fig)
    print(f"figure: {target}")
    return 0
