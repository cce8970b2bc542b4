"""Random edits of a hall's instances, refused or not: every state saves to a file that loads back equal,
and undoing everything gives the hall back byte for byte; the per-block figures stay the expanded ones."""

from __future__ import annotations

import random

import pytest

from rackcad import Document, EditError, templates
from rackcad.files import dumps, loads
from rackcad.model import FloorPosition
from tests.test_hall_instances import assert_as_expanded


def _step(rng: random.Random, doc: Document) -> None:
    instance = rng.choice(doc.design.instances) if doc.design.instances else None
    if instance is None:
        return
    local = rng.choice(doc.design.blocks[0].nodes + doc.design.blocks[0].links).id
    item = f"{instance.id}/{local}"
    verb = rng.randrange(8)
    if verb == 0:
        doc.set(f"{instance.id}/R1", power_budget_w=rng.choice([-5.0, 5_000.0, 120_000.0, 2e9]))
    elif verb == 1:
        doc.remove(item)
    elif verb == 2:
        doc.set(item, overrides={"power_w": rng.choice([0.0, 900.0, -1.0])})
    elif verb == 3:
        doc.set(instance.id, position=FloorPosition(x_mm=rng.choice([0.0, 1_800.0, 5e5]), y_mm=1_200.0))
    elif verb == 4:
        other = rng.choice(doc.design.instances)
        doc.connect(f"{instance.id}/M1", f"{other.id}/M2", protocol="ethernet", port_a="uplink", port_b="uplink")
    elif verb == 5:
        doc.set(item, u=rng.choice([1.0, 30.0, 200.0]))
    elif verb == 6:
        doc.undo()
    else:
        doc.redo()


@pytest.mark.parametrize("seed", range(6))
def test_random_instance_edits_never_corrupt(seed):
    rng = random.Random(seed)
    doc = Document(templates.build("gb200-nvl72", compute_trays=1, racks=4))
    start = dumps(doc.design)
    for _ in range(14):
        try:
            _step(rng, doc)
        except EditError:
            pass
        text = dumps(doc.design)
        assert dumps(loads(text)) == text
    assert_as_expanded(doc.design)
    while doc.undo():
        pass
    assert dumps(doc.design) == start
