"""Every menu action and toolbar button of the real window, triggered while training, while sampling and while
exporting.

The actions are enumerated from the window itself (menu bar, submenus walked, and the toolbar), so a new action is
covered without editing this file. Blocking dialogs are replaced by recorders (tests/robustness/window_support.py):
file dialogs answer with a prepared file or cancel, message boxes are recorded. For each (state, action):

* the action returns within ACTION_LIMIT_S and the event loop keeps ticking (a 20 ms QTimer) — no deadlock;
* the app performs it or says why (a recorded dialog / message box, a status-bar message, a panel message, a new tab);
* the running job continues: training steps keep increasing, the sampler keeps producing frames or finishes with a
  trajectory (never aborted), the export keeps writing or finishes with a file (never cancelled or failed);
* Quit (last) closes the window and stops the engine thread within 5 s (while training it asks first: Stop).

Afterwards the model saves to a run folder that loads, and the exported files decode.
"""
from __future__ import annotations

import os
import time

import pytest
from PIL import Image
from PySide6.QtCore import QCoreApplication, QSettings
from window_support import (
    DialogRecorder,
    Ticker,
    action_name,
    close_stray_windows,
    close_window,
    make_window,
    set_training,
    window_actions,
)

pytestmark = [pytest.mark.timeout(300)]

ACTION_LIMIT_S = 5.0
PROGRESS_TIMEOUT_MS = 15000
STOPPING = {"Quit"}  # the only actions allowed to end the running job (tested last, separately)


@pytest.fixture(scope="module", autouse=True)
def _private_qsettings(tmp_path_factory):
    folder = tmp_path_factory.mktemp("qsettings-busy")
    QSettings.setDefaultFormat(QSettings.IniFormat)
    for scope in (QSettings.UserScope, QSettings.SystemScope):
        QSettings.setPath(QSettings.IniFormat, scope, str(folder))
    QCoreApplication.setOrganizationName("DiffusionLabTests")
    QCoreApplication.setApplicationName("DiffusionLabTests")


class TrainingJob:
    def __init__(self, window, qtbot):
        self.window, self.qtbot, self.step = window, qtbot, 0
        window.worker.progress.connect(self._on_progress)

    def _on_progress(self, event):
        self.step = max(self.step, int(event.step))

    def start(self):
        panel = self.window.training_panel
        self.window.tabs.setCurrentWidget(panel)
        panel.continue_check.setChecked(False)
        panel.start()
        self.qtbot.waitUntil(lambda: self.step > 3, timeout=60000)

    def mark(self):
        return self.step

    def continued(self, mark) -> bool:
        return self.step > mark

    def lost(self) -> str | None:
        return None if self.window.training_panel.state() in ("running", "paused") else "training stopped"

    def restart_if_done(self):
        pass

    def stop(self):
        panel = self.window.training_panel
        panel.stop()
        self.qtbot.waitUntil(lambda: panel.state() == "idle", timeout=10000)


class SamplingJob:
    def __init__(self, window, qtbot):
        from engine.presets import quick_config
        from engine.training import Trainer

        self.window, self.qtbot = window, qtbot
        self.frames = self.finished = self.aborted = 0
        self.running = False
        w = window.worker
        w.samplingProgress.connect(self._frame)
        w.samplingFinished.connect(self._finished)
        w.samplingAborted.connect(self._aborted)
        if w.model() is None:
            w.set_trainer(Trainer(quick_config()))

    def _frame(self, _event):
        self.frames += 1

    def _finished(self, _event):
        self.finished += 1
        self.running = False

    def _aborted(self, _event):
        self.aborted += 1
        self.running = False

    def start(self):
        panel = self.window.sampling_panel
        self.window.tabs.setCurrentWidget(panel)
        self.qtbot.waitUntil(lambda: panel.run_button.isEnabled(), timeout=30000)
        panel.sampler_combo.setCurrentIndex(panel.sampler_combo.findData("ddpm"))
        panel.steps_spin.setValue(1000)
        panel.n_spin.setValue(20000)
        self.running = True
        panel.run_button.click()
        n = self.frames
        self.qtbot.waitUntil(lambda: self.frames > n or not self.running, timeout=30000)

    def mark(self):
        return self.frames, self.finished

    def continued(self, mark) -> bool:
        return self.frames > mark[0] or self.finished > mark[1]

    def lost(self) -> str | None:
        return f"sampling aborted ({self.aborted}x)" if self.aborted else None

    def restart_if_done(self):
        if not self.running:
            self.start()

    def stop(self):
        if self.running:
            self.window.sampling_panel.cancel_button.click()
            self.qtbot.waitUntil(lambda: not self.running, timeout=15000)
            self.aborted = 0  # our own cancel


