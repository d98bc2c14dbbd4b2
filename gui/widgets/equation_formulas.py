"""The rich text of the equation strips (gui/widgets/equation_strip.py): each formula as Qt rich text with Unicode
math, every symbol a link whose tooltip says what it is, and the live values of engine/equations.py substituted.

Each ``*_lines`` function returns the strip's lines as HTML: the formula in symbols, then the same formula with the
timeline's numbers. ``link(key, html)`` wraps a symbol so the strip can show :func:`symbol_tip` for ``key`` on hover.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from html import escape

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from engine.equations import (
    ForwardEquation,
    LossEquation,
    SamplerStep,
    ScheduleValues,
    Term,
    format_number,
)

Link = Callable[[str, str], str]

# what each symbol is (shown on hover); keys are the link targets of the formulas below
SYMBOL_TIPS = {
    "x_t": QT_TRANSLATE_NOOP("EquationStrip", "x_t: the noisy sample at timestep t"),
    "x_next": QT_TRANSLATE_NOOP("EquationStrip", "The sample after this step, at the next timestep the sampler "
                                "visits (t − 1 in a full chain; a shorter chain skips ahead)"),
    "x0": QT_TRANSLATE_NOOP("EquationStrip", "x₀: the clean data sample (t = 0)"),
    "eps": QT_TRANSLATE_NOOP("EquationStrip", "ε ~ N(0, I): Gaussian noise, the same shape as x₀"),
    "eps_theta": QT_TRANSLATE_NOOP("EquationStrip", "ε_θ(x_t, t): the network's prediction of the noise in x_t"),
    "x0_theta": QT_TRANSLATE_NOOP("EquationStrip", "x_θ: the network's prediction of the clean sample x₀, "
                                  "(x_t − √(1−ᾱ_t) ε_θ) / √ᾱ_t (clipped to [−1, 1] for images when Clip x₀ is on)"),
    "x0_theta_prev": QT_TRANSLATE_NOOP("EquationStrip", "x′_θ: the previous step's prediction of x₀ "
                                       "(DPM-Solver++(2M) remembers it for its second-order correction)"),
    "eps_theta_next": QT_TRANSLATE_NOOP("EquationStrip", "ε′_θ: Heun's second model evaluation, the noise "
                                        "predicted at the end point of the Euler step"),
    "z": QT_TRANSLATE_NOOP("EquationStrip", "z ~ N(0, I): fresh Gaussian noise drawn for this step"),
    "beta": QT_TRANSLATE_NOOP("EquationStrip", "β_t: the noise variance added at step t"),
    "alpha": QT_TRANSLATE_NOOP("EquationStrip", "α_t = 1 − β_t: the share of the variance kept at step t "
                               "(for a step that skips timesteps, ᾱ_t / ᾱ_{t−1})"),
    "alpha_bar": QT_TRANSLATE_NOOP("EquationStrip", "ᾱ_t = α_1·α_2⋯α_t: how much of the signal's variance is "
                                   "left after t steps"),
    "alpha_bar_next": QT_TRANSLATE_NOOP("EquationStrip", "ᾱ at the next timestep the sampler visits "
                                        "(1 for the clean data)"),
    "sqrt_ab": QT_TRANSLATE_NOOP("EquationStrip", "√ᾱ_t: the scale of the clean signal x₀ in x_t"),
    "sqrt_1mab": QT_TRANSLATE_NOOP("EquationStrip", "√(1−ᾱ_t): the scale of the noise ε in x_t"),
    "snr": QT_TRANSLATE_NOOP("EquationStrip", "SNR_t = ᾱ_t / (1 − ᾱ_t): the signal-to-noise ratio at t"),
    "log_snr": QT_TRANSLATE_NOOP("EquationStrip", "log SNR_t: the natural log of the signal-to-noise ratio; 0 where "
                                 "signal and noise are equally strong"),
    "sigma_ddpm": QT_TRANSLATE_NOOP("EquationStrip", "σ_t: the standard deviation of the noise this step adds; "
                                    "σ_t² = β̃_t (the posterior variance) or β_t (Ho et al., Sec. 3.2)"),
    "sigma_ddim": QT_TRANSLATE_NOOP("EquationStrip", "σ_t = η·√((1−ᾱ_{t−1})/(1−ᾱ_t))·√(1−ᾱ_t/ᾱ_{t−1}): DDIM's "
                                    "noise scale (Eq. 16)"),
    "eta": QT_TRANSLATE_NOOP("EquationStrip", "η: DDIM's stochasticity, 0 = deterministic, 1 = DDPM-like noise"),
    "sigma_vp": QT_TRANSLATE_NOOP("EquationStrip", "σ = √(1−ᾱ): the noise scale at that timestep "
                                  "(DPM-Solver's notation)"),
    "alpha_vp": QT_TRANSLATE_NOOP("EquationStrip", "α = √ᾱ at the next timestep: the signal scale there"),
    "lambda": QT_TRANSLATE_NOOP("EquationStrip", "λ = log(α/σ) = ½ log SNR: the half log signal-to-noise ratio"),
    "h": QT_TRANSLATE_NOOP("EquationStrip", "h = λ_{t−1} − λ_t: how far this step moves in half log SNR"),
    "r": QT_TRANSLATE_NOOP("EquationStrip", "r = h_prev / h: the previous step's h over this one's"),
    "D": QT_TRANSLATE_NOOP("EquationStrip", "D: the x₀ estimate the step uses, extrapolated from this step's and "
                           "the previous step's x_θ (second order)"),
    "sigma_karras": QT_TRANSLATE_NOOP("EquationStrip", "σ = √((1−ᾱ)/ᾱ): Karras et al.'s noise level, the "
                                      "variance-exploding form x_t/√ᾱ = x₀ + σ ε"),
    "loss": QT_TRANSLATE_NOOP("EquationStrip", "L: the training loss the optimizer minimizes"),
    "expect": QT_TRANSLATE_NOOP("EquationStrip", "𝔼: the average over training samples x₀, noise ε and timesteps "
                                "t drawn uniformly from 1…T"),
    "norm": QT_TRANSLATE_NOOP("EquationStrip", "‖·‖²: the squared error, averaged over the dimensions of x "
                              "(the mean squared error)"),
    "v": QT_TRANSLATE_NOOP("EquationStrip", "v = √ᾱ_t ε − √(1−ᾱ_t) x₀: the v-prediction target (Salimans & Ho 2022)"),
    "v_theta": QT_TRANSLATE_NOOP("EquationStrip", "v_θ(x_t, t): the network's prediction of v"),
    "x0_net": QT_TRANSLATE_NOOP("EquationStrip", "x_θ(x_t, t): the network's prediction of x₀"),
    "weight": QT_TRANSLATE_NOOP("EquationStrip", "w_t: the Min-SNR-γ loss weight at t, which caps the weight of "
                                "nearly clean timesteps (Hang et al. 2023)"),
    "gamma": QT_TRANSLATE_NOOP("EquationStrip", "γ: the Min-SNR clamp (Training form)"),
}


def symbol_tip(key: str) -> str:
    text = SYMBOL_TIPS.get(key)
    return QCoreApplication.translate("EquationStrip", text) if text else ""


def n(value: float) -> str:
    return escape(format_number(value))


def sub(base: str, index: object) -> str:
    return f"{base}<sub>{index}</sub>"


# ---------------------------------------------------------------------------------------------- symbols
def symbols(link: Link, t: object = "t", prev: object = "t−1") -> dict[str, str]:
    """Every symbol's HTML (a link) at timestep ``t``; ``prev`` is the next timestep a sampler visits."""
    return {
        "x_t": link("x_t", sub("x", t)), "x_next": link("x_next", sub("x", prev)), "x0": link("x0", sub("x", 0)),
        "eps": link("eps", "ε"), "eps_theta": link("eps_theta", sub("ε", "θ")),
        "x0_theta": link("x0_theta", sub("x", "θ")), "x0_theta_prev": link("x0_theta_prev", sub("x′", "θ")),
        "eps_theta_next": link("eps_theta_next", sub("ε′", "θ")), "z": link("z", "z"),
        "beta": link("beta", sub("β", t)), "alpha": link("alpha", sub("α", t)),
        "alpha_bar": link("alpha_bar", sub("ᾱ", t)), "alpha_bar_next": link("alpha_bar_next", sub("ᾱ", prev)),
        "sqrt_ab": link("sqrt_ab", "√" + sub("ᾱ", t)), "sqrt_1mab": link("sqrt_1mab", f"√(1−{sub('ᾱ', t)})"),
        "snr": link("snr", sub("SNR", t)), "log_snr": link("log_snr", "log " + sub("SNR", t)),
    }


