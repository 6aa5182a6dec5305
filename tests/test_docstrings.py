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
    "dlnsym.network.NetworkTrajectory",
    "dlnsym.network.network_lambda",
    "dlnsym.symbolic.demo_summary",
    "dlnsym.symbolic.general_init.potential_for_init",
    "dlnsym.symbolic.steps.Derivation",
    "dlnsym.symbolic.steps.Proof",
    "dlnsym.symbolic.steps.Step",
    "dlnsym.symbolic.steps.latex_text",
    "dlnsym.symbolic.steps.prove_all",
    "dlnsym.symbolic.steps.prove_zero",
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
