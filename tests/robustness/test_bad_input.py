"""Bad input: every numeric CLI flag and config field with out-of-range, zero, negative, NaN, inf, huge and
non-numeric values gets a message naming the field and its allowed range, and nothing starts (no run folder, no
output file). Incompatible combinations are caught before training.

(Data sources under abuse are covered by test_data_sources.py.)
"""
from __future__ import annotations

import dataclasses
import json
import math
import re

import pytest
import torch

from engine.cli import main
from engine.config import ExperimentConfig
from engine.errors import ConfigError

BAD_VALUES = ["0", "-1", "nan", "inf", "-inf", "1e400", "abc", "1e12", "99999999999999999999999", "1.5", ""]
RANGE = re.compile(r"[\[(]-?[\d.e+]+, -?[\d.e+]+[\])]|choose from|>= ?\d|allowed:|one of")


@pytest.fixture(autouse=True, scope="module")
def _one_thread():
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@dataclasses.dataclass(frozen=True)
class Flag:
    lo: float
    hi: float
    integer: bool = False
    lo_open: bool = False
    hi_open: bool = False
    zero_ok: bool = False  # 0 means "off / native / automatic"

    def accepts(self, text: str) -> bool:
        try:
            value = float(text)
        except ValueError:
            return False
        if not math.isfinite(value) or (self.integer and not value.is_integer()):
            return False
        if self.zero_ok and value == 0:
            return True
        above_lo = value > self.lo if self.lo_open else value >= self.lo
        below_hi = value < self.hi if self.hi_open else value <= self.hi
        return above_lo and below_hi


INT_MAX = 2**63 - 1
# The contract: what each numeric flag accepts (the CLI's defaults make the combination checks pass otherwise).
FLAGS = {
    "train": {
        "--steps": Flag(1, 1e7, True), "--batch-size": Flag(1, 65536, True), "--lr": Flag(0, 1, lo_open=True),
        "--timesteps": Flag(1, 100_000, True), "--beta-start": Flag(0, 0.02, lo_open=True),  # <= beta_end
        "--beta-end": Flag(1e-4, 1, hi_open=True),  # >= beta_start
        "--image-size": Flag(4, 256, True, zero_ok=True), "--ema-decay": Flag(0, 1, hi_open=True),
        "--seed": Flag(0, INT_MAX, True), "--time-budget": Flag(0, 1e7), "--channels": Flag(1, 3, True),
        "--p-uncond": Flag(0, 1, hi_open=True),
        "--timelapse-every": Flag(0, math.inf, True),  # any N >= 0 (a huge N means "never")
    },
    "sample": {
        "--steps": Flag(1, 1000, True), "--eta": Flag(0, 1), "--n": Flag(1, 100_000, True),
        "--seed": Flag(0, INT_MAX, True), "--guidance-scale": Flag(0, 100), "--class-label": Flag(-2, 1e6, True),
        "--class": Flag(-2, 1e6, True), "--negative-class": Flag(-1, 1e6, True),
    },
    "schedule": {
        "--timesteps": Flag(1, 100_000, True), "--beta-start": Flag(0, 0.02, lo_open=True),
        "--beta-end": Flag(1e-4, 1, hi_open=True),
    },
    "forward": {
        "--timesteps": Flag(1, 100_000, True), "--beta-start": Flag(0, 0.02, lo_open=True),
        "--beta-end": Flag(1e-4, 1, hi_open=True), "--image-size": Flag(4, 256, True, zero_ok=True),
        "--seed": Flag(0, INT_MAX, True), "--scale": Flag(0, 32, True),
        "--index": Flag(0, math.inf, True),  # vs the data: below
        "--t": Flag(0, 1000, True),
    },
}
# the --channels flag takes 0 (native), 1 or 3: the choices of data.channels
CHANNEL_VALUES = {"0", "1", "3"}


def _cases(command: str):
    for flag, spec in FLAGS[command].items():
        for value in BAD_VALUES:
            ok = value in CHANNEL_VALUES if flag == "--channels" else spec.accepts(value)
            if not ok:
                yield pytest.param(flag, value, id=f"{flag}={value or 'empty'}")


