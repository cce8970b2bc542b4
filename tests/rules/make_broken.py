"""Regenerate examples/broken/: small designs that each break the rules their name says.

    python -m tests.rules.make_broken

Each design starts from a template or an empty Document and is edited through the Document where the
editor allows the mistake; placements the editor refuses (overlapping U, wrong bays, missing parents,
dangling links) are written into the model directly, as a hand-edited or merged file would carry them.
The codes each file must raise are listed, independently, in test_regression.py.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rackcad import Document, save
from rackcad.model import Design, FloorPosition, KeepOut, LatencyBudget, Link, Node, PortRef
from rackcad.templates import build

BROKEN = Path(__file__).resolve().parents[2] / "examples" / "broken"


def _doc(template: str | None = None, **params) -> Document:
    return Document(build(template, **params)) if template else Document()


def _by_name(doc: Document, name: str) -> str:
    return next(item.id for item in (*doc.design.racks, *doc.design.nodes) if item.name == name)


def _of_part(doc: Document, part_id: str) -> list[str]:
    return [n.id for n in doc.design.nodes if n.part == part_id]


def _put(doc: Document, node_id: str, **fields) -> None:
    """Write fields straight into a node, past the Document's placement checks (as a hand edit would)."""
    node = doc.get(node_id)
    for name, value in fields.items():
        setattr(node, name, value)


def _described(doc: Document, text: str) -> Design:
    doc.design.name = f"Broken: {text}"
    doc.design.description = text
    return doc.design


def _bench(doc: Document, name: str = "R1") -> tuple[str, str]:
    """An NVL72 (liquid) rack with one empty custom sled at U10: room for small experiments."""
    rack = doc.add_rack("mgx-nvl72-rack", name=name)
    return rack, doc.place("custom-compute-sled", rack, u=10, name=f"{name}-SLED")


# ------------------------------------------------------------------ ports
def ports_overcommitted() -> Design:
    doc = _doc("mesh-4gpu")
    g1, g2 = _of_part(doc, "b200-hgx")[:2]
    doc.connect(g1, g2, protocol="nvlink5", count=6, medium="pcb", port_a="nvlink", port_b="nvlink")
    return _described(doc, "6 more NVLink links between GPU1 and GPU2: both use 24 of their 18 ports")


def ports_unconnected() -> Design:
    doc = _doc("mesh-4gpu")
    g1, g2 = _of_part(doc, "b200-hgx")[:2]
    doc.remove(next(link.id for link in doc.links_of(g1) if {link.a.node, link.b.node} == {g1, g2}))
    return _described(doc, "the GPU1-GPU2 links removed: 6 of 18 NVLink ports free on each")


def ports_dangling() -> Design:
    doc = _doc("mesh-4gpu")
    g3, g4 = _of_part(doc, "b200-hgx")[2:]
    cpu = _of_part(doc, "x86-host-cpu")[0]
    doc.design.links += [
        Link(id="L90", a=PortRef(node="G98", port="nvlink"), b=PortRef(node="G99", port="nvlink"), protocol="nvlink5"),
        Link(id="L91", a=PortRef(node=g3, port="bogus"), b=PortRef(node=g4, port="bogus"), protocol="nvlink5"),
        Link(id="L92", a=PortRef(node=cpu, port="pcie", index=9), b=PortRef(node="N404", port="host"),
             protocol="pcie5"),
    ]
    return _described(doc, "links to parts that do not exist, to port groups that do not exist, to port index 9 of 4")


def protocol_nvlink_generation() -> Design:
    doc = _doc()
    rack, sled = _bench(doc)
    gpu = doc.place("b200-gb200", sled, bay=2, name="GPU")
    doc.place("grace", sled, bay=0, name="GRACE")  # the GPU's host
    tray = doc.place("nvlink6-switch-tray", rack, u=11, name="ST6")
    chip = doc.place("nvlink6-switch", tray, bay=0, name="SW6")
    doc.connect(gpu, chip, protocol="nvlink5", count=18, port_a="nvlink", port_b="nvlink")
    return _described(doc, "a Blackwell GPU (NVLink 5) wired to an NVLink 6 switch chip")


def protocol_c2c_vs_nvlink() -> Design:
    doc = _doc()
    rack, sled = _bench(doc)
    cpu = doc.place("grace", sled, bay=0, name="GRACE")
    tray = doc.place("nvlink5-switch-tray", rack, u=11, name="ST5")
    chip = doc.place("nvlink5-switch", tray, bay=0, name="SW5")
    doc.connect(cpu, chip, protocol="nvlink-c2c", port_a="c2c", port_b="nvlink")
    return _described(doc, "a Grace CPU's NVLink-C2C port wired to an NVLink switch port")


