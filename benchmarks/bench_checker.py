"""The issue-9 figures on GB200 NVL576, as ratios to json.loads of the same file measured in this run:
load (goal 3x), full validate (goal 3x), and the Checker's update after one field edit (goal under 0.4x,
about one 60 Hz frame), for a rack budget, a link length and a part's power override."""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks.timing import measure
from rackcad import Checker, Document, load, summary, validate

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "gb200-nvl576.rackcad"


def _edits(values):
    it = iter(values * 50)
    return lambda: next(it)


def run() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    floor = measure("json.loads of gb200-nvl576.rackcad (the floor)", lambda: json.loads(text), repeat=9)
    rows = [("load", measure("rackcad.load", lambda: load(EXAMPLE), repeat=7), 3.0)]
    design = load(EXAMPLE)
    rows.append(("validate", measure("rackcad.validate", lambda: validate(design), repeat=7), 3.0))
    rows.append(("summary", measure("rackcad.summary", lambda: summary(design), repeat=5), None))
    doc = Document(design)
    checker = Checker(doc)
    rack = design.racks[0].id
    link = next(link.id for link in design.links if link.medium == "pluggable-optic")
    gpu = next(node.id for node in design.nodes if node.part == "b200-gb200")
    budget, length, power = _edits([140_000.0, 150_000.0]), _edits([12.0, None]), _edits([{"power_w": 1500.0}, {}])
    rows.append(("Checker: rack budget edit", measure(
        "doc.set(rack budget) with a Checker", lambda: doc.set(rack, power_budget_w=budget()), repeat=15), 0.4))
    rows.append(("Checker: link length edit", measure(
        "doc.set(link length) with a Checker", lambda: doc.set(link, length_m=length()), repeat=15), 0.4))
    rows.append(("Checker: power override edit", measure(
        "doc.set(GPU power override) with a Checker", lambda: doc.set(gpu, overrides=power()), repeat=15), 0.4))
    assert checker.report.to_dict() == validate(doc.design).to_dict()
    print("  ratios to json.loads of the same file (this run):")
    for label, seconds, goal in rows:
        target = f"   goal {goal:g}x" if goal is not None else ""
        print(f"    {label:<34} {seconds / floor:6.2f}x{target}")
