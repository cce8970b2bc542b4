"""Qt-free drawing geometry (mm): the canvas and the SVG writer both draw from it."""

from rackcad.layout.floor import CableRun, FloorLayout, RackFootprint, floor_layout
from rackcad.layout.topology import TopologyEdge, TopologyGroup, TopologyLayout, TopologyNode, topology_layout

__all__ = [
    "CableRun", "FloorLayout", "RackFootprint", "TopologyEdge", "TopologyGroup", "TopologyLayout", "TopologyNode",
    "floor_layout", "topology_layout",
]
