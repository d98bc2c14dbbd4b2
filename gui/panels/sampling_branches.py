"""The Sampling tab's branches: re-sample a recorded run from the frame on the timeline, and keep the results as a
small tree under the run.

The run is the root; every branch is a child of the node it was branched from, and may be branched again. Each
node holds a whole :class:`~engine.samplers.Trajectory` (the parent's frames before the branch point, then its own:
:meth:`~engine.samplers.Trajectory.grafted`), so selecting a node shows, scrubs and exports it like a plain run.
Drawing and form values only: the branch itself is sampled on the worker (gui/branch_job.py).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np
from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from engine.config import SamplingConfig
from gui import theme as _theme
from gui.events import BranchFinished
from gui.panels.sampler_fields import SamplerMenu, frame_label, nfe_text, sampler_name, uses_eta

WIDTH = 250  # the side column next to the Sampling tab's views


@dataclass(frozen=True)
class BranchNode:
    """One node of the tree: the run (``parent`` None) or a branch of node ``parent`` from its sampler step
    ``step`` at schedule index ``t``. ``nfe`` is what the node's own sampling cost."""

    trajectory: Any  # engine.samplers.Trajectory
    sampling: SamplingConfig
    nfe: int
    parent: int | None = None
    step: int | None = None
    t: int | None = None


def aligned_position(timesteps: list[int], t_index: int | None) -> int:
    """The frame of a trajectory to show for schedule index ``t_index`` (-1: the finished sample), so switching
    nodes keeps the timeline at the same t: the latest frame whose t is still >= it (the Compare tab's rule,
    :func:`engine.export.compare.aligned_index`); the last frame when there is no t yet."""
    if t_index is None:
        return len(timesteps) - 1
    return max(0, int(np.count_nonzero(np.asarray(timesteps) >= int(t_index))) - 1)


