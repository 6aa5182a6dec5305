"""Sweep specifications: an instance family, a grid, trials, a seed, and what to run.

A specification is a TOML file (read with :mod:`tomllib`) or the equivalent dict::

    family = "sparse"          # gaussian | sparse | integer | orthogonal
    seed = 0                   # the sweep's seed (a non-negative integer)
    trials = 10                # instances per grid cell

    [grid]                     # every value a scalar or a non-empty list
    d = 200
    delta = [0.2, 0.4, 0.6]    # n = round(δ·d); or give n itself
    rho = [0.1, 0.2, 0.3]      # k = round(ρ·n); or give k itself

    [run]
    exact = false              # Algorithm 1 in float64 (default) or exact rationals
    simulate = false           # also simulate at each grid value of log_inv_alpha
    max_saddles = 5000         # optional, as in saddle_path
    dps = 30                   # optional: simulate with mpmath at this many digits
    recovery_tol = 1e-6        # recovered ⇔ ‖β_K − w*‖∞ ≤ recovery_tol

Grid keys by family (the instance generators of :mod:`dlnsym.problems`):

==============  ====================================================================
family          data keys
==============  ====================================================================
``gaussian``    ``n`` or ``delta``, ``d``, ``k`` or ``rho``, ``noise`` (default 0.1),
                ``decimals`` — :func:`~dlnsym.problems.gaussian_sparse`
``sparse``      ``n`` or ``delta``, ``d``, ``k`` or ``rho``, ``decimals`` — the same
                design and ±1 signal ``w*`` with noiseless targets ``y = X w*``
``integer``     ``n`` or ``delta``, ``d``, ``bound`` (default 9) —
                :func:`~dlnsym.problems.random_integer`
``orthogonal``  ``d``, ``n`` (a power of two ≥ d; default the smallest) —
                :func:`~dlnsym.problems.orthogonal_design`
==============  ====================================================================

Every family also takes ``log_inv_alpha`` (Λ of the simulations; required with
``simulate = true``, refused without) and the shaped initialisation
``u_i(0) = √2·α^{λ_i}`` of Algorithm 1 and the simulation: ``init_shape`` λ₀ > 0 (default 1)
and ``init_shape_spread`` R ≥ 1 (default 1) give ``λ_i = λ₀·R^{u_i}`` with ``u_i`` uniform
on ``[−1, 1]``, drawn from the instance's seed (:meth:`Instance.shape`): a uniform shape when
R = 1, a random shape spread over ``[λ₀/R, λ₀·R]`` otherwise.

**Seeds.**  The data of an instance depend on the family, its data values (n, d, k, noise,
bound, decimals, after δ and ρ are turned into n and k) and the trial number only.  Its seed
is the first 63 bits of numpy's ``SeedSequence(spec seed, spawn_key=(*h, trial))``, where
``h`` are the eight 32-bit words of the SHA-256 digest of the canonical JSON of
``{"family": …, <data values>}`` (:func:`instance_seed`).  So one instance is reproducible from
(spec seed, cell, trial) alone, adding values to a grid leaves the other instances as they
were, and cells that differ only in Λ or the initialisation shape share their data (paired
comparisons).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import numbers
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from dlnsym.errors import ParameterError

__all__ = ["FAMILIES", "Instance", "SweepSpec", "instance_seed", "load_spec"]

#: Data keys of each family (what its generator is called with), as in the module notes.
FAMILIES: dict[str, tuple[str, ...]] = {
    "gaussian": ("n", "delta", "d", "k", "rho", "noise", "decimals"),
    "sparse": ("n", "delta", "d", "k", "rho", "decimals"),
    "integer": ("n", "delta", "d", "bound"),
    "orthogonal": ("n", "d"),
}
#: Grid keys every family takes: Λ of the simulations and the initialisation shape.
RUN_GRID_KEYS = ("log_inv_alpha", "init_shape", "init_shape_spread")
_DEFAULTS = {"gaussian": {"noise": 0.1}, "integer": {"bound": 9}}
_TOP_KEYS = ("family", "seed", "trials", "grid", "run")
_RUN_KEYS = ("exact", "simulate", "max_saddles", "dps", "recovery_tol")


@dataclass(frozen=True)
class RunOptions:
    """What runs on every instance (the ``[run]`` table)."""

    exact: bool = False
    simulate: bool = False
    max_saddles: int | None = None
    dps: int | None = None
    recovery_tol: float = 1e-6


@dataclass(frozen=True)
class Instance:
    """One instance of a sweep: everything a worker needs to build and run it.

    Attributes
    ----------
    family : str
    data : dict
        The generator's values (n, d, k, noise, bound, decimals as the family has them).
    grid : dict
        The cell as the grid gives it (δ and ρ included when the grid is over them).
    log_inv_alpha, init_shape, init_shape_spread : float or None
        Λ of the simulation, and λ₀ and R of the shape (:meth:`shape`).
    run : RunOptions
    spec_seed, trial, seed : int
        The sweep's seed, the trial number and the instance's seed (:func:`instance_seed`).
    key : str
        Identifies the row of the instance in a results table (a hash of all of the above).
    """

    family: str
    data: dict[str, Any]
    grid: dict[str, Any]
    log_inv_alpha: float | None
    init_shape: float | None
    init_shape_spread: float | None
    run: RunOptions
    spec_seed: int
    trial: int
    seed: int
    key: str = field(default="")

    def shape(self) -> np.ndarray | None:
        """The initialisation shape λ of the instance, or ``None`` for the paper's (all ones).

        ``λ_i = λ₀·R^{u_i}``, ``u_i`` uniform on ``[−1, 1]`` from a generator seeded by
        ``SeedSequence(seed, spawn_key=(1,))`` (independent of the data's draws), with
        λ₀ = ``init_shape`` and R = ``init_shape_spread`` (each 1 when not in the grid).

        Returns
        -------
        ndarray of shape (d,) or None

        Examples
        --------
        >>> spec = load_spec({"family": "integer", "grid": {"n": 3, "d": 4, "init_shape": 2.0,
        ...                                                  "init_shape_spread": [1.0, 3.0]}})
        >>> uniform, spread = spec.instances()
        >>> uniform.shape().tolist()
        [2.0, 2.0, 2.0, 2.0]
        >>> bool(all(2/3 <= v <= 6 for v in spread.shape()))
        True
        """
        base = 1.0 if self.init_shape is None else self.init_shape
        spread = 1.0 if self.init_shape_spread is None else self.init_shape_spread
        if base == 1.0 and spread == 1.0:
            return None
        d = self.data["d"]
        if spread == 1.0:
            return np.full(d, base)
        rng = np.random.default_rng(np.random.SeedSequence(self.seed, spawn_key=(1,)))
        return base * spread ** rng.uniform(-1.0, 1.0, size=d)


@dataclass(frozen=True)
class SweepSpec:
    """A validated sweep specification (see the module notes); build it with :func:`load_spec`.

    Attributes
    ----------
    family : str
    seed, trials : int
    grid : dict of str to tuple
        Each key's values, in the order given.
    run : RunOptions

    Parameters
    ----------
    family, seed, trials, grid, run
        As the attributes; :func:`load_spec` builds and validates them from a TOML file or
        a dict.

    Examples
    --------
    >>> from dlnsym import load_spec
    >>> spec = load_spec({"family": "sparse", "seed": 1, "trials": 2,
    ...                   "grid": {"d": 40, "delta": [0.25, 0.5], "rho": 0.2}})
    >>> spec.family, spec.trials, spec.grid["delta"]
    ('sparse', 2, (0.25, 0.5))
    >>> len(spec.cells()), len(spec.instances())
    (2, 4)
    """

    family: str
    seed: int
    trials: int
    grid: dict[str, tuple[Any, ...]]
    run: RunOptions

    def cells(self) -> list[dict[str, Any]]:
        """The grid's cells (Cartesian product; the last key varies fastest)."""
        keys = list(self.grid)
        return [dict(zip(keys, values, strict=True))
                for values in itertools.product(*(self.grid[k] for k in keys))]

    def instances(self) -> list[Instance]:
        """Every instance: each cell × each trial, in that order."""
        out = []
        for cell in self.cells():
            data = _data_values(self.family, cell)
            for trial in range(self.trials):
                out.append(_instance(self, cell, data, trial))
        return out

    def __len__(self) -> int:
        return math.prod(len(v) for v in self.grid.values()) * self.trials


# ----------------------------------------------------------------------------- seeds


def _canonical(obj: Any) -> str:
    """Canonical JSON (sorted keys, no spaces): equal values give equal text."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"))


def instance_seed(spec_seed: int, family: str, data: dict[str, Any], trial: int) -> int:
    """The seed of an instance's data (see the module notes).

    ``SeedSequence(spec_seed, spawn_key=(*h, trial)).generate_state(2)`` with ``h`` the words of
    ``sha256(canonical JSON of {"family": family, **data})``; the two 32-bit words make one
    integer, of which the low 63 bits are kept (so that it fits a signed 64-bit column).

    >>> a = instance_seed(0, "sparse", {"n": 20, "d": 50, "k": 3}, trial=1)
    >>> a == instance_seed(0, "sparse", {"d": 50, "k": 3, "n": 20}, trial=1)
    True
    >>> a == instance_seed(0, "sparse", {"n": 20, "d": 50, "k": 3}, trial=2)
    False
    """
    digest = hashlib.sha256(_canonical({"family": family, **data}).encode()).digest()
    words = np.frombuffer(digest, dtype="<u4").tolist()
    state = np.random.SeedSequence(spec_seed, spawn_key=(*words, trial)).generate_state(2)
    return (int(state[0]) << 32 | int(state[1])) & (2**63 - 1)


def _instance(spec: SweepSpec, cell: dict[str, Any], data: dict[str, Any],
              trial: int) -> Instance:
    seed = instance_seed(spec.seed, spec.family, data, trial)
    run = spec.run
    ident = {"family": spec.family, "data": data, "grid": cell, "run": vars(run),
             "spec_seed": spec.seed, "trial": trial}
    key = hashlib.sha256(_canonical(ident).encode()).hexdigest()[:20]
    return Instance(spec.family, data, cell, cell.get("log_inv_alpha"), cell.get("init_shape"),
                    cell.get("init_shape_spread"), run, spec.seed, trial, seed, key)


def _data_values(family: str, cell: dict[str, Any]) -> dict[str, Any]:
    """The generator's values for a cell: n from δ, k from ρ, defaults filled in.

    ``n = max(1, round(δ·d))`` and ``k = max(1, round(ρ·n))`` (round half to even).
    """
    data = {**_DEFAULTS.get(family, {}),
            **{k: v for k, v in cell.items() if k not in RUN_GRID_KEYS + ("delta", "rho")}}
    if "delta" in cell:
        data["n"] = max(1, round(cell["delta"] * cell["d"]))
    if "rho" in cell:
        data["k"] = max(1, round(cell["rho"] * data["n"]))
    if family == "orthogonal" and "n" not in data:
        data["n"] = 1 << max(0, (data["d"] - 1).bit_length())
    return data


# ------------------------------------------------------------------------ validation


def load_spec(spec: SweepSpec | dict[str, Any] | str | os.PathLike[str]) -> SweepSpec:
    """Read and validate a sweep specification.

    Parameters
    ----------
    spec : SweepSpec, dict, or path of a TOML file
        A path as a :class:`str` or :class:`~pathlib.Path` (a dict is the parsed TOML).

    Returns
    -------
    SweepSpec

    Raises
    ------
    ParameterError
        Unreadable or invalid TOML, an unknown family or key, an empty grid list, a missing
        required key, values of the wrong kind or range, or a cell whose instance cannot be
        generated (k > d, n not a power of two for the orthogonal family, …).

    Examples
    --------
    >>> spec = load_spec({"family": "sparse", "seed": 1, "trials": 2,
    ...                   "grid": {"d": 40, "delta": [0.25, 0.5], "rho": 0.2}})
    >>> len(spec), [(i.data["n"], i.data["k"]) for i in spec.instances()[::2]]
    (4, [(10, 2), (20, 4)])
    >>> load_spec({"family": "lasso", "grid": {}})
    Traceback (most recent call last):
    ...
    dlnsym.errors.ParameterError: sweep spec: unknown family 'lasso'; choose one of gaussian, sparse, integer, orthogonal
    """  # noqa: E501
    if isinstance(spec, SweepSpec):
        return spec
    if isinstance(spec, str | os.PathLike):
        spec = _read_toml(Path(spec))
    if not isinstance(spec, dict):
        raise ParameterError(
            f"sweep spec must be a dict or the path of a TOML file, got {type(spec).__name__}"
        )
    _only(spec, _TOP_KEYS, "sweep spec", "top-level key")
    family = spec.get("family")
    if family not in FAMILIES:
        raise ParameterError(f"sweep spec: unknown family {family!r}; choose one of "
                             f"{', '.join(FAMILIES)}")
    seed = _integer(spec.get("seed", 0), "seed", minimum=0)
    trials = _integer(spec.get("trials", 1), "trials", minimum=1)
    run = _run_options(_table(spec, "run"))
    grid = _grid(family, _table(spec, "grid"), run)
    result = SweepSpec(family, seed, trials, grid, run)
    for cell in result.cells():
        _check_cell(family, _data_values(family, cell))
    return result


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ParameterError(f"no such sweep spec: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ParameterError(f"cannot read the sweep spec {path}: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ParameterError(f"{path}: not valid TOML ({exc})") from None


def _table(spec: dict[str, Any], name: str) -> dict[str, Any]:
    value = spec.get(name, {})
    if not isinstance(value, dict):
        raise ParameterError(f"sweep spec: [{name}] must be a table (a dict), got {value!r}")
    return value


def _only(table: dict[str, Any], allowed: tuple[str, ...], where: str, what: str) -> None:
    unknown = [k for k in table if k not in allowed]
    if unknown:
        raise ParameterError(f"{where}: unknown {what} {unknown[0]!r}; allowed: "
                             f"{', '.join(allowed)}")


def _integer(value: Any, name: str, minimum: int) -> int:
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Integral):
        raise ParameterError(f"sweep spec: {name} must be an integer ≥ {minimum}, got {value!r}")
    if value < minimum:
        raise ParameterError(f"sweep spec: {name} must be ≥ {minimum}, got {value}")
    return int(value)


def _real(value: Any, name: str, low: float, high: float = math.inf, *,
          closed_low: bool = False) -> float:
    """A finite real number in ``(low, high]`` (``[low, high]`` with ``closed_low``)."""
    ok = (not isinstance(value, bool | np.bool_) and isinstance(value, numbers.Real)
          and math.isfinite(value))
    inside = ok and (value >= low if closed_low else value > low) and value <= high
    if not inside:
        bounds = f"{'[' if closed_low else '('}{low:g}, {high:g}{']' if high < math.inf else ')'}"
        raise ParameterError(
            f"sweep spec: {name} must be a finite number in {bounds}, got {value!r}"
        )
    return float(value)


def _boolean(value: Any, name: str) -> bool:
    if not isinstance(value, bool):
        raise ParameterError(f"sweep spec: run.{name} must be true or false, got {value!r}")
    return value


def _run_options(table: dict[str, Any]) -> RunOptions:
    _only(table, _RUN_KEYS, "sweep spec [run]", "key")
    max_saddles = table.get("max_saddles")
    dps = table.get("dps")
    return RunOptions(
        exact=_boolean(table.get("exact", False), "exact"),
        simulate=_boolean(table.get("simulate", False), "simulate"),
        max_saddles=None if max_saddles is None else _integer(max_saddles, "run.max_saddles", 1),
        dps=None if dps is None else _integer(dps, "run.dps", 15),
        recovery_tol=_real(table.get("recovery_tol", 1e-6), "run.recovery_tol", 0.0),
    )


def _value_check(key: str) -> Any:
    """The check of one grid value (name → validated value)."""
    if key in ("n", "d", "k", "bound"):
        return lambda v, name: _integer(v, name, 1)
    if key == "decimals":
        return lambda v, name: _integer(v, name, 0)
    if key == "delta":
        return lambda v, name: _real(v, name, 0.0)
    if key == "rho":
        return lambda v, name: _real(v, name, 0.0, 1.0)
    if key == "noise":
        return lambda v, name: _real(v, name, 0.0, closed_low=True)
    if key in ("log_inv_alpha", "init_shape"):
        return lambda v, name: _real(v, name, 0.0)
    return lambda v, name: _real(v, name, 1.0, closed_low=True)  # init_shape_spread


def _grid(family: str, table: dict[str, Any], run: RunOptions) -> dict[str, tuple[Any, ...]]:
    allowed = FAMILIES[family] + RUN_GRID_KEYS
    _only(table, allowed, f"sweep spec [grid] of family {family!r}", "key")
    grid: dict[str, tuple[Any, ...]] = {}
    for key, raw in table.items():
        values = raw if isinstance(raw, list | tuple) else [raw]
        if not values:
            raise ParameterError(f"sweep spec: grid.{key} is an empty list; give at least "
                                 "one value")
        check = _value_check(key)
        grid[key] = tuple(check(v, f"grid.{key}[{i}]") for i, v in enumerate(values))
    for a, b in (("n", "delta"), ("k", "rho")):
        if a in grid and b in grid:
            raise ParameterError(f"sweep spec: give grid.{a} or grid.{b}, not both")
    needs = ["d"] + ([] if family == "orthogonal" else ["n or delta"])
    if family in ("gaussian", "sparse"):
        needs.append("k or rho")
    for need in needs:
        if not any(key in grid for key in need.split(" or ")):
            raise ParameterError(f"sweep spec: family {family!r} needs grid.{need}")
    if run.simulate != ("log_inv_alpha" in grid):
        raise ParameterError(
            "sweep spec: run.simulate = true needs grid.log_inv_alpha (the Λ of the "
            "simulations)" if run.simulate else
            "sweep spec: grid.log_inv_alpha is only used by simulations; set run.simulate = true"
        )
    return grid


def _check_cell(family: str, data: dict[str, Any]) -> None:
    """Refuse, before any work, a cell whose generator would refuse it."""
    where = "sweep spec: cell " + ", ".join(f"{k} = {v}" for k, v in data.items())
    if "k" in data and data["k"] > data["d"]:
        raise ParameterError(f"{where}: the sparsity k exceeds the dimension d")
    if family == "orthogonal":
        n = data["n"]
        if n & (n - 1) or n < data["d"]:
            raise ParameterError(f"{where}: the orthogonal family needs n a power of two ≥ d")
