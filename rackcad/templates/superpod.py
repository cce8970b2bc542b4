"""DGX SuperPOD templates: scalable units of compute racks and their scale-out compute fabric on the floor.

- `gb200-superpod`: scalable units (SU) of 8 GB200 NVL72 racks = 576 GPUs (S6, S7), up to 16 SUs = 128
  racks / 9,216 GPUs (S6, F12). One 400G ConnectX-7 per GPU, 4 rails per compute tray (S1, F12). The compute
  fabric is a rail-optimised fat tree (`rackcad.fabric`): NDR Quantum-2 QM9700 (F1, S7) with pluggable
  optics, or Quantum-X Photonics Q3450 with co-packaged optics (S30-S32), whose 800G ports link up at the
  NICs' 400G.
- `dgx-b200-superpod`: the HGX counterpart, SUs of 32 DGX B200 (8 GPUs, 8 rails each; F13), 2 systems per
  air-cooled rack (> 25 kW per rack, S41). On QM9700 at 1:1 the fabric builder's radix arithmetic gives
  F13's own table: 2 SUs 16 leaf / 8 spine, 8 SUs 64 / 32, 16 SUs 128 / 128 / 64 core.

Breakout (`breakout=true`, the default): leaf ports faster than the NICs split into sub-ports at the NIC
rate where the switch's catalog allows (`rackcad.fabric.plan`): 400G NICs on 2 x 400G Q3450 ports, 200G DPU
ports on 4 x 200G SN5600 ports, so a leaf serves more NICs and fewer leaves are needed; `breakout=false`
gives every NIC a whole leaf port.

`storage=true` adds the storage and in-band (front-end) Ethernet fabric of F12 (one physical fabric for
both, S7: Spectrum-4 SN5600, F4) on the BlueField-3 DPUs of every compute tray (of every DGX B200: its 2
dual-port BlueField-3, F13, placed only then, so the design without it is unchanged): each DPU port its own link,
the two ports of a DPU on two leaves (`rackcad.fabric.nic_endpoints(per_port=True)`), the switches in
storage network racks of their own (leaves at the end of each SU row, spines in the spine row).

Each SU stands in one row; its leaves stand in network racks of that row, at the end of the row or in the
middle (`network=end|middle`); spines and cores in a spine row behind the last SU. The rows are floor-plan
rows (`FloorPlan.rows`), spaced by the rack depth plus a 1.2 m aisle (two floor tiles); they alternate, so
rows 1 and 2 stand back to back across a hot aisle, rows 2 and 3 face each other across a cold aisle, and
so on (the racks snapped into their slots face their row's cold aisle). An overhead cable tray runs along
the middle of every row and one across each end of the rows joins them, so every cable's length is routed
through the trays (rackcad.figures.routing): rack -> row tray -> end tray -> row tray -> rack.
"""

from __future__ import annotations

import math

from rackcad.document import Document
from rackcad.editing import hall
from rackcad.fabric import NetworkRacks, build_fat_tree
from rackcad.model import FloorPlan, FloorPosition
from rackcad.templates.base import Param, Template
from rackcad.templates.systems import fill, oberon_rack
from rackcad.templates.wiring import wire_domain

AISLE_MM = 1200.0
MARGIN_MM = 1200.0
PITCH_MM = 600.0
"""Slot pitch of the rows: every rack part of the SuperPODs is 600 mm wide."""
TRAY_WIDTH_MM = 600.0
"""Overhead ladder tray width (estimate: a common 600 mm tray; no source in the reference figures)."""
TRAY_SIZES_MM = [(w, h) for h in (100.0, 150.0, 200.0) for w in (600.0, 900.0, 1200.0)]
"""Ladder tray cross-sections the template sizes a tray up through, smallest first (estimate: common
stock widths and side heights)."""
NETWORK_RACK = "rack-48u-network"
STORAGE_SWITCH = ("spectrum-4-sn5600", 8)
"""Storage / in-band fabric switch (S7, F4) and switches per network rack: 8 x 2U SN5600 at 1,200 W
(estimate) plus up to 64 x 18 W modules (F4) each stay inside the network rack's budget."""

