"""Long computations in the CLI: progress bars on stderr and Ctrl-C.

A progress bar (tqdm) is drawn only when stderr is a terminal and ``--quiet`` is not given.
Ctrl-C during a simulation does not end it with an exception: :func:`dlnsym.simulate.simulate`
returns the part computed so far with ``interrupted = True``.  :class:`SimulationSeries`
turns that into :class:`Interrupted`, which says where the run stopped; commands add what
they kept (:meth:`Interrupted.keeping`) and :func:`dlnsym.cli.main` prints it and exits with
:data:`EXIT_INTERRUPTED`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from dlnsym.errors import DlnsymError
from dlnsym.progress import PathProgress, progress_bar

if TYPE_CHECKING:
    from dlnsym.problems import Problem
    from dlnsym.trajectory import Trajectory

#: Exit status after Ctrl-C (128 + SIGINT), as a shell reports it.
EXIT_INTERRUPTED = 130


class Interrupted(Exception):
    """Ctrl-C stopped a command: where it stopped and what it kept.

    Parameters
    ----------
    where : str
        e.g. ``"in run 2 of 2 (Λ = 1e6) at t̃ = 3.1 of 11.5"``.
    kept : str
        What the command still wrote or printed, e.g. ``"no figure written"``.
    """

    def __init__(self, where: str, kept: str = "") -> None:
        super().__init__(where, kept)
        self.where, self.kept = where, kept

    def keeping(self, kept: str) -> Interrupted:
        """The same interruption, saying that ``kept`` is what remains of the work."""
        return Interrupted(self.where, kept)

    def __str__(self) -> str:
        return f"interrupted {self.where}" + (f"; {self.kept}" if self.kept else "")


#: Bar of :class:`SimulationSeries`: its count of runs is fractional, so it is not shown.
_SERIES_FORMAT = "{desc}: {percentage:3.0f}%|{bar}| [{elapsed}<{remaining}{postfix}]"


def run_position(trajectory: Trajectory, t_max: float | None = None, *, label: str = "") -> str:
    """Where an interrupted run stopped: ``"[label ]at t̃ = 3.1[ of 11.5]"``."""
    of = f" of {t_max:.6g}" if t_max is not None else ""
    return f"{label + ' ' if label else ''}at t̃ = {trajectory.t_end:.6g}{of}"


class SimulationSeries:
    """Simulations of one problem at ``count`` values of Λ under one progress bar.

    The bar advances by one unit per run (fractionally within a run, from the integrator's
    progress callback) and shows Λ and the accelerated time reached.  Use as a context
    manager (the bar is closed on exit); pass the object itself as the ``simulator`` of
    :func:`dlnsym.compare.convergence_study`.

    Parameters
    ----------
    problem : Problem
    count : int
        How many runs the bar expects.
    quiet : bool
        No progress bar.
    **options
        Passed to every :func:`dlnsym.simulate.simulate` call (``dps``, ``at``, …).

    Attributes
    ----------
    finished : list of (Λ, Trajectory)
        The runs that reached their ``t_max``, in order.
    """

    def __init__(self, problem: Problem, count: int, *, quiet: bool, **options: Any) -> None:
        self.problem, self.count, self.options = problem, count, options
        self.finished: list[tuple[Any, Trajectory]] = []
        self._jumps: list[float] | None = None  # Algorithm 1's jump times, for the bar
        self._bar = progress_bar(count, quiet=quiet, unit="run",
                                 bar_format=_SERIES_FORMAT)

    def __enter__(self) -> SimulationSeries:
        return self

    def __exit__(self, *exc: object) -> None:
        self._bar.close()

    def _label(self, log_inv_alpha: Any) -> str:
        """``"Λ = 1e6"``, with ``"run 2 of 3"`` when there are several runs."""
        lam = f"Λ = {log_inv_alpha:g}" if isinstance(log_inv_alpha, float) else (
            f"Λ = {log_inv_alpha}")
        if self.count == 1:
            return lam
        return f"run {len(self.finished) + 1} of {self.count} ({lam})"

    def run(self, log_inv_alpha: Any, t_max: float, *, stop: bool = True,
            **options: Any) -> Trajectory:
        """Simulate at ``Λ = log_inv_alpha`` up to ``t_max``.

        Parameters
        ----------
        stop : bool
            After Ctrl-C raise :class:`Interrupted` (the partial run is dropped); with
            ``False`` return the partial trajectory (``interrupted = True``).
        **options
            Passed to :func:`dlnsym.simulate.simulate`, over those of the series.
        """
        from dlnsym.simulate import simulate

        label, start = self._label(log_inv_alpha), len(self.finished)
        self._bar.set_description_str(label, refresh=False)
        clock = PathProgress(self._jump_times(), t_max)

        def progress(t: float) -> None:
            where = ", ".join(filter(None, [clock.describe(t), f"t̃ = {t:.4g} of {t_max:.4g}"]))
            self._bar.set_postfix_str(where, refresh=False)
            self._bar.update(start + clock.fraction(t) - self._bar.n)

        trajectory = simulate(self.problem, log_inv_alpha=log_inv_alpha, t_max=t_max,
                              progress=progress, **{**self.options, **options})
        if trajectory.interrupted:
            if stop:
                where = f"in {label}" if self.count > 1 else ""
                raise Interrupted(run_position(trajectory, t_max, label=where))
            return trajectory
        self.finished.append((log_inv_alpha, trajectory))
        return trajectory

    def _jump_times(self) -> list[float]:
        """Algorithm 1's jump times for the bar (:class:`~dlnsym.progress.PathProgress`),
        computed once; none when the bar is not drawn or Algorithm 1 refuses the problem
        (the bar then runs in ``t̃``, and the simulation reports any error itself)."""
        if self._jumps is None:
            self._jumps = []
            if not self._bar.disable:
                from dlnsym.saddle_path import saddle_path

                with contextlib.suppress(DlnsymError):
                    path = saddle_path(self.problem,
                                       init_shape=self.options.get("init_shape"))
                    self._jumps = [float(t) for t in path.times[1:]]
        return self._jumps

    def __call__(self, problem: Problem, log_inv_alpha: float, t_max: float,
                 **options: Any) -> Trajectory:
        """The ``simulator(problem, Λ, t_max)`` of :func:`dlnsym.compare.convergence_study`
        and :func:`dlnsym.plotting.simulate_figure1` (``options`` override the series')."""
        return self.run(log_inv_alpha, t_max, **options)

    def replay(self, problem: Problem, log_inv_alpha: float, t_max: float) -> Trajectory:
        """A ``simulator`` that returns the finished run at ``log_inv_alpha`` again."""
        return next(tr for lam, tr in self.finished if lam == log_inv_alpha)

    def finished_lambdas(self) -> Sequence[Any]:
        """The Λ of the finished runs, in order."""
        return [lam for lam, _ in self.finished]
