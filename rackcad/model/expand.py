"""The expanded view of a design with blocks: ordinary Rack, Node and Link objects with stable ids.

An instance's items get the id `"<instance id>/<local id>"`; a pattern's links `"<pattern id>/<row>"`.
A one-rack block's rack takes the instance's name (an NVL72 instance named R0007 is rack R0007); in a
block of several racks each rack is `"<instance name>/<rack name>"`. Node and link names are the block's.
Rack positions are the block's turned by the instance's rotation and moved to its origin.

Expansion is pure and per instance: `instance_items` builds one instance's items (cached while the
instance and its block are the same objects), `pattern_links` one pattern's; `expanded(design)` builds the
whole flat design (own items first, then every instance in order, then every pattern) and is what a
check of the whole hall is compared against.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Iterator
from typing import NamedTuple

from rackcad.model.blocks import SEPARATOR, Block, Instance, LinkPattern, expanded_id, split_id
from rackcad.model.design import Design, FloorPosition, Link, Node, PortRef, Rack


class Items(NamedTuple):
    """One instance's (or pattern's) expanded items, in the block's order."""

    racks: list[Rack]
    nodes: list[Node]
    links: list[Link]
    by_id: dict[str, Rack | Node | Link]
    children: dict[str, list[Node]]
    """parent id -> the nodes in it."""
    links_of: dict[str, list[Link]]
    """node id -> the links with an end on it."""


_CACHE: OrderedDict[int, tuple[object, object, Items]] = OrderedDict()
CACHE_SIZE = 4096
"""Instances (and patterns) whose expanded items are kept; the least recently used go first."""


def _cached(key_obj: object, dep: object, build) -> Items:
    key = id(key_obj)
    hit = _CACHE.get(key)
    if hit is not None and hit[0] is key_obj and hit[1] is dep:
        _CACHE.move_to_end(key)
        return hit[2]
    items = build()
    _CACHE[key] = (key_obj, dep, items)
    if len(_CACHE) > CACHE_SIZE:
        _CACHE.popitem(last=False)
    return items


def place(origin: FloorPosition, local: FloorPosition) -> FloorPosition:
    """A position relative to a block's origin placed at `origin` (turned by its rotation, then moved). The
    hall, row and slot are the local position's, else the origin's: an instance snapped into a row slot
    puts its rack there."""
    if origin.rotation_deg:
        theta = math.radians(origin.rotation_deg)
        c, s = math.cos(theta), math.sin(theta)
        x = origin.x_mm + local.x_mm * c - local.y_mm * s
        y = origin.y_mm + local.x_mm * s + local.y_mm * c
    else:
        x, y = origin.x_mm + local.x_mm, origin.y_mm + local.y_mm
    rotation = origin.rotation_deg + local.rotation_deg
    if rotation > 360 or rotation < -360:
        rotation = math.fmod(rotation, 360.0)
    return FloorPosition.model_construct(
        x_mm=x, y_mm=y, rotation_deg=rotation, hall=local.hall if local.hall is not None else origin.hall,
        row=local.row if local.row is not None else origin.row,
        slot=local.slot if local.row is not None else origin.slot)


def unplace(origin: FloorPosition, absolute: FloorPosition) -> FloorPosition:
    """The inverse of `place`: where an absolute position is relative to the block's origin."""
    dx, dy = absolute.x_mm - origin.x_mm, absolute.y_mm - origin.y_mm
    if origin.rotation_deg:
        theta = math.radians(origin.rotation_deg)
        c, s = math.cos(theta), math.sin(theta)
        dx, dy = dx * c + dy * s, -dx * s + dy * c
    rotation = absolute.rotation_deg - origin.rotation_deg
    if rotation > 360 or rotation < -360:
        rotation = math.fmod(rotation, 360.0)
    return FloorPosition(x_mm=dx, y_mm=dy, rotation_deg=rotation)


