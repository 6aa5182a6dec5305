"""The package namespace: what ``import dlnsym`` makes reachable as ``dlnsym.<name>``."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys
import types

import pytest

import dlnsym


def _fresh(code: str) -> str:
    """Run ``code`` in a new interpreter (so that no earlier import has loaded a submodule)."""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    return out.stdout.strip()


def test_a_lazy_submodule_resolves_as_an_attribute_after_import_dlnsym():
    code = ("import sys, dlnsym; before = 'dlnsym.symbolic' in sys.modules; "
            "f = dlnsym.symbolic.derive_mirror_flow; "
            "print(before, 'dlnsym.symbolic' in sys.modules, callable(f))")
    assert _fresh(code) == "False True True"


def test_plotting_resolves_as_an_attribute_after_import_dlnsym():
    assert _fresh("import dlnsym; print(callable(dlnsym.plotting.plot_phase_diagram))") == "True"


def test_every_submodule_is_an_attribute_or_a_function_of_the_same_name():
    names = {info.name for info in pkgutil.iter_modules(dlnsym.__path__)
             if not info.name.startswith("_")}
    # the two sets are written out in dlnsym/__init__.py: they must cover every submodule
    assert names == dlnsym._SUBMODULES | dlnsym._FUNCTION_MODULES
    assert not dlnsym._SUBMODULES & dlnsym._FUNCTION_MODULES
    for name in sorted(dlnsym._SUBMODULES):
        assert getattr(dlnsym, name) is importlib.import_module(f"dlnsym.{name}")
        assert name in dir(dlnsym)
    for name in sorted(dlnsym._FUNCTION_MODULES):
        assert isinstance(getattr(dlnsym, name), types.FunctionType), name


def test_the_function_modules_are_named_in_the_package_docstring():
    doc = " ".join(dlnsym.__doc__.split())
    listed = ("``saddle_path``, ``simulate``, ``gradient_descent``, ``compare``, ``explore`` "
              "and ``sweep`` are both functions and module names")
    assert listed in doc


@pytest.mark.parametrize("statement", [
    "from dlnsym.explore import CONJECTURES",
    "from dlnsym.compare import convergence_study",
    "from dlnsym.sweep.spec import instance_seed",
    "from dlnsym.sweep.phase import weak_threshold",
])
def test_the_imports_the_package_docstring_gives_work(statement):
    assert statement in dlnsym.__doc__
    exec(statement, {})


def test_an_unknown_attribute_is_an_attribute_error():
    with pytest.raises(AttributeError, match="module 'dlnsym' has no attribute 'nope'"):
        dlnsym.nope  # noqa: B018
    assert not hasattr(dlnsym, "nope")
