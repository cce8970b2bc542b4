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
from rackcad.fabric import (Endpoint, NetworkRacks, build_fat_tree, fat_tree_reach, instance_endpoints, link_rate,
                            nic_endpoints)
from rackcad.fabric.plan import breakout_ways, network_port
from rackcad.figures.hall import slot_position
from rackcad.model import FloorPlan, FloorPosition, Rack, Row, Tray, expanded_id, split_id
from rackcad.templates.base import Param, Template, TemplateError
from rackcad.templates.repeat import block_of
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
    # switch part -> switches per network rack. 16 x 1U QM9700 with 32 twin-port modules each ~21 kW of air;
    # 7 x 4U Q3400 with 72 1.6T twin-port modules each ~27 kW of air; 8 x 4U Q3450 with CPO ~26 kW to
    # liquid: all inside the network rack's budgets.
    "quantum-2-qm9700": 16,
    "quantum-x800-q3400": 7,
    "quantum-x-photonics-q3450": 8,
}
OPTICS_SWITCHES = {
    "pluggable": ("quantum-2-qm9700", "quantum-x800-q3400"),
    "cpo": ("quantum-x-photonics-q3450",),
}
"""`switch=auto`: the switches of each optics choice, fewest ports first; the fabric takes the first whose
3-tier fat tree reaches every NIC port at the chosen oversubscription (`rackcad.fabric.fat_tree_reach`)."""
OVERSUBSCRIPTIONS = (1, 2, 3, 4)
MAX_SUS = 128
"""Scalable units the SuperPOD templates build at most: 128 GB200 SUs are 1,024 racks, 73,728 GPUs."""


class Floor:
    """Rows of racks on the hall floor: compute racks (instances of one rack block) and network racks side
    by side, rows one behind the other; the hall grows to hold them. Racks are listed per row as they
    are added; `fit_hall` puts each into its row's next slot."""

    def __init__(self, doc: Document):
        self.doc = doc
        self.right: dict[int, float] = {}
        self.rows: dict[int, list[tuple[str, str]]] = {}
        """row -> (rack or instance id, rack part) in slot order."""
        self.depth = 0.0

    def y(self, row: int) -> float:
        return MARGIN_MM + row * self.pitch

    @property
    def pitch(self) -> float:
        return self.depth + AISLE_MM

    def _next(self, row: int, part_id: str) -> FloorPosition:
        x = self.right.get(row, MARGIN_MM)
        self.right[row] = x + (self.doc.catalog.get(part_id).width_mm or 600.0)
        return FloorPosition(x_mm=x, y_mm=self.y(row))

    def add(self, row: int, part_id: str, name: str, **fields) -> str:
        rack = self.doc.add_rack(part_id, name=name, position=self._next(row, part_id), **fields)
        self.rows.setdefault(row, []).append((rack, part_id))
        return rack

    def place(self, row: int, block: str, part_id: str, name: str) -> str:
        """An instance of the one-rack `block` (its rack of `part_id`) at the next place of `row`."""
        instance = self.doc.add_instance(block, name=name, position=self._next(row, part_id))
        self.rows.setdefault(row, []).append((instance, part_id))
        return instance

    def fit_hall(self, sus: int) -> None:
        """Size the hall to the rows, lay the rows and trays out (one edit of the floor plan) and put every
        rack into its row's slot (an instance's position is its rack's: the block's rack stands at the
        block's origin)."""
        doc = self.doc
        rows = max(self.rows) + 1
        width = max(self.right.values()) + MARGIN_MM
        depth = self.y(rows - 1) + self.depth + MARGIN_MM
        left, right = MARGIN_MM - TRAY_WIDTH_MM / 2, max(self.right.values()) + TRAY_WIDTH_MM / 2
        row_list, trays = [], []
        for r in range(rows):
            y = self.y(r)
            row_list.append(Row(id=doc.new_id("ROW"), name=f"SU{r + 1} row" if r < sus else "Spine row",
                                origin=[MARGIN_MM, y], slots=len(self.rows.get(r, [])), pitch_mm=PITCH_MM,
                                depth_mm=self.depth, cold_aisle="front" if r % 2 == 0 else "back"))
            trays.append(Tray(id=doc.new_id("TR"), name=f"Tray {r + 1}", width_mm=TRAY_WIDTH_MM,
                              points=[[left, y + self.depth / 2], [right, y + self.depth / 2]]))
        top, bottom = self.y(0) + self.depth / 2, self.y(rows - 1) + self.depth / 2
        if rows > 1:
            trays.append(Tray(id=doc.new_id("TR"), name="Tray A (row starts)", width_mm=TRAY_WIDTH_MM,
                              points=[[left, top], [left, bottom]]))
            trays.append(Tray(id=doc.new_id("TR"), name="Tray B (row ends)", width_mm=TRAY_WIDTH_MM,
                              points=[[right, top], [right, bottom]]))
        with doc.batch("Lay out the hall"):
            doc.set_design(floor=FloorPlan(width_mm=math.ceil(width / 600) * 600,
                                           depth_mm=math.ceil(depth / 600) * 600, rows=row_list, trays=trays))
            for r, row in enumerate(row_list):
                for slot, (item, part_id) in enumerate(self.rows.get(r, [])):
                    doc.set(item, position=slot_position(row, slot, doc.catalog.get(part_id)))

    def to_middle(self, row: int, network: list[str]) -> None:
        """Move a row's network racks from its end to its middle: between the two halves of its compute racks."""
        members = self.rows.get(row, [])
        moved = [m for m in members if m[0] in set(network)]
        if not moved:
            return
        compute = [m for m in members if m[0] not in set(network) and not doc_rack(self.doc, m[0])]
        rest = [m for m in members if m not in moved and m not in compute]
        half = len(compute) // 2
        self.rows[row] = compute[:half] + moved + compute[half:] + rest


