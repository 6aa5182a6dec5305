"""Algorithm 1: the saddles and jump times of the α → 0 limit (see the theory page).

::

    t₀ = 0, s₀ = 0, β₀ = 0.
    for k = 0, 1, 2, …:
        g = ∇L(β_k);  if g = 0: stop (β_k is the last saddle).
        Δ_k = min over i with g_i ≠ 0 of (1 − s_i)/(−g_i) if g_i < 0, (1 + s_i)/g_i if g_i > 0
        t_{k+1} = t_k + Δ_k,   s_{k+1} = s_k − Δ_k·g      (hitting coordinates land on ±1)
        β_{k+1} = argmin { L(β) : β ∈ N(s_{k+1}) }

The limiting trajectory is ``β°(t̃) = β_k`` for ``t̃ ∈ (t_k, t_{k+1})``.  In exact mode every
number is a :class:`fractions.Fraction` (computed with python-flint), kept and exported in
full whatever its size (the text table abbreviates very wide ones), under a size budget
(``max_digits``); in float mode float64, with the
gradient evaluated only on the coordinates that can reach ±1 within the step (the others are
dormant, and their duals and gradients are filled in when read).
"""

from __future__ import annotations

import bisect
import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property
from typing import Any

import numpy as np
from flint import fmpq

from dlnsym.constrained_ls import Dormancy, ExactSystem, FloatSystem, solve_on_cone
from dlnsym.errors import ExactBudgetError, MaxSaddlesError, ParameterError
from dlnsym.integrate.backend import blas_pools
from dlnsym.problems import Problem, _to_fraction, as_problem, resolve_problem

__all__ = ["MAX_DIGITS", "TABLE_MAX_WIDTH", "SaddlePath", "saddle_path"]

#: Default size budget of exact mode: decimal digits of the largest numerator or denominator
#: of a jump time, saddle, dual or loss.  Denominators grow with every jump (``t_k`` sums the
#: step lengths), and the cost of a step with them; past this the float path is the tool.
MAX_DIGITS = 10_000

#: Exact numbers wider than this (characters) are abbreviated in :meth:`SaddlePath.table`
#: and the repr: a decimal approximation and the digit counts of numerator and denominator.
TABLE_MAX_WIDTH = 40

#: log10(2), for decimal digits from bit lengths.
_LOG10_2 = 0.30102999566398120


