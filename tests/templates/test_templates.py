"""Every template against counts worked out by hand from the sources (see rackcad/templates/systems.py)."""

from __future__ import annotations

import pytest

from rackcad import summary, templates
from rackcad.model import expanded
from rackcad.templates import TemplateError
from rackcad.topology import DesignIndex, build_graph


def test_names():
    assert templates.names() == sorted([
        "campus", "dgx-b200-superpod", "dgx1-hybrid-cube-mesh", "dgx2-nvswitch", "fusion-xpu", "gb200-nvl576", "gb200-nvl72",
        "gb200-superpod", "gb300-nvl72", "hgx-a100-8gpu", "hgx-b200-8gpu", "hgx-h100-8gpu", "kyber-nvl576",
        "mesh-4gpu", "vr-nvl144",
    ])


def power(catalog, parts: dict[str, int]) -> float:
    """Hand roll-up: sum of count x catalog design power."""
    return sum(catalog.get(p).power_w * n for p, n in parts.items())


def test_gb200_nvl72_hand_counts(built, catalog):
    info = summary(built("gb200-nvl72"))
    assert info["counts"]["gpu"] == 72 and info["counts"]["cpu"] == 36 and info["counts"]["switch"] == 18
    assert info["counts"]["tray"] == 18 + 9 and info["counts"]["power-shelf"] == 8
    assert info["nvlink_domains"] == [72]
    # 72 GPUs x 18 NVLink 5 links = 1,296, one to each switch chip; 36 Grace x 2 C2C links = 72.
    assert info["links_by_protocol"] == {"nvlink-c2c": 72, "nvlink5": 1296}
    # 18 links x 400 Gb/s per direction = 7,200 Gb/s = 900 GB/s each way (1.8 TB/s bidirectional, S9).
    assert info["scale_up_gbps_per_gpu"] == {"min": 7200, "max": 7200}
    expected = power(catalog, {
        "b200-gb200": 72, "grace": 36, "connectx-7": 72, "bluefield-3": 36, "gb200-compute-tray": 18,
        "nvlink5-switch": 18, "nvlink5-switch-tray": 9, "mgmt-switch-sn2201": 2,
    })
    assert expected == 72 * 1200 + 36 * 300 + 72 * 25 + 36 * 150 + 18 * 950 + 18 * 150 + 9 * 100 + 2 * 100
    assert info["power_w"] == pytest.approx(expected) == 125_300
    assert 120_000 <= info["power_w"] <= 142_000  # S16/S17/S8 range
    rack = info["per_rack"][0]
    assert rack["heat_liquid_w"] + rack["heat_air_w"] == pytest.approx(rack["power_w"])


def test_every_gpu_reaches_every_switch_chip_once(built):
    index = DesignIndex(built("gb200-nvl72"))
    graph = build_graph(index, protocols="scale-up")
    chips = [n for n, d in graph.nodes(data=True) if d["kind"] == "switch"]
    for gpu in (n.id for n in index.accelerators):
        assert sorted(graph.edges[gpu, c]["count"] for c in chips) == [1] * 18


def test_gb300_nvl72(built, catalog):
    info = summary(built("gb300-nvl72"))
    assert info["counts"]["gpu"] == 72 and info["links_by_protocol"]["nvlink5"] == 1296
    assert info["power_w"] == 72 * 1400 + 36 * 300 + 72 * 30 + 18 * 950 + 18 * 150 + 9 * 100 + 2 * 100
    assert 120_000 <= info["power_w"] <= 142_000  # S8: up to 142 kW
    assert built("gb300-nvl72").racks[0].power_redundancy == "n+1"


def test_vr_nvl144(built):
    info = summary(built("vr-nvl144"))
    assert info["counts"]["gpu"] == 72 and info["gpu_dies"] == 144 and info["counts"]["switch"] == 36
    assert info["links_by_protocol"]["nvlink6"] == 72 * 36
    assert info["scale_up_gbps_per_gpu"]["min"] == 36 * 400 == 14_400  # 3.6 TB/s bidirectional (S14)
    assert 180_000 <= info["power_w"] <= 230_000  # S22


def test_kyber_nvl576(built):
    info = summary(built("kyber-nvl576"))
    assert info["counts"]["gpu"] == 144 and info["gpu_dies"] == 576
    assert info["counts"]["switch"] == 72 and info["counts"]["cpu"] == 72
    assert info["nvlink_domains"] == [144]
    assert info["links_by_protocol"]["nvlink7"] == 144 * 72
    assert built("kyber-nvl576").metadata["status"] == "announced"


def test_gb200_nvl576_two_tier(built):
    design = built("gb200-nvl576")
    info = summary(design)
    assert info["racks"] == 8 + 4
    assert info["counts"]["gpu"] == 576 and info["counts"]["cpu"] == 288
    # 36 first-tier chips per rack x 8 + 576 x 36 x 2 ... second tier: 8 x 36 x 36 uplinks / 72 = 144 chips.
    assert info["counts"]["switch"] == 8 * 36 + 144
    assert info["nvlink_domains"] == [576]
    # GPU to first tier 576 x 18; first to second tier 288 chips x 36 uplinks.
    assert info["links_by_protocol"]["nvlink5"] == 576 * 18 + 288 * 36
    assert info["scale_up_gbps_per_gpu"] == {"min": 7200, "max": 7200}
    index = DesignIndex(design)
    graph = build_graph(index, protocols="scale-up")
    degree = {n: sum(d["count"] for *_, d in graph.edges(n, data=True)) for n in graph if graph.nodes[n]["kind"] == "switch"}
    assert set(degree.values()) == {72}  # every chip's 72 ports used, none overcommitted
    assert design.metadata["status"] == "announced"


