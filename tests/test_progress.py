"""``dlnsym.progress.PathProgress``: progress counted in saddles, not in accelerated time."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dlnsym import example, saddle_path
from dlnsym.progress import PathProgress

times = st.lists(st.floats(min_value=1e-6, max_value=1e6), min_size=0, max_size=30,
                 unique=True).map(sorted)


@given(times, st.lists(st.floats(min_value=0, max_value=2e6), min_size=2, max_size=20))
def test_fraction_is_monotone_and_one_unit_per_saddle(jumps: list[float],
                                                      probes: list[float]) -> None:
    t_max = 1.2e6
    clock = PathProgress(jumps, t_max)
    values = [clock.fraction(t) for t in sorted(probes)]
    assert all(0 <= v <= 1 for v in values)
    assert values == sorted(values)
    K = len(clock.jumps)
    for k, t in enumerate(clock.jumps, start=1):  # at a jump: k of K + 1 plateaus done
        assert clock.fraction(t) == pytest.approx(k / (K + 1), abs=1e-12)
        assert clock.describe(t) == f"saddle {k} of {K}"
    assert clock.fraction(t_max) == 1.0 and clock.fraction(0.0) == 0.0


def test_example_a_is_counted_in_its_five_saddles() -> None:
    """Example A's jumps (docs/theory.md §5) as exact fractions: half-way through the
    third plateau the bar stands at (2 + ½)/6, where ``t̃/t_max`` is about 0.14."""
    jumps = [Fraction(150, 199), Fraction(19125, 12863), Fraction(1478475, 830389),
             Fraction(210987300, 57476503), Fraction(13971921800, 1399630519)]
    assert [Fraction(t) for t in saddle_path(example("A")).times[1:]] == jumps
    t_max = 1.2 * float(jumps[-1])
    clock = PathProgress([float(t) for t in jumps], t_max)
    middle = float(jumps[1] + jumps[2]) / 2
    assert clock.fraction(middle) == pytest.approx(2.5 / 6)
    assert middle / t_max < 0.15


def test_refuses_an_empty_run() -> None:
    with pytest.raises(ValueError, match="t_max must be positive"):
        PathProgress([1.0], 0.0)
