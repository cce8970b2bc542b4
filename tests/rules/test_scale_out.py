"""Scale-out rules and figures on whole SuperPODs: no false alarms, rack power that includes optics, hand counts
of transceivers and optics power for pluggables against CPO."""

from __future__ import annotations

import pytest

from rackcad import Checker, Document, summary, templates, validate
from rackcad.figures import Figures
from rackcad.model import Waiver, expanded


@pytest.fixture(scope="module")
def pods():
    pods = {optics: templates.build("gb200-superpod", sus=2, optics=optics) for optics in ("pluggable", "cpo")}
    pods["cpo-whole"] = templates.build("gb200-superpod", sus=2, optics="cpo", breakout=False)
    return pods


@pytest.mark.parametrize("optics", ["pluggable", "cpo"])
def test_two_sus_validate_without_errors_or_warnings(pods, optics):
    report = validate(pods[optics])
    assert not report.errors and not report.warnings, [v.message for v in report.violations if v.severity != "info"]


def test_non_blocking_bisection_is_half_the_nic_bandwidth(pods):
    out = summary(pods["pluggable"])["scale_out"]
    # 1,152 GPUs x one 400G NIC = 460.8 Tb/s; at 1:1 the bisection is half of it.
    assert (out["gpus"], out["nic_ports"], out["nic_gbps"]) == (1152, 1152, 460_800)
    assert out["bisection_gbps"] == 230_400 and out["oversubscription"]["max"] == 1.0
    assert out["switches"] == {"leaf": 36, "spine": 18} and out["tiers"] == 2


def test_transceivers_and_power_by_hand(pods):
    plug, cpo = summary(pods["pluggable"])["optics"], summary(pods["cpo"])["optics"]
    # Pluggable: the QM9700's OSFP cages hold 2 logical ports each (F1), so every switch end takes the 800G
    # twin-port module (17 W, S29/F9) and the links of one port group share them (rackcad.figures): a leaf's
    # 32 NIC ports and 32 uplinks (to 18 spines, 1 or 2 links each) fill 64 / 2 = 32 modules, a spine's 64
    # ports 32. NIC ends: one 400G single-mode DR4 each (9 W, F9), to meet the twin's DR8.
    # 1,152 x 9 + 36 x 32 x 17 + 18 x 32 x 17 = 10,368 + 19,584 + 9,792 = 39,744 W;
    # 1,152 + 1,152 + 576 = 2,880 modules: NVIDIA's reference count for 2 SUs.
    assert (plug["transceivers"], plug["optics_power_w"]) == (2880, 39_744)
    # CPO: the NIC side keeps its 1,152 modules. Each Q3450 800G port splits 2 x 400G (breakout): 2 leaves per
    # rail of 144 NICs on 72 ports + 72 uplinks = 8 leaves, 576 uplinks on ceil(576 / 144) = 4 spines. The
    # switches' 576 + 576 + 576 = 1,728 ports are co-packaged at 9 W (S31): 10,368 + 15,552 = 25,920 W.
    assert (cpo["transceivers"], cpo["cpo_ports"], cpo["optics_power_w"]) == (1152, 1728, 25_920)
    # Whole ports (one NIC per 800G port): 12 leaves of 96 NICs + 48 uplinks, 4 spines: 1,152 + 576 + 576 =
    # 2,304 ports: 10,368 + 20,736 = 31,104 W.
    whole = summary(pods["cpo-whole"])["optics"]
    assert (whole["transceivers"], whole["cpo_ports"], whole["optics_power_w"]) == (1152, 2304, 31_104)
    assert cpo["transceivers"] * 2 <= plug["transceivers"] and cpo["optics_power_w"] < plug["optics_power_w"]
    # by tier, a leaf module shared by a down and an up link counts half in each: leaf 1,152 + 1,152 / 2,
    # spine 1,152 / 2 + 576
    assert plug["by_tier"]["leaf"]["transceivers"] == 1728 and plug["by_tier"]["spine"]["transceivers"] == 1152


