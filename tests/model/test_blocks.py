"""Blocks, instances and wiring patterns: the expanded view, its ids, the file, and what a file may not hold."""

from __future__ import annotations

import json

import pytest

from rackcad import templates
from rackcad.files import LoadError, dumps, loads
from rackcad.model import Block, FloorPosition, Instance, LinkPattern, expanded, find_item
from rackcad.model.expand import place, unplace

# One GB200 NVL72 rack (S1, S9): 18 compute trays of 13 parts (tray, 2 Grace, 4 GPUs, 4 ConnectX-7,
# 2 BlueField-3) = 234, 9 switch trays of 2 chips = 27, 8 power shelves, 2 management switches: 271 nodes.
# Links: 72 GPUs x 18 switch chips = 1,296 NVLink + 36 Grace x 2 GPUs = 72 C2C = 1,368.
NODES, LINKS = 271, 1_368


@pytest.fixture(scope="module")
def hall():
    return templates.build("gb200-nvl72", racks=40)


def test_racks_param_builds_instances_of_one_block(hall):
    assert len(hall.blocks) == 1 and len(hall.instances) == 40
    assert not hall.racks and not hall.nodes and not hall.links
    block = hall.blocks[0]
    assert (len(block.racks), len(block.nodes), len(block.links)) == (1, NODES, LINKS)
    flat = expanded(hall)
    assert (len(flat.racks), len(flat.nodes), len(flat.links)) == (40, 40 * NODES, 40 * LINKS)
    assert len({n.id for n in flat.nodes}) == 40 * NODES


def test_rows_on_the_floor(hall):
    # 32 racks a row at 600 mm, from a 1,200 mm margin; the second row 1,068 mm deep + 1,200 mm aisle behind.
    flat = expanded(hall)
    first, last_of_row, second_row = flat.racks[0], flat.racks[31], flat.racks[32]
    assert (first.name, first.position.x_mm, first.position.y_mm) == ("R0001", 1200.0, 1200.0)
    assert last_of_row.position.x_mm == 1200.0 + 31 * 600
    assert (second_row.position.x_mm, second_row.position.y_mm) == (1200.0, 1200.0 + 1068 + 1200)
    # the hall: 2 x 1,200 + 32 x 600 = 21,600 wide; 2 x 1,200 + 2 x 1,068 + 1,200 = 5,736 -> 6,000 deep
    assert (hall.floor.width_mm, hall.floor.depth_mm) == (21_600.0, 6_000.0)


def test_expanded_ids_are_instance_and_local_id(hall):
    block = hall.blocks[0]
    gpu = next(n for n in block.nodes if n.part == "b200-gb200")
    item = find_item(hall, f"I7/{gpu.id}")
    assert item is not None and item.parent == f"I7/{gpu.parent}" and item.name == gpu.name
    link = find_item(hall, "I7/L1")
    assert link.a.node.startswith("I7/") and link.b.node.startswith("I7/")
    assert find_item(hall, "I7/nope") is None and find_item(hall, "I999/L1") is None
    assert find_item(hall, "L1") is None  # own ids are the Document's to find


@pytest.mark.parametrize("name, per_rack", [("gb300-nvl72", 72), ("vr-nvl144", 72)])
def test_every_oberon_rack_template_repeats(name, per_rack):
    one = templates.build(name)
    hall = templates.build(name, racks=3)
    flat = expanded(hall)
    assert [r.name for r in flat.racks] == ["R0001", "R0002", "R0003"]
    assert len(flat.nodes) == 3 * len(one.nodes) and len(flat.links) == 3 * len(one.links)
    # each rack keeps its template's own budgets (GB300: 150 kW, N+1; Vera Rubin: 230 kW)
    assert {(r.power_budget_w, r.power_redundancy) for r in flat.racks} == {
        (one.racks[0].power_budget_w, one.racks[0].power_redundancy)}
    assert sum(1 for n in flat.nodes if n.part.startswith(("b300", "rubin"))) == 3 * per_rack


@pytest.mark.parametrize("racks", [0, 2_049, -3])
def test_racks_out_of_bounds_are_refused(racks):
    with pytest.raises(templates.TemplateError, match="racks must be 1-2,048"):
        templates.build("gb200-nvl72", racks=racks)


def test_default_template_output_is_unchanged():
    one = templates.build("gb200-nvl72")
    assert "param.racks" not in one.metadata and not one.instances and len(one.nodes) == NODES
    assert "param.racks" not in templates.build("gb200-nvl72", racks=1).metadata
    assert '"blocks"' not in dumps(one) and '"instances"' not in dumps(one)


