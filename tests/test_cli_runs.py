"""Long CLI runs: progress bars on a terminal, Ctrl-C, and a closed stdout pipe.

The CLI runs in a subprocess whose stderr is a pseudo-terminal (tqdm draws only on a
terminal) and whose stdout is a pipe; Ctrl-C is SIGINT sent once the progress bar shows that
the computation is under way.
"""

from __future__ import annotations

import fcntl
import json
import os
import pty
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class TerminalRun:
    """``python -m dlnsym.cli ARGS`` with stderr on a pseudo-terminal of 120 × 40."""

    def __init__(self, *args: str, cwd: Path | None = None) -> None:
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        # SIGINT back to its default in the child: a shell starts background jobs (CI's,
        # `make test &`) with SIGINT ignored, and Python then never raises KeyboardInterrupt
        self.proc = subprocess.Popen([sys.executable, "-m", "dlnsym.cli", *args],
                                     stdout=subprocess.PIPE, stderr=slave, cwd=cwd,
                                     preexec_fn=_default_sigint)
        os.close(slave)
        self._chunks: list[bytes] = []
        self._reader = threading.Thread(target=self._read, args=(master,), daemon=True)
        self._reader.start()

    def _read(self, fd: int) -> None:
        while True:
            try:
                data = os.read(fd, 4096)
            except OSError:  # EIO once the child has closed the terminal
                break
            if not data:
                break
            self._chunks.append(data)
        os.close(fd)

    @property
    def stderr(self) -> str:
        return b"".join(self._chunks).decode(errors="replace")

    def wait_for(self, *fragments: str, timeout: float = 180) -> None:
        """Wait until stderr shows every fragment (the bar drawn that far)."""
        end = time.monotonic() + timeout
        while not all(f in self.stderr for f in fragments):
            assert self.proc.poll() is None, f"exited before showing {fragments}: {self.stderr}"
            assert time.monotonic() < end, f"no {fragments} within {timeout} s: {self.stderr}"
            time.sleep(0.05)

    def interrupt(self) -> None:
        self.proc.send_signal(signal.SIGINT)

    def finish(self, timeout: float = 300) -> tuple[int, str, str]:
        """Exit status, stdout and the last line of stderr (the bar erased)."""
        out, _ = self.proc.communicate(timeout=timeout)
        self._reader.join(timeout=10)
        last = self.stderr.replace("\r", "\n").strip().splitlines()
        return self.proc.returncode, out.decode(), last[-1] if last else ""


# ------------------------------------------------------------------------- progress


def test_simulate_bar_counts_saddles():
    """The bar advances one unit per saddle (``PathProgress``), not in ``t̃``: on example A's
    third plateau it stands between 3/6 and 4/6, where ``t̃/t_max`` is below 0.31 (t₄ =
    3.67 of t_max = 1.2·t₅ = 11.98, docs/theory.md §5)."""
    import re

    run = TerminalRun("simulate", "--example", "A", "--log-inv-alpha", "1e6", "--dps", "30",
                      "--json")
    run.wait_for("saddle 3 of 5")
    status, _, _ = run.finish()
    assert status == 0, run.stderr
    frames = [f for f in run.stderr.split("\r") if "saddle 3 of 5" in f]
    percentages = [int(m.group(1)) for f in frames if (m := re.search(r"(\d+)%\|", f))]
    assert percentages and all(50 <= v <= 67 for v in percentages), frames
    times = [float(m.group(1)) for f in frames if (m := re.search(r"t̃ = ([0-9.e+-]+) of", f))]
    assert times and all(t / (1.2 * 13971921800 / 1399630519) < 0.31 for t in times)


# ------------------------------------------------------------------------------ Ctrl-C


def test_figure1_ctrl_c_writes_no_figure_and_exits_130(tmp_path):
    target = tmp_path / "fig.png"
    run = TerminalRun("figure", "--example", "A", "--log-inv-alpha", "1e6", "10", "--dps",
                      "60", "-o", str(target))
    run.wait_for("run 1 of 2", "t̃ =")
    run.interrupt()
    status, out, last = run.finish()
    assert status == 130, run.stderr
    assert out == ""  # no "figure: …"
    assert last.startswith("dlnsym figure: interrupted in run 1 of 2 (Λ = 1e+06) at t̃ = ")
    assert "no figure written (0 of 2 runs had finished)" in last
    assert not target.exists() and list(tmp_path.iterdir()) == []


