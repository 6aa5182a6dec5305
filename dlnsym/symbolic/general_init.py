"""The mirror-flow derivation for an arbitrary initialisation ``(u_i(0), v_i(0))``.

Per coordinate, with ``u(0) = u₀`` and ``v(0) = v₀`` (our own derivation, extending theory §2):

* ``u² − v² = u₀² − v₀²`` is conserved; it defines the per-coordinate scale
  ``α_i² = |u₀² − v₀²| / 2`` (which must be nonzero);
* ``u² + v² = 2·sqrt(β² + α_i⁴)`` and ``dβ/dt = −2·sqrt(β² + α_i⁴)·g``, the same metric as
  in the special case, so the potential differs only by the starting point
  ``β₀ = u₀·v₀`` of the flow:

      φ(β) = φ_{α_i}(β) − ½·arcsinh(β₀/α_i²)·β,   ∇φ(β) = ½·arcsinh(β/α_i²) − ½·arcsinh(β₀/α_i²).

  The linear term makes ``∇φ(β₀) = 0``, as a mirror flow started at β₀ with θ(0) = 0 needs.
* The convex conjugate is the shifted ``φ*(θ) = φ_{α_i}*(θ + θ₀)
  = (α_i²/2)·(cosh(2θ + arcsinh(β₀/α_i²)) − 1)`` with ``θ₀ = ½·arcsinh(β₀/α_i²)``.

With ``u₀ = √2·α``, ``v₀ = 0`` everything reduces to the theory page §2.
"""

from __future__ import annotations

import functools
import math
from numbers import Real

import sympy as sp

from dlnsym.errors import ParameterError

from .mirror_flow import (
    U,
    V,
    _beta_flow_step,
    _mirror_flow_step,
    _step,
    _sum_of_squares_step,
    _use_lemmas,
    alpha,
    beta,
    derive_special,
    g,
    phi,
    phi_star,
    theory_potential,
    theta,
    u_t,
    v_t,
    x,
)
from .steps import Derivation, Proof, Step, prove_all, prove_zero

__all__ = ["derive_general", "potential_for_init"]

u0 = sp.Symbol("u_0", real=True)
v0 = sp.Symbol("v_0", real=True)
beta0 = sp.Symbol("beta0", real=True)


