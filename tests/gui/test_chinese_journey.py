"""The issue's journey for a reader of Chinese, with the real window: switch View › Language to 简体中文, pick moons
in the Experiment dock, train with Run › Train, scrub the Forward tab and read the live equation at each t, sample,
open the Training plots, compare two samplers, then a digits model's image views. Every text on screen then —
including the ones that appear only after data arrives (status bar readouts, messages, legends, progress) — is
checked by test_i18n's "no English left" checker."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import re

import numpy as np
import pytest
import torch
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QProgressBar

from engine.equations import format_number as fmt
from gui.retranslate import ShownText, collect_texts
from tests.gui.test_i18n import _choose, _visit_every_view, english_after, english_report, english_words  # noqa: F401

# test_i18n's fixture (imported above): whatever a test switches to, the next test starts in English
pytestmark = pytest.mark.usefixtures("english_after")
CJK = re.compile(r"[\u4e00-\u9fff]")


def _pick(form, name: str, key: str) -> None:
    """Choose an engine key in one of the dock's combo boxes, as a click on the item would."""
    combo = form.field_widget(name)
    combo.setCurrentIndex(combo.findData(key))


def _set_up_run(qtbot, w, dataset: str, steps: int, quality_every: int = 0) -> None:
    _pick(w.form, "data.dataset", dataset)
    for name, text in (("training.steps", str(steps)), ("training.batch_size", "64"),
                       ("training.warmup_steps", "5"), ("training.quality_every", str(quality_every))):
        w.form.set_field_text(name, text)
    _pick(w.form, "model.preset", "tiny")
    qtbot.waitUntil(lambda: w.form.is_valid() and w.config().data.dataset == dataset
                    and w.config().training.steps == steps, timeout=5000)


def _on_screen(w) -> list[ShownText]:
    """collect_texts plus the texts drawn inside the visible progress bars ("%v / %m steps", "run 1/2")."""
    bars = [ShownText(f"{bar.parent().metaObject().className()}/QProgressBar", "QProgressBar.text", bar.text())
            for bar in w.findChildren(QProgressBar) if bar.isVisible() and bar.isTextVisible()]
    return collect_texts(w) + bars


def _while_running(w, signal, seen: list[ShownText]) -> None:
    """What is on screen at the first progress event of a run (mid-run messages, readouts, progress bars)."""
    def grab(_event) -> None:
        if not seen:
            seen.extend(_on_screen(w))
    signal.connect(grab)


def _train(qtbot, w, seen: list[ShownText]) -> None:
    """Run › Train (Ctrl+Enter), then wait for the run to end and the tab to settle."""
    w.training_panel.continue_check.setChecked(False)
    mid: list[ShownText] = []
    _while_running(w, w.worker.progress, mid)
    with qtbot.waitSignal(w.worker.trainingFinished, timeout=60000) as done:
        w.train_action.trigger()
    assert mid, "no progress event during training"
    seen += mid
    assert done.args[0].reason == "finished"
    qtbot.waitUntil(lambda: w.training_panel.state() == "idle", timeout=5000)


def _sample(qtbot, w, n: int, seen: list[ShownText]) -> None:
    panel = w.sampling_panel
    w.tabs.setCurrentWidget(panel)
    panel.sampler_combo.set_sampler("ddim")
    panel.steps_spin.setValue(8)
    panel.n_spin.setValue(n)
    qtbot.waitUntil(panel.run_button.isEnabled, timeout=10000)
    mid: list[ShownText] = []
    _while_running(w, w.worker.samplingProgress, mid)
    with qtbot.waitSignal(w.worker.samplingFinished, timeout=30000):
        qtbot.mouseClick(panel.run_button, Qt.LeftButton)
    QApplication.processEvents()
    assert mid, "no progress event during sampling"
    seen += mid + _on_screen(w)
    for k in (0, 3):  # scrub the recorded run: the timeline's step labels and the strip's update at each step
        w.timeline.set_position(k)
        seen += _on_screen(w)


