"""Export a design to NetBox: device and module types in the devicetype-library's YAML, and bulk-import CSVs.

`netbox_export(design)` builds everything in memory (a `NetBoxExport`); `write_netbox(export, folder)`
writes it:

    device-types/<Manufacturer>/<slug>.yaml    one per rack-mounted (or side-mounted) part used
    module-types/<Manufacturer>/<model>.yaml   one per part that sits in a tray's bay (chips, NICs, ...)
    manufacturers.csv, device-roles.csv, sites.csv, racks.csv, devices.csv, modules.csv, cables.csv,
    interfaces.csv

Load them into NetBox in that order (types first, e.g. with the community Device-Type-Library-Import
script, then the CSVs through Import in each list view), or push them with `rackcad.interop.netbox_push`.

Mapping:
- the design is one site; each rack a rack (height from its part); each part placed in a rack a device
  (rack, lowest U as position, front face; side-mounted parts have no position); each part in a tray's bay
  a module in the module bay of that tray (bays are named by the tray's bay labels, `GPU 1`; their
  `position` is the label without spaces, `GPU1`);
- each port group of a part becomes `count` interfaces `<group><n>` (`nvlink0`..`nvlink17`); on a module
  type they are `{module}-<group><n>`, which NetBox resolves to the bay position (`GPU1-nvlink0`);
- interface types come from `netbox_vocab.interface_type`: Ethernet and InfiniBand ports get NetBox types,
  NVLink and other chip links are `other` with a description giving the protocol and per-direction rate;
  interfaces.csv lists every interface with its speed in kb/s (NetBox's unit), which the push applies;
- every link record becomes `count` cables between free interfaces of its two port groups (a port index
  on the link pins it); an end on a sub-port of a split port (breakout) is cabled to an interface of that
  sub-port, named after the port and the cable schedule's leg (`net3 (leg 2 of 4)`, listed in
  interfaces.csv at the leg's rate), legs filling a port k at a time as port use counts them; each cable
  has the length and cable type of the cable schedule (`export.cables.Schedule`:
  DAC, active copper, single-mode fibre; the backplane spine has no cable type); links on a board or in a
  package (`pcb`, `in-package`: C2C, UCIe) are traces, not cables, and are left out.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from rackcad.catalog import PartSpec
from rackcad.export.cables import Schedule, leg_label
from rackcad.export.csvsafe import neutralise
from rackcad.interop import InteropError
from rackcad.files.atomic import write_text
from rackcad.interop.netbox_vocab import CABLE_TYPES, interface_type, slugify
from rackcad.layout.style import KIND_COLORS, KIND_LABELS
from rackcad.model import Design, Node
from rackcad.topology import DesignIndex

CSV_COLUMNS: dict[str, list[str]] = {
    "manufacturers": ["name", "slug"],
    "device-roles": ["name", "slug", "color"],
    "sites": ["name", "slug", "status"],
    "racks": ["site", "name", "status", "u_height", "comments"],
    "devices": ["name", "role", "manufacturer", "device_type", "site", "rack", "position", "face", "status"],
    "modules": ["device", "module_bay", "module_type", "status"],
    "interfaces": ["device", "name", "type", "speed", "mgmt_only", "description"],
    "cables": ["side_a_device", "side_a_type", "side_a_name", "side_b_device", "side_b_type", "side_b_name",
               "type", "status", "label", "length", "length_unit"],
}
"""Bulk-import CSVs and their NetBox column names, in the order NetBox needs them loaded."""


def bay_position(label: str) -> str:
    """A bay's NetBox position (max 30 characters): its label without spaces, `GPU 1` -> `GPU1`."""
    return re.sub(r"\s+", "", label)[:30]


@dataclass
class NetBoxExport:
    """Everything one export writes: type YAML documents by file stem, and CSV rows by table."""

    device_types: dict[str, dict] = field(default_factory=dict)
    module_types: dict[str, dict] = field(default_factory=dict)
    tables: dict[str, list[dict]] = field(default_factory=lambda: {name: [] for name in CSV_COLUMNS})
    type_of: dict[str, tuple[str, str]] = field(default_factory=dict)
    """part id -> (manufacturer, model) of its device or module type."""


def device_slug(part: PartSpec) -> str:
    """The part id when it already starts with the vendor (an imported NetBox type), else vendor-id."""
    vendor = slugify(part.vendor)
    return part.id if part.id.startswith(f"{vendor}-") else f"{vendor}-{part.id}"


