"""One naming scheme for placed parts, the one the system templates use.

In a rack: compute trays CT01, CT02 ..., switch trays ST01 ..., other trays T01 ..., power shelves PS1 ...,
management switches MGMT1 ..., network switches NS1 ...; inside a tray the tray's name, a slash and the
kind with its number within that tray: CT01/CPU1, CT01/GPU1 ... CT01/GPU4, ST01/SW1. New parts take the
lowest free number of their prefix among their siblings, so a part placed in a gap fills the gap.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from rackcad.catalog import ACCELERATOR_KINDS, PartSpec
from rackcad.model import Rack

if TYPE_CHECKING:
    from rackcad.document import Document

IN_TRAY = {"gpu": "GPU", "xpu": "XPU", "cpu": "CPU", "switch": "SW", "nic": "NIC", "dpu": "DPU", "optic": "OPT",
           "tray": "B", "cable": "K"}
"""Prefixes of parts inside a tray (a tray inside a pod is a blade)."""
IN_RACK = {"power-shelf": "PS", "mgmt-switch": "MGMT", "network-switch": "NS", "cpo-switch": "NS", "cdu": "CDU",
           "busbar": "BB", "gpu": "GPU", "xpu": "XPU", "cpu": "CPU", "switch": "SW", "nic": "NIC", "dpu": "DPU",
           "optic": "OPT", "cable": "K"}
"""Prefixes of parts mounted directly in a rack (trays: see `prefix`)."""


def prefix(part: PartSpec, in_tray: bool) -> tuple[str, int]:
    """The name prefix of `part` and how many digits its number takes (trays in a rack: 2, CT01)."""
    if part.kind == "tray" and not in_tray:
        accepts = {kind for group in part.bays for kind in group.accepts}
        if accepts & ACCELERATOR_KINDS or "tray" in accepts:
            return "CT", 2
        if "switch" in accepts:
            return "ST", 2
        return "T", 2
    table = IN_TRAY if in_tray else IN_RACK
    return table.get(part.kind, part.kind[:1].upper() or "N"), 1


def _numbers(names: list[str], stem: str) -> set[int]:
    pattern = re.compile(re.escape(stem) + r"(\d+)")
    return {int(m.group(1)) for name in names if (m := pattern.fullmatch(name))}


def next_name(doc: "Document", part: PartSpec, parent: str, taken: set[str] | None = None) -> str:
    """The name a new `part` under `parent` gets: its prefix with the lowest number free among the siblings
    (and in `taken`, names handed out in the same gesture but not placed yet)."""
    container = doc.find(parent)
    in_tray = container is not None and not isinstance(container, Rack)
    stem, width = prefix(part, in_tray)
    if in_tray:
        stem = f"{container.name}/{stem}"
    names = [child.name for child in doc.children(parent)] + sorted(taken or ())
    used = _numbers(names, stem)
    number = 1
    while number in used:
        number += 1
    return f"{stem}{number:0{width}d}"


def unique_name(name: str, taken: set[str]) -> str:
    """`name`, or `name-2`, `name-3` ... when it is taken (pasted racks, parts with names of their own)."""
    if name not in taken:
        return name
    base = re.sub(r"-\d+$", "", name)
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


def rename(doc: "Document", node_id: str, name: str) -> None:
    """Rename a placed part; the parts inside it that carry its name as their prefix follow (one undo step)."""
    node = doc.get(node_id)
    old = node.name
    if name == old:
        return
    with doc.batch(f"Rename {old} to {name}"):
        doc.set(node_id, name=name)
        for child in doc.descendants(node_id):
            if child.name.startswith(old + "/"):
                doc.set(child.id, name=name + child.name[len(old):])


def renumber(doc: "Document", parent_ids: list[str]) -> int:
    """Rename everything in the given racks or trays by the scheme: rack contents bottom to top, tray contents
    in bay order, numbers from 1 per prefix. One undo step; returns how many names changed."""
    before = {n.id: n.name for p in parent_ids for n in doc.descendants(p)}
    with doc.batch("Renumber parts"):
        for parent_id in parent_ids:
            _renumber(doc, parent_id)
    return sum(1 for node_id, name in before.items() if doc.get(node_id).name != name)


def _renumber(doc: "Document", parent_id: str) -> None:
    container = doc.get(parent_id)
    in_tray = not isinstance(container, Rack)
    children = sorted(doc.children(parent_id), key=lambda n: (n.u if n.u is not None else 1e9,
                                                              n.bay if n.bay is not None else 1e9, n.id))
    counters: dict[str, int] = {}
    wanted: dict[str, str] = {}
    for child in children:
        part = doc.part_of(child.id)
        if part is None:
            continue
        stem, width = prefix(part, in_tray)
        if in_tray:
            stem = f"{container.name}/{stem}"
        counters[stem] = counters.get(stem, 0) + 1
        wanted[child.id] = f"{stem}{counters[stem]:0{width}d}"
    for child in children:
        new = wanted.get(child.id)
        if new is not None and new != child.name:
            rename(doc, child.id, new)
    for child in children:
        part = doc.part_of(child.id)
        if part is not None and part.bays:
            _renumber(doc, child.id)
