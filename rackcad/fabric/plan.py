"""Fat-tree plans: how many switches each tier needs and which ports join which, from the radix alone.

A rail-optimised fat tree (the DGX SuperPOD compute fabric, F12, F13) in plain arithmetic, no Document:

- **Leaf**: every leaf serves one rail (NIC k of every tray lands on leaves of rail group k, F12). A leaf of
  P ports gives d ports down and keeps the rest for uplinks, with d x (down rate) <= o x (P - d) x (up rate)
  for the chosen oversubscription o (1 = non-blocking): d = floor(o P r_up / (r_down + o r_up)). A 64-port
  QM9700 at 1:1 gives 32 down, 32 up; a 144 x 800G Q3450 with 400G NICs gives 96 down at 400G and 48 up at
  800G. With breakout (the default), a leaf port faster than the NICs splits w ways (the most its port group
  allows whose sub-ports still carry the NICs' rate, `breakout_ways`): each of the d physical down ports then
  carries w NICs, d = floor(o P r_up / (w r_down + o r_up)), and a leaf serves w x d NIC ports. A 64 x 800G
  SN5600 facing 200G DPUs splits 4 ways: 32 ports down (128 DPU ports) and 32 up, where whole ports give 51
  down (51 DPU ports) and 13 up; a Q3450 facing 400G NICs splits 2 ways: 72 down (144 NICs) and 72 up.
  Rail k's E_k NIC ports need ceil(E_k / (w d)) leaves; the ports are spread over them evenly, in tray
  order, and each leaf gets ceil(down bandwidth / (o x up rate)) uplinks.
- **Two tiers** when they fit: S = ceil(total uplinks / spine radix) spines, and every leaf reaches every
  spine (S <= the smallest leaf's uplinks). Leaf uplinks are dealt round-robin over the spines, so every
  spine takes the same share (at most its radix).
- **Three tiers** otherwise, up to `fat_tree_reach` NIC ports (core radix x spine down ports x leaf down
  ports: 65,536 on 64-port QM9700 at 1:1, fewer than the 73,728 of 128 GB200 SUs; beyond it the plan
  fails, naming the limit, rather than build a fabric that does not reach every port): leaves are grouped into pods (leaves in (position, rail) order, so a pod holds
  every rail of a run of trays, as a DGX SuperPOD SU does); a pod of k leaves has ceil(its uplinks / spine
  down ports) spines, each non-blocking (as many up as down); spine j of every pod joins core plane j, of
  ceil(plane uplinks / core radix) cores. A leaf (spine) with fewer uplinks than its pod has spines (its
  plane cores) takes one to each where it has free ports: never less than non-blocking. Pods hold at
  most as many leaves as a spine has down ports.

Counts are per direction Gb/s; a link runs at the fastest rate both ends support (`PortGroup.runs_at`).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

from rackcad.catalog import Catalog, PortGroup


class FabricError(ValueError):
    """A fabric that cannot be built from the given switches (radix too small, rates that never meet)."""


@dataclass(frozen=True)
class Endpoint:
    """One NIC port group that the fabric must reach: the NIC node, its port group, rail and rate."""

    node: str
    part: str
    port: str
    rail: int
    position: int
    """Order of the endpoint's tray in the design (trays of a rack, racks of a row): leaves take runs of it."""
    index: int | None = None
    """One port of a multi-port group (a dual-port DPU wired port by port), or None: the group's first port."""


@dataclass(frozen=True)
class Tier:
    """Switches of one tier: the part, how many, and for each switch its name and group."""

    name: str  # leaf, spine, core
    part: str
    names: list[str]
    rails: list[int | None]
    pods: list[int | None]


@dataclass
class FabricPlan:
    """Tiers and the links between them, by index: ("leaf", i) is tier leaf's switch i."""

    fabric: str
    tiers: list[Tier]
    endpoint_links: list[tuple[int, int]] = field(default_factory=list)
    """(endpoint index, leaf index)."""
    switch_links: Counter = field(default_factory=Counter)
    """((lower tier, i), (upper tier, j)) -> parallel links."""
    split: int = 1
    """Ways each leaf port facing the NICs is split (1: whole ports); the endpoint links land on sub-ports."""

    def tier(self, name: str) -> Tier | None:
        return next((t for t in self.tiers if t.name == name), None)

    @property
    def switches(self) -> dict[str, int]:
        return {t.name: len(t.names) for t in self.tiers}


def link_rate(a: PortGroup, b: PortGroup) -> float:
    """The fastest rate two port groups both run at; 0 when they never meet."""
    common = [r for r in {a.gbps, *a.speeds_gbps} if b.runs_at(r)]
    return max(common, default=0.0)


