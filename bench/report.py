"""``latest.md`` and the targets table: one markdown function and one targets function per section (run.py's
registry pairs them with the section), plus the page around them."""
from __future__ import annotations

from pathlib import Path

from bench import peers

FD_TARGETS = {60.0: 2.0, 120.0: 1.5}  # digits FD as a multiple of the real held-out floor, by training budget
PR_TARGET = 0.8


def _mark(ok) -> str:
    return "–" if ok is None else ("met" if ok else "**missed**")


def _row(target: str, measured: str, met) -> dict:
    return {"target": target, "measured": measured, "met": met}


def _quality_targets(rows: list[dict], who: str) -> list[dict]:
    """The digits quality targets for one set of rows (headless or window): FD at each budget that has a bound (60,
    120 s), precision, recall and classes at the last budget."""
    out = []
    for r in rows:
        bound = FD_TARGETS.get(float(r["budget_s"]))
        if bound is None and r is rows[-1] and not out:  # other budgets (a quick run): the 60 s bound, for shape
            bound = FD_TARGETS[60.0]
        if bound is not None:
            out.append(_row(f"{who} digits {r['budget_s']:g} s: FD <= {bound:g}x floor", f"{r['fd_ratio']:.2f}x",
                            r["fd_ratio"] <= bound))
    if rows:
        last = rows[-1]
        b = last["budget_s"]
        out += [_row(f"{who} digits {b:g} s: precision >= {PR_TARGET}", f"{last['precision']:.3f}",
                     last["precision"] >= PR_TARGET),
                _row(f"{who} digits {b:g} s: recall >= {PR_TARGET}", f"{last['recall']:.3f}",
                     last["recall"] >= PR_TARGET),
                _row(f"{who} digits {b:g} s: 10/10 classes", f"{last['classes']}/10", last["classes"] == 10)]
    return out


# ============================================================================================= digits
def targets_digits(d: dict, res: dict) -> list[dict]:
    rows = _quality_targets(d.get("ours", []), "headless")
    name = "digits: FD ahead of the matched diffusers peer at every budget"
    if d.get("peer"):
        ahead = [o["fd"] < p["fd"] for o, p in zip(d["ours"], d["peer"])]
        rows.append(_row(name, ", ".join(f"{o['budget_s']:g}s {o['fd']:.2f} vs {p['fd']:.2f}"
                                         for o, p in zip(d["ours"], d["peer"])), all(ahead)))
    else:
        rows.append(_row(name, d.get("peer_status", peers.NOT_INSTALLED), None))
    return rows


def _peer_text(info: dict | None, ours: int, note: str) -> str:
    if not info:
        return note
    return (f"UNet2DModel block_out_channels {tuple(info['block_out_channels'])}, {info['layers_per_block']} layer(s) "
            f"per block, attention {info['attention']}, {info['params']:,} params = {info['ratio']:.3f}x ours "
            f"({ours:,}) ({note})")


def md_digits(d: dict, res: dict) -> list[str]:
    note = d.get("peer_status", "")
    lines = [f"## Time to quality: digits ({d['n_samples']} samples, {d['sampler']}, vs held-out)", "",
             f"Classifier held-out accuracy {d['classifier']['heldout_accuracy']:.3f}. Trained on digits_split(0)'s "
             f"train part, scored against its held-out part. Ours: {d['ours_params']:,} params. Matched peer: "
             + _peer_text(d.get("peer_model"), d["ours_params"], note), "",
             "| budget | model | steps | FD (x floor) | precision | recall | classes |",
             "|---|---|---|---|---|---|---|"]
    fl = d["floor"]
    lines.append(f"| – | real held-out vs train (floor) | – | {fl['fd']:.3f} (1.00x) | {fl['precision']:.3f} | "
                 f"{fl['recall']:.3f} | {fl['classes']}/10 |")
    for o, p in zip(d["ours"], d.get("peer") or [None] * len(d["ours"])):
        lines.append(f"| {o['budget_s']:g} s | lab | {o['steps']} | {o['fd']:.3f} ({o['fd_ratio']:.2f}x) | "
                     f"{o['precision']:.3f} | {o['recall']:.3f} | {o['classes']}/10 |")
        if p is not None:
            lines.append(f"| {p['budget_s']:g} s | diffusers (matched) | {p['steps']} | {p['fd']:.3f} "
                         f"({p['fd_ratio']:.2f}x) | {p['precision']:.3f} | {p['recall']:.3f} | {p['classes']}/10 |")
        else:
            lines.append(f"| {o['budget_s']:g} s | diffusers | {note} | | | | |")
    return lines


