"""engine/runs.py: run folders written by the real CLI read back into typed summaries; broken ones explained."""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import runs
from engine.errors import DataError
from engine.runs import config_differences, find_runs, nearest_index, read_loss_csv, read_run, read_runs
from tests.engine.run_folders import session_runs


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    return session_runs(tmp_path_factory)


def _csv(path):
    return np.genfromtxt(path, delimiter=",", names=True)


def test_a_run_reads_back_as_the_cli_wrote_it(two_runs):
    a, b = two_runs
    run = read_run(a)
    table = _csv(a / "loss.csv")
    assert run.name == "a" and run.config.data.dataset == "moons" and run.config.training.lr == 0.002
    np.testing.assert_array_equal(run.step, table["step"].astype(np.int64))
    np.testing.assert_allclose(run.loss, table["loss"])
    np.testing.assert_allclose(run.lr, table["lr"])
    np.testing.assert_allclose(run.wall_time, table["wall_time"])
    assert run.checkpoint == a / "checkpoint.safetensors" and run.checkpoint.is_file()
    assert len(run.quality_step) >= 1 and np.all(run.quality_ratio > 0) and run.quality_metric
    assert list(run.frame_steps) == [0, 10, 20, 30]
    assert all(f.dtype == np.uint8 and f.ndim == 3 and f.shape[2] == 3 for f in run.frames)
    assert run.last_step == 30 and run.warnings == ()
    wall = run.quality_wall_time()
    assert np.all(np.isfinite(wall)) and np.all(wall >= 0)

    other = read_run(b)
    assert len(other.quality_step) == 0 and list(other.frame_steps) == [0, 15, 30]
    assert other.frame_at(14) == 1 and other.frame_at(7) == 0 and other.frame_at(99) == 2


def test_config_differences_list_only_the_fields_that_differ(two_runs):
    a, b = two_runs
    diff = config_differences([read_run(a).config, read_run(b).config])
    assert diff["training.lr"] == [0.002, 0.001]
    assert "data.dataset" not in diff and "schedule.timesteps" not in diff
    assert config_differences([read_run(a).config]) == {}


def test_find_runs_lists_the_runs_under_a_parent(two_runs, tmp_path):
    a, b = two_runs
    assert find_runs(a.parent) == [a, b]
    assert find_runs(a) == [a]
    assert find_runs(tmp_path) == [tmp_path]  # neither: read_run explains why


def test_broken_folders_get_a_message_naming_the_file(two_runs, tmp_path):
    a, _ = two_runs
    empty = tmp_path / "empty"
    empty.mkdir()
    bad = tmp_path / "bad"
    shutil.copytree(a, bad)
    (bad / "loss.csv").write_text("step,loss,lr,grad_norm,wall_time\n1,0.5,0.001,1.0,0.1\n2,oops,0.001,1.0,0.2\n")
    results = read_runs([a, empty, tmp_path / "gone", bad])
    assert not isinstance(results[0], DataError)
    assert isinstance(results[1], DataError) and f"{empty} is not a run folder" in str(results[1])
    assert isinstance(results[2], DataError) and "missing" in str(results[2])
    assert isinstance(results[3], DataError) and f"{bad / 'loss.csv'} line 3" in str(results[3])
    (bad / "loss.csv").write_text("not,a,loss,file\n")
    with pytest.raises(DataError, match="not a loss.csv"):
        read_run(bad)
    (bad / "config.json").write_text("{broken")
    (bad / "loss.csv").unlink()
    with pytest.raises(DataError, match="config.json"):
        read_run(bad)


def test_optional_files_broken_leave_the_run_readable(two_runs, tmp_path):
    a, _ = two_runs
    run_dir = tmp_path / "r"
    shutil.copytree(a, run_dir)
    (run_dir / "quality.csv").write_text("garbage\n")
    (run_dir / "timelapse.npz").write_bytes(b"not an npz")
    (run_dir / "config.json").unlink()  # the config comes from the checkpoint's header
    (run_dir / "loss.csv").unlink()  # ... and so does the loss history
    run = read_run(run_dir)
    assert run.config.training.lr == 0.002 and run.last_step == 30
    np.testing.assert_allclose(run.loss, read_run(a).loss)
    assert len(run.quality_step) == 0 and run.frames == ()
    assert any("quality.csv" in w for w in run.warnings) and any("timelapse.npz" in w for w in run.warnings)


def test_long_time_lapses_are_thinned_keeping_the_latest(two_runs, monkeypatch):
    a, _ = two_runs
    monkeypatch.setattr(runs, "MAX_FRAMES", 3)
    run = read_run(a)
    assert list(run.frame_steps) == [0, 20, 30] and len(run.frames) == 3  # evenly spaced, the last one kept


def test_nearest_index_prefers_the_earlier_frame_on_a_tie():
    steps = np.array([0, 10, 20])
    assert nearest_index(steps, 5) == 0 and nearest_index(steps, 6) == 1 and nearest_index(steps, -3) == 0
    assert nearest_index(steps, 25) == 2 and nearest_index(np.array([], np.int64), 3) is None


def test_latest_samples_of_a_checkpoint_look_like_its_time_lapse_frame(two_runs):
    from engine.checkpoint import load_checkpoint
    from engine.runs import latest_samples

    a, _ = two_runs
    step, frame = latest_samples(load_checkpoint(a))
    last = read_run(a).frames[-1]
    assert step == 30 and frame.dtype == np.uint8 and frame.shape == last.shape


@settings(max_examples=80, deadline=None)
@given(st.one_of(st.binary(max_size=300),
                 st.lists(st.lists(st.sampled_from(["1", "-2", "0.5", "nan", "inf", "x", "", "1e999", '"']),
                                   max_size=6), max_size=5).map(
                     lambda rows: ("step,loss,lr,grad_norm,wall_time\n" + "\n".join(",".join(r) for r in rows))
                     .encode())))
def test_any_loss_csv_reads_or_gives_a_data_error_naming_it(content):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "loss.csv"
        path.write_bytes(content)
        try:
            step, loss, lr, wall = read_loss_csv(path)
        except DataError as exc:
            assert str(path) in str(exc)
        else:
            assert len(step) == len(loss) == len(lr) == len(wall)
