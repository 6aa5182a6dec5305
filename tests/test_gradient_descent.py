"""Tests of dlnsym.gradient_descent: GD with a step size on the network, both arithmetic paths.

Expected values come from computations written out here: a plain mpmath loop of
``w ← w − γ∇F(w)`` in (u, v) at many digits, the mp path itself for the float path, the flow
(:func:`dlnsym.simulate`) for small γ, Algorithm 1's saddles, and the first-jump time
``γ/ln(1 + γ‖c‖_∞)`` of a constant gradient (module notes of dlnsym.gradient_descent).
"""

from __future__ import annotations

import json
import math
from fractions import Fraction

import mpmath
import numpy as np
import pytest

import dlnsym
from dlnsym.errors import DivergenceError, ParameterError
from dlnsym.gradient_descent import GDTrajectory, gradient_descent, step_size_bound
from dlnsym.problems import example

from .conftest import assert_one_line_error, run_cli

A = example("A")
PATH = dlnsym.saddle_path(A)
LAMBDA_1000 = 1000 * math.log(10)  # α = 1e-1000


def _mp(value: object) -> mpmath.mpf:
    value = Fraction(value)
    return mpmath.mpf(value.numerator) / value.denominator


def plain_gd(lam: float, gamma: str, steps: int, digits: int,
             shape: list[float] | None = None) -> list[list[mpmath.mpf]]:
    """β after each step of u ← u − γ·v⊙∇L(u⊙v), v ← v − γ·u⊙∇L(u⊙v), ∇L(β) = Xᵀ(Xβ − y)/n,
    from u_i = √2·α^{λ_i}, v = 0, at ``digits`` digits (enough to hold u_i² − v_i² ~ α²)."""
    n, d = A.n, A.d
    with mpmath.workdps(digits):
        X = [[_mp(v) for v in row] for row in A.X]
        y = [_mp(v) for v in A.y]
        g_ = mpmath.mpf(gamma)
        alpha = mpmath.exp(-mpmath.mpf(lam))
        u = [mpmath.sqrt(2) * alpha ** mpmath.mpf(shape[i] if shape else 1) for i in range(d)]
        v = [mpmath.mpf(0)] * d
        betas = []
        for _ in range(steps):
            beta = [u[i] * v[i] for i in range(d)]
            res = [sum(X[a][j] * beta[j] for j in range(d)) - y[a] for a in range(n)]
            grad = [sum(X[a][i] * res[a] for a in range(n)) / n for i in range(d)]
            u, v = ([u[i] - g_ * v[i] * grad[i] for i in range(d)],
                    [v[i] - g_ * u[i] * grad[i] for i in range(d)])
            betas.append([u[i] * v[i] for i in range(d)])
        return betas


def _max_rel(got: np.ndarray, want: np.ndarray, floor: float = 0.0) -> float:
    """Largest ``|got − want|/|want|`` over the entries with ``|want| > floor`` (in mpf)."""
    with mpmath.workdps(60):
        return max(float(abs((mpmath.mpf(g) - w) / w)) for g, w in
                   zip(np.ravel(got), np.ravel(want), strict=True) if w != 0 and abs(w) > floor)


# ------------------------------------------------------------------------------ mp path


def test_mp_path_matches_a_written_out_loop():
    """300 steps at Λ = 5, γ = 0.1 (t̃ up to 6: through four jumps, one coordinate leaving)."""
    lam, steps = 5.0, 300
    ref = plain_gd(lam, "0.1", steps, digits=30 + 30)
    tr = gradient_descent(A, log_inv_alpha=lam, step_size="0.1", steps=steps, dps=30)
    assert tr.k.tolist() == list(range(steps + 1))
    assert all(b == 0 for b in tr.beta[0])
    assert _max_rel(tr.beta[1:], np.array(ref, dtype=object)) < 1e-26
    assert len(tr.jump_times) == 4


def test_init_shape_is_honoured():
    shape = [1, 2, 0.5, 1.5, 1, 3]
    ref = plain_gd(3.0, "0.1", 200, digits=60, shape=shape)
    mp = gradient_descent(A, log_inv_alpha=3, step_size="0.1", steps=200, dps=30,
                          init_shape=shape)
    assert _max_rel(mp.beta[1:], np.array(ref, dtype=object)) < 1e-26
    fl = gradient_descent(A, log_inv_alpha=3, step_size="0.1", steps=200, init_shape=shape)
    assert _max_rel(fl.beta[1:], np.array(ref, dtype=object)) < 1e-12
    np.testing.assert_array_equal(fl.init_shape, shape)
    # and it matters: the unshaped run differs at the first order
    plain = gradient_descent(A, log_inv_alpha=3, step_size="0.1", steps=200)
    assert np.max(np.abs(plain.beta[-1] - fl.beta[-1])) > 1e-2


