"""The mirror-flow simulator against named baselines, and its cost as Λ grows.

Every run integrates the whole trajectory of example A (the theory page §5, five jumps, last one at
t̃ ≈ 9.98) up to ``t̃ = 12`` on the same ODE (the theory page §3)::

    ds/dt̃ = c − H β(s),   s(0) = 0,   β_i(s) = α²·sinh(2Λ s_i) = ½·(e^{2Λ(s_i−1)} − e^{−2Λ(s_i+1)}).

Both exponentials of the last form are ≤ 1 inside the box ``|s_i| ≤ 1``, so the baselines
cannot overflow (a naive ``sinh(2Λs)`` overflows mpmath's ``odefun`` at Λ = 1000).
The Python baselines reuse :func:`dlnsym.mirror_flow.beta_of_s` and
:class:`dlnsym.mirror_flow.MirrorFlow`; heyoka needs the formula in its own expression system.

Lines (targets from issue 4):

* mp path ``simulate(dps=30)`` vs mpmath ``odefun`` at 15 digits (≤ 0.1) and vs heyoka's
  ``taylor_adaptive`` in ``heyoka.real`` at 113 bits with ``max_delta_t = 0.01`` (≤ 1).
* float path ``simulate(dps=None)`` vs scipy ``solve_ivp(method="Radau")`` with the analytic
  Jacobian ``J = −H·diag(β'(s))`` at ``rtol = 1e-10``, ``atol = 1e-12`` (≤ 0.5), and vs heyoka
  float64 with the same ``max_delta_t = 0.01`` (without it the explicit Taylor step, sized on
  β ≈ 0, jumps from 0 to t̃ = 12 in one step and returns a wrong state).
* cost of the float path at Λ = 10³, 10⁶ and of the mp path at Λ = 100, 10⁶, relative to Λ = 10
  (≤ 2: the accelerated-time integration must not slow down as α → 0); and,
  without a target, Λ = 10⁶ against Λ = 10³ (float) or 10² (mp).  At Λ = 10 the jumps are
  broad and overlap, and the exponential tails of waking and leaving coordinates span only
  2Λ = 20 e-folds; from Λ ≈ ½·ln(1/tol) on, every jump carries its full tails, which the
  integrator must resolve to the tolerance (:mod:`dlnsym.simulate`, "Cost as Λ grows").

* dimension: the whole path (default ``t_max``) of ``gaussian_sparse(n=d/2, d, sparsity=5,
  noise=0.1, seed=0)`` at Λ = 10³ for d = 100, 500, 2000, against scipy's Radau with the
  analytic Jacobian (rtol 1e-10) within a budget of 120 s ("did not finish" beyond; the ratio
  is then a bound), and against d = 100 (growth of the cost with d); for d ≤ 500 also at
  Λ = 10⁶ against the same d at Λ = 10³ (the jumps narrow to width ~10⁻⁶), and for d = 100
  at 30 digits (the mp path) against float64.

Each note gives ``max_i |Δs_i(t̃ = 12)|`` between ours and the baseline, so a fast wrong answer
shows.  Compilation of heyoka's integrators is not timed; our mp path and ``odefun`` are timed
alternately, best of 2 (after one untimed run each, which also gives the values compared);
heyoka's real runs once (it is slow); for the cost-flatness lines all Λ of a path are timed
in turn, round after round (best of 15 rounds on float64, of 4 at 30 digits), so that the
slow phases of a shared machine hit every Λ alike; the rest are the best of 3.  The
certified Radau tableau is cached per stage count and precision (rounded up to 16 digits),
so after the first mp run no line includes it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import mpmath
import numpy as np
from scipy.integrate import solve_ivp

from benchmarks._timing import Comparison, best_time, interleaved_best
from dlnsym.integrate.backend import FloatBackend
from dlnsym.mirror_flow import MirrorFlow, beta_of_s
from dlnsym.problems import example
from dlnsym.simulate import simulate

PROBLEM = example("A")
T_MAX = 12.0
LAM = 100.0
HEYOKA_BITS = 113
MAX_DELTA_T = 0.01
FLOAT_LAMS = (10.0, 1e3, 1e6)  # the cost-flatness lines: Λ = 10 first (the reference)
MP_LAMS = (10.0, 100.0, 1e6)


def _timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    """Wall-clock time of one call and its result."""
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def _ours(lam: float, dps: int | None) -> np.ndarray:
    """Final dual ``s(T_MAX)`` of our simulator, as float64."""
    traj = simulate(PROBLEM, log_inv_alpha=lam, t_max=T_MAX, dps=dps)
    return np.array([float(v) for v in traj.s[-1]])


def _odefun(lam: float, dps: int = 15) -> np.ndarray:
    """mpmath ``odefun`` (Taylor) on ``ds/dt̃ = c − Hβ(s)`` at ``dps`` digits."""
    with mpmath.workdps(dps):
        H, c = (np.vectorize(lambda v: mpmath.mpf(v.numerator) / v.denominator,
                             otypes=[object])(a) for a in PROBLEM.gram())
        lam_mp = mpmath.mpf(lam)

        def field(_t: Any, s: list) -> list:
            return list(c - H @ beta_of_s(np.array(s, dtype=object), lam_mp))

        solution = mpmath.odefun(field, 0, [mpmath.mpf(0)] * PROBLEM.d)
        return np.array([float(v) for v in solution(T_MAX)])


def _radau(lam: float) -> np.ndarray:
    """scipy Radau IIA (order 5) with the analytic Jacobian ``J = −H·diag(β'(s))``."""
    flow = MirrorFlow(PROBLEM.to_float(), lam, FloatBackend())
    zero = np.zeros(PROBLEM.d)  # MirrorFlow evaluates at s = base + offset

    def jac(_t: float, s: np.ndarray) -> np.ndarray:
        return -flow.H * flow.evaluate(s, zero).slope[None, :]

    # Newton iterates may leave the box, where e^{2Λ(|s|−1)} overflows: Radau then shrinks the
    # step, which is its normal recovery, so the warnings are silenced.
    with np.errstate(over="ignore", invalid="ignore"):
        sol = solve_ivp(lambda _t, s: flow.evaluate(s, zero).f, (0.0, T_MAX), zero,
                        method="Radau", jac=jac, rtol=1e-10, atol=1e-12)
    if not sol.success:
        raise RuntimeError(f"Radau baseline failed: {sol.message}")
    return sol.y[:, -1]


def _heyoka_integrator(lam: float, bits: int | None) -> Callable[[], np.ndarray]:
    """A compiled heyoka integrator (``bits``: ``heyoka.real`` precision, None: float64);
    returns the (untimed-compilation) propagation to ``T_MAX`` as a callable."""
    import heyoka as hy

    H, c = PROBLEM.to_float().gram()
    s = hy.make_vars(*[f"s{i}" for i in range(PROBLEM.d)])
    # β_i = ½·(e^{2Λ(s_i−1)} − e^{−2Λ(s_i+1)})  (= α²·sinh(2Λs_i), overflow-free in the box)
    beta = [0.5 * (hy.exp(2 * lam * (si - 1.0)) - hy.exp(-2 * lam * (si + 1.0))) for si in s]
    rhs = [(s[i], float(c[i]) - hy.sum([float(H[i, j]) * beta[j] for j in range(PROBLEM.d)]))
           for i in range(PROBLEM.d)]
    if bits is None:
        ta = hy.taylor_adaptive(rhs, [0.0] * PROBLEM.d)
        t_end, dt = T_MAX, MAX_DELTA_T
    else:
        ta = hy.taylor_adaptive(rhs, [hy.real(0, bits)] * PROBLEM.d, fp_type=hy.real, prec=bits)
        t_end, dt = hy.real(T_MAX, bits), hy.real(MAX_DELTA_T, bits)
    initial = ta.state.copy()

    def run() -> np.ndarray:
        ta.time = 0.0 if bits is None else hy.real(0, bits)
        ta.state[:] = initial
        ta.propagate_until(t_end, max_delta_t=dt)
        return np.array([float(v) for v in ta.state])

    return run


def _note(ours: np.ndarray, baseline: np.ndarray) -> str:
    return f"max|Δs(t̃={T_MAX:g})| = {np.max(np.abs(ours - baseline)):.1e}"


def run() -> list[Comparison]:
    """The comparisons described in the module docstring."""
    out: list[Comparison] = []
    # ---- mp path at Λ = 100 (dps = 30)
    s_mp = _ours(LAM, 30)
    s_ode = _odefun(LAM)
    t_mp, t_ode = interleaved_best(lambda: _ours(LAM, 30), lambda: _odefun(LAM), repeat=2)
    out.append(Comparison("example A, Λ=100, simulate(dps=30)", t_mp, "mpmath odefun (15 digits)",
                          t_ode, 0.1, _note(s_mp, s_ode)))
    heyoka_real = _heyoka_integrator(LAM, HEYOKA_BITS)
    t_hr, s_hr = _timed(heyoka_real)
    out.append(Comparison("example A, Λ=100, simulate(dps=30)", t_mp,
                          f"heyoka real {HEYOKA_BITS} bits, max_delta_t={MAX_DELTA_T:g}", t_hr,
                          1.0, _note(s_mp, s_hr)))
    # ---- float path at Λ = 100
    s_fl = _ours(LAM, None)
    t_fl = best_time(lambda: _ours(LAM, None))
    t_rd, s_rd = _timed(lambda: _radau(LAM))
    out.append(Comparison("example A, Λ=100, simulate(dps=None)", t_fl,
                          "scipy Radau + analytic Jacobian, rtol=1e-10", t_rd, 0.5,
                          _note(s_fl, s_rd)))
    heyoka_f64 = _heyoka_integrator(LAM, None)
    s_hf = heyoka_f64()
    t_hf = best_time(heyoka_f64)
    out.append(Comparison("example A, Λ=100, simulate(dps=None)", t_fl,
                          f"heyoka float64, max_delta_t={MAX_DELTA_T:g}", t_hf, None,
                          _note(s_fl, s_hf)))
    # ---- cost as Λ grows: time(Λ) / time(Λ = 10), all Λ timed in turn
    floats = interleaved_best(*(lambda lam=lam: _ours(lam, None) for lam in FLOAT_LAMS),
                              repeat=15)
    mps = interleaved_best(*(lambda lam=lam: _ours(lam, 30) for lam in MP_LAMS), repeat=4)
    for label, lams, times in (("None", FLOAT_LAMS, floats), ("30", MP_LAMS, mps)):
        for lam, t in zip(lams[1:], times[1:], strict=True):
            out.append(Comparison(f"example A, simulate(dps={label}), Λ={lam:g}", t,
                                  "same at Λ=10", times[0], 2.0, "time(Λ)/time(Λ=10)"))
        out.append(Comparison(f"example A, simulate(dps={label}), Λ={lams[2]:g}", times[2],
                              f"same at Λ={lams[1]:g}", times[1], None,
                              "both past the smoothing of small Λ"))
    out.extend(gaussian_rows())
    return out


# ------------------------------------------------------------------ dimension: Gaussian data

#: the Gaussian family of the dimension rows: n = d/2, 5-sparse signal, noise 0.1
GAUSSIAN_DIMS = (100, 500, 2000)
GAUSSIAN_LAM = 1e3
#: wall-clock budget of scipy's Radau per row: beyond it the row says "did not finish"
SCIPY_BUDGET = 120.0


class _OverBudget(Exception):
    """scipy's run exceeded :data:`SCIPY_BUDGET`."""


def _gaussian(d: int) -> Any:
    from dlnsym.problems import gaussian_sparse

    return gaussian_sparse(n=d // 2, d=d, sparsity=5, noise=0.1, seed=0)


def _scipy_radau_gaussian(problem: Any, lam: float, t_max: float, budget: float) -> float | None:
    """Seconds scipy's Radau (analytic Jacobian, rtol 1e-10, atol 1e-12) takes over
    ``[0, t_max]``, or ``None`` when it exceeds ``budget`` seconds."""
    flow = MirrorFlow(problem.to_float(), lam, FloatBackend())
    zero = np.zeros(problem.d)
    start = time.perf_counter()

    def fun(_t: float, s: np.ndarray) -> np.ndarray:
        if time.perf_counter() - start > budget:
            raise _OverBudget
        return flow.evaluate(s, zero).f

    def jac(_t: float, s: np.ndarray) -> np.ndarray:
        return -flow.H * flow.evaluate(s, zero).slope[None, :]

    try:
        with np.errstate(over="ignore", invalid="ignore"):
            solve_ivp(fun, (0.0, t_max), zero, method="Radau", jac=jac, rtol=1e-10, atol=1e-12)
    except _OverBudget:
        return None
    return time.perf_counter() - start


def gaussian_rows(dims: tuple[int, ...] = GAUSSIAN_DIMS, lam: float = GAUSSIAN_LAM,
                  budget: float = SCIPY_BUDGET) -> list[Comparison]:
    """``simulate`` on the whole path (default t_max) of ``gaussian_sparse(n=d/2, d)`` at
    Λ = 10³: against scipy's Radau where it finishes within ``budget``, and against the
    first d (growth of the cost with the dimension)."""
    from dlnsym.saddle_path import saddle_path

    out: list[Comparison] = []
    first: tuple[int, float] | None = None
    for d in dims:
        problem = _gaussian(d)
        path = saddle_path(problem)
        seconds, traj = _timed(lambda problem=problem: simulate(problem, log_inv_alpha=lam))
        found = len(traj.jump_times)
        name = f"gaussian d={d}, Λ={lam:g}, simulate(dps=None)"
        note = (f"{path.n_jumps} saddles, {found} jumps detected, "
                f"{traj.stats['accepted']} steps ({traj.stats['rejected']} rejected)")
        scipy_s = _scipy_radau_gaussian(problem, lam, traj.t_end, budget)
        if scipy_s is None:
            out.append(Comparison(name, seconds, "scipy Radau + analytic Jacobian", budget,
                                  None, f"{note}; scipy did not finish in {budget:g} s, the "
                                  "ratio is a bound"))
        else:
            out.append(Comparison(name, seconds, "scipy Radau + analytic Jacobian", scipy_s,
                                  None, note))
        if first is None:
            first = (d, seconds)
        else:
            out.append(Comparison(name, seconds, f"same at d={first[0]}", first[1], None,
                                  "growth with the dimension"))
        if d <= LARGE_LAM_MAX_D:
            out.append(_large_lambda_row(problem, path, d, lam, seconds))
        if d <= DIGITS_MAX_D:
            out.append(_digits_row(problem, d, lam, seconds))
    return out


#: the dimension rows repeat at 30 digits up to this d
DIGITS_MAX_D = 100
DIGITS = 30


def _digits_row(problem: Any, d: int, lam: float, seconds: float) -> Comparison:
    """The same whole path at :data:`DIGITS` digits (the mp path, on Arb) against float64:
    the price of the digits (the issue's budget is 60 s at d = 100)."""
    slow, traj = _timed(lambda: simulate(problem, log_inv_alpha=lam, dps=DIGITS))
    note = (f"{len(traj.jump_times)} jumps detected, {traj.stats['accepted']} steps "
            f"({traj.stats['rejected']} rejected); budget 60 s")
    return Comparison(f"gaussian d={d}, Λ={lam:g}, simulate(dps={DIGITS})", slow,
                      "same in float64", seconds, None, note)


#: the dimension rows repeat at Λ = 10⁶ up to this d (the jumps are 10³× narrower there)
LARGE_LAM_MAX_D = 500
LARGE_LAM = 1e6


def _large_lambda_row(problem: Any, path: Any, d: int, lam: float, seconds: float
                      ) -> Comparison:
    """The same whole path at Λ = 10⁶ against its time at ``lam``: how the cost grows when
    the jumps narrow from width ~1/``lam`` to ~10⁻⁶ in accelerated time."""
    big, traj = _timed(lambda: simulate(problem, log_inv_alpha=LARGE_LAM))
    note = (f"{path.n_jumps} saddles, {len(traj.jump_times)} jumps detected, "
            f"{traj.stats['accepted']} steps ({traj.stats['rejected']} rejected)")
    return Comparison(f"gaussian d={d}, Λ={LARGE_LAM:g}, simulate(dps=None)", big,
                      f"same at Λ={lam:g}", seconds, None, note)
