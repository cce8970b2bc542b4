"""Optics power, pluggables against CPO, reproducing the sources' per-port figures (S29, S31, S32, S33)."""

from __future__ import annotations

import pytest

from rackcad import Document
from rackcad.analysis import compare_optics, design_optics
from rackcad.export.bom import bom
from rackcad.analysis.optics import module_w_per_port


def test_quantum_x_photonics_against_quantum_x800_pluggables():
    one = compare_optics(144, given_w_per_port=30, given_source="S31")
    # CPO: 144 x 800G ports at ~9 W each (S31) = 1,296 W, no transceivers.
    assert (one.port_gbps, one.cpo.switches, one.cpo.transceivers, one.cpo.w_per_port) == (800, 1, 0, 9)
    assert one.cpo.power_w == 1296
    twin16, twin8, given = one.pluggable
    # 1.6T twin-port OSFP (25 W, S33/S32): 2 ports each, 72 per switch (S32: one CPO switch replaces 72).
    assert (twin16.transceiver, twin16.ports_per_transceiver, twin16.transceivers) == ("osfp-1600g", 2, 72)
    assert twin16.w_per_port == 12.5 and twin16.power_w == 72 * 25 == 1800
    # 800G twin-port OSFP (S29: 16 W typical, 17 W max for 800 Gb/s): one per 800G port.
    assert (twin8.transceivers, twin8.w_per_port, twin8.w_per_port_typical, twin8.power_w) == (144, 17, 16, 2448)
    # NVIDIA's own comparison (S31): ~30 W per pluggable port against ~9 W: 3.3x, the "3.5x" claim (S31, S30).
    assert given.power_w == 4320 and one.ratios[given.label] == pytest.approx(30 / 9)
    assert one.ratios[given.label] == pytest.approx(3.5, rel=0.05)
    assert one.ratios[twin16.label] == pytest.approx(12.5 / 9) and one.savings_w[twin16.label] == 504
    assert one.cpo.sources[0] == "quantum-x-photonics-q3450 optics_power_w per port = 9 (S31, verified-secondary)"
    assert "osfp-800g-twin power_typical_w = 16 (S29, verified-primary)" in twin8.sources
    assert twin16.sources[0] == "osfp-1600g power_max_w = 25 (S33, S32, verified-secondary)"


def test_fabric_of_many_ports():
    fabric = compare_optics(10_000)
    assert fabric.cpo.switches == 70  # ceil(10,000 / 144)
    assert fabric.cpo.power_w == 90_000
    assert fabric.pluggable[0].transceivers == 5000 and fabric.pluggable[0].power_w == 125_000


def test_twin_port_module_per_400g_port(catalog):
    # S29: one 800G twin-port OSFP (16 W typical / 17 W max) carries two 400G ports: 8-8.5 W per port.
    assert module_w_per_port(catalog.get("osfp-800g-twin"), 400) == (2, 8.5, 8.0)
    with pytest.raises(ValueError):
        module_w_per_port(catalog.get("osfp-400g"), 800)


def test_gb200_nvl576_optics(built):
    optics = design_optics(built("gb200-nvl576"))
    # The second tier: 288 first-tier chips x 36 optical NVLink links to 8 second-tier chips each, 4 or 5
    # links per chip pair. A 1.6T twin-port OSFP (25 W, S32/S33) carries 4 NVLink 5 links (8 x 200G lanes),
    # shared by the links of a chip's port group: a first-tier chip's 36 links fill 9 modules, a second-tier
    # chip's 72 links (16 first-tier chips x 4 or 5) 18: 288 x 9 + 144 x 18 = 5,184 modules (S16's 4 ends
    # per 1.6T module).
    assert optics.links_by_medium["pluggable-optic"] == optics.optical_links == 288 * 36 == 10_368
    assert optics.pluggable_ports == 2 * 10_368
    assert optics.pluggable_transceivers == 2 * 10_368 / 4 == 5184 == optics.transceivers
    assert optics.pluggable_w == 5184 * 25 == 129_600
    # The same modules as the BOM.
    assert bom(built("gb200-nvl576")).totals["transceivers"] == optics.transceivers
    # Compute NICs: 576 ConnectX-7 x 400G, not wired in the template: one 400G module each (9 W, S27) would
    # add 5,184 W; BlueField-3 ports are listed, not powered.
    assert optics.nic_ports["nic"] == {"ports": 576, "gbps": 230_400}
    assert optics.nic_ports["dpu"] == {"ports": 288 * 2, "gbps": 288 * 2 * 200}  # 2 x 200G per BlueField-3
    assert (optics.nic_transceivers, optics.nic_optics_w) == (0, 0)
    assert (optics.unwired_nic_ports, optics.unwired_nic_transceivers, optics.unwired_nic_w) == (576, 576, 5184)
    # Leaf what-if: 230.4 Tb/s of NICs = 288 x 800G switch ports: CPO 2,592 W against 1.6T pluggables 3,600 W.
    assert optics.leaf.ports == 288 and optics.leaf.cpo.power_w == 2592 and optics.leaf.pluggable[0].power_w == 3600
    assert optics.switches == {} and optics.cpo_ports == 0


def test_design_with_cpo_and_pluggable_switches():
    doc = Document()
    rack = doc.add_rack("rack-48u-air")
    cpo = doc.place("quantum-x-photonics-q3450", rack, u=1)
    plug = doc.place("quantum-x800-q3400", rack, u=5)
    box = doc.place("dgx-b200", rack, u=10)
    nics = [doc.place("connectx-7", box, bay=12 + i) for i in range(8)]
    for nic in nics[:4]:
        doc.connect(nic, cpo, protocol="infiniband", medium="cpo-fiber", port_a="net", port_b="net")
    for nic in nics[4:]:
        doc.connect(nic, plug, protocol="infiniband", medium="pluggable-optic", port_a="net", port_b="net")
    doc.connect(cpo, plug, protocol="infiniband", count=2, medium="pluggable-optic", port_a="net", port_b="net")
    optics = design_optics(doc.design)
    assert optics.switches == {"cpo-switch": 1, "network-switch": 1}
    assert optics.switch_ports == {"cpo-switch": {"ports": 144, "used": 6}, "network-switch": {"ports": 144, "used": 6}}
    assert optics.links_by_medium == {"cpo-fiber": 4, "pluggable-optic": 6}
    # CPO ends: 4 NIC links + 2 inter-switch links on the Q3450 at 9 W.
    assert (optics.cpo_ports, optics.cpo_w) == (6, 54)
    # Q3400 ends (cages of 2 ports): the 4 NIC links run at the NICs' 400G and share 800G twin-port modules,
    # 2 (17 W, S29); the 2 x 800G links from the Q3450 fill one 1.6T twin-port module (25 W, S32/S33) at the
    # Q3400 and CPO engines at the Q3450.
    assert (optics.pluggable_ports, optics.pluggable_transceivers, optics.pluggable_w) == (6, 3, 2 * 17 + 25)
    # NIC ends: 8 x 400G modules at 9 W (S27/F9), whichever switch they face (a CPO link gets one at its NIC end).
    assert (optics.nic_transceivers, optics.nic_optics_w) == (8, 72)
    assert optics.transceivers == bom(doc.design).totals["transceivers"] == 11
    assert optics.leaf.ports == 12 and optics.leaf.cpo.power_w == 108
    assert "quantum-x-photonics-q3450 optics_power_w per port = 9 (S31, verified-secondary)" in optics.sources
