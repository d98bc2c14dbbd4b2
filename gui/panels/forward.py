"""Forward tab: watch q(x_t | x_0) destroy the data as t grows.

Ho et al. Eq. 4: x_t = √ᾱ_t x_0 + √(1−ᾱ_t) ε. The noise ε is drawn ONCE per seed and cached with x_0, so scrubbing t
shows the same noise growing over the same picture (or point cloud); "New noise" draws another ε. Every scrub is a
single q_sample of one small image (or a few thousand points) on the GUI thread, well under 10 ms.

Images: x_0, x_t and ε side by side, the histogram of x_t's pixel values against the N(0, 1) density, and a strip of
x_t at eight evenly spaced t (click one to jump there). 2-D points: a scatter of x_t coloured by each point's x_0
position (hue = angle), with the 1σ / 2σ circles of N(0, I), on a fixed (-4, 4) view.
"""
from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pyqtgraph as pg
import torch
from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from engine.config import DataConfig, ExperimentConfig
from engine.data.dataset import Dataset
from engine.diffusion import q_sample
from gui import jobs
from gui import theme as _theme
from gui.panels.base import Panel, TimelineSpec
from gui.panels.forward_views import NoisedPointsPlot, ValueHistogram, brushes_for
from gui.widgets.equation_strip import EquationStrip
from gui.widgets.image_view import ImageView

STRIP_COUNT = 8
MAX_POINTS = 3000
AXIS_RANGE = 4.0
NOISE_DISPLAY_SIGMA = 2.0  # the eps view maps [-2σ, 2σ] to black..white


def _to_uint8(x: torch.Tensor) -> np.ndarray:
    from engine.imaging import to_uint8

    return to_uint8(x)


