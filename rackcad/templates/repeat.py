"""Halls of one system repeated: a design built once becomes a block, placed as instances in rows.

`rows_of(doc, build_one, count)` builds the system a template makes (in a scratch document, through the
same builder), turns its racks, nodes and links into one block (`block_of`), and places `count` instances of
it in rows on the floor: racks side by side, rows one behind the other with a cold aisle between, the hall
sized to hold them. The instances are named R0001 ... (as many digits as the count needs), so rack
R0007 of the hall is instance R0007; every part keeps its ids under the instance ("I7/G12").
"""

from __future__ import annotations

import math
from collections.abc import Callable

from rackcad.document import Document
from rackcad.figures.footprint import rack_size_mm
from rackcad.model import Block, Design, FloorPlan, FloorPosition
from rackcad.templates.base import Param

AISLE_MM = 1200.0
"""Between rows: two 600 mm floor tiles."""
MARGIN_MM = 1200.0
"""From the hall's walls to the first rack and row."""
RACKS_PER_ROW = 32
MAX_RACKS = 2_048
"""Racks a repeated-rack template builds at most: a 128k-GPU site is about 1,800 NVL72 racks."""


def racks_param() -> Param:
    """The `racks` parameter of a one-rack template: how many independent copies, in rows."""
    return Param(1, f"independent racks, in rows on the floor (1-{MAX_RACKS:,}); more than one are instances of "
                 "one rack block", record_default=False, bounds=(1, MAX_RACKS))


def repeated(builder: Callable[..., None], name: str) -> Callable[..., None]:
    """A one-rack builder that also takes `racks`: one rack as before, or a hall of `racks` instances of
    that rack as one block (`rows_of`)."""
    def build(doc: Document, racks: int = 1, **params) -> None:
        if racks == 1:
            builder(doc, **params)
        else:
            rows_of(doc, lambda target: builder(target, **params), racks, name)
    build.__doc__ = builder.__doc__
    return build


def block_of(design: Design, name: str) -> Block:
    """The design's racks, nodes and links as a block, positions relative to its first rack's."""
    origin = design.racks[0].position if design.racks else FloorPosition()
    racks = [rack.model_copy(update={"position": FloorPosition(
        x_mm=rack.position.x_mm - origin.x_mm, y_mm=rack.position.y_mm - origin.y_mm,
        rotation_deg=rack.position.rotation_deg)}) for rack in design.racks]
    return Block(id="block", name=name, racks=racks, nodes=list(design.nodes), links=list(design.links))


def rows_of(doc: Document, build_one: Callable[[Document], None], count: int, name: str) -> list[str]:
    """Build one system with `build_one`, make it a block and place `count` instances of it in rows
    (RACKS_PER_ROW blocks a row). Returns the instance ids."""
    scratch = Document(catalog=doc.catalog)
    build_one(scratch)
    block = block_of(scratch.design, name)
    block_id = doc.add_block(block)
    width = depth = 0.0
    for rack in block.racks:
        w, d = rack_size_mm(doc.catalog.find(rack.part))
        width = max(width, rack.position.x_mm + w)
        depth = max(depth, rack.position.y_mm + d)
    per_row = min(count, RACKS_PER_ROW)
    rows = math.ceil(count / per_row)
    digits = max(4, len(str(count)))
    ids = []
    with doc.batch(f"Place {count:,} x {name}"):
        for i in range(count):
            row, column = divmod(i, per_row)
            position = FloorPosition(x_mm=MARGIN_MM + column * width, y_mm=MARGIN_MM + row * (depth + AISLE_MM))
            ids.append(doc.add_instance(block_id, name=f"R{i + 1:0{digits}d}", position=position))
    hall_w = 2 * MARGIN_MM + per_row * width
    hall_d = 2 * MARGIN_MM + rows * depth + (rows - 1) * AISLE_MM
    doc.set_design(floor=FloorPlan(width_mm=math.ceil(hall_w / 600) * 600, depth_mm=math.ceil(hall_d / 600) * 600),
                   label="Fit the hall")
    return ids