def _interfaces(part: PartSpec, prefix: str) -> list[dict]:
    out = []
    for group in part.ports:
        type_, description = interface_type(group.protocol, group.gbps, group.medium)
        for i in range(group.count):
            item = {"name": f"{prefix}{group.name}{i}", "type": type_}
            if group.role == "mgmt":
                item["mgmt_only"] = True
            item["description"] = description[:200]
            out.append(item)
    return out


def _power_ports(part: PartSpec, prefix: str) -> list[dict]:
    if part.power_w < 1:
        return []
    port = {"name": f"{prefix}pwr", "type": "other", "maximum_draw": max(1, round(part.power_w))}
    if part.power_typical_w and part.power_typical_w.value >= 1:
        port["allocated_draw"] = round(part.power_typical_w.value)
    port["description"] = "rack power feed (busbar or power shelf)"
    return [port]


def _module_bays(part: PartSpec) -> list[dict]:
    return [{"name": part.bay_label(i), "position": bay_position(part.bay_label(i))}
            for i in range(part.bay_count)]


def _weight(part: PartSpec) -> dict:
    if part.weight_kg and part.weight_kg.value > 0:
        return {"weight": round(part.weight_kg.value, 2), "weight_unit": "kg"}
    return {}


def device_type(part: PartSpec) -> dict:
    """The devicetype-library document of a rack- or side-mounted part."""
    doc = {"manufacturer": part.vendor[:100], "model": part.model[:100], "slug": device_slug(part)[:100],
           "u_height": float(round((part.height_u or 0) * 2) / 2), "is_full_depth": True, **_weight(part)}
    if part.description:
        doc["comments"] = f"{part.description}\n\nRackCAD part {part.id}."
    else:
        doc["comments"] = f"RackCAD part {part.id}."
    for key, items in (("power-ports", _power_ports(part, "")), ("interfaces", _interfaces(part, "")),
                       ("module-bays", _module_bays(part))):
        if items:
            doc[key] = items
    return doc


def module_type(part: PartSpec, model: str) -> dict:
    """The devicetype-library module-type document of a part that sits in a bay."""
    doc = {"manufacturer": part.vendor[:100], "model": model[:100], **_weight(part),
           "comments": f"{part.description}\n\nRackCAD part {part.id}." if part.description
           else f"RackCAD part {part.id}."}
    for key, items in (("power-ports", _power_ports(part, "{module}-")),
                       ("interfaces", _interfaces(part, "{module}-")), ("module-bays", _module_bays(part))):
        if items:
            doc[key] = items
    return doc