@dataclass(eq=False)
class SaddlePath:
    """The saddle-to-saddle path predicted by Algorithm 1.

    Attributes
    ----------
    problem : Problem
        The data the path was computed on.
    exact : bool
        Whether every number is an exact ``Fraction``.
    times : list
        ``t₀ = 0 < t₁ < … < t_K``; ``t_k`` (k ≥ 1) is the k-th jump time in accelerated time.
    saddles : list of ndarray
        ``β₀ = 0, β₁, …, β_K``; ``β_k`` holds on ``(t_k, t_{k+1})``, ``β_K`` forever after.
    duals : sequence of ndarray
        ``s_k`` (rescaled dual variable at ``t_k``), in ``[−1, 1]^d``.  In float mode the
        entries of coordinates that were dormant at step k are filled in (one pass over X)
        the first time ``duals[k]`` is read; likewise ``gradients[k]``.
    gradients : sequence of ndarray
        ``g_k = ∇L(β_k)``; ``s`` moves with velocity ``−g_k`` on ``(t_k, t_{k+1})``.
    losses : list
        ``L(β_k)``, strictly decreasing.
    active_sets : list of dict
        ``{i: sign(β_k,i)}`` over the support of ``β_k`` (0-based coordinates).
    init_shape : ndarray or None
        The shape λ of the initialisation ``u_i(0) = √2·α^{λ_i}`` (``None``: all ones); the
        duals lie in ``[−λ_i, λ_i]``.
    n_jumps, jump_times
        ``K`` and ``t₁, …, t_K``.

    Parameters
    ----------
    problem, exact, times, saddles, duals, gradients, losses, init_shape
        As the attributes; a path is built by :func:`saddle_path`, not directly.

    Examples
    --------
    >>> from dlnsym import example, saddle_path
    >>> path = saddle_path(example("A"), exact=True)
    >>> path.n_jumps, path.jump_times[0], path.losses[-1]
    (5, Fraction(150, 199), Fraction(0, 1))
    >>> path.active_sets[2]                           # coordinate 1 enters at t₂ …
    {0: 1, 1: -1}
    >>> path.active_sets[3]                           # … and leaves at t₃
    {0: 1, 4: -1}
    """

    problem: Problem
    exact: bool
    times: list[Any]
    saddles: list[np.ndarray]
    duals: Sequence[np.ndarray]
    gradients: Sequence[np.ndarray]
    losses: list[Any]
    init_shape: np.ndarray | None = None

    @cached_property
    def active_sets(self) -> list[dict[int, int]]:
        """``{i: sign(β_k,i)}`` over the support of each saddle ``β_k``."""
        return [{int(i): int(np.sign(b[i])) for i in np.flatnonzero(b != 0)} for b in self.saddles]

    @property
    def n_jumps(self) -> int:
        """``K``, the number of jumps (the number of saddles minus one)."""
        return len(self.times) - 1

    @property
    def jump_times(self) -> list[Any]:
        """``t₁, …, t_K``."""
        return self.times[1:]

    def saddle_at(self, t: Any) -> np.ndarray:
        """The limit ``β°(t̃)``: ``β_k`` for ``t̃ ∈ (t_k, t_{k+1})``, the last saddle after ``t_K``.

        At a jump time itself the limit is discontinuous; the saddle *after* the jump is
        returned.

        Parameters
        ----------
        t : real number or decimal string
            An accelerated time ``t̃ ≥ 0``, finite.  In exact mode an exact ``t`` (``int``,
            ``Fraction``, a decimal string such as ``"0.75"``) is compared with the jump
            times exactly.

        Returns
        -------
        ndarray
            ``β°(t̃)``, of shape (d,).

        Raises
        ------
        ParameterError
            ``t`` is not a real number (a bool, None, text that is not a number), is not
            finite, or is negative.

        Examples
        --------
        >>> from fractions import Fraction
        >>> from dlnsym import example, saddle_path
        >>> path = saddle_path(example("A"))
        >>> path.saddle_at(0.5).tolist() == [0] * 6          # β₀ = 0 until t₁ = 150/199
        True
        >>> path.saddle_at(Fraction(150, 199))[0]            # β₁ from t₁ on
        Fraction(199, 394)
        """
        value = _check_time(t)
        if self.exact and isinstance(value, Fraction):
            k = bisect.bisect_right(self.times, value)
        else:
            k = int(np.searchsorted(np.asarray(self.times, dtype=float), float(value),
                                    side="right"))
        return self.saddles[max(k - 1, 0)]

    def signed_active_set(self, k: int) -> str:
        """Human-readable signed active set of ``β_k``, e.g. ``"+0 −1"`` ("∅" if empty)."""
        items = self.active_sets[k]
        return " ".join(f"{'+' if v > 0 else '−'}{i}" for i, v in sorted(items.items())) or "∅"

    @cached_property
    def digits(self) -> list[int] | None:
        """Exact mode: per saddle ``k``, the decimal digits of the largest denominator among
        ``t_k``, ``β_k``, ``s_k`` and ``L(β_k)`` (how large the exact numbers have grown);
        None in float mode."""
        if not self.exact:
            return None
        return [max(_digits(v.denominator) for v in (t, loss, *b, *s))
                for t, loss, b, s in zip(self.times, self.losses, self.saddles, self.duals,
                                         strict=True)]

    def table(self, max_width: int | None = TABLE_MAX_WIDTH) -> str:
        """The path as a text table: k, t_k, signed active set, L(β_k), and in exact mode the
        digits of the largest denominator at that saddle (:attr:`digits`).

        Parameters
        ----------
        max_width : int or None
            Exact numbers printed wider than this many characters are abbreviated to a
            decimal approximation and the digit counts of numerator and denominator,
            ``≈1.235e+400 (p/q: 401/1 digits)`` (default :data:`TABLE_MAX_WIDTH`); ``None``
            prints every number in full.  :meth:`to_dict` always holds them in full.

        Returns
        -------
        str
            One header line and one line per saddle, columns padded to their widest entry.

        Raises
        ------
        ParameterError
            ``max_width`` is neither None nor a positive integer.

        Examples
        --------
        >>> from dlnsym import as_problem, saddle_path
        >>> huge = saddle_path(as_problem([[1]], [10**400], exact=True))
        >>> print(huge.table())
        k  t_k                              active set  L(β_k)                           denominator digits
        0  0                                ∅           ≈5.000e+799 (p/q: 800/1 digits)  1
        1  ≈1.000e-400 (p/q: 1/401 digits)  +0          0                                401
        """  # noqa: E501
        if max_width is not None and (not isinstance(max_width, int)
                                      or isinstance(max_width, bool) or max_width < 1):
            raise ParameterError(
                f"table: max_width must be a positive integer (characters) or None (numbers "
                f"in full), got {max_width!r}"
            )
        header = ("k", "t_k", "active set", "L(β_k)") + (("denominator digits",)
                                                         if self.exact else ())
        rows = [header]
        digits = self.digits or [None] * len(self.times)
        for k, (t, loss, dig) in enumerate(zip(self.times, self.losses, digits, strict=True)):
            row = (str(k), _fmt(t, max_width), self.signed_active_set(k), _fmt(loss, max_width))
            rows.append(row + ((str(dig),) if self.exact else ()))
        widths = [max(len(r[j]) for r in rows) for j in range(len(header))]
        return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
                         for r in rows)

    def to_dict(self) -> dict[str, list]:
        """JSON-ready dict with ``times``, ``saddles``, ``duals``, ``losses``: exact numbers as
        strings such as ``"-25726/44113"`` (in full, whatever their size), floats as floats."""
        conv = _exact_str if self.exact else float
        return {
            "times": [conv(t) for t in self.times],
            "saddles": [[conv(v) for v in b] for b in self.saddles],
            "duals": [[conv(v) for v in s] for s in self.duals],
            "losses": [conv(v) for v in self.losses],
        }

    def __repr__(self) -> str:
        mode = "exact" if self.exact else "float"
        shown = _fmt(self.losses[-1], TABLE_MAX_WIDTH)
        return (f"SaddlePath({self.problem.name or 'problem'}, {mode}, "
                f"{self.n_jumps} jumps, final loss {shown})")


