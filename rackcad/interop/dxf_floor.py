"""DXF floor plans (ezdxf, `pip install rackcad[dxf]`): export the hall with its racks, and import a hall
outline and columns from a building's DXF as keep-out areas.

Export (`write_dxf`, `rackcad diagram FILE -o hall.dxf`), in millimetres ($INSUNITS 4), DXF y up with the
hall's front-left corner at the origin (RackCAD's floor plan has y down: Y = depth - y):
- layer HALL: the hall outline (the design's outline polygon, else its width x depth rectangle);
- layer RACKS: one block per rack part (`RACK_<PART>`: the footprint, a heavier front edge, attribute
  definitions NAME, PART, RACK_ID, POWER_KW, BUDGET_KW) and one block reference per rack at its front-left
  corner and rotation, with the attributes filled in (POWER_KW from `analysis.summary`, the owner of rack
  power figures). ezdxf draws everything else; the references (INSERT, its ATTRIBs, SEQEND: the same
  groups ezdxf writes for them) are written as DXF text from one pattern per rack, handles taken from the
  document's own generator, so a hall of a thousand racks costs a string format per rack, not seven
  ezdxf entities built and exported;
- layer AISLES: the aisle in front of the racks (AISLE_MM deep), the union of each rack's front strip;
- layer CABLE-TRAYS: the cross-rack cable runs of the floor layout (the routes the floor view draws);
- layer LABELS: the schedule of cable runs beside the hall (racks, links, shortest-longest length), the
  keep-out names and the title;
- layer KEEPOUT: the design's keep-out areas.

Import (`read_hall`, `rackcad import dxf-hall`): closed polylines and circles. The outline is the closed
shape on a layer whose name mentions HALL, OUTLINE, ROOM or WALL (else the largest closed shape); keep-outs
are the shapes on layers mentioning COL, PILLAR, KEEPOUT, KEEP-OUT or OBSTR (else every other closed shape
inside the outline, except on aisle, rack, tray, cable, label, dimension and grid layers). Coordinates are converted to millimetres from the file's $INSUNITS (unitless files are
taken as millimetres) and placed so the outline's bounding box starts at the hall origin.
"""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass
from pathlib import Path

from shapely.geometry import Polygon
from shapely.ops import unary_union

from rackcad.files.atomic import write_bytes
from rackcad.interop import InteropError
from rackcad.layout.floor import floor_layout
from rackcad.model import Design, KeepOut
from rackcad.progress import Progress

AISLE_MM = 1200.0
"""Depth of the aisle drawn in front of each rack row: two 600 mm floor tiles."""
LAYERS = {"HALL": 8, "RACKS": 5, "AISLES": 3, "CABLE-TRAYS": 30, "LABELS": 7, "KEEPOUT": 1}
"""Layer names and their AutoCAD colour indices."""
UNIT_MM = {0: 1.0, 1: 25.4, 2: 304.8, 4: 1.0, 5: 10.0, 6: 1000.0, 14: 100.0}
"""$INSUNITS code -> millimetres (0 unitless, 1 in, 2 ft, 4 mm, 5 cm, 6 m, 14 dm)."""
MAX_DXF_BYTES = 200_000_000
OUTLINE_LAYERS = re.compile(r"HALL|OUTLINE|ROOM|WALL", re.I)
KEEPOUT_LAYERS = re.compile(r"COL|PILLAR|KEEP-?OUT|OBSTR", re.I)
NOT_OBSTACLES = re.compile(r"AISLE|RACK|TRAY|CABLE|LABEL|TEXT|DIM|GRID|FURN|ANNO", re.I)
"""Layers whose closed shapes are never taken as keep-outs when no layer names them."""


def _ezdxf():
    try:
        import ezdxf
    except ImportError:
        raise InteropError("DXF needs ezdxf: pip install 'rackcad[dxf]'") from None
    return ezdxf


ATTRIBUTES = (("NAME", True), ("PART", True), ("POWER_KW", True), ("BUDGET_KW", False), ("RACK_ID", False))
"""A rack block's attributes, top to bottom, and whether each is shown."""


def block_name(part_id: str) -> str:
    return "RACK_" + re.sub(r"[^A-Z0-9_]+", "_", part_id.upper())