class BranchTree(QTreeWidget):
    """The run and its branches; the item data is the node's index in :attr:`nodes`."""

    nodeSelected = Signal(int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.nodes: list[BranchNode] = []
        self._items: list[QTreeWidgetItem] = []
        self.setHeaderHidden(True)
        self.setIndentation(12)
        self.setRootIsDecorated(True)
        self.setUniformRowHeights(True)
        self.setToolTip(self.tr("The recorded run and its branches: select one to show, scrub and export it"))
        self.currentItemChanged.connect(self._on_current)

    def set_root(self, node: BranchNode) -> None:
        """A new run: the tree starts again from it."""
        with QSignalBlocker(self):
            self.clear()
            self.nodes, self._items = [], []
        self.add(node)

    def add(self, node: BranchNode) -> int:
        """Append ``node`` under its parent and select it; returns its index."""
        index = len(self.nodes)
        self.nodes.append(node)
        item = QTreeWidgetItem([self.node_text(node)])
        item.setData(0, Qt.UserRole, index)
        item.setToolTip(0, self.node_tip(node))
        if node.parent is None:
            self.addTopLevelItem(item)
        else:
            self._items[node.parent].addChild(item)
            self._items[node.parent].setExpanded(True)
        self._items.append(item)
        self.setCurrentItem(item)
        return index

    def retranslate(self) -> None:
        """The nodes' texts and tooltips again through tr(), after a language switch."""
        for node, item in zip(self.nodes, self._items):
            item.setText(0, self.node_text(node))
            item.setToolTip(0, self.node_tip(node))

    def current(self) -> int | None:
        item = self.currentItem()
        return None if item is None else int(item.data(0, Qt.UserRole))

    def select(self, index: int) -> None:
        self.setCurrentItem(self._items[index])

    def texts(self) -> list[str]:
        return [item.text(0) for item in self._items]

    def node_text(self, node: BranchNode) -> str:
        s = node.sampling
        what = self.tr("{sampler}-{steps} · seed {seed}").format(sampler=sampler_name(s.sampler), steps=s.steps,
                                                                 seed=s.seed)
        if node.parent is None:
            return self.tr("Run: {what}").format(what=what)
        return self.tr("at t = {t}: {what}").format(t=node.t + 1, what=what)

    def node_tip(self, node: BranchNode) -> str:
        s = node.sampling
        lines = [self.tr("{sampler}, {steps} steps, seed {seed}").format(sampler=sampler_name(s.sampler),
                                                                         steps=s.steps, seed=s.seed)]
        if uses_eta(s.sampler):
            lines.append(self.tr("η = {eta:g}").format(eta=s.eta))
        if s.guidance_scale != 1.0:
            lines.append(self.tr("guidance scale {scale:g}").format(scale=s.guidance_scale))
        if node.parent is not None:
            lines.append(self.tr("branched from step {step} (t = {t}); earlier frames are its parent's").format(
                step=node.step, t=node.t + 1))
        lines.append(nfe_text(node.nfe))
        return "\n".join(lines)

    def _on_current(self, item: QTreeWidgetItem | None, _previous: QTreeWidgetItem | None) -> None:
        if item is not None:
            self.nodeSelected.emit(int(item.data(0, Qt.UserRole)))


class BranchBox(QFrame):
    """The side column: the tree, the new branch's settings and the "Branch from here" button."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setProperty("role", "card")
        self.setFixedWidth(WIDTH)
        title = QLabel(self.tr("Branches"))
        title.setProperty("role", "title")
        self.tree = BranchTree()
        self.point_label = QLabel("")
        self.point_label.setProperty("role", "readout")
        self.point_label.setWordWrap(True)
        self.sampler_combo = SamplerMenu()
        self.steps_spin = QSpinBox()
        self.steps_spin.setRange(1, 1000)
        self.steps_spin.setToolTip(self.tr("Steps of the branch's timestep grid; it visits those below the branch "
                                           "point"))
        self.eta_spin = QDoubleSpinBox()
        self.eta_spin.setRange(0.0, 1.0)
        self.eta_spin.setSingleStep(0.1)
        self.eta_spin.setToolTip(self.tr("DDIM stochasticity η: 0 = deterministic; only DDIM uses it"))
        self.guidance_spin = QDoubleSpinBox()
        self.guidance_spin.setRange(0.0, 100.0)
        self.guidance_spin.setSingleStep(0.5)
        self.guidance_spin.setToolTip(self.tr("Classifier-free guidance scale of the branch; 1 = plain conditional "
                                              "sampling"))
        self.seed_spin = QSpinBox()
        self.seed_spin.setRange(0, 2**31 - 1)
        self.seed_spin.setToolTip(self.tr("Seed of the branch's noise (DDPM, DDIM with η > 0): a new seed, a new "
                                          "future from the same frame"))
        self.dice_button = QToolButton()
        self.dice_button.setIcon(_theme.icon("dice"))
        self.dice_button.setAutoRaise(True)
        self.dice_button.setToolTip(self.tr("New random seed"))
        self.branch_button = QPushButton(self.tr("Branch from here"))
        self.branch_button.setToolTip(self.tr("Re-sample from the frame on the timeline with these settings; the "
                                              "frames before it stay the parent's"))

        form = QFormLayout()
        form.setContentsMargins(0, 0, 0, 0)
        form.setVerticalSpacing(2)
        form.addRow(self.tr("Sampler"), self.sampler_combo)
        form.addRow(self.tr("Steps"), self.steps_spin)
        self.eta_label = QLabel(self.tr("η"))
        form.addRow(self.eta_label, self.eta_spin)
        self.guidance_label = QLabel(self.tr("Guidance"))
        form.addRow(self.guidance_label, self.guidance_spin)
        seed_row = QHBoxLayout()
        seed_row.setSpacing(2)
        seed_row.addWidget(self.seed_spin, 1)
        seed_row.addWidget(self.dice_button)
        form.addRow(self.tr("Seed"), seed_row)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 8, 8, 8)
        lay.setSpacing(4)
        lay.addWidget(title)
        lay.addWidget(self.tree, 1)
        lay.addWidget(self.point_label)
        lay.addLayout(form)
        lay.addWidget(self.branch_button)

        self.sampler_combo.currentIndexChanged.connect(lambda _i: self._sync_eta())
        self.dice_button.clicked.connect(
            lambda: self.seed_spin.setValue(int(np.random.default_rng().integers(0, 2**31 - 1))))
        self.set_conditional(False)
        self._sync_eta()

    def apply_theme(self, theme: _theme.Theme) -> None:
        self.dice_button.setIcon(_theme.icon("dice", theme=theme))

    def fill(self, sampling: SamplingConfig, max_steps: int) -> None:
        """Start the form from a node's settings, with the next seed (a branch with the same noise would mostly
        replay its parent)."""
        self.sampler_combo.set_sampler(sampling.sampler)
        self.steps_spin.setMaximum(max(1, int(max_steps)))
        self.steps_spin.setValue(int(sampling.steps))
        self.eta_spin.setValue(float(sampling.eta))
        self.guidance_spin.setValue(float(sampling.guidance_scale))
        self.seed_spin.setValue(int(sampling.seed + 1) % (2**31 - 1))

    def set_conditional(self, conditional: bool) -> None:
        """Guidance only means something for a class-conditional model."""
        self._conditional = bool(conditional)
        self.guidance_label.setVisible(conditional)
        self.guidance_spin.setVisible(conditional)

    def sampling(self, base: SamplingConfig) -> SamplingConfig:
        """``base`` (the node's run: n, classes, EMA, spacing) with the branch's sampler, steps, η, guidance, seed."""
        guidance = self.guidance_spin.value() if self._conditional else base.guidance_scale
        return dataclasses.replace(base, sampler=self.sampler_combo.sampler(), steps=self.steps_spin.value(),
                                   eta=self.eta_spin.value(), seed=self.seed_spin.value(), guidance_scale=guidance)

    def set_point(self, text: str, can_branch: bool) -> None:
        """Where a branch would start (or why it cannot), and whether the button may start it."""
        self.point_label.setText(text)
        self.branch_button.setEnabled(can_branch)

    def _sync_eta(self) -> None:
        eta = uses_eta(self.sampler_combo.sampler())
        self.eta_spin.setEnabled(eta)
        self.eta_label.setEnabled(eta)


class BranchingMixin:
    """The Sampling tab's side of branching, kept here so gui/panels/sampling.py stays about the plain run: the
    panel (a :class:`~gui.panels.sampling.SamplingPanel`) has ``branches`` (a :class:`BranchBox`), ``trajectory``
    (the shown node's), ``_position``, ``_sampling``, ``_model`` and the worker."""

    _branch_parent: int | None = None  # the node a branch in flight was started from

    def branch_here(self) -> None:
        """Re-sample the shown trajectory from the frame on the timeline with the Branches box's settings."""
        tree = self.branches.tree
        step, node = self.branch_step(), tree.current()
        if self._sampling or step is None or node is None:
            return
        cfg = self.branches.sampling(tree.nodes[node].sampling)
        if cfg.steps > self._max_steps():
            self._show_message(self.tr("Steps must be ≤ the model's T = {T}.").format(T=self._max_steps()), "error")
            return
        self._branch_parent = node
        self._sampling = True
        self.progress_bar.setRange(0, max(1, self.trajectory.num_steps))
        self.progress_bar.setValue(step)
        self._show_message(self.tr("Branching from step {step} with {sampler}-{steps}, seed {seed}…").format(
            step=step, sampler=sampler_name(cfg.sampler), steps=cfg.steps, seed=cfg.seed), "dim")
        self.worker.branch(self.trajectory, step, cfg)
        self._sync()

    def branch_step(self) -> int | None:
        """The sampler step of the frame on the timeline when a branch can start there (an exact state was kept and
        it is not the finished sample), else None."""
        traj = self.trajectory
        if traj is None or len(traj) == 0:
            return None
        step = traj.steps[min(self._position, len(traj) - 1)]
        return step if step in set(traj.state_steps) else None

    def _on_branch_finished(self, done: BranchFinished) -> None:
        if not self._sampling or self._branch_parent is None:
            return
        self._sampling = False
        node = BranchNode(done.trajectory, done.sampling, done.nfe, self._branch_parent, done.step, done.t)
        self._branch_parent = None
        with QSignalBlocker(self.branches.tree):  # shown below, at its finished samples
            index = self.branches.tree.add(node)
        self.progress_bar.setValue(self.progress_bar.maximum())
        self._show_message(self.tr("Branched at t = {t} ({nfe}). Scrub back to the branch point, or select "
                                   "another node in Branches to see it at the same t.").format(
            t=done.t + 1, nfe=nfe_text(done.nfe)), "success")
        self.show_node(index, len(done.trajectory) - 1)

    def show_node(self, index: int, position: int | None = None) -> None:
        """Show node ``index`` of the tree at timeline ``position``; by default at the frame with the t shown now
        (aligned by t, not by step: the nodes' step grids may differ)."""
        node = self.branches.tree.nodes[index]
        traj = self.trajectory
        if position is None:
            t = traj.timesteps[min(self._position, len(traj) - 1)] if traj is not None and len(traj) else None
            position = aligned_position(node.trajectory.timesteps, t)
        self.trajectory = node.trajectory
        if self._selected is not None and self._selected >= self._sample_count():  # a new run with fewer samples
            self._selected = None
            self.views.follow(False)
        self.nfe_label.setText(nfe_text(node.nfe) if node.nfe else "")
        self.views.start_trajectory(node.trajectory)
        self.branches.fill(node.sampling, self._max_steps())
        self.branches.show()
        self._position = position
        self._show_frame(position)
        self.timelineSpecChanged.emit()  # the main window re-ranges the timeline...
        self.seekRequested.emit(position)  # ...then moves it to the frame shown
        self._sync()

    def _sync_branch_point(self) -> None:
        """The Branches box says where a branch would start, or why it cannot start at this frame."""
        traj, step = self.trajectory, self.branch_step()
        if traj is None or len(traj) == 0:
            return
        frame_step = traj.steps[min(self._position, len(traj) - 1)]
        t = traj.timesteps[min(self._position, len(traj) - 1)]
        if step is not None:
            text = self.tr("From {frame}").format(frame=frame_label(step, traj.num_steps, t))
        elif t < 0:
            text = self.tr("The final frame is the finished sample: scrub back to branch from an earlier one.")
        else:
            text = self.tr("Step {step} kept no exact state (long run): scrub to another step.").format(
                step=frame_step)
        self.branches.set_point(text, step is not None and not self._sampling and self._model is not None)