def _check_time(t: Any) -> Fraction | float:
    """A time of the limit, finite and ≥ 0: an exact ``Fraction`` for an int, a ``Fraction``
    or a decimal string (``"0.9"`` is 9/10), else a float (a float, an ``mpf``, …)."""
    value: Fraction | float | None = None
    if isinstance(t, numbers.Rational) and not isinstance(t, bool | np.bool_):
        value = Fraction(int(t.numerator), int(t.denominator))
    elif isinstance(t, str):
        try:
            value = Fraction(t.strip())
        except (ValueError, ZeroDivisionError):
            pass
    if value is None:
        try:
            if isinstance(t, bool | np.bool_ | None):
                raise TypeError
            value = float(t)
        except (TypeError, ValueError):
            raise ParameterError(
                f"saddle_at: t must be a real number (an accelerated time t̃ ≥ 0), got "
                f"{t!r} ({type(t).__name__})"
            ) from None
        if not math.isfinite(value):
            raise ParameterError(
                f"saddle_at: t = {t!r} is not finite; give a finite time t̃ ≥ 0 (the last "
                f"saddle holds at every time after the last jump: saddles[-1])"
            )
    if value < 0:
        raise ParameterError(
            f"saddle_at: t = {t!r} is negative; the limit is defined for t̃ ≥ 0 (β° = 0 "
            f"on [0, t₁))"
        )
    return value


