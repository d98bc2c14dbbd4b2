"""The equation strips of the Schedule, Forward, Training and Sampling tabs, driven through the real window: the
shared timeline moves the substituted values, symbols explain themselves on hover, the strip folds and remembers it,
and the Sampling strip shows the step a recorded run took."""
from __future__ import annotations

import math

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QToolTip

from engine.equations import format_number as fmt
from engine.schedules import NoiseSchedule


def _schedule(w) -> NoiseSchedule:
    s = w.config().schedule
    return NoiseSchedule(s.kind, s.timesteps, s.beta_start, s.beta_end, s.cosine_s, s.zero_terminal_snr)


def _choose(form, name: str, value: str) -> None:
    combo = form.field_widget(name)
    combo.setCurrentIndex(combo.findData(value))


def test_forward_strip_follows_the_timeline_and_the_schedule(main_window, qtbot):
    w = main_window
    panel = w.forward_panel
    w.tabs.setCurrentWidget(panel)
    for kind in ("linear", "cosine"):
        _choose(w.form, "schedule.kind", kind)
        qtbot.waitUntil(lambda kind=kind: w.config().schedule.kind == kind, timeout=3000)
        sched = _schedule(w)
        for p in (1, 500, 1000):
            w.timeline.set_position(p)
            a, s = float(sched.sqrt_alpha_bar[p - 1]), float(sched.sqrt_one_minus_alpha_bar[p - 1])
            assert f"x{p} = {fmt(a)}·x0 + {fmt(s)}·ε    (t = {p})" in panel.equation.text()
    w.timeline.set_position(0)
    assert "x0 = 1·x0 + 0·ε    (t = 0)" in panel.equation.text()
    assert panel.equation.reference.text() == "Ho et al. 2020, Eq. 4"


def test_schedule_strip_values_tooltips_and_theme(main_window, qtbot):
    w = main_window
    panel = w.schedule_panel
    w.tabs.setCurrentWidget(panel)
    w.form.field_widget("schedule.timesteps").setText("400")
    _choose(w.form, "schedule.kind", "sigmoid")
    qtbot.waitUntil(lambda: w.config().schedule.timesteps == 400 and w.config().schedule.kind == "sigmoid",
                    timeout=3000)
    sched = _schedule(w)
    for p in (1, 123, 400):
        w.timeline.set_position(p)
        i = p - 1
        ab = float(sched.alpha_bar[i])
        expected = [f"β{p} = {fmt(float(sched.betas[i]))}", f"α{p} = {fmt(1 - float(sched.betas[i]))}",
                    f"ᾱ{p} = {fmt(ab)}", f"√ᾱ{p} = {fmt(math.sqrt(ab))}", f"√(1−ᾱ{p}) = {fmt(math.sqrt(1 - ab))}",
                    f"SNR{p} = {fmt(ab / (1 - ab))}", f"log SNR{p} = {fmt(math.log(ab / (1 - ab)))}"]
        text = panel.equation.text()
        assert all(item in text for item in expected), (text, expected)
    # every symbol is a link with a tooltip saying what it is
    body = panel.equation.body
    assert 'href="sym:alpha_bar"' in body.text()
    body.linkHovered.emit("sym:alpha_bar")
    assert QToolTip.isVisible() and "how much of the signal" in QToolTip.text()
    body.linkHovered.emit("")  # off the symbol: the tooltip goes (after Qt's short fade)
    qtbot.waitUntil(lambda: not QToolTip.isVisible(), timeout=3000)
    # links look like the text around them, in either theme
    for name in ("light", "dark"):
        w.set_theme(name)
        color = body.palette().color(body.foregroundRole()).name()
        assert f'style="color:{color}; text-decoration:none"' in body.text()
        assert body.text().count("color:") >= 14


