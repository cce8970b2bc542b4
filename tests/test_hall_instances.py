"""A hall of NVL72 racks as instances of one block: edits of one instance become its overrides, undo puts
them back, and `rackcad info` / `rackcad validate` give exactly what the fully expanded design gives."""

from __future__ import annotations

import csv
import json

import pytest

import rackcad
from rackcad import Document, EditError, templates
from rackcad.cli.main import main
from rackcad.files import dumps, load, save
from rackcad.model import expanded
from rackcad.rules.blockwise import validate_blocks

RACKS = 16
# One GB200 NVL72 rack at design power (catalog, maximum figures): 18 compute trays x 950 W + 36 Grace x
# 300 W + 72 B200 x 1,200 W + 72 ConnectX-7 x 25 W + 36 BlueField-3 x 150 W + 9 switch trays x 100 W +
# 18 switch chips x 150 W + 2 management switches x 100 W = 125,300 W.
RACK_W = 125_300.0
# A compute tray with what it holds: 950 + 2 x 300 + 4 x 1,200 + 4 x 25 + 2 x 150 = 6,750 W, of which the
# Grace, B200 and ConnectX-7 (2 x 300 + 4 x 1,200 + 4 x 25 = 5,500 W) go to liquid.
TRAY_W, TRAY_LIQUID_W = 6_750.0, 5_500.0
RACK_LIQUID_W = 101_700.0


def assert_as_expanded(design) -> None:
    """The per-block summary and report equal those of the fully expanded design, key by key; latency by
    what is defined the same per block and expanded (the expanded design samples 16 sources over the whole
    hall, the per-block figures 16 per piece): the worst path's latency, and which kinds of path exist."""
    flat = expanded(design)
    assert flat is not design and not flat.instances
    blocks, whole = rackcad.summary(design), rackcad.summary(flat)
    latency, flat_latency = blocks.pop("latency"), whole.pop("latency")
    assert json.dumps(blocks) == json.dumps(whole)
    assert latency.keys() == flat_latency.keys()
    for scope, figure in latency.items():
        assert (figure is None) == (flat_latency[scope] is None), scope
        if figure is not None:
            assert figure["worst_us"] == flat_latency[scope]["worst_us"], scope
            assert figure["pairs"] >= flat_latency[scope]["pairs"] > 0
    assert rackcad.validate(design).to_dict() == rackcad.validate(flat).to_dict()


def _local(design, name: str) -> str:
    return next(n.id for n in design.blocks[0].nodes if n.name == name)


@pytest.fixture
def doc():
    return Document(templates.build("gb200-nvl72", racks=RACKS))


def test_a_clean_hall_is_the_rack_times_sixteen(doc):
    info = rackcad.summary(doc.design)
    assert info["racks"] == RACKS and info["counts"]["gpu"] == RACKS * 72
    assert info["power_w"] == RACKS * RACK_W
    assert info["nvlink_domains"] == [72] * RACKS and info["links"] == RACKS * 1_368
    assert [r["name"] for r in info["per_rack"][:2]] == ["R0001", "R0002"]
    report = rackcad.validate(doc.design)
    assert not report.errors and not report.warnings  # no false alarm in any rack
    assert validate_blocks(doc.design, None, [], lambda r, c: [], lambda f, d: f) is not None  # checked per block
    assert_as_expanded(doc.design)


