"""Bulk wiring: many links in one gesture (one undo step), from port groups of many parts to many parts.

- `wire_each_to_each`: each part of A spreads the free ports of its group evenly over every part of B (each
  of 72 GPUs to each of 18 NVLink switch chips: 1,296 links), never overcommitting a B port group.
- `wire_by_rail`: NICs to leaf switches by rail, NIC k of every tray to leaf k (rail-optimised fabrics).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rackcad.topology.index import PortUse, port_use_of, ports_in_use

if TYPE_CHECKING:
    from rackcad.document import Document


def spread(ports: int, chips: int, offset: int = 0) -> list[int]:
    """Links per chip when `ports` links are spread over `chips` chips as evenly as possible.

    The remainder goes to chips starting at `offset`, so consecutive accelerators load different chips.
    """
    base, extra = divmod(ports, chips)
    return [base + (1 if (i - offset) % chips < extra else 0) for i in range(chips)]


def used_ports(doc: "Document", node_id: str, port: str) -> int:
    """Ports of a group in use, over-use included."""
    return ports_in_use(doc.links_of(node_id), node_id, port)


def free_ports(doc: "Document", node_id: str, port: str) -> int:
    """Ports of a group not yet in use (0 for a group the part does not have)."""
    part = doc.part_of(node_id)
    group = part.port(port) if part else None
    if group is None:
        return 0
    return max(group.count - used_ports(doc, node_id, port), 0)


def port_ledger(doc: "Document", node_id: str, port: str) -> PortUse:
    """What the node's links take of a port group: whole ports, split ports, sub-links, lanes."""
    return port_use_of(doc.links_of(node_id), node_id, port)


def free_sub_ports(doc: "Document", node_id: str, port: str, ways: int) -> int:
    """Sub-ports of a `ways`-way split still free on a port group: every free whole port split that way, and
    the free legs of its ports already split that way (0 when the group does not split `ways` ways)."""
    part = doc.part_of(node_id)
    group = part.port(port) if part else None
    if group is None or not group.splits(ways):
        return 0
    use = port_ledger(doc, node_id, port)
    if ways == 1:
        return max(group.count - use.ports, 0)
    return max(group.count - use.ports, 0) * ways + use.free_sub_ports().get(ways, 0)


def common_port(doc: "Document", a_nodes: list[str], b_nodes: list[str]) -> tuple[str, str, str] | None:
    """(port of A, port of B, protocol): the first port group of A's first part whose protocol B's first part
    also has, scale-up groups first. None when they share no protocol."""
    if not a_nodes or not b_nodes:
        return None
    pa, pb = doc.part_of(a_nodes[0]), doc.part_of(b_nodes[0])
    if pa is None or pb is None:
        return None
    order = {"scale-up": 0, "c2c": 1, "network": 2}
    for group in sorted(pa.ports, key=lambda g: order.get(g.role, 3)):
        for other in sorted(pb.ports, key=lambda g: order.get(g.role, 3)):
            if other.protocol == group.protocol:
                return group.name, other.name, group.protocol
    return None


def wire_each_to_each(doc: "Document", a_nodes: list[str], b_nodes: list[str], port_a: str | None = None,
                      port_b: str | None = None, per_pair: int | list[int] | None = None, medium: str | None = None,
                      label: str | None = None) -> int:
    """Join every part of `a_nodes` to every part of `b_nodes`: `per_pair` links each, or per B part when a
    list (HGX H100: 5/4/4/5), by default the free ports of A's group spread evenly over B. B's free ports are never overcommitted. One undo step; returns the
    number of links made (their `count` summed)."""
    from rackcad.document import EditError

    a_nodes = [n for n in a_nodes if n not in set(b_nodes)]
    if not a_nodes or not b_nodes:
        raise EditError("bulk wiring needs parts on both sides")
    if port_a is None or port_b is None:
        found = common_port(doc, a_nodes, b_nodes)
        if found is None:
            raise EditError(f"{doc.get(a_nodes[0]).name} and {doc.get(b_nodes[0]).name} share no protocol")
        port_a, port_b = port_a or found[0], port_b or found[1]
    b_free = {b: free_ports(doc, b, port_b) for b in b_nodes}
    made = 0
    with doc.batch(label or f"Wire {len(a_nodes)} x {len(b_nodes)} ({port_a} to {port_b})"):
        for i, a in enumerate(a_nodes):
            counts = per_pair if isinstance(per_pair, list) else [per_pair] * len(b_nodes) if per_pair else spread(free_ports(doc, a, port_a), len(b_nodes),
                                                                       offset=i)
            for b, count in zip(b_nodes, counts):
                count = min(count, b_free[b])
                if count <= 0:
                    continue
                doc.connect(a, b, count=count, medium=medium, port_a=port_a, port_b=port_b)
                b_free[b] -= count
                made += count
    return made


def wire_by_rail(doc: "Document", nics: list[str], leaves: list[str], port_a: str | None = None,
                 port_b: str | None = None) -> int:
    """NIC k of each tray (its k-th NIC in bay order) to leaf k modulo the number of leaves, one link per NIC
    port. One undo step; returns the number of links made."""
    from rackcad.document import EditError

    if not nics or not leaves:
        raise EditError("rail wiring needs NICs and leaf switches")
    found = common_port(doc, nics, leaves)
    if found is None and (port_a is None or port_b is None):
        raise EditError(f"{doc.get(nics[0]).name} and {doc.get(leaves[0]).name} share no protocol")
    port_a, port_b = port_a or found[0], port_b or found[1]
    rails: dict[str, int] = {}
    by_tray: dict[str, list[str]] = {}
    for nic in nics:
        by_tray.setdefault(doc.get(nic).parent, []).append(nic)
    for members in by_tray.values():
        for k, nic in enumerate(sorted(members, key=lambda n: doc.get(n).bay or 0)):
            rails[nic] = k
    made = 0
    with doc.batch(f"Wire {len(nics)} NICs to {len(leaves)} leaves by rail"):
        for nic in nics:
            leaf = leaves[rails[nic] % len(leaves)]
            count = min(free_ports(doc, nic, port_a), free_ports(doc, leaf, port_b))
            if count > 0:
                doc.connect(nic, leaf, count=count, port_a=port_a, port_b=port_b)
                made += count
    return made


def expand(doc: "Document", ids: list[str]) -> list[str]:
    """The placed parts of a selection, racks and trays counted with everything they hold, in design order."""
    from rackcad.model import Link, Rack

    wanted: set[str] = set()
    for item_id in ids:
        item = doc.find(item_id)
        if item is None or isinstance(item, Link):
            continue
        if not isinstance(item, Rack):
            wanted.add(item_id)
        wanted.update(d.id for d in doc.descendants(item_id))
    return [n.id for n in doc.design.nodes if n.id in wanted]
