"""dlnsym — saddle-to-saddle dynamics of diagonal linear networks, symbolically and numerically.

The public API:

* problems: :func:`as_problem`, :func:`read_problem`, :func:`example`, :class:`Problem`
* Algorithm 1: :func:`saddle_path` → :class:`SaddlePath`
* simulation: :func:`simulate` (mirror flow, float64 or mpmath) → :class:`Trajectory`,
  :func:`simulate_network` (the (u, v) flow itself)
* gradient descent with a step size: :func:`gradient_descent` → :class:`GDTrajectory`
  (float64 in log-coordinates or mpmath)
* comparison with the limit: :func:`compare` (and ``from dlnsym.compare import
  convergence_study`` for convergence studies)
* conjectures: :func:`explore` searches exact instance families for a counterexample and
  shrinks it (hypothesis) → :class:`ExploreResult`; the built-in claims are
  :data:`~dlnsym.explore.CONJECTURES` (``from dlnsym.explore import CONJECTURES``)
* sweeps over instance families on Dask: :func:`sweep` of a :class:`SweepSpec`
  (:func:`load_spec`), one row per instance in a pandas table
* errors: :class:`DlnsymError` and its subclasses :class:`ParameterError`,
  :class:`ProblemError`, :class:`MissingFileError`, :class:`DegenerateProblemError`,
  :class:`MaxSaddlesError`, :class:`ExactBudgetError`, :class:`IntegrationError`,
  :class:`ConjectureError`, :class:`DivergenceError` (:mod:`dlnsym.errors`)
* symbolic derivations: :mod:`dlnsym.symbolic`, and figures: :mod:`dlnsym.plotting`

Submodules that ``import dlnsym`` does not load (``dlnsym.symbolic``, which loads SymPy,
``dlnsym.plotting``, which loads Matplotlib, ``dlnsym.heteroclinic``, ``dlnsym.lift``,
``dlnsym.progress`` and ``dlnsym.cli``) are imported on first access to the attribute, so
``dlnsym.symbolic.derive_mirror_flow`` works after ``import dlnsym``.

``saddle_path``, ``simulate``, ``gradient_descent``, ``compare``, ``explore`` and ``sweep``
are both functions and module names: the package attribute is the
function, so ``dlnsym.explore.CONJECTURES`` or ``dlnsym.sweep.store.COLUMNS`` is not an
attribute path.  Reach those modules' other names by importing them::

    from dlnsym.explore import CONJECTURES
    from dlnsym.compare import convergence_study
    from dlnsym.sweep.spec import instance_seed
    from dlnsym.sweep.store import COLUMNS          # needs the sweep extra (pandas)
    from dlnsym.sweep.phase import weak_threshold

or take the module object with ``importlib.import_module("dlnsym.explore")``.

Examples
--------
>>> import dlnsym
>>> dlnsym.symbolic.__name__                      # imported on first access
'dlnsym.symbolic'
>>> callable(dlnsym.explore), type(dlnsym.explore).__name__
(True, 'function')
>>> from dlnsym.explore import CONJECTURES
>>> "monotone-active-set" in CONJECTURES
True
"""

from __future__ import annotations

import importlib
from types import ModuleType

from dlnsym.compare import compare
from dlnsym.errors import (
    ConjectureError,
    DegenerateProblemError,
    DivergenceError,
    DlnsymError,
    ExactBudgetError,
    MaxSaddlesError,
    MissingFileError,
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

#: The submodules reached as attributes of the package (imported on first access when
#: ``import dlnsym`` has not loaded them); the modules named like a function
#: (:data:`_FUNCTION_MODULES`) are not among them, their attribute is the function.
_SUBMODULES = frozenset({
    "cli", "constrained_ls", "errors", "heteroclinic", "integrate", "io", "lift",
    "mirror_flow", "network", "plotting", "problems", "progress", "symbolic", "trajectory",
})

#: Modules whose package attribute is the function of the same name.
_FUNCTION_MODULES = frozenset({
    "compare", "explore", "gradient_descent", "saddle_path", "simulate", "sweep",
})

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
    "MissingFileError",
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


def __getattr__(name: str) -> ModuleType:
    """Import a submodule on first access (PEP 562): ``dlnsym.symbolic``, ``dlnsym.plotting``.

    Parameters
    ----------
    name : str
        The attribute asked for.

    Returns
    -------
    module
        The submodule ``dlnsym.<name>``.

    Raises
    ------
    AttributeError
        ``name`` is neither an attribute of the package nor one of its submodules.
    """
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    """The package's attributes and its submodules, imported or not."""
    return sorted(set(globals()) | _SUBMODULES)
