"""The system templates. Each builder takes a Document and its parameters and places and wires parts.

Figures behind the layouts (sources in rackcad/assets/catalog/sources.yaml):
- GB200/GB300 NVL72: 18 x 1U compute trays (2 Grace + 4 GPUs), 9 x 1U NVLink switch trays (2 chips),
  8 x 33 kW power shelves, 2 management switches (S1, S3, S8); every GPU has one NVLink 5 link to each
  of the 18 switch chips (72 x 18 = 1,296 links, S9, S16); each Grace has NVLink-C2C to its 2 GPUs (S45).
- Vera Rubin NVL144 (= "NVL72" by package count): 4 Rubin + 2 Vera per tray, 4 NVLink 6 chips per switch
  tray (36 chips), 36 links per GPU (S14).
- HGX H100: 8 GPUs, 4 third-generation NVSwitch chips, 18 links per GPU split 5/4/4/5 (S13, S42).
"""

from __future__ import annotations

from rackcad.document import Document
from rackcad.templates.base import Param, Template, TemplateError
from rackcad.templates.repeat import racks_param, repeated
from rackcad.templates.wiring import wire_domain


# ---------------------------------------------------------------- helpers
def fill(doc: Document, tray: str, part_id: str, count: int, name: str) -> list[str]:
    """Place `count` parts in the first free bays of `tray` that take them."""
    kind = doc.catalog.get(part_id).kind
    out = []
    prefix = doc.get(tray).name
    for i in range(count):
        bay = doc.free_bay(tray, kind)
        if bay is None:
            raise TemplateError(f"{prefix} has no free bay for {part_id}")
        out.append(doc.place(part_id, tray, bay=bay, name=f"{prefix}/{name}{i + 1}"))
    return out


def c2c_pairs(doc: Document, cpus: list[str], gpus: list[str]) -> None:
    """Each CPU gets NVLink-C2C to its share of GPUs (Grace: 2 each)."""
    per_cpu = len(gpus) // max(len(cpus), 1)
    for i, cpu in enumerate(cpus):
        for gpu in gpus[i * per_cpu : (i + 1) * per_cpu]:
            doc.connect(cpu, gpu, protocol="nvlink-c2c", port_a="c2c", port_b="c2c")


def shelves(doc: Document, rack: str, part_id: str, us: list[int]) -> None:
    for i, u in enumerate(us):
        doc.place(part_id, rack, u=u, name=f"PS{i + 1}")


def compute_tray(
    doc: Document, rack: str, u: int, index: int, tray: str, cpu: str, acc: str, nics: list[tuple[str, int]],
    cpu_link: str = "c2c",
) -> tuple[list[str], list[str]]:
    """One compute tray with 2 CPUs, 4 accelerators and NICs; CPU-accelerator links. Returns (cpus, accs)."""
    t = doc.place(tray, rack, u=u, name=f"CT{index:02d}")
    cpus = fill(doc, t, cpu, 2, "CPU")
    accs = fill(doc, t, acc, 4, "GPU" if doc.catalog.get(acc).kind == "gpu" else "XPU")
    for nic, count in nics:
        fill(doc, t, nic, count, "NIC" if doc.catalog.get(nic).kind == "nic" else "DPU")
    if cpu_link == "c2c":
        c2c_pairs(doc, cpus, accs)
    else:
        for i, cpu_id in enumerate(cpus):
            for acc_id in accs[i * 2 : i * 2 + 2]:
                doc.connect(cpu_id, acc_id, protocol=cpu_link, port_a="pcie", port_b="host")
    return cpus, accs


def switch_trays(doc: Document, rack: str, first_u: int, count: int, tray: str, chip: str,
                 start: int = 1, label: str = "ST") -> list[str]:
    chips_per_tray = doc.catalog.get(tray).bay_count
    chips: list[str] = []
    for i in range(count):
        t = doc.place(tray, rack, u=first_u + i, name=f"{label}{start + i:02d}")
        chips += fill(doc, t, chip, chips_per_tray, "SW")
    return chips


