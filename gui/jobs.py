"""Short background jobs (dataset loading, model description, image files, exports) on the qasync event loop.

A job is a coroutine on the GUI thread's asyncio loop (qasync runs asyncio on Qt's event loop) that awaits
``asyncio.to_thread(fn, ...)``: the blocking function runs on a worker thread, and everything after the ``await``
(results, errors, progress) runs on the GUI thread, so widgets are only touched there. Training and sampling are
long, stateful runs and stay on the engine worker's QThread (gui/worker.py); this module is for one-shot calls.

    job = jobs.run("data", load_dataset, cfg, seed, owner=self, on_done=self._show, on_error=self._fail)

* **Newest per tag.** Starting a job with the tag (and owner) of one still running supersedes the older one: the
  older job is cancelled and none of its callbacks run, so after a quick dataset switch only the newest result
  is shown.
* **Cancellation.** ``job.cancel()`` cancels the asyncio task and sets the job's stop flag. A thread cannot be
  interrupted, so a function started with ``cooperative=True`` also gets the engine's ``progress(done, total)``
  and ``cancel() -> bool`` keyword arguments (engine/export.py's convention) and stops at its next check.
  ``on_cancelled`` runs once the function has returned, i.e. after it cleaned up (no half-written export).
* **Errors in one place.** An engine :class:`~engine.errors.UserError` (or a type the caller lists in
  ``expected``, e.g. OSError for a file the user picked) reaches ``on_error`` as its one-line message. Any other
  exception is a bug: ``on_error`` gets a short "unexpected error" line and the exception goes to the app's crash
  path (``sys.excepthook``, which gui/crash.py turns into a log file and the crash dialog).
* **Owner.** A QObject whose jobs :func:`shutdown` cancels; callbacks never run once it has been deleted.

The loop: gui/app.py creates the qasync loop and registers it with :func:`install_loop`; anywhere else (pytest-qt,
a script embedding a window) :func:`ensure_loop` attaches one to the existing QApplication.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication

from engine.errors import UserError

log = logging.getLogger(__name__)

MAX_THREADS = 4  # short jobs of different tags may overlap (dataset + model description + an export)
SHUTDOWN_WAIT_S = 2.0  # how long closing the window waits for running functions to return

_loop: asyncio.AbstractEventLoop | None = None
_executor: ThreadPoolExecutor | None = None
_latest: dict[tuple[int, str], Job] = {}  # (id(owner), tag) -> newest job
_pending: set[Job] = set()


# ---------------------------------------------------------------------------------------------- the loop
def install_loop(loop: asyncio.AbstractEventLoop) -> asyncio.AbstractEventLoop:
    """Make ``loop`` (a qasync QEventLoop on the QApplication) the one jobs run on; returns it."""
    global _loop, _executor
    if _executor is None:
        # a plain thread pool rather than qasync's default QThread one: its idle threads end cleanly at exit even
        # when the loop is never closed (pytest-qt), where a QThread still running at exit aborts the process
        _executor = ThreadPoolExecutor(max_workers=MAX_THREADS, thread_name_prefix="dl-job")
    loop.set_default_executor(_executor)
    asyncio.set_event_loop(loop)
    _loop = loop
    return loop


def ensure_loop() -> asyncio.AbstractEventLoop:
    """The loop jobs run on: the installed one, else a qasync loop attached to the running QApplication.

    ``already_running=True`` tells qasync that Qt's event loop is (or will be) run by someone else, such as
    pytest-qt's ``qtbot.wait``; asyncio callbacks are Qt timers, so any Qt event processing drives them.
    """
    if _loop is not None and not _loop.is_closed():
        return _loop
    import qasync
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        raise RuntimeError("background jobs need a QApplication")
    return install_loop(qasync.QEventLoop(app, already_running=True))


# ---------------------------------------------------------------------------------------------- errors
def error_message(exc: BaseException, expected: tuple[type[BaseException], ...] = ()) -> tuple[str, bool]:
    """``(one-line message, is_bug)`` for an exception raised by a job's function."""
    if isinstance(exc, UserError) or (expected and isinstance(exc, expected)):
        if isinstance(exc, OSError) and exc.strerror:
            return (f"{exc.filename}: {exc.strerror}" if exc.filename else exc.strerror), False
        return " ".join((str(exc) or type(exc).__name__).split()), False
    from gui.crash import summarize

    return QCoreApplication.translate("Jobs", "unexpected error ({0}); the details are in the crash log").format(
        summarize(type(exc), exc)), True