def test_removed_tray_takes_its_parts_and_links(hall):
    block = hall.blocks[0]
    tray = next(n for n in block.nodes if n.name == "CT01")
    data = hall.model_copy(deep=True)
    data.instances[2] = data.instances[2].model_copy(update={"removed": [tray.id]})
    flat = expanded(data)
    # a tray holds 13 nodes with itself; 4 GPUs x 18 NVLink + 4 C2C = 76 links go with it
    assert len(flat.nodes) == 40 * NODES - 13
    assert len(flat.links) == 40 * LINKS - 76
    assert find_item(data, f"I3/{tray.id}") is None and find_item(data, f"I4/{tray.id}") is not None


def test_changed_fields_apply_to_one_instance(hall):
    data = hall.model_copy(deep=True)
    data.instances[0] = data.instances[0].model_copy(update={"changed": {"R1": {"power_budget_w": 100_000.0}}})
    flat = expanded(data)
    assert flat.racks[0].power_budget_w == 100_000.0 and flat.racks[1].power_budget_w == 150_000.0


def test_rotation_turns_the_block_about_its_origin():
    origin = FloorPosition(x_mm=5000.0, y_mm=3000.0, rotation_deg=90.0)
    at = place(origin, FloorPosition(x_mm=600.0, y_mm=0.0))
    # 90 degrees clockwise on screen (y down): +x becomes +y
    assert (round(at.x_mm, 6), round(at.y_mm, 6), at.rotation_deg) == (5000.0, 3600.0, 90.0)
    back = unplace(origin, at)
    assert (round(back.x_mm, 6), round(back.y_mm, 6), back.rotation_deg) == (600.0, 0.0, 0.0)


def test_pattern_links_expand_row_by_row():
    pattern = LinkPattern(id="P1", port_a="uplink", port_b="mgmt", protocol="ethernet", index_a=0, step_a=1,
                          index_b=4, step_b=2, ends=[["I1/M1", "SW1"], ["I2/M1", "SW1"], ["I3/M1", "SW1"]],
                          removed=[1])
    hall = templates.build("gb200-nvl72", compute_trays=1, racks=3)
    data = hall.model_copy(update={"patterns": [pattern]})
    links = expanded(data).links[-2:]
    assert [(x.id, x.a.node, x.a.index, x.b.index) for x in links] == [("P1/0", "I1/M1", 0, 4), ("P1/2", "I3/M1", 2, 8)]


def test_file_round_trip_and_size(hall):
    text = dumps(hall)
    assert json.loads(text)["schema_version"] == 2
    again = loads(text)
    assert again == hall and dumps(again) == text
    # the block is stored once: 40 racks cost 40 instance lines, not 40 x 1,639 item lines
    assert len(text.splitlines()) < NODES + LINKS + 40 + 60


def _broken(hall, edit) -> str:
    data = json.loads(dumps(hall))
    edit(data)
    with pytest.raises(LoadError) as info:
        loads(json.dumps(data))
    return str(info.value)


@pytest.mark.parametrize("edit, expected", [
    (lambda d: d["instances"][3].update(block="BLK9"), "instances[3].block: no block 'BLK9'"),
    (lambda d: d["instances"][3].update(removed=["T999"]), "instances[3].removed: 'T999' is not an item"),
    (lambda d: d["instances"][3].update(changed={"R1": {"colour": "red"}}), "no field 'colour'"),
    (lambda d: d["instances"][3].update(changed={"R1": {"power_budget_w": -5.0}}), "instances[3].changed.R1"),
    (lambda d: d["instances"][1].update(id="I1"), "duplicate id 'I1'"),
    (lambda d: d["instances"][1].update(id="I/1"), "may not hold '/'"),
    (lambda d: d["blocks"][0]["nodes"][0].update(parent="R9"), "blocks[0].nodes[0].parent"),
    (lambda d: d.update(schema_version=1), "a schema_version 1 file has no blocks"),
])
def test_broken_blocks_are_load_errors(hall, edit, expected):
    message = _broken(hall, edit)
    assert "\n" not in message
    assert expected in message, message


def test_an_instance_rack_off_the_bounds_is_refused(hall):
    def far(data):
        data["blocks"][0]["racks"][0]["position"] = {"x_mm": 5_000.0}
        data["instances"][3]["position"] = {"x_mm": 999_000.0}
    assert "instances[3].position: rack 'R1' lands at (1,004,000, 0) mm" in _broken(hall, far)


def test_own_ids_may_not_clash_with_expanded_ones():
    hall = templates.build("gb200-nvl72", compute_trays=1, racks=2)
    data = json.loads(dumps(hall))
    data["racks"].append({"id": "I1/R9", "name": "x", "part": "mgx-nvl72-rack"})
    with pytest.raises(LoadError, match="clashes with the items of instances"):
        loads(json.dumps(data))
    assert isinstance(Block(id="b"), Block) and isinstance(Instance(id="i", name="i", block="b"), Instance)