def oberon_rack(
    doc: Document, rack: str, *, trays: int, tray: str, cpu: str, acc: str, nics: list[tuple[str, int]],
    switch_tray: str, switch_chip: str, switch_count: int = 9, extra_switch_trays: int = 0,
    shelf: str = "power-shelf-33kw", shelf_counts: tuple[int, int] = (4, 4), cpu_link: str = "c2c",
    wire: bool = True,
) -> tuple[list[str], list[str]]:
    """An NVL72-style rack, bottom to top as in S1: power shelves, 8 compute trays, the NVLink switch
    trays (mid-rack, to keep the copper spine short), the other compute trays, any extra switch trays,
    power shelves, 2 management switches. Returns (accelerators, switch chips in tray order)."""
    shelf_h = int(doc.catalog.get(shelf).height_u or 1)
    u = 1
    lower, upper = shelf_counts
    shelf_us = []
    for _ in range(lower):
        shelf_us.append(u)
        u += shelf_h
    accs: list[str] = []
    chips: list[str] = []
    below = min(trays, 8)
    for i in range(below):
        accs += compute_tray(doc, rack, u, i + 1, tray, cpu, acc, nics, cpu_link)[1]
        u += 1
    chips += switch_trays(doc, rack, u, switch_count, switch_tray, switch_chip)
    u += switch_count
    for i in range(below, trays):
        accs += compute_tray(doc, rack, u, i + 1, tray, cpu, acc, nics, cpu_link)[1]
        u += 1
    if extra_switch_trays:
        chips += switch_trays(doc, rack, u, extra_switch_trays, switch_tray, switch_chip, start=switch_count + 1)
        u += extra_switch_trays
    for _ in range(upper):
        shelf_us.append(u)
        u += shelf_h
    shelves(doc, rack, shelf, shelf_us)
    for i in range(2):
        doc.place("mgmt-switch-sn2201", rack, u=u + i, name=f"MGMT{i + 1}")
    if wire:
        wire_domain(doc, accs, chips, medium="backplane-copper")
    return accs, chips


# ------------------------------------------------------------- templates
def _nvl72(doc: Document, *, gpu: str, tray: str, nics: list[tuple[str, int]], compute_trays: int) -> None:
    rack = doc.add_rack("mgx-nvl72-rack", name="NVL72")
    oberon_rack(doc, rack, trays=compute_trays, tray=tray, cpu="grace", acc=gpu, nics=nics,
                switch_tray="nvlink5-switch-tray", switch_chip="nvlink5-switch")


def build_gb200_nvl72(doc: Document, compute_trays: int) -> None:
    _nvl72(doc, gpu="b200-gb200", tray="gb200-compute-tray",
           nics=[("connectx-7", 4), ("bluefield-3", 2)], compute_trays=compute_trays)


def build_gb300_nvl72(doc: Document, compute_trays: int) -> None:
    _nvl72(doc, gpu="b300-gb300", tray="gb300-compute-tray", nics=[("connectx-8", 4)], compute_trays=compute_trays)
    # S8: up to 142 kW per rack, more than 4 of the 8 x 33 kW shelves carry: the shelves run N+1, not N+N;
    # and more than the GB200 rack's 120 kW cooling target (S53) reaches the liquid: NVL72 DLC is sized
    # 120-142 kW (hardware facts, section 7; S8), so the GB300 rack takes the top of that range.
    doc.set(doc.design.racks[0].id, power_redundancy="n+1", power_budget_w=150_000, liquid_capacity_w=142_000)


def build_vr_nvl144(doc: Document, compute_trays: int) -> None:
    rack = doc.add_rack(
        "mgx-nvl72-rack", name="VR-NVL144",
        # S22: 180-230 kW per rack, 100 % liquid (S20): the Oberon rack's budgets are raised to match.
        power_budget_w=230_000, liquid_capacity_w=230_000, power_redundancy="n+1",
    )
    oberon_rack(doc, rack, trays=compute_trays, tray="vr-compute-tray", cpu="vera", acc="rubin",
                nics=[("connectx-9", 8)], switch_tray="nvlink6-switch-tray", switch_chip="nvlink6-switch",
                shelf="power-shelf-110kw", shelf_counts=(2, 2))


