"""Shared fixtures and helpers for the test suite."""

from __future__ import annotations

import os
import subprocess
import sys
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci", max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=30, deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


def run_cli(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run ``python -m dlnsym.cli ARGS`` in a subprocess and capture its output."""
    return subprocess.run(
        [sys.executable, "-m", "dlnsym.cli", *args],
        capture_output=True, text=True, timeout=timeout,
    )


def assert_one_line_error(proc: subprocess.CompletedProcess, *fragments: str) -> None:
    """A CLI failure: exit 2, one line on stderr, no traceback, mentioning ``fragments``."""
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])


def exact_gradient(X: np.ndarray, y: np.ndarray, beta: np.ndarray) -> list[Fraction]:
    """``∇L(β) = Xᵀ(Xβ − y)/n`` with plain Fractions, independent of dlnsym's code paths."""
    n, d = len(X), len(X[0])
    r = [sum(Fraction(X[a][j]) * beta[j] for j in range(d)) - Fraction(y[a]) for a in range(n)]
    return [sum(Fraction(X[a][i]) * r[a] for a in range(n)) / n for i in range(d)]


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(12345)
