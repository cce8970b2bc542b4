"""Fat-tree plans and builds: switch counts per tier worked out by hand from the radix, rails, undo."""

from __future__ import annotations

import math

import pytest

from rackcad import Document, templates
from rackcad.model import expanded
from rackcad.catalog import default_catalog
from rackcad.fabric import Endpoint, FabricError, plan_fat_tree


def nics(trays: int, rails: int, part: str = "connectx-7") -> list[Endpoint]:
    return [Endpoint(f"N{t}-{r}", part, "net", r, t) for t in range(trays) for r in range(rails)]


def test_leaf_split_from_the_radix():
    cat = default_catalog()
    # QM9700, 64 x 400G, 1:1: 32 ports down, 32 up.
    plan = plan_fat_tree(nics(32, 1), cat, leaf="quantum-2-qm9700")
    assert plan.switches == {"leaf": 1, "spine": 1}
    assert sum(n for ((lo, _), _), n in plan.switch_links.items() if lo == "leaf") == 32
    # Q3450, 144 x 800G, with 400G NICs at 1:1 bandwidth: d x 400 = (144 - d) x 800 -> 96 down, 48 up.
    plan = plan_fat_tree(nics(96, 1), cat, leaf="quantum-x-photonics-q3450")
    assert len(plan.endpoint_links) == 96 and plan.switches["leaf"] == 1
    assert sum(plan.switch_links.values()) == 48


def test_oversubscription_halves_the_uplinks():
    # 2:1 on QM9700: d = floor(2 x 64 x 400 / (400 + 2 x 400)) = 42 down, ceil(42 x 400 / (2 x 400)) = 21 up.
    plan = plan_fat_tree(nics(42, 1), default_catalog(), leaf="quantum-2-qm9700", oversubscription=2)
    assert plan.switches["leaf"] == 1 and sum(plan.switch_links.values()) == 21


@pytest.mark.parametrize("sus, leaf, spine, core", [
    # F13 (DGX SuperPOD B200 RA): 32 DGX B200 x 8 rails per SU on QM9700.
    (2, 16, 8, 0), (4, 32, 16, 0), (8, 64, 32, 0), (16, 128, 128, 64),
])
def test_b200_superpod_counts_are_the_reference_architecture_table(sus, leaf, spine, core):
    plan = plan_fat_tree(nics(32 * sus, 8), default_catalog(), leaf="quantum-2-qm9700")
    assert plan.switches == {"leaf": leaf, "spine": spine, **({"core": core} if core else {})}
    # node-leaf, leaf-spine (and spine-core) cables = GPU count each (F13)
    gpus = 256 * sus
    assert len(plan.endpoint_links) == gpus
    by_tier = {}
    for ((lo, _), _), n in plan.switch_links.items():
        by_tier[lo] = by_tier.get(lo, 0) + n
    assert by_tier == {"leaf": gpus, **({"spine": gpus} if core else {})}


def test_gb200_16_sus_needs_three_tiers_on_ndr_and_two_on_cpo():
    cat = default_catalog()
    endpoints = nics(16 * 144, 4)  # 9,216 GPUs, one 400G NIC each, 4 rails
    ndr = plan_fat_tree(endpoints, cat, leaf="quantum-2-qm9700")
    # 2,304 per rail / 32 = 72 leaves per rail = 288 > 64 ports: pods of 32 leaves (9), 32 spines per pod,
    # 32 core planes of ceil(9 x 32 / 64) = 5 cores.
    assert ndr.switches == {"leaf": 288, "spine": 288, "core": 160}
    cpo = plan_fat_tree(endpoints, cat, leaf="quantum-x-photonics-q3450", breakout=False)
    # whole ports: 2,304 / 96 = 24 leaves per rail, 96 x 48 uplinks / 144 = 32 spines <= 48: two tiers.
    assert cpo.switches == {"leaf": 96, "spine": 32}
    split = plan_fat_tree(endpoints, cat, leaf="quantum-x-photonics-q3450")
    # each 800G port split 2 x 400G: 72 ports down carry 144 NICs: 2,304 / 144 = 16 leaves per rail,
    # 64 x 72 uplinks / 144 = 32 spines <= 72: two tiers, a third fewer leaves.
    assert (split.split, split.switches) == (2, {"leaf": 64, "spine": 32})


def test_two_tiers_refused_when_they_do_not_fit():
    with pytest.raises(FabricError, match="3 tiers"):
        plan_fat_tree(nics(16 * 144, 4), default_catalog(), leaf="quantum-2-qm9700", tiers=2)


def test_nic_and_switch_that_never_meet_are_refused():
    # ConnectX-8 runs 800G or 400G; QM9700 ports 400G or 200G: they meet at 400G. BlueField-3 (200G) on
    # Q3450 (800/400G) never does.
    cat = default_catalog()
    plan_fat_tree(nics(4, 1, "connectx-8"), cat, leaf="quantum-2-qm9700")
    with pytest.raises(FabricError, match="share no rate"):
        plan_fat_tree(nics(4, 1, "bluefield-3"), cat, leaf="quantum-x-photonics-q3450")


