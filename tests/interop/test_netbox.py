"""NetBox: interface vocabulary both ways, device-type import with per-file reports, export valid against
the devicetype-library's JSON schema, bulk CSVs, and an idempotent push (against a fake API)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from rackcad.catalog import Catalog, default_catalog
from rackcad.catalog.loader import packaged_catalog_dir
from rackcad.cli.main import main
from rackcad.document import Document
from rackcad.files import load
from rackcad.interop.netbox_export import netbox_export, write_netbox
from rackcad.interop.netbox_push import push
from rackcad.interop.netbox_types import import_types
from rackcad.interop.netbox_vocab import interface_type, parse_interface_type
from rackcad.topology import DesignIndex
from tests.conftest import EXAMPLES

SCHEMA_DIR = Path(__file__).parent / "netbox_schema"


@pytest.fixture(scope="module")
def validators():
    resources = []
    for name in ("devicetype", "moduletype", "components", "reusable", "generated_schema"):
        doc = json.loads((SCHEMA_DIR / f"{name}.json").read_text())
        resources.append((doc["$id"], Resource.from_contents(doc, default_specification=DRAFT202012)))
    registry = Registry().with_resources(resources)
    make = lambda urn: jsonschema.Draft202012Validator({"$ref": urn}, registry=registry)  # noqa: E731
    return make("urn:devicetype-library:device-type"), make("urn:devicetype-library:module-type")


def _errors(validator, doc) -> list[str]:
    return [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(doc)]


# ------------------------------------------------------------------ vocabulary

@pytest.mark.parametrize("type_, protocol, gbps, medium", [
    ("400gbase-x-osfp", "ethernet", 400, "pluggable-optic"),
    ("800gbase-x-qsfpdd", "ethernet", 800, "pluggable-optic"),
    ("1000base-t", "ethernet", 1, "copper-cable"),
    ("100base-tx", "ethernet", 0.1, "copper-cable"),
    ("2.5gbase-t", "ethernet", 2.5, "copper-cable"),
    ("25gbase-kr", "ethernet", 25, "backplane-copper"),
    ("infiniband-ndr", "infiniband", 400, "pluggable-optic"),
    ("infiniband-xdr", "infiniband", 800, "pluggable-optic"),
    ("infiniband-hdr", "infiniband", 200, "pluggable-optic"),
])
def test_netbox_interface_types_read_as_protocol_rate_and_medium(type_, protocol, gbps, medium):
    got = parse_interface_type(type_)
    assert (got.protocol, got.gbps, got.medium) == (protocol, pytest.approx(gbps), medium)


@pytest.mark.parametrize("type_", ["virtual", "lag", "bridge", "ieee802.11ax", "lte", "gpon", "cisco-stackwise",
                                   "sonet-oc48", "other", "nonsense"])
def test_logical_wireless_and_wan_interfaces_are_not_ports(type_):
    assert parse_interface_type(type_) is None


def test_rackcad_ports_map_to_netbox_types_and_back(catalog):
    assert interface_type("ethernet", 800, "pluggable-optic")[0] == "800gbase-x-osfp"
    assert interface_type("infiniband", 800, "pluggable-optic")[0] == "infiniband-xdr"
    assert interface_type("ethernet", 1, "copper-cable")[0] == "1000base-t"
    type_, description = interface_type("nvlink5", 400, "backplane-copper")
    assert type_ == "other" and description.startswith("NVLink 5, 400 Gb/s per direction")
    for part in catalog:  # every packaged port group survives the round trip
        for group in part.ports:
            back = parse_interface_type(*interface_type(group.protocol, group.gbps, group.medium))
            assert (back.protocol, back.gbps) == (group.protocol, group.gbps), (part.id, group.name)


# ---------------------------------------------------------------------- import

SWITCH = """---
manufacturer: Nvidia
model: QM9700
slug: nvidia-qm9700
u_height: 1
is_full_depth: true
airflow: rear-to-front
weight: 14.8
weight_unit: kg
console-ports:
  - {name: uart, type: rj-45}
power-ports:
  - {name: psu0, type: iec-60320-c14, maximum_draw: 720}
  - {name: psu1, type: iec-60320-c14, maximum_draw: 720}