def test_alpha_and_log_inv_alpha_agree_at_1e_minus_1000():
    a = gradient_descent(A, alpha="1e-1000", step_size="0.5", steps=3, dps=25)
    with mpmath.workdps(40):
        lam = -mpmath.log(mpmath.mpf("1e-1000"))
        b = gradient_descent(A, log_inv_alpha=lam, step_size="0.5", steps=3, dps=25)
        # two steps of g = −c: β₀ = (α²/2)((1 + γc₀)⁴ − (1 − γc₀)⁴)
        x = mpmath.mpf("0.5") * _mp(Fraction(199, 150))
        want = mpmath.mpf("1e-2000") / 2 * ((1 + x) ** 4 - (1 - x) ** 4)
        assert abs(a.beta[2, 0] / want - 1) < 1e-20
    assert _max_rel(a.beta[1:], b.beta[1:]) < 1e-22


# ---------------------------------------------------------------------- float vs mp path


@pytest.mark.parametrize(("lam", "gamma", "steps"), [(5, "0.1", 600), (20, "0.25", 1000)])
def test_float_log_path_matches_the_mp_path(lam, gamma, steps):
    fl = gradient_descent(A, log_inv_alpha=lam, step_size=gamma, steps=steps)
    mp = gradient_descent(A, log_inv_alpha=lam, step_size=gamma, steps=steps, dps=30)
    assert fl.jump_times == pytest.approx(mp.jump_times, abs=1e-12)
    assert len(fl.jump_times) >= 3
    assert _max_rel(fl.beta[1:], mp.beta[1:]) < 1e-10   # measured 1e-13 … 6e-13
    assert _max_rel(fl.u, mp.u) < 1e-10 and _max_rel(fl.v[1:], mp.v[1:]) < 1e-10
    assert np.max(np.abs(fl.s - np.asarray(mp.s, dtype=float))) < 1e-13
    assert np.max(np.abs(fl.loss - np.asarray(mp.loss, dtype=float))) < 1e-13


def test_float_path_at_alpha_1e_minus_1000_through_the_first_jump():
    """β is ~1e-2000 for 3900 steps (0 in float64), then of order one; s all along."""
    kwargs = {"step_size": "0.6", "steps": 4200, "record_every": 50}
    fl = gradient_descent(A, alpha="1e-1000", **kwargs)
    mp = gradient_descent(A, alpha="1e-1000", dps=20, **kwargs)
    assert fl.log_inv_alpha == pytest.approx(LAMBDA_1000, rel=1e-15)
    assert len(fl.jump_times) == len(mp.jump_times) == 1
    assert fl.jump_times[0] == pytest.approx(mp.jump_times[0], abs=1e-12)
    assert _max_rel(fl.beta[1:], mp.beta[1:], floor=1e-300) < 1e-10
    assert np.all(fl.beta[np.abs(np.asarray(mp.beta, dtype=float)) == 0] == 0)
    assert np.max(np.abs(fl.s - np.asarray(mp.s, dtype=float))) < 1e-13
    # on the first plateau: β₁ = 199/394 in coordinate 0
    assert float(mp.beta[-1, 0]) == pytest.approx(199 / 394, rel=1e-9)


def test_float_path_at_lambda_1e6_matches_the_mp_path_in_s():
    """At Λ = 10⁶ β ~ e^{−2·10⁶} underflows; s = arcsinh(β/α²)/2Λ does not."""
    fl = gradient_descent(A, log_inv_alpha=1e6, step_size="0.5", steps=300, record_every=30)
    mp = gradient_descent(A, log_inv_alpha=1e6, step_size="0.5", steps=300, record_every=30,
                          dps=20)
    assert np.all(fl.beta == 0)
    with mpmath.workdps(30):
        assert all(-870000 < mpmath.log10(abs(b)) < -868000 for b in mp.beta[-1])
    assert np.max(np.abs(fl.s - np.asarray(mp.s, dtype=float))) < 1e-15
    assert np.max(np.abs(fl.s[-1])) > 1e-4


