"""The Export dialog: exports run in the background, decode back, cancel cleanly and explain problems."""
from __future__ import annotations

import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
import pytest
import torch
from PIL import Image

from engine.samplers import Trajectory, run_sampler
from engine.schedules import NoiseSchedule
from engine.training import LossHistory, StepMetrics

SCHED = NoiseSchedule("linear", 1000)


def trajectory(shape=(4, 3, 8, 8), steps=10, sampler="ddpm") -> Trajectory:
    traj = Trajectory(steps, shape, "images" if len(shape) == 4 else "points")
    for f in run_sampler(lambda x, t: (x * 0.5, x * 0.1), SCHED, shape, sampler=sampler, steps=steps, seed=0):
        traj.record(f)
    return traj


def history(n=50) -> LossHistory:
    h = LossHistory()
    for i in range(n):
        h.append(StepMetrics(i + 1, 1.0 / (1 + 0.1 * i), np.zeros(1), np.zeros(1), 1.0, 1e-3, 0.01, 8), 0.01 * i)
    return h


@pytest.fixture
def make_dialog(qtbot, tmp_path):
    from gui.export_dialog import ExportDialog

    dialogs = []

    def make(sources, **kwargs):
        dialog = ExportDialog(sources, directory=tmp_path, **kwargs)
        qtbot.addWidget(dialog)
        dialog.show()
        dialogs.append(dialog)
        return dialog

    yield make
    for d in dialogs:
        d.shutdown()


def run_export(qtbot, dialog, timeout=30000) -> None:
    assert dialog.start_export(), dialog.last_message
    assert dialog.is_running(), "the export runs in the background; the dialog returns at once"
    assert not dialog.export_button.isEnabled() and dialog.cancel_button.isEnabled()
    qtbot.waitUntil(lambda: not dialog.is_running(), timeout=timeout)


def test_gif_export_in_the_background(qtbot, make_dialog, tmp_path):
    traj = trajectory()
    dialog = make_dialog({"trajectory": traj}, initial="reverse")
    assert dialog.what() == "reverse"
    dialog.set_path(tmp_path / "reverse.gif")
    dialog.scale_spin.setValue(2)
    dialog.caption_check.setChecked(True)
    dialog.hold_spin.setValue(0.5)
    seen = []
    dialog.exported.connect(seen.append)
    run_export(qtbot, dialog)
    im = Image.open(tmp_path / "reverse.gif")
    assert im.n_frames == len(traj) == dialog.last_result.n_frames
    assert im.size == dialog.last_result.size
    assert seen == [str(tmp_path / "reverse.gif")]
    assert "Saved" in dialog.status_label.text()
    assert dialog.progress_bar.value() == dialog.progress_bar.maximum()
    assert dialog.export_button.isEnabled() and not dialog.cancel_button.isEnabled()


def test_cancel_leaves_no_file(qtbot, make_dialog, tmp_path):
    traj = trajectory((16, 3, 16, 16), steps=60, sampler="ddim")
    dialog = make_dialog({"trajectory": traj})
    dialog.set_path(tmp_path / "big.webp")
    assert dialog.start_export()
    dialog.cancel_export()
    qtbot.waitUntil(lambda: not dialog.is_running(), timeout=30000)
    assert "cancelled" in dialog.last_message
    assert list(tmp_path.iterdir()) == []


def test_close_while_exporting_cancels_and_cleans_up(qtbot, make_dialog, tmp_path):
    traj = trajectory((16, 3, 16, 16), steps=60, sampler="ddim")
    dialog = make_dialog({"trajectory": traj})
    dialog.set_path(tmp_path / "big.apng")
    assert dialog.start_export()
    dialog.reject()
    qtbot.wait(50)
    assert list(tmp_path.iterdir()) == []


def test_bad_paths_get_a_message_box(qtbot, make_dialog, tmp_path):
    dialog = make_dialog({"trajectory": trajectory(steps=3)})
    dialog.set_path(tmp_path / "anim.bmp")
    assert not dialog.start_export()
    assert "Unknown extension '.bmp'" in dialog.last_message
    assert dialog._message_box is not None and dialog._message_box.isVisible()
    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    dialog.set_path(blocker / "anim.gif")
    assert not dialog.start_export()
    assert "is a file, not a folder" in dialog.last_message
    dialog.set_path(tmp_path / "noext")
    assert dialog.start_export()  # no extension: the chosen format's is added
    qtbot.waitUntil(lambda: not dialog.is_running(), timeout=30000)
    assert (tmp_path / "noext.gif").exists()
    dialog._message_box.close()