def protocol_ucie_outside_package() -> Design:
    doc = _doc()
    rack, sled = _bench(doc)
    other = doc.place("custom-compute-sled", rack, u=11, name="R1-SLED2")
    x1, x2, x3 = (doc.place("custom-xpu-ucie", sled, bay=2 + i, name=f"XPU{i + 1}") for i in range(3))
    x4 = doc.place("custom-xpu-ucie", other, bay=2, name="XPU4")
    doc.connect(x1, x2, protocol="ucie", medium="in-package")
    doc.connect(x3, x4, protocol="ucie", medium="in-package")
    for host, xpus in ((doc.place("custom-cpu-c2c", sled, bay=0, name="CPU1"), (x1, x2, x3)),
                       (doc.place("custom-cpu-c2c", other, bay=0, name="CPU2"), (x4,))):
        for xpu in xpus:  # each XPU has its PCIe host, as it needs
            doc.connect(host, xpu, protocol="pcie6", medium="pcb", port_a="pcie", port_b="host")
    return _described(doc, "UCIe between XPUs on two different sleds (XPU1-XPU2 on one sled is fine)")


def protocol_xpu_without_fusion() -> Design:
    doc = _doc()
    rack, sled = _bench(doc)
    xpu = doc.place("custom-xpu-ucie", sled, bay=2, name="XPU")
    doc.place("custom-cpu-c2c", sled, bay=0, name="CPU")  # the XPU's PCIe host
    tray = doc.place("nvlink5-switch-tray", rack, u=11, name="ST5")
    chip = doc.place("nvlink5-switch", tray, bay=0, name="SW5")
    doc.connect(xpu, chip, protocol="nvlink5", port_a="ucie", port_b="nvlink")
    return _described(doc, "a custom XPU without an NVLink Fusion chiplet wired into NVLink")


def protocol_pcie_generation() -> Design:
    doc = _doc()
    _, sled = _bench(doc)
    cpu = doc.place("x86-host-cpu", sled, bay=0, name="CPU")
    nic = doc.place("connectx-8", sled, bay=6, name="NIC")
    doc.connect(cpu, nic, protocol="pcie5", port_a="pcie", port_b="host")
    return _described(doc, "a PCIe 6 NIC on a PCIe 5 CPU port (a warning: it trains at PCIe 5)")


# ------------------------------------------------------------------ power and cooling
def power_rack_budget() -> Design:
    doc = _doc("gb200-nvl72")
    doc.set(doc.design.racks[0].id, power_budget_w=120_000)
    return _described(doc, "GB200 NVL72 (125.3 kW) in a rack budgeted at 120 kW")


def power_shelf_redundancy() -> Design:
    doc = _doc("gb200-nvl72")
    doc.remove(_by_name(doc, "PS8"))
    return _described(doc, "one of the 8 x 33 kW shelves removed: N+N leaves 3 x 33 kW for 125.3 kW")


def cooling_liquid_capacity() -> Design:
    doc = _doc("gb200-nvl72")
    doc.set(doc.design.racks[0].id, liquid_capacity_w=100_000)
    return _described(doc, "GB200 NVL72 sends 101.7 kW to liquid, capacity set to 100 kW")


def cooling_air_capacity() -> Design:
    doc = _doc("gb200-nvl72")
    doc.set(doc.design.racks[0].id, air_capacity_w=20_000)
    return _described(doc, "GB200 NVL72 sends 23.6 kW to air, capacity set to 20 kW")


def cooling_flow() -> Design:
    doc = _doc("gb200-nvl72")
    doc.place("cdu-in-rack", doc.design.racks[0].id, u=38, name="CDU")
    doc.design.rules.coolant_lpm_per_kw = 2.5
    return _described(doc, "an in-rack CDU rated 225 L/min; 101.7 kW to liquid at 2.5 L/min per kW needs 254 L/min")


def cooling_cdu_capacity() -> Design:
    doc = _doc("vr-nvl144")
    doc.place("cdu-in-rack", doc.design.racks[0].id, u=42, name="CDU")
    return _described(doc, "a 150 kW in-rack CDU for a Vera Rubin rack sending 210 kW to liquid")


