"""NVLink-domain rules: sizes in accelerator packages against each generation's ceiling."""

from __future__ import annotations

from rackcad import validate
from rackcad.rules import domain
from tests.rules import make_broken
from tests.rules.conftest import only


def test_one_past_the_nvlink4_ceiling():
    design = make_broken.domain_size()
    [violation] = only(validate(design), "domain.size")
    assert (violation.measured, violation.limit, violation.unit) == (257, 256, "packages")  # S11: 256 GPUs
    assert len(violation.subjects) == 257 and violation.subjects[:3] == ("G1", "G2", "G3")
    assert "NVLink 4 allows 256" in violation.message


def test_at_the_ceiling_is_fine(built):
    assert not only(validate(built("gb200-nvl576")), "domain.size")  # 576 GPUs, NVLink 5 allows 576 (S4)


def test_size_counts_packages_not_dies(built, monkeypatch):
    monkeypatch.setitem(domain.DOMAIN_LIMITS, 7, (100, "test ceiling"))
    [violation] = only(validate(built("kyber-nvl576")), "domain.size")
    assert violation.measured == 144  # 144 Rubin Ultra packages (576 dies)


def test_mixed_generations_name_the_odd_parts():
    report = validate(make_broken.domain_mixed_generation())
    [violation] = only(report, "domain.mixed_generation")
    assert violation.subjects == ("S2",)  # the NVLink 6 chip among a GPU and a chip on NVLink 5
    assert "mixes NVLink 5 (2 parts) and NVLink 6 (1 part)" in violation.message
    assert only(report, "ports.protocol_mismatch")  # the link that joins them
