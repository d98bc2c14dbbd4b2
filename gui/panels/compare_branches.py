"""The Compare tab's branches: re-sample one column's run from its frame at the timeline's t with a new seed (and
optionally another sampler or step count), into a new column beside it.

The branch goes to the worker as the Sampling tab's does (:meth:`gui.worker.EngineWorker.branch`, a
:class:`~gui.events.BranchRequest` served by gui/branch_job.py over :func:`engine.samplers.branch_from`); the answer is
the branch grafted onto its parent's head, so its frames before the branch point are the parent's and the tab scrubs
and exports it like any column. Kept here so gui/panels/compare.py stays about the comparison itself.
"""
from __future__ import annotations

import numpy as np

from gui.events import BranchFinished, ComparedRun, SamplingAborted, SamplingFrame
from gui.panels.compare_column import BranchOf, CompareColumnView, run_name


def branch_step(column: CompareColumnView) -> int | None:
    """The sampler step a branch of ``column`` starts from: its frame on screen, or (a long image run keeps exact
    states only every few steps) the latest earlier step with an exact state; None at the finished samples."""
    index = column.shown_index()
    if index is None:
        return None
    traj = column.run.trajectory
    if traj.timesteps[index] < 0:
        return None
    shown = traj.steps[index]
    states = [s for s in traj.state_steps if s <= shown]
    return max(states) if states else None


def branch_nfe(parent: ComparedRun, step: int, branch_steps: list[int], own: np.ndarray | None,
               total_own: int) -> np.ndarray:
    """Model evaluations along the branch's path at each frame of the grafted trajectory: the parent's before the
    branch point, then the parent's before the branch point's evaluation plus the branch's own (which re-evaluates
    the model at the branch point)."""
    traj = parent.trajectory
    head = [int(parent.nfe[i]) for i, s in enumerate(traj.steps) if s < step]
    before = int(parent.nfe[traj.index_of_step(step)]) - 1
    own = np.full(len(branch_steps), total_own) if own is None else np.asarray(own)
    return np.asarray(head + [before + int(n) for n in own], dtype=np.int64)


class CompareBranchingMixin:
    """The :class:`~gui.panels.compare.ComparePanel`'s side of branching: it has ``columns``, ``worker``,
    ``progress_bar``, ``_running``, ``_t``, ``add_column``, ``_show_message``, ``_show_t`` and ``_sync``."""

    _branch: tuple | None = None  # (parent column, step, request id) of the branch in flight

    def connect_branching(self) -> None:
        self.worker.branchFinished.connect(self._on_branch_finished)
        self.worker.samplingAborted.connect(self._on_branch_aborted)
        self.worker.samplingProgress.connect(self._on_branch_progress)

    def connect_column(self, column: CompareColumnView) -> None:
        column.branchRequested.connect(self.branch_column)

    def can_branch(self, column: CompareColumnView) -> bool:
        from gui.panels.compare import MAX_COLUMNS

        return (not self._running and column.run is not None and len(self.columns) < MAX_COLUMNS
                and self.worker.model() is not None)

    def branch_column(self, column: CompareColumnView) -> int | None:
        """Branch ``column``'s run at the timeline's t with its branch sampler, steps and seed; returns the request
        id (None when it cannot start: another job running, four columns already, or the finished samples shown)."""
        if column not in self.columns or not self.can_branch(column):
            return None
        step = branch_step(column)
        if step is None:
            self._show_message(self.tr("Scrub the timeline back from the finished samples to the t to branch at."),
                               "warning")
            return None
        cfg = column.branch_sampling()
        self._running = True
        self.progress_bar.setRange(0, max(1, column.run.trajectory.num_steps))
        self.progress_bar.setValue(step)
        self.progress_bar.setFormat(self.tr("branch"))
        request = self.worker.branch(column.run.trajectory, step, cfg)
        self._branch = (column, step, request)
        self._show_message(self.tr("Branching {name} at t = {t} with seed {seed}…").format(
            name=column.compare_column().name, t=self._t, seed=cfg.seed), "dim")
        self._sync()
        return request

    def _on_branch_progress(self, frame: SamplingFrame) -> None:
        if self._branch is not None and frame.request_id == self._branch[2]:
            self.progress_bar.setRange(0, max(1, frame.total))
            self.progress_bar.setValue(min(frame.step, frame.total))

    def _on_branch_aborted(self, aborted: SamplingAborted) -> None:
        if self._branch is None or aborted.request_id != self._branch[2]:
            return
        self._branch, self._running = None, False
        self.progress_bar.setValue(0)
        self.progress_bar.setFormat("%p%")
        text = self.tr("Branch cancelled.") if aborted.reason == "cancelled" else self.tr(
            "Branch failed (see the message in the status bar).")
        self._show_message(text, "warning" if aborted.reason == "cancelled" else "error")
        self._sync()

    def _on_branch_finished(self, done: BranchFinished) -> None:
        if self._branch is None or done.request_id != self._branch[2]:
            return
        parent, step, _request = self._branch
        self._branch, self._running = None, False
        self.progress_bar.setValue(self.progress_bar.maximum())
        self.progress_bar.setFormat("%p%")
        traj = done.trajectory
        nfe = branch_nfe(parent.run, step, [s for s in traj.steps if s >= step], done.nfe_per_frame, done.nfe)
        name = run_name(parent.run.sampling) if parent.branch_of is None else parent.branch_of.name()
        branch_of = BranchOf(name, step, int(done.t) + 1, done.sampling)
        column = self.add_column(done.sampling.sampler, done.sampling.steps)
        if column is None:  # a column was added meanwhile; the tab is full
            self._sync()
            return
        column.set_branch(branch_of, ComparedRun(done.sampling, traj, nfe))
        self._show_message(self.tr("Branched {name}: the frames before t = {t} are its parent's.").format(
            name=branch_of.name(), t=branch_of.t), "success")
        self._show_t(self._t)
        self._sync()
