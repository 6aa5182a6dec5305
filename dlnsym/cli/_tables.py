"""Text output of ``dlnsym simulate`` and ``dlnsym gd``: a one-line run summary, a table of
the samples, the jump times against Algorithm 1, and a note when jumps went undetected.

Numbers are printed in one format, ``.6g`` (as ``dlnsym saddles`` prints t_k and L(β_k)),
with ``-0`` printed as ``0``; jump times get ``.8g`` so that they can be compared with the
limit.  Columns are separated by two spaces and numbers are right-aligned.  Of β the table
shows every coordinate when ``d ≤`` :data:`MAX_BETA_COLUMNS`; otherwise the coordinates that
are not negligible (:func:`shown_coordinates`), named ``β[i]`` with the 0-based index that
``dlnsym saddles`` uses in its active sets.  ``--json`` prints every coordinate.
"""

from __future__ import annotations

import math
import sys
import unicodedata
from collections.abc import Sequence
from typing import Any

import mpmath
import numpy as np

#: At most this many β columns; with ``d`` at most this, every coordinate is shown.
MAX_BETA_COLUMNS = 8
#: A coordinate is shown when ``|β_i| ≥ SUPPORT_LEVEL · max |β|`` at some sample.
SUPPORT_LEVEL = 1e-3


def plural(count: int, noun: str, plural_form: str | None = None) -> str:
    """``"1 jump"``, ``"2 jumps"``, ``"0 jumps"``: ``count`` and ``noun`` in agreement."""
    return f"{count} {noun if count == 1 else plural_form or noun + 's'}"


def number(value: Any) -> str:
    """``value`` as ``.6g``, with a negative zero printed as ``0``; an ``mpf`` beyond the
    float64 range (β ≈ 1e-292426 on the mp path) keeps its exponent, as ``1e-292426``."""
    x = float(value) + 0.0
    if (x == 0 or not math.isfinite(x)) and isinstance(value, mpmath.mpf) and value != 0 \
            and mpmath.isfinite(value):
        mantissa, exponent = mpmath.nstr(value, 6).split("e")
        mantissa = mantissa.rstrip("0").rstrip(".") if "." in mantissa else mantissa
        return f"{mantissa}e{exponent}"
    return f"{x:.6g}"


def arithmetic(dps: int | None, float_path: str = "float64") -> str:
    """``"float64"`` (or ``float_path``) or ``"mpmath at 30 digits"``."""
    return float_path if dps is None else f"mpmath at {dps} digits"


def shown_coordinates(beta: np.ndarray) -> tuple[list[int], str]:
    """The coordinates of β (``m × d``, float) that the table shows, and a line saying which
    (empty when all are shown).

    With ``d ≤`` :data:`MAX_BETA_COLUMNS` all are shown.  Otherwise the support: the
    coordinates with ``|β_i| ≥`` :data:`SUPPORT_LEVEL` ``· max |β|`` at some sample (at
    finite α every coordinate is nonzero, the dormant ones by as little as ``α``), at most
    :data:`MAX_BETA_COLUMNS` of them, the largest, in the order of their index.
    """
    d = beta.shape[1]
    if d <= MAX_BETA_COLUMNS:
        return list(range(d)), ""
    size = np.max(np.abs(np.nan_to_num(beta)), axis=0) if len(beta) else np.zeros(d)
    top = float(np.max(size))
    if not top > 0:
        return [], f"β: |β_i| < 1e-308 for all {d} coordinates at every sample (--json prints them)"
    support = np.flatnonzero(size >= SUPPORT_LEVEL * top)
    rule = f"|β_i| ≥ {SUPPORT_LEVEL:g}·max |β| at some sample"
    if support.size > MAX_BETA_COLUMNS:
        largest = support[np.argsort(-size[support], kind="stable")[:MAX_BETA_COLUMNS]]
        which = f"the {MAX_BETA_COLUMNS} largest of the {support.size} with {rule}"
        support = np.sort(largest)
    else:
        which = f"those with {rule}"
    return ([int(i) for i in support],
            f"β: {len(support)} of {d} coordinates shown, {which} (--json prints all)")


def _width(text: str) -> int:
    """Columns ``text`` takes on a terminal: combining marks (the tilde of ``t̃``) take none."""
    return sum(not unicodedata.combining(c) for c in text)


def format_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Right-aligned columns separated by two spaces, as wide as their widest cell."""
    widths = [max(_width(r[j]) for r in [header, *rows]) for j in range(len(header))]
    return "\n".join("  ".join(" " * (w - _width(c)) + c for c, w in zip(r, widths, strict=True))
                     for r in [header, *rows])


def print_samples(summary: str, lead: Sequence[tuple[str, Sequence[str]]],
                  beta: np.ndarray) -> None:
    """The summary line, the note on the β columns (if not all are shown), and the table:
    the ``lead`` columns (name, cells), then the shown coordinates of ``beta`` (``m × d``,
    float64 or ``mpf``)."""
    shown, note = shown_coordinates(np.asarray(beta, dtype=float))
    print(summary)
    if note:
        print(note)
    header = [name for name, _ in lead] + [f"β[{i}]" for i in shown]
    columns = [list(cells) for _, cells in lead] + [[number(v) for v in beta[:, i]]
                                                    for i in shown]
    print(format_table(header, list(zip(*columns, strict=True))))


def print_jump_times(jump_times: list[float], path: Any, *, limit: str,
                     detected: str) -> None:
    """The table ``k, t_k, t̂_k``: Algorithm 1's jump times (column ``limit``) against the
    detected ``jump_times`` (column ``detected``, "not detected" where none was), or one
    line saying why there is nothing to compare when ``path`` is ``None``."""
    if path is None:
        print("no jump times to compare: Algorithm 1 is undefined for this problem "
              "(linearly dependent columns; see dlnsym saddles)")
        return
    rows = []
    for k, tk in enumerate(path.times[1:], start=1):
        tj = f"{jump_times[k - 1]:.8g}" if k <= len(jump_times) else "not detected"
        rows.append((str(k), f"{float(tk):.8g}", tj))
    print(format_table(("k", limit, detected), rows))


def missing_jumps_note(trajectory: Any, path: Any, command: str, larger: str) -> None:
    """One line on stderr when jumps of Algorithm 1 before the end of the run were not
    detected (the run does not fail): typically Λ is too small for plateaus to form, so the
    loss does not fall past the midpoints between the plateau losses, where the detection
    looks for the jumps.  ``larger`` says how to raise Λ (``"--log-inv-alpha"``)."""
    if path is None or trajectory.interrupted:
        return
    expected = sum(1 for t in path.times[1:] if float(t) <= trajectory.t_end)
    found = len(trajectory.jump_times)
    if found >= expected:
        return
    lam = number(trajectory.log_inv_alpha)
    print(f"{command}: note: {found} of the {plural(expected, 'jump')} of Algorithm 1 up to "
          f"t̃ = {trajectory.t_end:.6g} detected (the loss did not fall past the midpoints "
          f"between the plateau losses); at Λ = {lam} the plateaus may not form: try a "
          f"larger {larger}",
          file=sys.stderr)