def rack_name(instance: Instance, block: Block, rack: Rack) -> str:
    """The expanded name of a block's rack in `instance` (before any per-instance change of it)."""
    return instance.name if len(block.racks) == 1 else f"{instance.name}{SEPARATOR}{rack.name}"


def _port(ref: PortRef, prefix: str) -> PortRef:
    return ref.model_copy(update={"node": prefix + ref.node})


def _changed(item, fields: dict):
    return type(item).model_validate({**item.model_dump(), **fields})


def _copies(items: list, removed: set[str], changed: dict[str, dict], update) -> list:
    """The block's items this instance keeps, each with its changed fields and then `update(item, changed
    fields)` applied (new ids, names, positions)."""
    out = []
    for item in items:
        if item.id in removed:
            continue
        fields = changed.get(item.id)
        if fields is not None:
            item = _changed(item, fields)
        out.append(item.model_copy(update=update(item, fields or {})))
    return out


def _build_instance(instance: Instance, block: Block) -> Items:
    removed, changed = set(instance.removed), instance.changed
    update = _placing(instance, block)
    return _items(*(_copies(items, removed, changed, update) for items in (block.racks, block.nodes, block.links)))


def _placing(instance: Instance, block: Block):
    """`update(item, changed fields)`: the fields a block's item takes in `instance` (ids, rack names and
    positions, link ends)."""
    prefix = instance.id + SEPARATOR

    def update(item, fields: dict) -> dict:
        if isinstance(item, Rack):
            return {"id": prefix + item.id, "position": place(instance.position, item.position),
                    "name": item.name if "name" in fields else rack_name(instance, block, item)}
        if isinstance(item, Node):
            return {"id": prefix + item.id, "parent": prefix + item.parent}
        return {"id": prefix + item.id, "a": _port(item.a, prefix), "b": _port(item.b, prefix)}

    return update


def _items(racks: list[Rack], nodes: list[Node], links: list[Link]) -> Items:
    children: dict[str, list[Node]] = {}
    for node in nodes:
        children.setdefault(node.parent, []).append(node)
    links_of: dict[str, list[Link]] = {}
    for link in links:
        links_of.setdefault(link.a.node, []).append(link)
        if link.b.node != link.a.node:
            links_of.setdefault(link.b.node, []).append(link)
    return Items(racks, nodes, links, {item.id: item for group in (racks, nodes, links) for item in group},
                 children, links_of)


def instance_items(design: Design, instance: Instance) -> Items:
    """The instance's racks, nodes and links as the expanded design holds them (cached; do not mutate).

    Items the instance removed are left out, and so is whatever is inside a removed rack or tray and every
    link touching a removed node: removing a tray removes what it holds, as the editor does."""
    block = design.block(instance.block)
    return _cached(instance, block, lambda: expand_instance(instance, block))


def expand_instance(instance: Instance, block: Block) -> Items:
    """`instance_items` without the cache: the items of `instance` of `block`, built now."""
    items = _build_instance(instance, block)
    if not instance.removed:
        return items
    gone = {instance.id + SEPARATOR + local for local in instance.removed}
    kept_racks = [r for r in items.racks if r.id not in gone]
    present = {r.id for r in kept_racks}
    nodes: list[Node] = []
    pending = [n for n in items.nodes if n.id not in gone]
    by_id = {n.id: n for n in pending}
    for node in pending:
        current, seen = node, set()
        while current is not None and current.parent not in present and current.id not in seen:
            seen.add(current.id)
            current = by_id.get(current.parent)
        if current is not None and current.parent in present:
            nodes.append(node)
    alive = {n.id for n in nodes}
    links = [link for link in items.links if link.id not in gone and link.a.node in alive and link.b.node in alive]
    return _items(kept_racks, nodes, links)


def instance_racks(design: Design, instance: Instance) -> list[Rack]:
    """Only the instance's racks (what the floor plan needs), without building its nodes and links."""
    block = design.block(instance.block)
    if instance.removed:
        return instance_items(design, instance).racks
    if instance.changed:
        return _copies(block.racks, set(), instance.changed, _placing(instance, block))
    return [rack.model_copy(update={"id": instance.id + SEPARATOR + rack.id, "name": rack_name(instance, block, rack),
                                    "position": place(instance.position, rack.position)}) for rack in block.racks]


