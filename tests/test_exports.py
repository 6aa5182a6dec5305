"""Exports (JSON, ``.npz``) of mirror-flow and network trajectories: one format, one code path.

Every value read back from a file is compared with the trajectory object it was written from,
so the tests hold whatever the simulators compute.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import mpmath
import numpy as np
import pytest

from dlnsym.errors import ParameterError
from dlnsym.network import NetworkTrajectory, simulate_network
from dlnsym.problems import example
from dlnsym.saddle_path import saddle_path
from dlnsym.simulate import simulate
from dlnsym.trajectory import Trajectory, TrajectoryExport

A = example("A")
LEVELS = [float(v) for v in saddle_path(A).losses]
JSON_KEYS = {"problem", "log_inv_alpha", "dps", "t", "s", "beta", "loss", "jump_times",
             "jump_levels", "interrupted", "t_end"}
NPZ_KEYS = {"t", "s", "beta", "loss", "jump_times", "log_inv_alpha", "dps", "interrupted"}
TEXT_KEYS = {"s_text", "beta_text", "loss_text"}


@pytest.fixture(scope="module")
def network() -> NetworkTrajectory:
    # Λ = 3 on [0, 1]: two of the five jumps, ≈ 1 s
    return simulate_network(A, log_inv_alpha=3, t_max=1.0, dps=20, at=[0.5, 1.0])


@pytest.fixture(scope="module")
def mirror_float() -> Trajectory:
    return simulate(A, log_inv_alpha=1e3, t_max=1.0, at=[0.5, 1.0], jump_levels=LEVELS)


@pytest.fixture(scope="module")
def mirror_mp() -> Trajectory:
    return simulate(A, log_inv_alpha=3, t_max=1.0, dps=20, at=[0.5, 1.0], jump_levels=LEVELS)


def _write(tr: TrajectoryExport, tmp_path: Path) -> tuple[dict, dict[str, np.ndarray]]:
    """Save ``tr`` as JSON and npz and read both back (no temporary file may be left)."""
    tr.save_json(tmp_path / "tr.json")
    tr.save_npz(tmp_path / "tr.npz")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tr.json", "tr.npz"]
    doc = json.loads((tmp_path / "tr.json").read_text())
    with np.load(tmp_path / "tr.npz") as data:  # allow_pickle=False: plain arrays only
        arrays = {k: data[k] for k in data.files}
    return doc, arrays


def _assert_digits(texts: np.ndarray, values: np.ndarray, dps: int) -> None:
    """Decimal strings hold ``values`` to ``dps`` significant digits (half an ulp of them)."""
    texts, values = np.asarray(texts), np.asarray(values)
    assert texts.shape == values.shape
    with mpmath.workdps(dps + 20):
        for text, value in zip(texts.ravel(), values.ravel(), strict=True):
            assert abs(mpmath.mpf(str(text)) - value) <= 0.5 * 10 ** (1 - dps) * abs(value), text


def test_both_trajectory_classes_share_one_export_implementation():
    for name in ("beta_float", "to_json", "save_json", "save_npz"):
        assert getattr(NetworkTrajectory, name) is getattr(Trajectory, name)
        assert getattr(Trajectory, name) is getattr(TrajectoryExport, name)


def test_network_exports_its_own_arrays(network, tmp_path):
    tr = network
    doc, arrays = _write(tr, tmp_path)
    m, d = len(tr.t), A.d
    # JSON: the format of Trajectory's mp path, numbers as dps-digit strings
    assert set(doc) == JSON_KEYS and doc == tr.to_json()
    assert doc["problem"] == A.name and doc["dps"] == tr.dps == 20
    assert doc["t"] == tr.t.tolist() == [0.5, 1.0] and doc["t_end"] == tr.t_end
    assert len(doc["beta"]) == m and all(len(row) == d for row in doc["beta"])  # row per time
    _assert_digits(np.array(doc["beta"]), tr.beta, tr.dps)
    _assert_digits(np.array(doc["s"]), tr.s, tr.dps)
    _assert_digits(np.array(doc["loss"]), tr.loss, tr.dps)
    assert mpmath.mpf(doc["log_inv_alpha"]) == tr.log_inv_alpha == 3
    assert doc["jump_times"] == tr.jump_times and len(tr.jump_times) == 2
    assert doc["jump_levels"] == tr.jump_levels == LEVELS
    assert doc["interrupted"] is False
    # npz: float64 copies, full-digit text, scalars
    assert set(arrays) == NPZ_KEYS | TEXT_KEYS
    np.testing.assert_array_equal(arrays["t"], tr.t)
    for key in ("s", "beta", "loss"):
        assert arrays[key].dtype == np.float64
        np.testing.assert_array_equal(arrays[key], np.asarray(getattr(tr, key), dtype=float))
        _assert_digits(arrays[f"{key}_text"], getattr(tr, key), tr.dps)
    assert arrays["beta"].shape == (m, d)
    np.testing.assert_array_equal(arrays["beta"], tr.beta_float())
    np.testing.assert_array_equal(arrays["jump_times"], tr.jump_times)
    assert float(arrays["log_inv_alpha"]) == 3.0 and int(arrays["dps"]) == 20
    assert not bool(arrays["interrupted"])


def test_network_files_have_the_format_of_a_mirror_flow_mp_run(network, mirror_mp, tmp_path):
    (tmp_path / "net").mkdir()
    (tmp_path / "mirror").mkdir()
    net_doc, net_arrays = _write(network, tmp_path / "net")
    mir_doc, mir_arrays = _write(mirror_mp, tmp_path / "mirror")
    assert set(net_doc) == set(mir_doc)
    for key in net_doc:
        assert type(net_doc[key]) is type(mir_doc[key]), key
    assert set(net_arrays) == set(mir_arrays)
    for key in net_arrays:
        assert net_arrays[key].shape == mir_arrays[key].shape, key
        assert net_arrays[key].dtype.kind == mir_arrays[key].dtype.kind, key
    # and the same numbers to the mirror flow's accuracy (10^−(dps−10) relative to 1 + |β|)
    np.testing.assert_allclose(net_arrays["beta"], mir_arrays["beta"], rtol=0, atol=1e-9)


def test_mirror_float_exports_unchanged(mirror_float, tmp_path):
    """Round trip of the float path through the shared export code."""
    tr = mirror_float
    doc, arrays = _write(tr, tmp_path)
    assert set(doc) == JSON_KEYS and doc == tr.to_json()
    assert doc["dps"] is None and doc["log_inv_alpha"] == float(tr.log_inv_alpha)
    assert doc["t"] == tr.t.tolist() and doc["t_end"] == tr.t_end
    for key in ("s", "beta", "loss"):  # JSON numbers: exact float64 round trip
        np.testing.assert_array_equal(np.array(doc[key]), getattr(tr, key))
    assert doc["jump_times"] == tr.jump_times and doc["jump_levels"] == tr.jump_levels
    assert doc["interrupted"] is tr.interrupted is False
    assert set(arrays) == NPZ_KEYS
    for key in ("t", "s", "beta", "loss"):
        np.testing.assert_array_equal(arrays[key], getattr(tr, key))
    np.testing.assert_array_equal(arrays["jump_times"], tr.jump_times)
    assert str(arrays["log_inv_alpha"]) == str(tr.log_inv_alpha) and int(arrays["dps"]) == -1
    assert bool(arrays["interrupted"]) is tr.interrupted


def test_mirror_mp_exports_unchanged(mirror_mp, tmp_path):
    """Round trip of the mp path: decimal strings with dps digits next to float64 copies."""
    tr = mirror_mp
    doc, arrays = _write(tr, tmp_path)
    assert set(doc) == JSON_KEYS and doc == tr.to_json()
    assert doc["dps"] == tr.dps == 20
    assert doc["log_inv_alpha"] == mpmath.nstr(tr.log_inv_alpha, tr.dps)
    assert doc["t"] == tr.t.tolist() and doc["jump_times"] == tr.jump_times
    for key in ("s", "beta", "loss"):
        _assert_digits(np.array(doc[key]), getattr(tr, key), tr.dps)
        np.testing.assert_array_equal(arrays[key], np.asarray(getattr(tr, key), dtype=float))
        np.testing.assert_array_equal(arrays[f"{key}_text"], np.array(doc[key]))
    assert set(arrays) == NPZ_KEYS | TEXT_KEYS
    assert str(arrays["log_inv_alpha"]) == doc["log_inv_alpha"] and int(arrays["dps"]) == 20


def test_package_exports_every_error_class():
    """Every public exception is reachable as ``dlnsym.X`` and listed in ``__all__``."""
    import dlnsym
    from dlnsym.errors import DlnsymError
    from dlnsym.integrate.driver import IntegrationError

    assert dlnsym.IntegrationError is IntegrationError
    assert issubclass(dlnsym.IntegrationError, DlnsymError)
    for name in ("DlnsymError", "ParameterError", "ProblemError", "DegenerateProblemError",
                 "MaxSaddlesError", "IntegrationError"):
        assert name in dlnsym.__all__ and issubclass(getattr(dlnsym, name), DlnsymError)
    assert all(hasattr(dlnsym, name) for name in dlnsym.__all__)


def test_to_json_and_at_have_examples():
    for method in (Trajectory.at, Trajectory.to_json):
        assert "Examples" in method.__doc__ and ">>>" in method.__doc__


@pytest.mark.parametrize(("method", "name", "fragment"), [
    ("save_npz", "tr.json", "save_npz writes a numpy .npz archive, but '{dir}/tr.json' ends in "
                            ".json; use save_json for a .json file"),
    ("save_npz", "tr.txt", "ends in .txt; name the file *.npz"),
    ("save_npz", "tr", "has no suffix; name the file *.npz"),
    ("save_json", "tr.npz", "save_json writes JSON text, not a numpy archive, but "
                            "'{dir}/tr.npz' ends in .npz; use save_npz for an .npz file"),
    ("save_json", "tr.NPY", "ends in .NPY; use save_npz"),
])
def test_an_export_refuses_the_other_formats_suffix(mirror_float, tmp_path, method, name,
                                                     fragment):
    with pytest.raises(ParameterError, match=re.escape(fragment.format(dir=tmp_path))):
        getattr(mirror_float, method)(tmp_path / name)
    assert list(tmp_path.iterdir()) == []  # nothing written


@pytest.mark.parametrize("path", ["", "  ", None, 3])
@pytest.mark.parametrize("method", ["save_npz", "save_json"])
def test_an_export_needs_a_file_name(mirror_float, method, path):
    with pytest.raises(ParameterError, match=f"{method}: path must be a non-empty file name"):
        getattr(mirror_float, method)(path)


def test_save_json_takes_any_other_name(mirror_float, tmp_path):
    mirror_float.save_json(tmp_path / "tr.txt")
    assert json.loads((tmp_path / "tr.txt").read_text()) == mirror_float.to_json()
    mirror_float.save_npz(tmp_path / "TR.NPZ")
    with np.load(tmp_path / "TR.NPZ") as data:
        assert data["t"].tolist() == mirror_float.t.tolist()