# ============================================================================================= points
def targets_points(p: dict, res: dict) -> list[dict]:
    if "moons" not in p:
        return []
    runs = [r for r in p["moons"]["runs"] if r["budget_s"] <= 10.0] or p["moons"]["runs"][:1]
    best = runs[-1]
    return [_row("moons SW <= 2x floor within 10 s", f"{best['ratio']:.2f}x at {best['budget_s']:g} s",
                 best["ratio"] <= 2.0)]


def md_points(p: dict, res: dict) -> list[str]:
    if "moons" not in p:
        return []
    lines = ["## 2-D quality (sliced Wasserstein to fresh data, x floor)", "",
             "| dataset | floor | " + " | ".join(f"{b:g} s" for b in p["budgets_s"]) + " |",
             "|---|---|" + "---|" * len(p["budgets_s"])]
    for name in ("moons", "swissroll", "gaussians8"):
        if name in p:
            q = p[name]
            lines.append(f"| {name} | {q['floor']:.4f} | " + " | ".join(
                f"{r['sw']:.4f} ({r['ratio']:.2f}x, {r['steps']} steps)" for r in q["runs"]) + " |")
    return lines


# ============================================================================================= throughput
def targets_throughput(t: dict, res: dict) -> list[dict]:
    rows = []
    for r in t.get("rows", []):
        where = f"{r['image_size']}px, {r['threads']} thread(s)"
        rows.append(_row(f"{where}: train step >= 60% of matmul peak", f"{r['ours_peak_fraction']:.0%}",
                         r["ours_peak_fraction"] >= 0.6))
        rows.append(_row(f"{where}: throughput >= matched diffusers peer",
                         f"{r['ours_vs_peer']:.2f}x" if "ours_vs_peer" in r else peers.NOT_INSTALLED,
                         r["ours_vs_peer"] >= 1.0 if "ours_vs_peer" in r else None))
    return rows


def md_throughput(t: dict, res: dict) -> list[str]:
    peaks = ", ".join(f"{k} thread(s) {v / 1e9:.1f}" for k, v in t.get("peak_by_threads", {}).items())
    lines = [f"## Training throughput (CPU; fp32 matmul peak GFLOP/s: {peaks})", "",
             "Lab and the matched peer alternate in the same process, same batch, same size, same thread count.", "",
             "| size | threads | batch | lab params | lab img/s | lab % peak | diffusers params | diffusers img/s | "
             "diffusers % peak | lab / diffusers |", "|---|---|---|---|---|---|---|---|---|---|"]
    for r in t.get("rows", []):
        head = (f"| {r['image_size']}px | {r['threads']} | {r['batch_size']} | {r['ours_params']:,} | "
                f"{r['ours_images_per_s']:.1f} | {r['ours_peak_fraction']:.0%} | ")
        lines.append(head + (f"{r['peer_params']:,} | {r['peer_images_per_s']:.1f} | {r['peer_peak_fraction']:.0%} | "
                             f"{r['ours_vs_peer']:.2f}x |" if "peer_images_per_s" in r else
                             f"{peers.NOT_INSTALLED} | | | |"))
    return lines


# ============================================================================================= sampling
def targets_sampling(s: dict, res: dict) -> list[dict]:
    rows = []
    if s.get("runs"):
        d50 = next(r for r in s["runs"] if r["sampler"] == "ddim-50")
        base = s["runs"][0]
        comparable = d50["sw"] <= max(1.25 * base["sw"], base["sw"] + s["floor_sw"])
        rows.append(_row("DDIM-50 >= 15x faster than DDPM-1000 at comparable quality (moons)",
                         f"{d50['speedup_vs_ddpm1000']:.1f}x, SW {d50['sw']:.3f} vs {base['sw']:.3f}",
                         d50["speedup_vs_ddpm1000"] >= 15 and comparable))
    g = s.get("ddim64")
    if g:
        rows.append(_row(f"DDIM-50 of 64 digits headless, 2 threads < {g['target_s']:g} s",
                         f"{g['best_s']:.3f} s (median {g['median_s']:.3f})", g["best_s"] < g["target_s"]))
    return rows


