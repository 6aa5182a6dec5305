"""The field of the accelerated mirror flow (docs/theory.md §3): β(s), β'(s), J, no overflow."""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
from scipy.special import lambertw

from dlnsym.integrate.backend import ArbBackend, FloatBackend, MpBackend
from dlnsym.mirror_flow import MirrorFlow, beta_and_slope, beta_of_s
from dlnsym.problems import as_problem, example


def _sinh_form(s: mpmath.mpf, lam: mpmath.mpf) -> mpmath.mpf:
    """β = α²·sinh(2Λs) with α = e^{−Λ}, in mpmath (unbounded exponents: no overflow)."""
    return mpmath.exp(-2 * lam) * mpmath.sinh(2 * lam * s)


@pytest.mark.parametrize("lam", [0.5, 5.0, 30.0])
@pytest.mark.parametrize("s", [-1.2, -0.7, -1e-9, 0.0, 3e-4, 0.4, 1.0, 1.05])
def test_float_beta_matches_sinh_form(lam: float, s: float) -> None:
    with mpmath.workdps(40):
        expected = float(_sinh_form(mpmath.mpf(s), mpmath.mpf(lam)))
    assert beta_of_s(s, lam) == pytest.approx(expected, rel=1e-13, abs=1e-300)


@pytest.mark.parametrize("lam", ["1e3", "1e6"])
@pytest.mark.parametrize("s", ["-1.0000001", "-0.5", "1e-12", "0.999999", "1"])
def test_mp_beta_matches_sinh_form_at_huge_lambda(lam: str, s: str) -> None:
    """Agreement to the working precision, less the log10(2Λ) digits that rounding |s| − 1
    costs (the reason the mp path carries guard digits)."""
    with mpmath.workdps(50):
        got = beta_of_s(mpmath.mpf(s), mpmath.mpf(lam))
        expected = _sinh_form(mpmath.mpf(s), mpmath.mpf(lam))
        assert abs(got - expected) <= mpmath.mpf(10) ** -49 * 4 * mpmath.mpf(lam) * abs(expected)


@pytest.mark.parametrize("backend", [MpBackend(50), ArbBackend(50)], ids=["mpmath", "arb"])
def test_mp_beta_of_stage_rows_matches_sinh_form(backend) -> None:  # noqa: ANN001
    """β and β' at ``s = base + offset`` for a matrix of offsets (the stages of a step) on
    object arrays, with every case of the formula: ``|offset| < |base|`` or not, ``s``
    crossing 0, and ``4Λ|s|`` small (``e^{−4Λ|s|} − 1`` by expm1) or large (``−1``)."""
    lam = mpmath.mpf(1000)
    with backend.precision():
        base = backend.array(["0.9", "-1e-5", "0", "-0.95", "1"])
        offset = backend.array([["1e-3", "2e-5", "1e-6", "-1e-3", "-1e-9"],
                                ["-0.2", "3e-6", "-2e-4", "0.95", "0"]])
        beta, slope = beta_and_slope(base, offset, backend.scalar(lam), backend)
    assert beta.shape == slope.shape == (2, 5)
    with mpmath.workdps(60):
        for i in range(2):
            for j in range(5):
                s = (_to_mpf(base[j]) + _to_mpf(offset[i, j]))
                expected = _sinh_form(s, lam)
                rate = 2 * lam * mpmath.sqrt(expected**2 + mpmath.exp(-4 * lam))
                tol = mpmath.mpf(10) ** -47 * 4 * lam
                assert abs(_to_mpf(beta[i, j]) - expected) <= tol * abs(expected)
                assert abs(_to_mpf(slope[i, j]) - rate) <= tol * rate


def _to_mpf(x) -> mpmath.mpf:  # noqa: ANN001
    """An mpf or the mid-point of an arb, exactly."""
    return ArbBackend.to_mpf(x) if not isinstance(x, mpmath.mpf) else x


def test_float_beta_never_overflows_and_keeps_signs() -> None:
    s = np.array([-1.0, -0.3, 0.0, 0.3, 1.0, 1.00001])
    beta = beta_of_s(s, 1e6)
    assert np.all(np.isfinite(beta))
    assert beta[0] == -0.5 and beta[4] == 0.5
    assert beta[1] == 0.0 and beta[2] == 0.0 and beta[3] == 0.0  # underflow to 0 is fine
    assert beta[5] == pytest.approx(0.5 * np.exp(20.0), rel=1e-9)