def test_rack_power_the_rules_check_includes_the_optics(pods):
    for design in pods.values():
        figures = Figures(design)
        info = summary(design)
        loads = {rack.id: figures.load(rack.id) for rack in figures.design.racks}
        assert sum(load.optics_w for load in loads.values()) == pytest.approx(info["optics"]["optics_power_w"])
        by_id = {r["id"]: r["power_w"] for r in info["per_rack"]}
        assert all(by_id[rack] == pytest.approx(load.power_w) for rack, load in loads.items())


def test_a_network_rack_over_budget_by_its_optics_is_flagged(pods):
    design = pods["pluggable"].model_copy(deep=True)
    net = next(r for r in design.racks if r.name == "NET1-1")
    load = Figures(design).load(net.id)
    assert load.optics_w > 0
    doc = Document(design)
    doc.set(net.id, power_budget_w=load.power_w - load.optics_w / 2)  # covers the switches, not their optics
    assert "power.rack_budget" in {v.code for v in validate(doc.design).errors}


def test_nvl72_rack_in_the_superpod_counts_its_nic_optics(pods, built):
    alone = summary(built("gb200-nvl72"))["per_rack"][0]["power_w"]
    rack = next(r for r in summary(pods["pluggable"])["per_rack"] if r["name"] == "SU1-R1")
    assert rack["power_w"] == pytest.approx(alone + 72 * 9)  # 72 ConnectX-7 with a 9 W 400G module each


def test_nvidias_own_four_dgx_h100_air_rack_is_clean():
    # DGX H100 at 4 per rack = 40.8 kW of air (S42, hardware facts section 7).
    doc = Document()
    rack = doc.add_rack("rack-42u-air", name="A1")
    for i in range(4):
        box = doc.place("dgx-h100", rack, u=2 + 8 * i, name=f"DGX{i + 1}")
        for part, n in (("h100-sxm", 8), ("nvswitch-gen3", 4), ("x86-host-cpu", 2), ("connectx-7", 8)):
            for _ in range(n):
                node = doc.place(part, box, bay=doc.free_bay(box, doc.catalog.get(part).kind))
                if doc.part_of(node).liquid_fraction:
                    doc.set(node, overrides={"liquid_share": 0.0})
        from rackcad.templates.wiring import wire_domain
        gpus = [n.id for n in doc.children(box) if n.part == "h100-sxm"]
        chips = [n.id for n in doc.children(box) if n.part == "nvswitch-gen3"]
        wire_domain(doc, gpus, chips, medium="pcb", pattern=[5, 4, 4, 5])
    report = validate(doc.design)
    assert summary(doc.design)["power_w"] == pytest.approx(4 * 10_180)
    assert not report.errors and not report.warnings, [v.message for v in report.violations if v.severity != "info"]


def test_a_top_of_rack_leaf_is_not_a_rail_violation():
    doc = Document()
    rack = doc.add_rack("mgx-nvl72-rack", name="R1")
    leaf = doc.place("quantum-2-qm9700", rack, u=40, name="TOR")
    for t in range(4):
        tray = doc.place("gb300-compute-tray", rack, u=3 + t, name=f"CT{t + 1}")
        for k in range(4):
            nic = doc.place("connectx-7", tray, bay=6 + k)
            doc.connect(nic, leaf, protocol="infiniband", medium="pluggable-optic")
    assert "ports.rail" not in validate(doc.design).codes("error", "warning")


