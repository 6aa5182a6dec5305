"""``dlnsym saddles`` through a subprocess (issue 2, item 4)."""

from __future__ import annotations

import json

import numpy as np
import pytest

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
                          "--max-saddles 1 jumps", "pass a larger --max-saddles")
    assert_one_line_error(run_cli("saddles", "--example", "nope"), "invalid choice")


@pytest.mark.parametrize(
    ("name", "content", "fragments"),
    [
        ("inf.csv", b"x0,x1,y\n1,1e999,2\n3,4,5\n",
         ["inf.csv line 2, column 'x1'", "'1e999'", "float64 range"]),
        ("latin1.csv", b"x0,x1,y\n\xe9,2,3\n", ["latin1.csv", "not UTF-8", "0xe9"]),
        ("x.npz", b"", ["x.npz", "empty file", "not a valid .npz"]),
        ("bad.npz", b"x0,y\n1,2\n", ["bad.npz", "not a valid .npz file (not a zip archive)"]),
        ("zip.npz", b"PK\x03\x04truncated", ["zip.npz", "not a readable .npz"]),
        ("dupname.csv", b"x0,x0,y\n1,2,3\n4,5,6\n", ["dupname.csv", "duplicate", "['x0']"]),
    ],
)
def test_bad_files_are_one_line_errors(tmp_path, name, content, fragments):
    data = tmp_path / name
    data.write_bytes(content)
    proc = run_cli("saddles", str(data))
    assert_one_line_error(proc, "dlnsym saddles: error:", *fragments)
    assert "pickle" not in proc.stderr


def test_huge_cell_is_read_exactly_with_exact(tmp_path):
    data = tmp_path / "huge.csv"
    data.write_text("x0,y\n1e999,1\n")
    proc = run_cli("saddles", str(data), "--exact", "--json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["saddles"][-1] == ["1/" + "1" + "0" * 999]


def test_utf8_byte_order_mark_is_allowed(tmp_path):
    data = tmp_path / "bom.csv"
    data.write_bytes(b"\xef\xbb\xbfx0,y\n2,1\n")
    proc = run_cli("saddles", str(data), "--json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["saddles"][-1] == [0.5]


@pytest.mark.parametrize(
    ("name", "content", "fragments"),
    [
        ("blank.csv", b"x0,x1,y\n1,,2\n3,4,5\n", ["blank.csv line 2, column 'x1': empty cell"]),
        ("space.csv", b"x0,x1,y\n1,2,3\n3, ,5\n", ["space.csv line 3, column 'x1': empty cell"]),
    ],
)
def test_empty_cells_are_called_empty(tmp_path, name, content, fragments):
    data = tmp_path / name
    data.write_bytes(content)
    proc = run_cli("saddles", str(data))
    assert_one_line_error(proc, *fragments)
    assert "is not a number" not in proc.stderr


def test_npz_messages_name_the_file_once(tmp_path):
    nokey = tmp_path / "nokey.npz"
    np.savez(nokey, X=np.eye(2))
    proc = run_cli("saddles", str(nokey))
    assert_one_line_error(proc, f"{nokey}: missing array(s) ['y']")
    assert proc.stderr.count("nokey.npz") == 1
    one_nan = tmp_path / "onenan.npz"
    np.savez(one_nan, X=np.array([[1.0, np.nan], [2.0, 3.0]]), y=np.array([1.0, 2.0]))
    proc = run_cli("saddles", str(one_nan))
    assert_one_line_error(proc, f"{one_nan}: X[0, 1]: non-finite value nan", "impute it")
    assert "entries" not in proc.stderr
    two_nan = tmp_path / "twonan.npz"
    np.savez(two_nan, X=np.array([[1.0, np.nan], [np.inf, 3.0]]), y=np.array([1.0, 2.0]))
    assert_one_line_error(run_cli("saddles", str(two_nan)), "(2 non-finite entries in all)")


@pytest.mark.parametrize("name", ["somedir", "looks_like.csv"])
def test_a_directory_is_not_a_data_file(tmp_path, name):
    folder = tmp_path / name
    folder.mkdir()
    proc = run_cli("saddles", str(folder))
    assert_one_line_error(proc, f"{folder}: a directory, not a data file", ".npz", ".csv")
    assert "unknown data format" not in proc.stderr


@pytest.mark.parametrize(("rows", "header"), [
    ("x0,y\n2,1\n", "p: n = 1, d = 1, float64 arithmetic, 1 jump"),
    ("x0,x1,y\n1,0,1\n0,2,-1\n", "p: n = 2, d = 2, float64 arithmetic, 2 jumps"),
    ("x0,y\n1,0\n", "p: n = 1, d = 1, float64 arithmetic, 0 jumps"),  # y = 0: β = 0 at once
])
def test_header_counts_jumps_in_words(tmp_path, rows, header):
    data = tmp_path / "p.csv"
    data.write_text(rows)
    proc = run_cli("saddles", str(data))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[0] == header

