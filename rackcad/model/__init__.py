"""Pure data: the design model. No Qt, no I/O, no networkx."""

from rackcad.model.design import (
    FORMAT_NAME,
    SCHEMA_VERSION,
    Design,
    FloorPlan,
    FloorPosition,
    KeepOut,
    Link,
    Node,
    PortRef,
    Rack,
    RuleSettings,
    Waiver,
    parent_loop,
)
from rackcad.model.blocks import Block, Instance, LinkPattern, expanded_id, split_id
from rackcad.model.expand import expanded, find_item, instance_items, iter_links, iter_nodes, iter_racks, pattern_links

__all__ = [
    "Block",
    "Instance",
    "LinkPattern",
    "expanded",
    "expanded_id",
    "find_item",
    "instance_items",
    "iter_links",
    "iter_nodes",
    "iter_racks",
    "pattern_links",
    "split_id",
    "FORMAT_NAME",
    "SCHEMA_VERSION",
    "Design",
    "FloorPlan",
    "FloorPosition",
    "KeepOut",
    "Link",
    "Node",
    "PortRef",
    "Rack",
    "RuleSettings",
    "Waiver",
    "parent_loop",
]
