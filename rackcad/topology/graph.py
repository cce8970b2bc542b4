"""networkx projection of a design: one graph node per placed part, one edge per connected pair."""

from __future__ import annotations

import networkx as nx

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
