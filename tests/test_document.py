"""Document editing: placement rules, links, removal with links, undo/redo, dirty state, events."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rackcad import Document, EditError
from rackcad.files import dumps


def small_doc() -> tuple[Document, str, str]:
    doc = Document()
    rack = doc.add_rack("mgx-nvl72-rack", name="R1")
    tray = doc.place("gb200-compute-tray", rack, u=10, name="CT1")
    return doc, rack, tray


def test_add_rack_copies_budgets_from_part(catalog):
    doc = Document()
    rack = doc.add_rack("mgx-nvl72-rack")
    part = catalog.get("mgx-nvl72-rack")
    assert doc.get(rack).power_budget_w == part.power_budget_w.value == 150_000
    assert doc.get(rack).liquid_capacity_w == part.liquid_capacity_w.value


def test_place_into_occupied_u_is_refused_and_design_unchanged():
    doc, rack, tray = small_doc()
    before = dumps(doc.design)
    with pytest.raises(EditError, match="overlaps CT1"):
        doc.place("nvlink5-switch-tray", rack, u=10)
    assert dumps(doc.design) == before
    assert len(doc.history) == 2


def test_place_outside_rack_and_missing_parent_are_refused():
    doc, rack, _ = small_doc()
    with pytest.raises(EditError, match="outside"):
        doc.place("nvlink5-switch-tray", rack, u=49)  # 48U rack
    with pytest.raises(EditError, match="no rack or tray"):
        doc.place("nvlink5-switch-tray", "R99", u=1)
    with pytest.raises(EditError, match="unknown part"):
        doc.place("no-such-part", rack, u=1)


def test_bay_rules_kind_and_occupancy():
    doc, _, tray = small_doc()
    doc.place("grace", tray, bay=0)
    with pytest.raises(EditError, match="already holds"):
        doc.place("grace", tray, bay=0)
    with pytest.raises(EditError, match="takes gpu"):
        doc.place("grace", tray, bay=2)  # bays 2-5 are GPU bays
    with pytest.raises(EditError, match="bays 0-11"):
        doc.place("b200-gb200", tray, bay=12)
    assert doc.free_bay(tray, "gpu") == 2


def test_connect_finds_ports_by_protocol_and_remove_takes_links():
    doc, rack, tray = small_doc()
    cpu = doc.place("grace", tray, bay=0)
    gpu = doc.place("b200-gb200", tray, bay=2)
    st_ = doc.place("nvlink5-switch-tray", rack, u=20)
    chip = doc.place("nvlink5-switch", st_, bay=0)
    c2c = doc.connect(cpu, gpu, protocol="nvlink-c2c")
    nv = doc.connect(gpu, chip, protocol="nvlink5", count=2)
    assert doc.get(c2c).a.port == "c2c" and doc.get(nv).b.port == "nvlink"
    assert doc.get(nv).medium == "backplane-copper"
    with pytest.raises(EditError, match="no nvlink6 ports"):
        doc.connect(gpu, chip, protocol="nvlink6")
    depth = len(doc.history)
    doc.remove(gpu)
    assert len(doc.history) == depth + 1  # one undo step
    assert doc.find(gpu) is None and doc.find(c2c) is None and doc.find(nv) is None
    doc.undo()
    assert doc.find(gpu) is not None and doc.find(nv).count == 2


def test_remove_rack_takes_contents_and_undo_restores_bytes(built):
    doc = Document(built("gb200-nvl72").model_copy(deep=True))
    before = dumps(doc.design)
    doc.remove(doc.design.racks[0].id)
    assert doc.design.nodes == [] and doc.design.links == [] and doc.design.racks == []
    doc.undo()
    assert dumps(doc.design) == before
    doc.redo()
    assert doc.design.links == []


def test_move_and_set_are_checked_and_undoable():
    doc, rack, tray = small_doc()
    other = doc.place("nvlink5-switch-tray", rack, u=20)
    with pytest.raises(EditError, match="overlaps"):
        doc.move(tray, u=20)
    doc.move(tray, u=21)
    assert doc.get(tray).u == 21
    with pytest.raises(EditError):
        doc.set(other, u="high")
    doc.set(rack, power_budget_w=132_000, name="Rack A")
    assert doc.get(rack).name == "Rack A"
    assert doc.history.undo_label == "Set power budget, name of R1"
    doc.undo()
    assert doc.get(rack).name == "R1" and doc.get(rack).power_budget_w == 150_000
    doc.undo()
    assert doc.get(tray).u == 10


def test_dirty_state_follows_clean_index_and_events_fire():
    doc, rack, _ = small_doc()
    events = []
    doc.subscribe(events.append)
    doc.mark_clean()
    assert not doc.is_dirty
    doc.set(rack, name="X")
    assert doc.is_dirty
    doc.undo()
    assert not doc.is_dirty
    assert [e.kind for e in events] == ["do", "undo"] and rack in events[0].ids


def test_batch_is_one_step_and_reverts_on_error():
    doc, rack, tray = small_doc()
    before = dumps(doc.design)
    with pytest.raises(EditError):
        with doc.batch("fill"):
            doc.place("grace", tray, bay=0)
            doc.place("grace", tray, bay=0)
    assert dumps(doc.design) == before
    with doc.batch("fill tray"):
        doc.place("grace", tray, bay=0)
        doc.place("grace", tray, bay=1)
    assert doc.history.undo_label == "fill tray"
    doc.undo()
    assert dumps(doc.design) == before


# ------------------------------------------------------------ property test
EDITS = st.lists(
    st.tuples(st.sampled_from(["place", "connect", "set", "move", "remove", "rack"]), st.integers(0, 10_000)),
    min_size=1, max_size=25,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(EDITS)
def test_any_edits_then_as_many_undos_restore_the_design(edits):
    doc, rack, tray = small_doc()
    doc.place("grace", tray, bay=0)
    doc.place("b200-gb200", tray, bay=2)
    start = dumps(doc.design)
    base = len(doc.history)
    for op, seed in edits:
        nodes = [n.id for n in doc.design.nodes]
        try:
            if op == "rack":
                doc.add_rack("rack-42u-air")
            elif op == "place":
                target = [r.id for r in doc.design.racks][seed % len(doc.design.racks)] if doc.design.racks else None
                if target is None:
                    continue
                doc.place("nvlink5-switch-tray", target, u=1 + seed % 48)
            elif op == "connect" and len(nodes) >= 2:
                doc.connect(nodes[seed % len(nodes)], nodes[(seed // 7) % len(nodes)], port_a=None, protocol=None)
            elif op == "set" and nodes:
                doc.set(nodes[seed % len(nodes)], name=f"n{seed}")
            elif op == "move" and nodes:
                node = doc.get(nodes[seed % len(nodes)])
                if node.u is not None:
                    doc.move(node.id, u=1 + seed % 48)
                else:
                    doc.move(node.id, bay=seed % 12)
            elif op == "remove" and (nodes or doc.design.links):
                ids = nodes + [link.id for link in doc.design.links]
                doc.remove(ids[seed % len(ids)])
            else:
                continue
        except EditError:
            continue
    for _ in range(len(doc.history) - base):  # no-op edits (same value) add no undo step
        assert doc.undo()
    assert dumps(doc.design) == start