def md_sampling(s: dict, res: dict) -> list[str]:
    if not s.get("runs"):
        return []
    lines = [f"## Sampling (moons model, {s['train_steps']} steps, {s['n_samples']} samples; SW floor "
             f"{s['floor_sw']:.4f})", "", "| sampler | wall s | speed-up | SW |", "|---|---|---|---|"]
    for r in s["runs"]:
        lines.append(f"| {r['sampler']} | {r['wall_s']:.3f} | {r['speedup_vs_ddpm1000']:.1f}x | {r['sw']:.4f} |")
    g = s.get("ddim64")
    if g:
        lines += ["", f"DDIM-50 of 64 digits (digits default, engine sampler, {g['threads']} threads): best "
                  f"{g['best_s']:.3f} s, median {g['median_s']:.3f} s over {g['reps']}."]
    if s.get("digits"):
        lines += ["", "Digits model (500 samples): " + "; ".join(
            f"{r['sampler']} {r['wall_s']:.1f} s, FD {r['fd']:.3f}, P {r['precision']:.2f}, R {r['recall']:.2f}"
            for r in s["digits"]) + f" (DDIM-50 {s['digits'][1]['speedup_vs_ddpm1000']:.1f}x faster)"]
    lines += ["", "| trajectory recording | samples | frames | overhead | ms / frame | bytes / frame |",
              "|---|---|---|---|---|---|"]
    for r in s.get("trajectory", []):
        lines.append(f"| {r['model']} DDIM-50 | {r['n']} | {r['frames']} | {r['overhead_fraction']:.1%} | "
                     f"{r['overhead_ms_per_frame']:.2f} | {r['bytes_per_frame']:,.0f} |")
    return lines


# ============================================================================================= profile
def targets_profile(p: dict, res: dict) -> list[dict]:
    return [_row("digits train step >= 60% of matmul peak (profile section)", f"{p['peak_fraction']:.0%}",
                 p["peak_fraction"] >= 0.6)] if "peak_fraction" in p else []


def md_profile(p: dict, res: dict) -> list[str]:
    if "categories" not in p:
        return []
    lines = [f"## Profile: one digits training step (batch {p['batch_size']}, {p['torch_threads']} threads, "
             f"{p['steps']} profiled steps after {p['warmup']})", "",
             f"Unprofiled step {p['step_ms']:.1f} ms; {p['flops_per_step'] / 1e9:.2f} GFLOP forward + backward = "
             f"{p['peak_fraction']:.0%} of the fp32 matmul peak ({p['matmul_peak_flops'] / 1e9:.1f} GFLOP/s). "
             f"Self CPU time per category under the profiler ({p['profiled_ms_per_step']:.1f} ms per step):", "",
             "| category | ms / step | share |", "|---|---|---|"]
    lines += [f"| {c['category']} | {c['ms_per_step']:.2f} | {c['fraction']:.1%} |" for c in p["categories"]]
    lines += ["", "Top 10 ops by self CPU time:", "", "| op | calls / step | self ms / step | share |",
              "|---|---|---|---|"]
    lines += [f"| `{o['op']}` | {o['calls_per_step']:.1f} | {o['self_ms_per_step']:.2f} | {o['fraction']:.1%} |"
              for o in p["top_ops"]]
    return lines


# ============================================================================================= window
def targets_window(w: dict, res: dict) -> list[dict]:
    if w.get("status") != "ok":
        return [_row("window responsiveness", str(w.get("status")), None)]
    rows = [_row("window event-loop p99 < 20 ms", f"{w['latency_ms']['p99']:.1f} ms", w["latency_ms"]["p99"] < 20),
            _row("in-window throughput >= 90% of headless", f"{w['in_window_vs_headless']:.0%}",
                 w["in_window_vs_headless"] >= 0.9)]
    if w.get("quality"):
        rows += _quality_targets(w["quality"]["rows"], "window")
    f = w.get("first_frame")
    if f:
        rows.append(_row(f"window: Sample (DDIM-50, 64 digits) -> first frame on screen < {f['target_s']:g} s",
                         f"median {f['median_s']:.3f} s, max {f['max_s']:.3f} s", f["max_s"] < f["target_s"]))
    return rows


def md_window(w: dict, res: dict) -> list[str]:
    lines = ["## The window", ""]
    if w.get("status") != "ok":
        return lines + [str(w.get("status"))]
    lat = w["latency_ms"]
    lines.append(f"MainWindow (offscreen) training digits for {w['duration_s']:g} s; 10 ms QTimer probe: lateness p50 "
                 f"{lat['p50']:.1f} ms, p99 {lat['p99']:.1f} ms, max {lat['max']:.1f} ms; "
                 f"{w['in_window_steps_per_s']:.1f} steps/s in the window vs {w['headless_steps_per_s']:.1f} headless "
                 f"({w['in_window_vs_headless']:.0%}).")
    q = w.get("quality")
    if q:
        lines += ["", f"Trained through the window ({q['n_samples']} samples, {q['sampler']}, vs held-out; floor FD "
                  f"{q['floor_fd']:.3f}). Path: {q['data_path']}.", "",
                  f"Dataset in the window: `{Path(q['rows'][0]['dataset']).name}`; fields that differ from the digits "
                  f"default: {', '.join(q['rows'][0]['not_digits_default']) or 'none'}.", "",
                  "| budget | steps | FD (x floor) | precision | recall | classes |", "|---|---|---|---|---|---|"]
        lines += [f"| {r['budget_s']:g} s | {r['steps']} | {r['fd']:.3f} ({r['fd_ratio']:.2f}x) | {r['precision']:.3f} "
                  f"| {r['recall']:.3f} | {r['classes']}/10 |" for r in q["rows"]]
    f = w.get("first_frame")
    if f:
        lines += ["", f"Sampling tab, Sample (DDIM-50, 64 digits) to the first frame on screen: median "
                  f"{f['median_s']:.3f} s, max {f['max_s']:.3f} s over {len(f['seconds'])} clicks."]
    return lines


