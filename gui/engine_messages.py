"""The engine's messages that reach the screen, in the interface language (the engine stays Qt-free and English for
the CLI). Each message that engine/session.py (RunResult.message), engine/training.py (TrainingStopped, the device
name), engine/samplers/inversion.py (InversionCancelled) and engine/bound_report.py (bound_summary) write has a
pattern here and a template marked for translation; the numbers are carried over. A message without a pattern (a
UserError's own text, for one) is shown as the engine wrote it. tests/gui/test_chinese_journey.py makes the real
messages."""
from __future__ import annotations

import re

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

CONTEXT = "EngineMessages"
NUMBER_WORDS = {"nan": "NaN", "inf": "∞", "-inf": "−∞"}  # Python's float spellings, as the numbers they are
CPU_THREADS = re.compile(r"cpu \((\d+) threads\)")  # engine.training.device_description's CPU wording

# (the engine's wording as a pattern, the same wording with {0}, {1}... for the groups)
MESSAGES = (
    (re.compile(r"finished (\d+) steps"), QT_TRANSLATE_NOOP("EngineMessages", "finished {0} steps")),
    (re.compile(r"stopped at step (\d+)"), QT_TRANSLATE_NOOP("EngineMessages", "stopped at step {0}")),
    (re.compile(r"time budget of (\S+) s reached at step (\d+)"),
     QT_TRANSLATE_NOOP("EngineMessages", "time budget of {0} s reached at step {1}")),
    (re.compile(r"loss became (\S+) at step (\d+); training stopped and the last good weights were kept "
                r"\(try a lower learning rate or a smaller model\)"),
     QT_TRANSLATE_NOOP("EngineMessages", "loss became {0} at step {1}; training stopped and the last good weights "
                       "were kept (try a lower learning rate or a smaller model)")),
    (re.compile(r"gradients exploded \(norm (\S+)\) at step (\d+); training stopped and the last good weights "
                r"were kept \(lower the learning rate\)"),
     QT_TRANSLATE_NOOP("EngineMessages", "gradients exploded (norm {0}) at step {1}; training stopped and the last "
                       "good weights were kept (lower the learning rate)")),
    (re.compile(r"out of memory on (.+) at step (\d+); try a smaller batch size or model preset"),
     QT_TRANSLATE_NOOP("EngineMessages", "out of memory on {0} at step {1}; try a smaller batch size or model "
                       "preset")),
    # engine/samplers/inversion.py InversionCancelled
    (re.compile(r"inversion cancelled at step (\d+)/(\d+)"),
     QT_TRANSLATE_NOOP("EngineMessages", "inversion cancelled at step {0}/{1}")),
    (re.compile(r"reconstruction cancelled at step (\d+)/(\d+)"),
     QT_TRANSLATE_NOOP("EngineMessages", "reconstruction cancelled at step {0}/{1}")),
    # engine/bound_report.py bound_summary, exact and estimated
    (re.compile(r"variational bound (\S+) ± (\S+) bits/dim; L_T (\S+), L_0 (\S+), sum of L_t-1 (\S+) bits/dim"),
     QT_TRANSLATE_NOOP("EngineMessages", "variational bound {0} ± {1} bits/dim; L_T {2}, L_0 {3}, sum of L_t-1 {4} "
                       "bits/dim")),
    (re.compile(r"variational bound (\S+) ± (\S+) bits/dim \(estimated from (\d+) KL terms\); L_T (\S+), "
                r"L_0 (\S+), sum of L_t-1 (\S+) bits/dim"),
     QT_TRANSLATE_NOOP("EngineMessages", "variational bound {0} ± {1} bits/dim (estimated from {2} KL terms); "
                       "L_T {3}, L_0 {4}, sum of L_t-1 {5} bits/dim")),
)


def device_text(name: str) -> str:
    """The engine's device name (``cpu (2 threads)``, ``cuda: NVIDIA …``) with its words translated."""
    cpu = CPU_THREADS.fullmatch(name)
    return QCoreApplication.translate("EngineMessages", "cpu ({0} threads)").format(cpu.group(1)) if cpu else name


def engine_message(message: str) -> str:
    """A message of the engine (the end of a run, a cancelled inversion, the bound's summary) in the interface
    language."""
    for pattern, template in MESSAGES:
        match = pattern.fullmatch(message)
        if match:
            groups = [NUMBER_WORDS.get(g, device_text(g)) for g in match.groups()]
            return QCoreApplication.translate(CONTEXT, template).format(*groups)
    return message
