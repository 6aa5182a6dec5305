"""Sweeps on Dask (issue 17): a real LocalCluster, resumable results, rows checked against
independent computations (direct calls, basis pursuit by linear programming, the documented
seed recipe)."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from distributed import Client, LocalCluster
from scipy.optimize import linprog
from scipy.special import erfinv

import dlnsym
from dlnsym.errors import DegenerateProblemError, ParameterError
from dlnsym.plotting import plot_phase_diagram
from dlnsym.problems import gaussian_sparse, orthogonal_design, random_integer
from dlnsym.sweep.instances import run_instance
from dlnsym.sweep.phase import weak_threshold
from dlnsym.sweep.spec import load_spec
from dlnsym.sweep.store import ResultStore, read_results
from tests.conftest import assert_one_line_error, run_cli

#: Around the phase transition at d = 30, so that both outcomes occur.
SPARSE = {"family": "sparse", "seed": 7, "trials": 4,
          "grid": {"d": 30, "delta": [0.4, 0.7], "rho": [0.15, 0.45]}}


@pytest.fixture(scope="module")
def client():
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=":0") as cluster, Client(cluster) as c:
        yield c


@pytest.fixture(scope="module")
def table(client, tmp_path_factory):
    out = tmp_path_factory.mktemp("sweep") / "r.parquet"
    return dlnsym.sweep(SPARSE, out, client=client, progress=False), out


def _seed(spec_seed, family, data, trial):
    """The documented recipe, written out: SeedSequence(spec seed, spawn_key=(*h, trial))."""
    text = json.dumps({"family": family, **data}, sort_keys=True, separators=(",", ":"))
    words = [int.from_bytes(hashlib.sha256(text.encode()).digest()[4 * i:4 * i + 4], "little")
             for i in range(8)]
    a, b = np.random.SeedSequence(spec_seed, spawn_key=(*words, trial)).generate_state(2)
    return (int(a) << 32 | int(b)) & (2**63 - 1)


def _basis_pursuit(X, y):
    """argmin ‖β‖₁ subject to Xβ = y, as a linear program in (β⁺, β⁻) ≥ 0."""
    n, d = X.shape
    res = linprog(np.ones(2 * d), A_eq=np.hstack([X, -X]), b_eq=y, bounds=(0, None),
                  method="highs")
    assert res.status == 0
    return res.x[:d] - res.x[d:]


# ------------------------------------------------------------------- the cluster run


def test_sweep_on_a_two_worker_cluster(client, table):
    frame, out = table
    assert len(client.nthreads()) == 2
    assert len(frame) == 16 and frame.attrs == {"computed": 16, "reused": 0}
    assert set(frame["status"]) == {"ok"}
    assert frame["instance"].is_unique
    # n = round(δ·d), k = round(ρ·n)
    assert sorted(set(zip(frame["n"], frame["k"], strict=True))) == [
        (12, 2), (12, 5), (21, 3), (21, 9)]
    assert set(frame["recovered"]) == {True, False}, "both sides of the transition"
    assert out.exists() and not out.with_name(out.name + ".parts").exists()
    stored = read_results(out).set_index("instance").loc[frame["instance"]].reset_index()
    pd.testing.assert_frame_equal(stored, frame)


def test_rows_against_direct_calls_and_basis_pursuit(table):
    frame, _ = table
    for _, row in frame.iloc[::3].iterrows():
        data = {"n": int(row.n), "d": int(row.d), "k": int(row.k)}
        assert row.seed == _seed(SPARSE["seed"], "sparse", data, int(row.trial))
        noisy, w = gaussian_sparse(row.n, row.d, row.k, noise=0.0, seed=int(row.seed),
                                   return_signal=True)
        X = noisy.X
        path = dlnsym.saddle_path(X, X @ w)
        assert row.n_jumps == path.n_jumps and row.n_saddles == path.n_jumps + 1
        assert row.l1 == pytest.approx(np.abs(path.saddles[-1]).sum(), rel=1e-12)
        assert row.last_jump_time == pytest.approx(path.times[-1], rel=1e-12)
        # recovery by the independent oracle: basis pursuit recovers w* or it does not
        lp = _basis_pursuit(X, X @ w)
        assert row.recovered == bool(np.max(np.abs(lp - w)) < 1e-6)
        assert row.recovery_error == pytest.approx(np.max(np.abs(path.saddles[-1] - w)),
                                                   abs=1e-12)


def test_leaving_steps_of_example_A():
    # THEORY §5: coordinate 1 leaves at t₃, coordinate 4 at t₄
    from dlnsym.sweep.instances import path_summary

    s = path_summary(dlnsym.saddle_path(dlnsym.example("A")), None, 1e-6)
    assert (s["leaving_steps"], s["leaving_coordinates"], s["n_saddles"]) == (2, 2, 6)
    assert s["l1"] == float(Fraction(179, 306) + Fraction(371, 459) + Fraction(97, 153))


def test_in_memory_sweep_is_the_same(client, table):
    frame, _ = table
    again = dlnsym.sweep(SPARSE, client=client, progress=False, chunk_size=3)
    columns = ["instance", "seed", "n_jumps", "l1", "recovered", "leaving_steps"]
    pd.testing.assert_frame_equal(again[columns], frame[columns])


# ------------------------------------------------------------------------ resuming


def test_rerun_does_only_the_missing_rows(client, tmp_path):
    out = tmp_path / "r.parquet"
    first = dlnsym.sweep(SPARSE, out, client=client, progress=False)
    kept = first.drop(index=[1, 5, 11])
    kept.to_parquet(out, index=False)
    second = dlnsym.sweep(SPARSE, out, client=client, progress=False)
    assert second.attrs == {"computed": 3, "reused": 13}
    redone = second["finished_at"] > first["finished_at"].max()
    assert sorted(np.flatnonzero(redone)) == [1, 5, 11]
    columns = ["instance", "seed", "n_jumps", "l1", "recovery_error", "recovered"]
    pd.testing.assert_frame_equal(second[columns], first[columns])
    third = dlnsym.sweep(SPARSE, out, client=client, progress=False)
    assert third.attrs["computed"] == 0


def test_parts_of_a_killed_sweep_count_as_finished(client, tmp_path):
    out = tmp_path / "r.csv"
    rows = [run_instance(i) for i in load_spec(SPARSE).instances()[:5]]
    ResultStore(out).append(rows)          # what a sweep killed before any checkpoint leaves
    assert not out.exists()
    frame = dlnsym.sweep(SPARSE, out, client=client, progress=False)
    assert frame.attrs == {"computed": 11, "reused": 5}
    assert len(pd.read_csv(out)) == 16
    assert not (tmp_path / "r.csv.parts").exists()


def test_grid_extension_reuses_the_old_cells(client, tmp_path):
    out = tmp_path / "r.parquet"
    dlnsym.sweep(SPARSE, out, client=client, progress=False)
    wider = {**SPARSE, "grid": {**SPARSE["grid"], "rho": [0.15, 0.3, 0.45]}}
    frame = dlnsym.sweep(wider, out, client=client, progress=False)
    assert frame.attrs == {"computed": 8, "reused": 16}


# ------------------------------------------------------------- statuses and families


def test_degenerate_and_failing_instances_are_rows(client):
    # n = 1: every pair of columns is collinear, so ties at the first jump are degenerate
    spec = {"family": "integer", "trials": 6, "seed": 0,
            "grid": {"n": 1, "d": 6, "bound": 1}, "run": {"exact": True}}
    frame = dlnsym.sweep(spec, client=client, progress=False)
    degenerate = frame[frame["status"] == "degenerate"]
    assert len(degenerate) >= 1 and set(frame["status"]) <= {"ok", "degenerate"}
    for _, row in degenerate.iterrows():
        with pytest.raises(DegenerateProblemError):
            dlnsym.saddle_path(random_integer(1, 6, seed=int(row.seed), bound=1))
        assert row.message and np.isnan(row.l1)
    capped = {**SPARSE, "trials": 1, "run": {"max_saddles": 1}}
    frame = dlnsym.sweep(capped, client=client, progress=False)
    assert set(frame["status"]) == {"error"}
    assert frame["message"].str.startswith("MaxSaddlesError").all()


def test_families_in_process():
    base = {"seed": 2, "trials": 1}
    orth = run_instance(load_spec({**base, "family": "orthogonal",
                                   "grid": {"d": 6}}).instances()[0])
    X = orthogonal_design(6, 8, seed=orth["seed"]).X
    assert orth["status"] == "ok" and orth["n"] == 8
    assert np.count_nonzero(X.T @ X - np.diag(np.diag(X.T @ X))) == 0
    exact = run_instance(load_spec({**base, "family": "integer", "grid": {"n": 4, "d": 7},
                                    "run": {"exact": True}}).instances()[0])
    path = dlnsym.saddle_path(random_integer(4, 7, seed=exact["seed"]))
    assert exact["last_jump_time"] == float(path.times[-1]) and exact["final_loss"] == 0.0
    noisy = run_instance(load_spec({**base, "family": "gaussian",
                                    "grid": {"n": 10, "d": 20, "k": 2, "noise": 0.5}}
                                   ).instances()[0])
    assert noisy["status"] == "ok" and noisy["noise"] == 0.5 and noisy["recovered"] is False


def test_simulated_instances_report_jump_time_errors(client):
    spec = {"family": "sparse", "trials": 1, "seed": 1,
            "grid": {"n": 4, "d": 6, "k": 1, "log_inv_alpha": [30, 300]},
            "run": {"simulate": True}}
    frame = dlnsym.sweep(spec, client=client, progress=False)
    assert list(frame["status"]) == ["ok", "ok"] and frame["seed"].nunique() == 1
    problem, w = gaussian_sparse(4, 6, 1, noise=0.0, seed=int(frame.seed[0]),
                                 return_signal=True)
    path = dlnsym.saddle_path(problem.X, problem.X @ w)
    for _, row in frame.iterrows():
        tr = dlnsym.simulate(problem.X, problem.X @ w, log_inv_alpha=row.log_inv_alpha)
        direct = dlnsym.compare(path, tr).max_jump_time_error
        assert row.max_jump_time_error == pytest.approx(direct, rel=1e-6, abs=1e-12)
    # jump times converge like t_k + c_k/Λ
    small, large = frame["max_jump_time_error"]
    assert 0 < large < small / 3


# ------------------------------------------------------------------------ validation


@pytest.mark.parametrize(("spec", "fragment"), [
    ({"family": "lasso"}, "unknown family 'lasso'"),
    ({"family": "sparse", "grid": {"d": 5, "n": 3, "k": 1}, "trails": 3}, "'trails'"),
    ({"family": "sparse", "grid": {"d": [], "n": 3, "k": 1}}, "grid.d is an empty list"),
    ({"family": "sparse", "grid": {"d": 5, "n": 3}}, "needs grid.k or rho"),
    ({"family": "sparse", "grid": {"d": 5, "n": 3, "k": 1, "noise": 0.1}}, "'noise'"),
    ({"family": "sparse", "grid": {"d": 5, "n": 3, "k": 1.5}}, "grid.k[0]"),
    ({"family": "sparse", "grid": {"d": 5, "n": 3, "rho": 1.5}}, "grid.rho[0]"),
    ({"family": "sparse", "grid": {"d": 5, "n": 3, "k": 1, "delta": 0.5}}, "not both"),
    ({"family": "sparse", "grid": {"d": 5, "n": 30, "k": 6}}, "exceeds the dimension"),
    ({"family": "sparse", "grid": {"d": 5, "n": 3, "k": True}}, "grid.k[0]"),
    ({"family": "sparse", "trials": 0, "grid": {"d": 5, "n": 3, "k": 1}}, "trials"),
    ({"family": "sparse", "grid": {"d": 5, "n": 3, "k": 1}, "run": {"simulate": True}},
     "needs grid.log_inv_alpha"),
    ({"family": "sparse", "grid": {"d": 5, "n": 3, "k": 1, "log_inv_alpha": 10}},
     "set run.simulate = true"),
    ({"family": "sparse", "grid": {"d": 5, "n": 3, "k": 1}, "run": {"exact": "yes"}},
     "run.exact"),
    ({"family": "orthogonal", "grid": {"d": 5, "n": 6}}, "power of two"),
    ({"family": "sparse", "grid": {"d": 5, "n": 3, "k": 1}, "run": {"dps": 10}}, "run.dps"),
])
def test_invalid_specs(spec, fragment):
    with pytest.raises(ParameterError) as info:
        load_spec(spec)
    assert fragment in str(info.value)


def test_invalid_arguments(tmp_path):
    with pytest.raises(ParameterError, match="extensions"):
        dlnsym.sweep(SPARSE, tmp_path / "r.xlsx")
    with pytest.raises(ParameterError, match="at most one"):
        dlnsym.sweep(SPARSE, workers=2, scheduler="tcp://127.0.0.1:1")
    with pytest.raises(ParameterError, match="not valid TOML"):
        (tmp_path / "bad.toml").write_text("family = \n")
        load_spec(tmp_path / "bad.toml")


# -------------------------------------------------------------------------- the CLI


def test_cli_runs_resumes_and_plots(tmp_path):
    spec = tmp_path / "s.toml"
    spec.write_text('family = "sparse"\nseed = 7\ntrials = 2\n\n[grid]\nd = 30\n'
                    'delta = [0.4, 0.7]\nrho = [0.15, 0.45]\n')
    out, figure = tmp_path / "r.parquet", tmp_path / "phase.png"
    proc = run_cli("sweep", str(spec), "--out", str(out), "--workers", "1", "--csv",
                   "--plot", str(figure), timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "8 instances (8 run now, 0 already stored): 8 ok" in proc.stdout
    assert figure.read_bytes()[:4] == b"\x89PNG"
    assert len(pd.read_csv(tmp_path / "r.csv")) == 8
    figure.unlink()
    proc = run_cli("sweep", "--out", str(out), "--plot", str(figure))
    assert proc.returncode == 0 and figure.read_bytes()[:4] == b"\x89PNG"


def test_cli_errors(tmp_path):
    assert_one_line_error(run_cli("sweep", str(tmp_path / "none.toml"), "--out", "r.parquet"),
                          "no such sweep spec")
    (tmp_path / "s.toml").write_text('family = "sparse"\n[grid]\nd = 5\nn = 3\nk = 9\n')
    assert_one_line_error(run_cli("sweep", str(tmp_path / "s.toml"), "--out",
                                  str(tmp_path / "r.parquet")), "exceeds the dimension")
    assert_one_line_error(run_cli("sweep", "--out", str(tmp_path / "r.parquet")),
                          "--plot")
    assert_one_line_error(run_cli("sweep", "--out", str(tmp_path / "none.parquet"),
                                  "--plot", str(tmp_path / "p.png")), "no sweep results")


def _interrupted_sweep(tmp_path: Path, trials: int) -> subprocess.Popen[str] | None:
    """Start a sweep of ``trials`` instances, Ctrl-C it once three parts are stored; ``None``
    when the sweep finished before the signal could be sent (a stalled test process)."""
    spec = tmp_path / "s.toml"
    spec.write_text(f'family = "sparse"\ntrials = {trials}\n\n[grid]\nd = 60\nn = 30\nk = 8\n')
    out = tmp_path / "r.parquet"
    out.unlink(missing_ok=True)
    parts = tmp_path / "r.parquet.parts"
    command = [sys.executable, "-m", "dlnsym.cli", "sweep", str(spec), "--out", str(out),
               "--workers", "1", "--chunk-size", "1"]
    # a session of its own with SIGINT at its default (a shell starts background jobs with
    # SIGINT ignored): Ctrl-C at a terminal reaches the whole group, workers included
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 60
    while (time.monotonic() < deadline and proc.poll() is None
           and len(list(parts.glob("part-*"))) < 3):
        time.sleep(0.05)
    if proc.poll() is not None:
        proc.communicate()
        return None
    os.killpg(proc.pid, signal.SIGINT)
    return proc


def test_cli_ctrl_c_keeps_the_finished_rows(tmp_path):
    for trials in (300, 1200, 4800):
        proc = _interrupted_sweep(tmp_path, trials)
        if proc is not None:
            break
    else:
        pytest.fail("every sweep finished before its Ctrl-C could be sent")
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert len(stderr.strip().splitlines()) == 1, stderr  # no traceback from the workers
    out = tmp_path / "r.parquet"
    stored = pd.read_parquet(out)
    kept = len(stored)
    assert 3 <= kept < trials and f"{kept} finished rows kept" in stderr
    assert set(stored["status"]) == {"ok"}, "no instance is marked failed by the Ctrl-C"
    proc = run_cli("sweep", str(tmp_path / "s.toml"), "--out", str(out), "--workers", "1",
                   "--quiet", timeout=120 * trials // 300)
    assert proc.returncode == 0, proc.stderr
    assert f"({trials - kept} run now, {kept} already stored)" in proc.stdout


# ------------------------------------------------------------------- phase diagram


def test_weak_threshold_against_stojnic():
    # Stojnic (2009)'s characterisation of the same weak threshold, solved for β = ρδ:
    # (1 − β)·√(2/π)·exp(−erfinv(q)²)/δ = √2·erfinv(q), q = (1 − δ)/(1 − β)
    from scipy.optimize import brentq

    for delta in (0.05, 0.2, 0.5, 0.8, 0.95):
        def f(b, a=delta):
            q = erfinv((1 - a) / (1 - b))
            return (1 - b) * np.sqrt(2 / np.pi) * np.exp(-q * q) / a - np.sqrt(2) * q
        rho = brentq(f, 1e-12, delta * (1 - 1e-12)) / delta
        assert float(weak_threshold(delta)) == pytest.approx(rho, abs=1e-7)
    with pytest.raises(ParameterError):
        weak_threshold(1.2)


def test_phase_diagram_writes_a_file(table, tmp_path):
    frame, out = table
    fig = plot_phase_diagram(out, tmp_path / "phase.pdf")
    assert (tmp_path / "phase.pdf").read_bytes()[:4] == b"%PDF"
    left = fig.axes[0]
    assert left.collections[0].get_array().min() >= 0
    with pytest.raises(ParameterError, match="gaussian or sparse"):
        plot_phase_diagram(frame.assign(status="error"))
    assert os.listdir(tmp_path) == ["phase.pdf"]
    assert Path(out).exists()


def test_scheduler_address(client):
    spec = {**SPARSE, "trials": 1}
    frame = dlnsym.sweep(spec, scheduler=client.scheduler.address, progress=False)
    assert len(frame) == 4 and set(frame["status"]) == {"ok"}


def test_init_shape_grid():
    """A uniform shape λ₀ makes the box [−λ₀, λ₀]: s moves with the same velocity, so every
    jump time is λ₀ times the unshaped one and the saddles are the same (the theory page,
    shaped initialisation); a spread shape gives the weighted-ℓ1 endpoint of an LP."""
    grid = {"n": 10, "d": 16, "k": 2, "init_shape": [1.0, 2.5]}
    spec = {"family": "gaussian", "seed": 3, "trials": 2, "grid": grid}
    frame = dlnsym.sweep(spec, progress=False).sort_values(["trial", "init_shape"])
    assert set(frame["status"]) == {"ok"}
    for _, pair in frame.groupby("trial"):
        one, scaled = pair.iloc[0], pair.iloc[1]
        assert scaled["n_jumps"] == one["n_jumps"]
        assert scaled["last_jump_time"] == pytest.approx(2.5 * one["last_jump_time"], rel=1e-9)
        assert scaled["l1"] == pytest.approx(one["l1"], rel=1e-9)

    spread = load_spec({**spec, "grid": {**grid, "init_shape": 1.0, "init_shape_spread": 3.0}})
    for instance in spread.instances():
        lam = instance.shape()
        assert lam.shape == (16,) and np.all((lam >= 1 / 3) & (lam <= 3)) and np.ptp(lam) > 0
        row = run_instance(instance)
        problem = gaussian_sparse(10, 16, 2, noise=0.1, seed=row["seed"])
        res = linprog(np.r_[lam, lam], A_eq=np.c_[problem.X, -problem.X], b_eq=problem.y,
                      bounds=(0, None), method="highs")
        assert row["status"] == "ok" and row["l1"] == pytest.approx(
            float(np.sum(np.abs(res.x[:16] - res.x[16:]))), rel=1e-7)
    with pytest.raises(ParameterError, match="init_shape_spread"):
        load_spec({**spec, "grid": {**grid, "init_shape_spread": 0.5}})
    with pytest.raises(ParameterError, match="init_shape"):
        load_spec({**spec, "grid": {**grid, "init_shape": 0.0}})

