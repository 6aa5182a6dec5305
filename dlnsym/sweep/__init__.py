"""Sweeps: many saddle paths (and simulations) over an instance family, on Dask.

``dlnsym.sweep(spec, out=…)`` (:func:`dlnsym.sweep.driver.sweep`) runs every instance of a
specification (:mod:`dlnsym.sweep.spec`) and returns, and stores, one row per instance
(:mod:`dlnsym.sweep.instances`, :mod:`dlnsym.sweep.store`; read a stored table back with
:func:`dlnsym.sweep.store.read_results`).  The package attribute ``dlnsym.sweep`` is the
function; its modules are reached with ``from dlnsym.sweep.spec import …``.  pandas, pyarrow
and Dask are imported when a sweep runs, not with dlnsym.
"""

from __future__ import annotations

from dlnsym.sweep.driver import sweep
from dlnsym.sweep.spec import SweepSpec, load_spec

__all__ = ["SweepSpec", "load_spec", "sweep"]
