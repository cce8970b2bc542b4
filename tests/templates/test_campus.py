"""The campus: buildings and halls on a site plan, lengths between buildings, long-reach optics by distance.

Lengths by hand (rackcad.figures.lengths): LEAF-A sits at U20 of a 2,300 mm network rack whose front-left
corner is (1.8 m, 1.2 m) in its hall; its front centre is (2.1 m, 1.2 m). Its run to the building entrance:
climb 2.3 - 19 x 0.04445 + 0.6 = 2.05545 m, to the hall's exit at (0, 0) 2.1 + 1.2 m, then 50 m to the
entrance: 55.35545 m. LEAF-B1 is placed the same in building B; with the 5 km route and 0.5 m of slack the
link is 2 x 55.35545 + 5,000 + 0.5 = 5,111.2109 m.
"""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from rackcad import Document, load, save, validate
from rackcad.analysis import summary
from rackcad.files import loads
from rackcad.files.format import dumps
from rackcad.figures import Figures
from rackcad.model import Building, Design, FibreRoute, Hall, Site
from rackcad.templates import build
from tests.rules.conftest import only

RUN_M = 2.3 - 19 * 0.04445 + 0.6 + 2.1 + 1.2 + 50.0


@pytest.fixture(scope="module")
def campus() -> Design:
    return build("campus")


def _dci(design: Design) -> list[str]:
    return [link.id for link in design.links if link.name.startswith("DCI")]


def test_site_plan_and_halls(campus):
    assert [b.id for b in campus.site.buildings] == ["A", "B"]
    assert {rack.name: rack.position.hall for rack in campus.racks} == {
        "A1-AGENTS": "A1", "A1-NET": "A1", "B1-NVL72": "B1", "B1-NET": "B1"}
    site = summary(campus)["site"]
    # 2 DCI records of 4 links; one 400G LR4 per link end
    assert site["distances"] == [{"a": "A", "b": "B", "km": 5.0, "via": ["A", "B"], "routed": True,
                                  "fibre_us": pytest.approx(24.5), "links": 8, "modules": {"qsfp-dd-400g-lr4": 16}}]
    assert [b["racks"] for b in site["buildings"]] == [2, 2]


def test_link_between_buildings_is_runs_plus_route(campus):
    figures = Figures(campus)
    first, second = (figures.link_figure(i) for i in _dci(campus))
    assert first.length_m == pytest.approx(2 * RUN_M + 5000 + 0.5)  # 5,111.2109 m
    assert second.length_m == pytest.approx(first.length_m - 0.04445)  # LEAF-B2 one U higher


def test_five_km_gets_lr_optics_with_their_power_and_no_false_alarm(campus):
    figures = Figures(campus)
    fig = figures.link_figure(_dci(campus)[0])
    # 4 x 400G links past the 2 km of FR4: the least power per link that reaches is 400G LR4 (10 km, 12 W,
    # estimates) against 400ZR (15 W): one module per link end
    assert (fig.choice.optic, fig.choice.optics_a, fig.choice.optics_b) == ("qsfp-dd-400g-lr4", 4, 4)
    assert (fig.power_a, fig.power_b) == (48.0, 48.0)
    assert figures.load(fig.rack_a).optics_w >= 48.0
    report = validate(campus)
    assert not only(report, "reach.optic")
    assert [v.code for v in report.errors] == ["latency.budget"]  # only the 20 us budget fails


def test_five_km_forced_to_fr4_is_an_error_naming_the_reach(campus):
    doc = Document(campus.model_copy(deep=True))
    link = _dci(doc.design)[0]
    doc.set(link, optic="osfp-800g-fr4")
    [violation] = only(validate(doc.design), "reach.optic")
    assert violation.subjects == (link,) and violation.severity == "error"
    assert violation.limit == 2000 and violation.measured == pytest.approx(2 * RUN_M + 5000.5)
    assert "beyond the 2,000 m reach of its osfp-800g-fr4 transceivers" in violation.message
    doc.undo()
    assert not only(validate(doc.design), "reach.optic")


@pytest.mark.parametrize("km, optic, per_end, watts", [
    (100, "qsfp-dd-400zr", 4, 15.0),  # past LR4's 10 km: 400ZR (120 km, F11), one per link
    (500, "qsfp-dd-400zr-plus", 4, 22.5),  # past 400ZR's 120 km: only ZR+ (800 km, F11)
])
def test_longer_routes_get_coherent_optics(km, optic, per_end, watts):
    design = build("campus", km=km)
    fig = Figures(design).link_figure(_dci(design)[0])
    assert (fig.choice.optic, fig.choice.optics_a) == (optic, per_end)
    assert fig.power_a == pytest.approx(per_end * watts)
    assert not only(validate(design), "reach.optic")