def test_slope_is_two_lambda_sqrt_beta2_plus_alpha4() -> None:
    backend = MpBackend(50)
    with backend.precision():
        lam = mpmath.mpf(40)
        s = backend.array(["-1.01", "-0.2", "0", "1e-30", "0.97"])
        beta, slope = beta_and_slope(s, 0, lam, backend)
        alpha2 = mpmath.exp(-2 * lam)
        for b, d in zip(beta, slope, strict=True):
            assert abs(d - 2 * lam * mpmath.sqrt(b * b + alpha2 * alpha2)) <= 1e-45 * d


@pytest.mark.parametrize("lam", ["40", "1e6"])
def test_arb_field_agrees_with_mpmath(lam: str) -> None:
    """β, β' and f on the Arb back-end equal the mpmath ones to the working precision, with
    exact conversion both ways, also where β ≈ e^{−2·10⁶}."""
    mp, arb = MpBackend(50), ArbBackend(50)
    values = ["-1.01", "-0.2", "0", "1e-30", "0.97", "0.9999999"]
    with mp.precision():
        s_mp = mp.array(values)
        flow_mp = MirrorFlow(example("A"), mpmath.mpf(lam), mp)
        ref = flow_mp.evaluate(s_mp, mp.array(np.zeros(6)))
    with arb.precision():
        flow_arb = MirrorFlow(example("A"), arb.scalar(mpmath.mpf(lam)), arb)
        s = arb.array(s_mp)
        got = flow_arb.evaluate(s, arb.array(np.zeros(6)))
    with mp.precision():
        assert all(ArbBackend.to_mpf(a) == b for a, b in zip(s, s_mp, strict=True))
        for name in ("beta", "slope", "f"):
            for a, b in zip(getattr(got, name), getattr(ref, name), strict=True):
                assert abs(ArbBackend.to_mpf(a) - b) <= 1e-45 * abs(b) + 1e-60


def test_evaluate_at_a_plain_state() -> None:
    """``evaluate(s)`` is ``evaluate(s, 0)``: a float64 state needs no double word."""
    flow = MirrorFlow(example("A").to_float(), 100.0, FloatBackend())
    s = np.array([0.99, -0.5, 0.0, 0.1, 1.0, -1.0])
    assert np.array_equal(flow.evaluate(s).f, flow.evaluate(s, np.zeros(6)).f)


@pytest.mark.parametrize("backend", [FloatBackend(), MpBackend(30), ArbBackend(30)],
                         ids=lambda b: b.name)
def test_field_is_f_of_evaluate(backend) -> None:  # noqa: ANN001 - parametrised back-end
    """The substeps' ``field(base, offset)`` is exactly ``evaluate(base, offset).f``, including
    an overflowing coordinate (float64: ``inf`` propagates instead of raising)."""
    with backend.precision():
        flow = MirrorFlow(example("A"), backend.scalar(1e3), backend)
        base = backend.array(["0.99", "-0.98", "0.3", "-1.01", "0.5", "0"])
        offset = backend.array(["1e-3", "-2e-4", "0", "1e-5", "-0.6", "0"])
        point = backend.point  # arb: compare mid-points (balls with a radius never compare ==)
        assert list(point(flow.field(base, offset))) == list(point(flow.evaluate(base, offset).f))
        assert list(point(flow.field(base))) == list(point(flow.evaluate(base).f))
    if isinstance(backend, FloatBackend):
        with backend.precision():
            assert not backend.all_finite(flow.field(np.array([2.0, 0, 0, 0, 0, 0])))


def test_double_word_state_resolves_below_float_epsilon() -> None:
    """s = 1 + 1e-20 is not a float64, but β(s) = ½·e^{2Λ·1e-20} must see the 1e-20."""
    backend = FloatBackend()
    lam = 1e6
    beta, _ = beta_and_slope(np.array([1.0, -1.0]), np.array([1e-14, -1e-14]), lam, backend)
    expected = 0.5 * np.exp(2 * lam * 1e-14)  # 0.5·(1 + 2e-8)
    assert beta[0] == pytest.approx(expected, rel=1e-15)
    assert beta[1] == pytest.approx(-expected, rel=1e-15)
    assert beta[0] != 0.5


def test_jacobian_against_finite_differences() -> None:
    """``J = −H·diag(β')`` against a central finite difference of f."""
    backend = MpBackend(40)
    flow = MirrorFlow(example("A"), 20, backend)
    with backend.precision():
        s = backend.array(["0.99", "-0.98", "0.3", "-1.01", "0.5", "0"])
        zero = backend.array(np.zeros(6))
        J = flow.jacobian(flow.evaluate(s, zero))
        eps = mpmath.mpf(10) ** -15
        for j in range(6):
            e = backend.array(np.zeros(6))
            e[j] = eps
            col = (flow.evaluate(s, e).f - flow.evaluate(s, -e).f) / (2 * eps)
            for i in range(6):
                assert abs(J[i, j] - col[i]) < 1e-18 * max(1, abs(col[i]))


