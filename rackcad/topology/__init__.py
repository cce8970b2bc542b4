"""Read-only views of a design: a DesignIndex (lookups built once) and a networkx graph projection."""

from rackcad.topology.graph import build_graph
from rackcad.topology.index import DesignIndex, is_scale_up_protocol

__all__ = ["DesignIndex", "build_graph", "is_scale_up_protocol"]
