"""engine.presets.switch_dataset: untouched fields follow the new dataset's defaults, edited ones stay."""
from __future__ import annotations

from engine.presets import default_config, switch_dataset


def test_switch_moves_untouched_fields_to_the_new_defaults():
    moved = switch_dataset(default_config("moons"), "digits")
    assert moved == default_config("digits")
    assert switch_dataset(moved, "moons") == default_config("moons")
    assert switch_dataset(default_config("moons"), "swissroll") == default_config("swissroll")


def test_switch_keeps_edits_and_unparsed_text():
    cfg = default_config("moons")
    cfg.training.lr = 5e-4
    cfg.schedule.kind = "sigmoid"
    cfg.training.steps = "abc"  # a form's candidate may hold text that is not a number yet
    moved = switch_dataset(cfg, "digits")
    expected = default_config("digits")
    expected.training.lr, expected.schedule.kind, expected.training.steps = 5e-4, "sigmoid", "abc"
    assert moved == expected
    assert cfg.data.dataset == "moons"  # the argument is not changed
