"""Rows and cable trays of the hall, edited through the Document, each edit one undo step (Qt-free).

Rows and trays live in the floor plan (`FloorPlan.rows`, `FloorPlan.trays`), so their edits are design
edits (`Document.set_design(floor=...)`); an edit that moves a row moves the racks in its slots in the same
step. Racks snap into row slots (`snap`): their position becomes the slot's (rackcad.figures.hall) and
remembers the row and slot; moving a rack by hand takes it out of the row.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rackcad.figures import hall
from rackcad.model import FloorPlan, Instance, Rack, Row, Tray
from rackcad.text import shown

if TYPE_CHECKING:
    from rackcad.document import Document


def _error(message: str):
    from rackcad.document import EditError

    return EditError(message)


def _floor_ids(floor: FloorPlan) -> set[str]:
    return {item.id for item in (*floor.rows, *floor.trays)}


def _new_id(doc: "Document", prefix: str) -> str:
    taken = _floor_ids(doc.design.floor)
    while True:
        candidate = doc.new_id(prefix)
        if candidate not in taken:
            return candidate


def _validated(model, data: dict):
    from rackcad.document import _validated as validated

    return validated(model, data)


def _floor(doc: "Document", **changes) -> FloorPlan:
    return _validated(FloorPlan, {**doc.design.floor.model_dump(), **{
        k: [item.model_dump() for item in v] for k, v in changes.items()}})


def _find(items, item_id: str, what: str):
    found = next((item for item in items if item.id == item_id), None)
    if found is None:
        raise _error(f"no {what} with id {shown(item_id)}")
    return found


def row(doc: "Document", row_id: str) -> Row:
    return _find(doc.design.floor.rows, row_id, "row")


def tray(doc: "Document", tray_id: str) -> Tray:
    return _find(doc.design.floor.trays, tray_id, "cable tray")


def _changed(old, fields: dict):
    """`old` (a row or tray) with `fields` changed, validated; None when nothing changes. Ids stay."""
    if "id" in fields and fields["id"] != old.id:
        raise _error("ids are stable and cannot be changed")
    new = _validated(type(old), {**old.model_dump(), **fields})
    return None if new == old else new


def _replaced(items, new) -> list:
    return [new if item.id == new.id else item for item in items]


# ---------------------------------------------------------------------- rows
def add_row(doc: "Document", origin: Sequence[float], *, name: str | None = None, **fields) -> str:
    """Add a row (fields as `Row`: direction_deg, pitch_mm, slots, depth_mm, cold_aisle). Returns its id."""
    row_id = _new_id(doc, "ROW")
    new = _validated(Row, {"id": row_id, "name": name or f"Row {len(doc.design.floor.rows) + 1}",
                           "origin": [float(v) for v in origin], **fields})
    doc.set_design(floor=_floor(doc, rows=[*doc.design.floor.rows, new]), label=f"Add row {new.name}")
    return row_id


def members(doc: "Document", row_id: str) -> list[Rack]:
    """The racks placed in the row's slots, in slot order."""
    return sorted((r for r in doc.design.racks if r.position.row == row_id), key=lambda r: r.position.slot or 0)


def placed(doc: "Document", row_id: str) -> list[Rack | Instance]:
    """Everything standing in the row's slots, racks and placed blocks (instances), in slot order."""
    items = [*doc.design.racks, *doc.design.instances]
    return sorted((i for i in items if i.position.row == row_id), key=lambda i: i.position.slot or 0)


def _part_of(doc: "Document", item: Rack | Instance):
    """The rack part whose footprint fills the slot: a rack's own; an instance's is its block's rack at the
    block's origin (the first rack when none stands there)."""
    if isinstance(item, Rack):
        return doc.catalog.find(item.part)
    block = next((b for b in doc.design.blocks if b.id == item.block), None)
    if block is None or not block.racks:
        return None
    at_origin = [r for r in block.racks if r.position.x_mm == 0 and r.position.y_mm == 0]
    return doc.catalog.find((at_origin or block.racks)[0].part)


