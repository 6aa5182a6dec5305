"""``dlnsym figure`` through a subprocess (issue 6, item 1)."""

from __future__ import annotations

import re

import pytest

from .conftest import assert_one_line_error, run_cli


def test_figure1_for_example_A_as_svg(tmp_path):
    target = tmp_path / "fig1.svg"
    proc = run_cli("figure", "--example", "A", "--log-inv-alpha", "10", "40", "--t-max", "2",
                   "-o", str(target))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"figure: {target}"
    svg = target.read_text()
    assert "<svg" in svg[:2000] and "#0072b2" in svg.lower()


def test_active_sets_from_a_csv_file(tmp_path):
    data = tmp_path / "data.csv"
    data.write_text("a,b,c,y\n1.0,0.2,-0.3,1.0\n0.1,1.0,0.4,-0.5\n0.5,-0.2,1.0,0.3\n")
    target = tmp_path / "sets.png"
    proc = run_cli("figure", str(data), "--kind", "active-sets", "-o", str(target))
    assert proc.returncode == 0, proc.stderr
    assert target.read_bytes().startswith(b"\x89PNG")


def test_convergence_plot_as_pdf(tmp_path):
    target = tmp_path / "conv.pdf"
    proc = run_cli("figure", "--example", "A", "--kind", "convergence",
                   "--log-inv-alpha", "10", "30", "--t-max", "2", "-o", str(target))
    assert proc.returncode == 0, proc.stderr
    assert "Convergence to the saddle path" in proc.stdout
    assert target.read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["--example", "A", "-o", "fig.jpg"], ["fig.jpg", ".png"]),
        (["--example", "A", "--log-inv-alpha", "-3", "-o", "f.png"], ["--log-inv-alpha", "-3"]),
        (["--example", "A", "--t-max", "0", "-o", "f.png"], ["--t-max"]),
        (["--example", "A", "--kind", "convergence", "--log-inv-alpha", "10", "-o", "f.png"],
         ["at least two"]),
        (["no_such_file.csv", "-o", "f.png"], ["no_such_file.csv"]),
    ],
)
def test_errors_are_one_line(tmp_path, args, fragments):
    args = [str(tmp_path / a) if a.endswith((".png", ".jpg")) else a for a in args]
    proc = run_cli("figure", *args)
    assert_one_line_error(proc, "dlnsym figure: error:", *fragments)
    assert not any(tmp_path.iterdir())


def test_output_is_required():
    proc = run_cli("figure", "--example", "A")
    assert proc.returncode == 2 and "-o" in proc.stderr


@pytest.mark.parametrize(
    ("output", "fragments"),
    [
        ("/proc/fig.png", ["'/proc/fig.png'", "not writable"]),
        ("", ["empty path"]),
        ("DIR", ["it is a directory"]),
        ("fig.jpg", ["fig.jpg", ".png"]),
    ],
)
def test_output_is_checked_before_the_data_is_read(tmp_path, output, fragments):
    output = str(tmp_path) if output == "DIR" else output
    proc = run_cli("figure", str(tmp_path / "no_such_file.csv"), "-o", output)
    assert_one_line_error(proc, "dlnsym figure: error:", *fragments)
    assert "no_such_file" not in proc.stderr and ".tmp" not in proc.stderr


@pytest.mark.parametrize("option", ["--t-max", "--log-inv-alpha"])
@pytest.mark.parametrize("value", ["inf", "nan"])
def test_non_finite_values_are_refused_without_warnings(tmp_path, option, value):
    proc = run_cli("figure", "--example", "A", option, value, "-o", str(tmp_path / "x.png"))
    assert_one_line_error(proc, "dlnsym figure: error:", option, repr(value))
    assert "Warning" not in proc.stderr and not any(tmp_path.iterdir())


def test_init_shape(tmp_path):
    """``--init-shape``: figure1 simulates the shaped flow against the shaped saddle path; the
    active sets are those of the shaped path (the drawing differs from the unshaped one);
    ``--kind convergence`` refuses a shape in one line."""
    shape = "1,1/2,1/2,1,1,1"
    fig1 = tmp_path / "fig1.png"
    proc = run_cli("figure", "--example", "A", "--log-inv-alpha", "10", "--init-shape", shape,
                   "--quiet", "-o", str(fig1))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"figure: {fig1}" and fig1.read_bytes().startswith(b"\x89PNG")
    drawn = {}
    for name, extra in (("shaped", ["--init-shape", shape]), ("plain", [])):
        target = tmp_path / f"{name}.svg"
        proc = run_cli("figure", "--example", "A", "--kind", "active-sets", *extra,
                       "-o", str(target))
        assert proc.returncode == 0, proc.stderr
        # without the time stamp and the random ids (clip paths, markers): only the drawing
        drawn[name] = re.sub(r"<dc:date>.*?</dc:date>|\b[pm][0-9a-f]{10}\b", "", target.read_text())
    assert drawn["shaped"] != drawn["plain"]
    proc = run_cli("figure", "--example", "A", "--kind", "convergence", "--init-shape", shape,
                   "-o", str(tmp_path / "conv.png"))
    assert_one_line_error(proc, "--kind convergence", "--init-shape")
