"""Derived figures: the design summary (what `rackcad info` prints), NVLink-domain fabric (bisection,
all-to-all, all-reduce), expert-parallel reach, optics (pluggables against CPO) and an MoE inference estimate."""

from rackcad.analysis.experts import ExpertParallel, expert_parallel
from rackcad.analysis.fabric import DomainFabric, alltoall_gbps, domain_fabrics, ring_allreduce_s
from rackcad.analysis.inference import InferenceEstimate, MoEModel, inference_estimate
from rackcad.analysis.optics import DesignOptics, OpticsComparison, OpticsOption, compare_optics, design_optics
from rackcad.analysis.summary import summary

__all__ = [
    "DesignOptics",
    "DomainFabric",
    "ExpertParallel",
    "InferenceEstimate",
    "MoEModel",
    "OpticsComparison",
    "OpticsOption",
    "alltoall_gbps",
    "compare_optics",
    "design_optics",
    "domain_fabrics",
    "expert_parallel",
    "inference_estimate",
    "ring_allreduce_s",
    "summary",
]