@dataclass(frozen=True)
class _Label:
    """One attribute definition of a rack block: its tag, middle-centre point in the block, height, flags."""

    tag: str
    x: float
    y: float
    height: float
    flags: int


def _rack_block(doc, name: str, w: float, d: float) -> tuple[_Label, ...]:
    """Define the rack block `name` (footprint, front edge, one ATTDEF per ATTRIBUTES): its labels."""
    ezdxf = _ezdxf()
    block = doc.blocks.new(name=name)
    block.add_lwpolyline([(0, 0), (w, 0), (w, -d), (0, -d)], close=True, dxfattribs={"layer": "0"})
    block.add_line((0, 0), (w, 0), dxfattribs={"layer": "0", "lineweight": 70})
    text_h = min(w, d) / 8
    labels = []
    for i, (tag, visible) in enumerate(ATTRIBUTES):
        height = text_h if i == 0 else text_h * 0.6
        x, y = w / 2, -d / 2 + text_h * (1.2 - 1.3 * i)
        attdef = block.add_attdef(tag, insert=(x, y), height=height, text="", dxfattribs={"layer": "0"})
        attdef.set_placement((x, y), align=ezdxf.enums.TextEntityAlignment.MIDDLE_CENTER)
        attdef.is_invisible = not visible
        labels.append(_Label(tag, x, y, height, attdef.dxf.flags))
    return tuple(labels)


def _reference(handle, owner: str, block: str, x: float, y: float, rotation: float,
               labels: tuple[_Label, ...], values: dict[str, str]) -> str:
    """One rack's block reference as DXF text (R2010 groups): the INSERT at (x, y) turned by `rotation`
    degrees, one ATTRIB per label at its point turned and moved with the reference, then SEQEND.
    `handle()` gives each entity its handle; the ATTRIBs and SEQEND are owned by the INSERT. Values are
    fixed as ezdxf fixes a TEXT's (one line, no trailing caret)."""
    from ezdxf.lldxf.validator import fix_one_line_text

    own = handle()
    turn = f" 50\n{float(rotation)!r}\n" if rotation else ""
    c, s = math.cos(math.radians(rotation)), math.sin(math.radians(rotation))
    parts = [f"  0\nINSERT\n  5\n{own}\n330\n{owner}\n100\nAcDbEntity\n  8\nRACKS\n100\nAcDbBlockReference\n"
             f" 66\n1\n  2\n{block}\n 10\n{float(x)!r}\n 20\n{float(y)!r}\n 30\n0.0\n{turn}"]
    for label in labels:
        px, py = repr(x + label.x * c - label.y * s), repr(y + label.x * s + label.y * c)
        parts.append(f"  0\nATTRIB\n  5\n{handle()}\n330\n{own}\n100\nAcDbEntity\n  8\n0\n100\nAcDbText\n"
                     f" 10\n{px}\n 20\n{py}\n 30\n0.0\n 40\n{label.height!r}\n  1\n{fix_one_line_text(values[label.tag])}\n"
                     f"{turn} 72\n1\n 11\n{px}\n 21\n{py}\n 31\n0.0\n100\nAcDbAttribute\n  2\n{label.tag}\n"
                     f" 70\n{label.flags}\n 74\n2\n")
    parts.append(f"  0\nSEQEND\n  5\n{handle()}\n330\n{own}\n100\nAcDbEntity\n  8\nRACKS\n")
    return "".join(parts)


