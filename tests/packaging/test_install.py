"""``pip install .`` gives a working ``diffusion-lab``: the wheel holds the code and resources, the console script
runs, ``--version`` reports the pyproject version, and the GUI selftest passes from the installed copy.

Installing torch into a fresh venv is far too slow for CI, so the wheel is installed with ``pip install --no-deps
--target`` into a temp folder that goes first on PYTHONPATH, and the test venv supplies the dependencies (torch,
PySide6, ...). The checks make sure the code that runs is the installed copy, not the checkout.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROJECT = "diffusion-lab"
pytestmark = pytest.mark.timeout(240)


def pyproject_version() -> str:
    match = re.search(r'^version\s*=\s*"([^"]+)"', (ROOT / "pyproject.toml").read_text(encoding="utf-8"), re.M)
    assert match, "pyproject.toml has no version"
    return match.group(1)


def _checkout_files() -> list[str]:
    """The files a clean checkout would have: tracked plus untracked-but-not-ignored (git), else a filtered walk."""
    try:
        out = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT, check=True,
                             capture_output=True, timeout=30).stdout.decode()
        return [f for f in out.split("\0") if f and (ROOT / f).is_file()]
    except (OSError, subprocess.SubprocessError):
        skip = {".git", ".venv", "build", "dist", "__pycache__", ".pytest_cache"}
        return [str(p.relative_to(ROOT)) for p in ROOT.rglob("*")
                if p.is_file() and not skip.intersection(p.relative_to(ROOT).parts) and p.suffix != ".pyc"]


def _has_setuptools() -> bool:
    try:
        import setuptools
    except ImportError:
        return False
    major = re.match(r"\d+", setuptools.__version__)
    return bool(major) and int(major.group()) >= 64


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """Build the wheel from a copy of the checkout (so the build never writes build/ or *.egg-info into it)."""
    base = tmp_path_factory.mktemp("wheel")
    src = base / "src"
    for rel in _checkout_files():
        if rel.startswith(("tests/", "bench/", "docs/", ".ci/")):
            continue
        dest = src / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, dest)
    out = base / "dist"
    # offline and fast with the venv's setuptools; Python >= 3.12 venvs have none, then pip fetches it (isolated)
    isolation = [] if _has_setuptools() else ["--use-pep517"]
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", *(isolation or ["--no-build-isolation"]),
                           "--disable-pip-version-check", "-q", "-w", str(out), str(src)],
                          capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    wheels = list(out.glob("diffusion_lab-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> dict:
    """``pip install --no-deps --target`` the wheel; returns the site folder, the console script and an env."""
    base = tmp_path_factory.mktemp("installed")
    site = base / "site"
    proc = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-compile",
                           "--disable-pip-version-check", "-q", "--target", str(site), str(wheel)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    script = site / "bin" / PROJECT
    if os.name == "nt":
        script = site / "Scripts" / f"{PROJECT}.exe"
    home = base / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env.update(PYTHONPATH=str(site), DIFFUSION_LAB_HOME=str(home / "app"), XDG_CONFIG_HOME=str(home / "config"),
               QT_QPA_PLATFORM="offscreen", PYTHONDONTWRITEBYTECODE="1", OMP_NUM_THREADS="1")
    return {"site": site, "script": script, "env": env, "cwd": base}


def test_wheel_contents(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in ("main.py", "engine/__init__.py", "engine/cli/__init__.py", "engine/cli/__main__.py",
                     "engine/export/__init__.py", "engine/version.py", "gui/__init__.py",
                     "gui/app.py", "gui/main_window.py", "gui/selftest.py", "engine/resources.py",
                     "resources/data/digits.npz",
                     "resources/icons/app.svg", "resources/icons/png/app-256.png",
                     "gui/i18n.py", "resources/i18n/diffusion_lab_zh_CN.qm", "resources/i18n/diffusion_lab_zh_CN.ts"):
        assert required in names, f"{required} missing from {wheel.name}"
    # every icon the GUI loads by name ships
    for svg in (ROOT / "resources" / "icons").glob("*.svg"):
        assert f"resources/icons/{svg.name}" in names, svg.name
    for preset in (ROOT / "resources" / "presets").glob("*.json"):
        assert f"resources/presets/{preset.name}" in names, preset.name
    assert not any(n.startswith(("tests/", "bench/", "packaging/")) for n in names), "non-app code in the wheel"


def test_wheel_metadata_version_is_pyproject_version(wheel):
    version = pyproject_version()
    assert wheel.name.startswith(f"diffusion_lab-{version}-"), wheel.name
    with zipfile.ZipFile(wheel) as zf:
        meta = zf.read(f"diffusion_lab-{version}.dist-info/METADATA").decode()
        entry_points = zf.read(f"diffusion_lab-{version}.dist-info/entry_points.txt").decode()
    assert re.search(rf"^Version: {re.escape(version)}$", meta, re.M), meta[:400]
    assert re.search(r"^diffusion-lab\s*=\s*main:main$", entry_points, re.M), entry_points


def test_desktop_metadata_matches_version():
    """The AppStream release list must name the current version (pyproject is the source of truth)."""
    metainfo = (ROOT / "packaging" / "linux" / "io.github.diffusionlab.DiffusionLab.metainfo.xml").read_text()
    releases = re.findall(r'<release version="([^"]+)"', metainfo)
    assert releases and releases[0] == pyproject_version(), releases
    desktop = (ROOT / "packaging" / "linux" / "io.github.diffusionlab.DiffusionLab.desktop").read_text()
    assert "Exec=diffusion-lab" in desktop and "Icon=io.github.diffusionlab.DiffusionLab" in desktop


def test_installed_copy_is_the_one_imported(installed):
    code = ("import engine, gui, main, engine.resources as r; print(engine.__file__); "
            "print(r.resource_path('icons', 'app.svg'))")
    proc = subprocess.run([sys.executable, "-c", code], env=installed["env"], cwd=installed["cwd"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    engine_file, icon = proc.stdout.strip().splitlines()[-2:]
    assert Path(engine_file).resolve().is_relative_to(installed["site"].resolve()), engine_file
    assert Path(icon).is_file() and Path(icon).resolve().is_relative_to(installed["site"].resolve()), icon


def test_console_script_version(installed):
    script = installed["script"]
    assert script.is_file(), f"pip did not create the {PROJECT} console script"
    proc = subprocess.run([str(script), "--version"], env=installed["env"], cwd=installed["cwd"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    first = proc.stdout.splitlines()[0]
    assert first == f"Diffusion Lab {pyproject_version()}", proc.stdout
    assert "torch" in proc.stdout and "device" in proc.stdout, proc.stdout


@pytest.mark.slow
def test_installed_gui_selftest(installed):
    """The installed GUI opens, trains moons a few steps, samples and exports a GIF (headless)."""
    proc = subprocess.run([str(installed["script"]), "--selftest"], env=installed["env"], cwd=installed["cwd"],
                          capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-4000:]
    assert "selftest: OK" in proc.stdout, proc.stdout + proc.stderr[-2000:]
