"""Cable schedule rows and the cable or optics chosen for each link by medium, rate and reach."""

from __future__ import annotations

import csv

import pytest

from rackcad import Document
from rackcad.export import export_cables
from rackcad.export.cables import COLUMNS, Schedule, cable_rows


def nic_to_switch(medium: str | None, length: float, nic: str = "connectx-8", switch: str = "quantum-x800-q3400",
                  count: int = 1):
    """A compute tray at U10 whose first NIC is cabled to a network switch at U20 of the same rack."""
    doc = Document()
    rack = doc.add_rack("rack-42u-air", name="A1")
    tray = doc.place("gb300-compute-tray", rack, u=10, name="CT01")
    nic_id = doc.place(nic, tray, bay=doc.free_bay(tray, "nic"), name="CT01/NIC1")
    switch_id = doc.place(switch, rack, u=20, name="IB1")
    doc.connect(nic_id, switch_id, protocol="infiniband", medium=medium, length_m=length, count=count)
    return doc.design


def only_row(design) -> dict:
    (row,) = cable_rows(design)
    return row


@pytest.mark.parametrize("medium, length, cls, cable, cables, optic, optics", [
    ("copper-cable", 1.5, "dac", "dac-800g", 1, None, 0),            # passive DAC reaches 2 m
    ("copper-cable", 4.0, "active-copper", "lacc-800g", 1, None, 0),  # active copper reaches 5 m
    ("active-copper", 1.0, "active-copper", "lacc-800g", 1, None, 0),
    # 800G XDR: the 1.6T twin-port module, not the 800G twin of two 400G NDR ports; one fibre per pair.
    ("pluggable-optic", 20.0, "optics", "fiber-sm-mpo", 1, "osfp-1600g", 2),
])
def test_choice_by_medium_and_reach(medium, length, cls, cable, cables, optic, optics):
    row = only_row(nic_to_switch(medium, length))
    assert (row["class"], row["cable"], row["cables"], row["optic"], row["optics"]) == (
        cls, cable, cables, optic, optics)
    assert row["length_m"] == length and row["gbps"] == 800


def test_copper_beyond_reach_falls_back_to_optics():
    row = only_row(nic_to_switch("copper-cable", 12.0))
    assert (row["class"], row["optic"], row["optics"], row["cable"]) == ("optics", "osfp-1600g", 2, "fiber-sm-mpo")
    assert "beyond copper reach (12.00 m)" in row["note"]


def nic_to_nic(length: float) -> dict:
    doc = Document()
    rack = doc.add_rack("rack-42u-air", name="A1")
    box = doc.place("dgx-b200", rack, u=10)
    a, b = (doc.place("connectx-7", box, bay=12 + i) for i in range(2))
    doc.connect(a, b, protocol="infiniband", medium="pluggable-optic", length_m=length)
    return only_row(doc.design)


def test_400g_optics_by_reach():
    # Between two single-port ConnectX-7 cages: the 9 W SR4 module within its 50 m multimode reach, the 9 W
    # single-mode DR4 (500 m, F9) beyond it, rather than a 17 W twin-port DR8 of which one port would stay dark.
    near, far = nic_to_nic(20.0), nic_to_nic(100.0)
    assert (near["optic"], near["optics"], near["gbps"]) == ("osfp-400g", 2, 400)
    assert (far["optic"], far["optics"]) == ("osfp-400g-dr4", 2)


def test_a_twin_port_cage_takes_a_twin_port_module_shared_by_two_links():
    # The Q3400's cages hold 2 logical ports (F1 for the QM97xx family): the switch end takes the 800G twin-port
    # DR8 (17 W, S29), the NIC end the single-mode DR4 that meets it (9 W, F9). Alone, the link needs the whole
    # module; a second 400G NIC on the same port group shares it: 1 twin module for both, half each.
    one = only_row(nic_to_switch("pluggable-optic", 20.0, nic="connectx-7"))
    assert (one["optic"], one["optics"], one["choice"]) == (
        "osfp-400g-dr4 / osfp-800g-twin", 2, "1 x osfp-400g-dr4 + 1 x osfp-800g-twin + 1 x fiber-sm-mpo")
    design = nic_to_switch("pluggable-optic", 20.0, nic="connectx-7")
    doc = Document(design)
    tray = next(n for n in design.nodes if n.part == "gb300-compute-tray")
    second = doc.place("connectx-7", tray.id, bay=doc.free_bay(tray.id, "nic"))
    switch = next(n for n in design.nodes if n.part == "quantum-x800-q3400")
    doc.connect(second, switch.id, protocol="infiniband", medium="pluggable-optic", length_m=20.0)
    rows = cable_rows(doc.design)
    assert [(r["optics"], r["choice"]) for r in rows] == [
        (1.5, "1 x osfp-400g-dr4 + 0.5 x osfp-800g-twin (shared) + 1 x fiber-sm-mpo")] * 2
    from rackcad.export.bom import bom
    q = {row.part: row.quantity for row in bom(doc.design).rows}
    assert (q["osfp-400g-dr4"], q["osfp-800g-twin"]) == (2, 1)


