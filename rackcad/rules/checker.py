"""Checker: a validation report that keeps up with each edit of a Document.

    checker = rackcad.Checker(doc)
    doc.set(rack, power_budget_w=140_000)
    checker.report            # == rackcad.validate(doc.design), without a full run

The Checker holds the design's Figures and patches them with each change event (`Figures.update`), then
re-runs only the rules that read what the edit changed (`Rule.reads`), and a rule of scope "rack" only for
the owners (racks, or parts in no rack) whose figures the edit touched; every other rule's findings are
kept. Estimates noted by the rules are kept per rule and owner, so the `catalog.estimate` findings are the
union a full run would note. A change of rule settings, of the floor plan or the site (which move cable
lengths) or of the latency budgets rebuilds everything; a change of waivers re-runs the rules that read
"waivers" and settles the findings again. The report is ordered as
`validate` orders it, so the two are equal item by item.

A design with instances is checked per block (`validate`, `rackcad.rules.blockwise`) after each edit, and its
figures are a `HallFigures`: every rack, and the parts and links only of what differs and of the instances
opened (the instances opened before an edit stay opened after it).

With `defer_reset` (the editor), opening a design builds its figures only and leaves the rules `pending`,
with an empty report, until `finish()` (or the next edit) runs them: the window draws the design first and
fills the checks in after its first frame.
"""

from __future__ import annotations

import logging
from collections import Counter

from rackcad.catalog import Catalog
from rackcad.document import Change, Document
from rackcad.figures import Figures
from rackcad.figures.partial import HallFigures
from rackcad.memory import without_cyclic_gc
from rackcad.rules.catalog_rules import Estimate
from rackcad.rules.context import Context, FigureUse
from rackcad.rules.engine import active_rules, run_rule, settle, validate
from rackcad.rules.report import Report
from rackcad.rules.rule import Rule
from rackcad.rules.violation import Violation

_Result = tuple[list[Violation], dict[tuple[str, str], FigureUse]]