def test_400g_nic_on_an_800g_cpo_port_is_only_information(pods):
    # split 2 x 400G, each leg runs at the NIC's rate: no note
    assert not [v for v in validate(pods["cpo"]).violations if v.code == "ports.rate_mismatch"]
    # whole ports: one note for the 1,152 identical links: each ConnectX-7 (400G) on a Q3450 port (800G) runs at 400G
    found = [v for v in validate(pods["cpo-whole"]).violations if v.code == "ports.rate_mismatch"]
    assert len(found) == 1 and found[0].severity == "info"
    note = found[0]
    assert (note.measured, note.limit) == (400, 800)
    assert note.message.startswith("1,152 links join a ConnectX-7 400G (OSFP) (400 Gb/s port) and a Quantum-X "
                                   "Photonics Q3450-LD (CPO InfiniBand switch) (800 Gb/s port): each runs at 400 Gb/s")
    flat = expanded(pods["cpo-whole"])
    nic_links = {lk.id for lk in flat.links if lk.a.node in {n.id for n in flat.nodes if n.part == "connectx-7"}}
    assert len(nic_links) == 1152 and nic_links <= set(note.subjects)
    # 1,152 links + 1,152 NICs + 12 leaves
    assert len(note.subjects) == 1152 * 2 + 12


def _mixed_rates() -> Document:
    """Three 400G ConnectX-7 on a Q3450 (800G), two on a Q3400 (800G), one 800G ConnectX-8 on a 400G QM9700."""
    doc = Document()
    rack = doc.add_rack("rack-48u-air", name="N1")
    cpo = doc.place("quantum-x-photonics-q3450", rack, u=1, name="CPO")
    plug = doc.place("quantum-x800-q3400", rack, u=5, name="PLUG")
    qm = doc.place("quantum-2-qm9700", rack, u=9, name="QM")
    box = doc.place("dgx-b200", rack, u=12, name="DGX")
    nics = [doc.place("connectx-7", box, bay=12 + i, name=f"NIC{i + 1}") for i in range(5)]
    for nic in nics[:3]:
        doc.connect(nic, cpo, protocol="infiniband", medium="cpo-fiber")
    for nic in nics[3:]:
        doc.connect(plug, nic, protocol="infiniband", medium="pluggable-optic")  # either end first
    tray = doc.place("gb300-compute-tray", rack, u=30, name="CT")
    cx8 = doc.place("connectx-8", tray, bay=doc.free_bay(tray, "nic"), name="CT/NIC1")
    doc.connect(cx8, qm, protocol="infiniband", medium="pluggable-optic")
    return doc


def test_identical_rate_notes_group_per_part_pair_and_errors_stay_per_link():
    doc = _mixed_rates()
    found = [v for v in validate(doc.design).violations if v.code == "ports.rate_mismatch"]
    infos = sorted((v for v in found if v.severity == "info"), key=lambda v: v.message)
    assert [v.message.split(":")[0] for v in infos] == [
        "2 links join a ConnectX-7 400G (OSFP) (400 Gb/s port) and a Quantum-X800 Q3400 XDR InfiniBand switch "
        "(800 Gb/s port)",
        "3 links join a ConnectX-7 400G (OSFP) (400 Gb/s port) and a Quantum-X Photonics Q3450-LD (CPO InfiniBand "
        "switch) (800 Gb/s port)"]
    # the 800G ConnectX-8 slowed to 400G loses 400G: an error of its own, not folded into a note
    (error,) = [v for v in found if v.severity == "error"]
    assert (error.measured, error.limit) == (400, 800) and "loses 400 Gb/s" in error.message
    # the incremental checker keeps the groups: remove one CPO link, the note counts 2, as a full run does
    checker = Checker(doc)
    doc.remove(next(lk.id for lk in doc.design.links if doc.get(lk.b.node).name == "CPO"))
    assert checker.report.to_dict() == validate(doc.design).to_dict()
    assert any(v.message.startswith("2 links join a ConnectX-7 400G (OSFP) (400 Gb/s port) and a Quantum-X Photonics")
               for v in checker.report.infos)
    doc.remove(next(lk.id for lk in doc.design.links if doc.get(lk.b.node).name == "CPO"))
    # a lone link keeps its own message, naming it
    lone = [v for v in checker.report.infos if v.code == "ports.rate_mismatch" and "CPO switch" in v.message]
    assert checker.report.to_dict() == validate(doc.design).to_dict()
    assert len(lone) == 1 and " joins NIC NIC3" in lone[0].message and len(lone[0].subjects) == 3


