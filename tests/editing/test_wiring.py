"""Bulk wiring patterns: each to each, by rail, one undo step, never overcommitting a port group."""

from __future__ import annotations

import rackcad
from rackcad import Document
from rackcad.editing.wiring import free_ports, wire_by_rail, wire_each_to_each


def test_72_gpus_to_18_chips_is_1296_links_in_one_step():
    doc = Document(rackcad.templates.build("gb200-nvl72"))
    nvlink = [link.id for link in doc.design.links if link.protocol == "nvlink5"]
    doc.remove(*nvlink)
    gpus = [n.id for n in doc.design.nodes if n.part == "b200-gb200"]
    chips = [n.id for n in doc.design.nodes if n.part == "nvlink5-switch"]
    steps = len(doc.history)
    made = wire_each_to_each(doc, gpus, chips)
    assert (len(gpus), len(chips), made) == (72, 18, 1296)
    assert len(doc.history) == steps + 1
    assert all(free_ports(doc, g, "nvlink") == 0 for g in gpus)
    assert not [v for v in rackcad.validate(doc.design).errors if v.code.startswith("ports.")]
    doc.undo()
    assert sum(1 for link in doc.design.links if link.protocol == "nvlink5") == 0


def test_switch_ports_are_never_overcommitted():
    doc = Document()
    rack = doc.add_rack("mgx-nvl72-rack")
    tray = doc.place("nvlink5-switch-tray", rack, u=1)
    chip = doc.place("nvlink5-switch", tray, bay=0)
    trays = [doc.place("gb200-compute-tray", rack, u=2 + i) for i in range(20)]
    gpus = [doc.place("b200-gb200", t, bay=2 + k) for t in trays for k in range(4)]  # 80 GPUs
    made = wire_each_to_each(doc, gpus, [chip])
    assert made == 72  # the chip has 72 NVLink ports; GPUs 73-80 stay unconnected


def test_nics_to_leaves_by_rail():
    doc = Document()
    rack = doc.add_rack("mgx-nvl72-rack")
    trays = [doc.place("gb200-compute-tray", rack, u=2 + i) for i in range(2)]
    nics = [doc.place("connectx-7", t, bay=6 + k) for t in trays for k in range(4)]
    leaves = [doc.place("quantum-x800-q3400", rack, u=30 + 4 * i) for i in range(4)]
    made = wire_by_rail(doc, nics, leaves)
    assert made == 8
    for k, leaf in enumerate(leaves):
        assert sorted(doc.get(link.a.node).name for link in doc.links_of(leaf)) == \
            [f"CT01/NIC{k + 1}", f"CT02/NIC{k + 1}"]