# ------------------------------------------------------------------ bandwidth
def bandwidth_scale_up() -> Design:
    doc = _doc("hgx-h100-8gpu")
    doc.design.rules.scale_up_target_gbps = 7200
    return _described(doc, "H100 (3,600 Gb/s NVLink 4 per direction) against a 7,200 Gb/s scale-up target")


def bandwidth_oversubscription() -> Design:
    doc = _doc()
    rack = doc.add_rack("mgx-nvl72-rack", name="R1")
    tray = doc.place("gb200-compute-tray", rack, u=5, name="CT01")
    gpus = [doc.place("b200-gb200", tray, bay=2 + i, name=f"CT01/GPU{i + 1}") for i in range(4)]
    first = doc.place("nvlink5-switch-tray", rack, u=6, name="ST01")
    second = doc.place("nvlink5-switch-tray", rack, u=7, name="ST02")
    a1, a2 = (doc.place("nvlink5-switch", first, bay=i, name=f"ST01/SW{i + 1}") for i in range(2))
    top = doc.place("nvlink5-switch", second, bay=0, name="ST02/SW1")
    for gpu in gpus:
        doc.connect(gpu, a1, protocol="nvlink5", count=9)
        doc.connect(gpu, a2, protocol="nvlink5", count=9)
    for i in range(2):  # the GPUs' Grace hosts
        cpu = doc.place("grace", tray, bay=i, name=f"CT01/CPU{i + 1}")
        for gpu in gpus[2 * i:2 * i + 2]:
            doc.connect(cpu, gpu, protocol="nvlink-c2c", port_a="c2c", port_b="c2c")
    doc.connect(a1, top, protocol="nvlink5", count=18)
    doc.connect(a2, top, protocol="nvlink5", count=36)
    return _described(doc, "switch chip ST01/SW1: 36 links down to GPUs, 18 up (2:1); ST01/SW2 is 36:36")


# ------------------------------------------------------------------ geometry
def geometry_overlap() -> Design:
    doc = _doc()
    rack, _ = _bench(doc)
    doc.place("cdu-in-rack", rack, u=20, name="CDU")
    _put(doc, doc.place("custom-compute-sled", rack, u=12, name="R1-SLED2"), u=10)
    _put(doc, doc.place("custom-compute-sled", rack, u=25, name="R1-SLED3"), u=22)
    return _described(doc, "two sleds at U10, a sled at U22 inside the 4U CDU at U20-U23")


def geometry_out_of_rack() -> Design:
    doc = _doc()
    rack, _ = _bench(doc)
    _put(doc, doc.place("cdu-in-rack", rack, u=40, name="CDU"), u=46)
    _put(doc, doc.place("custom-compute-sled", rack, u=30, name="R1-SLED2"), u=None)
    return _described(doc, "a 4U CDU at U46-U49 of a 48U rack, a sled without a U")


def geometry_bay() -> Design:
    doc = _doc()
    rack, _ = _bench(doc)
    tray = doc.place("gb200-compute-tray", rack, u=5, name="CT01")  # bays: 2 CPU, 4 GPU, 4 NIC, 2 DPU
    doc.place("grace", tray, bay=0, name="CT01/CPU1")
    doc.place("connectx-7", tray, bay=6, name="CT01/NIC1")
    _put(doc, doc.place("grace", tray, bay=1, name="CT01/CPU2"), bay=2)  # a CPU in a GPU bay
    _put(doc, doc.place("connectx-7", tray, bay=7, name="CT01/NIC2"), bay=6)  # two NICs in one bay
    _put(doc, doc.place("connectx-7", tray, bay=8, name="CT01/NIC3"), bay=99)  # beyond the 12 bays
    _put(doc, doc.place("connectx-7", tray, bay=9, name="LOOSE-NIC"), parent=rack, bay=None)
    _put(doc, doc.place("custom-compute-sled", rack, u=20, name="R1-SLED2"), parent=tray, bay=10, u=None)
    return _described(doc, "a CPU in a GPU bay, two NICs in one bay, bay 99 of 12, a NIC loose in the rack, "
                           "a 1U sled in a tray bay")


def geometry_orphan() -> Design:
    doc = _doc()
    _, sled = _bench(doc)
    _put(doc, doc.place("connectx-7", sled, bay=6, name="NIC"), parent="T404")
    return _described(doc, "a NIC whose tray T404 is not in the design")


