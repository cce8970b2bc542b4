"""The site plan's figures: buildings with their halls and racks, and the fibre distance between every two
buildings (the shortest chain of routes, else the straight line; rackcad.figures.lengths.SitePlan)."""

from __future__ import annotations

from collections import Counter, defaultdict

from rackcad.analysis.latency import FIBRE_NS_PER_M, per_piece
from rackcad.figures import Figures
from rackcad.figures.lengths import site_plan
from rackcad.figures.pieces import Piece, racks_only
from rackcad.model import Design
from rackcad.topology import DesignIndex


def design_site(design: Design, index: DesignIndex | None = None, catalog=None, pieces=None) -> dict:
    """The site figures of a design (`summary()["site"]`, the editor's site plan): per piece (`site_blocks`)
    when it has instances, unless `index` is the Figures of it fully expanded already; else `site_figures`.
    `pieces`: `split(design, catalog)` when the caller has it."""
    pieces = per_piece(design, index, catalog, pieces)
    if pieces is not None:
        return site_blocks(design, pieces)
    figures = Figures.of(design, index, catalog)
    return site_figures(figures.design, figures)


def site_figures(design: Design, index: DesignIndex | None = None) -> dict:
    """`summary()["site"]`: {buildings: [{id, name, x_km, y_km, halls: [{id, name, racks}], racks}],
    distances: [{a, b, km, via, routed, fibre_us, links, modules}]} (empty lists for a design of one hall).
    `fibre_us` is the route's one-way propagation; `links` the links between the two buildings (counting
    each record's `count`) and `modules` the transceivers they take, by part."""
    if not design.site.buildings:
        return {"buildings": [], "distances": []}
    figures = Figures.of(design, index)
    plan = site_plan(design, figures.geometry_cache)
    hall_of = {rack.id: rack.position.hall for rack in design.racks}
    links: dict[frozenset, int] = defaultdict(int)
    modules: dict[frozenset, Counter] = defaultdict(Counter)
    _between(figures, figures.link_figures.values(), plan, hall_of, lambda rack_id: rack_id, 1, links, modules)
    return _site(design, plan, Counter(hall_of.values()), links, modules)


def site_blocks(design: Design, pieces) -> dict:
    """`site_figures` of a design with instances, per piece (`rackcad.figures.pieces.split`): racks per hall
    from every rack's position (`racks_only`), links between buildings from the rest's link figures and each
    class's links between racks (found once on its stand-in), placed per member by its racks' halls."""
    if not design.site.buildings:
        return {"buildings": [], "distances": []}
    plan = site_plan(design)
    hall_of = {rack.id: rack.position.hall for rack in racks_only(design).racks}
    links: dict[frozenset, int] = defaultdict(int)
    modules: dict[frozenset, Counter] = defaultdict(Counter)
    for piece in pieces:
        figures = piece.figures
        if not piece.repeated:
            _between(figures, figures.link_figures.values(), plan, hall_of, lambda rack_id: rack_id, 1,
                     links, modules)
            continue
        crossing = piece.cache.get("racks_apart")
        if crossing is None:
            crossing = piece.cache["racks_apart"] = [
                fig for fig in figures.link_figures.values() if fig.rack_a != fig.rack_b]
        for member in piece.members:
            _between(figures, crossing, plan, hall_of, Piece.ids(member), 1, links, modules)
    return _site(design, plan, Counter(hall_of.values()), links, modules)


def _between(figures, link_figures, plan, hall_of, ids, times, links, modules) -> None:
    """Adds the links of `link_figures` between two buildings (and their transceivers) to `links` and
    `modules`; `ids` names a rack of `figures` as `hall_of` knows it."""
    for fig in link_figures:
        ends = []
        for rack_id in (fig.rack_a, fig.rack_b):
            hall = hall_of.get(ids(rack_id)) if rack_id else None
            ends.append(plan.building_of.get(hall or "") if rack_id and ids(rack_id) in hall_of else None)
        if None in ends or ends[0] == ends[1]:
            continue
        key = frozenset(ends)
        links[key] += fig.link.count * times
        for part, quantity in fig.choice.modules():
            part_spec = figures.catalog.find(part)
            if part_spec is not None and part_spec.kind == "optic":
                modules[key][part] += quantity * times


def _site(design: Design, plan, racks: Counter, links, modules) -> dict:
    buildings = []
    for building in design.site.buildings:
        halls = [{"id": h.id, "name": h.name or h.id, "racks": racks.get(h.id, 0)} for h in building.halls]
        buildings.append({"id": building.id, "name": building.name or building.id, "x_km": building.x_km,
                          "y_km": building.y_km, "halls": halls, "racks": sum(h["racks"] for h in halls)})
    distances = []
    ids = [b.id for b in design.site.buildings]
    for i, a in enumerate(ids):
        for b in ids[i + 1:]:
            km, via = plan.route(a, b)
            routed = bool(plan.routes.get(a)) and any(
                {r.a, r.b} == {x, y} for x, y in zip(via, via[1:]) for r in design.site.routes)
            key = frozenset((a, b))
            distances.append({"a": a, "b": b, "km": round(km, 6), "via": via, "routed": routed,
                              "fibre_us": round(km * FIBRE_NS_PER_M, 6), "links": links.get(key, 0),
                              "modules": dict(sorted(modules.get(key, Counter()).items()))})
    return {"buildings": buildings, "distances": distances}
