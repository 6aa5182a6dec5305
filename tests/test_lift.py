"""Tests of dlnsym.lift: lifting β to (u, v) and F's exact derivatives there."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
import sympy as sp

from dlnsym.errors import ParameterError
from dlnsym.lift import (
    is_exact_zero,
    lift,
    loss_gradient,
    loss_hessian,
    network_gradient,
    network_hessian,
    network_loss,
    rational,
)
from dlnsym.problems import example
from dlnsym.saddle_path import saddle_path


def test_lift_multiplies_back_to_beta() -> None:
    beta = [Fraction(2, 9), Fraction(-3), Fraction(0)]
    u, v = lift(beta)
    assert [sp.expand(a * b) for a, b in zip(u, v, strict=True)] == [sp.Rational(2, 9), -3, 0]
    assert all(a >= 0 for a in u)
    assert u[1] == sp.sqrt(3) and v[1] == -sp.sqrt(3)


def test_exact_zero_on_algebraic_numbers() -> None:
    assert is_exact_zero(sp.sqrt(2) * sp.sqrt(3) - sp.sqrt(6))
    assert is_exact_zero((1 + sp.sqrt(2)) ** 2 - 3 - 2 * sp.sqrt(2))
    assert not is_exact_zero(sp.sqrt(2) - sp.Rational(14142135623730951, 10**16))
    assert not is_exact_zero(sp.Rational(1, 10**30))


def test_rational_is_exact_and_rejects_garbage() -> None:
    assert rational(0.1) == sp.Rational(3602879701896397, 36028797018963968)
    assert rational(Fraction(-2, 7)) == sp.Rational(-2, 7)
    with pytest.raises(ParameterError):
        rational("abc")


def test_gradient_vanishes_at_every_saddle_of_example_a() -> None:
    problem = example("A")
    for beta in saddle_path(problem).saddles:
        assert all(is_exact_zero(e) for e in network_gradient(problem, beta))


def test_hessian_matches_closed_form_at_a_generic_point() -> None:
    """∇²F = JᵀHJ + [[0, diag g], [diag g, 0]] (module docstring), at a non-critical point."""
    problem = example("A")
    beta = [Fraction(1, 3), Fraction(-1, 2), 0, Fraction(2), 0, Fraction(-1, 5)]
    u, v = lift(beta)
    g = loss_gradient(problem, beta)
    J = sp.diag(*v).row_join(sp.diag(*u))
    d = problem.d
    G = sp.zeros(d, d).row_join(sp.diag(*g)).col_join(sp.diag(*g).row_join(sp.zeros(d, d)))
    expected = J.T * loss_hessian(problem) * J + G
    assert all(is_exact_zero(e) for e in network_hessian(problem, beta) - expected)


def test_loss_gradient_agrees_with_problem_gradient() -> None:
    problem = example("A")
    beta = np.array([Fraction(k, 7) for k in range(6)], dtype=object)
    assert list(loss_gradient(problem, beta)) == [sp.Rational(x) for x in problem.gradient(beta)]


def test_network_loss_is_the_polynomial_of_theory() -> None:
    problem = example("A")
    F, u, v = network_loss(problem)
    point = dict(zip(u, [1] * 6, strict=True)) | dict(zip(v, [0] * 6, strict=True))
    assert F.xreplace(point) == sp.Rational(193, 300)  # L(0), THEORY §5


def test_wrong_length_is_refused() -> None:
    with pytest.raises(ParameterError, match="d = 6"):
        network_gradient(example("A"), [0, 1])
