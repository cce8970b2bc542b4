"""Copy, paste, duplicate, arrays and "fill rack", Qt-free.

A copy is a `Snippet`: the chosen racks and parts with everything inside them, and the links between them
(a rack's internal wiring, a tray's NVLink-C2C), as plain JSON that names catalog parts only, so it pastes
into any design. Pasting re-creates every item through the Document's verbs (`add_rack`, `place`,
`connect`), so every check they make applies, in one undo step; new items get new ids and names by the
naming scheme (CT03, CT03/GPU1 ...).

Where a paste lands:
- racks: new racks, next in the first row of the floor plan;
- rack-mounted parts: into the target rack (or their own) as one block, at their own U when it is free,
  else at the lowest U where the whole block fits;
- parts in bays: into the target tray (or their own), in their own bay when it is free, else the first free
  bay that takes them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pydantic import ValidationError

from rackcad.editing.naming import next_name, prefix, unique_name
from rackcad.model import Link, Node, Rack

if TYPE_CHECKING:
    from rackcad.document import Document

FORMAT = "rackcad-clipboard"
VERSION = 1
MIME = "application/x-rackcad-items"
"""The clipboard format of RackCAD (the same JSON also goes on the clipboard as text)."""


@dataclass
class Snippet:
    """Copied items: `racks`, `nodes` (parents before children) and `links`; `roots` are the items chosen
    (the others come along inside them)."""

    racks: list[Rack] = field(default_factory=list)
    nodes: list[Node] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    roots: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.racks or self.nodes)

    def describe(self) -> str:
        """'rack NVL72', 'CT01', '3 items' - for menus and undo labels."""
        names = {item.id: item.name for item in [*self.racks, *self.nodes]}
        if len(self.roots) == 1:
            return names.get(self.roots[0], self.roots[0])
        return f"{len(self.roots)} items"

    def to_json(self) -> str:
        return json.dumps({
            "format": FORMAT, "version": VERSION, "roots": self.roots,
            "racks": [r.model_dump(mode="json") for r in self.racks],
            "nodes": [n.model_dump(mode="json") for n in self.nodes],
            "links": [x.model_dump(mode="json") for x in self.links],
        }, indent=1)

    @classmethod
    def from_json(cls, text: str) -> "Snippet":
        """Read a snippet; EditError with the reason when `text` is not one."""
        from rackcad.document import EditError

        try:
            data = json.loads(text)
        except (ValueError, RecursionError):
            raise EditError("the clipboard does not hold RackCAD items (not JSON)") from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise EditError("the clipboard does not hold RackCAD items")
        if data.get("version") != VERSION:
            raise EditError(f"clipboard items of version {data.get('version')!r} (this RackCAD reads {VERSION})")
        try:
            return cls(racks=[Rack.model_validate(r) for r in data.get("racks", [])],
                       nodes=[Node.model_validate(n) for n in data.get("nodes", [])],
                       links=[Link.model_validate(x) for x in data.get("links", [])],
                       roots=[str(r) for r in data.get("roots", [])])
        except (ValidationError, TypeError, AttributeError) as exc:
            raise EditError(f"the clipboard items are damaged: {str(exc).splitlines()[0]}") from None


def copy(doc: "Document", ids: list[str]) -> Snippet:
    """A snippet of `ids` (racks, parts; links between copied parts come along; selected links alone do not)."""
    chosen = [i for i in dict.fromkeys(ids) if doc.find(i) is not None and not isinstance(doc.find(i), Link)]
    chosen_set = set(chosen)
    roots = [i for i in chosen if not (_ancestors(doc, i) & chosen_set)]
    racks: list[Rack] = []
    nodes: list[Node] = []
    for root in roots:
        item = doc.get(root)
        if isinstance(item, Rack):
            racks.append(item)
        else:
            nodes.append(item)
        nodes.extend(_tree(doc, root))
    inside = {n.id for n in nodes}
    links = {link.id: link for node in inside for link in doc.links_of(node)
             if link.a.node in inside and link.b.node in inside}
    order = {link.id: i for i, link in enumerate(doc.design.links)} if links else {}
    return Snippet(racks, nodes, sorted(links.values(), key=lambda x: order[x.id]), roots)


def _ancestors(doc: "Document", item_id: str) -> set[str]:
    out: set[str] = set()
    item = doc.find(item_id)
    while isinstance(item, Node):
        out.add(item.parent)
        item = doc.find(item.parent)
    return out


def _tree(doc: "Document", parent: str) -> list[Node]:
    """Everything under `parent`, parents before children, in bay / U order."""
    out: list[Node] = []
    for child in sorted(doc.children(parent), key=lambda n: (n.u if n.u is not None else 0, n.bay or 0)):
        out.append(child)
        out.extend(_tree(doc, child.id))
    return out


def paste(doc: "Document", snippet: Snippet, target: str | None = None, label: str | None = None,
          offset_u: float | None = None) -> list[str]:
    """Re-create `snippet` in `doc` (one undo step): racks as new racks; rack-mounted parts into `target`
    (a rack, or the rack of a part) or their own rack; bay parts into `target` (a tray) or their own tray.
    `offset_u`: place the rack-mounted block at least this many U above where it was (arrays).
    Returns the new ids of the roots. EditError, the design unchanged, when something does not fit."""
    from rackcad.document import EditError

    if not snippet:
        raise EditError("nothing to paste")
    new_ids: dict[str, str] = {}
    roots: list[str] = []
    root_set = set(snippet.roots)
    with doc.batch(label or f"Paste {snippet.describe()}"):
        taken = {r.name for r in doc.design.racks}
        for rack in snippet.racks:
            fields = rack.model_dump(exclude={"id", "name", "part", "position"})
            name = unique_name(rack.name, taken)
            taken.add(name)
            new_ids[rack.id] = doc.add_rack(rack.part, name=name, **fields)
            roots.append(new_ids[rack.id])
        mounted = [n for n in snippet.nodes if n.id in root_set and n.u is not None]
        rack_target = _rack_target(doc, target, mounted)
        base = _block_base(doc, rack_target, mounted, offset_u) if mounted else None
        low = min((n.u for n in mounted), default=0)
        for node in snippet.nodes:
            parent = new_ids.get(node.parent)
            u, bay = node.u, node.bay
            if node.id in root_set:
                if node.u is not None:
                    parent, u = rack_target, base + (node.u - low)
                elif node.bay is not None:
                    parent = _tray_target(doc, target, node)
                    bay = node.bay if doc.check_place(node.part, parent, bay=node.bay) is None else \
                        _free_bay(doc, parent, node)
                else:  # side-mounted (0U) parts
                    parent = rack_target or _rack_target(doc, target, [node])
            if parent is None:
                raise EditError(f"nowhere to paste {node.name}: select a rack or tray first")
            name = _name_for(doc, node, parent, new_ids, snippet)
            new_ids[node.id] = doc.place(node.part, parent, u=u, bay=bay, name=name, overrides=dict(node.overrides))
            if node.id in root_set:
                roots.append(new_ids[node.id])
        for link in snippet.links:
            doc.connect(new_ids[link.a.node], new_ids[link.b.node], protocol=link.protocol, count=link.count,
                        medium=link.medium, length_m=link.length_m, port_a=link.a.port, port_b=link.b.port,
                        name=link.name, index_a=link.a.index, index_b=link.b.index)
    return roots


def _rack_target(doc: "Document", target: str | None, mounted: list[Node]) -> str | None:
    """The rack rack-mounted roots go to: the target's rack, else the first root's own rack if it exists."""
    if target is not None:
        item = doc.find(target)
        if isinstance(item, Rack):
            return item.id
        rack = doc.rack_of(target)
        if rack is not None:
            return rack.id
    for node in mounted:
        rack = doc.rack_of(node.parent) if doc.find(node.parent) is not None else None
        if rack is not None:
            return rack.id
    return None


def _block_base(doc: "Document", rack: str | None, mounted: list[Node], offset_u: float | None) -> float:
    """The lowest U for the block's bottom where every part of it fits, trying its own U first."""
    from rackcad.document import EditError

    if rack is None:
        raise EditError("select a rack to paste into")
    low = min(n.u for n in mounted)
    top = doc.rack_height(doc.get(rack))

    def fits(base: float) -> bool:
        return all(doc.check_place(n.part, rack, u=base + (n.u - low)) is None for n in mounted)

    start = low + offset_u if offset_u is not None else None
    if start is None and fits(low):
        return low
    base = start if start is not None else 1.0
    while base <= top:
        if fits(base):
            return base
        base += 1
    raise EditError(f"{doc.get(rack).name} has no free space for {len(mounted)} part(s) of that height")