def _drawing(design: Design):
    """(the floor plan as an ezdxf document without its rack references, the references as DXF text for
    its ENTITIES section); see the module docstring."""
    ezdxf = _ezdxf()
    from rackcad.analysis import summary
    from rackcad.analysis.blockwise import rack_rows_blocks
    from rackcad.export.svg import floor_per_block

    doc = ezdxf.new("R2010", setup=True)
    doc.units = ezdxf.units.MM
    doc.header["$MEASUREMENT"] = 1
    for name, colour in LAYERS.items():
        doc.layers.add(name, color=colour)
    msp = doc.modelspace()
    per_block = floor_per_block(design) if design.instances else None
    if per_block is None:
        layout = floor_layout(design)
        power = {r["id"]: r for r in summary(design, paths=False)["per_rack"]}
    else:  # a hall of one-rack instances: every rack, the runs of what differs, rack power per block
        drawn, figures, _, pieces = per_block
        layout = floor_layout(drawn, index=figures)
        power = rack_rows_blocks(design, pieces)
    depth = layout.depth_mm

    def flip(points):
        return [(x, depth - y) for x, y in points]

    floor = design.floor
    outline = [tuple(p) for p in floor.outline] or [(0, 0), (floor.width_mm, 0), (floor.width_mm, depth), (0, depth)]
    msp.add_lwpolyline(flip(outline), close=True, dxfattribs={"layer": "HALL"})
    for keepout in floor.keepouts:
        msp.add_lwpolyline(flip([tuple(p) for p in keepout.points]), close=True, dxfattribs={"layer": "KEEPOUT"})
        if keepout.name:
            cx = sum(p[0] for p in keepout.points) / len(keepout.points)
            cy = sum(p[1] for p in keepout.points) / len(keepout.points)
            msp.add_text(keepout.name, height=100, dxfattribs={"layer": "LABELS"}).set_placement(
                (cx, depth - cy), align=ezdxf.enums.TextEntityAlignment.MIDDLE_CENTER)
    blocks: dict[str, tuple[_Label, ...]] = {}
    handle, owner = doc.entitydb.next_handle, msp.block_record_handle
    references = []
    for footprint in layout.racks:
        name = block_name(footprint.part)
        labels = blocks.get(name)
        if labels is None:
            labels = blocks[name] = _rack_block(doc, name, footprint.w, footprint.d)
        row = power.get(footprint.id, {})
        references.append(_reference(handle, owner, name, footprint.x, depth - footprint.y, -footprint.rotation_deg,
                                     labels, {
            "NAME": footprint.name, "PART": footprint.part, "RACK_ID": footprint.id,
            "POWER_KW": f"{row.get('power_w', 0) / 1000:.1f} kW",
            "BUDGET_KW": f"{row['power_budget_w'] / 1000:.1f} kW" if row.get("power_budget_w") else ""}))
    if layout.racks:
        strips = []
        for footprint in layout.racks:
            (x0, y0), (x1, y1) = footprint.front
            nx, ny = (y1 - y0), -(x1 - x0)  # outward normal of the front edge (away from the rack body)
            length = math.hypot(nx, ny) or 1.0
            nx, ny = nx / length * AISLE_MM, ny / length * AISLE_MM
            strips.append(Polygon([(x0, y0), (x1, y1), (x1 + nx, y1 + ny), (x0 + nx, y0 + ny)]))
        racks = unary_union([Polygon(f.polygon) for f in layout.racks])
        aisles = unary_union(strips).difference(racks)
        for polygon in getattr(aisles, "geoms", [aisles]):
            if not polygon.is_empty and polygon.geom_type == "Polygon":
                msp.add_lwpolyline(flip(list(polygon.exterior.coords)[:-1]), close=True,
                                   dxfattribs={"layer": "AISLES"})
    names = {r.id: r.name for r in layout.racks}
    schedule_x, line_y = floor.width_mm + 600, depth
    if layout.runs:
        msp.add_text("Cable runs between racks", height=140, dxfattribs={"layer": "LABELS"}).set_placement(
            (schedule_x, line_y))
    for number, run in enumerate(layout.runs, 1):
        msp.add_lwpolyline(flip(run.points), dxfattribs={"layer": "CABLE-TRAYS"})
        lengths = ""
        if run.min_length_m is not None:
            lengths = (f", {run.min_length_m:.1f} m" if run.min_length_m == run.max_length_m
                       else f", {run.min_length_m:.1f}-{run.max_length_m:.1f} m")
        line_y -= 160
        msp.add_text(f"{names[run.a]} - {names[run.b]}: {run.count:,} links{lengths}", height=100,
                     dxfattribs={"layer": "LABELS"}).set_placement((schedule_x, line_y))
    msp.add_text(f"{design.name}: floor plan (mm)", height=250, dxfattribs={"layer": "LABELS"}).set_placement(
        (0, depth + 400))
    return doc, "".join(references)


ENTITIES_END = "  0\nENDSEC\n"


def dxf_text(design: Design) -> str:
    """The floor plan as DXF text: ezdxf's document with the rack references at the end of its ENTITIES
    section (after everything ezdxf drew, as they were added last before). The handles of the references
    came from the document's generator before it wrote its $HANDSEED, so every handle is unique."""
    doc, references = _drawing(design)
    stream = io.StringIO()
    doc.write(stream)
    text = stream.getvalue()
    start = text.index("  2\nENTITIES\n")
    end = text.index(ENTITIES_END, start)
    return text[:end] + references + text[end:]


