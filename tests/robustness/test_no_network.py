"""Safety and privacy: nothing reaches the network, and files are written only where the user chose (plus the
app's own folder).

* In-process: train + sample + export + forward + schedule with every socket entry point replaced by a trap.
* Subprocess: the same commands, and the window's --selftest, under a Python audit hook that records every
  network event (socket.connect / getaddrinfo / urllib ...) and every file opened for writing; HOME, TMPDIR and the
  working directory are empty folders that must stay empty.
* Source scan: engine/ and gui/ import no network module and call no downloader.
"""
from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from engine.cli import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _one_thread():
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def _have_export() -> bool:
    try:
        import engine.export  # noqa: F401
    except ImportError:
        return False
    return True


def _commands(run: Path, out: Path) -> list[list[str]]:
    cmds = [
        ["train", "--dataset", "moons", "--model", "tiny", "--steps", "3", "--batch-size", "16", "--quiet",
         "--out", str(run)],
        ["sample", "--run", str(run), "--n", "16", "--steps", "5", "--out", str(out / "samples.png")],
        ["schedule", "--schedule", "cosine", "--timesteps", "50", "--out", str(out / "schedule.csv")],
        ["forward", "--dataset", "digits", "--timesteps", "50", "--out", str(out / "forward.png")],
    ]
    if _have_export():
        cmds.append(["export", "--run", str(run), "--what", "reverse", "--n", "9", "--steps", "5",
                     "--out", str(out / "reverse.gif")])
    return cmds


def test_cli_with_sockets_trapped(tmp_path, monkeypatch):
    attempts: list[str] = []

    def trap(name):
        def refuse(*args, **kwargs):
            attempts.append(f"{name}{args[:2]!r}")
            raise OSError(f"network access attempted: {name}")
        return refuse

    class NoSocket(socket.socket):
        def __init__(self, *args, **kwargs):
            attempts.append(f"socket{args[:2]!r}")
            raise OSError("network access attempted: socket()")

    monkeypatch.setattr(socket, "socket", NoSocket)
    for name in ("create_connection", "getaddrinfo", "gethostbyname", "gethostbyname_ex", "gethostbyaddr",
                 "socketpair", "create_server"):
        monkeypatch.setattr(socket, name, trap(name))
    run, out = tmp_path / "run", tmp_path / "out"
    out.mkdir()
    for argv in _commands(run, out):
        assert main(argv) == 0, argv
    assert attempts == []
    assert (out / "samples.png").exists() and (run / "checkpoint.safetensors").exists()


AUDIT = r"""
import json, os, sys
record = sys.argv[1]
NETWORK = {"socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr", "socket.sendto",
           "socket.bind", "urllib.Request", "http.client.connect", "ftplib.connect", "smtplib.connect",
           "webbrowser.open"}
events = []
def hook(event, args):
    if event in NETWORK:
        target = args[1] if event.startswith("socket.") and len(args) > 1 else args
        family = getattr(args[0], "family", None) if event.startswith("socket.") and args else None
        if family == getattr(__import__("socket"), "AF_UNIX", -1):
            return  # a local pipe (Qt / asyncio wake-up), not the network
        events.append(["network", event, repr(target)])
    elif event == "open" and args[0] is not None and not isinstance(args[0], int):
        mode, flags = args[1], args[2]
        writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
            mode is None and isinstance(flags, int) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT))
        if writing:
            events.append(["write", os.fsdecode(args[0])])
sys.addaudithook(hook)
sys.path.insert(0, sys.argv[2])
code = 0
try:
    from main import main
    for argv in json.loads(sys.argv[3]):  # one or more command lines, run one after the other
        rc = main(argv)
        if rc:
            sys.stderr.write(f"exit {rc}: {argv}\n")
            code = code or rc
finally:
    with open(record, "w") as fh:  # written after the hook's last event we care about
        json.dump(events, fh)
sys.exit(code)
"""


def _audited(argvs: list[list[str]], tmp_path: Path, tag: str, env: dict, timeout: int = 240):
    record = tmp_path / f"audit-{tag}.json"
    proc = subprocess.run([sys.executable, "-c", AUDIT, str(record), str(ROOT), json.dumps(argvs)], env=env,
                          cwd=env["_CWD"],
                          capture_output=True, text=True, timeout=timeout)
    events = json.loads(record.read_text()) if record.exists() else []
    return proc, events, record


