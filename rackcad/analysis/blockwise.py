"""summary() per block: the figures of a hall from one evaluation of each block and of what differs.

The design is cut into pieces (`rackcad.figures.pieces`); each piece's figures are read once (a class of
repeated instances is read on its stand-in and kept while its block is the same object) and added up
with its number of members. Sums are exact whatever the order (integers; power through exact fractions,
as `math.fsum` rounds the sum of every term once; bandwidth and optics through fsum), per-rack rows and
NVLink domains come in the order the expanded design has them, so `summary(design)` equals
`summary(expanded(design))` key by key (tests compare the two). Pieces cut with attached instances
(`split(..., attach=True)`) are read the same way: the parts the rest borrows of them are their class's to
count, and their racks' rows are the rest's composed loads (`rackcad.figures.pieces.rack_load`).
"""

from __future__ import annotations

from collections import Counter
from fractions import Fraction

from rackcad.analysis.energy import facility
from rackcad.analysis.fabric import domain_fabrics
from rackcad.analysis.optics import end_optics, optics_summary
from rackcad.analysis.scale_out import scale_out_parts, scale_out_total
from rackcad.catalog import Catalog
from rackcad.figures.pieces import Piece, rack_load, split
from rackcad.model import Design, expanded_id
from rackcad.topology import is_scale_up_protocol


def rack_row(rack, load) -> dict:
    """One entry of `summary()["per_rack"]`."""
    return {
        "id": rack.id,
        "name": rack.name,
        "part": rack.part,
        "power_w": round(load.power_w, 3),
        "power_budget_w": rack.power_budget_w,
        "heat_liquid_w": round(load.liquid_w, 3),
        "heat_air_w": round(load.air_w, 3),
        "optics_w": round(load.optics_w, 3),
    }


def _totals(piece: Piece) -> dict | None:
    """Counts by kind, dies, power (parts and link ends, exact), optics power and link counts of one piece;
    None when a part is not in the catalog. Kept in a class piece's cache."""
    cached = piece.cache.get("totals")
    if cached is not None:
        return cached
    design, figures = piece.design, piece.figures
    counts: Counter[str] = Counter()
    dies = 0
    borrowed = piece.borrowed
    for node in design.nodes:
        part = figures.node_parts.get(node.id)
        if part is None:
            return None
        if node.id in borrowed:
            continue
        counts[part.kind] += 1
        if part.kind in ("gpu", "xpu"):
            dies += part.dies or 1
    by_protocol: Counter[str] = Counter()
    for link in design.links:
        by_protocol[link.protocol] += link.count
    parts_w, optics_w = figures.exact_power_w(borrowed)
    read = {"counts": counts, "dies": dies, "power": parts_w + optics_w, "optics": optics_w,
            "links": figures.link_count, "records": len(design.links), "by_protocol": by_protocol}
    if piece.repeated:
        piece.cache["totals"] = read
    return read


def _read(piece: Piece) -> dict | None:
    """What the summary adds up, of one piece; None when a part is not in the catalog."""
    cached = piece.cache.get("summary")
    if cached is not None:
        return cached
    totals = _totals(piece)
    if totals is None:
        return None
    design, figures = piece.design, piece.figures
    per_acc = [figures.scale_up_gbps(n) for n in figures.accelerators]
    modules = figures.modules()
    catalog = figures.catalog
    read = {
        **totals,
        "transceivers": sum(n for p, n in modules.items() if (part := catalog.find(p)) and part.kind == "optic"),
        "rows": {rack.id: rack_row(rack, rack_load(piece, rack.id)) for rack in design.racks},
        "domains": list(zip((d[0] for d in figures.domains()), domain_fabrics(design, index=figures))),
        "per_acc": (min(per_acc), max(per_acc)) if per_acc else None,
        "scale_out": scale_out_parts(design, figures), "ends": end_optics(figures),
    }
    if piece.repeated:
        piece.cache["summary"] = read
    return read


def totals_blocks(design: Design, catalog: Catalog | None = None, pieces: list[Piece] | None = None) -> dict | None:
    """The totals `summary()` states for a design with instances (`counts`, `power_w`, `links`,
    `link_records`), per block and without its per-rack rows, NVLink domains or optics; None when the
    design must be read expanded (as `summary_blocks`). `pieces`: `split(design, catalog)` when the caller
    has it already."""
    pieces = pieces if pieces is not None else split(design, catalog)
    if pieces is None:
        return None
    counts: Counter[str] = Counter()
    power = Fraction(0)
    links = records = 0
    for piece in pieces:
        read = _totals(piece)
        if read is None:
            return None
        times = max(len(piece.members), 1)
        for kind, n in read["counts"].items():
            counts[kind] += n * times
        power += read["power"] * times
        links += read["links"] * times
        records += read["records"] * times
    return {"counts": dict(sorted(counts.items())), "power_w": round(float(power), 3), "links": links,
            "link_records": records}


