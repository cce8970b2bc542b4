"""Tray fill patched per edit: after every edit, undo and redo, the fill the figures keep equals a full pass.

The hall of tests/figures/test_routing.py (rows A and B back to back, a tray across both at x 1,200 mm) with
a second tray along row A's cold aisle (y 600 mm) joined to the first, four racks and links of every cabled
medium between them; the trays are small enough that the tray-fill check fires, so the Checker's finding
(its subjects in order) is compared with a full validation too.
"""

from __future__ import annotations

import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rackcad import Checker, Document, EditError, validate
from rackcad.editing import hall as hall_edits
from rackcad.figures import Figures
from rackcad.figures.routing import TrayFills, network, tray_fill

DEPTH = 1068.0
MEDIA = ("pluggable-optic", "copper-cable", "cpo-fiber", None)


def _switch(doc: Document, rack: str, u: int) -> str:
    tray = doc.place("nvlink5-switch-tray", rack, u=u)
    return doc.place("nvlink5-switch", tray, bay=0)


def hall_of_four():
    doc = Document()
    row_a = hall_edits.add_row(doc, (1200, 1200), name="A", slots=4, depth_mm=DEPTH)
    row_b = hall_edits.add_row(doc, (1200, 1200 + DEPTH + 1200), name="B", slots=4, depth_mm=DEPTH,
                               cold_aisle="back")
    hall_edits.add_tray(doc, [(1200, 600), (1200, 5100)], name="Across", width_mm=40, height_mm=5)
    hall_edits.add_tray(doc, [(1200, 600), (4500, 600)], name="Along", width_mm=20, height_mm=5)
    racks = [doc.add_rack("mgx-nvl72-rack", name=name) for name in ("A1", "A2", "B1", "B2")]
    hall_edits.snap(doc, racks[:2], row_a, 0)
    hall_edits.snap(doc, racks[2:], row_b, 1)
    switches = [_switch(doc, rack, u) for rack in racks for u in (20, 30)]
    for i, (a, b) in enumerate([(0, 4), (1, 6), (2, 5), (0, 2), (3, 7), (1, 5)]):
        doc.connect(switches[a], switches[b], protocol="nvlink5", medium=MEDIA[i % 3], count=4 * (i + 1))
    doc.mark_clean()
    return doc, (row_a, row_b), racks, switches


def _step(doc: Document, rows, racks, switches, data) -> None:
    op = data.draw(st.sampled_from(["move", "snap", "count", "medium", "connect", "remove", "move_node",
                                    "undo", "redo"]), label="op")
    pick = lambda items, label: items[data.draw(st.integers(0, len(items) - 1), label=label)]  # noqa: E731
    if op == "move":
        rack = doc.get(pick(racks, "rack"))
        doc.set(rack.id, position=rack.position.model_copy(update={
            "x_mm": data.draw(st.sampled_from([600.0, 2_400.0, 4_200.0]), label="x"), "row": None, "slot": None}))
    elif op == "snap":
        hall_edits.snap(doc, [pick(racks, "rack")], pick(rows, "row"), data.draw(st.integers(0, 3), label="slot"))
    elif op in ("count", "medium", "remove") and doc.design.links:
        link = pick(doc.design.links, "link")
        if op == "count":
            doc.set(link.id, count=data.draw(st.integers(1, 72), label="count"))
        elif op == "medium":
            doc.set(link.id, medium=data.draw(st.sampled_from(MEDIA), label="medium"))
        else:
            doc.remove(link.id)
    elif op == "connect":
        doc.connect(pick(switches, "a"), pick(switches, "b"), protocol="nvlink5",
                    medium=data.draw(st.sampled_from(MEDIA), label="medium"), count=data.draw(st.integers(1, 72)))
    elif op == "move_node":
        tray = doc.get(pick(switches, "switch")).parent
        doc.move(tray, pick(racks, "to"), u=data.draw(st.sampled_from([5, 40]), label="u"))
    elif op == "undo" and doc.history.can_undo:
        doc.undo()
    elif op == "redo" and doc.history.can_redo:
        doc.redo()


def _exact(fills) -> list[tuple]:
    return [(f.tray.id, f.edge, f.cables, f.area_mm2, list(f.links), list(f.parts), list(f.unknown)) for f in fills]


def _alike(fills) -> list[tuple]:
    """What a build from the design holds, whatever order edits left the records in."""
    return [(f.tray.id, f.edge, f.cables, f.area_mm2, sorted(f.links), sorted(f.parts), sorted(f.unknown))
            for f in fills]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_patched_tray_fill_equals_a_full_pass_after_every_edit(data):
    doc, rows, racks, switches = hall_of_four()
    checker = Checker(doc)
    figures = checker.figures
    assert any(v.code == "geometry.tray_fill" for v in checker.report.violations)  # the trays are too small
    for _ in range(data.draw(st.integers(1, 10), label="steps")):
        try:
            _step(doc, rows, racks, switches, data)
        except EditError:
            pass
        assert checker.figures is figures  # patched, not rebuilt
        patched = tray_fill(figures)
        assert figures.tray_fills is not None and not figures.tray_fills.dirty
        assert _exact(patched) == _exact(TrayFills(network(figures), figures.link_figures).fills(figures))
        assert _alike(patched) == _alike(tray_fill(Figures(doc.design)))
        assert checker.report.to_dict() == validate(doc.design).to_dict()


def test_only_the_records_an_edit_changed_are_routed_again():
    doc, rows, racks, switches = hall_of_four()
    checker = Checker(doc)
    state = checker.figures.tray_fills
    kept = {link_id: run for link_id, run in state.runs.items()}
    # A1 to the free slot 3 of row A: the links of A1 (L1, L2, L4, L6; its switches are 0 and 1) are routed
    # again, L3 and L5 (A2 to B1 and to B2) are kept
    hall_edits.snap(doc, [racks[0]], rows[0], 3)
    assert state is checker.figures.tray_fills
    rack_of = checker.figures.rack_of
    mine = {link.id for link in doc.design.links if racks[0] in (rack_of[link.a.node], rack_of[link.b.node])}
    assert sorted(mine) == ["L1", "L2", "L4", "L6"]
    for link_id, run in state.runs.items():
        assert (run is kept[link_id]) == (link_id not in mine), link_id
