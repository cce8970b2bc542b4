"""Bandwidth rules: per-direction Gb/s by hand (NVLink 5: 18 x 400 = 7,200; NVLink 4: 18 x 200 = 3,600)."""

from __future__ import annotations

from rackcad import Document, validate
from rackcad.topology import DesignIndex
from tests.rules import make_broken
from tests.rules.conftest import only


def test_below_the_design_target_is_an_error(doc_of):
    doc = doc_of("hgx-h100-8gpu")
    doc.design.rules.scale_up_target_gbps = 7200
    found = only(validate(doc.design), "bandwidth.scale_up")
    assert len(found) == 8
    assert {(v.severity, v.measured, v.limit, v.unit) for v in found} == {("error", 18 * 200, 7200, "Gb/s")}
    doc.design.rules.scale_up_target_gbps = 3600
    assert not only(validate(doc.design), "bandwidth.scale_up")


def test_measured_bandwidth_agrees_with_the_index(doc_of):
    doc = doc_of("gb200-nvl576")
    doc.design.rules.scale_up_target_gbps = 1e9
    found = only(validate(doc.design), "bandwidth.scale_up")
    index = DesignIndex(doc.design)
    assert len(found) == 576
    assert all(v.measured == index.scale_up_gbps(index.nodes[v.subjects[0]]) == 7200 for v in found)


def test_slower_peers_lower_an_accelerator_below_nominal():
    doc = Document()
    rack = doc.add_rack("mgx-nvl72-rack")
    sled = doc.place("custom-compute-sled", rack, u=10)
    gpu = doc.place("b200-hgx", sled, bay=2)
    box = doc.place("dgx-h100", rack, u=20)
    chip = doc.place("nvswitch-gen3", box, bay=8)
    doc.connect(gpu, chip, protocol="nvlink5", count=18, port_a="nvlink", port_b="nvlink")
    [violation] = only(validate(doc.design), "bandwidth.scale_up")
    # 18 links at the NVLink 4 chip's 200 Gb/s instead of 400: 3,600 of 7,200 Gb/s
    assert (violation.severity, violation.measured, violation.limit) == ("warning", 3600, 7200)
    assert "200 Gb/s per port against its 400 Gb/s" in violation.message
    assert violation.measured == DesignIndex(doc.design).scale_up_gbps(doc.get(gpu))


def test_oversubscribed_first_tier():
    design = make_broken.bandwidth_oversubscription()
    [violation] = only(validate(design), "bandwidth.oversubscription")
    # ST01/SW1: 4 GPUs x 9 links x 400 Gb/s = 14,400 down, 18 x 400 = 7,200 up; ST01/SW2 has 36 up (1:1)
    assert violation.subjects == ("S1",)
    assert (violation.measured, violation.limit, violation.unit) == (14_400 / 7_200, 1.0, "ratio")
    design.rules.max_oversubscription = 2.0
    assert not only(validate(design), "bandwidth.oversubscription")


def test_non_blocking_two_tier_nvl576_is_clean(built):
    # every first-tier chip: 36 GPUs down, 36 links up to the second tier, 14,400 Gb/s each way
    assert not only(validate(built("gb200-nvl576")), "bandwidth.oversubscription")
