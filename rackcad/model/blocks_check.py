"""What a design's blocks, instances and patterns must satisfy to load: every reference resolves, every
override validates, and every expanded rack stands inside the floor's coordinate bounds. Linear in the
number of blocks' items, instances, overrides and own ids; the instances themselves are not expanded."""

from __future__ import annotations

from rackcad.model.blocks import SEPARATOR, Block, Instance, check_changes
from rackcad.model.design import MAX_HALL_MM, Design, FloorPosition
from rackcad.model.expand import place


def blocks_problem(design: Design) -> str | None:
    """The first problem (with the list and index it is in), or None."""
    blocks: dict[str, object] = {}
    for i, block in enumerate(design.blocks):
        if block.id in blocks:
            return f"blocks[{i}].id: duplicate block id {block.id!r}"
        blocks[block.id] = block
        racks = {r.id for r in block.racks}
        nodes = {n.id for n in block.nodes}
        for j, node in enumerate(block.nodes):
            if node.parent not in racks and node.parent not in nodes:
                return f"blocks[{i}].nodes[{j}].parent: {node.parent!r} is no rack or part of the block"
        for j, link in enumerate(block.links):
            for end in ("a", "b"):
                if getattr(link, end).node not in nodes:
                    return f"blocks[{i}].links[{j}].{end}.node: {getattr(link, end).node!r} is no part of the block"
    owners: dict[str, str] = {}
    for name in ("instances", "patterns"):
        for i, item in enumerate(getattr(design, name)):
            place_ = f"{name}[{i}]"
            if SEPARATOR in item.id:
                return f"{place_}.id: {item.id!r} may not hold {SEPARATOR!r}"
            if item.id in owners:
                return f"{place_}.id: duplicate id {item.id!r} (also {owners[item.id]})"
            owners[item.id] = place_
    for i, instance in enumerate(design.instances):
        problem = instance_problem(blocks.get(instance.block), instance)
        if problem:
            return f"instances[{i}].{problem}"
    for i, block in enumerate(design.blocks):
        if block.id in owners:
            return f"blocks[{i}].id: {block.id!r} is also the id of {owners[block.id]}"
        owners[block.id] = f"blocks[{i}]"
    for name in ("racks", "nodes", "links"):
        for i, item in enumerate(getattr(design, name)):
            owner, sep, _ = item.id.partition(SEPARATOR)
            if item.id in owners:
                return f"{name}[{i}].id: {item.id!r} is also the id of {owners[item.id]}"
            if sep and owner in owners:
                return f"{name}[{i}].id: {item.id!r} clashes with the items of {owners[owner]}"
    return None


def instance_problem(block: Block | None, instance: Instance) -> str | None:
    """Why one instance does not fit its block (no such block, an override that does not validate, a rack
    that lands outside the floor's bounds), or None."""
    if block is None:
        return f"block: no block {instance.block!r}"
    problem = check_changes(block, instance) if not instance.plain else None
    if problem:
        return problem
    for rack in block.racks:
        local = rack.position
        fields = instance.changed.get(rack.id, {})
        if "position" in fields:
            local = FloorPosition.model_validate(fields["position"])
        at = place(instance.position, local)
        if abs(at.x_mm) > MAX_HALL_MM or abs(at.y_mm) > MAX_HALL_MM:
            return (f"position: rack {rack.id!r} lands at ({at.x_mm:,.0f}, {at.y_mm:,.0f}) mm, "
                    f"outside +-{MAX_HALL_MM:,.0f} mm")
    return None
