"""Fuzz the command line: Hypothesis-generated argument vectors for every subcommand, run in-process.

Each argv starts from a tiny valid command (a few steps, a few samples) and is then edited: base tokens dropped
(missing required flags or values), and flags of that subcommand's real parser appended with valid, garbage, huge,
NaN / inf, unicode or empty values, or with paths to missing, empty, garbage or odd files; unknown flags, stray
positionals and a flag left without its value are mixed in. argparse keeps the last value of a repeated flag, so an
appended flag overrides the tiny base. Numbers are drawn either small (0..4, cheap to run) or far out of every
range (1e30, 2**63, 1e400), so an accepted argv never runs long by design; one that does is a finding.

The property, for every argv: ``engine.cli.main`` returns 0, 1, 2 or 3 (``--help`` exits 0 through SystemExit);
a non-zero exit prints exactly one stderr line, never a traceback; no call takes more than 5 s of CPU (and no more
than 20 s of wall time: a SIGALRM watchdog ends a real hang); nothing is opened for writing outside the example's
temporary folder (Python audit hook), which is also the working directory.
"""
from __future__ import annotations

import argparse
import contextlib
import io
import os
import shutil
import signal
import tempfile
import time
from pathlib import Path

import pytest
from fuzz_support import no_writes_outside
from hypothesis import event, example, given, settings
from hypothesis import strategies as st

from engine.cli import build_parser, main

pytestmark = [pytest.mark.fuzz, pytest.mark.timeout(600)]

CPU_LIMIT_S = 5.0  # "never a hang > 5 s": measured in process CPU time, so a loaded machine does not fail it
WALL_LIMIT_S = 20.0  # a sleeping hang (deadlock) is caught by the wall-clock alarm instead
EXIT_CODES = {0, 1, 2, 3}  # success, data/checkpoint problem, bad argument, training stopped (NaN, OOM)

RUN = "run"  # the tiny trained run, copied into every example's folder
BASE = {
    "train": ["train", "--dataset", "moons", "--steps", "2", "--batch-size", "8", "--quiet", "--out", "out"],
    "sample": ["sample", "--run", RUN, "--n", "4", "--steps", "2", "--out", "s.npy"],
    "schedule": ["schedule", "--schedule", "linear", "--timesteps", "10", "--out", "s.csv"],
    "forward": ["forward", "--dataset", "moons", "--t", "1", "3", "--timesteps", "10", "--out", "f.png"],
    "export": ["export", "--run", RUN, "--what", "grid", "--n", "4", "--steps", "2", "--out", "g.png"],
    "field": ["field", "--run", RUN, "--t", "3", "--grid", "4", "--out", "f.npz"],
    "bound": ["bound", "--run", RUN, "--n", "4", "--timesteps", "2", "--out", "b.csv"],
    "invert": ["invert", "--run", RUN, "--n", "4", "--steps", "2", "--out", "r.npz"],
}


def _subparsers() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(sub.choices)


SUBPARSERS = _subparsers()


def test_every_subcommand_is_fuzzed():
    """A new subcommand must get a base argv here (and so be fuzzed)."""
    assert set(SUBPARSERS) == set(BASE)


# --------------------------------------------------------------------------------------------- values
SMALL_NUMBERS = st.sampled_from(["0", "1", "2", "3", "4", "-1", "0.5", "0.01", "1e-3", "0.0", "-0"])
WILD_NUMBERS = st.sampled_from([
    "nan", "NaN", "inf", "-inf", "Infinity", "1e400", "-1e400", "1e30", "-1e30", "99999999999999999999",
    str(2**63), str(-(2**63)), "1.5", "2.7", "1e-400", "5e-324", "0x10", "1_0", "+2", "abc", "", " ", "--",
    "\u0663",  # ARABIC-INDIC DIGIT THREE: float() reads it as 3.0
    "\uff11",  # FULLWIDTH DIGIT ONE
    "1\x00", "é", "1e", "..", "-",
])
PATHS = st.sampled_from([
    RUN, f"{RUN}/checkpoint.safetensors", f"{RUN}/config.json", "missing", "missing/x.png", "empty.bin",
    "garbage.safetensors", "garbage.json", "text.txt", "dir", "dir/", ".", "", " ", "-", "é ü.png",
    "a" * 300, "out/sub/deeper/x.png", "x.unknownext", "x.gif", "x.webp", "x.mp4", "x.csv", "x.npy", "x.npz",
    "x.png", "no_extension", "/dev/null", "nul\x00byte.png", "points.csv", "img.png",
])
TEXT = st.text(max_size=12)