def test_hgx_h100(built, catalog):
    info = summary(built("hgx-h100-8gpu"))
    assert info["counts"]["gpu"] == 8 and info["counts"]["switch"] == 4
    assert info["scale_up_gbps_per_gpu"] == {"min": 3600, "max": 3600}  # 18 x 200 Gb/s (900 GB/s bidir)
    assert info["links_by_protocol"] == {"nvlink4": 144}
    assert info["nvlink_domains"] == [8]
    assert info["power_w"] == 8 * 700 + 4 * 120 + 2 * 350 + 8 * 25 + 3200 == 10_180  # DGX H100 10.2 kW max (S42)


def test_hgx_b200(built):
    info = summary(built("hgx-b200-8gpu"))
    assert info["counts"]["gpu"] == 8 and info["counts"]["switch"] == 2
    assert info["scale_up_gbps_per_gpu"] == {"min": 7200, "max": 7200}
    assert info["nvlink_domains"] == [8]


def test_mesh_4gpu(built):
    design = built("mesh-4gpu")
    info = summary(design)
    assert info["counts"]["gpu"] == 4 and "switch" not in info["counts"]
    assert len(design.links) == 6 and all(link.count == 6 for link in design.links)  # 6 pairs x 6 links
    assert info["links"] == 36
    assert info["scale_up_gbps_per_gpu"] == {"min": 7200, "max": 7200}  # 3 peers x 6 x 400
    graph = build_graph(DesignIndex(design), protocols="scale-up")
    assert {d["gbps"] for *_, d in graph.edges(data=True)} == {2400}  # only 2,400 Gb/s to any one peer


def test_fusion_xpu(built):
    info = summary(built("fusion-xpu"))
    assert info["counts"]["xpu"] == 72 and info["counts"]["cpu"] == 36
    assert info["nvlink_domains"] == [72] and info["links_by_protocol"]["nvlink5"] == 1296
    assert info["links_by_protocol"]["pcie6"] == 72


def test_parameters_scale_the_design():
    info = summary(templates.build("gb200-nvl72", compute_trays=9))
    assert info["counts"]["gpu"] == 36 and info["links_by_protocol"]["nvlink5"] == 36 * 18
    info = summary(templates.build("fusion-xpu", accelerator="gpu", sleds=2))
    assert info["counts"]["gpu"] == 8 and info["links_by_protocol"]["nvlink-c2c"] == 8
    with pytest.raises(TemplateError, match="no parameter"):
        templates.build("gb200-nvl72", gpus=3)
    with pytest.raises(TemplateError, match="must be one of"):
        templates.build("gb200-nvl72", compute_trays=19)
    with pytest.raises(TemplateError, match="must be a int"):
        templates.build("gb200-nvl72", compute_trays="many")


def test_gb200_superpod_stands_in_rows_with_trays_and_routes_its_cables(built):
    """One SU: row 1 (8 NVL72 + NET1-1, NET1-2 in slots 8-9) faces its cold aisle in front; the spine row
    behind it stands back to back with it across a 1.2 m hot aisle. Trays along the middle of each row (y 1.8
    and 4.2 m) and across both ends (x 0.9 and 7.5 m)."""
    from rackcad import validate
    from rackcad.figures import Figures, hall
    from rackcad.figures.lengths import link_route

    design = expanded(built("gb200-superpod"))
    floor = design.floor
    assert [(r.name, r.slots, r.cold_aisle) for r in floor.rows] == [("SU1 row", 10, "front"),
                                                                    ("Spine row", 1, "back")]
    assert [(a.kind, a.width_mm) for a in hall.aisles(floor)] == [("hot", 1200.0)]
    assert [t.points for t in floor.trays] == [[[900.0, 1800.0], [7500.0, 1800.0]], [[900.0, 4200.0], [7500.0, 4200.0]],
                                               [[900.0, 1800.0], [900.0, 4200.0]], [[7500.0, 1800.0], [7500.0, 4200.0]]]
    assert all(r.position.row is not None for r in design.racks)
    figures = Figures(design)
    names = {r.id: r.name for r in design.racks}

    def first(a: str, b: str):
        return next(f for f in figures.link_figures.values() if names.get(f.rack_a) == a and names.get(f.rack_b) == b)

    # CT01/NIC1 (tray at U5 of SU1-R1) to IB-LEAF-R1-01 (U2 of NET1-1): drops 2.236 - 4 x 0.04445 + 0.6 and
    # 2.3 - 0.04445 + 0.6; spurs 0.6 + 0.6 to the row tray, 4.8 m along it (front centres x 1.5 and 6.3 m)
    nic = first("SU1-R1", "NET1-1")
    routed = link_route(figures, nic.link)
    assert (routed.drop_a, routed.drop_b) == (pytest.approx(2.6582), pytest.approx(2.85555))
    assert routed.path.horizontal_mm == pytest.approx(600 + 4800 + 600)
    assert nic.length_m == pytest.approx(2.6582 + 2.85555 + 6.0 + 0.5)  # 12.01 m (10.81 m on the straight model)
    # a leaf in NET1-1 to SPINE-1 (spine row slot 0, turned to face +y: front centre (1.5, 4.8) m): up to tray
    # 1, 5.4 m to tray A, 2.4 m along it, 0.6 m along tray 2, 0.6 m down: 9.6 m horizontal (via tray B: 10.8)
    up = link_route(figures, first("NET1-1", "SPINE-1").link)
    assert up.path.trays_mm == pytest.approx(5400 + 2400 + 600)
    assert up.path.horizontal_mm == pytest.approx(600 + 8400 + 600)
    # every length is still far inside DR's 500 m: the optics hand counts (tests/rules/test_scale_out.py) hold
    assert max(f.length_m for f in figures.link_figures.values()) < 20
    assert not validate(design).errors
