"""Export: animations, still figures and data files for lectures, papers and posts.

One Qt-free package behind both the window's Export dialog (``gui/export_dialog.py``) and ``diffusion-lab export``
(``engine/cli/export.py``):

* **animations** (:mod:`.animations`) — the reverse (denoising) process of a recorded
  :class:`~engine.samplers.Trajectory` (x_t, the predicted x0, or both side by side; one sample or the whole grid),
  the forward (noising) process of an image or a 2-D point cloud, and a training time-lapse (:mod:`.timelapse`); as
  GIF (:mod:`.gif`), animated WebP, APNG (through Pillow) or MP4 / H.264 (through the optional ``imageio-ffmpeg``),
  all in :mod:`.writers`;
* **stills and data** (:mod:`.stills`, :mod:`.lossplot`, :mod:`.data`) — a PNG grid of samples, a PNG strip of the
  forward or reverse process at chosen t, the loss curve as PNG / SVG / CSV, the noise schedule as CSV, samples as
  ``.npy``.

Every file is written through :func:`engine.atomic.atomic_path` (:mod:`.files`): it appears complete or not at all.
Long exports report ``progress(done, total)`` and poll ``cancel()``; a True answer raises :class:`ExportCancelled` and
leaves neither the target nor a temp file behind. Problems the user can fix (unknown extension, unwritable folder,
full disk, MP4 without imageio-ffmpeg) raise :class:`ExportError` with one clear line.

GIF stores delays in 1/100 s, so frame times are rounded cumulatively to 10 ms (the total stays right) and never go
below 20 ms (faster GIFs play at 10 fps in browsers).

Frame numbering: every :class:`ExportResult` lists, per written frame, the index of the source frame it shows
(trajectory frame, forward position ``t`` in ``0..T``, or time-lapse capture) and its duration in ms, so a caller
(or a test) can check that frame k of the file shows what it claims. Captions, strip labels and CSV rows use the
paper's t = 1..T (0 = clean data), see :mod:`.frames`.
"""
from engine.export.animations import export_forward_animation, export_reverse_animation, export_timelapse
from engine.export.data import SCHEDULE_CSV_COLUMNS, export_loss_csv, export_samples_npy, schedule_csv
from engine.export.field import FieldArrays, compute_field, field_series, write_field_npz
from engine.export.field_figure import export_field_animation, export_field_png, render_field_figure
from engine.export.files import AtomicExport, check_target, io_error_message
from engine.export.frames import (
                                  forward_caption,
                                  frame_durations,
                                  paper_t,
                                  reverse_caption,
                                  select_frames,
                                  strip_positions,
)
from engine.export.gif import gif_palette
from engine.export.lossplot import export_loss_plot, loss_svg, render_loss_plot
from engine.export.options import (
                                  ANIMATION_FORMATS,
                                  FORMAT_NAMES,
                                  GIF_MIN_DELAY_MS,
                                  MP4_HINT,
                                  SELECT_MODES,
                                  VIEWS,
                                  WHATS,
                                  AnimationOptions,
                                  Cancel,
                                  ExportCancelled,
                                  ExportError,
                                  ExportResult,
                                  Progress,
                                  animation_format,
                                  mp4_available,
                                  parse_color,
)
from engine.export.recording import record_trajectory
from engine.export.render import (
                                  auto_scale,
                                  caption_band,
                                  caption_font_size,
                                  image_panel,
                                  image_scale,
                                  scatter_trails_image,
                                  text_color,
                                  tile_images,
                                  view_gap,
)
from engine.export.stills import export_grid_png, export_strip_png, render_grid
from engine.export.timelapse import TIMELAPSE_NAME, TimelapseRecorder, load_timelapse
from engine.export.writers import write_animation

__all__ = [
    "ANIMATION_FORMATS", "AnimationOptions", "AtomicExport", "Cancel", "ExportCancelled", "ExportError",
    "ExportResult", "FORMAT_NAMES", "FieldArrays", "GIF_MIN_DELAY_MS", "MP4_HINT", "Progress", "SCHEDULE_CSV_COLUMNS",
    "SELECT_MODES", "TIMELAPSE_NAME", "TimelapseRecorder", "VIEWS", "WHATS", "animation_format", "auto_scale",
    "caption_band", "caption_font_size", "check_target", "compute_field", "export_field_animation",
    "export_field_png", "export_forward_animation", "export_grid_png", "export_loss_csv", "export_loss_plot",
    "export_reverse_animation", "export_samples_npy", "export_strip_png", "export_timelapse", "field_series",
    "forward_caption", "frame_durations", "gif_palette", "image_panel", "image_scale", "io_error_message",
    "load_timelapse", "loss_svg", "mp4_available", "paper_t", "parse_color", "record_trajectory",
    "render_field_figure", "render_grid", "render_loss_plot", "reverse_caption", "scatter_trails_image",
    "schedule_csv", "select_frames", "strip_positions", "text_color", "tile_images", "view_gap", "write_animation",
    "write_field_npz"
]
