"""Tests of dlnsym.heteroclinic: the jump ODE in log-coordinates (docs/theory.md §4)."""

from __future__ import annotations

import numpy as np
import pytest

from dlnsym.errors import ParameterError
from dlnsym.heteroclinic import jump_orbit, path_orbits
from dlnsym.problems import example
from dlnsym.saddle_path import saddle_path


@pytest.fixture(scope="module")
def path_a():
    return saddle_path(example("A"))


def test_every_jump_of_example_a_ends_at_the_next_saddle(path_a) -> None:
    for k, orbit in enumerate(path_orbits(path_a)):
        assert orbit.converged
        np.testing.assert_allclose(orbit.limit, np.array(path_a.saddles[k + 1], dtype=float),
                                   atol=1e-9)
        assert np.array_equal(orbit.limit != 0, path_a.saddles[k + 1] != 0)


def test_leaving_coordinate_decays_without_changing_sign(path_a) -> None:
    """Jump 2→3: coordinate 1 (negative on β_2) leaves; it never becomes positive."""
    orbit = jump_orbit(path_a.problem, path_a.saddles[2], path_a.duals[3])
    assert path_a.saddles[2][1] < 0 and path_a.saddles[3][1] == 0
    assert np.all(orbit.beta[:, 1] <= 0)
    assert orbit.limit[1] == 0.0


def test_orbit_starts_at_the_seeded_saddle(path_a) -> None:
    orbit = jump_orbit(path_a.problem, path_a.saddles[0], path_a.duals[1], seed=1e-6)
    assert orbit.tau[0] == 0.0
    assert orbit.beta[0, 0] == pytest.approx(1e-6)
    assert list(orbit.free) == [0]


def test_gives_up_honestly_when_tau_max_is_too_short(path_a) -> None:
    orbit = jump_orbit(path_a.problem, path_a.saddles[0], path_a.duals[1], tau_max=1e-3)
    assert not orbit.converged
    assert orbit.residual > 1e-3


@pytest.mark.parametrize("kwargs, match", [
    ({"seed": 0.0}, "positive"),
    ({"tol": -1.0}, "positive"),
])
def test_bad_parameters(path_a, kwargs, match) -> None:
    with pytest.raises(ParameterError, match=match):
        jump_orbit(path_a.problem, path_a.saddles[0], path_a.duals[1], **kwargs)


def test_start_outside_the_face_is_refused(path_a) -> None:
    with pytest.raises(ParameterError, match="face"):
        jump_orbit(path_a.problem, path_a.saddles[2], path_a.duals[1])
    with pytest.raises(ParameterError, match="shape"):
        jump_orbit(path_a.problem, [0.0, 1.0], path_a.duals[1])
