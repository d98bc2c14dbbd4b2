"""User image files: a folder of images (class subfolders become labels) or one image file.

Every file is decoded defensively, because user folders contain everything: truncated downloads, text files, 16-bit
scans, CMYK JPEGs, palette GIFs with transparency, 400-megapixel panoramas, files that disappear while we read, and
symlinks that point back up the tree. A bad item never stops the load: it is skipped and named in
``Dataset.warnings``. Only when nothing usable is left is a :class:`DataError` raised, saying what was found.

Decisions worth knowing:
* **Transparency is composited on white** (what viewers and browsers show for transparent icons / logos).
* **Colour or grey**: native channels are 3 if any image is colour, else 1. Palette images with an all-grey palette
  count as grey; an RGB file whose pixels happen to be grey counts as colour (the file says so).
* **Resize**: centre-crop to a square, then Lanczos (JPEGs are first decoded at a reduced scale with ``draft``).
* **EXIF orientation** is applied, so phone photos are upright.
* **Huge images** are refused from their header size (``Image.open`` is lazy) before any pixel is decoded: more than
  :data:`MAX_PIXELS` after JPEG draft reduction. ``Image.MAX_IMAGE_PIXELS`` is deliberately left alone (a
  process-wide setting; ours is stricter anyway): Pillow's bomb *error* is caught and its bomb *warning* is raised
  as an error inside a ``warnings.catch_warnings`` block around our own ``Image.open`` calls; both become skips.
* **Labels**: class = first-level subfolder. Loose images at the top level next to class folders form a class named
  :data:`TOP_LEVEL_CLASS`. Fewer than two classes means unlabeled.
"""
from __future__ import annotations

import functools
import os
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from PIL import Image, ImageOps, UnidentifiedImageError

from engine.data.dataset import Dataset, check_tensor_budget, seeded_permutation
from engine.data.images import finish_images
from engine.errors import DataError

IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp", ".tif", ".tiff")
FOLDER_NATIVE_SIZE = 32
SINGLE_IMAGE_MAX_NATIVE = 128
MAX_PIXELS = 50_000_000  # ~200 MB as RGBA: the most we decode for one file
TOP_LEVEL_CLASS = "(top level)"

# Formats Pillow may use to open our files: the ones our extensions stand for (the JPEG opener also yields MPO,
# the multi-picture JPEG of cameras). Limiting the list keeps exotic decoders away from untrusted files named *.png.
_WANTED_FORMATS = ("PNG", "JPEG", "BMP", "GIF", "TIFF", "WEBP")
# Operating-system clutter that is not data and not worth a warning line.
_IGNORED_NAMES = {"thumbs.db", "desktop.ini", "__macosx"}
# Above this many skip reasons in a DataError message, the rest are summarised as "... and N more".
_MESSAGE_ITEMS = 5


class SkipItem(Exception):
    """One file cannot be used; the message says why (it becomes a ``Dataset.warnings`` line)."""


@dataclass
class _Decoded:
    pixels: np.ndarray  # float32 (S, S, C) in [0, 1], C in {1, 3}
    colour: bool


# --------------------------------------------------------------------------------------------- one image
@functools.lru_cache(maxsize=1)
def _formats() -> tuple[str, ...]:
    Image.init()  # registers every plugin, so we can keep only the wanted formats this Pillow build supports
    return tuple(f for f in _WANTED_FORMATS if f in Image.OPEN)


def _open_image(path: Path) -> Image.Image:
    """Open lazily (reads the header only). A seam for tests that simulate files vanishing mid-load."""
    return Image.open(path, formats=_formats())