@pytest.fixture(scope="module")
def superpod2():
    return expanded(templates.build("gb200-superpod", sus=2))


def test_gb200_two_sus_hand_counts(superpod2):
    design = superpod2
    switches = [n for n in design.nodes if n.part == "quantum-2-qm9700"]
    # 1,152 NIC ports / 4 rails = 288 per rail / 32 = 9 leaves per rail; 36 x 32 uplinks / 64 = 18 spines.
    assert sum("LEAF" in n.name for n in switches) == 36
    assert sum("SPINE" in n.name for n in switches) == 18
    ib = [link for link in design.links if link.protocol == "infiniband"]
    nic_ids = {n.id for n in design.nodes if n.part == "connectx-7"}
    assert sum(link.count for link in ib if link.a.node in nic_ids) == 1152
    assert sum(link.count for link in ib if link.a.node not in nic_ids) == 36 * 32


def test_every_nic_lands_on_a_leaf_of_its_rail(superpod2):
    design = superpod2
    nodes = {n.id: n for n in design.nodes}
    for link in design.links:
        nic = nodes[link.a.node]
        if nic.part != "connectx-7":
            continue
        tray_nics = sorted((n for n in design.nodes if n.parent == nic.parent and n.part == "connectx-7"),
                           key=lambda n: n.bay)
        rail = tray_nics.index(nic) + 1
        assert f"-R{rail}-" in nodes[link.b.node].name


def test_network_racks_stand_in_the_rows(superpod2):
    racks = {r.name: r for r in superpod2.racks}
    su1 = [r for name, r in racks.items() if name.startswith("SU1-")]
    net1 = [r for name, r in racks.items() if name.startswith("NET1-")]
    assert len(su1) == 8 and net1 and {r.position.y_mm for r in net1} == {su1[0].position.y_mm}
    assert min(r.position.x_mm for r in net1) > max(r.position.x_mm for r in su1)  # end of row
    spine = [r for name, r in racks.items() if name.startswith("SPINE-")]
    assert spine and min(r.position.y_mm for r in spine) > su1[0].position.y_mm


def test_middle_of_row_places_network_racks_between_the_halves():
    design = expanded(templates.build("gb200-superpod", network="middle"))
    xs = {r.name: r.position.x_mm for r in design.racks}
    net = [x for name, x in xs.items() if name.startswith("NET1-")]
    assert xs["SU1-R4"] < min(net) and max(net) < xs["SU1-R5"]


def test_the_fabric_build_is_one_undo_step():
    from rackcad.fabric import NetworkRacks, build_fat_tree

    doc = Document(templates.build("gb200-nvl72"))
    before = len(doc.design.links)
    trays = [n.id for n in doc.design.nodes if n.part == "gb200-compute-tray"]
    racks = NetworkRacks(doc, lambda group, n: doc.add_rack("rack-48u-network", name=f"NET-{n + 1}"))
    fabric = build_fat_tree(doc, trays, racks, leaf="quantum-2-qm9700")
    # 72 NIC ports on 4 rails: 18 per rail -> 1 leaf each, 18 uplinks each; 72 / 64 -> 2 spines.
    assert {t: len(ids) for t, ids in fabric.switches.items()} == {"leaf": 4, "spine": 2}
    assert len(doc.design.links) == before + 72 + len(fabric.plan.switch_links)
    doc.undo()
    assert len(doc.design.links) == before and len(doc.design.racks) == 1
    assert math.isclose(len(doc.design.nodes), len(templates.build("gb200-nvl72").nodes))


def test_sixteen_sus_build_save_load_and_validate(tmp_path):
    """The one full-size test: 128 NVL72 racks, 9,216 GPUs (S6). Timings are in benchmarks/bench_fabric.py."""
    from rackcad import load, save, summary, validate

    path = tmp_path / "superpod16.rackcad"
    save(templates.build("gb200-superpod", sus=16), path)
    design = load(path)
    assert not validate(design).errors
    out = summary(design)["scale_out"]
    # 2,304 NIC ports per rail / 32 = 72 leaves per rail (288) > 64: 3 tiers, 9 pods x 32 spines,
    # 32 core planes x ceil(9 x 32 / 64) = 5 cores.
    assert out["gpus"] == 9216 and out["switches"] == {"leaf": 288, "spine": 288, "core": 160}
    assert out["bisection_gbps"] == 9216 * 400 / 2


def test_chosen_oversubscription_is_built_and_allowed():
    from rackcad import summary, validate

    design = templates.build("gb200-superpod", oversubscription=2)
    out = summary(design)["scale_out"]
    # 2:1 on QM9700: 42 down / 21 up per leaf; 144 per rail / 42 -> 4 leaves per rail (36 ports each, 18 up);
    # 16 x 18 = 288 uplinks / 64 -> 5 spines. Bisection = the leaves' uplinks / 2 = 288 x 400 / 2.
    assert out["switches"] == {"leaf": 16, "spine": 5} and out["oversubscription"]["leaf"] == 2.0
    assert out["bisection_gbps"] == 288 * 400 / 2 == out["nic_gbps"] / 4
    assert design.rules.max_oversubscription == 2 and not validate(design).errors