def _fmt(x: Any, max_width: int | None = None) -> str:
    """A number of the path as text: an exact one in full (abbreviated by
    :func:`_abbreviated` when wider than ``max_width``), a float to 6 significant digits."""
    if not isinstance(x, Fraction):
        return f"{float(x):.6g}"
    if max_width is not None and _exact_width(x) > max_width:
        return _abbreviated(x)
    return _exact_str(x)


def _exact_width(x: Fraction) -> int:
    """``len(_exact_str(x))``, from the digit counts (without printing the digits)."""
    width = (x < 0) + _digits(x.numerator)
    return width if x.denominator == 1 else width + 1 + _digits(x.denominator)


def _abbreviated(x: Fraction) -> str:
    """``≈1.235e+400 (p/q: 401/1 digits)``: 4 significant digits of ``x`` (computed in
    mpmath, so that any exponent is fine) and the decimal digits of ``p`` and ``q``."""
    import mpmath

    with mpmath.workdps(15):
        value = mpmath.nstr(mpmath.mpf(x.numerator) / x.denominator, 4, strip_zeros=False)
    return f"≈{value} (p/q: {_digits(x.numerator)}/{_digits(x.denominator)} digits)"


def _exact_str(x: Fraction) -> str:
    """``"p/q"`` (or ``"p"``) for a rational of any size.

    ``str(Fraction)`` goes through Python's int-to-decimal conversion, which refuses more
    than ``sys.get_int_max_str_digits()`` digits (4300 by default, a guard against its
    quadratic cost); FLINT's conversion is subquadratic and has no limit, and changing the
    interpreter-wide limit would affect other code in the process.
    """
    return str(fmpq(x.numerator, x.denominator))


def _digits(m: int) -> int:
    """Decimal digits of the integer ``|m|`` (1 for 0), from its bit length: with
    ``2^(b−1) ≤ |m| < 2^b`` the count is ``⌊(b−1)·log10 2⌋ + 1`` or one more."""
    m = abs(int(m))
    if m < 10:
        return 1
    k = int((m.bit_length() - 1) * _LOG10_2)
    return k + 2 if m >= 10 ** (k + 1) else k + 1


