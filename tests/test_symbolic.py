"""Tests of dlnsym.symbolic: the SymPy derivation of the mirror flow (docs/theory.md §2–§3).

Expected values come from docs/theory.md (typed in here, evaluated with mpmath) or from an
independent numerical integration of the (u, v) gradient flow, never from the derivation.
"""

from __future__ import annotations

import json
import random

import mpmath as mp
import numpy as np
import pytest
import sympy as sp
from scipy.integrate import solve_ivp
from scipy.optimize import minimize_scalar

from dlnsym.errors import ParameterError
from dlnsym.symbolic import demo_summary, derive_mirror_flow, potential_for_init
from dlnsym.symbolic.shaped_init import potential_limit_step

SPECIAL_STEPS = {
    "gradient_flow", "conserved_quantity", "conserved_value", "sum_of_squares", "beta_flow",
    "metric", "mirror_map", "potential", "gradient", "hessian", "mirror_flow",
    "dual_variable", "inverse_mirror_map", "conjugate", "conjugate_gradient",
    "fenchel_young_equality", "accelerated_time", "beta_of_s", "log_domain_form",
    "stiffness", "limit_potential", "limit_gradient", "limit_beta_of_s",
}


@pytest.fixture(scope="module")
def special():
    return derive_mirror_flow()


@pytest.fixture(scope="module")
def general():
    return derive_mirror_flow(general_init=True)


@pytest.fixture(scope="module")
def shaped():
    return derive_mirror_flow(shaped_init=True)


def _sym(expr: sp.Expr, name: str) -> sp.Symbol:
    """The free symbol of ``expr`` called ``name``."""
    (found,) = [s for s in expr.free_symbols if s.name == name]
    return found


def _evaluate(expr: sp.Expr, values: dict[str, object], dps: int = 60) -> mp.mpf:
    subs = {s: sp.Float(str(values[s.name]), dps) for s in expr.free_symbols}
    return mp.mpf(str(sp.N(expr.subs(subs), dps)))


# docs/theory.md §2, typed in from the page, evaluated by mpmath
def theory_phi(b, a):
    return (b * mp.asinh(b / a**2) - mp.sqrt(b**2 + a**4) + a**2) / 2


def theory_phi_star(th, a):
    return a**2 / 2 * (mp.cosh(2 * th) - 1)


def _random_points(n: int, seed: int):
    rng = random.Random(seed)
    pts = []
    for _ in range(n):
        a = mp.mpf(10) ** rng.uniform(-6, 0.5)
        b = mp.mpf(rng.uniform(-3, 3)) * mp.mpf(10) ** rng.randint(-8, 1)
        pts.append((a, b))
    return pts


# ---------------------------------------------------------------- structure / verification
@pytest.mark.parametrize("which", ["special", "general", "shaped"])
def test_every_step_is_verified(which, request):
    d = request.getfixturevalue(which)
    assert d.steps
    for step in d.steps:
        assert isinstance(step.statement, sp.Equality), step.name
        assert step.explanation.strip(), step.name
        assert step.verified is True, f"{step.name}: {step.reason}"
        assert step.reason.strip(), step.name
    assert d.all_verified


def test_special_derivation_has_all_steps(special):
    names = {s.name for s in special.steps}
    assert SPECIAL_STEPS <= names, SPECIAL_STEPS - names
    assert {s.name for s in special.potential.free_symbols} == {"alpha", "beta"}
    assert {s.name for s in special.conjugate.free_symbols} == {"alpha", "theta"}


def test_spot_checks_are_tiny(special, general, shaped):
    """The extra 50-digit evaluation of what SymPy proved zero."""
    checked = 0
    for d in (special, general, shaped):
        for step in d.steps:
            err = step.spot_check(dps=50)
            if err is not None:
                checked += 1
                assert err < 1e-40, (step.name, err)
    assert checked >= 20


def test_unprovable_statement_is_not_verified():
    """The prover must say no to a false identity (the tests above can fail)."""
    from dlnsym.symbolic import prove_zero

    x = sp.Symbol("x", real=True)
    ok, reason = prove_zero(sp.asinh(sp.sinh(x)) - 2 * x)
    assert ok is False and "could not" in reason


