"""The ``dlnsym`` command as a whole, through a subprocess: ``python -m dlnsym``,
``--version``, option values that look like options, and CLI wording of errors."""

from __future__ import annotations

import subprocess
import sys


def test_python_dash_m_dlnsym_runs_the_cli() -> None:
    proc = subprocess.run([sys.executable, "-m", "dlnsym", "--help"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("usage: dlnsym ")
    for command in ("saddles", "simulate", "gd", "check"):
        assert command in proc.stdout
    proc = subprocess.run([sys.executable, "-m", "dlnsym", "saddles", "--example", "A",
                           "--exact", "--json"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert '"13971921800/1399630519"' in proc.stdout  # t_5 of example A, docs/theory.md §5
