"""Breakout cables: a switch port split into sub-ports (lane groups), port use by lanes, the parts chosen per
split cage, and the breakout rules. Figures worked by hand from the catalog and the reference:

- Spectrum-4 SN5600: 64 x 800G at 100G per lane = 8 lanes a port, breakout 2 x 400G or 4 x 200G (F4).
- BlueField-3: 2 x 200G ports; ConnectX-7: 1 x 400G.
- 800G twin-port OSFP DR8: 17 W max, holds 2 x 400G or, on splitter fibre, 4 x 200G (F9); 400G DR4: 9 W (F9).
- Passive splitter DAC: 0.1 W per end (S27); active splitter: 1.5 W head + 0.35 W per 200G leg (S27).
"""

from __future__ import annotations

import pytest

import rackcad
from rackcad.figures import Figures
from rackcad.model import PortRef
from rackcad.topology import PortUse


def _switch_and_dpus(hosts: int = 1):
    doc = rackcad.Document()
    rack = doc.add_rack("rack-48u-network", name="N1")
    sw = doc.place("spectrum-4-sn5600", rack, u=10, name="SW")
    boxes = [doc.place("dgx-b200", rack, u=20 + 12 * i, name=f"DGX{i + 1}") for i in range(hosts)]
    dpus = [doc.place("bluefield-3", box, bay=20 + i, name=f"DGX{b + 1}-DPU{i + 1}")
            for b, box in enumerate(boxes) for i in range(2)]
    return doc, rack, sw, dpus


def _dpu_ports(doc, sw, dpus, ways=4, **fields):
    """Every DPU port (2 per DPU) on its own sub-link to the switch."""
    return [doc.connect(d, sw, protocol="ethernet", port_a="net", port_b="net", index_a=p, split_b=ways, **fields)
            for d in dpus for p in range(2)]


def test_port_use_counts_split_ports_by_lanes():
    group = rackcad.catalog().get("spectrum-4-sn5600").port("net")
    assert (group.lanes, group.breakout.ways, group.sub_gbps(4), group.sub_lanes(4)) == (8, [2, 4], 200, 2)
    use = PortUse()
    for _ in range(5):
        use.add(PortRef(node="S", port="net", split=4), 1)
    assert (use.ports, use.split_ports, use.free_sub_ports()) == (2, 2, {4: 3})  # 5 legs: 2 splitters, 3 free
    use.add(PortRef(node="S", port="net"), 2)  # two whole-port links
    assert use.ports == 4 and use.lanes(group) == 2 * 8 + 5 * 2  # 26 of the 512 lanes
    assert "4/64 ports used (2 split 4 ways: 5 sub-links, 3 sub-ports free; 26/512 lanes)" == use.describe(group)
    use.add(PortRef(node="S", port="net", split=4), 1, -1)
    assert use.ports == 2 + 1  # 4 legs fill one splitter


def test_4x200g_split_on_one_800g_port_takes_one_port_and_one_twin_module():
    doc, rack, sw, dpus = _switch_and_dpus()
    links = _dpu_ports(doc, sw, dpus)
    figures = Figures(doc.design)
    assert figures.used_ports(sw, "net") == 1  # 4 x 200G legs on one 4-way split port
    assert figures.port_ledger(sw, "net").lanes(figures.port_group(sw, "net")) == 8
    fig = figures.link_figure(links[0])
    assert fig.rate_gbps == 200
    modules = figures.modules()
    # one 800G twin-port module at the switch for the whole cage, a 400G DR4 at each DPU port, and each of the
    # twin module's two 400G ports fanned out to 2 x 200G on an MPO-to-2 splitter fibre
    assert (modules["osfp-800g-twin"], modules["osfp-400g-dr4"], modules["fiber-sm-mpo-2x"]) == (1, 4, 2)
    assert "fiber-sm-mpo" not in modules
    # the DR4 on a 200G leg lights 2 of its 4 lanes: 5 W, not its 9 W at 400G (F9): 37 W, against 8 x 5 W unsplit
    assert figures.optics_power_w() == pytest.approx(17 + 4 * 5)
    assert fig.label == "1 x osfp-400g-dr4 + 0.25 x osfp-800g-twin (shared) + 0.5 x fiber-sm-mpo-2x (shared)"
    report = rackcad.validate(doc.design)
    assert not [v for v in report.violations if v.code.startswith(("ports.breakout", "ports.radix"))]
    # the legs run at the sub-port's 200G: no idle-share note about an 800G port
    assert not [v for v in report.violations if v.code == "ports.rate_mismatch"]


def test_whole_ports_before_breakout_take_four_ports():
    doc, rack, sw, dpus = _switch_and_dpus()
    for d in dpus:
        for p in range(2):
            doc.connect(d, sw, protocol="ethernet", port_a="net", port_b="net", index_a=p)
    figures = Figures(doc.design)
    assert figures.used_ports(sw, "net") == 4
    # a 400G DR4 per whole port too, each at 200G: 5 W (F9)
    assert figures.optics_power_w() == pytest.approx(4 * 5 + 4 * 5)
    assert figures.modules()["osfp-400g-dr4"] == 8