def test_parallel_links_pack_into_modules():
    # 3 x 800G = 2,400 Gb/s per direction: two 1.6T modules at each end, two fibres.
    row = only_row(nic_to_switch("pluggable-optic", 20.0, count=1))
    assert row["choice"] == "2 x osfp-1600g + 1 x fiber-sm-mpo"
    design = nic_to_switch("pluggable-optic", 20.0)
    design.links[0].count = 3
    row = only_row(design)
    assert (row["optics"], row["cables"], row["gbps"]) == (4, 2, 2400)


def test_cpo_link_has_fibre_and_a_transceiver_at_the_nic_end():
    # The Q3450's optics are co-packaged; the 800G NIC at the other end still needs a module in its cage.
    row = only_row(nic_to_switch("cpo-fiber", 8.0, switch="quantum-x-photonics-q3450"))
    assert (row["class"], row["cable"], row["cables"], row["optic"], row["optics"]) == (
        "cpo-fiber", "fiber-sm-mpo", 1, "osfp-1600g", 1)
    assert row["choice"] == "1 x osfp-1600g + 1 x fiber-sm-mpo + 1 CPO port"


def test_schedule_row_names_both_ends():
    row = only_row(nic_to_switch("copper-cable", 1.5))
    assert (row["from_rack"], row["from_u"], row["from_node"], row["from_part"], row["from_port"]) == (
        "A1", 10, "CT01/NIC1", "connectx-8", "net")
    assert (row["to_rack"], row["to_u"], row["to_node"], row["to_part"], row["to_port"]) == (
        "A1", 20, "IB1", "quantum-x800-q3400", "net")
    assert (row["protocol"], row["medium"], row["count"], row["choice"]) == (
        "infiniband", "copper-cable", 1, "1 x dac-800g")


def test_gb200_nvl72_schedule(built, tmp_path):
    design = built("gb200-nvl72")
    path = tmp_path / "cables.csv"
    export_cables(design, path)
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == COLUMNS and len(rows) == 1 + 72 * 18 + 36 * 2
    entries = Schedule(design).entries
    spine = [(link, length, choice) for link, length, choice in entries if choice.category == "backplane"]
    assert len(spine) == 1296
    # Inside one rack: the U distance plus half the 600 mm width plus 0.5 m slack. Compute trays sit at
    # U5-U12 and U22-U31, switch trays at U13-U21: from 1 U apart (CT08 at U12 to ST01 at U13) to 18 U
    # (CT18 at U31 to ST01 at U13).
    lengths = sorted(length for _, length, _ in spine)
    assert lengths[0] == pytest.approx(0.3 + 0.5 + 0.04445) and lengths[-1] == pytest.approx(0.8 + 18 * 0.04445)


def test_gb200_nvl576_optical_records(built):
    rows = [r for r in cable_rows(built("gb200-nvl576")) if r["class"] == "optics"]
    assert len(rows) == 18 * 16 * 8 == 2304
    by_count = {4: [], 5: []}
    for row in rows:
        by_count[row["count"]].append(row)
    assert len(by_count[4]) == len(by_count[5]) == 1152
    # every chip's links share its 1.6T modules, 4 links each: a record of 5 holds 5 / 4 of a module at each end
    assert {(r["optics"], r["cables"]) for r in by_count[4]} == {(2, 1)}
    assert {(r["optics"], r["cables"]) for r in by_count[5]} == {(2.5, 2)}
    assert {r["choice"] for r in by_count[5]} == {"2.5 x osfp-1600g (shared) + 2 x fiber-sm-mpo"}
    assert all(r["from_rack"] != r["to_rack"] and r["length_m"] > 4 for r in rows)
