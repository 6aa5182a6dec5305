"""Every claim of the theory page as a runnable check, each with a negative control.

``python -m proofs_checks`` runs them all and prints a table; ``--negative-controls`` feeds
each check deliberately corrupted inputs and reports whether it caught them; ``--json``,
``--list``, ``--only NAME …``, ``--fast`` and ``--quick`` are described in
:mod:`proofs_checks.cli`.  ``dlnsym check`` is the same command.
"""

from __future__ import annotations

import time

from .registry import (
    Check,
    CheckResult,
    ControlResult,
    Verdict,
    all_checks,
    run_check,
    run_control,
)

__all__ = [
    "Check",
    "CheckResult",
    "ControlResult",
    "Verdict",
    "all_checks",
    "run_check",
    "run_control",
    "summary_line",
]


def summary_line(fast_only: bool = True, controls: bool = True) -> str:
    """Run the checks on example A only (``quick``) and summarise them in one line.

    Parameters
    ----------
    fast_only : bool
        Leave out the slow (simulation-based) checks.
    controls : bool
        Also run each check's negative control and count those caught.

    Returns
    -------
    str
        e.g. ``"proofs_checks on example A (fast checks): 12/12 pass, 12/12 negative
        controls caught, 9.8 s"``; failing and uncaught names are listed.
    """
    start = time.perf_counter()
    checks = [c for c in all_checks() if not (fast_only and c.slow)]
    failed = [c.name for c in checks if run_check(c, quick=True).status != "pass"]
    parts = [f"{len(checks) - len(failed)}/{len(checks)} pass"
             + (f" (FAILED: {', '.join(failed)})" if failed else "")]
    if controls:
        missed = [c.name for c in checks if not run_control(c, quick=True).caught]
        parts.append(f"{len(checks) - len(missed)}/{len(checks)} negative controls caught"
                     + (f" (NOT CAUGHT: {', '.join(missed)})" if missed else ""))
    scope = "fast checks" if fast_only else "all checks"
    return (f"proofs_checks on example A ({scope}): {', '.join(parts)}, "
            f"{time.perf_counter() - start:.1f} s")
