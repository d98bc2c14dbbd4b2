"""The Experiment dock's texts that come from the engine, marked for translation (the engine stays Qt-free and
English for the CLI; the window translates at display).

Labels, help texts, choice labels, choice help and "allowed" wordings of the config fields the dock shows
(engine/config.py ``setting(...)`` metadata of the data, schedule, model and training sections), and the names and
one-line descriptions of the built-in datasets (engine.data.list_builtin). The source texts here are the engine's
exact strings: tests/gui/test_field_texts.py fails when an engine field or dataset is added or reworded without an
entry here, so nothing reaches the dock untranslated.
"""
from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

CONTEXT = "ConfigFields"
DOCK_SECTIONS = ("data", "schedule", "model", "training")

FIELD_TEXTS: frozenset[str] = frozenset({
    # data.dataset
    QT_TRANSLATE_NOOP("ConfigFields", "Dataset"),
    QT_TRANSLATE_NOOP("ConfigFields", "A built-in set, or a folder of images / an image or data file"),
    QT_TRANSLATE_NOOP("ConfigFields", "a built-in dataset (moons, swissroll, gaussians8, circles, "
                      "checkerboard, spiral, digits, shapes) or a path"),
    # data.image_size
    QT_TRANSLATE_NOOP("ConfigFields", "Image size"),
    QT_TRANSLATE_NOOP("ConfigFields", "Side of the square training images in pixels; 0 keeps the source's size"),
    # data.channels
    QT_TRANSLATE_NOOP("ConfigFields", "Channels"),
    QT_TRANSLATE_NOOP("ConfigFields", "Native, or force grey (1) / RGB (3)"),
    QT_TRANSLATE_NOOP("ConfigFields", "native"),
    QT_TRANSLATE_NOOP("ConfigFields", "1 · grey"),
    QT_TRANSLATE_NOOP("ConfigFields", "3 · RGB"),
    QT_TRANSLATE_NOOP("ConfigFields", "0 (native), 1 or 3"),
    # data.n_points
    QT_TRANSLATE_NOOP("ConfigFields", "Points"),
    QT_TRANSLATE_NOOP("ConfigFields", "How many 2-D points are drawn from the toy distribution"),
    # data.max_items
    QT_TRANSLATE_NOOP("ConfigFields", "Max items"),
    QT_TRANSLATE_NOOP("ConfigFields", "Use a random subset of this many images; 0 uses them all"),
    # schedule.kind
    QT_TRANSLATE_NOOP("ConfigFields", "Schedule"),
    QT_TRANSLATE_NOOP("ConfigFields", "How the noise variance β_t grows with t"),
    QT_TRANSLATE_NOOP("ConfigFields", "linear"),
    QT_TRANSLATE_NOOP("ConfigFields", "cosine"),
    QT_TRANSLATE_NOOP("ConfigFields", "quadratic"),
    QT_TRANSLATE_NOOP("ConfigFields", "sigmoid"),
    QT_TRANSLATE_NOOP("ConfigFields", "scaled_linear"),
    QT_TRANSLATE_NOOP("ConfigFields", "β linear in t from β start to β end (Ho et al. 2020)"),
    QT_TRANSLATE_NOOP("ConfigFields", "ᾱ_t follows a squared cosine; β start and β end are not used (Nichol & "
                      "Dhariwal 2021)"),
    QT_TRANSLATE_NOOP("ConfigFields", "β = β start + (β end − β start)·(t/T)²: quadratic in t, slow start, "
                      "fast end. Not Ho et al.'s \"quad\", which is linear in √β: that one is "
                      "scaled_linear here"),
    QT_TRANSLATE_NOOP("ConfigFields", "β follows a logistic ramp over [−6, 6], renormalized to start exactly "
                      "at β start and end exactly at β end; diffusers' \"sigmoid\" (GeoDiff, Xu "
                      "et al. 2022) is not renormalized, so its first and last β miss the "
                      "endpoints by about 0.25% of the span"),
    QT_TRANSLATE_NOOP("ConfigFields", "β linear in √β from β start to β end: Stable Diffusion's "
                      "scaled_linear, and what Ho et al.'s code calls \"quad\""),
    # schedule.timesteps
    QT_TRANSLATE_NOOP("ConfigFields", "Timesteps T"),
    QT_TRANSLATE_NOOP("ConfigFields", "Number of diffusion steps (Ho et al. use 1000)"),
    # schedule.beta_start
    QT_TRANSLATE_NOOP("ConfigFields", "β start"),
    QT_TRANSLATE_NOOP("ConfigFields", "β_1, the variance added at the first step"),
    # schedule.beta_end
    QT_TRANSLATE_NOOP("ConfigFields", "β end"),
    QT_TRANSLATE_NOOP("ConfigFields", "β_T, the variance added at the last step"),
    # schedule.cosine_s
    QT_TRANSLATE_NOOP("ConfigFields", "Cosine offset s"),
    QT_TRANSLATE_NOOP("ConfigFields", "Small offset s of the cosine schedule (Nichol & Dhariwal 2021)"),
    # schedule.zero_terminal_snr
    QT_TRANSLATE_NOOP("ConfigFields", "Zero terminal SNR"),
    QT_TRANSLATE_NOOP("ConfigFields", "Rescale so that ᾱ_T = 0: the last step is pure noise (Lin et al. 2024)"),
    # model.preset
    QT_TRANSLATE_NOOP("ConfigFields", "Preset"),
    QT_TRANSLATE_NOOP("ConfigFields", "Network size: an MLP for 2-D points, a UNet for images"),
    QT_TRANSLATE_NOOP("ConfigFields", "tiny"),
    QT_TRANSLATE_NOOP("ConfigFields", "small"),
    QT_TRANSLATE_NOOP("ConfigFields", "base"),
    # model.class_conditional
    QT_TRANSLATE_NOOP("ConfigFields", "Class-conditional"),
    QT_TRANSLATE_NOOP("ConfigFields", "Feed the class label to the network (classifier-free guidance)"),
    # model.dropout
    QT_TRANSLATE_NOOP("ConfigFields", "Dropout"),
    QT_TRANSLATE_NOOP("ConfigFields", "Dropout probability inside residual blocks"),
    # training.steps
    QT_TRANSLATE_NOOP("ConfigFields", "Steps"),
    QT_TRANSLATE_NOOP("ConfigFields", "Optimizer steps to train"),
    # training.batch_size
    QT_TRANSLATE_NOOP("ConfigFields", "Batch size"),
    QT_TRANSLATE_NOOP("ConfigFields", "Samples per optimizer step"),
    # training.lr
    QT_TRANSLATE_NOOP("ConfigFields", "Learning rate"),
    QT_TRANSLATE_NOOP("ConfigFields", "AdamW learning rate, e.g. 1e-3 or 2e-4"),
    # training.warmup_steps
    QT_TRANSLATE_NOOP("ConfigFields", "Warm-up steps"),
    QT_TRANSLATE_NOOP("ConfigFields", "Linear learning-rate warm-up at the start"),
    # training.weight_decay
    QT_TRANSLATE_NOOP("ConfigFields", "Weight decay"),
    QT_TRANSLATE_NOOP("ConfigFields", "AdamW weight decay"),
    # training.grad_clip
    QT_TRANSLATE_NOOP("ConfigFields", "Gradient clip"),
    QT_TRANSLATE_NOOP("ConfigFields", "Clip the gradient norm to this value (0 = off)"),
    # training.ema_decay
    QT_TRANSLATE_NOOP("ConfigFields", "EMA decay"),
    QT_TRANSLATE_NOOP("ConfigFields", "Exponential moving average of the weights used for sampling"),
    # training.prediction
    QT_TRANSLATE_NOOP("ConfigFields", "Prediction"),
    QT_TRANSLATE_NOOP("ConfigFields", "What the network predicts: the noise ε, the clean x₀, or v"),
    QT_TRANSLATE_NOOP("ConfigFields", "eps"),
    QT_TRANSLATE_NOOP("ConfigFields", "x0"),
    QT_TRANSLATE_NOOP("ConfigFields", "v"),
    # training.loss_weighting
    QT_TRANSLATE_NOOP("ConfigFields", "Loss weighting"),
    QT_TRANSLATE_NOOP("ConfigFields", "uniform (Ho et al.'s simple loss) or Min-SNR-γ (Hang et al.)"),
    QT_TRANSLATE_NOOP("ConfigFields", "uniform"),
    QT_TRANSLATE_NOOP("ConfigFields", "min_snr"),
    # training.min_snr_gamma
    QT_TRANSLATE_NOOP("ConfigFields", "Min-SNR γ"),
    QT_TRANSLATE_NOOP("ConfigFields", "Clamp of the SNR weight for min_snr loss weighting"),
    # training.cond_drop_prob
    QT_TRANSLATE_NOOP("ConfigFields", "Label dropout p_uncond"),
    QT_TRANSLATE_NOOP("ConfigFields", "Probability that a training label is replaced by the null label, so "
                      "the one network also learns the unconditional model that "
                      "classifier-free guidance needs (Ho & Salimans use 0.1 or 0.2)"),
    # training.seed
    QT_TRANSLATE_NOOP("ConfigFields", "Seed"),
    QT_TRANSLATE_NOOP("ConfigFields", "Seed for data, initialization and noise: same seed, same run"),
    # training.device
    QT_TRANSLATE_NOOP("ConfigFields", "Device"),
    QT_TRANSLATE_NOOP("ConfigFields", "Where to train: auto picks CUDA, then Apple MPS, then the CPU"),
    QT_TRANSLATE_NOOP("ConfigFields", "auto"),
    QT_TRANSLATE_NOOP("ConfigFields", "cpu"),
    QT_TRANSLATE_NOOP("ConfigFields", "cuda"),
    QT_TRANSLATE_NOOP("ConfigFields", "mps"),
    # training.amp
    QT_TRANSLATE_NOOP("ConfigFields", "Mixed precision"),
    QT_TRANSLATE_NOOP("ConfigFields", "Use automatic mixed precision (CUDA only)"),
    # training.preview_every
    QT_TRANSLATE_NOOP("ConfigFields", "Preview every"),
    QT_TRANSLATE_NOOP("ConfigFields", "Steps between preview samples in the window (0 = never)"),
    # training.quality_every
    QT_TRANSLATE_NOOP("ConfigFields", "Quality every"),
    QT_TRANSLATE_NOOP("ConfigFields", "Minimum steps between live quality scores of EMA samples against real "
                      "data (kept under ~10% of training time; 0 = off). Saved as quality.csv"),
    # training.time_budget
    QT_TRANSLATE_NOOP("ConfigFields", "Time budget (s)"),
    QT_TRANSLATE_NOOP("ConfigFields", "Stop training after this many seconds of wall time (0 = no limit)"),
    # training.max_grad_norm_explode
    QT_TRANSLATE_NOOP("ConfigFields", "Exploding gradient norm"),
    QT_TRANSLATE_NOOP("ConfigFields", "A gradient norm above this stops training (exploding gradients)"),
})

