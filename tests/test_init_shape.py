"""Shaped initialisation ``u_i(0) = √2·α^{λ_i}``, ``v_i(0) = 0`` in :func:`simulate`.

Derivation (checked here numerically): ``u_i² − v_i² = 2α^{2λ_i}`` is conserved, so the
mirror flow has ``β_i = α^{2λ_i}·sinh(2θ_i)``; with ``s = θ/Λ``,
``β_i = sign(s_i)·½·e^{2Λ(|s_i| − λ_i)}·(1 − e^{−4Λ|s_i|})`` and the box edge is ``λ_i``.
References: mpmath's ``sinh`` form, the primal (u, v) gradient flow integrated by scipy, and
Algorithm 1 on the columns ``X_{:,i}/λ_i`` (``β_i = β'_i/λ_i``) computed here directly.
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
from scipy.integrate import solve_ivp

from dlnsym.errors import ParameterError
from dlnsym.integrate.backend import FloatBackend, MpBackend
from dlnsym.mirror_flow import beta_and_slope
from dlnsym.problems import as_problem, example, gaussian_sparse
from dlnsym.saddle_path import saddle_path
from dlnsym.simulate import simulate

from .conftest import assert_one_line_error, run_cli

A = example("A", exact=False)
SHAPE = np.array([1.0, 2.0, 0.5, 1.5, 1.0, 3.0])


@pytest.mark.parametrize("lam", [3.0, 40.0])
def test_shaped_beta_is_alpha_to_2_lambda_sinh(lam: float) -> None:
    """``β_i = α^{2λ_i}·sinh(2Λs_i)``, ``β'_i = 2Λ·sqrt(β_i² + α^{4λ_i})`` (mpmath, 40
    digits) from the overflow-free form, on float64 and at 30 digits."""
    s = np.array([0.3, -1.2, 0.45, 1.4, -0.01, 2.9])
    with mpmath.workdps(40):
        L = mpmath.mpf(lam)
        want = [mpmath.exp(-2 * L * e) * mpmath.sinh(2 * L * mpmath.mpf(v)) for v, e in
                zip(s, SHAPE, strict=True)]
        want_slope = [2 * L * mpmath.sqrt(b * b + mpmath.exp(-4 * L * e))
                      for b, e in zip(want, SHAPE, strict=True)]
    beta, slope = beta_and_slope(s, 0, lam, FloatBackend(), edge=SHAPE)
    for got, ref in ((beta, want), (slope, want_slope)):
        assert np.allclose(got, np.array(ref, dtype=float), rtol=1e-12, atol=0)
    mp = MpBackend(30)
    with mp.precision():
        beta, _ = beta_and_slope(mp.array(s), 0, mp.scalar(lam), mp, edge=mp.array(SHAPE))
        assert all(abs(b - r) <= 1e-27 * abs(r) for b, r in zip(beta, want, strict=True))


def test_shaped_flow_is_the_primal_gradient_flow() -> None:
    """Example A at Λ = 3 (α = e^{−3}): β = u ⊙ v of ``du/dt = −v ⊙ ∇L``,
    ``dv/dt = −u ⊙ ∇L`` from ``u = √2·α^λ``, ``v = 0`` (scipy, rtol 1e-12), at ``t = Λt̃``,
    equals the shaped mirror flow.  Negative control: the unshaped flow differs."""
    lam = 3.0
    alpha = math.exp(-lam)
    H, c = (np.asarray(v, dtype=float) for v in A.gram())
    d = A.d

    def field(_t: float, w: np.ndarray) -> np.ndarray:
        u, v = w[:d], w[d:]
        grad = H @ (u * v) - c
        return np.concatenate([-v * grad, -u * grad])

    times = np.linspace(0, 4, 9)
    w0 = np.concatenate([math.sqrt(2) * alpha ** SHAPE, np.zeros(d)])
    sol = solve_ivp(field, (0, lam * times[-1]), w0, method="DOP853", t_eval=lam * times,
                    rtol=1e-12, atol=1e-16)
    primal = (sol.y[:d] * sol.y[d:]).T
    ours = simulate(A, log_inv_alpha=lam, t_max=4.0, at=times, init_shape=SHAPE)
    assert np.max(np.abs(ours.beta - primal)) <= 1e-9
    plain = simulate(A, log_inv_alpha=lam, t_max=4.0, at=times)
    assert np.max(np.abs(plain.beta - primal)) > 1e-2


@pytest.mark.parametrize("problem", [example("A"), gaussian_sparse(n=10, d=20, sparsity=5,
                                                                   noise=0.1, seed=0)],
                         ids=["A", "gaussian20"])
def test_plateaus_are_the_rescaled_algorithm1_saddles_at_lambda_1e6(problem) -> None:  # noqa: ANN001
    """Mid-plateau β at Λ = 10⁶ equals ``β'/λ`` with β' the saddles of Algorithm 1 on the
    columns ``X_{:,i}/λ_i`` (to 1e-6), every jump detected at those jump times.  Negative
    control: the unshaped saddles differ from them."""
    shape = SHAPE if problem.d == 6 else np.random.default_rng(1).uniform(0.5, 2.0, problem.d)
    X = np.asarray(problem.X, dtype=float)
    rescaled = saddle_path(as_problem(X / shape, np.asarray(problem.y, dtype=float)))
    times = [float(t) for t in rescaled.times]
    tr = simulate(problem, log_inv_alpha=1e6, init_shape=shape)
    assert tr.t_end == pytest.approx(1.2 * times[-1])
    assert len(tr.jump_times) == rescaled.n_jumps
    assert np.allclose(tr.jump_times, times[1:], rtol=0, atol=1e-4)
    ends = times[1:] + [tr.t_end]
    mids = [(a + b) / 2 for a, b in zip(ends, ends[1:], strict=False)]
    sampled = tr.at(mids)
    for row, saddle in zip(sampled.beta, rescaled.saddles[1:], strict=True):
        assert np.max(np.abs(row - np.asarray(saddle, dtype=float) / shape)) <= 1e-6
    unshaped = saddle_path(problem)
    assert np.max(np.abs(np.asarray(unshaped.saddles[-1], dtype=float)
                         - np.asarray(rescaled.saddles[-1], dtype=float) / shape)) > 1e-2


@pytest.mark.parametrize(
    ("shape", "fragment"),
    [([1, 2, 3], "3 entries"), ([1, 1, 1, 0, 1, 1], "init_shape[3] = 0.0"),
     ([1, 1, 1, 1, 1, float("nan")], "init_shape[5]"), ([1, 1, 1, 1, 1, -2], "init_shape[5]"),
     ([[1, 1, 1], [1, 1, 1]], "flat vector"), ([1, 1, "x", 1, 1, 1], "'x' is not a number"),
     ([True] * 6, "not a number")],
)
def test_bad_init_shape_is_a_parameter_error(shape: list, fragment: str) -> None:
    with pytest.raises(ParameterError, match="init_shape") as info:
        simulate(A, log_inv_alpha=10, t_max=1.0, init_shape=shape)
    assert fragment in str(info.value)


@pytest.mark.parametrize("command", ["simulate", "figure"])
def test_cli_bad_init_shape_is_one_line(command: str, tmp_path) -> None:  # noqa: ANN001
    extra = ["--log-inv-alpha", "10"] if command == "simulate" else ["-o",
                                                                      str(tmp_path / "f.png")]
    proc = run_cli(command, "--example", "A", *extra, "--init-shape", "1,2,0,1,1,1", "--quiet")
    assert_one_line_error(proc, "--init-shape", "'0' (coordinate 2) is not a positive")
    proc = run_cli(command, "--example", "A", *extra, "--init-shape", "1,2", "--quiet")
    assert_one_line_error(proc, "--init-shape", "2 entries")


def test_cli_simulate_with_init_shape() -> None:
    """The jump times printed are those of the shaped limit (Algorithm 1 on X/λ)."""
    proc = run_cli("simulate", "--example", "A", "--log-inv-alpha", "1e4", "--json",
                   "--init-shape", ",".join(str(v) for v in SHAPE), "--quiet")
    assert proc.returncode == 0, proc.stderr
    import json

    doc = json.loads(proc.stdout)
    rescaled = saddle_path(as_problem(np.asarray(A.X, dtype=float) / SHAPE, A.y))
    assert np.allclose(doc["jump_times"], [float(t) for t in rescaled.times[1:]], atol=1e-2)