def decode_image(path: Path, size: int) -> _Decoded:
    """Decode one file to a ``size`` x ``size`` float array in [0, 1], or raise :class:`SkipItem` saying why."""
    try:
        with warnings.catch_warnings():
            # Pillow warns (instead of raising) for images between 1x and 2x its bomb limit; treat that as a skip.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with _open_image(path) as img:
                return _decode_opened(img, size)
    except SkipItem:
        raise
    except FileNotFoundError:
        raise SkipItem("vanished while loading (file not found)") from None
    except PermissionError:
        raise SkipItem("permission denied") from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise SkipItem(f"refused as a possible decompression bomb ({exc})") from None
    except UnidentifiedImageError:
        raise SkipItem("not a readable image (unknown or corrupt format)") from None
    except MemoryError:
        raise SkipItem("not enough memory to decode it") from None
    except (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError, KeyError, ZeroDivisionError) as exc:
        # Pillow's decoders signal damage with any of these (OSError "image file is truncated", SyntaxError
        # "broken PNG file", ValueError from bad tables, ...). Report Pillow's own words.
        text = str(exc) or type(exc).__name__
        reason = "truncated file" if "truncated" in text else "corrupt or unsupported image"
        raise SkipItem(f"{reason} ({text})") from None


def _decode_opened(img: Image.Image, size: int) -> _Decoded:
    if img.format in ("JPEG", "MPO"):
        # Let libjpeg decode at 1/2, 1/4 or 1/8 scale when that still covers the target: a 24 Mpx photo becomes
        # a 0.4 Mpx decode. The result stays >= size on both sides, so the centre crop below still fits.
        img.draft(None, (size, size))
    w, h = img.size
    if w < 1 or h < 1:
        raise SkipItem(f"empty image ({w}x{h})")
    if w * h > MAX_PIXELS:
        raise SkipItem(f"too large ({w}x{h} = {w * h / 1e6:.0f} Mpx; the limit is {MAX_PIXELS / 1e6:.0f} Mpx)")
    img.load()
    try:
        ImageOps.exif_transpose(img, in_place=True)
    except Exception:  # noqa: BLE001 - a damaged EXIF block only costs the orientation, never the image
        pass
    img, colour = _normalize_mode(img)
    w, h = img.size
    side = min(w, h)
    box = ((w - side) / 2, (h - side) / 2, (w + side) / 2, (h + side) / 2)
    # resize(box=...) crops and scales in one pass; RGBA/LA are resampled premultiplied by Pillow (no dark fringes).
    img = img.resize((size, size), Image.Resampling.LANCZOS, box=box, reducing_gap=3.0)
    return _Decoded(_to_float(img), colour)


