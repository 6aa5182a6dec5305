"""Regression problems (X, y): loading, validation and the built-in examples.

A problem is a design ``X`` (n × d) and a target ``y`` (n) with the loss of the theory page §1,

    L(β) = (1/2n) ‖Xβ − y‖²,   ∇L(β) = Hβ − c,   H = XᵀX/n,   c = Xᵀy/n.

In *exact* mode every entry is a :class:`fractions.Fraction`: decimal strings are read as
decimal rationals ("0.1" is 1/10) and binary floats as their exact binary value.  In float
mode every entry is a float64.
"""

from __future__ import annotations

import csv
import dataclasses
import decimal
import math
import numbers
import os
import zipfile
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from dlnsym.errors import MissingFileError, ParameterError, ProblemError

__all__ = [
    "Problem",
    "as_problem",
    "example",
    "gaussian_sparse",
    "orthogonal_design",
    "read_problem",
    "resolve_problem",
    "underparametrised",
    "EXAMPLES",
    "EXAMPLE_A_THEORY",
]


@dataclass(frozen=True, eq=False)
class Problem:
    """A least-squares problem ``L(β) = ‖Xβ − y‖² / 2n``.

    Attributes
    ----------
    X : ndarray, shape (n, d)
        Design matrix; dtype float64, or object holding ``Fraction`` when ``exact``.
    y : ndarray, shape (n,)
        Targets, same dtype convention as ``X``.
    exact : bool
        Whether entries are exact rationals.
    name : str
        Where the problem came from (file name or example name), for messages and plots.

    Parameters
    ----------
    X, y, exact, name
        As the attributes.  Build a problem with :func:`as_problem` (which validates the
        data), :func:`read_problem` or :func:`example` rather than directly.

    Examples
    --------
    >>> from dlnsym import example
    >>> problem = example("A")
    >>> problem
    Problem('example A', n=3, d=6, exact)
    >>> problem.loss([0] * 6)                         # L(0) = ‖y‖²/2n
    Fraction(193, 300)
    >>> H, c = problem.gram()
    >>> c[0], 1 / max(abs(ci) for ci in c)            # ‖c‖∞ at coordinate 0; t₁ = 1/‖c‖∞
    (Fraction(199, 150), Fraction(150, 199))
    """

    X: np.ndarray
    y: np.ndarray
    exact: bool
    name: str = ""

    @property
    def n(self) -> int:
        """Number of samples."""
        return self.X.shape[0]

    @property
    def d(self) -> int:
        """Number of coordinates (features)."""
        return self.X.shape[1]

    def gram(self) -> tuple[np.ndarray, np.ndarray]:
        """``(H, c) = (XᵀX/n, Xᵀy/n)``, so that ``∇L(β) = Hβ − c``."""
        n = Fraction(self.n) if self.exact else float(self.n)
        return (self.X.T @ self.X) / n, (self.X.T @ self.y) / n

    def loss(self, beta: Any) -> Any:
        """``L(β) = ‖Xβ − y‖² / 2n`` (exact when both the problem and β are exact)."""
        r = self.X @ np.asarray(beta, dtype=self.X.dtype) - self.y
        return (r @ r) / (2 * self.n)

    def gradient(self, beta: Any) -> np.ndarray:
        """``∇L(β) = Xᵀ(Xβ − y)/n``."""
        r = self.X @ np.asarray(beta, dtype=self.X.dtype) - self.y
        return (self.X.T @ r) / self.n

    def to_float(self) -> Problem:
        """The same problem in float64."""
        if not self.exact:
            return self
        return Problem(self.X.astype(float), self.y.astype(float), False, self.name)

    def to_exact(self) -> Problem:
        """The same problem with every float replaced by its exact binary value."""
        if self.exact:
            return self
        return as_problem(self.X, self.y, exact=True, name=self.name)

    def __repr__(self) -> str:
        """One line: the name, the shape and the arithmetic, never the data."""
        name = f"{self.name!r}, " if self.name else ""
        return f"Problem({name}n={self.n}, d={self.d}, {'exact' if self.exact else 'float64'})"