# ---------------------------------------------------------------- values against the theory page
def test_potential_equals_theory_to_40_digits(special):
    with mp.workdps(60):
        for a, b in _random_points(12, seed=1):
            got = _evaluate(special.potential, {"alpha": a, "beta": b})
            want = theory_phi(b, a)
            assert abs(got - want) <= mp.mpf(10) ** -40 * max(1, abs(want)), (a, b)


def test_gradient_hessian_and_conjugate_equal_theory(special):
    grad, hess = special.extras["gradient"], special.extras["hessian"]
    with mp.workdps(60):
        tol = mp.mpf(10) ** -40
        for a, b in _random_points(6, seed=2):
            assert abs(_evaluate(grad, {"alpha": a, "beta": b}) - mp.asinh(b / a**2) / 2) < tol
            h = _evaluate(hess, {"alpha": a, "beta": b})
            assert abs(h - 1 / (2 * mp.sqrt(b**2 + a**4))) < tol * max(1, h)
        rng = random.Random(4)
        for a, _ in _random_points(6, seed=3):
            th = mp.mpf(rng.uniform(-2, 2))
            got = _evaluate(special.conjugate, {"alpha": a, "theta": th})
            assert abs(got - theory_phi_star(th, a)) < tol


def test_fenchel_young_equality_on_graph_and_inequality_off_it(special):
    """φ(β) + φ*(θ) ≥ θβ, with equality exactly when θ = φ'(β) (computed by mpmath.diff)."""
    with mp.workdps(50):
        a = mp.mpf("0.3")
        pot, conj = special.potential, special.conjugate
        phi_ab = sp.lambdify([_sym(pot, "alpha"), _sym(pot, "beta")], pot, "mpmath")
        phis_at = sp.lambdify([_sym(conj, "alpha"), _sym(conj, "theta")], conj, "mpmath")
        phi = lambda b: phi_ab(a, b)  # noqa: E731
        phis = lambda t: phis_at(a, t)  # noqa: E731
        for b in (mp.mpf("-2.5"), mp.mpf("0.01"), mp.mpf("0.7"), mp.mpf(4)):
            th = mp.diff(phi, b)  # numerical derivative of the derived potential
            gap = phi(b) + phis(th) - th * b
            assert abs(gap) < mp.mpf(10) ** -30
            for dth in (mp.mpf("-0.2"), mp.mpf("0.05"), mp.mpf(1)):
                assert phi(b) + phis(th + dth) - (th + dth) * b > mp.mpf(10) ** -6


def test_beta_of_theta_inverts_the_mirror_map(special):
    beta_of_theta = special.extras["beta_of_theta"]
    with mp.workdps(50):
        a, th = mp.mpf("0.01"), mp.mpf("1.3")
        assert abs(_evaluate(beta_of_theta, {"alpha": a, "theta": th}) - a**2 * mp.sinh(2 * th)) \
            < mp.mpf(10) ** -40


def test_log_domain_form_matches_sinh(special):
    expr = special.extras["log_domain"]
    with mp.workdps(80):
        for lam, s in ((mp.mpf(3), mp.mpf("0.4")), (mp.mpf(50), mp.mpf("-1.02")),
                       (mp.mpf(50), mp.mpf("0.97")), (mp.mpf(7), mp.mpf(0))):
            want = mp.exp(-2 * lam) * mp.sinh(2 * lam * s)
            got = _evaluate(expr, {"Lambda": lam, "s": s}, 80)
            assert abs(got - want) <= mp.mpf(10) ** -60 * max(1, abs(want))


# ---------------------------------------------------------------- limits
def test_limit_statements(special):
    beta = _sym(special.potential, "beta")
    assert special.step("limit_potential").statement.rhs == sp.Abs(beta)
    assert special.step("limit_gradient").statement.rhs == sp.sign(beta)
    rhs = special.step("limit_beta_of_s").statement.rhs
    s = _sym(rhs, "s")
    assert rhs.subs(s, sp.Rational(1, 2)) == 0
    assert rhs.subs(s, -sp.Rational(9, 10)) == 0
    assert rhs.subs(s, sp.Rational(3, 2)) == sp.oo
    assert rhs.subs(s, -sp.Rational(3, 2)) == -sp.oo


