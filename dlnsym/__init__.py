"""dlnsym — saddle-to-saddle dynamics of diagonal linear networks, symbolically and numerically.

The public API:

* problems: :func:`as_problem`, :func:`read_problem`, :func:`example`, :class:`Problem`
* Algorithm 1: :func:`saddle_path` → :class:`SaddlePath`
* simulation: :func:`simulate` (mirror flow, float64 or mpmath) → :class:`Trajectory`,
  :func:`simulate_network` (the (u, v) flow itself)
* gradient descent with a step size: :func:`gradient_descent` → :class:`GDTrajectory`
  (float64 in log-coordinates or mpmath)
* comparison with the limit: :func:`compare` (and :mod:`dlnsym.compare` for convergence studies)
* conjectures: :func:`explore` searches exact instance families for a counterexample and
  shrinks it (hypothesis) → :class:`ExploreResult`; built-in claims in
  :data:`dlnsym.explore.CONJECTURES`
* sweeps over instance families on Dask: :func:`sweep` of a :class:`SweepSpec`
  (:func:`load_spec`), one row per instance in a pandas table
* errors: :class:`DlnsymError` and its subclasses :class:`ParameterError`,
  :class:`ProblemError`, :class:`DegenerateProblemError`, :class:`MaxSaddlesError`,
  :class:`ExactBudgetError`, :class:`IntegrationError`, :class:`ConjectureError`,
  :class:`DivergenceError` (:mod:`dlnsym.errors`)
* symbolic derivations: :mod:`dlnsym.symbolic` (imported on demand: it loads SymPy)

``saddle_path``, ``simulate``, ``gradient_descent``, ``compare`` and ``explore`` are both
functions and module names; the package attribute is the function, the module is reached with
``from dlnsym.compare import …``.
"""

from __future__ import annotations

from dlnsym.compare import compare
from dlnsym.errors import (
    ConjectureError,
    DegenerateProblemError,
    DivergenceError,
    DlnsymError,
    ExactBudgetError,
    MaxSaddlesError,
    ParameterError,
    ProblemError,
)
from dlnsym.explore import ExploreResult, explore
from dlnsym.gradient_descent import GDTrajectory, gradient_descent
from dlnsym.integrate.driver import IntegrationError
from dlnsym.network import simulate_network
from dlnsym.problems import Problem, as_problem, example, read_problem
from dlnsym.saddle_path import SaddlePath, saddle_path
from dlnsym.simulate import simulate
from dlnsym.sweep import SweepSpec, load_spec, sweep
from dlnsym.trajectory import Trajectory

__version__ = "0.1.0"

__all__ = [
    "ConjectureError",
    "DegenerateProblemError",
    "DivergenceError",
    "DlnsymError",
    "ExactBudgetError",
    "ExploreResult",
    "GDTrajectory",
    "IntegrationError",
    "MaxSaddlesError",
    "ParameterError",
    "Problem",
    "ProblemError",
    "SaddlePath",
    "SweepSpec",
    "Trajectory",
    "as_problem",
    "compare",
    "example",
    "explore",
    "gradient_descent",
    "load_spec",
    "read_problem",
    "saddle_path",
    "simulate",
    "simulate_network",
    "sweep",
]