# --------------------------------------------------------------------------- conversion


def _to_fraction(value: Any, where: str) -> Fraction:
    """Exact rational value of one cell; ``where`` locates it in error messages."""
    if isinstance(value, bool | np.bool_):
        raise ProblemError(f"{where}: boolean {value!r} is not a number")
    if isinstance(value, Fraction):
        return value
    if isinstance(value, numbers.Integral):
        return Fraction(int(value))
    if isinstance(value, decimal.Decimal):
        if not value.is_finite():
            raise ProblemError(f"{where}: non-finite value {value}; remove or impute it")
        return Fraction(value)
    if isinstance(value, numbers.Real):
        v = float(value)
        if not math.isfinite(v):
            raise ProblemError(f"{where}: non-finite value {v}; remove or impute it")
        return Fraction(v)
    if isinstance(value, str):
        text = value.strip()
        if not text:
            raise ProblemError(f"{where}: empty cell; fill it in or remove its row")
        try:
            out = Fraction(text)
        except (ValueError, ZeroDivisionError):
            if text.lower().lstrip("+-") in {"nan", "inf", "infinity"}:
                raise ProblemError(
                    f"{where}: non-finite value {text!r}; remove or impute it"
                ) from None
            raise ProblemError(
                f"{where}: {value!r} is not a number (use decimals such as 0.25 or "
                "fractions such as 1/4)"
            ) from None
        return out
    raise ProblemError(f"{where}: {type(value).__name__} {value!r} is not a number")


def _as_array(data: Any, name: str, exact: bool, ndim: int) -> np.ndarray:
    """Validate one array (``X`` with ndim 2, ``y`` with ndim 1) and convert it."""
    try:
        raw = np.asarray(data, dtype=object if exact or _has_text(data) else None)
    except ValueError as exc:  # ragged nested lists
        raise ProblemError(f"{name} is ragged (rows of different lengths): {exc}") from None
    if raw.dtype == object and any(isinstance(v, list | tuple | np.ndarray) for v in raw.flat):
        raise ProblemError(f"{name} is ragged (rows of different lengths); make every row of "
                           "the same length")
    if raw.ndim != ndim:
        want = "a 2-D array (n samples × d features)" if ndim == 2 else "a 1-D array of n targets"
        raise ProblemError(f"{name} must be {want}, got shape {raw.shape}")
    if raw.size == 0:
        raise ProblemError(f"{name} is empty (shape {raw.shape}); give at least one entry")
    if exact or raw.dtype == object:
        cells = np.empty(raw.shape, dtype=object)
        for idx, v in np.ndenumerate(raw):
            cells[idx] = _to_fraction(v, f"{name}{list(idx)}")
        return cells if exact else cells.astype(float)
    if not np.issubdtype(raw.dtype, np.number) or np.issubdtype(raw.dtype, np.complexfloating):
        raise ProblemError(f"{name} has dtype {raw.dtype}; it must hold real numbers")
    out = raw.astype(float)
    bad = np.argwhere(~np.isfinite(out))
    if bad.size:
        idx = tuple(int(i) for i in bad[0])
        raise ProblemError(
            f"{name}{list(idx)}: non-finite value {out[idx]} ({len(bad)} non-finite "
            f"{'entry' if len(bad) == 1 else 'entries'} in all); remove or impute "
            f"{'it' if len(bad) == 1 else 'them'}"
        )
    return out


def _has_text(data: Any) -> bool:
    """Whether ``data`` (nested lists or an array) contains strings or exact scalars."""
    if isinstance(data, np.ndarray):
        return data.dtype == object or data.dtype.kind in "US"
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, list | tuple):
            stack.extend(item)
        elif isinstance(item, str | Fraction | decimal.Decimal):
            return True
    return False


