"""Push a NetBox export into a NetBox instance through its REST API (pynetbox), idempotently.

`push(export, api)` creates what is missing and updates what differs, matching every object by its natural
key (manufacturer and device-role slug, device-type slug, module-type model, site slug, rack name in the
site, device name in the site, module by device and bay, interface by device and name, cable by its A-end
interface). Running it again changes nothing: the result counts `created`, `updated` and `unchanged`.
`api` is a `pynetbox.api(url, token=...)` object (`pip install rackcad[netbox]`), or anything with the same
`api.dcim.<endpoint>.get(**filters)` / `.create(**fields)` and records with attributes and `.save()`.
Component templates are created on the types (interfaces, power ports, module bays), so NetBox
instantiates them on each new device and module; interfaces a device lacks are created on it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from rackcad.interop import InteropError
from rackcad.interop.netbox_export import NetBoxExport


@dataclass
class PushResult:
    counts: Counter = field(default_factory=Counter)

    def add(self, what: str, outcome: str) -> None:
        self.counts[outcome] += 1
        self.counts[f"{what}:{outcome}"] += 1

    @property
    def created(self) -> int:
        return self.counts["created"]

    @property
    def updated(self) -> int:
        return self.counts["updated"]

    @property
    def unchanged(self) -> int:
        return self.counts["unchanged"]


def _id(value):
    """A related object's id whether the API returns a record, a nested dict or a bare id."""
    if value is None or isinstance(value, (int, str)):
        return value
    if isinstance(value, dict):
        return value.get("id")
    return getattr(value, "id", value)


def _value(value):
    """Choice fields come back as {'value': ..., 'label': ...}; related objects as records."""
    if isinstance(value, dict) and "value" in value:
        return value["value"]
    if hasattr(value, "value") and not isinstance(value, (int, float, str, bool)):
        return value.value
    return value


class _Pusher:
    def __init__(self, api, result: PushResult):
        self.api, self.result = api, result

    def ensure(self, endpoint: str, key: dict, fields: dict, related: tuple[str, ...] = ()):
        """The record matching `key`, created with `fields` or updated to them."""
        ep = getattr(self.api.dcim, endpoint)
        record = ep.get(**key)
        wanted = {**key, **fields}
        if record is None:
            self.result.add(endpoint, "created")
            return ep.create(**wanted)
        changed = False
        for name, value in fields.items():
            current = getattr(record, name, None)
            current = _id(current) if name in related else _value(current)
            if current != value:
                setattr(record, name, value)
                changed = True
        if changed:
            record.save()
        self.result.add(endpoint, "updated" if changed else "unchanged")
        return record


def push(export: NetBoxExport, api) -> PushResult:
    """Make NetBox hold `export`; see the module docstring. Raises InteropError for an API failure."""
    result = PushResult()
    p = _Pusher(api, result)
    try:
        _push(export, p)
    except InteropError:
        raise
    except Exception as exc:  # pynetbox.RequestError and connection errors: one line for the user
        raise InteropError(f"NetBox API: {exc}") from exc
    return result


def _templates(p: _Pusher, owner_field: str, owner_id, doc: dict) -> None:
    for item in doc.get("interfaces", []):
        p.ensure("interface_templates", {owner_field: owner_id, "name": item["name"]},
                 {"type": item["type"], "mgmt_only": item.get("mgmt_only", False),
                  "description": item.get("description", "")})
    for item in doc.get("power-ports", []):
        p.ensure("power_port_templates", {owner_field: owner_id, "name": item["name"]},
                 {"type": item["type"], "maximum_draw": item.get("maximum_draw"),
                  "allocated_draw": item.get("allocated_draw")})
    for item in doc.get("module-bays", []):
        p.ensure("module_bay_templates", {owner_field: owner_id, "name": item["name"]},
                 {"position": item["position"]})


