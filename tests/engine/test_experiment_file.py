"""engine.experiment_file: the config plus the 2-D drawing in one file that the CLI's --config still reads."""
import json

import numpy as np
import pytest

from engine.config import ExperimentConfig
from engine.errors import ConfigError
from engine.experiment_file import (
    DRAWING_KEY,
    drawing_entry,
    drawing_points,
    experiment_json,
    load_experiment,
    save_experiment,
)
from engine.presets import default_config


def test_drawing_round_trips_exactly_and_the_config_loader_ignores_it(tmp_path):
    cfg = default_config("moons")
    cfg.training.lr = 0.000321
    points = np.random.default_rng(0).normal(size=(700, 2)) * 1.7
    path = tmp_path / "exp.json"
    save_experiment(path, cfg, {DRAWING_KEY: drawing_entry(points, trained=True)})
    text = path.read_text(encoding="utf-8")
    assert text.count("\n") < 800  # one point per line, not one number per line
    raw = json.loads(text)
    assert raw[DRAWING_KEY]["trained"] is True and len(raw[DRAWING_KEY]["points"]) == 700
    loaded, extras = load_experiment(path)
    assert loaded.to_dict() == cfg.to_dict()
    np.testing.assert_array_equal(drawing_points(extras[DRAWING_KEY]), points)  # float64, bit for bit
    assert ExperimentConfig.load(path).to_dict() == cfg.to_dict()  # what `diffusion-lab train --config` reads


def test_no_drawing_and_an_empty_drawing():
    cfg = ExperimentConfig()
    assert json.loads(experiment_json(cfg)) == cfg.to_dict()
    raw = json.loads(experiment_json(cfg, {DRAWING_KEY: drawing_entry(np.zeros((0, 2)))}))
    assert raw[DRAWING_KEY] == {"points": []}
    assert drawing_points(raw[DRAWING_KEY]).shape == (0, 2)
    with pytest.raises(ValueError, match="training"):
        experiment_json(cfg, {"training": {}})


@pytest.mark.parametrize(("entry", "field"), [
    ([1, 2], "drawing"),
    ({"points": "many"}, "drawing.points"),
    ({"points": [[0.0, 1.0], [2.0]]}, "drawing.points[1]"),
    ({"points": [[0.0, "x"]]}, "drawing.points[0]"),
    ({"points": [[0.0, True]]}, "drawing.points[0]"),
])
def test_a_bad_drawing_is_a_config_error_naming_the_entry(entry, field):
    with pytest.raises(ConfigError) as info:
        drawing_points(entry)
    assert info.value.field == field
    # NaN cannot come through JSON from our writer, but a hand-edited file may say NaN: refused too
    with pytest.raises(ConfigError):
        drawing_points({"points": [[float("nan"), 0.0]]})
