"""Elevation geometry: every part drawn once, siblings never overlap, U and bay hit-testing."""

from __future__ import annotations

import itertools

import pytest

from rackcad.layout.elevation import elevation
from rackcad.units import U_MM


def overlaps(a, b) -> bool:
    return a.x < b.x + b.w - 1e-6 and b.x < a.x + a.w - 1e-6 and a.y < b.y + b.h - 1e-6 and b.y < a.y + a.h - 1e-6


@pytest.mark.parametrize("name", ["gb200-nvl72", "kyber-nvl576", "hgx-h100-8gpu"])
def test_every_node_drawn_and_siblings_disjoint(built, name):
    design = built(name)
    layout = elevation(design)
    nodes = [b for b in layout.boxes if b.role == "node"]
    assert {b.id for b in nodes} == {n.id for n in design.nodes}
    by_parent: dict[str, list] = {}
    for box in nodes + [b for b in layout.boxes if b.role == "bay"]:
        by_parent.setdefault(box.parent, []).append(box)
    for siblings in by_parent.values():
        for a, b in itertools.combinations(siblings, 2):
            assert not overlaps(a, b), (a.id, b.id)
    for box in nodes:
        parent = layout.by_id.get(box.parent)
        assert parent.x <= box.x and box.x + box.w <= parent.x + parent.w + 1e-6


def test_u_geometry_and_hit_testing(built):
    design = built("gb200-nvl72")
    layout = elevation(design)
    rack = design.racks[0].id
    body = layout.bodies[rack]
    assert body.h == pytest.approx(48 * U_MM)
    tray = next(n for n in design.nodes if n.name == "CT01")  # U5
    box = layout.by_id[tray.id]
    assert box.y == pytest.approx(body.y + (48 - 5) * U_MM) and box.h == pytest.approx(U_MM)
    assert layout.u_at(rack, box.y + 1) == 5
    assert layout.u_at(rack, body.y + 1, height_u=4) == 45  # a 4U part with its top at U48
    gpu = next(n for n in design.nodes if n.name == "CT01/GPU1")
    slot = layout.slot_at(*layout.by_id[gpu.id].center)
    assert slot.id == gpu.id and slot.bay == gpu.bay and slot.parent == tray.id
    assert layout.rack_at(*box.center) == rack and layout.rack_at(0, 0) is None


def test_racks_side_by_side_without_overlap(built):
    layout = elevation(built("gb200-nvl576"))
    bodies = sorted(layout.bodies.values(), key=lambda b: b.x)
    assert len(bodies) == 12
    assert all(a.x + a.w < b.x for a, b in zip(bodies, bodies[1:]))