def _push(export: NetBoxExport, p: _Pusher) -> None:
    tables = export.tables
    manufacturers = {row["name"]: p.ensure("manufacturers", {"slug": row["slug"]}, {"name": row["name"]})
                     for row in tables["manufacturers"]}
    roles = {row["name"]: p.ensure("device_roles", {"slug": row["slug"]},
                                   {"name": row["name"], "color": row["color"]}) for row in tables["device-roles"]}
    device_types, module_types = {}, {}
    for doc in export.device_types.values():
        maker = manufacturers[doc["manufacturer"]]
        record = p.ensure("device_types", {"slug": doc["slug"]},
                          {"manufacturer": maker.id, "model": doc["model"], "u_height": doc["u_height"],
                           "is_full_depth": doc["is_full_depth"], "comments": doc.get("comments", "")},
                          related=("manufacturer",))
        device_types[(doc["manufacturer"], doc["model"])] = record
        _templates(p, "device_type", record.id, doc)
    for doc in export.module_types.values():
        maker = manufacturers[doc["manufacturer"]]
        record = p.ensure("module_types", {"manufacturer": maker.id, "model": doc["model"]},
                          {"comments": doc.get("comments", "")})
        module_types[doc["model"]] = record
        _templates(p, "module_type", record.id, doc)
    sites = {row["name"]: p.ensure("sites", {"slug": row["slug"]}, {"name": row["name"], "status": row["status"]})
             for row in tables["sites"]}
    racks = {}
    for row in tables["racks"]:
        site = sites[row["site"]]
        racks[row["name"]] = p.ensure("racks", {"site_id": site.id, "name": row["name"]},
                                      {"status": row["status"], "u_height": row["u_height"],
                                       "comments": row["comments"]})
    devices = {}
    for row in tables["devices"]:
        site = sites[row["site"]]
        devices[row["name"]] = p.ensure(
            "devices", {"site_id": site.id, "name": row["name"]},
            {"device_type": device_types[(row["manufacturer"], row["device_type"])].id,
             "role": roles[row["role"]].id, "rack": racks[row["rack"]].id, "position": row["position"],
             "face": row["face"], "status": row["status"]},
            related=("device_type", "role", "rack"))
    for row in tables["modules"]:
        device = devices[row["device"]]
        bay = p.ensure("module_bays", {"device_id": device.id, "name": row["module_bay"]}, {})
        p.ensure("modules", {"device_id": device.id, "module_bay_id": bay.id},
                 {"module_type": module_types[row["module_type"]].id, "status": row["status"]},
                 related=("module_type",))
    interfaces = {}
    for row in tables["interfaces"]:
        device = devices[row["device"]]
        interfaces[(row["device"], row["name"])] = p.ensure(
            "interfaces", {"device_id": device.id, "name": row["name"]},
            {"type": row["type"], "speed": row["speed"], "mgmt_only": row["mgmt_only"],
             "description": row["description"]})
    for row in tables["cables"]:
        a = interfaces.get((row["side_a_device"], row["side_a_name"]))
        b = interfaces.get((row["side_b_device"], row["side_b_name"]))
        if a is None or b is None:
            raise InteropError(f"cable {row['label']}: interface missing in the export")
        fields = {"b_terminations": [{"object_type": "dcim.interface", "object_id": b.id}],
                  "type": row["type"] or "", "status": row["status"], "label": row["label"],
                  "length": row["length"], "length_unit": row["length_unit"] or ""}
        existing = p.api.dcim.cables.get(interface_id=a.id)
        if existing is None:
            p.api.dcim.cables.create(a_terminations=[{"object_type": "dcim.interface", "object_id": a.id}],
                                     **fields)
            p.result.add("cables", "created")
            continue
        changed = False
        for name in ("type", "status", "label", "length", "length_unit"):
            if _value(getattr(existing, name, None)) != fields[name]:
                setattr(existing, name, fields[name])
                changed = True
        ends = [_id(t.get("object_id") if isinstance(t, dict) else getattr(t, "object_id", None))
                for t in getattr(existing, "b_terminations", []) or []]
        if ends != [b.id]:
            existing.b_terminations = fields["b_terminations"]
            changed = True
        if changed:
            existing.save()
        p.result.add("cables", "updated" if changed else "unchanged")


def connect(url: str, token: str):
    """A pynetbox API object; InteropError when the optional dependency is missing."""
    try:
        import pynetbox
    except ImportError:
        raise InteropError("pushing to NetBox needs pynetbox: pip install 'rackcad[netbox]'") from None
    return pynetbox.api(url, token=token)


__all__ = ["PushResult", "connect", "push"]
