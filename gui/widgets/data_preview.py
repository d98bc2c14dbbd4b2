"""The Data section's picker and preview: the dataset combo box (built-in sets grouped by kind, opened paths, the
open actions) and the strip under it showing real training samples, the load status and skipped files."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtGui import QColor, QStandardItemModel
from PySide6.QtWidgets import QComboBox, QFileDialog, QLabel, QStackedWidget, QVBoxLayout, QWidget

from engine.config import BUILTIN_DATASETS, IMAGE_DATASETS, POINT_DATASETS, is_point_dataset
from gui import theme as _theme
from gui.widgets.field_texts import tr_field
from gui.widgets.form_parts import repolish
from gui.widgets.image_view import ImageGridView, ImageView

if TYPE_CHECKING:
    from engine.data.dataset import Dataset

OPEN_FOLDER = "__open_folder__"
OPEN_FILE = "__open_file__"
PREVIEW_IMAGES = 24
PREVIEW_POINTS = 1500


def display_name(dataset: str) -> str:
    """A built-in set by its (translated) name, a path by its last part."""
    return tr_field(dataset) if dataset in BUILTIN_DATASETS else Path(dataset).name


class DatasetPicker(QComboBox):
    """Built-in sets under "2-D points" / "Images" headers, paths opened so far, then the two open actions.

    Item data is the dataset (a name or a path) or OPEN_FOLDER / OPEN_FILE for the actions; headers have None.
    """

    def __init__(self, help_text: str, parent: QWidget | None = None):
        super().__init__(parent)
        self._help = help_text
        self.setMinimumContentsLength(10)
        self.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self._header_rows: list[tuple[int, str]] = []  # (row, which header) for retranslate
        descriptions = {}
        try:
            from engine.data import list_builtin

            descriptions = dict(list_builtin())
        except Exception:  # noqa: BLE001 - the picker still works without descriptions
            pass
        self._descriptions = descriptions
        for header, names in ((self.tr("2-D points"), POINT_DATASETS), (self.tr("Images"), IMAGE_DATASETS)):
            self._header_rows.append((self.count(), "points" if names is POINT_DATASETS else "images"))
            self._add_header(header)
            for name in names:
                self.addItem(tr_field(name), name)  # the dataset's name stays the item data
                self.setItemData(self.count() - 1, tr_field(descriptions.get(name, "")), Qt.ToolTipRole)
        self.insertSeparator(self.count())
        self.addItem(_theme.icon("folder"), self.tr("Open image folder…"), OPEN_FOLDER)
        self.addItem(_theme.icon("image"), self.tr("Open image / data file…"), OPEN_FILE)

    def _add_header(self, text: str) -> None:
        self.addItem(text, None)
        model = self.model()
        if isinstance(model, QStandardItemModel):
            item = model.item(self.count() - 1)
            item.setEnabled(False)
            font = item.font()
            font.setBold(True)
            item.setFont(font)

    def retranslate(self, help_text: str) -> None:
        """After a language switch: headers, built-in names, their descriptions and the open actions again."""
        self._help = help_text
        for row, which in self._header_rows:
            self.setItemText(row, self.tr("2-D points") if which == "points" else self.tr("Images"))
        for row in range(self.count()):
            data = self.itemData(row)
            if data in BUILTIN_DATASETS:
                self.setItemText(row, tr_field(data))
                self.setItemData(row, tr_field(self._descriptions.get(data, "")), Qt.ToolTipRole)
        self.setItemText(self.findData(OPEN_FOLDER), self.tr("Open image folder…"))
        self.setItemText(self.findData(OPEN_FILE), self.tr("Open image / data file…"))
        if self.currentData() in BUILTIN_DATASETS:
            self.setToolTip(self._help)

    def chosen(self) -> str | None:
        """The dataset the current item stands for; None on an open action."""
        data = self.currentData()
        return data if isinstance(data, str) and data not in (OPEN_FILE, OPEN_FOLDER) else None

    def select(self, dataset: str) -> None:
        """Show ``dataset`` as the current item (a path gets an item above the open actions) without signals."""
        idx = self.findData(dataset)
        if idx < 0:
            insert_at = self.findData(OPEN_FOLDER) - 1  # the separator
            icon = _theme.icon("folder" if Path(dataset).is_dir() else "image")
            self.insertItem(insert_at, icon, Path(dataset).name or dataset, dataset)
            self.setItemData(insert_at, dataset, Qt.ToolTipRole)
            idx = insert_at
        with QSignalBlocker(self):
            self.setCurrentIndex(idx)
        self.setToolTip(dataset if dataset not in BUILTIN_DATASETS else self._help)

    def ask_path(self, folder: bool, current: str) -> str:
        """A folder or file from a dialog that starts next to ``current`` (a path); '' when cancelled."""
        start = str(Path(current).parent) if current not in BUILTIN_DATASETS else ""
        options = QFileDialog.DontUseNativeDialog
        if folder:
            return QFileDialog.getExistingDirectory(self, self.tr("Open image folder"), start,
                                                    options | QFileDialog.ShowDirsOnly)
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Open image or data file"), start,
            self.tr("Images and data (*.png *.jpg *.jpeg *.bmp *.gif *.webp *.tif *.tiff *.npy *.npz *.csv *.txt "
                    "*-ubyte *-ubyte.gz);;All files (*)"), options=options)
        return path


class DataPreview(QWidget):
    """A grid of real samples (images) or a mini scatter (points), a status line and a skipped-files line."""

    previewClicked = Signal(int)  # dataset index of a clicked preview image

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.preview_indices: list[int] = []
        self._state: tuple[str, object] | None = None  # ("loading", name) / ("loaded", ds) / ("failed", message)
        self.stack = QStackedWidget()
        self.grid = ImageGridView(placeholder=self.tr("loading…"))
        self.grid.setMinimumHeight(150)
        self.grid.setToolTip(self.tr("Real training samples. Click one to show it in the Forward tab."))
        self.grid.cellClicked.connect(self._on_cell_clicked)
        self.points = ImageView(placeholder=self.tr("loading…"))
        self.points.setMinimumHeight(150)
        self.points.setToolTip(self.tr("The training points (standardized), coloured by angle as in the Forward tab"))
        self.stack.addWidget(self.grid)
        self.stack.addWidget(self.points)
        self.stack.setFixedHeight(170)

        self.status = QLabel("")
        self.status.setProperty("role", "dim")
        self.status.setWordWrap(True)
        self.warnings = QLabel("")
        self.warnings.setProperty("role", "warning")
        self.warnings.setWordWrap(True)
        self.warnings.hide()
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(3)
        box.addWidget(self.stack)
        box.addWidget(self.status)
        box.addWidget(self.warnings)

    def show_loading(self, name: str) -> None:
        self._state = ("loading", name)
        self.status.setText(self.tr("Loading {0}…").format(display_name(name)))
        self.warnings.hide()
        if is_point_dataset(name):
            self.stack.setCurrentWidget(self.points)
        else:
            self.stack.setCurrentWidget(self.grid)
            self.grid.set_images(None)
            self.grid.set_placeholder(self.tr("loading…"))

    def show_loaded(self, ds: Dataset) -> None:
        self._state = ("loaded", ds)
        n = len(ds)
        classes = self.tr(", {0} classes").format(ds.num_classes) if ds.num_classes else ""
        label = display_name(ds.name)
        if ds.kind == "images":
            c, s = ds.channels, ds.image_size
            self.status.setText(self.tr("{0}: {1} images, {2}×{3}×{3}{4}").format(label, n, c, s, classes))
            self.show_images(ds)
        else:
            self.status.setText(self.tr("{0}: {1} points, standardized{2}").format(label, n, classes))
            self.show_points(ds)
        self.show_warnings(list(ds.warnings or []))

    def show_failed(self, message: str) -> None:
        self._state = ("failed", message)
        self.status.setText("")
        self.grid.set_images(None)
        self.grid.set_placeholder(self.tr("no preview"))
        self.stack.setCurrentWidget(self.grid)
        self.warnings.setText(self.tr("Cannot load the data: {0}").format(message))
        self.warnings.setProperty("role", "error")
        repolish(self.warnings)
        self.warnings.setToolTip(message)
        self.warnings.show()

    def show_images(self, ds: Dataset) -> None:
        from engine.imaging import to_uint8

        n = len(ds)
        count = min(PREVIEW_IMAGES, n)
        idx = np.unique(np.linspace(0, n - 1, count).round().astype(int)).tolist()
        self.preview_indices = idx
        self.grid.set_images(to_uint8(ds.x[idx]), ncol=min(8, len(idx)))
        self.stack.setCurrentWidget(self.grid)

    def show_points(self, ds: Dataset) -> None:
        from engine.plotting import scatter_image

        x = ds.x.numpy()
        if len(x) > PREVIEW_POINTS:
            sel = np.random.default_rng(0).choice(len(x), PREVIEW_POINTS, replace=False)
            x = x[sel]
        bg = QColor(_theme.current_theme().base)
        img = scatter_image(x, size=300, extent=3.0, colors=_theme.point_palette(x)[0],
                            background=(bg.red(), bg.green(), bg.blue()), radius=1, unit_circle=False)
        self.points.set_image(img)
        self.stack.setCurrentWidget(self.points)

    def show_warnings(self, warnings: list[str]) -> None:
        if not warnings:
            self.warnings.hide()
            return
        names = []
        for w in warnings[:3]:
            head = w.split(":", 1)[0]
            names.append(Path(head).name or head)
        more = self.tr(" and {0} more").format(len(warnings) - 3) if len(warnings) > 3 else ""
        if len(warnings) == 1:
            self.warnings.setText(self.tr("Skipped 1 file: {0}").format(names[0]))
        else:
            self.warnings.setText(self.tr("Skipped {0} files: {1}{2}").format(len(warnings), ", ".join(names), more))
        self.warnings.setToolTip("\n".join(warnings[:50]) + ("\n…" if len(warnings) > 50 else ""))
        if self.warnings.property("role") != "warning":
            self.warnings.setProperty("role", "warning")
            repolish(self.warnings)
        self.warnings.show()

    def retranslate(self) -> None:
        """After a language switch: tooltips and the status / warning lines in the new language."""
        self.grid.setToolTip(self.tr("Real training samples. Click one to show it in the Forward tab."))
        self.points.setToolTip(self.tr("The training points (standardized), coloured by angle as in the Forward tab"))
        self.points.set_placeholder(self.tr("loading…"))
        if self._state is None:
            return
        kind, what = self._state
        if kind == "loading":
            self.status.setText(self.tr("Loading {0}…").format(display_name(what)))
            self.grid.set_placeholder(self.tr("loading…"))
        elif kind == "loaded":
            self.show_loaded(what)
        else:
            self.show_failed(what)

    def apply_theme(self, ds: Dataset | None) -> None:
        if ds is not None and ds.kind == "images":
            self.show_images(ds)  # the grid padding follows the palette
        elif ds is not None:
            self.show_points(ds)
        self.grid.update()

    def _on_cell_clicked(self, cell: int) -> None:
        if 0 <= cell < len(self.preview_indices):
            self.previewClicked.emit(self.preview_indices[cell])
