"""Instances reached by wiring patterns, checked per block: the block once, each instance by its links.

An instance whose only difference is links from outside ending on its NICs stays a member of its block's
class (attached, `rackcad.figures.pieces`); its rack's power is the class's plus the optics those links
plug in at its end. The report and the summary equal those of the fully expanded design item by item."""

from __future__ import annotations

import json

import pytest

import rackcad
from rackcad import templates
from rackcad.analysis.blockwise import summary_blocks
from rackcad.analysis.summary import _finish
from rackcad.figures.pieces import split
from rackcad.model import Block, Design, FloorPosition, Instance, LinkPattern, Node, Rack, Waiver, expanded

# A sled of 500 W holding two ConnectX-7 of 25 W: 550 W of parts per rack. Each NIC's 400G link to the
# QM9700 takes one 400G DR4 OSFP at the NIC (9 W) and half a twin-port 800G OSFP at the switch: the rack
# draws 550 + 2 x 9 = 568 W; with a second link on one NIC (a second DR4 there) 577 W.
PARTS_W, MODULE_W = 550.0, 9.0


def hall(budget: float | None = None, extra: list[list[str]] = (), bay_n2: int = 7,
         waivers: list[Waiver] = ()) -> Design:
    rack = {"power_budget_w": budget} if budget is not None else {}
    block = Block(id="B", racks=[Rack(id="R", part="rack-42u-air", name="R", **rack)],
                  nodes=[Node(id="S", part="custom-compute-sled", parent="R", u=10, name="S"),
                         Node(id="N1", part="connectx-7", parent="S", bay=6, name="N1"),
                         Node(id="N2", part="connectx-7", parent="S", bay=bay_n2, name="N2")])
    instances = [Instance(id=f"I{i}", name=f"C{i}", block="B",
                          position=FloorPosition(x_mm=1200 + 600 * i, y_mm=1200)) for i in range(1, 5)]
    rows = [[f"I{i}/N{k}", "SW"] for i in range(1, 5) for k in (1, 2)] + list(extra)
    return Design(racks=[Rack(id="NR", part="rack-42u-air", name="NET", position=FloorPosition(x_mm=600, y_mm=1200))],
                  nodes=[Node(id="SW", part="quantum-2-qm9700", parent="NR", u=20, name="SW")],
                  blocks=[block], instances=instances, waivers=list(waivers),
                  patterns=[LinkPattern(id="P1", port_a="net", port_b="net", protocol="infiniband", ends=rows)])


def assert_as_expanded(design: Design) -> dict:
    """validate() and the summary (its per-block figures) of `design` equal the expanded design's."""
    flat = expanded(design)
    report = rackcad.validate(design).to_dict()
    assert report == rackcad.validate(flat).to_dict()
    pieces = split(design, attach=True)
    assert pieces is not None
    blocks = summary_blocks(design, None, _finish, pieces)
    assert json.dumps(blocks) == json.dumps(rackcad.summary(flat, paths=False))
    assert json.dumps(rackcad.summary(design, paths=False)) == json.dumps(blocks)
    return report


def _found(report: dict, code: str) -> list[tuple[str, tuple]]:
    return [(v["severity"], tuple(v["subjects"])) for v in report["violations"] if v["code"] == code]


def test_the_instances_stay_members_of_their_class():
    design = hall()
    rest, piece = split(design, attach=True)
    assert piece.attached_ids == {"I1", "I2", "I3", "I4"} and len(piece.members) == 4
    assert sorted(rest.attached) == ["I1/R", "I2/R", "I3/R", "I4/R"]
    # the rest: the switch, the 8 pattern links, and of each instance its two NICs and the sled holding them
    assert len(rest.design.links) == 8 and len(rest.design.nodes) == 1 + 4 * 3
    assert rest.borrowed == {f"I{i}/{n}" for i in range(1, 5) for n in ("S", "N1", "N2")}
    info = rackcad.summary(design, paths=False)
    assert [row["power_w"] for row in info["per_rack"][1:]] == [PARTS_W + 2 * MODULE_W] * 4
    assert info["counts"]["nic"] == 8 and info["racks"] == 5


def test_optics_at_the_instance_end_push_its_rack_over_budget():
    """Budget 575 W: the racks at 568 W warn (98.8 %, above 90 %), the rack with a second link on one NIC
    draws 577 W and is over (an error), which its block alone (550 W, 95.7 %) would only warn of."""
    report = assert_as_expanded(hall(budget=575.0, extra=[["I3/N1", "SW"]]))
    assert _found(report, "power.rack_budget") == [("error", ("I3/R",)), ("warning", ("I1/R",)),
                                                   ("warning", ("I2/R",)), ("warning", ("I4/R",))]
    over = next(v for v in report["violations"] if v["subjects"] == ["I3/R"] and v["code"] == "power.rack_budget")
    assert over["measured"] == PARTS_W + 3 * MODULE_W and over["message"].startswith("Rack C3 draws")
    report = assert_as_expanded(hall(budget=640.0))
    assert _found(report, "power.rack_budget") == []  # 568 / 640 = 88.75 %: no false alarm


def test_a_pattern_overfilling_a_nic_port_is_found_once_on_that_instance():
    """A second link on I3's N1: its one 'net' port is used twice. The switch then has 5 of its 9 NICs on
    rail 1 (N1 of each sled, ranked by bay), so it is a rail-1 leaf and every N2 on it is off its rail."""
    report = assert_as_expanded(hall(extra=[["I3/N1", "SW"]]))
    assert _found(report, "ports.overcommitted") == [("error", ("I3/N1",))]
    assert _found(report, "ports.rail") == [("error", (f"P1/{2 * i - 1}", f"I{i}/N2", "SW")) for i in range(1, 5)]
    assert report["counts"]["error"] == 5
    assert _found(assert_as_expanded(hall()), "ports.rail") == []  # 4 of 8: no rail holds a majority


def test_what_the_block_finds_is_found_once_per_instance():
    """N2 in a CPU bay: the block's finding, once per instance (the rest holds N2 too, and must not repeat it)."""
    report = assert_as_expanded(hall(bay_n2=0))
    assert _found(report, "geometry.bay") == [("error", (f"I{i}/N2",)) for i in range(1, 5)]


def test_an_instance_named_by_a_waiver_is_checked_as_it_stands():
    design = hall(extra=[["I3/N1", "SW"]], waivers=[Waiver(code="ports.overcommitted", subjects=["I3/N1"],
                                                            reason="second cable planned")])
    rest, piece = split(design, attach=True)
    assert "I3" not in piece.attached_ids and "I3" not in {m.id for m in piece.members}
    report = assert_as_expanded(design)
    assert [v["waived"] for v in report["violations"] if v["code"] == "ports.overcommitted"] == [True]


@pytest.mark.parametrize("name, params", [
    ("gb200-superpod", {"sus": 1}),
    ("gb200-superpod", {"sus": 2}),
    ("gb200-superpod", {"optics": "cpo", "storage": True}),
    ("gb200-superpod", {"breakout": False, "storage": True}),
    ("dgx-b200-superpod", {"sus": 1}),
])
def test_superpods_are_checked_per_block_and_pattern(name, params):
    design = templates.build(name, **params)
    rest, *classes = split(design, attach=True)
    assert sum(len(p.attached_ids) for p in classes) == len(design.instances)  # no instance expanded
    block = design.blocks[0]
    assert len(rest.design.links) == sum(len(p.ends) for p in design.patterns) < len(block.links) * len(design.instances)
    report = assert_as_expanded(design)
    assert report["counts"]["error"] == 0 and report["counts"]["warning"] == 0
