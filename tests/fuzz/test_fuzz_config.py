"""Fuzz the experiment-config readers: ExperimentConfig.from_dict / from_json / load (+ validate after a load).

Valid configs with fields replaced by wild JSON values, JSON text with bytes flipped, random text and bytes.
The property: a ConfigError naming the field (or ``config`` / the file) or a config; never another exception.
"""
from __future__ import annotations

import pytest
from fuzz_support import (
    WILD_JSON,
    deeply_nested,
    dumps_loose,
    expect_user_error,
    mutated_bytes,
    mutated_json,
    no_writes_outside,
)
from hypothesis import example, given
from hypothesis import strategies as st

from engine.config import ExperimentConfig
from engine.errors import ConfigError

pytestmark = [pytest.mark.fuzz, pytest.mark.timeout(300)]

VALID = ExperimentConfig().to_dict()
VALID_TEXT = ExperimentConfig().to_json()
FIELDS = [f"{s}.{k}" for s, sec in VALID.items() if isinstance(sec, dict) for k in sec]


def _check(make):
    result = expect_user_error(make, "config", "version", *VALID.keys())
    if isinstance(result, ExperimentConfig):
        # a config that parsed must validate (or say which field is wrong), and survive a round trip
        valid = expect_user_error(result.validate, *VALID.keys())
        if isinstance(valid, ExperimentConfig):  # compared as JSON text: NaN != NaN (NaN fails validate anyway)
            assert ExperimentConfig.from_json(result.to_json()).to_json() == result.to_json()
    return result


@given(mutated_json(VALID))
@example({"version": 10**400})
@example({"data": {"\n": None}})  # an unknown field named "\n" made a two-line message
@example({"schedule": {"beta_start": float("nan")}})  # parses; validate() names the field
@example({"training": {"steps": float("nan")}})
@example({"training": {"steps": float("inf")}})
@example({"training": {"steps": 1e300}})
@example({"schedule": {"timesteps": True}})
@example({"data": {"dataset": {"x": 1}}})
def test_from_dict_mutated(raw):
    _check(lambda: ExperimentConfig.from_dict(raw))


@given(WILD_JSON)
def test_from_dict_random(raw):
    _check(lambda: ExperimentConfig.from_dict(raw))


@given(st.one_of(mutated_bytes(VALID_TEXT.encode()), mutated_json(VALID).map(lambda v: dumps_loose(v).encode()),
                 st.binary(max_size=200)))
@example(deeply_nested(100_000).encode())
@example(b'{"training": {"lr": 1e999}}')
@example(b'{"training": {"steps": ' + b"9" * 5000 + b"}}")
@example(b"\xff\xfe{}")
def test_load_file(tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("cfg")
    path = folder / "experiment.json"
    path.write_bytes(data)
    with no_writes_outside(folder):
        result = expect_user_error(lambda: ExperimentConfig.load(path), "config", *VALID.keys())
    if isinstance(result, ExperimentConfig):
        expect_user_error(result.validate, *VALID.keys())


def test_fields_are_named():
    """Sanity check of the property itself: a wrong type in each field is reported with that field's name."""
    for name in FIELDS:
        section, key = name.split(".")
        raw = {section: {key: {"nested": [1]}}}
        err = expect_user_error(lambda raw=raw: ExperimentConfig.from_dict(raw), name)
        if not isinstance(err, ConfigError):  # a str/object field takes anything: validate() must name it
            err = expect_user_error(err.validate, name)
        assert isinstance(err, ConfigError) and err.field.startswith(name), (name, err)
