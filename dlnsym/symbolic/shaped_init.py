"""The mirror-flow derivation for a shaped initialisation ``u_i(0) = √2·α^{λ_i}``, ``v_i(0) = 0``.

Per coordinate, with a shape ``λ_i > 0`` (``λ_i = 1`` is the paper's initialisation), every
step proved by SymPy (theory page §7):

* ``u_i² − v_i² = 2α^{2λ_i}``: the per-coordinate scale of
  :func:`~dlnsym.symbolic.general_init.derive_general` is ``α_i = α^{λ_i}`` and
  ``β_{0,i} = 0``, so the potential is the hyperbolic entropy at scale
  ``α^{λ_i}``, ``φ(β) = ½[β·arcsinh(β/α^{2λ}) − sqrt(β² + α^{4λ}) + α^{2λ}]``, and
  ``β_i = α^{2λ_i}·sinh(2θ_i)``;
* with ``Λ = ln(1/α)`` and ``s = θ/Λ``:
  ``β_i = sign(s_i)·½·e^{2Λ(|s_i| − λ_i)}·(1 − e^{−4Λ|s_i|})``, which tends to 0 inside the
  box ``|s_i| < λ_i`` and to ``±∞`` outside it;
* ``φ(β)/Λ → λ_i|β_i|``: the last saddle minimises ``Σ λ_i|β_i|`` over the minimisers of L,
  certified by ``s_K ∈ range(Xᵀ)``, ``|s_K,i| ≤ λ_i`` and ``s_K,i = λ_i·sign(β_K,i)`` on the
  support;
* ``β'_i = λ_i·β_i``, ``X'_{:,i} = X_{:,i}/λ_i``, ``s'_i = s_i/λ_i`` maps all of it to the unit
  box: ``X'β' = Xβ``, ``∇_β L = λ ⊙ ∇_{β'} L'`` and ``Σ λ_i|β_i| = ‖β'‖₁``, which is how
  :func:`dlnsym.saddle_path.saddle_path` computes the shaped path (``init_shape``).

The matrix identities are proved on a design with symbolic entries (``n = 2``, ``d = 3``).
"""

from __future__ import annotations

import functools

import sympy as sp

from dlnsym.errors import ParameterError

from .general_init import beta0, derive_general, u0, v0
from .mirror_flow import (
    Lam,
    U,
    V,
    _limit_cases,
    _log_domain_step,
    _step,
    alpha,
    beta,
    beta_f,
    derive_special,
    p,
    phi,
    phi_star,
    s,
    theory_potential,
    theta,
    u_t,
    v_t,
)
from .steps import Derivation, Step, prove_all, prove_zero

__all__ = ["derive_shaped", "potential_limit_step", "shape"]

#: the shape λ_i of one coordinate
shape = sp.Symbol("lambda_i", positive=True)
r = sp.Symbol("r", nonnegative=True)  # slack of a box constraint, |s| ≤ λ
loss_rescaled = sp.Function("Lprime")
loss_f = sp.Function("L")

_N, _D = 2, 3  # size of the symbolic design of the matrix identities


def _design() -> tuple[sp.Matrix, sp.Matrix, sp.Matrix, sp.Matrix]:
    """A design ``X`` (n × d) and targets ``y`` with symbolic entries, the shape ``λ`` and
    ``β`` as symbolic d-vectors."""
    X = sp.Matrix(_N, _D, lambda a, b: sp.Symbol(f"X_{a}{b}", real=True))
    y = sp.Matrix(_N, 1, lambda a, _: sp.Symbol(f"y_{a}", real=True))
    lam = sp.Matrix(_D, 1, lambda i, _: sp.Symbol(f"lambda_{i}", positive=True))
    b = sp.Matrix(_D, 1, lambda i, _: sp.Symbol(f"beta_{i}", real=True))
    return X, y, lam, b


def _loss(X: sp.Matrix, y: sp.Matrix, b: sp.Matrix) -> sp.Expr:
    """``L(β) = ‖Xβ − y‖²/2n``."""
    res = X * b - y
    return (res.T * res)[0] / (2 * X.rows)


