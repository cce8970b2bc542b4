"""Read-only views of a design: a DesignIndex (lookups built once) and a networkx graph projection."""

from rackcad.topology.graph import build_graph
from rackcad.topology.index import DesignIndex, is_scale_up_protocol
from rackcad.topology.tiers import ENDPOINT_KINDS, SWITCH_KINDS, switch_levels, tier_name

__all__ = ["ENDPOINT_KINDS", "SWITCH_KINDS", "DesignIndex", "build_graph", "is_scale_up_protocol", "switch_levels",
           "tier_name"]