def breakout_ways(port: PortGroup, nic: PortGroup) -> int:
    """The most ways `port` splits (its catalog `breakout`) whose sub-ports still link up with `nic` at the
    rate the whole port would run at; 1 when no split keeps that rate (a 400G NIC on a 400G port)."""
    rate = link_rate(nic, port)
    ways = [w for w in (port.breakout.ways if port.breakout else ()) if link_rate(nic, port.sub_port(w)) == rate]
    return max(ways, default=1)


def network_port(catalog: Catalog, part_id: str) -> PortGroup:
    part = catalog.get(part_id)
    group = next((g for g in part.ports if g.role == "network"), None)
    if group is None or part.kind not in ("network-switch", "cpo-switch"):
        raise FabricError(f"{part_id} is not a network switch with network ports")
    return group


def fat_tree_reach(leaf_port: PortGroup, spine_port: PortGroup, core_port: PortGroup, r_down: float,
                   oversubscription: float = 1.0, ways: int = 1) -> int:
    """The most NIC ports a 3-tier fat tree of these switches reaches with its leaves at
    `oversubscription`:1 (their down ports split `ways` ways) and non-blocking spines: core radix (pods) x
    spine down ports (leaves a pod) x NIC ports a leaf. 64-port QM9700 at 1:1: 64 x 32 x 32 = 65,536
    (64^3 / 4); 0 when the rates never meet."""
    r_up, r_core = link_rate(leaf_port, spine_port), link_rate(spine_port, core_port)
    if not (r_down and r_up and r_core):
        return 0
    down = math.floor(oversubscription * leaf_port.count * r_up / (ways * r_down + oversubscription * r_up) + 1e-9)
    spine_down = math.floor(spine_port.count * r_core / (r_up + r_core) + 1e-9)
    return core_port.count * spine_down * ways * max(min(down, leaf_port.count - 1), 0)


def _reach_all(loads: list[int], room: list[int], radix: int) -> tuple[list[int], int | None]:
    """(uplinks per switch, switches above) for switches with `loads` uplinks (and `room` free ports each)
    under switches of `radix` ports, every switch reaching every one above: ceil(sum / radix) above, and a
    switch with fewer uplinks than that takes one to each anyway where its free ports allow (never fewer
    than non-blocking). None when one cannot."""
    count = math.ceil(sum(loads) / radix)
    while count > min(loads):
        if any(count > r for r in room):
            return loads, None
        loads = [max(n, count) for n in loads]
        count = math.ceil(sum(loads) / radix)
    return loads, count


def _deal(loads: list[int], bins: int, start: int = 0) -> tuple[list[Counter], int]:
    """Deal each item's `loads[i]` uplinks round-robin over `bins`, continuing one global pointer."""
    out = []
    pointer = start
    for load in loads:
        counts: Counter = Counter()
        for _ in range(load):
            counts[pointer % bins] += 1
            pointer += 1
        out.append(counts)
    return out, pointer


