"""The teaching notebooks (issue 6, item 3): stored without outputs, and each runs headless.

Each notebook ends with assertions on what it computed, so executing it is a test.  The kernel
is Jupyter's built-in ``python3`` spec, whose ``python`` command jupyter_client replaces by the
interpreter running the tests (``sys.executable``): a clean clone needs no kernel installed.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import pytest
from jupyter_client import KernelManager
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))
KERNEL = "python3"


def test_the_notebooks_are_numbered():
    assert [p.name[:3] for p in NOTEBOOKS] == [f"{k:02d}_" for k in range(1, 11)]


def test_kernel_is_this_interpreter():
    command = KernelManager(kernel_name=KERNEL).format_kernel_cmd()
    assert Path(command[0]).resolve() == Path(sys.executable).resolve()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_stored_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert all(not cell.outputs and cell.execution_count is None for cell in code)
    assert "assert" in code[-1].source, "the last code cell checks the results"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_and_passes_its_checks(path, tmp_path, monkeypatch):
    # notebooks with a long computation run a small version of it (08: the phase diagram)
    monkeypatch.setenv("DLNSYM_NOTEBOOK_QUICK", "1")
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, kernel_name=KERNEL, timeout=300,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = [out for cell in nb.cells if cell.cell_type == "code" for out in cell.outputs]
    assert any("image/png" in out.get("data", {}) for out in outputs), "shows a figure"
    assert "all checks passed" in outputs[-1].get("text", "")
    assert not any(tmp_path.iterdir()), "notebooks leave no files behind"