def test_equal_rates_raise_no_rate_note():
    doc = Document()
    rack = doc.add_rack("rack-48u-air", name="N1")
    qm = doc.place("quantum-2-qm9700", rack, u=1)
    box = doc.place("dgx-b200", rack, u=12)
    for i in range(4):
        doc.connect(doc.place("connectx-7", box, bay=12 + i), qm, protocol="infiniband", medium="pluggable-optic")
    assert "ports.rate_mismatch" not in validate(doc.design).codes()


def test_removing_a_leafs_uplinks_cuts_it_off(pods):
    doc = Document(pods["pluggable"].model_copy(deep=True))
    leaf = next(n for n in doc.design.nodes if n.name == "IB-LEAF-R1-01")
    doc.remove(*[link.id for link in doc.links_of(leaf.id) if "SPINE" in doc.get(link.b.node).name])
    found = [v for v in validate(doc.design).errors if v.code == "bandwidth.oversubscription"]
    assert [v.subjects for v in found] == [(leaf.id,)] and "no uplinks" in found[0].message


def _on_cpo(note) -> bool:
    """A rate note about the NICs on the CPO switch: grouped (names the model) or alone (names the switch)."""
    return note.code == "ports.rate_mismatch" and ("Q3450" in note.message or "CPO switch CPO" in note.message)


def test_a_waiver_of_one_links_rate_note_still_waives_that_link_in_the_grouped_note():
    # a waiver written when every link had its own note names that link and its two ends
    doc = _mixed_rates()
    cpo_links = [lk for lk in doc.design.links if doc.get(lk.b.node).name == "CPO"]
    one = cpo_links[0]
    doc.set_design(waivers=[Waiver(code="ports.rate_mismatch", subjects=[one.id, one.a.node, one.b.node],
                                   reason="NIC1 is a 400G test port")])
    notes = [v for v in validate(doc.design).violations if _on_cpo(v)]
    waived = [v for v in notes if v.waived]
    open_ = [v for v in notes if not v.waived]
    # the waived link's note stands alone, waived, with its own message; the other two stay one note
    assert len(waived) == 1 and waived[0].subjects == (one.id, one.a.node, one.b.node)
    assert waived[0].waiver_reason == "NIC1 is a 400G test port" and " joins NIC NIC1" in waived[0].message
    assert len(open_) == 1 and open_[0].message.startswith("2 links join a ConnectX-7 400G (OSFP)")
    assert one.id not in open_[0].subjects and {lk.id for lk in cpo_links[1:]} <= set(open_[0].subjects)
    # the Q3400 note is untouched
    assert any(v.message.startswith("2 links join a ConnectX-7 400G (OSFP) (400 Gb/s port) and a Quantum-X800")
               and not v.waived for v in validate(doc.design).infos)


def test_a_waiver_of_the_grouped_rate_note_waives_it_whole_and_the_checker_follows_waiver_edits():
    doc = _mixed_rates()
    checker = Checker(doc)
    (note,) = [v for v in checker.report.violations if _on_cpo(v)]
    doc.set_design(waivers=[Waiver(code="ports.rate_mismatch", subjects=list(note.subjects), reason="known")])
    assert checker.report.to_dict() == validate(doc.design).to_dict()
    (note,) = [v for v in checker.report.violations if _on_cpo(v)]
    assert note.waived and note.message.startswith("3 links join")
    # a waiver of one link's note, added and taken back: the Checker splits and joins the note as validate does
    one = next(lk for lk in doc.design.links if doc.get(lk.b.node).name == "CPO")
    doc.set_design(waivers=[Waiver(code="ports.rate_mismatch", subjects=[one.id, one.a.node, one.b.node],
                                   reason="test port")])
    assert checker.report.to_dict() == validate(doc.design).to_dict()
    assert sorted((v.message.split(" ")[0], v.waived) for v in checker.report.violations if _on_cpo(v)) == [
        ("2", False), ("Link", True)]
    doc.undo()
    assert checker.report.to_dict() == validate(doc.design).to_dict()
    assert [v.waived for v in checker.report.violations if _on_cpo(v)] == [True]
