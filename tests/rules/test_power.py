"""Power rules against hand calculations: GB200 NVL72 draws 125,300 W (see test_templates)."""

from __future__ import annotations

import pytest

from rackcad import validate
from tests.rules.conftest import only

# 72 GPUs x 1,200 W + 36 Grace x 300 + 72 CX-7 x 25 + 36 BlueField-3 x 150 + 18 trays x 950
# + 18 switch chips x 150 + 9 switch trays x 100 + 2 management switches x 100
NVL72_W = 72 * 1200 + 36 * 300 + 72 * 25 + 36 * 150 + 18 * 950 + 18 * 150 + 9 * 100 + 2 * 100


def _rack(doc):
    return doc.design.racks[0].id


def test_over_budget_is_an_error_with_the_hand_figures(doc_of):
    doc = doc_of("gb200-nvl72")
    doc.set(_rack(doc), power_budget_w=120_000)
    [violation] = only(validate(doc.design), "power.rack_budget")
    assert NVL72_W == 125_300
    assert (violation.severity, violation.measured, violation.limit, violation.unit) == ("error", 125_300, 120_000, "W")
    assert violation.message == "Rack NVL72 draws 125.3 kW, budget 120.0 kW"
    assert violation.subjects == (_rack(doc),)


def test_near_budget_is_a_warning_at_the_set_ratio(doc_of):
    doc = doc_of("gb200-nvl72")
    doc.set(_rack(doc), power_budget_w=135_000)  # 125.3 / 135 = 92.8 %
    [violation] = only(validate(doc.design), "power.rack_budget")
    assert violation.severity == "warning"
    assert violation.measured == 125_300 and violation.limit == pytest.approx(0.9 * 135_000)
    assert "92.8%" in violation.message
    doc.design.rules.power_warning_ratio = 0.95
    assert not only(validate(doc.design), "power.rack_budget")


def test_template_budget_and_no_budget_raise_nothing(doc_of):
    doc = doc_of("gb200-nvl72")  # 125.3 kW of 150 kW = 83.5 %
    assert not only(validate(doc.design), "power.rack_budget")
    doc.set(_rack(doc), power_budget_w=None)
    assert not only(validate(doc.design), "power.rack_budget")


def test_power_override_counts_instead_of_the_catalog(doc_of):
    doc = doc_of("gb200-nvl72")
    gpu = next(n.id for n in doc.design.nodes if n.part == "b200-gb200")
    doc.set(gpu, overrides={"power_w": 2000})
    doc.set(_rack(doc), power_budget_w=100_000)
    [violation] = only(validate(doc.design), "power.rack_budget")
    assert violation.measured == NVL72_W + 800


def test_losing_a_side_of_n_plus_n_shelves(doc_of):
    doc = doc_of("gb200-nvl72")
    doc.remove(next(n.id for n in doc.design.nodes if n.name == "PS8"))
    [violation] = only(validate(doc.design), "power.shelf_redundancy")
    # 7 shelves in N+N: floor(7 / 2) = 3 survive a side failure, 3 x 33 kW = 99 kW
    assert (violation.measured, violation.limit) == (125_300, 3 * 33_000) == (125_300, 99_000)
    assert "7 power shelves in N+N deliver 99.0 kW (3 x 33.0 kW) when one side fails" in violation.message


@pytest.mark.parametrize(
    "shelves, redundancy, usable",
    [
        (8, "n+n", 4 * 33_000),  # 132 kW: GB200 NVL72 as shipped, no violation
        (7, "n+1", 6 * 33_000),  # 198 kW
        (3, "n", 3 * 33_000),  # 99 kW, no failure tolerated
        (4, "n+1", 3 * 33_000),  # 99 kW
    ],
)
def test_usable_shelf_capacity_by_scheme(doc_of, shelves, redundancy, usable):
    doc = doc_of("gb200-nvl72")
    names = [f"PS{i}" for i in range(shelves + 1, 9)]
    doc.remove(*(n.id for n in doc.design.nodes if n.name in names))
    doc.set(_rack(doc), power_redundancy=redundancy)
    found = only(validate(doc.design), "power.shelf_redundancy")
    assert [v.limit for v in found] == ([usable] if usable < NVL72_W else [])


def test_racks_without_shelves_are_fed_from_outside(doc_of):
    doc = doc_of("gb200-nvl72")
    doc.remove(*(n.id for n in doc.design.nodes if n.name.startswith("PS")))
    assert not only(validate(doc.design), "power.shelf_redundancy")


def test_gb300_runs_its_shelves_n_plus_1(built):
    report = validate(built("gb300-nvl72"))  # 134.66 kW, 7 x 33 kW = 231 kW after one shelf fails
    assert not only(report, "power.shelf_redundancy") and not only(report, "power.rack_budget")