def _value(action: argparse.Action):
    """A value strategy for one flag, from the real parser's action."""
    choices = [str(c) for c in action.choices] if action.choices else []
    type_name = getattr(action.type, "__name__", None)
    options = [WILD_NUMBERS, TEXT]  # about 1 value in 4 is wild; the rest plausible, so many argvs get to run
    if choices:
        options = [st.sampled_from(choices)] * 6 + options
    elif type_name in ("int", "float"):
        options = [SMALL_NUMBERS] * 6 + options
    else:  # a path or a name: --run, --out, --config, --dataset, --image, --trajectory, --background
        options = [PATHS] * 6 + options
    if action.dest in ("dataset",):
        options.append(st.sampled_from(["moons", "swissroll", "checkerboard", "digits", "gaussians", "nope"]))
    if action.dest in ("background",):
        options.append(st.sampled_from(["white", "black", "#fff", "#12345", "rgb(1,2,3)", "transparent"]))
    return st.one_of(*options)


@st.composite
def _flag_tokens(draw, command: str) -> list[str]:
    actions = [a for a in SUBPARSERS[command]._actions if a.option_strings and "-h" not in a.option_strings]
    action = draw(st.sampled_from(actions))
    flag = draw(st.sampled_from(action.option_strings))
    if action.nargs == 0:  # store_true / store_false; sometimes with a stray value
        return [flag] + ([draw(_value(action))] if draw(st.integers(0, 9)) == 0 else [])
    count = draw(st.integers(1, 3)) if action.nargs == "+" else 1
    if draw(st.integers(0, 14)) == 0:
        count = 0  # a missing value
    return [flag] + [draw(_value(action)) for _ in range(count)]


JUNK = st.one_of(
    st.sampled_from(["--bogus", "--steps=", "--out=", "-x", "--", "-", "--help", "-h", "--version", "---",
                     "--Steps", "--step", "train", "\u2014steps", "-1", "é"]),
    TEXT.map(lambda s: "--" + s), TEXT,
)


@st.composite
def argvs(draw, command: str) -> list[str]:
    argv = list(BASE[command])
    # in 1 argv of 4, drop a base token or two (never the subcommand name): missing required flags or values
    for _ in range(draw(st.integers(0, 2)) if draw(st.integers(0, 3)) == 0 else 0):
        if len(argv) > 1:
            del argv[draw(st.integers(1, len(argv) - 1))]
    for _ in range(draw(st.integers(0, 4))):
        junk = draw(st.integers(0, 7)) == 0
        tokens = [draw(JUNK)] if junk else draw(_flag_tokens(command))
        at = len(argv) if draw(st.integers(0, 7)) else draw(st.integers(1, len(argv)))  # mostly appended
        argv[at:at] = tokens
    return argv


# --------------------------------------------------------------------------------------------- the property
class _Hang(BaseException):
    pass


def _alarm(signum, frame):
    raise _Hang(f"no answer within {WALL_LIMIT_S} s")


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli_fuzz_run")
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["train", "--dataset", "moons", "--steps", "3", "--batch-size", "8", "--timesteps", "10",
                     "--quiet", "--out", str(folder / RUN)]) == 0
    return folder / RUN


def _example_folder(root: Path, run: Path) -> Path:
    ex = Path(tempfile.mkdtemp(dir=root))
    shutil.copytree(run, ex / RUN)
    (ex / "empty.bin").write_bytes(b"")
    (ex / "garbage.safetensors").write_bytes(os.urandom(64))
    (ex / "garbage.json").write_text('{"data": {"image_size": "big"}, "x": [1,')
    (ex / "text.txt").write_text("hello\n")
    (ex / "points.csv").write_text("x,y\n1,2\n3,nan\n")
    (ex / "img.png").write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(32))
    (ex / "dir").mkdir()
    return ex


