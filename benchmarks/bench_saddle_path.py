"""Algorithm 1: float path against scikit-learn's LARS, exact path against its own budget.

* float ``saddle_path`` vs ``sklearn.linear_model.lars_path(method="lasso", alpha_min=0)`` on
  the same seeded Gaussian data (n = 200, d = 2000, 10-sparse truth, noise 0.1); target ≤ 1.
* the same at n = 1000, d = 20 000 (5-sparse truth), one call each (a call takes seconds).
  ``lars_path`` with its default ``max_iter = 500`` stops after 500 knots, short of the
  whole path, so the whole path is compared with ``lars_path`` given ``max_iter`` large
  enough for the whole Lasso path (the default call's time is in the note), and a second
  line compares Algorithm 1 stopped after as many saddles as the default call has knots
  (``max_saddles``) with that call;
* exact ``saddle_path`` on example A vs a 50 ms budget, and on a random integer instance
  (n = 12, d = 20) vs a 1 s budget — the "baseline" of those two lines is the budget itself.
"""

from __future__ import annotations

from sklearn.linear_model import lars_path

from benchmarks._timing import Comparison, best_time, interleaved_best
from dlnsym import MaxSaddlesError, saddle_path
from dlnsym.problems import Problem, example, gaussian_sparse, random_integer


def _first_saddles(problem: Problem, count: int) -> int:
    """Algorithm 1 until its ``count``-th saddle (it stops there with MaxSaddlesError), or
    to its end if that comes first: the number of saddles computed."""
    try:
        return saddle_path(problem, max_saddles=count).n_jumps
    except MaxSaddlesError:
        return count


def run() -> list[Comparison]:
    problem = gaussian_sparse(n=200, d=2000, sparsity=10, noise=0.1, seed=0)
    path = saddle_path(problem)
    alphas, _, _ = lars_path(problem.X, problem.y, method="lasso", alpha_min=0)
    ours, lars = interleaved_best(
        lambda: saddle_path(problem),
        lambda: lars_path(problem.X, problem.y, method="lasso", alpha_min=0),
    )
    large = gaussian_sparse(n=1000, d=20000, sparsity=5, noise=0.1, seed=0)
    large_path = saddle_path(large)
    ours_large, lars_large, lars_full = interleaved_best(
        lambda: saddle_path(large),
        lambda: lars_path(large.X, large.y, method="lasso", alpha_min=0),
        lambda: lars_path(large.X, large.y, method="lasso", alpha_min=0, max_iter=100_000),
        repeat=2,
    )
    knots = len(lars_path(large.X, large.y, method="lasso", alpha_min=0)[0]) - 1
    ours_first, lars_first = interleaved_best(
        lambda: _first_saddles(large, knots),
        lambda: lars_path(large.X, large.y, method="lasso", alpha_min=0),
        repeat=2,
    )
    reached = _first_saddles(large, knots)
    a = example("A")
    integer = random_integer(n=12, d=20, seed=0)
    return [
        Comparison("saddle_path float n=200 d=2000", ours, "sklearn lars_path", lars,
                   target=1.0,
                   note=f"{path.n_jumps} saddles vs {len(alphas) - 1} Lasso knots"),
        Comparison("saddle_path float n=1000 d=20000", ours_large,
                   "sklearn lars_path, whole Lasso path (max_iter=1e5)", lars_full, target=1.0,
                   note=f"{large_path.n_jumps} saddles; lars_path with its default "
                        f"max_iter=500 stops after {knots} knots: {lars_large:.3g} s, ratio "
                        f"{ours_large / lars_large:.3g}"),
        Comparison(f"saddle_path float n=1000 d=20000, first {knots} saddles", ours_first,
                   f"sklearn lars_path ({knots} knots)", lars_first, target=1.0,
                   note=f"{reached} saddles against {knots} knots"),
        Comparison("saddle_path exact, example A", best_time(lambda: saddle_path(a), 10),
                   "50 ms budget", 0.050, target=1.0),
        Comparison("saddle_path exact, integer n=12 d=20",
                   best_time(lambda: saddle_path(integer), 3), "1 s budget", 1.0, target=1.0,
                   note=f"{saddle_path(integer).n_jumps} saddles"),
    ]