def test_first_jump_at_large_lambda_is_that_of_a_constant_gradient():
    """On the first plateau g = −c, so S + |D| of coordinate 0 grows by 2·ln(1 + γc₀) per step
    and reaches 2Λ after Λ/ln(1 + γc₀) steps: t̃₁ → γ/ln(1 + γc₀) as Λ → ∞ (vs 1/c₀)."""
    gamma, c0 = 0.6, 199 / 150
    tr = gradient_descent(A, alpha="1e-1000", step_size=gamma, steps=4200, record_every=4200)
    assert tr.jump_times[0] == pytest.approx(gamma / math.log1p(gamma * c0), abs=2e-3)
    assert abs(tr.jump_times[0] - 1 / c0) > 0.2


# ------------------------------------------------------------------------ against the flow


def test_small_step_approaches_the_flow():
    """GD jumps later than the flow: a step adds 2·ln(1 + γ|g|) < 2γ|g| to the exponent,
    a relative delay ≤ γG/2 with G = max_k ‖∇L(β_k)‖_∞; tolerance γ·G·t̂_k, and the delay
    halves with γ (first order)."""
    lam = 10
    flow = dlnsym.simulate(A, log_inv_alpha=lam, t_max=11)
    H, c = (np.asarray(m, dtype=float) for m in A.gram())
    G = max(np.max(np.abs(H @ np.asarray(b, dtype=float) - c)) for b in PATH.saddles)
    delays = {}
    for gamma in (0.04, 0.02):
        gd = gradient_descent(A, log_inv_alpha=lam, step_size=gamma, steps=round(11 * lam / gamma),
                              record_every=25)
        assert len(gd.jump_times) == len(flow.jump_times) == 5
        delays[gamma] = np.array(gd.jump_times) - np.array(flow.jump_times)
        assert np.all(np.abs(delays[gamma]) <= gamma * G * np.array(flow.jump_times))
        cmp_ = dlnsym.compare(PATH, gd)
        assert np.all(np.isfinite(cmp_.jump_times))
    ratio = delays[0.04] / delays[0.02]
    assert np.all(np.abs(ratio - 2) < 0.25), ratio   # 1.81 … 1.996: O(γ²) left


def test_plateaus_at_large_lambda_are_algorithm_1_saddles():
    """The saddles are fixed points of GD whatever γ; at α = 1e-1000 the iterates sit on them
    (first two plateaus; the whole path is the slow test below)."""
    gd = gradient_descent(A, alpha="1e-1000", step_size=0.1, steps=round(1.4 * LAMBDA_1000 / 0.1),
                          record_every=100)
    cmp_ = dlnsym.compare(PATH, gd)
    assert cmp_.plateau_errors[0] < 1e-300 and cmp_.plateau_errors[1] < 1e-12
    assert abs(cmp_.jump_time_errors[0]) < 0.1 / 2 * 1.1   # ≈ γ/2 (constant-gradient delay)


@pytest.mark.slow
def test_whole_path_at_large_lambda():
    gamma = 0.05
    gd = gradient_descent(A, alpha="1e-1000", step_size=gamma,
                          steps=round(12.5 * LAMBDA_1000 / gamma), record_every=200)
    cmp_ = dlnsym.compare(PATH, gd)
    assert len(gd.jump_times) == 5
    assert np.nanmax(cmp_.plateau_errors) < 1e-6
    assert float(gd.loss[-1]) < 1e-20


# ------------------------------------------------------------------ records, exports, Ctrl-C


def test_records_exports_and_compare_on_the_mp_path(tmp_path):
    tr = gradient_descent(A, log_inv_alpha=4, step_size="0.1", steps=250, record_every=100,
                          dps=20)
    assert isinstance(tr, GDTrajectory)
    assert tr.k.tolist() == [0, 100, 200, 250]
    np.testing.assert_allclose(tr.time, tr.k * 0.1)
    np.testing.assert_allclose(tr.t, tr.k * 0.1 / 4)
    assert tr.t_end == pytest.approx(250 * 0.1 / 4) and tr.steps == 250
    doc = tr.to_json()
    assert doc["step_size"] == "0.1" and doc["k"] == [0, 100, 200, 250]
    assert isinstance(doc["u"][1][0], str) and doc["beta"][1][0] == mpmath.nstr(
        tr.beta[1, 0], 20, strip_zeros=False)
    tr.save_json(tmp_path / "gd.json")
    assert json.loads((tmp_path / "gd.json").read_text()) == json.loads(json.dumps(doc))
    tr.save_npz(tmp_path / "gd.npz")
    with np.load(tmp_path / "gd.npz") as z:
        assert z["k"].tolist() == [0, 100, 200, 250] and z["u_text"].shape == (4, 6)
    cmp_ = dlnsym.compare(PATH, tr)
    assert cmp_.resolution == 1e-20 and len(cmp_.jump_times) == 5


