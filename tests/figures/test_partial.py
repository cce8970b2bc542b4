"""HallFigures: a hall of instances read per block gives the figures a Figures of the expanded design gives,
rack by rack and in total, without expanding the instances nobody opened."""

from __future__ import annotations

import pytest

from rackcad import templates
from rackcad.document import Document
from rackcad.figures import Figures
from rackcad.figures.partial import HallFigures
from rackcad.model import expanded

RACKS = 6


@pytest.fixture(scope="module")
def hall():
    """Six GB200 NVL72 instances; I2 without its compute tray T1, I3 on a 120 kW budget."""
    doc = Document(templates.build("gb200-nvl72", racks=RACKS))
    doc.remove("I2/T1")
    doc.set("I3/R1", power_budget_w=120_000.0)
    return doc.design


def test_rack_and_design_figures_equal_the_expanded_designs(hall):
    flat = Figures(expanded(hall))
    lazy = HallFigures(hall)
    assert lazy.opened == set() and not lazy.complete and lazy.source is None
    assert set(lazy.nodes) == {n for n in flat.nodes if n.startswith(("I2/", "I3/"))}  # what differs only
    for rack in flat.design.racks:
        assert lazy.racks[rack.id].power_budget_w == rack.power_budget_w
        mine, theirs = lazy.load(rack.id), flat.load(rack.id)
        assert (mine.power_w, mine.liquid_w, mine.optics_w) == (theirs.power_w, theirs.liquid_w, theirs.optics_w)
        assert [n.id for n in mine.shelves] == [n.id for n in theirs.shelves]
    assert lazy.kind_counts() == flat.kind_counts()
    assert lazy.kind_counts()["gpu"] == RACKS * 72 - 4  # a compute tray holds 4 Blackwell GPUs
    assert (lazy.node_count, lazy.link_count) == (flat.node_count, flat.link_count)
    assert lazy.total_power_w() == flat.total_power_w()  # to the last bit
    for item_id in ("I5/R1", "I5/T3", "I5/" + next(iter(flat.links)).split("/", 1)[1], "I2/T2"):
        assert lazy.rack_of.get(item_id) == (item_id if item_id.endswith("/R1") else
                                             flat.rack_of.get(item_id) or flat.link_figures[item_id].owner)
    chosen = ["I5/R1", "I6/T3", "I1/T4"]
    assert lazy.selection_power_w(chosen) == pytest.approx(flat.selection_power_w(chosen), rel=1e-12)


def test_opening_an_instance_patches_its_parts_and_links_in(hall):
    flat = Figures(expanded(hall))
    lazy = HallFigures(hall)
    assert "I5/T3" not in lazy.nodes
    assert lazy.open(["I5/R1"]) and not lazy.open(["I5/T3"])  # once
    assert lazy.opened == {"I5"}
    ids = [n for n in flat.nodes if n.startswith("I5/")]
    assert ids and all(n in lazy.nodes for n in ids)
    for node_id in ids:
        for group in (flat.node_parts[node_id].ports if flat.node_parts[node_id] else ()):
            assert lazy.used_ports(node_id, group.name) == flat.used_ports(node_id, group.name)
    assert lazy.load("I5/R1").power_w == flat.load("I5/R1").power_w
    assert lazy.total_power_w() == flat.total_power_w() and lazy.link_count == flat.link_count
    lazy.open_all()
    assert lazy.complete and lazy.source is hall and Figures.of(hall, lazy) is lazy
    assert set(lazy.nodes) == set(flat.nodes) and set(lazy.links) == set(flat.links)


def test_opening_many_instances_at_once_builds_them_afresh_with_the_same_figures(hall, monkeypatch):
    from rackcad.figures import partial

    monkeypatch.setattr(partial, "PATCH_MAX", 1)
    flat = Figures(expanded(hall))
    lazy = HallFigures(hall)
    lazy.open(["I1/R1", "I4/R1"])  # two at once: built afresh
    assert lazy.opened == {"I1", "I4"} and set(lazy.nodes) == {
        n for n in flat.nodes if n.startswith(("I1/", "I2/", "I3/", "I4/"))}
    assert lazy.rack_of.get("I6/T3") == "I6/R1"  # the unopened still answer through their class
    for rack in flat.design.racks:
        assert lazy.load(rack.id).power_w == flat.load(rack.id).power_w
    assert lazy.total_power_w() == flat.total_power_w() and lazy.kind_counts() == flat.kind_counts()
