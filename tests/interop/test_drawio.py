"""draw.io export: uncompressed mxGraph XML whose shapes are the layout's boxes; parsed back it holds every
rack, part and link of the design."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from rackcad.cli.main import main
from rackcad.document import Document
from rackcad.files import load
from rackcad.interop.drawio import SCALE, drawio_elevation, drawio_topology
from rackcad.layout import topology_layout
from rackcad.layout.elevation import elevation
from tests.conftest import EXAMPLES


def cells(xml: str) -> dict[str, dict]:
    """Every object by id: its attributes, parent, absolute (x, y, w, h) in layout mm, and edge ends."""
    root = ET.fromstring(xml)
    assert root.tag == "mxfile" and root.get("compressed") == "false"
    out: dict[str, dict] = {}
    for obj in root.iter("object"):
        cell = obj.find("mxCell")
        geo = cell.find("mxGeometry")
        out[obj.get("id")] = {"attrs": dict(obj.attrib), "parent": cell.get("parent"), "edge": cell.get("edge") == "1",
                              "source": cell.get("source"), "target": cell.get("target"), "style": cell.get("style"),
                              "rel": tuple(float(geo.get(k, 0)) / SCALE for k in ("x", "y", "width", "height"))}

    def absolute(cid: str) -> tuple[float, float]:
        c = out.get(cid)
        if c is None:
            return (0.0, 0.0)
        px, py = absolute(c["parent"])
        return (px + c["rel"][0], py + c["rel"][1])

    for cid, c in out.items():
        if not c["edge"]:
            x, y = absolute(cid)
            c["abs"] = (x, y, c["rel"][2], c["rel"][3])
    return out


@pytest.mark.parametrize("example", ["gb200-nvl72", "gb200-nvl576", "fusion-xpu"])
def test_every_rack_part_and_link_comes_back_at_its_layout_position(example):
    design = load(EXAMPLES / f"{example}.rackcad")
    found = cells(drawio_elevation(design))
    layout = elevation(design)
    for rack in design.racks:
        assert found[rack.id]["attrs"]["kind"] == "rack" and "container=1" in found[rack.id]["style"]
    for node in design.nodes:
        c = found[node.id]
        box = layout.by_id[node.id]
        assert c["abs"] == pytest.approx((box.x, box.y, box.w, box.h), abs=0.05)
        assert c["attrs"]["rackcad_id"] == node.id and c["attrs"]["part"] == node.part
        parent = c["parent"]
        assert parent == node.parent  # trays contain their chips, racks their trays
    edges = [c for c in found.values() if c["edge"]]
    assert len(edges) == len(design.links)
    link = design.links[0]
    assert (found[link.id]["source"], found[link.id]["target"]) == (link.a.node, link.b.node)
    assert found[link.id]["attrs"]["protocol"] == link.protocol and found[link.id]["parent"] == "layer-links"


def test_nvl72_figures_in_the_shape_data():
    design = load(EXAMPLES / "gb200-nvl72.rackcad")
    found = cells(drawio_elevation(design))
    gpus = [c for c in found.values() if c["attrs"].get("kind") == "gpu"]
    assert len(gpus) == 72
    assert gpus[0]["attrs"]["ports"].startswith("18x NVLink 5 400G")
    assert sum(c["edge"] and c["attrs"]["protocol"] == "nvlink5" for c in found.values()) == 1296
    empty = [c for c in found.values() if c["attrs"].get("rackcad_role") == "empty-bay"]
    layout_empty = [b for b in elevation(design).boxes if b.role == "bay"]
    assert len(empty) == len(layout_empty)


def test_topology_view_has_every_drawn_part_and_edge():
    design = load(EXAMPLES / "gb200-nvl72.rackcad")
    layout = topology_layout(design)
    found = cells(drawio_topology(design))
    for node in layout.nodes:
        assert found[node.id]["abs"] == pytest.approx((node.x, node.y, node.w, node.h), abs=0.05)
    assert sum(c["edge"] for c in found.values()) == len(layout.edges)


def test_hostile_names_stay_well_formed_xml(tmp_path):
    doc = Document()
    rack = doc.add_rack("rack-48u-air", name='R<1> & "quoted"')
    doc.place("mgmt-switch-sn2201", parent=rack, u=1, name="<script>alert(1)</script>")
    found = cells(drawio_elevation(doc.design))
    assert found[rack]["attrs"]["name"] == 'R<1> & "quoted"'
    assert any(c["attrs"].get("name") == "<script>alert(1)</script>" for c in found.values())


def test_diagram_cli_writes_drawio_and_refuses_the_floor_view(tmp_path, capsys):
    out = tmp_path / "nvl72.drawio"
    assert main(["diagram", str(EXAMPLES / "gb200-nvl72.rackcad"), "-o", str(out)]) == 0
    assert cells(out.read_text(encoding="utf-8"))
    assert main(["diagram", str(EXAMPLES / "gb200-nvl72.rackcad"), "-o", str(out), "--view", "floor"]) == 2
    assert "elevation or topology" in capsys.readouterr().err


def test_elevation_links_name_their_ports_as_the_cable_schedule_does():
    """A link's from_port / to_port are the schedule's: the pinned port, and a breakout leg's sub-port."""
    from rackcad.export.cables import Schedule

    doc = Document()
    rack = doc.add_rack("rack-48u-network", name="N1")
    sw = doc.place("spectrum-4-sn5600", rack, u=10, name="SW")
    box = doc.place("dgx-b200", rack, u=20, name="DGX1")
    dpu = doc.place("bluefield-3", box, bay=20, name="DPU1")
    legs = [doc.connect(dpu, sw, protocol="ethernet", port_a="net", port_b="net", index_a=0, index_b=3, split_b=4,
                        sub_b=1),
            doc.connect(dpu, sw, protocol="ethernet", port_a="net", port_b="net", index_a=1, split_b=4)]
    drawn = cells(drawio_elevation(doc.design))
    ports = [(drawn[link]["attrs"]["from_port"], drawn[link]["attrs"]["to_port"]) for link in legs]
    assert ports == [("net[0]", "net[3] (leg 2 of 4)"), ("net[1]", "net (leg of 4)")]
    rows = {r["id"]: (r["from_port"], r["to_port"]) for r in Schedule(doc.design).rows}
    assert ports == [rows[link] for link in legs]
