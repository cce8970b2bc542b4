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
    Row,
    RuleSettings,
    Tray,
    Waiver,
    parent_loop,
)

__all__ = [
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
    "Row",
    "RuleSettings",
    "Tray",
    "Waiver",
    "parent_loop",
]
