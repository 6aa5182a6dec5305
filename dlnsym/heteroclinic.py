"""The jumps between saddles as heteroclinic orbits (the theory page §4, "Jumps").

In the fast time ``τ = Λ(t̃ − t_{k+1})`` of the jump at ``t_{k+1}`` the coordinates of the free
set ``E = {i : |s_{k+1,i}| = 1}`` follow ``dβ/dτ = −2|β| ⊙ ∇L(β)`` and the others stay 0.
Started at ``β_k`` plus a tiny entry (with the sign of ``s``) in every newly hit coordinate,
this flow runs from ``β_k`` to ``β_{k+1}``.  We integrate it in log-coordinates

    z_i = ln|β_i|,   σ_i = sign(s_{k+1,i}),   β_i = σ_i·e^{z_i},
    dz_i/dτ = −2·σ_i·g_i(β),            g = ∇L(β) = Hβ − c  (restricted to E),
    ∂(dz_i/dτ)/∂z_j = −2·σ_i·H_ij·σ_j·e^{z_j},

so that a leaving coordinate decays like ``e^{−cτ}`` without ever crossing 0 (in β itself it
overshoots through 0 numerically and the flow runs off to a wrong point).  The solver is
SciPy's ``LSODA`` (it switches to a stiff BDF method when needed) with the exact Jacobian
above, run over doubling spans of τ until the surviving coordinates are stationary.  A
coordinate whose ``z`` falls below ``ln(floor)`` while its gradient still pushes it down
(``σ_i g_i > 0``) is taken to have left and is set to 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.integrate import solve_ivp

from dlnsym.errors import ParameterError
from dlnsym.problems import Problem
from dlnsym.saddle_path import SaddlePath

__all__ = ["JumpOrbit", "jump_orbit", "path_orbits"]


@dataclass(frozen=True)
class JumpOrbit:
    """A numerically integrated jump ``β_k → β_{k+1}``.

    Attributes
    ----------
    tau : ndarray, shape (m,)
        Fast times of the samples, from 0.
    beta : ndarray, shape (m, d)
        β along the orbit (0 outside the free set and after a coordinate has left).
    free : ndarray of int
        The free set ``E = {i : |s_i| = 1}``.
    limit : ndarray, shape (d,)
        β at the end of the integration.
    converged : bool
        ``max |g_i|`` over the surviving coordinates fell below ``tol``.
    residual : float
        That maximum at the end.

    Parameters
    ----------
    tau, beta, free, limit, converged, residual
        As the attributes; an orbit is built by :func:`jump_orbit`.

    Examples
    --------
    The first jump of example A: coordinate 0 grows from its seed to ``β₁,₀ = 199/394``.

    >>> from dlnsym import example, saddle_path
    >>> path = saddle_path(example("A"))
    >>> orbit = jump_orbit(path.problem, path.saddles[0], path.duals[1])
    >>> orbit.converged, orbit.free.tolist(), round(float(orbit.limit[0]), 6)
    (True, [0], 0.505076)
    """

    tau: np.ndarray
    beta: np.ndarray
    free: np.ndarray
    limit: np.ndarray
    converged: bool
    residual: float


def jump_orbit(
    problem: Problem,
    beta_start: Any,
    s_next: Any,
    *,
    seed: float = 1e-8,
    tol: float = 1e-11,
    floor: float = 1e-30,
    tau_max: float = 1e6,
) -> JumpOrbit:
    """Integrate the jump ODE from ``β_k`` (``beta_start``) on the face of ``s_{k+1}``.

    Parameters
    ----------
    problem : Problem
        The data (used in float64).
    beta_start : array-like, shape (d,)
        The saddle ``β_k`` the jump leaves.
    s_next : array-like, shape (d,)
        The dual ``s_{k+1}`` at the jump time; its ±1 entries are the free set.
    seed : float
        Magnitude of the entry given to each newly hit coordinate (``β_k,i = 0``,
        ``|s_i| = 1``), with the sign of ``s_i``.
    tol : float
        Stop when ``max |g_i|`` over the surviving free coordinates is below ``tol``.
    floor : float
        A coordinate below ``floor`` in magnitude whose gradient pushes it towards 0 has left.
    tau_max : float
        Give up (``converged = False``) after this fast time.

    Returns
    -------
    JumpOrbit

    Raises
    ------
    ParameterError
        Wrong shapes, a nonzero ``β_k,i`` off the free set or of the wrong sign, or a
        non-positive ``seed``/``tol``/``floor``.

    Examples
    --------
    >>> from dlnsym import example, saddle_path
    >>> path = saddle_path(example("A"), exact=False)
    >>> orbit = jump_orbit(path.problem, path.saddles[0], path.duals[1])
    >>> orbit.converged, bool(np.allclose(orbit.limit, path.saddles[1]))
    (True, True)
    """
    H, c = problem.to_float().gram()
    b0 = np.asarray(beta_start, dtype=float)
    s = np.asarray(s_next, dtype=float)
    d = problem.d
    if b0.shape != (d,) or s.shape != (d,):
        raise ParameterError(f"β and s must have shape ({d},), got {b0.shape} and {s.shape}")
    if min(seed, tol, floor, tau_max) <= 0:
        raise ParameterError("seed, tol, floor and tau_max must be positive")
    free = np.flatnonzero(np.abs(s) == 1.0)
    if np.any(b0[np.setdiff1d(np.arange(d), free)] != 0) or np.any(b0[free] * s[free] < 0):
        raise ParameterError("β_k must lie in the closed face of s_{k+1}: zero where |s_i| < 1 "
                             "and of the sign of s_i where |s_i| = 1")
    sigma = s[free]
    z = np.log(np.where(b0[free] != 0, np.abs(b0[free]), seed))
    alive = np.ones(len(free), dtype=bool)
    taus, betas, tau, span = [0.0], [_embed(d, free, alive, sigma, z)], 0.0, 1.0
    residual = np.inf
    while True:
        idx = np.flatnonzero(alive)
        rows = free[idx]
        Hs = H[np.ix_(rows, rows)] * np.outer(sigma[idx], sigma[idx])
        rhs_c = c[rows] * sigma[idx]

        def field(_t: float, x: np.ndarray, Hs=Hs, rhs_c=rhs_c) -> np.ndarray:
            return -2.0 * (Hs @ np.exp(x) - rhs_c)  # −2σ_i g_i with σ_iβ_i = e^{z_i}

        def jac(_t: float, x: np.ndarray, Hs=Hs) -> np.ndarray:
            return -2.0 * Hs * np.exp(x)[None, :]

        sol = solve_ivp(field, (tau, tau + span), z[idx], method="LSODA", jac=jac,
                        rtol=1e-10, atol=1e-12)
        if not sol.success:
            break
        z[idx] = sol.y[:, -1]
        tau += span
        taus.append(tau)
        betas.append(_embed(d, free, alive, sigma, z))
        g_sig = sigma * (H[np.ix_(free, free)] @ (betas[-1][free]) - c[free])
        alive &= ~((z < np.log(floor)) & (g_sig > 0))
        betas[-1] = _embed(d, free, alive, sigma, z)
        residual = float(np.max(np.abs(g_sig[alive]), initial=0.0))
        if residual < tol or tau >= tau_max:
            break
        span = min(2 * span, tau_max - tau)
    return JumpOrbit(np.array(taus), np.array(betas), free, betas[-1], residual < tol, residual)


def _embed(d: int, free: np.ndarray, alive: np.ndarray, sigma: np.ndarray,
           z: np.ndarray) -> np.ndarray:
    """β in ℝ^d: ``σ_i e^{z_i}`` on the surviving free coordinates, 0 elsewhere."""
    beta = np.zeros(d)
    beta[free[alive]] = sigma[alive] * np.exp(z[alive])
    return beta


def path_orbits(path: SaddlePath, **kwargs: Any) -> list[JumpOrbit]:
    """:func:`jump_orbit` for every jump ``β_k → β_{k+1}`` of a saddle path.

    Parameters
    ----------
    path : SaddlePath
        The path whose jumps to integrate (exact or float).
    **kwargs
        Passed to :func:`jump_orbit` (``seed``, ``tol``, ``floor``, ``tau_max``).

    Returns
    -------
    list of JumpOrbit
        One orbit per jump, in order.

    Raises
    ------
    ParameterError
        As :func:`jump_orbit`.

    Examples
    --------
    Every jump of example A ends at the next saddle, including the two where a coordinate
    leaves the support:

    >>> from dlnsym import example, saddle_path
    >>> path = saddle_path(example("A"), exact=False)
    >>> orbits = path_orbits(path)
    >>> all(o.converged for o in orbits)
    True
    >>> all(np.allclose(o.limit, path.saddles[k + 1]) for k, o in enumerate(orbits))
    True
    """
    return [jump_orbit(path.problem, path.saddles[k], path.duals[k + 1], **kwargs)
            for k in range(path.n_jumps)]