def potential_limit_step(claimed: sp.Expr) -> Step:
    """The step ``lim_{Λ→∞} φ(β)/Λ = claimed`` for the shaped potential (one coordinate,
    ``α = e^{−Λ}``), proved by exact ``sympy.limit`` for ``β > 0``, ``β < 0`` and ``β = 0``.

    ``derive_shaped`` uses it with ``claimed = λ_i|β|``; a wrong claim (e.g. the unweighted
    ``|β|``) gives a step that is not verified.

    Parameters
    ----------
    claimed : sympy.Expr
        The claimed limit, in the symbols ``beta`` and ``lambda_i`` (``shape`` in this module).

    Returns
    -------
    Step
        ``verified`` is True exactly when SymPy's limits agree with ``claimed`` in all three
        cases.

    Raises
    ------
    ParameterError
        ``claimed`` is not a SymPy expression.

    Examples
    --------
    >>> from dlnsym.symbolic.mirror_flow import beta
    >>> potential_limit_step(shape * sp.Abs(beta)).verified
    True
    >>> potential_limit_step(sp.Abs(beta)).verified
    False
    """
    if not isinstance(claimed, sp.Expr):
        raise ParameterError(f"claimed must be a SymPy expression in beta and lambda_i, got "
                             f"{type(claimed).__name__}; build it e.g. as shape*sp.Abs(beta)")
    pot = theory_potential(beta, sp.exp(-Lam * shape))  # φ at scale α^λ with α = e^{−Λ}
    cases = [(label, b, claimed.subs(beta, b))
             for label, b in (("beta = p > 0", p), ("beta = -p < 0", -p), ("beta = 0", 0))]
    return _step(
        "limit_potential",
        sp.Eq(sp.Limit(phi(beta) / Lam, Lam, sp.oo), claimed, evaluate=False),
        r"With $\alpha = e^{-\Lambda}$, $\phi(\beta)/\Lambda$ tends to the weighted $\ell_1$ "
        r"term $\lambda_i|\beta|$ as $\Lambda \to \infty$ (cases $\beta > 0$, $\beta < 0$, "
        r"$\beta = 0$).",
        _limit_cases(lambda b: (pot / Lam).subs(beta, b), Lam, sp.oo, cases),
    )


