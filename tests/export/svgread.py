"""What an SVG diagram says, read back with every <use> resolved: the parts drawn (by model id, each instance's
parts under the instance's id), the racks drawn (id and name), the links (ends and count) and the title
block's lines. Diagrams drawn per block and the expanded design's diagrams are compared through it."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field

SVG = "{http://www.w3.org/2000/svg}"
HREF = "{http://www.w3.org/1999/xlink}href"


@dataclass
class Said:
    parts: dict[str, str] = field(default_factory=dict)
    """model id -> kind of every part drawn."""
    racks: list[tuple[str, str]] = field(default_factory=list)
    """(id, name) of every rack drawn, in drawing order."""
    links: Counter = field(default_factory=Counter)
    """(end a, end b) -> link count of every drawn link or bundle."""
    title_block: list[str] = field(default_factory=list)
    uses: int = 0

    @property
    def kinds(self) -> Counter:
        return Counter(self.parts.values())


def read(text: str) -> Said:
    root = ET.fromstring(text)
    by_id = {e.get("id"): e for e in root.iter() if e.get("id")}
    said = Said()

    def full(local: str | None, owner: str | None) -> str | None:
        if local is None:
            return None
        return f"{owner}/{local}" if owner else local

    def walk(element, owner: str | None) -> None:
        tag = element.tag.removeprefix(SVG)
        if tag == "defs":
            return
        if tag == "use":
            said.uses += 1
            walk(by_id[element.get(HREF).removeprefix("#")], owner)
            return
        classes = (element.get("class") or "").split()
        if "instance" in classes:
            owner = element.get("id")
        if tag == "g" and "node" in classes:
            node_id = element.get("id") or full(element.get("data-local"), owner)
            kind = next(c for c in classes if c.startswith("kind-"))[5:]
            said.parts[node_id] = kind
        if tag == "g" and "rack" in classes and element.get("id"):
            said.racks.append((element.get("id"), element.get("data-name")))
            if element.get("data-instance"):
                owner = element.get("data-instance")
        if tag == "path" and "link" in classes:
            local = owner if element.get("id") is None else None
            key = (full(element.get("data-a"), local), full(element.get("data-b"), local))
            said.links[key] += int(element.get("data-count"))
        if tag == "text" and "tb-text" in classes:
            said.title_block.append(element.text or "")
        for child in element:
            walk(child, owner)

    walk(root, None)
    return said
