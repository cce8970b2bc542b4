"""Diagrams: semantic, escaped SVG for every view; PNG at exactly the size its DPI implies; paginated vector PDF."""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from rackcad.export import ExportError, export_diagram
from rackcad.export.svg import RACKS_PER_PAGE, VIEWS, drawing, pages
from rackcad.layout.elevation import BODY_W, GUTTER_W, MARGIN, SIDE_W
from rackcad.model import Design, Node, Rack

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg.encode("utf-8"))


def groups_by_id(root: ET.Element) -> dict[str, ET.Element]:
    return {g.get("id"): g for g in root.iter(f"{SVG}g") if g.get("id")}


def texts(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter(f"{SVG}text")]


def png_size(path) -> tuple[int, int]:
    """Width and height from the PNG's IHDR chunk (no Qt needed)."""
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def pdf_pages(path) -> int:
    data = path.read_bytes()
    assert data.startswith(b"%PDF-")
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", data))


@pytest.mark.parametrize("name", ["gb200-nvl72", "gb200-nvl576"])
def test_elevation_svg_names_every_rack_and_part(built, name):
    design = built(name)
    root = parse(drawing(design, "elevation").svg)
    ids = groups_by_id(root)
    words = texts(root)
    for rack in design.racks:
        assert "rack" in ids[rack.id].get("class").split() and ids[rack.id].get("data-name") == rack.name
        assert rack.name in words
    for node in design.nodes:
        assert ids[node.id].get("data-part") == node.part
    gpu = next(n for n in design.nodes if n.part == "b200-gb200")
    assert ids[gpu.id].get("class") == "node kind-gpu"
    assert root.find(f"{SVG}style") is not None and design.name in words
    assert any("72 GPUs" in w or "576 GPUs" in w for w in words)  # title block totals
    assert "Legend" in words


@pytest.mark.parametrize("view", ["topology", "floor"])
@pytest.mark.parametrize("name", ["gb200-nvl72", "gb200-nvl576", "hgx-h100-8gpu"])
def test_topology_and_floor_svg(built, name, view):
    design = built(name)
    root = parse(drawing(design, view).svg)
    ids = groups_by_id(root)
    if view == "floor":
        assert all("rack" in ids[r.id].get("class").split() for r in design.racks)
    else:
        drawn = {n.id for n in design.nodes if n.part in ("b200-gb200", "grace", "nvlink5-switch", "h100-sxm")}
        assert drawn <= ids.keys() and drawn
        links = [p for p in root.iter(f"{SVG}path") if "link" in (p.get("class") or "").split()]
        assert links and all(p.get("data-count") for p in links)
    words = " ".join(texts(root))
    assert all(r.name in words for r in design.racks)


def test_topology_tags_links_with_count_and_bandwidth(built):
    root = parse(drawing(built("gb200-nvl72"), "topology").svg)
    words = texts(root)
    # 72 GPUs x 18 links x 400 Gb/s = 518.4 Tb/s per direction; 72 C2C links x 1,800 Gb/s = 129.6 Tb/s.
    assert "1,296 NVLink 5 links · 518.4 Tb/s" in words and "72 NVLink-C2C links · 129.6 Tb/s" in words
    classes = {c for p in root.iter(f"{SVG}path") for c in (p.get("class") or "").split()}
    assert {"link", "proto-nvlink5", "proto-nvlink-c2c"} <= classes
    words = texts(parse(drawing(built("gb200-nvl576"), "topology").svg))
    assert words.count("1,296 NVLink 5 links · 518.4 Tb/s to tier-2 switches") == 8  # 36 chips x 36 uplinks


def test_text_and_ids_are_escaped():
    nasty = '<script>&"x"'
    rack, sled, gpu = "r<1>&", 'n"2', "g&3<"
    design = Design(name=nasty, racks=[Rack(id=rack, name=nasty, part="rack-42u-air")], nodes=[
        Node(id=sled, name=nasty, part="custom-compute-sled", parent=rack, u=10),
        # The model refuses control characters; an in-memory design built around it must still draw safely.
        Node.model_construct(id=gpu, name=nasty + "\x01", part="b200-hgx", parent=sled, bay=2, u=None, overrides={}),
    ])
    for view in VIEWS:
        svg = drawing(design, view).svg
        assert "<script" not in svg and "\x01" not in svg
        root = parse(svg)
        assert not [e for e in root.iter() if e.tag.endswith("script")]
        assert root.find(f"{SVG}title").text.startswith(nasty)
        ids = groups_by_id(root)
        words = texts(root)
        assert nasty in words
        if view != "topology":
            assert ids[rack].get("data-name") == nasty
        if view != "floor":
            assert ids[gpu].get("data-name") == nasty and ids[gpu].get("data-part") == "b200-hgx"


