"""Sample-time validation of trajectories: :func:`dlnsym.trajectory.check_times` and
:meth:`Trajectory.at`."""

from __future__ import annotations

import copy
import math
import re

import pytest

from dlnsym import ParameterError, example, simulate
from dlnsym.trajectory import check_times


@pytest.fixture(scope="module")
def trajectory():
    return simulate(example("A"), log_inv_alpha=100, t_max=1.0, at=[0.5])


@pytest.mark.parametrize("t", [math.nan, math.inf, -math.inf, "nan", "-inf"])
def test_a_time_that_is_not_finite_is_called_so(t):
    with pytest.raises(ParameterError, match=r"^at: time -?(nan|inf) is not finite; give "
                                             r"finite times in \[0, 2\.0\]$"):
        check_times([0.5, t], 2.0, name="at", outside="the run")


@pytest.mark.parametrize("t", [-0.5, 2.5])
def test_a_finite_time_out_of_range_is_outside(t):
    with pytest.raises(ParameterError, match=re.escape(f"time {t!r} is outside the run")):
        check_times([t], 2.0, name="at", outside="the run")


def test_at_a_nan_time_says_not_finite(trajectory):
    with pytest.raises(ParameterError, match="times: time nan is not finite") as info:
        trajectory.at(math.nan)
    assert "outside" not in str(info.value)


def test_at_a_time_past_the_run_says_outside(trajectory):
    with pytest.raises(ParameterError, match=re.escape("time 1.5 is outside the simulated "
                                                       "interval [0, 1.0]")):
        trajectory.at(1.5)


def test_the_repr_shows_the_first_jump_times_and_counts_the_rest(trajectory):
    many = copy.copy(trajectory)
    many.jump_times = [0.5 * k for k in range(1, 101)]
    text = repr(many)
    assert "\n" not in text and text.endswith("jumps=[0.5, 1, 1.5, 2, 2.5, 3, … 94 more])")
    few = copy.copy(trajectory)
    few.jump_times = [0.25, 0.75]
    assert repr(few).endswith("jumps=[0.25, 0.75])")
