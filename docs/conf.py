"""Sphinx configuration of the dlnsym documentation (``make docs``).

The API reference is generated from ``dlnsym.__all__`` and the notebooks are copied from
``notebooks/`` and executed by myst-nb at build time, so that new public names and new
notebooks appear without editing the documentation.
"""

from __future__ import annotations

import os
import pkgutil
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

import dlnsym  # noqa: E402

project = "dlnsym"
author = "the dlnsym developers"
copyright = "2026, the dlnsym developers"
release = dlnsym.__version__

extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.napoleon",
    "sphinx.ext.mathjax",
    "sphinx-mathjax-offline",  # a local copy of MathJax: the pages render without network
    "sphinx.ext.viewcode",
]
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence"]
autodoc_default_options = {"members": True, "undoc-members": True, "show-inheritance": True,
                           "ignore-module-all": True}
autodoc_typehints = "description"
napoleon_numpy_docstring = True
napoleon_google_docstring = False
napoleon_use_rtype = False
napoleon_use_ivar = True
exclude_patterns = ["_build", "jupyter_execute", "**.ipynb_checkpoints"]
# "ref.python" is the ambiguity warning for the bare words of docstring type fields ("n",
# "d" of "shape (n, d)"), which Sphinx tries to link; missing targets still fail the build.
suppress_warnings = ["myst.header", "ref.python"]
# Every cross-reference into dlnsym must resolve (a broken one fails the build); type words
# of numpy-style docstrings ("array-like", "optional", "shape (n, d)") and other packages'
# classes are not checked, as there is no intersphinx offline.
nitpicky = True
nitpick_ignore_regex = [(r"py:.*", r"(?!dlnsym\b).*"), (r"py:.*", r".*\._.*")]

html_theme = "pydata_sphinx_theme"
html_title = "dlnsym"
html_static_path: list[str] = []
html_theme_options = {"navigation_with_keys": False, "show_toc_level": 2}

# Notebooks: executed during the build (quick variants of long computations), cached between
# builds, and a failing cell fails the build.
nb_execution_mode = "cache"
nb_execution_cache_path = str(HERE / "_build" / ".jupyter_cache")
nb_execution_timeout = 600
nb_execution_raise_on_error = True
# The notebooks run on the `dlnsym` kernel that `make` installs into the virtualenv
# (`ipykernel install --sys-prefix`); in an environment without it, on Jupyter's python3
# kernel, i.e. the interpreter running the build.
if (Path(sys.prefix) / "share" / "jupyter" / "kernels" / "dlnsym" / "kernel.json").is_file():
    nb_kernel_rgx_aliases = {"python3": "dlnsym"}
os.environ["DLNSYM_NOTEBOOK_QUICK"] = "1"


def _copy_notebooks() -> None:
    """Copy ``notebooks/*.ipynb`` into ``docs/notebooks/`` (generated, not committed)."""
    target = HERE / "notebooks"
    target.mkdir(exist_ok=True)
    wanted = {p.name for p in (ROOT / "notebooks").glob("*.ipynb")}
    for stale in target.glob("*.ipynb"):
        if stale.name not in wanted:
            stale.unlink()
    for name in sorted(wanted):
        src, dst = ROOT / "notebooks" / name, target / name
        if not dst.exists() or dst.read_bytes() != src.read_bytes():
            shutil.copyfile(src, dst)


def _home(name: str) -> str:
    """The module that defines the public name (a function, class or module)."""
    obj = getattr(dlnsym, name)
    return getattr(obj, "__module__", None) or obj.__name__.rpartition(".")[0]


def _public_modules() -> list[str]:
    """Every module of the package whose name has no leading underscore (the CLI excluded)."""
    found = ["dlnsym"]
    for info in pkgutil.walk_packages(dlnsym.__path__, "dlnsym."):
        parts = info.name.split(".")
        if not any(p.startswith("_") for p in parts) and parts[1] != "cli":
            found.append(info.name)
    return sorted(found)


def _write_api_page() -> None:
    """``api/``: a table of every name in ``dlnsym.__all__`` and one page per module.

    Module pages use ``automodule`` (which imports by module name) rather than autosummary,
    because ``dlnsym.saddle_path``, ``dlnsym.simulate`` and ``dlnsym.compare`` are functions
    as package attributes.
    """
    names = sorted(dlnsym.__all__, key=str.lower)
    # each name under the module that defines it, so that it is documented once
    qualified = [f"{_home(name)}.{name}" for name in names]
    modules = _public_modules()
    api = HERE / "api"
    shutil.rmtree(api, ignore_errors=True)  # no stale pages of removed names
    api.mkdir()
    for module in modules:
        title = f"``{module}``"
        (api / f"{module}.rst").write_text(
            f"{title}\n{'=' * len(title)}\n\n.. automodule:: {module}\n"
            + ("   :no-members:\n" if module == "dlnsym" else "")
        )
    lines = [
        "API reference", "=============", "",
        "Every public name of the package, then the modules that implement them.", "",
        "Public names", "------------", "",
        ".. autosummary::", "",
        *[f"   {name}" for name in qualified], "",
        "Modules", "-------", "",
        ".. toctree::", "   :maxdepth: 1", "",
        *[f"   {m}" for m in modules], "",
    ]
    (api / "index.rst").write_text("\n".join(lines))


_copy_notebooks()
_write_api_page()


def _plain_bars(app, what, name, obj, options, lines: list[str]) -> None:
    """Docstrings write absolute values as ``|x|``; outside grid tables and inline literals,
    escape the bars so that reStructuredText does not read them as substitutions (inside
    ````…```` a backslash would be shown as it is)."""
    for k, line in enumerate(lines):
        stripped = line.strip()
        grid = stripped.startswith("+") or (stripped.startswith("|") and stripped.endswith("|"))
        if "|" in line and not grid:
            parts = line.split("``")  # odd-numbered parts are inside inline literals
            lines[k] = "``".join(part if i % 2 else part.replace("|", "\\|")
                                 for i, part in enumerate(parts))


def setup(app) -> None:
    app.connect("autodoc-process-docstring", _plain_bars)