def test_ctrl_c_keeps_what_was_finished():
    seen = []

    def progress(done: int) -> None:
        seen.append(done)
        if done == 2000:
            raise KeyboardInterrupt

    tr = gradient_descent(A, log_inv_alpha=20, step_size=0.1, steps=5000, record_every=300,
                          progress=progress)
    assert tr.interrupted and tr.steps == 2000 and seen == [1000, 2000]
    assert tr.k[-1] == 2000 and tr.t_end == pytest.approx(2000 * 0.1 / 20)
    full = gradient_descent(A, log_inv_alpha=20, step_size=0.1, steps=2000, record_every=2000)
    np.testing.assert_array_equal(tr.beta[-1], full.beta[-1])


# --------------------------------------------------------------------------------- errors


@pytest.mark.parametrize(("kwargs", "fragment"), [
    ({"step_size": 0}, "step_size (γ) must be a positive"),
    ({"step_size": -0.1}, "step_size (γ) must be a positive"),
    ({"step_size": math.inf}, "step_size (γ) must be a positive"),
    ({"step_size": math.nan}, "step_size (γ) must be a positive"),
    ({"step_size": "fast"}, "step_size = 'fast' is not a number"),
    ({"step_size": True}, "is not a number"),
    ({"steps": 0}, "steps must be a whole number ≥ 1"),
    ({"steps": 10.0}, "steps must be a whole number ≥ 1"),
    ({"record_every": 0}, "record_every must be a whole number ≥ 1"),
    ({"dps": 10}, "dps must be an integer ≥ 15"),
    ({"log_inv_alpha": None}, "give exactly one of alpha"),
    ({"alpha": "1e-3"}, "give exactly one of alpha"),
    ({"log_inv_alpha": -1}, "must be positive"),
    ({"log_inv_alpha": None, "alpha": 2}, "alpha must lie in (0, 1)"),
    ({"init_shape": [1, 2]}, "init_shape has 2 entries"),
    ({"init_shape": [1, 1, 1, 1, 1, -1]}, "init_shape[5]"),
    ({"progress": 3}, "progress must be"),
])
def test_bad_input_is_refused(kwargs, fragment):
    args = {"log_inv_alpha": 5, "step_size": 0.1, "steps": 10} | kwargs
    with pytest.raises(ParameterError) as info:
        gradient_descent(A, **args)
    assert fragment in str(info.value)


@pytest.mark.parametrize("lam", ["1e400", 1e308, "1.00001e12"])
def test_lambda_beyond_the_float_path_is_a_range_error(lam):
    """α = e^{−Λ} has no float64 log-coordinates there (2Λ overflows at 1e308): refused
    before any step, as simulate refuses it, and not reported as a divergence."""
    with pytest.raises(ParameterError, match="beyond the float64 path .*pass dps"):
        gradient_descent(A, log_inv_alpha=lam, step_size=0.1, steps=10)


def test_lambda_1e400_runs_on_the_mp_path():
    """Two steps from u = √2·α, v = 0 at γ = 0.1: β₀ = (α²/2)((1 + γc₀)⁴ − (1 − γc₀)⁴) > 0,
    so ln β₀ = −2Λ + O(1); the loss is still L(0) = ‖y‖²/2n to 20 digits."""
    tr = gradient_descent(A, log_inv_alpha="1e400", step_size=0.1, steps=2, dps=20)
    assert tr.steps == 2 and not tr.interrupted
    beta0 = tr.beta[-1, 0]
    assert beta0 > 0
    assert float(mpmath.log(beta0) / mpmath.mpf("-2e400")) == pytest.approx(1, rel=1e-15)
    loss0 = sum(Fraction(v) ** 2 for v in A.y) / (2 * A.n)
    with mpmath.workdps(40):
        assert abs(tr.loss[-1] - _mp(loss0)) < mpmath.mpf("1e-18")


