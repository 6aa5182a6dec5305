"""Step-size control (:mod:`dlnsym.integrate.controller`) against the formulas of
Hairer–Wanner IV.8, written out here."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlnsym.integrate.controller import StepSizeController

ORDER = 7  # err ∝ h^8


def test_classical_proposal() -> None:
    """``h·0.9·err^{−1/(order+1)}``, clipped to ``[0.2, 4]``; halving after a Newton failure;
    no growth after a rejection."""
    ctl = StepSizeController(ORDER, predictive=False)
    assert ctl.propose(2.0**-8, 1.0, accepted=True) == pytest.approx(0.9 * 2)
    assert ctl.propose(0.0, 1.0, accepted=True) == 4.0
    assert ctl.propose(1e30, 1.0, accepted=False) == 0.2
    assert ctl.propose(math.inf, 1.0, accepted=False) == 0.5
    assert ctl.propose(1e-3, 1.0, accepted=False) == 1.0  # would grow: held at h


def test_gustafsson_shortens_when_the_error_grows() -> None:
    """Two accepted steps of the same h = 1, the error growing from 0.01 to 0.9: the
    classical proposal 0.9·0.9^{−1/8} ≈ 0.91 would likely be rejected next; Gustafsson's
    factor 0.9·(h/h_acc)·(err_acc/err²)^{1/8} = 0.9·(0.01/0.81)^{1/8} ≈ 0.52 (HW IV.8
    (8.21)) anticipates the growth and is taken.  When the error fell instead, the
    classical proposal stands (negative control)."""
    classical = StepSizeController(ORDER, predictive=False).propose(0.9, 1.0, True)
    assert classical == pytest.approx(0.9 * 0.9 ** (-1 / 8))
    predictive = StepSizeController(ORDER).propose(0.9, 1.0, True, last=(1.0, 0.01))
    assert predictive == pytest.approx(0.9 * (0.01 / 0.81) ** (1 / 8))
    assert predictive < 0.6 * classical
    falling = StepSizeController(ORDER).propose(0.5, 1.0, True, last=(1.0, 1.0))
    assert falling == pytest.approx(
        StepSizeController(ORDER, predictive=False).propose(0.5, 1.0, True)
    )


@settings(max_examples=200, deadline=None)
@given(
    err=st.floats(1e-12, 1.0),
    h=st.floats(1e-6, 10.0),
    h_acc=st.floats(1e-6, 10.0),
    err_acc=st.floats(1e-2, 1.0),
)
def test_predictive_never_exceeds_classical(
    err: float, h: float, h_acc: float, err_acc: float
) -> None:
    """The predictive controller only ever shortens an accepted step's successor, within
    the same clipping."""
    classical = StepSizeController(ORDER, predictive=False).propose(err, h, True)
    predictive = StepSizeController(ORDER).propose(err, h, True, last=(h_acc, err_acc))
    assert 0.2 * h * (1 - 1e-12) <= predictive <= classical * (1 + 1e-12)


def test_tiny_errors_do_not_break_the_predictive_factor() -> None:
    """Regression: an estimate of 1e-170 made ``err²`` underflow to 0 (ZeroDivisionError);
    the proposal is the largest growth instead."""
    ctl = StepSizeController(ORDER)
    assert ctl.propose(1e-170, 1.0, True, last=(1.0, 0.01)) == ctl.FAC_MAX
