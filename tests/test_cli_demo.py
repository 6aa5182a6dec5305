"""``dlnsym demo``: the output directory is checked before the ≈ 25 s of work.

Its progress bar and Ctrl-C are tested in tests/test_cli_runs.py.
"""

from __future__ import annotations

import time

import pytest

from .conftest import assert_one_line_error, run_cli


@pytest.mark.parametrize(
    ("out", "fragments"),
    [
        ("/proc/demo", ["'/proc/demo'", "/proc is not writable"]),
        ("", ["empty path"]),
        ("FILE/demo", ["FILE", "is not a directory"]),
    ],
)
def test_unwritable_out_fails_before_any_work(tmp_path, out, fragments):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    out = out.replace("FILE", str(blocker))
    fragments = [f.replace("FILE", str(blocker)) for f in fragments]
    start = time.monotonic()
    proc = run_cli("demo", "--out", out)
    assert_one_line_error(proc, "dlnsym demo: error: cannot write the figures to", *fragments)
    assert proc.stdout == ""  # not even the first section
    assert time.monotonic() - start < 15
