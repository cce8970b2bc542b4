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
- rules whose findings depend on where racks stand in the hall (`Rule.on_floor`: overlap, off the floor,
  keep-outs) and `catalog.bad_file` (about the catalog, not the design) run once, on every rack of the
  hall and nothing else (lengths depend on distances only, which a class keeps);
- `catalog.estimate` joins the estimates every piece noted (each member's ids);
- `catalog.unknown_part` names the first users of a part across the design: a piece that finds one makes
  the design be checked expanded;
- `ports.rate_mismatch` notes links of the same kind as one finding across the design: every piece gives
  its notes (a class's per member) and they are grouped once, with the design's waivers.

Instances reached only by links at some of their ports are attached to their class
(`rackcad.figures.pieces`): the class's findings are theirs, but for the rules that read a rack's load
(rack scope, reading all a load depends on: power and cooling), which run again on the stand-in with the
rack's load composed (`pieces.rack_load`) and its budgets as the instance has them, once per distinct
load and budgets (an instance whose only overrides are budgets is attached too). In the rest, those rules and the rules
that read no links (placement) skip the attached racks (the class found all of that), while the rules of
links see the outside links, their ends and far ends whole.

The result equals `validate(expanded(design))` item by item (tests compare the two).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from rackcad.catalog import Catalog
from rackcad.figures import Figures
from rackcad.figures.pieces import BUDGETS, MARK_ID, Piece, rack_load, racks_only, split
from rackcad.model import Design, Instance
from rackcad.progress import no_progress
from rackcad.rules.bandwidth import Oversubscription
from rackcad.rules.fabric import RateMismatch
from rackcad.rules.catalog_rules import BadFile, Estimate, UnknownPart
from rackcad.rules.context import Context, FigureUse
from rackcad.rules.report import Report
from rackcad.rules.rule import LOAD, Rule
from rackcad.rules.violation import Violation, natural

def _reads_load(rule: Rule) -> bool:
    """Whether a rule's findings about a rack follow the rack's load (power and heat)."""
    return rule.scope == "rack" and LOAD <= rule.reads


def _check(rule: Rule, ctx: Context, run, notes: list) -> list[Violation]:
    """What `rule` finds in `ctx`; the notes of `ports.rate_mismatch` go to `notes`, grouped at the end."""
    if not isinstance(rule, RateMismatch):
        return run(rule, ctx)
    try:
        errors, mine = rule.findings(ctx)
    except Exception:  # the engine's run reports the failure as its own finding
        return run(rule, ctx)
    notes.extend(mine)
    return errors


def _piece_result(piece: Piece, rules: list[Rule], run) -> tuple[list[Violation], dict, dict, list]:
    key = tuple(rule.code for rule in rules)
    cached = piece.cache.get(key)
    if cached is not None:
        return cached
    ctx = Context(piece.design, piece.figures.catalog, piece.figures)
    found: list[Violation] = []
    notes: list = []
    if piece.attached:  # the attached racks: what reads their load or no link is the class's
        own = [rack.id for rack in piece.design.racks if rack.id not in piece.attached]
        scoped = Context(piece.design, piece.figures.catalog, piece.figures, [*own, None])
        for rule in rules:
            skips = rule.scope == "rack" and ("link+" not in rule.reads or _reads_load(rule))
            found.extend(_check(rule, scoped if skips else ctx, run, notes))
        for use_key, use in scoped.estimates.items():
            mine = ctx.estimates.setdefault(use_key, FigureUse(use.part, use.name, use.value, use.source))
            mine.subjects.update(use.subjects)
    else:
        for rule in rules:
            found.extend(_check(rule, ctx, run, notes))
    tops = dict(Oversubscription.flows(ctx)[3]) if any(isinstance(r, Oversubscription) for r in rules) else {}
    result = (found, ctx.estimates, tops, notes)
    if piece.repeated:
        piece.cache[key] = result
    return result


def _attached_results(piece: Piece, rest: Piece, rules: list[Rule], run) -> list[tuple[list[Instance], list, dict]]:
    """(members, findings on the stand-in, estimates) of the rules reading loads, for a class's attached
    members: run on the stand-in with each member's racks' loads composed, once per distinct set of loads."""
    racks = piece.design.racks
    theirs = {rack.id: rack for rack in rest.design.racks if rack.id in rest.attached}
    groups: dict[tuple, list[Instance]] = {}
    loads: dict[tuple, tuple[dict, list]] = {}
    for member in piece.members:
        if member.id not in piece.attached_ids:
            continue
        ids = Piece.ids(member)
        mine = {rack.id: rack_load(rest, ids(rack.id)) for rack in racks}
        budgets = [tuple(getattr(theirs[ids(rack.id)], f) for f in sorted(BUDGETS)) for rack in racks]
        key = (*((l.parts_w, l.optics_w, l.power_w, l.liquid_w) for l in mine.values()), *budgets)
        groups.setdefault(key, []).append(member)
        if key not in loads:  # the stand-in's racks with this member's budgets
            loads[key] = (mine, [rack.model_copy(update=dict(zip(sorted(BUDGETS), b))) for rack, b in zip(racks, budgets)])
    out = []
    for key, members in groups.items():
        ctx = Context(piece.design, piece.figures.catalog, piece.figures)
        ctx.rack_loads, ctx.__dict__["racks"] = loads[key]
        found: list[Violation] = []
        for rule in rules:
            found.extend(run(rule, ctx))
        out.append((members, found, ctx.estimates))
    return out


class _Uses:
    """The estimates noted across the pieces: subjects of the rest as found, and per class the stand-in's
    subjects with the members they stand for (mapped only at the end, in order)."""

    def __init__(self) -> None:
        self.rest: dict[tuple[str, str], FigureUse] = {}
        self.classes: dict[tuple[str, str], list[tuple[list[Instance], FigureUse]]] = {}
        self.meta: dict[tuple[str, str], FigureUse] = {}

    def add(self, found: dict[tuple[str, str], FigureUse], members: list[Instance] | None = None) -> None:
        for key, use in found.items():
            self.meta.setdefault(key, use)
            if members is None:
                mine = self.rest.setdefault(key, FigureUse(use.part, use.name, use.value, use.source, {}))
                mine.subjects.update(use.subjects)
            else:
                self.classes.setdefault(key, []).append((members, use))

    def violations(self, estimate: Estimate) -> Iterator[Violation]:
        for key in sorted(self.meta):
            meta = self.meta[key]
            use = FigureUse(meta.part, meta.name, meta.value, meta.source, dict(self.rest.get(key, FigureUse(
                meta.part, meta.name, meta.value, meta.source)).subjects))
            parts = self.classes.get(key, [])
            if not parts:
                yield estimate.about(use)
                continue
            if use.subjects or not all(m.id[-1:].isdigit() for members, _ in parts for m in members):
                for members, found in parts:
                    for member in members:
                        use.subjects.update(dict.fromkeys(map(Piece.ids(member), found.subjects)))
                yield estimate.about(use)
                continue
            # Every subject is a member's: member ids ending in a digit sort before anything after them,
            # so natural order is the members' natural order, each member's items in the stand-in's order.
            rows = []
            for members, found in parts:
                locals_ = sorted((s[len(MARK_ID):] for s in found.subjects), key=natural)
                rows += [(natural(m.id), m.id, locals_) for m in members]
            rows.sort(key=lambda row: row[0])
            yield estimate.about(use, [member + local for _, member, locals_ in rows for local in locals_])


def validate_blocks(design: Design, catalog: Catalog | None, rules: list[Rule], run, settle,
                    progress=None) -> Report | None:
    """The report of a design with instances, per block; None when it must be checked expanded (no
    instances, or one of the cases above). `rules`, `run` and `settle` are the engine's; `progress`
    (rackcad.progress) hears of each piece and then of the floor checks."""
    pieces = split(design, catalog, attach=True)
    if pieces is None:
        return None
    progress = progress or no_progress
    steps = len(pieces) + 1
    estimate = next((r for r in rules if isinstance(r, Estimate)), None)
    whole = [r for r in rules if r.on_floor or isinstance(r, BadFile)]
    per_piece = [r for r in rules if r not in whole and r is not estimate]
    loaded = [r for r in per_piece if _reads_load(r)]
    if any(f"rack.{f}" in r.reads for r in per_piece if r not in loaded for f in BUDGETS) and any(
            not m.plain for piece in pieces[1:] for m in piece.members):
        return None  # a rule that reads a budget but not the load: the class cannot answer for its members
    found: list[Violation] = []
    notes: list = []
    uses = _Uses()
    tops: dict[str, set[int]] = {}

    def mapped(violations: list[Violation], members: list[Instance]) -> None:
        for member in members:
            ids, text = Piece.ids(member), Piece.text(member)
            found.extend(replace(v, message=text(v.message), subjects=tuple(map(ids, v.subjects))) for v in violations)

    for step, piece in enumerate(pieces):
        progress(step, steps, f"checking: {'block of ' + format(len(piece.members), ',') + ' instances' if piece.repeated else 'what differs'}")
        if piece.attached_ids:
            results = [_piece_result(piece, [r for r in per_piece if r not in loaded], run),
                       _piece_result(piece, loaded, run)]
        else:
            results = [_piece_result(piece, per_piece, run)]
        for violations, _, piece_tops, _ in results:
            for protocol, level in piece_tops.items():
                tops.setdefault(protocol, set()).add(level)
            if any(v.code == UnknownPart.code for v in violations):
                return None
        if not piece.repeated:
            found.extend(results[0][0])
            uses.add(results[0][1])
            notes.extend(results[0][3])
            continue
        mapped(results[0][0], piece.members)
        for member in piece.members if results[0][3] else ():
            ids, text = Piece.ids(member), Piece.text(member)
            notes.extend((key, ids(link), tuple(map(ids, subjects)), text(message))
                         for key, link, subjects, message in results[0][3])
        uses.add(results[0][1], piece.members)
        if piece.attached_ids:
            plain = [m for m in piece.members if m.id not in piece.attached_ids]
            if plain:
                mapped(results[1][0], plain)
                uses.add(results[1][1], plain)
            for members, violations, estimates in _attached_results(piece, pieces[0], loaded, run):
                mapped(violations, members)
                uses.add(estimates, members)
    if any(len(levels) > 1 for levels in tops.values()):
        return None
    rate = next((r for r in per_piece if isinstance(r, RateMismatch)), None)
    if rate is not None:
        found.extend(rate.grouped(notes, design.waivers))
    progress(len(pieces), steps, "checking: the floor")
    floor = racks_only(design)
    floor_figures = Figures(floor, catalog)
    ctx = Context(floor, floor_figures.catalog, floor_figures)
    for rule in whole:
        found.extend(run(rule, ctx))
    uses.add(ctx.estimates)
    if estimate is not None:
        found.extend(uses.violations(estimate))
    report = settle(found, design)
    progress(steps, steps, "checked")
    return report
