"""The BOM of every template against counts worked out by hand from rackcad/templates/systems.py."""

from __future__ import annotations

import json

import pytest

from rackcad.export import export_bom
from rackcad.export.bom import BOM_FORMAT, bom


def quantities(design) -> dict[str, int]:
    return {row.part: row.quantity for row in bom(design).rows}


def test_gb200_nvl72_hand_count(built):
    b = bom(built("gb200-nvl72"))
    q = {row.part: row.quantity for row in b.rows}
    # S1: 18 compute trays of 2 Grace + 4 GPUs (+ 4 ConnectX-7, 2 BlueField-3), 9 switch trays of 2 chips,
    # 8 power shelves, 2 management switches, one rack.
    assert q == {
        "mgx-nvl72-rack": 1, "gb200-compute-tray": 18, "nvlink5-switch-tray": 9, "b200-gb200": 72, "grace": 36,
        "nvlink5-switch": 18, "connectx-7": 72, "bluefield-3": 36, "mgmt-switch-sn2201": 2, "power-shelf-33kw": 8,
        "spine:nvlink5": 72 * 18,
    }
    assert b.by_kind("gpu") == 72 and b.by_kind("cpu") == 36 and b.by_kind("switch") == 18
    spine = next(r for r in b.rows if r.part == "spine:nvlink5")
    assert spine.unit == "link" and spine.kind == "backplane" and "5,184 copper pairs" in spine.note
    assert "S14, S16" in spine.note
    # The spine is in the rack, the C2C links on the board: nothing to buy for the links.
    assert b.totals["links_by_class"] == {"backplane": 1296, "none": 72}
    assert b.totals["transceivers"] == 0 and b.totals["cables"] == 0
    assert b.totals["power_w"] == 125_300  # the summary's figure (tests/templates: 72 x 1,200 W + ...)
    gpu = next(r for r in b.rows if r.part == "b200-gb200")
    assert (gpu.power_w, gpu.power_total_w, gpu.power_source, gpu.power_confidence) == (
        1200, 72 * 1200, "S23, S16", "verified-secondary")
    rack = next(r for r in b.rows if r.part == "mgx-nvl72-rack")
    assert rack.weight_kg == 1360 and rack.weight_total_kg == 1360 and rack.weight_source == "S50, S56"


def test_gb200_nvl576_optics_hand_count(built):
    """8 compute racks + 4 spine racks. Per rack 18 + 9 extra switch trays (36 first-tier chips); the second
    tier is 18 planes x 8 chips = 144 chips in 72 trays. Each plane joins its 16 first-tier chips to its 8
    second-tier chips with 4 or 5 links per pair, (i + j) % 8 < 4 taking 5: 18 x 128 = 2,304 optical link
    records, 1,152 of 5 links and 1,152 of 4 (10,368 links). Four NVLink 5 links (4 x 400 Gb/s) fill one
    1.6T module, and the links of one chip share its modules: a first-tier chip's 36 links take 9, a
    second-tier chip's 72 take 18: 288 x 9 + 144 x 18 = 5,184 transceivers (20,736 ends / 4). Fibres per
    record, one per module it alone would fill: 1,152 x 1 + 1,152 x 2 = 3,456."""
    b = bom(built("gb200-nvl576"))
    q = {row.part: row.quantity for row in b.rows}
    assert q["mgx-nvl72-rack"] == 12
    assert q["b200-gb200"] == 576 and q["grace"] == 288 and q["gb200-compute-tray"] == 144
    assert q["nvlink5-switch-tray"] == 8 * 18 + 72 and q["nvlink5-switch"] == 8 * 36 + 144
    assert q["power-shelf-33kw"] == 8 * 8 + 4 * 2 and q["mgmt-switch-sn2201"] == 8 * 2
    assert q["spine:nvlink5"] == 576 * 18 == 10_368  # GPU to first tier, in each rack's copper spine
    assert q["osfp-1600g"] == 288 * 9 + 144 * 18 == 5184
    assert q["fiber-sm-mpo"] == 1152 + 1152 * 2 == 3456
    assert "osfp-400g" not in q and "osfp-800g-twin" not in q and "dac-800g" not in q
    assert b.totals["links_by_class"] == {"backplane": 10_368, "none": 576, "optics": 10_368}
    assert b.totals["power_cables_optics_w"] == 5184 * 25
    fibre = next(r for r in b.rows if r.part == "fiber-sm-mpo")
    assert fibre.length_total_m > 3456 * 4  # every run leaves one rack and climbs into another: > 4 m each


