"""Symbolic derivations (SymPy) of the mirror-flow form of diagonal linear networks.

The derivation starts from the gradient flow of ``F(u, v) = L(u ⊙ v)`` and arrives, step by
step and with every step proved by SymPy, at the hyperbolic entropy of the theory page §2, its
convex conjugate, the accelerated-time form of §3 and the ``α → 0`` limits; also for an
arbitrary initialisation (:func:`~dlnsym.symbolic.general_init.derive_general`) and a shaped one
``u_i(0) = √2·α^{λ_i}`` (:func:`~dlnsym.symbolic.shaped_init.derive_shaped`).

>>> from dlnsym.symbolic import derive_mirror_flow
>>> d = derive_mirror_flow()
>>> d.potential
alpha**2/2 + beta*asinh(beta/alpha**2)/2 - sqrt(alpha**4 + beta**2)/2
>>> d.all_verified
True
"""

from __future__ import annotations

import sympy as sp

from dlnsym.errors import ParameterError

from .general_init import derive_general, potential_for_init
from .mirror_flow import derive_special
from .shaped_init import derive_shaped
from .steps import Derivation, Step, prove_zero

__all__ = [
    "Derivation",
    "Step",
    "demo_summary",
    "derive_mirror_flow",
    "derive_shaped",
    "potential_for_init",
    "prove_zero",
]


def derive_mirror_flow(general_init: bool = False, shaped_init: bool = False) -> Derivation:
    """Derive the mirror flow, its potential and limits from ``F(u, v) = L(u ⊙ v)``.

    Parameters
    ----------
    general_init : bool, default False
        False: the paper's initialisation ``u(0) = √2·α``, ``v(0) = 0``; the potential is
        ``φ_α(β) = ½[β·arcsinh(β/α²) − sqrt(β² + α⁴) + α²]`` in the symbols ``beta``,
        ``alpha``, the conjugate ``φ_α*(θ) = (α²/2)(cosh 2θ − 1)`` in ``theta``, ``alpha``.
        True: arbitrary ``u(0) = u_0``, ``v(0) = v_0``; the potential is in ``beta``,
        ``alpha`` (the per-coordinate scale, ``α² = |u_0² − v_0²|/2``) and ``beta0 = u_0 v_0``.
    shaped_init : bool, default False
        True: the shaped initialisation ``u_i(0) = √2·α^{λ_i}``, ``v_i(0) = 0``
        (:func:`~dlnsym.symbolic.shaped_init.derive_shaped`); the potential is the hyperbolic
        entropy at scale ``α^{λ_i}``, in ``beta``, ``alpha`` and ``lambda_i``, and
        ``φ(β)/Λ → λ_i|β|``: the box ``[−λ_i, λ_i]`` and the weighted-ℓ1 endpoint.

    Returns
    -------
    Derivation
        ``.potential``, ``.conjugate``, ``.steps`` (each with ``verified`` and ``reason``),
        ``.extras`` and the renderers ``to_markdown()``, ``to_latex()``, ``to_json()``.
        The result is cached: the derivation takes a few seconds.

    Raises
    ------
    ParameterError
        Both ``general_init`` and ``shaped_init`` (they are two different derivations).

    Examples
    --------
    >>> derive_mirror_flow(shaped_init=True).step("limit_potential").statement.rhs
    lambda_i*Abs(beta)
    """
    if general_init and shaped_init:
        raise ParameterError("derive_mirror_flow: give general_init=True or shaped_init=True, "
                             "not both (they are two different derivations)")
    if shaped_init:
        return derive_shaped()
    return derive_general() if general_init else derive_special()


def demo_summary() -> str:
    """A few lines for the demo: the derived potential, how many steps SymPy proved, and
    its ``α → 0`` limit."""
    d = derive_special()
    n_ok = sum(s.verified for s in d.steps)
    lim = d.step("limit_potential")
    return "\n".join([
        "Mirror flow derived by SymPy from F(u, v) = L(u*v), u(0) = sqrt(2)*alpha, v(0) = 0:",
        f"  phi_alpha(beta)       = {sp.sstr(d.potential)}",
        f"  phi_alpha*(theta)     = {sp.sstr(d.conjugate)}",
        f"  beta(theta)           = {sp.sstr(d.extras['beta_of_theta'])}",
        f"  lim phi_alpha(beta)/ln(1/alpha), alpha -> 0+  = {sp.sstr(lim.statement.rhs)}"
        f"   ({'proved' if lim.verified else 'NOT proved'})",
        f"  {n_ok} of {len(d.steps)} derivation steps proved symbolically"
        f" (`dlnsym derive` prints them).",
    ])