def test_strip_collapses_and_remembers_it(make_window, qtbot):
    w = make_window()
    strip = w.schedule_panel.equation
    w.tabs.setCurrentWidget(w.schedule_panel)
    assert strip.is_expanded() and strip.body.isVisible() and strip.toggle_button.text() == "▾ Equation"
    qtbot.mouseClick(strip.toggle_button, Qt.LeftButton)
    assert not strip.is_expanded() and not strip.body.isVisible() and strip.toggle_button.text() == "▸ Equation"
    assert w.forward_panel.equation.is_expanded()  # per tab
    w.timeline.set_position(77)
    assert "(t = 77)" not in strip.body.text()  # folded: nothing is built or painted while scrubbing
    assert "(t = 77)" in strip.text()  # ...but the text is current when asked for
    # a new window opens it folded; unfolding shows the current t, and is remembered too
    w2 = make_window()
    w2.tabs.setCurrentWidget(w2.schedule_panel)
    again = w2.schedule_panel.equation
    assert not again.is_expanded() and not again.body.isVisible()
    w2.timeline.set_position(88)
    qtbot.mouseClick(again.toggle_button, Qt.LeftButton)
    assert again.is_expanded() and again.body.isVisible() and "(t = 88)" in again.body.text()
    assert QSettings().value("equations/schedule_expanded") in (True, "true")


def test_training_strip_shows_the_loss_for_the_chosen_target(main_window, qtbot):
    w = main_window
    panel = w.training_panel
    w.tabs.setCurrentWidget(panel)
    _choose(w.form, "training.prediction", "v")
    _choose(w.form, "training.loss_weighting", "min_snr")
    qtbot.waitUntil(lambda: w.config().training.prediction == "v"
                    and w.config().training.loss_weighting == "min_snr", timeout=3000)
    sched = _schedule(w)
    w.timeline.set_position(300)
    a, s = float(sched.sqrt_alpha_bar[299]), float(sched.sqrt_one_minus_alpha_bar[299])
    snr = float(sched.snr[299])
    gamma = w.config().training.min_snr_gamma
    text = panel.equation.text()
    assert f"v = {fmt(a)}·ε − {fmt(s)}·x0" in text and f"x300 = {fmt(a)}·x0 + {fmt(s)}·ε" in text
    assert f"w300 = {fmt(min(snr, gamma) / (snr + 1))}" in text
    assert "Hang et al. 2023" in panel.equation.reference.text()
    w.timeline.set_position(0)  # training never draws t = 0: the formula alone
    assert "x300" not in panel.equation.text() and "t ≥ 1" in panel.equation.text()


def test_sampling_strip_shows_the_step_taken_after_a_run(make_window, qtbot):
    from engine.presets import quick_config
    from engine.training import Trainer

    w = make_window(size=(1280, 800))
    sampling = w.sampling_panel
    assert "Run the sampler" in sampling.equation.text()
    cfg = quick_config("moons")
    w.worker.set_trainer(Trainer(cfg))
    qtbot.waitUntil(lambda: sampling.run_button.isEnabled(), timeout=10000)
    w.tabs.setCurrentWidget(sampling)
    sched = NoiseSchedule.from_config(cfg.schedule)
    ab = [float(v) for v in sched.alpha_bar]

    sampling.sampler_combo.setCurrentIndex(sampling.sampler_combo.findData("ddim"))
    sampling.steps_spin.setValue(10)
    sampling.eta_spin.setValue(0.0)
    sampling.n_spin.setValue(64)
    with qtbot.waitSignal(w.worker.samplingFinished, timeout=30000) as done:
        qtbot.mouseClick(sampling.run_button, Qt.LeftButton)
    traj = done.args[0].trajectory
    for k in (0, 4, 9):
        w.timeline.set_position(k)
        t, t_next = traj.timesteps[k], traj.timesteps[k + 1]
        ab_next = ab[t_next] if t_next >= 0 else 1.0
        # Song et al. Eq. 12 with eta = 0: sqrt(ab_prev) x0 + sqrt(1 - ab_prev) eps
        assert (f"x{t_next + 1} = {fmt(math.sqrt(ab_next))}·xθ + {fmt(math.sqrt(1 - ab_next))}·εθ"
                in sampling.equation.text()), sampling.equation.text()
    assert sampling.equation.reference.text() == "Song et al. 2021, Eq. 12 and 16"

    sampling.sampler_combo.setCurrentIndex(sampling.sampler_combo.findData("ddpm"))
    with qtbot.waitSignal(w.worker.samplingFinished, timeout=30000) as done:
        qtbot.mouseClick(sampling.run_button, Qt.LeftButton)
    traj = done.args[0].trajectory
    w.timeline.set_position(3)
    t, t_next = traj.timesteps[3], traj.timesteps[4]
    alpha = ab[t] / ab[t_next]  # the respaced step's alpha (Nichol & Dhariwal 2021, Sec. 4)
    beta = 1 - alpha
    sigma = math.sqrt(beta * (1 - ab[t_next]) / (1 - ab[t]))
    inv = 1 / math.sqrt(alpha)
    assert (f"x{t_next + 1} = {fmt(inv)}·x{t + 1} − {fmt(inv * beta / math.sqrt(1 - ab[t]))}·εθ + {fmt(sigma)}·z"
            in sampling.equation.text()), sampling.equation.text()
    assert sampling.equation.reference.text() == "Ho et al. 2020, Algorithm 2"
    # the finished sample's frame shows the last step, which adds no noise
    w.timeline.set_position(len(traj) - 1)
    lines = sampling.equation.text().splitlines()
    last = next(line for line in lines if line.startswith("x0 = "))
    assert last.startswith(f"x0 = {fmt(1 / math.sqrt(ab[traj.timesteps[-2]]))}·x{traj.timesteps[-2] + 1}")
    assert "·z" not in last and "no noise" in sampling.equation.text()