@pytest.mark.parametrize("name, expected, links", [
    # S13: 8 H100, 4 NVSwitch chips, 18 NVLink 4 links per GPU on the baseboard (5/4/4/5): 144, no cable.
    ("hgx-h100-8gpu", {"rack-42u-air": 1, "dgx-h100": 1, "h100-sxm": 8, "nvswitch-gen3": 4, "x86-host-cpu": 2,
                       "connectx-7": 8}, {"none": 144}),
    ("hgx-b200-8gpu", {"rack-42u-air": 1, "dgx-b200": 1, "b200-hgx": 8, "nvlink5-switch": 2, "x86-host-cpu": 2,
                       "connectx-7": 8}, {"none": 144}),
    # 4 GPUs, 6 pairs x 6 links on the sled.
    ("mesh-4gpu", {"rack-42u-air": 1, "custom-compute-sled": 1, "b200-hgx": 4, "x86-host-cpu": 1}, {"none": 36}),
    ("gb300-nvl72", {"mgx-nvl72-rack": 1, "gb300-compute-tray": 18, "nvlink5-switch-tray": 9, "b300-gb300": 72,
                     "grace": 36, "nvlink5-switch": 18, "connectx-8": 72, "mgmt-switch-sn2201": 2,
                     "power-shelf-33kw": 8, "spine:nvlink5": 1296}, {"backplane": 1296, "none": 72}),
    # S14: 72 Rubin packages, 36 Vera, 9 trays of 4 NVLink 6 chips, 36 links per GPU = 2,592 spine links.
    ("vr-nvl144", {"mgx-nvl72-rack": 1, "vr-compute-tray": 18, "nvlink6-switch-tray": 9, "rubin": 72, "vera": 36,
                   "nvlink6-switch": 36, "connectx-9": 144, "mgmt-switch-sn2201": 2, "power-shelf-110kw": 4,
                   "spine:nvlink6": 72 * 36}, {"backplane": 2592, "none": 72}),
    # S17: 4 pods x 18 blades (2 Rubin Ultra + 1 Vera + 4 CX-9) + 3 switch blades of 6 chips; the
    # 144 x 72 = 10,368 NVLink 7 links and 144 C2C links run on the midplane and blade PCBs: no cable.
    ("kyber-nvl576", {"kyber-rack": 1, "kyber-pod": 4, "rubin-ultra-blade": 72, "kyber-switch-blade": 12,
                      "rubin-ultra": 144, "vera": 72, "nvlink7-switch": 72, "connectx-9": 288},
     {"none": 10_368 + 144}),
    # 18 sleds of 2 custom CPUs + 4 XPUs (PCIe 6 to the host on the sled), NVLink 5 spine as NVL72.
    ("fusion-xpu", {"mgx-nvl72-rack": 1, "custom-compute-sled": 18, "nvlink5-switch-tray": 9, "custom-xpu-fusion": 72,
                    "custom-cpu-c2c": 36, "nvlink5-switch": 18, "connectx-8": 72, "mgmt-switch-sn2201": 2,
                    "power-shelf-33kw": 8, "spine:nvlink5": 1296}, {"backplane": 1296, "none": 72}),
])
def test_other_templates_hand_counts(built, name, expected, links):
    b = bom(built(name))
    assert {row.part: row.quantity for row in b.rows} == expected
    assert b.totals["links_by_class"] == links
    assert b.totals["transceivers"] == 0


def test_rows_ordered_and_totals_add_up(built):
    b = bom(built("gb200-nvl576"))
    kinds = [r.kind for r in b.rows]
    assert kinds[0] == "rack" and kinds[-1] == "backplane" and kinds.index("optic") > kinds.index("gpu")
    assert b.totals["power_w"] == pytest.approx(sum(r.power_total_w or 0 for r in b.rows))
    assert b.totals["items"] == sum(r.quantity for r in b.rows if r.unit == "ea")


def test_power_override_counted_and_noted(built):
    design = built("hgx-h100-8gpu").model_copy(deep=True)
    gpu = next(n for n in design.nodes if n.part == "h100-sxm")
    gpu.overrides["power_w"] = 500.0
    row = next(r for r in bom(design).rows if r.part == "h100-sxm")
    assert row.power_w == 700 and row.power_total_w == 7 * 700 + 500
    assert row.note == "power overridden on 1 of 8"


def test_unknown_part_kept(built):
    design = built("mesh-4gpu").model_copy(deep=True)
    design.nodes[-1].part = "no-such-part"
    row = next(r for r in bom(design).rows if r.part == "no-such-part")
    assert row.kind == "unknown" and row.quantity == 1 and "not in the catalog" in row.note


def test_json_bom_is_structured(built, tmp_path):
    path = tmp_path / "bom.json"
    export_bom(built("gb200-nvl72"), path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format"] == BOM_FORMAT and data["version"] == 1 and data["design"] == "GB200 NVL72"
    assert {r["part"]: r["quantity"] for r in data["rows"]}["b200-gb200"] == 72
    assert data["totals"]["spine_links"] == 1296 and data["totals"]["power_w"] == 125_300