def _tray_target(doc: "Document", target: str | None, node: Node) -> str | None:
    if target is not None:
        item = doc.find(target)
        if isinstance(item, Node) and doc.part_of(target) is not None and doc.part_of(target).bays:
            return target
        if isinstance(item, Node) and doc.find(item.parent) is not None and isinstance(doc.find(item.parent), Node):
            return item.parent  # a part inside a tray: paste beside it
    return node.parent if doc.find(node.parent) is not None else None


def _free_bay(doc: "Document", tray: str, node: Node) -> int:
    from rackcad.document import EditError

    part = doc.catalog.find(node.part)
    bay = doc.free_bay(tray, part.kind) if part else None
    if bay is None:
        raise EditError(f"{doc.get(tray).name} has no free bay for {part.model if part else node.part}")
    return bay


def _name_for(doc: "Document", node: Node, parent: str, new_ids: dict[str, str], snippet: Snippet) -> str:
    """Inside a copied tray: the tray's new name + the part's own tail (CT01/GPU3 -> CT19/GPU3). Elsewhere:
    the scheme's next name when the old one followed it, else the old name made unique."""
    part = doc.catalog.find(node.part)
    old_parent = next((n for n in snippet.nodes if n.id == node.parent), None)
    if old_parent is not None and node.parent in new_ids and node.name.startswith(old_parent.name + "/"):
        return doc.get(new_ids[node.parent]).name + node.name[len(old_parent.name):]
    if part is None:
        return unique_name(node.name, {c.name for c in doc.children(parent)})
    stem, _ = prefix(part, in_tray=not isinstance(doc.get(parent), Rack))
    tail = node.name.rsplit("/", 1)[-1]
    if tail.startswith(stem) and tail[len(stem):].isdigit():
        return next_name(doc, part, parent)
    return unique_name(node.name, {c.name for c in doc.children(parent)})