def _accepted(caller: str) -> str:
    """What a public function taking a problem accepts, for messages."""
    return (f"pass a Problem (dlnsym.example, dlnsym.read_problem, dlnsym.as_problem) or the "
            f"arrays X (n × d) and y (n) as two arguments, {caller}(X, y, …)")


def _check_exact(exact: Any, caller: str) -> None:
    if exact is not None and not isinstance(exact, bool | np.bool_):
        raise ParameterError(
            f"{caller}: exact must be True (rational arithmetic), False (float64) or None, "
            f"got {exact!r} ({type(exact).__name__})"
        )


def _not_data(X: Any, y: Any, caller: str) -> str | None:
    """Why ``X`` (with ``y``, possibly None) cannot be the data of a problem, or None when
    it may be: a file name, None, an ``(X, y)`` pair given as one argument, or an object
    that is not array-like."""
    if isinstance(X, str | os.PathLike):
        name = os.fspath(X)
        return (f"{caller}: got the file name {name!r}, not data; read the file first, "
                f"problem = dlnsym.read_problem({name!r}) (exact=True for exact rationals), "
                f"and pass the problem: {caller}(problem, …)")
    if X is None:
        return f"{caller}: got None instead of a problem; {_accepted(caller)}"
    if y is not None:
        return None
    if isinstance(X, tuple | list) and len(X) == 2:
        try:
            pair = np.ndim(X[0]) == 2 and np.ndim(X[1]) == 1
        except ValueError:  # a ragged first item: not a pair of arrays either
            pair = False
        if pair:
            return (f"{caller}: got the pair (X, y) as one argument; pass the arrays as two, "
                    f"{caller}(X, y, …), or a Problem")
    if not (isinstance(X, list | tuple | np.ndarray) or hasattr(X, "__array__")):
        return (f"{caller}: got a value of type {type(X).__name__}, which is neither a "
                f"Problem nor an array X; {_accepted(caller)}")
    return None


def as_problem(X: Any, y: Any = None, *, exact: bool | None = None, name: str = "") -> Problem:
    """Build a validated :class:`Problem` from array-likes (a Problem is returned as it is).

    Parameters
    ----------
    X : array-like of shape (n, d), or Problem
        numpy arrays, nested lists, ``Fraction``, ``Decimal`` or decimal strings ("-1.4",
        "3/7"); or a :class:`Problem` (then without ``y``).
    y : array-like of shape (n,), optional
        The targets; required with arrays.
    exact : bool, optional
        Keep every entry as an exact ``Fraction`` (floats become their exact binary value);
        ``False`` converts to float64.  Default ``None``: float64 for arrays, a Problem's own
        mode.
    name : str
        Label used in messages and plots (a Problem keeps its own when empty).

    Returns
    -------
    Problem
        Read-only arrays ``X``, ``y`` (``Fraction`` objects when ``exact``, float64 otherwise).

    Raises
    ------
    ProblemError
        Wrong or mismatched shapes, empty data, non-finite or non-numeric entries.
    ParameterError
        ``y`` missing with arrays or given with a Problem, a file name instead of data (the
        message points to :func:`read_problem`), ``X`` of a type that is neither a Problem
        nor array-like, ``exact`` not a bool or None, ``name`` not a string.

    Examples
    --------
    >>> p = as_problem([["0.1", 1], [2, "1/3"]], ["1", "0"], exact=True)
    >>> p.X[0, 0], p.d
    (Fraction(1, 10), 2)
    >>> as_problem(p) is p, float(as_problem(p, exact=False).X[0, 0])
    (True, 0.1)
    """
    _check_exact(exact, "as_problem")
    if not isinstance(name, str):
        raise ParameterError(f"as_problem: name must be a string, got {type(name).__name__}")
    if isinstance(X, Problem):
        if y is not None:
            raise ParameterError(
                "as_problem: give either a Problem or the arrays X and y, not both"
            )
        problem = X
        if exact is not None and bool(exact) != problem.exact:
            problem = problem.to_exact() if exact else problem.to_float()
        return dataclasses.replace(problem, name=name) if name else problem
    reason = _not_data(X, y, "as_problem")
    if reason is not None:
        raise ParameterError(reason)
    if y is None:
        raise ParameterError("as_problem: y is missing; call as_problem(X, y, …)")
    exact = bool(exact)
    Xa = _as_array(X, "X", exact, 2)
    ya = _as_array(y, "y", exact, 1)
    if Xa.shape[0] != ya.shape[0]:
        raise ProblemError(
            f"X has {Xa.shape[0]} rows but y has {ya.shape[0]} entries; they must match"
        )
    Xa.setflags(write=False)
    ya.setflags(write=False)
    return Problem(Xa, ya, exact, name)