def _english(texts, where: str) -> list[str]:
    """The checker's report for ``texts`` under a heading; nothing when every word is Chinese or allowed."""
    report = english_report(texts)
    return [f"--- {where}:\n{report}"] if report else []


def test_a_chinese_reader_trains_scrubs_samples_and_compares(qtbot, make_window):
    w = make_window(size=(1400, 900))
    left: list[str] = []  # every place with English, reported at once
    running: list[ShownText] = []  # what shows mid-run and right after each run
    assert w.tabs.tabText(0) == "Schedule"
    _choose(w, "简体中文")
    assert w.tabs.tabText(0) == "噪声调度"
    notes: list[str] = []  # the status bar's transient lines (after training, sampling, comparing)
    w.statusBar().messageChanged.connect(lambda text: notes.append(text) if text else None)

    _set_up_run(qtbot, w, "moons", 300, quality_every=30)  # live quality scores: their readout and plot
    scores = []
    w.worker.qualityScored.connect(scores.append)
    _train(qtbot, w, running)
    assert scores and w.training_panel.plots.quality_label.text()
    assert "300" in w.status.step_label.text() and CJK.search(w.status.step_label.text())

    # the Forward tab: the equation strip's numbers are the schedule's at every t, its words Chinese
    panel = w.forward_panel
    w.tabs.setCurrentWidget(panel)
    sched = panel.schedule()
    for p in (1, 37, 500, sched.timesteps):
        w.timeline.set_position(p)
        a, s = float(sched.sqrt_alpha_bar[p - 1]), float(sched.sqrt_one_minus_alpha_bar[p - 1])
        text = panel.equation.text()
        assert f"x{p} = {fmt(a)}·x0 + {fmt(s)}·ε    (t = {p})" in text, text
        assert CJK.search(text) and not english_words(text), text
        assert not english_words(w.timeline_dock.windowTitle())
        left += _english(collect_texts(w), f"Forward at t = {p}")

    _sample(qtbot, w, 64, running)
    assert CJK.search(w.sampling_panel.message())

    compare = w.compare_panel
    w.tabs.setCurrentWidget(compare)
    compare.remove_column(compare.columns[-1])  # DDIM-10 and DPM++(2M)-10: two samplers, seconds
    compare.n_spin.setValue(64)
    mid: list[ShownText] = []
    _while_running(w, w.worker.compareProgress, mid)
    with qtbot.waitSignal(w.worker.compareFinished, timeout=30000):
        qtbot.mouseClick(compare.run_button, Qt.LeftButton)
    QApplication.processEvents()
    assert mid, "no progress event during the comparison"
    running += mid + _on_screen(w)
    for k in (0, w.timeline.count() // 2):
        w.timeline.set_position(k)
        running += _on_screen(w)

    seen = _visit_every_view(w)  # every tab and every nested tab page: Training's plots, Compare's views...
    left += _english(seen, "moons, after training, sampling and comparing")

    # digits: the image views of Forward, Sampling and Training with a model loaded
    _set_up_run(qtbot, w, "digits", 4)
    w.tabs.setCurrentWidget(w.forward_panel)
    qtbot.waitUntil(lambda: w.forward_panel.mode == "images" and w.forward_panel.x0 is not None, timeout=30000)
    _train(qtbot, w, running)
    _sample(qtbot, w, 16, running)
    seen = []
    for tab in (w.forward_panel, w.sampling_panel, w.training_panel):
        w.tabs.setCurrentWidget(tab)
        QApplication.processEvents()
        seen += _on_screen(w)
    left += _english(seen, "digits")
    assert len(running) > 100
    left += _english(running, "while running and right after each run")
    assert notes
    left += _english([ShownText("MainWindow/WindowStatusBar", "QStatusBar.message", n) for n in notes],
                     "status bar messages")
    assert not left, "English left on screen:\n" + "\n".join(left)

    # and back: every text composed after the runs (messages, readouts, legends) follows the switch to English
    _choose(w, "English")
    shown = _visit_every_view(w) + _on_screen(w)
    chinese = sorted({f"{t.path} :: {t.kind}: {t.text!r}" for t in shown if CJK.search(t.text)})
    assert not chinese, "Chinese left after switching back to English:\n" + "\n".join(chinese)


def test_every_equation_reference_reads_in_chinese(qapp):
    """The strip's paper references come from the engine in English; their words (not the names and numbers) are
    translated where shown, for every sampler's step and every loss the Training tab can show."""
    from engine.config import LOSS_WEIGHTINGS, PREDICTIONS, SAMPLERS
    from engine.equations import loss_equation, step_at
    from engine.samplers import sampling_timesteps
    from engine.schedules import NoiseSchedule
    from gui import i18n
    from gui.widgets.equation_strip import reference_text

    sched = NoiseSchedule("linear", 1000)
    ts = sampling_timesteps(1000, 10)
    refs = {step_at(sched, ts, int(t), sampler).reference for sampler in SAMPLERS for t in (*ts[:2], ts[-1])}
    refs |= {loss_equation(sched, 300, p, w).reference for p in PREDICTIONS for w in LOSS_WEIGHTINGS}
    i18n.install(qapp, "zh_CN")
    left = {ref: reference_text(ref) for ref in refs if english_words(reference_text(ref))}
    assert len(refs) >= 8 and not left, left


def test_the_engines_messages_read_in_chinese(qapp, nan_after):
    """The real messages of engine/session.py and engine/training.py (a run stopped, out of time, finished, diverged),
    a cancelled inversion, the variational bound's summary and the engine's device name: in English exactly as the
    engine wrote them, in Chinese with the numbers kept."""
    from engine.bound import BoundResult
    from engine.bound_report import bound_summary
    from engine.errors import TrainingStopped
    from engine.presets import quick_config
    from engine.samplers.inversion import InversionCancelled, ddim_invert
    from engine.session import Control, TrainingSession
    from engine.training import Trainer
    from gui import i18n
    from gui.engine_messages import device_text, engine_message

    trainer = Trainer(quick_config("moons", steps=3, preview_every=0))
    messages = [TrainingSession(trainer).run(preview_every=0).message,  # finished 3 steps
                TrainingSession(trainer).run(preview_every=0, total_steps=10, time_budget=1e-9).message]
    stopped = Control()
    stopped.stop()
    messages.append(TrainingSession(trainer, stopped).run(preview_every=0, total_steps=10).message)
    nan_after(0)
    try:
        trainer.step()
    except TrainingStopped as exc:
        messages.append(str(exc))
    try:  # the Inversion tab's cancel, before the first step
        ddim_invert(None, trainer.schedule, torch.zeros(2, 2), 10, cancel=lambda: True)
    except InversionCancelled as exc:
        messages.append(str(exc))
    for evaluated in (np.ones(8, bool), np.r_[True, False, True, True, False, True, False, True]):  # exact, estimated
        messages.append(bound_summary(BoundResult(
            per_t_nats=np.full(8, 0.1), per_t_stderr=np.full(8, 0.01), prior_nats=0.002, decoder_nats=0.5,
            kl_nats=1.25, total_nats=1.752, total_stderr=0.03, per_sample_nats=np.full(4, 1.75),
            evaluated=evaluated, decoder="gaussian", variance="beta_tilde")))
    assert len(messages) == 7 and messages[0] == "finished 3 steps" and "estimated from 4 KL" in messages[-1]
    # English: the engine's own words (a NaN loss spelt as the number it is)
    assert [engine_message(m) for m in messages] == [m.replace("became nan", "became NaN") for m in messages]
    assert device_text(trainer.device_name) == trainer.device_name
    i18n.install(qapp, "zh_CN")
    for message in [*messages, trainer.device_name]:
        shown = device_text(message) if message == trainer.device_name else engine_message(message)
        assert CJK.search(shown) and not english_words(shown), (message, shown)
        assert sorted(re.findall(r"\d+", shown)) == sorted(re.findall(r"\d+", message)), shown
