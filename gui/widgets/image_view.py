"""Crisp views of small uint8 images: one picture (:class:`ImageView`) and a clickable grid (:class:`ImageGridView`).

An 8x8 digit must stay an 8x8 grid of sharp squares at any window size, so the picture is scaled by the largest
*integer* factor that fits (nearest neighbour, no smoothing), centred, aspect kept. Only when the picture is larger
than the widget is it scaled down (smoothly). The displayed array is kept (``image()``) so tests can compare it.
"""
from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QPoint, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from gui import theme as _theme


def _as_hwc(arr: np.ndarray) -> np.ndarray:
    a = np.asarray(arr)
    if a.dtype != np.uint8:
        raise TypeError(f"ImageView expects uint8, got {a.dtype}")
    if a.ndim == 2:
        a = a[..., None]
    if a.ndim != 3 or a.shape[-1] not in (1, 3, 4):
        raise ValueError(f"ImageView expects (H, W), (H, W, 1) or (H, W, 3), got shape {a.shape}")
    return np.ascontiguousarray(a)


def qimage_from_array(arr: np.ndarray) -> QImage:
    """uint8 (H, W[, C]) -> QImage that owns a copy of the pixels."""
    a = _as_hwc(arr)
    h, w, c = a.shape
    fmt = {1: QImage.Format_Grayscale8, 3: QImage.Format_RGB888, 4: QImage.Format_RGBA8888}[c]
    img = QImage(a.data, w, h, w * c, fmt)
    return img.copy()  # detach from the numpy buffer


class ImageView(QWidget):
    """Shows one uint8 image, nearest-neighbour upscaled by an integer factor, with an optional title above."""

    clicked = Signal()

    def __init__(self, title: str = "", parent: QWidget | None = None, *,
                 placeholder: str = QT_TRANSLATE_NOOP("ImageView", "no image"),
                 min_side: int = 64):
        super().__init__(parent)
        self._title = title
        self._caption = ""
        self._placeholder = placeholder
        self._array: np.ndarray | None = None
        self._qimage: QImage | None = None
        self._min_side = int(min_side)
        self._highlight = False
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)
        self.setAttribute(Qt.WA_OpaquePaintEvent, False)

    # ------------------------------------------------------------------ data
    def set_image(self, arr: np.ndarray | None) -> None:
        if arr is None:
            self._array = None
            self._qimage = None
        else:
            a = _as_hwc(arr)
            self._array = a.copy()
            self._qimage = qimage_from_array(a)
        self.update()

    def image(self) -> np.ndarray | None:
        """The displayed pixels, (H, W, C) uint8, or None."""
        return self._array

    def clear(self) -> None:
        self.set_image(None)

    def set_title(self, title: str) -> None:
        self._title = title
        self.update()

    def title(self) -> str:
        return self._title

    def set_caption(self, caption: str) -> None:
        """Small dim text under the picture (e.g. coefficients)."""
        self._caption = caption
        self.update()

    def set_placeholder(self, text: str) -> None:
        self._placeholder = text
        self.update()

    def set_highlighted(self, on: bool) -> None:
        self._highlight = bool(on)
        self.update()

    # ------------------------------------------------------------------ geometry
    def _title_height(self) -> int:
        return self.fontMetrics().height() + 6 if self._title else 0

    def _caption_height(self) -> int:
        return self.fontMetrics().height() + 4 if self._caption else 0

    def sizeHint(self) -> QSize:
        return QSize(180, 180 + self._title_height() + self._caption_height())

    def minimumSizeHint(self) -> QSize:
        return QSize(self._min_side, self._min_side + self._title_height() + self._caption_height())

    def image_rect(self) -> QRect:
        """Where the picture is drawn, in widget coordinates (empty when there is no picture)."""
        if self._qimage is None:
            return QRect()
        area = self.rect().adjusted(2, 2 + self._title_height(), -2, -2 - self._caption_height())
        w, h = self._qimage.width(), self._qimage.height()
        if w <= 0 or h <= 0 or area.width() <= 0 or area.height() <= 0:
            return QRect()
        scale = min(area.width() / w, area.height() / h)
        if scale >= 1:
            scale = math.floor(scale)
        tw, th = max(1, int(w * scale)), max(1, int(h * scale))
        x = area.x() + (area.width() - tw) // 2
        y = area.y() + (area.height() - th) // 2
        return QRect(x, y, tw, th)

    # ------------------------------------------------------------------ painting
    def paintEvent(self, event) -> None:
        t = _theme.current_theme()
        p = QPainter(self)
        fm = self.fontMetrics()
        target = self.image_rect()
        if self._title:
            # the title sits right above the picture (or at the top when there is none)
            top = target.top() - self._title_height() - 1 if not target.isEmpty() else 0
            p.setPen(QColor(t.text))
            p.drawText(QRect(0, max(0, top), self.width(), self._title_height()), Qt.AlignHCenter | Qt.AlignVCenter,
                       fm.elidedText(self._title, Qt.ElideRight, self.width() - 4))
        if self._qimage is None or target.isEmpty():
            area = self.rect().adjusted(2, 2 + self._title_height(), -2, -2 - self._caption_height())
            p.setPen(QPen(QColor(t.border), 1, Qt.DashLine))
            p.setBrush(Qt.NoBrush)
            p.drawRect(area.adjusted(0, 0, -1, -1))
            p.setPen(QColor(t.text_dim))
            # the defaults are marked above; a caller's own text is already translated and passes through unchanged
            p.drawText(area, Qt.AlignCenter | Qt.TextWordWrap, QCoreApplication.translate("ImageView",
                                                                                          self._placeholder))
        else:
            smooth = target.width() < self._qimage.width()
            p.setRenderHint(QPainter.SmoothPixmapTransform, smooth)
            p.drawImage(QRectF(target), self._qimage)
            pen = QPen(QColor(t.accent if self._highlight else t.border), 2 if self._highlight else 1)
            p.setPen(pen)
            p.setBrush(Qt.NoBrush)
            p.drawRect(target.adjusted(-1, -1, 0, 0))
        if self._caption:
            p.setPen(QColor(t.text_dim))
            top = target.bottom() + 3 if not target.isEmpty() else self.height() - self._caption_height()
            rect = QRect(0, top, self.width(), self._caption_height())
            p.drawText(rect, Qt.AlignHCenter | Qt.AlignVCenter,
                       fm.elidedText(self._caption, Qt.ElideRight, self.width() - 4))
        p.end()

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.LeftButton:
            self.clicked.emit()
        super().mousePressEvent(event)


