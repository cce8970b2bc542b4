"""validate() per block: a hall of a thousand identical racks is checked as one rack and what differs.

The design is cut into pieces (`rackcad.figures.pieces`): the rest (own items, instances with overrides or
links to the outside, pattern links) and one class per block of repeated instances. Every rule runs once
per piece; a class's findings are mapped to each member (its ids and name in place of the stand-in's), and
kept with the class while its block, floor plan and rule settings stay the same objects, so an edit of one
instance re-checks that instance and the floor, not the hall. How each kind of rule composes:

- rules of scope "rack", and design rules that look at one connected part at a time (NVLink domains,
  rails, oversubscription per switch): the union of the pieces' findings;
- `bandwidth.oversubscription` also compares a switch with the top tier of its protocol across the whole
  design: exact when every piece has the same top tiers, else the design is checked expanded;
- rules that read where racks stand on the floor (overlap, off the floor, keep-outs) and `catalog.bad_file`
  (about the catalog, not the design) run once, on every rack of the hall and nothing else;
- `catalog.estimate` joins the estimates every piece noted (each member's ids);
- `catalog.unknown_part` names the first users of a part across the design: a piece that finds one makes
  the design be checked expanded.

The result equals `validate(expanded(design))` item by item (tests compare the two).
"""

from __future__ import annotations

from dataclasses import replace

from rackcad.catalog import Catalog
from rackcad.figures import Figures
from rackcad.figures.pieces import Piece, racks_only, split
from rackcad.model import Design
from rackcad.rules.bandwidth import Oversubscription
from rackcad.rules.catalog_rules import BadFile, Estimate, UnknownPart
from rackcad.rules.context import Context, FigureUse
from rackcad.rules.report import Report
from rackcad.rules.rule import Rule
from rackcad.rules.violation import Violation

_FLOOR_READS = frozenset({"rack.position", "floor"})


def on_floor(rule: Rule) -> bool:
    """Whether a design rule's findings depend on where racks stand (so no piece can hold them)."""
    return rule.scope == "design" and bool(rule.reads & _FLOOR_READS)


def _piece_result(piece: Piece, rules: list[Rule], run) -> tuple[list[Violation], dict, dict]:
    key = tuple(rule.code for rule in rules)
    cached = piece.cache.get(key)
    if cached is not None:
        return cached
    ctx = Context(piece.design, piece.figures.catalog, piece.figures)
    found: list[Violation] = []
    for rule in rules:
        found.extend(run(rule, ctx))
    tops = dict(Oversubscription.flows(ctx)[3]) if any(isinstance(r, Oversubscription) for r in rules) else {}
    result = (found, ctx.estimates, tops)
    if piece.repeated:
        piece.cache[key] = result
    return result


def _merge(uses: dict[tuple[str, str], FigureUse], found: dict[tuple[str, str], FigureUse], ids=None,
           members=()) -> None:
    for key, use in found.items():
        mine = uses.get(key)
        if mine is None:
            mine = uses[key] = FigureUse(use.part, use.name, use.value, use.source, {})
        if ids is None:
            mine.subjects.update(use.subjects)
            continue
        for member in members:
            mapped = ids(member)
            mine.subjects.update(dict.fromkeys(map(mapped, use.subjects)))


def validate_blocks(design: Design, catalog: Catalog | None, rules: list[Rule], run, settle) -> Report | None:
    """The report of a design with instances, per block; None when it must be checked expanded (no
    instances, or one of the cases above). `rules`, `run` and `settle` are the engine's."""
    pieces = split(design, catalog)
    if pieces is None:
        return None
    estimate = next((r for r in rules if isinstance(r, Estimate)), None)
    whole = [r for r in rules if on_floor(r) or isinstance(r, BadFile)]
    per_piece = [r for r in rules if r not in whole and r is not estimate]
    found: list[Violation] = []
    uses: dict[tuple[str, str], FigureUse] = {}
    tops: dict[str, set[int]] = {}
    for piece in pieces:
        violations, estimates, piece_tops = _piece_result(piece, per_piece, run)
        for protocol, level in piece_tops.items():
            tops.setdefault(protocol, set()).add(level)
        if any(v.code == UnknownPart.code for v in violations):
            return None
        if not piece.repeated:
            found.extend(violations)
            _merge(uses, estimates)
            continue
        for member in piece.members:
            ids, text = Piece.ids(member), Piece.text(member)
            found.extend(replace(v, message=text(v.message), subjects=tuple(map(ids, v.subjects))) for v in violations)
        _merge(uses, estimates, Piece.ids, piece.members)
    if any(len(levels) > 1 for levels in tops.values()):
        return None
    floor = racks_only(design)
    floor_figures = Figures(floor, catalog)
    ctx = Context(floor, floor_figures.catalog, floor_figures)
    for rule in whole:
        found.extend(run(rule, ctx))
    _merge(uses, ctx.estimates)
    if estimate is not None:
        found.extend(estimate.about(use) for _, use in sorted(uses.items()))
    return settle(found, design)
