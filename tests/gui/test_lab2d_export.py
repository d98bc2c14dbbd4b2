"""The 2-D lab's Export on the real window: the PNG figure, field.npz (the same file as ``diffusion-lab field``) and
the GIF over t, all written by a background job from arrays the worker computed."""
from __future__ import annotations

import numpy as np
from PIL import Image
from PySide6.QtCore import Qt

from engine.cli import main
from engine.export.field import NPZ_KEYS
from engine.export.field_figure import LEARNED_RGB
from engine.presets import quick_config
from gui.panels.lab2d import GRID, Lab2DPanel
from gui.panels.lab2d_export import animation_ts


def test_export_png_npz_and_gif_from_the_lab(main_window, qtbot, tmp_path):
    lab = main_window.lab2d_panel
    assert isinstance(lab, Lab2DPanel)
    main_window.tabs.setCurrentWidget(lab)
    worker = main_window.worker
    assert lab.exporter.button.isVisible() and len(lab.exporter.button.menu().actions()) == 3
    assert not lab.exporter.export("png", tmp_path / "early.png")  # no model yet: a message, no file
    assert "train a model" in lab.message() and not (tmp_path / "early.png").exists()

    main_window.form.set_config(quick_config("moons", steps=40, preview_every=0))
    lab.drawing.starter_combo.activated.emit(1)  # smiley
    with qtbot.waitSignal(worker.trainingFinished, timeout=120000):
        qtbot.mouseClick(lab.train_button, Qt.LeftButton)
    lab.t_slider.setValue(200)

    # field.npz: byte for byte the arrays the command line writes from a checkpoint of the same model
    with qtbot.waitSignal(lab.exporter.exported, timeout=30000) as done:
        assert lab.exporter.export("npz", tmp_path / "lab.npz")
    assert done.args[0].path == tmp_path / "lab.npz" and "Exported" in lab.message()
    with qtbot.waitSignal(worker.checkpointSaved, timeout=30000) as saved:
        worker.save_checkpoint(tmp_path / "run")
    cli = tmp_path / "cli.npz"
    assert main(["field", "--run", saved.args[0].path, "--t", "200", "--grid", str(GRID), "--out", str(cli)]) == 0
    with np.load(tmp_path / "lab.npz") as ours, np.load(cli) as theirs:
        assert sorted(ours.files) == sorted(theirs.files) == sorted(NPZ_KEYS)
        for key in NPZ_KEYS:
            assert ours[key].shape == theirs[key].shape and ours[key].dtype == theirs[key].dtype, key
            if ours[key].dtype.kind == "f":  # the CLI's process may use more threads: the last bit can differ
                np.testing.assert_allclose(ours[key], theirs[key], rtol=1e-5, atol=1e-6)
            else:
                np.testing.assert_array_equal(ours[key], theirs[key])
        assert ours["grid"].shape == (GRID * GRID, 2) and int(ours["t"]) == 200 and ours["data"].shape == (600, 2)

    # the PNG figure: arrows over the noised data beside the error heatmap, at the lab's t
    with qtbot.waitSignal(lab.exporter.exported, timeout=30000) as done:
        assert lab.exporter.export("png", tmp_path / "field.png")
    with Image.open(tmp_path / "field.png") as img:
        assert img.format == "PNG" and img.size == done.args[0].size and img.size[0] > 2 * img.size[1] - 200
        rgb = np.asarray(img.convert("RGB")).astype(int)
    half = rgb.shape[1] // 2
    assert (np.abs(rgb[:, :half] - LEARNED_RGB).sum(-1) == 0).sum() > 200  # learned arrows on the left
    assert len(np.unique(rgb[:400, half + 20:].reshape(-1, 3), axis=0)) > 10  # a heatmap on the right

    # the GIF: one frame per t from T down to 1
    with qtbot.waitSignal(lab.exporter.exported, timeout=60000) as done:
        assert lab.exporter.export("gif", tmp_path / "field.gif")
    ts = animation_ts(1000)
    assert done.args[0].frame_indices == list(ts) and ts[0] == 1000 and ts[-1] == 1
    with Image.open(tmp_path / "field.gif") as gif:
        assert gif.n_frames == len(ts) == 40


def test_ctrl_e_on_the_lab_opens_its_export_menu(main_window, monkeypatch):
    """File > Export (Ctrl+E) on the 2-D lab shows the tab's own Export menu instead of 'nothing to export'."""
    lab = main_window.lab2d_panel
    main_window.tabs.setCurrentWidget(lab)
    shown = []
    monkeypatch.setattr(lab.exporter.button, "showMenu", lambda: shown.append(True))  # the real one is modal
    monkeypatch.setattr("gui.main_window.QMessageBox.information", lambda *a: shown.append("message"))
    main_window.export_current()
    assert shown == [True]