def test_field_is_minus_gradient() -> None:
    """f(s) = −∇L(β(s)) with ∇L = Xᵀ(Xβ − y)/n (docs/theory.md §1), float path."""
    problem = example("A", exact=False)
    flow = MirrorFlow(example("A"), 3.0, FloatBackend())
    s = np.array([0.9, -0.95, 0.1, -0.2, 0.97, 0.0])
    value = flow.evaluate(s, np.zeros(6))
    assert np.allclose(value.f, -problem.gradient(value.beta), atol=1e-14)
    assert flow.loss(value.beta) == pytest.approx(problem.loss(value.beta), rel=1e-14)
    assert flow.loss_rate(value) < 0


def test_arb_log_accepts_plain_numbers():
    backend = ArbBackend(20)
    with backend.precision():
        for x in (2e-3, 3, backend.scalar("0.5")):
            assert abs(float(backend.log(x)) - math.log(float(x))) < 1e-15


def test_wake_cap_bounds_growth_of_awake_and_arrival_of_dormant_coordinates() -> None:
    """Dormant outward coordinates may not pass ``s_w`` by more than ``1/2Λ``; awake ones may
    grow by ``e^z``, ``h ≤ z/(2Λ|f_i|)``, with ``z = max(growth, W(R))`` where
    ``R = 2Λ·0.1·|f_i|/(‖H_{:,i}‖_∞·β'_i)`` (the Newton matrix's tolerance, Lambert's W from
    scipy here); inward ones do not constrain."""
    lam = 100.0
    flow = MirrorFlow(example("A"), lam, FloatBackend())
    beta_wake = 1e-14
    s_w = 1 + math.log(2 * beta_wake) / (2 * lam)
    c = flow.c  # f = c at β ≈ 0
    s = np.zeros(6)
    s[0] = math.copysign(s_w - 0.1, c[0])  # dormant, 0.1 below the wake level, outward
    value = flow.evaluate(s)
    assert value.f[0] == pytest.approx(c[0], rel=1e-6)
    # the others sit at s = 0 (outward whatever their sign): room s_w each
    expected = min([0.1 / abs(c[0])] + [s_w / abs(v) for v in value.f[1:]])
    assert flow.wake_cap(value, beta_wake) == pytest.approx(expected)
    column = np.abs(flow.H[:, 0]).max()
    for level in (1e-14 * math.e**2, 0.05):  # awake, growing: far below O(1), and near it
        s[0] = math.copysign(1 + math.log(2 * level) / (2 * lam), c[0])
        value = flow.evaluate(s)
        f0 = abs(value.f[0])
        ratio = 2 * lam * 0.1 * f0 / (column * value.slope[0])
        z = max(4.0, lambertw(ratio).real)
        assert (z > 20) == (level < 1e-3)  # W(R) ≈ 25 far below O(1); growth binds near it
        cap = flow.wake_cap(value, beta_wake, growth=4.0)
        assert cap == pytest.approx(z / (2 * lam * f0), rel=1e-10)
    s[0] = -s[0]  # the same coordinate moving inward: no longer the binding constraint
    assert flow.wake_cap(flow.evaluate(s), beta_wake, growth=4.0) > cap


def test_wake_cap_counts_a_dormant_coordinate_crossing_zero() -> None:
    """Regression: a dormant coordinate moving *inward* (s_i·f_i < 0) crosses 0 and wakes on
    the other side after ``s_w + |s_i|``; the cap once ignored it, and a step of 13.6 carried
    such a coordinate from s = −0.08 to +0.9992 unseen (random_integer(3, 6, seed=5),
    Λ = 300).  The same holds for a coordinate still awake and moving inward (a decaying
    one): room ``s_w + |s_i|``, continuous across the wake level."""
    lam = 100.0
    flow = MirrorFlow(example("A"), lam, FloatBackend())
    beta_wake = 1e-14
    s_w = 1 + math.log(2 * beta_wake) / (2 * lam)
    c = flow.c
    s = np.full(6, 0.0)
    s[:] = -np.sign(c) * 0.3  # every coordinate dormant, moving inward (f ≈ c)
    value = flow.evaluate(s)
    assert all(value.s * value.f < 0)
    expected = min((s_w + 0.3) / abs(v) for v in value.f)
    assert flow.wake_cap(value, beta_wake) == pytest.approx(expected, rel=1e-12)
    for a in (s_w + 0.01, s_w - 1e-9, s_w + 1e-9):  # awake or barely dormant, inward
        s[:] = -np.sign(c) * a
        value = flow.evaluate(s)
        assert all(value.s * value.f < 0)
        expected = min((s_w + a) / abs(v) for v in value.f)
        assert flow.wake_cap(value, beta_wake) == pytest.approx(expected, rel=1e-6)