class ExportJob:
    def __init__(self, window, qtbot, folder):
        self.window, self.qtbot, self.folder = window, qtbot, folder
        self.dialog = None
        self.files: list = []
        self.failures: list[str] = []
        sampling = SamplingJob(window, qtbot)
        panel = window.sampling_panel
        window.tabs.setCurrentWidget(panel)
        qtbot.waitUntil(lambda: panel.run_button.isEnabled(), timeout=30000)
        panel.sampler_combo.setCurrentIndex(panel.sampler_combo.findData("ddpm"))
        panel.steps_spin.setValue(300)
        panel.n_spin.setValue(4000)
        with qtbot.waitSignal(window.worker.samplingFinished, timeout=120000):
            panel.run_button.click()
        assert sampling.finished == 1

    def start(self):
        from gui.export_dialog import ExportDialog

        if self.dialog is None:  # the real path: File > Export… on the Sampling tab opens the dialog
            self.window.tabs.setCurrentWidget(self.window.sampling_panel)
            self.window.export_current()
            dialogs = [d for d in self.window.findChildren(ExportDialog) if d.isVisible() and not d.is_running()]
            assert dialogs, "Export… opened no dialog on the Sampling tab"
            self.dialog = dialogs[-1]
            self.dialog.exported.connect(self.files.append)
        path = self.folder / f"busy-{len(self.files)}-{time.monotonic_ns()}.gif"
        self.dialog.set_path(path)
        assert self.dialog.start_export(), self.dialog.last_message

    def _value(self):
        return self.dialog.progress_bar.value()

    def mark(self):
        return self._value(), len(self.files)

    def continued(self, mark) -> bool:
        return self._value() > mark[0] or len(self.files) > mark[1]

    def lost(self) -> str | None:
        if not self.dialog.is_running() and "Saved" not in (self.dialog.last_message or ""):
            return f"export ended: {self.dialog.last_message}"
        return None

    def restart_if_done(self):
        if not self.dialog.is_running():  # finished: export again from the same dialog, to a new file
            self.start()

    def stop(self):
        self.dialog.shutdown()
        self.dialog.close()


def _said(window, recorder, before_tab, before_message) -> list[str]:
    """What the app showed the user after an action."""
    said = recorder.take()
    if window.training_panel.message() != before_message:
        said.append(f"training tab: {window.training_panel.message()}")
    if window.statusBar().currentMessage():
        said.append(f"status: {window.statusBar().currentMessage()}")
    if window.tabs.currentIndex() != before_tab:
        said.append(f"tab: {window.tabs.tabText(window.tabs.currentIndex())}")
    return said


