"""Stock parts: a tray placed from the catalog arrives as it ships (the part's `contents` and `wiring`).

A GB200 compute tray arrives with its 2 Grace CPUs, 4 Blackwell GPUs, 4 ConnectX-7 and 2 BlueField-3, each
Grace joined to its two GPUs over NVLink-C2C; a switch tray with its switch chips. `empty=True` places the
bare sled for a custom build.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rackcad.editing.naming import next_name
from rackcad.editing.wiring import wire_each_to_each

if TYPE_CHECKING:
    from rackcad.document import Document


def place_stock(doc: "Document", part_id: str, parent: str, u: float | None = None, bay: int | None = None,
                name: str | None = None, empty: bool = False) -> str:
    """Place `part_id` and, unless `empty`, what it ships with. One undo step; returns the new id."""
    part = doc.catalog.get(part_id)
    if empty or not part.contents:
        return doc.place(part_id, parent, u=u, bay=bay, name=name)
    with doc.batch(f"Place {part.model}"):
        node = doc.place(part_id, parent, u=u, bay=bay, name=name)
        populate(doc, node)
    return node


def populate(doc: "Document", tray_id: str) -> list[str]:
    """Fill the free bays of `tray_id` with its catalog contents and make its internal links. Returns the ids
    of the parts placed. Refused (EditError) when a content part is unknown or does not fit."""
    from rackcad.document import EditError

    part = doc.part_of(tray_id)
    if part is None:
        raise EditError(f"{doc.get(tray_id).name} has an unknown part")
    placed: list[str] = []
    by_kind: dict[str, list[str]] = {}
    tray_name = doc.get(tray_id).name
    for content in part.contents:
        spec = doc.catalog.find(content.part)
        if spec is None:
            raise EditError(f"{part.id} lists unknown content part {content.part!r}")
        for _ in range(content.count):
            bay = doc.free_bay(tray_id, spec.kind)
            if bay is None:
                raise EditError(f"{tray_name} has no free bay for {spec.model}")
            node = doc.place(content.part, tray_id, bay=bay, name=next_name(doc, spec, tray_id))
            placed.append(node)
            by_kind.setdefault(spec.kind, []).append(node)
            if spec.contents:
                placed += populate(doc, node)
    for wiring in part.wiring:
        a_nodes, b_nodes = by_kind.get(wiring.a, []), by_kind.get(wiring.b, [])
        if not a_nodes or not b_nodes:
            continue
        if wiring.pattern == "share":
            share = max(len(b_nodes) // len(a_nodes), 1)
            for i, a in enumerate(a_nodes):
                for b in b_nodes[i * share:(i + 1) * share]:
                    doc.connect(a, b, protocol=wiring.protocol, medium=wiring.medium,
                                port_a=wiring.port_a, port_b=wiring.port_b)
        else:
            wire_each_to_each(doc, a_nodes, b_nodes, wiring.port_a, wiring.port_b, per_pair=wiring.counts,
                              medium=wiring.medium)
    return placed
