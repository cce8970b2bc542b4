"""Topology view geometry: every part placed once, no boxes overlap, tiers in order, edges aggregated."""

from __future__ import annotations

from collections import defaultdict

import pytest

from rackcad import Document
from rackcad.layout.topology import MAX_EDGES, topology_layout
from rackcad.topology import DesignIndex


def assert_disjoint(boxes) -> None:
    """No two boxes overlap: sweep by x, compare only boxes whose x ranges meet."""
    boxes = sorted(boxes, key=lambda b: b.x)
    active: list = []
    for box in boxes:
        active = [a for a in active if a.x + a.w > box.x + 1e-6]
        for other in active:
            assert not (other.y < box.y + box.h - 1e-6 and box.y < other.y + other.h - 1e-6), (other.id, box.id)
        active.append(box)


@pytest.mark.parametrize("name", ["gb200-nvl72", "gb200-nvl576", "hgx-h100-8gpu", "mesh-4gpu", "kyber-nvl576"])
def test_parts_placed_once_without_overlap(built, name):
    design = built(name)
    layout = topology_layout(design)
    index = DesignIndex(design)
    drawn = [n.id for n in layout.nodes]
    assert len(drawn) == len(set(drawn))
    expected = {n.id for n in design.nodes if index.kind(n) in ("gpu", "xpu", "cpu", "switch")}
    assert set(drawn) == expected
    assert_disjoint(layout.nodes)
    assert_disjoint(layout.groups)
    for node in layout.nodes:
        group = next(g for g in layout.groups if g.id == node.group)
        assert group.x <= node.x and node.x + node.w <= group.x + group.w + 1e-6
        assert group.y <= node.y and node.y + node.h <= group.y + group.h + 1e-6
        assert 0 <= node.x and node.x + node.w <= layout.width_mm and node.y + node.h <= layout.height_mm


def test_gb200_nvl576_tiers_groups_and_bundles(built):
    design = built("gb200-nvl576")
    layout = topology_layout(design)
    assert [b.name for b in layout.bands] == ["switch-tier-2", "switch-tier-1", "accelerator", "cpu"]
    assert [b.y for b in layout.bands] == sorted(b.y for b in layout.bands)
    per_band = defaultdict(int)
    for node in layout.nodes:
        per_band[node.band] += 1
    assert dict(per_band) == {"switch-tier-2": 144, "switch-tier-1": 288, "accelerator": 576, "cpu": 288}
    # One group per rack and band: 8 compute racks x 3 bands + 4 spine racks x the second tier.
    assert len(layout.groups) == 8 * 3 + 4
    assert all(g.size == 72 for g in layout.groups if g.band == "accelerator")
    # ~13k pairs are bundled: rack GPUs -> rack first tier (72 x 18 = 1,296 links at 400 Gb/s), first tier ->
    # each spine rack, GPUs -> Grace.
    assert layout.bundled and len(layout.edges) == 8 + 8 * 4 + 8
    down = [e for e in layout.edges if e.a.endswith(":switch-tier-1") and e.b.endswith(":accelerator")]
    assert {(e.count, e.gbps, e.protocol) for e in down} == {(1296, 1296 * 400, "nvlink5")}
    up = [e for e in layout.edges if e.a.endswith(":switch-tier-2")]
    assert sum(e.count for e in up) == 288 * 36  # every first-tier uplink, once
    # Spine racks sit in the top band only, centred over the 8 compute columns.
    spine_groups = [g for g in layout.groups if g.band == "switch-tier-2"]
    compute = [g for g in layout.groups if g.band == "accelerator"]
    left, right = min(g.x for g in compute), max(g.x + g.w for g in compute)
    assert left < min(g.x for g in spine_groups) and max(g.x + g.w for g in spine_groups) < right


def test_gb200_nvl72_pairs_and_grace_under_its_gpus(built):
    design = built("gb200-nvl72")
    layout = topology_layout(design)
    assert not layout.bundled and len(layout.edges) == 72 * 18 + 72 <= MAX_EDGES
    nvlink = [e for e in layout.edges if e.protocol == "nvlink5"]
    assert {(e.count, e.gbps) for e in nvlink} == {(1, 400)}
    for edge in layout.edges:
        a, b = layout.by_id[edge.a], layout.by_id[edge.b]
        assert a.y < b.y  # drawn from the upper tier down
        assert edge.points[0] == (a.x + a.w / 2, a.y + a.h) and edge.points[-1] == (b.x + b.w / 2, b.y)
    # Each Grace sits centred under its two GPUs (NVLink-C2C).
    for edge in (e for e in layout.edges if e.protocol == "nvlink-c2c"):
        gpu, cpu = layout.by_id[edge.a], layout.by_id[edge.b]
        partner = next(layout.by_id[e.a] for e in layout.edges if e.b == cpu.id and e.a != gpu.id)
        assert cpu.center[0] == pytest.approx((gpu.center[0] + partner.center[0]) / 2)


def test_mesh_links_arch_over_their_band(built):
    layout = topology_layout(built("mesh-4gpu"))
    assert len(layout.edges) == 6 and {(e.count, e.gbps) for e in layout.edges} == {(6, 2400)}
    tops = set()
    for edge in layout.edges:
        assert len(edge.points) == 4
        (x0, y0), (x1, top), (x2, top2), (x3, y3) = edge.points
        assert top == top2 < y0 == y3 and top >= 0
        tops.add((x1, top))
    assert len(tops) == 6  # no two arches share a corner


def test_deterministic(built):
    first, second = topology_layout(built("gb200-nvl576")), topology_layout(built("gb200-nvl576"))
    assert (first.width_mm, first.height_mm) == (second.width_mm, second.height_mm)
    assert first.nodes == second.nodes and first.edges == second.edges
    small = topology_layout(built("hgx-b200-8gpu"))
    # 8 GPUs in one row: 8 x 90 + 7 x 14 mm of boxes + 2 x 16 mm padding; 2 margins of 60 mm.
    assert small.width_mm == 8 * 90 + 7 * 14 + 2 * 16 + 2 * 60


def test_nics_and_unplaced_parts():
    doc = Document()
    rack = doc.add_rack("rack-42u-air")
    box = doc.place("dgx-b200", rack, u=10)
    gpus = [doc.place("b200-hgx", box, bay=i) for i in range(2)]
    nic = doc.place("connectx-7", box, bay=12)
    chip = doc.place("nvlink5-switch", box, bay=8)
    for gpu in gpus:
        doc.connect(gpu, chip, protocol="nvlink5", count=9, port_a="nvlink", port_b="nvlink")
    layout = topology_layout(doc.design, nics=True)
    assert [b.name for b in layout.bands] == ["switch-tier-1", "accelerator", "nic"]
    # The NIC shares the tray with both GPUs: drawn under their middle.
    assert layout.by_id[nic].center[0] == pytest.approx(
        (layout.by_id[gpus[0]].center[0] + layout.by_id[gpus[1]].center[0]) / 2)
    assert nic not in {n.id for n in topology_layout(doc.design).nodes}


def test_superpod_draws_its_fabric_by_tier(built):
    from rackcad.layout.topology import topology_layout

    layout = topology_layout(built("gb200-superpod"))
    bands = [b.name for b in layout.bands]
    # NICs, then the scale-out leaves and spines under them (1 SU: 20 leaves, 9 spines)
    assert bands[-3:] == ["nic", "network-1", "network-2"]
    sizes = {g.band: 0 for g in layout.groups}
    for g in layout.groups:
        sizes[g.band] += g.size
    assert (sizes["network-1"], sizes["network-2"]) == (20, 9)
