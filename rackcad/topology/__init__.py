"""Read-only views of a design: a DesignIndex (lookups built once) and a networkx graph projection."""

from rackcad.topology.graph import build_graph
from rackcad.topology.index import DesignIndex, PortUse, is_scale_up_protocol, port_use_of, ports_in_use
from rackcad.topology.tiers import ENDPOINT_KINDS, SWITCH_KINDS, switch_levels, tier_name

__all__ = ["ENDPOINT_KINDS", "SWITCH_KINDS", "DesignIndex", "PortUse", "build_graph", "is_scale_up_protocol", "port_use_of", "ports_in_use", "switch_levels",
           "tier_name"]