@pytest.mark.parametrize("dps", [None, 20])
def test_a_too_large_step_diverges_with_advice(dps):
    with pytest.raises(DivergenceError) as info:
        gradient_descent(A, log_inv_alpha=5, step_size=1.6, steps=100, dps=dps)
    message = str(info.value)
    assert "at step 8" in message and "smaller step_size" in message
    assert info.value.step == 8
    assert info.value.bound == pytest.approx(step_size_bound(PATH))
    assert "0.6151" in message


def test_step_size_bound_is_the_hessian_bound():
    """1/λ_max(diag|β_k|^½ H diag|β_k|^½) at saddle 4 of example A, from the network Hessian:
    2/λ_max(∇²F) at the lifted saddle (u = √|β|, v = sign(β)√|β|, g = 0 on the support)."""
    from dlnsym.lift import network_hessian

    bounds = []
    for saddle in PATH.saddles[1:]:
        hess = np.array(network_hessian(A, saddle).evalf(30).tolist(), dtype=float)
        support = np.flatnonzero(np.asarray(saddle, dtype=float))
        idx = np.concatenate([support, support + A.d])
        bounds.append(2 / np.linalg.eigvalsh(hess[np.ix_(idx, idx)])[-1])
    assert step_size_bound(PATH) == pytest.approx(min(bounds), rel=1e-12)


# ------------------------------------------------------------------------------------ CLI


def test_cli_json_and_out(tmp_path):
    out = tmp_path / "gd.npz"
    proc = run_cli("gd", "--example", "A", "--log-inv-alpha", "5", "--step-size", "0.1",
                   "--steps", "300", "--record-every", "100", "--json", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["k"] == [0, 100, 200, 300] and doc["step_size"] == 0.1
    assert len(doc["jump_times"]) == 4
    with np.load(out) as z:
        np.testing.assert_allclose(z["beta"], np.array(doc["beta"]))


def test_cli_table_with_alpha_and_dps():
    proc = run_cli("gd", "--example", "A", "--alpha", "1e-1000", "--step-size", "0.5",
                   "--steps", "3", "--dps", "20")
    assert proc.returncode == 0, proc.stderr
    assert "Λ = 2302.59" in proc.stdout and "t_k (flow limit)" in proc.stdout


@pytest.mark.parametrize(("args", "fragment"), [
    (["--log-inv-alpha", "5", "--step-size", "1.6", "--steps", "100"], "smaller --step-size"),
    (["--log-inv-alpha", "5", "--step-size", "0", "--steps", "10"], "--step-size (γ) must be"),
    (["--log-inv-alpha", "5", "--step-size", "0.1", "--steps", "10", "--dps", "10"],
     "--dps must be at least 15"),
    (["--log-inv-alpha", "5", "--step-size", "0.1", "--steps", "0"], "--steps"),
    (["--log-inv-alpha", "5", "--alpha", "0.1", "--step-size", "0.1", "--steps", "3"],
     "not allowed with argument"),
    (["--log-inv-alpha", "5", "--step-size", "0.1", "--steps", "3", "--init-shape", "1,2"],
     "--init-shape"),
    (["--log-inv-alpha", "5", "--step-size", "0.1", "--steps", "3", "--out", "x.txt"],
     ".json or .npz"),
    (["--log-inv-alpha", "1e400", "--step-size", "0.1", "--steps", "10"],
     "beyond the float64 path"),
    (["--log-inv-alpha", "1e308", "--step-size", "0.1", "--steps", "10"], "--dps 20"),
])
def test_cli_errors_are_one_line(args, fragment):
    assert_one_line_error(run_cli("gd", "--example", "A", *args), fragment)


def test_progress_bar_and_record_every_larger_than_steps():
    tr = gradient_descent(A, log_inv_alpha=5, step_size=0.1, steps=1500, record_every=10_000,
                          progress=True)
    assert tr.k.tolist() == [0, 1500] and not tr.interrupted


@pytest.mark.filterwarnings("error")
def test_divergence_far_beyond_the_bound_warns_nothing():
    with pytest.raises(DivergenceError, match="at step 3"):
        gradient_descent(A, log_inv_alpha=5, step_size=50, steps=100)
