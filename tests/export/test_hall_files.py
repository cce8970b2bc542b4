"""XLSX, draw.io and DXF of a hall of instances, written per block: what they say is what the expanded
design's say (racks, names, parts, link records, totals), instances that differ are shown as themselves.

gb200-nvl72 with racks=3: 3 x 72 = 216 GPUs, 3 x 1,368 = 4,104 link records. One compute tray (4 GPUs,
2 CPUs; 4 x 18 NVLinks and 4 C2C links: 76 records) removed from the second rack: 212 GPUs, 4,028 records.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter

import ezdxf
import pytest
from openpyxl import load_workbook

from rackcad.analysis import summary
from rackcad.document import Document
from rackcad.export import export_bom
from rackcad.export.xlsx import write_xlsx
from rackcad.interop.drawio import drawio_elevation, drawio_topology, write_drawio
from rackcad.interop.dxf_floor import write_dxf
from rackcad.model import expanded
from rackcad.templates import build


@pytest.fixture(scope="module")
def edited_hall():
    doc = Document(build("gb200-nvl72", racks=3))
    tray = next(n for n in doc.design.blocks[0].nodes if n.part == "gb200-compute-tray")
    doc.remove(f"{doc.design.instances[1].id}/{tray.id}")
    return doc.design


def sheets(path) -> dict[str, list[tuple]]:
    wb = load_workbook(path, read_only=True)
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb.worksheets}


def test_xlsx_of_a_hall_lists_what_the_expanded_one_lists(tmp_path, edited_hall):
    export_bom(edited_hall, tmp_path / "hall.xlsx")
    export_bom(expanded(edited_hall), tmp_path / "flat.xlsx")
    hall, flat = sheets(tmp_path / "hall.xlsx"), sheets(tmp_path / "flat.xlsx")
    for name in ("BOM", "Cables", "Summary", "Violations"):
        assert hall[name] == flat[name], name
    assert len(hall["Cables"]) - 1 == 3 * 1368 - 76
    instances = hall["Instances"]
    assert [r[:3] for r in instances[1:]] == [(i.id, i.name, i.block) for i in edited_hall.instances]
    assert "removed: " in instances[2][6] and instances[1][6].startswith("(none")


def test_xlsx_of_a_big_hall_lists_each_blocks_links_once(tmp_path, edited_hall):
    """Past the limit, the Cables sheet has what differs (the edited rack, 1,292 records) and Block cables
    the block's 1,368 records once, for the 2 instances that are the block as it is."""
    write_xlsx(edited_hall, tmp_path / "hall.xlsx", limit=1000)
    book = sheets(tmp_path / "hall.xlsx")
    cables, blocks = book["Cables"][1:], book["Block cables"][1:]
    assert len(cables) == 1368 - 76
    assert {r[2] for r in cables} == {edited_hall.instances[1].name}  # from_rack: the edited instance's
    assert len(blocks) == 1368 and {r[:2] for r in blocks} == {(edited_hall.blocks[0].id, 2)}
    assert {r[2 + 2] for r in blocks} == {"<instance>"}  # from_rack stands for each instance
    assert len(cables) + 2 * len(blocks) == summary(expanded(edited_hall))["link_records"] == 4028
    sheet_of = {r[0]: r[7] for r in book["Instances"][1:]}
    assert sheet_of == {"I1": "Block cables", "I2": "Cables", "I3": "Block cables"}
    assert book["BOM"] == sheets_of_flat_bom(tmp_path, edited_hall)


def sheets_of_flat_bom(tmp_path, design):
    export_bom(expanded(design), tmp_path / "flat.xlsx")
    return sheets(tmp_path / "flat.xlsx")["BOM"]


def objects(xml: str) -> dict[str, list[ET.Element]]:
    """page name -> its <object> elements."""
    root = ET.fromstring(xml)
    return {d.get("name"): list(d.iter("object")) for d in root.iter("diagram")}