def doc_rack(doc: Document, item_id: str) -> bool:
    """Whether `item_id` is an own rack of the design (a network rack), not an instance."""
    return isinstance(doc.find(item_id), Rack)


def rack_block(doc: Document, compute_part: str, build_rack, name: str) -> tuple[str, list[str], Document]:
    """Build one compute rack (`build_rack(scratch, rack) -> trays`) in a scratch document and add it to `doc`
    as a block. Returns (block id, the trays' local ids in order, the scratch document)."""
    scratch = Document(catalog=doc.catalog)
    rack = scratch.add_rack(compute_part, name=name)
    trays = build_rack(scratch, rack)
    return doc.add_block(block_of(scratch.design, name)), trays, scratch


def fabric_switch(catalog, switch: str, optics: str, endpoints: list[Endpoint], oversubscription: float,
                  breakout: bool = True) -> str:
    """The leaf (and spine, core) switch of the compute fabric: `switch` as given, or for `auto` the first of
    the optics choice's switches whose 3-tier fat tree reaches every NIC port. One-line EditError naming the
    limit and the choices (TemplateError: a usage error) when the switch cannot."""
    ports = {(e.part, e.port) for e in endpoints}
    part, port = next(iter(ports))
    nic = catalog.get(part).port(port)

    def reach(candidate: str, over: float = oversubscription) -> int:
        group = network_port(catalog, candidate)
        ways = breakout_ways(group, nic) if breakout else 1
        return fat_tree_reach(group, group, group, link_rate(nic, group), over, ways)

    candidates = OPTICS_SWITCHES[optics] if switch == "auto" else (switch,)
    for candidate in candidates:
        if reach(candidate) >= len(endpoints):
            return candidate
    last = candidates[-1]
    options = [f"switch={p} ({reach(p):,})" for p in FABRIC_SWITCHES if reach(p) >= len(endpoints)]
    options += [f"oversubscription={o} ({reach(last, o):,})" for o in OVERSUBSCRIPTIONS
                if o > oversubscription and reach(last, o) >= len(endpoints)][:1]
    raise TemplateError(
        f"{len(endpoints):,} NIC ports exceed the {reach(last):,} a 3-tier fat tree of {last} reaches at "
        f"{oversubscription:g}:1; choose {' or '.join(options) or 'fewer sus'}")


