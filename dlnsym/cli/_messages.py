"""The library's error messages in the words of the command line.

The library's messages name the arguments of its Python functions (``log_inv_alpha``,
``dps=20``, ``max_saddles``) and show Python syntax (``[1, 2, …]``).  :func:`cli_message`
rewrites them for the one line that :func:`dlnsym.cli.main` prints, with a small explicit
table: the phrases of :data:`PHRASES` first, then the argument names of :data:`OPTIONS`
outside quoted values (a file named ``t_max.csv`` keeps its name).
Messages about data files (:class:`~dlnsym.errors.ProblemError`) quote the file's own
column names and are left as they are.
"""

from __future__ import annotations

import re

from dlnsym.errors import DlnsymError, ProblemError

#: Whole phrases of library messages and what the CLI says instead, applied in order.
PHRASES: tuple[tuple[str, str], ...] = (
    ("pass dps (e.g. dps=20)", "give --dps (e.g. --dps 20)"),
    ("loosen tol or, on the float64 path at very large Λ, use dps",
     "on the float64 path at very large Λ, give --dps (e.g. --dps 20)"),
    ("(or None for float64)", "(leave out --dps for float64)"),
    ("use the float path (exact=False; on the command line drop --exact), or raise "
     "max_digits (--max-digits)", "drop --exact (the float path), or raise --max-digits"),
    ("e.g. [1, 2, …] or a decimal string such as '1e6'",
     "as comma-separated numbers such as 1,2,0.5"),
    ("e.g. [1, 2, …]", "as comma-separated numbers such as 1,2,0.5"),
)

#: Python argument names and the options that set them.  Names written with an underscore
#: are replaced wherever they stand as a word; the others only as the subject that begins
#: the message (``"alpha must lie in (0, 1)"``), since they are also ordinary words.
OPTIONS: dict[str, str] = {
    "log_inv_alpha": "--log-inv-alpha",
    "step_size": "--step-size",
    "max_saddles": "--max-saddles",
    "max_digits": "--max-digits",
    "init_shape": "--init-shape",
    "t_max": "--t-max",
    "record_every": "--record-every",
    "max_d": "--max-d",
    "max_n": "--max-n",
    "chunk_size": "--chunk-size",
    "alpha": "--alpha",
    "dps": "--dps",
    "steps": "--steps",
    "trials": "--trials",
    "workers": "--workers",
}

#: " = " between a name and a value (a number, a quoted text or a list), not a formula
_IS = r"( = (?=['\"\[\d+-]))?"
_UNDERSCORED = re.compile(
    r"\b(" + "|".join(re.escape(k) for k in OPTIONS if "_" in k) + r")\b" + _IS)
_SUBJECT = re.compile(r"^(" + "|".join(re.escape(k) for k in OPTIONS if "_" not in k)
                      + r")\b" + _IS)
_KEYWORD_VALUE = re.compile(r"\b(" + "|".join(re.escape(k) for k in OPTIONS) + r")=(\w+)")
#: a quoted value (a file name, a value as typed), left as it is; not an apostrophe ("1's")
_QUOTED = re.compile(r"""(?<!\w)('[^']*'|"[^"]*")(?!\w)""")


def _option(match: re.Match[str]) -> str:
    """``name`` → ``--name``; ``name = `` → ``--name `` (an option is followed by its value)."""
    return OPTIONS[match.group(1)] + (" " if match.group(2) else "")


def cli_message(exc: DlnsymError) -> str:
    """The message of ``exc`` as the CLI prints it (module docstring)."""
    message = str(exc)
    if isinstance(exc, ProblemError):  # data-file messages quote the file's own names
        return message
    for phrase, replacement in PHRASES:
        message = message.replace(phrase, replacement)
    message = _SUBJECT.sub(_option, message)
    parts = _QUOTED.split(message)  # even indexes: outside quotes
    for i in range(0, len(parts), 2):
        parts[i] = _KEYWORD_VALUE.sub(lambda m: f"{OPTIONS[m.group(1)]} {m.group(2)}", parts[i])
        parts[i] = _UNDERSCORED.sub(_option, parts[i])
    return "".join(parts)
