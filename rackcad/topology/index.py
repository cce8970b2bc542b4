"""DesignIndex: every lookup the rules, analysis and exports need, built once per design in O(items)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from functools import cached_property

from rackcad.catalog import ACCELERATOR_KINDS, Catalog, PartSpec, PortGroup, default_catalog
from rackcad.model import Design, Link, Node, PortRef, Rack


def is_scale_up_protocol(protocol: str) -> bool:
    """NVLink generations (not NVLink-C2C) and other scale-up fabrics join accelerators into a domain."""
    return (protocol.startswith("nvlink") and protocol != "nvlink-c2c") or protocol == "infinity-fabric"


class PortUse:
    """What the link ends on one (node, port group) take of its ports, by lanes.

    A whole-port end takes one port per link (its `count`). An end on a sub-port of a port split k ways
    (`PortRef.split`) takes 1/k of a port, its share of the lanes; such ends fill ports k at a time, one
    breakout cable or fibre per port, so ends of different splits never share a port. Ends pinned to a
    port index (`PortRef.index`) share that one port, whatever their split. `ports` is what the group's
    count (its radix, for a network switch) is checked against.
    """

    __slots__ = ("whole", "split", "pinned")

    def __init__(self) -> None:
        self.whole = 0
        self.split: dict[int, int] = {}
        """ways -> sub-links on ports split that many ways, not pinned to a port."""
        self.pinned: dict[int, dict[int, int]] = {}
        """port index -> ways -> sub-links pinned to that port."""

    def add(self, ref: PortRef, count: int, sign: int = 1) -> None:
        """Count (`sign` 1) or uncount (-1) `count` links ending at `ref`."""
        ways = ref.split
        if ways is None:
            self.whole += sign * count
            return
        table = self.split if ref.index is None else self.pinned.setdefault(ref.index, {})
        left = table.get(ways, 0) + sign * count
        if left:
            table[ways] = left
        else:
            table.pop(ways, None)
            if ref.index is not None and not table:
                del self.pinned[ref.index]

    @property
    def split_ports(self) -> int:
        """Ports taken by sub-links: split ports filled k at a time, and every pinned port."""
        return sum(-(-n // k) for k, n in self.split.items()) + len(self.pinned)

    @property
    def ports(self) -> int:
        """Physical ports in use (over-use included)."""
        return self.whole + self.split_ports

    @property
    def sub_links(self) -> int:
        return sum(self.split.values()) + sum(n for cage in self.pinned.values() for n in cage.values())

    def free_sub_ports(self) -> dict[int, int]:
        """ways -> sub-ports still free on ports already split that many ways (not pinned)."""
        return {k: -(-n // k) * k - n for k, n in sorted(self.split.items()) if n % k}

    def lanes(self, group: PortGroup) -> float | None:
        """Lanes in use: every whole port's lanes and each sub-link's share (None: lane rate unknown)."""
        if group.lanes is None:
            return None
        subs = sum(n / k for k, n in self.split.items())
        subs += sum(n / k for cage in self.pinned.values() for k, n in cage.items())
        return (self.whole + subs) * group.lanes

    def __bool__(self) -> bool:
        return bool(self.whole or self.split or self.pinned)

    def describe(self, group: PortGroup) -> str:
        """What the editor shows for the group: '12/64 ports used', and for split ports how many, the
        sub-links on them and the sub-ports still free: '12/64 ports used (8 split 4 ways: 30 sub-links,
        2 sub-ports free)'."""
        text = f"{self.ports}/{group.count} ports used"
        if not (self.split or self.pinned):
            return text
        bits = []
        free = self.free_sub_ports()
        for ways, n in sorted(self.split.items()):
            ports = -(-n // ways)
            bits.append(f"{ports} split {ways} ways: {n} sub-link{'s' if n != 1 else ''}, "
                        f"{free.get(ways, 0)} sub-port{'s' if free.get(ways, 0) != 1 else ''} free")
        if self.pinned:
            bits.append(f"{len(self.pinned)} split port{'s' if len(self.pinned) != 1 else ''} pinned by index")
        lanes = self.lanes(group)
        lanes_text = f"; {lanes:g}/{group.lanes * group.count} lanes" if lanes is not None else ""
        return f"{text} ({'; '.join(bits)}{lanes_text})"


def port_use_of(links: Iterable[Link], node_id: str, port: str) -> PortUse:
    """The PortUse of one group from `links` (the links of `node_id`), each counting its `count`."""
    use = PortUse()
    for link in links:
        for end in (link.a, link.b):
            if end.node == node_id and end.port == port:
                use.add(end, link.count)
    return use


def ports_in_use(links: Iterable[Link], node_id: str, port: str) -> int:
    """Physical ports of one group in use by `links` (the links of `node_id`), counted by lanes as
    `PortUse` says (a whole-port link takes a port, four sub-links of 4-way split ports one port); over-use
    included. The one count behind DesignIndex.used_ports and the Document's free-port checks while an edit
    is still in progress (rackcad.figures keeps the same count per revision, patched per edit)."""
    return port_use_of(links, node_id, port).ports


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
        rates = [g.gbps / ref.ways for ref, g in ((link.a, self.port_group(link.a.node, link.a.port)),
                                                  (link.b, self.port_group(link.b.node, link.b.port))) if g]
        return (min(rates) if rates else 0.0) * link.count

    def used_ports(self, node_id: str, port: str) -> int:
        return ports_in_use(self.links_of.get(node_id, ()), node_id, port)

    def port_ledger(self, node_id: str, port: str) -> PortUse:
        """What the links of `node_id` take of its port group `port` (ports, split ports, lanes)."""
        return port_use_of(self.links_of.get(node_id, ()), node_id, port)

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