def _base_argv(command: str, tmp_path, run_dir, flag: str = "") -> tuple[list[str], object]:
    if command == "train":
        out = tmp_path / "run"
        quick = {"--steps": "2", "--batch-size": "8"}  # so that a wrongly accepted value costs little
        extra = [f"{k}={v}" for k, v in quick.items() if k != flag]
        return ["train", "--dataset", "moons", "--model", "tiny", "--quiet", *extra, "--out", str(out)], out
    if command == "sample":
        out = tmp_path / "samples.png"
        return ["sample", "--run", str(run_dir), "--out", str(out)], out
    if command == "schedule":
        out = tmp_path / "schedule.csv"
        return ["schedule", "--schedule", "linear", "--out", str(out)], out
    out = tmp_path / "forward.png"
    return ["forward", "--dataset", "moons", "--out", str(out)], out


def _assert_refused(capsys, argv, flag, out):
    code = main(argv)
    captured = capsys.readouterr()
    lines = [line for line in captured.err.splitlines() if line.strip()]
    assert code == 2, f"{argv}: exit {code}, stderr {captured.err!r}"
    assert len(lines) == 1, f"expected one line, got {lines}"
    line = lines[0]
    assert flag in line, f"the message does not name {flag}: {line}"
    assert RANGE.search(line), f"the message does not give the allowed range: {line}"
    assert "Traceback" not in captured.err
    assert not out.exists(), f"{out} was written although the input was refused"
    return line


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    """A real (tiny) trained run for the sample command."""
    folder = tmp_path_factory.mktemp("bad-input") / "run"
    code = main(["train", "--dataset", "moons", "--model", "tiny", "--steps", "3", "--batch-size", "16", "--quiet",
                 "--out", str(folder)])
    assert code == 0
    return folder


@pytest.mark.parametrize("command", ["train", "sample", "schedule", "forward"])
def test_every_numeric_flag_rejects_bad_values(command, capsys, tmp_path, run_dir):
    tried = 0
    for param in _cases(command):
        flag, value = param.values
        argv, out = _base_argv(command, tmp_path, run_dir, flag)
        argv += [f"{flag}={value}"]  # "=" so "-1" / "" are values, not options
        _assert_refused(capsys, argv, flag, out)
        tried += 1
    assert tried >= 4 * len(FLAGS[command])


def test_train_message_examples(capsys, tmp_path):
    out = tmp_path / "run"
    line = _assert_refused(capsys, ["train", "--steps=nan", "--out", str(out)], "--steps", out)
    assert "[1, 1e+07]" in line
    line = _assert_refused(capsys, ["train", "--lr=abc", "--out", str(out)], "--lr", out)
    assert "(0, 1]" in line
    line = _assert_refused(capsys, ["train", "--batch-size=0", "--out", str(out)], "--batch-size", out)
    assert "training.batch_size" in line and "[1, 65536]" in line


# ---------------------------------------------------------------- export (engine/export/)
EXPORT_FLAGS = ["--fps", "--duration", "--every", "--max-frames", "--hold", "--scale", "--padding", "--sample",
                "--nrow", "--quality", "--trails", "--plot-size", "--steps", "--eta", "--n", "--seed", "--index", "--t",
                "--width", "--height"]


@pytest.mark.parametrize("value", ["nan", "inf", "1e400", "abc"])
def test_export_flags_reject_non_numbers(value, capsys, tmp_path, run_dir):
    pytest.importorskip("engine.export")
    out = tmp_path / "anim.gif"
    for flag in EXPORT_FLAGS:
        code = main(["export", "--run", str(run_dir), "--what", "reverse", "--out", str(out), f"{flag}={value}"])
        err = capsys.readouterr().err.strip().splitlines()
        assert code == 2 and len(err) == 1 and flag in err[0], (flag, value, err)
        assert not out.exists()


@pytest.mark.parametrize("flag,value", [("--fps", "0"), ("--fps", "-1"), ("--fps", "1e12"), ("--duration", "0"),
                                        ("--quality", "0"), ("--quality", "1e12"), ("--padding", "-1"),
                                        ("--plot-size", "-1"), ("--scale", "1e12"), ("--hold", "-1"),
                                        ("--every", "0"), ("--max-frames", "-1"), ("--trails", "-1")])