def report_bug(exc: BaseException) -> None:
    """Send an unexpected exception down the app's crash path (gui/crash.py's hook: log file + dialog)."""
    sys.excepthook(type(exc), exc, exc.__traceback__)


# ---------------------------------------------------------------------------------------------- jobs
class Job:
    """One background call. Create it with :func:`run`; ``cancel()`` it, or ``wait()`` for its function."""

    def __init__(self, tag: str, owner: Any, on_done: Callable[[Any], None] | None,
                 on_error: Callable[[str], None] | None, on_progress: Callable[[int, int], None] | None,
                 on_cancelled: Callable[[], None] | None, expected: tuple[type[BaseException], ...]):
        self.tag = tag
        self.owner = owner
        self.on_done, self.on_error, self.on_progress, self.on_cancelled = on_done, on_error, on_progress, on_cancelled
        self.expected = expected
        self.state = "running"  # running -> done | failed | cancelled
        self._stop = threading.Event()  # read by cooperative functions on their thread
        self._returned = threading.Event()  # the function has returned (or will never run)
        self._silent = False  # superseded or shut down: no callbacks at all
        self._submitted = False  # the coroutine has handed the function to a thread
        self._progress_lock = threading.Lock()
        self._progress: tuple[int, int] | None = None
        self._task: asyncio.Task | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    # -------------------------------------------------------------- control (GUI thread)
    def cancel(self) -> None:
        """Stop the job: no result is delivered; ``on_cancelled`` runs once the function has returned."""
        self._stop.set()
        if not self._submitted:  # a task cancelled before its first step never runs its body
            self._returned.set()
        if self._task is not None and not self._task.done():
            self._task.cancel()

    def is_running(self) -> bool:
        """True until the job's outcome has been delivered (or dropped)."""
        return self.state == "running"

    def wait(self, timeout_s: float) -> bool:
        """Block until the function has returned (True) or ``timeout_s`` passed (False). Used when closing."""
        return self._returned.wait(timeout_s)

    def should_stop(self) -> bool:
        """The cooperative stop flag (thread-safe): True once the job was cancelled."""
        return self._stop.is_set()

    def _task_ended(self, task: asyncio.Task) -> None:
        if not task.cancelled() and task.exception() is not None:
            report_bug(task.exception())  # a callback raised: a bug in GUI code, same crash path
        # a task cancelled before its first step never ran _main: its function will never run either
        if self.state == "running":
            if not self._submitted:
                self._returned.set()
            self._finish("cancelled")

    def _supersede(self) -> None:
        self._silent = True
        self.cancel()

    # -------------------------------------------------------------- the job's thread
    def _call(self, fn: Callable[..., Any], args: tuple, kwargs: dict) -> Any:
        try:
            if self._stop.is_set():  # cancelled while queued behind other jobs: do not start
                return None
            return fn(*args, **kwargs)
        finally:
            self._returned.set()

    def _report_progress(self, done: int, total: int) -> None:
        """Called by the function on its thread; only the latest report waiting for the GUI thread is kept."""
        with self._progress_lock:
            scheduled = self._progress is not None
            self._progress = (int(done), int(total))
        if not scheduled and self._loop is not None:
            with contextlib.suppress(RuntimeError):  # the loop closed while the app exits
                self._loop.call_soon_threadsafe(self._flush_progress)

    # -------------------------------------------------------------- the coroutine (GUI thread)
    async def _main(self, fn: Callable[..., Any], args: tuple, kwargs: dict) -> None:
        self._submitted = True
        thread_call = asyncio.ensure_future(asyncio.to_thread(self._call, fn, args, kwargs))
        # asyncio.wait never cancels what it waits for, and never raises the function's error: a cancelled task
        # keeps waiting for the thread (on_cancelled comes after the function's cleanup), and an error arrives
        # as the future's exception, reported in one place (_fail)
        while not thread_call.done():
            try:
                await asyncio.wait({thread_call})
            except asyncio.CancelledError:
                self._stop.set()
        error = thread_call.exception()
        if self._stop.is_set():
            self._finish("cancelled")  # a cancelled job's result or error is not news
        elif error is not None:
            self._fail(error)
        else:
            self._finish("done", thread_call.result())

    def _deliverable(self) -> bool:
        return not self._silent and (self.owner is None or shiboken6.isValid(self.owner))

    def _flush_progress(self) -> None:
        with self._progress_lock:
            latest, self._progress = self._progress, None
        if (latest is not None and self.on_progress is not None and self.state == "running"
                and not self._stop.is_set() and self._deliverable()):
            self.on_progress(*latest)

    def _finish(self, state: str, result: Any = None) -> None:
        self.state = state
        _forget(self)
        if not self._deliverable():
            return
        if state == "done" and self.on_done is not None:
            self.on_done(result)
        elif state == "cancelled" and self.on_cancelled is not None:
            self.on_cancelled()

    def _fail(self, exc: BaseException) -> None:
        self.state = "failed"
        _forget(self)
        message, is_bug = error_message(exc, self.expected)
        if is_bug:
            report_bug(exc)
        if not self._deliverable():
            return
        if self.on_error is not None:
            self.on_error(message)
        elif not is_bug:
            log.warning("%s: %s", self.tag, message)


