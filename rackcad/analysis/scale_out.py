"""Scale-out fabric figures: tiers, switches by tier, bisection and oversubscription, from the links alone.

Tiers come from `rackcad.topology.switch_levels` (NICs 0, leaves 1, spines 2, cores 3) over network switches
(`network-switch`, `cpo-switch`). Tier k's bandwidth T_k is the per-direction Gb/s of the links between
level k-1 and level k (each at its slower port's rate times its count). Traffic across any balanced split of
a fat tree climbs to the tier where the halves meet, so the bisection is at most T_k / 2 for every k, and
a full, non-blocking tree reaches that bound: `bisection_gbps = min_k T_k / 2` (for a rail-optimised 1:1
tree, half the NICs' bandwidth). Oversubscription of a tier is the largest down:up ratio of its switches;
the top tier has no uplinks and is not rated.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from rackcad.catalog import ACCELERATOR_KINDS
from rackcad.model import Design
from rackcad.topology import DesignIndex, switch_levels, tier_name

NETWORK_SWITCHES = ("network-switch", "cpo-switch")


def scale_out(design: Design, index: DesignIndex | None = None) -> dict:
    """`summary()["scale_out"]`: gpus, nic_ports, nic_gbps, tiers, switches (by tier), tier_gbps (T_k by
    tier), bisection_gbps, oversubscription (by tier and the worst)."""
    index = index or DesignIndex(design)
    levels = switch_levels(index)
    switch_level = {n.id: levels[n.id] for n in design.nodes
                    if index.kind(n) in NETWORK_SWITCHES and n.id in levels}
    switches = Counter(tier_name(level) for level in switch_level.values())
    tiers = max(switch_level.values(), default=0)
    tier_gbps: dict[int, float] = defaultdict(float)
    down: dict[str, float] = defaultdict(float)
    up: dict[str, float] = defaultdict(float)
    nic_ports, nic_gbps = 0, 0.0
    for link in design.links:
        a, b = link.a.node, link.b.node
        if a not in switch_level and b not in switch_level:
            continue
        la, lb = levels.get(a), levels.get(b)
        if la is None or lb is None or la == lb:
            continue
        rate = index.link_gbps(link)
        (low, _), (high, level) = sorted(((a, la), (b, lb)), key=lambda x: x[1])
        tier_gbps[level] += rate
        down[high] += rate
        if low in switch_level:
            up[low] += rate
        else:
            nic_ports += link.count
            nic_gbps += rate
    ratios: dict[str, float] = {}
    for switch, level in switch_level.items():
        if level < tiers and up.get(switch):
            name = tier_name(level)
            ratios[name] = max(ratios.get(name, 0.0), down.get(switch, 0.0) / up[switch])
    bisection = min(tier_gbps.values()) / 2 if tier_gbps else 0.0
    return {
        "gpus": sum(1 for n in design.nodes if index.kind(n) in ACCELERATOR_KINDS),
        "nic_ports": nic_ports,
        "nic_gbps": nic_gbps,
        "tiers": tiers,
        "switches": {tier_name(k): switches[tier_name(k)] for k in range(1, tiers + 1)},
        "tier_gbps": {tier_name(k): tier_gbps[k] for k in sorted(tier_gbps)},
        "bisection_gbps": bisection,
        "oversubscription": {**{k: round(v, 4) for k, v in sorted(ratios.items())},
                             "max": round(max(ratios.values(), default=0.0), 4)},
    }
