"""Radau IIA collocation (:mod:`dlnsym.integrate.radau`) against independent sources.

Every expected value is computed here from a closed form or the literature (Hairer–Wanner,
*Solving ODEs II*, §IV.5 and §IV.8, and the constants of their code RADAU5), or from
``mpmath.odefun`` for the exact solution of a 1-coordinate flow — never from the module
under test.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any

import mpmath
import numpy as np
import pytest

from dlnsym.integrate.backend import ArbBackend, Backend, FloatBackend
from dlnsym.integrate.controller import ErrorNorm
from dlnsym.integrate.radau import (
    CONTINUATION_DEGREE_DEFICIT,
    PREDICT_MAX_RATIO,
    CollocationPolynomial,
    RadauStep,
    _radau_coefficients,
    float64_beta_level,
    radau_tableau,
)
from dlnsym.mirror_flow import MirrorFlow
from dlnsym.problems import as_problem, example

DPS = 30
ODD_STAGES = (1, 3, 5, 7, 9, 13)

mpf = mpmath.mpf


# --------------------------------------------------------------------------- tableau


def test_three_stage_tableau_matches_closed_form() -> None:
    """Radau5 (s = 3): nodes, matrix (Hairer–Wanner Table IV.5.6), eigenvalues and error
    weights (Hairer–Wanner (8.19) and RADAU5's constants) in closed form."""
    raw = _radau_coefficients(3, DPS)
    with mpmath.workdps(40):
        r6 = mpmath.sqrt(6)
        c = [(4 - r6) / 10, (4 + r6) / 10, mpf(1)]
        A = [
            [(88 - 7 * r6) / 360, (296 - 169 * r6) / 1800, (-2 + 3 * r6) / 225],
            [(296 + 169 * r6) / 1800, (88 + 7 * r6) / 360, (-2 - 3 * r6) / 225],
            [(16 - r6) / 36, (16 + r6) / 36, mpf(1) / 9],
        ]
        tol = mpf(10) ** -28
        for i in range(3):
            assert abs(raw["c"][i] - c[i]) < tol, i
            for j in range(3):
                assert abs(raw["A"][i][j] - A[i][j]) < tol, (i, j)

        # the real eigenvalue of A^{-1} is 3 + 3^{2/3} − 3^{1/3} (= 3.6378342527444957…)
        gamma_hat = 3 + mpmath.cbrt(9) - mpmath.cbrt(3)
        assert abs(gamma_hat - mpf("3.6378342527444957")) < 1e-15
        assert abs(raw["gamma_real"] - 1 / gamma_hat) < tol
        gammas = raw["gammas"]
        assert len(gammas) == 2
        assert abs(gammas[0] - 1 / gamma_hat) < tol  # the real one first
        # the complex pair of A, as RADAU5 sets it up: (12 − 81^{1/3} + 9^{1/3})/60
        # ± i·√3·(81^{1/3} + 9^{1/3})/60; the kept member has Im > 0
        pair = mpmath.mpc(
            (12 - mpmath.cbrt(81) + mpmath.cbrt(9)) / 60,
            mpmath.sqrt(3) * (mpmath.cbrt(81) + mpmath.cbrt(9)) / 60,
        )
        assert abs(gammas[1] - pair) < tol

        # ŷ_1 − y_1 = hγ̃f(y_0) + Σ e_j Z_j with e = γ̃·(−13 − 7√6, −13 + 7√6, −1)/3
        e = [(-13 - 7 * r6) / 3, (-13 + 7 * r6) / 3, mpf(-1) / 3]
        for j in range(3):
            assert abs(raw["e"][j] - e[j] / gamma_hat) < tol, j

        # the same tableau as float64 numbers, as the float path gets it
        tab = radau_tableau(3, FloatBackend())
        assert tab.s == 3
        np.testing.assert_allclose(tab.c, [float(v) for v in c], rtol=1e-15)
        np.testing.assert_allclose(tab.A, [[float(v) for v in row] for row in A], rtol=1e-15)
        np.testing.assert_allclose(tab.gammas, [1 / float(gamma_hat), complex(pair)], rtol=1e-15)
        assert tab.gamma_real == pytest.approx(1 / float(gamma_hat), rel=1e-15)
        np.testing.assert_allclose(tab.e, [float(v / gamma_hat) for v in e], rtol=1e-14)


def _pade_denominator(s: int, z: Any) -> tuple[Any, Any]:
    """``Q(z)`` of the (s−1, s) Padé approximant of ``e^z`` (the stability function of
    s-stage Radau IIA is ``P/Q``, so ``Q(1/λ) = 0`` for every eigenvalue λ of A), and the
    sum of the moduli of its terms (the scale of its rounding)."""
    terms = [
        mpmath.factorial(2 * s - 1 - k) * mpmath.factorial(s)
        / (mpmath.factorial(2 * s - 1) * mpmath.factorial(k) * mpmath.factorial(s - k))
        * (-z) ** k
        for k in range(s + 1)
    ]
    return mpmath.fsum(terms), mpmath.fsum(abs(t) for t in terms)


@pytest.mark.parametrize("s", ODD_STAGES)
def test_order_conditions(s: int) -> None:
    """Quadrature order 2s − 1 (not 2s), stage order s, ``c_s = 1``, the eigenvalues as the
    poles of the Padé stability function, the truncated eigen-decomposition, and the
    embedded weights of order s."""
    raw = _radau_coefficients(s, DPS)
    with mpmath.workdps(40):
        c, A = raw["c"], raw["A"]
        b = A[s - 1]
        tol = mpf(10) ** -28
        assert len(c) == s and all(len(row) == s for row in A)
        assert c[-1] == 1
        assert all(0 < c[i] < c[i + 1] for i in range(s - 1))

        def quadrature_residual(q: int) -> Any:
            return 1 / mpf(q) - mpmath.fsum(b[i] * c[i] ** (q - 1) for i in range(s))

        for q in range(1, 2 * s):
            assert abs(quadrature_residual(q)) < tol, q
        # negative control: x^{2s−1} is not integrated exactly; the residual is
        # ∫_0^1 ω(x)x^{s−1}dx = −(s!(s−1)!)²/((2s)!(2s−1)!) (ω: the monic node polynomial)
        expected = -(mpmath.factorial(s) * mpmath.factorial(s - 1)) ** 2 / (
            mpmath.factorial(2 * s) * mpmath.factorial(2 * s - 1)
        )
        assert abs(expected) > 1e-16
        assert abs(quadrature_residual(2 * s) - expected) < tol * abs(expected) * 1e6

        for i in range(s):  # stage order s
            for q in range(1, s + 1):
                lhs = mpmath.fsum(A[i][j] * c[j] ** (q - 1) for j in range(s))
                assert abs(lhs - c[i] ** q / q) < tol, (i, q)
        worst = max(  # negative control: not stage order s + 1
            abs(mpmath.fsum(A[i][j] * c[j] ** s for j in range(s)) - c[i] ** (s + 1) / (s + 1))
            for i in range(s)
        )
        assert worst > 1e-12

        # eigenvalues: the real one first, then one of each conjugate pair (Im > 0); each a
        # pole of the stability function
        gammas = raw["gammas"]
        assert len(gammas) == (s + 1) // 2
        assert abs(mpmath.im(gammas[0])) < tol
        assert abs(raw["gamma_real"] - mpmath.re(gammas[0])) < tol
        assert all(mpmath.im(g) > 1e-3 for g in gammas[1:])
        for g in gammas:
            value, scale = _pade_denominator(s, 1 / g)
            assert abs(value) < tol * scale, g

        # A·v = Re(Σ_k T_keep[:,k]·γ_k·(T_inv_keep[k,:]·v)) and v = Re(Σ_k T_keep[:,k]·
        # (T_inv_keep[k,:]·v)) for real v: what the transformed Newton iteration relies on
        T_keep, T_inv_keep = raw["T_keep"], raw["T_inv_keep"]
        rng = np.random.default_rng(s)
        for _ in range(3):
            v = [mpf(float(x)) for x in rng.standard_normal(s)]
            w = [mpmath.fsum(T_inv_keep[k][j] * v[j] for j in range(s)) for k in range(len(gammas))]
            for i in range(s):
                Av = mpmath.fsum(A[i][j] * v[j] for j in range(s))
                rebuilt = mpmath.fsum(T_keep[i][k] * gammas[k] * w[k] for k in range(len(gammas)))
                assert abs(mpmath.re(rebuilt) - Av) < tol, i
                back = mpmath.fsum(T_keep[i][k] * w[k] for k in range(len(gammas)))
                assert abs(mpmath.re(back) - v[i]) < tol, i

        # embedded weights b̂ = b + Aᵀe: γ̃ + Σ b̂_i = 1 and Σ b̂_i c_i^{q−1} = 1/q, q = 2 … s
        e = raw["e"]
        b_hat = [b[i] + mpmath.fsum(A[j][i] * e[j] for j in range(s)) for i in range(s)]
        assert abs(raw["gamma_real"] + mpmath.fsum(b_hat) - 1) < tol
        for q in range(2, s + 1):
            lhs = mpmath.fsum(b_hat[i] * c[i] ** (q - 1) for i in range(s))
            assert abs(lhs - 1 / mpf(q)) < tol, q
        # negative control: the embedded formula has order s, not s + 1
        lhs = mpmath.fsum(b_hat[i] * c[i] ** s for i in range(s))
        assert abs(lhs - 1 / mpf(s + 1)) > 1e-9


def test_most_stages_at_float64_digits() -> None:
    """Regression: 21 stages for the float64 path (what ``radau_stages`` gives for a tol of
    1e-37) once failed — Arb could not isolate the eigenvalues at the starting precision.
    The nodes integrate ``x^{q−1}`` exactly for q ≤ 2s − 1 = 41 (to float64 rounding)."""
    tab = radau_tableau(21, FloatBackend())
    b = tab.A[-1]
    assert tab.c[-1] == 1 and np.all(np.diff(tab.c) > 0)
    for q in (1, 2, 20, 41):
        assert abs(b @ tab.c ** (q - 1) - 1 / q) < 1e-14, q


@pytest.mark.parametrize("s", [0, 2, 4, -1])
def test_invalid_stage_counts(s: int) -> None:
    with pytest.raises(ValueError, match="odd"):
        _radau_coefficients(s, DPS)
    with pytest.raises(ValueError, match="odd"):
        radau_tableau(s, FloatBackend())


# --------------------------------------------------------------------------- one step

#: the 1-coordinate problem X = [[1]], y = [1/2]: H = 1, c = 1/2
_C = Fraction(1, 2)


def _unit_flow(lam: Any, backend: Backend) -> MirrorFlow:
    return MirrorFlow(as_problem([[1]], [_C], exact=True), lam, backend)


def _exact_solution(lam: int, s0: Any, dps: int) -> Callable[[Any], Any]:
    """``t ↦ s(t)`` for ``ds/dt = c − α²·sinh(2Λs)``, ``α² = e^{−2Λ}``, ``s(0) = s0``, by
    mpmath's Taylor-series integrator (call it inside ``mpmath.workdps(dps)``)."""
    with mpmath.workdps(dps):
        L = mpf(lam)
        a2 = mpmath.exp(-2 * L)
        c = mpf(_C.numerator) / _C.denominator
        return mpmath.odefun(lambda t, s: c - a2 * mpmath.sinh(2 * L * s), 0, mpf(s0))


def _to_mpf(backend: Backend, x: Any) -> Any:
    return backend.to_mpf(x) if isinstance(backend, ArbBackend) else mpf(float(x))


@pytest.mark.parametrize(
    ("s", "backend", "atol", "steps"),
    [
        # float64, as simulate uses it
        (3, FloatBackend(), 1e-14, (0.5, 0.25, 0.125)),
        # s = 5: the error constant of order 10 is ~1e-9 (5!·4!/(10!·9!) = 2.2e-9 for
        # y' = λy), so in float64 the error reaches the round-off level before the step is
        # small enough for h^10 to dominate (h = 0.3 gives 1e-15, and at h ≥ 0.15 an h^11
        # term of opposite sign still competes).  At 40 digits the asymptotic range is
        # visible.
        (5, ArbBackend(40), "1e-40", (0.04, 0.02, 0.01)),
    ],
    ids=["s3-float", "s5-arb40"],
)
def test_one_step_error_has_order_2s(
    s: int, backend: Backend, atol: Any, steps: tuple[float, ...]
) -> None:
    """Local error of one step from s(0) = 0 at Λ = 2 is O(h^{2s}) (order 2s − 1)."""
    lam = 2
    exact = _exact_solution(lam, 0, backend.digits + 10)
    errors = []
    with backend.precision():
        flow = _unit_flow(lam, backend)
        stepper = RadauStep(flow, radau_tableau(s, backend))
        norm = ErrorNorm(atol=backend.scalar(atol), rtol=16 * backend.eps)
        zero = backend.array([0])
        value = flow.evaluate(zero, backend.array([0]))
        J = flow.jacobian(value)
        for h in steps:
            h_b = backend.scalar(h)
            newton_norm = norm.bind(
                flow.rounding_scale(value) * h_b, backend, noise=1 / stepper.kappa
            )
            Z, _, _ = stepper.solve(value, h_b, J, newton_norm)
            assert Z is not None, h
            assert Z.shape == (s, 1)
            with mpmath.workdps(backend.digits + 10):
                errors.append(abs(_to_mpf(backend, Z[-1][0]) - exact(mpf(h))))
    floor = mpf(10) ** (4 - backend.digits)  # far above the round-off of one step
    assert all(err > floor for err in errors), errors
    for big, small in zip(errors, errors[1:], strict=False):
        ratio = big / small
        assert 2 ** (2 * s) / 4 < ratio < 2 ** (2 * s) * 4, (errors, ratio)


@pytest.mark.parametrize("s", [3, 5])
def test_error_estimate_small_for_short_step_large_for_long_step(s: int) -> None:
    """Λ = 20 from s = 0.9 (β ≈ e^{-4}/2): a step of 1e-3 is well within tol = 1e-10 and
    so is its estimate; a step of 0.1 is far outside (true error checked against
    mpmath), and so is its estimate — which is not optimistic."""
    lam, s0, tol = 20, 0.9, 1e-10
    backend = FloatBackend()
    exact = _exact_solution(lam, s0, 30)
    with backend.precision():
        flow = _unit_flow(lam, backend)
        stepper = RadauStep(flow, radau_tableau(s, backend))
        norm = ErrorNorm(atol=tol / (2 * lam), rtol=16 * backend.eps)
        value = flow.evaluate(np.array([s0]), np.zeros(1))

        def true_error(h: float) -> tuple[Any, float]:
            outcome = stepper.attempt(value, h, norm)
            assert outcome.stages is not None, h
            with mpmath.workdps(30):
                err = abs(mpf(s0) + mpf(float(outcome.stages[-1][0])) - exact(mpf(h)))
            return outcome, float(err) / norm.atol

        short, short_true = true_error(1e-3)
        assert short_true < 0.1  # the step is accurate …
        assert 0 <= short.error <= 1  # … and the estimate says so

        long, long_true = true_error(0.1)
        assert long_true > 10  # the step is too long …
        assert long.error > 1  # … and the estimate says so (negative control)
        assert long.error >= long_true  # not optimistic

        # a step far too long: rejected either by the estimate or by Newton (error = inf)
        assert stepper.attempt(value, 1.0, norm).error > 1


@pytest.mark.parametrize("h", [1.0, 2.0])
def test_error_estimate_tracks_true_error_on_a_stiff_step(h: float) -> None:
    """Λ = 20 from 10⁻⁹ beyond the equilibrium s* ≈ 1 (β* = c = 1/2): J ≈ −Λ, so the step
    is stiff (|hJ| ≥ 20) and its error is the damping of the offset.  The filtered estimate
    (I − hγ̃J)^{-1}(…) is within a factor 4 of the true error (mpmath); the unfiltered
    difference ŷ_1 − y_1 would be 50–200× too large."""
    lam, offset, tol = 20, 1e-9, 1e-10
    backend = FloatBackend()
    exact = _exact_solution(lam, mpf(1) + mpf(offset), 30)
    with backend.precision():
        flow = _unit_flow(lam, backend)
        stepper = RadauStep(flow, radau_tableau(3, backend))
        norm = ErrorNorm(atol=tol / (2 * lam), rtol=16 * backend.eps)
        value = flow.evaluate(np.array([1.0]), np.array([offset]))
        assert abs(h * flow.jacobian(value)[0, 0]) >= 19  # stiff: J ≈ −Λ
        outcome = stepper.attempt(value, h, norm)
    assert outcome.stages is not None
    with mpmath.workdps(30):
        end = mpf(1) + mpf(offset) + mpf(float(outcome.stages[-1][0]))
        true = float(abs(end - exact(mpf(h)))) / norm.atol
    assert true > 1  # the offset is damped by R(hλ), not e^{hλ}: a visible error
    assert true / 4 <= outcome.error <= 4 * true, (outcome.error, true)


def test_float_and_arb_steps_agree_on_example_a() -> None:
    """One step of example A at Λ = 100 from s = 0.7·c: float64 and Arb at 30 digits give
    the same stage increments (to 1e-12 relative) and the same error estimate."""
    problem = example("A")
    s, h, lam = 7, 0.01, 100
    outcomes = {}
    float_backend = FloatBackend()
    with float_backend.precision():
        flow = MirrorFlow(problem, lam, float_backend)
        start = flow.c * 0.7
        assert start.dtype == float
        norm = ErrorNorm(atol=1e-14, rtol=16 * float_backend.eps)
        value = flow.evaluate(start, np.zeros_like(start))
        outcomes["float"] = RadauStep(flow, radau_tableau(s, float_backend)).attempt(
            value, h, norm
        )
    arb = ArbBackend(30)
    with arb.precision():
        flow = MirrorFlow(problem, lam, arb)
        arb_start = arb.array(start)  # exact: the same binary numbers
        assert all(arb.to_mpf(a) == mpf(float(f)) for a, f in zip(arb_start, start, strict=True))
        norm = ErrorNorm(atol=arb.scalar(1e-14), rtol=16 * arb.eps)
        value = flow.evaluate(arb_start, arb.array(np.zeros(len(start))))
        outcome = RadauStep(flow, radau_tableau(s, arb)).attempt(value, arb.scalar(h), norm)
        outcomes["arb"] = outcome
    Z_float, Z_arb = outcomes["float"].stages, outcomes["arb"].stages
    assert Z_float is not None and Z_arb is not None
    assert Z_float.shape == Z_arb.shape == (s, problem.d)
    Z_ref = np.array([[float(arb.to_mpf(v)) for v in row] for row in Z_arb])
    scale = np.abs(Z_ref).max()
    assert scale > 1e-3  # a real step, not a trivially zero increment
    assert np.abs(Z_float - Z_ref).max() <= 1e-12 * scale
    # the error estimates agree too, up to the Newton error of the float64 stages: Newton
    # stops within κ·atol, and Σ e_j Z_j amplifies that (here by ~0.5 %)
    e_float, e_arb = outcomes["float"].error, outcomes["arb"].error
    assert e_arb > 1
    assert abs(e_float - e_arb) <= 0.05 * e_arb


def test_dormant_coordinates_from_float64_change_nothing_that_matters() -> None:
    """Example A at Λ = 100, 30 digits, from a state with three awake and three dormant
    coordinates (β ≤ e^{−100}): the step with the dormant β taken from float64 at the safe
    level (:func:`float64_beta_level`, capped at tol/1000 as simulate does) gives the same
    stages to far below the tolerance as the all-working-precision step.  Negative control:
    with every coordinate "dormant" (level 10), the float64 rounding of the awake β,
    ~10^−16 relative and far above the tolerance, shows: the stages move, or Newton cannot
    converge at all."""
    problem = example("A")
    arb = ArbBackend(41)
    tol = mpf("1e-22")
    lam = 100
    with arb.precision():
        flow = MirrorFlow(problem, arb.scalar(lam), arb)
        tab = radau_tableau(13, arb)
        start = arb.array(["0.999", "-0.998", "0.5", "-0.4", "0.999", "0.2"])
        value = flow.evaluate(start, arb.array(np.zeros(6)))
        awake = [abs(float(b)) > 1e-3 for b in value.beta]
        assert awake == [True, True, False, False, True, False]
        atol = arb.scalar(tol) / (2 * lam)
        norm = ErrorNorm(atol=atol, rtol=16 * arb.eps)
        h = arb.scalar("0.01")
        H_rows = float(max(np.abs(np.array(problem.to_float().gram()[0])).sum(axis=1)))
        safe = min(arb.scalar(tol) / 1000, float64_beta_level(arb.scalar(tol), lam, H_rows))
        stages = {}
        for name, level in (("exact", None), ("safe", safe), ("all", arb.scalar(10))):
            step = RadauStep(flow, tab, max_iterations=21, dormant_level=level)
            if name == "safe":
                assert list(step._dormant(value)) == [2, 3, 5]
            stages[name] = step.attempt(value, h, norm).stages

        def distance(a: np.ndarray, b: np.ndarray) -> float:
            return max(float(abs(x - y) / atol) for x, y in zip(a.flat, b.flat, strict=True))

        assert stages["exact"] is not None and stages["safe"] is not None
        assert distance(stages["safe"], stages["exact"]) < 0.05  # well inside the tolerance
        assert stages["all"] is None or distance(stages["all"], stages["exact"]) > 100


def test_a_coordinate_waking_within_the_step_leaves_float64() -> None:
    """Example A at Λ = 100, 30 digits: coordinate 0 starts dormant (β = 1e-27, below the
    level 1e-25) and grows to ~1e-5 within the step.  Once its float64 β passes e times the
    level it is evaluated at working precision: the stages equal the all-working-precision
    step.  Negative control: without that re-test the float64 rounding of its β (~1e-21)
    moves the stages by hundreds of times the tolerance."""
    import math

    arb, lam = ArbBackend(41), 100
    with arb.precision():
        flow = MirrorFlow(example("A"), arb.scalar(lam), arb)
        tab = radau_tableau(17, arb)
        start = arb.array([1 + math.log(2e-27) / (2 * lam), 0, 0, 0, 0, 0])
        value = flow.evaluate(start, arb.array(np.zeros(6)))
        assert abs(float(value.beta[0]) / 1e-27 - 1) < 1e-12
        atol = arb.scalar("1e-22") / (2 * lam)
        norm = ErrorNorm(atol=atol, rtol=16 * arb.eps)
        h, level = arb.scalar("0.19"), arb.scalar("1e-25")
        exact = RadauStep(flow, tab, max_iterations=21).attempt(value, h, norm).stages
        retested = RadauStep(flow, tab, max_iterations=21, dormant_level=level)
        assert list(retested._dormant(value)) == [0, 1, 2, 3, 4, 5]
        stages = retested.attempt(value, h, norm).stages
        end = flow.evaluate(start, stages[-1]).beta[0]
        assert 1e-6 < float(end) < 1e-4  # it did wake up within the step
        unchecked = RadauStep(flow, tab, max_iterations=21, dormant_level=level)
        unchecked._dormant_ceiling = math.inf
        loose = unchecked.attempt(value, h, norm).stages

        def distance(a: np.ndarray) -> float:
            return max(float(abs(x - y) / atol) for x, y in zip(a.flat, exact.flat, strict=True))

        assert distance(stages) < 1e-3
        assert distance(loose) > 10


@pytest.mark.parametrize("ratio", [1e-15, 0.3, 1.0, 2.0])
def test_predict_from_the_start_evaluates_the_collocation_polynomial(ratio: float) -> None:
    """A step ``h_u`` whose stage increments lie on a polynomial ``p`` of degree ``s`` with
    ``p(0) = 0`` (``Z_i = p(c_i·h_u)``): the starting increments of a step ``h`` from its
    start are ``p(c_i·h)``, evaluated here straight from ``p``, up to rounding:
    ``(3n + 4)·u·Σ_j |L_j(x)|·|Z_j|`` for the first form of the Lagrange formula with
    ``n = s + 1`` nodes (Higham 2004), the basis computed here from the product formula at
    30 digits.  At ``h/h_u = 10⁻¹⁵`` ``c_i·h/h_u`` is almost a node, and with ``h = h_u``
    the new nodes are the old ones: the basis must not divide by 0 there."""
    s = 13
    step = RadauStep(_unit_flow(10.0, FloatBackend()), radau_tableau(s, FloatBackend()))
    c = np.array([float(v) for v in step.tab.c])
    rng = np.random.default_rng(3)
    coefficients = np.concatenate([[0.0], rng.normal(size=s)])  # p(0) = 0, degree s
    p = np.polynomial.Polynomial(coefficients)
    h_u = 0.7
    h = ratio * h_u
    Z_u = p(c * h_u)
    expected = p(c * h)
    got = step.predict(CollocationPolynomial(h_u, Z_u[:, None]), h, 0)[:, 0]
    with mpmath.workdps(30):
        nodes = [mpf(0)] + [mpf(float(v)) for v in c]
        bounds = [
            (3 * (s + 1) + 4) * np.finfo(float).eps * float(sum(
                abs(mpmath.fprod((x - nodes[m]) / (nodes[j] - nodes[m])
                                 for m in range(s + 1) if m != j)) * abs(Z_u[j - 1])
                for j in range(1, s + 1)))
            for x in (mpf(float(v)) * ratio for v in c)]
    assert np.all(np.abs(got - expected) <= bounds)


def _least_squares_weights(nodes: list, points: list, degree: int) -> mpmath.matrix:
    """The weights of the values at ``nodes`` in the least-squares polynomial of degree
    ``degree`` through them, evaluated at ``points`` (normal equations in the monomial
    basis, at the current mpmath precision)."""
    V = mpmath.matrix([[x**k for k in range(degree + 1)] for x in nodes])
    E = mpmath.matrix([[x**k for k in range(degree + 1)] for x in points])
    return E * mpmath.inverse(V.T * V) * V.T


@pytest.mark.parametrize("ratio", [0.3, 1.0, 2.0])
def test_predict_continues_the_least_squares_fit(ratio: float) -> None:
    """From the end of a step ``h_u``, the start of a step ``h`` is ``q(h_u + c_i·h) −
    q(h_u)`` with ``q`` the least-squares polynomial of degree ``s −
    CONTINUATION_DEGREE_DEFICIT`` through ``(0, 0)`` and ``(c_i·h_u, Z_i)``.  Stage values on
    a polynomial of that degree are continued exactly, up to the rounding of the fit's
    weights (computed here independently, by the normal equations at 40 digits); values on
    a polynomial of degree ``s`` are not — the fit differs from the interpolant, which
    continues them exactly — but are continued by the least-squares fit of the same data."""
    s = 13
    degree = s - CONTINUATION_DEGREE_DEFICIT
    step = RadauStep(_unit_flow(10.0, FloatBackend()), radau_tableau(s, FloatBackend()))
    c = np.array([float(v) for v in step.tab.c])
    rng = np.random.default_rng(3)
    h_u = 0.7
    h = ratio * h_u
    with mpmath.workdps(40):
        nodes = [mpf(0)] + [mpf(float(v)) for v in c]
        points = [mpf(1)] + [1 + mpf(float(v)) * ratio for v in c]
        weights = _least_squares_weights(nodes, points, degree)
        weights = np.array([[float(weights[i, j] - weights[0, j]) for j in range(1, s + 1)]
                            for i in range(1, s + 1)])
    for exact_degree in (degree, s):
        p = np.polynomial.Polynomial(np.concatenate([[0.0], rng.normal(size=exact_degree)]))
        Z_u = p(c * h_u)
        got = step.predict(CollocationPolynomial(h_u, Z_u[:, None]), h, 1)[:, 0]
        bound = 1e3 * np.finfo(float).eps * (np.abs(weights) @ np.abs(Z_u))
        assert np.all(np.abs(got - weights @ Z_u) <= bound)
        on_p = np.abs(got - (p(h_u + c * h) - p(h_u)))
        if exact_degree == degree:
            assert np.all(on_p <= bound)
        else:
            assert on_p.max() > 1e6 * bound.max()


def test_predict_declines_long_steps() -> None:
    """No continuation beyond PREDICT_MAX_RATIO·h_prev (a polynomial of degree s is no
    guide there), nor without a previous step."""
    float_step = RadauStep(_unit_flow(10.0, FloatBackend()), radau_tableau(13, FloatBackend()))
    polynomial = CollocationPolynomial(0.1, np.ones((13, 1)))
    assert float_step.predict(None, 0.1) is None
    assert float_step.predict(polynomial, 0.1 * PREDICT_MAX_RATIO * 1.01) is None
    assert float_step.predict(polynomial, 0.1 * PREDICT_MAX_RATIO) is not None


def test_stage_newton_matrix_is_the_jacobian_of_the_collocation_equations() -> None:
    """``I − h(A ⊗ I)·diag(J_1 … J_s)`` is ``−∂G/∂Z`` for the collocation residual
    ``G(Z) = h·A·F(Z) − Z``: checked against central differences of ``G`` on the float64
    flow of example A (Λ = 100, s = 5, stages inside a jump so that the ``J_i`` differ),
    through the correction: solving with the factors returns ``x`` from ``−∂G/∂Z·x``.
    :meth:`RadauStep._stage_iteration` returns the solution the factors give, where one
    simplified-Newton correction alone is off by more than 10⁻⁶."""
    problem, lam, s, h = example("A"), 100.0, 5, 0.02
    arb = ArbBackend(30)
    with arb.precision():
        step = RadauStep(MirrorFlow(problem, arb.scalar(lam), arb), radau_tableau(s, arb))
    flow = MirrorFlow(problem, lam, FloatBackend())
    A = np.array([[float(v) for v in row] for row in radau_tableau(s, FloatBackend()).A])
    base = np.array([0.99, -0.995, 0.5, 0.2, -0.9, 0.1])
    rng = np.random.default_rng(1)
    Z = rng.normal(scale=1e-3, size=(s, problem.d))

    def G(Z: np.ndarray) -> np.ndarray:
        return h * A @ flow.field(base, Z) - Z

    size = s * problem.d
    jacobian = np.empty((size, size))
    for j in range(size):
        delta = np.zeros(size)
        delta[j] = 1e-7
        plus, minus = G(Z + delta.reshape(Z.shape)), G(Z - delta.reshape(Z.shape))
        jacobian[:, j] = -(plus - minus).ravel() / 2e-7
    lu = step._stage_newton_matrix(base, Z, h)
    x = rng.normal(size=(s, problem.d))
    back = step._stage_correction(lu, (jacobian @ x.ravel()).reshape(x.shape))
    assert np.abs(back - x).max() <= 1e-6 * np.abs(x).max()
    # the iteration preconditioned with the simplified Newton matrices (J at the base)
    # solves the same system, to round-off, without factoring it
    R = step._stage_correction(lu, x)  # M·R = x, exactly solved by the LU
    solvers = step.newton_matrices(h, flow.frozen_jacobian(flow.evaluate(base)))
    slope = step._stage_slopes(base, Z)
    iterated = step._stage_iteration(solvers, slope, h, x)
    assert np.abs(iterated - R).max() <= 1e-12 * np.abs(R).max()
    assert np.abs(step._correction(solvers, x) - R).max() > 1e-6 * np.abs(R).max()


def test_predict_from_the_start_where_a_new_node_is_an_old_one() -> None:
    """From the start of a step with ``h = c_1·h_u`` the last new node, ``c_s·h = c_1·h_u``,
    is an old node exactly: that row of the basis is a unit vector, and the other rows are
    still the Lagrange values (a shortcut once returned the unit rows only, zeroing the
    rest).  Expected values from the polynomial itself."""
    s = 13
    step = RadauStep(_unit_flow(10.0, FloatBackend()), radau_tableau(s, FloatBackend()))
    c = np.array([float(v) for v in step.tab.c])
    p = np.polynomial.Polynomial(np.concatenate([[0.0], np.random.default_rng(5).normal(size=s)]))
    h_u = 0.5
    Z_u = p(c * h_u)
    got = step.predict(CollocationPolynomial(h_u, Z_u[:, None]), c[0] * h_u, origin=0)[:, 0]
    expected = p(c * c[0] * h_u)
    assert got[-1] == Z_u[0]
    assert np.abs(got - expected).max() <= 1e-12 * np.abs(Z_u).max()
