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
    """``h·0.9·err^{−1/(order+1)}``, clipped to ``[0.2, 64]`` for a measured error and to 8
    for an error below its rounding (``0``); halving after a Newton failure; no growth after
    a rejection."""
    ctl = StepSizeController(ORDER, predictive=False)
    assert ctl.propose(2.0**-8, 1.0, accepted=True) == pytest.approx(0.9 * 2)
    assert ctl.propose(0.0, 1.0, accepted=True) == 8.0
    assert ctl.propose(2.0**-32, 1.0, accepted=True) == pytest.approx(0.9 * 16)  # beyond 8
    assert ctl.propose(1e-30, 1.0, accepted=True) == 64.0
    assert ctl.propose(1e30, 1.0, accepted=False) == 0.2
    assert ctl.propose(math.inf, 1.0, accepted=False) == 0.5
    assert ctl.propose(1e-3, 1.0, accepted=False) == 1.0  # would grow: held at h


def test_gustafsson_follows_the_trend_of_the_error() -> None:
    """Two accepted steps of the same h = 1, the error growing from 0.01 to 0.9: the
    classical proposal 0.9·0.9^{−1/8} ≈ 0.91 would likely be rejected next; Gustafsson's
    factor 0.9·(h/h_acc)·(err_acc/err²)^{1/8} = 0.9·(0.01/0.81)^{1/8} ≈ 0.52 (HW IV.8
    (8.21)) anticipates the growth.  When the error fell from 1 to 0.5 instead, it grows
    the step by more than the classical rule (0.9·(1/0.25)^{1/8} ≈ 1.07 against
    0.9·0.5^{−1/8} ≈ 0.98)."""
    classical = StepSizeController(ORDER, predictive=False).propose(0.9, 1.0, True)
    assert classical == pytest.approx(0.9 * 0.9 ** (-1 / 8))
    predictive = StepSizeController(ORDER).propose(0.9, 1.0, True, last=(1.0, 0.01))
    assert predictive == pytest.approx(0.9 * (0.01 / 0.81) ** (1 / 8))
    assert predictive < 0.6 * classical
    falling = StepSizeController(ORDER).propose(0.5, 1.0, True, last=(1.0, 1.0))
    assert falling == pytest.approx(0.9 * 4 ** (1 / 8))
    assert falling > StepSizeController(ORDER, predictive=False).propose(0.5, 1.0, True)


@settings(max_examples=200, deadline=None)
@given(
    err=st.floats(1e-12, 1.0),
    h=st.floats(1e-6, 10.0),
    h_acc=st.floats(1e-6, 10.0),
    err_acc=st.one_of(st.just(0.0), st.floats(1e-20, 1.0)),
)
def test_predictive_is_gustafsson_between_comparable_steps_else_classical(
    err: float, h: float, h_acc: float, err_acc: float
) -> None:
    """The proposal is ``h`` times the clipped Gustafsson factor when ``0.2 ≤ h/h_acc ≤ 64``
    and the previous error was measured, and the classical proposal otherwise (a step cut
    by a cap says nothing about the trend — regression: after a capped step 10⁵ times
    shorter, the predictive factor shrank the next step 5× —, nor does an error below its
    rounding, passed as 0)."""
    classical = StepSizeController(ORDER, predictive=False).propose(err, h, True)
    predictive = StepSizeController(ORDER).propose(err, h, True, last=(h_acc, err_acc))
    if 0.2 <= h / h_acc <= 64 and err_acc > 0:
        factor = 0.9 * (h / h_acc) * (err_acc / err**2) ** (1 / (ORDER + 1))
        assert predictive == pytest.approx(h * min(64.0, max(0.2, factor)), rel=1e-12)
    else:
        assert predictive == classical


def test_a_tiny_previous_error_is_not_floored() -> None:
    """The error grew 10⁴× at the same step (a coordinate waking up): Gustafsson's factor
    with the measured ``err_acc = 10⁻¹⁰`` is ``0.9·(10⁻¹⁰/10⁻¹²)^{1/8} ≈ 1.6``, which
    predicts an error ``10⁻⁶·10⁴·1.6⁸ ≈ 0.4`` for the next step.  RADAU5's floor
    ``err_acc ≥ 10⁻²`` would give ``0.9·(10⁻²/10⁻¹²)^{1/8} ≈ 12`` and a predicted error of
    ``10⁻²·12⁸ ≈ 4·10⁶``: a rejection."""
    proposal = StepSizeController(ORDER).propose(1e-6, 1.0, True, last=(1.0, 1e-10))
    assert proposal == pytest.approx(0.9 * 100 ** (1 / 8))
    predicted = 1e-6 * (1e-6 / 1e-10) * proposal**8  # the trend of err/h^8, extrapolated
    assert predicted < 1


def test_tiny_errors_do_not_break_the_predictive_factor() -> None:
    """Regression: an estimate of 1e-170 made ``err²`` underflow to 0 (ZeroDivisionError);
    the proposal is the largest growth instead."""
    ctl = StepSizeController(ORDER)
    assert ctl.propose(1e-170, 1.0, True, last=(1.0, 0.01)) == ctl.FAC_MAX


@settings(max_examples=200, deadline=None)
@given(order=st.floats(0.5, 12.0), err_rej=st.floats(1.01, 1e6), shrink=st.floats(0.05, 0.9))
def test_a_retry_shrinks_by_the_order_its_errors_show(
    order: float, err_rej: float, shrink: float
) -> None:
    """Errors that fall like ``h^p`` from one rejected attempt to its rejected retry give
    the factor ``0.9·err^{−1/p}``, ``p`` clipped to ``[1, ORDER + 1]``: the classical
    factor when they fall as the method's order says, a far smaller one when they hardly
    move (a transient faster than the step)."""
    h_rej, h = 1.0, shrink
    err = err_rej * shrink**order
    if err <= 1:  # a retry within tolerance is accepted, not proposed for
        return
    p = min(ORDER + 1, max(1.0, order))
    proposal = StepSizeController(ORDER).propose(err, h, False, rejected=(h_rej, err_rej))
    assert proposal == pytest.approx(h * max(0.2, min(1.0, 0.9 * err ** (-1 / p))), rel=1e-9)


def test_a_stubborn_error_takes_few_retries() -> None:
    """An error that stays at 2 whatever the step (until ``h ≤ 1/16``): the classical
    factor ``0.9·2^{−1/8} ≈ 0.825`` takes ``⌈ln 16/ln(1/0.825)⌉ = 15`` retries to get
    there; reading the order off the retries (``p = 1``, factor 0.45 from the second on:
    1 → 0.825 → 0.371 → 0.167 → 0.075 → 0.034) takes 5."""

    def retries(ctl: StepSizeController, with_order: bool) -> int:
        h, rejected, count = 1.0, None, 0
        while h > 1 / 16:
            h_next = ctl.propose(2.0, h, False, rejected=rejected if with_order else None)
            rejected, h, count = (h, 2.0), h_next, count + 1
        return count

    ctl = StepSizeController(ORDER)
    assert retries(ctl, with_order=False) == 15
    assert retries(ctl, with_order=True) == 5
