"""The derived figures: one answer for power, optics, links and footprints wherever they are shown."""

from __future__ import annotations

import math

import pytest

from rackcad import Document, load, summary, templates, validate
from rackcad.analysis import design_optics
from rackcad.catalog import Catalog
from rackcad.export.bom import bom
from rackcad.figures import Figures, footprint
from rackcad.model import FloorPosition
from rackcad.rules.context import Context
from tests.conftest import EXAMPLES

DESIGNS = [f"template:{n}" for n in templates.names()] + sorted(f"example:{p.stem}" for p in EXAMPLES.glob("*.rackcad"))


def _design(key: str, built):
    kind, name = key.split(":", 1)
    return built(name) if kind == "template" else load(EXAMPLES / f"{name}.rackcad")


@pytest.mark.parametrize("key", DESIGNS)
def test_summary_bom_and_rule_loads_agree_to_the_watt(key, built):
    design = _design(key, built)
    info = summary(design)
    totals = bom(design).totals
    figures = Figures(design)
    ctx = Context(design, figures.catalog, figures)  # what every power and cooling rule reads
    loads = [ctx.rack_loads[r.id].power_w for r in figures.design.racks]  # expanded: instances' racks too
    in_no_rack = math.fsum(figures.power_w(figures.nodes[n]) for n in figures.rack_nodes.get(None, ()))
    assert round(info["power_w"]) == round(totals["power_w"]) == round(math.fsum(loads) + in_no_rack)
    assert [round(r["power_w"]) for r in info["per_rack"]] == [round(w) for w in loads]
    # the transceivers the BOM lists are the ones the optics analysis counts
    assert totals["transceivers"] == design_optics(design).transceivers == info["transceivers"]
    assert totals["links"] == info["links"] == figures.link_count


def test_gb200_nvl576_power_with_its_optics_by_hand(built):
    design = built("gb200-nvl576")
    info = summary(design)
    # parts: 1,060 kW; 5,184 x 1.6T twin-port OSFP at 25 W (S32/S33) = 129.6 kW: 1,189.6 kW in all
    assert info["power_w"] == 1_189_600 and info["optics_power_w"] == 129_600 and info["transceivers"] == 5184
    compute = next(r for r in info["per_rack"] if r["name"] == "R1")
    # an NVL72's 128.9 kW plus 36 chips x 9 shared transceivers (8.1 kW, air-cooled) for its 1,296
    # second-tier uplinks (4 per module)
    assert (compute["power_w"], compute["optics_w"], compute["heat_air_w"]) == (137_000, 8_100, 32_600)
    report = validate(design)
    assert not report.errors  # N+1 on the 8 x 33 kW shelves (S8), 40 kW of air (S40); 91 % of budget warns
    assert {v.measured for v in report.warnings if v.code == "power.rack_budget"} == {137_000}


def test_a_cpo_link_draws_engine_power_at_the_switch_and_a_module_at_the_nic():
    doc = Document()
    rack = doc.add_rack("rack-48u-air")
    cpo = doc.place("quantum-x-photonics-q3450", rack, u=1)
    box = doc.place("dgx-b200", rack, u=10)
    nic = doc.place("connectx-7", box, bay=12)
    link = doc.connect(nic, cpo, protocol="infiniband", medium="cpo-fiber", port_a="net", port_b="net")
    figures = Figures(doc.design)
    fig = figures.link_figure(link)
    # NIC end: one 400G single-mode DR4 (9 W, F9: co-packaged ports are single-mode) in the ConnectX-7 cage;
    # switch end: 9 W of CPO engine per port (S31)
    assert (fig.choice.optic_a, fig.choice.optics_a, fig.choice.engines_b) == ("osfp-400g-dr4", 1, 1)
    assert (fig.power_a, fig.power_b) == (9, 9)
    assert figures.load(rack).optics_w == 18
    assert figures.power_of(box) == figures.power_of(box) and figures.optics_w(nic) == (9, 0)


def test_choice_takes_whatever_cables_the_catalog_holds(tmp_path, catalog):
    """An active optical cable added in a user folder competes with transceiver pairs (lower power wins)."""
    folder = tmp_path / "catalog"
    folder.mkdir()
    (folder / "aoc.yaml").write_text(
        "id: aoc-400g\nkind: cable\nvendor: Test\nmodel: 400G AOC\nmount: bay\nmedium: pluggable-optic\n"
        "power_max_w: {value: 6, source: EST, confidence: estimate}\n"
        "gbps: {value: 400, source: EST, confidence: estimate}\n"
        "reach_m: {value: 30, source: EST, confidence: estimate}\n", encoding="utf-8")
    with_aoc = Catalog([*catalog.folders, folder])
    doc = Document(catalog=with_aoc)
    rack = doc.add_rack("rack-48u-air")
    plug = doc.place("quantum-x800-q3400", rack, u=1)
    box = doc.place("dgx-b200", rack, u=10)
    nic = doc.place("connectx-7", box, bay=12)
    near = doc.connect(nic, plug, protocol="infiniband", medium="pluggable-optic", port_a="net", port_b="net")
    far = doc.connect(nic, plug, protocol="infiniband", medium="pluggable-optic", port_a="net", port_b="net",
                      length_m=100)
    figures = Figures(doc.design, with_aoc)
    assert figures.link_figure(near).choice.cable == "aoc-400g"  # 6 W against two 9 W modules
    far_choice = figures.link_figure(far).choice  # beyond the AOC's 30 m: a transceiver pair that reaches 100 m
    assert far_choice.category == "optics" and with_aoc.get(far_choice.optic_a).reach_m.value >= 100
    assert figures.link_figure(near).power_a == figures.link_figure(near).power_b == 3  # half at each end


def test_one_footprint_tolerance_for_rules_layout_and_floor():
    doc = Document()
    a = doc.add_rack("mgx-nvl72-rack", position=FloorPosition(x_mm=1000, y_mm=1000))
    b = doc.add_rack("mgx-nvl72-rack", position=FloorPosition(x_mm=1600, y_mm=1000))  # touching: a row
    assert "geometry.floor_overlap" not in validate(doc.design).codes()
    # 0.5 mm² shared: below the tolerance for the rule and the floor layout alike
    doc.set(b, position=FloorPosition(x_mm=1600 - 0.5 / 1200, y_mm=1000))
    from rackcad.layout.floor import floor_layout

    assert "geometry.floor_overlap" not in validate(doc.design).codes() and floor_layout(doc.design).overlaps == []
    doc.set(b, position=FloorPosition(x_mm=1599, y_mm=1000))  # 1,200 mm²
    assert "geometry.floor_overlap" in validate(doc.design).codes()
    assert floor_layout(doc.design).overlaps == [(a, b)]
    assert footprint.TOLERANCE_MM2 == 1.0


def test_exact_power_is_what_the_totals_round():
    """The exact totals the per-block summary adds up: one NVL72 rack's parts are 125,300 W (see
    tests/test_hall_instances.py), with no optics; in a SuperPOD the link ends' optics are counted once, in
    `optics`, and the design total is parts + optics, as `total_power_w` rounds it."""
    from fractions import Fraction

    from rackcad import templates
    from rackcad.figures import Figures

    rack = Figures(templates.build("gb200-nvl72"))
    assert rack.exact_power_w() == (Fraction(125_300), Fraction(0))
    pod = Figures(templates.build("gb200-superpod"))
    parts, optics = pod.exact_power_w()
    assert optics > 0 and float(optics) == pod.optics_power_w()
    assert float(parts + optics) == pod.total_power_w()