def combination(terms: Sequence[Term], names: dict[str, str]) -> str:
    """``0.2816·x₀ + 0.9595·ε``: the terms of a linear update with their coefficients."""
    parts = []
    for k, term in enumerate(terms):
        sign = "−" if term.coef < 0 else "+"
        coef = n(abs(term.coef))
        if k == 0:
            parts.append(("−" if sign == "−" else "") + f"{coef}·{names[term.symbol]}")
        else:
            parts.append(f" {sign} {coef}·{names[term.symbol]}")
    return "".join(parts) if parts else "0"


# ---------------------------------------------------------------------------------------------- tabs
def schedule_lines(v: ScheduleValues, link: Link) -> list[str]:
    s, at = symbols(link), symbols(link, v.t)
    definition = (f"{s['alpha']} = 1 − {s['beta']},&nbsp;&nbsp; {s['alpha_bar']} = {sub('α', 1)}·{sub('α', 2)}⋯"
                  f"{s['alpha']},&nbsp;&nbsp; {s['snr']} = {s['alpha_bar']} / (1 − {s['alpha_bar']})")
    values = "&nbsp;&nbsp; ".join(f"{at[key]} = {n(value)}" for key, value in (
        ("beta", v.beta), ("alpha", v.alpha), ("alpha_bar", v.alpha_bar), ("sqrt_ab", v.sqrt_alpha_bar),
        ("sqrt_1mab", v.sqrt_one_minus_alpha_bar), ("snr", v.snr), ("log_snr", v.log_snr)))
    return [definition, f"{values}&nbsp;&nbsp;&nbsp; (t = {v.t})"]


