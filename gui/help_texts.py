"""Help › What am I looking at? (F1): one short explanation per centre tab, with the paper it follows.

The texts are keyed by the main window's panel attribute (``schedule_panel`` ...) so a new tab without an entry is
caught by tests/gui/test_first_run.py. They are marked for lupdate here and translated where shown.
"""
from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

CONTEXT = "HelpTexts"

# panel attribute -> (title, three sentences); the citations stay in English in every language
HELP_TEXTS: dict[str, tuple[str, str]] = {
    "schedule_panel": (
        QT_TRANSLATE_NOOP("HelpTexts", "Schedule: the noise schedule"),
        QT_TRANSLATE_NOOP(
            "HelpTexts",
            "This tab plots the noise schedule against the timestep t: β_t, the signal kept ᾱ_t (with √ᾱ_t and "
            "√(1−ᾱ_t)) and the log signal-to-noise ratio. The linear schedule is the one of Ho et al. 2020; the "
            "cosine schedule (Nichol & Dhariwal 2021) destroys information more slowly in the middle of the range. "
            "Move the timeline to read every quantity at one t, and pin curves to compare schedules."),
    ),
    "forward_panel": (
        QT_TRANSLATE_NOOP("HelpTexts", "Forward: the noising process"),
        QT_TRANSLATE_NOOP(
            "HelpTexts",
            "This tab shows the forward (noising) process, sampled in one step from x₀: "
            "x_t = √ᾱ_t · x₀ + √(1−ᾱ_t) · ε (Ho et al. 2020, Eq. 4). The noise ε is drawn once, so scrubbing the "
            "timeline shows the same noise growing while the signal fades. The histogram compares the values of x_t "
            "with N(0, 1), where every sample ends up at t = T."),
    ),
    "training_panel": (
        QT_TRANSLATE_NOOP("HelpTexts", "Training: how the model learns"),
        QT_TRANSLATE_NOOP(
            "HelpTexts",
            "The network learns to predict the noise added to x₀ at a random t (Ho et al. 2020, Alg. 1); Curves "
            "plots its loss against the step, and Loss by t over training shows which noise levels are learned "
            "first. Variational bound evaluates the model's bound on the negative log-likelihood term by term, in "
            "bits/dim (Ho et al. 2020, Eq. 5; Kingma et al. 2021). The card on the right shows what the EMA weights "
            "sample every few steps."),
    ),
    "sampling_panel": (
        QT_TRANSLATE_NOOP("HelpTexts", "Sampling: the reverse process"),
        QT_TRANSLATE_NOOP(
            "HelpTexts",
            "This tab runs the reverse (denoising) process from pure noise x_T to a sample x₀ and records every "
            "step. DDPM is Ho et al. 2020, Alg. 2; DDIM is Song et al. 2021, Eq. 12 (η = 0 is deterministic); "
            "DPM-Solver++(2M) is Lu et al. 2022, a second-order solver that needs few steps. Scrub the timeline to "
            "see x_t, the predicted x₀ and the predicted noise at every step."),
    ),
    "compare_panel": (
        QT_TRANSLATE_NOOP("HelpTexts", "Compare: samplers side by side"),
        QT_TRANSLATE_NOOP(
            "HelpTexts",
            "This tab runs 2 to 4 samplers from the same starting noise x_T and aligns them by t on one timeline. "
            "Each column counts its model evaluations (NFE): ODE solvers such as DDIM (Song et al. 2021, Eq. 12) "
            "and DPM-Solver++ (Lu et al. 2022) reach good samples in far fewer steps than DDPM (Ho et al. 2020, "
            "Alg. 2). The Error vs NFE view plots each sampler's error against its NFE on log-log axes, with the "
            "fitted order."),
    ),
    "lab2d_panel": (
        QT_TRANSLATE_NOOP("HelpTexts", "2-D lab: learned vs exact denoiser"),
        QT_TRANSLATE_NOOP(
            "HelpTexts",
            "Here a model trains on points you draw and is held against the exact answer: for a finite set of "
            "points, q(x_t) is a Gaussian mixture, whose score and best denoiser are known in closed form. The "
            "arrows show x̂₀ − x_t (or the score) on a grid, and the heatmap shows where the network is wrong. "
            "Paths follow the probability-flow ODE (DDIM, η = 0; Song et al. 2021) or the SDE (DDPM) from one x_T "
            "over the field."),
    ),
    "inversion_panel": (
        QT_TRANSLATE_NOOP("HelpTexts", "Inversion: DDIM backwards"),
        QT_TRANSLATE_NOOP(
            "HelpTexts",
            "DDIM inversion runs Eq. 12 of Song et al. 2021 with t increasing, mapping a training item x₀ to a "
            "latent x_T. DDIM (η = 0) from that x_T reconstructs x₀, and the error map shows what the round trip "
            "loses. The plot below shows the round-trip error against the number of steps K on log-log axes: fewer "
            "steps, larger error."),
    ),
    "runs_panel": (
        QT_TRANSLATE_NOOP("HelpTexts", "Runs: training runs compared"),
        QT_TRANSLATE_NOOP(
            "HelpTexts",
            "This tab compares saved training runs by step or by wall time, one colour per run: loss, learning "
            "rate and sample quality, a distance to real data (Fréchet distance, Heusel et al. 2017, for digits; "
            "sliced Wasserstein for 2-D points) as a multiple of what real data scores. Their time-lapse previews "
            "play side by side under one step slider, and the settings that differ are listed; select a run to "
            "continue training it or to sample it."),
    ),
}


def help_for(panel_name: str) -> tuple[str, str] | None:
    """The translated (title, text) of the tab held in the window attribute ``panel_name``, or None."""
    entry = HELP_TEXTS.get(panel_name)
    if entry is None:
        return None
    return QCoreApplication.translate(CONTEXT, entry[0]), QCoreApplication.translate(CONTEXT, entry[1])