def resolve_problem(X: Any, y: Any = None, *, exact: bool | None = None,
                    caller: str = "this function") -> Problem:
    """The problem a public function was given: a :class:`Problem`, or arrays ``(X, y)``.

    Parameters
    ----------
    X : Problem or array-like
    y : array-like, optional
        Required with arrays, forbidden with a Problem.
    exact : bool, optional
        Convert to exact (``True``) or float (``False``) arithmetic; ``None`` keeps the
        problem's own mode (arrays become float).
    caller : str
        The public function's name, for the error message.

    Returns
    -------
    Problem
        The problem, validated and in the arithmetic asked for.

    Raises
    ------
    ParameterError
        If a Problem comes with ``y``, arrays come without it, or ``X`` is not data: a file
        name (the message points to :func:`read_problem`), None, the pair ``(X, y)`` as one
        argument, or an object that is neither a Problem nor array-like.
    ProblemError
        If the arrays are malformed (:func:`as_problem`).

    Examples
    --------
    >>> resolve_problem([[1.0, 2.0]], [3.0]).exact
    False
    >>> resolve_problem(example("A"), exact=False).exact
    False
    >>> resolve_problem([[1.0, 2.0]], caller="saddle_path")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    dlnsym.errors.ParameterError: saddle_path: y is missing; call saddle_path(X, y, …) or ...
    >>> resolve_problem("data.csv", caller="saddle_path")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    dlnsym.errors.ParameterError: saddle_path: got the file name 'data.csv', not data; read ...
    """
    if isinstance(X, Problem):
        if y is not None:
            raise ParameterError(
                f"{caller}: give either a Problem or the arrays X and y, not both"
            )
        problem = X
    else:
        reason = _not_data(X, y, caller)
        if reason is not None:
            raise ParameterError(reason)
        if y is None:
            raise ParameterError(
                f"{caller}: y is missing; call {caller}(X, y, …) or {caller}(problem, …)"
            )
        problem = as_problem(X, y, exact=bool(exact))
    if exact is None or exact == problem.exact:
        return problem
    return problem.to_exact() if exact else problem.to_float()


# ----------------------------------------------------------------------------- files


