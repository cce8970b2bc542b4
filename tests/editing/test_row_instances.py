"""Moving a row moves everything standing in its slots: the plain racks and the placed blocks (instances).

A 1-SU GB200 SuperPOD: its SU row holds 8 compute racks (instances of one rack block, snapped into slots 0-7
by the template) and its network racks; moving the row's origin by (+1,200, +600) mm moves each of them by
exactly that, in one undo step.
"""

from __future__ import annotations

import pytest

from rackcad import templates
from rackcad.document import Document, EditError
from rackcad.editing import hall as hall_edits
from rackcad.figures.hall import slot_position


@pytest.fixture(scope="module")
def design():
    return templates.build("gb200-superpod", sus=1)


def _su_row(doc):
    return next(r for r in doc.design.floor.rows if r.name == "SU1 row")


def test_moving_the_row_moves_its_instances_and_racks_one_undo_step(design):
    doc = Document(design)
    row = _su_row(doc)
    instances = [i for i in doc.design.instances if i.position.row == row.id]
    racks = [r for r in doc.design.racks if r.position.row == row.id]
    assert len(instances) == 8  # the SU's 8 NVL72 compute racks
    before = {i.id: (i.position.x_mm, i.position.y_mm) for i in (*instances, *racks)}
    frozen = doc.design
    hall_edits.set_row(doc, row.id, origin=[row.origin[0] + 1200.0, row.origin[1] + 600.0])
    for item in (*doc.design.instances, *doc.design.racks):
        if item.id in before:
            x, y = before[item.id]
            assert (item.position.x_mm, item.position.y_mm) == pytest.approx((x + 1200.0, y + 600.0))
            assert item.position.row == row.id
    doc.undo()  # one step back restores every one
    assert doc.design == frozen


def test_turning_the_row_turns_its_instances_into_their_slots(design):
    doc = Document(design)
    row = _su_row(doc)
    other = "back" if row.cold_aisle == "front" else "front"
    hall_edits.set_row(doc, row.id, cold_aisle=other)
    new = _su_row(doc)
    part = doc.catalog.find(doc.design.blocks[0].racks[0].part)
    for inst in (i for i in doc.design.instances if i.position.row == row.id):
        assert inst.position == slot_position(new, inst.position.slot, part)


def test_a_row_may_not_shrink_below_an_instance_and_its_slots_are_taken(design):
    doc = Document(design)
    row = _su_row(doc)
    last = max(i.position.slot for i in doc.design.instances if i.position.row == row.id)
    with pytest.raises(EditError):
        hall_edits.set_row(doc, row.id, slots=last)
    assert doc.design == design
    taken = {i.position.slot for i in (*doc.design.instances, *doc.design.racks) if i.position.row == row.id}
    assert not taken & set(hall_edits.free_slots(doc, row.id))


def test_deleting_the_row_leaves_its_instances_standing_out_of_any_row(design):
    doc = Document(design)
    row = _su_row(doc)
    where = {i.id: (i.position.x_mm, i.position.y_mm) for i in doc.design.instances if i.position.row == row.id}
    hall_edits.remove_row(doc, row.id)
    for inst in doc.design.instances:
        if inst.id in where:
            assert inst.position.row is None and (inst.position.x_mm, inst.position.y_mm) == where[inst.id]
