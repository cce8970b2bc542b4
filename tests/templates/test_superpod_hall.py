"""The SuperPOD templates as a hall: compute racks are instances of one rack block, the fabric's links
wiring patterns, so a 128-SU file stays small; built that way they give exactly what the flat design gives.

Hand counts for 128 GB200 SUs (1,024 NVL72 racks, 73,728 GPUs, one 400G ConnectX-7 per GPU on 4 rails):
- Quantum-2 QM9700 (64 x 400G) at 1:1: a leaf gives 32 down / 32 up, a spine 32 / 32, a core 64 pods: a 3-tier
  fat tree reaches 64 x 32 x 32 = 65,536 NIC ports (64^3 / 4) < 73,728: the plan fails and says so.
- Quantum-X800 Q3400 (144 x 800G; the 400G NICs run at 400G on its ports), with breakout (the default):
  each 800G leaf port splits 2 x 400G, floor(144 x 800 / (2 x 400 + 800)) = 72 ports down (144 NICs) and
  144 x 400 / 800 = 72 up. Leaves: 18,432 NIC ports per rail / 144 = 128 per rail (one per rail per SU),
  512 in all, 36,864 uplinks; two tiers would need 36,864 / 144 = 256 spines > 72: three tiers. A spine
  gives 72 down / 72 up: pods = ceil(512 / 72) = 8 of 64 leaves (16 SUs each), 64 x 72 / 72 = 64 spines a
  pod, 512 spines, each 72 down; 64 core planes of 8 spines x 72 uplinks / 144 = 4 cores: 256 cores.
  512 + 512 + 256 = 1,280 switches.
- The same on whole ports (breakout=false): a leaf gives floor(144 x 800 / (400 + 800)) = 96 down at 400G
  and 96 x 400 / 800 = 48 up at 800G.
  Leaves: 18,432 NIC ports per rail / 96 = 192 per rail, 768 in all, 36,864 uplinks.
  Two tiers would need 36,864 / 144 = 256 spines > 48 uplinks a leaf: three tiers. A spine gives 72 down /
  72 up; pods = ceil(768 / 72) = 11 of ceil(768 / 11) = 70 leaves (the last 68).
  Spines: a pod of 70 leaves has 3,360 uplinks / 72 = 46.7 -> 47 spines; the last pod 3,264 / 72 = 45.3 -> 46:
  10 x 47 + 46 = 516 spines.
  Cores: uplinks dealt round-robin, so in each full pod 3,360 = 47 x 71 + 23 (23 spines with 72 links, 24 with
  71), in the last 3,264 = 46 x 70 + 44 (44 with 71, 2 with 70). Core plane j joins spine j of every pod:
  j < 23: 10 x 72 + 71 = 791, 23 <= j < 44: 10 x 71 + 71 = 781, j = 44, 45: 710 + 70 = 780, each
  ceil(/ 144) = 6 cores; j = 46 (no spine in the last pod): 10 x 71 = 710 -> 5 cores: 46 x 6 + 5 = 281 cores.
  768 + 516 + 281 = 1,565 switches; core ports 281 x 144 = 40,464 >= the 36,864 spine uplinks.
"""

from __future__ import annotations

import json

import pytest

from rackcad import templates
from rackcad.catalog import default_catalog
from rackcad.cli.main import main
from rackcad.fabric import Endpoint, FabricError, plan_fat_tree
from rackcad.files import save
from rackcad.model import expanded
from rackcad.templates import TemplateError
from rackcad.templates.superpod import fabric_switch


def _gb200_nics(sus: int) -> list[Endpoint]:
    trays = 8 * 18 * sus  # 8 NVL72 racks per SU, 18 compute trays each, 4 ConnectX-7 per tray (rails 0-3)
    return [Endpoint(f"T{t}/N{k}", "connectx-7", "net", k, t) for t in range(trays) for k in range(4)]


def test_128_sus_on_q3400_by_hand():
    plan = plan_fat_tree(_gb200_nics(128), default_catalog(), leaf="quantum-x800-q3400")
    assert len(plan.endpoint_links) == 73_728 and plan.split == 2
    assert plan.switches == {"leaf": 512, "spine": 512, "core": 256}
    assert sum(n for ((low, _), _), n in plan.switch_links.items() if low == "leaf") == 512 * 72
    assert sum(n for ((low, _), _), n in plan.switch_links.items() if low == "spine") == 512 * 72
    plan = plan_fat_tree(_gb200_nics(128), default_catalog(), leaf="quantum-x800-q3400", breakout=False)
    assert plan.switches == {"leaf": 768, "spine": 516, "core": 281}
    assert sum(n for ((low, _), _), n in plan.switch_links.items() if low == "leaf") == 768 * 48
    assert sum(n for ((low, _), _), n in plan.switch_links.items() if low == "spine") == 768 * 48


def test_128_sus_exceed_a_qm9700_fat_tree_and_the_plan_says_so():
    with pytest.raises(FabricError, match="73,728 NIC ports exceed the 65,536 a 3-tier fat tree of quantum-2-qm9700"):
        plan_fat_tree(_gb200_nics(128), default_catalog(), leaf="quantum-2-qm9700")
    # at 2:1 a QM9700 leaf gives floor(2 x 64 x 400 / 1,200) = 42 down: 64 x 32 x 42 = 86,016 ports
    plan = plan_fat_tree(_gb200_nics(128), default_catalog(), leaf="quantum-2-qm9700", oversubscription=2)
    assert plan.switches["leaf"] == 4 * 439  # ceil(18,432 / 42) per rail


