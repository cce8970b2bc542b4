"""Document = Design + History. Every change is a Command; listeners hear about each one.

The Document keeps indexes (items by id, children by parent, links by node) so that placing a part or
connecting two is O(1) in the size of the design and removing a rack is linear in what it holds.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from pydantic import ValidationError

from rackcad.catalog import Catalog, PartSpec, default_catalog
from rackcad.editing import Add, Batch, Command, History, RemoveItems, Replace, SetDesign
from rackcad.editing.commands import Override
from rackcad.editing.commands import Item
from rackcad.editing.labels import field_label, set_label
from rackcad.editing.naming import next_name
from rackcad.model.blocks_check import instance_problem
from rackcad.figures.footprint import rack_size_mm, rack_units, u_clash, u_outside, u_span
from rackcad.model import (Block, Design, FloorPosition, Instance, Link, LinkPattern, Node, PortRef, Rack, find_item,
                           expanded_id, instance_items, split_id)
from rackcad.model.expand import pattern_items, rack_name, unplace
from rackcad.text import escaped, shorten, shown


class EditError(ValueError):
    """An edit that was refused; the design is unchanged."""


@dataclass(frozen=True)
class Change:
    """What an edit, undo or redo touched: `ids` of items, and the command label."""

    label: str
    ids: frozenset[str]
    kind: str  # "do", "undo", "redo", "reset"


_PREFIX = {
    "gpu": "G", "cpu": "C", "xpu": "X", "switch": "S", "tray": "T", "nic": "N", "dpu": "D",
    "power-shelf": "P", "cdu": "CDU", "mgmt-switch": "M", "network-switch": "NS", "cpo-switch": "NS",
    "optic": "O", "cable": "K", "busbar": "B", "rack": "R",
}


class Store:
    """The design plus its indexes. Only Commands call the mutators."""

    def __init__(self, design: Design):
        self.design = design
        self.items: dict[str, Item] = {}
        self.children: dict[str, dict[str, None]] = defaultdict(dict)
        self.links_of: dict[str, dict[str, None]] = defaultdict(dict)
        for item in [*design.racks, *design.nodes, *design.links, *design.blocks, *design.instances, *design.patterns]:
            self._index(item)

    def _list(self, item: Item) -> list:
        if isinstance(item, (Block, Instance, LinkPattern)):
            self.design.forget_lookups()
            return self.design.blocks if isinstance(item, Block) else (
                self.design.instances if isinstance(item, Instance) else self.design.patterns)
        if isinstance(item, Link):
            return self.design.links
        if isinstance(item, Node):
            return self.design.nodes
        return self.design.racks

    def _index(self, item: Item) -> None:
        self.items[item.id] = item
        if isinstance(item, Node):
            self.children[item.parent][item.id] = None
        elif isinstance(item, Link):
            self.links_of[item.a.node][item.id] = None
            self.links_of[item.b.node][item.id] = None

    def _unindex(self, item: Item) -> None:
        del self.items[item.id]
        if isinstance(item, Node):
            self.children[item.parent].pop(item.id, None)
        elif isinstance(item, Link):
            self.links_of[item.a.node].pop(item.id, None)
            self.links_of[item.b.node].pop(item.id, None)

    @staticmethod
    def _position(items: list, target: Item) -> int:
        for i, candidate in enumerate(items):
            if candidate is target:
                return i
        raise KeyError(target.id)

    def insert(self, item: Item, index: int | None = None) -> None:
        items = self._list(item)
        if index is None:
            items.append(item)
        else:
            items.insert(index, item)
        self._index(item)

    def delete(self, item_id: str) -> tuple[Item, int]:
        item = self.items[item_id]
        items = self._list(item)
        index = len(items) - 1 if items and items[-1] is item else self._position(items, item)
        del items[index]
        self._unindex(item)
        return item, index

    def replace(self, new: Item) -> None:
        old = self.items[new.id]
        items = self._list(old)
        items[self._position(items, old)] = new
        self._unindex(old)
        self._index(new)


class Document:
    """An editable design: the public editing API of RackCAD (GUI, scripts, templates and tests)."""

    def __init__(self, design: Design | None = None, catalog: Catalog | None = None):
        self.catalog = catalog or default_catalog()
        self.history = History()
        self._store = Store(design if design is not None else Design())
        self._listeners: list[Callable[[Change], None]] = []
        self._batch: list[list[Command]] = []
        self._counters: dict[str, int] = {}
        for item_id in self._store.items:
            self._bump_counter(item_id)

    # ----------------------------------------------------------------- state
    @property
    def design(self) -> Design:
        return self._store.design

    def get(self, item_id: str) -> Item:
        item = self.find(item_id)
        if item is None:
            raise EditError(f"no rack, part or link with id {shown(item_id)}")
        return item

    def find(self, item_id: str) -> Item | None:
        """The rack, node, link, block, instance or pattern with `item_id`, or None. An instance's items
        and a pattern's links are found by their expanded ids ("I3/G12"), as `rackcad.model.expanded`
        names them."""
        if not isinstance(item_id, str):
            return None
        item = self._store.items.get(item_id)
        if item is None and (self.design.instances or self.design.patterns):
            return find_item(self.design, item_id)
        return item

    def children(self, parent_id: str) -> list[Node]:
        own = [self._store.items[i] for i in self._store.children.get(parent_id, ())]
        held = self._held(parent_id)
        return [*held.children.get(parent_id, ()), *own] if held is not None else own  # type: ignore[misc]

    def links_of(self, node_id: str) -> list[Link]:
        own = [self._store.items[i] for i in self._store.links_of.get(node_id, ())]
        if not self.design.instances and not self.design.patterns:
            return own  # type: ignore[return-value]
        held = self._held(node_id)
        inner = list(held.links_of.get(node_id, ())) if held is not None else []
        for pattern in self.design.patterns:
            inner += pattern_items(pattern).links_of.get(node_id, ())
        return [*inner, *own]  # type: ignore[list-item]

    def _held(self, item_id: str):
        """The expanded items of the instance `item_id` belongs to, or None for an own item."""
        parts = split_id(item_id) if self.design.instances else None
        instance = self.design.instance(parts[0]) if parts is not None else None
        return instance_items(self.design, instance) if instance is not None else None

    def instance_of(self, item_id: str) -> tuple[Instance, str] | None:
        """(the instance, the local id) of an expanded instance item's id, or None."""
        parts = split_id(item_id) if isinstance(item_id, str) else None
        instance = self.design.instance(parts[0]) if parts is not None else None
        if instance is None or find_item(self.design, item_id) is None:
            return None
        return instance, parts[1]

    def descendants(self, parent_id: str) -> list[Node]:
        out: list[Node] = []
        seen = {parent_id}
        stack = [parent_id]
        while stack:
            for child in self.children(stack.pop()):
                if child.id not in seen:  # a loop (only a hand-made design holds one) ends the walk
                    seen.add(child.id)
                    out.append(child)
                    stack.append(child.id)
        return out

    def rack_of(self, item_id: str) -> Rack | None:
        item = self.find(item_id)
        while isinstance(item, Node):
            item = self.find(item.parent)
        return item if isinstance(item, Rack) else None

    def part_of(self, item_id: str) -> PartSpec | None:
        item = self.find(item_id)
        return self.catalog.find(item.part) if isinstance(item, (Node, Rack)) else None

    @property
    def is_dirty(self) -> bool:
        return not self.history.is_clean

    def mark_clean(self) -> None:
        self.history.mark_clean()

    # ---------------------------------------------------------------- events
    def subscribe(self, listener: Callable[[Change], None]) -> None:
        self._listeners.append(listener)

    def unsubscribe(self, listener: Callable[[Change], None]) -> None:
        self._listeners.remove(listener)

    def _notify(self, label: str, ids: set[str], kind: str) -> None:
        change = Change(label, frozenset(ids), kind)
        for listener in list(self._listeners):
            listener(change)

    # -------------------------------------------------------------- plumbing
    def _bump_counter(self, item_id: str) -> None:
        match = re.fullmatch(r"([A-Za-z]+)(\d+)", item_id)
        if match:
            prefix, number = match.group(1), int(match.group(2))
            self._counters[prefix] = max(self._counters.get(prefix, 0), number)

    def new_id(self, prefix: str) -> str:
        while True:
            self._counters[prefix] = self._counters.get(prefix, 0) + 1
            candidate = f"{prefix}{self._counters[prefix]}"
            if candidate not in self._store.items:
                return candidate

    def _run(self, command: Command) -> None:
        command.do(self._store)
        if self._batch:
            self._batch[-1].append(command)
            return
        self.history.push_done(command)
        self._notify(command.label, command.ids(), "do")

    @contextmanager
    def batch(self, label: str) -> Iterator[None]:
        """Group every edit inside the block into one undo step. An exception reverts the whole block."""
        self._batch.append([])
        try:
            yield
        except BaseException:
            for command in reversed(self._batch.pop()):
                command.undo(self._store)
            raise
        commands = self._batch.pop()
        if not commands:
            return
        batch = Batch(commands, label)
        if self._batch:
            self._batch[-1].append(batch)
        else:
            self.history.push_done(batch)
            self._notify(label, batch.ids(), "do")

    def undo(self) -> bool:
        if not self.history.can_undo:
            return False
        command = self.history.take_undo()
        command.undo(self._store)
        self._notify(command.label, command.ids(), "undo")
        return True

    def redo(self) -> bool:
        if not self.history.can_redo:
            return False
        command = self.history.take_redo()
        command.do(self._store)
        self._notify(command.label, command.ids(), "redo")
        return True

    def _part(self, part_id: str) -> PartSpec:
        part = self.catalog.find(part_id) if isinstance(part_id, str) else None
        if part is None:
            raise EditError(f"unknown part id {shown(part_id)} (see `rackcad parts`)")
        return part

    # ------------------------------------------------------------------ racks
    def add_rack(self, part_id: str, name: str | None = None, **fields) -> str:
        """Add a rack of catalog part `part_id`; its budgets are copied from the part. Returns the id."""
        _refuse_fixed(fields, "id", "part")
        part = self._part(part_id)
        if part.kind != "rack":
            raise EditError(f"{part_id} is a {part.kind}, not a rack")
        rack_id = self.new_id("R")
        if "position" not in fields:
            fields["position"] = self._next_rack_position(part)
        data = {
            "id": rack_id,
            "name": name or rack_id,
            "part": part_id,
            "power_budget_w": part.power_budget_w.value if part.power_budget_w else None,
            "liquid_capacity_w": part.liquid_capacity_w.value if part.liquid_capacity_w else None,
            "air_capacity_w": part.air_capacity_w.value if part.air_capacity_w else None,
            **fields,
        }
        try:
            rack = Rack.model_validate(data)
        except (ValidationError, TypeError) as exc:
            raise EditError(_first_error(exc)) from None
        self._run(Add(rack, f"Add rack {rack.name}"))
        return rack_id

    # ----------------------------------------------------------- blocks
    def add_block(self, block: Block) -> str:
        """Add a block (racks, nodes and links with local ids, defined once for many instances). Its id is
        given by the document; returns it."""
        if not isinstance(block, Block):
            raise EditError(f"add_block takes a Block, not {shown(block)}")
        block_id = self.new_id("BLK")
        new = _validated(Block, {**block.model_dump(), "id": block_id})
        self._run(Add(new, f"Add block {new.name or block_id}"))
        return block_id

    def add_instance(self, block_id: str, name: str | None = None, position: FloorPosition | None = None) -> str:
        """Place block `block_id` on the floor at `position` (its origin; rotation turns the block). Returns
        the instance's id; its items are then `"<id>/<local id>"`."""
        if not isinstance(block_id, str) or self.design.block(block_id) is None:
            raise EditError(f"no block with id {shown(block_id)}")
        instance_id = self.new_id("I")
        data = {"id": instance_id, "name": name or instance_id, "block": block_id,
                "position": position if position is not None else FloorPosition()}
        instance = _validated(Instance, data)
        self._check_instance(instance)
        self._run(Add(instance, f"Place {instance.name}"))
        return instance_id

    def add_pattern(self, pattern: LinkPattern) -> str:
        """Add a wiring pattern: links between instances (or an instance and own parts) the way a fabric
        builder makes them, one link per row of `pattern.ends`. Its id is given by the document; returns it.
        Every end must be a part of the design (expanded ids for instances' parts)."""
        if not isinstance(pattern, LinkPattern):
            raise EditError(f"add_pattern takes a LinkPattern, not {shown(pattern)}")
        block_nodes: dict[str, set[str]] = {}
        for row, ends in enumerate(pattern.ends):
            for end in ends:
                if not self._is_node(end, block_nodes):
                    raise EditError(f"{pattern.name or 'pattern'} row {row}: {shown(end)} is not a placed part")
        pattern_id = self.new_id("P")
        new = _validated(LinkPattern, {**pattern.model_dump(), "id": pattern_id})
        self._run(Add(new, f"Add wiring pattern {new.name or pattern_id}"))
        return pattern_id

    def _is_node(self, item_id: str, block_nodes: dict[str, set[str]]) -> bool:
        """Whether `item_id` is a node of the design, an instance's looked up in its block (kept in
        `block_nodes`, block id -> local node ids) without expanding the instance."""
        if isinstance(self._store.items.get(item_id), Node):
            return True
        parts = split_id(item_id)
        instance = self.design.instance(parts[0]) if parts is not None else None
        if instance is None:
            return False
        if not instance.plain:
            return isinstance(self.find(item_id), Node)
        if instance.block not in block_nodes:
            block_nodes[instance.block] = {n.id for n in self.design.block(instance.block).nodes}
        return parts[1] in block_nodes[instance.block]

    def _check_instance(self, instance: Instance) -> None:
        """Refuse (EditError) an instance the file would refuse to load (overrides, position)."""
        problem = instance_problem(self.design.block(instance.block), instance)
        if problem:
            raise EditError(f"{instance.name}: {problem}")

    ROW_OFFSET_MM = 1200.0
    """Where the first row starts: two 600 mm floor tiles in from the hall's walls, room for the aisle."""

    def _next_rack_position(self, part: PartSpec) -> FloorPosition:
        """Next spot in the first row, left to right; racks in a row touch (no gap)."""
        right = self.ROW_OFFSET_MM
        for rack in self.design.racks:
            width = rack_size_mm(self.catalog.find(rack.part))[0]
            if abs(rack.position.y_mm - self.ROW_OFFSET_MM) < 1e-6:
                right = max(right, rack.position.x_mm + width)
        return FloorPosition(x_mm=right, y_mm=self.ROW_OFFSET_MM)

    # ------------------------------------------------------------- placement
    def rack_height(self, rack: Rack) -> int:
        return rack_units(self.catalog.find(rack.part))

    def node_height(self, node: Node) -> float:
        part = self.catalog.find(node.part)
        return part.height_u if part and part.height_u else 1.0

    def check_place(
        self, part_id: str, parent: str, u: float | None = None, bay: int | None = None, ignore: str | None = None
    ) -> str | None:
        """Why `part_id` cannot go at parent/u/bay, or None when it fits. `ignore` is a node being moved."""
        if u is not None and (isinstance(u, bool) or not isinstance(u, (int, float)) or not math.isfinite(u)):
            return f"U must be a number, not {shown(u)}"
        if bay is not None and (isinstance(bay, bool) or not isinstance(bay, int)):
            return f"a bay must be a whole number, not {shown(bay)}"
        part = self.catalog.find(part_id) if isinstance(part_id, str) else None
        if part is None:
            return f"unknown part id {shown(part_id)}"
        container = self.find(parent)
        if container is None:
            return f"no rack or tray with id {shown(parent)}"
        if part.kind == "rack":
            return "a rack cannot be placed inside another item"
        if isinstance(container, Rack):
            if part.mount == "side":
                return None
            if part.mount != "rack":
                return f"{part.model} goes in a tray bay, not directly in a rack"
            if u is None:
                return "a rack-mounted part needs a U position"
            top = self.rack_height(container)
            height = part.height_u or 1
            if u_outside(u, height, top):
                return f"{u_span(u, height)} is outside {container.name} (U1-U{top})"
            for other in self.children(container.id):
                if other.id == ignore or other.u is None:
                    continue
                other_h = self.node_height(other)
                if u_clash(u, height, other.u, other_h):
                    return f"{u_span(u, height)} overlaps {other.name} ({u_span(other.u, other_h)})"
            return None
        if isinstance(container, Node):
            tray = self.catalog.find(container.part)
            if tray is None or not tray.bays:
                return f"{container.name} has no bays"
            if part.mount != "bay":
                return f"{part.model} mounts in a rack, not in a bay"
            if bay is None:
                return f"a part inside {container.name} needs a bay"
            group = tray.bay_group(bay)
            if group is None:
                return f"{container.name} has bays 0-{tray.bay_count - 1}, not {bay}"
            if part.kind not in group.accepts:
                return f"{tray.bay_label(bay)} of {container.name} takes {', '.join(group.accepts)}, not {part.kind}"
            for other in self.children(container.id):
                if other.id != ignore and other.bay == bay:
                    return f"{tray.bay_label(bay)} of {container.name} already holds {other.name}"
            return None
        return f"{parent!r} is a link, not a rack or tray"

    def free_u(self, rack_id: str, height: float = 1) -> float | None:
        """The lowest U where a part `height` U tall fits, or None."""
        rack = self.get(rack_id)
        top = self.rack_height(rack)  # type: ignore[arg-type]
        taken = sorted(
            (n.u, n.u + self.node_height(n)) for n in self.children(rack_id) if n.u is not None
        )
        u = 1.0
        for start, end in taken:
            if u + height <= start:
                break
            u = max(u, end)
        return u if u + height - 1 <= top else None

    def free_bay(self, tray_id: str, kind: str) -> int | None:
        """The first empty bay of `tray_id` that takes `kind`, or None."""
        tray_node = self.get(tray_id)
        tray = self.catalog.find(tray_node.part)  # type: ignore[union-attr]
        if tray is None:
            return None
        used = {n.bay for n in self.children(tray_id)}
        for index in range(tray.bay_count):
            group = tray.bay_group(index)
            if index not in used and group is not None and kind in group.accepts:
                return index
        return None

    def place(
        self,
        part_id: str,
        parent: str,
        u: float | None = None,
        bay: int | None = None,
        name: str | None = None,
        **fields,
    ) -> str:
        """Place a part in a rack (at `u`) or in a tray (at `bay`). Refused with EditError if it does not fit.

        Without a `name` the part is named by the scheme of `rackcad.editing.naming` (CT03, CT03/GPU2).
        """
        _refuse_fixed(fields, "id", "part", "parent", "u", "bay")
        reason = self.check_place(part_id, parent, u, bay)
        if reason:
            raise EditError(f"cannot place {part_id}: {reason}")
        part = self._part(part_id)
        node_id = self.new_id(_PREFIX.get(part.kind, "N"))
        try:
            node = Node.model_validate(
                {"id": node_id, "name": name or next_name(self, part, parent), "part": part_id, "parent": parent, "u": u, "bay": bay, **fields}
            )
        except (ValidationError, TypeError) as exc:
            raise EditError(_first_error(exc)) from None
        self._run(Add(node, f"Place {part.model}"))
        return node_id

    def move(self, node_id: str, parent: str | None = None, u: float | None = None, bay: int | None = None) -> None:
        """Move a node to another slot (same parent when `parent` is None). One undo step."""
        node = self.get(node_id)
        if not isinstance(node, Node):
            raise EditError(f"{node_id} is not a placed part")
        target = node.parent if parent is None else parent
        if not isinstance(target, str):
            raise EditError(f"cannot move {node.name}: no rack or tray with id {shown(target)}")
        if target == node_id or target in {d.id for d in self.descendants(node_id)}:
            raise EditError(f"cannot move {node.name} into itself")
        reason = self.check_place(node.part, target, u, bay, ignore=node_id)
        if reason:
            raise EditError(f"cannot move {node.name}: {reason}")
        new = _validated(Node, {**node.model_dump(), "parent": target, "u": u, "bay": bay})
        self._replace(node, new, f"Move {node.name}")

    # ----------------------------------------------------------------- links
    def _port_for(self, node: Node, protocol: str | None, port: str | None) -> tuple[str, str | None, str | None]:
        part = self.catalog.find(node.part)
        if port is not None:
            group = part.port(port) if part else None
            if part is not None and group is None:
                names = ", ".join(p.name for p in part.ports) or "none"
                raise EditError(f"{node.name} ({part.model}) has no port group {port!r} (it has: {names})")
            return port, group.protocol if group else None, group.medium if group else None
        if part is None:
            raise EditError(f"{node.name} has unknown part {node.part!r}; name the port explicitly")
        for group in part.ports:
            if protocol is None or group.protocol == protocol:
                return group.name, group.protocol, group.medium
        raise EditError(f"{node.name} ({part.model}) has no {protocol} ports")

    def connect(
        self,
        node_a: str,
        node_b: str,
        protocol: str | None = None,
        count: int = 1,
        medium: str | None = None,
        length_m: float | None = None,
        port_a: str | None = None,
        port_b: str | None = None,
        name: str = "",
        index_a: int | None = None,
        index_b: int | None = None,
        split_a: int | None = None,
        split_b: int | None = None,
        sub_a: int | None = None,
        sub_b: int | None = None,
    ) -> str:
        """Join a port group of `node_a` to one of `node_b`. Ports are found by protocol unless named;
        `index_a` / `index_b` pin the link to one port of its group (as NetBox-style cabling does);
        `split_a` / `split_b` land that end on a sub-port of a port split that many ways (breakout), `sub_a`
        / `sub_b` on which one."""
        for label, value in (("protocol", protocol), ("port_a", port_a), ("port_b", port_b), ("medium", medium)):
            if value is not None and not isinstance(value, str):
                raise EditError(f"{label} must be text, not {shown(value)}")
        a, b = self.get(node_a), self.get(node_b)
        if not isinstance(a, Node) or not isinstance(b, Node):
            raise EditError("links join placed parts, not racks or links")
        if node_a == node_b:
            raise EditError(f"cannot connect {a.name} to itself")
        pa, proto_a, medium_a = self._port_for(a, protocol, port_a)
        pb, proto_b, medium_b = self._port_for(b, protocol, port_b)
        link_id = self.new_id("L")
        try:
            link = Link(
                id=link_id,
                name=name,
                a=PortRef(node=node_a, port=pa, index=index_a, split=split_a, sub=sub_a),
                b=PortRef(node=node_b, port=pb, index=index_b, split=split_b, sub=sub_b),
                protocol=protocol or proto_a or proto_b or "unknown",
                medium=medium or medium_a or medium_b,
                length_m=length_m,
                count=count,
            )
        except (ValidationError, TypeError) as exc:
            raise EditError(_first_error(exc)) from None
        self._run(Add(link, f"Connect {a.name} - {b.name}"))
        return link_id

    # ------------------------------------------------------------ set/remove
    def set(self, item_id: str, **fields) -> None:
        """Change fields of a rack, node or link (validated; placement fields go through `move` checks).

        An instance's item (an expanded id such as "I3/R1") changes as an override of that instance: the
        block and every other instance stay as they are. An Instance itself takes `name` and `position`.
        """
        item = self.get(item_id)
        if "id" in fields and fields["id"] != item_id:
            raise EditError("ids are stable and cannot be changed")
        if isinstance(item, Block):
            raise EditError(f"block {item.name or item.id} changes through its instances (their overrides), "
                            "not as a whole")
        if isinstance(item, (Instance, LinkPattern)):
            allowed = ("name", "position") if isinstance(item, Instance) else ("name", "medium", "length_m", "count")
            if set(fields) - set(allowed):
                raise EditError(f"{'an instance' if isinstance(item, Instance) else 'a wiring pattern'} takes "
                                f"{', '.join(allowed)} here, not {', '.join(sorted(set(fields) - set(allowed)))}")
        new = _validated(type(item), {**item.model_dump(), **fields})
        if isinstance(new, Node) and {"parent", "u", "bay", "part"} & fields.keys():
            if new.parent == item_id or new.parent in {d.id for d in self.descendants(item_id)}:
                raise EditError(f"cannot set {item.name}: it would sit inside itself")
            reason = self.check_place(new.part, new.parent, new.u, new.bay, ignore=item_id)
            if reason:
                raise EditError(f"cannot set {item.name}: {reason}")
        if isinstance(new, Rack) and "part" in fields and self._part(new.part).kind != "rack":
            raise EditError(f"cannot set {item.name}: {new.part} is a {self._part(new.part).kind}, not a rack")
        if new == item:
            return
        if isinstance(new, Instance):
            self._check_instance(new)
        self._replace(item, new, set_label(getattr(item, "name", "") or item_id, fields))

    def _replace(self, item: Item, new: Item, label: str) -> None:
        """Run the edit of `item` into `new`: a Replace of an own item, an override of an instance's."""
        held = self.instance_of(item.id)
        if held is None and item.id in self._store.items:
            self._run(Replace(item, new, label))
            return
        if held is None:
            self._pattern_exception(item, new, label)
            return
        instance, local = held
        self._run(Override(instance, self._overridden(instance, local, new), label, frozenset({item.id})))

    def _overridden(self, instance: Instance, local: str, new: Item) -> Instance:
        """`instance` with its local item `local` changed so that it expands to `new`."""
        block = self.design.block(instance.block)
        base = next(x for x in (*block.racks, *block.nodes, *block.links) if x.id == local)
        prefix = instance.id + "/"
        data = new.model_dump(mode="json")
        data["id"] = local
        if isinstance(new, Rack):
            data["position"] = unplace(instance.position, new.position).model_dump(mode="json")
            if new.name == rack_name(instance, block, base):
                data["name"] = base.name
        ends = [("parent", data)] if isinstance(new, Node) else [("node", data["a"]), ("node", data["b"])] \
            if isinstance(new, Link) else []
        for key, holder in ends:
            if not holder[key].startswith(prefix):
                raise EditError(f"{new.name or new.id}: the parts and links of instance {instance.name} stay inside "
                                f"it (connect to other parts with a link of the design's own)")
            holder[key] = holder[key][len(prefix):]
        was = base.model_dump(mode="json")
        fields = {k: v for k, v in data.items() if k != "id" and v != was.get(k)}
        changed = {k: v for k, v in instance.changed.items() if k != local}
        if fields:
            changed[local] = fields
        updated = _validated(Instance, {**instance.model_dump(), "changed": changed})
        self._check_instance(updated)
        return updated

    def _pattern_exception(self, link: Link, new: Link, label: str) -> None:
        """An edited pattern link becomes an exception: its row leaves the pattern and an own link with the
        edit takes its place (a new id; one undo step)."""
        owner, row = split_id(link.id) or ("", "")
        pattern = self.design.pattern(owner)
        if pattern is None or not isinstance(new, Link):
            raise EditError(f"no rack, part or link with id {shown(link.id)}")
        with self.batch(label):
            self._run(Replace(pattern, pattern.model_copy(update={"removed": sorted({*pattern.removed, int(row)})}),
                              label))
            self._run(Add(_validated(Link, {**new.model_dump(), "id": self.new_id("L")}), label))

    DESIGN_FIELDS = ("name", "description", "metadata", "floor", "rules", "waivers", "site", "latency_budgets")
    """Design-level fields `set_design` may change; racks, nodes and links change through their own edits."""

    def set_design(self, label: str | None = None, **fields) -> None:
        """Change design-level fields (name, description, metadata, floor, rules, waivers, site plan, latency
        budgets). One undo step.

        Values are validated as the Design would validate them and stored as new objects, e.g.
        `doc.set_design(waivers=[*doc.design.waivers, Waiver(code=..., subjects=[...], reason=...)])`.
        `label` names the undo step ("Waive power.rack-budget"); by default it lists the fields.
        """
        unknown = [name for name in fields if name not in self.DESIGN_FIELDS]
        if unknown:
            raise EditError(f"set_design cannot change {', '.join(unknown)} (only {', '.join(self.DESIGN_FIELDS)})")
        probe = _validated(Design, fields)
        new = {name: getattr(probe, name) for name in fields}
        old = {name: getattr(self.design, name) for name in fields}
        if new == old:
            return
        self._run(SetDesign(old, new, label or f"Set {', '.join(map(field_label, fields))} of the design"))

    def remove(self, *item_ids: str) -> None:
        """Remove items; a rack or tray takes its contents, a node takes its links. One undo step.

        An instance's item is removed as an override of the instance (its block keeps it); a pattern's link
        leaves the pattern; an instance goes with the own links and pattern links that reach it."""
        if not item_ids:
            return
        for item_id in item_ids:
            self.get(item_id)
        if self.design.patterns or any(item_id not in self._store.items or isinstance(
                self._store.items[item_id], (Instance, Block, LinkPattern)) for item_id in item_ids):
            self._remove_held(item_ids)
            return
        self._remove_own(item_ids)

    def _remove_held(self, item_ids: tuple[str, ...]) -> None:
        """`remove` of a selection holding instance items, pattern links, instances or patterns."""
        own: list[str] = []
        gone: dict[str, set[str]] = {}
        rows: dict[str, set[int]] = {}
        whole: list[str] = []
        reached: set[str] = set()
        for item_id in item_ids:
            item = self.get(item_id)
            if isinstance(item, Block):
                users = [i.name for i in self.design.instances if i.block == item.id]
                if users:
                    raise EditError(f"block {item.name or item.id} is placed as {len(users):,} instances "
                                    f"({', '.join(users[:3])}{' ...' if len(users) > 3 else ''}); remove them first")
                whole.append(item_id)
            elif isinstance(item, (Instance, LinkPattern)):
                whole.append(item_id)
                if isinstance(item, Instance):
                    reached.update(r.id for r in instance_items(self.design, item).racks)
                    reached.update(n.id for n in instance_items(self.design, item).nodes)
            elif item_id in self._store.items:
                own.append(item_id)
                if not isinstance(item, Link):
                    reached.update({item_id, *(d.id for d in self.descendants(item_id))})
            elif (held := self.instance_of(item_id)) is not None and isinstance(item, Rack) and \
                    len(self.design.block(held[0].block).racks) == 1:  # the rack of a one-rack instance is it
                whole.append(held[0].id)
                reached.update(r.id for r in instance_items(self.design, held[0]).racks)
                reached.update(n.id for n in instance_items(self.design, held[0]).nodes)
            elif held is not None:
                gone.setdefault(held[0].id, set()).add(held[1])
                if not isinstance(item, Link):
                    reached.update({item_id, *(d.id for d in self.descendants(item_id))})
            else:
                owner, row = split_id(item_id)  # type: ignore[misc]
                rows.setdefault(owner, set()).add(int(row))
        for node_id in reached:  # own parts placed in what goes, and links reaching it, go with it
            own += [n.id for n in self.children(node_id) if n.id in self._store.items]
            own += [link.id for link in self.links_of(node_id) if link.id in self._store.items]
        for pattern in self.design.patterns:
            for i, (a, b) in enumerate(pattern.ends):
                if a in reached or b in reached:
                    rows.setdefault(pattern.id, set()).add(i)
        names = [getattr(self.get(i), "name", i) or i for i in item_ids]
        label = f"Delete {names[0]}" if len(names) == 1 else f"Delete {len(names)} items"
        with self.batch(label):
            if own:
                self._remove_own(tuple(dict.fromkeys(own)))
            for instance_id, locals_ in gone.items():
                instance = self.design.instance(instance_id)
                if instance is None or instance_id in whole:
                    continue
                updated = instance.model_copy(update={"removed": [*instance.removed, *sorted(locals_ - set(instance.removed))],
                                                      "changed": {k: v for k, v in instance.changed.items() if k not in locals_}})
                self._check_instance(updated)
                self._run(Override(instance, updated, label, frozenset(expanded_id(instance_id, x) for x in locals_)))
            for pattern_id, removed in rows.items():
                pattern = self.design.pattern(pattern_id)
                if pattern is not None and pattern_id not in whole:
                    self._run(Replace(pattern, pattern.model_copy(update={"removed": sorted({*pattern.removed, *removed})}),
                                      label))
            if whole:
                self._run(RemoveItems(whole, label))

    def _remove_own(self, item_ids: tuple[str, ...]) -> None:
        order: dict[str, None] = {}
        racks: list[str] = []
        nodes: list[str] = []
        for item_id in item_ids:
            item = self.get(item_id)
            if isinstance(item, Link):
                order[item_id] = None
                continue
            subtree = [item_id, *(d.id for d in self.descendants(item_id))]
            for member in subtree:
                for link in self.links_of(member):
                    if link.id in self._store.items:  # a pattern's links leave it in `remove`
                        order[link.id] = None
            (racks if isinstance(item, Rack) else nodes).append(item_id)
            nodes.extend(subtree[1:])
        for node_id in reversed(nodes):
            order[node_id] = None
        for rack_id in racks:
            order[rack_id] = None
        names = [getattr(self.get(i), "name", i) or i for i in item_ids]
        label = f"Delete {names[0]}" if len(names) == 1 else f"Delete {len(names)} items"
        self._run(RemoveItems(list(order), label))

    def reset(self, design: Design, saved: bool = True) -> None:
        """Replace the whole design (open a file): clears the history.

        `saved=False` marks the new design as unsaved, e.g. one restored from a recovery file, which differs
        from the file on disk.
        """
        self._store = Store(design)
        self.history.clear()
        if not saved:
            self.history.forget_clean()
        self._counters.clear()
        for item_id in self._store.items:
            self._bump_counter(item_id)
        self._notify("Open", set(), "reset")


def _first_error(exc: ValidationError | TypeError) -> str:
    if not isinstance(exc, ValidationError):
        return shorten(escaped(str(exc)), 200)
    first = exc.errors(include_url=False, include_input=False)[0]
    loc = ".".join(str(p) for p in first["loc"])
    msg = first["msg"].removeprefix("Value error, ")
    return shorten(escaped(f"{loc}: {msg}" if loc else msg), 300)


def _validated(model, data: dict):
    """`data` as a `model`, through every constraint of the model; EditError names the first problem."""
    try:
        return model.model_validate(data)
    except (ValidationError, TypeError) as exc:
        raise EditError(_first_error(exc)) from None


def _refuse_fixed(fields: dict, *names: str) -> None:
    """Ids are the Document's to give, and the part and place have their own arguments."""
    fixed = [name for name in names if name in fields]
    if fixed:
        raise EditError(f"{', '.join(fixed)} cannot be given as a field here (ids are set by the document)")
