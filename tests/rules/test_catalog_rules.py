"""Catalog rules: unknown parts never stop validation; estimates are named once per figure."""

from __future__ import annotations

from rackcad import validate
from tests.rules import make_broken
from tests.rules.conftest import only


def test_unknown_parts_one_error_per_part_id_and_the_rest_still_runs():
    design = make_broken.catalog_unknown_part()
    design.racks[0].power_budget_w = 2_000  # 3 known GPUs x 1,000 W + sled 500 + CPU 350 = 3,850 W
    report = validate(design)
    found = {v.message.split("'")[1]: v.subjects for v in only(report, "catalog.unknown_part")}
    assert found == {"rack-unobtainium": ("R1",), "b999-prototype": ("G1",)}
    [budget] = only(report, "power.rack_budget")
    assert budget.measured == 3 * 1000 + 500 + 350


def test_estimates_once_per_part_and_figure(built):
    report = validate(built("gb200-nvl72"))
    estimates = only(report, "catalog.estimate")
    keys = [v.message.split(" is an estimate")[0] for v in estimates]
    assert len(keys) == len(set(keys))
    [cx7] = [v for v in estimates if v.message.startswith("ConnectX-7 400G (OSFP): maximum power")]
    assert (cx7.severity, cx7.measured, cx7.unit, len(cx7.subjects)) == ("info", 25, "W", 72)
    assert "25 W" in cx7.message and "source EST" in cx7.message
    assert not any(v.message.startswith("B200 (in GB200") for v in estimates)  # sourced power and ports (S23, S9)


def test_an_override_replaces_the_estimate(doc_of):
    doc = doc_of("gb200-nvl72")
    nic = next(n.id for n in doc.design.nodes if n.part == "connectx-7")
    doc.set(nic, overrides={"power_w": 22.0})
    [cx7] = [v for v in only(validate(doc.design), "catalog.estimate") if "ConnectX-7 400G (OSFP): max" in v.message]
    assert len(cx7.subjects) == 71 and nic not in cx7.subjects


def test_only_figures_a_running_check_used(doc_of):
    doc = doc_of("gb200-nvl72")
    doc.design.rules.disabled = ["power", "cooling"]
    assert not any("power" in v.message for v in only(validate(doc.design), "catalog.estimate"))
