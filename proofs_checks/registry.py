"""The registry of checks: what a check is, how it is run, and how its negative control is run.

A check is a pure function of its inputs returning a :class:`Verdict` (e.g.
``check_kkt(problem, path)``).  A :class:`Check` registers it with

* ``cases(quick)`` — the honest inputs, one :class:`Case` per instance, and
* ``corrupted(quick)`` — deliberately wrong inputs fed to the *same* function
  (a perturbed saddle, a wrong potential, a shifted jump time, …),

where ``quick`` restricts the instances to example A (the demo's fast run).  The check
PASSes when every honest case is ok; its negative control is *caught* when every corrupted
case fails.  A corrupted case may name the clause it targets (:attr:`Case.expect`, set with
:func:`expecting`): it is then caught only when its failure message contains that phrase, so
that a control cannot pass by failing for an unrelated reason.  An exception is never a pass
and never counts as catching a corruption.
"""

from __future__ import annotations

import dataclasses
import importlib
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = [
    "Case",
    "Check",
    "CheckResult",
    "ControlResult",
    "Verdict",
    "all_checks",
    "case",
    "expecting",
    "register",
    "run_check",
    "run_control",
    "verdict",
]

#: Modules holding the checks, in the order of the theory page.
CHECK_MODULES = (
    "proofs_checks.symbolic",
    "proofs_checks.saddles",
    "proofs_checks.optimality",
    "proofs_checks.recursion",
    "proofs_checks.jumps",
    "proofs_checks.dynamics",
)


@dataclass(frozen=True)
class Verdict:
    """Outcome of one check on one input: ``ok`` and what was computed."""

    ok: bool
    details: str


def verdict(failures: list[str], success: str) -> Verdict:
    """``ok`` when ``failures`` is empty; the details list the failures, or ``success``."""
    if failures:
        shown = "; ".join(failures[:4]) + (f"; … {len(failures) - 4} more" if len(failures) > 4
                                           else "")
        return Verdict(False, shown)
    return Verdict(True, success)


@dataclass(frozen=True)
class Case:
    """One input of a check: the instance's label and a thunk computing the verdict.

    Attributes
    ----------
    label : str
        The instance (and, for a corrupted input, the corruption).
    run : callable ``() -> Verdict``
        Computes the verdict.
    expect : str or None
        For a corrupted input: a phrase of the failure message of the clause the corruption
        targets; the case counts as caught only when the details contain it.
    """

    label: str
    run: Callable[[], Verdict]
    expect: str | None = None


def case(label: str, fn: Callable[..., Verdict], *args: Any, **kwargs: Any) -> Case:
    """``Case(label, lambda: fn(*args, **kwargs))``."""
    return Case(label, lambda: fn(*args, **kwargs))


def expecting(phrase: str, cases: Iterable[Case]) -> list[Case]:
    """``cases`` with :attr:`Case.expect` set to ``phrase``: each must fail *by* the clause
    whose message contains ``phrase``."""
    return [dataclasses.replace(c, expect=phrase) for c in cases]


@dataclass(frozen=True)
class Check:
    """A registered check.

    Attributes
    ----------
    name : str
        Short name, e.g. ``"kkt"``.
    claim : str
        The claim of the theory page it checks, in one sentence.
    cases, corrupted : callable ``(quick: bool) -> iterable of Case``
        Honest inputs and deliberately corrupted ones (the negative control).
    module : str
        Module defining the check (``__spec__.name``, also when it runs as ``__main__``);
        ``python -m`` that module runs its checks alone.
    slow : bool
        Left out of the fast run (``--fast``, the demo, the non-slow tests).
    """

    name: str
    claim: str
    cases: Callable[[bool], Iterable[Case]]
    corrupted: Callable[[bool], Iterable[Case]]
    module: str
    slow: bool = False


_REGISTRY: dict[str, Check] = {}


