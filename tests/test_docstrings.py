"""Every public function and class of dlnsym has a numpy-style docstring with examples.

Public means: a name in ``dlnsym.__all__`` or in the ``__all__`` of a public module (no
leading underscore in its dotted name; the command-line modules ``dlnsym.cli`` are documented
by their ``--help`` instead).  A function needs the sections Parameters (when it takes any),
Returns (or Yields), Raises and Examples; a class needs Parameters or Attributes, and
Examples; an exception class needs Examples.  Examples must contain a ``>>>`` line: pytest
runs them as doctests (``--doctest-modules``).

``KNOWN_GAPS`` lists the public names still missing a section.  It may only shrink: a name
documented since must leave it (the second test says so), and a new public name must come
with its docstring.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re

import pytest

import dlnsym

#: qualified names still missing a section (shrink this list; never add to it)
KNOWN_GAPS = frozenset({
    "dlnsym.compare.ConvergenceStudy",
    "dlnsym.compare.PathComparison",
    "dlnsym.constrained_ls.Dormancy",
    "dlnsym.constrained_ls.ExactSystem",
    "dlnsym.constrained_ls.FloatSystem",
    "dlnsym.constrained_ls.solve_on_cone",
    "dlnsym.integrate.backend.ArbBackend",
    "dlnsym.integrate.backend.Backend",
    "dlnsym.integrate.backend.FloatBackend",
    "dlnsym.integrate.backend.MpBackend",
    "dlnsym.integrate.backend.ldexp",
    "dlnsym.integrate.controller.ErrorNorm",
    "dlnsym.integrate.controller.StepSizeController",
    "dlnsym.integrate.driver.Checkpoint",
    "dlnsym.integrate.driver.ConvertingFlow",
    "dlnsym.integrate.driver.ConvertingIntegrator",
    "dlnsym.integrate.driver.Integrator",
    "dlnsym.integrate.driver.RunResult",
    "dlnsym.integrate.radau.CollocationPolynomial",
    "dlnsym.integrate.radau.NewtonSolver",
    "dlnsym.integrate.radau.RadauStep",
    "dlnsym.integrate.radau.RadauTableau",
    "dlnsym.integrate.radau.float64_beta_level",
    "dlnsym.integrate.radau.radau_tableau",
    "dlnsym.io.atomic_write",
    "dlnsym.io.check_writable_dir",
    "dlnsym.io.check_writable_file",
    "dlnsym.mirror_flow.FlowValue",
    "dlnsym.mirror_flow.FrozenJacobian",
    "dlnsym.mirror_flow.MirrorFlow",
    "dlnsym.network.NetworkTrajectory",
    "dlnsym.network.network_lambda",
    "dlnsym.plotting.coordinate_color",
    "dlnsym.plotting.figure_format",
    "dlnsym.plotting.okabe_ito",
    "dlnsym.plotting.plot_active_sets",
    "dlnsym.plotting.plot_convergence",
    "dlnsym.plotting.plot_figure1",
    "dlnsym.plotting.plot_phase_diagram",
    "dlnsym.plotting.plot_saddle_path",
    "dlnsym.plotting.relevant_coordinates",
    "dlnsym.plotting.save_figure",
    "dlnsym.plotting.simulate_figure1",
    "dlnsym.simulate.DemoRuns",
    "dlnsym.simulate.check_init_shape",
    "dlnsym.simulate.default_t_max",
    "dlnsym.simulate.default_tol",
    "dlnsym.simulate.demo_runs",
    "dlnsym.simulate.working_dps",
    "dlnsym.sweep.driver.default_workers",
    "dlnsym.sweep.instances.build_problem",
    "dlnsym.sweep.instances.path_summary",
    "dlnsym.sweep.instances.run_chunk",
    "dlnsym.sweep.instances.run_instance",
    "dlnsym.sweep.phase.phase_table",
    "dlnsym.sweep.phase.weak_threshold",
    "dlnsym.sweep.spec.Instance",
    "dlnsym.sweep.spec.instance_seed",
    "dlnsym.sweep.store.ResultStore",
    "dlnsym.sweep.store.read_results",
    "dlnsym.sweep.store.to_frame",
    "dlnsym.symbolic.demo_summary",
    "dlnsym.symbolic.derive_mirror_flow",
    "dlnsym.symbolic.general_init.potential_for_init",
    "dlnsym.symbolic.steps.Derivation",
    "dlnsym.symbolic.steps.Proof",
    "dlnsym.symbolic.steps.Step",
    "dlnsym.symbolic.steps.latex_text",
    "dlnsym.symbolic.steps.prove_all",
    "dlnsym.symbolic.steps.prove_zero",
    "dlnsym.trajectory.TrajectoryExport",
    "dlnsym.trajectory.check_times",
    "dlnsym.trajectory.is_real",
})

_SECTION = re.compile(r"^(\w[\w ]*)\n-{3,}$", re.M)


def _public_modules() -> list[str]:
    found = ["dlnsym"]
    for info in pkgutil.walk_packages(dlnsym.__path__, "dlnsym."):
        parts = info.name.split(".")
        if not any(p.startswith("_") for p in parts) and parts[1] != "cli":
            found.append(info.name)
    return sorted(found)


def _public_callables() -> dict[str, object]:
    """Qualified name (where it is defined) → every public function and class."""
    out: dict[str, object] = {}
    for name in _public_modules():
        module = importlib.import_module(name)
        for attr in getattr(module, "__all__", ()):
            obj = getattr(module, attr)
            if inspect.isfunction(obj) or inspect.isclass(obj):
                out[f"{obj.__module__}.{obj.__qualname__}"] = obj
    return out


def _missing(obj: object) -> list[str]:
    """The sections ``obj``'s docstring lacks."""
    doc = inspect.getdoc(obj) or ""
    sections = set(_SECTION.findall(doc))
    missing = []
    if inspect.isclass(obj):
        if not issubclass(obj, BaseException) and not {"Parameters", "Attributes"} & sections:
            missing.append("Parameters or Attributes")
    else:
        if inspect.signature(obj).parameters and "Parameters" not in sections:
            missing.append("Parameters")
        if not {"Returns", "Yields"} & sections:
            missing.append("Returns")
        if "Raises" not in sections:
            missing.append("Raises")
    if "Examples" not in sections or ">>>" not in doc:
        missing.append("Examples")
    return missing


PUBLIC = _public_callables()


def test_every_name_of_the_package_namespace_is_fully_documented():
    for name in dlnsym.__all__:
        obj = getattr(dlnsym, name)
        assert not _missing(obj), f"dlnsym.{name}: docstring lacks {_missing(obj)}"


@pytest.mark.parametrize("qualname", sorted(PUBLIC))
def test_public_callable_has_numpy_sections(qualname):
    missing = _missing(PUBLIC[qualname])
    if qualname in KNOWN_GAPS:
        assert missing, f"{qualname} is documented now: remove it from KNOWN_GAPS"
    else:
        assert not missing, f"{qualname}: docstring lacks {', '.join(missing)}"


def test_known_gaps_name_public_callables():
    assert not KNOWN_GAPS - PUBLIC.keys(), f"not public (any more): {KNOWN_GAPS - PUBLIC.keys()}"