def forward_lines(eq: ForwardEquation, link: Link) -> list[str]:
    s, at = symbols(link), symbols(link, eq.t)
    return [f"{s['x_t']} = {s['sqrt_ab']}·{s['x0']} + {s['sqrt_1mab']}·{s['eps']}",
            f"{at['x_t']} = {combination(eq.terms, at)}&nbsp;&nbsp;&nbsp; (t = {eq.t})"]


def loss_lines(eq: LossEquation | None, prediction: str, weighting: str, link: Link) -> list[str]:
    """The loss for ``prediction`` / ``weighting`` in symbols, and (``eq`` not None) at the timeline's t."""
    s = symbols(link)
    loss, expect, bars = link("loss", "L"), link("expect", "𝔼"), ("‖", link("norm", "‖²"))
    net = {"eps": link("eps_theta", sub("ε", "θ")), "x0": link("x0_net", sub("x", "θ")),
           "v": link("v_theta", sub("v", "θ"))}[prediction]
    target = {"eps": s["eps"], "x0": s["x0"], "v": link("v", "v")}[prediction]
    x_t = f"{s['sqrt_ab']}·{s['x0']} + {s['sqrt_1mab']}·{s['eps']}"
    weight = link("weight", sub("w", "t")) + " " if weighting == "min_snr" else ""
    if prediction == "eps":
        first = f"{loss} = {expect} {weight}{bars[0]}{target} − {net}({x_t}, t){bars[1]}"
    else:
        first = f"{loss} = {expect} {weight}{bars[0]}{target} − {net}({s['x_t']}, t){bars[1]},&nbsp;&nbsp; " \
                f"{s['x_t']} = {x_t}"
    if prediction == "v":
        first += f",&nbsp;&nbsp; {target} = {s['sqrt_ab']}·{s['eps']} − {s['sqrt_1mab']}·{s['x0']}"
    if weighting == "min_snr":
        gamma = link("gamma", "γ")
        first += ",&nbsp;&nbsp; " + sub("w", "t") + " = " + {
            "eps": f"min({s['snr']}, {gamma}) / {s['snr']}", "x0": f"min({s['snr']}, {gamma})",
            "v": f"min({s['snr']}, {gamma}) / ({s['snr']} + 1)"}[prediction]
    if eq is None:
        return [first]
    at = symbols(link, eq.t)
    a, b = n(eq.sqrt_alpha_bar), n(eq.sqrt_one_minus_alpha_bar)
    noisy = f"{a}·{s['x0']} + {b}·{s['eps']}"
    weight = f"{n(eq.weight)}·" if weighting == "min_snr" else ""
    if prediction == "eps":
        second = f"{bars[0]}{target} − {net}({noisy}, {eq.t}){bars[1]}"
    else:
        second = f"{bars[0]}{target} − {net}({at['x_t']}, {eq.t}){bars[1]},&nbsp;&nbsp; {at['x_t']} = {noisy}"
    if prediction == "v":
        second += f",&nbsp;&nbsp; {target} = {a}·{s['eps']} − {b}·{s['x0']}"
    second = f"{weight}{second}"
    if weighting == "min_snr":
        second += f",&nbsp;&nbsp; {link('weight', sub('w', eq.t))} = {n(eq.weight)} (γ = {n(eq.gamma)}, " \
                  f"{at['snr']} = {n(eq.snr)})"
    return [first, f"{second}&nbsp;&nbsp;&nbsp; (t = {eq.t})"]