def test_edit_one_instance_undo_save_reload(doc, tmp_path, capsys):
    checker = rackcad.Checker(doc)
    tray = _local(doc.design, "CT03")
    block_before = doc.design.blocks[0]
    doc.remove(f"I5/{tray}")
    doc.set("I9/R1", power_budget_w=120_000.0)
    assert doc.design.blocks[0] is block_before and len(block_before.nodes) == 271  # no copy of the hall
    assert doc.design.instances[4].removed == [tray] and doc.design.instances[8].changed == {
        "R1": {"power_budget_w": 120_000.0}}
    assert doc.find(f"I5/{tray}") is None and doc.find(f"I6/{tray}") is not None

    info = rackcad.summary(doc.design)
    assert info["per_rack"][4]["power_w"] == RACK_W - TRAY_W == 118_550.0
    assert info["per_rack"][4]["heat_liquid_w"] == RACK_LIQUID_W - TRAY_LIQUID_W
    assert info["per_rack"][8]["power_budget_w"] == 120_000.0
    assert info["power_w"] == RACKS * RACK_W - TRAY_W == 1_998_050.0
    assert info["counts"]["gpu"] == RACKS * 72 - 4
    report = rackcad.validate(doc.design)
    # the cut budget is caught in that rack and nowhere else; the lighter rack raises nothing
    assert [(v.code, v.subjects, v.measured, v.limit) for v in report.errors] == [
        ("power.rack_budget", ("I9/R1",), RACK_W, 120_000.0)]
    assert "R0009" in report.errors[0].message and not report.warnings
    assert checker.report == report
    assert_as_expanded(doc.design)

    path = tmp_path / "hall.rackcad"
    save(doc.design, path)
    again = load(path)
    assert again == doc.design
    flat_path = tmp_path / "flat.rackcad"
    save(expanded(again), flat_path)
    for command in (["info", "--format", "json"], ["validate", "--format", "json"]):
        outputs = []
        for target in (path, flat_path):
            code = main([command[0], str(target), *command[1:]])
            data = json.loads(capsys.readouterr().out)
            data.pop("file", None)  # the path, the one thing that differs
            latency = data.pop("latency", None)  # sampled per piece, compared by its worst
            outputs.append((code, data, latency and {k: f and f["worst_us"] for k, f in latency.items()}))
        assert outputs[0] == outputs[1], command
    assert outputs[0][0] == 1  # validate: the budget error

    assert doc.undo()  # the budget
    assert not rackcad.validate(doc.design).errors and checker.report == rackcad.validate(doc.design)
    assert doc.undo()  # the tray
    assert rackcad.summary(doc.design)["power_w"] == RACKS * RACK_W
    assert doc.design.instances[4].plain and doc.design.instances[8].plain
    assert dumps(doc.design) == dumps(templates.build("gb200-nvl72", racks=RACKS))
    checker.close()


def test_instance_item_edits(doc):
    gpu = _local(doc.design, "CT01/GPU1")
    doc.set(f"I2/{gpu}", overrides={"power_w": 1_000.0})
    assert rackcad.summary(doc.design)["per_rack"][1]["power_w"] == RACK_W - 200.0
    doc.set("I3", name="HALL-A-03")
    assert doc.get("I3/R1").name == "HALL-A-03"
    doc.set("I3/R1", name="spare")  # the rack's own name, kept as an override
    assert doc.get("I3/R1").name == "spare" and doc.design.instances[2].changed == {"R1": {"name": "spare"}}
    link = doc.connect("I1/M1", "I2/M1", protocol="ethernet", port_a="uplink", port_b="uplink")
    assert doc.get(link).a.node == "I1/M1"
    assert_as_expanded(doc.design)  # the linked instances are checked apart from the block
    doc.remove("I1")  # the instance takes the link that reached it
    assert doc.find(link) is None and doc.find("I1/R1") is None and len(doc.design.instances) == RACKS - 1
    doc.undo()
    assert doc.find(link) is not None and doc.find("I1/R1") is not None


def test_an_own_part_in_an_instance_rack_counts_there(doc):
    """A management switch (100 W) added in a free U of rack R0002 is that rack's load, not an orphan."""
    u = doc.free_u("I2/R1")
    switch = doc.place("mgmt-switch-sn2201", parent="I2/R1", u=u)
    assert doc.rack_of(switch).id == "I2/R1"
    info = rackcad.summary(doc.design)
    assert info["per_rack"][1]["power_w"] == RACK_W + 100.0 and info["per_rack"][2]["power_w"] == RACK_W
    assert not [v for v in rackcad.validate(doc.design).violations if v.code == "geometry.orphan"]
    assert_as_expanded(doc.design)
    doc.remove("I2")  # the instance takes the part placed in it
    assert doc.find(switch) is None
    doc.undo()
    assert doc.find(switch) is not None


def test_moved_instances_are_checked_where_they_stand(doc):
    """Rack R0009 moved behind the 3.6 m deep hall (0.6 x 1.068 m = 0.64 m² outside it) and R0003 pushed
    300 mm into R0004: exactly those findings, the same as the expanded hall's."""
    from rackcad.model import FloorPosition

    doc.set("I9", position=FloorPosition(x_mm=3000.0, y_mm=9000.0))
    doc.set("I3", position=FloorPosition(x_mm=2700.0, y_mm=1200.0))
    found = [(v.code, v.subjects) for v in rackcad.validate(doc.design).violations if v.code.startswith("geometry")]
    assert found == [("geometry.floor_overlap", ("I3/R1", "I4/R1")), ("geometry.off_floor", ("I9/R1",))]
    assert_as_expanded(doc.design)