def test_drawio_elevation_of_a_hall_tiles_repeated_racks_and_draws_the_block_once(tmp_path, edited_hall):
    pages = objects(drawio_elevation(edited_hall))
    first, block = list(pages.values())
    assert list(pages)[1] == f"Block {edited_hall.blocks[0].name or edited_hall.blocks[0].id}"
    tiles = [o for o in first if o.get("instance")]
    assert [(t.get("rackcad_id"), t.get("name")) for t in tiles] == [("I1/R1", "R0001"), ("I3/R1", "R0003")]
    assert all(t.get("link") == f"data:page/id,block-{edited_hall.blocks[0].id}" for t in tiles)
    edited = Counter(o.get("kind") for o in first if (o.get("rackcad_id") or "").startswith("I2/"))
    once = Counter(o.get("kind") for o in block if o.get("rackcad_id"))
    assert edited["gpu"] == 68 and once["gpu"] == 72 and once["switch"] == 18
    assert sum(1 for o in block if o.find("mxCell").get("edge") == "1") == 1368
    flat = objects(drawio_elevation(expanded(edited_hall)))
    flat_kinds = Counter(o.get("kind") for o in next(iter(flat.values())) if o.get("rackcad_id"))
    assert flat_kinds["gpu"] == edited["gpu"] + 2 * once["gpu"] == 212
    assert tiles[0].find("mxCell/mxGeometry") is not None
    note = next(o for o in first if o.get("rackcad_role") == "block-note")
    assert "72 GPUs" in note.get("label") and "for 2 instances" in note.get("label")


def test_drawio_topology_of_a_hall(edited_hall):
    pages = objects(drawio_topology(edited_hall))
    first, block = list(pages.values())
    assert [t.get("name") for t in first if t.get("instance")] == ["R0001", "R0003"]
    parts = Counter(o.get("kind") for o in first if o.get("kind"))
    assert parts["gpu"] == 68  # the edited rack drawn as itself
    assert Counter(o.get("kind") for o in block if o.get("kind"))["gpu"] == 72


def test_dxf_of_a_hall_has_every_rack_with_its_power(tmp_path, edited_hall):
    write_dxf(edited_hall, tmp_path / "hall.dxf")
    write_dxf(expanded(edited_hall), tmp_path / "flat.dxf")

    def inserts(path):
        doc = ezdxf.readfile(path)
        return [(i.get_attrib_text("RACK_ID"), i.get_attrib_text("NAME"), i.get_attrib_text("POWER_KW"),
                 tuple(round(v, 3) for v in i.dxf.insert)) for i in doc.modelspace().query("INSERT")]

    hall = inserts(tmp_path / "hall.dxf")
    assert hall == inserts(tmp_path / "flat.dxf")
    assert [r[:2] for r in hall] == [("I1/R1", "R0001"), ("I2/R1", "R0002"), ("I3/R1", "R0003")]
    assert hall[1][2] != hall[0][2] == hall[2][2]  # the edited rack draws less power


def test_write_drawio_of_a_hall_per_block(tmp_path, edited_hall):
    path = tmp_path / "hall.drawio"
    write_drawio(edited_hall, path, "elevation")
    assert len(objects(path.read_text(encoding="utf-8"))) == 2


def test_long_exports_report_their_steps(tmp_path, edited_hall):
    heard: list[tuple[int, int, str]] = []

    def progress(done, total, label):
        heard.append((done, total, label))

    export_bom(edited_hall, tmp_path / "hall.xlsx", progress=progress)
    write_drawio(edited_hall, tmp_path / "hall.drawio", "topology", progress=progress)
    write_dxf(edited_hall, tmp_path / "hall.dxf", progress=progress)
    labels = [label for *_, label in heard]
    assert [label for label in labels if label.startswith("bill")] == [
        f"bill of materials (XLSX): {s}" for s in ("BOM", "Cables", "Summary", "Violations", "writing", "done")]
    assert labels[-6:] == ["draw.io: drawing the topology", "draw.io: writing", "draw.io: done",
                           "DXF: drawing the floor plan", "DXF: writing", "DXF: done"]
    assert all(done <= total for done, total, _ in heard)