@functools.lru_cache(maxsize=1)
def derive_general() -> Derivation:
    """Derivation for arbitrary ``u(0) = u_0``, ``v(0) = v_0`` (one coordinate).

    ``.potential`` is in ``beta``, ``alpha`` (the per-coordinate scale α_i) and ``beta0``;
    ``.extras["potential_uv"]`` is the same potential written in ``u_0`` and ``v_0``.

    Returns
    -------
    Derivation
        14 steps, from the gradient flow to ``reduces_to_special_case`` (the paper's
        initialisation); ``.conjugate`` is the shifted ``φ_{α_i}*(θ + θ₀)``; ``.extras`` has
        ``gradient``, ``hessian``, ``potential_uv``, ``beta_of_theta`` and
        ``scale_squared``.  Cached: the first call (which also runs
        :func:`~dlnsym.symbolic.mirror_flow.derive_special`) takes a second or two.

    Raises
    ------
    Nothing
        A step SymPy cannot prove is kept with ``verified = False`` and its reason, not
        raised.

    Examples
    --------
    >>> d = derive_general()
    >>> d.potential - derive_special().potential     # the linear shift: ∇φ(β₀) = 0
    -beta*asinh(beta0/alpha**2)/2
    >>> d.step("reduces_to_special_case").verified
    True
    """
    steps: list[Step] = []
    half = sp.Rational(1, 2)
    special = derive_special()
    flow_stmt = special.step("gradient_flow")
    steps.append(flow_stmt)
    steps.append(special.step("conserved_quantity"))

    c = u0**2 - v0**2
    cons_value = (U**2 - V**2).subs({U: u0, V: v0})
    scale_sq = sp.Abs(c) / 2  # α_i² = |u₀² − v₀²| / 2
    steps.append(_step(
        "conserved_value",
        sp.Eq(u_t**2 - v_t**2, cons_value, evaluate=False),
        r"The conserved quantity is its initial value $u_0^2 - v_0^2$.",
        prove_zero(cons_value - c),
    ))
    steps.append(_step(
        "scale",
        sp.Eq(sp.Symbol("alpha_i") ** 2, scale_sq, evaluate=False),
        r"Per-coordinate scale: $(u^2 - v^2)^2 = 4\alpha_i^4$; we need $u_0^2 \ne v_0^2$ "
        r"(when $u_0 = \pm v_0$ the scale is 0 and $\dot\beta = -2|\beta| g$ has no "
        r"hyperbolic-entropy potential).",
        prove_zero(cons_value**2 - 4 * scale_sq**2),
    ))

    S_expr = sp.sqrt(4 * alpha**4 + 4 * beta**2)  # (u²+v²)² = (2α_i²)² + 4β², u²+v² ≥ 0
    steps.append(_sum_of_squares_step(
        S_expr,
        [("(u0^2-v0^2)^2 - (2 alpha^2)^2 with alpha^2 = |u0^2-v0^2|/2",
          c**2 - (2 * scale_sq) ** 2)],
        r"$(u^2+v^2)^2 = (u_0^2-v_0^2)^2 + 4\beta^2 = 4\alpha_i^4 + 4\beta^2$ "
        r"(here $\alpha$ denotes the per-coordinate scale $\alpha_i$).",
    ))
    beta_flow = -2 * sp.sqrt(beta**2 + alpha**4) * g
    steps.append(_beta_flow_step(
        beta_flow, S_expr, _flow_rhs(flow_stmt),
        r"$\dot\beta = \dot u v + u\dot v = -g(u^2+v^2)$, with the per-coordinate scale.",
    ))
    init_beta = (U * V).subs({U: u0, V: v0})
    steps.append(_step(
        "initial_beta",
        sp.Eq(beta0, init_beta, evaluate=False),
        r"The flow of $\beta$ starts at $\beta_0 = u_0 v_0$.",
        prove_zero(init_beta - u0 * v0),
    ))
    hess = 1 / (2 * sp.sqrt(beta**2 + alpha**4))
    steps.append(_step(
        "metric",
        sp.Eq(sp.Derivative(phi(beta), (beta, 2)), hess, evaluate=False),
        r"Same metric as in the special case: it solves "
        r"$\phi''(\beta)\dot\beta = -g$ for every $g$.",
        prove_zero(hess * beta_flow + g),
    ))
    grad = sp.integrate(hess.subs(beta, x), (x, beta0, beta))
    steps.append(_step(
        "mirror_map",
        sp.Eq(sp.Derivative(phi(beta), beta),
              sp.Integral(hess.subs(beta, x), (x, beta0, beta)), evaluate=False),
        r"Integrating the metric from $\beta_0$ so that $\nabla\phi(\beta_0) = 0$ "
        r"(the dual variable starts at $\theta(0) = 0$).",
        prove_all([("d/dbeta(result) - metric", sp.diff(grad, beta) - hess),
                   ("result at beta0", grad.subs(beta, beta0)),
                   ("result - [asinh(beta/alpha^2) - asinh(beta0/alpha^2)]/2",
                    grad - half * (sp.asinh(beta / alpha**2) - sp.asinh(beta0 / alpha**2)))]),
    ))
    pot = sp.integrate(grad.subs(beta, x), (x, 0, beta))
    pot = sp.collect(sp.expand(pot), half)
    shift = -half * sp.asinh(beta0 / alpha**2) * beta
    steps.append(_step(
        "potential",
        sp.Eq(phi(beta), pot, evaluate=False),
        r"Integrating once more with $\phi(0) = 0$: the hyperbolic entropy at scale "
        r"$\alpha_i$ plus the linear shift $-\frac{1}{2}\operatorname{arsinh}"
        r"(\beta_0/\alpha_i^2)\,\beta$.",
        prove_all([("d/dbeta(potential) - mirror map", sp.diff(pot, beta) - grad),
                   ("potential at 0", pot.subs(beta, 0)),
                   ("potential - (the theory page phi_alpha + shift)",
                    pot - theory_potential(beta, alpha) - shift)]),
    ))
    pot_uv = pot.subs({alpha: sp.sqrt(scale_sq), beta0: u0 * v0})
    steps.append(_step(
        "potential_in_u0_v0",
        sp.Eq(phi(beta), pot_uv, evaluate=False),
        r"The same potential written with $\alpha_i^2 = |u_0^2 - v_0^2|/2$ and "
        r"$\beta_0 = u_0 v_0$; its gradient vanishes at $\beta_0$.",
        prove_zero(sp.diff(pot_uv, beta).subs(beta, u0 * v0)),
    ))
    steps.append(_mirror_flow_step(
        grad, beta_flow,
        r"Chain rule: the flow is the mirror flow of this potential, started at "
        r"$\beta(0) = \beta_0$.",
    ))
    # Legendre transform
    inv = sp.solve(sp.Eq(grad, theta), beta)
    beta_star = inv[0] if len(inv) == 1 else sp.nan
    conj = sp.nan
    if len(inv) == 1:
        conj = sp.simplify(_use_lemmas(theta * beta_star - pot.subs(beta, beta_star)))
    th0 = sp.asinh(beta0 / alpha**2)
    conj_expected = alpha**2 / 2 * (sp.cosh(2 * theta + th0) - 1)  # φ_α*(θ + θ₀)
    lemmas_ok = special.step("arsinh_of_sinh").verified and special.step("cosh_from_sinh").verified
    proof = prove_all([
        ("conjugate - (alpha^2/2)(cosh(2 theta + asinh(beta0/alpha^2)) - 1)",
         _use_lemmas(conj - conj_expected)),
        ("Fenchel-Young on the graph", _use_lemmas(
            pot + conj.subs(theta, grad) - beta * grad)),
    ]) if len(inv) == 1 else Proof(False, f"sympy.solve returned {inv}")
    steps.append(_step(
        "conjugate",
        sp.Eq(phi_star(theta), conj, evaluate=False),
        r"Legendre transform: $\beta^* = \alpha_i^2\sinh(2\theta + "
        r"\operatorname{arsinh}(\beta_0/\alpha_i^2))$, so $\phi^*(\theta) = "
        r"\phi_{\alpha_i}^*(\theta + \frac{1}{2}\operatorname{arsinh}(\beta_0/\alpha_i^2))$; "
        r"Fenchel-Young holds with equality.",
        proof.also(lemmas_ok, " (using the lemmas arsinh_of_sinh and cosh_from_sinh)"),
    ))
    a_sym = sp.Symbol("alpha", positive=True)
    reduced = pot_uv.subs({u0: sp.sqrt(2) * a_sym, v0: 0})
    steps.append(_step(
        "reduces_to_special_case",
        sp.Eq(reduced, special.potential, evaluate=False),
        r"With $u_0 = \sqrt{2}\alpha$, $v_0 = 0$ the scale is $\alpha$, the shift vanishes "
        r"and the potential is the theory page's $\phi_\alpha$.",
        prove_zero(reduced - special.potential),
    ))
    return Derivation(
        title="Mirror flow of a diagonal linear network, general initialisation u(0), v(0)",
        potential=pot,
        conjugate=conj,
        steps=steps,
        extras={"gradient": grad, "hessian": hess, "potential_uv": pot_uv,
                "beta_of_theta": beta_star, "scale_squared": scale_sq},
    )