class ForwardPanel(Panel):
    def __init__(self, datasets=None, parent: QWidget | None = None):
        super().__init__(parent)
        self._datasets = datasets
        self.dataset = None  # engine.data.Dataset currently shown
        self.mode: str | None = None  # "images" | "points" | None
        self.source = "dataset"  # or "file"
        self.file_path: str | None = None
        self.x0: torch.Tensor | None = None  # (1, C, H, W) or (M, 2)
        self.noise: torch.Tensor | None = None
        self.noise_seed = 0
        self.index = 0
        self.position = 0
        self.xt: torch.Tensor | None = None
        self.last_update_ms = 0.0
        self._strip_positions: list[int] = []
        self._strip_key: tuple | None = None
        self._x0_colors: np.ndarray | None = None
        self._pending_path = ""
        self._build()
        if datasets is not None:
            datasets.loading.connect(self._on_data_loading)
            datasets.loaded.connect(self._on_data_loaded)
            datasets.failed.connect(self._on_data_failed)
            if datasets.dataset() is not None:
                self._on_data_loaded(datasets.dataset())

    # ================================================================== construction
    def _build(self) -> None:
        t = _theme.current_theme()
        # ---- controls
        self.index_label = QLabel(self.tr("Image"))
        self.index_spin = QSpinBox()
        self.index_spin.setRange(0, 0)
        self.index_spin.setMinimumWidth(90)
        self.index_spin.setToolTip(self.tr("Which training image to diffuse (index into the dataset)"))
        self.index_spin.valueChanged.connect(self.set_index)
        self.class_label = QLabel("")
        self.class_label.setProperty("role", "dim")
        self.open_button = QPushButton(_theme.icon("image"), self.tr("Open image…"))
        self.open_button.setToolTip(self.tr("Diffuse any image file instead of a dataset sample"))
        self.open_button.clicked.connect(self._ask_open_image)
        self.dataset_button = QPushButton(self.tr("Back to dataset"))
        self.dataset_button.setToolTip(self.tr("Show dataset samples again"))
        self.dataset_button.clicked.connect(self.use_dataset)
        self.dataset_button.hide()
        self.new_noise_button = QPushButton(_theme.icon("dice"), self.tr("New noise"))
        self.new_noise_button.setToolTip(self.tr("Draw a new fixed noise ε (the next seed)"))
        self.new_noise_button.clicked.connect(self.new_noise)
        self.seed_label = QLabel("")
        self.seed_label.setProperty("role", "dim")
        self.ghost_check = QCheckBox(self.tr("show x₀"))
        self.ghost_check.setToolTip(self.tr("Draw the clean points x₀ faintly behind x_t"))
        self.ghost_check.setChecked(True)
        self.ghost_check.toggled.connect(self._on_ghost)

        bar = QHBoxLayout()
        bar.setSpacing(8)
        bar.addWidget(self.index_label)
        bar.addWidget(self.index_spin)
        bar.addWidget(self.class_label)
        bar.addSpacing(6)
        bar.addWidget(self.open_button)
        bar.addWidget(self.dataset_button)
        bar.addSpacing(16)
        bar.addWidget(self.new_noise_button)
        bar.addWidget(self.seed_label)
        bar.addSpacing(10)
        bar.addWidget(self.ghost_check)
        bar.addStretch(1)

        self.equation = EquationStrip("forward")  # Ho et al. Eq. 4 at the timeline's t

        # ---- images page
        self.images_page = QWidget()
        self.x0_view = ImageView(self.tr("x₀  (clean)"))
        self.xt_view = ImageView("x_t")
        self.noise_view = ImageView(f"ε ~ N(0, I)  (±{NOISE_DISPLAY_SIGMA:g}σ)")
        for v in (self.x0_view, self.xt_view, self.noise_view):
            v.setMinimumSize(150, 170)
        self.hist = ValueHistogram(self.tr("Pixel values of x_t"))
        top = QHBoxLayout()
        top.setSpacing(10)
        top.addWidget(self.x0_view, 4)
        top.addWidget(self.xt_view, 4)
        top.addWidget(self.noise_view, 4)
        top.addWidget(self.hist, 5)

        self.strip_views: list[ImageView] = []
        strip = QHBoxLayout()
        strip.setSpacing(6)
        for k in range(STRIP_COUNT):
            v = ImageView("", min_side=56)
            v.setMinimumSize(70, 90)
            v.setCursor(Qt.PointingHandCursor)
            v.setToolTip(self.tr("Click to move the timeline here"))
            v.clicked.connect(lambda k=k: self._on_strip_clicked(k))
            self.strip_views.append(v)
            strip.addWidget(v, 1)
        strip_title = QLabel(self.tr("x_t at evenly spaced t — the same ε throughout (click one to jump there)"))
        strip_title.setProperty("role", "dim")
        strip_box = QVBoxLayout()
        strip_box.setSpacing(2)
        strip_box.addWidget(strip_title)
        strip_box.addLayout(strip, 1)

        img_lay = QVBoxLayout(self.images_page)
        img_lay.setContentsMargins(0, 0, 0, 0)
        img_lay.setSpacing(8)
        img_lay.addLayout(top, 5)
        img_lay.addLayout(strip_box, 3)

        # ---- points page
        self.points_page = QWidget()
        self.scatter_plot = NoisedPointsPlot(AXIS_RANGE)
        self.ghost = self.scatter_plot.ghost
        self.scatter = self.scatter_plot.scatter
        self.points_hist = ValueHistogram(self.tr("Coordinates of x_t"))
        self.points_stats = QLabel("")
        self.points_stats.setProperty("role", "readout")
        self.points_stats.setWordWrap(True)
        self.points_strip: list[ImageView] = []
        pstrip = QGridLayout()
        pstrip.setSpacing(4)
        for k in range(STRIP_COUNT):
            v = ImageView("", min_side=56)
            v.setMinimumSize(70, 86)
            v.setCursor(Qt.PointingHandCursor)
            v.setToolTip(self.tr("Click to move the timeline here"))
            v.clicked.connect(lambda k=k: self._on_strip_clicked(k))
            self.points_strip.append(v)
            pstrip.addWidget(v, k // 4, k % 4)
        right = QVBoxLayout()
        right.setSpacing(8)
        right.addWidget(self.points_hist, 3)
        right.addWidget(self.points_stats)
        right.addLayout(pstrip, 4)
        pts_lay = QHBoxLayout(self.points_page)
        pts_lay.setContentsMargins(0, 0, 0, 0)
        pts_lay.setSpacing(10)
        pts_lay.addWidget(self.scatter_plot, 3)
        pts_lay.addLayout(right, 2)

        # ---- message page
        self.message_page = QLabel(self.tr("Loading data…"))
        self.message_page.setAlignment(Qt.AlignCenter)
        self.message_page.setWordWrap(True)
        self.message_page.setProperty("role", "dim")

        self.stack = QStackedWidget()
        self.stack.addWidget(self.images_page)
        self.stack.addWidget(self.points_page)
        self.stack.addWidget(self.message_page)
        self.stack.setCurrentWidget(self.message_page)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(10, 8, 10, 8)
        lay.setSpacing(8)
        lay.addLayout(bar)
        lay.addWidget(self.equation)
        lay.addWidget(self.stack, 1)
        self._sync_controls()
        self.apply_theme(t)

    # ================================================================== protocol
    def timeline_spec(self) -> TimelineSpec:
        return TimelineSpec("t", self._config.schedule.timesteps + 1)

    def set_config(self, cfg: ExperimentConfig) -> None:
        old = self._config.schedule
        super().set_config(cfg)
        if cfg.schedule != old:
            self._strip_key = None
            if cfg.schedule.timesteps != old.timesteps:
                self.timelineSpecChanged.emit()
            self.position = min(self.position, cfg.schedule.timesteps)
            self.equation.show_forward(self.schedule(), self.position)
            self._refresh()

    def on_timeline(self, position: int) -> None:
        self.position = int(position)
        self.equation.show_forward(self.schedule(), self.position)
        self.update_view()

    # ================================================================== data
    def _on_data_loading(self, name: str) -> None:
        if self.source == "dataset":
            self.dataset = None
            self.x0 = None
            shown = Path(name).name if ("/" in name or "\\" in name) else name
            self._show_message(self.tr("Loading {0}…").format(shown))

    def _on_data_failed(self, message: str) -> None:
        if self.source == "dataset":
            self.dataset = None
            self.x0 = None
            self._show_message(self.tr("Cannot load the data:\n{0}").format(message))

    def _on_data_loaded(self, ds) -> None:
        self.source = "dataset"
        self.file_path = None
        self.set_dataset(ds)

    def set_dataset(self, ds, index: int | None = None) -> None:
        """Show ``ds`` (a :class:`engine.data.Dataset`): image ``index`` of an image set, or the point cloud."""
        self.dataset = ds
        self.mode = ds.kind
        n = len(ds)
        if ds.kind == "images":
            idx = min(self.index if index is None else int(index), n - 1)
            with QSignalBlocker(self.index_spin):
                self.index_spin.setRange(0, max(0, n - 1))
                self.index_spin.setValue(idx)
            self.index = idx
            self.x0 = ds.x[idx:idx + 1].float().clone()
        else:
            x = ds.x.float()
            if len(x) > MAX_POINTS:
                sel = np.sort(np.random.default_rng(0).choice(len(x), MAX_POINTS, replace=False))
                x = x[torch.from_numpy(sel)]
            self.x0 = x.clone()
            self._set_point_styles()
            self.scatter_plot.fit_to(self.x0.numpy())
        self._draw_noise()
        self._sync_controls()
        self._refresh()

    def set_index(self, index: int) -> None:
        """Show image ``index`` of the current image dataset."""
        ds = self.dataset
        if ds is None or ds.kind != "images" or self.source != "dataset":
            return
        index = max(0, min(int(index), len(ds) - 1))
        self.index = index
        if self.index_spin.value() != index:
            with QSignalBlocker(self.index_spin):
                self.index_spin.setValue(index)
        self.x0 = ds.x[index:index + 1].float().clone()
        if self.noise is None or self.noise.shape != self.x0.shape:
            self._draw_noise()
        self._sync_controls()
        self._refresh()

    def use_dataset(self) -> None:
        self.source = "dataset"
        self.file_path = None
        ds = self._datasets.dataset() if self._datasets is not None else None
        if ds is not None:
            self.set_dataset(ds)
        else:
            self._show_message(self.tr("Loading data…"))
        self._sync_controls()

    # ---- any image file
    def _ask_open_image(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Open image"), "",
            self.tr("Images (*.png *.jpg *.jpeg *.bmp *.gif *.webp *.tif *.tiff);;All files (*)"),
            options=QFileDialog.DontUseNativeDialog)
        if path:
            self.open_image(path)

    def open_image(self, path: str) -> None:
        """Diffuse an arbitrary image file (loaded off the GUI thread; centre-cropped, at most 128 px)."""
        self._pending_path = str(path)
        jobs.run("image", _load_single_image, str(path), owner=self, on_done=self._on_image_loaded,
                 on_error=self._on_image_failed, expected=(OSError,))

    def _on_image_failed(self, message: str) -> None:
        QMessageBox.warning(self, self.tr("Cannot open image"), f"{self._pending_path}\n\n{message}")

    def _on_image_loaded(self, result: Dataset) -> None:
        path = self._pending_path
        self.source = "file"
        self.file_path = path
        self.dataset = result
        self.mode = "images"
        self.x0 = result.x[0:1].float().clone()
        self._draw_noise()
        self._sync_controls()
        self._refresh()

    # ================================================================== noise
    def new_noise(self) -> None:
        self.noise_seed += 1
        self._draw_noise()
        self._refresh()

    def _draw_noise(self) -> None:
        if self.x0 is None:
            self.noise = None
            return
        gen = torch.Generator().manual_seed(int(self.noise_seed))
        self.noise = torch.randn(self.x0.shape, generator=gen, dtype=torch.float32)
        self._strip_key = None
        self.seed_label.setText(self.tr("noise seed {0}").format(self.noise_seed))

    # ================================================================== computing and drawing
    def compute_xt(self, position: int | None = None) -> torch.Tensor | None:
        """x_t at a timeline position with the cached x0 and noise (position 0 = x0)."""
        if self.x0 is None or self.noise is None:
            return None
        p = self.position if position is None else int(position)
        p = max(0, min(p, self._config.schedule.timesteps))
        if p == 0:
            return self.x0
        return q_sample(self.schedule(), self.x0, torch.tensor(p - 1), self.noise)

    def _refresh(self) -> None:
        """Everything that depends on x0 / noise / schedule: the strip and the current view."""
        if self.x0 is None:
            return
        self.stack.setCurrentWidget(self.images_page if self.mode == "images" else self.points_page)
        if self.mode == "images":
            self.x0_view.set_image(_to_uint8(self.x0)[0])
            self.noise_view.set_image(_to_uint8(self.noise / NOISE_DISPLAY_SIGMA)[0])
        else:
            self.ghost.setData(pos=self.x0.numpy(), brush=pg.mkBrush(_theme.with_alpha(
                _theme.current_theme().text_dim, 45)))
        self._update_strip()
        self.update_view()

    def update_view(self) -> None:
        """Show x_t at the current position (the per-scrub path: one q_sample)."""
        if self.x0 is None:
            return
        start = time.perf_counter()
        xt = self.compute_xt()
        self.xt = xt
        p = max(0, min(self.position, self._config.schedule.timesteps))
        if self.mode == "images":
            self.xt_view.set_image(_to_uint8(xt)[0])
            self.xt_view.set_title(f"x_t   (t = {p})" if p else "x_t   (t = 0: x₀)")
            self.hist.set_values(xt.numpy())
        else:
            pts = xt.numpy()
            self.scatter.move(pts)
            self.points_hist.set_values(pts)
            m, sd = pts.mean(axis=0), pts.std(axis=0)
            self.points_stats.setText(self.tr("mean ({0:+.2f}, {1:+.2f})   std ({2:.2f}, {3:.2f})\n"
                                              "N(0, I) has mean (0, 0), std (1, 1)").format(m[0], m[1], sd[0], sd[1]))
        self._highlight_strip(p)
        self.last_update_ms = (time.perf_counter() - start) * 1000.0

    def _update_strip(self) -> None:
        T = self._config.schedule.timesteps
        positions = sorted(set(np.linspace(0, T, STRIP_COUNT).round().astype(int).tolist()))
        key = (id(self.x0), id(self.noise), self.mode, T, self._config.schedule, _theme.current_theme().name)
        if key == self._strip_key:
            return
        self._strip_key = key
        self._strip_positions = positions
        views = self.strip_views if self.mode == "images" else self.points_strip
        for k, view in enumerate(views):
            if k >= len(positions):
                view.clear()
                view.set_title("")
                view.hide()
                continue
            view.show()
            p = positions[k]
            xt = self.compute_xt(p)
            if self.mode == "images":
                view.set_image(_to_uint8(xt)[0])
            else:
                view.set_image(self._render_points(xt.numpy()))
            view.set_title(f"t = {p}")

    def _render_points(self, pts: np.ndarray) -> np.ndarray:
        from engine.plotting import scatter_image

        t = _theme.current_theme()
        bg = QColor(t.plot_bg)
        return scatter_image(pts, size=128, extent=AXIS_RANGE, colors=self._x0_colors,
                             background=(bg.red(), bg.green(), bg.blue()), radius=0)

    def _highlight_strip(self, p: int) -> None:
        views = self.strip_views if self.mode == "images" else self.points_strip
        if not self._strip_positions:
            return
        nearest = int(np.argmin([abs(q - p) for q in self._strip_positions]))
        for k, v in enumerate(views):
            v.set_highlighted(k == nearest and self._strip_positions[nearest] == p)

    def _on_strip_clicked(self, k: int) -> None:
        if k < len(self._strip_positions):
            self.seekRequested.emit(self._strip_positions[k])

    def _set_point_styles(self) -> None:
        colors, codes = _theme.point_palette(self.x0.numpy())
        self._x0_colors = colors
        self.scatter.set_points(self.x0.numpy(), brushes_for(colors, codes))

    def _on_ghost(self, on: bool) -> None:
        self.ghost.setVisible(on)

    def _show_message(self, text: str) -> None:
        self.message_page.setText(text)
        self.stack.setCurrentWidget(self.message_page)

    def _sync_controls(self) -> None:
        images = self.mode == "images"
        from_file = self.source == "file"
        self.index_label.setVisible(images and not from_file)
        self.index_spin.setVisible(images and not from_file)
        self.dataset_button.setVisible(from_file)
        self.ghost_check.setVisible(self.mode == "points")
        ds = self.dataset
        text = ""
        if from_file and self.file_path:
            text = Path(self.file_path).name
        elif images and ds is not None and ds.labels is not None and self.index < len(ds.labels):
            label = int(ds.labels[self.index])
            name = ds.class_names[label] if label < len(ds.class_names) else str(label)
            text = self.tr("of {0}  ·  class {1}").format(len(ds), name)
        elif images and ds is not None:
            text = self.tr("of {0}").format(len(ds))
        self.class_label.setText(text)
        self.class_label.setVisible(bool(text))

    # ================================================================== export / theme
    def export_sources(self) -> tuple[dict, str | None]:
        if self.x0 is None:
            return {}, None
        data = "points" if self.x0.ndim == 2 else "x0"
        return {"forward": {data: self.x0, "schedule": self.schedule(), "noise": self.noise}}, "forward"

    def export_png(self, path: str) -> None:
        """Images: the strip of x_t at evenly spaced t, upscaled; points: the scatter plot as shown."""
        if self.mode == "images" and self.x0 is not None:
            from PIL import Image

            from engine.imaging import make_grid, to_rgb, upscale_nearest

            frames = np.stack([_to_uint8(self.compute_xt(p))[0] for p in self._strip_positions])
            size = frames.shape[1]
            grid = make_grid(frames, nrow=len(frames), padding=2, pad_value=255)
            grid = upscale_nearest(grid, max(1, 128 // size))
            Image.fromarray(to_rgb(grid)).save(path)
        else:
            if not self.scatter_plot.grab().save(path):
                raise OSError(self.tr("could not write {0}").format(path))

    def apply_theme(self, theme) -> None:
        self.hist.apply_theme(theme)
        self.points_hist.apply_theme(theme)
        self.scatter_plot.apply_theme(theme)
        self.open_button.setIcon(_theme.icon("image"))
        self.new_noise_button.setIcon(_theme.icon("dice"))
        self._strip_key = None
        if self.x0 is not None:
            self._update_strip()

    def retranslate(self) -> None:
        """After a language switch: the seed, image count and statistics readouts are rendered again."""
        if self.x0 is not None:
            self.seed_label.setText(self.tr("noise seed {0}").format(self.noise_seed))
        self._sync_controls()
        self.update_view()

    def shutdown(self) -> None:
        jobs.shutdown(self)


def _load_single_image(path: str):
    from engine.data import load_dataset

    return load_dataset(DataConfig(dataset=path), 0)
