"""draw.io (diagrams.net) export: the rack elevation or the topology as uncompressed mxGraph XML.

The geometry is the layout the SVG and the canvas draw (`rackcad.layout`), so a part sits where it sits in
every other view. Racks (elevation) and rack/band groups (topology) are containers; trays are containers
of their chips, NICs and empty bays; each part is a shape whose data (Edit Data in draw.io) holds its
RackCAD id, part id, kind, vendor, model, power, U or bay; links are edges on their own `Links` layer (one
per link record in the elevation, with protocol, count, medium and length; the topology's aggregated
edges in the topology). Coordinates are the layout's millimetres at 1 draw.io unit per `SCALE` mm.
draw.io opens the file as it is and converts it to Visio (File > Export as > VSDX).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from rackcad.interop import InteropError
from rackcad.files.atomic import write_text
from rackcad.layout import topology_layout
from rackcad.layout.elevation import elevation
from rackcad.layout.style import PROTOCOL_COLORS, color, protocol_label, text_color
from rackcad.model import Design
from rackcad.topology import DesignIndex

SCALE = 0.5
"""draw.io units (pixels at 100 %) per layout millimetre: a 48U rack body is 1,067 units tall."""

VIEWS = ("elevation", "topology")
_XML_BAD = {c: None for c in range(32) if c not in (9, 10, 13)}


def _clean(text) -> str:
    return str(text).translate(_XML_BAD)


def _style(**items) -> str:
    return ";".join(f"{k}={v}" if v is not None else k for k, v in items.items()) + ";"


class _Doc:
    def __init__(self, name: str, width: float, height: float):
        self.file = ET.Element("mxfile", host="RackCAD", type="device", compressed="false")
        diagram = ET.SubElement(self.file, "diagram", id="rackcad", name=_clean(name))
        model = ET.SubElement(diagram, "mxGraphModel", grid="1", gridSize="10", guides="1", tooltips="1",
                              connect="1", arrows="1", fold="1", page="1", pageScale="1",
                              pageWidth=str(round(width * SCALE)), pageHeight=str(round(height * SCALE)),
                              math="0", shadow="0")
        self.root = ET.SubElement(model, "root")
        ET.SubElement(self.root, "mxCell", id="0")
        ET.SubElement(self.root, "mxCell", id="layer-parts", value="Racks and parts", parent="0")
        ET.SubElement(self.root, "mxCell", id="layer-links", value="Links", parent="0")
        self.absolute: dict[str, tuple[float, float]] = {"layer-parts": (0.0, 0.0)}

    def vertex(self, cell_id: str, label: str, parent: str, x: float, y: float, w: float, h: float, style: str,
               data: dict) -> None:
        px, py = self.absolute[parent]
        obj = ET.SubElement(self.root, "object", id=_clean(cell_id), label=_clean(label))
        for key, value in data.items():
            if value is not None and value != "":
                obj.set(key, _clean(value))
        cell = ET.SubElement(obj, "mxCell", style=style, vertex="1", parent=parent)
        ET.SubElement(cell, "mxGeometry", x=_n(x - px), y=_n(y - py), width=_n(w), height=_n(h), **{"as": "geometry"})
        self.absolute[cell_id] = (x, y)

    def edge(self, cell_id: str, label: str, source: str, target: str, style: str, data: dict,
             points: tuple[tuple[float, float], ...] = ()) -> None:
        obj = ET.SubElement(self.root, "object", id=_clean(cell_id), label=_clean(label))
        for key, value in data.items():
            if value is not None and value != "":
                obj.set(key, _clean(value))
        cell = ET.SubElement(obj, "mxCell", style=style, edge="1", parent="layer-links", source=source,
                             target=target)
        geometry = ET.SubElement(cell, "mxGeometry", relative="1", **{"as": "geometry"})
        if points:
            array = ET.SubElement(geometry, "Array", **{"as": "points"})
            for x, y in points:
                ET.SubElement(array, "mxPoint", x=_n(x), y=_n(y))

    def xml(self) -> str:
        ET.indent(self.file)
        return ET.tostring(self.file, encoding="unicode", xml_declaration=False) + "\n"


def _n(value: float) -> str:
    value = round(value * SCALE, 2)
    return str(int(value)) if float(value).is_integer() else str(value)


def _part_data(index: DesignIndex, item_id: str) -> dict:
    node = index.nodes.get(item_id)
    rack = next((r for r in index.design.racks if r.id == item_id), None)
    thing = node or rack
    if thing is None:
        return {"rackcad_id": item_id}
    part = index.part(thing)
    data = {"rackcad_id": item_id, "name": thing.name, "part": thing.part}
    if part is not None:
        data.update(kind=part.kind, vendor=part.vendor, model=part.model)
        if part.power_w:
            data["power_w"] = f"{index.power_w(node) if node else part.power_w:g}"
        if part.ports:
            data["ports"] = ", ".join(f"{g.count}x {protocol_label(g.protocol)} {g.gbps:g}G" for g in part.ports)
    if node is not None:
        data.update(u=None if node.u is None else f"{node.u:g}", bay=None if node.bay is None else str(node.bay))
    return data


def _box_style(kind: str, container: bool, empty: bool = False) -> str:
    if empty:
        return _style(rounded=0, whiteSpace="wrap", html=1, dashed=1, fillColor="none", strokeColor="#9e9e9e",
                      fontColor="#9e9e9e", fontSize=7)
    fill = color(kind)
    items = dict(rounded=0, whiteSpace="wrap", html=1, fillColor=fill, strokeColor="#222222",
                 fontColor=text_color(fill), fontSize=8)
    if container:
        items.update(container=1, collapsible=0, verticalAlign="middle", align="left", spacingLeft=4)
    return _style(**items)


def drawio_elevation(design: Design, index: DesignIndex | None = None) -> str:
    index = index or DesignIndex(design)
    layout = elevation(design, index=index)
    doc = _Doc(f"{design.name}: elevation", layout.width, layout.height)
    containers = {b.parent for b in layout.boxes if b.parent}
    for box in layout.boxes:
        if box.role == "rack":
            doc.vertex(box.id, box.label, "layer-parts", box.x, box.y, box.w, box.h,
                       _style(swimlane=None, startSize=0, container=1, collapsible=0, fillColor="#f5f5f5",
                              strokeColor="#2b2f38", html=1), _part_data(index, box.id))
    title = {b.rack: b for b in layout.boxes if b.role == "title"}
    for rack_id, box in title.items():
        doc.vertex(f"{rack_id}#title", box.label.replace("\n", "<br>"), rack_id, box.x, box.y, box.w, box.h,
                   _style(text=None, html=1, align="center", verticalAlign="middle", fontStyle=1, fontSize=10),
                   {"rackcad_role": "title"})
    for box in layout.boxes:
        if box.role not in ("node", "bay"):
            continue
        parent = box.parent if box.parent in doc.absolute else box.rack
        if box.role == "bay":
            doc.vertex(box.id, box.label, parent, box.x, box.y, box.w, box.h, _box_style("", False, empty=True),
                       {"rackcad_role": "empty-bay", "bay": str(box.bay)})
        else:
            doc.vertex(box.id, box.label, parent, box.x, box.y, box.w, box.h,
                       _box_style(box.kind, box.id in containers), _part_data(index, box.id))
    for link in design.links:
        if link.a.node not in doc.absolute or link.b.node not in doc.absolute:
            continue
        stroke = PROTOCOL_COLORS.get(link.protocol, "#555555")
        doc.edge(link.id, "", link.a.node, link.b.node,
                 _style(endArrow="none", html=1, strokeColor=stroke, opacity=50, edgeStyle="none"),
                 {"rackcad_id": link.id, "protocol": link.protocol, "count": str(link.count),
                  "medium": link.medium, "length_m": None if link.length_m is None else f"{link.length_m:g}",
                  "from_port": link.a.port, "to_port": link.b.port})
    return doc.xml()


def drawio_topology(design: Design, index: DesignIndex | None = None) -> str:
    index = index or DesignIndex(design)
    layout = topology_layout(design, index=index)
    doc = _Doc(f"{design.name}: topology", layout.width_mm, layout.height_mm)
    for group in layout.groups:
        doc.vertex(group.id, group.label, "layer-parts", group.x, group.y, group.w, group.h,
                   _style(swimlane=None, startSize=14, container=1, collapsible=0, fillColor="none", html=1,
                          fontSize=8), {"rackcad_role": "group", "band": group.band, "size": str(group.size)})
    for node in layout.nodes:
        parent = node.group if node.group in doc.absolute else "layer-parts"
        doc.vertex(node.id, node.label, parent, node.x, node.y, node.w, node.h, _box_style(node.kind, False),
                   _part_data(index, node.id))
    for i, edge in enumerate(layout.edges):
        if edge.a not in doc.absolute or edge.b not in doc.absolute:
            continue
        stroke = PROTOCOL_COLORS.get(edge.protocol, "#555555")
        doc.edge(f"edge-{i}", f"{edge.count:,}" if edge.count > 1 else "", edge.a, edge.b,
                 _style(endArrow="none", html=1, strokeColor=stroke, fontSize=7),
                 {"protocol": edge.protocol, "count": str(edge.count), "gbps": f"{edge.gbps:g}"},
                 points=tuple((x, y) for x, y in edge.points[1:-1]))
    return doc.xml()


def write_drawio(design: Design, path: str | Path, view: str = "elevation") -> None:
    """Write `view` (elevation or topology) of `design` as an uncompressed .drawio file."""
    if view not in VIEWS:
        raise InteropError(f"draw.io export draws the {' or '.join(VIEWS)} view, not {view!r}")
    text = (drawio_elevation if view == "elevation" else drawio_topology)(design)
    write_text(path, text)