@functools.lru_cache(maxsize=1)
def derive_shaped() -> Derivation:
    """Derivation for the shaped initialisation ``u(0) = √2·α^{λ_i}``, ``v(0) = 0`` (one
    coordinate), from :func:`~dlnsym.symbolic.general_init.derive_general`.

    Returns
    -------
    Derivation
        ``.potential`` is in ``beta``, ``alpha`` and ``lambda_i`` (the shape):
        ``½[β·arcsinh(β/α^{2λ}) − sqrt(β² + α^{4λ}) + α^{2λ}]``; ``.conjugate`` is
        ``(α^{2λ}/2)(cosh 2θ − 1)``; ``.extras`` has ``gradient``, ``beta_of_theta``,
        ``beta_of_s`` and ``log_domain``.  Cached: it takes a few seconds.

    Raises
    ------
    Nothing
        A step SymPy cannot prove is kept with ``verified = False`` and its reason, not
        raised.

    Examples
    --------
    >>> d = derive_shaped()
    >>> d.all_verified
    True
    >>> d.step("limit_potential").statement.rhs
    lambda_i*Abs(beta)
    """
    half = sp.Rational(1, 2)
    special, general = derive_special(), derive_general()
    steps: list[Step] = [special.step("gradient_flow"), special.step("conserved_quantity")]
    scaled = alpha**shape  # α_i = α^{λ_i}
    start = {u0: sp.sqrt(2) * scaled, v0: 0}

    # the conserved quantity and the per-coordinate scale ---------------------------------
    cons_value = (U**2 - V**2).subs({U: start[u0], V: 0})
    steps.append(_step(
        "conserved_value",
        sp.Eq(u_t**2 - v_t**2, cons_value, evaluate=False),
        r"With $u(0) = \sqrt{2}\alpha^{\lambda_i}$ and $v(0) = 0$ the conserved quantity is "
        r"$2\alpha^{2\lambda_i}$.",
        prove_zero(cons_value - 2 * alpha ** (2 * shape)),
    ))
    scale_sq = general.extras["scale_squared"].subs(start)
    steps.append(_step(
        "scale",
        sp.Eq(sp.Symbol("alpha_i") ** 2, scale_sq, evaluate=False),
        r"The per-coordinate scale of the general initialisation, "
        r"$\alpha_i^2 = |u_0^2 - v_0^2|/2$, is $\alpha^{2\lambda_i}$: $\alpha_i = "
        r"\alpha^{\lambda_i}$, and $\beta_0 = u_0 v_0 = 0$.",
        prove_all([("alpha_i^2 - alpha^(2 lambda)", scale_sq - alpha ** (2 * shape)),
                   ("beta0 = u0 v0", (u0 * v0).subs(start))]),
    ))

    # potential, mirror map, conjugate ----------------------------------------------------
    at_scale = {alpha: scaled, beta0: 0}
    pot = general.potential.subs(at_scale)
    steps.append(_step(
        "potential",
        sp.Eq(phi(beta), pot, evaluate=False),
        r"The general potential at $\alpha_i = \alpha^{\lambda_i}$, $\beta_0 = 0$: the "
        r"hyperbolic entropy at scale $\alpha^{\lambda_i}$; the same as the potential written "
        r"in $u_0, v_0$.",
        prove_all([("potential - theory phi at scale alpha^lambda",
                    pot - theory_potential(beta, scaled)),
                   ("potential - potential_uv(sqrt(2) alpha^lambda, 0)",
                    pot - general.extras["potential_uv"].subs(start))]),
    ))
    grad = sp.diff(pot, beta)
    steps.append(_step(
        "mirror_map",
        sp.Eq(sp.Derivative(phi(beta), beta), half * sp.asinh(beta / alpha ** (2 * shape)),
              evaluate=False),
        r"Its gradient: $\theta_i = \frac{1}{2}\operatorname{arsinh}"
        r"(\beta_i/\alpha^{2\lambda_i})$, which vanishes at $\beta = 0$.",
        prove_all([("d/dbeta(potential) - asinh(beta/alpha^(2 lambda))/2",
                    grad - half * sp.asinh(beta / alpha ** (2 * shape))),
                   ("gradient at 0", grad.subs(beta, 0))]),
    ))
    conj = general.conjugate.subs(at_scale)
    conj_expected = alpha ** (2 * shape) / 2 * (sp.cosh(2 * theta) - 1)
    steps.append(_step(
        "conjugate",
        sp.Eq(phi_star(theta), conj, evaluate=False),
        r"The conjugate of the general derivation at $\beta_0 = 0$: "
        r"$\phi^*(\theta) = \frac{\alpha^{2\lambda_i}}{2}(\cosh 2\theta - 1)$.",
        prove_zero(conj - conj_expected).also(general.step("conjugate").verified,
                                              " (the general conjugate step is verified)"),
    ))
    beta_theta = general.extras["beta_of_theta"].subs(at_scale)
    steps.append(_step(
        "inverse_mirror_map",
        sp.Eq(beta, beta_theta, evaluate=False),
        r"$\beta_i = \nabla\phi^*(\theta_i) = \alpha^{2\lambda_i}\sinh 2\theta_i$.",
        prove_all([("beta(theta) - alpha^(2 lambda) sinh(2 theta)",
                    beta_theta - alpha ** (2 * shape) * sp.sinh(2 * theta)),
                   ("d/dtheta conjugate - beta(theta)", sp.diff(conj, theta) - beta_theta)]),
    ))

    # accelerated variables and the box [−λ_i, λ_i] ---------------------------------------
    beta_s = sp.exp(-2 * Lam * shape) * sp.sinh(2 * Lam * s)
    steps.append(_step(
        "beta_of_s",
        sp.Eq(beta_f(s), beta_s, evaluate=False),
        r"With $\alpha = e^{-\Lambda}$ and $\theta = \Lambda s$.",
        prove_zero(beta_theta.subs({alpha: sp.exp(-Lam), theta: Lam * s}) - beta_s),
    ))
    steps.append(_log_domain_step(
        beta_s, shape,
        r"The overflow-free form with box edge $\lambda_i$ (what the simulation evaluates), "
        r"checked for $s > 0$, $s < 0$ and $s = 0$."))
    log_form = steps[-1].statement.rhs
    inside, outside = shape * p / (1 + p), shape * (1 + p)  # |s| < λ < |s|
    steps.append(_step(
        "limit_beta_of_s",
        sp.Eq(sp.Limit(beta_s, Lam, sp.oo),
              sp.Piecewise((0, sp.Abs(s) < shape), (sp.sign(s) / 2, sp.Eq(sp.Abs(s), shape)),
                           (sp.sign(s) * sp.oo, True)), evaluate=False),
        r"As $\Lambda \to \infty$, $\beta_i \to 0$ inside the box $|s_i| < \lambda_i$ and "
        r"$|\beta_i| \to \infty$ outside ($s = \pm\lambda_i p/(1+p)$, $\pm\lambda_i(1+p)$ "
        r"with $p > 0$ cover both regions): the box edge is $\lambda_i$.",
        _limit_cases(
            lambda v: beta_s.subs(s, v), Lam, sp.oo,
            [("s = lambda p/(1+p)", inside, 0), ("s = -lambda p/(1+p)", -inside, 0),
             ("s = 0", 0, 0), ("s = lambda", shape, half), ("s = -lambda", -shape, -half),
             ("s = lambda (1+p)", outside, sp.oo), ("s = -lambda (1+p)", -outside, -sp.oo)]),
    ))
    steps.append(potential_limit_step(shape * sp.Abs(beta)))
    grad_lam = grad.subs(alpha, sp.exp(-Lam))
    steps.append(_step(
        "limit_gradient",
        sp.Eq(sp.Limit(sp.Derivative(phi(beta), beta) / Lam, Lam, sp.oo),
              shape * sp.sign(beta), evaluate=False),
        r"$\nabla\phi/\Lambda = s$ tends to $\lambda_i\operatorname{sign}\beta$ where "
        r"$\beta \ne 0$: the support sits on the box edge.",
        _limit_cases(lambda b: (grad_lam / Lam).subs(beta, b), Lam, sp.oo,
                     [("beta = p > 0", p, shape), ("beta = -p < 0", -p, -shape),
                      ("beta = 0", 0, 0)]),
    ))

    # the change of variables to the unit box --------------------------------------------
    X, y, lam, b = _design()
    X_r = X * sp.diag(*[1 / li for li in lam])  # X'_{:,i} = X_{:,i}/λ_i
    b_r = sp.Matrix(_D, 1, lambda i, _: sp.Symbol(f"betaprime_{i}", real=True))
    to_b = {b_r[i]: lam[i] * b[i] for i in range(_D)}  # β'_i = λ_i β_i
    steps.append(_step(
        "rescaled_loss",
        sp.Eq(loss_rescaled(sp.Symbol("betaprime")), loss_f(beta), evaluate=False),
        r"With $X'_{:,i} = X_{:,i}/\lambda_i$ and $\beta'_i = \lambda_i\beta_i$: "
        r"$X'\beta' = X\beta$, so the loss is the same (design with symbolic entries, "
        r"$n = 2$, $d = 3$).",
        prove_all([("X' beta' - X beta", (X_r * b_r).subs(to_b) - X * b),
                   ("L'(beta') - L(beta)", _loss(X_r, y, b_r).subs(to_b) - _loss(X, y, b))]),
    ))
    grad_b = sp.Matrix([sp.diff(_loss(X, y, b), bi) for bi in b])
    grad_r = sp.Matrix([sp.diff(_loss(X_r, y, b_r), bi) for bi in b_r]).subs(to_b)
    steps.append(_step(
        "rescaled_gradient",
        sp.Eq(sp.Derivative(loss_f(beta), beta),
              shape * sp.Derivative(loss_rescaled(sp.Symbol("betaprime")), sp.Symbol("betaprime")),
              evaluate=False),
        r"$\nabla_\beta L = \lambda \odot \nabla_{\beta'} L'$ (chain rule), so "
        r"$s'_i = s_i/\lambda_i$ moves with $ds'/d\tilde t = -\nabla_{\beta'} L'$ and reaches "
        r"$\pm 1$ exactly when $s_i$ reaches $\pm\lambda_i$: Algorithm 1 on $X'$, mapped back.",
        prove_all([("grad_beta L - lambda * grad_beta' L'",
                    grad_b - sp.matrix_multiply_elementwise(lam, grad_r)),
                   ("d(s/lambda)/dttilde + grad_beta' L' with ds/dttilde = -grad_beta L",
                    sp.Matrix([-grad_b[i] / lam[i] for i in range(_D)]) + grad_r)]),
    ))
    steps.append(_step(
        "rescaled_norm",
        sp.Eq(shape * sp.Abs(beta), sp.Abs(shape * beta, evaluate=False), evaluate=False),
        r"$\lambda_i|\beta_i| = |\beta'_i|$: the weighted norm $\sum_i\lambda_i|\beta_i|$ is "
        r"$\|\beta'\|_1$, and the box $|s_i| \le \lambda_i$ is $|s'_i| \le 1$.",
        prove_all([("lambda |beta| - |lambda beta|", shape * sp.Abs(beta) - sp.Abs(shape * beta)),
                   ("lambda |s/lambda| - |s|", shape * sp.Abs(s / shape) - sp.Abs(s))]),
    ))
    steps.append(_certificate_step(X, lam))
    return Derivation(
        title="Mirror flow of a diagonal linear network, shaped initialisation "
              "u(0) = sqrt(2) alpha^lambda_i, v(0) = 0",
        potential=pot,
        conjugate=conj,
        steps=steps,
        extras={"gradient": grad, "beta_of_theta": beta_theta, "beta_of_s": beta_s,
                "log_domain": log_form},
    )


