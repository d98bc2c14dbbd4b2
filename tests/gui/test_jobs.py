"""gui.jobs: short background jobs on the qasync loop deliver on the GUI thread, newest per tag, cancel and report."""
from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtCore import QObject

from engine.errors import DataError
from gui import jobs


@pytest.fixture
def owner(qtbot):
    jobs.ensure_loop()
    obj = QObject()
    yield obj
    jobs.shutdown(obj, timeout_s=5.0)


def wait_done(qtbot, job, timeout=5000) -> None:
    qtbot.waitUntil(lambda: not job.is_running(), timeout=timeout)


def test_result_reaches_on_done_on_the_gui_thread(qtbot, owner):
    seen = []

    def work(a, b):
        seen.append(("work", threading.current_thread() is threading.main_thread()))
        return a + b

    job = jobs.run("sum", work, 2, 3, owner=owner,
                   on_done=lambda r: seen.append(("done", r, threading.current_thread() is threading.main_thread())))
    wait_done(qtbot, job)
    assert seen == [("work", False), ("done", 5, True)]
    assert job.state == "done"


def test_newest_per_tag_supersedes_an_older_slow_job(qtbot, owner):
    release = threading.Event()
    done = []

    def slow():
        release.wait(5)
        return "old"

    old = jobs.run("data", slow, owner=owner, on_done=lambda r: done.append(r), on_error=done.append,
                   on_cancelled=lambda: done.append("cancelled"))
    new = jobs.run("data", lambda: "new", owner=owner, on_done=lambda r: done.append(r))
    wait_done(qtbot, new)
    release.set()
    assert old.wait(5)
    qtbot.waitUntil(lambda: not old.is_running(), timeout=5000)
    qtbot.wait(50)
    assert done == ["new"], "the superseded job delivers nothing"
    assert old.state == "cancelled"


def test_other_owners_keep_their_job_with_the_same_tag(qtbot, owner):
    other = QObject()
    results = []
    a = jobs.run("data", lambda: "a", owner=owner, on_done=results.append)
    b = jobs.run("data", lambda: "b", owner=other, on_done=results.append)
    wait_done(qtbot, a)
    wait_done(qtbot, b)
    assert sorted(results) == ["a", "b"]


def test_cancel_stops_a_cooperative_job_with_progress(qtbot, owner):
    progress, outcome = [], []
    started = threading.Event()

    def cooperative(steps, progress=None, cancel=None):
        for i in range(steps):
            started.set()
            if cancel():
                outcome.append(("stopped at", i))
                raise RuntimeError("cancelled")  # what an engine function does: raise on a True cancel()
            progress(i + 1, steps)
            time.sleep(0.01)
        return "finished"

    job = jobs.run("export", cooperative, 10_000, owner=owner, cooperative=True,
                   on_progress=lambda d, t: progress.append((d, t)), on_done=outcome.append,
                   on_error=outcome.append, on_cancelled=lambda: outcome.append("cancelled"))
    qtbot.waitUntil(lambda: started.is_set() and len(progress) > 0, timeout=5000)  # the loop starts the job
    job.cancel()
    wait_done(qtbot, job)
    assert outcome[0][0] == "stopped at" and outcome[0][1] < 10_000
    assert outcome[1:] == ["cancelled"], "no result and no error after cancel, only on_cancelled"
    assert all(t == 10_000 for _, t in progress)


def test_user_error_gives_its_one_line_message(qtbot, owner):
    messages = []
    job = jobs.run("data", lambda: (_ for _ in ()).throw(DataError("empty folder:\n  /tmp/x")), owner=owner,
                   on_error=messages.append)
    wait_done(qtbot, job)
    assert messages == ["empty folder: /tmp/x"]
    assert job.state == "failed"


def test_expected_os_error_is_a_one_line_message(qtbot, owner):
    def unreadable():
        raise PermissionError(13, "Permission denied", "/data/x.png")

    messages = []
    job = jobs.run("image", unreadable, owner=owner, on_error=messages.append, expected=(OSError,))
    wait_done(qtbot, job)
    assert messages == ["/data/x.png: Permission denied"]


def test_other_exception_is_reported_through_the_crash_path(qtbot, owner):
    messages = []

    def buggy():
        raise ZeroDivisionError("division by zero")

    with qtbot.capture_exceptions() as crashes:
        job = jobs.run("model", buggy, owner=owner, on_error=messages.append)
        wait_done(qtbot, job)
    assert len(crashes) == 1 and crashes[0][0] is ZeroDivisionError
    assert len(messages) == 1 and "unexpected error" in messages[0] and "ZeroDivisionError" in messages[0]


def test_an_exception_in_a_callback_is_reported_through_the_crash_path(qtbot, owner):
    def broken_slot(result):
        raise KeyError(result)

    with qtbot.capture_exceptions() as crashes:
        job = jobs.run("x", lambda: "r", owner=owner, on_done=broken_slot)
        wait_done(qtbot, job)
        qtbot.waitUntil(lambda: len(crashes) == 1, timeout=5000)
    assert crashes[0][0] is KeyError


def test_no_callbacks_after_the_owner_is_deleted(qtbot):
    jobs.ensure_loop()
    owner = QObject()
    release = threading.Event()
    seen = []
    job = jobs.run("x", lambda: release.wait(5), owner=owner, on_done=seen.append)
    owner.deleteLater()
    qtbot.wait(20)
    release.set()
    wait_done(qtbot, job)
    assert seen == []


def test_shutdown_with_a_pending_job_returns_promptly(qtbot, owner):
    release, started = threading.Event(), threading.Event()
    seen = []

    def slow():
        started.set()
        release.wait(30)

    job = jobs.run("slow", slow, owner=owner, on_done=seen.append, on_cancelled=lambda: seen.append("cancelled"))
    qtbot.waitUntil(started.is_set, timeout=5000)
    start = time.monotonic()
    assert jobs.shutdown(owner, timeout_s=0.2) is False, "a non-cooperative function is still running"
    assert time.monotonic() - start < 1.0
    release.set()
    assert job.wait(5)
    wait_done(qtbot, job)
    assert seen == [], "a shut-down job delivers nothing"
    assert jobs.pending(owner) == []


def test_a_job_cancelled_before_it_started_never_runs(qtbot, owner):
    ran = []
    job = jobs.run("x", lambda: ran.append(1), owner=owner, on_cancelled=lambda: ran.append("cancelled"))
    job.cancel()
    assert job.wait(0), "cancelled before its first step: nothing will run"
    wait_done(qtbot, job)
    qtbot.wait(20)
    assert ran == ["cancelled"]


def test_shutdown_waits_for_a_cooperative_job_to_clean_up(qtbot, owner):
    cleaned, started = threading.Event(), threading.Event()

    def cooperative(progress=None, cancel=None):
        started.set()
        while not cancel():
            time.sleep(0.005)
        cleaned.set()

    jobs.run("export", cooperative, owner=owner, cooperative=True)
    qtbot.waitUntil(started.is_set, timeout=5000)
    start = time.monotonic()
    assert jobs.shutdown(owner, timeout_s=5.0)
    assert cleaned.is_set() and time.monotonic() - start < 1.0