def test_mp4_missing_says_how_to_enable_it(qtbot, make_dialog, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "imageio_ffmpeg", None)
    dialog = make_dialog({"trajectory": trajectory(steps=3)})
    index = dialog.format_combo.findData(".mp4")
    assert not dialog.format_combo.model().item(index).isEnabled()
    assert dialog.mp4_hint.isVisibleTo(dialog) and 'pip install "diffusion-lab[mp4]"' in dialog.mp4_hint.text()
    dialog.set_path(tmp_path / "a.mp4")
    assert not dialog.start_export()
    assert 'pip install "diffusion-lab[mp4]"' in dialog.last_message
    assert list(tmp_path.iterdir()) == []


def test_other_sources(qtbot, make_dialog, tmp_path):
    rng = np.random.default_rng(0)
    frames = [(s, rng.integers(0, 255, (20, 20, 3), dtype=np.uint8)) for s in (0, 100, 200)]
    sources = {"trajectory": trajectory(steps=4), "timelapse": frames, "history": history(),
               "forward": {"x0": torch.randn(300, 2), "schedule": SCHED}, "samples": np.zeros((4, 1, 8, 8))}
    dialog = make_dialog(sources)
    assert dialog.available() == ["reverse", "forward", "timelapse", "grid", "strip", "loss"]

    def export(what, name):
        dialog.what_combo.setCurrentIndex(dialog.what_combo.findData(what))
        dialog.set_path(tmp_path / name)
        run_export(qtbot, dialog)
        assert (tmp_path / name).exists(), dialog.last_message

    export("timelapse", "tl.gif")
    assert Image.open(tmp_path / "tl.gif").n_frames == 3
    dialog.max_frames_spin.setValue(12)
    export("forward", "fwd.webp")
    assert Image.open(tmp_path / "fwd.webp").n_frames == 12
    export("grid", "grid.png")
    export("grid", "grid.npy")
    assert np.load(tmp_path / "grid.npy").shape == (4, 1, 8, 8)
    dialog.what_combo.setCurrentIndex(dialog.what_combo.findData("strip"))
    dialog.t_edit.setText("1000, 500, 0")
    dialog.set_path(tmp_path / "strip.png")
    run_export(qtbot, dialog)
    Image.open(tmp_path / "strip.png").load()
    export("loss", "loss.csv")
    assert (tmp_path / "loss.csv").read_text().startswith("step,loss")
    export("loss", "loss.svg")


def test_plots_export_png_and_svg(qtbot, make_dialog, tmp_path):
    import pyqtgraph as pg

    from gui.export_dialog import export_plot, open_export_dialog

    widget = pg.PlotWidget()
    qtbot.addWidget(widget)
    widget.resize(400, 300)
    widget.plot(np.arange(100), np.sqrt(np.arange(100)))
    widget.show()
    qtbot.waitExposed(widget)
    export_plot(widget, tmp_path / "plot.png", width=800)
    assert Image.open(tmp_path / "plot.png").size[0] == 800
    export_plot(widget.getPlotItem(), tmp_path / "plot.svg", width=640)
    import xml.etree.ElementTree as ET

    root = ET.parse(tmp_path / "plot.svg").getroot()
    assert root.tag.endswith("svg") and root.get("width") == "640"
    dialog = open_export_dialog(None, {"plots": {"schedule": widget}, "history": history()}, initial="plot:schedule",
                                directory=tmp_path)
    assert dialog.isVisible() and dialog.what() == "plot:schedule"
    assert dialog.available() == ["loss", "plot:schedule"]
    dialog.width_spin.setValue(600)
    dialog.set_path(tmp_path / "schedule.png")
    assert dialog.start_export() and not dialog.is_running()  # plots paint in the GUI thread, at once
    assert Image.open(tmp_path / "schedule.png").size[0] == 600
    dialog.close()  # deletes itself (WA_DeleteOnClose)
    qtbot.wait(10)


def test_nothing_to_export(qtbot, make_dialog):
    dialog = make_dialog({})
    assert dialog.what_combo.count() == 0 and not dialog.export_button.isEnabled()
    assert "Nothing to export" in dialog.status_label.text()
