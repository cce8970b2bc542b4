"""Exports of a hall built from instances of one block: the same bytes as the fully expanded design's,
worked out per block (the BOM, the cable schedule and the floor plan never expand the whole hall).

gb200-nvl72 with racks=3: three NVL72 racks, 3 x 72 = 216 GPUs, 3 x 1,368 = 4,104 link records. With one
compute tray (4 GPUs, 2 CPUs) removed from the second rack: 212 GPUs.
"""

from __future__ import annotations

import csv
import json
import re

import pytest

from rackcad.document import Document
from rackcad.export import diagram_items, export_bom, export_cables, export_diagram
from rackcad.figures.pieces import split
from rackcad.model import expanded
from rackcad.templates import build
from tests.export import svgread


@pytest.fixture(scope="module")
def plain_hall():
    design = build("gb200-nvl72", racks=3)
    assert design.instances and not design.links  # the links live in the block, once
    return design


@pytest.fixture(scope="module")
def edited_hall(plain_hall):
    doc = Document(plain_hall.model_copy(deep=True))
    tray = next(n for n in doc.design.blocks[0].nodes if n.part == "gb200-compute-tray")
    doc.remove(f"{doc.design.instances[1].id}/{tray.id}")
    assert doc.design.instances[1].removed == [tray.id]
    return doc.design


@pytest.fixture(params=["plain", "edited"])
def hall(request, plain_hall, edited_hall):
    return plain_hall if request.param == "plain" else edited_hall


@pytest.mark.parametrize("name,view", [("bom.csv", None), ("bom.json", None), ("cables.csv", None),
                                       ("floor.svg", "floor")])
def test_export_of_instances_is_the_expanded_designs(tmp_path, hall, name, view):
    flat = expanded(hall)
    outputs = []
    for design, tag in ((hall, "i"), (flat, "e")):
        path = tmp_path / f"{tag}-{name}"
        if view:
            export_diagram(design, path, view=view)
        elif name.startswith("bom"):
            export_bom(design, path)
        else:
            export_cables(design, path)
        outputs.append(path.read_bytes())
    assert outputs[0] == outputs[1]


@pytest.mark.parametrize("view", ["elevation", "topology"])
def test_diagram_per_block_says_what_the_expanded_one_says(tmp_path, hall, view):
    """The elevation and topology draw each repeated block once and place it per instance (<use>); read
    back with the uses resolved they show the same parts under the same ids, the same racks and names,
    the same links and the same totals as the expanded design's drawing."""
    said = []
    for design, tag in ((hall, "i"), (expanded(hall), "e")):
        path = tmp_path / f"{tag}-{view}.svg"
        export_diagram(design, path, view=view)
        said.append(svgread.read(path.read_text(encoding="utf-8")))
    blocks, flat = said
    assert flat.uses == 0 and blocks.uses == (3 if hall.instances[1].plain else 2)
    assert blocks.parts == flat.parts
    gpus = 216 if hall.instances[1].plain else 212
    assert blocks.kinds["gpu"] == flat.kinds["gpu"] == gpus
    if view == "topology":  # links bundled per group pair (3 racks x 1,368 pairs of parts > 3,000)
        assert blocks.links == flat.links
        assert sum(blocks.links.values()) == (3 if hall.instances[1].plain else 2) * 1368 + (
            0 if hall.instances[1].plain else 1368 - 4 * 18 - 2 * 2)  # a tray: 4 GPUs x 18 NVLinks, 2 C2C x 2
    else:
        assert blocks.racks == flat.racks == [(f"{i.id}/{hall.blocks[0].racks[0].id}", i.name) for i in hall.instances]
    totals = [line for line in flat.title_block if "GPUs" in line]
    assert totals and totals[0].startswith(f"{gpus} GPUs") and totals[0] in blocks.title_block