DATASET_TEXTS: frozenset[str] = frozenset({
    QT_TRANSLATE_NOOP("ConfigFields", "moons"),
    QT_TRANSLATE_NOOP("ConfigFields", "Two interleaving half circles (2 classes)"),
    QT_TRANSLATE_NOOP("ConfigFields", "swissroll"),
    QT_TRANSLATE_NOOP("ConfigFields", "A 2-D swiss roll: one long curled arm"),
    QT_TRANSLATE_NOOP("ConfigFields", "gaussians8"),
    QT_TRANSLATE_NOOP("ConfigFields", "Eight tight Gaussians on a circle (8 classes)"),
    QT_TRANSLATE_NOOP("ConfigFields", "circles"),
    QT_TRANSLATE_NOOP("ConfigFields", "Two concentric noisy rings (2 classes)"),
    QT_TRANSLATE_NOOP("ConfigFields", "checkerboard"),
    QT_TRANSLATE_NOOP("ConfigFields", "Uniform points on the dark squares of a 4x4 checkerboard"),
    QT_TRANSLATE_NOOP("ConfigFields", "spiral"),
    QT_TRANSLATE_NOOP("ConfigFields", "Two interleaved spiral arms (2 classes)"),
    QT_TRANSLATE_NOOP("ConfigFields", "digits"),
    QT_TRANSLATE_NOOP("ConfigFields", "1797 real 8x8 handwritten digits (UCI, shipped with the app; 10 classes, grey)"),
    QT_TRANSLATE_NOOP("ConfigFields", "shapes"),
    QT_TRANSLATE_NOOP("ConfigFields", "Procedural coloured shapes on plain backgrounds (6 classes, RGB, native 16 px)"),
})


def tr_field(text: str) -> str:
    """An engine field text (or dataset name / description) in the window's language; unknown texts unchanged."""
    return QCoreApplication.translate(CONTEXT, text) if text else text
