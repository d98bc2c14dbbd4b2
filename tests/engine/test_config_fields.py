"""Field metadata (engine.config_fields): one declaration per setting feeds validation, the forms and the CLI."""
from __future__ import annotations

import dataclasses

import pytest
import torch

from engine import config as config_module
from engine.config import ExperimentConfig
from engine.config_fields import all_field_specs, cli_fields, field_for_flag, field_spec, flag_for_field

RANGED = [spec for spec in all_field_specs() if spec.range is not None]


def test_every_field_of_every_section_has_a_spec_with_label_and_help():
    paths = {spec.path for spec in all_field_specs()}
    cfg = ExperimentConfig()
    for section in ("data", "schedule", "model", "training", "sampling"):
        for f in dataclasses.fields(getattr(cfg, section)):
            assert f"{section}.{f.name}" in paths
    for spec in all_field_specs():
        assert spec.label and spec.help, spec.path
        assert spec.default == getattr(getattr(cfg, spec.section), spec.key)
        assert spec.type in (int, float, bool, str), spec.path
    with pytest.raises(KeyError, match="training.bogus"):
        field_spec("training.bogus")


@pytest.mark.parametrize("path, tuple_name", [
    ("schedule.kind", "SCHEDULE_KINDS"), ("training.prediction", "PREDICTIONS"),
    ("training.loss_weighting", "LOSS_WEIGHTINGS"), ("model.preset", "MODEL_PRESETS"),
    ("training.device", "DEVICES"), ("sampling.sampler", "SAMPLERS"), ("sampling.ddpm_variance", "DDPM_VARIANCES"),
    ("sampling.timestep_spacing", "TIMESTEP_SPACINGS"),
])
def test_choices_come_from_the_literal_that_the_tuple_is_derived_from(path, tuple_name):
    spec = field_spec(path)
    assert spec.choices == getattr(config_module, tuple_name) and spec.type is str
    assert spec.default in spec.choices
    cfg = ExperimentConfig()
    setattr(getattr(cfg, spec.section), spec.key, "nonsense")
    message = next(e.message for e in cfg.errors() if e.field == path)
    assert message == f"must be one of {', '.join(spec.choices)}; got 'nonsense'"


def test_builtin_datasets_are_the_two_literals():
    assert config_module.BUILTIN_DATASETS == config_module.POINT_DATASETS + config_module.IMAGE_DATASETS
    assert "moons" in config_module.POINT_DATASETS and "digits" in config_module.IMAGE_DATASETS


@pytest.mark.parametrize("spec", RANGED, ids=[s.path for s in RANGED])
def test_validation_reads_each_range_from_the_metadata(spec):
    """Values at closed ends pass, just outside fail, and the message quotes the declared range."""
    rng = spec.range

    def error_for(value):
        cfg = ExperimentConfig()
        setattr(getattr(cfg, spec.section), spec.key, value)
        # the range error only (sampling.steps = 100000 is in range but also > schedule.timesteps)
        return next((e for e in cfg.errors() if e.field == spec.path and rng.interval() in e.message), None)

    step = 1 if spec.type is int else max(abs(rng.hi), abs(rng.lo), 1.0) * 1e-9
    for end, is_open, outside in ((rng.lo, rng.lo_open, rng.lo - step), (rng.hi, rng.hi_open, rng.hi + step)):
        value = spec.type(end)
        if not (rng.or_zero and value == 0):
            assert (error_for(value) is not None) == is_open, (spec.path, value)
        err = error_for(spec.type(outside) if spec.type is int else outside)
        if not (rng.or_zero and outside == 0):
            assert err is not None and rng.interval() in err.message and spec.allowed in err.message
    if rng.or_zero:
        assert error_for(spec.type(0)) is None


def test_allowed_wording_of_fields_without_a_range():
    assert field_spec("data.channels").allowed == "0 (native), 1 or 3"
    assert field_spec("training.lr").allowed == "a number in (0, 1]"
    assert field_spec("training.steps").allowed == "an integer in [1, 1e+07]"
    assert field_spec("data.image_size").allowed == "an integer in [4, 256] or 0"
    cfg = ExperimentConfig()
    cfg.data.channels = 2
    assert [str(e) for e in cfg.errors()] == ["data.channels: must be 0 (native), 1 or 3; got 2"]
    cfg = ExperimentConfig()
    cfg.data.dataset = " "
    assert "must name a built-in dataset (moons" in cfg.errors()[0].message


def test_the_cli_parser_is_built_from_the_metadata():
    """Every config flag of train and sample exists with the field's dest, choices and allowed-values text, and the
    flags set exactly the fields that declare one."""
    from engine.cli import build_parser
    from engine.cli.common import allowed_range

    parser = build_parser()
    subcommands = next(a for a in parser._actions if a.dest == "command").choices
    for command in ("train", "sample"):
        actions = subcommands[command]._option_string_actions
        specs = cli_fields(command)
        assert specs
        for spec in specs:
            action = actions[spec.cli_flag]
            assert action.dest == spec.cli_dest and action.default is None, spec.path
            assert tuple(action.choices or ()) == spec.choices, spec.path
            assert field_for_flag(command, spec.cli_flag) is spec
            if spec.path != "data.dataset":
                assert allowed_range(command, spec.cli_flag) == spec.allowed, spec.path
    declared = {spec.path for spec in all_field_specs() if spec.cli_flag}
    assert declared == {spec.path for command in ("train", "sample") for spec in cli_fields(command)}
    assert field_for_flag("train", "--steps").path == "training.steps"
    assert field_for_flag("sample", "--steps").path == "sampling.steps"
    assert field_for_flag("sample", "--lr") is None
    assert flag_for_field("config") is None and flag_for_field("training.warmup_steps") is None
    assert allowed_range("sample", "--sampler") == "one of ddpm, ddim, dpmpp_2m, euler, heun"


def test_schedule_tooltips_say_how_quadratic_and_sigmoid_differ_from_the_same_names_elsewhere():
    from engine.schedules import NoiseSchedule

    help_for = field_spec("schedule.kind").choice_help
    assert set(help_for) == set(config_module.SCHEDULE_KINDS)
    assert "quad" in help_for["quadratic"] and "scaled_linear" in help_for["quadratic"]
    assert "diffusers" in help_for["sigmoid"] and "not renormalized" in help_for["sigmoid"]
    T, b0, b1 = 1000, 1e-4, 0.02
    betas = {k: NoiseSchedule(k, T, b0, b1).betas for k in ("quadratic", "sigmoid", "scaled_linear")}
    u = torch.linspace(0, 1, T, dtype=torch.float64)
    # this project's quadratic is quadratic in t; Ho et al.'s "quad" (linear in sqrt(beta)) is scaled_linear here
    assert torch.allclose(betas["quadratic"], b0 + (b1 - b0) * u ** 2)
    ho_quad = torch.linspace(b0 ** 0.5, b1 ** 0.5, T, dtype=torch.float64) ** 2
    assert torch.allclose(betas["scaled_linear"], ho_quad)
    # sigmoid hits both endpoints exactly; diffusers' formula misses them by sigmoid(-6) ~ 0.25% of the span
    assert betas["sigmoid"][0].item() == pytest.approx(b0) and betas["sigmoid"][-1].item() == pytest.approx(b1)
    diffusers = torch.sigmoid(torch.linspace(-6, 6, T, dtype=torch.float64)) * (b1 - b0) + b0
    assert (diffusers[0].item() - b0) / (b1 - b0) == pytest.approx(0.0025, abs=5e-5)