def _sandbox_env(tmp_path: Path) -> dict:
    dirs = {name: tmp_path / name for name in ("home", "tmpdir", "cwd", "app", "out")}
    for d in dirs.values():
        d.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "TORCH_HOME", "HF_"))}
    env.update(HOME=str(dirs["home"]), TMPDIR=str(dirs["tmpdir"]), DIFFUSION_LAB_HOME=str(dirs["app"]),
               OMP_NUM_THREADS="1", PYTHONDONTWRITEBYTECODE="1", QT_QPA_PLATFORM="offscreen",
               DIFFUSION_LAB_THREADS="1", _CWD=str(dirs["cwd"]))
    return env


def _files_under(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def test_cli_subprocess_no_network_and_writes_only_where_asked(tmp_path):
    env = _sandbox_env(tmp_path)
    out = tmp_path / "out"
    run = out / "run"
    allowed = (str(out), str(tmp_path / "app"), str(tmp_path / "audit-"), "/dev/")
    proc, events, _ = _audited(_commands(run, out), tmp_path, "cli", env)
    assert proc.returncode == 0, proc.stderr[-1500:]
    network = [e for e in events if e[0] == "network"]
    stray = [e[1] for e in events if e[0] == "write" and not e[1].startswith(allowed)]
    assert any(e[1].startswith(str(out)) for e in events if e[0] == "write")  # the hook does see the writes
    assert network == [], network
    assert stray == [], f"files written outside the chosen output and the app folder: {stray}"
    for name in ("home", "tmpdir", "cwd"):
        assert _files_under(tmp_path / name) == [], f"{name} was written to: {_files_under(tmp_path / name)}"
    assert (out / "samples.png").exists() and (run / "checkpoint.safetensors").exists()


def test_gui_selftest_makes_no_network_access(tmp_path):
    """The whole window (all panels, the worker, qasync's loop) opens and closes without a network event."""
    pytest.importorskip("qasync")
    env = _sandbox_env(tmp_path)
    proc, events, record = _audited([["--selftest"]], tmp_path, "gui", env, timeout=240)
    network = [e for e in events if e[0] == "network"]
    assert network == [], network
    if proc.returncode != 0:
        pytest.skip(f"the window could not start here (exit {proc.returncode}): {proc.stderr[-800:]}")
    # the self-test exports into a temporary folder of its own; it must be gone afterwards
    app_dirs = (str(tmp_path / "app"), str(tmp_path / "home"), str(tmp_path / "audit-"), str(tmp_path / "tmpdir"),
                "/dev/")
    stray = [e[1] for e in events if e[0] == "write" and not e[1].startswith(app_dirs)]
    assert stray == [], f"the window wrote outside its settings/app folders: {stray}"
    assert _files_under(tmp_path / "cwd") == [], _files_under(tmp_path / "cwd")
    assert _files_under(tmp_path / "tmpdir") == [], f"temporary files left: {_files_under(tmp_path / 'tmpdir')}"


NETWORK_IMPORT = re.compile(r"^\s*(?:import|from)\s+(urllib|urllib3|requests|socket|http|httpx|aiohttp|ftplib|"
                            r"smtplib|telnetlib|xmlrpc|webbrowser|ssl|socketserver|asyncio\.streams)\b", re.M)
NETWORK_CALL = re.compile(r"QtNetwork|QNetworkAccessManager|QWebEngine|QtWebEngine|openUrl\((?!QUrl\.fromLocalFile)"
                          r"|torch\.hub|hf_hub_download|snapshot_download|\bfetch_[a-z0-9_]+\(|urlretrieve|"
                          r"load_state_dict_from_url|download_url")


def test_source_has_no_network_code():
    problems = []
    for folder in ("engine", "gui"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            text = path.read_text(encoding="utf-8")
            for pattern in (NETWORK_IMPORT, NETWORK_CALL):
                for match in pattern.finditer(text):
                    line = text.count("\n", 0, match.start()) + 1
                    problems.append(f"{path.relative_to(ROOT)}:{line}: {match.group(0).strip()}")
    main_py = (ROOT / "main.py").read_text()
    problems += [f"main.py: {m.group(0)}" for m in NETWORK_IMPORT.finditer(main_py)]
    assert not problems, "\n".join(problems)
