"""`rackcad optics`: a design's link optics against its twin with the other optics choice, by hand counts."""

from __future__ import annotations

import json

import pytest

from rackcad import save, templates
from rackcad.cli.main import main


@pytest.fixture(scope="module")
def one_su(tmp_path_factory):
    path = tmp_path_factory.mktemp("optics") / "su1.rackcad"
    save(templates.build("gb200-superpod"), path)
    return path


def test_pluggable_su_against_its_cpo_twin(one_su, capsys):
    assert main(["optics", str(one_su), "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    design, twin = out["design"], out["twin"]
    assert (design["label"], twin["label"]) == ("pluggable", "cpo")
    # 576 NIC ports on 4 rails: 5 leaves per rail with 29, 29, 29, 29, 28 ports down and as many up, dealt over
    # 9 spines (64 links each). The QM9700's twin-port cages (F1) take 800G twin-port modules (17 W, S29),
    # shared by the port group's links (rackcad.figures): 16 leaves x 58 / 2 + 4 x 56 / 2 = 576 modules,
    # 9 spines x 64 / 2 = 288; each NIC a 400G DR4 (9 W, F9): 576. Total 1,440 modules,
    # 576 x 9 + 864 x 17 = 5,184 + 14,688 = 19,872 W.
    assert (design["transceivers"], design["optics_power_w"]) == (1440, 19_872)
    # The CPO twin keeps the NIC modules; 1,728 switch ports at 9 W per 800G = 4.5 W per 400G port (S31).
    assert (twin["transceivers"], twin["cpo_ports"], twin["optics_power_w"]) == (576, 1728, 5184 + 1728 * 4.5)
    assert out["ratios"]["transceivers"] == round(576 / 1440, 4)
    assert design["share_of_it"] == pytest.approx(19_872 / design["it_power_w"], rel=1e-4)
    basis = {f["label"]: f["w_per_800g"] for f in twin["per_port"]}
    assert basis["Quantum-2 QM9700 NDR InfiniBand switch: co-packaged port as on Quantum-X Photonics Q3450-LD (CPO "
                 "InfiniBand switch)"] == 9
    assert any("(S31, verified-secondary)" in f["source"] for f in twin["per_port"])


def test_text_report_names_tiers_and_sources(one_su, capsys):
    assert main(["optics", str(one_su)]) == 0
    text = capsys.readouterr().out
    assert "links up to the leaf:" in text and "links up to the spine:" in text and "total:" in text
    assert "W per 800G" in text and "S31, verified-secondary" in text


def test_unreadable_file_is_one_line_exit_2(tmp_path, capsys):
    bad = tmp_path / "bad.rackcad"
    bad.write_text("{", encoding="utf-8")
    assert main(["optics", str(bad)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "bad.rackcad" in err[0]


def test_facility_power_and_how_many_sus_a_site_feeds(one_su, capsys):
    from rackcad import load, summary
    from rackcad.analysis.energy import PUE

    info = summary(load(one_su))
    fac = info["facility"]
    # NVL72 racks send >= 75 % of their heat to liquid (PUE 1.15), the QM9700 network racks are air (1.58; F16)
    by_type = {r["name"]: ("liquid" if r["heat_liquid_w"] >= 0.75 * r["power_w"] else "air") for r in info["per_rack"]}
    assert {by_type[f"SU1-R{i}"] for i in range(1, 9)} == {"liquid"} and by_type["NET1-1"] == "air"
    expected = sum(r["power_w"] * PUE[by_type[r["name"]]].value for r in info["per_rack"])
    assert fac["it_power_w"] == pytest.approx(info["power_w"]) and fac["facility_power_w"] == pytest.approx(expected)
    assert fac["sus"] == 1 and fac["facility_power_w_per_su"] == pytest.approx(expected)
    assert main(["info", str(one_su), "--site-mw", "50", "--format", "json"]) == 0
    site = json.loads(capsys.readouterr().out)["facility"]
    assert site["sus_that_fit"] == int(50e6 // expected)
    assert main(["info", str(one_su), "--site-mw", "50"]) == 0
    assert f"feeds {int(50e6 // expected)} scalable units" in capsys.readouterr().out