def saddle_path(
    X: Any,
    y: Any = None,
    *,
    exact: bool | None = None,
    max_saddles: int | None = None,
    max_digits: int = MAX_DIGITS,
    init_shape: Any = None,
) -> SaddlePath:
    """Run Algorithm 1 on the problem ``(X, y)``.

    Parameters
    ----------
    X : Problem or array-like of shape (n, d)
        A :class:`~dlnsym.problems.Problem`, or the design (then ``y`` is required).
    y : array-like of shape (n,), optional
    exact : bool, optional
        Exact rational arithmetic (default ``None``: the problem's own mode; ``True`` for a
        float problem converts every float to its exact binary value).  The float path is
        scale-free: under ``X → aX, y → by`` it maps like the exact one, ``t_k → t_k/(ab)``,
        ``β_k → (b/a)β_k``, ``s_k → s_k``, ``L → b²L`` (every tolerance is relative).
    max_saddles : int, optional
        Stop with :class:`~dlnsym.errors.MaxSaddlesError` after this many jumps
        (default ``100 + 20·d``; the true bound is 3^d).
    max_digits : int, optional
        Exact mode's size budget: stop with :class:`~dlnsym.errors.ExactBudgetError` once a
        numerator or denominator of ``t_k``, ``β_k``, ``s_k`` or ``L(β_k)`` has more decimal
        digits than this (default :data:`MAX_DIGITS`).  Unused in float mode.
    init_shape : array-like of d positive numbers, optional
        A shaped initialisation ``u_i(0) = √2·α^{λ_i}``, ``v_i(0) = 0`` (default all ones, the
        paper's).  The box of the dual becomes ``[−λ_i, λ_i]`` and the last saddle minimises
        ``Σ λ_i|β_i|`` over the minimisers of ``L``; computed as Algorithm 1 on the columns
        ``X_{:,i}/λ_i`` mapped back (:attr:`SaddlePath.init_shape` records λ).

    Returns
    -------
    SaddlePath

    Raises
    ------
    DegenerateProblemError
        A constrained minimiser is not unique (dependent columns); names the coordinates.
    MaxSaddlesError
        More than ``max_saddles`` jumps.
    ExactBudgetError
        Exact mode only: the numbers outgrew ``max_digits`` (the message says how large they
        got; the float path, ``exact=False``, has no such limit).
    ParameterError
        ``exact`` is not True, False or None; ``max_saddles`` or ``max_digits`` is not a
        positive integer; ``y`` is missing with arrays; ``X`` is not data: a file name (read
        it with :func:`~dlnsym.problems.read_problem`), None, the pair ``(X, y)`` as one
        argument, or an object that is neither a Problem nor array-like.

    Examples
    --------
    >>> from dlnsym.problems import example
    >>> path = saddle_path(example("A"))
    >>> path.times[1], path.losses[-1]
    (Fraction(150, 199), Fraction(0, 1))
    """
    if exact is not None and not isinstance(exact, bool | np.bool_):
        raise ParameterError(
            f"saddle_path: exact must be True (rational arithmetic), False (float64) or None "
            f"(the problem's own mode), got {exact!r} ({type(exact).__name__})"
        )
    problem = resolve_problem(X, y, exact=None if exact is None else bool(exact),
                              caller="saddle_path")
    from dlnsym.simulate import check_init_shape  # the one validation of a shape

    if check_init_shape(init_shape, problem.d) is not None:
        return _shaped_path(problem, init_shape, max_saddles, max_digits)
    if max_saddles is None:
        max_saddles = 100 + 20 * problem.d
    if not isinstance(max_saddles, int) or max_saddles < 1:
        raise ParameterError(f"max_saddles must be a positive integer, got {max_saddles!r}")
    if not isinstance(max_digits, int) or isinstance(max_digits, bool) or max_digits < 1:
        raise ParameterError(f"max_digits must be a positive integer, got {max_digits!r}")
    if problem.exact:
        H, c = problem.gram()
        system: ExactSystem | FloatSystem = ExactSystem(
            _to_fmpq(H), _to_fmpq(c), _to_fmpq(problem.y @ problem.y / (2 * problem.n))
        )
        times, saddles, duals, gradients, losses, _ = _run(system, max_saddles, max_digits)
    else:
        # Each step's products are small (one n × d matrix–vector product): BLAS threads
        # cost more in start-up and synchronisation than they save, so run on one.
        with blas_pools().limit(limits=1, user_api="blas"):
            system = FloatSystem(problem.X, problem.y)
            times, saddles, duals, gradients, losses, records = _run(system, max_saddles)
        duals = _Completed(duals, records, system.dormancy, "s")
        gradients = _Completed(gradients, records, system.dormancy, "g")
    if problem.exact:
        times, saddles, duals, gradients, losses = (
            [_fractions(x) for x in xs] for xs in (times, saddles, duals, gradients, losses))
    else:
        # float64 arrays already (``_run`` appends a fresh array per saddle, except a gradient
        # that a step left unchanged, which is shared with the previous saddle); numpy scalar
        # times → float (the losses are floats).
        times = [float(t) for t in times]
    return SaddlePath(problem=problem, exact=problem.exact, times=times, saddles=saddles,
                      duals=duals, gradients=gradients, losses=losses)


