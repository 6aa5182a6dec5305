"""Tests of ``dlnsym derive`` (run as a subprocess, like a user would)."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import mpmath as mp
import pytest
import sympy as sp

# Commands that LaTeX (article class + amsmath/amssymb) defines; the output must use no other.
KNOWN_COMMANDS = {
    # document structure and text
    "documentclass", "usepackage", "begin", "end", "section", "subsection", "textit", "text",
    "textasciicircum", "textasciitilde", "textbackslash",
    # mathematics (LaTeX kernel + amsmath + amssymb)
    "alpha", "beta", "theta", "phi", "Lambda", "ell", "nabla", "partial", "infty",
    "left", "right", "frac", "sqrt", "operatorname", "log", "ln", "sinh", "cosh", "lim",
    "limits", "int", "to", "mapsto", "ge", "le", "ne", "pm", "cdot", "dot", "tilde", "hat",
    "lambda", "odot", "sum", "top", "tau",
}
KNOWN_SYMBOL_COMMANDS = {",", ":", ";", "\\", "_", "{", "}", "&", "%", "#", "|"}


def run_cli(*args: str, timeout: float = 120.0) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "dlnsym.cli", "derive", *args],
        capture_output=True, text=True, timeout=timeout,
    )


@pytest.fixture(scope="module")
def latex_output() -> str:
    proc = run_cli("--format", "latex")
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def _check_latex_structure(tex: str) -> None:
    # balanced braces (ignoring escaped \{ \})
    depth = 0
    for m in re.finditer(r"\\[{}]|[{}]", tex):
        tok = m.group()
        if tok == "{":
            depth += 1
        elif tok == "}":
            depth -= 1
            assert depth >= 0, "closing brace without opening one"
    assert depth == 0, "unbalanced braces"
    # environments properly nested
    stack = []
    for kind, name in re.findall(r"\\(begin|end)\{([^}]*)\}", tex):
        if kind == "begin":
            stack.append(name)
        else:
            assert stack and stack.pop() == name, f"\\end{{{name}}} does not match"
    assert not stack
    # inline math delimiters balanced in each line of prose
    for line in tex.splitlines():
        assert line.replace(r"\$", "").count("$") % 2 == 0, line
    # only known commands
    words = set(re.findall(r"\\([A-Za-z]+)", tex))
    assert words <= KNOWN_COMMANDS, words - KNOWN_COMMANDS
    symbols = set(re.findall(r"\\([^A-Za-z\s])", tex))
    assert symbols <= KNOWN_SYMBOL_COMMANDS, symbols - KNOWN_SYMBOL_COMMANDS


@pytest.fixture(scope="module")
def json_output() -> dict:
    proc = run_cli("--format", "json")
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_latex_is_structurally_valid_and_equals_sympy_latex(latex_output, json_output):
    """Each equation is sympy.latex of its step (the JSON carries sympy.latex(statement), and
    tests/test_symbolic.py checks that against the Step objects in-process)."""
    tex = latex_output
    assert tex.startswith(r"\documentclass{article}")
    assert tex.rstrip().endswith(r"\end{document}")
    _check_latex_structure(tex)
    equations = re.findall(r"\\begin\{equation\*\}\n(.*?)\n\\end\{equation\*\}", tex, re.S)
    assert equations == [step["latex"] for step in json_output["steps"]]


def test_latex_parses_back_with_sympy(latex_output):
    """Each equation parses back with sympy.parsing.latex (antlr4 runtime from ``[dev]``)."""
    from sympy.parsing.latex import parse_latex

    equations = re.findall(r"\\begin\{equation\*\}\n(.*?)\n\\end\{equation\*\}", latex_output,
                           re.S)
    parsed = 0
    for eq in equations:
        if any(token in eq for token in (r"\begin{matrix}", r"\begin{cases}", r"\left|")):
            continue  # the antlr grammar has no matrices, cases or \left|…\right| bars
        parse_latex(eq)
        parsed += 1
    assert parsed > 10


def test_structure_check_rejects_broken_latex():
    with pytest.raises(AssertionError):
        _check_latex_structure(r"\begin{equation*} \frac{1}{2 \end{equation*}")
    with pytest.raises(AssertionError):
        _check_latex_structure(r"\begin{equation*} \foo{x} \end{equation*}")


def test_json_potential_is_theory_hyperbolic_entropy(json_output):
    data = json_output
    assert data["all_verified"] is True
    assert all(step["verified"] for step in data["steps"])
    alpha, beta = sp.Symbol("alpha", positive=True), sp.Symbol("beta", real=True)
    pot = sp.sympify(data["potential"], locals={"alpha": alpha, "beta": beta})
    f = sp.lambdify((alpha, beta), pot, "mpmath")
    with mp.workdps(50):
        for a, b in ((mp.mpf("0.1"), mp.mpf("0.37")), (mp.mpf("1e-5"), mp.mpf(-3))):
            want = (b * mp.asinh(b / a**2) - mp.sqrt(b**2 + a**4) + a**2) / 2  # the theory page §2
            assert abs(f(a, b) - want) < mp.mpf(10) ** -40


def test_markdown_general_init():
    proc = run_cli("--general-init")  # default format: markdown
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert out.startswith("# Mirror flow")
    assert "general initialisation" in out
    assert "NOT verified" not in out
    assert "reduces to special case (verified)" in out
    assert "$$" in out


@pytest.mark.parametrize("fmt", ["xml", "LATEXX", ""])
def test_invalid_format_exits_2_with_one_line(fmt):
    proc = run_cli("--format", fmt, timeout=60)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "--format" in lines[0] and "markdown" in lines[0]
    assert proc.stdout == ""


def test_shaped_init_latex_and_markdown():
    """``--shaped-init``: every step verified, LaTeX well formed, the weighted limit shown."""
    proc = run_cli("--shaped-init", "--format", "latex")
    assert proc.returncode == 0, proc.stderr
    _check_latex_structure(proc.stdout)
    assert r"\lambda_{i} \left|{\beta}\right|" in proc.stdout
    md = run_cli("--shaped-init")
    assert md.returncode == 0, md.stderr
    assert "shaped initialisation" in md.stdout and "NOT verified" not in md.stdout
    assert "weighted l1 certificate (verified)" in md.stdout


def test_general_and_shaped_init_are_exclusive():
    proc = run_cli("--general-init", "--shaped-init", timeout=60)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "not allowed with" in lines[0], proc.stderr