def geometry_floor_overlap() -> Design:
    doc = _doc()
    doc.add_rack("mgx-nvl72-rack", name="A", position=FloorPosition(x_mm=0, y_mm=0))
    doc.add_rack("mgx-nvl72-rack", name="B", position=FloorPosition(x_mm=300, y_mm=0))
    doc.add_rack("mgx-nvl72-rack", name="C", position=FloorPosition(x_mm=3000, y_mm=0))
    doc.add_rack("mgx-nvl72-rack", name="D", position=FloorPosition(x_mm=3000, y_mm=1200, rotation_deg=270))
    return _described(doc, "rack B half inside rack A; rack D turned 270 degrees into rack C")


def geometry_off_floor() -> Design:
    doc = _doc()
    doc.add_rack("mgx-nvl72-rack", name="A", position=FloorPosition(x_mm=19_800, y_mm=0))
    return _described(doc, "a rack standing 0.4 m past the 20 m wide hall")


def geometry_keepout() -> Design:
    doc = _doc()
    doc.add_rack("mgx-nvl72-rack", name="A", position=FloorPosition(x_mm=6_000, y_mm=2_400))
    doc.add_rack("mgx-nvl72-rack", name="B", position=FloorPosition(x_mm=7_200, y_mm=2_400))
    doc.design.floor.keepouts = [KeepOut(name="column C3", points=[[6_400, 3_200], [6_900, 3_200], [6_900, 3_700],
                                                                   [6_400, 3_700]])]
    return _described(doc, "rack A standing on a 500 x 500 mm building column; rack B beside it is clear")


# ------------------------------------------------------------------ hall: rows, aisles, trays
NVL72_DEPTH = 1068.0


def _rows(doc: Document, aisle_mm: float, cold: tuple[str, str]) -> tuple[str, str]:
    """Rows A and B of 3 slots, `aisle_mm` apart, with their cold aisles on the sides `cold` names."""
    from rackcad.editing import hall

    a = hall.add_row(doc, (1200, 1200), name="A", slots=3, depth_mm=NVL72_DEPTH, cold_aisle=cold[0])
    b = hall.add_row(doc, (1200, 1200 + NVL72_DEPTH + aisle_mm), name="B", slots=3, depth_mm=NVL72_DEPTH,
                     cold_aisle=cold[1])
    return a, b


def geometry_hot_aisle_front() -> Design:
    from rackcad.editing import hall

    doc = _doc()
    a, b = _rows(doc, 1200, ("front", "back"))
    racks = [doc.add_rack("mgx-nvl72-rack", name=f"A{i + 1}") for i in range(3)]
    hall.snap(doc, racks, a)
    pos = doc.get(racks[1]).position  # A2 turned round in its slot: its front now on the hot aisle
    doc.set(racks[1], position=pos.model_copy(update={"x_mm": pos.x_mm + 600, "y_mm": pos.y_mm + NVL72_DEPTH,
                                                      "rotation_deg": 180.0}))
    return _described(doc, "rows A and B back to back across a hot aisle; rack A2 turned round faces it")


def geometry_aisle_width() -> Design:
    from rackcad.editing import hall

    doc = _doc()
    a, b = _rows(doc, 900, ("back", "front"))
    hall.snap(doc, [doc.add_rack("mgx-nvl72-rack", name="A1")], a)
    hall.snap(doc, [doc.add_rack("mgx-nvl72-rack", name="B1")], b)
    return _described(doc, "rows A and B face each other across a 0.9 m cold aisle, below the 1.2 m minimum")


def geometry_row_slot() -> Design:
    from rackcad.editing import hall

    doc = _doc()
    a, _ = _rows(doc, 1200, ("front", "back"))
    racks = [doc.add_rack("mgx-nvl72-rack", name=f"A{i + 1}") for i in range(2)]
    hall.snap(doc, racks, a)
    pos = doc.get(racks[1]).position
    doc.get(racks[1]).position = pos.model_copy(update={"row": "ROW9"})
    return _described(doc, "rack A2 names row ROW9, which the floor plan does not have")


def geometry_tray_fill() -> Design:
    from rackcad.editing import hall

    doc = _doc()
    a, b = _rows(doc, 1200, ("front", "back"))
    hall.add_tray(doc, [(1200, 600), (1200, 5100)], name="Across", width_mm=20, height_mm=5)
    ra, rb = doc.add_rack("mgx-nvl72-rack", name="A1"), doc.add_rack("mgx-nvl72-rack", name="B1")
    hall.snap(doc, [ra], a)
    hall.snap(doc, [rb], b)
    chips = []
    for rack in (ra, rb):
        tray = doc.place("nvlink5-switch-tray", rack, u=25, name=f"{doc.get(rack).name}-ST")
        chips.append(doc.place("nvlink5-switch", tray, bay=0, name=f"{doc.get(rack).name}-SW"))
    doc.connect(chips[0], chips[1], protocol="nvlink5", count=72, medium="pluggable-optic")
    return _described(doc, "72 NVLink fibre links (18 MPO cords of 3 mm) through a 20 x 5 mm tray: 127 % of it, "
                           "limit 50 %")


