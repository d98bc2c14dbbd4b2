"""Reverse-process samplers and the trajectory recorder.

Every sampler is a small step function (:mod:`engine.samplers.steps`: DDPM, DDIM, DPM-Solver++(2M), Euler, Heun)
driven by one shared loop (:mod:`engine.samplers.loop`) that yields a :class:`Frame` per timestep; the GUI, the
recorder (:mod:`engine.samplers.recording`) and the exporter only ever see Frames, so none of them special-cases a
sampler. :mod:`engine.samplers.branching` restarts a sampler from any recorded frame;
:mod:`engine.samplers.inversion` runs DDIM backwards (data -> x_T) and measures the round trip.
"""
from engine.samplers.branching import BranchPoint, branch_from, branch_point, branch_timesteps
from engine.samplers.inversion import RoundTrip, ddim_invert, error_vs_steps, round_trip
from engine.samplers.loop import (
                                  SAMPLERS,
                                  TIMESTEP_SPACINGS,
                                  Denoiser,
                                  Frame,
                                  ddim_sample,
                                  ddpm_sample,
                                  final_sample,
                                  initial_noise,
                                  make_step,
                                  model_denoiser,
                                  run_sampler,
                                  sample_loop,
                                  sampling_timesteps,
)
from engine.samplers.recording import EPS_DISPLAY_RANGE, RecordedFrame, RecordingStopped, Trajectory, record
from engine.samplers.steps import (
                                  StepContext,
                                  StepFunction,
                                  ddim_step,
                                  ddpm_posterior,
                                  ddpm_step,
                                  dpmpp_2m_step,
                                  euler_step,
                                  heun_step,
                                  karras_sigma,
)

__all__ = [
    "EPS_DISPLAY_RANGE", "SAMPLERS", "RoundTrip", "ddim_invert", "error_vs_steps", "round_trip",
    "BranchPoint", "branch_from", "branch_point", "branch_timesteps",
    "TIMESTEP_SPACINGS", "Denoiser", "Frame", "RecordedFrame", "RecordingStopped",
    "StepContext", "StepFunction", "Trajectory", "ddim_sample", "ddim_step", "ddpm_posterior", "ddpm_sample",
    "ddpm_step", "dpmpp_2m_step", "euler_step", "final_sample", "heun_step", "initial_noise", "karras_sigma",
    "make_step", "model_denoiser", "record", "run_sampler", "sample_loop", "sampling_timesteps",
]
