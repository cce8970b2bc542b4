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
from dataclasses import replace
from pathlib import Path

from rackcad.export.cables import port_label
from rackcad.interop import InteropError
from rackcad.files.atomic import write_text
from rackcad.layout import topology_layout
from rackcad.layout.elevation import elevation
from rackcad.layout.style import PROTOCOL_COLORS, color, protocol_label, text_color
from rackcad.model import Design
from rackcad.progress import Progress
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
    def __init__(self, name: str, width: float, height: float, page_id: str = "rackcad"):
        self.file = ET.Element("mxfile", host="RackCAD", type="device", compressed="false")
        self.page(page_id, name, width, height)

    def page(self, page_id: str, name: str, width: float, height: float) -> None:
        """Start a page (a <diagram> of the file); cells added from now on go on it."""
        diagram = ET.SubElement(self.file, "diagram", id=_clean(page_id), name=_clean(name))
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
    if index is None and design.instances:
        hall = _hall_elevation(design)
        if hall is not None:
            return hall
    index = index or DesignIndex(design)
    layout = elevation(design, index=index)
    doc = _Doc(f"{design.name}: elevation", layout.width, layout.height)
    _elevation_cells(doc, design, index, layout)
    return doc.xml()


def _shifted(box, dx: float, dy: float):
    return box if not dx and not dy else replace(box, x=box.x + dx, y=box.y + dy)


def _elevation_cells(doc: _Doc, design: Design, index: DesignIndex, layout, shift=None) -> None:
    """The racks, parts and links of an elevation layout on the current page; `shift(rack id)` moves a
    rack's boxes by (dx, dy) (a hall page places racks in rows)."""
    def moved(box):
        return box if shift is None else _shifted(box, *shift(box.rack))

    boxes = [moved(b) for b in layout.boxes]
    containers = {b.parent for b in boxes if b.parent}
    for box in boxes:
        if box.role == "rack":
            doc.vertex(box.id, box.label, "layer-parts", box.x, box.y, box.w, box.h,
                       _style(swimlane=None, startSize=0, container=1, collapsible=0, fillColor="#f5f5f5",
                              strokeColor="#2b2f38", html=1), _part_data(index, box.id))
    title = {b.rack: b for b in boxes if b.role == "title"}
    for rack_id, box in title.items():
        doc.vertex(f"{rack_id}#title", box.label.replace("\n", "<br>"), rack_id, box.x, box.y, box.w, box.h,
                   _style(text=None, html=1, align="center", verticalAlign="middle", fontStyle=1, fontSize=10),
                   {"rackcad_role": "title"})
    for box in boxes:
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
                  "from_port": port_label(link.a), "to_port": port_label(link.b)})


def drawio_topology(design: Design, index: DesignIndex | None = None) -> str:
    if index is None and design.instances:
        hall = _hall_topology(design)
        if hall is not None:
            return hall
    index = index or DesignIndex(design)
    layout = topology_layout(design, index=index)
    doc = _Doc(f"{design.name}: topology", layout.width_mm, layout.height_mm)
    _topology_cells(doc, index, layout)
    return doc.xml()


def _topology_cells(doc: _Doc, index: DesignIndex, layout, dy: float = 0.0) -> None:
    """The groups, parts and aggregated links of a topology layout on the current page, moved down `dy`."""
    for group in layout.groups:
        doc.vertex(group.id, group.label, "layer-parts", group.x, group.y + dy, group.w, group.h,
                   _style(swimlane=None, startSize=14, container=1, collapsible=0, fillColor="none", html=1,
                          fontSize=8), {"rackcad_role": "group", "band": group.band, "size": str(group.size)})
    for node in layout.nodes:
        parent = node.group if node.group in doc.absolute else "layer-parts"
        doc.vertex(node.id, node.label, parent, node.x, node.y + dy, node.w, node.h, _box_style(node.kind, False),
                   _part_data(index, node.id))
    for i, edge in enumerate(layout.edges):
        if edge.a not in doc.absolute or edge.b not in doc.absolute:
            continue
        stroke = PROTOCOL_COLORS.get(edge.protocol, "#555555")
        doc.edge(f"edge-{i}", f"{edge.count:,}" if edge.count > 1 else "", edge.a, edge.b,
                 _style(endArrow="none", html=1, strokeColor=stroke, fontSize=7),
                 {"protocol": edge.protocol, "count": str(edge.count), "gbps": f"{edge.gbps:g}"},
                 points=tuple((x, y + dy) for x, y in edge.points[1:-1]))


