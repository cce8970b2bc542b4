"""A rack moved on the floor of a 2-SU GB200 SuperPOD (trays sized by the template) with a Checker, against
json.loads of the same design's file. Before: the tray-fill check routed every link record again after each
edit; now the figures keep the fill per record and route again only the records the move changed (the
moved rack's), adding up again only the tray edges they left or joined."""

from __future__ import annotations

import json
from collections import Counter

from benchmarks.timing import measure
from rackcad import Checker, Document
from rackcad.figures.routing import TrayFills, network
from rackcad.files.format import dumps
from rackcad.templates import build


def _busiest_rack(design, figures) -> str:
    ends = Counter(figures.rack_of.get(end.node) for link in design.links for end in (link.a, link.b))
    return max((rack for rack in ends if rack is not None), key=ends.__getitem__)


def run() -> None:
    design = build("gb200-superpod", sus=2)
    text = dumps(design)
    floor = measure("floor: json.loads of the 2-SU file", lambda: json.loads(text), repeat=5)
    rows = []
    for label, forget in (("full tray fill per edit (before)", True), ("patched tray fill (now)", False)):
        doc = Document(design)
        checker: Checker | None = None
        if forget:  # heard before the Checker: its figures keep no tray fill, so the check makes it anew
            doc.subscribe(lambda change: setattr(checker.figures, "tray_fills", None))
        checker = Checker(doc)
        rack = _busiest_rack(doc.design, checker.figures)
        x = doc.get(rack).position.x_mm
        steps = iter([x + 600.0, x] * 20)

        def move() -> None:
            position = doc.get(rack).position
            doc.set(rack, position=position.model_copy(update={"x_mm": next(steps), "row": None, "slot": None}))

        rows.append((label, measure(f"rack move with a Checker, {label}", move, repeat=25)))
        if not forget:
            net, figures = network(checker.figures), checker.figures
            full = measure("one full tray-fill pass over these figures", lambda: TrayFills(
                net, figures.link_figures).fills(figures), repeat=9)
    print(f"  {len(design.links):,} link records, {len(design.floor.trays)} trays; ratios to json.loads (this run):")
    for label, seconds in rows:
        print(f"    rack move, {label:<34} {seconds / floor:6.2f}x")
    print(f"    {rows[0][1] / rows[1][1]:.2f}x faster; a full tray-fill pass alone {full / floor:.2f}x")
