"""Design-level edits (set_design: name, rule settings, waivers) and restoring a design as unsaved."""

from __future__ import annotations

import pytest

from rackcad import Document, EditError, Waiver
from rackcad.files import dumps
from rackcad.model import Design, RuleSettings


def doc_with_rack() -> tuple[Document, str]:
    doc = Document()
    rack = doc.add_rack("mgx-nvl72-rack", name="R1")
    doc.mark_clean()
    return doc, rack


def test_waiver_is_one_undoable_step_with_its_label():
    doc, rack = doc_with_rack()
    before = dumps(doc.design)
    waiver = Waiver(code="power.rack-budget", subjects=[rack], reason="budget raised in phase 2")
    doc.set_design(waivers=[*doc.design.waivers, waiver], label="Waive power.rack-budget")
    assert doc.design.waivers == [waiver]
    assert doc.history.undo_label == "Waive power.rack-budget" and doc.is_dirty
    doc.undo()
    assert doc.design.waivers == [] and dumps(doc.design) == before and not doc.is_dirty
    doc.redo()
    assert doc.design.waivers == [waiver]


def test_rule_settings_and_name_are_validated_and_unchanged_on_error():
    doc, _ = doc_with_rack()
    doc.set_design(name="Hall A", rules=RuleSettings(power_warning_ratio=0.8))
    assert doc.design.name == "Hall A" and doc.design.rules.power_warning_ratio == 0.8
    assert doc.history.undo_label == "Set name, rule settings of the design"
    before = dumps(doc.design)
    depth = len(doc.history)
    with pytest.raises(EditError, match="power_warning_ratio"):
        doc.set_design(rules={"power_warning_ratio": "high"})
    with pytest.raises(EditError, match="racks"):
        doc.set_design(racks=[])
    assert dumps(doc.design) == before and len(doc.history) == depth
    doc.undo()
    assert doc.design.name == "Untitled" and doc.design.rules.power_warning_ratio == 0.9


def test_same_value_is_no_step_and_listeners_hear_design_edits():
    doc, _ = doc_with_rack()
    events = []
    doc.subscribe(events.append)
    doc.set_design(name="Untitled")
    assert len(doc.history) == 1 and events == []
    doc.set_design(description="two racks")
    assert [(e.label, e.kind) for e in events] == [("Set description of the design", "do")]


def test_old_values_are_replaced_not_mutated():
    """A snapshot sharing the old waivers list (the GUI's validation worker) keeps seeing the old state."""
    doc, rack = doc_with_rack()
    shared = doc.design.waivers
    doc.set_design(waivers=[Waiver(code="x", subjects=[rack], reason="r")])
    assert shared == [] and doc.design.waivers is not shared


def test_reset_unsaved_marks_the_design_dirty_until_saved():
    doc = Document()
    doc.reset(Design(name="restored"), saved=False)
    assert doc.is_dirty and len(doc.history) == 0
    doc.mark_clean()
    assert not doc.is_dirty
    doc.reset(Design(name="opened"))
    assert not doc.is_dirty
