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

__all__ = ["Step", "Derivation", "Proof", "prove_zero", "prove_all", "latex_text"]


class Proof(tuple):
    """``(proved, reason)`` — unpacks like a pair — plus ``residuals``: the expressions that
    SymPy showed to be identically zero (used by the numerical spot check)."""

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

    >>> latex_text("50% of $x_1$ & more")
    '50\\\\% of $x_1$ \\\\& more'
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
    """
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
    """Prove several expressions zero; the labels go into the reason."""
    reasons, residuals = [], []
    for label, expr in checks:
        proof = prove_zero(expr, prefer)
        if not proof[0]:
            return Proof(False, f"{label}: {proof[1]}")
        reasons.append(f"{label}: {proof[1]}")
        residuals += proof.residuals
    return Proof(True, "; ".join(reasons), residuals)
