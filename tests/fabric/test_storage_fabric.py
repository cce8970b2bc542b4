"""Storage / in-band Ethernet fabric on the dual-port BlueField-3 DPUs: every DPU port its own link, the two
ports of a DPU on two leaves, counts worked out by hand from the SN5600 radix.

Hand counts (GB200 SuperPOD, 144 compute trays per SU, 2 BlueField-3 per tray, 2 x 200G ports each, F4/S1):
- endpoints: 144 x 2 x 2 = 576 per SU; port p of DPU k is rail 2k + p: 4 rails of 144 per SU.
- SN5600 leaf, 64 ports, 200G down / 800G up at 1:1: d = floor(64 x 800 / (200 + 800)) = 51 down.
- 1 SU: ceil(144 / 51) = 3 leaves per rail, 48 ports each, ceil(48 x 200 / 800) = 12 uplinks: 12 leaves,
  144 uplinks, ceil(144 / 64) = 3 spines (<= 12 uplinks: two tiers). Each leaf deals 4 uplinks to each
  spine: 36 leaf-spine records of 4 links. Optics: 576 DPU links x 1 x 400G OSFP (the smallest that carries
  200G) per end = 1,152; the 800G uplinks take the 1.6T twin-port OSFP (2 x 800G; the catalog has no 800G
  single-port module), shared by a port group's links: 12 leaves x 12 / 2 + 3 spines x 48 / 2 = 144;
  fibres (one per module a record alone needs) 576 + 36 x ceil(4 / 2) = 648.
- 2 SUs: 288 per rail, 6 leaves per rail of 48 (12 uplinks each): 24 leaves, 288 uplinks,
  ceil(288 / 64) = 5 spines; 12 uplinks round-robin over 5 spines = 2 records of 3 and 3 of 2 per leaf:
  120 records, and 288 = 3 x 58 + 2 x 57 links on the spines; 1.6T OSFP 24 x 12 / 2 + 5 x ceil(57 or 58 / 2)
  = 144 + 145 = 289; 400G OSFP 2,304; fibres 1,152 + 24 x (2 x 2 + 3 x 1) = 1,320.

Those are whole leaf ports (`breakout=false`, one DPU port per 800G port). With breakout (the default) each
leaf port splits 4 ways into 200G sub-ports (F4): d = floor(64 x 800 / (4 x 200 + 800)) = 32 ports down = 128
DPU legs a leaf. 1 SU: ceil(144 / 128) = 2 leaves per rail of 72 legs on 18 ports, 18 uplinks each: 8 leaves,
144 uplinks, 3 spines, 6 uplinks from each leaf to each: 24 records. Optics: 576 single-mode 400G DR4 at the
DPUs (to meet the leaves' DR8), 18 twin-port DR8 modules of 4 x 200G a leaf = 144, each fanned out on 2 MPO-to-2
splitter fibres = 288; the 800G uplinks as above 8 x 18 / 2 + 3 x 48 / 2 = 144 1.6T modules on 24 x ceil(6 / 2)
= 72 straight fibres.
"""

from __future__ import annotations

from collections import Counter

import pytest

from rackcad import Document, templates, validate
from rackcad.fabric import NetworkRacks, build_fat_tree, nic_endpoints
from rackcad.figures import Figures
from rackcad.model import FloorPosition, expanded

SN5600 = "spectrum-4-sn5600"


def _storage_counts(design):
    names = {n.id: n for n in design.nodes}
    switches = Counter(n.name.split("-")[1] for n in design.nodes if n.part == SN5600)
    dpu_links = [lk for lk in design.links if names[lk.a.node].part == "bluefield-3"]
    up = [lk for lk in design.links if names[lk.a.node].part == SN5600 and names[lk.b.node].part == SN5600]
    return names, switches, dpu_links, up