def test_waking_rate_is_the_growth_rate_of_the_fastest_waking_coordinate() -> None:
    """``2Λ|f_i|`` of the awake, outward, still exponentially growing coordinates (β from
    mpmath's ``sinh`` here, ``f = c − Hβ`` with ``H``, ``c`` of ``X = I``); dormant ones,
    inward ones and one whose own feedback ``H_ii·β_i`` is no longer small do not count."""
    lam, beta_wake = 50.0, 1e-12
    flow = MirrorFlow(as_problem([[1, 0, 0], [0, 1, 0], [0, 0, 1]], [3, 2, -1]), lam,
                      FloatBackend())  # H = I/3, c = (1, 2/3, −1/3)

    def s_at(beta: float) -> float:  # |s| with β(s) = β, β > 0
        return float(mpmath.asinh(mpmath.mpf(beta) * mpmath.exp(2 * lam)) / (2 * lam))

    def rate(s: list[float]) -> float:
        return flow.waking_rate(flow.evaluate(np.array(s)), beta_wake)

    def f(i: int, s_i: float) -> float:  # f_i when the others are dormant
        beta = mpmath.exp(-2 * lam) * mpmath.sinh(2 * lam * mpmath.mpf(s_i))
        return float(flow.c[i] - beta / 3)

    dormant = 0.1
    assert rate([dormant, dormant, -dormant]) == 0.0
    s0, s1 = s_at(1e-6), s_at(1e-8)  # both waking, outward; coordinate 0 faster (c larger)
    assert rate([s0, s1, -dormant]) == pytest.approx(2 * lam * f(0, s0), rel=1e-12)
    assert rate([-s0, s1, -dormant]) == pytest.approx(2 * lam * f(1, s1), rel=1e-12)  # 0 inward
    s0 = s_at(0.5)  # H_00·β_0 = 1/6 > f_0/10: saturating, not waking any more
    assert rate([s0, s1, -dormant]) == pytest.approx(2 * lam * f(1, s1), rel=1e-12)
    assert rate([s0, -dormant, -dormant]) == 0.0


@pytest.mark.parametrize("explicit_max", [0, 10_000])
@pytest.mark.parametrize("k", [1, 2, 3, 17, 40])
@pytest.mark.parametrize("split", [False, True], ids=["one-thread", "halves"])
def test_awake_block_solves_the_newton_systems(monkeypatch, k: int, explicit_max: int,  # noqa: ANN001
                                               split: bool) -> None:
    """``AwakeBlock.solve`` against a dense complex solve of ``(I + hγ·D^{½}HD^{½})x = w``,
    for every ``hγ`` at once, with ``P`` formed and applied as reflectors, and with the
    products split over two threads (threshold 0); slopes over eight orders of magnitude,
    as in a jump."""
    import dlnsym.integrate.backend as backend
    import dlnsym.mirror_flow as mirror_flow
    from dlnsym.mirror_flow import AwakeBlock

    monkeypatch.setattr(mirror_flow, "EXPLICIT_BASIS_MAX", explicit_max)
    if split:
        monkeypatch.setattr(backend, "SPLIT_MIN_WORK", 0)
    rng = np.random.default_rng(k)
    X = rng.standard_normal((k + 5, k))
    H = X.T @ X / (k + 5)
    slope = np.exp(rng.uniform(-8, 8, k) * np.log(10) / 2)
    block = AwakeBlock.of(H, slope, np.arange(k), np.arange(0), H[:0])
    assert (block.basis is None) == (k > max(explicit_max, 2))
    hg = np.array([0.7, 0.2 + 0.5j, 0.05 + 0.9j])
    W = rng.standard_normal((3, k)) + 1j * rng.standard_normal((3, k))
    S = H * np.sqrt(slope)[:, None] * np.sqrt(slope)[None, :]
    x = block.solve(W, block.stacked(hg))
    for j, g in enumerate(hg):
        expected = np.linalg.solve(np.eye(k) + g * S, W[j])
        assert np.allclose(x[j], expected, rtol=1e-9, atol=1e-12 * np.abs(W[j]).max())
    # the first rows only (the real eigenvalue alone, as the error estimate asks)
    assert np.allclose(block.solve(W[:1], block.stacked(hg))[0], x[0], rtol=1e-13, atol=1e-15)