def test_copper_breakout_is_one_splitter_cable_per_cage_in_the_bom(tmp_path):
    doc, rack, sw, dpus = _switch_and_dpus()
    _dpu_ports(doc, sw, dpus, medium="copper-cable", length_m=1.5)
    figures = Figures(doc.design)
    assert figures.modules() == {"dac-800g-4x200g": 1}  # one cable for four link records
    assert figures.optics_power_w() == pytest.approx(0.5)  # 0.1 W x 5 ends
    from rackcad.export.bom import bom

    rows = {r.part: r for r in bom(doc.design).rows}
    assert rows["dac-800g-4x200g"].quantity == 1 and rows["dac-800g-4x200g"].length_total_m == pytest.approx(1.5)
    doc2, _, sw2, dpus2 = _switch_and_dpus()
    _dpu_ports(doc2, sw2, dpus2, medium="active-copper", length_m=4)
    assert Figures(doc2.design).modules() == {"acc-800g-4x200g": 1}
    assert Figures(doc2.design).optics_power_w() == pytest.approx(1.5 + 4 * 0.35)


def test_correct_2x400g_breakout_raises_nothing():
    doc = rackcad.Document()
    rack = doc.add_rack("rack-48u-network")
    sw = doc.place("spectrum-4-sn5600", rack, u=10)
    box = doc.place("dgx-b200", rack, u=20)
    nics = [doc.place("connectx-7", box, bay=12 + i) for i in range(2)]
    for i, nic in enumerate(nics):
        doc.connect(nic, sw, protocol="ethernet", port_a="net", port_b="net", index_b=0, split_b=2, sub_b=i,
                    medium="copper-cable", length_m=1.0)
    figures = Figures(doc.design)
    assert figures.used_ports(sw, "net") == 1 and figures.modules() == {"dac-800g-2x400g": 1}
    assert not [v for v in rackcad.validate(doc.design).violations if v.code.startswith(("ports.b", "ports.radix",
                                                                                          "ports.rate"))]


def test_unsplit_800g_link_between_switches_is_clean():
    doc = rackcad.Document()
    rack = doc.add_rack("rack-48u-network")
    a, b = doc.place("spectrum-4-sn5600", rack, u=10), doc.place("spectrum-4-sn5600", rack, u=14)
    doc.connect(a, b, protocol="ethernet", count=8)
    figures = Figures(doc.design)
    assert figures.used_ports(a, "net") == figures.used_ports(b, "net") == 8
    assert not [v for v in rackcad.validate(doc.design).violations if v.code.startswith(("ports.b", "ports.radix"))]


def test_five_sub_links_on_a_4_way_port_are_one_violation():
    doc, rack, sw, dpus = _switch_and_dpus(hosts=2)
    for i, (d, p) in enumerate([(d, p) for d in dpus for p in range(2)][:5]):
        doc.connect(d, sw, protocol="ethernet", port_a="net", port_b="net", index_a=p, index_b=7, split_b=4)
    found = [v for v in rackcad.validate(doc.design).violations if v.code.startswith("ports.b")]
    assert [(v.code, v.measured, v.limit) for v in found] == [("ports.breakout_overfull", 5, 4)]
    assert "Port 7 of group 'net' of network switch SW" in found[0].message and "carries 5 sub-links" in found[0].message


def test_two_legs_on_one_sub_port_are_a_violation():
    doc, rack, sw, dpus = _switch_and_dpus()
    for d in dpus[:2]:
        doc.connect(d, sw, protocol="ethernet", port_a="net", port_b="net", index_a=0, index_b=0, split_b=4, sub_b=1)
    found = [v for v in rackcad.validate(doc.design).violations if v.code.startswith("ports.b")]
    assert [(v.code, v.measured) for v in found] == [("ports.breakout_overfull", 2)]


@pytest.mark.parametrize("switch, ways, limit", [("quantum-2-qm9700", 4, 2), ("dac-free", 2, 1)])
def test_breakout_on_a_port_that_cannot_split_that_way(switch, ways, limit):
    doc, rack, sw, dpus = _switch_and_dpus()
    if switch == "dac-free":  # the split named on the NIC end: a ConnectX-7 port does not split
        nic = doc.place("connectx-7", doc.get(dpus[0]).parent, bay=12)
        doc.connect(nic, sw, protocol="ethernet", port_a="net", port_b="net", split_a=ways)
        subject = nic
    else:
        qm = doc.place(switch, rack, u=14)
        doc.connect(dpus[0], qm, protocol="infiniband", port_a="net", port_b="net", index_a=0, split_b=ways)
        subject = qm
    found = [v for v in rackcad.validate(doc.design).violations if v.code.startswith("ports.b")]
    assert [(v.code, v.measured, v.limit) for v in found] == [("ports.breakout_unsupported", ways, limit)]
    assert subject in found[0].subjects