def register(
    name: str,
    claim: str,
    *,
    cases: Callable[[bool], Iterable[Case]],
    corrupted: Callable[[bool], Iterable[Case]],
    module: str,
    slow: bool = False,
) -> Check:
    """Add a check to the registry (re-registering a name replaces it)."""
    check = Check(name, claim, cases, corrupted, module, slow)
    _REGISTRY[name] = check
    return check


def all_checks() -> list[Check]:
    """Every registered check, importing the check modules on first use."""
    for mod in CHECK_MODULES:
        importlib.import_module(mod)
    order = {m: k for k, m in enumerate(CHECK_MODULES)}
    return sorted(_REGISTRY.values(), key=lambda c: order.get(c.module, len(order)))


@dataclass
class CheckResult:
    """Result of running one check on its honest inputs."""

    name: str
    claim: str
    instances: list[str]
    status: str  # "pass" or "fail"
    details: str
    seconds: float
    slow: bool = False

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ControlResult:
    """Result of a negative control: ``caught`` when every corrupted input failed."""

    name: str
    caught: bool
    instances: list[str]
    details: str
    seconds: float
    outcomes: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


Outcome = tuple[str, Verdict | None, str, str | None]


def _evaluate(cases: Iterable[Case]) -> tuple[list[str], list[Outcome]]:
    """Run every case into ``(label, verdict, details, expect)``; an exception becomes
    ``(label, None, message, expect)``."""
    labels, outcomes = [], []
    iterator = iter(cases)
    while True:
        try:
            c = next(iterator)
        except StopIteration:
            break
        except Exception as exc:  # noqa: BLE001 - building the inputs failed: report it
            outcomes.append(("inputs", None, _error(exc), None))
            break
        labels.append(c.label)
        try:
            v = c.run()
        except Exception as exc:  # noqa: BLE001 - a crash is a failure, never a pass
            outcomes.append((c.label, None, _error(exc), c.expect))
            continue
        outcomes.append((c.label, v, v.details, c.expect))
    return labels, outcomes


def _error(exc: Exception) -> str:
    where = traceback.extract_tb(exc.__traceback__)[-1]
    return f"error {type(exc).__name__}: {exc} (at {where.name}:{where.lineno})"


def run_check(check: Check, quick: bool = False) -> CheckResult:
    """Run ``check`` on its honest inputs; it passes when every case is ok."""
    start = time.perf_counter()
    labels, outcomes = _evaluate(check.cases(quick))
    ok = bool(outcomes) and all(v is not None and v.ok for _, v, _, _ in outcomes)
    details = " | ".join(f"{label}: {text}" for label, _, text, _ in outcomes) or "no inputs"
    return CheckResult(check.name, check.claim, labels, "pass" if ok else "fail", details,
                       time.perf_counter() - start, check.slow)


def _caught(v: Verdict | None, expect: str | None) -> bool:
    """A corrupted input is caught when the check fails on it (by the ``expect`` clause)."""
    return v is not None and not v.ok and (expect is None or expect in v.details)


def _control_status(v: Verdict | None, expect: str | None) -> str:
    """``caught``, or why not (no failure, or a failure of another clause than ``expect``)."""
    if _caught(v, expect):
        return "caught"
    if v is not None and not v.ok:
        return f"NOT caught by the targeted clause '{expect}'"
    return "NOT caught"


def run_control(check: Check, quick: bool = False) -> ControlResult:
    """Run ``check`` on its corrupted inputs; caught when every one of them fails (by its
    targeted clause, for a case with :attr:`Case.expect`)."""
    start = time.perf_counter()
    labels, outcomes = _evaluate(check.corrupted(quick))
    caught = bool(outcomes) and all(_caught(v, expect) for _, v, _, expect in outcomes)
    details = " | ".join(
        f"{label}: {_control_status(v, expect)} ({text})" for label, v, text, expect in outcomes
    ) or "no corrupted inputs"
    return ControlResult(
        check.name, caught, labels, details, time.perf_counter() - start,
        [{"input": label, "caught": _caught(v, expect), "expect": expect, "details": text}
         for label, v, text, expect in outcomes],
    )