def step_lines(step: SamplerStep, link: Link) -> list[str]:
    """The sampler's update in symbols (its paper's form) and with this step's coefficients."""
    s = symbols(link)
    at = symbols(link, step.t, step.t_next)
    v = step.values
    eps_call = f"{s['eps_theta']}({s['x_t']}, t)"
    form = step.form
    if form == "ddpm":
        sigma = link("sigma_ddpm", sub("σ", "t"))
        first = (f"{s['x_next']} = 1/√{s['alpha']} · ({s['x_t']} − {s['beta']}/{s['sqrt_1mab']} · {eps_call}) + "
                 f"{sigma}·{s['z']}")
        known = [("alpha", link("alpha", sub("α", step.t)), v["alpha_t"]),
                 ("beta", link("beta", sub("β", step.t)), v["beta_t"]),
                 ("sigma", link("sigma_ddpm", sub("σ", step.t)), v["sigma_t"])]
    elif form == "ddpm_posterior":
        sigma = link("sigma_ddpm", sub("σ", "t"))
        first = (f"{s['x_next']} = √{s['alpha_bar_next']}·{s['beta']}/(1−{s['alpha_bar']}) · {s['x0_theta']} + "
                 f"√{s['alpha']}·(1−{s['alpha_bar_next']})/(1−{s['alpha_bar']}) · {s['x_t']} + {sigma}·{s['z']}")
        known = [("beta", link("beta", sub("β", step.t)), v["beta_t"]),
                 ("sigma", link("sigma_ddpm", sub("σ", step.t)), v["sigma_t"])]
    elif form == "ddim":
        sigma = link("sigma_ddim", sub("σ", "t"))
        first = (f"{s['x_next']} = √{s['alpha_bar_next']}·{s['x0_theta']} + √(1 − {s['alpha_bar_next']} − "
                 f"{sigma}²)·{eps_call} + {sigma}·{s['z']}")
        known = [("ab", at["alpha_bar"], v["alpha_bar_t"]), ("abn", at["alpha_bar_next"], v["alpha_bar_next"]),
                 ("eta", link("eta", "η"), v["eta"]), ("sigma", link("sigma_ddim", sub("σ", step.t)), v["sigma_t"])]
    elif form.startswith("dpmpp_2m"):
        sig_t, sig_n = link("sigma_vp", sub("σ", "t")), link("sigma_vp", sub("σ", "t−1"))
        d, h, r = link("D", "D"), link("h", "h"), link("r", "r")
        first = (f"{s['x_next']} = ({sig_n}/{sig_t})·{s['x_t']} − {link('alpha_vp', sub('α', 't−1'))}"
                 f"(e<sup>−{h}</sup> − 1)·{d}")
        if form == "dpmpp_2m":
            first += f",&nbsp;&nbsp; {d} = (1 + 1/(2{r}))·{s['x0_theta']} − 1/(2{r})·{s['x0_theta_prev']}"
        elif form == "dpmpp_2m_first":
            first += f",&nbsp;&nbsp; {d} = {s['x0_theta']}"
        else:  # the last step lands on the clean data: e^{-h} = 0
            first = f"{s['x_next']} = {s['x0_theta']}"
        known = [(key, link(tip, html), v[key]) for key, tip, html in (
            ("h", "h", "h"), ("r", "r", "r"), ("lambda_t", "lambda", sub("λ", step.t)))
            if key in v]
    else:  # euler / heun: Karras et al. 2022 Algorithm 1 in sigma space
        sig_t, sig_n = link("sigma_karras", sub("σ", "t")), link("sigma_karras", sub("σ", "t−1"))
        slope = eps_call if form == "euler" else f"½({eps_call} + {s['eps_theta_next']})"
        first = (f"{s['x_next']} = (√(1+{sig_t}²)·{s['x_t']} + ({sig_n} − {sig_t})·{slope}) / "
                 f"√(1+{sig_n}²)")
        known = [("sigma_t", link("sigma_karras", sub("σ", step.t)), v["sigma_t"]),
                 ("sigma_next", link("sigma_karras", sub("σ", step.t_next)), v["sigma_next"])]
    second = f"{at['x_next']} = {combination(step.terms, at)}"
    if known:
        second += "&nbsp;&nbsp;&nbsp; (" + ",&nbsp; ".join(f"{html} = {n(value)}" for _k, html, value in known) + ")"
    return [first, f"{second}&nbsp;&nbsp;&nbsp; (t = {step.t} → {step.t_next})"]


def plain_number(value: float) -> str:
    """A loss value for the readout: finite values only."""
    return format_number(value) if math.isfinite(value) else "–"