def _superpod(doc: Document, *, sus: int, optics: str, network: str, oversubscription: int, racks_per_su: int,
              compute_part: str, build_rack, storage: bool = False, switch: str = "auto",
              breakout: bool = True) -> None:
    """SU rows of compute racks (instances of one rack block, `build_rack(doc, rack) -> trays`), leaves in
    each row's network racks, spines and cores in a spine row, then one fat tree over every tray's NICs,
    its NIC-to-leaf links one wiring pattern per SU."""
    floor = Floor(doc)
    floor.depth = max(doc.catalog.get(compute_part).depth_mm or 1200.0, doc.catalog.get(NETWORK_RACK).depth_mm or 1200.0)
    block, local_trays, scratch = rack_block(doc, compute_part, build_rack, "Compute rack")
    compute: dict[int, list[str]] = {}
    with doc.batch(f"Place {sus * racks_per_su:,} compute racks"):
        for su in range(sus):
            compute[su] = [floor.place(su, block, compute_part, f"SU{su + 1}-R{r + 1}") for r in range(racks_per_su)]
    order = [instance for su in range(sus) for instance in compute[su]]
    su_of = {instance: su for su, instances in compute.items() for instance in instances}
    trays = [expanded_id(instance, tray) for instance in order for tray in local_trays]

    def su_of_tray(tray: str) -> int:
        return su_of[split_id(tray)[0]]

    def open_rack(group: str, n: int) -> str:
        if group == "storage-spine":
            return floor.add(sus, NETWORK_RACK, f"STOR-SPINE-{n + 1}")
        if group.startswith("storage-"):
            su = int(group.removeprefix("storage-"))
            return floor.add(su, NETWORK_RACK, f"STOR{su + 1}-{n + 1}")
        if group == "spine":
            return floor.add(sus, NETWORK_RACK, f"SPINE-{n + 1}")
        return floor.add(int(group), NETWORK_RACK, f"NET{int(group) + 1}-{n + 1}")

    endpoints = instance_endpoints(nic_endpoints(scratch, local_trays), order, len(local_trays))
    leaf = fabric_switch(doc.catalog, switch, optics, endpoints, float(oversubscription), breakout)
    fabric = build_fat_tree(doc, trays, NetworkRacks(doc, open_rack, per_rack=FABRIC_SWITCHES.get(leaf, 8)),
                            leaf=leaf, oversubscription=float(oversubscription), fabric="compute", prefix="IB",
                            row_of=lambda tray: str(su_of_tray(tray)), endpoints=endpoints,
                            pattern_of=lambda tray: f"IB SU{su_of_tray(tray) + 1}", breakout=breakout)
    if oversubscription != 1:  # the leaves are oversubscribed by choice: the check allows what was chosen
        doc.set_design(rules=doc.design.rules.model_copy(update={"max_oversubscription": float(oversubscription)}),
                       label="Allow the chosen oversubscription")
    if network == "middle":
        for su in compute:
            floor.to_middle(su, [r for r in fabric.racks if doc.get(r).name.startswith(f"NET{su + 1}-")])
    if storage:
        part, per_rack = STORAGE_SWITCH
        dpus = instance_endpoints(nic_endpoints(scratch, local_trays, "dpu", per_port=True), order, len(local_trays))
        build_fat_tree(doc, trays, NetworkRacks(doc, open_rack, per_rack=per_rack), leaf=part, fabric="storage",
                       prefix="ST", row_of=lambda tray: f"storage-{su_of_tray(tray)}", endpoints=dpus,
                       upper_group="storage-spine", pattern_of=lambda tray: f"ST SU{su_of_tray(tray) + 1}",
                       breakout=breakout)
    floor.fit_hall(sus)
    _size_trays(doc)


def tray_size(edges, fill_limit: float) -> tuple[float, float, int]:
    """(width, height, tiers) of the tray to lay along a run whose edges carry cables of `edges` (per edge,
    (area of one cable mm², how many) pairs): the fewest stacked tiers, then the smallest stock cross-section
    (TRAY_SIZES_MM), for which every tier of every edge stays within `fill_limit`, each whole cable in one
    tier (rackcad.figures.routing.tier_loads, the split the tray-fill check counts)."""
    from rackcad.figures.routing import tier_loads

    edges = [tuple(sizes) for sizes in edges if sizes]
    if not edges:
        return TRAY_WIDTH_MM, 100.0, 1
    stock = sorted(TRAY_SIZES_MM, key=lambda s: s[0] * s[1])  # stable: the lower of equal areas first
    largest = stock[-1][0] * stock[-1][1] * fill_limit
    total = max(math.fsum(a * n for a, n in sizes) for sizes in edges)
    biggest = max(a for sizes in edges for a, _ in sizes)
    if biggest > largest:
        raise TemplateError(f"a cable of {biggest:,.0f} mm² does not fit a {stock[-1][0]:.0f} x "
                            f"{stock[-1][1]:.0f} mm tray within its {fill_limit:.0%} fill")
    tiers = max(1, math.ceil(total / largest - 1e-9))
    while True:
        fullest = max(max(tier_loads(sizes, tiers)) for sizes in edges)
        for width, height in stock:
            if fullest <= width * height * fill_limit + 1e-9:
                return width, height, tiers
        tiers += 1


def _size_trays(doc: Document) -> None:
    """Give each tray the fewest stacked tiers, then the smallest stock cross-section (`tray_size`), that
    keep the cables routed through it within its fill limit: a run the largest stock tray cannot hold gets
    parallel tiers, its cables split between them."""
    from rackcad.figures import Figures
    from rackcad.figures.pieces import linked
    from rackcad.figures.routing import tray_fill

    edges: dict[str, list] = {}
    for fill in tray_fill(Figures(linked(doc.design), doc.catalog)):
        edges.setdefault(fill.tray.id, []).append(fill.sizes)
    trays = []
    for tray in doc.design.floor.trays:
        if tray.id in edges:
            width, height, tiers = tray_size(edges[tray.id], tray.fill_limit)
            tray = tray.model_copy(update={"width_mm": width, "height_mm": height, "tiers": tiers})
        trays.append(tray)
    doc.set_design(floor=doc.design.floor.model_copy(update={"trays": trays}), label="Size the cable trays")