def test_png_is_the_size_its_dpi_implies(built, tmp_path):
    design = built("gb200-nvl72")
    # One rack column is MARGIN + gutter + body + side zone + MARGIN = 1,220 mm at 1:8 = 152.5 mm of paper.
    width_mm = (2 * MARGIN + GUTTER_W + BODY_W + SIDE_W) / 8
    height_mm = drawing(design).height_mm
    for dpi in (72, 150):
        path = tmp_path / f"r{dpi}.png"
        export_diagram(design, path, dpi=dpi)
        assert png_size(path) == (round(width_mm / 25.4 * dpi), round(height_mm / 25.4 * dpi))
    assert png_size(tmp_path / "r150.png")[0] == 901


def test_png_too_large_is_refused(built, tmp_path):
    with pytest.raises(ExportError, match="too large; use --dpi"):
        export_diagram(built("gb200-nvl576"), tmp_path / "huge.png", dpi=2400)


@pytest.mark.parametrize("name, view, expected", [
    ("gb200-nvl576", "elevation", 3),  # 12 racks, 4 per page
    ("gb200-nvl72", "elevation", 1),
    ("gb200-nvl72", "topology", 1),
    ("gb200-nvl576", "floor", 1),
])
def test_pdf_pages_and_vector(built, tmp_path, name, view, expected):
    design = built(name)
    assert len(pages(design, view)) == expected
    assert RACKS_PER_PAGE == 4
    path = tmp_path / f"{name}-{view}.pdf"
    export_diagram(design, path, view=view)
    assert pdf_pages(path) == expected
    assert b"/Subtype /Image" not in path.read_bytes()  # vector: no embedded bitmap
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) not installed: rendering not checked")
    subprocess.run(["pdftoppm", "-r", "10", "-png", str(path), str(tmp_path / "page")], check=True, timeout=60)
    assert len(list(tmp_path.glob("page*.png"))) == expected


def test_each_pdf_page_names_its_racks(built):
    design = built("gb200-nvl576")
    seen = []
    for page in pages(design, "elevation"):
        ids = groups_by_id(parse(page.svg))
        seen += [r.id for r in design.racks if r.id in ids]
    assert seen == [r.id for r in design.racks]


def test_unknown_view_and_suffix(built, tmp_path):
    with pytest.raises(ExportError, match="unknown view"):
        export_diagram(built("mesh-4gpu"), tmp_path / "x.svg", view="side")
    with pytest.raises(ExportError, match="written as .svg, .png or .pdf"):
        export_diagram(built("mesh-4gpu"), tmp_path / "x.jpg")


def test_export_never_imports_qt_outside_raster(tmp_path):
    code = (
        "import sys\n"
        "from rackcad.templates import build\n"
        "from rackcad.export import export_bom, export_cables, export_diagram\n"
        "d = build('hgx-h100-8gpu')\n"
        f"export_bom(d, r'{tmp_path / 'b.xlsx'}'); export_bom(d, r'{tmp_path / 'b.csv'}')\n"
        f"export_cables(d, r'{tmp_path / 'c.csv'}')\n"
        f"for v in ('elevation', 'topology', 'floor'): export_diagram(d, r'{tmp_path}/d-' + v + '.svg', view=v)\n"
        "assert not [m for m in sys.modules if m.startswith('PySide6')], 'Qt imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


def test_floor_svg_draws_rows_aisles_and_trays():
    """The small two-row hall (tests/figures/test_routing.py): one hot aisle, two rows with their cold side
    marked, the tray at its 600 mm width, and the run along its route."""
    from rackcad.export.svg import floor_svg
    from tests.figures.test_routing import small_hall

    doc = small_hall()[0]
    text = str(floor_svg(doc.design))
    assert text.count('class="aisle-hot"') == 2  # the overview and the detail view
    assert "hot aisle 1.20 m" in text
    assert text.count('class="row"') == 4 and text.count('class="row-cold"') == 4
    assert text.count('class="tray tray-overhead"') == 2 and 'stroke-width="600"' in text
    assert 'd="M1500 1200L1200 1200L1200 4536L2700 4536"' in text