# ============================================================================================= gpu
def targets_gpu(g: dict, res: dict) -> list[dict]:
    if g.get("status") != "ok":
        return [_row("GPU throughput (autocast)", str(g.get("status")), None)]
    rows = [_row(f"GPU {r['image_size']}px {r['dtype']}: throughput >= matched diffusers peer",
                 f"{r['ours_vs_peer']:.2f}x" if "ours_vs_peer" in r else peers.NOT_INSTALLED,
                 r["ours_vs_peer"] >= 1.0 if "ours_vs_peer" in r else None) for r in g["rows"]]
    q = g.get("time_to_quality")
    if q:
        rows.append(_row(f"GPU digits 32x32 {q['budget_s']:g} s: FD <= 2x floor", f"{q['fd_ratio']:.2f}x",
                         q["fd_ratio"] <= 2.0))
    return rows


def md_gpu(g: dict, res: dict) -> list[str]:
    lines = ["## GPU", ""]
    if g.get("status") != "ok":
        return lines + [str(g.get("status"))]
    lines += [f"{g['device_name']}.", "", "| size | autocast | batch | lab img/s | diffusers img/s | lab / diffusers |",
              "|---|---|---|---|---|---|"]
    for r in g["rows"]:
        lines.append(f"| {r['image_size']}px | {r['dtype']} | {r['batch_size']} | {r['ours_images_per_s']:.0f} | " +
                     (f"{r['peer_images_per_s']:.0f} | {r['ours_vs_peer']:.2f}x |" if "peer_images_per_s" in r
                      else f"{peers.NOT_INSTALLED} | |"))
    q = g.get("time_to_quality")
    if q:
        lines += ["", f"Digits upscaled to 32x32, {q['budget_s']:g} s on the GPU ({q['amp_dtype']} autocast, "
                  f"{q['steps']} steps): FD {q['fd']:.3f} ({q['fd_ratio']:.2f}x floor), precision "
                  f"{q['precision']:.3f}, recall {q['recall']:.3f}, {q['classes']}/10 classes."]
    w = g.get("window")
    if w:
        lines += ["", (f"The window's worker (dock device field = cuda) trained digits for {w['budget_s']:g} s on "
                       f"{w['device']}: {w['steps']} steps ({w['steps_per_s']:.1f} steps/s), {w['reason']}."
                       if w.get("status") == "ok" else f"Window on CUDA: {w.get('status')}")]
    return lines


# ============================================================================================= the page
def to_markdown(res: dict, sections: dict) -> str:
    env = res["env"]
    lines = [f"# Diffusion Lab benchmark ({'quick' if res['quick'] else 'full'})", "",
             f"{env['time_utc']} · {env['platform']} · {env['cpu_count']} CPUs · torch {env['torch']} "
             f"({env['torch_threads']} threads) · diffusers: {env['diffusers'] or peers.NOT_INSTALLED} · "
             f"load average at start {env['loadavg_start']}, at end {res.get('loadavg_end')}", "",
             "## Targets", "", "| target | measured | status |", "|---|---|---|"]
    lines += [f"| {r['target']} | {r['measured']} | {_mark(r['met'])} |" for r in res.get("targets", [])]
    for name, section in sections.items():
        part = res.get(name)
        if isinstance(part, dict) and "error" not in part:
            body = section.markdown(part, res)
            if body:
                lines += [""] + body
    errors = {k: v["error"] for k, v in res.items() if isinstance(v, dict) and "error" in v}
    if errors:
        lines += ["", "## Errors", ""] + [f"- {k}: {v.splitlines()[-1] if v else v}" for k, v in errors.items()]
    return "\n".join(lines) + "\n"


def evaluate_targets(res: dict, sections: dict) -> list[dict]:
    """One row per target, section by section: what was measured, against what, met or not."""
    rows: list[dict] = []
    for name, section in sections.items():
        part = res.get(name)
        if isinstance(part, dict) and "error" not in part:
            rows += section.targets(part, res)
    return rows