# ---------------------------------------------------------------------- the SU racks
def _nvl72_rack(doc: Document, rack: str) -> list[str]:
    oberon_rack(doc, rack, trays=18, tray="gb200-compute-tray", cpu="grace", acc="b200-gb200",
                nics=[("connectx-7", 4), ("bluefield-3", 2)], switch_tray="nvlink5-switch-tray",
                switch_chip="nvlink5-switch")
    return [n.id for n in doc.children(rack) if n.part == "gb200-compute-tray"]


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


def _dgx_b200_rack(per_rack: int, dpus: bool = False):
    def build(doc: Document, rack: str) -> list[str]:
        return [dgx_b200(doc, rack, 4 + i * 12, f"DGX{i + 1}", dpus)[0] for i in range(per_rack)]
    return build


def build_gb200_superpod(doc: Document, sus: int, optics: str, network: str, oversubscription: int,
                         storage: bool = False, switch: str = "auto", breakout: bool = True) -> None:
    _superpod(doc, sus=sus, optics=optics, network=network, oversubscription=oversubscription, racks_per_su=8,
              compute_part="mgx-nvl72-rack", build_rack=_nvl72_rack, storage=storage, switch=switch,
              breakout=breakout)


def build_dgx_b200_superpod(doc: Document, sus: int, optics: str, network: str, oversubscription: int,
                            storage: bool = False, switch: str = "auto", breakout: bool = True) -> None:
    _superpod(doc, sus=sus, optics=optics, network=network, oversubscription=oversubscription, racks_per_su=16,
              compute_part="rack-42u-air", build_rack=_dgx_b200_rack(2, dpus=storage), storage=storage,
              switch=switch, breakout=breakout)


_COMMON = {
    "optics": Param("pluggable", "pluggable (Quantum-2 QM9700, Quantum-X800 Q3400) or cpo (Quantum-X Photonics "
                    "Q3450): the switches switch=auto chooses from", ("pluggable", "cpo")),
    "network": Param("end", "network racks at the end or in the middle of each row", ("end", "middle")),
    "oversubscription": Param(1, "leaf oversubscription N:1 (1 = non-blocking)", OVERSUBSCRIPTIONS),
    "switch": Param("auto", "compute fabric switch: auto = the optics choice's switch with the fewest ports whose "
                    "3-tier fat tree reaches every NIC port (QM9700 reaches 65,536 at 1:1), or a switch part",
                    ("auto", *FABRIC_SWITCHES), record_default=False),
    "breakout": Param(True, "split leaf ports faster than the NICs into sub-ports with breakout cables or "
                      "fibres (false: one NIC per whole leaf port)", record_default=False),
}

TEMPLATES = [
    Template("gb200-superpod", "DGX SuperPOD GB200",
             f"Scalable units of 8 GB200 NVL72 racks (576 GPUs each, up to {MAX_SUS} = {MAX_SUS * 576:,} GPUs) on a "
             "rail-optimised InfiniBand compute fabric in network racks in the rows; the racks are instances of "
             "one rack block, their fabric links wiring patterns.", "shipping", build_gb200_superpod,
             {"sus": Param(1, f"scalable units of 8 NVL72 racks (1-{MAX_SUS})", bounds=(1, MAX_SUS)), **_COMMON,
              "storage": Param(False, "also build the storage / in-band Ethernet fabric (Spectrum-4 SN5600) on "
                               "the BlueField-3 DPUs, every DPU port on its own link", record_default=False)}),
    Template("dgx-b200-superpod", "DGX SuperPOD B200",
             "Scalable units of 32 DGX B200 (256 GPUs each, 2 per air-cooled rack) on a rail-optimised "
             "InfiniBand compute fabric: the HGX counterpart of the GB200 SuperPOD.", "shipping",
             build_dgx_b200_superpod,
             {"sus": Param(1, f"scalable units of 32 DGX B200 (1-{MAX_SUS})", bounds=(1, MAX_SUS)), **_COMMON,
              "storage": Param(False, "also build the storage / in-band Ethernet fabric (Spectrum-4 SN5600) on "
                               "each system's 2 BlueField-3 DPUs (F13), every DPU port on its own link",
                               record_default=False)}),
]