def _flow_rhs(flow_step: Step) -> dict:
    """``{du/dt: …, dv/dt: …}``, the gradient flow stated by ``flow_step``."""
    lhs, rhs = flow_step.statement.lhs, flow_step.statement.rhs
    return {lhs[0]: rhs[0], lhs[1]: rhs[1]}


def potential_for_init(u_0: Real, v_0: Real) -> sp.Expr:
    """The potential φ(β) of one coordinate started at ``(u_0, v_0)``, as a SymPy
    expression in ``beta``.

    ``φ(β) = ½[β·arcsinh(β/α²) − sqrt(β² + α⁴) + α²] − ½·arcsinh(β₀/α²)·β`` with
    ``α² = |u₀² − v₀²|/2`` and ``β₀ = u₀·v₀``: ``extras["potential_uv"]`` of
    :func:`derive_general` at these values (its first call takes a second or two; cached).

    Parameters
    ----------
    u_0, v_0 : real number or SymPy expression
        The initial values ``u(0)``, ``v(0)`` of the coordinate, with ``|u_0| ≠ |v_0|``.
        Exact values (integers, ``Rational``, ``sqrt(2)/10``) give an exact potential; a
        float gives float coefficients.

    Returns
    -------
    sympy.Expr
        φ in the real symbol ``beta`` (``Symbol("beta", real=True)``); ``φ(0) = 0`` and
        ``φ'(β₀) = 0``.

    Raises
    ------
    ParameterError
        If an input is not a finite real number, or ``u_0² = v_0²`` (zero scale: the
        hyperbolic entropy degenerates).

    Examples
    --------
    >>> import sympy as sp
    >>> beta = sp.Symbol("beta", real=True)
    >>> potential_for_init(sp.sqrt(2) / 10, 0)   # α = 1/10, β₀ = 0: the theory page's φ_α
    beta*asinh(100*beta)/2 - sqrt(beta**2 + 1/10000)/2 + 1/200
    >>> potential_for_init(1, 1)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    dlnsym.errors.ParameterError: u_0**2 == v_0**2 (u_0 = 1, v_0 = 1): ... |u_0| != |v_0|
    """
    vals = []
    for name, val in (("u_0", u_0), ("v_0", v_0)):
        try:
            sv = sp.sympify(val)
        except (sp.SympifyError, TypeError) as exc:
            raise ParameterError(f"{name} = {val!r} is not a number; pass a real number") from exc
        if not (sv.is_real and sv.is_finite) or (
            isinstance(val, float) and not math.isfinite(val)
        ):
            raise ParameterError(f"{name} = {val!r} must be a finite real number")
        vals.append(sv)
    if sp.simplify(vals[0] ** 2 - vals[1] ** 2) == 0:
        raise ParameterError(
            f"u_0**2 == v_0**2 (u_0 = {u_0!r}, v_0 = {v_0!r}): the conserved quantity "
            "u^2 - v^2 is 0, so the scale alpha_i is 0 and there is no hyperbolic-entropy "
            "potential; choose |u_0| != |v_0|"
        )
    return derive_general().extras["potential_uv"].subs({u0: vals[0], v0: vals[1]})
