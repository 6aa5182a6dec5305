"""Exceptions raised by dlnsym.

Every public function validates its input and raises one of these, with a message that says
what was wrong and what to do.  They all derive from :class:`DlnsymError`, which the CLI turns
into a one-line message and exit status 2.  The integrator's
:class:`~dlnsym.integrate.driver.IntegrationError` is one too (exported as
``dlnsym.IntegrationError``).
"""

from __future__ import annotations

import errno
from typing import Any


class DlnsymError(Exception):
    """Base class of every error dlnsym raises on purpose.

    Catch it to handle any of the kit's own errors at once; each subclass also derives from
    the built-in exception it refines (``ValueError``, ``ArithmeticError``, ``RuntimeError``,
    ``FileNotFoundError``), so code that catches those keeps working.

    Parameters
    ----------
    message : str
        What was wrong and what to do about it.

    Examples
    --------
    >>> import dlnsym
    >>> try:
    ...     dlnsym.simulate(dlnsym.example("A"), log_inv_alpha=-1)
    ... except dlnsym.DlnsymError as err:
    ...     print(type(err).__name__)
    ParameterError
    """


class ProblemError(DlnsymError, ValueError):
    """The data (X, y) is malformed: shape, emptiness, non-finite or non-numeric entries.

    Parameters
    ----------
    message : str
        What is wrong with the data.

    Examples
    --------
    >>> from dlnsym import ProblemError, as_problem
    >>> try:
    ...     as_problem([[1, 2]], [1, 2])
    ... except ProblemError as err:
    ...     print(err)
    X has 1 rows but y has 2 entries; they must match
    """


class MissingFileError(DlnsymError, FileNotFoundError):
    """An input file (data, specification) does not exist.

    A :class:`FileNotFoundError` too (``errno`` is ``ENOENT``), so code that catches that
    keeps working; its message names the path and says what to check.

    Parameters
    ----------
    message : str
        Which file is missing and what to do.
    filename : str, optional
        The path as given.

    Attributes
    ----------
    filename : str or None
        The path as given.

    Examples
    --------
    >>> from dlnsym import MissingFileError, read_problem
    >>> try:
    ...     read_problem("no-such-dir/data.csv")
    ... except FileNotFoundError as err:
    ...     print(type(err).__name__, err.filename)
    MissingFileError no-such-dir/data.csv
    """

    def __init__(self, message: str, filename: str | None = None) -> None:
        super().__init__(errno.ENOENT, message)
        self.filename = filename

    def __str__(self) -> str:
        return str(self.strerror)

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), (self.strerror, self.filename)


class DegenerateProblemError(DlnsymError, ArithmeticError):
    """A constrained least-squares problem of Algorithm 1 has no unique minimiser.

    Parameters
    ----------
    message : str
        Which columns are dependent and what to do.
    coordinates : tuple[int, ...], optional
        The dependent coordinates (0-based).

    Attributes
    ----------
    coordinates : tuple[int, ...]
        0-based indices of the coordinates whose columns are linearly dependent.

    Examples
    --------
    Two equal columns enter together and share any split of their weight:

    >>> from dlnsym import DegenerateProblemError, as_problem, saddle_path
    >>> try:
    ...     saddle_path(as_problem([[1, 1], [0, 0]], [1, 0], exact=True))
    ... except DegenerateProblemError as err:
    ...     print(err.coordinates)
    (0, 1)
    """

    def __init__(self, message: str, coordinates: tuple[int, ...] = ()) -> None:
        super().__init__(message)
        self.coordinates = tuple(coordinates)


class MaxSaddlesError(DlnsymError, RuntimeError):
    """Algorithm 1 visited more saddles than the ``max_saddles`` it was allowed.

    Parameters
    ----------
    message : str
        Where Algorithm 1 stopped (time and loss of the last saddle).

    Examples
    --------
    >>> from dlnsym import MaxSaddlesError, example, saddle_path
    >>> try:
    ...     saddle_path(example("A"), max_saddles=2)      # example A has five jumps
    ... except MaxSaddlesError as err:
    ...     print(str(err)[:63])
    Algorithm 1 did not reach a global minimiser within max_saddles
    """


class ParameterError(DlnsymError, ValueError):
    """An argument (Λ, α, dps, tolerance, times, a path or trajectory, …) is of the wrong kind
    or out of its valid range.

    Parameters
    ----------
    message : str
        Which argument, its valid range and the value given.

    Examples
    --------
    >>> from dlnsym import ParameterError, example, simulate
    >>> try:
    ...     simulate(example("A"), log_inv_alpha=-1)
    ... except ParameterError as err:
    ...     print(str(err)[:45])
    log_inv_alpha (Λ = ln 1/α) must be a positive
    """


class ExactBudgetError(DlnsymError, ArithmeticError):
    """Exact (rational) arithmetic stopped because its numbers outgrew the size budget.

    Attributes
    ----------
    digits : int
        Decimal digits of the largest numerator or denominator reached.

    Parameters
    ----------
    message : str
        Where exact arithmetic stopped and how to go on (float path or a larger budget).
    digits : int, optional
        Decimal digits of the largest numerator or denominator reached.

    Examples
    --------
    >>> from dlnsym import ExactBudgetError, example, saddle_path
    >>> try:
    ...     saddle_path(example("A"), exact=True, max_digits=3)
    ... except ExactBudgetError as err:
    ...     print(err.digits)
    5
    """

    def __init__(self, message: str, digits: int = 0) -> None:
        super().__init__(message)
        self.digits = digits


class ConjectureError(ParameterError):
    """A conjecture's predicate raised (or returned something other than True or False) on an
    instance: the conjecture, not the instance, is at fault.

    Attributes
    ----------
    conjecture : str
        Its name.
    problem : dlnsym.problems.Problem
        The instance it failed on.
    original : BaseException or None
        What the predicate raised (also the ``__cause__``).

    Examples
    --------
    >>> from dlnsym import ConjectureError, explore
    >>> def broken(problem, path):
    ...     return 1 / 0
    >>> try:
    ...     explore(broken, trials=1, seed=0, progress=False)
    ... except ConjectureError as err:
    ...     print(err.conjecture, type(err.original).__name__)
    broken ZeroDivisionError
    """

    def __init__(self, message: str, conjecture: str, problem: Any,
                 original: BaseException | None = None) -> None:
        super().__init__(message)
        self.conjecture, self.problem, self.original = conjecture, problem, original
        if original is not None:
            self.__cause__ = original


class DivergenceError(DlnsymError, ArithmeticError):
    """Gradient descent diverged: the loss blew up or stopped being finite (step size too
    large).

    Attributes
    ----------
    step : int
        The step at which the loss first exceeded the divergence level (1-based).
    bound : float
        The stability bound on the step size from Algorithm 1's saddles
        (:func:`dlnsym.gradient_descent.step_size_bound`), NaN when unknown.

    Examples
    --------
    >>> import dlnsym
    >>> try:
    ...     dlnsym.gradient_descent(dlnsym.example("A"), log_inv_alpha=5, step_size=1.6,
    ...                             steps=100)
    ... except dlnsym.DivergenceError as err:
    ...     print(err.step, round(err.bound, 4))
    8 0.6151
    """

    def __init__(self, message: str, step: int = 0, bound: float = float("nan")) -> None:
        super().__init__(message)
        self.step = step
        self.bound = bound
