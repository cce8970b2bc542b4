"""How RackCAD names things to people: protocols, link media and part kinds.

The one home of display names, so a check message, a diagram legend, the BOM and the editor all say
"PCIe 6" and "switch chip" the same way. Qt-free and dependency-free: every layer may use it.
"""

from __future__ import annotations

_PROTOCOL_NAMES = {
    "nvlink-c2c": "NVLink-C2C", "ucie": "UCIe", "ethernet": "Ethernet", "infiniband": "InfiniBand",
    "infinity-fabric": "Infinity Fabric",
}

_GENERATIONS = (("nvlink", "NVLink"), ("pcie", "PCIe"), ("cxl", "CXL"))


def protocol_name(protocol: str) -> str:
    """'nvlink5' -> 'NVLink 5', 'pcie6' -> 'PCIe 6', 'cxl3' -> 'CXL 3', 'infiniband' -> 'InfiniBand'.

    A protocol RackCAD does not know is shown as written in the design.
    """
    for prefix, name in _GENERATIONS:
        suffix = protocol[len(prefix):]
        if protocol.startswith(prefix) and suffix.isdigit():
            return f"{name} {suffix}"
    return _PROTOCOL_NAMES.get(protocol, protocol)


MEDIUM_NAMES = {
    "in-package": "in-package", "pcb": "board traces", "backplane-copper": "backplane copper",
    "copper-cable": "passive copper cable", "active-copper": "active copper cable",
    "pluggable-optic": "fibre with pluggable optics", "cpo-fiber": "fibre from co-packaged optics",
}


def medium_name(medium: str | None) -> str:
    """'copper-cable' -> 'passive copper cable'; None -> 'unspecified medium'."""
    if medium is None:
        return "unspecified medium"
    return MEDIUM_NAMES.get(medium, medium)


KIND_NAMES = {
    "gpu": "GPU", "cpu": "CPU", "xpu": "XPU", "switch": "switch chip", "network-switch": "network switch",
    "cpo-switch": "CPO switch", "nic": "NIC", "dpu": "DPU", "power-shelf": "power shelf", "cdu": "CDU",
    "mgmt-switch": "management switch", "optic": "optic", "cable": "cable", "tray": "tray",
    "rack": "rack", "busbar": "busbar",
}
"""A part kind as a noun inside a sentence ('switch chip S3 has ...')."""

KIND_LABELS = {
    "gpu": "GPU", "xpu": "XPU", "cpu": "CPU", "switch": "Switch chip", "nic": "NIC", "dpu": "DPU",
    "optic": "Optics", "cable": "Cable", "network-switch": "Network switch", "cpo-switch": "CPO switch",
    "mgmt-switch": "Mgmt switch", "power-shelf": "Power", "busbar": "Busbar", "cdu": "Cooling (CDU)",
    "tray": "Tray / sled",
}
"""A part kind as a heading (legends, palette groups, inspector subtitles)."""


def kind_name(kind: str | None) -> str:
    """A part kind inside a sentence; 'part' when unknown."""
    if kind is None:
        return "part"
    return KIND_NAMES.get(kind, kind)
