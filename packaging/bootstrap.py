#!/usr/bin/env python3
"""Set up Diffusion Lab on a fresh machine (only Python 3 and pip needed), then run the app or the tests.

    python3 packaging/bootstrap.py run     # create .venv, install, open the window
    python3 packaging/bootstrap.py test    # create .venv, install with test extras, ruff check, the whole suite
    python3 packaging/bootstrap.py setup   # only create / update .venv (and compile the translations)

On Linux, when the venv has no torch yet, the pinned CPU build (torch==2.13.0) is installed first so pip never
pulls a multi-GB CUDA build through the package's own ``torch>=2.2`` range. Set DIFFUSION_LAB_TORCH_SPEC to choose
another torch (e.g. "torch==2.13.0 --index-url https://download.pytorch.org/whl/cu124" for a GPU box).
"""
from __future__ import annotations

import os
import shlex
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = Path(os.environ.get("DIFFUSION_LAB_VENV", ROOT / ".venv"))
PINNED_TORCH = "torch==2.13.0"


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def sh(*cmd: str, **kwargs) -> None:
    print("+", " ".join(shlex.quote(c) for c in cmd), flush=True)
    subprocess.run(cmd, check=True, **kwargs)


def has_module(py: Path, name: str) -> bool:
    return subprocess.run([str(py), "-c", f"import {name}"], capture_output=True).returncode == 0


def setup(extras: str) -> Path:
    py = venv_python()
    if not py.exists():
        print(f"creating virtual environment in {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    pip = [str(py), "-m", "pip", "--disable-pip-version-check"]
    if not has_module(py, "torch"):
        spec = os.environ.get("DIFFUSION_LAB_TORCH_SPEC")
        if spec:
            sh(*pip, "install", *shlex.split(spec))
        elif sys.platform.startswith("linux"):
            sh(*pip, "install", PINNED_TORCH)
    target = f".[{extras}]" if extras else "."
    sh(*pip, "install", "-q", "-e", target, cwd=ROOT)
    compile_translations(py)
    return py


def compile_translations(py: Path) -> None:
    """resources/i18n/*.qm from the committed .ts with PySide6's lrelease (no network). The .qm is committed too,
    so a failure here only warns: the shipped one is used."""
    cmd = [str(py), str(ROOT / "packaging" / "i18n.py"), "compile"]
    print("+", " ".join(shlex.quote(c) for c in cmd), flush=True)
    if subprocess.run(cmd, cwd=ROOT).returncode:
        print("warning: could not compile the translations; the committed .qm files are used", file=sys.stderr)


def main(argv: list[str]) -> int:
    what = argv[0] if argv else "run"
    if what == "test":
        py = setup("test")
        env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
        # the linter first (configured in pyproject.toml): a lint error fails the test command like a failing test
        lint = subprocess.run([str(py), "-m", "ruff", "check", "."], cwd=ROOT, env=env).returncode
        if lint:
            return lint
        return subprocess.run([str(py), "-m", "pytest", *argv[1:]], cwd=ROOT, env=env).returncode
    if what == "run":
        py = setup("")
        return subprocess.run([str(py), str(ROOT / "main.py"), *argv[1:]], cwd=ROOT).returncode
    if what == "setup":
        setup(argv[1] if len(argv) > 1 else "test")
        return 0
    print(f"usage: {sys.argv[0]} run|test|setup [args...]", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
