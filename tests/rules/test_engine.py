"""The engine: registry, severity overrides, disabled rules, waivers, crashing rules, the report's JSON."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

import rackcad
import rackcad.rules
from rackcad import Waiver, validate
from rackcad.rules import RULES, Report, Violation, engine
from rackcad.rules.rule import Rule
from rackcad.topology import DesignIndex
from tests.rules import make_broken
from tests.rules.conftest import only

STABLE_CODES = {
    "ports.overcommitted", "ports.protocol_mismatch", "ports.unconnected", "ports.dangling",
    "power.rack_budget", "power.shelf_redundancy",
    "cooling.liquid_capacity", "cooling.air_capacity", "cooling.flow",
    "bandwidth.scale_up", "bandwidth.oversubscription",
    "geometry.overlap", "geometry.out_of_rack", "geometry.bay", "geometry.floor_overlap",
    "reach.copper", "reach.optic", "domain.size", "domain.mixed_generation",
    "catalog.unknown_part", "catalog.estimate",
}
FAMILIES = {"ports", "power", "cooling", "bandwidth", "geometry", "reach", "domain", "catalog", "latency"}


def test_registry():
    codes = [rule.code for rule in RULES]
    assert len(codes) == len(set(codes))
    assert STABLE_CODES <= set(codes)
    assert {code.split(".")[0] for code in codes} == FAMILIES
    assert all(rule.title and rule.severity in ("error", "warning", "info") for rule in RULES)
    assert codes[-1] == "catalog.estimate"  # it reports what the others used


def test_public_entry_points_agree(built):
    design = built("gb200-nvl72")
    report = rackcad.validate(design)
    assert isinstance(report, Report) and report.ok and not report.errors and not report.warnings
    assert report == rackcad.rules.validate(design, index=DesignIndex(design))


def _over_budget(doc_of):
    doc = doc_of("gb200-nvl72")
    doc.set(doc.design.racks[0].id, power_budget_w=120_000)
    return doc.design


def test_severity_override_by_code_and_by_family(doc_of):
    design = _over_budget(doc_of)
    design.rules.severity = {"power.rack_budget": "warning"}
    report = validate(design)
    assert report.ok and [v.severity for v in only(report, "power.rack_budget")] == ["warning"]
    design.rules.severity = {"power": "info", "power.rack_budget": "error"}  # the exact code wins
    assert not validate(design).ok
    design.rules.severity = {"catalog": "warning"}
    assert {v.severity for v in only(validate(design), "catalog.estimate")} == {"warning"}


def test_disabled_rules_do_not_run(doc_of):
    design = _over_budget(doc_of)
    design.rules.disabled = ["power.rack_budget"]
    assert validate(design).ok
    shelf = make_broken.power_shelf_redundancy()
    assert not validate(shelf).ok
    shelf.rules.disabled = ["power"]  # a whole family
    assert validate(shelf).ok and not validate(shelf).codes("error", "warning")


def test_waiver_matches_code_and_every_subject(doc_of):
    design = make_broken.geometry_overlap()  # (T1, T2) and (CDU1, T3)
    design.waivers = [Waiver(code="geometry.overlap", subjects=["T1", "T2", "X9"], reason="sleds stacked on rails")]
    report = validate(design)
    waived, active = report.waived, only(report, "geometry.overlap")
    assert [(v.subjects, v.waiver_reason) for v in waived] == [(("T1", "T2"), "sleds stacked on rails")]
    assert [v.subjects for v in active] == [("CDU1", "T3")] and not report.ok
    assert waived[0] in report.violations and waived[0] not in report.errors
    design.waivers = [Waiver(code="geometry.overlap", subjects=["T1"], reason="only one of the two")]
    assert not validate(design).waived
    design.waivers = [Waiver(code="geometry.overlap", reason="all of them")]
    assert len(validate(design).waived) == 2 and validate(design).ok
    design.waivers = [Waiver(code="geometry.bay", reason="another rule")]
    assert not validate(design).waived


class _Crashing(Rule):
    code = "test.crashing"
    title = "finds one thing, then fails"

    def check(self, ctx):
        yield self.violation("first finding", ())
        raise ZeroDivisionError("division by zero")


def test_a_crashing_rule_becomes_an_error_and_the_others_still_run(doc_of, monkeypatch):
    monkeypatch.setattr(engine, "RULES", [_Crashing(), *RULES])
    report = validate(_over_budget(doc_of))
    [failed] = only(report, "engine.rule_failed")
    assert failed.severity == "error" and "test.crashing" in failed.message and "ZeroDivisionError" in failed.message
    assert "test_engine.py:" in failed.message
    assert only(report, "test.crashing") and only(report, "power.rack_budget")


def test_report_order_and_json(doc_of):
    report = validate(make_broken.cooling_cdu_capacity())
    severities = [v.severity for v in report.violations]
    assert severities == sorted(severities, key=("error", "warning", "info").index)
    data = json.loads(json.dumps(report.to_dict()))
    assert data["version"] == 1 and data["ok"] is False
    assert data["counts"] == {"error": 2, "warning": 1, "info": len(report.infos), "waived": 0}
    first = data["violations"][0]
    assert set(first) == {"code", "severity", "message", "subjects", "measured", "limit", "unit", "waived",
                          "waiver_reason"}


def test_violation_is_plain_data():
    violation = Violation("power.rack_budget", "error", "Rack R1 draws 2 kW, budget 1 kW", ("R1",), 2000, 1000, "W")
    assert violation.to_dict()["subjects"] == ["R1"]
    with pytest.raises(AttributeError):
        violation.code = "other"  # type: ignore[misc]


def _imports(path: Path) -> list[str]:
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names.append(node.module or "")
    return names


def test_rules_do_not_import_qt():
    for path in (Path(rackcad.__file__).parent / "rules").glob("*.py"):
        qt = [n for n in _imports(path) if n.split(".")[0] in ("PySide6", "shiboken6") or n.startswith("rackcad.gui")]
        assert not qt, f"{path.name} imports {qt}"
