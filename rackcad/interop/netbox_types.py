"""Import NetBox device types and module types (the community devicetype-library's YAML) as catalog parts.

`import_types(folder, out)` reads every `*.yaml` / `*.yml` under `folder` and writes one RackCAD part per
usable file into `out` (a user catalog folder), with a per-file report: `mapped` (every field it kept had
a direct meaning), `guessed` (something was inferred: the kind, a rate, a bay's contents; each guess is
listed), `skipped` (nothing RackCAD can place, e.g. a power-supply module), or `error` (not YAML, not a
device or module type, or a part the schema rejects). A bad file never stops the rest.

What maps (device type -> part):
- manufacturer, model -> vendor, model; slug -> part id (module types: `manufacturer-model` slugified);
  description and comments -> description; part_number is kept in it;
- u_height -> a rack-mounted part of that height (0 U: a side-mounted part); module types mount in bays;
- weight + weight_unit -> weight_kg; power-ports' maximum_draw / allocated_draw (summed) -> power_max_w /
  power_typical_w;
- airflow (any direction) -> air-cooled (liquid share 0); is_full_depth is noted;
- interfaces -> port groups, one per interface type and role (management-only interfaces form `mgmt`),
  with protocol, rate and medium from `netbox_vocab` (logical, wireless and WAN interfaces are skipped);
- module-bays -> a bay group accepting NICs and DPUs (guessed: NetBox does not say what a bay takes);
  device-bays (blade chassis) -> a bay group accepting trays (guessed).
The kind is read from the shape of the type: module bays or device bays -> `tray`; 8 or more data ports
of 25 Gb/s or more -> `network-switch`, 8 or more slower ones -> `mgmt-switch`; a module type with
network ports -> `nic`; anything else rack-mounted -> `tray` (guessed: a server is a tray with no bays).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import ValidationError

from rackcad.catalog.loader import StrictYamlLoader
from rackcad.catalog.schema import PartSpec
from rackcad.files.atomic import write_text
from rackcad.interop.netbox_vocab import parse_interface_type, slugify

SOURCE = "NetBox devicetype-library"
CONFIDENCE = "verified-secondary"
WEIGHT_TO_KG = {"kg": 1.0, "g": 0.001, "lb": 0.45359237, "oz": 0.028349523125}
MAX_FILE_BYTES = 2_000_000
IGNORED_COMPONENTS = ("console-ports", "console-server-ports", "power-outlets", "front-ports", "rear-ports",
                      "inventory-items")


@dataclass
class FileReport:
    """What happened to one file: status (mapped, guessed, skipped, error), the part id, and why."""

    path: Path
    status: str
    part_id: str | None = None
    kind: str | None = None
    notes: list[str] = field(default_factory=list)
    guesses: list[str] = field(default_factory=list)
    spec: PartSpec | None = field(default=None, repr=False)

    def to_dict(self) -> dict:
        return {"file": str(self.path), "status": self.status, "part": self.part_id, "kind": self.kind,
                "guesses": self.guesses, "notes": self.notes}


class Skip(Exception):
    """This file holds nothing RackCAD can place."""


class Bad(Exception):
    """This file is not a device or module type."""


def _figure(value: float, note: str = "", confidence: str = CONFIDENCE) -> dict:
    out = {"value": value, "source": SOURCE, "confidence": confidence}
    if note:
        out["note"] = note
    return out


def _text(data: dict, key: str, limit: int = 500) -> str:
    value = data.get(key)
    return str(value).strip()[:limit] if value not in (None, "") else ""


def _ports(interfaces: list, report: FileReport) -> list[dict]:
    groups: dict[tuple, dict] = {}
    skipped: Counter[str] = Counter()
    for item in interfaces:
        if not isinstance(item, dict) or not item.get("type"):
            skipped["(no type)"] += 1
            continue
        kind = parse_interface_type(str(item["type"]), str(item.get("description") or ""))
        if kind is None:
            skipped[str(item["type"])] += 1
            continue
        mgmt = bool(item.get("mgmt_only")) or (kind.protocol == "ethernet" and kind.gbps <= 1)
        key = (kind.protocol, kind.gbps, kind.medium, mgmt)
        if key not in groups:
            base = "mgmt" if mgmt else slugify(str(item["type"]) if item["type"] != "other" else kind.protocol)
            name = base
            n = 2
            while any(g["name"] == name for g in groups.values()):
                name, n = f"{base}-{n}", n + 1
            groups[key] = {"name": name, "protocol": kind.protocol, "count": 0, "gbps": kind.gbps,
                           "role": "mgmt" if mgmt else ("scale-up" if kind.protocol.startswith("nvlink")
                                                        and kind.protocol != "nvlink-c2c" else "network"),
                           "medium": kind.medium, "source": SOURCE,
                           "confidence": "estimate" if kind.guessed else CONFIDENCE,
                           "note": f"NetBox interface type {item['type']}" + (f"; {kind.note}" if kind.note else "")}
            if kind.guessed:
                report.guesses.append(f"{item['type']}: {kind.note}")
        groups[key]["count"] += 1
    for type_, n in sorted(skipped.items()):
        report.notes.append(f"skipped {n} interface{'s' if n != 1 else ''} of type {type_} (not a data-centre port)")
    return [{k: v for k, v in g.items() if v is not None} for g in groups.values()]


def _kind(data: dict, ports: list[dict], module: bool, report: FileReport) -> str:
    data_ports = [p for p in ports if p["role"] != "mgmt"]
    fast = sum(p["count"] for p in data_ports if p["gbps"] >= 25)
    slow = sum(p["count"] for p in ports if p["gbps"] < 25)
    if module:
        if data_ports:
            return "nic"
        raise Skip("a module type without network interfaces (power supply, fan, line card shell...)")
    if data.get("module-bays") or data.get("device-bays"):
        return "tray"
    if fast >= 8:
        return "network-switch"
    if slow >= 8:
        return "mgmt-switch"
    report.guesses.append("kind tray: a rack-mounted device without bays, taken as a server or appliance")
    return "tray"


def _power(data: dict, report: FileReport) -> dict:
    """maximum_draw: the largest of the ports (each redundant supply can carry the whole load);
    allocated_draw: the sum (the load is shared between the supplies)."""
    out = {}
    ports = [p for p in data.get("power-ports") or [] if isinstance(p, dict)]
    maximum = [int(p["maximum_draw"]) for p in ports if isinstance(p.get("maximum_draw"), (int, float))]
    allocated = sum(int(p["allocated_draw"]) for p in ports if isinstance(p.get("allocated_draw"), (int, float)))
    if maximum:
        out["power_max_w"] = _figure(max(maximum), f"largest maximum_draw of {len(ports)} power ports")
        if len(maximum) > 1:
            report.guesses.append(f"power: the largest maximum_draw of {len(maximum)} power ports, taken as "
                                  "redundant supplies")
    if allocated:
        out["power_typical_w"] = _figure(allocated, f"sum of allocated_draw of {len(ports)} power ports")
    return out


def part_from_type(data: dict, path: Path, report: FileReport) -> dict:
    """The RackCAD part (a dict PartSpec accepts) for one device or module type."""
    if not isinstance(data, dict) or not data.get("manufacturer") or not data.get("model"):
        raise Bad("not a NetBox device or module type (needs manufacturer and model)")
    module = "u_height" not in data and "slug" not in data or "module-types" in path.parts
    vendor, model = str(data["manufacturer"]).strip(), str(data["model"]).strip()
    part_id = slugify(str(data.get("slug") or f"{vendor}-{model}"))
    ports = _ports(data.get("interfaces") or [], report)
    kind = _kind(data, ports, module, report)
    description = " ".join(x for x in (_text(data, "description"), _text(data, "comments")) if x)
    if data.get("part_number"):
        description = f"Part number {data['part_number']}. {description}".strip()
    part: dict = {"id": part_id, "kind": kind, "vendor": vendor, "model": model,
                  "description": description[:600], "status": "shipping", "ports": ports}
    if module:
        part["mount"] = "bay"
    else:
        try:
            height = float(data.get("u_height", 1))
        except (TypeError, ValueError):
            raise Bad(f"u_height {data.get('u_height')!r} is not a number") from None
        if height <= 0:
            part["mount"] = "side"
            report.notes.append("0 U: mounted at the rack side")
        else:
            part["mount"], part["height_u"] = "rack", height
        if data.get("is_full_depth") is False:
            report.notes.append("half depth (is_full_depth: false); RackCAD places it like a full-depth part")
    weight, unit = data.get("weight"), str(data.get("weight_unit") or "kg")
    if isinstance(weight, (int, float)) and unit in WEIGHT_TO_KG:
        part["weight_kg"] = _figure(round(weight * WEIGHT_TO_KG[unit], 3), f"{weight} {unit}")
    part.update(_power(data, report))
    if data.get("airflow"):
        part["liquid_share"] = _figure(0.0, f"air-cooled (NetBox airflow {data['airflow']})", "derived")
    bays = []
    if data.get("module-bays"):
        bays.append({"name": "module", "accepts": ["nic", "dpu"], "count": len(data["module-bays"])})
        report.guesses.append(f"{len(data['module-bays'])} module bays taken as NIC/DPU bays")
    if data.get("device-bays"):
        bays.append({"name": "device", "accepts": ["tray"], "count": len(data["device-bays"])})
        report.guesses.append(f"{len(data['device-bays'])} device bays taken as tray (blade) bays")
    if bays:
        part["bays"] = bays
    ignored = [f"{len(data[k])} {k}" for k in IGNORED_COMPONENTS if data.get(k)]
    if ignored:
        report.notes.append("not modelled: " + ", ".join(ignored))
    if not data.get("power-ports") and not module:
        report.notes.append("no power ports: power unknown")
    return part


def read_type_file(path: Path) -> FileReport:
    """Parse and map one file; never raises for a bad file (the report says what was wrong)."""
    report = FileReport(path=path, status="error")
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise Bad(f"larger than {MAX_FILE_BYTES:,} bytes")
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=StrictYamlLoader)  # noqa: S506 - a safe loader
        part = part_from_type(data, path, report)
        spec = PartSpec.model_validate(part)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        report.notes.append(f"not valid YAML{f' (line {mark.line + 1})' if mark else ''}")
        return report
    except UnicodeDecodeError:
        report.notes.append("not UTF-8 text")
        return report
    except (Bad, OSError) as exc:
        report.notes.append(str(exc))
        return report
    except Skip as exc:
        report.status = "skipped"
        report.notes.append(str(exc))
        return report
    except ValidationError as exc:
        first = exc.errors()[0]
        report.notes.append(f"{'.'.join(map(str, first['loc']))}: {first['msg']}")
        return report
    report.status = "guessed" if report.guesses else "mapped"
    report.part_id, report.kind = spec.id, spec.kind
    report.spec = spec
    return report


def type_files(folder: Path) -> list[Path]:
    if folder.is_file():
        return [folder]
    return sorted(p for p in folder.rglob("*") if p.suffix.lower() in (".yaml", ".yml") and p.is_file())


def _write_part(spec: PartSpec, folder: Path) -> Path:
    target = folder / f"{spec.id}.yaml"
    data = spec.model_dump(mode="json", exclude_defaults=True)
    data = {"id": data.pop("id"), "kind": data.pop("kind"), **data}
    text = ("# Imported from a NetBox device/module type by `rackcad import netbox-types`.\n"
            + yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    write_text(target, text)
    return target


def import_types(source: Path, out: Path | None) -> list[FileReport]:
    """Map every type file under `source`; write the parts into `out` (None: report only)."""
    reports = [read_type_file(path) for path in type_files(source)]
    seen: dict[str, Path] = {}
    for report in reports:
        spec = report.spec
        if spec is None:
            continue
        if spec.id in seen:
            report.status = "error"
            report.notes.append(f"part id {spec.id} already comes from {seen[spec.id]}")
            continue
        seen[spec.id] = report.path
        if out is not None:
            try:
                out.mkdir(parents=True, exist_ok=True)
                report.notes.append(f"wrote {_write_part(spec, out)}")
            except OSError as exc:
                report.status = "error"
                report.notes.append(f"cannot write into {out}: {exc.strerror or exc}")
    return reports