FABRIC_SWITCHES = {
    # optics -> (switch part, switches per network rack). 16 x 1U QM9700 with 32 twin-port modules each
    # ~21 kW of air; 8 x 4U Q3450 with CPO ~26 kW to liquid: both inside the network rack's budgets.
    "pluggable": ("quantum-2-qm9700", 16),
    "cpo": ("quantum-x-photonics-q3450", 8),
}


class Floor:
    """Rows of racks on the hall floor: compute racks and network racks side by side, rows one behind the
    other; the hall grows to hold them."""

    def __init__(self, doc: Document):
        self.doc = doc
        self.right: dict[int, float] = {}
        self.depth = 0.0

    def y(self, row: int) -> float:
        return MARGIN_MM + row * self.pitch

    @property
    def pitch(self) -> float:
        return self.depth + AISLE_MM

    def add(self, row: int, part_id: str, name: str, **fields) -> str:
        part = self.doc.catalog.get(part_id)
        x = self.right.get(row, MARGIN_MM)
        self.right[row] = x + (part.width_mm or 600.0)
        return self.doc.add_rack(part_id, name=name, position=FloorPosition(x_mm=x, y_mm=self.y(row)), **fields)

    def fit_hall(self) -> None:
        """Size the hall to the rows, lay the rows and trays out and snap every rack into its row's slot."""
        doc = self.doc
        rows = max(self.right) + 1
        width = max(self.right.values()) + MARGIN_MM
        depth = self.y(rows - 1) + self.depth + MARGIN_MM
        doc.set_design(floor=FloorPlan(width_mm=math.ceil(width / 600) * 600, depth_mm=math.ceil(depth / 600) * 600),
                       label="Fit the hall")
        members: dict[float, list] = {}
        for rack in doc.design.racks:
            members.setdefault(rack.position.y_mm, []).append(rack)
        left, right = MARGIN_MM - TRAY_WIDTH_MM / 2, max(self.right.values()) + TRAY_WIDTH_MM / 2
        for r in range(rows):
            y = self.y(r)
            racks = members.get(y, [])
            slots = max(round((rack.position.x_mm - MARGIN_MM) / PITCH_MM) for rack in racks) + 1
            first = racks[0].name.split("-")[0]
            name = f"{first} row" if first.startswith("SU") else "Spine row"
            row = hall.add_row(doc, (MARGIN_MM, y), name=name,
                               slots=slots, pitch_mm=PITCH_MM, depth_mm=self.depth,
                               cold_aisle="front" if r % 2 == 0 else "back")
            for rack in racks:
                hall.snap(doc, [rack.id], row, round((rack.position.x_mm - MARGIN_MM) / PITCH_MM))
            hall.add_tray(doc, [(left, y + self.depth / 2), (right, y + self.depth / 2)], name=f"Tray {r + 1}",
                          width_mm=TRAY_WIDTH_MM)
        top, bottom = self.y(0) + self.depth / 2, self.y(rows - 1) + self.depth / 2
        if rows > 1:
            hall.add_tray(doc, [(left, top), (left, bottom)], name="Tray A (row starts)", width_mm=TRAY_WIDTH_MM)
            hall.add_tray(doc, [(right, top), (right, bottom)], name="Tray B (row ends)", width_mm=TRAY_WIDTH_MM)


