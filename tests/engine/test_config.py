"""ExperimentConfig: JSON round trip and validation messages that name the field and its range."""
import json
import math

import pytest

from engine.config import ExperimentConfig
from engine.errors import ConfigError
from engine.presets import default_config


def test_json_round_trip(tmp_path):
    cfg = default_config("digits")
    cfg.schedule.kind = "cosine"
    cfg.training.lr = 3e-4
    cfg.save(tmp_path / "exp.json")
    back = ExperimentConfig.load(tmp_path / "exp.json")
    assert back == cfg and back.to_dict() == cfg.to_dict()
    assert json.loads((tmp_path / "exp.json").read_text())["schedule"]["kind"] == "cosine"


def test_defaults_are_valid():
    for name in ("moons", "swissroll", "digits", "shapes"):
        assert default_config(name).validate()


@pytest.mark.parametrize("section, name, value, fragment", [
    ("training", "lr", -1.0, "training.lr"),
    ("training", "lr", math.nan, "training.lr"),
    ("training", "steps", 0, "[1, 1e+07]"),
    ("training", "batch_size", 10**9, "training.batch_size"),
    ("schedule", "timesteps", 0, "schedule.timesteps"),
    ("schedule", "beta_end", 1.5, "(0, 1)"),
    ("data", "image_size", 2, "data.image_size"),
    ("sampling", "eta", 2.0, "sampling.eta"),
    ("training", "prediction", "noise", "eps, x0, v"),
    ("schedule", "kind", "exp", "schedule.kind"),
])
def test_invalid_values_name_field_and_range(section, name, value, fragment):
    cfg = default_config("moons")
    setattr(getattr(cfg, section), name, value)
    errors = cfg.errors()
    assert any(e.field == f"{section}.{name}" for e in errors)
    with pytest.raises(ConfigError) as info:
        cfg.validate()
    assert fragment in str(info.value)


def test_incompatible_combinations_are_caught():
    cfg = default_config("moons")
    cfg.sampling.steps = 2000  # > T
    assert any(e.field == "sampling.steps" for e in cfg.errors())
    cfg = default_config("digits")
    cfg.data.image_size = 10  # not divisible by the UNet's factor
    assert any(e.field == "data.image_size" and "divisible" in e.message for e in cfg.errors())
    cfg = default_config("swissroll")
    cfg.model.class_conditional = True  # unlabeled data
    assert any(e.field == "model.class_conditional" for e in cfg.errors())
    cfg = default_config("moons")
    cfg.schedule.zero_terminal_snr = True  # eps is undefined at SNR 0
    assert any(e.field == "training.prediction" for e in cfg.errors())


def test_from_dict_rejects_wrong_types_unknown_fields_and_newer_versions():
    with pytest.raises(ConfigError, match="training.lr"):
        ExperimentConfig.from_dict({"training": {"lr": "fast"}})
    with pytest.raises(ConfigError, match="training.bogus"):
        ExperimentConfig.from_dict({"training": {"bogus": 1}})
    with pytest.raises(ConfigError, match="newer"):
        ExperimentConfig.from_dict({"version": 99})
    with pytest.raises(ConfigError, match="not valid JSON"):
        ExperimentConfig.from_json("{nope")
