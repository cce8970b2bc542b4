"""Reach rules: lengths by hand (U = 44.45 mm, 0.5 m slack, see tests/test_lengths.py) against S27 reaches."""

from __future__ import annotations

import shutil

import pytest

from rackcad import Document, validate
from rackcad.figures import Figures
from rackcad.figures.lengths import link_length_m
from rackcad.catalog import Catalog
from rackcad.catalog.loader import packaged_catalog_dir
from rackcad.topology import DesignIndex
from tests.rules import make_broken
from tests.rules.conftest import only


def test_nvl72_spine_fits_the_backplane_reach(built):
    design = built("gb200-nvl72")
    index = DesignIndex(design)
    longest = max(link_length_m(index, link) for link in design.links if link.medium == "backplane-copper")
    # compute tray at U31 to the switch tray at U13: 18 U x 44.45 mm + 300 mm side run + 0.5 m slack
    assert longest == pytest.approx(18 * 0.04445 + 0.3 + 0.5)
    assert longest < 2.0 and not only(validate(design), "reach.copper")


def test_copper_beyond_reach():
    found = only(validate(make_broken.reach_copper()), "reach.copper")
    by_link = {v.subjects[0]: (v.measured, v.limit) for v in found}
    # rack to rack at U20: each end climbs 2.236 m - 19 U + 0.6 m tray, 0.6 m across, 0.5 m slack
    climb = 2.236 - 19 * 0.04445 + 0.6
    assert by_link["L1"] == (pytest.approx(2 * climb + 0.6 + 0.5), 2.0)
    assert by_link["L2"] == (3.0, 2.0)  # a 3 m passive DAC (S27: 800G straight 0.5-2 m)


def test_active_copper_reaches_five_metres(doc_of):
    doc = doc_of("gb200-nvl72")
    link = next(link for link in doc.design.links if link.protocol == "nvlink5")
    doc.set(link.id, medium="active-copper", length_m=4.5)
    assert not only(validate(doc.design), "reach.copper")
    doc.set(link.id, length_m=5.5)
    [violation] = only(validate(doc.design), "reach.copper")
    assert (violation.measured, violation.limit) == (5.5, 5.0)


def test_port_reach_from_the_catalog_wins(tmp_path, built):
    shutil.copy(packaged_catalog_dir() / "sources.yaml", tmp_path / "sources.yaml")
    text = (packaged_catalog_dir() / "nvlink5-switch.yaml").read_text()
    (tmp_path / "nvlink5-switch.yaml").write_text(text.replace("  medium: backplane-copper\n",
                                                               "  medium: backplane-copper\n  reach_m: 1.5\n"))
    catalog = Catalog([packaged_catalog_dir(), tmp_path])
    found = only(validate(built("gb200-nvl72"), catalog), "reach.copper")
    assert found and all(v.limit == 1.5 and v.measured > 1.5 for v in found)
    assert "its ports' reach of 1.5 m" in found[0].message


def test_optics_beyond_dr_and_fr4():
    found = only(validate(make_broken.reach_optic()), "reach.optic")
    assert sorted((v.subjects, v.severity, v.measured, v.limit) for v in found) == [
        (("L1",), "error", 800, 500), (("L2",), "error", 2500, 2000)]
    assert "beyond the 2,000 m reach of its osfp-800g-fr4 transceivers" in next(
        v.message for v in found if v.subjects == ("L2",))


def test_longer_links_get_longer_reach_optics():
    """Chosen by reach and then power per link: 800 m gets the 2 km twin-port FR4 (18 W for two links, 9 W
    each), 2.5 km the 10 km 400G LR4 (12 W): no finding."""
    design = make_broken.reach_optic()
    doc = Document(design)
    doc.set("L1", optic=None)
    doc.set("L2", optic=None)
    index = Figures(doc.design)
    assert index.link_figure("L1").choice.optic == "osfp-800g-fr4"
    assert index.link_figure("L2").choice.optic == "qsfp-dd-400g-lr4"
    assert not only(validate(doc.design), "reach.optic")


def test_an_unknown_transceiver_is_named():
    doc = Document(make_broken.reach_optic())
    doc.set("L3", optic="qsfp-made-up")
    found = [v for v in only(validate(doc.design), "reach.optic") if v.subjects == ("L3",)]
    assert len(found) == 1 and "qsfp-made-up" in found[0].message


def test_kyber_midplane_is_pcb(built):
    design = built("kyber-nvl576")
    assert {link.medium for link in design.links} == {"pcb"}
    assert not only(validate(design), "reach.copper")


def test_links_without_positions_are_not_measured():
    doc = Document()
    rack = doc.add_rack("mgx-nvl72-rack")
    sled = doc.place("custom-compute-sled", rack, u=10)
    gpu = doc.place("b200-hgx", sled, bay=2)
    other = doc.place("b200-hgx", sled, bay=3)
    doc.connect(gpu, other, protocol="nvlink5", count=18, medium="copper-cable")
    doc.get(sled).u = None
    assert not only(validate(doc.design), "reach.copper")