def _shaped_path(problem: Problem, init_shape: Any, max_saddles: int | None,
                 max_digits: int) -> SaddlePath:
    """The limit of the flow started at ``u_i(0) = √2·α^{λ_i}``: Algorithm 1 on the columns
    ``X_{:,i}/λ_i`` (box ``[−1, 1]``), mapped back to the box ``[−λ_i, λ_i]``.

    With ``β_i = β'_i/λ_i`` the loss is the same (``Xβ = X'β'``) and
    ``∇_β L = λ ⊙ ∇_{β'}L'``, so ``s_i = λ_i·s'_i`` moves with velocity ``−∇_β L`` and
    reaches ``±λ_i`` exactly when ``s'_i`` reaches ``±1``: the same jump times and losses,
    saddles ``β'/λ``, duals ``λ·s'``, gradients ``λ·g'``.  In exact mode each ``λ_i`` is read
    exactly (``"0.1"`` is 1/10, a float its binary value)."""
    entries = np.atleast_1d(np.asarray(init_shape, dtype=object))
    if problem.exact:
        lam = np.array([_to_fraction(v, f"init_shape[{i}]") for i, v in enumerate(entries)],
                       dtype=object)
    else:
        lam = np.array([float(v) for v in entries])
    rescaled = as_problem(problem.X / lam[None, :], problem.y, exact=problem.exact,
                          name=problem.name)
    path = saddle_path(rescaled, max_saddles=max_saddles, max_digits=max_digits)
    return SaddlePath(
        problem=problem, exact=path.exact, times=path.times,
        saddles=[b / lam for b in path.saddles], duals=[s * lam for s in path.duals],
        gradients=[g * lam for g in path.gradients], losses=path.losses, init_shape=lam,
    )


def _run(
    system: ExactSystem | FloatSystem, max_saddles: int, max_digits: int | None = None
) -> tuple[list, ...]:
    """The recursion of Algorithm 1 over one arithmetic back end (``max_digits``: exact
    mode's size budget, checked after every step).

    Returns ``times, saddles, duals, gradients, losses, records``.  In float mode the dormant
    coordinates (:class:`~dlnsym.constrained_ls.Dormancy`) of the stored duals and gradients
    are filled in on demand from ``records``; in exact mode ``records`` is None.
    """
    max_bits = None if max_digits is None else int(max_digits / _LOG10_2)  # 2^bits ≤ 10^digits
    dormancy = None if system.exact else system.dormancy
    zero = system.zero
    t = zero
    s = np.full(len(system.c), zero, dtype=object if system.exact else float)
    beta = s.copy()
    g = system.gradient(beta)
    times, saddles, duals, gradients = [t], [beta.copy()], [s.copy()], [g]
    losses = [system.loss()]
    records = None if dormancy is None else [dormancy.record()]
    # next_jump divides by v_i = 0 on purpose (τ_i = ∞ or NaN, skipped): silence that once.
    with np.errstate(divide="ignore", invalid="ignore"):
        while True:
            velocity = _velocity(g, s, system)
            jump = system.next_jump(velocity, s, t)
            while dormancy is not None and dormancy.wake(
                    None if jump is None else jump[0], s, g).size:
                # s and g (stored last step) now hold the woken coordinates' exact values.
                records[-1] = dormancy.record()
                velocity = _velocity(g, s, system)
                jump = system.next_jump(velocity, s, t)
            if jump is None:
                return times, saddles, duals, gradients, losses, records
            if len(times) > max_saddles:
                raise MaxSaddlesError(
                    f"Algorithm 1 did not reach a global minimiser within max_saddles = "
                    f"{max_saddles} jumps (last time t = {float(t):.6g}, loss "
                    f"{float(losses[-1]):.6g}); pass a larger max_saddles"
                )
            delta, hitting = jump
            t = t + delta
            s = s + delta * velocity
            if dormancy is not None:
                dormancy.advance(delta)
            g = solve_on_cone(system, s, beta, g, system.land(s, velocity, hitting))
            if dormancy is not None:
                dormancy.maybe_refresh(s, g, system.boundary)
                records.append(dormancy.record())
            times.append(t)
            saddles.append(beta.copy())
            duals.append(s)  # a fresh array each step: s = s + Δ·velocity above
            gradients.append(g)
            losses.append(system.loss())  # solve_on_cone's last gradient is at β
            if max_bits is not None:
                _check_budget(len(times) - 1, t, (t, losses[-1], *beta, *s), max_bits,
                              max_digits)