def _key(owner: Any, tag: str) -> tuple[int, str]:
    return (id(owner) if owner is not None else 0, tag)


def _forget(job: Job) -> None:
    _pending.discard(job)
    key = _key(job.owner, job.tag)
    if _latest.get(key) is job:
        del _latest[key]


def run(tag: str, fn: Callable[..., Any], *args: Any, on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[str], None] | None = None, on_progress: Callable[[int, int], None] | None = None,
        on_cancelled: Callable[[], None] | None = None, owner: Any = None, cooperative: bool = False,
        expected: tuple[type[BaseException], ...] = ()) -> Job:
    """Run ``fn(*args)`` on a worker thread; its outcome reaches one of the callbacks on the GUI thread.

    ``cooperative``: also pass ``progress=`` and ``cancel=`` keyword arguments (the engine's convention);
    reports reach ``on_progress(done, total)``, coalesced to the latest. ``expected``: exception types shown
    like a UserError (one line, no crash report). See the module docstring for tags, owners and errors.
    """
    loop = ensure_loop()
    key = _key(owner, tag)
    older = _latest.get(key)
    if older is not None and older.is_running():
        older._supersede()
    job = Job(tag, owner, on_done, on_error, on_progress, on_cancelled, tuple(expected))
    job._loop = loop
    kwargs = {"progress": job._report_progress, "cancel": job.should_stop} if cooperative else {}
    _latest[key] = job
    _pending.add(job)
    job._task = loop.create_task(job._main(fn, args, kwargs), name=f"job:{tag}")
    job._task.add_done_callback(job._task_ended)
    return job


def pending(owner: Any = None) -> list[Job]:
    """Jobs still running, all or those of ``owner`` (and of QObjects inside it)."""
    return [job for job in list(_pending) if owner is None or _owned_by(job.owner, owner)]


def _owned_by(obj: Any, owner: Any) -> bool:
    while obj is not None:
        if obj is owner:
            return True
        parent = getattr(obj, "parent", None)
        if parent is None or not shiboken6.isValid(obj):
            return False
        obj = parent()
    return False


def shutdown(owner: Any = None, timeout_s: float = SHUTDOWN_WAIT_S) -> bool:
    """Cancel the running jobs (all, or ``owner``'s) without callbacks and wait up to ``timeout_s`` for their
    functions to return. True when all returned; a non-cooperative function still running is left to finish on
    its own (its thread ends with it; nothing is delivered)."""
    jobs = pending(owner)
    for job in jobs:
        job._supersede()
    deadline = time.monotonic() + timeout_s
    returned = True
    for job in jobs:
        returned = job.wait(max(0.0, deadline - time.monotonic())) and returned
    return returned


__all__ = ["Job", "ensure_loop", "error_message", "install_loop", "pending", "report_bug", "run", "shutdown"]
