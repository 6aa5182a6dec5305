"""dlnsym — saddle-to-saddle dynamics of diagonal linear networks, symbolically and numerically.

The public API, imported lazily (SymPy and mpmath load only when used):

* problems: :func:`as_problem`, :func:`read_problem`, :func:`example`, :class:`Problem`
* Algorithm 1: :func:`saddle_path` → :class:`SaddlePath`
* simulation: :func:`simulate` (mirror flow, float64 or mpmath), :func:`simulate_network`
* comparison with the limit: :func:`compare`
* symbolic derivations: :mod:`dlnsym.symbolic`
"""

from __future__ import annotations

import importlib
from typing import Any

# Functions that share their module's name are bound eagerly: importing a submodule sets the
# package attribute of the same name to the module, which would shadow a lazy export.
from dlnsym.saddle_path import SaddlePath, saddle_path

__version__ = "0.1.0"

_EXPORTS = {
    "Problem": "dlnsym.problems",
    "as_problem": "dlnsym.problems",
    "read_problem": "dlnsym.problems",
    "example": "dlnsym.problems",
    "simulate": "dlnsym.simulate",
    "Trajectory": "dlnsym.trajectory",
    "simulate_network": "dlnsym.network",
    "compare": "dlnsym.compare",
    "DlnsymError": "dlnsym.errors",
    "ProblemError": "dlnsym.errors",
    "DegenerateProblemError": "dlnsym.errors",
    "MaxSaddlesError": "dlnsym.errors",
    "ParameterError": "dlnsym.errors",
}

__all__ = sorted([*_EXPORTS, "saddle_path", "SaddlePath"])


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'dlnsym' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
