"""``dlnsym saddles`` through a subprocess (issue 2, item 4)."""

from __future__ import annotations

import json

import numpy as np

from .conftest import assert_one_line_error, run_cli


def test_table_for_example_A():
    proc = run_cli("saddles", "--example", "A", "--exact")
    assert proc.returncode == 0, proc.stderr
    assert "13971921800/1399630519" in proc.stdout
    assert "+0 −2 −3" in proc.stdout


def test_json_exact_numbers_are_strings():
    proc = run_cli("saddles", "--example", "A", "--exact", "--json")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert set(out) == {"times", "saddles", "duals", "losses"}
    assert out["times"][2] == "19125/12863"
    assert out["saddles"][2][:2] == ["26409/88226", "-25726/44113"]
    assert out["saddles"][0] == ["0"] * 6
    assert out["losses"][-1] == "0"
    assert out["duals"][-1][1] == "-107/918"


def test_json_float_numbers_are_numbers(tmp_path):
    f = tmp_path / "a.csv"
    f.write_text("x0,x1,y\n1,0,1\n0,2,-1\n")
    proc = run_cli("saddles", str(f), "--json")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert isinstance(out["times"][1], float)
    np.testing.assert_allclose(out["saddles"][-1], [1.0, -0.5])


def test_csv_exact(tmp_path):
    f = tmp_path / "a.csv"
    f.write_text("x0,y\n0.1,0.3\n")
    proc = run_cli("saddles", str(f), "--exact", "--json")
    assert json.loads(proc.stdout)["saddles"][-1] == ["3"]


def test_errors_are_one_line(tmp_path):
    assert_one_line_error(run_cli("saddles", str(tmp_path / "none.csv")), "no such data file")
    bad = tmp_path / "bad.csv"
    bad.write_text("a,y\n1,oops\n")
    assert_one_line_error(run_cli("saddles", str(bad)), "line 2", "'oops'")
    dup = tmp_path / "dup.csv"
    dup.write_text("a,b,y\n1,1,1\n2,2,0\n")
    assert_one_line_error(run_cli("saddles", str(dup)), "linearly dependent", "[0, 1]")
    assert_one_line_error(run_cli("saddles"), "required")
    assert_one_line_error(run_cli("saddles", "--example", "A", "--max-saddles", "1"),
                          "max_saddles")
    assert_one_line_error(run_cli("saddles", "--example", "nope"), "invalid choice")
