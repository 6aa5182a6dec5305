"""Phase diagrams of a sweep: statistics over (δ, ρ) = (n/d, k/n), and the Donoho–Tanner curve.

The last saddle of Algorithm 1 is the minimum-ℓ1 interpolator, so on noiseless sparse data
(family ``sparse``) the event "β_K = w*" is exact recovery by ℓ1 minimisation (basis
pursuit), whose probability on Gaussian designs jumps from 1 to 0 across the *weak threshold*
ρ_W(δ) of Donoho & Tanner as d → ∞ with δ = n/d and ρ = k/n fixed.  :func:`weak_threshold`
computes it from the state-evolution formula of Donoho, Maleki & Montanari (PNAS 2009) for
signed signals,

    ρ_W(δ) = max_{z ≥ 0} [1 − (2/δ)·m(z)] / [1 + z² − 2·m(z)],
    m(z) = (1 + z²)·Φ(−z) − z·φ(z),

with Φ, φ the standard normal distribution and density.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import numpy as np

from dlnsym.errors import ParameterError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["phase_table", "weak_threshold"]


def weak_threshold(delta: Any) -> np.ndarray:
    """The Donoho–Tanner weak threshold ρ_W(δ) of ℓ1 recovery of signed signals.

    Parameters
    ----------
    delta : float or array-like
        Undersampling ratios δ = n/d in (0, 1).

    Returns
    -------
    ndarray
        ρ_W at each δ (same shape).

    Raises
    ------
    ParameterError
        If some δ is not in the open interval (0, 1) (NaN included).

    Examples
    --------
    >>> round(float(weak_threshold(0.5)), 4)
    0.3857
    """
    from scipy.optimize import minimize_scalar
    from scipy.stats import norm

    deltas = np.asarray(delta, dtype=float)
    if np.any(~((deltas > 0) & (deltas < 1))):
        raise ParameterError(f"weak_threshold: δ must lie in (0, 1), got {delta!r}")

    def rho(d: float) -> float:
        def minus(z: float) -> float:
            m = (1 + z * z) * norm.cdf(-z) - z * norm.pdf(z)
            return -(1 - 2 * m / d) / (1 + z * z - 2 * m)

        best = minimize_scalar(minus, bounds=(0.0, 10.0), method="bounded",
                               options={"xatol": 1e-12})
        return -best.fun

    return np.vectorize(rho, otypes=[float])(deltas)


def phase_table(results: pd.DataFrame | str | os.PathLike[str], value: str
                ) -> pd.DataFrame:
    """The mean of column ``value`` over the ``ok`` rows of each (δ, ρ) cell.

    Parameters
    ----------
    results : DataFrame or path
        A table of :func:`dlnsym.sweep` (or the path of one).
    value : str
        e.g. ``"recovered"`` (the recovery probability) or ``"n_saddles"``.

    Returns
    -------
    DataFrame
        Index ρ (ascending), columns δ (ascending); NaN where a cell has no value.

    Raises
    ------
    ParameterError
        No such column, or no ``ok`` row with a value and both δ and ρ; or, for a path, as
        :func:`~dlnsym.sweep.store.read_results`.

    Examples
    --------
    A tiny sweep of the sparse family, run in this process (no Dask cluster).  With
    ``d = 8``: at δ = 1 (n = d) every signal is recovered, at δ = ½ the denser signals
    (ρ = ½, k = 2 of n = 4) are not:

    >>> from dlnsym import load_spec
    >>> from dlnsym.sweep.instances import run_chunk
    >>> from dlnsym.sweep.store import to_frame
    >>> spec = load_spec({"family": "sparse", "trials": 2,
    ...                   "grid": {"d": 8, "delta": [0.5, 1.0], "rho": [0.25, 0.5]}})
    >>> results = to_frame(run_chunk(spec.instances()))
    >>> phase_table(results, "recovered").to_numpy().tolist()
    [[1.0, 1.0], [0.0, 1.0]]
    >>> phase_table(results, "n_saddles").to_numpy().tolist()
    [[3.0, 3.0], [5.0, 7.0]]
    """
    import pandas as pd

    from dlnsym.sweep.store import read_results

    frame = results if isinstance(results, pd.DataFrame) else read_results(results)
    if value not in frame.columns:
        raise ParameterError(f"the results have no column {value!r}")
    rows = frame[(frame["status"] == "ok") & frame[value].notna() & frame["delta"].notna()
                 & frame["rho"].notna()]
    if rows.empty:
        raise ParameterError(
            f"no finished (status ok) rows with {value!r}, δ and ρ in the results: a phase "
            "diagram needs a sweep of the gaussian or sparse family"
        )
    values = rows[value].astype(float)
    return values.groupby([rows["rho"], rows["delta"]]).mean().unstack("delta").sort_index()
