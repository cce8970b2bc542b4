"""NVLink-domain fabric figures against hand calculations (Gb/s per direction; NVLink 5 link = 400 Gb/s)."""

from __future__ import annotations

import pytest

from rackcad import Document, summary
from rackcad.analysis import alltoall_gbps, domain_fabrics, ring_allreduce_s
from rackcad.model import Design


@pytest.mark.parametrize(
    "name, expected",
    [
        # 36 GPUs per half x 18 links x 400 Gb/s; 18 chips x 72 ports x 400 / 2 = the same: non-blocking.
        ("gb200-nvl72", 36 * 7200),
        # 4 per half x 7,200; 2 chips x 72 ports x 400 / 2 = 28,800.
        ("hgx-b200-8gpu", 4 * 7200),
        # 4 per half x 18 x 200 Gb/s; chips carry (40 + 32 + 32 + 40) links x 200 / 2 = 14,400 (5/4/4/5 split).
        ("hgx-h100-8gpu", 4 * 3600),
    ],
)
def test_single_tier_formula_agrees_with_min_cut(built, name, expected):
    fabric = domain_fabrics(built(name))[0]
    assert fabric.tiers == 1
    assert fabric.formula_gbps == expected
    assert fabric.bisection_gbps == pytest.approx(expected)
    assert fabric.full_bisection_gbps == expected  # non-blocking


def test_mesh_min_cut(built):
    fabric = domain_fabrics(built("mesh-4gpu"))[0]
    assert (fabric.size, fabric.switches, fabric.tiers, fabric.formula_gbps) == (4, 0, 0, None)
    # 2 | 2 split: 4 crossing pairs x 6 links x 400 Gb/s.
    assert fabric.bisection_gbps == 4 * 2400 == 9600
    # All-to-all: a half of 2 sends 2 x T x 2/3 across 9,600 -> T = 7,200: the mesh keeps full speed inside.
    assert fabric.alltoall_gbps_per_gpu == pytest.approx(7200)


def test_same_blackwell_gpu_three_topologies(built):
    bisection = [domain_fabrics(built(n))[0].bisection_gbps for n in ("mesh-4gpu", "hgx-b200-8gpu", "gb200-nvl72")]
    assert bisection == [9600, 28_800, 259_200]


def test_gb200_nvl576_two_tiers(built):
    fabric = domain_fabrics(built("gb200-nvl576"))[0]
    assert (fabric.size, fabric.switches, fabric.tiers, fabric.formula_gbps) == (576, 8 * 36 + 144, 2, None)
    assert fabric.full_bisection_gbps == 288 * 7200 == 2_073_600
    # Racks 1-4 | 5-8. First tier: 36 down, 36 up per chip, never the limit. Second tier, per plane: 16 first-tier
    # chips (index i; 0-3 and 8-11 in racks 1-4) x 8 second-tier chips (j), 4 + [(i + j) % 8 < 4] links each.
    per_plane = 0
    for j in range(8):
        a = sum(4 + ((i + j) % 8 < 4) for i in (0, 1, 2, 3, 8, 9, 10, 11))
        per_plane += min(a, 72 - a)
    assert per_plane == 272  # not 288: the 4/5 split is uneven across this cut
    assert fabric.bisection_gbps == pytest.approx(18 * per_plane * 400) == 1_958_400
    # 1,958,400 x 575 / 288^2 = 13,576 > 7,200: the GPU's own links are the all-to-all limit.
    assert fabric.alltoall_gbps_per_gpu == 7200