def _superpod(doc: Document, *, sus: int, optics: str, network: str, oversubscription: int, racks_per_su: int,
              compute_part: str, build_rack, storage: bool = False, breakout: bool = True) -> None:
    """SU rows of compute racks (`build_rack(rack) -> trays`), leaves in each row's network racks, spines and
    cores in a spine row, then one fat tree over every tray's NICs."""
    switch, per_rack = FABRIC_SWITCHES[optics]
    floor = Floor(doc)
    floor.depth = max(doc.catalog.get(compute_part).depth_mm or 1200.0, doc.catalog.get(NETWORK_RACK).depth_mm or 1200.0)
    trays: list[str] = []
    row_of_tray: dict[str, str] = {}
    compute: dict[int, list[str]] = {}
    for su in range(sus):
        for r in range(racks_per_su):
            rack = floor.add(su, compute_part, f"SU{su + 1}-R{r + 1}")
            compute.setdefault(su, []).append(rack)
            for tray in build_rack(rack):
                trays.append(tray)
                row_of_tray[tray] = str(su)

    def open_rack(group: str, n: int) -> str:
        if group == "storage-spine":
            return floor.add(sus, NETWORK_RACK, f"STOR-SPINE-{n + 1}")
        if group.startswith("storage-"):
            su = int(group.removeprefix("storage-"))
            return floor.add(su, NETWORK_RACK, f"STOR{su + 1}-{n + 1}")
        if group == "spine":
            return floor.add(sus, NETWORK_RACK, f"SPINE-{n + 1}")
        return floor.add(int(group), NETWORK_RACK, f"NET{int(group) + 1}-{n + 1}")

    fabric = build_fat_tree(doc, trays, NetworkRacks(doc, open_rack, per_rack=per_rack), leaf=switch,
                            oversubscription=float(oversubscription), fabric="compute", prefix="IB",
                            row_of=row_of_tray.__getitem__, breakout=breakout)
    if oversubscription != 1:  # the leaves are oversubscribed by choice: the check allows what was chosen
        doc.set_design(rules=doc.design.rules.model_copy(update={"max_oversubscription": float(oversubscription)}),
                       label="Allow the chosen oversubscription")
    if network == "middle":
        for su, racks in compute.items():
            _middle_of_row(doc, racks, [r for r in fabric.racks if doc.get(r).name.startswith(f"NET{su + 1}-")])
    if storage:
        part, per_rack = STORAGE_SWITCH
        build_fat_tree(doc, trays, NetworkRacks(doc, open_rack, per_rack=per_rack), leaf=part, fabric="storage",
                       prefix="ST", row_of=lambda tray: f"storage-{row_of_tray[tray]}", nic_kind="dpu",
                       per_port=True, upper_group="storage-spine", breakout=breakout)
    floor.fit_hall()
    _size_trays(doc)


def _size_trays(doc: Document) -> None:
    """Give each tray the smallest stock cross-section (TRAY_SIZES_MM) that keeps the cables routed through
    it within its fill limit (the largest when none does: the tray-fill check then says so)."""
    from rackcad.figures import Figures
    from rackcad.figures.routing import tray_fill

    need: dict[str, float] = {}
    for fill in tray_fill(Figures(doc.design, doc.catalog)):
        need[fill.tray.id] = max(need.get(fill.tray.id, 0.0), fill.area_mm2 / fill.tray.fill_limit)
    for tray in list(doc.design.floor.trays):
        area = need.get(tray.id, 0.0)
        if area <= tray.width_mm * tray.height_mm:
            continue
        width, height = next(((w, h) for w, h in sorted(TRAY_SIZES_MM, key=lambda s: s[0] * s[1])
                              if w * h >= area), TRAY_SIZES_MM[-1])
        hall.set_tray(doc, tray.id, width_mm=width, height_mm=height)


