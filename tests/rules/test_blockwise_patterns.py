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
from rackcad.model import (Block, Design, FloorPosition, Instance, Link, LinkPattern, Node, PortRef, Rack, Waiver,
                           expanded)

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
    assert json.dumps(rackcad.summary(design)) == json.dumps(rackcad.summary(flat))
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
def test_superpods_are_checked_per_block_and_pattern(name, params, monkeypatch):
    """Every compute rack stays a member of its block's class (the rest holds the pattern links, nothing of
    the block's own), and the report and the whole summary, latency included, are the expanded design's,
    without a Figures of the expanded hall."""
    design = templates.build(name, **params)
    rest, *classes = split(design, attach=True)
    assert sum(len(p.attached_ids) for p in classes) == len(design.instances)  # no instance expanded
    block = design.blocks[0]
    assert len(rest.design.links) == sum(len(p.ends) for p in design.patterns) < len(block.links) * len(design.instances)
    flat = expanded(design)
    whole, flat_report = rackcad.summary(flat), rackcad.validate(flat).to_dict()
    import rackcad.figures.model as figures_model

    built = []
    real = figures_model.expanded
    monkeypatch.setattr(figures_model, "expanded", lambda d: (built.append(d) if d.instances else None) or real(d))
    report, info = rackcad.validate(design).to_dict(), rackcad.summary(design)
    assert not built
    assert report == flat_report and json.dumps(info) == json.dumps(whole)
    assert report["counts"]["error"] == 0 and report["counts"]["warning"] == 0
    assert info["latency"]["scale_out"]["pairs"] > 0 and info["latency"]["nvlink_domain"]["pairs"] > 0


def _idle_hall(waivers: list[Waiver] = ()) -> Design:
    """Three instances of a rack whose two 400G ConnectX-7 sit on 800G ports of its own Q3400: each link runs
    at 400G with half the switch port idle, an info note the design states once for all six links."""
    block = Block(id="B", racks=[Rack(id="R", part="rack-42u-air", name="R")],
                  nodes=[Node(id="S", part="custom-compute-sled", parent="R", u=10, name="S"),
                         Node(id="N1", part="connectx-7", parent="S", bay=6, name="N1"),
                         Node(id="N2", part="connectx-7", parent="S", bay=7, name="N2"),
                         Node(id="SW", part="quantum-x800-q3400", parent="R", u=20, name="SW")],
                  links=[Link(id=f"L{k}", a=PortRef(node=f"N{k}", port="net"), b=PortRef(node="SW", port="net"),
                              protocol="infiniband") for k in (1, 2)])
    instances = [Instance(id=f"I{i}", name=f"C{i}", block="B",
                          position=FloorPosition(x_mm=1200 + 600 * i, y_mm=1200)) for i in range(1, 4)]
    return Design(blocks=[block], instances=instances, waivers=list(waivers))


def test_notes_of_the_same_kind_are_one_finding_across_the_hall():
    report = assert_as_expanded(_idle_hall())
    notes = [v for v in report["violations"] if v["code"] == "ports.rate_mismatch"]
    assert len(notes) == 1 and notes[0]["message"].startswith("6 links join a ConnectX-7")
    assert len(notes[0]["subjects"]) == 3 * 5  # each rack's two links, two NICs and its switch


def test_a_waiver_of_one_link_inside_a_repeated_block_takes_it_out_of_the_note():
    design = _idle_hall([Waiver(code="ports.rate_mismatch", subjects=["I2/L1", "I2/N1", "I2/SW"], reason="planned")])
    assert "I2" not in {m.id for piece in split(design)[1:] for m in piece.members}  # checked as it stands
    report = assert_as_expanded(design)
    notes = [(v["message"][:14], v["waived"]) for v in report["violations"] if v["code"] == "ports.rate_mismatch"]
    assert notes == [("5 links join a", False), ("Link I2/L1 joi", True)]


def test_an_instance_with_its_own_budget_stays_a_member_and_is_checked_against_it():
    """C2 gets a 560 W budget: 568 W is over it (an error); the block's racks have none."""
    design = hall()
    design.instances[1] = design.instances[1].model_copy(update={"changed": {"R": {"power_budget_w": 560.0}}})
    rest, piece = split(design, attach=True)
    assert piece.attached_ids == {"I1", "I2", "I3", "I4"}
    assert not any(node.id.startswith("I2/") and node.id not in rest.borrowed for node in rest.design.nodes)
    report = assert_as_expanded(design)
    assert _found(report, "power.rack_budget") == [("error", ("I2/R",))]
    info = rackcad.summary(design, paths=False)
    assert [row["power_budget_w"] for row in info["per_rack"][1:]] == [None, 560.0, None, None]
    alone = hall()  # the same budget on an instance no link reaches
    alone.patterns[0] = alone.patterns[0].model_copy(update={"ends": alone.patterns[0].ends[:2]})
    alone.instances[1] = alone.instances[1].model_copy(update={"changed": {"R": {"power_budget_w": 540.0}}})
    assert split(alone, attach=True)[1].attached_ids == {"I1", "I2"}
    assert _found(assert_as_expanded(alone), "power.rack_budget") == [("error", ("I2/R",))]  # 550 W > 540 W


@pytest.mark.parametrize("change", ["gpu end", "port the block uses", "scale-up protocol"])
def test_links_the_class_cannot_answer_for_expand_their_instance(change):
    """A pattern link ending on a port the block's own links use, or on an accelerator, or an NVLink-class
    link: that instance is expanded into the rest (the others stay attached), and the results are exact."""
    design = hall()
    block = design.blocks[0]
    if change == "gpu end":
        block.nodes.append(Node(id="G1", part="b200-gb200", parent="S", bay=2, name="G1"))
        extra = LinkPattern(id="P2", port_a="nvlink", port_b="net", protocol="infiniband", ends=[["I2/G1", "SW"]])
    elif change == "port the block uses":
        block.links.append(Link(id="L1", a=PortRef(node="N1", port="net"), b=PortRef(node="N2", port="net"),
                                protocol="infiniband"))
        extra = None
    else:
        extra = LinkPattern(id="P2", port_a="net", port_b="net", protocol="nvlink5", ends=[["I2/N1", "SW"]])
    if extra is not None:
        design.patterns.append(extra)
    design = Design.model_validate(design.model_dump())
    pieces = split(design, attach=True)
    expected = {"I1", "I3", "I4"} if change != "port the block uses" else set()
    assert {i for piece in pieces[1:] for i in piece.attached_ids} == expected
    assert {i.id for i in design.instances} - expected <= {n.id.split("/")[0] for n in pieces[0].design.nodes
                                                          if n.id not in pieces[0].borrowed}  # expanded
    assert_as_expanded(design)
