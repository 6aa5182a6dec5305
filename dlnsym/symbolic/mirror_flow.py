"""From the gradient flow of ``F(u, v) = L(u ⊙ v)`` to the hyperbolic-entropy mirror flow.

Everything below is computed by SymPy, one coordinate at a time (the flow is coordinatewise
once the loss gradient ``g = ∂L/∂β_i`` is treated as a symbol):

1. ``du/dt = −v·g``, ``dv/dt = −u·g`` (``sympy.diff`` of ``L(u·v)``);
2. ``d/dt (u² − v²) = 0`` and, from ``u(0) = √2·α``, ``v(0) = 0``, ``u² − v² = 2α²``;
3. ``(u² + v²)² = (u² − v²)² + 4(uv)²``, hence ``u² + v² = 2·sqrt(β² + α⁴)``;
4. ``dβ/dt = −2·sqrt(β² + α⁴)·g``;
5. the metric ``φ_α''(β) = 1/(2·sqrt(β² + α⁴))`` solving ``φ''(β)·dβ/dt = −g`` for every g;
6. ``φ_α'`` and ``φ_α`` by integrating twice from 0 (``φ_α(0) = φ_α'(0) = 0``);
7. ``φ_α*`` by Legendre transform, ``β = α²·sinh(2θ)``, Fenchel–Young;
8. accelerated time ``t̃ = t/Λ``, ``s = θ/Λ``, ``α = e^{−Λ}`` and the log-domain form;
9. the limits ``α → 0`` / ``Λ → ∞``.

See the theory page §2–§3.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import sympy as sp

from .steps import Derivation, Proof, Step, prove_all, prove_zero

__all__ = ["derive_special", "SYMBOLS"]

alpha = sp.Symbol("alpha", positive=True)
beta = sp.Symbol("beta", real=True)
theta = sp.Symbol("theta", real=True)
g = sp.Symbol("g", real=True)
t = sp.Symbol("t", real=True)
r = sp.Symbol("r", real=True)
x = sp.Symbol("x", real=True)  # integration variable
y = sp.Symbol("y", real=True)
s = sp.Symbol("s", real=True)
Lam = sp.Symbol("Lambda", positive=True)
ttilde = sp.Symbol("ttilde", real=True)
p = sp.Symbol("p", positive=True)  # auxiliary positive parameter for case splits
U = sp.Symbol("u", real=True)
V = sp.Symbol("v", real=True)
S_sq = sp.Symbol("S", nonnegative=True)  # stands for u² + v² ≥ 0

#: Symbols used in the statements, by name.
SYMBOLS = {
    "alpha": alpha,
    "beta": beta,
    "theta": theta,
    "g": g,
    "t": t,
    "s": s,
    "Lambda": Lam,
    "ttilde": ttilde,
}

u_t = sp.Function("u")(t)
v_t = sp.Function("v")(t)
beta_t = sp.Function("beta")(t)
phi = sp.Function("phi_alpha")
phi_star = sp.Function("phi_alpha^*")
loss = sp.Function("L")
grad_loss_t = sp.Function("g")  # g(r) = ∇L(β(r)) as a function of time
theta_f = sp.Function("theta")
s_f = sp.Function("s")
beta_f = sp.Function("beta")


def theory_potential(b: sp.Expr, a: sp.Expr) -> sp.Expr:
    """the theory page §2, one coordinate: ``½[β·arcsinh(β/α²) − sqrt(β² + α⁴) + α²]``."""
    return sp.Rational(1, 2) * (b * sp.asinh(b / a**2) - sp.sqrt(b**2 + a**4) + a**2)


def _limit_cases(
    expr_of: Callable[[sp.Expr], sp.Expr],
    var: sp.Symbol,
    point: sp.Expr,
    cases: list[tuple[str, sp.Expr, sp.Expr]],
    direction: str = "+",
) -> tuple[bool, str]:
    """Compute ``limit(expr, var → point)`` with ``case_symbol := value`` for each case.

    Parameters
    ----------
    expr_of : callable
        ``expr_of(value)`` returns the expression whose limit is taken.
    cases : list of (label, value, expected)
    """
    reasons = []
    for label, value, expected in cases:
        got = sp.limit(expr_of(value), var, point, direction)
        same = (sp.simplify(got - expected) == 0) if got.is_finite else (got == expected)
        if not same:
            return False, f"case {label}: sympy.limit gave {got}, expected {expected}"
        reasons.append(f"{label}: limit = {sp.sstr(got)}")
    return True, "exact sympy.limit in every case (" + "; ".join(reasons) + ")"


_w = sp.Wild("w")


def _use_lemmas(expr: sp.Expr) -> sp.Expr:
    """Apply ``arsinh(sinh y) = y`` and ``sqrt(sinh² y + 1) = cosh y`` (real y), after
    factoring every radicand so that positive factors such as ``α⁴`` come out of the root."""
    expr = expr.replace(
        lambda e: isinstance(e, sp.asinh) and isinstance(e.args[0], sp.sinh),
        lambda e: e.args[0].args[0],
    )
    expr = expr.replace(
        lambda e: isinstance(e, sp.Pow) and e.exp == sp.S.Half,
        lambda e: sp.sqrt(sp.factor(e.base)),
    )

    def is_sqrt_sinh2p1(e):
        return (isinstance(e, sp.Pow) and e.exp == sp.S.Half
                and e.base.match(sp.sinh(_w) ** 2 + 1) is not None)

    return expr.replace(is_sqrt_sinh2p1, lambda e: sp.cosh(e.base.match(sp.sinh(_w) ** 2 + 1)[_w]))


def _step(name: str, statement: sp.Eq, explanation: str, proof: tuple[bool, str]) -> Step:
    ok, reason = proof
    residuals = getattr(proof, "residuals", ())
    return Step(name, statement, explanation, bool(ok), reason, residuals)


def _sum_of_squares_step(sum_of_squares: sp.Expr, scale_residuals: list[tuple[str, sp.Expr]],
                         explanation: str) -> Step:
    """The step ``u² + v² = 2·sqrt(β² + α⁴)``: ``(u²+v²)² = (u²−v²)² + 4(uv)²``, the
    conserved ``u² − v²`` written with α (``scale_residuals``, proved zero as well), and the
    nonnegative root ``sum_of_squares = sqrt(4α⁴ + 4β²)``."""
    identity = (U**2 + V**2) ** 2 - (U**2 - V**2) ** 2 - 4 * (U * V) ** 2
    sqrt_ok = sp.sqrt(S_sq**2) == S_sq
    proof = prove_all([
        ("(u^2+v^2)^2 - (u^2-v^2)^2 - 4(uv)^2", sp.expand(identity)),
        *scale_residuals,
        ("sqrt(4 alpha^4 + 4 beta^2) - 2 sqrt(beta^2 + alpha^4)",
         sum_of_squares - 2 * sp.sqrt(beta**2 + alpha**4)),
    ])
    return _step(
        "sum_of_squares",
        sp.Eq(u_t**2 + v_t**2, 2 * sp.sqrt(beta_t**2 + alpha**4), evaluate=False),
        explanation,
        proof.also(sqrt_ok, "; sqrt(S**2) == S for S >= 0" if sqrt_ok else
                   "; SymPy did not confirm sqrt(S**2) == S for S >= 0"),
    )


def _beta_flow_step(beta_flow: sp.Expr, sum_of_squares: sp.Expr, flow_rhs: dict,
                    explanation: str) -> Step:
    """The step ``dβ/dt = beta_flow`` for ``β = u·v``: ``d(uv)/dt = −g(u² + v²)`` along the
    gradient flow ``flow_rhs`` (``{du/dt: …, dv/dt: …}``), then ``u² + v² = sum_of_squares``."""
    d_beta = sp.diff(u_t * v_t, t).subs(flow_rhs)  # = −g (u² + v²)
    return _step(
        "beta_flow",
        sp.Eq(sp.Derivative(beta_t, t), beta_flow.subs(beta, beta_t), evaluate=False),
        explanation,
        prove_all([
            ("d(uv)/dt + g (u^2+v^2)", d_beta + g * (u_t**2 + v_t**2)),
            ("-g (u^2+v^2) - (beta flow)", -g * sum_of_squares - beta_flow),
        ]),
    )


def _mirror_flow_step(grad: sp.Expr, beta_flow: sp.Expr, explanation: str) -> Step:
    """The step ``d/dt ∇φ(β(t)) = −g``: the chain rule on the mirror map ``grad`` along
    ``dβ/dt = beta_flow``."""
    chain = sp.diff(grad.subs(beta, beta_t), t).subs(
        sp.Derivative(beta_t, t), beta_flow.subs(beta, beta_t))
    return _step(
        "mirror_flow",
        sp.Eq(sp.Derivative(sp.Derivative(phi(beta), beta).subs(beta, beta_t), t), -g,
              evaluate=False),
        explanation,
        prove_zero(chain + g),
    )


def _log_domain_step(beta_s: sp.Expr, edge: sp.Expr, explanation: str) -> Step:
    """The step ``log_domain_form``: ``β(s) = beta_s`` equals the overflow-free
    ``sign(s)·½·e^{2Λ(|s| − edge)}·(1 − e^{−4Λ|s|})`` with box edge ``edge``, checked for
    ``s > 0``, ``s < 0`` and ``s = 0``; the form is the statement's right-hand side."""
    log_form = (sp.sign(s) * sp.Rational(1, 2) * sp.exp(2 * Lam * (sp.Abs(s) - edge))
                * (1 - sp.exp(-4 * Lam * sp.Abs(s))))
    return _step(
        "log_domain_form",
        sp.Eq(beta_f(s), log_form, evaluate=False),
        explanation,
        prove_all([(f"case s = {lab}", (beta_s - log_form).subs(s, val))
                   for lab, val in (("p > 0", p), ("-p < 0", -p), ("0", 0))],
                  prefer="rewrite(exp), then"),
    )