def read_problem(path: str | os.PathLike[str], *, exact: bool = False) -> Problem:
    """Read a problem from ``.npz`` (arrays ``X`` and ``y``) or ``.csv``.

    A CSV file is UTF-8 text with a header row of distinct names; the column named ``y`` is
    the target and every other column is a feature.  In exact mode CSV decimals are read as
    exact decimal rationals; in float mode a cell beyond the float64 range is refused.

    Parameters
    ----------
    path : str or path-like
        A ``.csv`` or ``.npz`` file.
    exact : bool
        Read every entry as an exact ``Fraction`` (CSV decimals exactly: ``0.1`` is 1/10).

    Returns
    -------
    Problem
        Named after the file.

    Raises
    ------
    ProblemError
        Unknown extension, a file that is not a valid .npz archive or not UTF-8 text,
        missing arrays/columns, duplicate column names, bad cells (with line and column).
    MissingFileError
        The file does not exist (a :class:`FileNotFoundError` too); the message names it.
    ParameterError
        ``path`` is not a file name (str or path-like), or ``exact`` is not a bool.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> csv = pathlib.Path(tempfile.mkdtemp()) / "data.csv"
    >>> _ = csv.write_text(chr(10).join(["x0,x1,y", "1,0.5,2", "0,1,-1"]))
    >>> p = read_problem(csv, exact=True)
    >>> p.X[0, 1], p.y[1]
    (Fraction(1, 2), Fraction(-1, 1))
    """
    if not isinstance(path, str | os.PathLike):
        raise ParameterError(
            f"read_problem: path must be a file name (str or path-like), got a "
            f"{type(path).__name__}; for arrays in memory use dlnsym.as_problem(X, y)"
        )
    if not isinstance(exact, bool | np.bool_):
        raise ParameterError(f"read_problem: exact must be True or False, got {exact!r}")
    exact = bool(exact)
    p = Path(path)
    if not p.exists():
        raise MissingFileError(
            f"no such data file: {str(p)!r}; check the name and the directory (a relative "
            f"path starts at {os.getcwd()})", os.fspath(path)
        )
    if p.is_dir():
        raise ProblemError(f"{p}: a directory, not a data file; give a .csv or .npz file")
    suffix = p.suffix.lower()
    if suffix == ".npz":
        return _read_npz(p, exact)
    if suffix == ".csv":
        return _read_csv(p, exact)
    raise ProblemError(f"{p}: unknown data format {suffix!r}; use .npz (X, y) or .csv")


#: The first bytes of a zip archive (an .npz file is one): a local file header, or the end
#: record of an empty archive.
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_NPZ_HINT = "save it with np.savez(path, X=X, y=y)"


def _check_zip(path: Path) -> None:
    """Refuse a file that is not a zip archive before numpy guesses at it (numpy would read
    any other bytes as a pickle, or as a bare .npy array)."""
    with path.open("rb") as fh:
        head = fh.read(4)
    if not head:
        raise ProblemError(f"{path}: empty file, not a valid .npz file; {_NPZ_HINT}")
    if head not in _ZIP_MAGIC:
        raise ProblemError(f"{path}: not a valid .npz file (not a zip archive); {_NPZ_HINT}")


def _read_npz(path: Path, exact: bool) -> Problem:
    _check_zip(path)
    try:
        with np.load(path, allow_pickle=False) as data:
            missing = {"X", "y"} - set(data.files)
            if missing:
                raise ProblemError(
                    f"{path}: missing array(s) {sorted(missing)}; the file has {data.files}, "
                    f"{_NPZ_HINT}"
                )
            X, y = data["X"], data["y"]
    except ProblemError:
        raise
    except (ValueError, OSError, EOFError, zipfile.BadZipFile) as exc:
        raise ProblemError(f"{path}: not a readable .npz file ({exc})") from None
    try:
        return as_problem(X, y, exact=exact, name=path.stem)
    except ProblemError as exc:  # name the file, as the CSV reader's messages do
        raise ProblemError(f"{path}: {exc}") from None