def test_export_option_ranges(flag, value, capsys, tmp_path, run_dir):
    pytest.importorskip("engine.export")
    out = tmp_path / "anim.gif"
    code = main(["export", "--run", str(run_dir), "--what", "reverse", "--out", str(out), f"{flag}={value}"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1, err
    assert not out.exists()
    assert RANGE.search(err[0]) or ">= 1" in err[0], err[0]
    name = flag.lstrip("-").replace("-", "_")
    assert flag in err[0] or name in err[0], f"the message does not name {flag}: {err[0]}"


# ---------------------------------------------------------------- config JSON fields
@dataclasses.dataclass(frozen=True)
class Field:
    lo: float
    hi: float
    integer: bool = False
    lo_open: bool = False
    hi_open: bool = False
    zero_ok: bool = False


CONFIG_FIELDS = {
    "data.image_size": Field(4, 256, True, zero_ok=True), "data.n_points": Field(16, 1e6, True),
    "data.max_items": Field(1, 1e7, True, zero_ok=True),
    "schedule.timesteps": Field(1, 1e5, True), "schedule.beta_start": Field(0, 0.02, lo_open=True),
    "schedule.beta_end": Field(1e-4, 1, hi_open=True), "schedule.cosine_s": Field(0, 1, lo_open=True),
    "model.dropout": Field(0, 1, hi_open=True),
    "training.steps": Field(1, 1e7, True), "training.batch_size": Field(1, 65536, True),
    "training.lr": Field(0, 1, lo_open=True), "training.warmup_steps": Field(0, 1e7, True),
    "training.weight_decay": Field(0, 1), "training.grad_clip": Field(0, 1e6),
    "training.ema_decay": Field(0, 1, hi_open=True),
    "training.min_snr_gamma": Field(0, 1e6, lo_open=True), "training.cond_drop_prob": Field(0, 1, hi_open=True),
    "training.seed": Field(0, INT_MAX, True), "training.preview_every": Field(1, 1e7, True, zero_ok=True),
    "training.time_budget": Field(0, 1e7), "training.max_grad_norm_explode": Field(0, 1e30, lo_open=True),
    "sampling.steps": Field(1, 1000, True), "sampling.eta": Field(0, 1), "sampling.n": Field(1, 1e5, True),
    "sampling.seed": Field(0, INT_MAX, True), "sampling.guidance_scale": Field(0, 100),
    "sampling.class_label": Field(-2, 1e6, True), "sampling.negative_class": Field(-1, 1e6, True),
}
JSON_BAD = [0, -1, -1e-9, float("nan"), float("inf"), float("-inf"), 1e300, 10**30, 0.5, 1.5, "abc", "1", None, True,
            [], {}]


def _accepted(spec: Field, value) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    if not math.isfinite(value) or (spec.integer and not float(value).is_integer()):
        return False
    if spec.zero_ok and value == 0:
        return True
    return (value > spec.lo if spec.lo_open else value >= spec.lo) and (value < spec.hi if spec.hi_open
                                                                       else value <= spec.hi)


def _config_problem(field: str, value) -> ConfigError | None:
    section, name = field.split(".")
    raw = ExperimentConfig().to_dict()
    raw[section][name] = value
    try:
        cfg = ExperimentConfig.from_dict(raw)
    except ConfigError as exc:
        return exc
    errs = cfg.errors()
    return errs[0] if errs else None


@pytest.mark.parametrize("field", sorted(CONFIG_FIELDS))
def test_every_config_number_field(field):
    spec = CONFIG_FIELDS[field]
    for value in JSON_BAD:
        problem = _config_problem(field, value)
        if _accepted(spec, value):
            assert problem is None, f"{field}={value!r} should be accepted: {problem}"
            continue
        assert problem is not None, f"{field}={value!r} was accepted"
        assert problem.field == field, f"{field}={value!r} reported as {problem.field}: {problem}"
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            assert RANGE.search(problem.message) or "<=" in problem.message, problem.message


def test_config_json_text_with_nan_and_bad_shapes():
    with pytest.raises(ConfigError) as info:
        ExperimentConfig.from_json('{"training": {"lr": NaN}}').validate()
    assert info.value.field == "training.lr" and "(0, 1]" in str(info.value)
    for text, field in [("[1, 2]", "config"), ("{not json", "config"), ('{"training": 3}', "training"),
                        ('{"training": {"lrr": 0.1}}', "training.lrr"), ('{"version": 99}', "version"),
                        ('{"training": {"steps": "ten"}}', "training.steps"),
                        ('{"training": {"amp": 1}}', "training.amp"), ('{"data": {"dataset": 5}}', "data.dataset")]:
        with pytest.raises(ConfigError) as info:
            ExperimentConfig.from_json(text).validate()
        assert info.value.field == field, (text, info.value)


def test_cli_config_file_with_bad_value(capsys, tmp_path):
    raw = ExperimentConfig().to_dict()
    raw["training"]["batch_size"] = -5
    cfg_file = tmp_path / "bad.json"
    cfg_file.write_text(json.dumps(raw))
    out = tmp_path / "run"
    code = main(["train", "--config", str(cfg_file), "--out", str(out)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and "--batch-size" in err[0] and "[1, 65536]" in err[0]
    assert not out.exists()
    cfg_file.write_text("{broken")
    assert main(["train", "--config", str(cfg_file), "--out", str(out)]) == 2
    assert "not valid JSON" in capsys.readouterr().err
    assert not out.exists()


# ---------------------------------------------------------------- incompatible combinations
def _errors_of(**changes) -> list[ConfigError]:
    cfg = ExperimentConfig()
    for dotted, value in changes.items():
        section, name = dotted.split("__")
        setattr(getattr(cfg, section), name, value)
    return cfg.errors()


def test_combinations_caught_by_validation():
    errs = _errors_of(data__dataset="swissroll", model__class_conditional=True)
    assert [e.field for e in errs] == ["model.class_conditional"] and "no labels" in errs[0].message
    errs = _errors_of(data__dataset="digits", data__image_size=10)
    assert [e.field for e in errs] == ["data.image_size"] and "divisible by 4" in errs[0].message
    errs = _errors_of(sampling__steps=51, schedule__timesteps=50)
    assert [e.field for e in errs] == ["sampling.steps"] and "<= schedule.timesteps (50)" in errs[0].message
    errs = _errors_of(schedule__zero_terminal_snr=True, training__prediction="eps")
    assert [e.field for e in errs] == ["training.prediction"]
    errs = _errors_of(schedule__beta_start=0.5, schedule__beta_end=0.1)
    assert [e.field for e in errs] == ["schedule.beta_start"]


@pytest.mark.parametrize("argv,flag", [
    (["--dataset", "swissroll", "--class-conditional"], "--class-conditional"),
    (["--dataset", "checkerboard", "--class-conditional"], "--class-conditional"),
    (["--dataset", "digits", "--image-size", "10"], "--image-size"),
    (["--dataset", "shapes", "--image-size", "30"], "--image-size"),
    (["--zero-terminal-snr", "--prediction", "eps"], "--prediction"),
    (["--beta-start", "0.1", "--beta-end", "0.01"], "--beta-start"),
])
def test_cli_combinations_refused_before_training(argv, flag, capsys, tmp_path):
    out = tmp_path / "run"
    code = main(["train", "--model", "tiny", "--quiet", "--out", str(out), *argv])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and flag in err[0], err
    assert not out.exists()


def test_class_conditional_on_unlabeled_image_folder(capsys, tmp_path):
    """A plain folder of images has no classes: refused before the first step, not silently unconditional."""
    from PIL import Image

    folder = tmp_path / "flat"
    folder.mkdir()
    for i in range(6):
        Image.new("RGB", (16, 16), (40 * i, 10, 200)).save(folder / f"{i}.png")
    out = tmp_path / "run"
    code = main(["train", "--dataset", str(folder), "--class-conditional", "--model", "tiny", "--steps", "2",
                 "--batch-size", "2", "--quiet", "--out", str(out)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and "--class-conditional" in err[-1] and "no labels" in err[-1], err
    assert not out.exists()


def test_forward_index_beyond_the_data(capsys, tmp_path):
    out = tmp_path / "f.png"
    code = main(["forward", "--dataset", "digits", "--index", "99999", "--out", str(out)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and "--index" in err[0] and "[0, 1796]" in err[0], err
    assert not out.exists()


def test_sample_steps_beyond_schedule(capsys, tmp_path, run_dir):
    out = tmp_path / "s.png"
    code = main(["sample", "--run", str(run_dir), "--steps", "1001", "--out", str(out)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and "--steps" in err[0] and "schedule.timesteps (1000)" in err[0], err
    assert not out.exists()
    code = main(["sample", "--run", str(run_dir), "--out", str(tmp_path / "s.txt")])
    assert code == 2 and "--out" in capsys.readouterr().err
