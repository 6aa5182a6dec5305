"""One sweep instance: build its data, run Algorithm 1 (and a simulation), summarise it as a row.

:func:`run_instance` never raises for a failure of the instance itself: a degenerate problem
(:class:`~dlnsym.errors.DegenerateProblemError`) gives a row of status ``"degenerate"``, any
other exception a row of status ``"error"``, each with the message.  Ctrl-C
(:class:`KeyboardInterrupt`) is not a failure of the instance and propagates.

The summary of a saddle path ``β₀ = 0, β₁, …, β_K`` with jump times ``t₁ < … < t_K``:

* ``n_jumps = K``, ``n_saddles = K + 1`` (β₀ counted);
* ``leaving_steps``: the steps ``k → k+1`` at which some coordinate of ``supp β_k`` is not in
  ``supp β_{k+1}`` (a coordinate leaves the active set), ``leaving_coordinates`` how many
  leave in all;
* ``l1 = ‖β_K‖₁``, ``final_loss = L(β_K)``, ``support_size = |supp β_K|``,
  ``last_jump_time = t_K`` (NaN when K = 0);
* with a planted signal ``w*`` (families gaussian and sparse): ``recovery_error =
  ‖β_K − w*‖∞`` (computed exactly in exact mode) and ``recovered = recovery_error ≤
  recovery_tol``.  In the noiseless sparse family ``β_K`` is the minimum-ℓ1 interpolator,
  so ``recovered`` is the event of the Donoho–Tanner phase transition;
* with a simulation at Λ: ``max_jump_time_error = max_k |t̂_k − t_k|`` and ``plateau_error``
  of :func:`dlnsym.compare`.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from fractions import Fraction
from typing import Any

import numpy as np

from dlnsym.errors import DegenerateProblemError
from dlnsym.problems import Problem, as_problem, gaussian_sparse, orthogonal_design, random_integer
from dlnsym.saddle_path import SaddlePath, saddle_path
from dlnsym.sweep.spec import Instance

__all__ = ["build_problem", "path_summary", "run_chunk", "run_instance"]


def build_problem(instance: Instance) -> tuple[Problem, np.ndarray | None]:
    """The instance's data and its planted signal ``w*`` (``None`` for integer, orthogonal).

    The arithmetic is the run's (``run.exact``); integer data are exact either way and are
    converted to float64 for a float run.  The data are drawn from the instance's own
    ``seed`` (:func:`~dlnsym.sweep.spec.instance_seed`), so they are the same on any worker.

    Parameters
    ----------
    instance : Instance
        One instance of :meth:`~dlnsym.sweep.spec.SweepSpec.instances`.

    Returns
    -------
    problem : Problem
        The data (X, y).
    signal : ndarray or None
        The planted ``w*`` (entries in ``{−1, 0, 1}``) for the families gaussian and sparse;
        ``None`` for integer and orthogonal.

    Raises
    ------
    ProblemError
        As the generators of :mod:`dlnsym.problems`, should the data be malformed.
    AttributeError
        If ``instance`` is not an :class:`~dlnsym.sweep.spec.Instance`.

    Examples
    --------
    In the sparse family ``y = X w*`` holds exactly, with ``k = 2`` nonzero entries in ``w*``:

    >>> from dlnsym.sweep.spec import load_spec
    >>> inst = load_spec({"family": "sparse", "grid": {"n": 5, "d": 8, "k": 2}}).instances()[0]
    >>> problem, w = build_problem(inst)
    >>> bool(np.array_equal(problem.X @ w, problem.y)), int(np.count_nonzero(w))
    (True, 2)
    """
    data, exact, seed = instance.data, instance.run.exact, instance.seed
    family = instance.family
    if family in ("gaussian", "sparse"):
        problem, w = gaussian_sparse(
            data["n"], data["d"], data["k"], noise=data.get("noise", 0.0), seed=seed,
            exact=exact, decimals=data.get("decimals"), return_signal=True,
        )
        if family == "sparse":  # noiseless after any rounding of X: y = X w* exactly
            signal = w.astype(int).astype(object) if exact else w
            problem = as_problem(problem.X, problem.X @ signal, exact=exact, name=problem.name)
        return problem, w
    if family == "integer":
        problem = random_integer(data["n"], data["d"], seed=seed, bound=data["bound"])
        return (problem if exact else problem.to_float()), None
    return orthogonal_design(data["d"], data["n"], seed=seed, exact=exact), None


def _count_leaving(path: SaddlePath) -> tuple[int, int]:
    """(steps at which a coordinate leaves the support, coordinates leaving in all)."""
    steps = coordinates = 0
    for before, after in zip(path.active_sets, path.active_sets[1:], strict=False):
        gone = len(before.keys() - after.keys())
        steps += gone > 0
        coordinates += gone
    return steps, coordinates


def path_summary(path: SaddlePath, signal: np.ndarray | None, recovery_tol: float
                 ) -> dict[str, Any]:
    """The saddle-path columns of a row (see the module notes).

    ``n_jumps = K``, ``n_saddles = K + 1``, ``leaving_steps``, ``leaving_coordinates``,
    ``support_size = |supp β_K|``, ``l1 = ‖β_K‖₁``, ``final_loss = L(β_K)``,
    ``last_jump_time = t_K``; with a signal also ``recovery_error = ‖β_K − w*‖∞`` and
    ``recovered = recovery_error ≤ recovery_tol``.

    Parameters
    ----------
    path : SaddlePath
        Algorithm 1's output.
    signal : ndarray or None
        The planted ``w*`` (entries in ``{−1, 0, 1}``), or ``None``.
    recovery_tol : float
        Largest ``‖β_K − w*‖∞`` that counts as recovery.

    Returns
    -------
    dict
        Column name → value (Python ints, floats and a bool).

    Raises
    ------
    AttributeError
        If ``path`` is not a :class:`~dlnsym.saddle_path.SaddlePath`.
    ValueError
        If ``signal`` does not have ``d`` entries (``zip(..., strict=True)``).

    Examples
    --------
    Example A's last saddle is ``(179/306, −371/459, 0, 97/153, 0, 0)`` after five jumps;
    coordinates 1 and 4 leave the support at the steps 2 → 3 and 3 → 4:

    >>> import dlnsym
    >>> s = path_summary(dlnsym.saddle_path(dlnsym.example("A")), None, 1e-6)
    >>> s["n_jumps"], s["leaving_steps"], s["l1"] == 179/306 + 371/459 + 97/153
    (5, 2, True)
    """
    last = path.saddles[-1]
    leaving_steps, leaving_coordinates = _count_leaving(path)
    row: dict[str, Any] = {
        "n_jumps": path.n_jumps,
        "n_saddles": path.n_jumps + 1,
        "leaving_steps": leaving_steps,
        "leaving_coordinates": leaving_coordinates,
        "support_size": len(path.active_sets[-1]),
        "l1": float(sum(abs(v) for v in last)),  # ‖β_K‖₁, exactly summed in exact mode
        "final_loss": float(path.losses[-1]),
        "last_jump_time": float(path.times[-1]) if path.n_jumps else math.nan,
    }
    if signal is not None:
        if path.exact:  # ‖β_K − w*‖∞ in rationals, w* ∈ {−1, 0, 1}^d
            error = float(max(abs(b - Fraction(int(w))) for b, w in zip(last, signal,
                                                                         strict=True)))
        else:
            error = float(np.max(np.abs(np.asarray(last, dtype=float) - signal)))
        row["recovery_error"] = error
        row["recovered"] = error <= recovery_tol
    return row


def _simulation_summary(problem: Problem, path: SaddlePath, instance: Instance,
                        shape: dict[str, Any]) -> dict[str, Any]:
    """Simulate at Λ up to the default end (1.2 t_K) and compare with the path."""
    from dlnsym.compare import compare
    from dlnsym.simulate import default_t_max, simulate
    from dlnsym.trajectory import plateau_losses

    trajectory = simulate(
        problem, log_inv_alpha=instance.log_inv_alpha, t_max=default_t_max(path),
        jump_levels=plateau_losses(path), dps=instance.run.dps, **shape,
    )
    if trajectory.interrupted:  # Ctrl-C inside the integrator: stop the sweep, not a row
        raise KeyboardInterrupt
    comparison = compare(path, trajectory)
    return {"max_jump_time_error": comparison.max_jump_time_error,
            "plateau_error": comparison.plateau_error}


def instance_columns(instance: Instance) -> dict[str, Any]:
    """The columns that identify an instance: its key, family, seeds, cell and options."""
    data, grid = instance.data, instance.grid
    return {
        "instance": instance.key,
        "family": instance.family,
        "spec_seed": instance.spec_seed,
        "trial": instance.trial,
        "seed": instance.seed,
        "n": data["n"],
        "d": data["d"],
        "k": data.get("k"),
        "delta": grid.get("delta", data["n"] / data["d"]),
        "rho": grid.get("rho", data["k"] / data["n"] if "k" in data else None),
        "noise": data.get("noise", 0.0 if instance.family == "sparse" else None),
        "bound": data.get("bound"),
        "decimals": data.get("decimals"),
        "log_inv_alpha": instance.log_inv_alpha,
        "init_shape": instance.init_shape,
        "init_shape_spread": instance.init_shape_spread,
        "exact": instance.run.exact,
        "simulated": instance.run.simulate,
    }


def run_instance(instance: Instance) -> dict[str, Any]:
    """Build and run one instance; its row (status ``"ok"``, ``"degenerate"`` or ``"error"``).

    Algorithm 1 runs in the arithmetic of ``instance.run`` (and, with ``run.simulate``, a
    simulation at ``instance.log_inv_alpha`` is compared with the path).

    Parameters
    ----------
    instance : Instance
        One instance of :meth:`~dlnsym.sweep.spec.SweepSpec.instances`.

    Returns
    -------
    dict
        The row: the instance's identifying columns, the :func:`path_summary` columns (and
        the simulation's ``max_jump_time_error`` and ``plateau_error``), ``status``,
        ``message`` (the exception's, or ``""``), ``seconds`` and ``finished_at`` (UTC).

    Raises
    ------
    KeyboardInterrupt
        On Ctrl-C (also inside the integrator); any other exception becomes a row of status
        ``"degenerate"`` (:class:`~dlnsym.errors.DegenerateProblemError`) or ``"error"``.

    Examples
    --------
    One nonzero entry among 16 is recovered from 12 noiseless measurements:

    >>> from dlnsym.sweep.spec import load_spec
    >>> spec = load_spec({"family": "sparse", "grid": {"n": 12, "d": 16, "k": 1}})
    >>> row = run_instance(spec.instances()[0])
    >>> row["status"], row["recovered"]
    ('ok', True)
    """
    row = instance_columns(instance)
    lam = instance.shape()
    shape = {} if lam is None else {"init_shape": lam}
    start = time.perf_counter()
    try:
        problem, signal = build_problem(instance)
        path = saddle_path(problem, exact=instance.run.exact,
                           max_saddles=instance.run.max_saddles, **shape)
        row.update(path_summary(path, signal, instance.run.recovery_tol))
        if instance.run.simulate:
            row.update(_simulation_summary(problem, path, instance, shape))
        row["status"], row["message"] = "ok", ""
    except DegenerateProblemError as exc:
        row["status"], row["message"] = "degenerate", str(exc)
    except Exception as exc:  # noqa: BLE001 — one instance's failure is a row, not the end
        row["status"], row["message"] = "error", f"{type(exc).__name__}: {exc}"
    row["seconds"] = time.perf_counter() - start
    row["finished_at"] = datetime.now(UTC)
    return row


def run_chunk(instances: Sequence[Instance]) -> list[dict[str, Any]]:
    """The rows of several instances, run in turn (one Dask task).

    Parameters
    ----------
    instances : sequence of Instance
        The instances of one task.

    Returns
    -------
    list of dict
        One :func:`run_instance` row per instance, in order.

    Raises
    ------
    KeyboardInterrupt
        On Ctrl-C; failures of single instances are rows, as in :func:`run_instance`.

    Examples
    --------
    Run in this process, no Dask needed.  Integer data with ``n = 2``, ``d = 3`` and
    entries in ``{−1, 0, 1}`` often repeat a column, which makes the instance degenerate in
    exact arithmetic:

    >>> from dlnsym.sweep.spec import load_spec
    >>> spec = load_spec({"family": "integer", "trials": 3, "run": {"exact": True},
    ...                   "grid": {"n": 2, "d": 3, "bound": 1}})
    >>> [row["status"] for row in run_chunk(spec.instances())]
    ['ok', 'degenerate', 'ok']
    """
    return [run_instance(instance) for instance in instances]


def failed_rows(instances: Sequence[Instance], message: str) -> list[dict[str, Any]]:
    """Rows of status ``"error"`` for instances whose task failed as a whole (a worker died)."""
    now = datetime.now(UTC)
    return [{**instance_columns(i), "status": "error", "message": message,
             "seconds": math.nan, "finished_at": now} for i in instances]