def rack_rows_blocks(design: Design, pieces: list[Piece]) -> dict[str, dict]:
    """rack id -> its `summary()["per_rack"]` row, for every rack of a design cut into `pieces`, without the
    rest of the summary: a class's rows are read once on its stand-in (kept while its block is the same)
    and named per member."""
    rows: dict[str, dict] = {}
    for piece in pieces:
        read = piece.cache.get("rack_rows") if piece.repeated else None
        if read is None:
            read = {rack.id: rack_row(rack, rack_load(piece, rack.id)) for rack in piece.design.racks}
            if piece.repeated:
                piece.cache["rack_rows"] = read
        if not piece.repeated:
            rows.update(read)
            continue
        for member in piece.members:
            if member.id in piece.attached_ids:
                continue  # its rows are the rest's
            ids, text = Piece.ids(member), Piece.text(member)
            for row in read.values():
                rows[ids(row["id"])] = {**row, "id": ids(row["id"]), "name": text(row["name"])}
    return rows


def summary_blocks(design: Design, catalog: Catalog | None, finish, pieces: list[Piece] | None = None) -> dict | None:
    """`summary()` of a design with instances, per block; None when it must be read expanded (no
    instances, or a part no catalog has). `finish(design, fields)` adds what the summary reads of the
    design itself (facility). `pieces`: `split(design, catalog)` when the caller has it already."""
    pieces = pieces if pieces is not None else split(design, catalog)
    if pieces is None:
        return None
    reads = []
    for piece in pieces:
        read = _read(piece)
        if read is None:
            return None
        reads.append((piece, read))
    counts: Counter[str] = Counter()
    by_protocol: Counter[str] = Counter()
    dies = links = records = transceivers = 0
    power = optics = Fraction(0)
    lows, highs = [], []
    domains = []
    ends = []
    rows: dict[str, dict] = {}
    for piece, read in reads:
        times = max(len(piece.members), 1)
        for kind, n in read["counts"].items():
            counts[kind] += n * times
        for protocol, n in read["by_protocol"].items():
            by_protocol[protocol] += n * times
        dies += read["dies"] * times
        links += read["links"] * times
        records += read["records"] * times
        transceivers += read["transceivers"] * times
        power += read["power"] * times
        optics += read["optics"] * times
        if read["per_acc"] is not None:
            lows.append(read["per_acc"][0])
            highs.append(read["per_acc"][1])
        ends += read["ends"] * times
        if not piece.repeated:
            rows.update(read["rows"])
            domains += [(-f.size, first, f) for first, f in read["domains"]]
            continue
        for member in piece.members:
            ids, text = Piece.ids(member), Piece.text(member)
            if member.id not in piece.attached_ids:  # an attached member's rows are the rest's
                for row in read["rows"].values():
                    rows[ids(row["id"])] = {**row, "id": ids(row["id"]), "name": text(row["name"])}
            domains += [(-f.size, ids(first), f) for first, f in read["domains"]]
    per_rack = [rows[rack.id] for rack in design.racks]
    for instance in design.instances:  # a removed rack has no row
        keys = (expanded_id(instance.id, rack.id) for rack in design.block(instance.block).racks)
        per_rack += [rows[key] for key in keys if key in rows]
    domains.sort(key=lambda d: (d[0], d[1]))
    fabrics = [f for *_, f in domains]
    return finish(design, {
        "racks": len(per_rack),
        "counts": dict(sorted(counts.items())),
        "gpu_dies": dies,
        "power_w": round(float(power), 3),
        "optics_power_w": round(float(optics), 3),
        "transceivers": transceivers,
        "per_rack": per_rack,
        "nvlink_domains": [f.size for f in fabrics],
        "scale_up_gbps_per_gpu": {"min": min(lows) if lows else 0.0, "max": max(highs) if highs else 0.0},
        "links": links,
        "link_records": records,
        "links_by_protocol": dict(sorted(by_protocol.items())),
        "scale_up_links": sum(c for p, c in by_protocol.items() if is_scale_up_protocol(p)),
        "bisection_gbps": fabrics[0].bisection_gbps if fabrics else 0.0,
        "alltoall_gbps_per_gpu": fabrics[0].alltoall_gbps_per_gpu if fabrics else 0.0,
        "domains": [f.to_dict() for f in fabrics],
        "unknown_parts": [],
        "scale_out": scale_out_total([(read["scale_out"], max(len(p.members), 1)) for p, read in reads]),
        "optics": optics_summary(ends),
        "facility": None,
    })