def _normalize_mode(img: Image.Image) -> tuple[Image.Image, bool]:
    """Reduce any Pillow mode to L, LA, RGB, RGBA or F (grey float in [0, 1]); also say whether it is colour."""
    mode = img.mode
    has_alpha = mode in ("RGBA", "LA", "PA", "La", "RGBa") or "transparency" in img.info
    if mode == "P":
        palette = img.getpalette() or []
        rgb = np.asarray(palette[: len(palette) // 3 * 3]).reshape(-1, 3)
        grey = bool(len(rgb)) and bool((rgb == rgb[:, :1]).all())
        if has_alpha:
            return img.convert("LA" if grey else "RGBA"), not grey
        return img.convert("L" if grey else "RGB"), not grey
    if mode == "1":
        return img.convert("L"), False
    if mode in ("L", "LA"):
        return (img.convert("LA") if has_alpha and mode == "L" else img), False
    if mode.startswith("I") or mode == "F":
        return _high_depth_to_float(img), False
    if mode in ("RGB", "RGBA"):
        return (img.convert("RGBA") if has_alpha and mode == "RGB" else img), True
    if mode == "La":  # premultiplied grey + alpha
        return img.convert("LA"), False
    # CMYK, YCbCr, LAB, HSV, RGBX, RGBa ...: Pillow knows the route to RGB(A).
    return img.convert("RGBA" if has_alpha else "RGB"), True


def _high_depth_to_float(img: Image.Image) -> Image.Image:
    """16/32-bit integer or float grey -> mode F in [0, 1] (Pillow's own I->L conversion would clip at 255)."""
    arr = np.asarray(img)
    if img.mode == "F":
        arr = np.nan_to_num(arr.astype(np.float32), nan=0.0, posinf=0.0, neginf=0.0)
        lo, hi = float(arr.min()), float(arr.max())
        if lo < 0.0 or hi > 1.0:  # float scans come in arbitrary units: stretch to [0, 1]
            arr = (arr - lo) / (hi - lo) if hi > lo else np.zeros_like(arr)
    else:
        # I;16* holds 0..65535; mode I (32-bit) comes from 16-bit PNG/TIFF in practice, so the same scale applies.
        arr = np.clip(arr.astype(np.float32), 0.0, 65535.0) / 65535.0
    return Image.fromarray(np.ascontiguousarray(arr, dtype=np.float32))  # float32 2-D -> mode F


def _to_float(img: Image.Image) -> np.ndarray:
    """A resized L / LA / RGB / RGBA / F image -> float32 (S, S, C) in [0, 1]; alpha composited on white."""
    if img.mode == "F":
        return np.clip(np.asarray(img, dtype=np.float32), 0.0, 1.0)[..., None]
    arr = np.asarray(img, dtype=np.float32) / 255.0
    if arr.ndim == 2:
        arr = arr[..., None]
    if img.mode in ("LA", "RGBA"):
        color, alpha = arr[..., :-1], arr[..., -1:]
        arr = color * alpha + (1.0 - alpha)  # over a white background
    return arr


# --------------------------------------------------------------------------------------------- folder walk
@dataclass
class _Listing:
    images: list[tuple[Path, str]]  # (file, class key: first-level folder name or "" for loose files)
    skipped: list[str]  # warning lines for non-image files, unreadable folders, loops


def _walk(root: Path) -> _Listing:
    """Every image file under ``root``, recursively, in a deterministic order (sorted names, depth first).

    Symlinks are followed, but each directory is entered once: its (device, inode) identity is remembered, so a
    link back to an ancestor (a loop) or a second link to the same folder is skipped, not walked forever. The walk
    uses an explicit stack, so absurdly deep trees cannot hit Python's recursion limit.
    """
    listing = _Listing(images=[], skipped=[])
    seen: set[object] = set()
    stack: list[tuple[Path, str | None]] = [(root, None)]  # (folder, class key; None = the root itself)

    def rel(p: Path) -> str:
        return str(p.relative_to(root)) if p != root else "."

    while stack:
        folder, class_key = stack.pop()
        try:
            st = os.stat(folder)  # follows symlinks: the identity of the folder itself, not of the link
            # Some file systems report inode 0; the resolved real path is the fallback identity there.
            identity: object = (st.st_dev, st.st_ino) if st.st_ino else os.path.realpath(folder)
            if identity in seen:
                listing.skipped.append(f"{rel(folder)}/: already visited (symlink loop or duplicate link), skipped")
                continue
            seen.add(identity)
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            listing.skipped.append(f"{rel(folder)}/: cannot open folder ({exc.strerror or exc})")
            continue
        subfolders: list[tuple[Path, str | None]] = []
        for entry in entries:
            name = entry.name
            if name.startswith(".") or name.lower() in _IGNORED_NAMES:
                continue  # hidden files (.DS_Store, ._AppleDouble, .git) and OS clutter are not data
            path = Path(entry.path)
            try:
                is_dir = entry.is_dir()  # follows symlinks
                is_file = entry.is_file()
            except OSError:
                is_dir = is_file = False
            if is_dir:
                subfolders.append((path, name if class_key is None else class_key))
            elif is_file and name.lower().endswith(IMAGE_EXTENSIONS):
                listing.images.append((path, class_key or ""))
            elif is_file:
                ext = os.path.splitext(name)[1] or "no extension"
                listing.skipped.append(f"{rel(path)}: not an image ({ext})")
            elif entry.is_symlink():
                listing.skipped.append(f"{rel(path)}: broken symlink")
            else:
                listing.skipped.append(f"{rel(path)}: not a regular file")
        stack.extend(reversed(subfolders))  # reversed: the stack pops them in sorted order
    return listing


def load_image_folder(root: Path, image_size: int = 0, channels: int = 0, max_items: int = 0,
                      seed: int = 0) -> Dataset:
    """All images under ``root`` (class subfolders -> labels), see the module docstring for the rules."""
    root = Path(root)
    size = int(image_size) or FOLDER_NATIVE_SIZE
    listing = _walk(root)
    warnings_out = list(listing.skipped)
    n_wanted = len(listing.images) if max_items <= 0 else min(max_items, len(listing.images))
    check_tensor_budget(n_wanted, 3 * size * size, str(root))

    # With a cap, take files in a seeded random order (all classes represented) and keep going past broken ones
    # until the cap is met; without one, every file in listing order.
    order = seeded_permutation(len(listing.images), seed) if max_items > 0 else range(len(listing.images))
    decoded: dict[int, _Decoded] = {}
    failed: list[str] = []
    for idx in order:
        if len(decoded) >= n_wanted:
            break
        path, _ = listing.images[idx]
        try:
            decoded[idx] = decode_image(path, size)
        except SkipItem as exc:
            failed.append(f"{path.relative_to(root)}: {exc}")
    warnings_out.extend(failed)
    if not decoded:
        # Image files that failed to decode say more about the problem than stray non-image files: list them first.
        raise DataError(_nothing_usable_message(root, listing, failed + listing.skipped))

    kept = sorted(decoded)  # listing order, whatever order they were decoded in
    pixels = [decoded[i].pixels for i in kept]
    colour = any(decoded[i].colour for i in kept)
    if colour:
        pixels = [p if p.shape[-1] == 3 else np.repeat(p, 3, axis=-1) for p in pixels]
    x = torch.from_numpy(np.stack(pixels).transpose(0, 3, 1, 2) * 2.0 - 1.0)
    x = finish_images(x, size, channels, size)

    keys = [listing.images[i][1] for i in kept]
    class_keys = sorted(set(keys))
    if len(class_keys) >= 2:
        index = {k: i for i, k in enumerate(class_keys)}
        labels = torch.tensor([index[k] for k in keys], dtype=torch.int64)
        class_names = [k or TOP_LEVEL_CLASS for k in class_keys]
    else:
        labels, class_names = None, []
    return Dataset(x=x, labels=labels, num_classes=len(class_names), class_names=class_names, kind="images",
                   name=root.resolve().name or str(root), warnings=warnings_out)


def _nothing_usable_message(root: Path, listing: _Listing, reasons: list[str]) -> str:
    if not listing.images and not listing.skipped:
        return (f"no images in {root}: found no files in it or its subfolders; expected image files "
                f"({', '.join(e.lstrip('.') for e in IMAGE_EXTENSIONS)}), optionally in one subfolder per class")
    shown = "; ".join(reasons[:_MESSAGE_ITEMS])
    more = f"; ... and {len(reasons) - _MESSAGE_ITEMS} more" if len(reasons) > _MESSAGE_ITEMS else ""
    count = len(reasons)
    return (f"no usable images in {root} ({count} item{'s' if count != 1 else ''} skipped: {shown}{more}); "
            f"expected image files ({', '.join(e.lstrip('.') for e in IMAGE_EXTENSIONS)})")


# --------------------------------------------------------------------------------------------- single file
def single_image_native_size(path: Path) -> int:
    """Native size of a lone image: the largest power of two <= its shorter side, within [8, 128].

    A power of two divides evenly through every UNet preset; 128 keeps the Forward tab's picture recognisable
    without making a CPU model's life miserable.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with _open_image(path) as img:
                side = min(img.size)
    except Exception:  # noqa: BLE001 - decode_image will report the real problem with a proper message
        return FOLDER_NATIVE_SIZE
    native = 8
    while native * 2 <= min(side, SINGLE_IMAGE_MAX_NATIVE):
        native *= 2
    return native


def load_image_file(path: Path, image_size: int = 0, channels: int = 0) -> Dataset:
    """One image file as a one-item dataset (the Forward tab's "noise this picture")."""
    path = Path(path)
    size = int(image_size) or single_image_native_size(path)
    try:
        decoded = decode_image(path, size)
    except SkipItem as exc:
        raise DataError(f"{path}: {exc}; expected a readable image "
                        f"({', '.join(e.lstrip('.') for e in IMAGE_EXTENSIONS)})") from None
    x = torch.from_numpy(decoded.pixels.transpose(2, 0, 1)[None] * 2.0 - 1.0)
    x = finish_images(x, size, channels, size)
    return Dataset(x=x, labels=None, num_classes=0, class_names=[], kind="images", name=path.name, warnings=[])
