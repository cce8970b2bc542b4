"""The packaged parts catalog: every file loads, every figure is sourced, hand-checked figures hold, and user
catalog folders override packaged parts."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from rackcad.catalog import ACCELERATOR_KINDS, Catalog, CatalogError, PartSpec

ROOT = Path(__file__).resolve().parents[2]
PACKAGED = ROOT / "rackcad" / "assets" / "catalog"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog([PACKAGED])


def source_keys(source: str) -> list[str]:
    return [k.strip() for k in re.split(r"[,;]", source) if k.strip()]


def all_provenance(part: PartSpec):
    """(label, source, confidence, note) of every figure and port group of a part."""
    for name, fig in part.figures().items():
        yield f"{part.id}.{name}", fig.source, fig.confidence, fig.note
    for group in part.ports:
        yield f"{part.id}.ports.{group.name}", group.source, group.confidence, group.note


# ---------------------------------------------------------------- loading and the id contract

# id -> (kind, mount): what the templates rely on.
CONTRACT = {
    "b200-gb200": ("gpu", "bay"), "b200-hgx": ("gpu", "bay"), "b300-gb300": ("gpu", "bay"),
    "rubin": ("gpu", "bay"), "rubin-ultra": ("gpu", "bay"), "h100-sxm": ("gpu", "bay"),
    "h200-sxm": ("gpu", "bay"), "mi300x": ("gpu", "bay"),
    "custom-xpu-fusion": ("xpu", "bay"), "custom-xpu-ucie": ("xpu", "bay"),
    "grace": ("cpu", "bay"), "vera": ("cpu", "bay"), "custom-cpu-c2c": ("cpu", "bay"), "x86-host-cpu": ("cpu", "bay"),
    "nvlink5-switch": ("switch", "bay"), "nvlink6-switch": ("switch", "bay"), "nvlink7-switch": ("switch", "bay"),
    "nvswitch-gen3": ("switch", "bay"),
    "nvlink5-switch-tray": ("tray", "rack"), "nvlink6-switch-tray": ("tray", "rack"),
    "gb200-compute-tray": ("tray", "rack"), "gb300-compute-tray": ("tray", "rack"), "vr-compute-tray": ("tray", "rack"),
    "custom-compute-sled": ("tray", "rack"), "dgx-h100": ("tray", "rack"), "dgx-b200": ("tray", "rack"),
    "kyber-pod": ("tray", "rack"), "rubin-ultra-blade": ("tray", "bay"), "kyber-switch-blade": ("tray", "bay"),
    "connectx-7": ("nic", "bay"), "connectx-8": ("nic", "bay"), "connectx-9": ("nic", "bay"),
    "bluefield-3": ("dpu", "bay"),
    "quantum-x800-q3400": ("network-switch", "rack"), "quantum-x-photonics-q3450": ("cpo-switch", "rack"),
    "spectrum-x-photonics-sn6810": ("cpo-switch", "rack"), "spectrum-x-photonics-sn6800": ("cpo-switch", "rack"),
    "mgmt-switch-sn2201": ("mgmt-switch", "rack"),
    "osfp-400g": ("optic", "bay"), "osfp-800g-twin": ("optic", "bay"), "osfp-1600g": ("optic", "bay"),
    "dac-800g": ("cable", "bay"), "lacc-800g": ("cable", "bay"), "fiber-sm-mpo": ("cable", "bay"),
    "power-shelf-33kw": ("power-shelf", "rack"), "power-shelf-110kw": ("power-shelf", "rack"),
    "cdu-in-rack": ("cdu", "rack"), "busbar-50v": ("busbar", "side"),
    "mgx-nvl72-rack": ("rack", "floor"), "kyber-rack": ("rack", "floor"),
    "rack-42u-air": ("rack", "floor"), "rack-48u-air": ("rack", "floor"),
}

# id -> [(name, protocol, count, gbps, role)]
PORTS = {
    "b200-gb200": [("nvlink", "nvlink5", 18, 400, "scale-up"), ("c2c", "nvlink-c2c", 1, 1800, "c2c")],
    "b200-hgx": [("nvlink", "nvlink5", 18, 400, "scale-up")],
    "b300-gb300": [("nvlink", "nvlink5", 18, 400, "scale-up"), ("c2c", "nvlink-c2c", 1, 1800, "c2c")],
    "rubin": [("nvlink", "nvlink6", 36, 400, "scale-up"), ("c2c", "nvlink-c2c", 1, 3600, "c2c")],
    "rubin-ultra": [("nvlink", "nvlink7", 72, 400, "scale-up"), ("c2c", "nvlink-c2c", 1, 3600, "c2c")],
    "h100-sxm": [("nvlink", "nvlink4", 18, 200, "scale-up")],
    "h200-sxm": [("nvlink", "nvlink4", 18, 200, "scale-up")],
    "mi300x": [("xgmi", "infinity-fabric", 7, 512, "scale-up")],
    "custom-xpu-fusion": [("nvlink", "nvlink5", 18, 400, "scale-up"), ("host", "pcie6", 1, 1024, "host")],
    "custom-xpu-ucie": [("ucie", "ucie", 1, 8192, "die-to-die"), ("host", "pcie6", 1, 1024, "host")],
    "grace": [("c2c", "nvlink-c2c", 2, 1800, "c2c"), ("pcie", "pcie5", 4, 512, "host")],
    "vera": [("c2c", "nvlink-c2c", 2, 3600, "c2c"), ("pcie", "pcie6", 4, 1024, "host")],
    "custom-cpu-c2c": [("c2c", "nvlink-c2c", 2, 1800, "c2c"), ("pcie", "pcie6", 4, 1024, "host")],
    "x86-host-cpu": [("pcie", "pcie5", 4, 512, "host")],
    "nvlink5-switch": [("nvlink", "nvlink5", 72, 400, "scale-up")],
    "nvlink6-switch": [("nvlink", "nvlink6", 72, 400, "scale-up")],
    "nvlink7-switch": [("nvlink", "nvlink7", 144, 400, "scale-up")],
    "nvswitch-gen3": [("nvlink", "nvlink4", 64, 200, "scale-up")],
    "connectx-7": [("net", "infiniband", 1, 400, "network"), ("host", "pcie5", 1, 512, "host")],
    "connectx-8": [("net", "infiniband", 1, 800, "network"), ("host", "pcie6", 1, 1024, "host")],
    "connectx-9": [("net", "infiniband", 1, 800, "network"), ("host", "pcie6", 1, 1024, "host")],
    "bluefield-3": [("net", "ethernet", 2, 200, "network"), ("host", "pcie5", 1, 512, "host")],
    "quantum-x800-q3400": [("net", "infiniband", 144, 800, "network")],
    "quantum-x-photonics-q3450": [("net", "infiniband", 144, 800, "network")],
    "spectrum-x-photonics-sn6810": [("net", "ethernet", 128, 800, "network")],
    "spectrum-x-photonics-sn6800": [("net", "ethernet", 512, 800, "network")],
    "mgmt-switch-sn2201": [("mgmt", "ethernet", 48, 1, "mgmt"), ("uplink", "ethernet", 4, 100, "network")],
}

# id -> [(bay name, accepts, count)] in order
BAYS = {
    "nvlink5-switch-tray": [("switch", ["switch"], 2)],
    "nvlink6-switch-tray": [("switch", ["switch"], 4)],
    "gb200-compute-tray": [("cpu", ["cpu"], 2), ("gpu", ["gpu", "xpu"], 4), ("nic", ["nic"], 4), ("dpu", ["dpu"], 2)],
    "gb300-compute-tray": [("cpu", ["cpu"], 2), ("gpu", ["gpu", "xpu"], 4), ("nic", ["nic"], 4), ("dpu", ["dpu"], 2)],
    "vr-compute-tray": [("cpu", ["cpu"], 2), ("gpu", ["gpu", "xpu"], 4), ("nic", ["nic"], 8)],
    "custom-compute-sled": [("cpu", ["cpu"], 2), ("accel", ["gpu", "xpu"], 4), ("nic", ["nic", "dpu"], 4)],
    "dgx-h100": [("gpu", ["gpu"], 8), ("switch", ["switch"], 4), ("cpu", ["cpu"], 2), ("nic", ["nic"], 8)],
    "dgx-b200": [("gpu", ["gpu"], 8), ("switch", ["switch"], 2), ("cpu", ["cpu"], 2), ("nic", ["nic"], 8),
                 ("dpu", ["dpu"], 2)],  # 2 x dual-port BlueField-3 (F13)
    "kyber-pod": [("blade", ["tray"], 18), ("switch-blade", ["tray"], 3)],
    "rubin-ultra-blade": [("gpu", ["gpu"], 2), ("cpu", ["cpu"], 1), ("nic", ["nic"], 4)],
    "kyber-switch-blade": [("switch", ["switch"], 6)],
}


def test_every_file_loads_and_is_named_after_its_id(catalog):
    files = sorted(p for p in PACKAGED.glob("*.yaml") if p.name != "sources.yaml")
    assert len(files) == len(catalog) >= len(CONTRACT)
    for path in files:
        assert catalog.origin[path.stem] == path, f"{path.name} must hold part id {path.stem!r}"


def test_contract_ids_kinds_and_mounts(catalog):
    for part_id, (kind, mount) in CONTRACT.items():
        part = catalog.get(part_id)
        assert (part.kind, part.mount) == (kind, mount), part_id


def test_contract_port_groups(catalog):
    for part_id, groups in PORTS.items():
        got = [(g.name, g.protocol, g.count, g.gbps, g.role) for g in catalog.get(part_id).ports]
        assert got == groups, part_id


def test_contract_bays(catalog):
    for part_id, bays in BAYS.items():
        got = [(b.name, b.accepts, b.count) for b in catalog.get(part_id).bays]
        assert got == bays, part_id


def test_every_baymounted_chip_fits_some_tray(catalog):
    accepted = {kind for tray in catalog.by_kind("tray") for b in tray.bays for kind in b.accepts}
    for part in catalog:
        if part.mount == "bay" and part.kind in {"gpu", "xpu", "cpu", "switch", "nic", "dpu", "tray"}:
            assert part.kind in accepted, part.id


# ---------------------------------------------------------------- provenance

def test_sources_cover_s1_to_s56_f1_to_f26_and_est(catalog):
    expected = {f"S{i}" for i in range(1, 57)} | {f"F{i}" for i in range(1, 27)} | {"EST"}
    assert expected <= set(catalog.sources)
    assert all(re.fullmatch(r"S\d+|F\d+|EST", key) for key in catalog.sources)
    for key, src in catalog.sources.items():
        assert src.title, key
        if key != "EST":
            assert src.kind in ("primary", "secondary", "mixed"), key
    assert catalog.sources["EST"].kind == "derived"


def test_every_figure_source_key_exists(catalog):
    for part in catalog:
        for label, source, _, _ in all_provenance(part):
            keys = source_keys(source)
            assert keys, f"{label}: empty source"
            assert keys[0] in catalog.sources, f"{label}: unknown source key {keys[0]!r}"
            assert catalog.source(source) is not None, label
            for key in keys:
                assert key in catalog.sources, f"{label}: unknown source key {key!r}"


def test_no_verified_figure_rests_on_an_estimate(catalog):
    for part in catalog:
        for label, source, confidence, _ in all_provenance(part):
            keys = source_keys(source)
            if confidence.startswith("verified"):
                assert "EST" not in keys, f"{label}: {confidence} but sourced EST"
            if confidence == "estimate":
                assert keys[0] == "EST", f"{label}: estimates are sourced 'EST' first"
            elif "EST" in keys:
                pytest.fail(f"{label}: source EST but confidence {confidence}")


def test_derived_and_estimated_figures_explain_themselves(catalog):
    for part in catalog:
        for label, _, confidence, note in all_provenance(part):
            if confidence in ("derived", "estimate"):
                assert len(note) > 15, f"{label}: {confidence} figure needs a note with the formula or method"


def test_every_part_has_power_or_is_passive(catalog):
    powerless = {"busbar", "power-shelf", "rack"}
    for part in catalog:
        if part.kind not in powerless:
            assert part.power_max_w is not None or part.power_typical_w is not None, part.id


# ---------------------------------------------------------------- hand-checked figures

def test_b200_gb200_scale_up_is_900_gbytes_per_direction(catalog):
    part = catalog.get("b200-gb200")
    nvlink = part.port("nvlink")
    assert (nvlink.count, nvlink.gbps) == (18, 400)
    assert part.scale_up_gbps == 7200  # Gb/s per direction = 900 GB/s = half of S9's 1.8 TB/s bidir
    assert part.scale_up_gbps / 8 * 2 == 1800  # GB/s bidirectional (S9)
    assert nvlink.source.startswith("S9") and nvlink.confidence == "verified-primary"
    assert part.power_w == 1200


def test_scale_up_per_generation(catalog):
    assert catalog.get("h100-sxm").scale_up_gbps == 3600  # NVLink 4: 900 GB/s bidir
    assert catalog.get("rubin").scale_up_gbps == 14400  # NVLink 6: 3.6 TB/s bidir
    assert catalog.get("b300-gb300").scale_up_gbps == 7200
    assert catalog.get("custom-xpu-fusion").scale_up_gbps == 7200  # Fusion: 1.8 TB/s bidir (S39)
    assert catalog.get("custom-xpu-ucie").scale_up_gbps == 0  # no NVLink without the Fusion chiplet
    assert catalog.get("custom-xpu-fusion").nvlink_via == "fusion-chiplet"
    assert catalog.get("custom-xpu-ucie").nvlink_via is None


def test_nvlink5_switch_tray_has_144_ports_when_filled(catalog):
    tray = catalog.get("nvlink5-switch-tray")
    switch_bays = [b for b in tray.bays if "switch" in b.accepts]
    assert sum(b.count for b in switch_bays) == 2
    chip = catalog.get("nvlink5-switch").port("nvlink")
    assert 2 * chip.count == 144  # S9: 144 NVLink ports per tray
    assert 2 * chip.count * chip.gbps / 8 * 2 / 1000 == 14.4  # TB/s bidirectional (S9)


@pytest.mark.parametrize(
    "gpu, per_rack, switch, switches",
    [("b200-gb200", 72, "nvlink5-switch", 18), ("rubin", 72, "nvlink6-switch", 36),
     ("rubin-ultra", 144, "nvlink7-switch", 72), ("h100-sxm", 8, "nvswitch-gen3", 4)],
)
def test_gpu_links_match_switch_ports(catalog, gpu, per_rack, switch, switches):
    gpu_links = per_rack * catalog.get(gpu).port("nvlink").count
    switch_ports = switches * catalog.get(switch).port("nvlink").count
    assert gpu_links <= switch_ports
    if gpu != "h100-sxm":  # HGX H100 leaves 256 - 144 switch ports for the (unused) external NVLink
        assert gpu_links == switch_ports


def test_power_and_optics_figures(catalog):
    shelf = catalog.get("power-shelf-33kw")
    assert shelf.output_w.value == 33000 and shelf.output_w.confidence == "verified-primary"
    twin = catalog.get("osfp-800g-twin")
    assert twin.power_max_w.value == 17 and twin.power_typical_w.value == 16
    assert twin.power_max_w.confidence == "verified-primary"
    assert catalog.get("osfp-400g").power_max_w.value == 9
    assert catalog.get("cdu-in-rack").flow_lpm.value == 1.5 * catalog.get("cdu-in-rack").capacity_w.value / 1000
    rack = catalog.get("mgx-nvl72-rack")
    assert (rack.rack_units, rack.width_mm, rack.depth_mm, rack.height_mm) == (48, 600, 1068, 2236)
    assert rack.power_budget_w.value == 150000


def _filled_power(catalog: Catalog, tray: str, fill: dict[str, int]) -> float:
    return catalog.get(tray).power_w + sum(catalog.get(p).power_w * n for p, n in fill.items())


def test_gb200_nvl72_rack_power_is_in_the_sourced_range(catalog):
    compute = _filled_power(catalog, "gb200-compute-tray",
                            {"grace": 2, "b200-gb200": 4, "connectx-7": 4, "bluefield-3": 2})
    switch = _filled_power(catalog, "nvlink5-switch-tray", {"nvlink5-switch": 2})
    rack = 18 * compute + 9 * switch + 2 * catalog.get("mgmt-switch-sn2201").power_w
    assert 120_000 <= rack <= 135_000  # S16/S17: ~120 kW nominal, 125-135 kW operating
    assert 3_000 <= 9 * switch <= 4_000  # S50: ~3.6 kW for the 9 switch trays
    # Grace's derived power: GB200 superchip ~2,700 W (S54, S16)
    assert catalog.get("grace").power_w + 2 * catalog.get("b200-gb200").power_w == 2700


def test_gb300_and_vera_rubin_rack_power_is_in_the_sourced_range(catalog):
    gb300 = 18 * _filled_power(catalog, "gb300-compute-tray",
                               {"grace": 2, "b300-gb300": 4, "connectx-8": 4, "bluefield-3": 2})
    gb300 += 9 * _filled_power(catalog, "nvlink5-switch-tray", {"nvlink5-switch": 2})
    assert gb300 <= 142_000  # S8: up to 142 kW
    vr = 18 * _filled_power(catalog, "vr-compute-tray", {"vera": 2, "rubin": 4, "connectx-9": 8})
    vr += 9 * _filled_power(catalog, "nvlink6-switch-tray", {"nvlink6-switch": 4})
    assert 180_000 <= vr <= 230_000  # S22
    blade = _filled_power(catalog, "rubin-ultra-blade", {"rubin-ultra": 2, "vera": 1, "connectx-9": 4})
    sw_blade = _filled_power(catalog, "kyber-switch-blade", {"nvlink7-switch": 6})
    kyber = 4 * (catalog.get("kyber-pod").power_w + 18 * blade + 3 * sw_blade)
    assert 540_000 <= kyber <= 660_000  # S17: ~600 kW


def test_accelerators_have_memory_and_liquid_share(catalog):
    for part in catalog:
        if part.kind in ACCELERATOR_KINDS:
            assert part.memory_gb is not None, part.id
            assert part.liquid_share is not None and 0 <= part.liquid_share.value <= 1, part.id
            assert part.packages == 1, part.id


# ---------------------------------------------------------------- user folders and errors

def test_user_folder_overrides_and_adds_parts(tmp_path):
    data = yaml.safe_load((PACKAGED / "b200-gb200.yaml").read_text(encoding="utf-8"))
    data["power_max_w"] = {"value": 1100, "source": "EST", "confidence": "estimate", "note": "site power cap"}
    (tmp_path / "b200-gb200.yaml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    (tmp_path / "my-xpu.yaml").write_text(
        "id: my-xpu\nkind: xpu\nvendor: Me\nmodel: My XPU\nstatus: generic\nmount: bay\n"
        "power_max_w: {value: 900, source: EST, confidence: estimate, note: my own guess}\n"
        "ports:\n- {name: nvlink, protocol: nvlink5, count: 18, gbps: 400, role: scale-up,"
        " source: S39, confidence: verified-secondary}\n",
        encoding="utf-8",
    )
    packaged = Catalog([PACKAGED])
    merged = Catalog([PACKAGED, tmp_path])
    assert merged.get("b200-gb200").power_w == 1100
    assert merged.origin["b200-gb200"] == tmp_path / "b200-gb200.yaml"
    assert packaged.get("b200-gb200").power_w == 1200
    assert merged.get("my-xpu").scale_up_gbps == 7200
    assert "my-xpu" not in packaged
    assert len(merged) == len(packaged) + 1
    assert merged.get("grace").power_w == packaged.get("grace").power_w
    assert merged.sources.keys() == packaged.sources.keys()  # the user folder has no sources.yaml


def test_broken_yaml_names_file_and_line(tmp_path):
    shutil.copy(PACKAGED / "grace.yaml", tmp_path / "grace.yaml")
    bad = tmp_path / "broken-part.yaml"
    bad.write_text("id: broken-part\nkind: gpu\nports:\n  - name: nvlink\n   protocol: [nvlink5\n", encoding="utf-8")
    catalog = Catalog([tmp_path])  # the bad file is reported and skipped, the good one loads
    assert len(catalog) == 1
    (error,) = catalog.errors
    assert isinstance(error, CatalogError)
    message = str(error)
    assert "broken-part.yaml" in message
    assert re.search(r"line \d+", message), message


def test_schema_error_names_file_and_field(tmp_path):
    (tmp_path / "typo.yaml").write_text(
        "id: typo\nkind: gpu\nvendor: X\nmodel: Y\nmount: bay\n"
        "power_max_w: {value: 700, source: EST, confidence: guessed}\n",
        encoding="utf-8",
    )
    catalog = Catalog([tmp_path])
    (error,) = catalog.errors
    assert len(catalog) == 0 and "typo.yaml" in str(error) and "power_max_w" in str(error)
