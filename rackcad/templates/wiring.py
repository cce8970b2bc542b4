"""Auto-wiring: spread every accelerator's scale-up ports evenly over the switch chips of its domain.

This is how NVL72-class racks are built (each GPU has one NVLink to each of the 18 switch chips) and how
HGX boards are wired (each H100 splits 18 links 5/4/4/5 over 4 NVSwitch chips). Both the templates and the
editor's "Auto-wire NVLink" command use it.
"""

from __future__ import annotations

from rackcad.document import Document, EditError
from rackcad.editing.wiring import free_ports, spread

__all__ = ["free_ports", "scale_up_port", "spread", "wire_domain"]


def scale_up_port(doc: Document, node_id: str) -> tuple[str, str] | None:
    """(port group name, protocol) of the node's first scale-up port group."""
    part = doc.part_of(node_id)
    if part is None:
        return None
    for group in part.ports:
        if group.role == "scale-up":
            return group.name, group.protocol
    return None


def wire_domain(
    doc: Document,
    accelerators: list[str],
    switches: list[str],
    medium: str | None = None,
    pattern: list[int] | None = None,
) -> int:
    """Connect each accelerator's free scale-up ports across `switches` evenly; returns links made.

    `pattern`, when given, is the number of links from every accelerator to each switch (e.g. 5/4/4/5 for
    HGX H100); otherwise the free ports are spread evenly. Switch ports are never overcommitted: an
    accelerator whose share does not fit gets what is left, and the rest stays unconnected (reported by
    the rule engine as stranded bandwidth).
    """
    if not switches:
        raise EditError("auto-wire needs at least one switch chip")
    switch_port = {}
    switch_free = {}
    for sw in switches:
        port = scale_up_port(doc, sw)
        if port is None:
            raise EditError(f"{doc.get(sw).name} has no scale-up ports")
        switch_port[sw] = port
        switch_free[sw] = free_ports(doc, sw, port[0])
    made = 0
    for i, acc in enumerate(accelerators):
        port = scale_up_port(doc, acc)
        if port is None:
            continue
        name, protocol = port
        counts = pattern or spread(free_ports(doc, acc, name), len(switches), offset=i)
        for sw, count in zip(switches, counts):
            count = min(count, switch_free[sw])
            if count <= 0:
                continue
            doc.connect(acc, sw, protocol=protocol, count=count, medium=medium,
                        port_a=name, port_b=switch_port[sw][0])
            switch_free[sw] -= count
            made += count
    return made
