"""Symbolic checks of the theory page §2–§3: conservation, mirror flow, limits, conjugate, log form.

Each check takes the formula under test as an argument (a potential, a conjugate, an invariant,
…) and proves or refutes it with SymPy; the negative controls pass wrong formulas to the same
functions.  "Proved" means an exact symbolic simplification to 0 or an exact ``sympy.limit``
(see :func:`dlnsym.symbolic.prove_zero`); no numbers are involved.  A residual SymPy cannot
reduce to 0 is only "not proved"; it is "shown false" when it has a witness, a random
rational point where mpmath at :data:`WITNESS_DPS` digits gives ``|residual| >`` 1e-30
(:func:`_witness`).  The negative controls of such checks require the witness.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Callable, Iterable, Sequence
from fractions import Fraction

import mpmath
import sympy as sp

from dlnsym.lift import network_loss
from dlnsym.symbolic import prove_zero

from . import instances
from .registry import Case, Verdict, case, expecting, register, verdict

MODULE = __spec__.name

alpha = sp.Symbol("alpha", positive=True)
beta = sp.Symbol("beta", real=True)
theta = sp.Symbol("theta", real=True)
g = sp.Symbol("g", real=True)
p = sp.Symbol("p", positive=True)
s = sp.Symbol("s", real=True)
Lam = sp.Symbol("Lambda", positive=True)
U = sp.Symbol("u", real=True)
V = sp.Symbol("v", real=True)
half = sp.Rational(1, 2)

#: the theory page §2, one coordinate: φ_α(β) = ½[β·arcsinh(β/α²) − sqrt(β² + α⁴) + α²].
POTENTIAL = half * (beta * sp.asinh(beta / alpha**2) - sp.sqrt(beta**2 + alpha**4) + alpha**2)
#: the theory page §2: φ_α*(θ) = (α²/2)(cosh 2θ − 1).
CONJUGATE = alpha**2 / 2 * (sp.cosh(2 * theta) - 1)
#: the theory page §2: β = ∇φ_α*(θ) = α²·sinh(2θ).
INVERSE = alpha**2 * sp.sinh(2 * theta)


def log_form(decay: sp.Expr = 4 * Lam) -> sp.Expr:
    """the theory page §3: ``β(s) = sign(s)·½·e^{2Λ(|s|−1)}·(1 − e^{−decay·|s|})``, decay = 4Λ."""
    return sp.sign(s) * half * sp.exp(2 * Lam * (sp.Abs(s) - 1)) * (1 - sp.exp(-decay * sp.Abs(s)))


Invariant = Callable[[sp.Expr, sp.Expr], sp.Expr]


#: Digits of the mpmath evaluation of a residual at a witness point.
WITNESS_DPS = 50
#: Smallest ``|residual|`` that refutes an identity (far above the 1e-50 rounding).
WITNESS_MIN = mpmath.mpf("1e-30")
#: Random rational points tried for a witness, and the seed of their generator.
WITNESS_TRIES, WITNESS_SEED = 5, 0
#: Phrase of a refutation with a witness (the symbolic controls expect it).
SHOWN_FALSE = "shown false at"


def _random_rational(symbol: sp.Symbol, rng: random.Random) -> Fraction:
    """A rational in ``[1/9, 3]`` (positive symbols) or ``±[1/9, 3]`` (real ones)."""
    q = Fraction(rng.randint(1, 27), rng.randint(1, 9))
    value = min(q, Fraction(3))
    return value if symbol.is_positive or rng.random() < 0.5 else -value


def _witness(expr: sp.Expr) -> tuple[dict[sp.Symbol, Fraction], mpmath.mpf] | None:
    """A random rational point of the free symbols where mpmath at :data:`WITNESS_DPS`
    digits gives ``|expr| >`` :data:`WITNESS_MIN`, with that value; ``None`` if none of
    :data:`WITNESS_TRIES` points does (seeded: the same points every run)."""
    rng = random.Random(WITNESS_SEED)
    symbols = sorted(expr.free_symbols, key=str)
    fn = sp.lambdify(symbols, expr, "mpmath")
    for _ in range(WITNESS_TRIES):
        point = {x: _random_rational(x, rng) for x in symbols}
        with mpmath.workdps(WITNESS_DPS):
            value = fn(*(mpmath.mpf(q.numerator) / q.denominator for q in point.values()))
            if abs(value) > WITNESS_MIN:
                return point, value
    return None


def _refuted(how: str, expr: sp.Expr) -> str:
    """``shown false at x = …`` with a witness of ``expr ≠ 0``, else ``not proved``."""
    found = _witness(expr)
    if found is None:
        return (f"not proved ({how}); no witness: |residual| ≤ 1e-30 at {WITNESS_TRIES} "
                "random rational points")
    point, value = found
    at = ", ".join(f"{x} = {q}" for x, q in point.items()) or "any point"
    return f"{SHOWN_FALSE} {at}: residual {mpmath.nstr(value, 6)} ({WITNESS_DPS} digits)"


def _proved(label: str, expr: sp.Expr, failures: list[str], prefer: str | None = None) -> str:
    """Prove ``expr == 0``; otherwise record under ``label`` whether it is shown false (a
    witness) or only not proved; return how."""
    ok, how = prove_zero(expr, prefer)
    if not ok:
        failures.append(f"{label}: {_refuted(how, expr)}")
    return how


def _factor_roots(expr: sp.Expr) -> sp.Expr:
    """Factor the base of every fractional power, so that ``sqrt((α² + v²)²)`` becomes
    ``α² + v²`` (SymPy does that by itself once the base is a visible square of a positive
    expression)."""
    return expr.replace(
        lambda e: isinstance(e, sp.Pow) and e.exp.is_Rational and not e.exp.is_Integer,
        lambda e: sp.factor(sp.together(sp.expand(e.base))) ** e.exp,
    )


# ----------------------------------------------------------------------- conservation
def check_conservation(F: sp.Expr, us: Sequence[sp.Symbol], vs: Sequence[sp.Symbol],
                       invariant: Invariant) -> Verdict:
    """``d/dt I(u_i, v_i) = ∂I/∂u·u̇_i + ∂I/∂v·v̇_i = 0`` along ``u̇ = −∂F/∂u``, ``v̇ = −∂F/∂v``,
    for every coordinate i (the theory page §2 with ``I = u² − v²``).

    The rate is a polynomial in the weights (and in ``L'`` for an undefined ``L``), so
    ``expand`` decides exactly whether it is 0.
    """
    failures = []
    for ui, vi in zip(us, vs, strict=True):
        inv = invariant(ui, vi)
        rate = sp.expand(-sp.diff(inv, ui) * sp.diff(F, ui) - sp.diff(inv, vi) * sp.diff(F, vi))
        if rate != 0:
            failures.append(f"d/dt ({sp.sstr(inv)}) = {sp.sstr(rate)[:80]} ≠ 0")
            break  # one coordinate refutes the claim
    return verdict(failures, f"d/dt I expands to 0 for all {len(us)} coordinates")


def _conservation_inputs(quick: bool) -> Iterable[tuple[str, sp.Expr, tuple, tuple]]:
    """Generic ``F = L(u·v)`` with an undefined ``L``, and the polynomial ``F`` of instances."""
    yield "scalar F = L(u v), L arbitrary", sp.Function("L")(U * V), (U,), (V,)
    for inst in instances.general(quick):
        F, us, vs = network_loss(inst.problem)
        yield inst.label, F, us, vs


def _conservation_cases(invariant: Invariant) -> Callable[[bool], Iterable[Case]]:
    def cases(quick: bool) -> Iterable[Case]:
        for label, F, us, vs in _conservation_inputs(quick):
            yield case(label, check_conservation, F, us, vs, invariant)
    return cases


register(
    "conservation",
    "u_i² − v_i² is invariant along the gradient flow of F(u, v) = L(u ⊙ v).",
    cases=_conservation_cases(lambda u, v: u**2 - v**2),
    corrupted=lambda quick: _conservation_cases(lambda u, v: u**2 + v**2)(True),
    module=MODULE,
)


# ------------------------------------------------------------------------ mirror flow
def check_mirror_flow(potential: sp.Expr) -> Verdict:
    """Along the (u, v) flow, ``d/dt φ'(β) = φ''(β)·β̇ = −g``, and ``φ'(β(0)) = 0``.

    The flow of one coordinate is ``u̇ = −∂F/∂u``, ``v̇ = −∂F/∂v`` with ``F = L(uv)`` and
    ``g = L'(uv)``; on the orbit of ``u(0) = √2α, v(0) = 0`` conservation gives
    ``u = sqrt(v² + 2α²) > 0``, which is substituted (v stays free).
    """
    L = sp.Function("L")
    beta_dot = -sp.diff(L(U * V), U) * V - U * sp.diff(L(U * V), V)
    for kind in (sp.Subs, sp.Derivative):  # L'(uv) is the symbol g
        beta_dot = beta_dot.replace(lambda e, kind=kind: isinstance(e, kind) and e.has(L),
                                    lambda e: g)
    rate = sp.diff(potential, beta, 2).subs(beta, U * V) * beta_dot
    rate = _factor_roots(rate.subs(U, sp.sqrt(V**2 + 2 * alpha**2)))
    failures: list[str] = []
    how = _proved("d/dt grad phi(beta) + g", rate + g, failures, "simplify")
    start = sp.diff(potential, beta).subs(beta, 0)  # β(0) = u(0)·v(0) = √2α·0
    _proved("grad phi(beta(0))", start, failures)
    return verdict(failures, f"d/dt φ'(β) + g = 0 (radicands factored, {how}); φ'(β(0)) = 0")


WRONG_POTENTIALS = {
    "potential with α in place of α²":
        half * (beta * sp.asinh(beta / alpha) - sp.sqrt(beta**2 + alpha**2) + alpha),
    "Euclidean potential β²/2 (plain gradient flow)": beta**2 / 2,
}


def _potential_cases(fn: Callable[[sp.Expr], Verdict],
                     expect: str | None = None) -> tuple[Callable, Callable]:
    """Honest input: the theory page's potential; corrupted: :data:`WRONG_POTENTIALS`, each to be
    caught by a failure containing ``expect`` when given."""
    def wrong(quick: bool) -> list[Case]:
        cases = [case(label, fn, pot) for label, pot in WRONG_POTENTIALS.items()]
        return cases if expect is None else expecting(expect, cases)

    return (lambda quick: [case("theory §2 hyperbolic entropy, one coordinate", fn, POTENTIAL)],
            wrong)


honest, wrong = _potential_cases(check_mirror_flow, expect=SHOWN_FALSE)
register(
    "mirror-flow",
    "The (u, v) gradient flow gives the mirror flow d∇φ_α(β)/dt = −∇L(β) for the hyperbolic "
    "entropy φ_α, with ∇φ_α(β(0)) = 0.",
    cases=honest, corrupted=wrong, module=MODULE,
)


# ---------------------------------------------------------------------- α → 0 limits
def check_potential_limit(potential: sp.Expr) -> Verdict:
    """``lim_{α→0+} φ_α(β)/ln(1/α) = |β|`` for β = p, −p, 0 (p > 0) and
    ``lim ∇φ_α(β)/ln(1/α) = sign(β)`` for β = ±p (exact ``sympy.limit``)."""
    scale = sp.log(1 / alpha)
    grad = sp.diff(potential, beta)
    wanted = [(f"phi/ln(1/alpha) at beta={b}", potential, b, abs(b)) for b in (p, -p, 0)]
    wanted += [(f"phi'/ln(1/alpha) at beta={b}", grad, b, sp.sign(b)) for b in (p, -p)]
    failures, found = [], []
    for label, expr, b, expected in wanted:
        got = sp.limit((expr / scale).subs(beta, b), alpha, 0, "+")
        found.append(f"{label} → {got}")
        if sp.simplify(got - expected) != 0:
            failures.append(f"{label}: limit {got}, expected {expected}")
    return verdict(failures, "; ".join(found))


honest, wrong = _potential_cases(check_potential_limit)
register(
    "potential-limit",
    "φ_α/ln(1/α) → ‖·‖₁ and ∇φ_α/ln(1/α) → sign as α → 0.",
    cases=honest, corrupted=wrong, module=MODULE,
)


# -------------------------------------------------------------------------- conjugate
def check_conjugate(potential: sp.Expr, conjugate: sp.Expr, inverse: sp.Expr) -> Verdict:
    """``φ*`` is the convex conjugate of φ and ``β = inverse(θ)`` inverts ``θ = φ'(β)``.

    With ``θ = φ'(β)`` (which covers every real θ when φ' maps onto ℝ, as ½·arcsinh does):

    * ``φ'' > 0`` (so ``sup_β θβ − φ(β)`` is attained exactly where ``φ'(β) = θ``),
    * ``inverse(φ'(β)) = β``,
    * Fenchel–Young equality ``φ*(φ'(β)) = β·φ'(β) − φ(β)``,
    * ``(φ*)'(θ) = inverse(θ)``.
    """
    grad = sp.diff(potential, beta)
    at_grad = {theta: grad}
    failures: list[str] = []
    if sp.simplify(sp.diff(potential, beta, 2)).is_positive is not True:
        failures.append("SymPy cannot decide φ'' > 0")
    _proved("inverse(phi'(beta)) - beta", inverse.subs(at_grad) - beta, failures)
    _proved("phi*(phi'(beta)) - (beta phi'(beta) - phi(beta))",
            conjugate.subs(at_grad) - (beta * grad - potential), failures, "factor radicands")
    _proved("(phi*)' - inverse", sp.diff(conjugate, theta) - inverse, failures)
    return verdict(failures, "φ'' > 0; β = α²·sinh(2θ) inverts θ = φ'(β); Fenchel–Young "
                   "equality; ∇φ* = α²·sinh(2θ) (all by exact simplification)")


register(
    "conjugate",
    "φ_α*(θ) = (α²/2)·Σ(cosh 2θ_i − 1) is the convex conjugate of φ_α and β = α²·sinh(2θ) "
    "inverts θ = ∇φ_α(β).",
    cases=lambda quick: [case("the theory page §2 formulas, one coordinate", check_conjugate,
                              POTENTIAL, CONJUGATE, INVERSE)],
    corrupted=lambda quick: expecting(SHOWN_FALSE, [
        case("conjugate without the factor 1/2", check_conjugate,
             POTENTIAL, 2 * CONJUGATE, INVERSE),
        case("inversion β = α²·sinh(θ)", check_conjugate,
             POTENTIAL, CONJUGATE, alpha**2 * sp.sinh(theta)),
    ]),
    module=MODULE,
)


# ------------------------------------------------------------------------- log domain
def check_log_domain(form: sp.Expr) -> Verdict:
    """``form(s, Λ) = α²·sinh(2Λs)`` with ``α = e^{−Λ}``, for ``s = p > 0``, ``−p`` and 0.

    Both sides are sums of ``q·e^{(linear in Λ, p)}`` once rewritten in ``exp``; such
    exponentials are linearly independent, so expanding the difference decides exactly.
    """
    target = sp.exp(-2 * Lam) * sp.sinh(2 * Lam * s)
    failures = []
    for value in (p, -p, sp.Integer(0)):
        diff = sp.expand((form - target).subs(s, value).rewrite(sp.exp))
        left = sp.expand(sp.powsimp(diff, combine="exp"))
        if left != 0:
            failures.append(f"s = {value}: difference {sp.sstr(left)}")
    return verdict(failures, "equal for s > 0, s < 0 and s = 0 (exp-polynomials expand to 0)")


register(
    "log-domain",
    "β(s) = sign(s)·½·e^{2Λ(|s|−1)}·(1 − e^{−4Λ|s|}) equals α²·sinh(2Λs) with α = e^{−Λ}.",
    cases=lambda quick: [case("theory §3 overflow-free form", check_log_domain, log_form())],
    corrupted=lambda quick: [
        case("form without the factor 1/2", check_log_domain, 2 * log_form()),
        case("form with e^{−2Λ|s|} in place of e^{−4Λ|s|}", check_log_domain,
             log_form(2 * Lam)),
    ],
    module=MODULE,
)


if __name__ == "__main__":
    from .cli import main

    sys.exit(main(module=MODULE))