def write_dxf(design: Design, path: str | Path, progress: Progress | None = None) -> None:
    """Write the floor plan DXF atomically; `progress` hears of its two steps (drawing, writing)."""
    if progress:
        progress(0, 2, "DXF: drawing the floor plan")
    text = dxf_text(design)
    if progress:
        progress(1, 2, "DXF: writing")
    write_bytes(path, text.encode("utf-8"))
    if progress:
        progress(2, 2, "DXF: done")


@dataclass
class Hall:
    """What a building DXF gave: the outline and keep-outs in hall millimetres (y down), and the hall size."""

    outline: list[list[float]]
    keepouts: list[KeepOut]
    width_mm: float
    depth_mm: float


def _closed_shapes(msp, scale: float) -> list[tuple[str, Polygon]]:
    shapes = []
    for entity in msp.query("LWPOLYLINE POLYLINE CIRCLE"):
        layer = entity.dxf.layer
        kind = entity.dxftype()
        if kind == "CIRCLE":
            c, r = entity.dxf.center, entity.dxf.radius * scale
            points = [(c.x * scale + r * math.cos(a), c.y * scale + r * math.sin(a))
                      for a in (2 * math.pi * k / 24 for k in range(24))]
        elif kind == "LWPOLYLINE":
            if not entity.closed:
                continue
            points = [(x * scale, y * scale) for x, y in entity.get_points("xy")]
        else:
            if not entity.is_closed or not entity.is_2d_polyline:
                continue
            points = [(v.dxf.location.x * scale, v.dxf.location.y * scale) for v in entity.vertices]
        if len(points) >= 3:
            polygon = Polygon(points)
            if polygon.area > 0:
                shapes.append((layer, polygon))
    return shapes


def read_hall(path: str | Path) -> Hall:
    """The hall outline and keep-out areas of a building DXF (see the module docstring)."""
    ezdxf = _ezdxf()
    path = Path(path)
    try:
        if path.stat().st_size > MAX_DXF_BYTES:
            raise InteropError(f"{path}: larger than {MAX_DXF_BYTES:,} bytes")
        doc = ezdxf.readfile(path)
    except (OSError, ezdxf.DXFError) as exc:
        raise InteropError(f"{path}: not a readable DXF file ({getattr(exc, 'strerror', None) or exc})") from None
    scale = UNIT_MM.get(int(doc.header.get("$INSUNITS", 0)), 1.0)
    shapes = _closed_shapes(doc.modelspace(), scale)
    if not shapes:
        raise InteropError(f"{path}: no closed polyline or circle to take as the hall outline")
    outlines = [s for s in shapes if OUTLINE_LAYERS.search(s[0])] or shapes
    outline = max(outlines, key=lambda s: s[1].area)[1]
    flagged = [s for s in shapes if KEEPOUT_LAYERS.search(s[0]) and s[1] is not outline]
    others = [s for s in shapes if s[1] is not outline and not NOT_OBSTACLES.search(s[0])
              and outline.contains(s[1].representative_point())]
    chosen = flagged or others
    min_x, min_y, max_x, max_y = outline.bounds

    def to_hall(polygon: Polygon) -> list[list[float]]:
        return [[round(x - min_x, 3), round(max_y - y, 3)] for x, y in list(polygon.exterior.coords)[:-1]]

    keepouts = [KeepOut(name=f"{layer} {i + 1}", points=to_hall(polygon)) for i, (layer, polygon) in enumerate(chosen)]
    return Hall(outline=to_hall(outline), keepouts=keepouts, width_mm=round(max_x - min_x, 3),
                depth_mm=round(max_y - min_y, 3))


def apply_hall(design: Design, hall: Hall) -> Design:
    """A copy of `design` standing in `hall` (outline, keep-outs, hall size; the grid kept)."""
    floor = design.floor.model_copy(update={"outline": hall.outline, "keepouts": hall.keepouts,
                                            "width_mm": hall.width_mm, "depth_mm": hall.depth_mm})
    return design.model_copy(update={"floor": type(design.floor).model_validate(floor.model_dump())})
