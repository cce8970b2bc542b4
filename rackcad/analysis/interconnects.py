"""Scale-up interconnects compared, and the what-if: the same GPUs on another scale-up fabric.

`compare_interconnects` lists the protocols of `rackcad.catalog.interconnects` with their per-GPU bandwidth
(per direction and NVIDIA's bidirectional form), topology, usual domain size and collective latency.

`what_if_platform(design, "pcie6")` keeps everything the serving model reads of the design (its
accelerator and its figures, the NICs per GPU, the power) and swaps the scale-up domain for the protocol's:
its size (or the one given as "nvlink5:576"), per-GPU bandwidth, switched or direct mesh (a mesh splits
each GPU's links over its peers), and latency per collective. `serving(design, model, platform=...)` then
re-runs the search on it, so the design's own frontier and the what-if can be plotted together.
"""

from __future__ import annotations

from dataclasses import replace

from rackcad.analysis.serving import Platform, design_platform
from rackcad.catalog import Catalog
from rackcad.catalog.interconnects import Interconnect, interconnects
from rackcad.model import Design
from rackcad.topology import DesignIndex


class UnknownFabric(ValueError):
    """A what-if fabric that is not in the interconnect table (or a bad domain size)."""


def compare_interconnects() -> list[dict]:
    """One row per protocol, fastest per GPU first."""
    rows = []
    for row in sorted(interconnects().values(), key=lambda r: -r.gbps_per_gpu):
        rows.append({"id": row.id, "name": row.name, "year": row.year, "gbps_per_gpu": row.gbps_per_gpu,
                     "gbytes_per_gpu_bidir": row.gbytes_bidir, "links_per_gpu": row.links_per_gpu,
                     "topology": row.topology, "domain": row.domain, "latency_s": row.latency_s,
                     "source": row.source, "confidence": row.confidence, "note": row.note})
    return rows


def fabric_spec(spec: str) -> tuple[Interconnect, int]:
    """'nvlink5' or 'nvlink5:576' -> (protocol, domain size)."""
    name, _, size = spec.partition(":")
    table = interconnects()
    if name not in table:
        raise UnknownFabric(f"unknown fabric {name!r}; choose one of: {', '.join(sorted(table))}")
    proto = table[name]
    if not size:
        return proto, proto.domain
    try:
        domain = int(size)
    except ValueError:
        raise UnknownFabric(f"fabric {spec!r}: the domain size after ':' must be a whole number") from None
    if domain < 1:
        raise UnknownFabric(f"fabric {spec!r}: the domain needs at least 1 accelerator")
    return proto, domain


def what_if_platform(design: Design, spec: str, catalog: Catalog | None = None, *,
                     index: DesignIndex | None = None) -> Platform | None:
    """The design's platform with its scale-up domain replaced by `spec` (see module docstring).

    None when the design has no accelerator (serving then says so)."""
    proto, domain = fabric_spec(spec)
    base, _, _ = design_platform(design, catalog, index=index)
    if base is None:
        return None
    per_gpu = proto.gbps_per_gpu
    mesh = proto.topology == "mesh"
    pair = per_gpu / max(domain - 1, 1) if mesh else per_gpu
    return replace(
        base, domain_size=domain, switched=not mesh, scale_up_gbps=per_gpu, pair_gbps=pair,
        alltoall_gbps=per_gpu, nvlink_latency_s=proto.latency_s,
        fabric=f"what-if: {proto.name}, {domain}-GPU {'direct mesh' if mesh else 'switched domain'} "
               f"({per_gpu:,.0f} Gb/s per GPU per direction; {proto.source})",
    )
