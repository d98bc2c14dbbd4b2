"""Switching the dataset in the window gives the new dataset's tuned defaults, like the CLI and the benchmark.

``diffusion-lab train --dataset digits`` and bench/ start from :func:`engine.presets.default_config`; the window
must train the same experiment after the user picks that dataset in the picker, except for fields the user edited.
"""
from __future__ import annotations

from engine.presets import default_config

# the sections a preset may tune; data.dataset differs by design, the rest of data must follow too
TUNED_SECTIONS = ("data", "schedule", "model", "training", "sampling")


def pick_dataset(window, qtbot, name: str) -> None:
    """Choose ``name`` in the dataset combo the way a user does: the popup sets the index, then emits activated."""
    combo = window.form.field_widget("data.dataset")
    index = combo.findData(name)
    assert index >= 0, name
    combo.setCurrentIndex(index)
    combo.activated.emit(index)
    qtbot.waitUntil(lambda: window.form.is_valid() and window.config().data.dataset == name, timeout=5000)


def assert_sections_equal(actual, expected, *, except_fields: dict[str, object] | None = None) -> None:
    except_fields = except_fields or {}
    for section in TUNED_SECTIONS:
        got = getattr(actual, section).__dict__
        want = dict(getattr(expected, section).__dict__)
        for path, value in except_fields.items():
            owner, key = path.split(".")
            if owner == section:
                want[key] = value
        assert got == want, f"{section}: window {got} != default_config {want}"


def set_choice(widget, value) -> None:
    widget.setCurrentIndex(widget.findData(value))


def test_switch_to_digits_trains_the_tuned_image_defaults(main_window, qtbot):
    w = main_window
    assert_sections_equal(w.config(), default_config("moons"))
    pick_dataset(w, qtbot, "digits")
    cfg = w.config()
    assert cfg.schedule.kind == "cosine"
    assert_sections_equal(cfg, default_config("digits"))
    # and back: the 2-D defaults again (linear schedule, eps, the MLP's settings)
    pick_dataset(w, qtbot, "moons")
    assert_sections_equal(w.config(), default_config("moons"))


def test_switch_to_shapes_and_between_point_sets(main_window, qtbot):
    w = main_window
    pick_dataset(w, qtbot, "shapes")
    assert_sections_equal(w.config(), default_config("shapes"))
    pick_dataset(w, qtbot, "swissroll")
    assert_sections_equal(w.config(), default_config("swissroll"))
    pick_dataset(w, qtbot, "spiral")
    assert_sections_equal(w.config(), default_config("spiral"))


def test_fields_the_user_edited_survive_the_switch(main_window, qtbot):
    w = main_window
    form = w.form
    form.field_widget("training.lr").setText("5e-4")
    form.field_widget("schedule.timesteps").setText("500")
    set_choice(form.field_widget("schedule.kind"), "sigmoid")
    qtbot.waitUntil(lambda: w.config().training.lr == 5e-4 and w.config().schedule.kind == "sigmoid", timeout=5000)
    edited = {"training.lr": 5e-4, "schedule.timesteps": 500, "schedule.kind": "sigmoid"}

    pick_dataset(w, qtbot, "digits")
    assert_sections_equal(w.config(), default_config("digits"), except_fields=edited)
    assert form.field_widget("training.lr").text() == "0.0005"
    assert form.field_widget("schedule.kind").currentData() == "sigmoid"

    pick_dataset(w, qtbot, "moons")
    assert_sections_equal(w.config(), default_config("moons"), except_fields=edited)
