"""Shared timing helpers for the benchmark modules."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Comparison:
    """One benchmark line: ours against a named baseline, timed in the same process."""

    name: str
    ours: float
    baseline_name: str
    baseline: float
    target: float | None = None
    note: str = ""
    unit: str = "s"

    @property
    def ratio(self) -> float:
        """``time(ours) / time(baseline)``; below 1 means we are faster."""
        return self.ours / self.baseline

    def line(self) -> str:
        target = "" if self.target is None else f"  target <= {self.target:g}: "
        verdict = "" if self.target is None else ("met" if self.ratio <= self.target else "MISSED")
        extra = f"  [{self.note}]" if self.note else ""
        return (
            f"{self.name}: {self.ours:.4g} {self.unit} vs {self.baseline_name} "
            f"{self.baseline:.4g} {self.unit}"
            f" -> ratio {self.ratio:.3g}{target}{verdict}{extra}"
        )


def best_time(fn: Callable[[], object], repeat: int = 3) -> float:
    """Best wall-clock time of ``repeat`` calls (the usual estimate of the cost itself)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def interleaved_best(*fns: Callable[[], object], repeat: int = 9) -> tuple[float, ...]:
    """Best times of the callables timed in turn, round after round, so that load drifts
    (other processes, a shared machine's slow phases) hit all of them alike; returns the best
    time of each, in order."""
    best = [float("inf")] * len(fns)
    for _ in range(repeat):
        for i, fn in enumerate(fns):
            best[i] = min(best[i], best_time(fn, repeat=1))
    return tuple(best)
