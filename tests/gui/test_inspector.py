"""Inspector edits go through the Document: accepted values are one undo step, refused ones change nothing."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel, QListWidget

from rackcad.files import dumps


def type_into(edit, text: str) -> None:
    edit.setFocus()
    edit.selectAll()
    QTest.keyClick(edit, Qt.Key.Key_Backspace)
    QTest.keyClicks(edit, text)
    QTest.keyClick(edit, Qt.Key.Key_Return)


def choose(combo, value) -> None:
    """Pick `value` in a closed combo box with the arrow keys, as a keyboard user does."""
    combo.setFocus()
    step = Qt.Key.Key_Down if combo.findData(value) > combo.currentIndex() else Qt.Key.Key_Up
    while combo.currentData() != value:
        QTest.keyClick(combo, step)


def test_rack_budget_edit_is_undoable_and_bad_values_are_refused(small):
    window, ids, _ = small
    rack = ids["rack"]
    window.select([rack])
    inspector = window.inspector
    budget = inspector.editor("power_budget_w")
    assert budget.text() == "150,000 W"
    type_into(budget, "120 kW")
    assert window.doc.get(rack).power_budget_w == 120_000
    assert window.undo_action.text() == "&Undo Set power budget of R1 to 120.0 kW" and not inspector.error.isVisible()
    assert window.scene.box_item(f"{rack}#title").look.detail.endswith("of 120.0 kW")

    before = dumps(window.doc.design)
    type_into(budget, "lots")
    assert inspector.error.isVisible() and "'lots' is not a number in W" in inspector.error.text()
    assert budget.text() == "120,000 W" and dumps(window.doc.design) == before

    window.undo_action.trigger()
    assert window.doc.get(rack).power_budget_w == 150_000
    assert inspector.editor("power_budget_w").text() == "150,000 W"

    redundancy = inspector.editor("power_redundancy")
    choose(redundancy, "n+1")
    assert window.doc.get(rack).power_redundancy == "n+1"


def test_node_name_override_and_refused_move(small):
    window, ids, _ = small
    window.select([ids["gpu"]])
    inspector = window.inspector
    type_into(inspector.editor("name"), "GPU-A")
    assert window.doc.get(ids["gpu"]).name == "GPU-A"
    assert window.undo_action.text() == "&Undo Rename CT1/GPU1 to GPU-A"
    type_into(inspector.editor("overrides.power_w"), "1,000")
    assert window.doc.get(ids["gpu"]).overrides == {"power_w": 1000.0}
    type_into(inspector.editor("overrides.power_w"), "")
    assert window.doc.get(ids["gpu"]).overrides == {}
    figures = "".join(label.text() for label in inspector.findChildren(QLabel))
    assert "verified-secondary" in figures and "glennklockwood.com" in figures  # source address of the power
    assert "estimate" in figures  # memory bandwidth is an estimate, marked as such

    window.select([ids["tray"]])
    before = dumps(window.doc.design)
    type_into(inspector.editor("u"), "20")  # ST1 is at U20
    assert "overlaps ST1" in inspector.error.text() and dumps(window.doc.design) == before
    assert inspector.editor("u").text() == "10"
    type_into(inspector.editor("u"), "12")
    assert window.doc.get(ids["tray"]).u == 12


def test_link_fields_and_navigation_from_a_part(small):
    window, ids, _ = small
    link = window.doc.connect(ids["gpu"], ids["switch"], protocol="nvlink5", count=2)
    window.select([ids["gpu"]])
    links = window.inspector.findChild(QListWidget, "links")
    assert links.count() == 1 and "ST1/SW1" in links.item(0).text()
    QTest.mouseClick(links.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     links.visualItemRect(links.item(0)).center())
    assert window.inspector.ids == [link]
    assert set(window.scene.selected_ids()) == {ids["gpu"], ids["switch"]}  # the link's ends light up
    count = window.inspector.editor("count")
    type_into(count, "4")
    assert window.doc.get(link).count == 4
    type_into(window.inspector.editor("length_m"), "2.5 m")
    assert window.doc.get(link).length_m == 2.5
    medium = window.inspector.editor("medium")
    choose(medium, "copper-cable")
    assert window.doc.get(link).medium == "copper-cable"
    window.delete_action.trigger()  # Delete acts on what the inspector shows: the link
    assert window.doc.find(link) is None and window.doc.find(ids["gpu"]) is not None


def test_design_page_edits_rule_settings(small):
    window, _, _ = small
    window.select([])
    type_into(window.inspector.editor("rules.power_warning_ratio"), "0.8")
    assert window.doc.design.rules.power_warning_ratio == 0.8
    assert window.undo_action.text() == "&Undo Set rule settings of the design"
