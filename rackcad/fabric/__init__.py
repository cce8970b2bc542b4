"""Scale-out fabric builders: rail-optimised fat trees of 2 or 3 tiers, pluggable or CPO per tier, planned
from the switch radix and the NIC ports (`plan`) and built through the Document into network racks (`build`)."""

from rackcad.fabric.build import Fabric, NetworkRacks, build_fat_tree, build_plan, instance_endpoints, nic_endpoints
from rackcad.fabric.plan import Endpoint, FabricError, FabricPlan, Tier, fat_tree_reach, link_rate, plan_fat_tree

__all__ = [
    "Endpoint",
    "Fabric",
    "FabricError",
    "FabricPlan",
    "NetworkRacks",
    "Tier",
    "build_fat_tree",
    "build_plan",
    "fat_tree_reach",
    "instance_endpoints",
    "link_rate",
    "nic_endpoints",
    "plan_fat_tree",
]