def test_moving_a_building_without_a_route_uses_the_straight_line(campus):
    doc = Document(campus.model_copy(deep=True))
    site = doc.design.site
    doc.set_design(site=site.model_copy(update={"routes": []}))
    fig = Figures(doc.design).link_figure(_dci(doc.design)[0])
    assert fig.length_m == pytest.approx(2 * RUN_M + 5000 + 0.5)  # buildings at (0, 0) and (4, 3) km
    b = site.buildings[1].model_copy(update={"x_km": 8.0, "y_km": 6.0})
    doc.set_design(site=site.model_copy(update={"routes": [], "buildings": [site.buildings[0], b]}))
    assert Figures(doc.design).link_figure(_dci(doc.design)[0]).length_m == pytest.approx(2 * RUN_M + 10_000.5)
    doc.undo()
    doc.undo()
    assert doc.design.site == campus.site


def test_routes_chain_through_a_third_building():
    site = Site(buildings=[Building(id=i, halls=[Hall(id=f"{i}1")]) for i in "ABC"],
                routes=[FibreRoute(a="A", b="C", length_km=9.0), FibreRoute(a="A", b="B", length_km=3.0),
                        FibreRoute(a="B", b="C", length_km=4.0)])
    from rackcad.figures.lengths import SitePlan
    assert SitePlan(site).route("C", "A") == (7.0, ["C", "B", "A"])


def test_the_campus_saves_and_loads_and_others_keep_their_bytes(campus, tmp_path):
    path = tmp_path / "campus.rackcad"
    save(campus, path)
    again = load(path)
    assert again == campus and dumps(again) == path.read_text()
    data = json.loads(path.read_text())
    assert list(data)[-2:] == ["site", "latency_budgets"]
    assert "hall" in data["racks"][0]["position"]
    plain = build("gb200-nvl72")
    text = dumps(plain)
    assert '"site"' not in text and '"latency_budgets"' not in text and '"hall"' not in text


@pytest.mark.parametrize("site, problem", [
    ({"buildings": [{"id": "A"}], "routes": [{"a": "A", "b": "Z", "length_km": 1.0}]}, "no building with id"),
    ({"buildings": [{"id": "A", "halls": [{"id": "A"}]}]}, "used twice"),
    ({"buildings": [{"id": "A"}, {"id": "B"}], "routes": [{"a": "A", "b": "B", "length_km": -1.0}]}, "greater than"),
])
def test_a_broken_site_is_a_load_error(site, problem):
    text = dumps(Design()).rstrip()[:-1].rstrip() + f',\n  "site": {json.dumps(site)}\n}}\n'
    with pytest.raises(Exception) as error:
        loads(text)
    assert problem in str(error.value)


def test_a_rack_in_a_hall_the_site_lacks(campus):
    doc = Document(campus.model_copy(deep=True))
    rack = doc.design.racks[0]
    doc.set(rack.id, position=rack.position.model_copy(update={"hall": "Z9"}))
    [violation] = only(validate(doc.design), "geometry.unknown_hall")
    assert violation.subjects == (rack.id,) and "Z9" in violation.message
    with pytest.raises(ValidationError):
        Site(routes=[FibreRoute(a="A", b="A", length_km=1.0)])


def test_racks_in_different_halls_never_overlap(campus):
    """A1-AGENTS and B1-NVL72 share coordinates, in two halls: no floor overlap."""
    assert not only(validate(campus), "geometry.floor_overlap")
    doc = Document(campus.model_copy(deep=True))
    cluster = next(r for r in doc.design.racks if r.name == "B1-NVL72")
    doc.set(cluster.id, position=cluster.position.model_copy(update={"hall": "A1"}))
    assert len(only(validate(doc.design), "geometry.floor_overlap")) == 1


def test_latency_figures_of_the_campus(campus):
    """The worst pair: AGENT1 (U4 of the 2,000 mm air rack) to tray CT01 (U5 of the 2,236 mm NVL72 rack) on
    LEAF-B1. NIC to LEAF-A: climb 2.0 - 3 U + 0.6, 0.6 m along the row, LEAF-A's climb 2.05545, 0.5 slack =
    5.6221 m; CT01's NIC to LEAF-B1: 2.236 - 4 U + 0.6 + 0.6 + 2.05545 + 0.5 = 5.81365 m. One way:
    (5.6221 + 5,111.2109 + 5.81365) m x 4.9 ns/m + 2 x 130 ns + 81.92 ns = 25,442.89 ns."""
    latency = summary(campus)["latency"]
    between = latency["between_buildings"]
    agent_leaf = 2.0 - 3 * 0.04445 + 0.6 + 0.6 + 2.3 - 19 * 0.04445 + 0.6 + 0.5
    tray_leaf = 2.236 - 4 * 0.04445 + 0.6 + 0.6 + 2.3 - 19 * 0.04445 + 0.6 + 0.5
    worst_ns = (agent_leaf + 2 * RUN_M + 5000.5 + tray_leaf) * 4.9 + 2 * 130 + 81.92
    assert between["worst_us"] == pytest.approx(worst_ns / 1000, abs=1e-6)
    assert between["worst_path"].startswith("AGENT1/GPU")
    assert 20.0 < between["typical_us"] <= between["worst_us"]
    [failing] = only(validate(campus), "latency.budget")
    assert failing.measured == pytest.approx(worst_ns / 1000, abs=1e-6) and failing.limit == 20.0
