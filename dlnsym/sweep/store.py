"""The results table of a sweep on disk: incremental, atomic, resumable.

Rows arrive a task at a time.  Each batch is written at once as a *part file*
``OUT.parts/part-….parquet`` (atomically: a temporary file moved into place), so a sweep killed
at any moment keeps every row it received.  At checkpoints and at the end the parts are
consolidated into ``OUT`` itself (Parquet, or CSV when its name ends in ``.csv``), again
atomically, and only then removed; a crash between the two leaves rows both in ``OUT`` and in
a part, and reading drops the duplicates (one row per ``instance`` key).  The rows already in
``OUT`` and its parts are the finished instances a rerun skips.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from dlnsym.errors import ParameterError
from dlnsym.io import atomic_write, check_writable_file

__all__ = ["COLUMNS", "ResultStore", "read_results", "to_frame"]

#: The columns of a results table and their pandas dtypes, in order.
COLUMNS: dict[str, str] = {
    "instance": "string",
    "family": "string",
    "spec_seed": "Int64",
    "trial": "Int64",
    "seed": "Int64",
    "n": "Int64",
    "d": "Int64",
    "k": "Int64",
    "delta": "float64",
    "rho": "float64",
    "noise": "float64",
    "bound": "Int64",
    "decimals": "Int64",
    "log_inv_alpha": "float64",
    "init_shape": "float64",
    "init_shape_spread": "float64",
    "exact": "boolean",
    "simulated": "boolean",
    "status": "string",
    "message": "string",
    "n_jumps": "Int64",
    "n_saddles": "Int64",
    "leaving_steps": "Int64",
    "leaving_coordinates": "Int64",
    "support_size": "Int64",
    "l1": "float64",
    "final_loss": "float64",
    "last_jump_time": "float64",
    "recovery_error": "float64",
    "recovered": "boolean",
    "max_jump_time_error": "float64",
    "plateau_error": "float64",
    "seconds": "float64",
    "finished_at": "datetime64[ns, UTC]",
}
_FORMATS = (".parquet", ".pq", ".csv")


def to_frame(rows: Iterable[dict[str, Any]] | pd.DataFrame) -> pd.DataFrame:
    """Rows (dicts, or a frame read back from a file) as a table with exactly :data:`COLUMNS`.

    Missing columns are filled with missing values (``<NA>``/NaN/NaT), unknown ones dropped,
    and every column is cast to its dtype in :data:`COLUMNS` (nullable integers and
    booleans, float64, strings, UTC timestamps), so that tables from different runs, files
    and formats concatenate and compare alike.

    Parameters
    ----------
    rows : iterable of dict, or DataFrame
        Rows as :func:`~dlnsym.sweep.instances.run_instance` returns them, or a table.

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`COLUMNS`, in order, with a fresh ``RangeIndex``.

    Raises
    ------
    ValueError
        If a value cannot be converted to its column's type (e.g. text in ``n``).
    TypeError
        Likewise, for values pandas cannot convert at all.

    Examples
    --------
    >>> frame = to_frame([{"instance": "a", "n": 3, "recovered": None, "extra": 1}])
    >>> frame.shape == (1, len(COLUMNS)), frame.dtypes["n"], frame.loc[0, "recovered"]
    (True, Int64Dtype(), <NA>)
    """
    frame = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(list(rows))
    frame = frame.reindex(columns=list(COLUMNS))
    out = {}
    for name, dtype in COLUMNS.items():
        column = frame[name]
        if dtype.startswith("datetime"):
            out[name] = pd.to_datetime(column, utc=True)
        elif dtype in ("float64", "Int64"):
            out[name] = pd.to_numeric(column).astype(dtype)
        else:
            out[name] = column.astype(dtype)
    return pd.DataFrame(out, index=range(len(frame)))


def _check_format(path: Path) -> None:
    if path.suffix.lower() not in _FORMATS:
        raise ParameterError(
            f"cannot write sweep results to {str(path)!r}: give the file one of the "
            f"extensions {', '.join(_FORMATS)}"
        )


def read_results(path: str | os.PathLike[str]) -> pd.DataFrame:
    """A results table written by :func:`dlnsym.sweep` (Parquet or CSV, by extension),
    together with any part files a killed sweep left beside it (duplicates dropped).

    Parameters
    ----------
    path : path-like
        The ``out`` of the sweep (``.parquet``, ``.pq`` or ``.csv``).

    Returns
    -------
    pandas.DataFrame
        One row per instance, with the columns and dtypes of :data:`COLUMNS`.

    Raises
    ------
    ParameterError
        No such file, an unknown extension, or a file that is not a results table.

    Examples
    --------
    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp()) / "results.csv"
    >>> write_table(to_frame([{"instance": "a", "status": "ok", "n": 3}]), out)
    >>> read_results(out)[["instance", "status", "n"]].values.tolist()
    [['a', 'ok', 3]]
    >>> try:
    ...     read_results(out.with_name("missing.csv"))
    ... except ParameterError as err:
    ...     print(str(err)[:19])
    no sweep results at
    """
    store = ResultStore(Path(path))
    frame = store.load()
    if frame.empty and not store.path.exists():
        raise ParameterError(f"no sweep results at {str(path)!r}: run `dlnsym sweep SPEC "
                             f"--out {path}` first")
    return frame


class ResultStore:
    """The results file ``path`` and its directory of parts (see the module notes).

    Parameters
    ----------
    path : Path
        ``.parquet``/``.pq`` (Parquet) or ``.csv``.

    Attributes
    ----------
    path : Path
        The results file.
    parts : Path
        The directory of part files, ``path`` with ``.parts`` appended to its name.

    Raises
    ------
    ParameterError
        If the extension of ``path`` is not ``.parquet``, ``.pq`` or ``.csv``.

    Examples
    --------
    Rows arrive as part files and are consolidated into ``path``:

    >>> import tempfile
    >>> store = ResultStore(Path(tempfile.mkdtemp()) / "results.parquet")
    >>> store.append([{"instance": "a", "status": "ok"}, {"instance": "b", "status": "ok"}])
    >>> store.finished() == {"a", "b"}, store.path.exists(), len(list(store.parts.iterdir()))
    (True, False, 1)
    >>> len(store.consolidate()), store.path.exists(), store.parts.exists()
    (2, True, False)
    """

    def __init__(self, path: Path) -> None:
        _check_format(path)
        self.path = path
        self.parts = path.with_name(path.name + ".parts")

    def check_writable(self) -> None:
        """Refuse, before any work, a results path that cannot be written."""
        check_writable_file(self.path, "the sweep results")

    def _read(self, path: Path) -> pd.DataFrame:
        try:
            if path.suffix.lower() == ".csv":
                frame = pd.read_csv(path, keep_default_na=True)
            else:
                frame = pd.read_parquet(path)
        except (OSError, ValueError) as exc:
            raise ParameterError(f"{path}: not a readable sweep results file ({exc})") from None
        if "instance" not in frame.columns:
            raise ParameterError(f"{path}: not a sweep results file (no 'instance' column); "
                                 "give another --out")
        return to_frame(frame)

    def _part_files(self) -> list[Path]:
        return sorted(self.parts.glob("part-*.parquet")) if self.parts.is_dir() else []

    def load(self) -> pd.DataFrame:
        """Every finished row: ``path`` and the parts, one row per instance."""
        frames = [self._read(p) for p in ([self.path] if self.path.exists() else [])
                  + self._part_files()]
        if not frames:
            return to_frame([])
        frame = pd.concat(frames, ignore_index=True)
        return frame.drop_duplicates("instance", keep="first").reset_index(drop=True)

    def finished(self) -> set[str]:
        """The ``instance`` keys of the finished rows."""
        return set(self.load()["instance"].dropna())

    def append(self, rows: list[dict[str, Any]]) -> None:
        """Write ``rows`` as a new part file, atomically."""
        if not rows:
            return
        self.parts.mkdir(parents=True, exist_ok=True)
        part = self.parts / f"part-{uuid.uuid4().hex}.parquet"
        with atomic_write(part, "wb") as fh:
            to_frame(rows).to_parquet(fh, index=False)

    def consolidate(self) -> pd.DataFrame:
        """Merge the parts into ``path`` (atomically), then remove them; returns the table."""
        parts = self._part_files()
        frame = self.load()
        if parts or not self.path.exists():
            write_table(frame, self.path)
        for part in parts:
            with contextlib.suppress(FileNotFoundError):
                part.unlink()
        with contextlib.suppress(OSError):  # not empty: someone else's files; leave it
            self.parts.rmdir()
        return frame


def write_table(frame: pd.DataFrame, path: Path) -> None:
    """Write a results table atomically, Parquet or CSV by the extension of ``path``."""
    _check_format(path)
    if path.suffix.lower() == ".csv":
        with atomic_write(path, "w") as fh:
            frame.to_csv(fh, index=False)
    else:
        with atomic_write(path, "wb") as fh:
            frame.to_parquet(fh, index=False)