def test_limits_numerically_at_tiny_alpha(special):
    """φ_α(β)/ln(1/α) → |β| with error O(1/Λ); β(s) vanishes inside the box, blows up outside."""
    with mp.workdps(30):
        for lam in (mp.mpf(10) ** 3, mp.mpf(10) ** 5):
            a = mp.exp(-lam)
            for b in (mp.mpf("0.7"), mp.mpf(-2)):
                ratio = _evaluate(special.potential, {"alpha": a, "beta": b}, 30) / lam
                assert abs(ratio - abs(b)) < 5 / lam
                g = _evaluate(special.extras["gradient"], {"alpha": a, "beta": b}, 30) / lam
                assert abs(g - mp.sign(b)) < 5 / lam
        lam = mp.mpf(1000)
        beta_s = special.extras["beta_of_s"]
        assert abs(_evaluate(beta_s, {"Lambda": lam, "s": mp.mpf("0.9")}, 30)) < mp.mpf(10) ** -80
        assert _evaluate(beta_s, {"Lambda": lam, "s": mp.mpf("1.1")}, 30) > mp.mpf(10) ** 80


# ---------------------------------------------------------------- general initialisation
def test_general_reduces_to_special(general):
    """u0 = √2 α, v0 = 0 must give the theory page's φ_α (checked against mpmath, not the code)."""
    assert general.step("reduces_to_special_case").verified
    with mp.workdps(60):
        for a, b in _random_points(4, seed=5):
            pot = potential_for_init(sp.sqrt(2) * sp.Float(str(a), 60), 0)
            got = _evaluate(pot, {"beta": b})
            assert abs(got - theory_phi(b, a)) <= mp.mpf(10) ** -40 * max(1, abs(theory_phi(b, a)))


def test_general_potential_gradient_vanishes_at_beta0():
    u0, v0 = sp.Rational(7, 10), sp.Rational(-3, 10)
    pot = potential_for_init(u0, v0)
    f = sp.lambdify(_sym(pot, "beta"), pot, "mpmath")
    with mp.workdps(50):
        beta0 = mp.mpf(7) / 10 * mp.mpf(-3) / 10
        assert abs(mp.diff(f, beta0)) < mp.mpf(10) ** -30
        # and it is the hyperbolic entropy at scale α² = |u0² − v0²|/2 = 0.2 plus a linear term
        a = mp.sqrt(mp.mpf("0.2"))
        slope = -mp.asinh(beta0 / a**2) / 2
        for b in (mp.mpf(-1), mp.mpf("0.3"), mp.mpf(2)):
            assert abs(f(b) - theory_phi(b, a) - slope * b) < mp.mpf(10) ** -40


@pytest.mark.parametrize("bad", [(1, 1), (2, -2), (0, 0), (float("nan"), 1), ("x", 1)])
def test_potential_for_init_rejects_degenerate_input(bad):
    with pytest.raises(ParameterError):
        potential_for_init(*bad)


def _uv_flow(x_row: np.ndarray, y: float, u0: np.ndarray, v0: np.ndarray, T: float):
    """Integrate du/dt = −v∇L, dv/dt = −u∇L and dθ/dt = −∇L for L(β) = ½(x·β − y)²."""
    d = len(u0)

    def rhs(_t, w):
        u, v = w[:d], w[d:2 * d]
        grad = x_row * (x_row @ (u * v) - y)
        return np.concatenate([-v * grad, -u * grad, -grad])

    sol = solve_ivp(rhs, (0.0, T), np.concatenate([u0, v0, np.zeros(d)]),
                    method="DOP853", rtol=1e-11, atol=1e-13)
    assert sol.success
    w = sol.y[:, -1]
    return w[:d] * w[d:2 * d], w[2 * d:]


