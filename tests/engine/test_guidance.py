"""Classifier-free guidance with a class, a negative class or neither: the formulas on toy models, the label layout,
the CLI flags, and (slow) that guidance on a briefly trained digits model makes the requested digit more likely.

The lab's scale s is Ho & Salimans' (2022, Eq. 6) 1 + w: guided = ε_uncond + s (ε_c − ε_uncond). A negative class
J takes the unconditional branch's place: guided = ε_J + s (ε_c − ε_J) (the negative-prompt form)."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from engine.config import ExperimentConfig
from engine.errors import ConfigError
from engine.presets import quick_config
from engine.samplers import SAMPLERS, final_sample, model_denoiser, run_sampler
from engine.schedules import NoiseSchedule
from engine.training import Trainer
from tests.engine.gaussian_reference import S, analytic_denoiser


class GaussianByLabel(torch.nn.Module):
    """The exact eps of N(mean[label], S²) data per label (the last label is the null one)."""

    def __init__(self, schedule: NoiseSchedule, means):
        super().__init__()
        self.schedule, self.means = schedule, torch.tensor(means)

    def forward(self, x, t, labels):
        ab = self.schedule.alpha_bar[t].to(x.dtype).reshape(-1, *([1] * (x.ndim - 1)))
        a, sig = ab.sqrt(), (1.0 - ab).sqrt()
        mu = self.means[labels].to(x.dtype).reshape(-1, *([1] * (x.ndim - 1)))
        return sig * (x - a * mu) / (a * a * S * S + sig * sig)


class RandomByLabel(torch.nn.Module):
    """An arbitrary (non-linear) network of x, t and the label, to check the combination itself."""

    def __init__(self):
        super().__init__()
        torch.manual_seed(0)
        self.table = torch.nn.Embedding(4, 3)
        self.lin = torch.nn.Linear(3, 3)

    def forward(self, x, t, labels):
        return torch.tanh(self.lin(x) * self.table(labels)) + 1e-3 * t[:, None]


@pytest.mark.parametrize("s", [0.0, 1.0, 2.5, 7.5])
def test_negative_class_is_the_negative_prompt_formula(s):
    schedule = NoiseSchedule("linear", 100)
    model = RandomByLabel()
    x = torch.randn(6, 3, generator=torch.Generator().manual_seed(1))
    t = 40
    tt = torch.full((6,), t)
    c, j, null = torch.full((6,), 0), torch.full((6,), 2), 3
    eps_c, eps_j, eps_null = model(x, tt, c), model(x, tt, j), model(x, tt, torch.full((6,), null))
    with_negative = model_denoiser(model, schedule, "eps", labels=c, null_label=null, guidance_scale=s,
                                   negative_labels=j)(x, t)[1]
    plain = model_denoiser(model, schedule, "eps", labels=c, null_label=null, guidance_scale=s)(x, t)[1]
    # Ho & Salimans Eq. 6 with s = 1 + w, and the negative class in place of the null label
    assert torch.allclose(with_negative, eps_j + s * (eps_c - eps_j), atol=1e-6)
    assert torch.allclose(plain, eps_null + s * (eps_c - eps_null), atol=1e-6)
    if s == 1.0:
        assert torch.allclose(with_negative, eps_c, atol=1e-6)  # s = 1: the conditional model, whatever the negative


@pytest.mark.parametrize("sampler", SAMPLERS)
def test_anything_but_a_class_moves_away_from_it_in_every_sampler(sampler):
    # eps is linear in the mean: null label (mean 0.2) guided away from class J (mean 1.0) at scale s is exactly the
    # denoiser of N(1.0 + s (0.2 - 1.0), S²): "anything but J" lands on the far side of the null mean
    schedule = NoiseSchedule("linear", 200)
    s = 2.0
    model = GaussianByLabel(schedule, [-0.5, 1.0, 0.2])  # classes 0, 1 and the null label 2
    nulls, negative = torch.full((64,), 2), torch.full((64,), 1)
    guided = model_denoiser(model, schedule, "eps", labels=nulls, null_label=2, guidance_scale=s,
                            negative_labels=negative)
    kwargs = {"sampler": sampler, "steps": 12, "eta": 0.3, "seed": 5}
    x = final_sample(run_sampler(guided, schedule, (64, 1), **kwargs))
    expected = final_sample(run_sampler(analytic_denoiser(schedule, mu=1.0 + s * (0.2 - 1.0)), schedule, (64, 1),
                                        **kwargs))
    assert torch.allclose(x, expected, rtol=0, atol=1e-4)
    assert float(x.mean()) < 0.2 - 0.5  # pushed away from class 1's mean, past the unconditional one


def _moons_trainer(conditional: bool = True) -> Trainer:
    cfg = quick_config("moons", steps=5)
    cfg.model.class_conditional = conditional
    cfg.training.prediction = "eps"
    return Trainer(cfg)


def test_class_labels_blocks_null_and_one_class():
    trainer = _moons_trainer()
    assert trainer.class_labels(6, -1).tolist() == [0, 0, 0, 1, 1, 1]  # floor(i C / n): one block per class
    assert trainer.class_labels(5, -1).tolist() == [0, 0, 0, 1, 1]
    assert trainer.class_labels(3, -2).tolist() == [2, 2, 2]  # the null label
    assert trainer.class_labels(3, 1).tolist() == [1, 1, 1]
    assert trainer.negative_labels(3, -1) is None and trainer.negative_labels(3, 0).tolist() == [0, 0, 0]
    with pytest.raises(ConfigError, match=r"sampling.class_label.*\[-2, 1\]"):
        trainer.class_labels(3, 2)
    with pytest.raises(ConfigError, match=r"sampling.negative_class.*\[-1, 1\]"):
        trainer.negative_labels(3, 5)
    plain = _moons_trainer(conditional=False)
    assert plain.class_labels(4, -1) is None and plain.negative_labels(4, -1) is None
    with pytest.raises(ConfigError, match="not class-conditional"):
        plain.negative_labels(4, 0)
    with pytest.raises(ConfigError, match="nothing to sweep"):
        plain.sample(guidance_sweep="1, 2")


def test_trainer_sample_applies_the_negative_class():
    trainer = _moons_trainer()
    x = torch.randn(8, 2, generator=torch.Generator().manual_seed(0))
    tt = torch.full((8,), 300)
    net = trainer.ema_model
    cfg = trainer.config.sampling
    cfg.class_label, cfg.negative_class, cfg.guidance_scale = 0, 1, 3.0
    eps = trainer.sampling_denoiser(cfg, 8)(x, 300)[1]
    eps_c, eps_j = net(x, tt, torch.zeros(8, dtype=torch.long)), net(x, tt, torch.ones(8, dtype=torch.long))
    assert torch.allclose(eps, eps_j + 3.0 * (eps_c - eps_j), atol=1e-5)


def test_config_refuses_the_same_class_as_negative_and_names_labelled_sets():
    cfg = ExperimentConfig()
    cfg.sampling.class_label, cfg.sampling.negative_class = 3, 3
    assert [e.field for e in cfg.errors()] == ["sampling.negative_class"]
    cfg = ExperimentConfig()
    cfg.data.dataset, cfg.model.class_conditional = "swissroll", True
    (err,) = cfg.errors()
    assert err.field == "model.class_conditional" and "moons, gaussians8, circles, spiral" in err.message


def test_labelled_point_sets_are_the_ones_with_class_names():
    from engine.config import LABELLED_POINT_DATASETS
    from engine.data.toy2d import CLASS_NAMES

    assert set(LABELLED_POINT_DATASETS) == set(CLASS_NAMES)


def test_cli_class_negative_class_and_guidance_scale(tmp_path, capsys):
    from engine.checkpoint import load_checkpoint, trainer_from_checkpoint
    from main import main

    run = tmp_path / "run"
    assert main(["train", "--dataset", "gaussians8", "--model", "tiny", "--steps", "3", "--batch-size", "16",
                 "--class-conditional", "--quiet", "--out", str(run)]) == 0
    out = tmp_path / "x.npy"
    assert main(["sample", "--run", str(run), "--class", "2", "--negative-class", "5", "--guidance-scale", "3",
                 "--n", "16", "--steps", "5", "--out", str(out)]) == 0
    got = np.load(out)
    trainer = trainer_from_checkpoint(load_checkpoint(run))
    expected = final_sample(trainer.sample(n=16, steps=5, class_label=2, negative_class=5, guidance_scale=3.0))
    assert np.allclose(got, expected.numpy(), atol=1e-5)  # the CLI samples through Trainer.sample
    capsys.readouterr()
    assert main(["sample", "--run", str(run), "--class", "2", "--negative-class", "2", "--out",
                 str(tmp_path / "y.npy")]) == 2
    assert "--negative-class" in capsys.readouterr().err
    assert main(["sample", "--run", str(run), "--class", "9", "--out", str(tmp_path / "z.npy")]) != 0
    assert "[-2, 7]" in capsys.readouterr().err
    # export --what grid honours the guidance flags too (one implementation: Trainer.sample)
    grid = tmp_path / "g.npy"
    assert main(["export", "--run", str(run), "--what", "grid", "--class", "2", "--negative-class", "5",
                 "--guidance-scale", "3", "--n", "16", "--steps", "5", "--out", str(grid)]) == 0
    assert np.allclose(np.load(grid), got, atol=1e-5)


@pytest.mark.slow
@pytest.mark.timeout(1200)  # seconds on 2 idle cores; 255 s measured on 2 cores shared by 6 test runs
def test_guidance_makes_the_requested_digit_more_likely():
    """A conditional digits model trained 100 steps (tiny UNet, batch 32, the default p_uncond) and the shipped
    classifier (resources/data/digit_classifier.safetensors): class 7 sampled at s = 3 is recognised as a 7 far more
    often than at s = 0 (unconditional), and "anything but a 7" (the null label guided away from 7, the negative-class
    direction) makes 7 rarer than unconditional sampling. Measured when written: 7s 6% (s = 0), 98% (s = 3), 0%
    (anything but 7), with 50 samples each."""
    from engine.metrics import features, load_classifier

    cfg = quick_config("digits", steps=100)
    cfg.data.max_items = 0
    cfg.model.class_conditional = True
    cfg.training.batch_size = 32
    cfg.training.lr = 3e-3
    cfg.training.ema_decay = 0.99
    assert cfg.training.cond_drop_prob == 0.1  # the default the window starts from
    trainer = Trainer(cfg, device="cpu")
    for _ in range(cfg.training.steps):
        trainer.step()
    classifier, _ = load_classifier()

    def share_of_7(**kw) -> float:
        x = final_sample(trainer.sample(n=100, steps=10, sampler="ddim", seed=3, **kw))
        _, probs = features(classifier, x)
        return float((probs.argmax(1) == 7).mean())

    uncond = share_of_7(class_label=7, guidance_scale=0.0)  # s = 0: the unconditional model, whatever the class
    guided = share_of_7(class_label=7, guidance_scale=3.0)
    anything_but = share_of_7(class_label=-2, negative_class=7, guidance_scale=3.0)
    assert guided > uncond + 0.5, (uncond, guided)
    assert anything_but < uncond, (anything_but, uncond)


def test_conditional_preview_has_one_row_per_class(tmp_path):
    from PIL import Image

    # an image folder whose subfolders are the classes: 3 classes, so 3 rows of PREVIEW_PER_CLASS images
    from engine.training import PREVIEW_PER_CLASS

    for k, name in enumerate(("cats", "dogs", "owls")):
        (tmp_path / name).mkdir()
        for i in range(3):
            Image.fromarray(np.full((8, 8), 60 * k + 10 * i, np.uint8)).save(tmp_path / name / f"{i}.png")
    cfg = quick_config(str(tmp_path), steps=1)
    cfg.data.image_size = 8
    cfg.model.class_conditional = True
    trainer = Trainer(cfg)
    assert trainer.num_classes == 3 and trainer.dataset.class_names == ["cats", "dogs", "owls"]
    grid = trainer.preview(steps=2)
    cell = 8 + 1  # image side + 1 px padding (make_grid)
    assert grid.shape[:2] == (3 * cell + 1, PREVIEW_PER_CLASS * cell + 1)
    plain = quick_config(str(tmp_path), steps=1)
    plain.data.image_size = 8
    assert Trainer(plain).preview(steps=2).shape[:2] == (6 * cell + 1, 6 * cell + 1)  # 36 images, 6 x 6


def test_guidance_curve_scores_the_requested_classes_at_each_scale():
    from engine.errors import UserError
    from engine.guidance_study import curve_markdown, guidance_curve, requested_classes
    from engine.metrics import features, load_classifier

    cfg = quick_config("digits", steps=1)
    cfg.model.class_conditional = True
    trainer = Trainer(cfg)
    points = guidance_curve(trainer, (0.0, 2.0), per_class=1, steps=2, seed=4)
    assert [p.scale for p in points] == [0.0, 2.0] and all(p.n == 10 for p in points)
    # accuracy is the share of samples classified as the class each was asked for (classes in blocks)
    x = final_sample(trainer.sample(n=10, steps=2, sampler="ddim", eta=0.0, seed=4, class_label=-1,
                                    guidance_scale=2.0))
    _, probs = features(load_classifier()[0], x)
    assert requested_classes(10, 10).tolist() == list(range(10))
    assert points[1].accuracy == pytest.approx(float((probs.argmax(1) == np.arange(10)).mean()))
    assert points[1].per_class_accuracy == tuple(float(v) for v in probs.argmax(1) == np.arange(10))
    assert all(0 <= p.precision <= 1 and 0 <= p.recall <= 1 and np.isfinite(p.fd) for p in points)
    assert curve_markdown(points).count("\n") == 4
    with pytest.raises(UserError, match="conditional model of the 10 digits"):
        guidance_curve(_moons_trainer(), (1.0,))


def test_guidance_sweep_rows_are_single_runs_from_the_same_x_T():
    from engine.guidance_study import parse_sweep

    trainer = _moons_trainer()
    frames = list(trainer.sample(n=999, steps=4, seed=7, guidance_sweep="0, 1, 3"))
    sweep = frames[-1].x_t
    assert sweep.shape == (6, 2)  # 3 scales x 2 classes; n is replaced
    assert torch.equal(frames[0].x_t[:2], frames[0].x_t[2:4]) and torch.equal(frames[0].x_t[:2], frames[0].x_t[4:])
    for row, s in enumerate((0.0, 1.0, 3.0)):
        single = final_sample(trainer.sample(n=2, steps=4, seed=7, class_label=-1, guidance_scale=s))
        assert torch.allclose(sweep[2 * row:2 * row + 2], single, atol=1e-5), s
    assert parse_sweep(" 0, 1;2 ,4, 8 ") == (0.0, 1.0, 2.0, 4.0, 8.0) and parse_sweep("") == ()
    cfg = ExperimentConfig()
    for bad in ("1, x", "-1", "101", "nan"):
        cfg.sampling.guidance_sweep = bad
        assert [e.field for e in cfg.errors()] == ["sampling.guidance_sweep"], bad


def test_cli_guidance_sweep_png_has_a_row_per_scale(tmp_path):
    from PIL import Image

    from main import main

    run = tmp_path / "run"
    assert main(["train", "--dataset", "digits", "--model", "tiny", "--steps", "1", "--batch-size", "4",
                 "--class-conditional", "--quiet", "--out", str(run)]) == 0
    out = tmp_path / "sweep.png"
    assert main(["sample", "--run", str(run), "--guidance-sweep", "0,1,4", "--steps", "2", "--out", str(out)]) == 0
    w, h = Image.open(out).size
    pad = 2  # export_grid_png's padding around every (upscaled) cell
    assert (w - pad) % 10 == 0 and (w - pad) // 10 == (h - pad) // 3  # 10 classes across, 3 scales down
