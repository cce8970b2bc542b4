"""Switch tiers of a design: how far each switch is from the endpoints it serves, from the links alone.

Endpoints are accelerators, NICs and DPUs (level 0). A switch's level is its fewest switch hops to an
endpoint: 1 for leaves and NVLink switch chips, 2 for spines, 3 for cores. A link from a switch to a part of
lower level goes down, to a higher level goes up. Multi-source BFS over the links that touch a switch, so
the cost is O(nodes + links); rules (oversubscription, tiers) and analysis (scale-out summary, optics per
tier) read the same levels.
"""

from __future__ import annotations

from collections import deque

from rackcad.topology.index import DesignIndex

SWITCH_KINDS = frozenset({"switch", "network-switch", "cpo-switch"})
ENDPOINT_KINDS = frozenset({"gpu", "xpu", "nic", "dpu"})
TIER_NAMES = {1: "leaf", 2: "spine", 3: "core"}


def tier_name(level: int) -> str:
    return TIER_NAMES.get(level, f"tier {level}")


def switch_levels(index: DesignIndex) -> dict[str, int]:
    """node id -> level for every endpoint (0) and every switch reachable from one (1, 2, 3...)."""
    kinds = {n.id: index.kind(n) for n in index.design.nodes}
    adjacency: dict[str, set[str]] = {}
    for link in index.design.links:
        a, b = link.a.node, link.b.node
        ka, kb = kinds.get(a), kinds.get(b)
        if a == b or (ka not in SWITCH_KINDS and kb not in SWITCH_KINDS):
            continue
        adjacency.setdefault(a, set()).add(b)
        adjacency.setdefault(b, set()).add(a)
    level = {n: 0 for n in adjacency if kinds.get(n) in ENDPOINT_KINDS}
    queue = deque(level)
    while queue:
        node = queue.popleft()
        for other in adjacency.get(node, ()):
            if other not in level and kinds.get(other) in SWITCH_KINDS:
                level[other] = level[node] + 1
                queue.append(other)
    return level