@pytest.mark.parametrize("state", ["training", "sampling", "exporting"])
def test_every_action_while_busy(qtbot, tmp_path, monkeypatch, state):
    from engine.checkpoint import load_checkpoint

    window = make_window(tmp_path / "settings.ini")
    qtbot.waitExposed(window)
    set_training(window, qtbot)
    experiment = tmp_path / "experiment.json"
    window.config().save(experiment)
    ckpt = tmp_path / "given-run"
    recorder = DialogRecorder(monkeypatch, answers={
        "Open experiment": str(experiment), "Save experiment": str(tmp_path / "saved.json"),
        "Open checkpoint": str(ckpt / "checkpoint.safetensors"),
        "Save checkpoint": str(tmp_path / "saved-run" / "checkpoint.safetensors"),
    })
    from engine.checkpoint import save_checkpoint
    from engine.presets import quick_config
    from engine.training import Trainer

    given = Trainer(quick_config(steps=2))
    given.step()
    save_checkpoint(given, ckpt)

    job = {"training": lambda: TrainingJob(window, qtbot), "sampling": lambda: SamplingJob(window, qtbot),
           "exporting": lambda: ExportJob(window, qtbot, tmp_path)}[state]()
    job.start()
    recorder.take()
    keep = [job.dialog] if state == "exporting" else []
    ticker = Ticker()
    # View › Language is left out: it changes every text this test reads ("Saved", the action names); switching while
    # the switch itself is covered by tests/gui/test_i18n.py and tests/gui/test_chinese_journey.py
    languages = set(getattr(window, "language_actions", {}).values())
    actions = [a for a in window_actions(window) if action_name(a) not in STOPPING and a not in languages]
    matrix = []
    try:
        for act in actions:
            name = action_name(act)
            job.restart_if_done()
            window.statusBar().clearMessage()
            tab, mark, ticks = window.tabs.currentIndex(), job.mark(), ticker.ticks
            message = window.training_panel.message()
            t0 = time.perf_counter()
            act.trigger()
            spent = time.perf_counter() - t0
            assert spent < ACTION_LIMIT_S, f"{state}: {name} blocked the GUI thread for {spent:.1f} s"
            qtbot.waitUntil(lambda t=ticks: ticker.ticks > t + 3, timeout=5000)  # the event loop still runs
            said = _said(window, recorder, tab, message) + close_stray_windows(keep=keep)
            if act.isCheckable() or name.startswith(("Play", "Step", "First", "Last")) or act.isEnabled() is False:
                said = said or ["(a view toggle / timeline step: nothing to say)"]
            assert said, f"{state}: {name} did nothing visible and said nothing"
            if state == "training" and name == "Train":  # before: silently ignored (only switched tabs)
                assert any("Already training" in x for x in said), said
            qtbot.waitUntil(lambda m=mark: job.continued(m) or job.lost() is not None, timeout=PROGRESS_TIMEOUT_MS)
            assert job.lost() is None, f"{state}: {name}: {job.lost()}"
            matrix.append((state, name, round(spent, 3), said[:2]))
            if os.environ.get("DL_PRINT_MATRIX"):
                print(matrix[-1], flush=True)
    finally:
        ticker.stop()
    print(f"busy-action matrix ({state}): {len(matrix)} actions + Quit")
    assert len(matrix) == len(actions) >= 20

    # the model still saves to a run folder that loads, and exported files decode
    job.stop()
    window.training_panel.stop()  # "Train" may have started a run while sampling or exporting
    qtbot.waitUntil(lambda: window.training_panel.state() == "idle", timeout=15000)
    out = tmp_path / "after-run"
    with qtbot.waitSignal(window.worker.checkpointSaved, timeout=30000):
        window.worker.save_checkpoint(out)
    assert load_checkpoint(out).step >= (1 if state == "training" else 0)
    for path in getattr(job, "files", []):
        with Image.open(path) as im:
            assert im.n_frames > 1

    # Quit while busy: the window closes and the engine thread stops
    if state != "exporting":
        job.start()
    thread = window.worker._thread
    import gui.help_actions as help_actions

    asked = []  # while training, Quit asks (Stop and quit / Save checkpoint and quit / Cancel): answer Stop
    monkeypatch.setattr(help_actions, "ask_quit", lambda w: asked.append(w) or help_actions.QUIT_STOP)
    t0 = time.perf_counter()
    window.quit_action.trigger()
    assert len(asked) == (1 if state == "training" else 0)
    qtbot.waitUntil(lambda: thread.isFinished(), timeout=5000)
    assert time.perf_counter() - t0 < 5.0
    close_window(window, qtbot)
