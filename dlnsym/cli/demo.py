"""``dlnsym demo``: the main job on the built-in example A, end to end.

1. Algorithm 1 in exact arithmetic: the saddle table (the theory page §5).
2. The SymPy derivation: the hyperbolic-entropy potential and its α → 0 limit.
3. The mirror flow simulated at Λ = 10, 100 and 10⁴ (float64): jump-time errors against
   Algorithm 1, and a Figure-1-style figure overlaying the trajectories on the limit.
4. The fast proofs_checks on example A: one summary line.
5. The figures, written atomically into ``--out`` (checked before step 1).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._common import add_quiet_argument, check_output_dir
from ._runs import Interrupted, progress_bar, run_position

if TYPE_CHECKING:
    from dlnsym.trajectory import Trajectory

#: The initialisation scales of the demo's simulations, as Λ = ln(1/α).
DEMO_LAMBDAS = (10.0, 100.0, 1e4)
#: The sections of the demo, as the progress bar names them.
SECTIONS = ("Algorithm 1", "symbolic derivation", "simulations", "beyond the paper",
            "checks", "figures")
#: What remains after Ctrl-C before the figures.
_KEPT = "the sections above are complete; no figures written"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="run the main job on example A and save its figures",
        description="Example A (the theory page §5): Algorithm 1 in exact arithmetic, the "
                    "symbolic derivation, simulations at Λ = 10, 100, 10⁴ against the limit, "
                    "the fast checks, and the figures.",
    )
    parser.add_argument("--out", default="demo_output", metavar="DIR",
                        help="directory for the figures, created if missing (its parent "
                             "must exist; default: demo_output)")
    add_quiet_argument(parser)
    parser.set_defaults(func=run)


class _Sections:
    """The demo's sections: a heading on stdout each, one progress-bar step each on stderr.

    Text goes through :meth:`say` so that it does not tear the bar.  Ctrl-C inside a section
    becomes :class:`~dlnsym.cli._runs.Interrupted` naming the section.
    """

    def __init__(self, quiet: bool) -> None:
        self._bar = progress_bar(len(SECTIONS), quiet=quiet, unit="section")
        self._started = 0

    def __enter__(self) -> _Sections:
        return self

    def __exit__(self, kind: type[BaseException] | None, *rest: object) -> None:
        self._bar.close()
        if kind is KeyboardInterrupt:
            kept = _KEPT if self.current != "figures" else "the figures listed above were written"
            raise Interrupted(f"during the {self.current}", kept) from None

    @property
    def current(self) -> str:
        """The name of the section running now."""
        return SECTIONS[max(self._started - 1, 0)]

    def start(self, title: str) -> None:
        """Begin the next section of :data:`SECTIONS` under the heading ``title``."""
        if self._started:
            self._bar.update(1)
        self._bar.set_description_str(SECTIONS[self._started])
        self._started += 1
        self.say(f"\n== {title}")

    def say(self, text: str) -> None:
        """Print ``text`` on stdout (above the bar, if one is drawn)."""
        self._bar.write(text, file=sys.stdout)


def _first_interrupted(trajectories: dict[float, Trajectory]) -> None:
    """Raise :class:`Interrupted` at the first run that Ctrl-C cut short."""
    for lam, trajectory in trajectories.items():
        if trajectory.interrupted:
            where = run_position(trajectory, label=f"in the simulation at Λ = {lam:g}")
            raise Interrupted(where, _KEPT)


#: the shape of the demo's shaped initialisation u_i(0) = √2·α^{λ_i} (exact entries)
DEMO_SHAPE = ("1", "1/2", "1/2", "1", "1", "1")
#: gradient descent in the demo: Λ, step size γ, and steps (to t̃ = steps·γ/Λ = 12)
DEMO_GD = (100, 0.05, 24_000)


def _beyond_the_paper(problem: Any, path: Any) -> str:
    """The shaped path of example A, gradient descent against the limit, and the explorer's
    shrunk counterexample to a monotone active set."""
    from dlnsym.compare import compare
    from dlnsym.explore import explore
    from dlnsym.gradient_descent import gradient_descent
    from dlnsym.saddle_path import saddle_path

    shaped = saddle_path(problem, init_shape=list(DEMO_SHAPE))
    lam, gamma, steps = DEMO_GD
    gd = gradient_descent(problem, log_inv_alpha=lam, step_size=gamma, steps=steps,
                          record_every=20)
    found = explore("monotone-active-set", seed=0, progress=False)
    return "\n".join([
        f"shape λ = ({', '.join(DEMO_SHAPE)}): {shaped.n_jumps} jumps, last saddle "
        f"[{', '.join(str(v) for v in shaped.saddles[-1])}] (minimum of Σ λ_i|β_i|)",
        shaped.table(),
        f"gradient descent, γ = {gamma}, Λ = {lam}, {steps} steps: jump times "
        f"{', '.join(f'{t:.4f}' for t in gd.jump_times)}; max |t̂_k − t_k| = "
        f"{compare(path, gd).max_jump_time_error:.3g}",
        f"explore: {found.summary()}",
    ])


def run(args: argparse.Namespace) -> int:
    """Check ``--out``, then run the sections in order."""
    out = check_output_dir(args.out, "the figures to")  # before the slow imports too
    from dlnsym.plotting import plot_figure1, plot_saddle_path, save_figure
    from dlnsym.problems import example
    from dlnsym.saddle_path import saddle_path
    from dlnsym.simulate import demo_runs
    from dlnsym.symbolic import demo_summary
    from proofs_checks import summary_line

    with _Sections(args.quiet) as sections:
        problem = example("A", exact=True)
        sections.start(f"Example A (n = {problem.n}, d = {problem.d}): Algorithm 1, exact "
                       "arithmetic")
        path = saddle_path(problem)
        sections.say(path.table())
        sections.say(f"last saddle β_K = [{', '.join(str(v) for v in path.saddles[-1])}]")

        sections.start("Symbolic derivation (SymPy)")
        sections.say(demo_summary())

        sections.start("Mirror flow at finite α against the limit")
        runs = demo_runs(problem, path, lambdas=DEMO_LAMBDAS)
        _first_interrupted(runs.trajectories)
        sections.say(runs.summary)

        sections.start("Beyond the paper: shaped initialisation, gradient descent, a "
                       "counterexample")
        sections.say(_beyond_the_paper(problem, path))

        sections.start("Checks")
        sections.say(summary_line(fast_only=True))

        sections.start("Figures")
        fig = plot_saddle_path(path)
        fig.suptitle("Example A: the α → 0 limit (saddle-to-saddle)")
        sections.say(f"limit:    {save_figure(fig, Path(out, 'saddle_path.png'))}")
        fig = plot_figure1(path, list(runs.trajectories.values()))
        fig.suptitle("Example A: gradient flow at Λ = ln(1/α) = 10, 100, 10⁴ against the "
                     "limit (after Pesme & Flammarion 2023, Fig. 1)")
        sections.say(f"figure 1: {save_figure(fig, Path(out, 'figure1.png'))}")
    return 0