def pattern_links(pattern: LinkPattern) -> list[Link]:
    """The pattern's links, one per row that is not removed (cached; do not mutate)."""
    return pattern_items(pattern).links


def pattern_items(pattern: LinkPattern) -> Items:
    """The pattern's links as Items (with `by_id` and `links_of`), cached."""
    def build() -> Items:
        removed = set(pattern.removed)
        links = []
        for i, (a, b) in enumerate(pattern.ends):
            if i in removed:
                continue
            links.append(Link.model_construct(
                id=expanded_id(pattern.id, i), name=pattern.name,
                a=PortRef.model_construct(node=a, port=pattern.port_a, split=pattern.split_a,
                                          index=None if pattern.index_a is None else pattern.index_a + i * pattern.step_a),
                b=PortRef.model_construct(node=b, port=pattern.port_b, split=pattern.split_b,
                                          index=None if pattern.index_b is None else pattern.index_b + i * pattern.step_b),
                protocol=pattern.protocol, medium=pattern.medium, length_m=pattern.length_m, count=pattern.count))
        return _items([], [], links)

    return _cached(pattern, None, build)


def iter_racks(design: Design) -> Iterator[Rack]:
    """Every rack of the expanded design, in its order."""
    yield from design.racks
    for instance in design.instances:
        yield from instance_items(design, instance).racks


def iter_nodes(design: Design) -> Iterator[Node]:
    """Every node of the expanded design, in its order."""
    yield from design.nodes
    for instance in design.instances:
        yield from instance_items(design, instance).nodes


def iter_links(design: Design) -> Iterator[Link]:
    """Every link of the expanded design, in its order."""
    yield from design.links
    for instance in design.instances:
        yield from instance_items(design, instance).links
    for pattern in design.patterns:
        yield from pattern_links(pattern)


def expanded(design: Design) -> Design:
    """The whole design as flat lists (no blocks, instances or patterns): the same racks, nodes and links
    with the same ids the per-instance view has. A design without instances is returned as it is."""
    if not design.instances and not design.patterns:
        return design
    return design.model_copy(update={
        "racks": list(iter_racks(design)), "nodes": list(iter_nodes(design)), "links": list(iter_links(design)),
        "blocks": [], "instances": [], "patterns": [],
    })


def find_item(design: Design, item_id: str) -> Rack | Node | Link | None:
    """The expanded item with `item_id` that an instance or pattern holds, or None (own items are not
    searched: the Document indexes those)."""
    parts = split_id(item_id)
    if parts is None:
        return None
    owner, local = parts
    instance = design.instance(owner)
    if instance is not None:
        hit = _CACHE.get(id(instance))
        if instance.plain and not (hit is not None and hit[0] is instance):
            return _plain_item(instance, design.block(instance.block), local)
        return instance_items(design, instance).by_id.get(item_id)
    pattern = design.pattern(owner)
    if pattern is not None:
        return pattern_items(pattern).by_id.get(item_id)
    return None


_LOCAL: OrderedDict[int, tuple[Block, dict[str, Rack | Node | Link]]] = OrderedDict()


def _plain_item(instance: Instance, block: Block, local: str) -> Rack | Node | Link | None:
    """One item of an instance without overrides, as `instance_items` would build it, without expanding the
    rest of the instance (a selection of one part in each of a thousand racks stays cheap)."""
    hit = _LOCAL.get(id(block))
    if hit is None or hit[0] is not block:
        hit = (block, {item.id: item for item in (*block.racks, *block.nodes, *block.links)})
        _LOCAL[id(block)] = hit
        if len(_LOCAL) > 64:
            _LOCAL.popitem(last=False)
    item = hit[1].get(local)
    return None if item is None else item.model_copy(update=_placing(instance, block)(item, {}))
