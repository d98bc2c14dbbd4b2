"""Real training: the model must learn, runs must be reproducible, checkpoints must round-trip exactly."""
import threading
import time

import numpy as np
import pytest
import torch

from engine.checkpoint import load_checkpoint, save_checkpoint, trainer_from_checkpoint
from engine.data import fresh_points, sliced_wasserstein
from engine.presets import default_config
from engine.samplers import final_sample
from engine.session import Control, TrainingSession
from engine.training import Trainer


def small_moons(steps=200, **training):
    cfg = default_config("moons")
    cfg.data.n_points = 4096
    cfg.training.steps = steps
    for k, v in training.items():
        setattr(cfg.training, k, v)
    return cfg


@pytest.mark.timeout(900)
def test_mlp_learns_two_moons():
    cfg = small_moons(steps=1500)  # batch 512: measured SW 0.074 vs noise 0.297, floor 0.041
    trainer = Trainer(cfg)
    TrainingSession(trainer).run()
    samples = final_sample(trainer.sample(n=2000, steps=50, seed=3))
    ref = fresh_points("moons", 2000, seed=123)
    d_model = sliced_wasserstein(samples, ref)
    d_noise = sliced_wasserstein(torch.randn(2000, 2), ref)
    d_floor = sliced_wasserstein(fresh_points("moons", 2000, seed=456), ref)
    assert d_model < 0.35 * d_noise, (d_model, d_noise, d_floor)
    # no Gaussian-tail point may run away (a bounded output head once sent one to |x| ~ 200)
    assert float(samples.abs().max()) < 6.0
    losses = np.asarray(trainer.history.loss)
    assert losses[-200:].mean() < 0.7 * losses[:50].mean()


def test_seeded_training_is_bit_identical_on_cpu():
    a, b = Trainer(small_moons(steps=30)), Trainer(small_moons(steps=30))
    for _ in range(30):
        a.step(), b.step()
    for pa, pb in zip(a.model.parameters(), b.model.parameters()):
        assert torch.equal(pa, pb)
    assert torch.equal(final_sample(a.sample(n=16, steps=10)), final_sample(b.sample(n=16, steps=10)))


def test_step_metrics_are_plain_values():
    trainer = Trainer(small_moons())
    m = trainer.step()
    assert m.step == 1 and isinstance(m.loss, float) and m.t.shape == (512,) and m.per_sample_loss.shape == (512,)
    assert m.t.dtype == np.int64 and 0 <= m.t.min() and m.t.max() < 1000
    assert m.lr == pytest.approx(trainer.lr_at(0)) and m.lr < trainer.config.training.lr  # warmup


def test_checkpoint_round_trip_samples_identically(tmp_path):
    trainer = Trainer(small_moons(steps=50))
    TrainingSession(trainer).run()
    before = final_sample(trainer.sample(n=32, steps=20, seed=9))
    path = save_checkpoint(trainer, tmp_path / "run")
    assert path.name == "checkpoint.safetensors"
    assert (tmp_path / "run" / "config.json").exists() and (tmp_path / "run" / "loss.csv").exists()
    ckpt = load_checkpoint(tmp_path / "run")
    restored = trainer_from_checkpoint(ckpt)
    assert restored.step_count == 50 and len(restored.history) == 50
    assert torch.equal(final_sample(restored.sample(n=32, steps=20, seed=9)), before)
    # continuing training resumes the step count and optimizer state
    restored.step()
    assert restored.step_count == 51


def test_resume_restores_optimizer_moments(tmp_path):
    """Save at step 20 and reload: AdamW's moments come back exactly, so continuing does not restart Adam cold."""
    t1 = Trainer(small_moons(steps=20))
    TrainingSession(t1).run()
    save_checkpoint(t1, tmp_path / "r")
    t2 = trainer_from_checkpoint(load_checkpoint(tmp_path / "r"))
    s1, s2 = t1.optimizer.state_dict()["state"], t2.optimizer.state_dict()["state"]
    assert s1.keys() == s2.keys() and s2
    for k in s1:
        assert torch.equal(s1[k]["exp_avg"], s2[k]["exp_avg"]) and torch.equal(s1[k]["exp_avg_sq"], s2[k]["exp_avg_sq"])
        assert float(s1[k]["step"]) == float(s2[k]["step"]) == 20


