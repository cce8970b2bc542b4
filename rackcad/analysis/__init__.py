"""Derived figures: the design summary (what `rackcad info` prints), NVLink-domain fabric (bisection,
all-to-all, all-reduce), expert-parallel reach and optics (pluggables against CPO). Serving (TTFT, tokens/s
per user, per GPU and per MW) lives in `rackcad.analysis.serving`, imported on demand: it needs numpy."""

from rackcad.analysis.experts import ExpertParallel, expert_parallel
from rackcad.analysis.fabric import DomainFabric, alltoall_gbps, domain_fabrics, ring_allreduce_s
from rackcad.analysis.optics import DesignOptics, OpticsComparison, OpticsOption, compare_optics, design_optics
from rackcad.analysis.summary import summary

__all__ = [
    "DesignOptics",
    "DomainFabric",
    "ExpertParallel",
    "OpticsComparison",
    "OpticsOption",
    "alltoall_gbps",
    "compare_optics",
    "design_optics",
    "domain_fabrics",
    "expert_parallel",
    "ring_allreduce_s",
    "summary",
]
