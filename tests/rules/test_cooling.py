"""Cooling rules against hand calculations of heat to liquid and to air."""

from __future__ import annotations

import pytest

from rackcad import validate
from tests.rules.conftest import only

# GB200 NVL72, cold-plate parts (S1): 72 GPUs x 1,200 W + 36 Grace x 300 + 72 CX-7 x 25 + 18 switch chips x 150
NVL72_LIQUID_W = 72 * 1200 + 36 * 300 + 72 * 25 + 18 * 150
# to air: 18 compute trays x 950 + 36 BlueField-3 x 150 + 9 switch trays x 100 + 2 management switches x 100
NVL72_AIR_W = 18 * 950 + 36 * 150 + 9 * 100 + 2 * 100


def test_heat_split_by_hand(doc_of):
    assert (NVL72_LIQUID_W, NVL72_AIR_W) == (101_700, 23_600)
    doc = doc_of("gb200-nvl72")
    doc.set(doc.design.racks[0].id, liquid_capacity_w=100_000, air_capacity_w=20_000)
    report = validate(doc.design)
    [liquid] = only(report, "cooling.liquid_capacity")
    [air] = only(report, "cooling.air_capacity")
    assert (liquid.measured, liquid.limit, liquid.unit) == (101_700, 100_000, "W")
    assert (air.measured, air.limit) == (23_600, 20_000)
    assert liquid.message == "Rack NVL72 sends 101.7 kW of heat to liquid, liquid-cooling capacity 100.0 kW"


def test_capacity_none_is_not_checked_and_zero_means_none_fitted(doc_of):
    doc = doc_of("gb200-nvl72")
    rack = doc.design.racks[0].id
    doc.set(rack, liquid_capacity_w=None, air_capacity_w=None)
    report = validate(doc.design)
    assert not only(report, "cooling.liquid_capacity") and not only(report, "cooling.air_capacity")
    doc.set(rack, liquid_capacity_w=0)
    [violation] = only(validate(doc.design), "cooling.liquid_capacity")
    assert violation.limit == 0 and "has no liquid cooling" in violation.message


def test_liquid_share_override_moves_heat_to_air(doc_of):
    doc = doc_of("gb200-nvl72")
    for gpu in [n.id for n in doc.design.nodes if n.part == "b200-gb200"][:4]:
        doc.set(gpu, overrides={"liquid_share": 0.0})
    doc.set(doc.design.racks[0].id, air_capacity_w=25_000)
    [air] = only(validate(doc.design), "cooling.air_capacity")
    assert air.measured == NVL72_AIR_W + 4 * 1200


def _with_cdu(doc):
    doc.place("cdu-in-rack", doc.design.racks[0].id, u=38, name="CDU")  # U38-U41 are free in NVL72
    return doc


def test_flow_needed_against_the_cdu_rating(doc_of):
    doc = _with_cdu(doc_of("gb200-nvl72"))
    assert not only(validate(doc.design), "cooling.flow")  # 101.7 kW x 1.5 = 152.55 L/min of 225
    doc.design.rules.coolant_lpm_per_kw = 2.5
    [flow] = only(validate(doc.design), "cooling.flow")
    assert flow.measured == pytest.approx(101.7 * 2.5) == pytest.approx(254.25)
    assert (flow.limit, flow.unit) == (225, "L/min")


def test_no_cdu_in_the_rack_means_an_in_row_cdu(doc_of):
    doc = doc_of("gb200-nvl72")
    doc.design.rules.coolant_lpm_per_kw = 10
    report = validate(doc.design)
    assert not only(report, "cooling.flow") and not only(report, "cooling.cdu_capacity")


def test_cdu_capacity(doc_of):
    doc = doc_of("vr-nvl144")
    doc.place("cdu-in-rack", doc.design.racks[0].id, u=42, name="CDU")
    [cdu] = only(validate(doc.design), "cooling.cdu_capacity")
    # 72 Rubin x 2,300 + 36 Vera x 400 + 144 CX-9 x 30 + 18 trays x 950 + 36 chips x 200 + 9 trays x 150
    assert cdu.measured == 72 * 2300 + 36 * 400 + 144 * 30 + 18 * 950 + 36 * 200 + 9 * 150 == 209_970
    assert cdu.limit == 150_000


def test_air_cooled_dgx_sends_nothing_to_liquid(built):
    for name in ("hgx-h100-8gpu", "hgx-b200-8gpu"):
        report = validate(built(name))
        assert not only(report, "cooling.liquid_capacity") and not only(report, "cooling.air_capacity")
