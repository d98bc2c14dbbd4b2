"""The protocol every centre tab follows, and small shared services for panels.

A panel is a QWidget that
* says what the shared timeline ranges over (:meth:`Panel.timeline_spec`; emit ``timelineSpecChanged`` when that
  changes, e.g. when T changes or a sampling run recorded new frames),
* shows the state at a timeline position (:meth:`Panel.on_timeline`, called while the tab is active and on
  every tab switch),
* follows the experiment (:meth:`Panel.set_config`, called with every valid config from the Experiment dock),
* restyles itself (:meth:`Panel.apply_theme`), names what File > Export can write (:meth:`Panel.export_sources`),
  follows the config's validity (:meth:`Panel.set_train_enabled`), saves and restores its part of the experiment
  file (:meth:`Panel.experiment_extras`, :meth:`Panel.restore_experiment_extras`), re-renders its computed texts
  after a language switch (:meth:`Panel.retranslate`) and stops its work on close (:meth:`Panel.shutdown`);
  ``seekRequested(int)`` asks the timeline to jump (e.g. a click on a thumbnail).

The main window calls these on every tab directly; the base class's defaults do nothing, so a tab overrides only
what concerns it.
"""
from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from functools import lru_cache

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from engine.config import POINT_DATASETS, ExperimentConfig, ScheduleConfig
from engine.errors import DataError
from engine.schedules import NoiseSchedule
from gui import jobs

DEBOUNCE_MS = 250  # quiet time before an image set / file is (re)loaded


@dataclass
class TimelineSpec:
    """What the shared timeline slider ranges over.

    ``kind == "t"``: positions ``0..T``; 0 is the clean x0 and position ``p >= 1`` is schedule index ``p - 1``
    (the paper's t = p). ``kind == "steps"``: positions ``0..count-1`` over recorded sampling frames, with an
    optional per-position ``labels`` text for the readout (e.g. ``"step 12/20 · t = 400"``, the paper's t).
    """

    kind: str
    count: int
    labels: list[str] | None = None

    def __post_init__(self) -> None:
        if self.kind not in ("t", "steps"):
            raise ValueError(f"TimelineSpec.kind must be 't' or 'steps', got {self.kind!r}")
        self.count = max(1, int(self.count))


class Panel(QWidget):
    """Base class for the centre tabs (Schedule, Forward, Training, Sampling)."""

    timelineSpecChanged = Signal()
    seekRequested = Signal(int)  # optional: ask the main window to move the timeline to this position

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._config: ExperimentConfig = ExperimentConfig()

    # -- protocol ------------------------------------------------------------------------------------------------
    def timeline_spec(self) -> TimelineSpec:
        return TimelineSpec("t", self._config.schedule.timesteps + 1)

    def on_timeline(self, position: int) -> None:
        """Show the state at ``position`` (see :class:`TimelineSpec`)."""

    def set_config(self, cfg: ExperimentConfig) -> None:
        self._config = cfg

    # -- helpers -------------------------------------------------------------------------------------------------
    def config(self) -> ExperimentConfig:
        return self._config

    def schedule(self) -> NoiseSchedule:
        return schedule_for(self._config.schedule)

    def apply_theme(self, theme) -> None:
        """Restyle plots and custom-painted widgets for a new palette."""

    def export_sources(self) -> tuple[dict, str | None]:
        """What the export dialog can write from this tab (plain data the panel already holds) and the source it
        opens on; ``({}, None)`` when there is nothing to export yet."""
        return {}, None

    def show_own_exports(self) -> bool:
        """Ctrl+E / File > Export on a tab whose exports are its own (an Export button in the tab, for files the
        export dialog does not write): show them and return True; False when the tab has none."""
        return False

    def set_train_enabled(self, enabled: bool) -> None:
        """Whether the Experiment dock's config is valid (the Training tab's Start needs a valid config)."""

    def shutdown(self) -> None:
        """The window is closing: cancel this panel's background work."""

    def retranslate_message(self) -> None:
        """After a language switch (and :meth:`retranslate`): the message shown with a ``render`` is made again."""
        render = self._message_render
        if render is not None and hasattr(self, "message_label"):
            self._show_message(render(), self._message_role, render)

    def retranslate(self) -> None:
        """The interface language changed (View › Language). Every text the catalogue knows as it was set (a
        label's ``tr("Loss")``) has already been re-set by gui/retranslate.py; re-render here, through ``tr()``,
        the texts this tab computes (readouts and messages with numbers, e.g. ``tr("step {0}").format(n)``)."""

    def experiment_extras(self) -> dict:
        """What this tab adds to a saved experiment beside the config (engine/experiment_file.py): top-level
        JSON entries, e.g. the 2-D lab's drawing."""
        return {}

    def restore_experiment_extras(self, extras: dict, cfg: ExperimentConfig) -> ExperimentConfig:
        """Take this tab's entries back from an opened experiment (before the form gets ``cfg``); return the config
        to use (a tab may repoint a file it wrote). A bad entry raises a UserError, shown as one line."""
        return cfg

    # ---- the one-line message under a panel's controls (panels that have one set ``self.message_label``)
    _message_role = "dim"
    _message_render = None  # Callable[[], str] | None: composes the shown message again in the current language

    def _show_message(self, text: str, role: str = "dim", render=None) -> None:
        """Show ``text`` with a style role (dim | warning | error | ..., see gui/theme.py) of the stylesheet.
        ``render`` (optional) makes ``text`` again through ``tr()``: a message composed of numbers and translated
        parts then follows a language switch (:meth:`retranslate_message`); without it the message keeps its words
        until the next one."""
        self._message_render = render
        self.message_label.setText(text)
        self.message_label.setToolTip(text)
        if role != self._message_role:
            self._message_role = role
            self.message_label.setProperty("role", role)
            style = self.message_label.style()
            style.unpolish(self.message_label)
            style.polish(self.message_label)

    def message(self) -> str:
        return self.message_label.text()