def build_fusion_xpu(doc: Document, accelerator: str, sleds: int) -> None:
    """NVLink Fusion (S39): custom CPUs and custom XPUs (NVLink chiplet over UCIe) on NVLink 5 switch trays.

    accelerator="xpu": custom XPUs reach their host CPU over PCIe 6 and the NVLink domain through the
    Fusion chiplet; accelerator="gpu": custom CPUs join Blackwell GPUs over NVLink-C2C (Fusion mode a).
    """
    rack = doc.add_rack("mgx-nvl72-rack", name="Fusion")
    if accelerator == "xpu":
        acc, link = "custom-xpu-fusion", "pcie6"
    else:
        acc, link = "b200-gb200", "c2c"
    oberon_rack(doc, rack, trays=sleds, tray="custom-compute-sled", cpu="custom-cpu-c2c", acc=acc,
                nics=[("connectx-8", 4)], switch_tray="nvlink5-switch-tray", switch_chip="nvlink5-switch",
                cpu_link=link)


def build_gb200_nvl576(doc: Document, racks: int, spine_racks: int) -> None:
    """GB200 NVL576 as a two-tier NVLink 5 fabric (announced; S4 claims 576 GPUs per domain, S49 shows a
    two-tier optical design, S48: no multi-level NVLink switch product shipped).

    Each compute rack doubles its switch trays to 18 (36 first-tier chips, 36 ports down, 36 up), so the
    first tier is non-blocking. GPU g uses chips 0-17 (g < 36) or 18-35 (g >= 36), one link each. Plane p
    is the first-tier chips p and p+18 of every rack (2 x racks chips, 36 uplinks each), joined to
    racks x 36 x 2 / 72 second-tier chips with 4 or 5 links per pair; the second tier sits in spine racks.
    """
    if 36 * 2 * racks % 72:
        raise TemplateError("racks must make whole second-tier chips")
    l2_per_plane = 36 * 2 * racks // 72
    compute_racks: list[str] = []
    l1: list[list[str]] = []
    half = racks // 2
    for r in range(racks):
        # The optical second tier costs each compute rack 36 chips x 9 x 1.6T modules of 25 W = 8.1 kW (S16,
        # S33): with 18 switch trays the rack outgrows the GB200 4+4 shelves, so it runs N+1 within the 150 kW
        # a DGX SuperPOD rack is budgeted (S6) - one reason NVL576 is announced but not shipping. The modules sit
        # in air-cooled cages: their heat needs a rear-door exchanger, taken here as 40 kW of air (an estimate).
        rack = doc.add_rack("mgx-nvl72-rack", name=f"R{r + 1}", power_redundancy="n+1", power_budget_w=150_000,
                            air_capacity_w=40_000)
        compute_racks.append(rack)
        accs, chips = oberon_rack(
            doc, rack, trays=18, tray="gb200-compute-tray", cpu="grace", acc="b200-gb200",
            nics=[("connectx-7", 4), ("bluefield-3", 2)], switch_tray="nvlink5-switch-tray",
            switch_chip="nvlink5-switch", switch_count=9, extra_switch_trays=9, wire=False,
        )
        wire_domain(doc, accs[:36], chips[:18], medium="backplane-copper")
        wire_domain(doc, accs[36:], chips[18:], medium="backplane-copper")
        # The 1,296 second-tier uplinks of a compute rack need 432 1.6T twin-port transceivers (4 links per
        # module, 2 modules where a chip pair has 5 links; 25 W each, S32/S33): 10.8 kW more than an NVL72,
        # 139.7 kW in all. That is above the 132 kW its 8 x 33 kW shelves deliver N+N (S3),
        # so the shelves run N+1 as on GB300 NVL72, whose 142 kW racks use the same 8 shelves (S8): 231 kW.
        # The transceivers cool to air (pluggable cages), 35.3 kW of it: inside the 30-40 kW an air-cooled rack
        # moves (S40), so the rack's air capacity is the upper figure.
        doc.set(rack, power_redundancy="n+1", air_capacity_w=40_000)
        l1.append(chips)
        if r == half - 1:
            for s in range(spine_racks):
                doc.add_rack("mgx-nvl72-rack", name=f"SPINE{s + 1}")
    spines = [r.id for r in doc.design.racks if r.name.startswith("SPINE")]
    l2_total = 18 * l2_per_plane
    trays_needed = l2_total // 2
    per_rack = -(-trays_needed // len(spines))
    if per_rack > 40:
        raise TemplateError(f"{trays_needed} second-tier trays do not fit in {len(spines)} spine racks")
    l2: list[str] = []
    made = 0
    for s, spine in enumerate(spines):
        shelves(doc, spine, "power-shelf-33kw", [1, 2])
        count = min(per_rack, trays_needed - made)
        l2 += switch_trays(doc, spine, 3, count, "nvlink5-switch-tray", "nvlink5-switch",
                           start=made + 1, label="L2-")
        made += count
    for p in range(18):
        plane_l1 = [l1[r][p] for r in range(racks)] + [l1[r][p + 18] for r in range(racks)]
        plane_l2 = l2[p * l2_per_plane : (p + 1) * l2_per_plane]
        for i, a in enumerate(plane_l1):
            for j, b in enumerate(plane_l2):
                count = 36 // l2_per_plane + (1 if (i + j) % l2_per_plane < 36 % l2_per_plane else 0)
                doc.connect(a, b, protocol="nvlink5", count=count, medium="pluggable-optic",
                            port_a="nvlink", port_b="nvlink")


def build_kyber_nvl576(doc: Document, pods: int) -> None:
    """Rubin Ultra NVL576 in a Kyber rack (announced; S17, S21): 4 pods x 18 vertical blades with 2 Rubin
    Ultra packages (4 dies each) and a Vera CPU, switch blades on the midplane. Switch chip radix, link
    count and per-part power are estimates (see the catalog notes)."""
    rack = doc.add_rack("kyber-rack", name="Kyber")
    accs: list[str] = []
    chips: list[str] = []
    for p in range(pods):
        pod = doc.place("kyber-pod", rack, u=1 + p * 10, name=f"POD{p + 1}")
        for b in range(18):
            blade = doc.place("rubin-ultra-blade", pod, bay=b, name=f"P{p + 1}B{b + 1:02d}")
            gpus = fill(doc, blade, "rubin-ultra", 2, "GPU")
            cpus = fill(doc, blade, "vera", 1, "CPU")
            fill(doc, blade, "connectx-9", 4, "NIC")
            c2c_pairs(doc, cpus, gpus)
            accs += gpus
        for s in range(3):
            sb = doc.place("kyber-switch-blade", pod, bay=18 + s, name=f"P{p + 1}SB{s + 1}")
            chips += fill(doc, sb, "nvlink7-switch", 6, "SW")
    # The switch blades plug into a PCB midplane, no cable cartridges (S17): NVLink runs on PCB traces.
    wire_domain(doc, accs, chips, medium="pcb")


def _dgx(doc: Document, system: str, gpu: str, switch: str, switches: int, pattern: list[int] | None,
         name: str) -> None:
    rack = doc.add_rack("rack-42u-air", name="R1")
    box = doc.place(system, rack, u=10, name=name)
    gpus = fill(doc, box, gpu, 8, "GPU")
    chips = fill(doc, box, switch, switches, "SW")
    cpus = fill(doc, box, "x86-host-cpu", 2, "CPU")
    nics = fill(doc, box, "connectx-7", 8, "NIC")
    # DGX H100 / B200 are air-cooled (S42, S41): parts whose catalog share is for GB200's cold plates
    # (ConnectX-7, the NVLink 5 switch chip; S1) send their heat to air in this rack without facility water.
    for node in gpus + chips + cpus + nics:
        part = doc.part_of(node)
        if part is not None and part.liquid_fraction:
            doc.set(node, overrides={"liquid_share": 0.0})
    wire_domain(doc, gpus, chips, medium="pcb", pattern=pattern)


def build_hgx_h100(doc: Document) -> None:
    # S13: each H100 splits its 18 NVLink 4 links 5/4/4/5 over the 4 NVSwitch chips.
    _dgx(doc, "dgx-h100", "h100-sxm", "nvswitch-gen3", 4, [5, 4, 4, 5], "DGX-H100")


def build_hgx_b200(doc: Document) -> None:
    # 8 x 18 = 144 links over 2 chips of 72 ports: 9 links from every GPU to each chip.
    _dgx(doc, "dgx-b200", "b200-hgx", "nvlink5-switch", 2, None, "DGX-B200")


def build_mesh(doc: Document, gpus: int) -> None:
    """Accelerators wired directly to each other, no switch: 18 links split evenly over the peers."""
    if 18 % (gpus - 1):
        raise TemplateError("gpus must divide 18 links evenly over the peers (2, 3, 4, 7, 10 or 19)")
    per_pair = 18 // (gpus - 1)
    rack = doc.add_rack("rack-42u-air", name="R1")
    sleds = []
    for s in range(-(-gpus // 4)):
        sleds.append(doc.place("custom-compute-sled", rack, u=10 + s, name=f"SLED{s + 1}"))
    ids: list[str] = []
    for i in range(gpus):
        ids += fill(doc, sleds[i // 4], "b200-hgx", 1, f"GPU{i + 1}-")
    fill(doc, sleds[0], "x86-host-cpu", 1, "CPU")
    for i in range(gpus):
        for j in range(i + 1, gpus):
            doc.connect(ids[i], ids[j], protocol="nvlink5", count=per_pair, medium="pcb",
                        port_a="nvlink", port_b="nvlink")


TEMPLATES = [
    Template("gb200-nvl72", "GB200 NVL72",
             "72 Blackwell GPUs and 36 Grace CPUs in 18 compute trays, 9 NVLink 5 switch trays (18 chips), "
             "one NVLink domain of 72 over a copper spine.", "shipping",
             repeated(build_gb200_nvl72, "GB200 NVL72"),
             {"compute_trays": Param(18, "compute trays (1-18)", tuple(range(1, 19))), "racks": racks_param()}),
    Template("gb300-nvl72", "GB300 NVL72",
             "72 Blackwell Ultra GPUs, 36 Grace, ConnectX-8; same NVLink 5 spine as GB200 NVL72.", "shipping",
             repeated(build_gb300_nvl72, "GB300 NVL72"),
             {"compute_trays": Param(18, "compute trays (1-18)", tuple(range(1, 19))), "racks": racks_param()}),
    Template("vr-nvl144", "Vera Rubin NVL144",
             "72 Rubin packages (144 dies) and 36 Vera CPUs, 9 NVLink 6 switch trays with 4 chips each.",
             "announced", repeated(build_vr_nvl144, "Vera Rubin NVL144"),
             {"compute_trays": Param(18, "compute trays (1-18)", tuple(range(1, 19))), "racks": racks_param()}),
    Template("kyber-nvl576", "Rubin Ultra NVL576 (Kyber)",
             "144 Rubin Ultra packages (576 dies) in 4 pods of 18 blades, NVLink 7 switch blades "
             "(topology and power are estimates).", "announced", build_kyber_nvl576,
             {"pods": Param(4, "pods (1-4)", (1, 2, 3, 4))}),
    Template("gb200-nvl576", "GB200 NVL576",
             "8 GB200 NVL72 racks joined by a second tier of NVLink 5 switches over optics into one "
             "576-GPU domain (announced, not shipping).", "announced", build_gb200_nvl576,
             {"racks": Param(8, "compute racks (2, 4, 6 or 8)", (2, 4, 6, 8)),
              "spine_racks": Param(4, "spine racks for the second tier (1-8)", tuple(range(1, 9)))}),
    Template("hgx-h100-8gpu", "HGX H100 8-GPU",
             "DGX H100: 8 H100 SXM on 4 third-generation NVSwitch chips (18 links each, 5/4/4/5).",
             "shipping", build_hgx_h100),
    Template("hgx-b200-8gpu", "HGX B200 8-GPU",
             "DGX B200: 8 Blackwell GPUs on 2 NVLink 5 switch chips (9 links from each GPU to each chip).",
             "shipping", build_hgx_b200),
    Template("mesh-4gpu", "4-GPU NVLink mesh",
             "Four Blackwell GPUs wired directly to each other, 6 NVLink 5 links per pair, no switch.",
             "generic", build_mesh, {"gpus": Param(4, "GPUs in the mesh (2, 3, 4, 7)", (2, 3, 4, 7))}),
    Template("fusion-xpu", "NVLink Fusion rack",
             "Custom CPUs (NVLink-C2C) and custom XPUs (NVLink Fusion chiplet over UCIe) on NVLink 5 switch "
             "trays: one 72-accelerator NVLink domain.", "generic", build_fusion_xpu,
             {"accelerator": Param("xpu", "xpu (custom XPUs) or gpu (Blackwell with custom CPUs)", ("xpu", "gpu")),
              "sleds": Param(18, "compute sleds (1-18)", tuple(range(1, 19)))}),
]
