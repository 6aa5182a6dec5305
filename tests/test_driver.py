"""The time loop of :mod:`dlnsym.integrate.driver`: output times are landed on exactly."""

from __future__ import annotations

import numpy as np

from dlnsym.integrate.backend import FloatBackend
from dlnsym.problems import example
from dlnsym.simulate import FLOAT_TOL, _integrator


def test_a_step_rounding_onto_an_output_time_lands_on_it() -> None:
    """``t + h`` rounds onto the next output time although ``h < target − t`` (0.6 of the
    one-ulp gap after t = 1): the step must still count as landing and report the output;
    comparing ``h`` with ``target − t`` alone ended the loop at ``t = target`` with the
    output missing."""
    integrator = _integrator(example("A").to_float(), 10.0, FloatBackend(), FLOAT_TOL)
    gap = np.spacing(1.0)
    target = 1.0 + gap
    s0 = (np.full(6, 0.1), np.zeros(6))
    run = integrator.run(1.0, s0, target, h0=0.6 * gap, stops=[target])
    assert [t for t, _, _ in run.outputs] == [target]
    assert run.accepted == 1
