"""Live sample quality of one trainer, for every client (the window's worker and ``diffusion-lab train``).

Every so often (``training.quality_every`` steps at least, and no more often than
:class:`~engine.quality.QualityBudget` allows, so scoring stays under ~10% of training time) sample the EMA model
with a fixed seed and score the samples against held-out real data (:class:`~engine.quality.QualityScorer`). The
scorer is built at the first score, so a run shorter than one interval pays nothing."""
from __future__ import annotations

from collections.abc import Callable

from engine.errors import UserError
from engine.quality import QualityBudget, QualityScore, QualityScorer

QUALITY_STEPS = 20  # DDIM steps of the scored samples
QUALITY_SEED = 4321  # a fixed seed: successive scores differ because the model did
QUALITY_MAX_FRACTION = 0.1  # scoring costs at most this share of training time


class LiveQuality:
    def __init__(self, trainer, every: int) -> None:  # trainer: engine.training.Trainer
        self.trainer = trainer
        self.budget = QualityBudget(max_fraction=QUALITY_MAX_FRACTION, min_interval=max(1, int(every)))
        self.budget.last_step = int(trainer.step_count)  # a continued run scores after an interval, not at once
        self.scorer: QualityScorer | None = None
        self.off_reason: str | None = None  # set when the data cannot be scored (then no more tries)
        self.s_per_step = 0.0  # smoothed training seconds per step, for the budget

    def set_every(self, every: int) -> None:
        self.budget.min_interval = max(1, int(every))

    def observe(self, step_time: float) -> None:
        t = float(step_time)
        self.s_per_step = t if self.s_per_step <= 0 else 0.9 * self.s_per_step + 0.1 * t

    def due(self, step: int) -> bool:
        return self.off_reason is None and self.budget.should_score(step, self.s_per_step)

    def score(self, step: int, should_stop: Callable[[], bool] = lambda: False) -> QualityScore | None:
        """Sample and score now; None when abandoned (``should_stop``) or when this data cannot be scored
        (``off_reason`` says why)."""
        trainer = self.trainer
        if self.scorer is None:
            try:
                self.scorer = QualityScorer(trainer.config.data, seed=int(trainer.config.training.seed),
                                            dataset=trainer.dataset)
            except (UserError, ValueError, OSError) as exc:
                self.off_reason = str(exc)
                return None
        with self.budget.measure(step):
            frames = trainer.sample(n=self.scorer.n_samples, steps=min(QUALITY_STEPS, trainer.schedule.timesteps),
                                    seed=QUALITY_SEED, sampler="ddim", eta=0.0, use_ema=True, class_label=-1,
                                    guidance_scale=1.0, negative_class=-1,
                                    guidance_sweep="")
            last = None
            for last in frames:
                if should_stop():
                    return None
            return self.scorer.score(last.x_t, step)