interfaces:
  - {name: mgmt0, type: 1000base-t, mgmt_only: true}
""" + "".join(f"  - {{name: P{i}, type: infiniband-ndr}}\n" for i in range(32))

SERVER = """manufacturer: Acme
model: GPU Server 8U
slug: acme-gpu-server-8u
u_height: 8
is_full_depth: true
weight: 130
weight_unit: lb
power-ports:
  - {name: psu0, type: iec-60320-c20, maximum_draw: 6000, allocated_draw: 5000}
interfaces:
  - {name: bmc, type: 1000base-t, mgmt_only: true}
  - {name: lo0, type: virtual}
module-bays:
  - {name: NIC1, position: "1"}
  - {name: NIC2, position: "2"}
"""

NIC = """manufacturer: Nvidia
model: ConnectX-7 NDR
part_number: MCX75310AAS-NEAT
interfaces:
  - {name: "{module}-p0", type: infiniband-ndr}
"""

PSU = """manufacturer: Acme
model: PSU 3kW
power-ports:
  - {name: in, type: iec-60320-c20}
"""


@pytest.fixture
def library(tmp_path):
    root = tmp_path / "devicetype-library"
    files = {"device-types/Nvidia/QM9700.yaml": SWITCH, "device-types/Acme/server.yml": SERVER,
             "module-types/Nvidia/cx7.yaml": NIC, "module-types/Acme/psu.yaml": PSU,
             "device-types/Acme/broken.yaml": "manufacturer: Acme\nmodel: [unclosed\n",
             "device-types/Acme/not-a-type.yaml": "- just\n- a list\n",
             "device-types/Acme/bad-height.yaml": "manufacturer: Acme\nmodel: X\nslug: acme-x\nu_height: tall\n",
             "device-types/Acme/dup.yaml": SERVER.replace("GPU Server 8U", "Other")}
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_import_reports_each_file_and_a_bad_file_never_stops_the_rest(library, tmp_path):
    out = tmp_path / "catalog"
    reports = {r.path.name: r for r in import_types(library, out)}
    assert {n: r.status for n, r in reports.items()} == {
        "QM9700.yaml": "guessed", "dup.yaml": "guessed", "cx7.yaml": "mapped", "psu.yaml": "skipped",
        "broken.yaml": "error", "not-a-type.yaml": "error", "bad-height.yaml": "error", "server.yml": "error"}
    assert "not valid YAML (line 3)" in reports["broken.yaml"].notes[0]
    assert reports["server.yml"].notes[-1] == f"part id acme-gpu-server-8u already comes from {reports['dup.yaml'].path}"
    assert reports["bad-height.yaml"].notes == ["u_height 'tall' is not a number"]
    assert reports["not-a-type.yaml"].notes == ["not a NetBox device or module type (needs manufacturer and model)"]
    switch = Catalog([out]).get("nvidia-qm9700")
    assert switch.kind == "network-switch" and switch.mount == "rack" and switch.height_u == 1
    assert switch.weight_kg.value == 14.8 and switch.power_w == 720  # redundant supplies: the larger one
    assert switch.liquid_fraction == 0.0
    groups = {g.name: (g.protocol, g.count, g.gbps, g.role) for g in switch.ports}
    assert groups == {"mgmt": ("ethernet", 1, 1.0, "mgmt"), "infiniband-ndr": ("infiniband", 32, 400.0, "network")}
    assert "not modelled: 1 console-ports" in reports["QM9700.yaml"].notes


def test_imported_server_and_module(library, tmp_path):
    out = tmp_path / "catalog"
    reports = {r.path.name: r for r in import_types(library, out)}
    parts = Catalog([out])
    server = parts.get("acme-gpu-server-8u")
    assert server.kind == "tray" and server.height_u == 8 and server.bay_count == 2
    assert server.weight_kg.value == pytest.approx(58.967, abs=0.001)  # 130 lb
    assert server.power_max_w.value == 6000 and server.power_typical_w.value == 5000
    assert "2 module bays taken as NIC/DPU bays" in reports["dup.yaml"].guesses
    assert "skipped 1 interface of type virtual (not a data-centre port)" in reports["dup.yaml"].notes
    nic = parts.get("nvidia-connectx-7-ndr")
    assert nic.kind == "nic" and nic.mount == "bay" and nic.ports[0].protocol == "infiniband"
    assert "MCX75310AAS-NEAT" in nic.description


def test_dry_run_writes_nothing(library, tmp_path, capsys):
    assert main(["import", "netbox-types", str(library), "--dry-run"]) == 0
    out, err = capsys.readouterr()
    assert "guessed  " in out and "8 files: 1 mapped, 2 guessed, 1 skipped, 4 error" in err
    assert not (tmp_path / "_no_user_config").exists()


def test_import_cli_errors(tmp_path, capsys):
    assert main(["import", "netbox-types", str(tmp_path / "nope")]) == 2
    assert "no such file or folder" in capsys.readouterr().err
    assert main(["import", "netbox-types", str(tmp_path)]) == 2
    assert "no .yaml or .yml files" in capsys.readouterr().err


# ---------------------------------------------------------------------- export

def test_round_trip_netbox_yaml_in_part_design_netbox_yaml_out(library, tmp_path, validators):
    device_v, module_v = validators
    imported = tmp_path / "catalog"
    import_types(library, imported)
    catalog = Catalog([packaged_catalog_dir(), imported])
    doc = Document(catalog=catalog)
    rack = doc.add_rack("rack-48u-air", name="R01")
    switch = doc.place("nvidia-qm9700", parent=rack, u=40, name="IB-LEAF")
    server = doc.place("acme-gpu-server-8u", parent=rack, u=10, name="GPU-SRV")
    nic = doc.place("nvidia-connectx-7-ndr", parent=server, bay=1, name="NIC2")
    doc.connect(nic, switch, port_a="infiniband-ndr", port_b="infiniband-ndr", count=1)
    export = netbox_export(doc.design, DesignIndex(doc.design, catalog))
    written = write_netbox(export, tmp_path / "nb")
    for path in written:
        if path.suffix == ".yaml":
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            validator = device_v if "device-types" in path.parts else module_v
            assert _errors(validator, data) == [], path
    qm = yaml.safe_load((tmp_path / "nb/device-types/Nvidia/nvidia-qm9700.yaml").read_text())
    assert qm["slug"] == "nvidia-qm9700" and qm["model"] == "QM9700" and qm["u_height"] == 1
    assert [i["type"] for i in qm["interfaces"]].count("infiniband-ndr") == 32
    assert qm["interfaces"][0] == {"name": "mgmt0", "type": "1000base-t", "mgmt_only": True,
                                   "description": "Ethernet, 1 Gb/s per direction (RackCAD ethernet 1 Gb/s, copper-cable)"}
    assert qm["power-ports"] == [{"name": "pwr", "type": "other", "maximum_draw": 720,
                                  "description": "rack power feed (busbar or power shelf)"}]
    assert qm["weight"] == 14.8 and qm["weight_unit"] == "kg"
    devices = _csv(tmp_path / "nb/devices.csv")
    assert [(d["name"], d["rack"], d["position"], d["face"]) for d in devices] == [
        ("IB-LEAF", "R01", "40", "front"), ("GPU-SRV", "R01", "10", "front")]
    assert _csv(tmp_path / "nb/modules.csv") == [{"device": "GPU-SRV", "module_bay": "module 2",
                                                  "module_type": "ConnectX-7 NDR", "status": "planned"}]
    (cable,) = _csv(tmp_path / "nb/cables.csv")
    assert (cable["side_a_device"], cable["side_a_name"], cable["side_b_device"], cable["side_b_name"]) == (
        "GPU-SRV", "module2-infiniband-ndr0", "IB-LEAF", "infiniband-ndr0")
    assert cable["length_unit"] == "m" and float(cable["length"]) > 0 and cable["type"] in ("smf", "dac-passive", "dac-active")
    # and the exported types import again as the same parts
    again = {r.part_id: r for r in import_types(tmp_path / "nb", tmp_path / "again")}
    shape = lambda part: [(g.protocol, g.count, g.gbps, g.role, g.medium) for g in part.ports]  # noqa: E731
    assert shape(again["nvidia-qm9700"].spec) == shape(catalog.get("nvidia-qm9700"))
    assert again["nvidia-qm9700"].spec.height_u == 1 and again["nvidia-qm9700"].spec.kind == "network-switch"


def _csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def nvl72():
    design = load(EXAMPLES / "gb200-nvl72.rackcad")
    return design, netbox_export(design)


def test_nvl72_export_is_schema_valid_and_carries_the_nvlink_spine(nvl72, validators, tmp_path):
    design, export = nvl72
    device_v, module_v = validators
    for doc in export.device_types.values():
        assert _errors(device_v, doc) == []
    for doc in export.module_types.values():
        assert _errors(module_v, doc) == []
    tables = export.tables
    assert len(tables["devices"]) == 37  # 18 compute trays, 9 switch trays, 8 power shelves, 2 mgmt switches
    assert len(tables["modules"]) == 234  # 18 x (2 Grace + 4 B200 + 4 CX-7 + 2 BF-3) + 9 x 2 switch chips
    nvlink = [r for r in tables["interfaces"] if "RackCAD nvlink5 " in r["description"]]
    assert len(nvlink) == 72 * 18 + 18 * 72  # both ends of the 1,296 NVLink links
    gpu_port = next(r for r in nvlink if r["name"] == "gpu1-nvlink0" and r["device"] == "CT01")
    assert gpu_port["type"] == "other" and gpu_port["speed"] == 400_000_000  # kb/s
    cables = tables["cables"]
    assert len(cables) == 1296  # the NVLink spine; the 72 C2C links are board traces, not cables
    ends = [(c["side_a_device"], c["side_a_name"]) for c in cables] + [(c["side_b_device"], c["side_b_name"]) for c in cables]
    assert len(set(ends)) == len(ends) == 2592  # no interface carries two cables
    known = {(r["device"], r["name"]) for r in tables["interfaces"]}
    assert set(ends) <= known
    assert {c["type"] for c in cables} == {None}  # backplane copper: no NetBox cable type


class FakeRecord:
    def __init__(self, endpoint, id_, fields):
        self._endpoint, self.id = endpoint, id_
        for k, v in fields.items():
            setattr(self, k, v)

    def save(self):
        self._endpoint.saves += 1
        return True


class FakeEndpoint:
    def __init__(self, name):
        self.name, self.records, self.saves = name, [], 0

    def _match(self, record, key, value):
        if key == "interface_id":
            ends = list(getattr(record, "a_terminations", [])) + list(getattr(record, "b_terminations", []))
            return any(t["object_id"] == value for t in ends)
        if key.endswith("_id") and not hasattr(record, key):
            related = getattr(record, key[:-3], None)
            return getattr(related, "id", related) == value
        return getattr(record, key, None) == value

    def get(self, **filters):
        found = [r for r in self.records if all(self._match(r, k, v) for k, v in filters.items())]
        assert len(found) <= 1, (self.name, filters)
        return found[0] if found else None

    def create(self, **fields):
        fields = {(k[:-3] if k.endswith("_id") and k not in ("object_id",) else k): v for k, v in fields.items()}
        record = FakeRecord(self, len(self.records) + 1, fields)
        self.records.append(record)
        return record


class FakeApi:
    class _Dcim:
        def __init__(self):
            self._eps = {}

        def __getattr__(self, name):
            if name.startswith("_"):
                raise AttributeError(name)
            return self._eps.setdefault(name, FakeEndpoint(name))

    def __init__(self):
        self.dcim = self._Dcim()


def test_push_is_idempotent(nvl72):
    design, export = nvl72
    api = FakeApi()
    first = push(export, api)
    assert first.updated == 0 and first.unchanged == 0
    assert first.counts["devices:created"] == 37 and first.counts["cables:created"] == 1296
    assert first.counts["modules:created"] == 234
    second = push(export, api)
    assert second.created == 0 and second.updated == 0 and second.unchanged == first.created
    assert sum(ep.saves for ep in api.dcim._eps.values()) == 0
    export.tables["cables"][0]["length"] = 9.99  # one changed figure: one update, nothing else
    third = push(export, api)
    assert third.created == 0 and third.updated == 1 and third.counts["cables:updated"] == 1


def test_export_cli(tmp_path, capsys, monkeypatch):
    out = tmp_path / "nb"
    assert main(["export", "netbox", str(EXAMPLES / "gb200-nvl72.rackcad"), "-o", str(out)]) == 0
    assert "37 devices, 234 modules" in capsys.readouterr().out
    assert (out / "cables.csv").exists() and (out / "device-types" / "NVIDIA").is_dir()
    monkeypatch.delenv("NETBOX_TOKEN", raising=False)
    assert main(["export", "netbox", str(EXAMPLES / "gb200-nvl72.rackcad"), "-o", str(out),
                 "--push", "http://127.0.0.1:9"]) == 2
    assert "NETBOX_TOKEN" in capsys.readouterr().err


def _breakout_rack():
    """An SN5600 (64 x 800G) and three DGX B200 with two BlueField-3 each (2 x 200G): eight DPU ports on
    legs of 4-way split switch ports, pinned to none; two on the two legs of switch port 10 split 2 ways; two
    on whole switch ports."""
    doc = Document()
    rack = doc.add_rack("rack-48u-network", name="N1")
    sw = doc.place("spectrum-4-sn5600", rack, u=10, name="SW")
    boxes = [doc.place("dgx-b200", rack, u=12 + 11 * i, name=f"DGX{i + 1}") for i in range(3)]
    dpus = [doc.place("bluefield-3", box, bay=20 + i, name=f"DGX{b + 1}-DPU{i + 1}")
            for b, box in enumerate(boxes) for i in range(2)]
    ports = [(d, p) for d in dpus for p in range(2)]
    links = [doc.connect(d, sw, protocol="ethernet", port_a="net", port_b="net", index_a=p, split_b=4)
             for d, p in ports[:8]]
    links += [doc.connect(d, sw, protocol="ethernet", port_a="net", port_b="net", index_a=p, index_b=10, split_b=2,
                          sub_b=sub) for sub, (d, p) in zip((1, 0), ports[8:10])]
    links += [doc.connect(d, sw, protocol="ethernet", port_a="net", port_b="net", index_a=p) for d, p in ports[10:]]
    return doc.design, links


def test_breakout_legs_are_cabled_to_sub_port_interfaces_named_as_the_schedule_names_legs():
    """Legs fill a split port four at a time (net0, then net1), the pinned ones land on net10's legs 2 and
    1, the whole-port links on the next free ports; each leg's interface is listed at the leg's rate
    (800G / 4 = 200G, / 2 = 400G, in kb/s) and named with the cable schedule's leg text."""
    from rackcad.export.cables import Schedule

    design, links = _breakout_rack()
    export = netbox_export(design)
    switch_side = [c["side_b_name"] for c in export.tables["cables"]]
    assert switch_side == [f"net{p} (leg {s} of 4)" for p in (0, 1) for s in (1, 2, 3, 4)] + [
        "net10 (leg 2 of 2)", "net10 (leg 1 of 2)", "net2", "net3"]
    schedule = {r["id"]: r["to_port"] for r in Schedule(design).rows}
    assert [schedule[link] for link in links] == ["net (leg of 4)"] * 8 + [
        "net[10] (leg 2 of 2)", "net[10] (leg 1 of 2)", "net", "net"]
    interfaces = {r["name"]: r for r in export.tables["interfaces"] if r["device"] == "SW"}
    assert all(name in interfaces for name in switch_side)
    assert interfaces["net0 (leg 3 of 4)"]["speed"] == 200_000_000 and interfaces["net0"]["speed"] == 800_000_000
    assert interfaces["net10 (leg 1 of 2)"]["speed"] == 400_000_000
    assert interfaces["net1 (leg 4 of 4)"]["description"].startswith("sub-port 4 of 4 of net1: ")
    assert len([n for n in interfaces if "leg" in n]) == 10  # each leg's interface listed once
    assert push(export, FakeApi()).counts["cables:created"] == 12  # every leg's interface is there to cable