def test_control_pause_step_once_stop():
    trainer = Trainer(small_moons(steps=100000))
    control = Control()
    control.pause()
    result = {}
    thread = threading.Thread(target=lambda: result.update(r=TrainingSession(trainer, control).run()))
    thread.start()
    time.sleep(0.3)
    assert trainer.step_count == 0  # paused before the first step
    control.step_once()
    deadline = time.time() + 5
    while trainer.step_count < 1 and time.time() < deadline:
        time.sleep(0.01)
    time.sleep(0.2)
    assert trainer.step_count == 1  # exactly one step while paused
    control.resume()
    time.sleep(0.3)
    assert trainer.step_count > 1
    t0 = time.time()
    control.stop()
    thread.join(2)
    assert not thread.is_alive() and time.time() - t0 < 2
    assert result["r"].reason == "stopped"


def test_nan_loss_stops_and_keeps_last_good_weights(monkeypatch):
    trainer = Trainer(small_moons(steps=100))
    for _ in range(5):
        trainer.step()
    good = [p.detach().clone() for p in trainer.model.parameters()]
    original = trainer.model.forward
    monkeypatch.setattr(trainer.model, "forward", lambda *a, **k: original(*a, **k) * float("nan"))
    result = TrainingSession(trainer).run()
    assert result.reason == "diverged" and "step 6" in result.message
    assert all(torch.equal(p, g) for p, g in zip(trainer.model.parameters(), good))


def test_time_budget_stops_cleanly():
    trainer = Trainer(small_moons(steps=10**6))
    t0 = time.time()
    result = TrainingSession(trainer).run(time_budget=0.5)
    assert result.reason == "time_budget" and time.time() - t0 < 3 and trainer.step_count > 0


def test_resolve_device_rejects_an_absent_device_as_a_config_error(monkeypatch):
    from engine.errors import ConfigError
    from engine.training import resolve_device

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(ConfigError) as info:
        resolve_device("cuda")
    assert info.value.field == "training.device" and "cuda" in info.value.message
    assert resolve_device("cpu").type == "cpu"


def test_preview_returns_none_when_stopped_and_polls_every_step():
    trainer = Trainer(small_moons(steps=10))
    polls = []

    def should_stop() -> bool:
        polls.append(1)
        return len(polls) >= 3

    assert trainer.preview(steps=20, should_stop=should_stop) is None
    assert len(polls) == 3  # gave up at the third step, not after all twenty
    full = trainer.preview(steps=20, should_stop=lambda: False)
    assert isinstance(full, np.ndarray) and full.shape == (1000, 2)
    assert np.array_equal(full, trainer.preview(steps=20))  # the same fixed-seed samples with or without polling


def test_guidance_scale_is_w_plus_one_in_the_docstring_and_the_numbers():
    cfg = small_moons(steps=5)
    cfg.model.class_conditional = True
    cfg.training.prediction = "eps"  # the denoiser's eps is then the network output itself
    trainer = Trainer(cfg)
    assert "w + 1" in Trainer.denoiser.__doc__ and "1 means no guidance" in Trainer.denoiser.__doc__
    labels = torch.zeros(8, dtype=torch.long)
    x = torch.randn(8, 2, generator=torch.Generator().manual_seed(0))
    plain = trainer.denoiser(labels=labels, guidance_scale=1.0)(x, 500)[1]
    cond = trainer.ema_model(x, torch.full((8,), 500), labels).float()
    uncond = trainer.ema_model(x, torch.full((8,), 500), torch.full((8,), trainer.num_classes)).float()
    guided = trainer.denoiser(labels=labels, guidance_scale=3.0)(x, 500)[1]
    assert torch.allclose(plain, cond, atol=1e-5)  # scale 1: the conditional model alone
    assert torch.allclose(guided, 3.0 * cond - 2.0 * uncond, atol=1e-4)  # scale 3 = (1 + w) cond - w uncond, w = 2