def run_argv(argv: list[str], cwd: Path) -> tuple[int, str, str, float, float]:
    """Run ``main(argv)`` in ``cwd``; return (exit code, stdout, stderr, wall s, cpu s)."""
    out, err = io.StringIO(), io.StringIO()
    previous_cwd, previous_tmp = os.getcwd(), tempfile.tempdir
    previous_alarm = signal.signal(signal.SIGALRM, _alarm)
    tempfile.tempdir = str(cwd / "tmp")
    (cwd / "tmp").mkdir(exist_ok=True)
    os.chdir(cwd)
    wall, cpu = time.perf_counter(), time.process_time()
    signal.setitimer(signal.ITIMER_REAL, WALL_LIMIT_S)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(argv)
            except SystemExit as exc:  # --help / -h: argparse prints the help and exits 0
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous_alarm)
        os.chdir(previous_cwd)
        tempfile.tempdir = previous_tmp
    return code, out.getvalue(), err.getvalue(), time.perf_counter() - wall, time.process_time() - cpu


def check_argv(argv: list[str], root: Path, run: Path) -> int:
    ex = _example_folder(root, run)
    try:
        with no_writes_outside(ex, os.environ.get("DIFFUSION_LAB_HOME", str(ex))):
            code, _out, err, wall, cpu = run_argv(argv, ex)
        assert code in EXIT_CODES, f"exit code {code!r} for {argv!r}: {err!r}"
        assert "Traceback" not in err, f"traceback for {argv!r}:\n{err}"
        # train announces itself on stderr ('training a small model ... on moons ...') before it can fail
        lines = [line for line in err.strip().splitlines() if line.strip() and not line.startswith("training ")]
        if code != 0:
            assert len(lines) == 1, f"exit {code} for {argv!r} printed {len(lines)} stderr lines: {err!r}"
        assert cpu < CPU_LIMIT_S * max(1, torch_threads()), f"{argv!r} ran {cpu:.1f} s of CPU ({wall:.1f} s wall)"
        return code
    finally:
        shutil.rmtree(ex, ignore_errors=True)


def torch_threads() -> int:
    import torch

    return torch.get_num_threads()


# each example runs a command (up to ~1 s): the quick profile's 100 per test becomes 40 here (~25 s in all)
EXAMPLES = 40 if settings.default.max_examples <= 100 else settings.default.max_examples


def _fuzz(command: str):
    @settings(deadline=None, max_examples=EXAMPLES)
    @given(argv=argvs(command))
    def test(tiny_run, tmp_path, argv):
        event(f"exit {check_argv(argv, tmp_path, tiny_run)}")  # --hypothesis-show-statistics shows the mix

    for argv in REGRESSIONS.get(command, ()):
        test = example(argv=argv)(test)
    return test


# argvs that failed once (each fixed): checked first on every run
REGRESSIONS: dict[str, list[list[str]]] = {
    # a control character in an unknown flag broke the one-line message in two (str.splitlines splits at \x1e)
    "train": [BASE["train"] + ["--\x1e0"], BASE["train"] + ["--out", "a\nb\u2028c", "--steps", "nan"]],
    # a NUL byte in a path: ValueError('embedded null byte') escaped as a traceback
    "sample": [BASE["sample"] + ["--trajectory", "1\x00"], BASE["sample"] + ["--device", "mps"]],
    # --device cuda without CUDA: AssertionError('Torch not compiled with CUDA enabled') as a traceback
    "bound": [BASE["bound"] + ["--device", "cuda"]],
    "field": [BASE["field"] + ["--device", "cuda"]],
    # a folder as --trajectory: one line (the test once demanded an 'error:' prefix this message does not have)
    "export": [BASE["export"] + ["--trajectory", RUN]],
}


test_fuzz_train = _fuzz("train")
test_fuzz_sample = _fuzz("sample")
test_fuzz_schedule = _fuzz("schedule")
test_fuzz_forward = _fuzz("forward")
test_fuzz_export = _fuzz("export")
test_fuzz_field = _fuzz("field")
test_fuzz_bound = _fuzz("bound")
test_fuzz_invert = _fuzz("invert")


@settings(deadline=None, max_examples=EXAMPLES)
@given(argv=st.lists(st.one_of(JUNK, TEXT, st.sampled_from(list(BASE))), max_size=4))
def test_fuzz_top_level(tiny_run, tmp_path, argv):
    check_argv(argv, tmp_path, tiny_run)


def test_base_argvs_succeed(tiny_run, tmp_path):
    """The base commands themselves run (so the edits above start from a command that works)."""
    for command, argv in BASE.items():
        assert check_argv(argv, tmp_path, tiny_run) == 0, command