class _Builder:
    def __init__(self, design: Design, index: DesignIndex):
        self.design, self.index = design, index
        self.out = NetBoxExport()
        self.racks = {r.id: r for r in design.racks}
        self.nodes = {n.id: n for n in design.nodes}
        self.device_of: dict[str, str] = {}  # node id -> NetBox device name
        self.prefix_of: dict[str, str] = {}  # node id -> interface-name prefix on its device
        self.legs_listed: set[tuple[str, str]] = set()  # (device, interface) of breakout legs listed
        self.site = design.name or "RackCAD design"

    def part(self, node: Node) -> PartSpec:
        part = self.index.part(node)
        if part is None:
            raise InteropError(f"part {node.part!r} of {node.name!r} is not in the catalog: "
                               "NetBox needs its ports and size")
        return part

    def add_type(self, part: PartSpec, as_module: bool) -> None:
        if part.id in self.out.type_of:
            return
        vendor = part.vendor
        if as_module:
            taken = {m for v, m in self.out.type_of.values() if v == vendor}
            model = part.model if part.model not in taken else f"{part.model} ({part.id})"
            self.out.module_types[f"{slugify(vendor)}/{slugify(model)}"] = module_type(part, model)
        else:
            model = part.model
            self.out.device_types[f"{slugify(vendor)}/{device_slug(part)}"] = device_type(part)
        self.out.type_of[part.id] = (vendor, model)
        self.manufacturer(vendor)

    def manufacturer(self, vendor: str) -> None:
        rows = self.out.tables["manufacturers"]
        if all(r["name"] != vendor for r in rows):
            rows.append({"name": vendor, "slug": slugify(vendor)})

    def role(self, kind: str) -> str:
        name = KIND_LABELS.get(kind, kind)
        rows = self.out.tables["device-roles"]
        if all(r["name"] != name for r in rows):
            rows.append({"name": name, "slug": slugify(name), "color": KIND_COLORS.get(kind, "#9e9e9e")[1:]})
        return name

    def device_names(self) -> dict[str, str]:
        top = [n for n in self.design.nodes if n.parent in self.racks]
        counts: dict[str, int] = {}
        for n in top:
            counts[n.name] = counts.get(n.name, 0) + 1
        names = {}
        for n in top:
            name = n.name if counts[n.name] == 1 else f"{self.racks[n.parent].name} {n.name}"
            names[n.id] = name[:64]
        return names

    def build(self) -> NetBoxExport:
        tables = self.out.tables
        tables["sites"].append({"name": self.site, "slug": slugify(self.site), "status": "planned"})
        for rack in self.design.racks:
            part = self.index.part(rack)
            tables["racks"].append({"site": self.site, "name": rack.name, "status": "planned",
                                    "u_height": part.rack_units if part and part.rack_units else 48,
                                    "comments": f"RackCAD rack {rack.id} ({rack.part})"})
        names = self.device_names()
        for node in self.design.nodes:
            if node.parent not in self.racks:
                continue
            part = self.part(node)
            self.add_type(part, as_module=False)
            vendor, model = self.out.type_of[part.id]
            racked = part.mount == "rack" and node.u is not None
            tables["devices"].append({
                "name": names[node.id], "role": self.role(part.kind), "manufacturer": vendor,
                "device_type": model, "site": self.site, "rack": self.racks[node.parent].name,
                "position": _number(node.u) if racked else None, "face": "front" if racked else None,
                "status": "planned"})
            self.device_of[node.id], self.prefix_of[node.id] = names[node.id], ""
        for node in self.design.nodes:
            if node.parent in self.nodes and node.id not in self.device_of:
                self.place_module(node, names)
        for node_id, device in self.device_of.items():
            part = self.part(self.nodes[node_id])
            for group in part.ports:
                type_, description = interface_type(group.protocol, group.gbps, group.medium)
                for i in range(group.count):
                    tables["interfaces"].append({
                        "device": device, "name": f"{self.prefix_of[node_id]}{group.name}{i}", "type": type_,
                        "speed": round(group.gbps * 1_000_000), "mgmt_only": group.role == "mgmt",
                        "description": description[:200]})
        self.cables()
        return self.out

    def place_module(self, node: Node, names: dict[str, str]) -> None:
        chain = [node]
        while chain[-1].parent in self.nodes and chain[-1].parent not in self.device_of:
            chain.append(self.nodes[chain[-1].parent])
        for item in reversed(chain):
            if item.id in self.device_of:
                continue
            parent = self.nodes.get(item.parent)
            if parent is None or parent.id not in self.device_of:
                return  # a tray outside any rack: NetBox has nowhere to put it
            part = self.part(item)
            self.add_type(part, as_module=True)
            parent_part = self.part(parent)
            label = parent_part.bay_label(item.bay if item.bay is not None else 0)
            self.out.tables["modules"].append({"device": self.device_of[parent.id], "module_bay": label,
                                               "module_type": self.out.type_of[part.id][1], "status": "planned"})
            self.device_of[item.id] = self.device_of[parent.id]
            self.prefix_of[item.id] = f"{bay_position(label)}-"

    def cables(self) -> None:
        used: dict[tuple[str, str], set[int]] = {}
        for link in self.design.links:
            for end in (link.a, link.b):
                if end.index is not None:
                    used.setdefault((end.node, end.port), set()).add(end.index)

        def take(node_id: str, port: str, pinned: int | None) -> int | None:
            if pinned is not None:
                return pinned
            group = self.index.port_group(node_id, port)
            taken = used.setdefault((node_id, port), set())
            for i in range(group.count if group else 0):
                if i not in taken:
                    taken.add(i)
                    return i
            return None

        legs: dict[tuple[str, str, int, int], set[int]] = {}  # (node, group, port, ways) -> sub-ports taken
        filling: dict[tuple[str, str, int], int] = {}  # (node, group, ways) -> the split port being filled

        def take_leg(end) -> tuple[int, int] | None:
            """(port, sub-port) of a breakout leg: on its pinned port, else on the port its group's legs of
            the same split are filling, a new one once that is full (PortUse: k legs to a port)."""
            ways, i = end.split, end.index
            if self.index.port_group(end.node, end.port) is None:
                return None  # a group the part lacks: the ports.* checks report it
            if i is None:
                i = filling.get((end.node, end.port, ways))
                if i is None or len(legs.get((end.node, end.port, i, ways), ())) >= ways:
                    i = take(end.node, end.port, None)
                    if i is None:
                        return None
                    filling[(end.node, end.port, ways)] = i
            taken = legs.setdefault((end.node, end.port, i, ways), set())
            free = [s for s in range(ways) if s not in taken]
            if not free:
                return None
            sub = end.sub if end.sub in free else free[0]
            taken.add(sub)
            return i, sub

        rows = self.out.tables["cables"]
        for link, length, choice in Schedule(self.design, self.index).entries:
            if choice.category == "none" or link.a.node not in self.device_of or link.b.node not in self.device_of:
                continue  # traces on a board or in a package are not cables
            for k in range(link.count):
                ends = []
                for end in (link.a, link.b):
                    if end.split:
                        leg = take_leg(end)
                        ends.append(None if leg is None else (self.device_of[end.node], self.leg_interface(end, *leg)))
                        continue
                    i = take(end.node, end.port, end.index if link.count == 1 else None)
                    ends.append(None if i is None else (self.device_of[end.node],
                                                        f"{self.prefix_of[end.node]}{end.port}{i}"))
                if None in ends:
                    continue  # more links than ports: the ports.* checks report it
                (dev_a, if_a), (dev_b, if_b) = ends
                rows.append({"side_a_device": dev_a, "side_a_type": "dcim.interface", "side_a_name": if_a,
                             "side_b_device": dev_b, "side_b_type": "dcim.interface", "side_b_name": if_b,
                             "type": CABLE_TYPES.get(choice.category), "status": "planned",
                             "label": (link.name or link.id) + (f"/{k + 1}" if link.count > 1 else ""),
                             "length": None if length is None else round(length, 2),
                             "length_unit": None if length is None else "m"})


    def leg_interface(self, end, port: int, sub: int) -> str:
        """The interface of sub-port `sub` of port `port` of the end's group, listed once in interfaces.csv:
        the port's name and the cable schedule's name of the leg (`net3 (leg 2 of 4)`), at the leg's rate."""
        port_name = f"{self.prefix_of[end.node]}{end.port}{port}"
        name = port_name + leg_label(end.split, sub)
        device = self.device_of[end.node]
        if (device, name) not in self.legs_listed:
            self.legs_listed.add((device, name))
            group = self.index.port_group(end.node, end.port)
            gbps = group.sub_gbps(end.split)
            type_, description = interface_type(group.protocol, gbps, group.medium)
            self.out.tables["interfaces"].append({
                "device": device, "name": name, "type": type_, "speed": round(gbps * 1_000_000),
                "mgmt_only": False,
                "description": f"sub-port {sub + 1} of {end.split} of {port_name}: {description}"[:200]})
        return name


