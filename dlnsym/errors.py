"""Exceptions raised by dlnsym.

Every public function validates its input and raises one of these, with a message that says
what was wrong and what to do.  They all derive from :class:`DlnsymError`, which the CLI turns
into a one-line message and exit status 2.  The integrator's
:class:`~dlnsym.integrate.driver.IntegrationError` is one too (exported as
``dlnsym.IntegrationError``).
"""

from __future__ import annotations


class DlnsymError(Exception):
    """Base class of every error dlnsym raises on purpose."""


class ProblemError(DlnsymError, ValueError):
    """The data (X, y) is malformed: shape, emptiness, non-finite or non-numeric entries."""


class DegenerateProblemError(DlnsymError, ArithmeticError):
    """A constrained least-squares problem of Algorithm 1 has no unique minimiser.

    Attributes
    ----------
    coordinates : tuple[int, ...]
        0-based indices of the coordinates whose columns are linearly dependent.
    """

    def __init__(self, message: str, coordinates: tuple[int, ...] = ()) -> None:
        super().__init__(message)
        self.coordinates = tuple(coordinates)


class MaxSaddlesError(DlnsymError, RuntimeError):
    """Algorithm 1 visited more saddles than the ``max_saddles`` it was allowed."""


class ParameterError(DlnsymError, ValueError):
    """An argument (Λ, α, dps, tolerance, times, a path or trajectory, …) is of the wrong kind
    or out of its valid range."""


class ExactBudgetError(DlnsymError, ArithmeticError):
    """Exact (rational) arithmetic stopped because its numbers outgrew the size budget.

    Attributes
    ----------
    digits : int
        Decimal digits of the largest numerator or denominator reached.
    """

    def __init__(self, message: str, digits: int = 0) -> None:
        super().__init__(message)
        self.digits = digits


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
    """

    def __init__(self, message: str, step: int = 0, bound: float = float("nan")) -> None:
        super().__init__(message)
        self.step = step
        self.bound = bound
