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

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from rackcad.catalog import ACCELERATOR_KINDS
from rackcad.model import Design
from rackcad.topology import DesignIndex, switch_levels, tier_name

NETWORK_SWITCHES = ("network-switch", "cpo-switch")


@dataclass
class ScaleOutParts:
    """What `scale_out` adds up, for one design or one piece of a hall (`rackcad.figures.pieces`): pieces
    share no link, so the figures of a hall are `scale_out_total` of its pieces' parts."""

    gpus: int = 0
    nic_ports: int = 0
    nic_rates: list[float] = field(default_factory=list)
    tier_rates: dict[int, list[float]] = field(default_factory=dict)
    switches: Counter = field(default_factory=Counter)
    """level -> network switches at that level."""
    ratios: list[tuple[int, float]] = field(default_factory=list)
    """(level, down:up) of every network switch with uplinks."""


def scale_out(design: Design, index: DesignIndex | None = None) -> dict:
    """`summary()["scale_out"]`: gpus, nic_ports, nic_gbps, tiers, switches (by tier), tier_gbps (T_k by
    tier), bisection_gbps, oversubscription (by tier and the worst)."""
    return scale_out_total([(scale_out_parts(design, index), 1)])


def scale_out_parts(design: Design, index: DesignIndex | None = None) -> ScaleOutParts:
    """The links' rates by tier, the switches by level and their down:up ratios (see `scale_out`)."""
    index = index or DesignIndex(design)
    design = index.design  # the Figures' design is expanded: the parts and links of instances too
    levels = switch_levels(index)
    switch_level = {n.id: levels[n.id] for n in design.nodes
                    if index.kind(n) in NETWORK_SWITCHES and n.id in levels}
    parts = ScaleOutParts(gpus=sum(1 for n in design.nodes if index.kind(n) in ACCELERATOR_KINDS),
                          switches=Counter(switch_level.values()))
    down: dict[str, float] = defaultdict(float)
    up: dict[str, float] = defaultdict(float)
    for link in design.links:
        a, b = link.a.node, link.b.node
        if a not in switch_level and b not in switch_level:
            continue
        la, lb = levels.get(a), levels.get(b)
        if la is None or lb is None or la == lb:
            continue
        rate = index.link_gbps(link)
        (low, _), (high, level) = sorted(((a, la), (b, lb)), key=lambda x: x[1])
        parts.tier_rates.setdefault(level, []).append(rate)
        down[high] += rate
        if low in switch_level:
            up[low] += rate
        else:
            parts.nic_ports += link.count
            parts.nic_rates.append(rate)
    parts.ratios = [(level, down.get(switch, 0.0) / up[switch])
                    for switch, level in switch_level.items() if up.get(switch)]
    return parts


def scale_out_total(pieces: list[tuple[ScaleOutParts, int]]) -> dict:
    """`scale_out` of a design made of `pieces` ((parts, how many times the piece repeats))."""
    switches: Counter = Counter()
    tier_rates: dict[int, list[float]] = defaultdict(list)
    nic_rates: list[float] = []
    gpus = nic_ports = 0
    for parts, times in pieces:
        gpus += parts.gpus * times
        nic_ports += parts.nic_ports * times
        nic_rates += parts.nic_rates * times
        for level, count in parts.switches.items():
            switches[level] += count * times
        for level, rates in parts.tier_rates.items():
            tier_rates[level] += rates * times
    tiers = max(switches, default=0)
    tier_gbps = {level: math.fsum(rates) for level, rates in tier_rates.items()}
    ratios: dict[str, float] = {}
    for parts, _ in pieces:
        for level, ratio in parts.ratios:
            if level < tiers:
                name = tier_name(level)
                ratios[name] = max(ratios.get(name, 0.0), ratio)
    bisection = min(tier_gbps.values()) / 2 if tier_gbps else 0.0
    return {
        "gpus": gpus,
        "nic_ports": nic_ports,
        "nic_gbps": math.fsum(nic_rates),
        "tiers": tiers,
        "switches": {tier_name(k): switches[k] for k in range(1, tiers + 1)},
        "tier_gbps": {tier_name(k): tier_gbps[k] for k in sorted(tier_gbps)},
        "bisection_gbps": bisection,
        "oversubscription": {**{k: round(v, 4) for k, v in sorted(ratios.items())},
                             "max": round(max(ratios.values(), default=0.0), 4)},
    }