# ------------------------------------------------------------------ reach and domains
def _two_racks_of_chips(doc: Document) -> list[str]:
    chips = []
    for name in ("R1", "R2"):
        rack = doc.add_rack("mgx-nvl72-rack", name=name)
        tray = doc.place("nvlink5-switch-tray", rack, u=20, name=f"{name}-ST")
        chips += [doc.place("nvlink5-switch", tray, bay=i, name=f"{name}-SW{i + 1}") for i in range(2)]
    return chips


def reach_copper() -> Design:
    doc = _doc()
    a1, a2, b1, _ = _two_racks_of_chips(doc)
    doc.connect(a1, b1, protocol="nvlink5", medium="backplane-copper")
    doc.connect(a1, a2, protocol="nvlink5", medium="copper-cable", length_m=3.0)
    return _described(doc, "NVLink backplane copper from one rack to the next; a 3 m passive DAC")


def reach_optic() -> Design:
    doc = _doc()
    a1, a2, b1, b2 = _two_racks_of_chips(doc)
    doc.connect(a1, b1, protocol="nvlink5", medium="pluggable-optic", length_m=800)
    doc.connect(a2, b2, protocol="nvlink5", medium="pluggable-optic", length_m=2500)
    doc.connect(a1, b2, protocol="nvlink5", medium="pluggable-optic")
    doc.set("L1", optic="osfp-400g-dr4")
    doc.set("L2", optic="osfp-800g-fr4")
    return _described(doc, "optical links of 800 m on DR4 optics (500 m) and 2.5 km on FR4 optics (2 km); "
                           "one short link is fine")


