"""Tests of proofs_checks: every check passes, every negative control is caught, and the
command line (``python -m proofs_checks``, ``dlnsym check``) behaves as documented.

The fast checks run on example A (``quick``) in the default suite; every check on every
instance, with the simulation-based ones, is ``slow``.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import sympy as sp

import proofs_checks
from proofs_checks import corrupt, instances, optimality, registry, symbolic
from proofs_checks.cli import main, select
from proofs_checks.registry import Verdict, all_checks, case, expecting, run_check, run_control

from .conftest import assert_one_line_error, run_cli

REQUIRED = {
    "conservation", "mirror-flow", "potential-limit", "conjugate", "log-domain",
    "saddle-critical", "strict-saddle", "kkt", "min-l1", "monotone", "orthogonal-lasso",
    "first-jump", "example-a", "dual-recursion", "no-repeat", "float-path", "heteroclinic",
    "convergence-rate", "first-jump-correction", "primal-dual", "weighted-min-l1",
}
FAST = [c.name for c in all_checks() if not c.slow]
ALL = [c.name for c in all_checks()]


def _check(name: str) -> registry.Check:
    return next(c for c in all_checks() if c.name == name)


def test_every_required_check_is_registered_with_a_one_sentence_claim() -> None:
    assert REQUIRED <= set(ALL)
    for c in all_checks():
        assert c.claim.endswith(".") and c.claim.count(". ") == 0, c.claim


@pytest.mark.parametrize("name", FAST)
def test_fast_check_passes_on_example_a(name: str) -> None:
    result = run_check(_check(name), quick=True)
    assert result.status == "pass", result.details
    assert result.instances


@pytest.mark.parametrize("name", FAST)
def test_fast_negative_control_is_caught_on_example_a(name: str) -> None:
    control = run_control(_check(name), quick=True)
    assert control.caught, control.details
    assert all(o["caught"] for o in control.outcomes)


@pytest.mark.slow
@pytest.mark.parametrize("name", ALL)
def test_check_passes_on_every_instance(name: str) -> None:
    result = run_check(_check(name))
    assert result.status == "pass", result.details


@pytest.mark.slow
@pytest.mark.parametrize("name", ALL)
def test_negative_control_is_caught_on_every_instance(name: str) -> None:
    control = run_control(_check(name))
    assert control.caught, control.details


# ------------------------------------------------------------------ harness behaviour
@pytest.fixture
def failing_check(monkeypatch: pytest.MonkeyPatch) -> str:
    """A registered check that always fails and whose control crashes."""
    def crash() -> Verdict:
        raise RuntimeError("boom")

    check = registry.Check(
        "always-fails", "Nothing.", lambda quick: [case("x", lambda: Verdict(False, "no"))],
        lambda quick: [registry.Case("x", crash)], "tests")
    monkeypatch.setitem(registry._REGISTRY, "always-fails", check)
    return "always-fails"


def test_failure_and_crash_are_never_counted_as_success(failing_check: str) -> None:
    check = _check(failing_check)
    assert run_check(check).status == "fail"
    control = run_control(check)
    assert not control.caught and "RuntimeError: boom" in control.details


def test_a_control_failing_by_another_clause_is_not_caught(
        monkeypatch: pytest.MonkeyPatch) -> None:
    wrong = case("x", lambda: Verdict(False, "k=4 (last): g ≠ 0"))
    check = registry.Check(
        "wrong-clause", "Nothing.", lambda quick: [],
        lambda quick: expecting("no coordinate with β_i = 0", [wrong]), "tests")
    monkeypatch.setitem(registry._REGISTRY, "wrong-clause", check)
    control = run_control(check)
    assert not control.caught and "NOT caught by the targeted clause" in control.details
    assert control.outcomes[0]["expect"] == "no coordinate with β_i = 0"


def test_symbolic_refutation_needs_a_witness() -> None:
    x = sp.Symbol("x", real=True)
    true_but_unproved = symbolic._refuted("not proved", sp.sin(x)**2 + sp.cos(x)**2 - 1)
    assert true_but_unproved.startswith("not proved") and symbolic.SHOWN_FALSE not in (
        true_but_unproved)
    assert symbolic._refuted("no", sp.sin(x)**2 - sp.cos(x)**2 - 1).startswith(
        symbolic.SHOWN_FALSE + " x = ")


def test_l1_corruptions_only_on_designs_with_a_null_space() -> None:
    full_rank = instances.least_squares(False)[0]
    assert full_rank not in optimality._with_null_space(False)
    with pytest.raises(ValueError, match="full column rank"):
        corrupt.non_minimal_minimiser(full_rank.path)
    with pytest.raises(ValueError, match="range"):
        corrupt.dual_off_range(full_rank.path)


def test_exit_status_is_one_when_a_check_fails(failing_check: str, capsys) -> None:
    assert main(["--only", failing_check, "first-jump", "--quick"]) == 1
    out = capsys.readouterr().out
    assert "FAIL" in out and "1/2 checks pass" in out


def test_json_output(capsys) -> None:
    assert main(["--only", "first-jump", "example-a", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["name"] for r in rows] == ["first-jump", "example-a"]
    for r in rows:
        assert {"name", "claim", "status", "details", "instances", "seconds"} <= set(r)
        assert r["status"] == "pass"


def test_negative_controls_json(capsys) -> None:
    assert main(["--negative-controls", "--json", "--only", "monotone", "--quick"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows[0]["name"] == "monotone" and rows[0]["caught"] is True


def test_list_and_select(capsys) -> None:
    assert main(["--list"]) == 0
    out = capsys.readouterr().out
    assert all(name in out for name in ALL)
    assert all(not c.slow for c in select(fast=True))
    assert [c.name for c in select(module="proofs_checks.jumps")] == ["heteroclinic"]


def test_summary_line(monkeypatch: pytest.MonkeyPatch) -> None:
    subset = [_check("first-jump"), _check("example-a"), _check("primal-dual")]
    monkeypatch.setattr(proofs_checks, "all_checks", lambda: subset)
    line = proofs_checks.summary_line(fast_only=True)
    assert line.startswith("proofs_checks on example A (fast checks): 2/2 pass, "
                           "2/2 negative controls caught")
    assert "\n" not in line


def test_dlnsym_check_forwards_and_reports_unknown_names() -> None:
    proc = run_cli("check", "--only", "first-jump", "--quick", "--json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)[0]["status"] == "pass"
    assert_one_line_error(run_cli("check", "--only", "no-such-check"), "no-such-check")


def test_a_module_runs_alone() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "proofs_checks.optimality", "--quick", "--only", "first-jump",
         "monotone"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "2/2 checks pass" in proc.stdout