def _certificate_step(X: sp.Matrix, lam: sp.Matrix) -> Step:
    """``Σλ|β'| − Σλ|β_K| = Σ(λ_i|β'_i| − s_iβ'_i) ≥ 0`` for every ``β'`` with
    ``Xβ' = Xβ_K``, given the certificate ``s = Xᵀw``, ``|s_i| ≤ λ_i``,
    ``s_i·β_K,i = λ_i|β_K,i|``.

    Proved as: (1) ``sᵀ(β' − β_K) = wᵀX(β' − β_K) = 0`` on the generic design, with
    ``β' − β_K = τ·(X_0 × X_1)`` spanning its null space; (2) per coordinate
    ``λ|b| − s·b ≥ 0`` when ``|s| ≤ λ`` (``s = λ − r`` for ``b > 0``, ``s = r − λ`` for
    ``b < 0``, ``r ≥ 0``: SymPy decides the sign); (3) ``λ|b| − λ·sign(b)·b = 0``.
    """
    w = sp.Matrix(X.rows, 1, lambda a, _: sp.Symbol(f"w_{a}", real=True))
    tau = sp.Symbol("tau", real=True)
    null = X[0, :].T.cross(X[1, :].T)  # X·null = 0 for a 2 × 3 design
    dual_s = X.T * w
    ident = prove_all([
        ("X (X_0 x X_1)", X * null),
        ("s^T (beta' - beta_K) with s = X^T w, beta' - beta_K = tau (X_0 x X_1)",
         (dual_s.T * (tau * null))[0]),
        ("lambda |b| - lambda sign(b) b, b = p", (shape * sp.Abs(p) - shape * sp.sign(p) * p)),
        ("lambda |b| - lambda sign(b) b, b = -p",
         (shape * sp.Abs(-p) - shape * sp.sign(-p) * (-p))),
    ])
    gaps = [sp.expand(shape * sp.Abs(p) - (shape - r) * p),
            sp.expand(shape * sp.Abs(-p) - (r - shape) * (-p))]
    nonneg = all(gap.is_nonnegative is True for gap in gaps)
    bp = sp.Matrix(_D, 1, lambda i, _: sp.Symbol(f"betaprime_{i}", real=True))
    bk = sp.Matrix(_D, 1, lambda i, _: sp.Symbol(f"beta_K{i}", real=True))
    sv = sp.Matrix(_D, 1, lambda i, _: sp.Symbol(f"s_K{i}", real=True))
    lhs = sum(lam[i] * (sp.Abs(bp[i]) - sp.Abs(bk[i])) for i in range(_D))
    rhs = sum(lam[i] * sp.Abs(bp[i]) - sv[i] * bp[i] for i in range(_D))
    return _step(
        "weighted_l1_certificate",
        sp.Eq(lhs, rhs, evaluate=False),
        r"Certificate of the last saddle: if $s_K = X^\top w$, $|s_{K,i}| \le \lambda_i$ and "
        r"$s_{K,i} = \lambda_i\operatorname{sign}\beta_{K,i}$ on the support, then for every "
        r"$\beta'$ with $X\beta' = X\beta_K$ the weighted-$\ell_1$ excess equals "
        r"$\sum_i(\lambda_i|\beta'_i| - s_{K,i}\beta'_i) \ge 0$: $\beta_K$ minimises "
        r"$\sum_i \lambda_i|\beta_i|$ over the minimisers of $L$.",
        ident.also(
            nonneg, "; lambda|b| - s b >= 0 for |s| <= lambda: SymPy decides r p >= 0 for "
            "b = p > 0 (s = lambda - r) and b = -p (s = r - lambda), r >= 0" if nonneg else
            "; SymPy could not decide lambda|b| - s b >= 0"),
    )