def test_general_mirror_flow_against_direct_integration(general):
    """The (u, v) flow, integrated directly, satisfies ∇φ(β(t)) = θ(t) = −∫∇L with the derived
    potential, and converges to argmin {φ(β) : x·β = y}."""
    u0 = np.array([0.7, -0.4])
    v0 = np.array([0.2, 0.9])  # second coordinate has v0² > u0²: negative conserved quantity
    x_row, y = np.array([1.0, 2.0]), 1.5
    pots = [potential_for_init(float(a), float(b)) for a, b in zip(u0, v0, strict=True)]
    beta_sym = _sym(pots[0], "beta")
    grads = [sp.lambdify(beta_sym, sp.diff(p, beta_sym), "mpmath") for p in pots]
    phis = [sp.lambdify(beta_sym, p, "mpmath") for p in pots]

    beta_t, theta_t = _uv_flow(x_row, y, u0, v0, T=0.7)
    for i in range(2):
        assert abs(float(grads[i](beta_t[i])) - theta_t[i]) < 1e-8

    beta_inf, _ = _uv_flow(x_row, y, u0, v0, T=400.0)
    assert abs(x_row @ beta_inf - y) < 1e-9
    # minimise φ on the line x·β = y: β = (y/2, 0) + τ (2, −1)/√5 … parametrised by τ
    p0, n = np.array([y, 0.0]), np.array([-2.0, 1.0])
    obj = lambda tau: float(sum(phis[i](p0[i] + tau * n[i]) for i in range(2)))  # noqa: E731
    res = minimize_scalar(obj, bracket=(-2.0, 0.0, 2.0), tol=1e-12)
    beta_min = p0 + res.x * n
    assert np.allclose(beta_inf, beta_min, atol=1e-6), (beta_inf, beta_min)


def test_one_coordinate_toy_against_direct_integration():
    """L(β) = ½(β − 1)², started at u0 = 0.05, v0 = 0.3 (β0 = 0.015)."""
    pot = potential_for_init(0.05, 0.3)
    beta_sym = _sym(pot, "beta")
    grad = sp.lambdify(beta_sym, sp.diff(pot, beta_sym), "mpmath")
    for T in (0.5, 3.0):
        b, th = _uv_flow(np.array([1.0]), 1.0, np.array([0.05]), np.array([0.3]), T)
        assert abs(float(grad(b[0])) - th[0]) < 1e-8


# ---------------------------------------------------------------- rendering
def test_renderers(special, general, shaped):
    for d in (special, general, shaped):
        md = d.to_markdown()
        data = json.loads(d.to_json())
        tex = d.to_latex()
        assert data["all_verified"] is True
        assert [s["name"] for s in data["steps"]] == [s.name for s in d.steps]
        for step, js in zip(d.steps, data["steps"], strict=True):
            assert js["latex"] == sp.latex(step.statement)
            assert sp.latex(step.statement) in md
            assert sp.latex(step.statement) in tex
        assert tex.count("{") == tex.count("}")
        assert tex.count(r"\begin{equation*}") == len(d.steps)


def test_demo_summary_mentions_potential_and_limit():
    text = demo_summary()
    lines = text.splitlines()
    assert 3 <= len(lines) <= 10
    assert "asinh(beta/alpha**2)" in text and "Abs(beta)" in text


# ---------------------------------------------------------------- shaped initialisation
SHAPED_STEPS = {
    "conserved_value", "scale", "potential", "mirror_map", "conjugate", "inverse_mirror_map",
    "beta_of_s", "log_domain_form", "limit_beta_of_s", "limit_potential", "limit_gradient",
    "rescaled_loss", "rescaled_gradient", "rescaled_norm", "weighted_l1_certificate",
}


def test_shaped_derivation_has_all_steps(shaped):
    assert SHAPED_STEPS <= {s.name for s in shaped.steps}
    assert {s.name for s in shaped.potential.free_symbols} == {"alpha", "beta", "lambda_i"}
    beta, lam = _sym(shaped.potential, "beta"), _sym(shaped.potential, "lambda_i")
    assert shaped.step("limit_potential").statement.rhs == lam * sp.Abs(beta)
    assert shaped.step("limit_gradient").statement.rhs == lam * sp.sign(beta)
    with pytest.raises(ParameterError, match="not both"):
        derive_mirror_flow(general_init=True, shaped_init=True)


