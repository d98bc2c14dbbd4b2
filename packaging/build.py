#!/usr/bin/env python3
"""Build the Diffusion Lab desktop bundle (PyInstaller, one folder) and report its size and build time.

    .venv/bin/python packaging/build.py            # -> dist/diffusion-lab/diffusion-lab
    .venv/bin/python packaging/build.py --check    # ... then run --version and (xvfb-run / offscreen) --selftest

Run it with the interpreter of the environment the app runs in (the project's venv): PyInstaller bundles what that
interpreter imports. PyInstaller is installed into it when missing. Build once per platform: PyInstaller does not
cross-compile (a Windows bundle is built on Windows, a macOS one on macOS).
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "packaging" / "diffusion_lab.spec"
APP = "diffusion-lab"
PYINSTALLER_SPEC = "pyinstaller>=6.10"


def sh(cmd: list[str], **kwargs) -> subprocess.CompletedProcess:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    return subprocess.run([str(c) for c in cmd], **kwargs)


def ensure_pyinstaller() -> None:
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        sh([sys.executable, "-m", "pip", "install", "--disable-pip-version-check", "-q", PYINSTALLER_SPEC],
           check=True)


def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def human(n: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.1f} {unit}" if unit != "B" else f"{int(n)} B"
        n /= 1024
    return f"{n:.1f} GiB"


def largest(path: Path, top: int = 8) -> list[tuple[int, str]]:
    sizes: dict[str, int] = {}
    internal = path / "_internal"
    base = internal if internal.is_dir() else path
    for p in base.iterdir():
        sizes[p.name] = dir_size(p) if p.is_dir() else p.stat().st_size
    return sorted(((s, n) for n, s in sizes.items()), reverse=True)[:top]


def executable(dist: Path) -> Path:
    return dist / APP / (APP + ".exe" if os.name == "nt" else APP)


def check(exe: Path) -> int:
    rc = sh([exe, "--version"]).returncode
    if rc != 0:
        return rc
    cmd = [exe, "--selftest"]
    env = dict(os.environ)
    if sys.platform.startswith("linux") and not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY"):
        if shutil.which("xvfb-run"):
            cmd = ["xvfb-run", "-a", *cmd]
        else:
            env["QT_QPA_PLATFORM"] = "offscreen"
    return sh(cmd, env=env).returncode


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dist", default=str(ROOT / "dist"), help="output folder (default: dist/)")
    ap.add_argument("--work", default=str(ROOT / "build"), help="PyInstaller work folder (default: build/)")
    ap.add_argument("--clean", action="store_true", help="drop PyInstaller's cache first (slower)")
    ap.add_argument("--check", action="store_true", help="after building, run --version and --selftest")
    args = ap.parse_args(argv)

    ensure_pyinstaller()
    dist = Path(args.dist)
    cmd = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
           "--distpath", dist, "--workpath", args.work, SPEC]
    if args.clean:
        cmd.insert(3, "--clean")
    started = time.perf_counter()
    rc = sh(cmd, cwd=ROOT).returncode
    elapsed = time.perf_counter() - started
    if rc != 0:
        print(f"build FAILED (exit {rc}) after {elapsed:.0f} s", file=sys.stderr)
        return rc
    exe = executable(dist)
    bundle = dist / APP
    size = dir_size(bundle)
    print(f"\nbundle: {bundle}\nexecutable: {exe}\nsize: {human(size)} ({size} bytes)\n"
          f"build time: {elapsed:.0f} s ({elapsed / 60:.1f} min)")
    print("largest parts:")
    for s, name in largest(bundle):
        print(f"  {human(s):>10}  {name}")
    if args.check:
        rc = check(exe)
        print("check:", "OK" if rc == 0 else f"FAILED (exit {rc})")
        return rc
    return 0


if __name__ == "__main__":
    sys.exit(main())