class Checker:
    """Keeps `report` equal to `rackcad.validate(doc.design)` after every edit, undo and redo of `doc`."""

    def __init__(self, doc: Document, catalog: Catalog | None = None, defer_reset: bool = False):
        self.doc = doc
        self.catalog = catalog or doc.catalog
        self.runs = 0
        """Rule runs since the last rebuild (each rack-scoped rule counts once per owner it ran for)."""
        self.defer_reset = defer_reset
        self.pending = False
        """The figures are built but the rules have not run: `report` is empty until `finish()`."""
        self._rebuild()
        doc.subscribe(self._on_change)

    def finish(self) -> bool:
        """Run the rules a deferred reset left pending; True when it ran them."""
        if not self.pending:
            return False
        with without_cyclic_gc():
            self._run_all()
        return True

    def close(self) -> None:
        """Stop following the document."""
        self.doc.unsubscribe(self._on_change)

    # ------------------------------------------------------------------ state
    def _rebuild(self, rules: bool = True) -> None:
        with without_cyclic_gc():
            design = self.doc.design
            if design.instances:  # expanded where opened (rackcad.figures.partial), the rest per block
                old = getattr(self, "figures", None)
                kept = old.opened if isinstance(old, HallFigures) and not old.complete else ()  # not all again
                self.figures = HallFigures(design, self.catalog, kept)
            else:
                self.figures = Figures(design, self.catalog)
            self._seen = (design.floor, design.rules, design.waivers, design.site, design.latency_budgets)
            if rules:
                self._run_all()
            else:
                self.pending = True
                self.report = Report(())

    def _run_all(self) -> None:
        """Every active rule on the current figures (owned rules once per owner)."""
        self.pending = False
        design = self.doc.design
        if design.instances or design.patterns:  # per block (rules/blockwise.py), not over the expanded figures
            self.report = validate(design, self.catalog)
            self.runs = 0
            return
        self._rules = active_rules(design)
        self._estimate = next((r for r in self._rules if isinstance(r, Estimate)), None)
        self._owned: dict[str, dict[str | None, _Result]] = {}
        self._whole: dict[str, _Result] = {}
        self._uses: dict[tuple[str, str], Counter[str]] = {}
        self._meta: dict[tuple[str, str], FigureUse] = {}
        self._estimates: dict[tuple[str, str], Violation] = {}
        owners: list[str | None] = [None, *self.figures.racks]
        changed: set[tuple[str, str]] = set()
        for rule in self._rules:
            if rule.scope == "rack":
                self._owned[rule.code] = {}
                for owner in owners:
                    self._run_owned(rule, owner, changed)
            elif rule.scope == "design":
                self._run_whole(rule, changed)
        self.runs = 0
        self._settle(changed)

    def _context(self, scope=None) -> Context:
        return Context(self.doc.design, self.catalog, self.figures, scope)

    def _store(self, old: _Result | None, new: _Result, changed: set[tuple[str, str]]) -> None:
        """Account for the estimates of a result replacing `old`."""
        for result, step in ((old, -1), (new, 1)):
            if result is None:
                continue
            for key, use in result[1].items():
                counts = self._uses.setdefault(key, Counter())
                for subject in use.subjects:
                    counts[subject] += step
                    if not counts[subject]:
                        del counts[subject]
                if step > 0:
                    self._meta[key] = use
                changed.add(key)

    def _run_owned(self, rule: Rule, owner: str | None, changed: set[tuple[str, str]]) -> None:
        ctx = self._context((owner,))
        found = run_rule(rule, ctx)
        results = self._owned[rule.code]
        old = results.pop(owner, None)
        new: _Result = (found, ctx.estimates)
        if found or ctx.estimates:
            results[owner] = new
        if old is not None and old[1] or ctx.estimates:
            self._store(old, new, changed)
        self.runs += 1

    def _run_whole(self, rule: Rule, changed: set[tuple[str, str]]) -> None:
        ctx = self._context()
        found = run_rule(rule, ctx)
        old = self._whole.get(rule.code)
        new: _Result = (found, ctx.estimates)
        self._whole[rule.code] = new
        if old is not None and old[1] or ctx.estimates:
            self._store(old, new, changed)
        self.runs += 1

    def _settle(self, changed: set[tuple[str, str]]) -> None:
        if self._estimate is not None:
            for key in changed:
                subjects = self._uses.get(key)
                if not subjects:
                    self._uses.pop(key, None)
                    self._estimates.pop(key, None)
                    continue
                meta = self._meta[key]
                use = FigureUse(meta.part, meta.name, meta.value, meta.source, dict.fromkeys(subjects))
                self._estimates[key] = self._estimate.about(use)
        found: list[Violation] = []
        for results in self._owned.values():
            for violations, _ in results.values():
                found.extend(violations)
        for violations, _ in self._whole.values():
            found.extend(violations)
        if self._estimate is not None:
            found.extend(self._estimates.values())
        self.report: Report = settle(found, self.doc.design)

    # ------------------------------------------------------------------ events
    def _on_change(self, change: Change) -> None:
        design = self.doc.design
        floor, rules, waivers, site, budgets = self._seen
        blocks = bool(design.instances or design.patterns)  # blocks are checked per block, not patched per item
        if (blocks or change.kind == "reset" or design.floor is not floor or design.rules is not rules
                or design.site is not site or design.latency_budgets is not budgets or self.pending):
            self._rebuild(rules=not (change.kind == "reset" and self.defer_reset))
            return
        try:
            with without_cyclic_gc():
                self._update(change, frozenset({"waivers"}) if design.waivers is not waivers else frozenset())
        except Exception:  # a bug in patching must not stop the edit that was made: start again from the design
            logging.getLogger(__name__).exception("incremental check failed after %r; checking everything", change.label)
            self._rebuild()
            return
        self._seen = (design.floor, design.rules, design.waivers, design.site, design.latency_budgets)

    def _update(self, change: Change, also: frozenset[str] = frozenset()) -> None:
        delta = self.figures.update(change.ids, self.doc.find)
        tokens = delta.tokens | also
        changed: set[tuple[str, str]] = set()
        if tokens:
            names = any(t.endswith(".name") for t in tokens)
            for rule in self._rules:
                moved = delta.moved and rule.scope == "rack"  # findings follow their items to a new owner
                if not names and not moved and not tokens & rule.reads:
                    continue
                if rule.scope == "rack":
                    for owner in delta.racks:
                        self._run_owned(rule, owner, changed)
                elif rule.scope == "design":
                    self._run_whole(rule, changed)
        self._settle(changed)
