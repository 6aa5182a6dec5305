"""Every public function and class of dlnsym has a numpy-style docstring with examples.

Public means: a name in ``dlnsym.__all__`` or in the ``__all__`` of a public module (no
leading underscore in its dotted name; the command-line modules ``dlnsym.cli`` are documented
by their ``--help`` instead); a function wrapped by a decorator such as
``functools.lru_cache`` counts as the function it wraps.  A function needs the sections
Parameters (when it takes any), Returns (or Yields), Raises and Examples; a class needs
Parameters or Attributes, and Examples; an exception class needs Examples.  Examples must
contain a ``>>>`` line: pytest runs them as doctests (``--doctest-modules``).  A new public
name must come with its docstring.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re

import pytest

import dlnsym

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
            obj = inspect.unwrap(getattr(module, attr))  # lru_cache etc.: the wrapped function
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
        obj = inspect.unwrap(getattr(dlnsym, name))
        assert not _missing(obj), f"dlnsym.{name}: docstring lacks {_missing(obj)}"


@pytest.mark.parametrize("qualname", sorted(PUBLIC))
def test_public_callable_has_numpy_sections(qualname):
    missing = _missing(PUBLIC[qualname])
    assert not missing, f"{qualname}: docstring lacks {', '.join(missing)}"


def test_cached_functions_are_checked_too():
    # functools.lru_cache hides a function from inspect.isfunction unless unwrapped
    assert "dlnsym.symbolic.mirror_flow.derive_special" in PUBLIC