# ---------------------------------------------------------------------------------------------- schedules
@lru_cache(maxsize=16)
def _schedule_cached(kind: str, timesteps: int, beta_start: float, beta_end: float, cosine_s: float,
                     zero_terminal_snr: bool) -> NoiseSchedule:
    return NoiseSchedule(kind, timesteps, beta_start, beta_end, cosine_s, zero_terminal_snr)


def schedule_for(cfg: ScheduleConfig) -> NoiseSchedule:
    """The (cached) :class:`NoiseSchedule` of a valid schedule config; panels share one object per config."""
    return _schedule_cached(cfg.kind, int(cfg.timesteps), float(cfg.beta_start), float(cfg.beta_end),
                            float(cfg.cosine_s), bool(cfg.zero_terminal_snr))


# ---------------------------------------------------------------------------------------------- datasets
def _load_dataset(data_cfg, seed: int):
    try:
        from engine.data import load_dataset
    except ImportError as exc:  # an optional loader dependency is missing: the user can install it
        raise DataError(f"the data loader is not available ({exc})") from exc
    return load_dataset(data_cfg, seed)


class DatasetProvider(QObject):
    """Loads the experiment's dataset once for every view that shows real samples (dock preview, Forward tab).

    Built-in 2-D sets load synchronously (they take milliseconds); image sets and files load as a background
    job (gui/jobs.py, newest request wins) and arrive through ``loaded`` without blocking the GUI.
    ``failed(message)`` carries the loader's one-line error.
    """

    loading = Signal(str)
    loaded = Signal(object)
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._job: jobs.Job | None = None
        self._key: str | None = None
        self._dataset = None
        self._error: str | None = None
        self._busy = False
        self._pending = None
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self._submit_pending)

    @staticmethod
    def key_of(data_cfg, seed: int) -> str:
        return json.dumps(dataclasses.asdict(data_cfg), sort_keys=True) + f"|seed={int(seed)}"

    def dataset(self):
        return self._dataset

    def dataset_for(self, cfg: ExperimentConfig):
        """The loaded dataset if it is ``cfg``'s (same data settings and seed), else None."""
        return self._dataset if self._key == self.key_of(cfg.data, cfg.training.seed) else None

    def error(self) -> str | None:
        return self._error

    def request(self, cfg: ExperimentConfig, *, force: bool = False) -> None:
        data_cfg, seed = cfg.data, cfg.training.seed
        key = self.key_of(data_cfg, seed)
        if key == self._key and not force:
            return
        self._key = key
        self._dataset = None
        self._error = None
        data_copy = dataclasses.replace(data_cfg)
        self.loading.emit(data_cfg.dataset)
        if data_cfg.dataset in POINT_DATASETS:
            if self._job is not None:
                self._job.cancel()
                self._job = None
            self._debounce.stop()
            self._pending = None
            self._busy = False
            try:
                ds = _load_dataset(data_copy, seed)
            except Exception as exc:  # noqa: BLE001 - the same one-place wording as a background load
                message, is_bug = jobs.error_message(exc, (OSError,))
                if is_bug:
                    jobs.report_bug(exc)
                self._show_failure(message)
            else:
                self._dataset = ds
                self.loaded.emit(ds)
            return
        # files and image sets load on the worker thread; while a number is being typed (max items 1, 10, 100...)
        # only the last request of a quick burst is loaded
        self._busy = True
        self._pending = (data_copy, seed)
        self._debounce.start()

    def _submit_pending(self) -> None:
        if self._pending is not None:
            data_cfg, seed = self._pending
            self._pending = None
            # a file the user picked may be unreadable (OSError): their problem to fix, not a crash
            self._job = jobs.run("data", _load_dataset, data_cfg, seed, owner=self, on_done=self._on_loaded,
                                 on_error=self._on_failed, expected=(OSError,))

    def _on_loaded(self, dataset: object) -> None:
        self._busy = False
        self._job = None
        self._dataset = dataset
        self.loaded.emit(dataset)

    def _on_failed(self, message: str) -> None:
        self._busy = False
        self._job = None
        self._show_failure(message)

    def _show_failure(self, message: str) -> None:
        self._error = message
        self.failed.emit(message)

    def shutdown(self) -> None:
        self._debounce.stop()
        self._pending = None
        self._job = None
        jobs.shutdown(self)
