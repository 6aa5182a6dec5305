"""Checks of the theory page §4–§5 on the exact saddle path: KKT conditions and uniqueness, the
minimum-ℓ₁ property of the last saddle (and the weighted one of a shaped initialisation),
monotonicity, the orthogonal-design closed form, the
first jump and the worked example A.

Expected values never come from Algorithm 1 itself: gradients and losses are recomputed with
SymPy rationals (:mod:`dlnsym.lift`), optimality by SymPy's exact simplex, the Lasso knots by
their closed form and by scikit-learn's ``lars_path``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from fractions import Fraction
from functools import cache

import numpy as np
import sympy as sp
from sympy.solvers.simplex import UnboundedLPError, lpmax, lpmin

from dlnsym.lift import loss_gradient, loss_hessian, rational
from dlnsym.problems import EXAMPLE_A_THEORY, Problem
from dlnsym.saddle_path import SaddlePath, saddle_path

from . import corrupt, instances
from .instances import path_cases
from .registry import Case, Verdict, register, verdict

MODULE = __spec__.name


def _design(problem: Problem) -> sp.Matrix:
    return sp.Matrix(problem.n, problem.d, [rational(x) for x in problem.X.flat])


def _loss(problem: Problem, beta: Sequence) -> sp.Rational:
    """``L(β) = ‖Xβ − y‖²/2n`` with SymPy rationals."""
    r = _design(problem) * sp.Matrix([rational(b) for b in beta]) - sp.Matrix(
        [rational(v) for v in problem.y])
    return (r.T * r)[0] / (2 * problem.n)


# ------------------------------------------------------------------------------ KKT
def _unique_on_cone(problem: Problem, beta: np.ndarray, s: np.ndarray) -> str | None:
    """``None`` when ``β`` is the only minimiser of L over N(s), else why not.

    All minimisers share ``Xβ`` (L is strictly convex in Xβ), so they are
    ``M = {β' ∈ N(s) : Xβ' = Xβ}``.  With ``E = {i : |s_i| = 1}``: if the columns ``X_E`` are
    independent, ``M = {β}``; otherwise each ``β'_i`` (i ∈ E) is minimised and maximised over
    M by an exact LP, and M is a point iff every range is ``{β_i}``.
    """
    E = [i for i in range(problem.d) if abs(s[i]) == 1]
    X = _design(problem)
    if X[:, E].rank() == len(E):
        return None
    x = sp.symbols(f"x0:{problem.d}")
    cons = [sp.Eq(e, 0) for e in X[:, E] * sp.Matrix([x[i] for i in E])
            - X * sp.Matrix([rational(b) for b in beta])]
    cons += [rational(s[i]) * x[i] >= 0 for i in E]
    for i in E:
        try:
            lo, hi = lpmin(x[i], cons)[0], lpmax(x[i], cons)[0]
        except UnboundedLPError:
            return f"β_{i} is unbounded over the minimisers"
        if lo != hi:
            return f"β_{i} ranges over [{lo}, {hi}] among the minimisers"
    return None


def check_kkt(problem: Problem, path: SaddlePath) -> Verdict:
    """Each ``β_k`` is the unique minimiser of L over ``N(s_k)``.

    With ``g = ∇L(β_k)`` recomputed exactly: ``β_k ∈ N(s_k)``; ``g_i = 0`` where
    ``β_k,i ≠ 0``; ``s_i·g_i ≥ 0`` where ``|s_i| = 1`` and ``β_k,i = 0`` (the multipliers of the
    sign constraints); these are sufficient for the convex problem.  ``g`` must also equal
    the path's stored gradient.  Uniqueness by :func:`_unique_on_cone`.
    """
    failures = []
    for k, (b, s) in enumerate(zip(path.saddles, path.duals, strict=True)):
        g = loss_gradient(problem, b)
        for i in range(problem.d):
            bi, si, gi = rational(b[i]), rational(s[i]), g[i]
            if abs(si) > 1 or (abs(si) < 1 and bi != 0) or si * bi < 0:
                failures.append(f"k={k}: β_{i} = {bi} not in N(s) (s_{i} = {si})")
            elif bi != 0 and gi != 0:
                failures.append(f"k={k}: g_{i} = {gi} ≠ 0 on the support")
            elif bi == 0 and abs(si) == 1 and si * gi < 0:
                failures.append(f"k={k}: multiplier s_{i}·g_{i} = {si * gi} < 0")
        if any(rational(a) != e for a, e in zip(path.gradients[k], g, strict=True)):
            failures.append(f"k={k}: stored gradient differs from ∇L(β_k)")
        why = _unique_on_cone(problem, b, s)
        if why:
            failures.append(f"k={k}: not unique: {why}")
    return verdict(failures, f"KKT conditions hold exactly and the minimiser is unique at "
                   f"all {len(path.saddles)} saddles")


register(
    "kkt",
    "Each saddle β_k satisfies the KKT conditions of min {L(β) : β ∈ N(s_k)} exactly and is "
    "its unique solution.",
    cases=path_cases(check_kkt),
    corrupted=lambda q: [
        *path_cases(check_kkt, lambda p: corrupt.perturb_saddle(p, k=2),
                    what="β_2 + 1/1000 in one entry")(q),
        *path_cases(check_kkt, corrupt.duplicate_column, what="a support column duplicated",
                    expect="not unique")(q),
        *path_cases(check_kkt, corrupt.premature_hit,
                    what="s_1,i = −sign(g_i) for a coordinate with β_1,i = 0",
                    expect="multiplier s_")(q),
    ],
    module=MODULE,
)


# --------------------------------------------------------------------------- min-ℓ₁
def check_min_l1(problem: Problem, path: SaddlePath) -> Verdict:
    """The last saddle ``β_K`` minimises ‖β‖₁ over ``argmin L = {β : Hβ = c}``.

    * ``∇L(β_K) = 0`` exactly;
    * exact LP (SymPy simplex): ``min Σ(p_i + q_i)`` s.t. ``H(p − q) = c``, ``p, q ≥ 0`` equals
      ``‖β_K‖₁``;
    * dual certificate ``s = s_K``: ``‖s‖∞ ≤ 1``, ``s_i = sign(β_K,i)`` on the support and
      ``s = Xᵀw`` for some w; then every minimiser β' has ``Xβ' = Xβ_K`` and
      ``‖β'‖₁ ≥ ⟨s, β'⟩ = ⟨w, Xβ'⟩ = ⟨s, β_K⟩ = ‖β_K‖₁``.
    """
    b, s = path.saddles[-1], path.duals[-1]
    beta = sp.Matrix([rational(v) for v in b])
    norm = sum(abs(v) for v in beta)
    failures = []
    if any(e != 0 for e in loss_gradient(problem, b)):
        failures.append("∇L(β_K) ≠ 0: β_K is not a minimiser of L")
    H, c = loss_hessian(problem), -loss_gradient(problem, [0] * problem.d)
    p, q = sp.symbols(f"p0:{problem.d}"), sp.symbols(f"q0:{problem.d}")
    cons = [sp.Eq(e, 0) for e in H * (sp.Matrix(p) - sp.Matrix(q)) - c]
    best = lpmin(sum(p) + sum(q), cons + [v >= 0 for v in (*p, *q)])[0]
    if best != norm:
        failures.append(f"LP minimum {best} ≠ ‖β_K‖₁ = {norm}")
    sv = sp.Matrix([rational(v) for v in s])
    if any(abs(v) > 1 for v in sv):
        failures.append("‖s_K‖∞ > 1")
    if any(sv[i] != sp.sign(beta[i]) for i in range(problem.d) if beta[i] != 0):
        failures.append("s_K ≠ sign(β_K) on the support")
    Xt = _design(problem).T
    if Xt.row_join(sv).rank() != Xt.rank():
        failures.append("s_K ∉ range(Xᵀ)")
    return verdict(failures, f"‖β_K‖₁ = {norm} = exact LP minimum; certificate s_K checked")


def _l1_instances(quick: bool) -> list[instances.Instance]:
    """The general instances and the underparametrised one."""
    return instances.general(quick) + instances.least_squares(quick)


def _with_null_space(quick: bool) -> list[instances.Instance]:
    """The instances of :func:`_l1_instances` whose X has a null space.  Only there is the
    minimiser of L not unique and ``range(Xᵀ) ≠ ℝ^d``; the ℓ₁ corruptions do not apply to
    the others (a full-column-rank X has a single minimiser of L)."""
    return [inst for inst in _l1_instances(quick) if _design(inst.problem).rank()
            < inst.problem.d]


register(
    "min-l1",
    "The last saddle minimises ‖β‖₁ over the minimisers of L (exact LP), certified by s_K: "
    "s_K ∈ range(Xᵀ), ‖s_K‖∞ ≤ 1, s_K = sign(β_K) on the support.",
    cases=path_cases(check_min_l1, pick=_l1_instances),
    corrupted=lambda q: [
        *path_cases(check_min_l1, corrupt.non_minimal_minimiser, pick=_with_null_space,
                    what="β_K moved along the null space of X", expect="LP minimum")(q),
        *path_cases(check_min_l1, corrupt.dual_off_range, pick=_with_null_space,
                    what="an entry |s_i| < 1 of s_K moved off range(Xᵀ)",
                    expect="s_K ∉ range(Xᵀ)")(q),
    ],
    module=MODULE,
)


# ------------------------------------------------------------------ weighted min-ℓ₁
def _shape_of(problem: Problem) -> list[Fraction]:
    """The shape λ the weighted check uses on ``problem``: ``2, 1/2, 1, 3, 1, 1, …`` (period
    six), chosen so that on every instance the weighted-ℓ₁ interpolator differs from the
    unweighted one (by 0.35 to 1.1 in max norm), which the negative controls rely on."""
    cycle = (Fraction(2), Fraction(1, 2), Fraction(1), Fraction(3), Fraction(1), Fraction(1))
    return [cycle[i % len(cycle)] for i in range(problem.d)]


@cache
def _shaped_path(inst: instances.Instance) -> SaddlePath:
    """Exact Algorithm 1 for the initialisation ``u_i(0) = √2·α^{λ_i}``, λ = :func:`_shape_of`."""
    return saddle_path(inst.problem, exact=True, init_shape=_shape_of(inst.problem))


def _weighted_l1_lp(problem: Problem, weights: Sequence) -> tuple[np.ndarray, float]:
    """``argmin Σ w_i|β_i|`` s.t. ``Xβ = y`` and its value, by scipy's HiGHS LP in
    ``(β⁺, β⁻) ≥ 0`` (float64, independent of Algorithm 1)."""
    from scipy.optimize import linprog

    X, y = np.asarray(problem.X, dtype=float), np.asarray(problem.y, dtype=float)
    w = np.asarray([float(v) for v in weights])
    res = linprog(np.r_[w, w], A_eq=np.c_[X, -X], b_eq=y, bounds=[(0, None)] * (2 * problem.d),
                  method="highs")
    if res.status != 0:
        raise ValueError(f"linprog: {res.message}")
    return res.x[: problem.d] - res.x[problem.d:], float(res.fun)


def check_weighted_min_l1(problem: Problem, path: SaddlePath, weights: Sequence) -> Verdict:
    """The last saddle ``β_K`` of the shaped path minimises ``Σ w_i|β_i|`` over ``Xβ = y``.

    * ``Xβ_K = y`` exactly;
    * an LP (scipy ``linprog``, HiGHS) ``min Σ w_i(p_i + q_i)`` s.t. ``X(p − q) = y``,
      ``p, q ≥ 0``: its minimiser equals ``β_K`` and its value ``Σ w_i|β_K,i|`` to 1e-9
      (relative to ``1 + ‖β_K‖∞``);
    * dual certificate ``s = s_K``, exactly: ``|s_i| ≤ w_i``, ``s_i = w_i·sign(β_K,i)`` on the
      support and ``s ∈ range(Xᵀ)``; then every β' with ``Xβ' = y`` has
      ``Σ w_i|β'_i| ≥ ⟨s, β'⟩ = ⟨s, β_K⟩ = Σ w_i|β_K,i|`` (the theory page §7;
      proved symbolically by ``derive_shaped``).
    """
    beta = [rational(v) for v in path.saddles[-1]]
    w = [rational(v) for v in weights]
    value = sum(wi * abs(bi) for wi, bi in zip(w, beta, strict=True))
    failures = []
    X = _design(problem)
    if any(e != 0 for e in X * sp.Matrix(beta) - sp.Matrix([rational(v) for v in problem.y])):
        failures.append("Xβ_K ≠ y: β_K does not interpolate")
    lp_beta, lp_value = _weighted_l1_lp(problem, w)
    scale = 1 + max(abs(float(b)) for b in beta)
    gap = float(np.max(np.abs(lp_beta - np.array([float(b) for b in beta]))))
    if gap > 1e-9 * scale or abs(lp_value - float(value)) > 1e-9 * scale:
        failures.append(f"LP minimiser differs from β_K by {gap:.2e} (LP value {lp_value:.12g}, "
                        f"Σ w|β_K| = {float(value):.12g})")
    s = [rational(v) for v in path.duals[-1]]
    if any(abs(si) > wi for si, wi in zip(s, w, strict=True)):
        failures.append("|s_K,i| > w_i for some i")
    if any(si != wi * sp.sign(bi) for si, wi, bi in zip(s, w, beta, strict=True) if bi != 0):
        failures.append("s_K ≠ w·sign(β_K) on the support")
    if X.T.row_join(sp.Matrix(s)).rank() != X.T.rank():
        failures.append("s_K ∉ range(Xᵀ)")
    return verdict(failures, f"Σ w|β_K| = {value} = LP minimum (β_K to {gap:.1e}); "
                   "certificate s_K checked exactly")


def _weighted_cases(what: str | None = None,
                    weights: Callable[[list[Fraction], SaddlePath], list] | None = None,
                    unshaped: bool = False, expect: str | None = None,
                    ) -> Callable[[bool], list[Case]]:
    """Cases of :func:`check_weighted_min_l1` on the general instances: the shaped path
    against its own shape, or (negative controls) against ``weights(λ)`` instead, or the
    unshaped path (``unshaped``) against λ."""
    def cases(quick: bool) -> list[Case]:
        out = []
        for inst in instances.general(quick):
            lam = _shape_of(inst.problem)
            label = inst.label + (f", {what}" if what else f", λ = {_show(lam)}")

            def run(inst: instances.Instance = inst, lam: list[Fraction] = lam) -> Verdict:
                shaped = _shaped_path(inst)
                w = lam if weights is None else weights(lam, shaped)
                return check_weighted_min_l1(inst.problem, inst.path if unshaped else shaped, w)
            out.append(Case(label, run, expect))
        return out
    return cases


def _show(values: Sequence) -> str:
    return "(" + ", ".join(str(v) for v in values) + ")"


def _support_entry_doubled(lam: list[Fraction], path: SaddlePath) -> list[Fraction]:
    """λ with the entry of the first coordinate of the last saddle's support doubled (a
    corrupted shape: there ``s_K,j = λ_j·sign(β_K,j) ≠ 2λ_j·sign(β_K,j)``)."""
    j = int(np.flatnonzero(path.saddles[-1] != 0)[0])
    return [2 * v if i == j else v for i, v in enumerate(lam)]


register(
    "weighted-min-l1",
    "With u_i(0) = √2·α^{λ_i} the last saddle minimises Σλ_i|β_i| subject to Xβ = y (LP), "
    "certified by s_K ∈ range(Xᵀ), |s_K,i| ≤ λ_i, s_K,i = λ_i·sign(β_K,i) on the support.",
    cases=_weighted_cases(),
    corrupted=lambda q: [
        *_weighted_cases("claimed for the unweighted ℓ₁ norm",
                         weights=lambda lam, _: [1] * len(lam), expect="LP minimiser differs")(q),
        *_weighted_cases("λ_j doubled in the claim on the support", weights=_support_entry_doubled,
                         expect="s_K ≠ w·sign(β_K) on the support")(q),
        *_weighted_cases("the unshaped path's endpoint", unshaped=True,
                         expect="LP minimiser differs")(q),
    ],
    module=MODULE,
)


# ------------------------------------------------------------------------- monotone
def check_monotone(problem: Problem, path: SaddlePath) -> Verdict:
    """``t_k`` strictly increases, ``L(β_k)`` (recomputed exactly, and equal to the stored
    loss) strictly decreases, ``|s_k,i| ≤ 1`` — hence ``‖s‖∞ ≤ 1`` on the linear pieces in
    between too (the box is convex)."""
    failures = []
    losses = [_loss(problem, b) for b in path.saddles]
    if any(rational(a) != e for a, e in zip(path.losses, losses, strict=True)):
        failures.append("stored losses differ from L(β_k)")
    times = [rational(t) for t in path.times]
    failures += [f"t_{k + 1} = {times[k + 1]} ≤ t_{k} = {times[k]}"
                 for k in range(len(times) - 1) if times[k + 1] <= times[k]]
    failures += [f"L(β_{k + 1}) = {losses[k + 1]} ≥ L(β_{k}) = {losses[k]}"
                 for k in range(len(losses) - 1) if losses[k + 1] >= losses[k]]
    failures += [f"‖s_{k}‖∞ = {max(abs(v) for v in s)} > 1"
                 for k, s in enumerate(path.duals) if max(abs(v) for v in s) > 1]
    return verdict(failures, f"{len(times) - 1} jumps: times increase, losses decrease "
                   f"from {losses[0]} to {losses[-1]}, ‖s‖∞ ≤ 1")


register(
    "monotone",
    "Along the saddle path the jump times strictly increase, the losses strictly decrease "
    "and ‖s‖∞ ≤ 1.",
    cases=path_cases(check_monotone),
    corrupted=lambda q: [
        *path_cases(check_monotone, lambda p: corrupt.shift_time(p, 2, p.times[1] - p.times[2]),
                    what="t_2 moved back to t_1")(q),
        *path_cases(check_monotone, corrupt.inflate_dual, what="s_K × 1001/1000")(q),
        *path_cases(check_monotone, corrupt.stall, what="β_2 replaced by β_1",
                    expect="L(β_2) = ")(q),
    ],
    module=MODULE,
)


# ---------------------------------------------------------------- orthogonal design
def _lasso_knots(problem: Problem) -> list[Fraction]:
    """Knots of the Lasso path for a diagonal H: the distinct ``|c_i| > 0``, decreasing."""
    c = -loss_gradient(problem, [0] * problem.d)
    return sorted({abs(v) for v in c if v != 0}, reverse=True)


def check_orthogonal_lasso(problem: Problem, path: SaddlePath) -> Verdict:
    """On a design with ``H`` diagonal, ``t_k = 1/λ_k`` and ``β_k`` is hard-thresholded.

    Closed form (independent of Algorithm 1): ``s_i(t) = c_i·t`` until ``|s_i| = 1`` at
    ``t = 1/|c_i|``, after which ``β_i = c_i/H_ii`` and ``g_i = 0``; so the knots are the
    distinct ``λ = |c_i|`` and ``β_k,i = c_i/H_ii`` for ``|c_i| ≥ λ_k``, else 0.  Second
    oracle: scikit-learn ``lars_path(method="lasso")`` (same 1/n scaling), in float64.
    """
    from sklearn.linear_model import lars_path

    H = loss_hessian(problem)
    if not H.is_diagonal():
        return Verdict(False, "H = XᵀX/n is not diagonal")
    c = -loss_gradient(problem, [0] * problem.d)
    knots = _lasso_knots(problem)
    want_t = [sp.Integer(0)] + [1 / lam for lam in knots]
    got_t = [rational(t) for t in path.times]
    failures = []
    if got_t != want_t:
        failures.append(f"times {got_t} ≠ 1/knots {want_t}")
    for k, lam in enumerate(knots, start=1):
        want = [c[i] / H[i, i] if abs(c[i]) >= lam else 0 for i in range(problem.d)]
        if k < len(path.saddles) and [rational(v) for v in path.saddles[k]] != want:
            failures.append(f"β_{k} is not the hard-thresholded c_i/H_ii")
    alphas, _, _ = lars_path(problem.X.astype(float), problem.y.astype(float), method="lasso")
    lars_t = 1 / alphas[: len(knots)]
    if not np.allclose(lars_t, np.array(got_t[1:], dtype=float), rtol=1e-9, atol=0):
        failures.append(f"lars_path knots 1/α = {lars_t} ≠ times")
    return verdict(failures, f"t_k = 1/λ_k for all {len(knots)} knots (exact closed form and "
                   "lars_path); saddles hard-thresholded")


register(
    "orthogonal-lasso",
    "On orthogonal designs the jump times are the reciprocals of the Lasso knots and the "
    "saddles are hard-thresholded c_i/H_ii.",
    cases=path_cases(check_orthogonal_lasso, pick=instances.orthogonal),
    corrupted=lambda q: [
        *path_cases(check_orthogonal_lasso, corrupt.shift_time, pick=instances.orthogonal,
                    what="t_2 + 1/1000")(q),
        *path_cases(check_orthogonal_lasso, corrupt.soft_threshold, pick=instances.orthogonal,
                    what="saddles soft-thresholded sign(c_i)(|c_i| − λ_k)/H_ii",
                    expect="is not the hard-thresholded")(q),
    ],
    module=MODULE,
)


# ----------------------------------------------------------------------- first jump
def check_first_jump(problem: Problem, path: SaddlePath) -> Verdict:
    """``t₁ = 1/‖c‖∞`` and ``β₁ = (c_j/H_jj)·e_j`` where ``j`` is the unique argmax of
    ``|c_j|`` (the one-coordinate least squares on the first hit coordinate)."""
    c = -loss_gradient(problem, [0] * problem.d)
    H = loss_hessian(problem)
    top = max(abs(v) for v in c)
    failures = []
    if rational(path.times[1]) != 1 / top:
        failures.append(f"t₁ = {path.times[1]} ≠ 1/‖c‖∞ = {1 / top}")
    hits = [i for i in range(problem.d) if abs(c[i]) == top]
    if len(hits) == 1:
        j = hits[0]
        want = [c[j] / H[j, j] if i == j else 0 for i in range(problem.d)]
        if [rational(v) for v in path.saddles[1]] != want:
            failures.append(f"β₁ ≠ c_{j}/H_{j}{j}·e_{j}")
    return verdict(failures, f"t₁ = 1/‖c‖∞ = {1 / top}"
                   + (f", β₁ = c_{hits[0]}/H_jj·e_{hits[0]}" if len(hits) == 1 else ""))


register(
    "first-jump",
    "The first jump happens at t₁ = 1/‖∇L(0)‖∞ = 1/‖c‖∞, onto β₁ = (c_j/H_jj)·e_j.",
    cases=path_cases(check_first_jump),
    corrupted=path_cases(check_first_jump, lambda p: corrupt.shift_time(p, 1),
                         what="t₁ + 1/1000"),
    module=MODULE,
)


# ------------------------------------------------------------------------ example A
def check_example_a(problem: Problem, path: SaddlePath) -> Verdict:
    """Every ``t_k``, ``β_k``, ``L(β_k)`` and ``s_5`` of example A equals the theory page §5."""
    rows = EXAMPLE_A_THEORY["rows"]
    failures = []
    if len(path.saddles) != len(rows):
        failures.append(f"{len(path.saddles) - 1} jumps, the theory page lists {len(rows) - 1}")
    for k, ((t, support, loss), tk, bk, lk) in enumerate(
            zip(rows, path.times, path.saddles, path.losses, strict=False)):
        want = [support.get(i, Fraction(0)) for i in range(problem.d)]
        if (t, want, loss) != (tk, list(bk), lk):
            failures.append(f"k={k}: (t, β, L) = ({tk}, {list(bk)}, {lk}) differs")
    if list(path.duals[-1]) != EXAMPLE_A_THEORY["s5"]:
        failures.append(f"s_5 = {list(path.duals[-1])} differs")
    return verdict(failures, "all 6 rows of the table and s₅ agree exactly")


register(
    "example-a",
    "Algorithm 1 on example A reproduces the table of the theory page §5 exactly.",
    cases=path_cases(check_example_a, pick=lambda q: instances.general(True)),
    corrupted=path_cases(check_example_a, corrupt.shift_time,
                         pick=lambda q: instances.general(True), what="t_2 + 1/1000"),
    module=MODULE,
)


if __name__ == "__main__":
    from .cli import main

    sys.exit(main(module=MODULE))