def test_convergence_ctrl_c_prints_only_the_finished_runs(tmp_path):
    target = tmp_path / "conv.png"
    run = TerminalRun("figure", "--example", "A", "--kind", "convergence", "--dps", "30",
                      "--log-inv-alpha", "10", "20", "1e6", "-o", str(target))
    run.wait_for("run 3 of 3", "t̃ =")
    run.interrupt()
    status, out, last = run.finish()
    assert status == 130, run.stderr
    assert "interrupted in run 3 of 3 (Λ = 1e+06) at t̃ = " in last
    assert "the table above covers only the 2 finished runs (Λ = 10, 20) of 3" in last
    assert "no figure written" in last
    rows = [line.split()[0] for line in out.splitlines() if line.startswith("  ")]
    assert rows[1:3] == ["10", "20"] and "1e+06" not in out
    assert "+nan" not in out.splitlines()[-2]  # the fit over the finished runs is a number
    assert not target.exists()


def test_simulate_ctrl_c_prints_the_part_computed(tmp_path):
    run = TerminalRun("simulate", "--example", "A", "--log-inv-alpha", "1e6", "--dps", "60",
                      "--json")
    run.wait_for("Λ = 1e6", "t̃ =")
    run.interrupt()
    status, out, last = run.finish()
    assert status == 130, run.stderr
    doc = json.loads(out)
    assert doc["interrupted"] is True and 0 < doc["t_end"] < doc["t"][-1] + 1e-9
    assert last.startswith(f"dlnsym simulate: interrupted at t̃ = {doc['t_end']:.6g} of ")
    assert f"the output above holds the {len(doc['t'])} samples computed so far" in last


def test_demo_shows_its_sections_and_stops_at_ctrl_c(tmp_path):
    out_dir = tmp_path / "demo"
    run = TerminalRun("demo", "--out", str(out_dir))
    run.wait_for("checks:", "4/6")  # the bar names the section running
    run.interrupt()
    status, out, last = run.finish()
    assert status == 130, run.stderr
    tail = f"stderr ends: {run.stderr[-1500:]!r}\nstdout ends: {out[-1500:]!r}"
    assert last == ("dlnsym demo: interrupted during the checks; the sections above are "
                    "complete; no figures written"), tail
    assert "== Mirror flow at finite α against the limit" in out and "jumps detected" in out, tail
    assert "== Figures" not in out and not out_dir.exists(), tail


# ------------------------------------------------------------------------ progress bars


def test_figure_progress_bar_on_a_terminal_and_quiet(tmp_path):
    args = ("figure", "--example", "A", "--log-inv-alpha", "10", "40", "--t-max", "2")
    run = TerminalRun(*args, "-o", str(tmp_path / "a.svg"))
    status, out, _ = run.finish()
    assert status == 0, run.stderr
    assert "run 2 of 2 (Λ = 40)" in run.stderr and "%|" in run.stderr
    quiet = TerminalRun(*args, "-o", str(tmp_path / "b.svg"), "--quiet")
    status, out, _ = quiet.finish()
    assert status == 0, quiet.stderr
    assert quiet.stderr == "" and out.startswith("figure: ")


def test_demo_quiet_is_an_option(tmp_path):
    run = TerminalRun("demo", "--quiet", "--out", "/proc/no/demo")
    status, out, last = run.finish()
    assert status == 2 and out == ""
    assert run.stderr.strip() == last and "/proc/no/demo" in last


# -------------------------------------------------------------------------- closed pipe


def test_closed_stdout_pipe_ends_quietly():
    """``dlnsym simulate … | head``: no 'Broken pipe' message (the Python docs' recipe)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "dlnsym.cli", "simulate", "--example", "A",
         "--log-inv-alpha", "100"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    proc.stdout.close()  # the reader has gone before the first line
    err = proc.stderr.read()
    assert proc.wait(timeout=300) == 1
    assert err == b""


def test_simulate_prints_its_results_before_a_failing_plot(tmp_path):
    """The plot is saved after the output: a save that fails (here: its directory replaced by
    a file during the run) loses no results, and the message names the user's path."""
    plots = tmp_path / "plots"
    plots.mkdir()
    run = TerminalRun("simulate", "--example", "A", "--log-inv-alpha", "1e6", "--dps", "30",
                      "--json", "--plot", str(plots / "sim.png"))
    run.wait_for("t̃ =")
    plots.rmdir()
    plots.write_text("a file where the directory was")
    status, out, last = run.finish()
    assert status == 2, run.stderr
    assert json.loads(out)["interrupted"] is False
    assert last == f"dlnsym simulate: error: {plots}: File exists"