def plan_fat_tree(
    endpoints: list[Endpoint], catalog: Catalog, *, leaf: str, spine: str | None = None, core: str | None = None,
    oversubscription: float = 1.0, tiers: int | None = None, fabric: str = "compute", prefix: str = "C",
    breakout: bool = True,
) -> FabricPlan:
    """The plan of a rail-optimised fat tree over `endpoints` (see the module docstring).

    `tiers` forces 2 or 3; by default the fewest that fit. `oversubscription` is the leaves' down:up ratio.
    `breakout`: split leaf ports faster than the NICs into sub-ports (False: one NIC per whole port).
    """
    if not endpoints:
        raise FabricError("a fabric needs at least one NIC port to reach")
    if oversubscription <= 0:
        raise FabricError("oversubscription must be positive (1 = non-blocking)")
    if tiers not in (None, 2, 3):
        raise FabricError("a fat tree here has 2 or 3 tiers")
    spine = spine or leaf
    core = core or spine
    leaf_port, spine_port, core_port = (network_port(catalog, p) for p in (leaf, spine, core))
    nic_groups = {(e.part, e.port) for e in endpoints}
    rates = {link_rate(catalog.get(part).port(port), leaf_port) for part, port in nic_groups}
    if len(rates) > 1:
        raise FabricError("all NIC ports of one fabric must run at one rate on its leaves")
    r_down = rates.pop()
    if not r_down:
        part, port = next(iter(nic_groups))
        raise FabricError(f"{leaf} ports and the {part} '{port}' ports share no rate")
    splits = {breakout_ways(leaf_port, catalog.get(part).port(port)) for part, port in nic_groups} if breakout else {1}
    ways = splits.pop() if len(splits) == 1 else 1  # NIC groups that split differently: whole ports
    r_up = link_rate(leaf_port, spine_port)
    if not r_up:
        raise FabricError(f"{leaf} and {spine} ports share no rate")
    radix = leaf_port.count
    down = math.floor(oversubscription * radix * r_up / (ways * r_down + oversubscription * r_up) + 1e-9)
    if down < 1 or down >= radix:
        raise FabricError(f"{leaf} cannot give {oversubscription:g}:1 with {radix} ports")

    by_rail: dict[int, list[int]] = {}
    for i, e in enumerate(endpoints):
        by_rail.setdefault(e.rail, []).append(i)
    leaves: list[tuple[int, int, list[int]]] = []  # (position index within rail, rail, endpoint indices)
    for rail in sorted(by_rail):
        members = sorted(by_rail[rail], key=lambda i: endpoints[i].position)
        count = math.ceil(len(members) / (ways * down))
        for j in range(count):
            lo, hi = j * len(members) // count, (j + 1) * len(members) // count
            leaves.append((j, rail, members[lo:hi]))
    leaves.sort(key=lambda item: (item[0], item[1]))
    uplinks = [math.ceil(len(m) * r_down / (oversubscription * r_up) - 1e-9) for _, _, m in leaves]

    leaf_tier = Tier("leaf", leaf, [f"{prefix}-LEAF-R{rail + 1}-{j + 1:02d}" for j, rail, _ in leaves],
                     [rail for _, rail, _ in leaves], [None] * len(leaves))
    plan = FabricPlan(fabric, [leaf_tier], split=ways)
    for li, (_, _, members) in enumerate(leaves):
        plan.endpoint_links += [(e, li) for e in members]

    spine_radix = spine_port.count
    spines_2 = math.ceil(sum(uplinks) / spine_radix)
    fits_two = spines_2 <= min(uplinks)
    if tiers == 2 and not fits_two:
        raise FabricError(f"{len(leaves)} leaves need 3 tiers: {spine} has {spine_radix} ports")
    if tiers == 2 or (tiers is None and fits_two):
        dealt, _ = _deal(uplinks, spines_2)
        plan.tiers.append(Tier("spine", spine, [f"{prefix}-SPINE-{s + 1:02d}" for s in range(spines_2)],
                               [None] * spines_2, [None] * spines_2))
        for li, counts in enumerate(dealt):
            for s, n in counts.items():
                plan.switch_links[(("leaf", li), ("spine", s))] += n
        return plan

    r_core = link_rate(spine_port, core_port)
    if not r_core:
        raise FabricError(f"{spine} and {core} ports share no rate")
    reach = fat_tree_reach(leaf_port, spine_port, core_port, r_down, oversubscription, ways)
    if len(endpoints) > reach:
        raise FabricError(
            f"{len(endpoints):,} NIC ports exceed the {reach:,} a 3-tier fat tree of {leaf} reaches at "
            f"{oversubscription:g}:1 ({core_port.count} pods x {math.floor(spine_radix * r_core / (r_up + r_core) + 1e-9)} "
            f"leaves x {ways * down} NIC ports): choose a switch with more ports or a higher oversubscription")
    spine_down = math.floor(spine_radix * r_core / (r_up + r_core) + 1e-9)
    pods = math.ceil(len(leaves) / spine_down)
    per_pod = math.ceil(len(leaves) / pods)
    spine_names, spine_pods, spine_up, spine_room = [], [], [], []
    planes: dict[int, list[int]] = {}
    for p in range(pods):
        members = list(range(p * per_pod, min((p + 1) * per_pod, len(leaves))))
        room = [radix - math.ceil(len(leaves[i][2]) / ways) for i in members]
        pod_up, count = _reach_all([uplinks[i] for i in members], room, spine_down)
        if count is None:
            raise FabricError(f"a pod of {len(members)} leaves cannot reach all its spines")
        dealt, _ = _deal(pod_up, count)
        base = len(spine_names)
        down_of = Counter()
        for i, counts in zip(members, dealt):
            for s, n in counts.items():
                plan.switch_links[(("leaf", i), ("spine", base + s))] += n
                down_of[s] += n
        for s in range(count):
            spine_names.append(f"{prefix}-SPINE-P{p + 1}-{s + 1:02d}")
            spine_pods.append(p)
            spine_up.append(math.ceil(down_of[s] * r_up / r_core - 1e-9))
            spine_room.append(spine_radix - down_of[s])
            planes.setdefault(s, []).append(base + s)
    plan.tiers.append(Tier("spine", spine, spine_names, [None] * len(spine_names), spine_pods))
    core_names: list[str] = []
    for plane in sorted(planes):
        members = planes[plane]
        loads, count = _reach_all([spine_up[s] for s in members], [spine_room[s] for s in members], core_port.count)
        if count is None:
            raise FabricError(f"core plane {plane + 1} needs more cores than a spine has uplinks")
        dealt, _ = _deal(loads, count)
        base = len(core_names)
        for s, counts in zip(members, dealt):
            for c, n in counts.items():
                plan.switch_links[(("spine", s), ("core", base + c))] += n
        core_names += [f"{prefix}-CORE-{plane + 1:02d}-{c + 1}" for c in range(count)]
    plan.tiers.append(Tier("core", core, core_names, [None] * len(core_names), [None] * len(core_names)))
    return plan