def test_hall_figures_by_hand(tmp_path, plain_hall):
    hall = plain_hall
    export_bom(hall, tmp_path / "bom.json")
    rows = {r["part"]: r for r in json.loads((tmp_path / "bom.json").read_text(encoding="utf-8"))["rows"]}
    gpus = [r for r in rows.values() if r["kind"] == "gpu"]
    assert sum(r["quantity"] for r in gpus) == 216
    assert sum(r["quantity"] for r in rows.values() if r["kind"] == "rack") == 3
    export_cables(hall, tmp_path / "cables.csv")
    with open(tmp_path / "cables.csv", encoding="utf-8-sig", newline="") as fh:
        records = list(csv.DictReader(fh))
    assert len(records) == 4104
    assert len({r["from_rack"] for r in records}) == 3
    export_diagram(hall, tmp_path / "floor.svg", view="floor")
    svg = (tmp_path / "floor.svg").read_text(encoding="utf-8")
    assert len(re.findall(r'<g id="[^"]+" class="rack"', svg)) == 3  # one footprint per rack (+ the legend's key)


def test_diagram_size_is_counted_without_expanding(plain_hall):
    hall = plain_hall
    flat = expanded(hall)
    assert diagram_items(hall, "floor") == diagram_items(flat, "floor") == 3
    assert diagram_items(flat, "elevation") == 3 * (271 + 1368)
    assert diagram_items(hall, "elevation") == 271 + 1368 + 3  # the block drawn once, placed 3 times


def test_bom_cables_and_floor_never_expand_the_hall(tmp_path, edited_hall, monkeypatch):
    """Per block: the repeated racks are read once on their block, the edited one with what differs."""
    import rackcad.figures.model as figures_model

    real = figures_model.expanded

    def refuse(design):
        assert not design.instances, "a hall of instances was expanded whole"
        return real(design)

    monkeypatch.setattr(figures_model, "expanded", refuse)
    export_bom(edited_hall, tmp_path / "bom.json")
    totals = json.loads((tmp_path / "bom.json").read_text(encoding="utf-8"))
    gpus = sum(r["quantity"] for r in totals["rows"] if r["kind"] == "gpu")
    assert gpus == 212
    export_cables(edited_hall, tmp_path / "cables.csv")
    with open(tmp_path / "cables.csv", encoding="utf-8-sig", newline="") as fh:
        records = list(csv.DictReader(fh))
    monkeypatch.undo()
    assert len(records) == len(expanded(edited_hall).links) < 3 * 1368
    monkeypatch.setattr(figures_model, "expanded", refuse)
    export_diagram(edited_hall, tmp_path / "floor.svg", view="floor")
    assert "212 GPUs" in (tmp_path / "floor.svg").read_text(encoding="utf-8")


def test_cable_schedule_of_oddly_named_instances_is_the_expanded_ones(tmp_path, plain_hall):
    """Each block's rows are written once as CSV text and copied per instance; names that CSV must quote
    or neutralise (a comma, a quote, a formula prefix) are written cell by cell: same bytes either way."""
    names = ['Row A, rack 1', 'rack "two"', "=HYPERLINK(1)"]
    hall = plain_hall.model_copy(update={"instances": [
        i.model_copy(update={"name": name}) for i, name in zip(plain_hall.instances, names)]})
    export_cables(hall, tmp_path / "i.csv")
    export_cables(expanded(hall), tmp_path / "e.csv")
    assert (tmp_path / "i.csv").read_bytes() == (tmp_path / "e.csv").read_bytes()
    with open(tmp_path / "i.csv", encoding="utf-8-sig", newline="") as fh:
        racks = {r["from_rack"] for r in csv.DictReader(fh)}
    assert racks == {'Row A, rack 1', 'rack "two"', "'=HYPERLINK(1)"}