def _replace_g(expr: sp.Expr) -> sp.Expr:
    """Replace ``L'(anything)`` (a Derivative/Subs of L) by the symbol g."""
    expr = expr.replace(
        lambda e: isinstance(e, sp.Subs) and e.expr.has(loss), lambda e: g
    )
    return expr.replace(lambda e: isinstance(e, sp.Derivative) and e.expr.has(loss), lambda e: g)


@functools.lru_cache(maxsize=1)
def derive_special() -> Derivation:
    """The derivation for the initialisation ``u(0) = √2·α``, ``v(0) = 0`` (theory §1–§3).

    The nine stages of the module docstring, as 26 steps, each proved by SymPy or marked
    unverified.  :func:`dlnsym.symbolic.derive_mirror_flow` with its defaults returns it.

    Returns
    -------
    Derivation
        ``.potential`` is ``φ_α(β)`` in ``beta`` and ``alpha``, ``.conjugate`` is
        ``φ_α*(θ) = (α²/2)(cosh 2θ − 1)``; ``.extras`` has ``gradient``, ``hessian``,
        ``beta_of_theta``, ``beta_of_s`` and ``log_domain``.  Cached: the first call takes a
        second or two, later calls return the same object.

    Raises
    ------
    Nothing
        A step SymPy cannot prove is kept with ``verified = False`` and its reason, not
        raised.

    Examples
    --------
    >>> d = derive_special()
    >>> len(d.steps), d.all_verified
    (26, True)
    >>> d.step("limit_potential").statement.rhs          # φ_α(β)/ln(1/α) → |β| as α → 0
    Abs(beta)
    >>> d.extras["beta_of_theta"]
    alpha**2*sinh(2*theta)
    """
    steps: list[Step] = []
    half = sp.Rational(1, 2)

    # 1. gradient flow ---------------------------------------------------------------
    F = loss(U * V)
    grad_F = sp.Matrix([_replace_g(sp.diff(F, U)), _replace_g(sp.diff(F, V))])
    flow_rhs = {sp.Derivative(u_t, t): -grad_F[0].subs({U: u_t, V: v_t}),
                sp.Derivative(v_t, t): -grad_F[1].subs({U: u_t, V: v_t})}
    steps.append(_step(
        "gradient_flow",
        sp.Eq(sp.ImmutableMatrix([sp.Derivative(u_t, t), sp.Derivative(v_t, t)]),
              sp.ImmutableMatrix([flow_rhs[sp.Derivative(u_t, t)],
                                  flow_rhs[sp.Derivative(v_t, t)]]), evaluate=False),
        r"Gradient flow $\dot w = -\nabla F(w)$ of $F(u, v) = L(u v)$ for one coordinate, "
        r"computed with sympy.diff; $g = L'(\beta)$ is the loss gradient at $\beta = u v$.",
        prove_all([("dF/du - v g", grad_F[0] - V * g), ("dF/dv - u g", grad_F[1] - U * g)]),
    ))

    # 2. conserved quantity ----------------------------------------------------------
    d_cons = sp.diff(u_t**2 - v_t**2, t).subs(flow_rhs)
    steps.append(_step(
        "conserved_quantity",
        sp.Eq(sp.Derivative(u_t**2 - v_t**2, t), 0, evaluate=False),
        r"Along the flow $\frac{d}{dt}(u^2 - v^2) = 2u\dot u - 2v\dot v = -2uvg + 2vug$, "
        r"so $u^2 - v^2$ is conserved.",
        prove_zero(d_cons),
    ))

    # 3. its value ---------------------------------------------------------------------
    u0, v0 = sp.sqrt(2) * alpha, sp.Integer(0)
    cons_value = (U**2 - V**2).subs({U: u0, V: v0})
    steps.append(_step(
        "conserved_value",
        sp.Eq(u_t**2 - v_t**2, cons_value, evaluate=False),
        r"With $u(0) = \sqrt{2}\alpha$ and $v(0) = 0$ the conserved quantity equals $2\alpha^2$.",
        prove_zero(cons_value - 2 * alpha**2),
    ))

    # 4. u² + v² -----------------------------------------------------------------------
    S_squared = cons_value**2 + 4 * beta**2  # (u²+v²)² with u²−v² = 2α², uv = β
    S_expr = sp.sqrt(S_squared)  # u² + v² ≥ 0 picks the nonnegative root
    steps.append(_sum_of_squares_step(
        S_expr, [],
        r"$(u^2+v^2)^2 = (u^2-v^2)^2 + 4(uv)^2 = 4\alpha^4 + 4\beta^2$ and $u^2+v^2 \ge 0$ "
        r"takes the nonnegative square root.",
    ))

    # 5. dβ/dt -------------------------------------------------------------------------
    beta_flow = -2 * sp.sqrt(beta**2 + alpha**4) * g
    steps.append(_beta_flow_step(
        beta_flow, S_expr, flow_rhs,
        r"$\dot\beta = \dot u v + u \dot v = -g(u^2+v^2)$; insert the previous step.",
    ))

    # 6. metric ------------------------------------------------------------------------
    Hs = sp.Symbol("H")
    sols = sp.solve(sp.Eq(Hs * beta_flow, -g), Hs)
    hess = sols[0] if len(sols) == 1 else sp.nan
    proof = prove_zero(hess * beta_flow + g) if len(sols) == 1 else Proof(False, f"solve: {sols}")
    pos = sp.sympify(hess).is_positive is True
    steps.append(_step(
        "metric",
        sp.Eq(sp.Derivative(phi(beta), (beta, 2)), hess, evaluate=False),
        r"A mirror flow $\frac{d}{dt}\nabla\phi_\alpha(\beta) = \nabla^2\phi_\alpha(\beta)\dot\beta"
        r" = -g$ for every $g$ forces this Hessian (solved with sympy.solve); it is positive,"
        r" so $\phi_\alpha$ is strictly convex.",
        proof.also(pos, "; unique solution of H*dbeta/dt = -g; "
                   + ("SymPy decides H > 0" if pos else "SymPy could not decide H > 0")),
    ))

    # 7. mirror map (first integration) ----------------------------------------------
    grad = sp.integrate(hess.subs(beta, x), (x, 0, beta))
    steps.append(_step(
        "mirror_map",
        sp.Eq(sp.Derivative(phi(beta), beta),
              sp.Integral(hess.subs(beta, x), (x, 0, beta)), evaluate=False),
        r"Integrating the metric from $0$ with $\phi_\alpha'(0) = 0$ (sympy.integrate) gives "
        r"$\phi_\alpha'(\beta) = \frac{1}{2}\operatorname{arsinh}(\beta/\alpha^2)$.",
        prove_all([("d/dbeta(result) - metric", sp.diff(grad, beta) - hess),
                   ("result at 0", grad.subs(beta, 0)),
                   ("result - asinh(beta/alpha^2)/2", grad - half * sp.asinh(beta / alpha**2))]),
    ))

    # 8. potential (second integration) ---------------------------------------------
    pot = sp.integrate(grad.subs(beta, x), (x, 0, beta))
    pot = sp.collect(sp.expand(pot), half)
    steps.append(_step(
        "potential",
        sp.Eq(phi(beta), pot, evaluate=False),
        r"Integrating once more with $\phi_\alpha(0) = 0$ gives the hyperbolic entropy of "
        r"the theory page §2.",
        prove_all([("d/dbeta(potential) - mirror map", sp.diff(pot, beta) - grad),
                   ("potential at 0", pot.subs(beta, 0)),
                   ("potential - the theory page formula", pot - theory_potential(beta, alpha))]),
    ))

    # 9./10. gradient and Hessian of the potential -------------------------------------
    d1 = sp.diff(pot, beta)
    d2 = sp.diff(pot, beta, 2)
    d1s, d2s = sp.simplify(d1), sp.simplify(d2)
    steps.append(_step(
        "gradient",
        sp.Eq(sp.Derivative(phi(beta), beta), d1s, evaluate=False),
        r"Differentiating the potential recovers the mirror map "
        r"$\frac{1}{2}\operatorname{arsinh}(\beta/\alpha^2)$.",
        prove_zero(d1 - half * sp.asinh(beta / alpha**2)),
    ))
    steps.append(_step(
        "hessian",
        sp.Eq(sp.Derivative(phi(beta), (beta, 2)), d2s, evaluate=False),
        r"Differentiating twice recovers the metric $1/(2\sqrt{\beta^2+\alpha^4})$.",
        prove_zero(d2 - 1 / (2 * sp.sqrt(beta**2 + alpha**4))),
    ))

    # 11. mirror flow and dual variable -----------------------------------------------
    steps.append(_mirror_flow_step(
        grad, beta_flow,
        r"Chain rule along $\beta(t)$ with the flow of $\beta$: the dynamics is the mirror flow "
        r"$\frac{d}{dt}\nabla\phi_\alpha(\beta) = -\nabla L(\beta)$.",
    ))
    theta_int = -sp.Integral(grad_loss_t(r), (r, 0, t))
    steps.append(_step(
        "dual_variable",
        sp.Eq(theta_f(t), theta_int, evaluate=False),
        r"$\theta(t) = \nabla\phi_\alpha(\beta(t))$ starts at $\nabla\phi_\alpha(0) = 0$ and has "
        r"$\dot\theta = -g(t)$, so it is minus the integrated loss gradient.",
        prove_all([("grad phi at beta(0)=0", grad.subs(beta, 0)),
                   ("d/dt integral + g(t)", sp.diff(theta_int, t) + grad_loss_t(t))]),
    ))

    # 12. Legendre transform -----------------------------------------------------------
    lemma = sp.asinh(sp.sinh(y)) - y
    steps.append(_step(
        "arsinh_of_sinh",
        sp.Eq(sp.asinh(sp.sinh(y)), y, evaluate=False),
        r"Lemma for real $y$: $\operatorname{arsinh}$ inverts $\sinh$ (via "
        r"$\operatorname{arsinh} z = \log(z + \sqrt{z^2+1})$).",
        prove_zero(lemma, prefer="rewrite(log)"),
    ))
    lemma2 = sp.sqrt(sp.sinh(y) ** 2 + 1) - sp.cosh(y)
    steps.append(_step(
        "cosh_from_sinh",
        sp.Eq(sp.sqrt(sp.sinh(y) ** 2 + 1), sp.cosh(y), evaluate=False),
        r"Lemma for real $y$: $\sqrt{\sinh^2 y + 1} = \cosh y$, because $\cosh y > 0$.",
        prove_zero(lemma2),
    ))
    lemmas_ok = steps[-1].verified and steps[-2].verified
    lemma_note = " (using the lemmas arsinh_of_sinh and cosh_from_sinh)"

    inv = sp.solve(sp.Eq(grad, theta), beta)
    beta_star = inv[0] if len(inv) == 1 else sp.nan
    proof = (prove_all([
        ("grad phi(alpha^2 sinh 2theta) - theta",
         _use_lemmas(grad.subs(beta, beta_star) - theta)),
        ("alpha^2 sinh(2 grad phi(beta)) - beta", beta_star.subs(theta, grad) - beta),
    ]) if len(inv) == 1 else Proof(False, f"sympy.solve returned {inv}"))
    steps.append(_step(
        "inverse_mirror_map",
        sp.Eq(beta, beta_star, evaluate=False),
        r"The supremum of the strictly concave $\beta \mapsto \theta\beta - \phi_\alpha(\beta)$"
        r" is where $\theta = \phi_\alpha'(\beta)$; sympy.solve inverts it uniquely.",
        proof.also(lemmas_ok, lemma_note),
    ))
    conj_raw = theta * beta_star - pot.subs(beta, beta_star)
    conj = sp.factor(sp.simplify(_use_lemmas(conj_raw)))
    conj_theory = alpha**2 / 2 * (sp.cosh(2 * theta) - 1)
    proof = prove_zero(conj - conj_theory)
    steps.append(_step(
        "conjugate",
        sp.Eq(phi_star(theta), conj, evaluate=False),
        r"Legendre transform $\phi_\alpha^*(\theta) = \theta\beta^* - \phi_\alpha(\beta^*)$ "
        r"at $\beta^* = \alpha^2\sinh 2\theta$, simplified with the lemma; it matches the theory "
        r"section 2, $\frac{\alpha^2}{2}(\cosh 2\theta - 1)$.",
        proof.also(lemmas_ok, lemma_note + " (against the theory page §2)"),
    ))
    dconj = sp.diff(conj, theta)
    steps.append(_step(
        "conjugate_gradient",
        sp.Eq(sp.Derivative(phi_star(theta), theta), dconj, evaluate=False),
        r"$\nabla\phi_\alpha^* = (\nabla\phi_\alpha)^{-1}$: "
        r"$\beta = \alpha^2\sinh(2\theta)$.",
        prove_all([("dconj - alpha^2 sinh 2theta", dconj - beta_star),
                   ("dconj - inverse mirror map", dconj - alpha**2 * sp.sinh(2 * theta))]),
    ))
    fy = pot + conj.subs(theta, grad) - beta * grad
    steps.append(_step(
        "fenchel_young_equality",
        sp.Eq(phi(beta) + phi_star(sp.Derivative(phi(beta), beta)),
              beta * sp.Derivative(phi(beta), beta), evaluate=False),
        r"Fenchel-Young holds with equality on the graph of $\nabla\phi_\alpha$.",
        prove_zero(fy),
    ))

    # 13. accelerated time --------------------------------------------------------------
    s_of_tt = theta_int.subs(t, Lam * ttilde) / Lam
    ds = sp.diff(s_of_tt, ttilde)
    steps.append(_step(
        "accelerated_time",
        sp.Eq(sp.Derivative(s_f(ttilde), ttilde), -grad_loss_t(Lam * ttilde), evaluate=False),
        r"With $\Lambda = \ln(1/\alpha)$, $\tilde t = t/\Lambda$ and $s = \theta/\Lambda$: "
        r"$ds/d\tilde t = -\nabla L(\beta)$ at the current point, $s(0) = 0$.",
        prove_all([("d/dttilde [theta(Lambda ttilde)/Lambda] + g(Lambda ttilde)",
                    ds + grad_loss_t(Lam * ttilde)),
                   ("s(0)", s_of_tt.subs(ttilde, 0).doit())]),
    ))
    beta_s = sp.exp(-2 * Lam) * sp.sinh(2 * Lam * s)
    steps.append(_step(
        "beta_of_s",
        sp.Eq(beta_f(s), beta_s, evaluate=False),
        r"Substituting $\alpha = e^{-\Lambda}$ and $\theta = \Lambda s$ into "
        r"$\beta = \alpha^2\sinh 2\theta$.",
        prove_zero(beta_star.subs({alpha: sp.exp(-Lam), theta: Lam * s}) - beta_s),
    ))
    steps.append(_log_domain_step(
        beta_s, 1,
        r"The overflow-free form of the theory page §3, checked separately for $s > 0$, "
        r"$s < 0$ and $s = 0$."))
    log_form = steps[-1].statement.rhs
    dbs = sp.diff(beta_s, s)
    stiff = 2 * Lam * sp.sqrt(beta_s**2 + sp.exp(-4 * Lam))
    steps.append(_step(
        "stiffness",
        sp.Eq(sp.Derivative(beta_f(s), s),
              2 * Lam * sp.sqrt(beta_f(s)**2 + sp.exp(-4 * Lam)), evaluate=False),
        r"$\partial\beta/\partial s = 2\Lambda\sqrt{\beta^2 + \alpha^4}$: the accelerated "
        r"system is stiff.",
        prove_zero(dbs - stiff, prefer="rewrite(exp), factor"),
    ))

    # 14. limits ----------------------------------------------------------------------------
    steps.append(_step(
        "limit_potential",
        sp.Eq(sp.Limit(pot / sp.log(1 / alpha), alpha, 0, "+"), sp.Abs(beta), evaluate=False),
        r"As $\alpha \to 0$, $\phi_\alpha/\ln(1/\alpha)$ tends to the $\ell_1$ norm "
        r"(cases $\beta > 0$, $\beta < 0$, $\beta = 0$).",
        _limit_cases(lambda b: (pot / sp.log(1 / alpha)).subs(beta, b), alpha, 0,
                     [("beta = p > 0", p, p), ("beta = -p < 0", -p, p), ("beta = 0", 0, 0)]),
    ))
    steps.append(_step(
        "limit_gradient",
        sp.Eq(sp.Limit(grad / sp.log(1 / alpha), alpha, 0, "+"), sp.sign(beta), evaluate=False),
        r"As $\alpha \to 0$, $\phi_\alpha'/\ln(1/\alpha)$ tends to $\operatorname{sign}\beta$.",
        _limit_cases(lambda b: (grad / sp.log(1 / alpha)).subs(beta, b), alpha, 0,
                     [("beta = p > 0", p, 1), ("beta = -p < 0", -p, -1), ("beta = 0", 0, 0)]),
    ))
    exponent = 2 * Lam * (sp.Abs(s) - 1)
    inside, outside = p / (1 + p), 1 + p  # p > 0: 0 < inside < 1 < outside
    ok_e, how_e = _limit_cases(
        lambda v: exponent.subs(s, v), Lam, sp.oo,
        [("s = p/(1+p) in (0,1)", inside, -sp.oo), ("s = -p/(1+p)", -inside, -sp.oo),
         ("s = 1 + p > 1", outside, sp.oo), ("s = -(1+p)", -outside, sp.oo),
         ("s = 1", 1, 0), ("s = -1", -1, 0),
         ("s = 1/2", sp.Rational(1, 2), -sp.oo), ("s = 3/2", sp.Rational(3, 2), sp.oo)],
        direction="-")
    steps.append(_step(
        "limit_exponent",
        sp.Eq(sp.Limit(exponent, Lam, sp.oo),
              sp.Piecewise((-sp.oo, sp.Abs(s) < 1), (0, sp.Eq(sp.Abs(s), 1)), (sp.oo, True)),
              evaluate=False),
        r"The exponent $2\Lambda(|s|-1)$ of the log-domain form diverges to $-\infty$ inside "
        r"the box $|s| < 1$ and to $+\infty$ outside.",
        (ok_e, how_e),
    ))
    limit_rhs = sp.Piecewise((0, sp.Abs(s) < 1), (sp.sign(s) / 2, sp.Eq(sp.Abs(s), 1)),
                             (sp.sign(s) * sp.oo, True))
    steps.append(_step(
        "limit_beta_of_s",
        sp.Eq(sp.Limit(beta_s, Lam, sp.oo), limit_rhs, evaluate=False),
        r"As $\Lambda \to \infty$, $\beta(s) \to 0$ for $|s| < 1$ and $|\beta(s)| \to \infty$ "
        r"for $|s| > 1$ (the parametrisations $s = \pm p/(1+p)$, $\pm(1+p)$ with $p > 0$ "
        r"cover both regions exactly).",
        _limit_cases(
            lambda v: beta_s.subs(s, v), Lam, sp.oo,
            [("s = p/(1+p)", inside, 0), ("s = -p/(1+p)", -inside, 0), ("s = 0", 0, 0),
             ("s = 1", 1, half), ("s = -1", -1, -half),
             ("s = 1 + p", outside, sp.oo), ("s = -(1+p)", -outside, -sp.oo),
             ("s = 1/2", sp.Rational(1, 2), 0), ("s = 3/2", sp.Rational(3, 2), sp.oo)],
            direction="-"),
    ))

    return Derivation(
        title="Mirror flow of a diagonal linear network, u(0) = sqrt(2) alpha, v(0) = 0",
        potential=pot,
        conjugate=conj,
        steps=steps,
        extras={"gradient": grad, "hessian": hess, "beta_of_theta": beta_star,
                "beta_of_s": beta_s, "log_domain": log_form},
    )