def test_shaped_potential_is_hyperbolic_entropy_at_scale_alpha_to_lambda(shaped):
    """The theory page §2 formula at scale α^λ (typed in here), and the conjugate, to 40
    digits; at λ = 1 it is the paper's φ_α."""
    with mp.workdps(60):
        for (a, b), lam in zip(_random_points(6, seed=7), ("0.5", "1", "2", "3", "0.25", "1.5"),
                               strict=True):
            lam = mp.mpf(lam)
            got = _evaluate(shaped.potential, {"alpha": a, "beta": b, "lambda_i": lam})
            want = theory_phi(b, a**lam)
            assert abs(got - want) <= mp.mpf(10) ** -40 * max(1, abs(want)), (a, b, lam)
            th = mp.mpf(b) / 3
            got = _evaluate(shaped.conjugate, {"alpha": a, "theta": th, "lambda_i": lam})
            assert abs(got - theory_phi_star(th, a**lam)) <= mp.mpf(10) ** -40 * max(1, abs(got))
    lam = _sym(shaped.potential, "lambda_i")
    assert sp.simplify(shaped.potential.subs(lam, 1) - derive_mirror_flow().potential) == 0


def test_shaped_log_domain_and_box(shaped):
    """β(s) = e^{−2Λλ}·sinh(2Λs) (mpmath); at Λ = 400 it is tiny inside |s| < λ, huge outside."""
    expr = shaped.extras["log_domain"]
    with mp.workdps(80):
        for lam, s, shape in ((mp.mpf(3), mp.mpf("0.4"), 2), (mp.mpf(50), mp.mpf("-1.02"), 0.5),
                              (mp.mpf(7), mp.mpf(0), 3)):
            want = mp.exp(-2 * lam * shape) * mp.sinh(2 * lam * s)
            got = _evaluate(expr, {"Lambda": lam, "s": s, "lambda_i": shape}, 80)
            assert abs(got - want) <= mp.mpf(10) ** -60 * max(1, abs(want))
        for shape in (mp.mpf("0.5"), mp.mpf(2)):
            vals = {"Lambda": 400, "lambda_i": shape}
            assert abs(_evaluate(expr, vals | {"s": shape / 2}, 30)) < 1e-80
            assert _evaluate(expr, vals | {"s": shape * 3 / 2}, 30) > 1e80


def test_shaped_limit_numerically_and_wrong_limits_are_refused(shaped):
    """φ(β)/Λ → λ|β| at α = e^{−Λ} (error O(1/Λ)).  Negative control: the unweighted |β| and
    λ²|β| are claims SymPy's limits refute, so the step is not verified."""
    with mp.workdps(30):
        for shape in (mp.mpf("0.5"), mp.mpf(3)):
            for b in (mp.mpf("0.7"), mp.mpf(-2)):
                lam = mp.mpf(10) ** 4
                vals = {"alpha": mp.exp(-lam), "beta": b, "lambda_i": shape}
                assert abs(_evaluate(shaped.potential, vals, 30) / lam - shape * abs(b)) < 5 / lam
    beta, lam = _sym(shaped.potential, "beta"), _sym(shaped.potential, "lambda_i")
    assert potential_limit_step(lam * sp.Abs(beta)).verified
    for wrong in (sp.Abs(beta), lam**2 * sp.Abs(beta), lam * beta):
        step = potential_limit_step(wrong)
        assert not step.verified and "expected" in step.reason, wrong


def test_shaped_mirror_map_against_direct_integration(shaped):
    """The (u, v) flow started at u = √2·α^λ, v = 0 (scipy), for L(β) = ½(x·β − y)²:
    ∇φ(β(t)) = θ(t) = −∫∇L with the derived shaped potential, coordinate by coordinate."""
    a, shapes = 0.3, np.array([0.5, 2.0])
    x_row, y = np.array([1.0, 2.0]), 1.5
    grad = shaped.extras["gradient"]
    syms = [_sym(grad, n) for n in ("alpha", "beta", "lambda_i")]
    f = sp.lambdify(syms, grad, "mpmath")
    beta_t, theta_t = _uv_flow(x_row, y, np.sqrt(2) * a**shapes, np.zeros(2), T=0.8)
    for i in range(2):
        assert abs(float(f(a, beta_t[i], shapes[i])) - theta_t[i]) < 1e-8
