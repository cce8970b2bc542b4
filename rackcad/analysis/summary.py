"""summary(): the figures `rackcad info` prints, as a plain dict (the JSON of `info --format json`)."""

from __future__ import annotations

from collections import Counter

from rackcad.analysis.energy import facility
from rackcad.analysis.fabric import domain_fabrics
from rackcad.analysis.optics import end_optics, optics_summary, rack_optics
from rackcad.analysis.scale_out import scale_out
from rackcad.catalog import Catalog
from rackcad.model import Design
from rackcad.topology import DesignIndex, is_scale_up_protocol


def summary(design: Design, catalog: Catalog | None = None, index: DesignIndex | None = None) -> dict:
    """Counts, power and heat per rack, NVLink domains and per-accelerator scale-up bandwidth.

    Power is each part's design (maximum) power, or its `power_w` override, plus the optics at its racks'
    link ends (`rackcad.analysis.optics.end_optics`, the same the power rules add); heat to liquid is power
    times the part's liquid-cooled share, the rest goes to air. `scale_out`, `optics` and `facility` are the
    scale-out fabric, link optics and facility energy (PUE; per SU for templates with `sus`; how many SUs fit
    when the design's metadata sets `site.power_w`). Bandwidth is Gb/s per direction.
    `bisection_gbps` and `alltoall_gbps_per_gpu` are those of the largest NVLink domain (0 without one);
    `domains` has every domain's fabric figures (see `rackcad.analysis.fabric`), largest first.
    """
    index = index or DesignIndex(design, catalog)
    counts: Counter[str] = Counter()
    dies = 0
    unknown: list[str] = []
    for node in design.nodes:
        part = index.part(node)
        if part is None:
            unknown.append(node.part)
            continue
        counts[part.kind] += 1
        if part.kind in ("gpu", "xpu"):
            dies += part.dies or 1

    per_rack = []
    rack_power: dict[str, float] = {r.id: 0.0 for r in design.racks}
    rack_liquid: dict[str, float] = {r.id: 0.0 for r in design.racks}
    total = 0.0
    for node in design.nodes:
        power = index.power_w(node)
        total += power
        rack_id = index.rack_of.get(node.id)
        if rack_id in rack_power:
            rack_power[rack_id] += power
            rack_liquid[rack_id] += power * index.liquid_fraction(node)
    ends = end_optics(index)
    for rack_id, (power, liquid) in rack_optics(index, ends).items():
        if rack_id in rack_power:
            rack_power[rack_id] += power
            rack_liquid[rack_id] += liquid
            total += power
    for rack in design.racks:
        power = rack_power[rack.id]
        per_rack.append(
            {
                "id": rack.id,
                "name": rack.name,
                "part": rack.part,
                "power_w": round(power, 3),
                "power_budget_w": rack.power_budget_w,
                "heat_liquid_w": round(rack_liquid[rack.id], 3),
                "heat_air_w": round(power - rack_liquid[rack.id], 3),
            }
        )

    fabrics = domain_fabrics(design, index=index)
    per_acc = [index.scale_up_gbps(n) for n in index.accelerators]
    by_protocol: Counter[str] = Counter()
    for link in design.links:
        by_protocol[link.protocol] += link.count

    return {
        "name": design.name,
        "racks": len(design.racks),
        "counts": dict(sorted(counts.items())),
        "gpu_dies": dies,
        "power_w": round(total, 3),
        "per_rack": per_rack,
        "nvlink_domains": [f.size for f in fabrics],
        "scale_up_gbps_per_gpu": {
            "min": min(per_acc) if per_acc else 0.0,
            "max": max(per_acc) if per_acc else 0.0,
        },
        "links": sum(link.count for link in design.links),
        "link_records": len(design.links),
        "links_by_protocol": dict(sorted(by_protocol.items())),
        "scale_up_links": sum(c for p, c in by_protocol.items() if is_scale_up_protocol(p)),
        "bisection_gbps": fabrics[0].bisection_gbps if fabrics else 0.0,
        "alltoall_gbps_per_gpu": fabrics[0].alltoall_gbps_per_gpu if fabrics else 0.0,
        "domains": [f.to_dict() for f in fabrics],
        "unknown_parts": sorted(set(unknown)),
        "scale_out": scale_out(design, index),
        "optics": optics_summary(ends),
        "facility": facility(per_rack, _int(design.metadata.get("param.sus")),
                             _float(design.metadata.get("site.power_w"))),
    }


def _int(text: str | None) -> int | None:
    try:
        return int(text) if text else None
    except ValueError:
        return None


def _float(text: str | None) -> float | None:
    try:
        return float(text) if text else None
    except ValueError:
        return None
