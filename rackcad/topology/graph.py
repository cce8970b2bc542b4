"""networkx projection of a design: one graph node per placed part, one edge per connected pair."""

from __future__ import annotations

import networkx as nx

from rackcad.catalog import ACCELERATOR_KINDS
from rackcad.topology.index import DesignIndex, is_scale_up_protocol


def build_graph(index: DesignIndex, protocols: str = "all") -> nx.Graph:
    """Parts as graph nodes (attrs: kind, part, rack); links aggregated per pair (attrs: count, gbps).

    `protocols`: "all", or "scale-up" for NVLink-class links only (the NVLink domain fabric).
    """
    graph = nx.Graph()
    for node in index.design.nodes:
        graph.add_node(node.id, kind=index.kind(node), part=node.part, rack=index.rack_of.get(node.id))
    for link in index.design.links:
        if protocols == "scale-up" and not is_scale_up_protocol(link.protocol):
            continue
        a, b = link.a.node, link.b.node
        if a not in graph or b not in graph or a == b:
            continue
        gbps = index.link_gbps(link)
        if graph.has_edge(a, b):
            data = graph.edges[a, b]
            data["count"] += link.count
            data["gbps"] += gbps
            data["links"].append(link.id)
        else:
            graph.add_edge(a, b, count=link.count, gbps=gbps, protocol=link.protocol, links=[link.id])
    return graph


def scale_up_domains(index: DesignIndex, graph: nx.Graph | None = None) -> list[list[str]]:
    """NVLink-class domains: accelerators reachable from each other over scale-up links (through switches).

    Each domain is a sorted list of accelerator ids; domains are sorted largest first. An accelerator with
    scale-up ports but no links is a domain of one. `graph`, when given, is `build_graph(index, "scale-up")`
    already built by the caller (it is the costly part on large designs).
    """
    graph = graph if graph is not None else build_graph(index, protocols="scale-up")
    domains: list[list[str]] = []
    for component in nx.connected_components(graph):
        accelerators = sorted(n for n in component if graph.nodes[n]["kind"] in ACCELERATOR_KINDS)
        if accelerators:
            domains.append(accelerators)
    domains.sort(key=lambda d: (-len(d), d[0]))
    return domains
