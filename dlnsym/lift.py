"""Lifting a predictor β to the network weights (u, v), and F's exact derivatives there.

the theory page §4 ("Saddles of F"): a saddle ``β_k`` of Algorithm 1 is lifted to

    u_i = sqrt(|β_k,i|),    v_i = sign(β_k,i)·sqrt(|β_k,i|),      so that u ⊙ v = β_k,

and the training loss of the network is ``F(u, v) = L(u ⊙ v)``.  Its derivatives are

    ∂F/∂u_i = v_i·g_i,   ∂F/∂v_i = u_i·g_i,          g = ∇L(u ⊙ v),
    ∇²F = Jᵀ H J + [[0, diag g], [diag g, 0]],       J = [diag v | diag u],  H = XᵀX/n,

so at a critical point with ``β_i = 0`` and ``g_i ≠ 0`` the (u_i, v_i) block is
``[[0, g_i], [g_i, 0]]``, with eigenvalue ``−|g_i|`` along ``e_{u_i} − sign(g_i)·e_{v_i}``.

Everything here is exact: the lifted weights are square roots of rationals (SymPy algebraic
numbers) and :func:`is_exact_zero` decides equality with 0 exactly.  The derivatives are taken
by SymPy from the polynomial ``F`` itself, not from the formulas above, so that they can be
compared with them.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from functools import lru_cache
from typing import Any

import sympy as sp

from dlnsym.errors import ParameterError
from dlnsym.problems import Problem

__all__ = [
    "is_exact_zero",
    "lift",
    "loss_gradient",
    "loss_hessian",
    "network_gradient",
    "network_hessian",
    "network_loss",
    "rational",
]


def rational(x: Any) -> sp.Rational:
    """Exact SymPy rational of an int, ``Fraction``, float (its binary value) or Rational.

    Parameters
    ----------
    x : int, Fraction, float, str or sympy.Rational
        The number; a float is taken at its exact binary value, a string as ``Fraction``
        reads it (``"3/10"``, ``"0.3"``).

    Returns
    -------
    sympy.Rational
        The same number, exactly.

    Raises
    ------
    ParameterError
        If ``x`` is not a rational number (``nan``, ``inf``, text that is not a number).

    Examples
    --------
    >>> rational(0.5), rational(Fraction(1, 3)), rational("0.3")
    (1/2, 1/3, 3/10)
    """
    if isinstance(x, sp.Rational):
        return x
    try:
        q = Fraction(x)
    except (TypeError, ValueError):
        raise ParameterError(f"{x!r} is not a rational number") from None
    return sp.Rational(q.numerator, q.denominator)


def lift(beta: Sequence[Any]) -> tuple[sp.Matrix, sp.Matrix]:
    """``(u, v)`` with ``u_i = sqrt|β_i|``, ``v_i = sign(β_i)·sqrt|β_i|`` (exact).

    The lift of a saddle of Algorithm 1 is a critical point of ``F`` (the theory page,
    "Saddles of F"), since ``u ⊙ v = β``.

    Parameters
    ----------
    beta : sequence of rationals
        The predictor β (ints, ``Fraction`` or SymPy rationals; floats at their binary value).

    Returns
    -------
    u, v : sympy.Matrix, shape (d, 1)
        The network weights, exact algebraic numbers.

    Raises
    ------
    ParameterError
        If an entry of ``beta`` is not a rational number.

    Examples
    --------
    >>> u, v = lift([Fraction(1, 4), Fraction(-2)])
    >>> list(u), list(v)
    ([1/2, sqrt(2)], [1/2, -sqrt(2)])
    """
    b = [rational(x) for x in beta]
    u = sp.Matrix([sp.sqrt(abs(x)) for x in b])
    v = sp.Matrix([sp.sign(x) * sp.sqrt(abs(x)) for x in b])
    return u, v


@lru_cache(maxsize=32)
def _polynomial(X: tuple, y: tuple) -> tuple[sp.Expr, tuple, tuple]:
    """``F`` and its symbols, built once per data set."""
    n, d = len(X), len(X[0])
    u = sp.symbols(f"u0:{d}", real=True)
    v = sp.symbols(f"v0:{d}", real=True)
    residuals = [sum(X[a][j] * u[j] * v[j] for j in range(d)) - y[a] for a in range(n)]
    return sp.expand(sum(r**2 for r in residuals) / (2 * n)), u, v


@lru_cache(maxsize=32)
def _derivative(X: tuple, y: tuple, order: int) -> sp.Matrix:
    """The gradient (order 1) or Hessian (order 2) of F, variables u then v; built once."""
    F, u, v = _polynomial(X, y)
    w = [*u, *v]
    grad = sp.Matrix([sp.diff(F, x) for x in w]) if order == 1 else _derivative(X, y, 1)
    return grad if order == 1 else grad.jacobian(w)


def _exact_data(problem: Problem) -> tuple[tuple, tuple]:
    return (tuple(tuple(rational(x) for x in row) for row in problem.X),
            tuple(rational(x) for x in problem.y))


def network_loss(problem: Problem) -> tuple[sp.Expr, tuple[sp.Symbol, ...],
                                            tuple[sp.Symbol, ...]]:
    """``F(u, v) = (1/2n)·Σ_a (Σ_j X_aj u_j v_j − y_a)²`` as a SymPy polynomial.

    Parameters
    ----------
    problem : Problem
        The data; float entries are taken at their exact binary value.

    Returns
    -------
    F, u, v
        The polynomial and its symbols ``u0 … u{d−1}``, ``v0 … v{d−1}``.

    Raises
    ------
    ParameterError
        If an entry of ``X`` or ``y`` is not a rational number.

    Examples
    --------
    >>> from dlnsym import example
    >>> F, u, v = network_loss(example("A"))
    >>> len(u), F.subs({w: 0 for w in (*u, *v)})     # F(0, 0) = L(0)
    (6, 193/300)
    """
    return _polynomial(*_exact_data(problem))


def _at(problem: Problem, beta: Sequence[Any], order: int) -> sp.Matrix:
    """Derivative ``order`` (1: gradient, 2: Hessian) of F at the lift of ``β``, expanded."""
    if len(beta) != problem.d:
        raise ParameterError(f"β has {len(beta)} entries but the problem has d = {problem.d}")
    data = _exact_data(problem)
    _, u, v = _polynomial(*data)
    uu, vv = lift(beta)
    point = dict(zip(u, uu, strict=True)) | dict(zip(v, vv, strict=True))
    return _derivative(*data, order).xreplace(point).applyfunc(sp.expand)


def _matrices(problem: Problem) -> tuple[sp.Matrix, sp.Matrix]:
    X, y = _exact_data(problem)
    return sp.Matrix(X), sp.Matrix(y)


def loss_gradient(problem: Problem, beta: Sequence[Any]) -> sp.Matrix:
    """``∇L(β) = Xᵀ(Xβ − y)/n`` with SymPy rationals (independent of the flint back end).

    Parameters
    ----------
    problem : Problem
        The data.
    beta : sequence of rationals
        The point β, of length ``d``.

    Returns
    -------
    sympy.Matrix, shape (d, 1)
        The gradient, exactly.

    Raises
    ------
    ParameterError
        If an entry is not a rational number.

    Examples
    --------
    At the first saddle of example A the gradient vanishes on its support (coordinate 0):

    >>> from dlnsym import example
    >>> list(loss_gradient(example("A"), [Fraction(199, 394), 0, 0, 0, 0, 0]))[:3]
    [0, 12863/29550, 5323/19700]
    """
    X, y = _matrices(problem)
    return X.T * (X * sp.Matrix([rational(x) for x in beta]) - y) / problem.n


def loss_hessian(problem: Problem) -> sp.Matrix:
    """``H = ∇²L = XᵀX/n`` with SymPy rationals.

    Parameters
    ----------
    problem : Problem
        The data.

    Returns
    -------
    sympy.Matrix, shape (d, d)
        The Hessian of ``L``, exactly.

    Raises
    ------
    ParameterError
        If an entry of ``X`` is not a rational number.

    Examples
    --------
    >>> from dlnsym import example
    >>> loss_hessian(example("A"))[0, 0]             # ((−1.4)² + 0.4² + (−2.4)²)/3
    197/75
    """
    X, _ = _matrices(problem)
    return X.T * X / problem.n


def network_gradient(problem: Problem, beta: Sequence[Any]) -> sp.Matrix:
    """``∇F`` at the lift of ``β``, ordered ``(∂/∂u_0 … ∂/∂u_{d−1}, ∂/∂v_0 …)``; exact.

    Parameters
    ----------
    problem : Problem
        The data.
    beta : sequence of rationals
        The predictor to lift (:func:`lift`), of length ``d``.

    Returns
    -------
    sympy.Matrix, shape (2d, 1)
        The gradient of ``F``, expanded.

    Raises
    ------
    ParameterError
        If ``beta`` does not have ``d`` entries or an entry is not rational.

    Examples
    --------
    The lift of a saddle is a critical point of ``F``:

    >>> from dlnsym import example
    >>> grad = network_gradient(example("A"), [Fraction(199, 394), 0, 0, 0, 0, 0])
    >>> all(is_exact_zero(x) for x in grad)
    True
    """
    return _at(problem, beta, 1)


def network_hessian(problem: Problem, beta: Sequence[Any]) -> sp.Matrix:
    """``∇²F`` (2d × 2d, variables ordered u then v) at the lift of ``β``; exact.

    Parameters
    ----------
    problem : Problem
        The data.
    beta : sequence of rationals
        The predictor to lift (:func:`lift`), of length ``d``.

    Returns
    -------
    sympy.Matrix, shape (2d, 2d)
        The Hessian of ``F``, expanded.

    Raises
    ------
    ParameterError
        If ``beta`` does not have ``d`` entries or an entry is not rational.

    Examples
    --------
    At the first saddle of example A coordinate 1 is off the support with ``g_1 ≠ 0``: the
    ``(u_1, v_1)`` block is ``[[0, g_1], [g_1, 0]]``, so the saddle is strict.

    >>> from dlnsym import example
    >>> hess = network_hessian(example("A"), [Fraction(199, 394), 0, 0, 0, 0, 0])
    >>> hess.shape, hess[1, 1], hess[1, 7], hess[7, 7]
    ((12, 12), 0, 12863/29550, 0)
    """
    return _at(problem, beta, 2)


def is_exact_zero(expr: sp.Expr) -> bool:
    """Whether an algebraic number (rationals and square roots) is exactly 0.

    ``expand`` brings sums of ``q·sqrt(m)`` to a canonical form in which a nonzero number is
    never written as 0; if ``expand`` does not reach 0 literally the minimal polynomial
    decides (it is ``x`` exactly for 0).

    Parameters
    ----------
    expr : sympy.Expr
        An algebraic number built from rationals and square roots.

    Returns
    -------
    bool
        Whether ``expr`` equals 0.

    Raises
    ------
    sympy.polys.polyerrors.NotAlgebraic
        If ``expr`` is not algebraic (e.g. contains π), so that no minimal polynomial exists.

    Examples
    --------
    >>> import sympy as sp
    >>> is_exact_zero(sp.sqrt(2) * sp.sqrt(8) - 4), is_exact_zero(sp.sqrt(2) - sp.Rational(7, 5))
    (True, False)
    """
    e = sp.expand(expr)
    if e == 0:
        return True
    if e.is_Rational:
        return False
    x = sp.Dummy("x")
    return sp.minimal_polynomial(e, x) == x
