"""Blocks, instances and wiring patterns: a rack, pod or scalable unit defined once and placed many times.

- A **Block** holds racks, nodes and links with *local* ids, exactly as a design holds them; rack positions
  are relative to the block's origin.
- An **Instance** places a block on the floor (`position`: origin and rotation) under its own id and name.
  Its per-instance differences are overrides by local id: `removed` (items left out: a tray taken out,
  with its contents and links) and `changed` (fields replaced: a rack's `power_budget_w`, a node's
  `overrides`, a link's `medium` ...).
- A **LinkPattern** stores links between instances the way a fabric builder made them: one link per row of
  `ends`, each row naming the two end nodes by expanded id; everything else (ports, protocol, medium,
  count) is shared, and port indices advance by a fixed step from row to row.

The expanded view (`rackcad.model.expand`) turns all of this into ordinary Rack, Node and Link objects with
stable ids: `"<instance id>/<local id>"` for instance items and `"<pattern id>/<row>"` for pattern links.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, model_validator

from rackcad.model.design import (
    MAX_INDEX,
    FloorPosition,
    Id,
    Link,
    Name,
    Node,
    Rack,
    Word,
    _Strict,
)

SEPARATOR = "/"
"""Between an instance's (or pattern's) id and the local id (or row) in an expanded id."""

MAX_BLOCK_ITEMS = 1_000_000
MAX_INSTANCES = 100_000
MAX_PATTERN_ROWS = 1_000_000

CHANGEABLE = {
    "rack": ("name", "part", "position", "power_budget_w", "liquid_capacity_w", "air_capacity_w",
             "power_redundancy"),
    "node": ("name", "part", "parent", "u", "bay", "overrides"),
    "link": ("name", "a", "b", "protocol", "medium", "length_m", "count"),
}
"""The fields an instance may change per local item (every field but the id)."""


class Block(_Strict):
    """Racks, nodes and links defined once (local ids; rack positions relative to the block's origin)."""

    id: Id
    name: Name = ""
    racks: Annotated[list[Rack], Field(max_length=MAX_BLOCK_ITEMS)] = Field(default_factory=list)
    nodes: Annotated[list[Node], Field(max_length=MAX_BLOCK_ITEMS)] = Field(default_factory=list)
    links: Annotated[list[Link], Field(max_length=MAX_BLOCK_ITEMS)] = Field(default_factory=list)

    @model_validator(mode="after")
    def _local_ids(self) -> "Block":
        seen: set[str] = set()
        for item in (*self.racks, *self.nodes, *self.links):
            if SEPARATOR in item.id:
                raise ValueError(f"local id {item.id!r}: may not hold {SEPARATOR!r} (it joins instance and local ids)")
            if item.id in seen:
                raise ValueError(f"duplicate local id {item.id!r}")
            seen.add(item.id)
        return self


class Instance(_Strict):
    """A block placed on the floor: its own id, name and position, and its differences from the block.

    `removed` lists local ids left out of this instance; `changed` maps a local id to the fields it has
    here instead (a rack's position in `changed` is relative to the instance, like the block's own).
    """

    id: Id
    name: Name
    block: Id
    position: FloorPosition = Field(default_factory=FloorPosition)
    removed: Annotated[list[Id], Field(max_length=MAX_BLOCK_ITEMS)] = Field(default_factory=list)
    changed: Annotated[dict[Id, dict[Word, Any]], Field(max_length=MAX_BLOCK_ITEMS)] = Field(default_factory=dict)

    @property
    def plain(self) -> bool:
        """Whether the instance is the block as it is (no removed or changed items)."""
        return not self.removed and not self.changed


class LinkPattern(_Strict):
    """Links between instances made by a fabric builder: one link per row of `ends` ([a node, b node],
    expanded ids). Row i's port indices are `index_a + i * step_a` and `index_b + i * step_b` (no index
    where the start is None). Its links are `"<id>/<i>"`; `removed` rows are left out."""

    id: Id
    name: Name = ""
    port_a: Word
    port_b: Word
    protocol: Word
    medium: Word | None = None
    length_m: Annotated[float, Field(ge=0, le=1e5)] | None = None
    count: Annotated[int, Field(ge=1, le=MAX_INDEX)] = 1
    index_a: Annotated[int, Field(ge=0, le=MAX_INDEX)] | None = None
    step_a: Annotated[int, Field(ge=0, le=MAX_INDEX)] = 0
    index_b: Annotated[int, Field(ge=0, le=MAX_INDEX)] | None = None
    step_b: Annotated[int, Field(ge=0, le=MAX_INDEX)] = 0
    split_a: Annotated[int, Field(ge=2, le=8)] | None = None
    """Every row's a end on a sub-port of a port split that many ways (breakout, `PortRef.split`)."""
    split_b: Annotated[int, Field(ge=2, le=8)] | None = None
    ends: Annotated[list[Annotated[list[Id], Field(min_length=2, max_length=2)]],
                    Field(max_length=MAX_PATTERN_ROWS)] = Field(default_factory=list)
    removed: list[Annotated[int, Field(ge=0, le=MAX_PATTERN_ROWS)]] = Field(default_factory=list)

    @model_validator(mode="after")
    def _indices_fit(self) -> "LinkPattern":
        rows = max(len(self.ends) - 1, 0)
        for start, step, end in ((self.index_a, self.step_a, "a"), (self.index_b, self.step_b, "b")):
            if start is not None and start + rows * step > MAX_INDEX:
                raise ValueError(f"index_{end}: row {rows} reaches port {start + rows * step:,}, above {MAX_INDEX:,}")
        return self


def expanded_id(owner: str, local: str | int) -> str:
    """The id of a local item (or pattern row) in the expanded design."""
    return f"{owner}{SEPARATOR}{local}"


def split_id(item_id: str) -> tuple[str, str] | None:
    """(instance or pattern id, local id or row) of an expanded id, or None for an id of the design's own."""
    owner, sep, local = item_id.partition(SEPARATOR)
    return (owner, local) if sep else None


def _kind(item: Rack | Node | Link) -> str:
    return "rack" if isinstance(item, Rack) else "node" if isinstance(item, Node) else "link"


def check_changes(block: Block, instance: Instance) -> str | None:
    """Why the instance's overrides do not fit its block (an unknown local id, a field that is not the
    item's, a value the item refuses), or None when every changed item validates."""
    items = {item.id: item for item in (*block.racks, *block.nodes, *block.links)}
    for local in instance.removed:
        if local not in items:
            return f"removed: {local!r} is not an item of block {block.id!r}"
    for local, fields in instance.changed.items():
        item = items.get(local)
        if item is None:
            return f"changed.{local}: not an item of block {block.id!r}"
        allowed = CHANGEABLE[_kind(item)]
        for key in fields:
            if key not in allowed:
                return f"changed.{local}.{key}: a {_kind(item)} has no field {key!r} an instance can change"
        try:
            type(item).model_validate({**item.model_dump(), **fields})
        except (ValueError, TypeError) as exc:
            return f"changed.{local}: {str(exc).splitlines()[-1] if str(exc) else type(exc).__name__}"
    return None
