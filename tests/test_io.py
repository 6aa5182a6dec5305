"""Atomic writes: nothing half-written, usual permissions."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from dlnsym.errors import ParameterError
from dlnsym.io import atomic_write, check_writable_dir, check_writable_file


def test_success_replaces_the_file_with_usual_permissions(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old")
    with atomic_write(target) as fh:
        fh.write("new")
    assert target.read_text() == "new"
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~mask
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


@pytest.mark.parametrize("exc", [RuntimeError, KeyboardInterrupt])
def test_failure_leaves_the_old_file_and_no_temporary(tmp_path, exc):
    target = tmp_path / "out.txt"
    target.write_text("old")
    with pytest.raises(exc), atomic_write(target) as fh:
        fh.write("half")
        raise exc
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_errors_name_the_target_not_the_temporary_file(tmp_path):
    target = Path("/proc/no_such_dir_for_dlnsym/out.png")
    with pytest.raises(OSError) as info, atomic_write(target, "wb") as fh:
        fh.write(b"x")
    assert info.value.filename in (str(target), str(target.parent))
    assert ".tmp" not in str(info.value)
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(OSError) as info, atomic_write(blocker / "out.txt") as fh:
        fh.write("x")
    assert info.value.filename == str(blocker)
    assert [p.name for p in tmp_path.iterdir()] == ["file"]


@pytest.mark.parametrize(
    ("path", "fragment"),
    [("", "empty path"), ("/proc/x.png", "/proc is not writable"),
     ("BLOCKER/x.png", "is not a directory"), ("TMP", "it is a directory")],
)
def test_check_writable_file_refuses(tmp_path, path, fragment):
    blocker = tmp_path / "blocker"
    blocker.write_text("")
    path = path.replace("BLOCKER", str(blocker)).replace("TMP", str(tmp_path))
    with pytest.raises(ParameterError, match=fragment):
        check_writable_file(path, "the figure")


def test_checks_accept_missing_directories_and_leave_nothing(tmp_path):
    assert check_writable_file(tmp_path / "a" / "b" / "x.png") == tmp_path / "a" / "b" / "x.png"
    assert check_writable_dir(tmp_path / "new") == tmp_path / "new"
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(ParameterError, match="empty path"):
        check_writable_dir("")
    with pytest.raises(ParameterError, match="/proc is not writable"):
        check_writable_dir("/proc/demo", "the figures to")