def domain_size() -> Design:
    doc = _doc()
    racks = [doc.add_rack("rack-48u-air", name=f"R{i + 1}", power_budget_w=None, liquid_capacity_w=None,
                          air_capacity_w=None) for i in range(2)]
    gpus: list[str] = []
    for s in range(65):
        sled = doc.place("custom-compute-sled", racks[s // 48], u=1 + s % 48, name=f"SLED{s + 1:02d}")
        for bay in range(min(4, 257 - len(gpus))):
            gpus.append(doc.place("h100-sxm", sled, bay=2 + bay, name=f"SLED{s + 1:02d}/GPU{bay + 1}"))
    for i, gpu in enumerate(gpus):
        doc.connect(gpu, gpus[(i + 1) % len(gpus)], protocol="nvlink4", count=9, medium="pluggable-optic")
    return _described(doc, "257 H100 in one NVLink 4 ring: one more than the 256 of the NVLink Switch System")


def domain_mixed_generation() -> Design:
    doc = _doc()
    rack, sled = _bench(doc)
    gpu = doc.place("b200-gb200", sled, bay=2, name="GPU")
    doc.place("grace", sled, bay=0, name="GRACE")  # the GPU's host
    tray5 = doc.place("nvlink5-switch-tray", rack, u=11, name="ST5")
    tray6 = doc.place("nvlink6-switch-tray", rack, u=12, name="ST6")
    chip5 = doc.place("nvlink5-switch", tray5, bay=0, name="SW5")
    chip6 = doc.place("nvlink6-switch", tray6, bay=0, name="SW6")
    doc.connect(gpu, chip5, protocol="nvlink5", count=18)
    doc.connect(chip5, chip6, protocol="nvlink5", count=18, port_a="nvlink", port_b="nvlink")
    return _described(doc, "an NVLink 5 switch chip joined to an NVLink 6 switch chip in one domain")


def catalog_unknown_part() -> Design:
    doc = _doc("mesh-4gpu")
    _put(doc, _of_part(doc, "b200-hgx")[0], part="b999-prototype")
    doc.design.racks[0].part = "rack-unobtainium"
    return _described(doc, "a GPU and a rack whose part ids no catalog defines")


# ------------------------------------------------------------------ scale-out fabric
def _nic_trays(doc: Document, trays: int, nic: str = "connectx-8", nics: int = 4) -> list[list[str]]:
    """A compute rack of trays holding only NICs (no GPUs, so no scale-up findings), NIC k in nic bay k."""
    rack = doc.add_rack("mgx-nvl72-rack", name="R1")
    out = []
    for t in range(trays):
        tray = doc.place("gb300-compute-tray", rack, u=3 + t, name=f"CT{t + 1:02d}")
        out.append([doc.place(nic, tray, bay=6 + k, name=f"CT{t + 1:02d}/NIC{k + 1}") for k in range(nics)])
    return out


def _net_rack(doc: Document, *parts: str) -> list[str]:
    rack = doc.add_rack("rack-48u-network", name="NET")
    u, out = 2.0, []
    for i, part in enumerate(parts):
        out.append(doc.place(part, rack, u=u, name=f"SW{i + 1}"))
        u += doc.catalog.get(part).height_u
    return out


def fabric_rate_mismatch() -> Design:
    doc = _doc()
    (nic, *_), = _nic_trays(doc, 1, nics=1)
    (leaf,) = _net_rack(doc, "quantum-2-qm9700")
    doc.connect(nic, leaf, protocol="infiniband", medium="pluggable-optic")
    return _described(doc, "an 800G ConnectX-8 on a 400G Quantum-2 port: the link runs at 400G, the NIC loses half")


def fabric_oversubscription() -> Design:
    doc = _doc()
    trays = _nic_trays(doc, 18)
    leaf, lone, spine = _net_rack(doc, "quantum-x800-q3400", "quantum-x800-q3400", "quantum-x800-q3400")
    for nics in trays:
        for nic in nics:
            doc.connect(nic, leaf, protocol="infiniband", medium="pluggable-optic")
    doc.connect(leaf, spine, protocol="infiniband", medium="pluggable-optic")
    extra = _nic_trays(doc, 1)[0]
    doc.remove(doc.design.racks[-1].id)
    rack = next(r.id for r in doc.design.racks if r.name == "R1")
    tray = doc.place("gb300-compute-tray", rack, u=30, name="CT30")
    for k in range(4):
        doc.connect(doc.place("connectx-8", tray, bay=6 + k, name=f"CT30/NIC{k + 1}"), lone, protocol="infiniband",
                    medium="pluggable-optic")
    del extra
    return _described(doc, "a leaf with 72 x 800G down and one 800G uplink (72:1), and a leaf with no uplink at all")


def fabric_radix() -> Design:
    doc = _doc()
    trays = _nic_trays(doc, 17, nic="connectx-7")
    (leaf,) = _net_rack(doc, "quantum-2-qm9700")
    nics = [nic for tray in trays for nic in tray][:65]
    for nic in nics:
        doc.connect(nic, leaf, protocol="infiniband", medium="pluggable-optic")
    return _described(doc, "65 NIC links on a 64-port Quantum-2 QM9700")


def _dgx_ports(doc: Document, hosts: int, part: str, bay: int, per_host: int) -> list[str]:
    """NIC or DPU parts in DGX B200 systems (no GPUs placed, so no scale-up findings) in a rack of their own."""
    rack = doc.add_rack("rack-48u-network", name="R1")
    out = []
    for h in range(hosts):
        box = doc.place("dgx-b200", rack, u=2 + 11 * h, name=f"DGX{h + 1}")
        out += [doc.place(part, box, bay=bay + k, name=f"DGX{h + 1}/{part.split('-')[0].upper()}{k + 1}")
                for k in range(per_host)]
    return out


def fabric_breakout_unsupported() -> Design:
    doc = _doc()
    nics = _dgx_ports(doc, 1, "connectx-7", 12, 2)
    (sw,) = _net_rack(doc, "spectrum-x-photonics-sn6810")
    for i, nic in enumerate(nics):
        doc.connect(nic, sw, protocol="ethernet", port_a="net", port_b="net", index_b=0, split_b=2, sub_b=i,
                    medium="cpo-fiber")
    return _described(doc, "two 400G NICs on a 2-way split SN6810 port: its 800G ports split only 4 ways (4 x 200G)")


def fabric_breakout_overfull() -> Design:
    doc = _doc()
    dpus = _dgx_ports(doc, 3, "bluefield-3", 20, 2)
    (sw,) = _net_rack(doc, "spectrum-4-sn5600")
    ends = [(d, p) for d in dpus for p in range(2)][:5]
    for dpu, port in ends:
        doc.connect(dpu, sw, protocol="ethernet", port_a="net", port_b="net", index_a=port, index_b=0, split_b=4)
    return _described(doc, "five 200G DPU ports on one SN5600 port split 4 ways: a 4-way breakout has 4 legs")


def fabric_breakout_mixed() -> Design:
    doc = _doc()
    (nic,) = _dgx_ports(doc, 1, "connectx-7", 12, 1)
    (sw,) = _net_rack(doc, "spectrum-4-sn5600")
    box = doc.design.nodes[0].id
    dpu = doc.place("bluefield-3", box, bay=20, name="DGX1/DPU1")
    doc.connect(nic, sw, protocol="ethernet", port_a="net", port_b="net", index_b=0, split_b=2)
    doc.connect(dpu, sw, protocol="ethernet", port_a="net", port_b="net", index_a=0, index_b=0, split_b=4)
    return _described(doc, "a 400G leg of a 2-way split and a 200G leg of a 4-way split on one SN5600 port")


def fabric_cpo_medium() -> Design:
    doc = _doc()
    (a, b, *_), = _nic_trays(doc, 1)
    (cpo,) = _net_rack(doc, "quantum-x-photonics-q3450")
    doc.connect(a, cpo, protocol="infiniband", medium="pluggable-optic")
    doc.connect(b, cpo, protocol="infiniband", medium="active-copper", length_m=1.0)
    return _described(doc, "a pluggable module on a Q3450 CPO port, and a CPO port on active copper instead of fibre")


def fabric_copper_lane_rate() -> Design:
    doc = _doc()
    (xdr, *_), = _nic_trays(doc, 1)
    (ndr, *_), = _nic_trays(doc, 1, nic="connectx-7")
    doc.get(doc.design.racks[-1].id).position.x_mm += 600  # the second compute rack stands beside the first
    q3400, qm9700 = _net_rack(doc, "quantum-x800-q3400", "quantum-2-qm9700")
    doc.connect(xdr, q3400, protocol="infiniband", medium="copper-cable", length_m=1.5)
    doc.connect(ndr, qm9700, protocol="infiniband", medium="copper-cable", length_m=1.5)
    return _described(doc, "an 800G XDR link (200G-PAM4 lanes) on a passive DAC; the 400G NDR DAC beside it is fine")


def fabric_rail() -> Design:
    doc = _doc()
    trays = _nic_trays(doc, 3, nic="connectx-7")
    leaves = _net_rack(doc, *["quantum-2-qm9700"] * 4)
    for t, nics in enumerate(trays):
        order = [1, 0, 2, 3] if t == 2 else [0, 1, 2, 3]
        for k, nic in enumerate(nics):
            doc.connect(nic, leaves[order[k]], protocol="infiniband", medium="pluggable-optic")
    return _described(doc, "NIC 1 and NIC 2 of CT03 swapped: each lands on the other rail's leaf")


def impossible_c2c_across_trays() -> Design:
    doc = _doc()
    rack = doc.add_rack("mgx-nvl72-rack", name="R1")
    t1 = doc.place("gb200-compute-tray", rack, u=10, name="CT01")
    t2 = doc.place("gb200-compute-tray", rack, u=11, name="CT02")
    grace = doc.place("grace", t1, bay=0, name="CT01/CPU1")
    gpu = doc.place("b200-gb200", t2, bay=2, name="CT02/GPU1")
    tray = doc.place("nvlink5-switch-tray", rack, u=12, name="ST01")
    chip = doc.place("nvlink5-switch", tray, bay=0, name="ST01/SW1")
    doc.connect(gpu, chip, protocol="nvlink5", count=18)
    doc.connect(grace, gpu, protocol="nvlink-c2c", port_a="c2c", port_b="c2c")
    return _described(doc, "NVLink-C2C from a Grace in CT01 to a GPU in CT02: C2C stays on its superchip board")


def domain_host_missing() -> Design:
    doc = _doc("gb200-nvl72")
    doc.remove(_by_name(doc, "CT01/CPU1"))
    return _described(doc, "the first Grace of CT01 removed: its two GB200 GPUs are left without their host")


def reach_implied_medium() -> Design:
    doc = _doc()
    a1, _, b1, _ = _two_racks_of_chips(doc)
    doc.connect(a1, b1, protocol="nvlink5")
    (nic,), = _nic_trays(doc, 1, nic="connectx-7", nics=1)
    doc.get(doc.design.racks[-1].id).position.x_mm += 1200
    (leaf,) = _net_rack(doc, "quantum-2-qm9700")
    doc.connect(nic, leaf, protocol="infiniband", length_m=3000)
    doc.set(doc.design.links[-1].id, optic="osfp-800g-fr4")
    return _described(doc, "links with no medium: NVLink between racks (its ports imply the copper backplane) and "
                            "a 3 km NDR link on the 2 km FR4 twin module (pluggable optics): both checked")


def latency_budget() -> Design:
    doc = _doc("mesh-4gpu")
    rack = doc.design.racks[0].id
    gpus = [n.id for n in doc.design.nodes if n.part == doc.design.nodes[0].part]
    doc.set_design(latency_budgets=[
        LatencyBudget(name="holds", from_ids=[gpus[0]], to_ids=[rack], max_us=1.0),
        LatencyBudget(name="too tight", from_ids=[gpus[0]], to_ids=[rack], max_us=0.001),
    ])
    return _described(doc, "two latency budgets over one board: 1 us holds, 1 ns cannot (serialisation alone "
                           "takes 5 ns)")


def geometry_unknown_hall() -> Design:
    doc = _doc("mesh-4gpu")
    rack = doc.design.racks[0]
    doc.set(rack.id, position=rack.position.model_copy(update={"hall": "H9"}))
    return _described(doc, "a rack in hall H9, which the (empty) site plan does not hold")


def catalog_wrong_kind() -> Design:
    doc = _doc("mesh-4gpu")
    spare = doc.add_rack("rack-42u-air", name="R2")
    doc.get(spare).part = "b200-hgx"
    doc.design.nodes.append(Node(id="Q1", name="NESTED", part="rack-42u-air", parent=doc.design.racks[0].id, u=40))
    return _described(doc, "a rack whose part is a GPU, and a rack placed inside a rack")


DESIGNS: dict[str, Callable[[], Design]] = {
    "ports-overcommitted": ports_overcommitted,
    "ports-unconnected": ports_unconnected,
    "ports-dangling": ports_dangling,
    "protocol-nvlink-generation": protocol_nvlink_generation,
    "protocol-c2c-vs-nvlink": protocol_c2c_vs_nvlink,
    "protocol-ucie-outside-package": protocol_ucie_outside_package,
    "protocol-xpu-without-fusion": protocol_xpu_without_fusion,
    "protocol-pcie-generation": protocol_pcie_generation,
    "power-rack-budget": power_rack_budget,
    "power-shelf-redundancy": power_shelf_redundancy,
    "cooling-liquid-capacity": cooling_liquid_capacity,
    "cooling-air-capacity": cooling_air_capacity,
    "cooling-flow": cooling_flow,
    "cooling-cdu-capacity": cooling_cdu_capacity,
    "bandwidth-scale-up": bandwidth_scale_up,
    "bandwidth-oversubscription": bandwidth_oversubscription,
    "geometry-overlap": geometry_overlap,
    "geometry-out-of-rack": geometry_out_of_rack,
    "geometry-bay": geometry_bay,
    "geometry-orphan": geometry_orphan,
    "geometry-floor-overlap": geometry_floor_overlap,
    "geometry-off-floor": geometry_off_floor,
    "geometry-keepout": geometry_keepout,
    "reach-copper": reach_copper,
    "reach-optic": reach_optic,
    "domain-size": domain_size,
    "domain-mixed-generation": domain_mixed_generation,
    "catalog-unknown-part": catalog_unknown_part,
    "fabric-rate-mismatch": fabric_rate_mismatch,
    "fabric-oversubscription": fabric_oversubscription,
    "fabric-radix": fabric_radix,
    "fabric-cpo-medium": fabric_cpo_medium,
    "fabric-breakout-unsupported": fabric_breakout_unsupported,
    "fabric-breakout-overfull": fabric_breakout_overfull,
    "fabric-breakout-mixed": fabric_breakout_mixed,
    "fabric-copper-lane-rate": fabric_copper_lane_rate,
    "fabric-rail": fabric_rail,
    "impossible-c2c-across-trays": impossible_c2c_across_trays,
    "domain-host-missing": domain_host_missing,
    "reach-implied-medium": reach_implied_medium,
    "catalog-wrong-kind": catalog_wrong_kind,
    "latency-budget": latency_budget,
    "geometry-unknown-hall": geometry_unknown_hall,
    "geometry-hot-aisle-front": geometry_hot_aisle_front,
    "geometry-aisle-width": geometry_aisle_width,
    "geometry-row-slot": geometry_row_slot,
    "geometry-tray-fill": geometry_tray_fill,
}


def main() -> None:
    BROKEN.mkdir(parents=True, exist_ok=True)
    for name, make in DESIGNS.items():
        save(make(), BROKEN / f"{name}.rackcad")
        print(f"examples/broken/{name}.rackcad")


if __name__ == "__main__":
    main()