def set_row(doc: "Document", row_id: str, **fields) -> None:
    """Change a row's fields; the racks and placed blocks in its slots move with it (one undo step). A row
    may not shrink below a slot that holds one."""
    old = row(doc, row_id)
    new = _changed(old, fields)
    if new is None:
        return
    racks = placed(doc, row_id)
    beyond = [r.name for r in racks if r.position.slot is not None and r.position.slot >= new.slots]
    if beyond:
        raise _error(f"row {hall.name_of(old)} keeps {', '.join(beyond)} beyond {new.slots} slots; "
                     "move them out first")
    with doc.batch(f"Change row {hall.name_of(new)}"):
        doc.set_design(floor=_floor(doc, rows=_replaced(doc.design.floor.rows, new)))
        for rack in racks:
            if rack.position.slot is not None:
                doc.set(rack.id, position=hall.slot_position(new, rack.position.slot, _part_of(doc, rack)))


def remove_row(doc: "Document", row_id: str) -> None:
    """Delete a row; its racks and placed blocks stay where they stand, out of any row (one undo step)."""
    old = row(doc, row_id)
    with doc.batch(f"Delete row {hall.name_of(old)}"):
        for rack in placed(doc, row_id):
            doc.set(rack.id, position=rack.position.model_copy(update={"row": None, "slot": None}))
        doc.set_design(floor=_floor(doc, rows=[r for r in doc.design.floor.rows if r.id != row_id]))


def free_slots(doc: "Document", row_id: str, ignore: str | None = None) -> list[int]:
    taken = {r.position.slot for r in placed(doc, row_id) if r.id != ignore}
    return [i for i in range(row(doc, row_id).slots) if i not in taken]


def snap(doc: "Document", rack_ids: Sequence[str], row_id: str, slot: int | None = None) -> list[int]:
    """Put racks into free slots of a row, from `slot` on (default: the first free one), turned to face the
    row's cold aisle. One undo step; returns the slots used."""
    target = row(doc, row_id)
    racks = [doc.get(i) for i in rack_ids]
    if not racks or not all(isinstance(r, Rack) for r in racks):
        raise _error("select racks to put into the row")
    moving = {r.id for r in racks}
    taken = {r.position.slot for r in placed(doc, row_id) if r.id not in moving}
    start = 0 if slot is None else slot
    if slot is not None and not 0 <= slot < target.slots:
        raise _error(f"row {hall.name_of(target)} has slots 1-{target.slots}, not {slot + 1}")
    free = [i for i in range(start, target.slots) if i not in taken]
    if slot is not None and free[:1] != [slot]:
        raise _error(f"slot {slot + 1} of row {hall.name_of(target)} holds a rack already")
    if len(free) < len(racks):
        raise _error(f"row {hall.name_of(target)} has {len(free)} free slots from slot {start + 1}, "
                     f"not {len(racks)}")
    label = f"Put {racks[0].name if len(racks) == 1 else f'{len(racks)} racks'} in row {hall.name_of(target)}"
    with doc.batch(label):
        for rack, i in zip(racks, free):
            doc.set(rack.id, position=hall.slot_position(target, i, doc.catalog.find(rack.part)))
    return free[:len(racks)]


def row_at(doc: "Document", x: float, y: float) -> tuple[Row, int] | None:
    """The row and slot whose band holds the point (hall mm), or None."""
    for candidate in doc.design.floor.rows:
        slot = hall.nearest_slot(candidate, x, y)
        if slot is not None:
            return candidate, slot
    return None


# ---------------------------------------------------------------------- trays
def add_tray(doc: "Document", points: Sequence[Sequence[float]], *, name: str | None = None, **fields) -> str:
    """Add a cable tray along `points` (fields as `Tray`: level, width_mm, height_mm, fill_limit,
    elevation_mm). Returns its id."""
    tray_id = _new_id(doc, "TR")
    new = _validated(Tray, {"id": tray_id, "name": name or f"Tray {len(doc.design.floor.trays) + 1}",
                            "points": [[float(v) for v in p] for p in points], **fields})
    doc.set_design(floor=_floor(doc, trays=[*doc.design.floor.trays, new]), label=f"Add tray {new.name}")
    return tray_id


def set_tray(doc: "Document", tray_id: str, **fields) -> None:
    """Change a tray's fields (one undo step); every route through it follows."""
    new = _changed(tray(doc, tray_id), fields)
    if new is None:
        return
    doc.set_design(floor=_floor(doc, trays=_replaced(doc.design.floor.trays, new)),
                   label=f"Change tray {hall.name_of(new)}")


def remove_tray(doc: "Document", tray_id: str) -> None:
    old = tray(doc, tray_id)
    doc.set_design(floor=_floor(doc, trays=[t for t in doc.design.floor.trays if t.id != tray_id]),
                   label=f"Delete tray {hall.name_of(old)}")
