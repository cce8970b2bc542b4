"""The fabric builder with breakout: leaf ports faster than the NICs split into sub-ports, so a leaf serves
more NIC ports and the leaf count falls. Counts worked by hand from the radix (rackcad.fabric.plan):

Storage fabric of dgx-b200-superpod (`storage=true`): 32 DGX B200 per SU, 2 dual-port 200G BlueField-3 each
(F13), every DPU port its own link and rail (4 rails of 32 ports per SU). Leaf and spine: Spectrum-4 SN5600,
64 x 800G, breakout 2 or 4 ways (F4).

- whole ports: d = floor(64 x 800 / (200 + 800)) = 51 down. 1 SU: 32 ports a rail -> 1 leaf a rail = 4
  leaves, each 32 down + ceil(32 x 200 / 800) = 8 up = 40 ports. 2 SUs: 64 a rail -> ceil(64 / 51) = 2 leaves
  a rail = 8 leaves of 32 down + 8 up; spines ceil(8 x 8 / 64) = 1.
- 4-way split (200G legs): d = floor(64 x 800 / (4 x 200 + 800)) = 32 ports down = 128 DPU ports a leaf.
  1 SU: 4 leaves, each 32 legs on 8 ports + 8 up = 16 ports. 2 SUs: 64 a rail -> 1 leaf a rail = 4 leaves of
  16 down ports (64 legs) + 16 up = 32 ports; spines ceil(4 x 16 / 64) = 1.
"""

from __future__ import annotations

import pytest

from rackcad import catalog, templates, validate
from rackcad.model import expanded
from rackcad.fabric.plan import Endpoint, breakout_ways, plan_fat_tree
from rackcad.figures import Figures


def _storage(design):
    figures = Figures(design)
    leaves = [n for n in design.nodes if n.name.startswith("ST-LEAF")]
    spines = [n for n in design.nodes if n.name.startswith("ST-SPINE")]
    return figures, leaves, spines


@pytest.mark.parametrize("sus, breakout, leaves, ports, spines", [
    (1, False, 4, 40, 1), (1, True, 4, 16, 1), (2, False, 8, 40, 1), (2, True, 4, 32, 1)])
def test_dgx_b200_storage_leaves_and_cage_use_before_and_after_breakout(sus, breakout, leaves, ports, spines):
    design = expanded(templates.build("dgx-b200-superpod", sus=sus, storage=True, breakout=breakout))
    figures, leaf_nodes, spine_nodes = _storage(design)
    assert (len(leaf_nodes), len(spine_nodes)) == (leaves, spines)
    assert [figures.used_ports(n.id, "net") for n in leaf_nodes] == [ports] * leaves
    dpu_links = [lk for lk in design.links if lk.b.node in {n.id for n in leaf_nodes}
                 and figures.node_parts[lk.a.node].kind == "dpu"]
    assert len(dpu_links) == 128 * sus  # every DPU port wired, whatever the split
    assert {lk.b.split for lk in dpu_links} == ({4} if breakout else {None})
    assert not validate(design).errors


def test_storage_breakout_optics_one_twin_module_per_split_cage():
    """1 SU: 128 DPU legs on 32 split leaf ports take 32 twin-port DR8 modules (4 x 200G each on splitter
    fibre, F9) and 64 MPO-to-2 splitter fibres. Whole ports take a 400G DR4 module at both ends of each of the
    128 links, each on 2 lanes at 200G (F9: 5 W max at 200G, below the multimode SR4's 6.5 W there): 256 x 5 W
    = 1,280 W; split, the DPU ends keep their DR4 (128 x 5 W) and the leaves take 32 x 17 W: 1,184 W, 96 W
    less."""
    before = Figures(templates.build("dgx-b200-superpod", sus=1, storage=True, breakout=False))
    after = Figures(templates.build("dgx-b200-superpod", sus=1, storage=True))
    mb, ma = before.modules(), after.modules()
    assert ma["osfp-800g-twin"] - mb["osfp-800g-twin"] == 32
    assert ma["fiber-sm-mpo-2x"] == 64 and "fiber-sm-mpo-2x" not in mb
    assert "osfp-400g" not in mb and "osfp-400g" not in ma
    assert mb["osfp-400g-dr4"] - ma["osfp-400g-dr4"] == 128  # the leaf ends' DR4, now one DR8 per cage
    assert mb["fiber-sm-mpo"] - ma["fiber-sm-mpo"] == 128  # a straight fibre per link, now splitter legs
    assert before.optics_power_w() - after.optics_power_w() == pytest.approx(1280 - 1184)


