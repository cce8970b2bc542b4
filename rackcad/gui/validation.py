"""Snapshots of a design for background work (analysis, recovery files): the worker reads a consistent
state while the user keeps editing. Checks need none: the window's Checker keeps up with each edit."""

from __future__ import annotations

from rackcad.model import Design


def snapshot(design: Design) -> Design:
    """A copy of `design` the worker can read while the user keeps editing, in well under a millisecond.

    The Document never mutates a rack, node, link or design-level value in place: every Command swaps in a
    new object (Replace, SetDesign) or inserts/deletes list entries. Copying the lists (not the items) is
    therefore a consistent snapshot; a deep copy of GB200 NVL576 would stall the GUI for ~0.6 s per edit.
    """
    return design.model_copy(update={
        "racks": list(design.racks),
        "nodes": list(design.nodes),
        "links": list(design.links),
        "waivers": list(design.waivers),
        "metadata": dict(design.metadata),
    })