def uneven_board(wiring: str) -> Design:
    """4 B200s and 2 NVLink 5 chips; two GPUs put 17 of their 18 links on chip 1, the other two on chip 2:
    GPUs 1-2 ("contiguous", caught by the placement-order split) or GPUs 1 and 3 ("alternate", caught by
    the alternate split)."""
    doc = Document()
    rack = doc.add_rack("rack-42u-air")
    box = doc.place("dgx-b200", rack, u=10)
    gpus = [doc.place("b200-hgx", box, bay=i) for i in range(4)]
    chips = [doc.place("nvlink5-switch", box, bay=8 + i) for i in range(2)]
    for i, gpu in enumerate(gpus):
        first = i < 2 if wiring == "contiguous" else i % 2 == 0
        heavy, light = chips if first else chips[::-1]
        doc.connect(gpu, heavy, protocol="nvlink5", count=17, port_a="nvlink", port_b="nvlink")
        doc.connect(gpu, light, protocol="nvlink5", count=1, port_a="nvlink", port_b="nvlink")
    return doc.design


@pytest.mark.parametrize("wiring", ["contiguous", "alternate"])
def test_min_cut_sees_uneven_wiring_the_formula_misses(wiring):
    fabric = domain_fabrics(uneven_board(wiring))[0]
    # Formula: min(2 x 7,200, 2 chips x 36 links x 400 / 2) = 14,400: blind to where the links go.
    assert fabric.formula_gbps == 14_400
    # Splitting the heavy pairs apart: each chip passes min(34, 2) links = 800 Gb/s.
    assert fabric.bisection_gbps == pytest.approx(2 * 2 * 400) == 1600
    # All-to-all: 1,600 x 3 / (2 x 2) = 1,200 Gb/s per GPU.
    assert fabric.alltoall_gbps_per_gpu == pytest.approx(1200)


def test_ring_allreduce_and_bounds(built):
    nvl72 = domain_fabrics(built("gb200-nvl72"))[0]
    # 2 x 71/72 x 1 GB x 8 bit / 7,200 Gb/s = 2.19 ms.
    assert nvl72.allreduce_s(1e9) == pytest.approx(2 * 71 / 72 * 8e9 / 7.2e12) == pytest.approx(2.1913e-3, rel=1e-4)
    h100 = domain_fabrics(built("hgx-h100-8gpu"))[0]
    assert h100.allreduce_s(1e9) == pytest.approx(2 * 7 / 8 * 8e9 / 3.6e12)  # 3.89 ms: half the bandwidth
    assert ring_allreduce_s(1, 1e9, 7200) == 0.0
    assert ring_allreduce_s(8, 1e9, 0) == float("inf")
    assert alltoall_gbps(1, 0, 7200) == 0.0
    assert alltoall_gbps(7, 3 * 4 * 1200, 7200) == pytest.approx(7200)  # 7-GPU mesh, 3 links per pair


def test_summary_gains_fabric_keys(built):
    info = summary(built("gb200-nvl72"))
    assert info["bisection_gbps"] == 259_200 and info["alltoall_gbps_per_gpu"] == 7200
    assert info["domains"] == [{
        "size": 72, "switches": 18, "tiers": 1, "scale_up_gbps_per_gpu": 7200, "full_bisection_gbps": 259_200,
        "formula_gbps": 259_200, "bisection_gbps": 259_200, "alltoall_gbps_per_gpu": 7200,
    }]
    assert summary(built("mesh-4gpu"))["bisection_gbps"] == 9600
    empty = summary(Design())
    assert (empty["bisection_gbps"], empty["alltoall_gbps_per_gpu"], empty["domains"]) == (0.0, 0.0, [])


def test_unlinked_accelerators_are_domains_of_one():
    doc = Document()
    rack = doc.add_rack("rack-42u-air")
    box = doc.place("dgx-b200", rack, u=10)
    for i in range(2):
        doc.place("b200-hgx", box, bay=i)
    fabrics = domain_fabrics(doc.design)
    assert [(f.size, f.bisection_gbps, f.alltoall_gbps_per_gpu, f.scale_up_gbps_per_gpu) for f in fabrics] == [
        (1, 0.0, 0.0, 0.0), (1, 0.0, 0.0, 0.0)]
