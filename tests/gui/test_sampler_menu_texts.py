"""Texts the window shows from the engine's metadata at run time (the sampler menu's help, the Error vs NFE
metric name): lupdate only sees their copies in gui/ (HELP_TEXTS, METRIC_TEXTS), so a changed engine text must be
changed there too or it goes untranslated."""
from engine.config_fields import field_spec
from gui.panels.sampler_fields import HELP_TEXTS


def test_every_sampler_help_text_is_marked_for_translation():
    spec = field_spec("sampling.sampler")
    engine_texts = {spec.help, *spec.choice_help.values()}
    assert engine_texts - set(HELP_TEXTS) == set()
    assert len(spec.choice_help) == len(spec.choices)  # every sampler has a help text to translate


def test_every_metric_label_is_marked_for_translation():
    from engine.quality import METRIC_LABELS
    from gui.panels.nfe_view import METRIC_TEXTS

    assert set(METRIC_LABELS.values()) - set(METRIC_TEXTS) == set()
