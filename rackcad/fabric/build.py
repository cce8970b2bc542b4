"""Build a planned fabric into a design through the Document: network racks, switches, links. One undo step.

The switches stand in network racks of their own. `NetworkRacks` hands out U slots: leaves go to the
network racks of the row their NICs are in (the template says which row a compute rack stands in and where
its network racks go: end or middle of row), spines and cores to the spine racks. A rack takes switches
until its U are used or `per_rack` switches are in it.

NIC ports in instances of a block (a hall of one rack placed many times) are wired as wiring patterns
(`LinkPattern`, `pattern_of`): one record per group of links that share ports, protocol and medium, a row
per link, instead of one link record each; their endpoints come from the block once (`instance_endpoints`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from rackcad.document import Document, EditError
from rackcad.fabric.plan import Endpoint, FabricError, FabricPlan, network_port, plan_fat_tree
from rackcad.model import LinkPattern, expanded_id

PATCH_PANEL = "patch-panel-mpo"
"""Where the trunks from the compute rows land: one 1U panel at the top of every network rack."""


@dataclass
class NetworkRacks:
    """Hands out U slots in network racks, opening a new rack of a group through `open_rack(group, n)`."""

    doc: Document
    open_rack: Callable[[str, int], str]
    per_rack: int = 16
    first_u: int = 2
    _current: dict[str, tuple[str, float, int]] = field(default_factory=dict)
    _opened: dict[str, int] = field(default_factory=dict)
    racks: list[str] = field(default_factory=list)

    def slot(self, group: str, height_u: float) -> tuple[str, float]:
        """(rack id, U) for a switch of `height_u` in a network rack of `group`."""
        current = self._current.get(group)
        if current is not None:
            rack, u, held = current
            top = self.doc.rack_height(self.doc.get(rack)) - 1  # the top U holds the patch panel
            if held < self.per_rack and u + height_u - 1 <= top:
                self._current[group] = (rack, u + height_u, held + 1)
                return rack, u
        n = self._opened.get(group, 0)
        self._opened[group] = n + 1
        rack = self.open_rack(group, n)
        self.racks.append(rack)
        top = self.doc.rack_height(self.doc.get(rack))
        if self.doc.catalog.find(PATCH_PANEL) is not None:
            self.doc.place(PATCH_PANEL, rack, u=top, name=f"{self.doc.get(rack).name}-PP")
        self._current[group] = (rack, self.first_u + height_u, 1)
        return rack, self.first_u


@dataclass(frozen=True)
class Fabric:
    """What a build made: switch ids by tier, link ids, the network racks and the plan it followed."""

    plan: FabricPlan
    switches: dict[str, list[str]]
    links: list[str]
    racks: list[str]
    patterns: list[str] = field(default_factory=list)
    """Wiring patterns holding NIC-to-leaf links (`build_plan(pattern_of=...)`)."""


def _medium(doc: Document, part_a: str, port_a: str, part_b: str, port_b: str) -> str:
    """Fibre from co-packaged optics when either end is a CPO port, else fibre between pluggables."""
    for part_id, port in ((part_a, port_a), (part_b, port_b)):
        group = doc.catalog.get(part_id).port(port)
        if group is not None and group.medium == "cpo-fiber":
            return "cpo-fiber"
    return "pluggable-optic"


def build_plan(doc: Document, plan: FabricPlan, endpoints: list[Endpoint], racks: NetworkRacks,
               leaf_group: Callable[[int], str], upper_group: str = "spine",
               pattern_of: Callable[[int], str | None] | None = None) -> Fabric:
    """Place the plan's switches and make its links. `leaf_group(leaf index)` names the rack group of a leaf.
    `pattern_of(endpoint index)` names the wiring pattern the endpoint's leaf link joins (None: a link of
    its own); links of one name, NIC part, port and port index share one pattern, in endpoint order. With
    `pattern_of` the links between switch tiers are patterns too, one per pair of tiers and parallel count
    (a record per pair of switches, as without)."""
    ids: dict[str, list[str]] = {}
    links: list[str] = []
    patterns: list[str] = []
    rows: dict[tuple, list[list[str]]] = {}
    with doc.batch(f"Build {plan.fabric} fabric"):
        for tier in plan.tiers:
            part = doc.catalog.get(tier.part)
            out = ids[tier.name] = []
            for i, name in enumerate(tier.names):
                group = leaf_group(i) if tier.name == "leaf" else upper_group
                rack, u = racks.slot(group, part.height_u or 1)
                out.append(doc.place(tier.part, rack, u=u, name=name))
        leaf_part = doc.catalog.get(plan.tiers[0].part)
        leaf_port = network_port(doc.catalog, leaf_part.id).name
        protocol = network_port(doc.catalog, leaf_part.id).protocol
        for e, li in sorted(plan.endpoint_links) if pattern_of else plan.endpoint_links:
            end = endpoints[e]
            leaf = ids["leaf"][li]
            name = pattern_of(e) if pattern_of else None
            if name is not None:
                rows.setdefault((name, end.part, end.port, end.index), []).append([end.node, leaf])
                continue
            links.append(doc.connect(end.node, leaf, protocol=protocol, port_a=end.port, port_b=leaf_port,
                                     index_a=end.index, split_b=plan.split if plan.split > 1 else None,
                                     medium=_medium(doc, end.part, end.port, leaf_part.id, leaf_port)))
        for (name, part, port, index), ends in rows.items():
            patterns.append(doc.add_pattern(LinkPattern(
                id="new", name=name, port_a=port, port_b=leaf_port, protocol=protocol, index_a=index,
                split_b=plan.split if plan.split > 1 else None,
                medium=_medium(doc, part, port, leaf_part.id, leaf_port), ends=ends)))
        uplinks: dict[tuple, list[list[str]]] = {}
        for ((low, i), (high, j)), count in sorted(plan.switch_links.items()):
            a, b = ids[low][i], ids[high][j]
            if pattern_of:
                uplinks.setdefault((low, high, count), []).append([a, b])
                continue
            pa, pb = plan.tier(low).part, plan.tier(high).part
            ga, gb = network_port(doc.catalog, pa), network_port(doc.catalog, pb)
            links.append(doc.connect(a, b, protocol=ga.protocol, count=count, port_a=ga.name, port_b=gb.name,
                                     medium=_medium(doc, pa, ga.name, pb, gb.name)))
        for (low, high, count), ends in uplinks.items():
            pa, pb = plan.tier(low).part, plan.tier(high).part
            ga, gb = network_port(doc.catalog, pa), network_port(doc.catalog, pb)
            patterns.append(doc.add_pattern(LinkPattern(
                id="new", name=f"{plan.fabric} {low}-{high} x{count}", port_a=ga.name,
                port_b=gb.name, protocol=ga.protocol, count=count, medium=_medium(doc, pa, ga.name, pb, gb.name),
                ends=ends)))
    return Fabric(plan, ids, links, list(racks.racks), patterns)


def nic_endpoints(doc: Document, trays: list[str], kind: str = "nic", per_port: bool = False) -> list[Endpoint]:
    """The network port of every `kind` part in `trays`, in tray order; rail k = the tray's k-th such part
    by bay (NIC k of every tray is rail k, F12).

    `per_port`: every port of a multi-port group is an endpoint of its own (its own link), and port p of the
    tray's k-th part is rail k x ports + p, so the two ports of a dual-port DPU land on two different leaves
    (a leaf lost costs each DPU one port, not its reach)."""
    out: list[Endpoint] = []
    for position, tray in enumerate(trays):
        nics = sorted((n for n in doc.children(tray) if (p := doc.part_of(n.id)) is not None and p.kind == kind),
                      key=lambda n: n.bay if n.bay is not None else 0)
        for rail, nic in enumerate(nics):
            part = doc.part_of(nic.id)
            group = next((g for g in part.ports if g.role == "network"), None)
            if group is None:
                continue
            if per_port and group.count > 1:
                out += [Endpoint(nic.id, part.id, group.name, rail * group.count + p, position, p)
                        for p in range(group.count)]
            else:
                out.append(Endpoint(nic.id, part.id, group.name, rail, position))
    return out


def instance_endpoints(local: list[Endpoint], instances: list[str], trays: int) -> list[Endpoint]:
    """The endpoints of a block's trays (`nic_endpoints` of the block's `trays` trays, local ids) in each
    of `instances` in turn: ids under the instance, tray positions running on from instance to instance."""
    return [Endpoint(expanded_id(instance, e.node), e.part, e.port, e.rail, k * trays + e.position, e.index)
            for k, instance in enumerate(instances) for e in local]


def build_fat_tree(doc: Document, trays: list[str], racks: NetworkRacks, *, leaf: str, spine: str | None = None,
                   core: str | None = None, oversubscription: float = 1.0, tiers: int | None = None,
                   fabric: str = "compute", prefix: str = "C", row_of: Callable[[str], str] | None = None,
                   nic_kind: str = "nic", per_port: bool = False, upper_group: str = "spine",
                   breakout: bool = True, endpoints: list[Endpoint] | None = None,
                   pattern_of: Callable[[str], str | None] | None = None) -> Fabric:
    """Plan and build a rail-optimised fat tree over the NICs of `trays` (see `rackcad.fabric.plan`).

    `row_of(tray id)` names the row group whose network racks hold the leaves serving that tray's NICs
    (a leaf goes with its first tray); by default every leaf goes to group "leaf"; `upper_group` names the
    rack group of spines and cores. `per_port` wires every port of a multi-port NIC/DPU group on a link of
    its own (see `nic_endpoints`). `breakout`: leaf ports faster than the NICs split into sub-ports, each
    NIC on one (`rackcad.fabric.plan`); False: a whole leaf port per NIC. `endpoints` given
    (`instance_endpoints`) stand for the NICs of `trays` (each endpoint's position indexes `trays`);
    `pattern_of(tray id)` names the wiring pattern of the links of that tray's NICs (see `build_plan`).
    """
    if endpoints is None:
        endpoints = nic_endpoints(doc, trays, nic_kind, per_port)
    try:
        plan = plan_fat_tree(endpoints, doc.catalog, leaf=leaf, spine=spine, core=core,
                             oversubscription=oversubscription, tiers=tiers, fabric=fabric, prefix=prefix,
                             breakout=breakout)
    except FabricError as exc:
        raise EditError(str(exc)) from None
    first_tray: dict[int, str] = {}
    for e, li in plan.endpoint_links:
        first_tray.setdefault(li, trays[endpoints[e].position])
    group = (lambda li: row_of(first_tray[li])) if row_of else (lambda li: "leaf")
    by_endpoint = (lambda e: pattern_of(trays[endpoints[e].position])) if pattern_of else None
    return build_plan(doc, plan, endpoints, racks, group, upper_group, by_endpoint)
