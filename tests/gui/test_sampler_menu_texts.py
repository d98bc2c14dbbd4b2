"""The sampler menu's help texts come from the engine's field metadata at run time; lupdate only sees the copies in
gui/panels/sampler_fields.py (HELP_TEXTS), so a changed engine text must be changed there too or it goes
untranslated."""
from engine.config_fields import field_spec
from gui.panels.sampler_fields import HELP_TEXTS


def test_every_sampler_help_text_is_marked_for_translation():
    spec = field_spec("sampling.sampler")
    engine_texts = {spec.help, *spec.choice_help.values()}
    assert engine_texts - set(HELP_TEXTS) == set()
    assert len(spec.choice_help) == len(spec.choices)  # every sampler has a help text to translate
