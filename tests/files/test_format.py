"""The .rackcad format: byte-stable round trips, atomic save, clear load errors, migrations."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from rackcad import templates
from rackcad.files import MIGRATIONS, LoadError, dumps, load, loads, save
from rackcad.files import format as fmt
from rackcad.model import SCHEMA_VERSION

SAMPLES = Path(__file__).parent / "samples"


@pytest.mark.parametrize("name", templates.names())
def test_save_load_save_is_byte_identical(tmp_path, built, name):
    design = built(name)
    first = tmp_path / "a.rackcad"
    save(design, first)
    again = load(first)
    second = tmp_path / "b.rackcad"
    save(again, second)
    assert first.read_bytes() == second.read_bytes()
    assert again == design


def test_file_has_format_version_and_one_line_per_item(built):
    text = dumps(built("hgx-h100-8gpu"))
    data = json.loads(text)
    assert data["format"] == "rackcad" and data["schema_version"] == 1  # no blocks: the version-1 layout
    assert list(data)[:3] == ["format", "schema_version", "name"]
    link_lines = [line for line in text.splitlines() if line.strip().startswith('{"id": "L')]
    assert len(link_lines) == len(data["links"]) == 32  # 8 GPUs x 4 NVSwitch pairs


def test_frozen_v1_sample_still_loads():
    design = load(SAMPLES / "v1.rackcad")
    assert design.schema_version == SCHEMA_VERSION == 2  # migrated on load
    assert len(design.links) > 0 and design.racks[0].part == "mgx-nvl72-rack"
    assert not design.blocks and '"blocks"' not in dumps(design)


def test_frozen_v2_sample_still_loads():
    """Three 2-tray NVL72 racks as instances of one block: 2 x 13 tray parts + 9 switch trays x 3 + 8 shelves
    + 2 management switches = 63 nodes, 8 GPUs x 18 NVLink + 8 C2C = 152 links. R0002 has its second tray
    removed (13 parts, 4 GPUs x 18 + 4 = 76 links) and its budget cut; a pattern rings the management
    switches (2 links)."""
    from rackcad.model import expanded

    design = load(SAMPLES / "v2.rackcad")
    assert [i.name for i in design.instances] == ["R0001", "R0002", "R0003"]
    flat = expanded(design)
    assert (len(flat.racks), len(flat.nodes), len(flat.links)) == (3, 3 * 63 - 13, 3 * 152 - 76 + 2)
    assert [r.power_budget_w for r in flat.racks] == [150_000.0, 120_000.0, 150_000.0]
    assert flat.links[-1].id == "PAT1/1" and flat.links[-1].b.node == "I3/M1" and flat.links[-1].b.index == 1


def test_unknown_part_ids_are_kept():
    text = (SAMPLES / "v1.rackcad").read_text().replace('"part": "grace"', '"part": "grace-next"', 1)
    design = loads(text)
    assert any(n.part == "grace-next" for n in design.nodes)
    assert "grace-next" in dumps(design)


@pytest.mark.parametrize(
    "content, where",
    [
        ('{"format": "rackcad", "schema_version": 1, "racks": [', "line 1, column"),
        ('{"format": "rackcad",\n "schema_version": 1,\n "name": }', "line 3, column 10"),
        ('[1, 2]', "line 1"),
        ('{"format": "other"}', "format"),
        ('{"format": "rackcad", "schema_version": 99}', "newer than this RackCAD"),
        ('{"format": "rackcad", "schema_version": "1"}', "schema_version"),
    ],
)
def test_bad_files_name_the_place(tmp_path, content, where):
    path = tmp_path / "bad.rackcad"
    path.write_text(content)
    with pytest.raises(LoadError) as err:
        load(path)
    assert str(path) in str(err.value) and where in str(err.value)


def test_wrong_type_names_line_and_field_path(tmp_path, built):
    text = dumps(built("mesh-4gpu"))
    lines = text.splitlines()
    idx = next(i for i, line in enumerate(lines) if '"u": 10' in line)
    lines[idx] = re.sub(r'"u": [0-9.]+', '"u": "ten"', lines[idx])
    path = tmp_path / "typed.rackcad"
    path.write_text("\n".join(lines))
    with pytest.raises(LoadError) as err:
        load(path)
    message = str(err.value)
    assert f"line {idx + 1}" in message and "nodes[" in message and ".u" in message


def test_truncated_missing_empty_and_binary(tmp_path, built):
    full = dumps(built("mesh-4gpu"))
    cut = tmp_path / "cut.rackcad"
    cut.write_text(full[: len(full) // 2])
    with pytest.raises(LoadError, match="not valid JSON"):
        load(cut)
    with pytest.raises(LoadError, match="no such file"):
        load(tmp_path / "missing.rackcad")
    empty = tmp_path / "empty.rackcad"
    empty.write_text("")
    with pytest.raises(LoadError, match="empty"):
        load(empty)
    binary = tmp_path / "bin.rackcad"
    binary.write_bytes(b'{"a": "\xff\xfe"}')
    with pytest.raises(LoadError, match="not UTF-8"):
        load(binary)


def test_duplicate_ids_are_load_errors(tmp_path, built):
    data = json.loads(dumps(built("mesh-4gpu")))
    data["nodes"][1]["id"] = data["nodes"][0]["id"]
    path = tmp_path / "dup.rackcad"
    path.write_text(json.dumps(data))
    with pytest.raises(LoadError, match="duplicate id"):
        load(path)


def test_save_is_atomic_when_writing_fails(tmp_path, built, monkeypatch):
    path = tmp_path / "keep.rackcad"
    save(built("mesh-4gpu"), path)
    original = path.read_bytes()

    def boom(fd):
        raise OSError("disk full")

    monkeypatch.setattr(fmt.os, "fsync", boom)
    with pytest.raises(OSError):
        save(built("hgx-h100-8gpu"), path)
    assert path.read_bytes() == original
    assert [p.name for p in tmp_path.iterdir()] == ["keep.rackcad"]


def test_migrations_run_step_by_step(monkeypatch):
    text = (SAMPLES / "v1.rackcad").read_text()
    data = json.loads(text)
    data["schema_version"] = 0
    data["title"] = data.pop("name")
    monkeypatch.setitem(MIGRATIONS, 0, lambda d: {**{k: v for k, v in d.items() if k != "title"}, "name": d["title"]})
    design = loads(json.dumps(data))
    assert design.schema_version == SCHEMA_VERSION and design.name == json.loads(text)["name"]
