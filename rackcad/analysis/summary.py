"""summary(): the figures `rackcad info` prints, as a plain dict (the JSON of `info --format json`)."""

from __future__ import annotations

from collections import Counter

from rackcad.analysis.blockwise import rack_row, summary_blocks
from rackcad.analysis.energy import facility
from rackcad.analysis.fabric import domain_fabrics
from rackcad.analysis.latency import design_latency, per_piece
from rackcad.analysis.optics import end_optics, optics_summary
from rackcad.analysis.scale_out import scale_out
from rackcad.analysis.site import design_site
from rackcad.catalog import Catalog
from rackcad.figures import Figures
from rackcad.memory import without_cyclic_gc
from rackcad.model import Design
from rackcad.progress import Progress, no_progress
from rackcad.topology import DesignIndex, is_scale_up_protocol


def summary(design: Design, catalog: Catalog | None = None, index: DesignIndex | None = None,
            progress: Progress | None = None, paths: bool = True) -> dict:
    """Counts, power and heat per rack, NVLink domains and per-accelerator scale-up bandwidth.

    Power and heat come from the design's Figures (`rackcad.figures`): each part's design (maximum) power
    or its `power_w` override, plus the transceivers, active cables and co-packaged optical engines its
    links need, in the rack where they are plugged (`optics_w` says how much). Heat to liquid is power
    times the liquid-cooled share, the rest goes to air. Bandwidth is Gb/s per direction.
    `bisection_gbps` and `alltoall_gbps_per_gpu` are those of the largest NVLink domain (0 without one);
    `domains` has every domain's fabric figures (see `rackcad.analysis.fabric`), largest first.
    `progress` hears of each of its SUMMARY_STEPS steps (figures, racks, fabrics, optics).
    `latency` has worst and typical accelerator-to-accelerator latency inside the NVLink domains, across the
    scale-out fabric and between buildings (`rackcad.analysis.latency`); `site` the buildings and the
    distances between them (`rackcad.analysis.site`). A design of blocks is summed per block and never
    expanded whole (instances reached by wiring patterns attached to their block's class), its latency
    sampled per piece or composed exactly where instances are attached or cable trays route the links
    (`rackcad.analysis.latency.design_latency`).
    `paths=False` leaves those two out (the totals of an export need only counts and power).
    """
    progress = progress or no_progress
    with without_cyclic_gc():
        progress(0, SUMMARY_STEPS, "summary: deriving figures")
        pieces = per_piece(design, index, catalog, attach=True)
        if pieces is not None:
            out = summary_blocks(design, None, _finish, pieces)
            if out is not None:
                if paths:  # per piece too: no latency path crosses from one piece to another
                    out["latency"] = design_latency(design, catalog=catalog, pieces=pieces)
                    out["site"] = design_site(design, pieces=pieces)
                progress(SUMMARY_STEPS, SUMMARY_STEPS, "summary done")
                return out
        figures = Figures.of(design, index, catalog)
        info = _summary(figures.design, figures, progress)
        if paths:
            info["latency"] = design_latency(figures.design, figures)
            info["site"] = design_site(figures.design, figures)
        progress(SUMMARY_STEPS, SUMMARY_STEPS, "summary done")
        return info


SUMMARY_STEPS = 4


def _finish(design: Design, fields: dict) -> dict:
    """The summary's fields with what it reads of the design itself: its name first, facility last."""
    out = {"name": design.name, **fields}
    out["facility"] = facility(fields["per_rack"], _int(design.metadata.get("param.sus")),
                               _float(design.metadata.get("site.power_w")))
    return out


def _summary(design: Design, figures: Figures, progress: Progress = no_progress) -> dict:
    progress(1, SUMMARY_STEPS, "summary: racks")
    counts: Counter[str] = Counter()
    dies = 0
    unknown: list[str] = []
    for node in design.nodes:
        part = figures.node_parts.get(node.id)
        if part is None:
            unknown.append(node.part)
            continue
        counts[part.kind] += 1
        if part.kind in ("gpu", "xpu"):
            dies += part.dies or 1

    per_rack = [rack_row(rack, figures.load(rack.id)) for rack in design.racks]

    progress(2, SUMMARY_STEPS, "summary: NVLink domains")
    fabrics = domain_fabrics(design, index=figures)
    per_acc = [figures.scale_up_gbps(n) for n in figures.accelerators]
    by_protocol: Counter[str] = Counter()
    for link in design.links:
        by_protocol[link.protocol] += link.count
    progress(3, SUMMARY_STEPS, "summary: optics and scale-out")
    modules = figures.modules()

    return _finish(design, {
        "racks": len(design.racks),
        "counts": dict(sorted(counts.items())),
        "gpu_dies": dies,
        "power_w": round(figures.total_power_w(), 3),
        "optics_power_w": round(figures.optics_power_w(), 3),
        "transceivers": sum(n for p, n in modules.items() if (part := figures.catalog.find(p)) and part.kind == "optic"),
        "per_rack": per_rack,
        "nvlink_domains": [f.size for f in fabrics],
        "scale_up_gbps_per_gpu": {
            "min": min(per_acc) if per_acc else 0.0,
            "max": max(per_acc) if per_acc else 0.0,
        },
        "links": figures.link_count,
        "link_records": len(design.links),
        "links_by_protocol": dict(sorted(by_protocol.items())),
        "scale_up_links": sum(c for p, c in by_protocol.items() if is_scale_up_protocol(p)),
        "bisection_gbps": fabrics[0].bisection_gbps if fabrics else 0.0,
        "alltoall_gbps_per_gpu": fabrics[0].alltoall_gbps_per_gpu if fabrics else 0.0,
        "domains": [f.to_dict() for f in fabrics],
        "unknown_parts": sorted(set(unknown)),
        "scale_out": scale_out(design, figures),
        "optics": optics_summary(end_optics(figures)),
        "facility": None,
    })


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