@pytest.mark.parametrize("sus, breakout, leaves, spines, records, uplinks, optics", [
    (1, False, 12, 3, 36, 144, {"osfp-400g-dr4": 1152, "osfp-1600g": 144, "fiber-sm-mpo": 648}),
    (2, False, 24, 5, 120, 288, {"osfp-400g-dr4": 2304, "osfp-1600g": 289, "fiber-sm-mpo": 1320}),
    (1, True, 8, 3, 24, 144, {"osfp-400g-dr4": 576, "osfp-800g-twin": 144, "fiber-sm-mpo-2x": 288,
                              "osfp-1600g": 144, "fiber-sm-mpo": 72}),
])
def test_storage_fabric_hand_counts(sus, breakout, leaves, spines, records, uplinks, optics):
    design = expanded(templates.build("gb200-superpod", sus=sus, storage=True, breakout=breakout))
    _, switches, dpu_links, up = _storage_counts(design)
    assert switches == {"LEAF": leaves, "SPINE": spines}
    assert len(dpu_links) == 576 * sus
    assert len(up) == records and sum(lk.count for lk in up) == uplinks
    # every DPU port has a link of its own, and a DPU's two ports land on two different leaves
    ports = Counter((lk.a.node, lk.a.index) for lk in dpu_links)
    assert set(ports.values()) == {1} and Counter(i for _, i in ports) == {0: 288 * sus, 1: 288 * sus}
    leaves_of: dict[str, set[str]] = {}
    for lk in dpu_links:
        leaves_of.setdefault(lk.a.node, set()).add(lk.b.node)
    assert all(len(v) == 2 for v in leaves_of.values())
    # optics from the figures model: what the storage fabric adds to the same design without it
    with_storage = Counter(Figures(design).modules())
    without = Counter(Figures(templates.build("gb200-superpod", sus=sus)).modules())
    assert with_storage - without == optics and not without - with_storage
    # the switches stand in storage network racks of their own: 8 per rack, leaves in their SU's row
    racks = {r.id: r for r in design.racks}
    homes = Counter(racks[n.parent].name.rsplit("-", 1)[0] for n in design.nodes if n.part == SN5600)
    # ceil(12 / 8) = 2 leaf racks per SU row (8 leaves: 1), one spine rack (3 or 5 spines) in the spine row
    assert homes == {**{f"STOR{s + 1}": leaves // sus for s in range(sus)}, "STOR-SPINE": spines}
    assert len([r for r in design.racks if r.name.startswith("STOR")]) == -(-leaves // sus // 8) * sus + 1
    if sus == 1:
        report = validate(design)
        assert report.errors == [] and report.warnings == []


def test_default_superpod_has_no_storage_fabric_and_records_no_storage_param(built):
    design = built("gb200-superpod")
    assert not any(n.part == SN5600 for n in design.nodes)
    assert "param.storage" not in design.metadata
    assert templates.build("gb200-superpod", storage=True).metadata["param.storage"] == "True"


def test_per_port_endpoints_and_one_undo_step(built):
    doc = Document(built("gb200-superpod").model_copy(deep=True))
    rack = next(r for r in expanded(doc.design).racks if r.name == "SU1-R1")
    trays = [n.id for n in doc.children(rack.id) if n.part == "gb200-compute-tray"]
    assert len(nic_endpoints(doc, trays, "dpu")) == 36  # one endpoint per DPU: the old model
    ends = nic_endpoints(doc, trays, "dpu", per_port=True)
    assert len(ends) == 72 and Counter(e.rail for e in ends) == {0: 18, 1: 18, 2: 18, 3: 18}
    before = doc.design.model_dump()

    def open_rack(group: str, n: int) -> str:
        return doc.add_rack("rack-48u-network", name=f"{group}-{n}", position=FloorPosition(x_mm=0, y_mm=0))

    fabric = build_fat_tree(doc, trays, NetworkRacks(doc, open_rack, per_rack=8), leaf=SN5600, fabric="storage",
                            prefix="ST", nic_kind="dpu", per_port=True)
    # 18 per rail <= 51: one leaf per rail, ceil(18 x 200 / 800) = 5 uplinks each, ceil(20 / 64) = 1 spine
    assert fabric.plan.switches == {"leaf": 4, "spine": 1}
    assert len(fabric.links) == 72 + 4
    doc.undo()
    assert doc.design.model_dump() == before


@pytest.mark.parametrize("sus, leaves, records, optics", [
    # DGX B200: 2 dual-port BlueField-3 per system (F13), 32 systems per SU: 128 DPU ports of 200G per SU,
    # port p of DPU k on rail 2k + p: 4 rails of 32 per SU. SN5600 at 1:1 takes 51 down (see above).
    # 1 SU: 1 leaf per rail (32 down, ceil(32 x 200 / 800) = 8 up): 4 leaves, 32 uplinks, ceil(32 / 64) = 1
    # spine, 4 records of 8 links. Optics: 128 x 2 x 400G DR4, each on 2 lanes at 200G (5 W, F9: below the
    # multimode SR4's 6.5 W at 200G); 1.6T twin-port shared per port group:
    # 4 x 8 / 2 + 32 / 2 = 32; fibres 128 + 4 x ceil(8 / 2) = 144.
    (1, 4, 4, {"osfp-400g-dr4": 256, "osfp-1600g": 32, "fiber-sm-mpo": 144}),
    # 2 SUs: 64 per rail, 2 leaves per rail of 32: 8 leaves, 64 uplinks, 1 spine, 8 records of 8:
    # 512 x 400G DR4; 8 x 8 / 2 + 64 / 2 = 64 x 1.6T; fibres 256 + 8 x 4 = 288.
    (2, 8, 8, {"osfp-400g-dr4": 512, "osfp-1600g": 64, "fiber-sm-mpo": 288}),
])
def test_dgx_b200_superpod_storage_fabric_on_its_bluefield_3(sus, leaves, records, optics):
    """Whole leaf ports; with breakout see tests/fabric/test_breakout_fabric.py."""
    design = expanded(templates.build("dgx-b200-superpod", sus=sus, storage=True, breakout=False))
    names, switches, dpu_links, up = _storage_counts(design)
    assert switches == {"LEAF": leaves, "SPINE": 1}
    assert sum(1 for n in design.nodes if n.part == "bluefield-3") == 64 * sus  # 2 per DGX B200
    assert len(dpu_links) == 128 * sus and len(up) == records and {lk.count for lk in up} == {8}
    leaves_of: dict[str, set[str]] = {}
    for lk in dpu_links:
        leaves_of.setdefault(lk.a.node, set()).add(lk.b.node)
    assert all(len(v) == 2 for v in leaves_of.values())  # a DPU's two ports on two leaves
    with_storage = Counter(Figures(design).modules())
    without = templates.build("dgx-b200-superpod", sus=sus)
    assert with_storage - Counter(Figures(without).modules()) == optics
    assert not any(n.part == "bluefield-3" for n in without.nodes)  # placed only with the storage fabric
    report = validate(design)
    assert report.errors == [] and report.warnings == []


def test_dgx_b200_superpod_without_storage_is_unchanged_byte_for_byte(tmp_path):
    from rackcad import save

    plain, explicit = tmp_path / "plain.rackcad", tmp_path / "off.rackcad"
    save(templates.build("dgx-b200-superpod"), plain)
    save(templates.build("dgx-b200-superpod", storage=False), explicit)
    assert plain.read_bytes() == explicit.read_bytes()
    # the file does not record the storage parameter at its default
    assert b"storage" not in plain.read_bytes()