def test_the_default_switch_is_the_smallest_that_reaches_every_port():
    catalog = default_catalog()
    assert fabric_switch(catalog, "auto", "pluggable", _gb200_nics(16), 1.0) == "quantum-2-qm9700"
    assert fabric_switch(catalog, "auto", "pluggable", _gb200_nics(128), 1.0) == "quantum-x800-q3400"
    assert fabric_switch(catalog, "auto", "pluggable", _gb200_nics(128), 2.0) == "quantum-2-qm9700"
    assert fabric_switch(catalog, "auto", "cpo", _gb200_nics(128), 1.0) == "quantum-x-photonics-q3450"
    with pytest.raises(TemplateError) as err:
        fabric_switch(catalog, "quantum-2-qm9700", "pluggable", _gb200_nics(128), 1.0)
    assert str(err.value) == (
        "73,728 NIC ports exceed the 65,536 a 3-tier fat tree of quantum-2-qm9700 reaches at 1:1; choose "
        "switch=quantum-x800-q3400 (1,492,992) or switch=quantum-x-photonics-q3450 (1,492,992) or "
        "oversubscription=2 (86,016)")


def test_a_switch_too_small_is_one_line_exit_2(tmp_path, capsys):
    out = tmp_path / "hall.rackcad"
    code = main(["new", "--template", "gb200-superpod", "--set", "sus=128", "--set", "switch=quantum-2-qm9700",
                 "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 2 and not out.exists() and len(err.strip().splitlines()) == 1 and "65,536" in err


def test_compute_racks_are_instances_of_one_block_and_the_fabric_patterns():
    design = templates.build("gb200-superpod", sus=2)
    assert len(design.blocks) == 1 and len(design.instances) == 16
    assert [i.name for i in design.instances[:9]] == [f"SU1-R{r}" for r in range(1, 9)] + ["SU2-R1"]
    assert all(i.plain for i in design.instances)
    # own parts: the fabric's 36 leaves and 18 spines and a patch panel in each of the 5 network racks
    assert {n.part for n in design.nodes} == {"quantum-2-qm9700", "patch-panel-mpo"} and len(design.nodes) == 59
    assert not design.links
    nic_rows = [p for p in design.patterns if p.name.startswith("IB SU")]
    assert [(p.name, len(p.ends)) for p in nic_rows] == [("IB SU1", 576), ("IB SU2", 576)]
    uplinks = [p for p in design.patterns if p.name.startswith("compute leaf-spine")]
    assert sum(len(p.ends) * p.count for p in uplinks) == 36 * 32
    racks = {r.name: r for r in expanded(design).racks}
    assert racks["SU2-R1"].position.row == design.floor.rows[1].id and racks["SU2-R1"].position.slot == 0


DESIGNS = [
    ("gb200-superpod", {}),
    ("gb200-superpod", {"sus": 2}),
    ("gb200-superpod", {"sus": 2, "optics": "cpo", "network": "middle"}),
    ("gb200-superpod", {"storage": True}),
    ("gb200-superpod", {"switch": "quantum-x800-q3400"}),
    ("dgx-b200-superpod", {"sus": 2, "storage": True}),
]


def _cli_json(command: str, path, capsys) -> dict:
    main([command, str(path), "--format", "json"])
    out = json.loads(capsys.readouterr().out)
    out.pop("file", None)
    return out


@pytest.mark.parametrize("name, params", DESIGNS)
def test_built_as_instances_gives_what_the_flat_design_gives(name, params, tmp_path, capsys):
    design = templates.build(name, **params)
    hall, flat = tmp_path / "hall.rackcad", tmp_path / "flat.rackcad"
    save(design, hall)
    save(expanded(design), flat)
    assert hall.stat().st_size < flat.stat().st_size
    for command in ("info", "validate"):
        assert _cli_json(command, hall, capsys) == _cli_json(command, flat, capsys)
    report = _cli_json("validate", hall, capsys)
    assert report["counts"]["error"] == 0 and report["counts"]["warning"] == 0


def test_an_odd_number_of_sus_still_reaches_every_spine():
    """7 SUs on QM9700: 1,008 NIC ports per rail / 32 = 31.5 -> 32 leaves per rail of 31 or 32 ports; a pod of
    32 leaves has 1,008 uplinks / 32 = 31.5 -> 32 spines, more than a 31-port leaf's 31 uplinks: those leaves
    take a 32nd uplink (33 ports free), so every leaf reaches all 32 spines of its pod (the plan used to fail
    here). 4 pods x 32 spines = 128; 32 core planes of 4 spines x 32 uplinks / 64 = 2 cores: 64."""
    plan = plan_fat_tree(_gb200_nics(7), default_catalog(), leaf="quantum-2-qm9700")
    assert plan.switches == {"leaf": 128, "spine": 128, "core": 64}
    down = {li: 0 for li in range(128)}
    for _, li in plan.endpoint_links:
        down[li] += 1
    up = {li: 0 for li in range(128)}
    spines = {li: set() for li in range(128)}
    for ((low, i), (_, j)), n in plan.switch_links.items():
        if low == "leaf":
            up[i] += n
            spines[i].add(j)
    assert set(down.values()) == {31, 32} and set(up.values()) == {32} and {len(s) for s in spines.values()} == {32}