RACKS_PER_ROW = 32
"""Racks (elevation) or instance tiles (topology) per row on a hall's first page."""
ROW_GAP = 200.0
TILE_W, TILE_H, TILE_GAP = 900.0, 260.0, 60.0
"""An instance's tile on a hall's topology page (layout millimetres)."""


def _block_page_id(block_id: str) -> str:
    return f"block-{block_id}"


def _stand_in(design: Design, piece) -> tuple[Design, DesignIndex, str]:
    """A class's block as a design of its own, named and identified by the block (its page draws it once):
    the stand-in's items with the block's id in place of the marker id, its name in place of the marker
    name; and the block's display name."""
    from rackcad.figures import Figures
    from rackcad.figures.pieces import MARK_ID, MARK_NAME
    from rackcad.model import Instance
    from rackcad.model.expand import expand_instance

    first = piece.members[0]
    block = design.block(first.block)
    name = block.name or block.id
    stand_in = Instance.model_construct(id=block.id, name=name, block=block.id, position=first.position,
                                        removed=[], changed={})
    items = expand_instance(stand_in, block)
    flat = Design.model_construct(**{**dict(piece.design), "racks": items.racks, "nodes": items.nodes,
                                     "links": items.links})
    assert MARK_ID not in block.id and MARK_NAME not in name
    return flat, Figures(flat, piece.figures.catalog), name


def _tile(doc: _Doc, cell_id: str, label: str, x: float, y: float, w: float, h: float, block_id: str,
          note: str, data: dict) -> None:
    """A repeated instance drawn as a tile that names it and its block and links to the block's page."""
    doc.vertex(cell_id, label, "layer-parts", x, y, w, h,
               _style(rounded=1, whiteSpace="wrap", html=1, fillColor="#e8eef7", strokeColor="#2b2f38",
                      verticalAlign="top", fontStyle=1, fontSize=10, container=1, collapsible=0),
               {**data, "block": block_id, "link": f"data:page/id,{_block_page_id(block_id)}"})
    doc.vertex(f"{cell_id}#block", note, cell_id, x + 10, y + h * 0.35, w - 20, h * 0.6,
               _style(text=None, html=1, whiteSpace="wrap", align="center", verticalAlign="top", fontSize=8),
               {"rackcad_role": "block-note", "link": f"data:page/id,{_block_page_id(block_id)}"})


def _hall_pieces(design: Design):
    from rackcad.figures.pieces import split

    pieces = split(design)
    return pieces if pieces is not None and len(pieces) > 1 else None


def _block_note(design: Design, piece, figures) -> str:
    from rackcad.export.svg import Totals

    block = design.block(piece.members[0].block)
    return (f"block {block.name or block.id}: {Totals.of(figures).line()} · drawn once on its page "
            f"(for {len(piece.members):,} instances that are their block as it is)")


