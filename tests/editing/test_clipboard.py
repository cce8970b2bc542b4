"""Copy, paste, duplicate, arrays and fill rack: one undo step each, contents and internal links along."""

from __future__ import annotations

import pytest

import rackcad
from rackcad import Document
from rackcad.document import EditError
from rackcad.editing.clipboard import Snippet, array, copy, duplicate, fill_rack, paste
from rackcad.editing.stock import place_stock
from rackcad.files import dumps


@pytest.fixture
def tray_doc():
    doc = Document()
    rack = doc.add_rack("mgx-nvl72-rack", name="R1")
    tray = place_stock(doc, "gb200-compute-tray", rack, u=10)
    return doc, rack, tray


def test_duplicate_a_populated_tray_takes_contents_and_c2c_links_in_one_step(tray_doc):
    doc, rack, tray = tray_doc
    steps = len(doc.history)
    before = dumps(doc.design)
    (new,) = duplicate(doc, [tray])
    assert len(doc.history) == steps + 1 and doc.history.undo_label == "Duplicate CT01"
    assert doc.get(new).name == "CT02" and doc.get(new).u == 11  # the next free U above CT01
    kids = doc.children(new)
    assert [n.name for n in kids] == ["CT02/CPU1", "CT02/CPU2", "CT02/GPU1", "CT02/GPU2", "CT02/GPU3",
                                      "CT02/GPU4", "CT02/NIC1", "CT02/NIC2", "CT02/NIC3", "CT02/NIC4",
                                      "CT02/DPU1", "CT02/DPU2"]
    inside = {n.id for n in kids}
    copied = [link for link in doc.design.links if link.a.node in inside]
    assert len(copied) == 4 and all(link.b.node in inside and link.protocol == "nvlink-c2c" for link in copied)
    doc.undo()
    assert dumps(doc.design) == before


def test_paste_a_whole_rack_into_another_design_keeps_its_wiring():
    source = Document(rackcad.templates.build("gb200-nvl72"))
    text = copy(source, [source.design.racks[0].id]).to_json()
    target = Document()
    target.add_rack("rack-48u-air", name="NVL72")
    (rack,) = paste(target, Snippet.from_json(text))
    assert target.get(rack).name == "NVL72-2"  # the name was taken
    summary = rackcad.summary(target.design)
    assert summary["counts"]["gpu"] == 72 and summary["counts"]["switch"] == 18
    # 72 GPUs x 18 switch chips + 72 NVLink-C2C (each Grace to 2 GPUs) = 1,368 links
    assert summary["links"] == 72 * 18 + 72
    assert not rackcad.validate(target.design).errors
    assert len(target.history) == 2


def test_paste_into_a_full_rack_is_refused_and_changes_nothing(tray_doc):
    doc, rack, tray = tray_doc
    fill_rack(doc, rack, "power-shelf-33kw")
    snippet = copy(doc, [tray])
    before = dumps(doc.design)
    with pytest.raises(EditError, match="no free space"):
        paste(doc, snippet, target=rack)
    assert dumps(doc.design) == before


def test_array_and_fill_rack(tray_doc):
    doc, rack, tray = tray_doc
    copies = array(doc, [tray], 3)
    assert [doc.get(c[0]).u for c in copies] == [11, 12, 13]
    assert doc.history.undo_label == "Array CT01 x 3"
    made = fill_rack(doc, rack, "nvlink5-switch-tray", count=9)
    assert len(made) == 9 and [doc.get(m).name for m in made][:2] == ["ST01", "ST02"]
    assert all(len(doc.children(m)) == 2 for m in made)  # stock trays arrive with their 2 chips
    assert [doc.get(m).u for m in made] == list(range(1, 10))  # the free U below CT01, bottom up
    bare = fill_rack(doc, rack, "custom-compute-sled", count=2, empty=True)
    assert all(not doc.children(m) for m in bare)


def test_damaged_clipboard_text_is_a_clear_error():
    with pytest.raises(EditError, match="not JSON"):
        Snippet.from_json("{")
    with pytest.raises(EditError, match="does not hold RackCAD items"):
        Snippet.from_json('{"format": "other"}')
    with pytest.raises(EditError, match="damaged"):
        Snippet.from_json('{"format": "rackcad-clipboard", "version": 1, "nodes": [{"id": 3}]}')


def test_undo_labels_read_as_the_user_would_say_them():
    doc = Document()
    rack = doc.add_rack("mgx-nvl72-rack", name="NVL72")
    doc.set(rack, power_budget_w=100_000)
    assert doc.history.undo_label == "Set power budget of NVL72 to 100.0 kW"
    doc.set(rack, power_redundancy="n+1")
    assert doc.history.undo_label == "Set power redundancy of NVL72 to N+1"
    doc.set(rack, name="Row A / 1")
    assert doc.history.undo_label == "Rename NVL72 to Row A / 1"


def test_a_link_pinned_to_port_indexes_keeps_them_through_copy_and_paste(tray_doc):
    doc, rack, tray = tray_doc
    cpu, gpu = (n.id for n in doc.children(tray) if n.name.endswith(("CPU1", "GPU3")))
    pinned = doc.connect(cpu, gpu, protocol="nvlink-c2c", index_a=1, index_b=0)
    assert (doc.get(pinned).a.index, doc.get(pinned).b.index) == (1, 0)
    (new,) = duplicate(doc, [tray])
    inside = {n.id for n in doc.children(new)}
    copied = [link for link in doc.design.links if link.a.node in inside]
    ends = [(link.a.index, link.b.index) for link in copied]
    assert len(ends) == 5 and ends.count((1, 0)) == 1 and ends.count((None, None)) == 4
    with pytest.raises(EditError):
        doc.connect(cpu, gpu, protocol="nvlink-c2c", index_a=-1)