def _number(value: float | None):
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def netbox_export(design: Design, index: DesignIndex | None = None) -> NetBoxExport:
    """The NetBox view of `design` (see the module docstring)."""
    return _Builder(design, index or DesignIndex(design)).build()


def _dump_yaml(doc: dict) -> str:
    return "---\n" + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=1000)


def _csv_text(columns: list[str], rows: list[dict]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if row.get(c) is None else neutralise(_cell(row.get(c))) for c in columns])
    return buf.getvalue()


def _cell(value):
    return str(value).lower() if isinstance(value, bool) else value


def write_netbox(export: NetBoxExport, folder: str | Path) -> list[Path]:
    """Write the type YAML files and the CSVs into `folder`; returns the files written."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for sub, docs in (("device-types", export.device_types), ("module-types", export.module_types)):
        for stem, doc in docs.items():
            name = stem.split("/", 1)[1]
            path = folder / sub / doc["manufacturer"].replace("/", "-") / f"{name}.yaml"
            path.parent.mkdir(parents=True, exist_ok=True)
            write_text(path, _dump_yaml(doc))
            written.append(path)
    folder.mkdir(parents=True, exist_ok=True)
    for table, columns in CSV_COLUMNS.items():
        path = folder / f"{table}.csv"
        write_text(path, _csv_text(columns, export.tables[table]))
        written.append(path)
    return written