def _middle_of_row(doc: Document, compute: list[str], network: list[str]) -> None:
    """Move a row's network racks from its end to its middle: the second half of the compute racks shifts
    right by the network racks' width."""
    if not network:
        return
    half = compute[len(compute) // 2:]
    x = doc.get(half[0]).position.x_mm
    width = sum(doc.catalog.get(doc.get(r).part).width_mm or 600.0 for r in network)
    for rack in half:
        pos = doc.get(rack).position
        doc.set(rack, position=FloorPosition(x_mm=pos.x_mm + width, y_mm=pos.y_mm))
    for rack in network:
        pos = doc.get(rack).position
        doc.set(rack, position=FloorPosition(x_mm=x, y_mm=pos.y_mm))
        x += doc.catalog.get(doc.get(rack).part).width_mm or 600.0


# ---------------------------------------------------------------------- the SU racks
def _nvl72_rack(doc: Document):
    def build(rack: str) -> list[str]:
        oberon_rack(doc, rack, trays=18, tray="gb200-compute-tray", cpu="grace", acc="b200-gb200",
                    nics=[("connectx-7", 4), ("bluefield-3", 2)], switch_tray="nvlink5-switch-tray",
                    switch_chip="nvlink5-switch")
        return [n.id for n in doc.children(rack) if n.part == "gb200-compute-tray"]
    return build


def dgx_b200(doc: Document, rack: str, u: float, name: str, dpus: bool = False) -> tuple[str, list[str]]:
    """One air-cooled DGX B200 at `u` of `rack`: 8 GPUs on 2 NVLink switch chips (board traces), 2 host CPUs,
    8 ConnectX-7 (F13), and with `dpus` its 2 dual-port BlueField-3 (F13, placed when the storage fabric is
    built on them). Returns (the system's id, its NICs and DPUs)."""
    box = doc.place("dgx-b200", rack, u=u, name=name)
    gpus = fill(doc, box, "b200-hgx", 8, "GPU")
    chips = fill(doc, box, "nvlink5-switch", 2, "SW")
    cpus = fill(doc, box, "x86-host-cpu", 2, "CPU")
    nics = fill(doc, box, "connectx-7", 8, "NIC")
    nics += fill(doc, box, "bluefield-3", 2, "DPU") if dpus else []
    for node in gpus + chips + cpus + nics:  # air-cooled system (S41): no cold plates
        if doc.part_of(node).liquid_fraction:
            doc.set(node, overrides={"liquid_share": 0.0})
    wire_domain(doc, gpus, chips, medium="pcb")
    return box, nics


def _dgx_b200_rack(doc: Document, per_rack: int, dpus: bool = False):
    def build(rack: str) -> list[str]:
        name = doc.get(rack).name
        return [dgx_b200(doc, rack, 4 + i * 12, f"{name}-DGX{i + 1}", dpus)[0] for i in range(per_rack)]
    return build


def build_gb200_superpod(doc: Document, sus: int, optics: str, network: str, oversubscription: int,
                         storage: bool = False, breakout: bool = True) -> None:
    _superpod(doc, sus=sus, optics=optics, network=network, oversubscription=oversubscription, racks_per_su=8,
              compute_part="mgx-nvl72-rack", build_rack=_nvl72_rack(doc), storage=storage, breakout=breakout)


def build_dgx_b200_superpod(doc: Document, sus: int, optics: str, network: str, oversubscription: int,
                            storage: bool = False, breakout: bool = True) -> None:
    _superpod(doc, sus=sus, optics=optics, network=network, oversubscription=oversubscription, racks_per_su=16,
              compute_part="rack-42u-air", build_rack=_dgx_b200_rack(doc, 2, dpus=storage), storage=storage,
              breakout=breakout)


_COMMON = {
    "optics": Param("pluggable", "pluggable (Quantum-2 QM9700) or cpo (Quantum-X Photonics Q3450)",
                    ("pluggable", "cpo")),
    "network": Param("end", "network racks at the end or in the middle of each row", ("end", "middle")),
    "oversubscription": Param(1, "leaf oversubscription N:1 (1 = non-blocking)", (1, 2, 3, 4)),
    "breakout": Param(True, "split leaf ports faster than the NICs into sub-ports with breakout cables or "
                      "fibres (false: one NIC per whole leaf port)", record_default=False),
}

TEMPLATES = [
    Template("gb200-superpod", "DGX SuperPOD GB200",
             "Scalable units of 8 GB200 NVL72 racks (576 GPUs each, up to 16 = 9,216 GPUs) on a rail-optimised "
             "InfiniBand compute fabric in network racks in the rows.", "shipping", build_gb200_superpod,
             {"sus": Param(1, "scalable units of 8 NVL72 racks (1-16)", tuple(range(1, 17))), **_COMMON,
              "storage": Param(False, "also build the storage / in-band Ethernet fabric (Spectrum-4 SN5600) on "
                               "the BlueField-3 DPUs, every DPU port on its own link", record_default=False)}),
    Template("dgx-b200-superpod", "DGX SuperPOD B200",
             "Scalable units of 32 DGX B200 (256 GPUs each, 2 per air-cooled rack) on a rail-optimised "
             "InfiniBand compute fabric: the HGX counterpart of the GB200 SuperPOD.", "shipping",
             build_dgx_b200_superpod,
             {"sus": Param(1, "scalable units of 32 DGX B200 (1-16)", tuple(range(1, 17))), **_COMMON,
              "storage": Param(False, "also build the storage / in-band Ethernet fabric (Spectrum-4 SN5600) on "
                               "each system's 2 BlueField-3 DPUs (F13), every DPU port on its own link",
                               record_default=False)}),
]
