"""DesignIndex: every lookup the rules, analysis and exports need, built once per design in O(items)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from functools import cached_property

from rackcad.catalog import ACCELERATOR_KINDS, Catalog, PartSpec, PortGroup, default_catalog
from rackcad.model import Design, Link, Node, Rack


def is_scale_up_protocol(protocol: str) -> bool:
    """NVLink generations (not NVLink-C2C) and other scale-up fabrics join accelerators into a domain."""
    return (protocol.startswith("nvlink") and protocol != "nvlink-c2c") or protocol == "infinity-fabric"


def ports_in_use(links: Iterable[Link], node_id: str, port: str) -> int:
    """Ports of one group in use by `links` (the links of `node_id`), each counting its `count`; over-use
    included. The one count behind DesignIndex.used_ports and the Document's free-port checks while an edit
    is still in progress (rackcad.figures keeps the same count per revision, patched per edit)."""
    return sum(link.count for link in links for end in (link.a, link.b) if end.node == node_id and end.port == port)


class DesignIndex:
    """Lookups over one design state. Cheap to rebuild; never mutated."""

    def __init__(self, design: Design, catalog: Catalog | None = None):
        self.design = design
        self.catalog = catalog or default_catalog()
        self.racks: dict[str, Rack] = {r.id: r for r in design.racks}
        self.nodes: dict[str, Node] = {n.id: n for n in design.nodes}
        self.links: dict[str, Link] = {link.id: link for link in design.links}
        self.children: dict[str, list[Node]] = defaultdict(list)
        for node in design.nodes:
            self.children[node.parent].append(node)
        self.geometry_cache: dict[str, tuple] = {}
        """Per-rack geometry the length calculation keeps (rackcad.figures.lengths.rack_geometry)."""
        self.route_cache: dict = {}
        """The tray network and the routes per rack pair the length calculation keeps (rackcad.figures.routing)."""
        self.links_of: dict[str, list[Link]] = defaultdict(list)
        for link in design.links:
            self._index_link(link)

    def _index_link(self, link: Link) -> None:
        self.links_of[link.a.node].append(link)
        if link.b.node != link.a.node:
            self.links_of[link.b.node].append(link)

    def part(self, node_or_rack: Node | Rack | str) -> PartSpec | None:
        if isinstance(node_or_rack, str):
            item = self.nodes.get(node_or_rack) or self.racks.get(node_or_rack)
            if item is None:
                return None
            node_or_rack = item
        return self.catalog.find(node_or_rack.part)

    def name(self, item_id: str) -> str:
        item = self.nodes.get(item_id) or self.racks.get(item_id) or self.links.get(item_id)
        return (getattr(item, "name", "") or item_id) if item else item_id

    @cached_property
    def rack_of(self) -> dict[str, str | None]:
        """node id -> id of the rack it is in (through any depth of trays), None when orphaned."""
        out: dict[str, str | None] = {}

        def resolve(node_id: str, seen: set[str]) -> str | None:
            if node_id in out:
                return out[node_id]
            node = self.nodes[node_id]
            if node.parent in self.racks:
                result: str | None = node.parent
            elif node.parent in self.nodes and node.parent not in seen:
                seen.add(node_id)
                result = resolve(node.parent, seen)
            else:
                result = None
            out[node_id] = result
            return result

        for node_id in self.nodes:
            resolve(node_id, set())
        return out

    @cached_property
    def rack_u_of(self) -> dict[str, float | None]:
        """node id -> U of the rack-mounted ancestor (or itself), for cable lengths and schedules."""
        out: dict[str, float | None] = {}
        for node_id, node in self.nodes.items():
            current: Node | None = node
            hops = 0
            while current is not None and current.parent not in self.racks and hops < 64:
                current = self.nodes.get(current.parent)
                hops += 1
            out[node_id] = current.u if current is not None else None
        return out

    def nodes_in_rack(self, rack_id: str) -> list[Node]:
        return [n for n in self.design.nodes if self.rack_of.get(n.id) == rack_id]

    def kind(self, node: Node) -> str | None:
        part = self.catalog.find(node.part)
        return part.kind if part else None

    def power_w(self, node: Node) -> float:
        """The node's own design power: an override `power_w` wins over the catalog's maximum."""
        override = node.overrides.get("power_w")
        if isinstance(override, (int, float)):
            return float(override)
        part = self.catalog.find(node.part)
        return part.power_w if part else 0.0

    def liquid_fraction(self, node: Node) -> float:
        override = node.overrides.get("liquid_share")
        if isinstance(override, (int, float)):
            return float(override)
        part = self.catalog.find(node.part)
        return part.liquid_fraction if part else 0.0

    def port_group(self, node_id: str, port: str) -> PortGroup | None:
        node = self.nodes.get(node_id)
        part = self.catalog.find(node.part) if node else None
        return part.port(port) if part else None

    @cached_property
    def accelerators(self) -> list[Node]:
        return [n for n in self.design.nodes if self.kind(n) in ACCELERATOR_KINDS]

    def medium(self, link: Link) -> str | None:
        """The link's medium, else the one its ports imply: fibre from co-packaged optics when either end is a
        CPO port, else the `a` end's port medium, else the `b` end's. Checks never skip a link for lack of one."""
        if link.medium:
            return link.medium
        media = [g.medium for g in (self.port_group(link.a.node, link.a.port), self.port_group(link.b.node, link.b.port))
                 if g is not None and g.medium]
        if "cpo-fiber" in media:
            return "cpo-fiber"
        return media[0] if media else None

    def link_gbps(self, link: Link) -> float:
        """Per-direction bandwidth of one link record (all `count` lanes): the slower end's port rate."""
        rates = [g.gbps for g in (self.port_group(link.a.node, link.a.port), self.port_group(link.b.node, link.b.port)) if g]
        return (min(rates) if rates else 0.0) * link.count

    def used_ports(self, node_id: str, port: str) -> int:
        return ports_in_use(self.links_of.get(node_id, ()), node_id, port)

    def scale_up_gbps(self, node: Node) -> float:
        """Connected scale-up bandwidth of an accelerator, per direction, capped at its ports' capacity."""
        part = self.catalog.find(node.part)
        if part is None:
            return 0.0
        total = 0.0
        for group in part.ports:
            if group.role != "scale-up":
                continue
            gbps = 0.0
            for link in self.links_of.get(node.id, ()):
                for end, other in ((link.a, link.b), (link.b, link.a)):
                    if end.node == node.id and end.port == group.name:
                        far = self.port_group(other.node, other.port)
                        rate = min(group.gbps, far.gbps) if far else group.gbps
                        gbps += rate * link.count
            total += min(gbps, group.total_gbps)
        return total