def _check_budget(k: int, t: Any, numbers: tuple, max_bits: int, max_digits: int) -> None:
    """Raise :class:`ExactBudgetError` when a numerator or denominator of ``numbers`` (exact
    ``fmpq``) has more than ``max_digits`` decimal digits (screened by bit length)."""
    bits = max(max(v.p.bit_length(), v.q.bit_length()) for v in numbers)
    if bits <= max_bits:
        return
    digits = max(max(_digits(int(v.p)), _digits(int(v.q))) for v in numbers)
    if digits <= max_digits:
        return
    raise ExactBudgetError(
        f"exact arithmetic stopped at jump {k} (t ≈ {float(t):.6g}): its rationals reached "
        f"{digits} decimal digits, over the budget max_digits = {max_digits}; use the float "
        f"path (exact=False; on the command line drop --exact), or raise max_digits "
        f"(--max-digits) to go on exactly",
        digits,
    )


def _velocity(g: np.ndarray, s: np.ndarray, system: ExactSystem | FloatSystem) -> np.ndarray:
    """``ds/dt̃ = −g``, with zero for coordinates that cannot move.

    Support coordinates have ``g_i = 0`` by the KKT conditions.  In floating point we also
    zero the gradients that vanish up to rounding, ``|g_i| ≤ tol_i`` with ``tol_i`` relative
    to the size of the terms of ``g_i`` (:meth:`FloatSystem.negligible`; so that the last
    saddle, ``g = 0``, is recognised at any scale of the data), and stop coordinates pinned at
    ±1 whose velocity would push them out of the box (rounding noise: KKT says
    ``s_i g_i ≥ 0`` there).  The pinned coordinates are the boundary ``|s_i| = 1``, which
    contains the support (``v_i = 0`` there already): none is left when both have one size.
    """
    v = -g
    v[system.support] = system.zero
    if not system.exact:
        v[system.negligible(v)] = 0.0
        pinned = system.boundary
        if len(pinned) > system.p:
            v[pinned[s[pinned] * v[pinned] > 0]] = 0.0
    return v


class _Completed(Sequence):
    """The float path's duals or gradients: stored as computed, with the entries of dormant
    coordinates filled in (one pass over X) the first time each one is read."""

    def __init__(self, items: list, records: list, dormancy: Dormancy, which: str) -> None:
        self._items = items
        self._records = records
        self._dormancy = dormancy
        self._which = which
        self._done = [r[1] == dormancy.d for r in records]

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, k: Any) -> Any:
        if isinstance(k, slice):
            return [self[j] for j in range(*k.indices(len(self)))]
        k = range(len(self))[k]
        if not self._done[k]:
            item = self._items[k]
            if self._which == "g" and k > 0 and self._items[k - 1] is item:
                item = self._items[k] = item.copy()  # a gradient shared with the step before
            self._dormancy.complete(self._records[k], item if self._which == "s" else None,
                                    item if self._which == "g" else None)
            self._done[k] = True
        return self._items[k]

    def __repr__(self) -> str:
        return f"<{len(self)} {'duals' if self._which == 's' else 'gradients'}>"


def _to_fmpq(x: Any) -> Any:
    """``Fraction`` (scalar or object array) → ``flint.fmpq``."""
    if isinstance(x, np.ndarray):
        return np.vectorize(_to_fmpq, otypes=[object])(x)
    return fmpq(x.numerator, x.denominator)


def _fractions(x: Any) -> Any:
    if isinstance(x, np.ndarray):
        return np.array([_fractions(v) for v in x], dtype=object)
    return Fraction(int(x.p), int(x.q))
