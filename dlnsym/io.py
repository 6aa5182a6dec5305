"""Output files: written atomically, and checked before any long computation.

:func:`atomic_write` guarantees that a crash or Ctrl-C never leaves a half-written file;
:func:`check_writable_file` and :func:`check_writable_dir` let a command refuse an output path
it could not write *before* it computes what it would write there.  Errors name the user's
path, never the temporary file.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from dlnsym.errors import ParameterError

__all__ = ["atomic_write", "check_writable_dir", "check_writable_file"]


def _umask() -> int:
    """The process umask (read by setting and restoring it)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def _naming(target: Path) -> Iterator[None]:
    """Re-raise an :class:`OSError` of the body addressed to ``target`` (so that messages
    name the user's path, not the temporary file)."""
    try:
        yield
    except OSError as exc:
        raise type(exc)(exc.errno, exc.strerror or str(exc), str(target)) from None


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike[str], mode: str = "w") -> Iterator[IO]:
    """Open a temporary file next to ``path``; move it onto ``path`` only on success.

    The temporary file lives in the same directory, so the final ``os.replace`` is atomic on
    POSIX and Windows.  If the body raises (including ``KeyboardInterrupt``) the temporary file
    is removed and ``path`` is left as it was.  Missing parent directories are created.

    Parameters
    ----------
    path : path-like
        The file to write (replaced if it exists).
    mode : str
        Mode of :func:`open` for the temporary file: ``"w"`` (text) or ``"wb"`` (binary).

    Yields
    ------
    file object
        The open temporary file; write to it in the ``with`` body.  On a normal exit it is
        flushed, synced to disk, given the usual permissions ``0o666 & ~umask`` and moved
        onto ``path``.

    Raises
    ------
    OSError
        A file-system error (no such directory, permission, disk full, a file where a
        directory should be, target is a directory), with ``path`` (or its directory) as
        ``filename``, never the temporary file.
    BaseException
        Whatever the body raises (``KeyboardInterrupt`` included) propagates unchanged,
        after the temporary file has been removed.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> with atomic_write(d / "x.txt") as fh:
    ...     _ = fh.write("hello")
    >>> (d / "x.txt").read_text()
    'hello'

    A body that fails leaves the old content and no temporary file:

    >>> try:
    ...     with atomic_write(d / "x.txt") as fh:
    ...         _ = fh.write("half")
    ...         raise KeyboardInterrupt
    ... except KeyboardInterrupt:
    ...     pass
    >>> (d / "x.txt").read_text(), [f.name for f in d.iterdir()]
    ('hello', ['x.txt'])
    """
    target = Path(path)
    with _naming(target.parent):  # e.g. a file where the directory should be
        target.parent.mkdir(parents=True, exist_ok=True)
    with _naming(target):
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, mode) as fh:
            yield fh
            with _naming(target):
                fh.flush()
                os.fsync(fh.fileno())
        with _naming(target):
            os.chmod(tmp, 0o666 & ~_umask())  # mkstemp creates 0600; give the usual mode
            os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _existing_ancestor(path: Path) -> Path:
    """``path`` itself or its nearest ancestor that exists (``.`` for a relative path)."""
    for candidate in (path, *path.parents):
        if candidate.exists() or candidate.is_symlink():
            return candidate
    return Path(".")


def _probe(directory: Path, target: Path, what: str) -> None:
    """Create and remove a temporary file in ``directory``: the only test of writability
    that also holds for root and for special file systems such as /proc."""
    try:
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".dlnsym-probe.", suffix=".tmp")
    except OSError as exc:
        raise ParameterError(
            f"cannot write {what} {str(target)!r}: {directory} is not writable "
            f"({exc.strerror or exc})"
        ) from None
    os.close(fd)
    os.unlink(tmp)


def _nonempty(path: str | os.PathLike[str], what: str, kind: str) -> Path:
    """``path`` as a Path; an empty string (which Path would read as ".") is refused."""
    if not os.fspath(path).strip():
        raise ParameterError(f"cannot write {what} an empty path; give a {kind} name")
    return Path(path)


def _check_dir(directory: Path, target: Path, what: str) -> None:
    """Whether files can be created in ``directory`` (or in the ancestor that would hold it
    once created); messages name ``target``."""
    base = _existing_ancestor(directory)
    if not base.is_dir():
        raise ParameterError(
            f"cannot write {what} {str(target)!r}: {str(base)!r} is not a directory"
        )
    _probe(base, target, what)


def check_writable_dir(path: str | os.PathLike[str], what: str = "files to") -> Path:
    """Check that files can be written in directory ``path`` (created if missing).

    Nothing is left behind: the nearest existing ancestor of ``path`` must be a directory in
    which a file can be created (tried, then removed).

    Parameters
    ----------
    path : path-like
        The directory; must not be empty.
    what : str
        How messages call the output, e.g. ``"the figures to"``.

    Returns
    -------
    Path

    Raises
    ------
    ParameterError
        Empty path, ``path`` or an ancestor that is not a directory, or no write access.

    Examples
    --------
    A directory that does not exist yet is fine (nothing is created):

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> check_writable_dir(d / "figures" / "A", "the figures to") == d / "figures" / "A"
    True
    >>> (d / "figures").exists()
    False
    >>> check_writable_dir("", "the figures to")
    Traceback (most recent call last):
        ...
    dlnsym.errors.ParameterError: cannot write the figures to an empty path; give a directory name
    """
    target = _nonempty(path, what, "directory")
    _check_dir(target, target, what)
    return target


def check_writable_file(path: str | os.PathLike[str], what: str = "the file") -> Path:
    """Check that :func:`atomic_write` could write the file ``path``.

    The directory may be missing (:func:`atomic_write` creates it) but its nearest existing
    ancestor must be a writable directory, and ``path`` must not be a directory.

    Parameters
    ----------
    path : path-like
        The file; must not be empty.
    what : str
        How messages call the output, e.g. ``"the figure"``.

    Returns
    -------
    Path

    Raises
    ------
    ParameterError
        Empty path, ``path`` is a directory, or its directory cannot be written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> check_writable_file(d / "out" / "path.json") == d / "out" / "path.json"
    True
    >>> try:
    ...     check_writable_file(d, "the figure")
    ... except ParameterError as err:
    ...     print(str(err).endswith("it is a directory"))
    True
    """
    target = _nonempty(path, f"{what} to", "file")
    if target.is_dir():
        raise ParameterError(f"cannot write {what} {str(target)!r}: it is a directory")
    _check_dir(target.parent, target, what)
    return target