def _same_schedule(tmp_path, hall) -> list[dict]:
    """The hall's cable schedule, checked byte for byte against the expanded design's; its rows."""
    export_cables(hall, tmp_path / "i.csv")
    export_cables(expanded(hall), tmp_path / "e.csv")
    assert (tmp_path / "i.csv").read_bytes() == (tmp_path / "e.csv").read_bytes()
    with open(tmp_path / "i.csv", encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_cable_schedule_of_a_hall_with_overrides_renames_and_odd_names(tmp_path):
    """Six racks: one with a tray removed (an override: its own rows), one renamed to a plain name (copied
    from its block's text under the new name), the others named what the copied text cannot hold (empty,
    a comma, a quote, a formula's first sign): those are written cell by cell, the
    rack named nothing under its id, as everywhere else."""
    doc = Document(build("gb200-nvl72", racks=6))
    tray = next(n for n in doc.design.blocks[0].nodes if n.part == "gb200-compute-tray")
    doc.remove(f"{doc.design.instances[0].id}/{tray.id}")
    names = [None, "hall-b 07", "", "a, b", 'say "x"', "-R7"]
    hall = doc.design.model_copy(update={"instances": [
        i if name is None else i.model_copy(update={"name": name}) for i, name in zip(doc.design.instances, names)]})
    assert [len(p.members) for p in split(hall)[1:]] == [5]  # the edited rack is the rest's
    rows = _same_schedule(tmp_path, hall)
    per_rack = {}
    for row in rows:
        per_rack[row["from_rack"]] = per_rack.get(row["from_rack"], 0) + 1
    assert per_rack == {"R0001": 1368 - 4 * 18 - 2 * 2, "hall-b 07": 1368, "I3/R1": 1368, "a, b": 1368,
                        'say "x"': 1368, "'-R7": 1368}  # a tray: 4 GPUs x 18 NVLinks, 2 C2C x 2


def test_cable_schedule_of_a_pattern_linked_superpod(tmp_path):
    """gb200-superpod sus=1: instances joined by wiring patterns. With its cable trays (routed lengths,
    the hall evaluated whole) and without them (the instances the patterns touch worked out as the rest,
    the pattern links after them): each the expanded design's bytes."""
    pod = build("gb200-superpod", sus=1)
    assert pod.patterns and pod.floor.trays
    rows = _same_schedule(tmp_path, pod)
    untrayed = pod.model_copy(update={"floor": pod.floor.model_copy(update={"trays": []})})
    assert len(_same_schedule(tmp_path, untrayed)) == len(rows) == len(expanded(pod).links)


def test_cable_schedule_of_a_two_rack_block(tmp_path):
    """A block of two NVL72 racks side by side with a cable between them: three pairs placed as the block
    is, copied from its text (the cable's length the same in each), and one pair turned a quarter, worked
    out on its own: each the expanded design's bytes."""
    from rackcad.model import Block, FloorPosition, Instance, Link, PortRef

    one = build("gb200-nvl72")
    hall = build("gb200-nvl72", racks=2)
    rack = one.racks[0]
    twin = {rack.id: rack.id + "b", **{n.id: n.id + "b" for n in one.nodes}}
    racks = [rack.model_copy(update={"position": FloorPosition(x_mm=0, y_mm=0)}),
             rack.model_copy(update={"id": twin[rack.id], "name": rack.name + "b",
                                     "position": FloorPosition(x_mm=600, y_mm=0)})]
    nodes = one.nodes + [n.model_copy(update={"id": twin[n.id], "parent": twin[n.parent]}) for n in one.nodes]
    links = one.links + [link.model_copy(update={
        "id": link.id + "b", "a": link.a.model_copy(update={"node": twin[link.a.node]}),
        "b": link.b.model_copy(update={"node": twin[link.b.node]})}) for link in one.links]
    nic = next(n for n in one.nodes if n.part == "connectx-7")
    links.append(Link(id="X1", a=PortRef(node=nic.id, port="net"), b=PortRef(node=twin[nic.id], port="net"),
                      protocol="infiniband"))
    pair = Block(id="PAIR", name="pair", racks=racks, nodes=nodes, links=links)
    spots = [(1200, 1200, 0), (3600, 1200, 0), (1200, 4800, 0), (6000, 4800, 90)]
    instances = [Instance(id=f"P{i + 1}", name=f"P{i + 1}", block="PAIR",
                          position=FloorPosition(x_mm=x, y_mm=y, rotation_deg=turn))
                 for i, (x, y, turn) in enumerate(spots)]
    hall = hall.model_copy(update={"blocks": [pair], "instances": instances,
                                   "floor": hall.floor.model_copy(update={"width_mm": 12000, "depth_mm": 9000})})
    assert [len(p.members) for p in split(hall)[1:]] == [3]  # the turned pair is the rest's
    rows = _same_schedule(tmp_path, hall)
    cross = [r for r in rows if r["id"].endswith("/X1")]
    assert [(r["from_rack"], r["to_rack"]) for r in cross] == [(f"P{i}/{rack.name}", f"P{i}/{rack.name}b")
                                                                for i in range(1, 5)]
    assert len({r["length_m"] for r in cross[:3]}) == 1