class ImageGridView(ImageView):
    """A grid of equally sized uint8 images; clicking a cell emits ``cellClicked(index)``."""

    cellClicked = Signal(int)

    def __init__(self, title: str = "", parent: QWidget | None = None, *, padding: int = 1,
                 placeholder: str = QT_TRANSLATE_NOOP("ImageView", "no images")):
        super().__init__(title, parent, placeholder=placeholder)
        self._padding = int(padding)
        self._layout: tuple[int, int, int, int, int] | None = None  # n, h, w, ncol, nrows
        self.setCursor(Qt.PointingHandCursor)

    def set_images(self, images: np.ndarray | None, ncol: int | None = None) -> None:
        """``images``: uint8 (N, H, W[, C]). ``ncol`` images per row (default: near-square)."""
        if images is None or len(images) == 0:
            self._layout = None
            self.set_image(None)
            return
        imgs = np.asarray(images)
        if imgs.ndim == 3:
            imgs = imgs[..., None]
        n, h, w, c = imgs.shape
        ncol = max(1, min(n, int(ncol) if ncol else math.ceil(math.sqrt(n))))
        nrows = math.ceil(n / ncol)
        pad = self._padding
        t = _theme.current_theme()
        bg = QColor(t.base)
        fill = int(round(0.299 * bg.red() + 0.587 * bg.green() + 0.114 * bg.blue())) if c == 1 else None
        grid = np.empty((nrows * (h + pad) + pad, ncol * (w + pad) + pad, c), dtype=np.uint8)
        if c == 1:
            grid[:] = fill
        else:
            grid[:] = (bg.red(), bg.green(), bg.blue())[:c]
        for k in range(n):
            r, col = divmod(k, ncol)
            top, left = pad + r * (h + pad), pad + col * (w + pad)
            grid[top:top + h, left:left + w] = imgs[k]
        self._layout = (n, h, w, ncol, nrows)
        self.set_image(grid)

    def cell_count(self) -> int:
        return self._layout[0] if self._layout else 0

    def cell_at(self, pos: QPoint) -> int | None:
        """Index of the image under widget position ``pos`` (None on padding or outside)."""
        if self._layout is None or self._qimage is None:
            return None
        rect = self.image_rect()
        if rect.isEmpty() or not rect.contains(pos):
            return None
        n, h, w, ncol, _nrows = self._layout
        gx = (pos.x() - rect.x()) * self._qimage.width() / rect.width()
        gy = (pos.y() - rect.y()) * self._qimage.height() / rect.height()
        pad = self._padding
        col, cx = divmod(gx - pad, w + pad)
        row, cy = divmod(gy - pad, h + pad)
        if cx < 0 or cy < 0 or cx >= w or cy >= h or col < 0 or row < 0 or col >= ncol:
            return None
        index = int(row) * ncol + int(col)
        return index if index < n else None

    def cell_center(self, index: int) -> QPoint:
        """Widget position of the centre of cell ``index`` (for tests and keyboard navigation)."""
        if self._layout is None:
            return QPoint()
        n, h, w, ncol, _ = self._layout
        rect = self.image_rect()
        row, col = divmod(index, ncol)
        pad = self._padding
        gx = pad + col * (w + pad) + w / 2
        gy = pad + row * (h + pad) + h / 2
        return QPoint(int(rect.x() + gx * rect.width() / self._qimage.width()),
                      int(rect.y() + gy * rect.height() / self._qimage.height()))

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.LeftButton:
            index = self.cell_at(event.position().toPoint())
            if index is not None:
                self.cellClicked.emit(index)
        super().mousePressEvent(event)