def duplicate(doc: "Document", ids: list[str]) -> list[str]:
    """Copy `ids` and paste them next to themselves (racks: a new rack; parts: the next free U or bay)."""
    snippet = copy(doc, ids)
    return paste(doc, snippet, label=f"Duplicate {snippet.describe()}", offset_u=_height(doc, snippet))


def array(doc: "Document", ids: list[str], count: int) -> list[list[str]]:
    """`count` more copies of `ids`, each above the last (parts) or next in the row (racks). One undo step."""
    from rackcad.document import EditError

    if count < 1:
        raise EditError("an array needs at least one copy")
    snippet = copy(doc, ids)
    if not snippet:
        raise EditError("nothing selected to repeat")
    out: list[list[str]] = []
    height = _height(doc, snippet)
    with doc.batch(f"Array {snippet.describe()} x {count}"):
        for i in range(count):
            out.append(paste(doc, snippet, offset_u=height * (i + 1)))
    return out


def _height(doc: "Document", snippet: Snippet) -> float:
    """How many U the snippet's rack-mounted block spans (bottom of the lowest to top of the highest)."""
    roots = [n for n in snippet.nodes if n.id in set(snippet.roots) and n.u is not None]
    if not roots:
        return 0.0
    low = min(n.u for n in roots)
    high = max(n.u + (doc.catalog.find(n.part).height_u or 1 if doc.catalog.find(n.part) else 1) for n in roots)
    return high - low


def fill_rack(doc: "Document", rack_id: str, source: str, count: int | None = None, empty: bool = False) -> list[str]:
    """Place copies of `source` (a tray or part in a rack: copied with its contents and internal links; or a
    catalog part id: placed as it ships, or bare with `empty`) into the free U of `rack_id`, bottom up, up to
    `count` (default: as many as fit). One undo step; returns the new ids."""
    from rackcad.document import EditError
    from rackcad.editing.stock import place_stock

    rack = doc.get(rack_id)
    if not isinstance(rack, Rack):
        raise EditError(f"{getattr(rack, 'name', rack_id)} is not a rack")
    item = doc.find(source)
    snippet = copy(doc, [source]) if isinstance(item, Node) else None
    part_id = item.part if isinstance(item, Node) else source
    part = doc.catalog.find(part_id)
    if part is None:
        raise EditError(f"unknown part id {part_id!r}")
    if part.mount != "rack":
        raise EditError(f"{part.model} does not mount in a rack")
    height = part.height_u or 1
    made: list[str] = []
    with doc.batch(f"Fill {rack.name} with {part.model}"):
        while count is None or len(made) < count:
            u = doc.free_u(rack_id, height)
            if u is None:
                break
            if snippet is not None:
                made += paste(doc, snippet, target=rack_id, offset_u=u - snippet.nodes[0].u)
            else:
                made.append(place_stock(doc, part_id, rack_id, u=u, name=next_name(doc, part, rack_id),
                                        empty=empty))
    if not made:
        raise EditError(f"{rack.name} has no free {height:g}U for {part.model}")
    return made
