"""One naming scheme: CT01 ... in a rack, CT01/GPU1 ... inside a tray; rename and renumber."""

from __future__ import annotations

from rackcad import Document
from rackcad.editing.naming import rename, renumber
from rackcad.editing.stock import place_stock


def test_new_parts_follow_the_scheme_and_fill_gaps():
    doc = Document()
    rack = doc.add_rack("mgx-nvl72-rack")
    a = doc.place("gb200-compute-tray", rack, u=5)
    b = doc.place("gb200-compute-tray", rack, u=6)
    assert [doc.get(a).name, doc.get(b).name] == ["CT01", "CT02"]
    assert doc.get(doc.place("nvlink5-switch-tray", rack, u=7)).name == "ST01"
    assert doc.get(doc.place("power-shelf-33kw", rack, u=1)).name == "PS1"
    gpu = doc.place("b200-gb200", b, bay=2)
    assert doc.get(gpu).name == "CT02/GPU1"
    doc.remove(a)
    assert doc.get(doc.place("gb200-compute-tray", rack, u=20)).name == "CT01"  # the gap is filled


def test_rename_carries_contents_and_renumber_orders_bottom_up():
    doc = Document()
    rack = doc.add_rack("mgx-nvl72-rack")
    high = place_stock(doc, "gb200-compute-tray", rack, u=20)
    low = place_stock(doc, "gb200-compute-tray", rack, u=3)
    assert (doc.get(high).name, doc.get(low).name) == ("CT01", "CT02")
    rename(doc, high, "TOP")
    assert doc.children(high)[0].name == "TOP/CPU1" and doc.history.undo_label == "Rename CT01 to TOP"
    changed = renumber(doc, [rack])
    assert (doc.get(low).name, doc.get(high).name) == ("CT01", "CT02")
    assert doc.children(high)[2].name == "CT02/GPU1"
    assert changed == 2 + 12 + 12  # both trays and every part inside them
    doc.undo()
    assert doc.get(high).name == "TOP"
