"""The documentation site builds with warnings as errors (what ``make docs`` runs).

Every cross-reference into ``dlnsym`` must resolve (``nitpicky`` in ``docs/conf.py``), every
docstring must be valid reStructuredText, and every notebook must execute without error (its
last cell asserts what it computed), so a broken page fails the test suite.
"""

from __future__ import annotations

from pathlib import Path

from sphinx.cmd.build import build_main

DOCS = Path(__file__).resolve().parent.parent / "docs"


def test_the_site_builds_without_warnings(tmp_path):
    status = build_main(["-b", "html", "-W", "--keep-going", "-q",
                         "-d", str(tmp_path / "doctrees"), str(DOCS), str(tmp_path / "html")])
    assert status == 0, "sphinx-build reported warnings or errors (see the captured output)"
    html = tmp_path / "html"
    for page in ("index", "getting_started", "theory", "guide", "api/index", "performance"):
        assert (html / f"{page}.html").exists(), page
    # the notebooks are rendered with their outputs (figures are inline PNGs)
    rendered = sorted((html / "notebooks").glob("*.html"))
    assert len(rendered) == len(list((DOCS.parent / "notebooks").glob("*.ipynb")))
    assert all("data:image/png" in p.read_text() or "<img" in p.read_text() for p in rendered)