def test_gb200_superpod_cpo_leaves_halve_with_2x400g_splits():
    """Q3450 (144 x 800G, 2-way split an estimate) facing 400G ConnectX-7, 1 SU = 4 rails of 144 NICs.
    Whole ports: d = floor(144 x 800 / 1,200) = 96 -> 2 leaves a rail = 8 leaves, 36 up each, spines
    ceil(288 / 144) = 2. Split: d = floor(144 x 800 / 1,600) = 72 ports = 144 NICs -> 4 leaves, 72 up each,
    spines ceil(288 / 144) = 2. Optics: 576 NIC modules x 9 W; CPO ports 576 + 2 x 288 = 1,152 -> 288 + 576
    = 864 at 9 W: 15,552 W -> 12,960 W."""
    rows = {}
    for breakout in (False, True):
        design = expanded(templates.build("gb200-superpod", sus=1, optics="cpo", breakout=breakout))
        names = [n.name for n in design.nodes if n.name.startswith("IB-")]
        figures = Figures(design)
        rows[breakout] = (sum("LEAF" in n for n in names), sum("SPINE" in n for n in names),
                          round(figures.optics_power_w()))
        assert not validate(design).errors
    assert rows == {False: (8, 2, 15552), True: (4, 2, 12960)}


def test_plan_from_the_radix_alone():
    cat = catalog()
    sn5600, qm9700 = cat.get("spectrum-4-sn5600").port("net"), cat.get("quantum-2-qm9700").port("net")
    dpu, cx7 = cat.get("bluefield-3").port("net"), cat.get("connectx-7").port("net")
    assert (breakout_ways(sn5600, dpu), breakout_ways(sn5600, cx7), breakout_ways(qm9700, dpu),
            breakout_ways(qm9700, cx7)) == (4, 2, 2, 1)
    ends = [Endpoint(f"D{i}", "bluefield-3", "net", 0, i) for i in range(128)]
    split = plan_fat_tree(ends, cat, leaf="spectrum-4-sn5600")
    whole = plan_fat_tree(ends, cat, leaf="spectrum-4-sn5600", breakout=False)
    assert (split.split, split.switches) == (4, {"leaf": 1, "spine": 1})  # 128 legs on 32 ports, 32 up
    assert (whole.split, whole.switches) == (1, {"leaf": 3, "spine": 1})  # ceil(128 / 51) = 3 leaves
    assert sum(split.switch_links.values()) == 32 and sum(whole.switch_links.values()) == 3 * 11


def test_tray_fill_counts_a_splitter_once_and_stays_exact_when_patched():
    """The storage legs' MPO-to-2 splitters are pooled per leaf port group: 32 legs share 16 splitters. Taking
    one leg out leaves 31 legs on ceil(15.5) = 16 splitters, so every other leg's share changes (1/2 -> 16/31)
    and the patched fill must re-route them all: it equals a fresh build's."""
    from rackcad import Checker, Document
    from rackcad.figures.routing import tray_fill
    from rackcad.model.expand import iter_links

    doc = Document(templates.build("dgx-b200-superpod", sus=1, storage=True))
    checker = Checker(doc)
    before = {f.edge: (f.cables, f.area_mm2) for f in tray_fill(checker.figures)}
    assert before
    leg = next(lk.id for lk in iter_links(doc.design) if lk.b.split == 4)  # a row of the SU's DPU pattern
    doc.remove(leg)
    patched = {f.edge: (f.cables, f.area_mm2) for f in tray_fill(checker.figures)}
    fresh = {f.edge: (f.cables, f.area_mm2) for f in tray_fill(Figures(doc.design))}
    assert patched == fresh and patched != before