def test_mixed_splits_on_one_port_are_a_violation():
    doc, rack, sw, dpus = _switch_and_dpus()
    nic = doc.place("connectx-7", doc.get(dpus[0]).parent, bay=12)
    doc.connect(nic, sw, protocol="ethernet", port_a="net", port_b="net", index_b=3, split_b=2)  # 400G leg
    doc.connect(dpus[0], sw, protocol="ethernet", port_a="net", port_b="net", index_a=0, index_b=3, split_b=4)
    found = [v for v in rackcad.validate(doc.design).violations if v.code.startswith("ports.b")]
    assert [v.code for v in found] == ["ports.breakout_mixed"]
    assert "a 2-way split and a 4-way split (400 Gb/s, 200 Gb/s)" in found[0].message


def test_radix_counts_split_ports_not_links():
    doc = rackcad.Document()
    rack = doc.add_rack("rack-48u-network")
    a, b = doc.place("spectrum-4-sn5600", rack, u=10), doc.place("spectrum-4-sn5600", rack, u=14)
    link = doc.connect(a, b, protocol="ethernet", count=256, split_a=4, split_b=4)  # 256 legs = 64 ports
    assert not [v for v in rackcad.validate(doc.design).violations if v.code == "ports.radix"]
    doc.set(link, count=257)  # one leg more needs a 65th port
    found = [v for v in rackcad.validate(doc.design).violations if v.code == "ports.radix"]
    assert sorted((v.measured, v.limit) for v in found) == [(65, 64), (65, 64)]


def test_split_ends_stay_out_of_the_saved_file_while_unset(tmp_path):
    doc, rack, sw, dpus = _switch_and_dpus()
    whole = doc.connect(dpus[0], sw, protocol="ethernet", port_a="net", port_b="net", index_a=0)
    split = doc.connect(dpus[0], sw, protocol="ethernet", port_a="net", port_b="net", index_a=1, split_b=4, sub_b=2)
    path = tmp_path / "b.rackcad"
    rackcad.save(doc.design, path)
    text = path.read_text()
    assert text.count('"split"') == 1 and text.count('"sub"') == 1
    loaded = rackcad.load(path)
    ends = {lk.id: lk.b for lk in loaded.links}
    assert ends[whole].split is None and (ends[split].split, ends[split].sub) == (4, 2)
    with pytest.raises(ValueError):
        PortRef(node="S", port="net", sub=1)  # a sub-port of a port that is not split


def test_a_wiring_pattern_carries_the_split_of_its_rows():
    from rackcad.files import dumps
    from rackcad.model import LinkPattern, expanded

    rows = [["I1/M1", "SW1"], ["I2/M1", "SW1"]]
    plain = LinkPattern(id="P1", port_a="net", port_b="net", protocol="ethernet", ends=rows)
    split = plain.model_copy(update={"split_b": 4})
    hall = rackcad.templates.build("gb200-nvl72", compute_trays=1, racks=2)
    links = expanded(hall.model_copy(update={"patterns": [split]})).links[-2:]
    assert [(x.a.split, x.b.split) for x in links] == [(None, 4), (None, 4)]
    assert '"split_b": 4' in dumps(hall.model_copy(update={"patterns": [split]}))
    assert "split" not in dumps(hall.model_copy(update={"patterns": [plain]}))


def test_optic_power_follows_the_rate_its_ports_run_at():
    """F9: the 400G DR4 (MMS4X00-NS400) draws 9 W at 400G and 5 W max at 200G; the multimode 400G OSFP
    (MMA4Z00-NS400) 9 W max at 400G and 6.5 W max at 200G. The twin-port DR8 stays 17 W in every fan-out."""
    catalog = rackcad.catalog()
    dr4, sr4, twin = catalog.get("osfp-400g-dr4"), catalog.get("osfp-400g"), catalog.get("osfp-800g-twin")
    assert (dr4.power_at(400), dr4.power_at(200), dr4.power_at(100)) == (9, 5, 5)
    assert (sr4.power_at(400), sr4.power_at(200)) == (9, 6.5)
    assert (twin.power_at(400), twin.power_at(200)) == (17, 17)


def test_bom_counts_the_slower_modules_at_what_they_draw():
    doc, rack, sw, dpus = _switch_and_dpus()
    _dpu_ports(doc, sw, dpus)
    from rackcad.export.bom import bom
    result = bom(doc.design)
    row = next(r for r in result.rows if r.part == "osfp-400g-dr4")
    assert (row.quantity, row.power_w, row.power_total_w) == (4, 9, 20)  # 4 at 200G, 5 W each
    assert "slower ports" in row.note
    twin = next(r for r in result.rows if r.part == "osfp-800g-twin")
    assert (twin.quantity, twin.power_total_w, twin.note) == (1, 17, "")
    assert result.totals["power_cables_optics_w"] == pytest.approx(37)