def _hall_elevation(design: Design) -> str | None:
    """The elevation of a hall of instances per block: the first page has every rack in the expanded
    design's order, RACKS_PER_ROW to a row; racks of repeated instances are tiles under the instance's rack
    id and name, linked to their block's page, where the block is drawn once, part by part; racks of
    instances that differ (and own racks) are drawn as themselves."""
    pieces = _hall_pieces(design)
    if pieces is None:
        return None
    from rackcad.layout.elevation import BODY_W, GUTTER_W, MARGIN, RACK_GAP, SIDE_W
    from rackcad.model import expanded_id, instance_items

    rest = pieces[0]
    rest_layout = elevation(rest.design, index=rest.figures)
    member_of = {m.id: p for p in pieces[1:] for m in p.members}
    blocks = {}
    for piece in pieces[1:]:
        flat, figures, _ = _stand_in(design, piece)
        blocks[piece.members[0].block] = (piece, flat, figures, elevation(flat, index=figures))
    height = max([rest_layout.height] + [b[3].height for b in blocks.values()])
    pitch = GUTTER_W + BODY_W + SIDE_W + RACK_GAP
    order: list[tuple[str, object | None]] = [(r.id, None) for r in design.racks]
    for instance in design.instances:
        piece = member_of.get(instance.id)
        racks = design.block(instance.block).racks if piece else instance_items(design, instance).racks
        order += [(expanded_id(instance.id, r.id) if piece else r.id, instance if piece else None) for r in racks]
    rows = -(-len(order) // RACKS_PER_ROW)
    doc = _Doc(f"{design.name}: elevation", min(len(order), RACKS_PER_ROW) * pitch + 2 * MARGIN,
               rows * (height + ROW_GAP))
    slot = {}
    tiles = []
    for k, (rack_id, instance) in enumerate(order):
        x, y = MARGIN + (k % RACKS_PER_ROW) * pitch, (k // RACKS_PER_ROW) * (height + ROW_GAP)
        if instance is None:
            slot[rack_id] = (x, y)
        else:
            tiles.append((rack_id, instance, x, y))
    own_x = {b.rack: b.x for b in rest_layout.boxes if b.role == "title"}
    _elevation_cells(doc, rest.design, rest.figures, rest_layout,
                     lambda rack: (slot[rack][0] - own_x[rack], slot[rack][1]))
    notes = {}
    for rack_id, instance, x, y in tiles:
        piece, flat, figures, layout = blocks[instance.block]
        if instance.block not in notes:
            notes[instance.block] = _block_note(design, piece, figures)
        body = layout.bodies[f"{instance.block}/{rack_id.partition('/')[2]}"]
        title = next(b for b in layout.boxes if b.role == "title" and b.rack == body.id)
        part = figures.part(flat.racks[0]) if len(flat.racks) == 1 else None
        model = part.model if part else ""
        _tile(doc, rack_id, f"{instance.name}<br>{model}", x + body.x - title.x, y + body.y - 150, body.w,
              body.h + 150, instance.block, notes[instance.block],
              {"rackcad_id": rack_id, "name": instance.name, "instance": instance.id})
    for block_id, (piece, flat, figures, layout) in blocks.items():
        doc.page(_block_page_id(block_id), f"Block {flat.racks[0].name if len(flat.racks) == 1 else block_id}",
                 layout.width, layout.height)
        _elevation_cells(doc, flat, figures, layout)
    return doc.xml()


def _hall_topology(design: Design) -> str | None:
    """The topology of a hall of instances per block: the first page has what differs (own parts,
    instances that differ, wiring patterns) laid out as any design is, and under it one tile per repeated
    instance (RACKS_PER_ROW to a row) linked to its block's page, where the block's topology is drawn once."""
    pieces = _hall_pieces(design)
    if pieces is None:
        return None
    from rackcad.layout.topology import MARGIN

    rest = pieces[0]
    rest_layout = topology_layout(rest.design, index=rest.figures)
    member_of = {m.id: p for p in pieces[1:] for m in p.members}
    tiles = [i for i in design.instances if i.id in member_of]
    top = rest_layout.height_mm if rest_layout.groups else MARGIN
    rows = -(-len(tiles) // RACKS_PER_ROW)
    width = max(rest_layout.width_mm, 2 * MARGIN + min(len(tiles), RACKS_PER_ROW) * (TILE_W + TILE_GAP))
    doc = _Doc(f"{design.name}: topology", width, top + rows * (TILE_H + TILE_GAP) + MARGIN)
    if rest_layout.groups:
        _topology_cells(doc, rest.figures, rest_layout)
    blocks = {}
    for piece in pieces[1:]:
        flat, figures, name = _stand_in(design, piece)
        blocks[piece.members[0].block] = (flat, figures, name, _block_note(design, piece, figures))
    for k, instance in enumerate(tiles):
        x = MARGIN + (k % RACKS_PER_ROW) * (TILE_W + TILE_GAP)
        y = top + (k // RACKS_PER_ROW) * (TILE_H + TILE_GAP)
        _tile(doc, instance.id, instance.name, x, y, TILE_W, TILE_H, instance.block, blocks[instance.block][3],
              {"rackcad_id": instance.id, "name": instance.name, "instance": instance.id})
    for block_id, (flat, figures, name, _) in blocks.items():
        layout = topology_layout(flat, index=figures)
        doc.page(_block_page_id(block_id), f"Block {name}", layout.width_mm, layout.height_mm)
        _topology_cells(doc, figures, layout)
    return doc.xml()


def write_drawio(design: Design, path: str | Path, view: str = "elevation", progress: Progress | None = None) -> None:
    """Write `view` (elevation or topology) of `design` as an uncompressed .drawio file; `progress` hears
    of its two steps (drawing, writing)."""
    if view not in VIEWS:
        raise InteropError(f"draw.io export draws the {' or '.join(VIEWS)} view, not {view!r}")
    if progress:
        progress(0, 2, f"draw.io: drawing the {view}")
    text = (drawio_elevation if view == "elevation" else drawio_topology)(design)
    if progress:
        progress(1, 2, "draw.io: writing")
    write_text(path, text)
    if progress:
        progress(2, 2, "draw.io: done")