def _csv_rows(path: Path) -> list[list[str]]:
    """The non-blank rows of a UTF-8 CSV file (a byte-order mark is allowed)."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            rows = list(csv.reader(fh))
    except UnicodeDecodeError as exc:
        raise ProblemError(
            f"{path}: not UTF-8 text (byte {exc.object[exc.start]:#04x} at offset {exc.start}); "
            "save the file as UTF-8"
        ) from None
    except csv.Error as exc:
        raise ProblemError(f"{path}: not a readable CSV file ({exc})") from None
    return [r for r in rows if any(cell.strip() for cell in r)]


def _csv_header(path: Path, rows: list[list[str]]) -> list[str]:
    """The column names of the header row, checked: one 'y', at least one feature, unique
    names, and at least one data row."""
    if not rows:
        raise ProblemError(f"{path}: empty file; expected a header row and data rows")
    header = [h.strip() for h in rows[0]]
    if "y" not in header:
        raise ProblemError(f"{path}: no column named 'y' in header {header}")
    if header.count("y") > 1:
        raise ProblemError(f"{path}: more than one column named 'y'")
    if len(header) < 2:
        raise ProblemError(f"{path}: no feature columns besides 'y'")
    repeated = sorted({h for h in header if header.count(h) > 1})
    if repeated:
        raise ProblemError(
            f"{path}: duplicate column name(s) {repeated} in the header; give every column "
            "its own name"
        )
    if len(rows) < 2:
        raise ProblemError(f"{path}: header only, no data rows")
    return header


def _csv_cell(text: str, where: str, exact: bool) -> Fraction | float:
    """One cell: its exact value, or (float mode) its float64 value, refused if it overflows."""
    value = _to_fraction(text, where)
    if exact:
        return value
    try:
        return float(value)
    except OverflowError:
        raise ProblemError(
            f"{where}: {text.strip()!r} is beyond the float64 range (±1.8e308); rescale the "
            "data, or use exact arithmetic"
        ) from None


def _read_csv(path: Path, exact: bool) -> Problem:
    rows = _csv_rows(path)
    header = _csv_header(path, rows)
    jy = header.index("y")
    X, y = [], []
    for line, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            raise ProblemError(
                f"{path} line {line}: {len(row)} cells, but the header has {len(header)}"
            )
        cells = [
            _csv_cell(cell, f"{path} line {line}, column {header[j]!r}", exact)
            for j, cell in enumerate(row)
        ]
        y.append(cells[jy])
        X.append(cells[:jy] + cells[jy + 1 :])
    return as_problem(X, y, exact=exact, name=path.stem)


# -------------------------------------------------------------------------- examples

_EXAMPLE_A_X = [
    ["-1.4", "0.3", "-0.6", "-1.0", "-1.0", "0.3"],
    ["0.4", "1.3", "0.0", "1.0", "1.4", "1.2"],
    ["-2.4", "1.2", "0.3", "0.4", "0.4", "0.4"],
]
_EXAMPLE_A_Y = ["0.3", "-0.4", "-1.9"]

#: The published answer of example A, transcribed from the theory page §5, not computed: an
#: independent reference for tests and checks of Algorithm 1 (never fill it from its output).
#: ``"rows"``: one ``(t_k, {i: β_k,i for β_k,i ≠ 0}, L(β_k))`` per saddle k = 0…5;
#: ``"s5"``: the final dual vector s₅.  All entries are exact :class:`~fractions.Fraction`.
EXAMPLE_A_THEORY = {
    "rows": [
        (Fraction(0), {}, Fraction(193, 300)),
        (Fraction(150, 199), {0: Fraction(199, 394)}, Fraction(12147, 39400)),
        (Fraction(19125, 12863), {0: Fraction(26409, 88226), 1: Fraction(-25726, 44113)},
         Fraction(4800481, 26467800)),
        (Fraction(1478475, 830389), {0: Fraction(17547, 29482), 4: Fraction(-10466, 14741)},
         Fraction(502681, 8844600)),
        (Fraction(210987300, 57476503), {0: Fraction(4093, 6798), 3: Fraction(-9280, 10197)},
         Fraction(137641, 6118200)),
        (Fraction(13971921800, 1399630519),
         {0: Fraction(179, 306), 2: Fraction(-371, 459), 3: Fraction(-97, 153)}, Fraction(0)),
    ],
    "s5": [Fraction(1), Fraction(-107, 918), Fraction(-1), Fraction(-1), Fraction(-355, 459),
           Fraction(577, 918)],
}


def _rounded(a: np.ndarray, exact: bool, decimals: int | None) -> np.ndarray:
    """Round to ``decimals`` places (so that exact mode has small denominators)."""
    if decimals is not None:
        a = np.round(a, decimals)
    if not exact:
        return a
    if decimals is None:
        return a
    scale = 10**decimals
    return np.vectorize(lambda v: Fraction(round(v * scale), scale), otypes=[object])(a)


def _check_sizes(**sizes: int) -> None:
    for key, value in sizes.items():
        if not isinstance(value, numbers.Integral) or value < 1:
            raise ProblemError(f"{key} must be a positive integer, got {value!r}")


def gaussian_sparse(
    n: int = 200,
    d: int = 2000,
    sparsity: int = 10,
    noise: float = 0.1,
    seed: int = 0,
    *,
    exact: bool = False,
    decimals: int | None = None,
    return_signal: bool = False,
) -> Problem | tuple[Problem, np.ndarray]:
    """Gaussian sparse regression: ``X ~ N(0, 1)``, ``β*`` with ``sparsity`` ±1 entries,
    ``y = Xβ* + noise·ε``.

    Parameters
    ----------
    n, d : int
        Samples and coordinates.
    sparsity : int
        Number of nonzero entries of the planted ``β*`` (at most ``d``).
    noise : float
        Standard deviation of the Gaussian noise ``ε`` added to ``Xβ*``.
    seed : int
        Seed of the random generator (``numpy.random.default_rng``).
    exact : bool
        Return an exact problem (``Fraction`` entries).
    decimals : int, optional
        Round the data to this many decimals (exact mode needs it to keep denominators
        small; ``exact=True`` defaults it to 1).
    return_signal : bool
        Also return ``β*``.

    Returns
    -------
    Problem or (Problem, ndarray)
        The problem; with ``return_signal``, ``(problem, β*)``, ``β*`` a float64 array of
        entries in {−1, 0, 1}.

    Raises
    ------
    ProblemError
        If a size is not a positive integer or ``sparsity > d``.

    Examples
    --------
    >>> problem, signal = gaussian_sparse(n=20, d=50, sparsity=3, seed=1, return_signal=True)
    >>> problem.n, problem.d, problem.exact, np.flatnonzero(signal).tolist()
    (20, 50, False, [0, 8, 19])
    >>> gaussian_sparse(n=8, d=12, sparsity=3, noise=0.0, seed=35, exact=True).X[0, 0]
    Fraction(-11, 10)
    """
    _check_sizes(n=n, d=d, sparsity=sparsity)
    if sparsity > d:
        raise ProblemError(f"sparsity {sparsity} exceeds the dimension d = {d}")
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    beta = np.zeros(d)
    support = rng.choice(d, size=sparsity, replace=False)
    beta[support] = rng.choice([-1.0, 1.0], size=sparsity)
    y = X @ beta + noise * rng.standard_normal(n)
    if exact and decimals is None:
        decimals = 1
    problem = as_problem(
        _rounded(X, exact, decimals),
        _rounded(y, exact, decimals),
        exact=exact,
        name=f"gaussian_sparse(n={n}, d={d}, seed={seed})",
    )
    return (problem, beta) if return_signal else problem


def orthogonal_design(
    d: int = 8, n: int | None = None, seed: int = 0, *, exact: bool = False
) -> Problem:
    """A design with ``XᵀX/n`` diagonal (orthogonal columns of distinct norms).

    Built exactly from signed, scaled columns of a Hadamard-like ±1 matrix, so that the Gram
    matrix is diagonal *exactly*.  On such a design the saddles of Algorithm 1 follow the
    knots of the Lasso path (the theory page, §4).

    Parameters
    ----------
    d : int
        Coordinates.
    n : int, optional
        Samples: a power of two ≥ d (default: the smallest).
    seed : int
        Seed of the random generator (columns, scales and targets).
    exact : bool
        Return an exact problem.

    Returns
    -------
    Problem
        The problem; targets are multiples of 0.1 in ``[−2, 2]``.

    Raises
    ------
    ProblemError
        If a size is not a positive integer, or ``n`` is not a power of two ≥ d.

    Examples
    --------
    >>> problem = orthogonal_design(d=5, exact=True)
    >>> H, c = problem.gram()
    >>> problem.n, bool((H == np.diag(np.diag(H))).all())
    (8, True)
    """
    _check_sizes(d=d)
    if n is None:
        n = 1 << max(0, (d - 1).bit_length())
    _check_sizes(n=n)
    if n & (n - 1) or n < d:
        raise ProblemError(f"n must be a power of two ≥ d = {d}, got {n}")
    from scipy.linalg import hadamard

    rng = np.random.default_rng(seed)
    cols = rng.choice(n, size=d, replace=False)
    scales = rng.integers(1, 10, size=d)
    X = hadamard(n)[:, cols] * scales
    y = rng.integers(-20, 21, size=n) / 10
    return as_problem(
        X.astype(object) if exact else X.astype(float),
        _rounded(y, exact, 1),
        exact=exact,
        name=f"orthogonal_design(d={d}, seed={seed})",
    )


def underparametrised(n: int = 12, d: int = 5, seed: int = 0, *, exact: bool = False) -> Problem:
    """More samples than coordinates (n > d): the last saddle is the least-squares fit, which
    does not interpolate.

    Parameters
    ----------
    n, d : int
        Samples and coordinates, ``n > d``.
    seed : int
        Seed of the random generator (Gaussian data rounded to one decimal).
    exact : bool
        Return an exact problem.

    Returns
    -------
    Problem
        The problem.

    Raises
    ------
    ProblemError
        If a size is not a positive integer or ``n ≤ d``.

    Examples
    --------
    >>> from dlnsym import saddle_path
    >>> problem = underparametrised(n=12, d=5)
    >>> float(saddle_path(problem).losses[-1]) > 0          # no interpolation
    True
    """
    _check_sizes(n=n, d=d)
    if n <= d:
        raise ProblemError(f"underparametrised needs n > d, got n = {n}, d = {d}")
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    y = rng.standard_normal(n)
    return as_problem(
        _rounded(X, exact, 1),
        _rounded(y, exact, 1),
        exact=exact,
        name=f"underparametrised(n={n}, d={d}, seed={seed})",
    )


def random_integer(n: int = 12, d: int = 20, seed: int = 0, bound: int = 9) -> Problem:
    """An exact problem with integer entries uniform in ``[−bound, bound]``."""
    _check_sizes(n=n, d=d, bound=bound)
    rng = np.random.default_rng(seed)
    X = rng.integers(-bound, bound + 1, size=(n, d))
    y = rng.integers(-bound, bound + 1, size=n)
    return as_problem(X, y, exact=True, name=f"random_integer(n={n}, d={d}, seed={seed})")


def example(name: str = "A", *, exact: bool = True) -> Problem:
    """A built-in example problem by name.

    Parameters
    ----------
    name : {"A", "gaussian", "orthogonal", "underparametrised"}
        ``"A"`` is the worked example of the theory page (§5), with its exact saddle table.
    exact : bool
        Exact rationals (decimals read exactly, the default) or float64.  Both modes hold the
        same decimal data (``"gaussian"`` is rounded to 1 decimal in both), the float64 one
        as the nearest doubles: a name means one problem.

    Returns
    -------
    Problem

    Raises
    ------
    ProblemError
        An unknown name (the message lists the available ones).

    Examples
    --------
    >>> example("A").n, example("A").d
    (3, 6)
    >>> example("A").X[0, 0]
    Fraction(-7, 5)
    """
    if name not in EXAMPLES:
        raise ProblemError(f"unknown example {name!r}; available: {', '.join(EXAMPLES)}")
    return EXAMPLES[name](exact)


EXAMPLES = {
    "A": lambda exact: as_problem(_EXAMPLE_A_X, _EXAMPLE_A_Y, exact=exact, name="example A"),
    # rounded to 1 decimal in both modes: exact mode needs small denominators, and float
    # mode is then the float64 of the same decimals, so that the name means one problem
    "gaussian": lambda exact: gaussian_sparse(n=10, d=30, sparsity=3, seed=0, exact=exact,
                                              decimals=1),
    "orthogonal": lambda exact: orthogonal_design(d=6, seed=0, exact=exact),
    "underparametrised": lambda exact: underparametrised(exact=exact),
}
