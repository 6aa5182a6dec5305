"""Steps of a symbolic derivation, how SymPy proves them, and how they are rendered.

A :class:`Step` is one equation of a derivation together with one sentence saying where it
comes from and whether SymPy *proved* it.  "Proved" means one of

* ``simplify(lhs - rhs) == 0`` (possibly after a documented rewrite, e.g. to ``exp``),
* an exact ``sympy.limit`` that returns the claimed value,
* a sign fact that SymPy's assumption system decides (``expr.is_positive is True``).

Numbers never count as a proof: the optional 50-digit spot check (:meth:`Step.spot_check`)
is an extra that is reported separately.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import sympy as sp
from sympy.core.function import AppliedUndef

from dlnsym.errors import ParameterError

__all__ = ["Step", "Derivation", "Proof", "prove_zero", "prove_all", "latex_text"]


class Proof(tuple):
    """``(proved, reason)`` — unpacks like a pair — plus ``residuals``: the expressions that
    SymPy showed to be identically zero (used by the numerical spot check).

    Returned by :func:`prove_zero` and :func:`prove_all`; a derivation step is built from it
    (its ``proved`` becomes :attr:`Step.verified`, its ``reason`` :attr:`Step.reason`).

    Parameters
    ----------
    proved : bool
        Whether SymPy proved the claim (stored as ``bool(proved)``).
    reason : str
        How it was proved, or why it could not be.
    residuals : iterable of sympy.Expr, optional
        The expressions shown to be identically zero (none when nothing was proved).

    Attributes
    ----------
    residuals : tuple of sympy.Expr
        As given; ``proof[0]`` and ``proof[1]`` are ``proved`` and ``reason``.

    Examples
    --------
    >>> import sympy as sp
    >>> u, v = sp.symbols("u v", real=True)
    >>> proof = prove_zero((u**2 + v**2)**2 - (u**2 - v**2)**2 - 4*(u*v)**2)
    >>> proved, reason = proof
    >>> proved, reason
    (True, 'expand of lhs - rhs gives 0')
    >>> proof.residuals
    (-4*u**2*v**2 - (u**2 - v**2)**2 + (u**2 + v**2)**2,)
    >>> proof.also((u**2 + v**2).is_nonnegative, "; u^2 + v^2 >= 0 by assumptions")
    (True, 'expand of lhs - rhs gives 0; u^2 + v^2 >= 0 by assumptions')
    """

    residuals: tuple[sp.Expr, ...]

    def __new__(cls, proved: bool, reason: str, residuals=()) -> Proof:
        obj = super().__new__(cls, (bool(proved), reason))
        obj.residuals = tuple(residuals)
        return obj

    def also(self, proved: bool, note: str) -> Proof:
        """This proof combined with a further fact (a sign, a lemma) and its note."""
        return Proof(self[0] and bool(proved), self[1] + note, self.residuals)


@dataclass(frozen=True)
class Step:
    """One equation of a derivation.

    Attributes
    ----------
    name : str
        Short identifier, e.g. ``"conserved_quantity"``.
    statement : sympy.Eq
        The equation, built with ``evaluate=False`` so that it is shown as derived.
    explanation : str
        One sentence; inline mathematics is written between ``$ … $`` in LaTeX notation.
    verified : bool
        True only when SymPy proved the statement (see the module docstring).
    reason : str
        How SymPy proved it, or, when ``verified`` is False, why it could not.
    residuals : tuple of sympy.Expr, default ()
        The expressions SymPy showed to be 0 (:attr:`Proof.residuals`), which
        :meth:`spot_check` evaluates; not part of :meth:`as_dict`.

    Examples
    --------
    Step 3 of the derivation, ``(u² + v²)² = (u² − v²)² + 4(uv)²``, built by hand from its
    proof (the derivations build their steps the same way):

    >>> import sympy as sp
    >>> u, v = sp.symbols("u v", real=True)
    >>> lhs, rhs = (u**2 + v**2)**2, (u**2 - v**2)**2 + 4*(u*v)**2
    >>> proved, reason = proof = prove_zero(lhs - rhs)
    >>> step = Step("sum_of_squares", sp.Eq(lhs, rhs, evaluate=False),
    ...             "Expand both sides.", proved, reason, proof.residuals)
    >>> step.verified, step.reason
    (True, 'expand of lhs - rhs gives 0')
    >>> print(step.latex())
    \\left(u^{2} + v^{2}\\right)^{2} = 4 u^{2} v^{2} + \\left(u^{2} - v^{2}\\right)^{2}
    >>> step.spot_check()          # 50-digit evaluation at 3 random points: an extra, no proof
    0.0
    """

    name: str
    statement: sp.Eq
    explanation: str
    verified: bool
    reason: str
    residuals: tuple[sp.Expr, ...] = ()

    def latex(self) -> str:
        """``sympy.latex`` of the statement (the string the LaTeX and Markdown output use)."""
        return sp.latex(self.statement)

    def spot_check(self, dps: int = 50, points: int = 3, seed: int = 0) -> float | None:
        """Largest ``|r|`` over the residuals ``r`` SymPy proved to be 0, at random rational
        points, evaluated with ``dps`` digits.

        An extra check, never a proof.  Returns None when the step has no residual that can be
        evaluated at a point (limits, expressions in functions of time).
        """
        rng = random.Random(seed)
        worst: float | None = None
        opaque = (sp.Limit, sp.Derivative, sp.Integral, sp.Subs, AppliedUndef)
        for expr in self.residuals:
            if isinstance(expr, sp.MatrixBase) or sp.sympify(expr).has(*opaque):
                continue
            for _ in range(points):
                # random rationals in (0, 2] for positive symbols, in [-2, 2] otherwise
                subs = {
                    sym: sp.Rational(rng.randint(1 if sym.is_positive else -2000, 2000), 1000)
                    for sym in expr.free_symbols
                }
                val = sp.N(expr.subs(subs), dps)
                if not val.is_number:
                    break
                worst = max(worst or 0.0, float(abs(val)))
        return worst

    def as_dict(self) -> dict[str, object]:
        """JSON-ready dictionary (statement as SymPy ``str`` and as LaTeX)."""
        return {
            "name": self.name,
            "statement": sp.sstr(self.statement),
            "latex": self.latex(),
            "explanation": self.explanation,
            "verified": self.verified,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class Derivation:
    """Result of :func:`dlnsym.symbolic.derive_mirror_flow`.

    Attributes
    ----------
    title : str
    potential : sympy.Expr
        The potential φ obtained by integrating the metric, in the symbols ``beta``, ``alpha``
        (and ``beta0`` for the general initialisation).
    conjugate : sympy.Expr or None
        The convex conjugate φ* by Legendre transform, in ``theta`` and ``alpha``.
    steps : list[Step]
    extras : dict
        Further derived expressions (``gradient``, ``hessian``, ``beta_of_theta``, …).

    Examples
    --------
    The derivations (:func:`~dlnsym.symbolic.derive_mirror_flow`) take seconds; a one-step
    derivation built by hand shows the interface:

    >>> import sympy as sp
    >>> alpha = sp.Symbol("alpha", positive=True)
    >>> beta = sp.Symbol("beta", real=True)
    >>> phi = (beta*sp.asinh(beta/alpha**2) - sp.sqrt(beta**2 + alpha**4) + alpha**2) / 2
    >>> metric = 1 / (2*sp.sqrt(beta**2 + alpha**4))
    >>> ok, how = proof = prove_zero(sp.diff(phi, beta, 2) - metric)
    >>> d = Derivation("phi'' is the metric", phi, None,
    ...                [Step("metric", sp.Eq(sp.Derivative(phi, (beta, 2)), metric,
    ...                                      evaluate=False), "Differentiate twice.", ok, how,
    ...                      proof.residuals)])
    >>> d.all_verified, d.step("metric").reason
    (True, 'together, then cancel of lhs - rhs gives 0')
    >>> print(d.to_markdown().splitlines()[2])
    1 of 1 steps proved by SymPy.
    >>> d.step("potential")
    Traceback (most recent call last):
    ...
    KeyError: "no step named 'potential'; steps are ['metric']"
    """

    title: str
    potential: sp.Expr
    conjugate: sp.Expr | None
    steps: list[Step]
    extras: dict[str, sp.Expr] = field(default_factory=dict)

    @property
    def all_verified(self) -> bool:
        """True when SymPy proved every step."""
        return all(step.verified for step in self.steps)

    def step(self, name: str) -> Step:
        """The step called ``name`` (KeyError if there is none)."""
        for st in self.steps:
            if st.name == name:
                return st
        raise KeyError(f"no step named {name!r}; steps are {[s.name for s in self.steps]}")

    # ------------------------------------------------------------------ rendering
    def to_markdown(self) -> str:
        """Markdown with ``$$ … $$`` display mathematics (GitHub / Jupyter flavour)."""
        lines = [f"# {self.title}", ""]
        n_ok = sum(s.verified for s in self.steps)
        lines.append(f"{n_ok} of {len(self.steps)} steps proved by SymPy.")
        lines.append("")
        for k, st in enumerate(self.steps, 1):
            mark = "verified" if st.verified else "NOT verified"
            lines += [
                f"## {k}. {st.name.replace('_', ' ')} ({mark})",
                "",
                st.explanation,
                "",
                "$$",
                st.latex(),
                "$$",
                "",
                f"*{'Proof' if st.verified else 'Why not'}:* {st.reason}",
                "",
            ]
        return "\n".join(lines)

    def to_latex(self) -> str:
        """A complete LaTeX document (``article`` + ``amsmath``); every statement is
        ``sympy.latex`` of the step, inside an ``equation*`` environment."""
        out = [
            r"\documentclass{article}",
            r"\usepackage{amsmath}",
            r"\usepackage{amssymb}",
            r"\begin{document}",
            r"\section*{" + latex_text(self.title) + "}",
        ]
        for k, st in enumerate(self.steps, 1):
            mark = "verified" if st.verified else "not verified"
            out += [
                r"\subsection*{" + f"{k}. " + latex_text(st.name.replace("_", " "))
                + f" ({mark})" + "}",
                latex_text(st.explanation),
                r"\begin{equation*}",
                st.latex(),
                r"\end{equation*}",
                r"\textit{" + ("Proof" if st.verified else "Why not") + ":} "
                + latex_text(st.reason),
                "",
            ]
        out.append(r"\end{document}")
        return "\n".join(out) + "\n"

    def to_json(self) -> str:
        """JSON object with the potential, the conjugate and the steps."""
        data = {
            "title": self.title,
            "potential": sp.sstr(self.potential),
            "potential_latex": sp.latex(self.potential),
            "conjugate": None if self.conjugate is None else sp.sstr(self.conjugate),
            "conjugate_latex": None if self.conjugate is None else sp.latex(self.conjugate),
            "all_verified": self.all_verified,
            "steps": [s.as_dict() for s in self.steps],
        }
        return json.dumps(data, indent=2, ensure_ascii=False)


# ---------------------------------------------------------------------- text helpers
_TEXT_ESCAPES = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def latex_text(text: str) -> str:
    """Escape prose for LaTeX, leaving ``$ … $`` segments (already LaTeX) untouched.

    Used by :meth:`Derivation.to_latex` for titles, explanations and reasons.  Outside the
    ``$ … $`` segments the nine special characters ``\\ & % # _ { } ~ ^`` are escaped
    (``$`` only occurs as a delimiter; an unpaired ``$`` is left as it is).

    Parameters
    ----------
    text : str
        Prose with inline mathematics between ``$`` signs.

    Returns
    -------
    str
        ``text`` safe to put in a LaTeX document body.

    Raises
    ------
    TypeError
        ``text`` is not a ``str``.

    Examples
    --------
    >>> latex_text("50% of $x_1$ & more")
    '50\\\\% of $x_1$ \\\\& more'
    >>> print(latex_text(r"step_name: $\\dot u = -v g$"))
    step\\_name: $\\dot u = -v g$
    """
    parts = re.split(r"(\$[^$]*\$)", text)
    out = []
    for part in parts:
        if part.startswith("$") and part.endswith("$") and len(part) >= 2:
            out.append(part)
        else:
            out.append("".join(_TEXT_ESCAPES.get(ch, ch) for ch in part))
    return "".join(out)


# ---------------------------------------------------------------------- proving
def _factor_radicands(expr: sp.Expr) -> sp.Expr:
    """Factor the argument of every square root, so that ``sqrt(a⁴·(sinh²+1))`` splits."""
    return expr.replace(
        lambda e: isinstance(e, sp.Pow) and e.exp == sp.S.Half,
        lambda e: sp.sqrt(sp.factor(sp.simplify(e.base))),
    )


_STRATEGIES: tuple[tuple[str, Callable[[sp.Expr], sp.Expr]], ...] = (
    ("expand", sp.expand),
    ("together, then cancel", lambda e: sp.cancel(sp.together(e))),
    ("simplify", sp.simplify),
    ("factor radicands, then simplify", lambda e: sp.simplify(_factor_radicands(e))),
    ("rewrite(exp), then simplify", lambda e: sp.simplify(e.rewrite(sp.exp))),
    ("rewrite(log), then simplify", lambda e: sp.simplify(e.rewrite(sp.log))),
    (
        "rewrite(exp), factor radicands, then simplify",
        lambda e: sp.simplify(_factor_radicands(sp.expand(e.rewrite(sp.exp)))),
    ),
)


def prove_zero(expr: sp.Expr | sp.MatrixBase, prefer: str | None = None) -> Proof:
    """Try to show ``expr == 0`` symbolically; return ``(proved, how-or-why-not)``.

    The strategies are tried in order, cheapest first: ``expand``; ``together`` and
    ``cancel``; ``simplify``; factoring the radicands first; ``rewrite(exp)`` or
    ``rewrite(log)`` first.  Each is an exact symbolic rewriting: no numbers are involved.
    ``prefer`` names a strategy (a prefix of its label) to try first, to save time.
    A matrix is zero when every entry is.

    Parameters
    ----------
    expr : sympy.Expr or sympy.MatrixBase
        Typically ``lhs - rhs`` of a claimed equation.  Anything :func:`sympy.sympify`
        turns into an expression (a number, a string) is accepted.
    prefer : str, optional
        A prefix of a strategy label (``"expand"``, ``"together"``, ``"simplify"``,
        ``"factor radicands"``, ``"rewrite(exp)"``, ``"rewrite(log)"``): the matching
        strategies go first.  A prefix that matches none changes nothing.

    Returns
    -------
    Proof
        ``(True, "<strategy> of lhs - rhs gives 0")`` with ``residuals = (expr,)`` (for a
        matrix: its entries), or ``(False, "SymPy could not reduce lhs - rhs to 0 (left
        with …)")`` naming what ``simplify`` left.  ``False`` means "not proved", not
        "nonzero".

    Raises
    ------
    ParameterError
        ``expr`` is not a SymPy expression or matrix and cannot be converted into one, or
        ``prefer`` is not a string.  An exception inside a strategy is not raised: that
        strategy counts as failed.

    Examples
    --------
    >>> import sympy as sp
    >>> x = sp.Symbol("x", real=True)
    >>> prove_zero(sp.cosh(x)**2 - sp.sinh(x)**2 - 1, prefer="rewrite(exp)")
    (True, 'rewrite(exp), then simplify of lhs - rhs gives 0')
    >>> prove_zero(sp.sqrt(x**2) - x)          # false for x < 0: |x| is left
    (False, 'SymPy could not reduce lhs - rhs to 0 (left with -x + Abs(x))')
    >>> prove_zero(sp.Matrix([(x + 1)**2 - x**2 - 2*x - 1, 0]))
    (True, 'entrywise expand of lhs - rhs gives 0 gives 0')
    """
    if prefer is not None and not isinstance(prefer, str):
        raise ParameterError(f"prefer must be a strategy label (a str) or None, got {prefer!r}")
    if not isinstance(expr, sp.MatrixBase):
        try:
            expr = sp.sympify(expr)
        except sp.SympifyError:
            expr = None
        if not isinstance(expr, sp.Expr):
            raise ParameterError("prove_zero needs a SymPy expression or matrix (e.g. lhs - rhs), "
                                 "got something SymPy cannot convert")
    if isinstance(expr, sp.MatrixBase):
        hows = []
        for entry in expr:
            ok, how = prove_zero(entry)
            if not ok:
                return Proof(False, how)
            hows.append(how)
        return Proof(True, "entrywise " + ", ".join(sorted(set(hows))) + " gives 0", list(expr))
    order = sorted(_STRATEGIES, key=lambda st: not (prefer and st[0].startswith(prefer)))
    for label, fn in order:
        try:
            if fn(expr) == 0:
                return Proof(True, f"{label} of lhs - rhs gives 0", [expr])
        except Exception:  # noqa: BLE001 - SymPy may fail inside a strategy; try the next
            continue
    left = sp.sstr(sp.simplify(expr))
    return Proof(False, f"SymPy could not reduce lhs - rhs to 0 (left with {left})")


def prove_all(checks: Iterable[tuple[str, sp.Expr]], prefer: str | None = None) -> Proof:
    """Prove several expressions zero; the labels go into the reason.

    Each expression goes through :func:`prove_zero`; the first one not proved ends the
    attempt, so a step that needs several identities is verified only when all hold.

    Parameters
    ----------
    checks : iterable of (str, sympy.Expr)
        ``(label, expression)`` pairs; the label says what the expression is (e.g.
        ``"d/dbeta(potential) - mirror map"``).
    prefer : str, optional
        Passed to every :func:`prove_zero` call.

    Returns
    -------
    Proof
        Proved: the reasons ``"<label>: <how>"`` joined by ``"; "`` and all residuals (an
        empty ``checks`` is vacuously proved, reason ``""``).  Not proved: the label and the
        reason of the first failure.

    Raises
    ------
    ParameterError
        As :func:`prove_zero`, for an expression or ``prefer``.
    TypeError or ValueError
        An item of ``checks`` is not a ``(label, expression)`` pair.

    Examples
    --------
    >>> import sympy as sp
    >>> a = sp.Symbol("alpha", positive=True)
    >>> b = sp.Symbol("beta", real=True)
    >>> grad = sp.asinh(b / a**2) / 2                    # the mirror map ∇φ_α
    >>> proved, reason = prove_all([
    ...     ("gradient at 0", grad.subs(b, 0)),
    ...     ("derivative - metric", sp.diff(grad, b) - 1 / (2*sp.sqrt(b**2 + a**4)))])
    >>> proved
    True
    >>> for part in reason.split("; "):
    ...     print(part)
    gradient at 0: expand of lhs - rhs gives 0
    derivative - metric: together, then cancel of lhs - rhs gives 0
    >>> prove_all([("gradient at 0", grad.subs(b, 0)), ("wrong", grad - b)])[1]
    'wrong: SymPy could not reduce lhs - rhs to 0 (left with -beta + asinh(beta/alpha**2)/2)'
    """
    reasons, residuals = [], []
    for label, expr in checks:
        proof = prove_zero(expr, prefer)
        if not proof[0]:
            return Proof(False, f"{label}: {proof[1]}")
        reasons.append(f"{label}: {proof[1]}")
        residuals += proof.residuals
    return Proof(True, "; ".join(reasons), residuals)
