"""The Experiment form builds its labels, tooltips, ranges and choices from the config field metadata."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit

from engine.config_fields import field_spec
from gui.widgets.data_preview import DatasetPicker
from gui.widgets.forms import ExperimentForm


@pytest.fixture
def form(qtbot):
    widget = ExperimentForm()
    qtbot.addWidget(widget)
    yield widget
    widget.shutdown()


def test_every_field_widget_is_labelled_and_explained_by_its_metadata(form):
    assert len(form.widgets) >= 30
    for name, widget in form.widgets.items():
        spec = field_spec(name)
        shown_label = widget.text() if isinstance(widget, QCheckBox) else form.labels[name].text()
        assert shown_label == spec.label, name
        assert spec.help in widget.property("help"), name
        if isinstance(widget, QLineEdit):
            assert spec.range is not None, name
            assert f"Allowed: {spec.allowed}" in widget.property("help"), name
            assert spec.path in form.labels[name].toolTip()


def test_combo_boxes_offer_exactly_the_literal_choices(form):
    for name, widget in form.widgets.items():
        if isinstance(widget, QComboBox) and not isinstance(widget, DatasetPicker):
            spec = field_spec(name)
            assert tuple(widget.itemData(i) for i in range(widget.count())) == spec.choices, name
    channels = form.widgets["data.channels"]
    assert [channels.itemText(i) for i in range(channels.count())] == ["native", "1 · grey", "3 · RGB"]


def test_schedule_choices_carry_their_help_as_item_tooltips(form):
    combo = form.widgets["schedule.kind"]
    tips = {combo.itemData(i): combo.itemData(i, Qt.ToolTipRole) for i in range(combo.count())}
    assert "scaled_linear" in tips["quadratic"] and "quad" in tips["quadratic"]
    assert "diffusers" in tips["sigmoid"] and "not renormalized" in tips["sigmoid"]


def test_an_error_tooltip_uses_the_label_and_the_declared_range(form):
    widget = form.widgets["training.batch_size"]
    widget.setText("0")
    assert widget.property("invalid") is True
    assert "<b>Batch size</b>" in widget.toolTip() and field_spec("training.batch_size").range.interval() in \
        widget.toolTip()
    assert "Batch size" in form.error_label.text()


def test_a_new_form_starts_from_the_default_experiment_and_switches_like_the_window(form):
    from engine.presets import default_config

    assert form.config() == default_config("moons")
    form.set_dataset("digits")
    assert form.config() == default_config("digits")
    assert form.widgets["training.lr"].text() == "0.005"


def test_the_live_quality_interval_has_a_row_that_reaches_the_config(form):
    widget = form.field_widget("training.quality_every")
    assert form.labels["training.quality_every"].text() == field_spec("training.quality_every").label
    form.set_field_text("training.quality_every", "0")
    assert form.config().training.quality_every == 0
    form.set_field_text("training.quality_every", "120")
    assert form.config().training.quality_every == 120
    widget.setText("-3")
    assert widget.property("invalid") is True