@pytest.mark.parametrize("item, fields, expected", [
    ("I2/R1", {"power_budget_w": -1.0}, "power_budget_w"),
    ("I2/G1", {"parent": "I3/T1"}, "cannot set"),
    ("I2/L1", {"a": {"node": "I3/G1", "port": "nvlink"}}, "stay inside"),
    ("BLK1", {"name": "x"}, "changes through its instances"),
    ("I2", {"block": "BLK9"}, "takes name, position here"),
    ("I2", {"position": {"x_mm": 2e6}}, "x_mm"),
])
def test_refused_edits_change_nothing(doc, item, fields, expected):
    before = dumps(doc.design)
    with pytest.raises(EditError, match=expected):
        doc.set(item, **fields)
    assert dumps(doc.design) == before and not doc.history.can_undo


def test_deleting_the_rack_of_a_one_rack_instance_deletes_the_instance(doc):
    doc.remove("I4/R1")
    assert doc.design.instance("I4") is None and doc.find("I4/G1") is None
    assert rackcad.summary(doc.design)["racks"] == RACKS - 1
    doc.undo()
    assert [i.id for i in doc.design.instances][:5] == ["I1", "I2", "I3", "I4", "I5"]


def test_a_removed_block_in_use_is_refused(doc):
    with pytest.raises(EditError, match="placed as 16 instances"):
        doc.remove("BLK1")


def test_exports_count_every_instance(tmp_path, capsys):
    """Until exports stream per block, the CLI hands them the expanded hall: 3 one-tray racks hold 3 x 4
    GPUs and 3 x 9 switch trays."""
    hall = tmp_path / "hall.rackcad"
    save(templates.build("gb200-nvl72", compute_trays=1, racks=3), hall)
    assert main(["bom", str(hall), "-o", str(tmp_path / "bom.csv")]) == 0
    with open(tmp_path / "bom.csv", encoding="utf-8-sig", newline="") as fh:
        rows = {row[0]: row for row in list(csv.reader(fh))[1:]}
    assert rows["b200-gb200"][4] == "12" and rows["nvlink5-switch-tray"][4] == "27" and rows["mgx-nvl72-rack"][4] == "3"
    capsys.readouterr()


def test_latency_of_a_hall_is_worked_out_per_block_never_expanded(monkeypatch):
    """A hall of 4 NVL72 racks: the latency inside each NVLink domain is one rack's, found on one stand-in
    rack and counted 4 times, and the hall is never expanded for it; with one tray removed in one instance,
    that instance is evaluated apart and the worst is still the expanded design's."""
    rack = expanded(templates.build("gb200-nvl72", racks=1))
    one = rackcad.summary(rack)["latency"]["nvlink_domain"]  # one flat rack: 16 sources x 71 targets
    assert one["pairs"] == 16 * 71 and one["sources"] == 16
    # GPU -> backplane -> NVLink switch chip (100 ns) -> backplane -> GPU, plus one 256 B packet at 400 Gb/s
    assert 0.100 + 0.00512 < one["worst_us"] < 0.100 + 0.00512 + 2 * 2.0 * 0.0045
    hall = templates.build("gb200-nvl72", racks=4)
    import rackcad.figures.model as figures_model

    built = []
    real = figures_model.expanded
    monkeypatch.setattr(figures_model, "expanded", lambda d: (built.append(d) if d.instances else None) or real(d))
    latency = rackcad.summary(hall)["latency"]
    assert not built  # no Figures of the expanded hall
    inside = latency["nvlink_domain"]
    assert inside["worst_us"] == one["worst_us"] and inside["typical_us"] == one["typical_us"]
    assert inside["pairs"] == 4 * one["pairs"] and inside["sources"] == 4 * one["sources"]
    assert inside["worst_path"].startswith("CT") and "I4/" in inside["worst_path"]  # named on a real member
    assert "\u27e6" not in inside["worst_path"]
    assert latency["scale_out"] is None and latency["between_buildings"] is None  # no fabric between racks
    monkeypatch.setattr(figures_model, "expanded", real)
    flat = rackcad.summary(expanded(hall))["latency"]["nvlink_domain"]
    assert inside["worst_us"] == flat["worst_us"]

    doc = Document(hall)
    doc.remove(f"I2/{_local(hall, 'CT18')}")
    edited = rackcad.summary(doc.design)["latency"]["nvlink_domain"]
    flat = rackcad.summary(expanded(doc.design))["latency"]["nvlink_domain"]
    assert edited["worst_us"] == flat["worst_us"]
    # 3 racks as before and one of 68 GPUs (16 sources x 67 targets)
    assert edited["pairs"] == 3 * one["pairs"] + 16 * 67 and edited["sources"] == 4 * 16