def test_training_strip_shows_the_latest_loss(main_window, qtbot):
    w = main_window
    training = w.training_panel
    w.form.set_dataset("moons")
    for name, text in (("training.steps", "60"), ("training.batch_size", "64"), ("training.warmup_steps", "5")):
        w.form.set_field_text(name, text)
    w.form.widgets["model.preset"].setCurrentIndex(w.form.widgets["model.preset"].findData("tiny"))
    qtbot.waitUntil(lambda: w.form.is_valid() and w.config().training.steps == 60, timeout=5000)
    w.tabs.setCurrentWidget(training)
    assert "Latest loss" not in training.equation.text()
    with qtbot.waitSignal(w.worker.trainingFinished, timeout=60000):
        qtbot.mouseClick(training.start_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: "at step 60" in training.equation.text(), timeout=5000)
    loss = training.plots.last_smoothed_loss()
    assert math.isfinite(loss)
    assert f"Latest loss (smoothed): {fmt(loss)} at step 60" in training.equation.text()


def test_sampling_strip_on_a_branch_takes_each_frames_own_sampler(make_window, qtbot):
    from engine.presets import quick_config
    from engine.training import Trainer

    w = make_window(size=(1280, 800))
    sampling = w.sampling_panel
    w.worker.set_trainer(Trainer(quick_config("moons")))
    qtbot.waitUntil(lambda: sampling.run_button.isEnabled(), timeout=10000)
    w.tabs.setCurrentWidget(sampling)
    sampling.sampler_combo.setCurrentIndex(sampling.sampler_combo.findData("ddim"))
    sampling.steps_spin.setValue(10)
    sampling.n_spin.setValue(32)
    with qtbot.waitSignal(w.worker.samplingFinished, timeout=30000):
        qtbot.mouseClick(sampling.run_button, Qt.LeftButton)
    w.timeline.set_position(4)
    box = sampling.branches
    box.sampler_combo.set_sampler("dpmpp_2m")
    box.steps_spin.setValue(10)
    with qtbot.waitSignal(w.worker.branchFinished, timeout=30000):
        qtbot.mouseClick(box.branch_button, Qt.LeftButton)
    strip = sampling.equation
    w.timeline.set_position(2)  # before the branch point: the run's DDIM frames
    assert strip.reference.text() == "Song et al. 2021, Eq. 12 and 16"
    w.timeline.set_position(4)  # the branch point: DPM-Solver++(2M) without history, a first-order step
    assert strip.reference.text().startswith("Lu et al. 2022") and "No previous" in strip.text()
    w.timeline.set_position(5)  # then second order, with the previous step's x_θ
    assert "x′θ" in strip.text().splitlines()[1] and "No previous" not in strip.text()
