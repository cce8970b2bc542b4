"""The C YAML loader gives the pure loader's data; the parsed-catalog cache is keyed by mtime and size,
survives corruption and is written atomically."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml

from rackcad.catalog import Catalog, default_catalog
from rackcad.catalog import cache as cache_mod
from rackcad.catalog.cache import CACHE_NAME, ParseCache, caching
from rackcad.catalog.loader import YamlLoader, packaged_catalog_dir

PART = """\
id: test-gpu
kind: gpu
vendor: Test
model: Test GPU
mount: bay
power_max_w: {value: 1000, source: EST, confidence: estimate}
"""


def test_the_c_loader_is_used_and_reads_every_packaged_file_like_the_pure_loader():
    assert YamlLoader is getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    files = sorted(packaged_catalog_dir().glob("*.yaml"))
    assert len(files) > 40
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert yaml.load(text, Loader=YamlLoader) == yaml.load(text, Loader=yaml.SafeLoader), path.name


def _catalog(folder: Path, cache_file: Path) -> Catalog:
    with caching(cache_file):
        return Catalog([folder])


@pytest.fixture
def part_dir(tmp_path):
    folder = tmp_path / "parts"
    folder.mkdir()
    (folder / "test-gpu.yaml").write_text(PART, encoding="utf-8")
    return folder


def test_second_load_reads_the_cache_not_the_yaml(part_dir, tmp_path, monkeypatch):
    cache_file = tmp_path / "cache" / CACHE_NAME
    first = _catalog(part_dir, cache_file)
    assert cache_file.exists() and first.get("test-gpu").power_w == 1000

    def no_yaml(*args, **kwargs):
        raise AssertionError("parsed YAML although the cache was fresh")

    monkeypatch.setattr(yaml, "load", no_yaml)
    with caching(cache_file) as cache:
        second = Catalog([part_dir])
    assert cache.hits == 1 and second.get("test-gpu") == first.get("test-gpu")


def test_a_changed_file_is_read_again(part_dir, tmp_path):
    cache_file = tmp_path / CACHE_NAME
    _catalog(part_dir, cache_file)
    path = part_dir / "test-gpu.yaml"
    stat = path.stat()
    path.write_text(PART.replace("1000", "1200"), encoding="utf-8")  # same size
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert _catalog(part_dir, cache_file).get("test-gpu").power_w == 1200
    path.write_text(PART.replace("1000", "800"), encoding="utf-8")  # shorter file, mtime may be the same
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert _catalog(part_dir, cache_file).get("test-gpu").power_w == 800


@pytest.mark.parametrize("garbage", [b"", b"{not json", b"[1, 2]", b'{"format": "rackcad-catalog-cache"}',
                                     b'{"format": "rackcad-catalog-cache", "version": "0.0.0", "files": {}}',
                                     b"\xff\xfe binary"])
def test_a_corrupt_or_foreign_cache_is_ignored_and_rewritten(part_dir, tmp_path, garbage):
    cache_file = tmp_path / CACHE_NAME
    cache_file.write_bytes(garbage)
    assert _catalog(part_dir, cache_file).get("test-gpu").power_w == 1000
    assert json.loads(cache_file.read_text(encoding="utf-8"))["format"] == "rackcad-catalog-cache"


def test_a_tampered_entry_is_still_validated(part_dir, tmp_path):
    """The cache holds parsed YAML, not trusted objects: what it returns goes through the schema again."""
    cache_file = tmp_path / CACHE_NAME
    _catalog(part_dir, cache_file)
    raw = json.loads(cache_file.read_text(encoding="utf-8"))
    (entry,) = raw["files"].values()
    entry["data"]["kind"] = "not-a-kind"
    cache_file.write_text(json.dumps(raw), encoding="utf-8")
    catalog = _catalog(part_dir, cache_file)
    (error,) = catalog.errors  # the part is refused (and skipped) as if its file said so
    assert "kind" in str(error) and len(catalog) == 0


def test_writes_are_atomic_and_leave_no_stray_file(part_dir, tmp_path, monkeypatch):
    cache_file = tmp_path / CACHE_NAME
    cache_file.write_text("old", encoding="utf-8")

    def crash(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(cache_mod.os, "replace", crash)
    _catalog(part_dir, cache_file)  # the failed write is silent
    assert cache_file.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == [CACHE_NAME, "parts"]


def test_data_json_cannot_carry_is_not_cached(tmp_path):
    source = tmp_path / "dated.yaml"
    source.write_text("released: 2025-03-18\n1: one\n", encoding="utf-8")
    cache = ParseCache(tmp_path / CACHE_NAME)
    data = cache.get(source, lambda p: yaml.load(p.read_text(), Loader=YamlLoader))
    assert str(data["released"]) == "2025-03-18" and not cache.entries


def test_deleted_files_leave_the_cache(part_dir, tmp_path):
    cache_file = tmp_path / CACHE_NAME
    (part_dir / "other.yaml").write_text(PART.replace("test-gpu", "other-gpu"), encoding="utf-8")
    _catalog(part_dir, cache_file)
    assert len(json.loads(cache_file.read_text())["files"]) == 2
    (part_dir / "other.yaml").unlink()
    _catalog(part_dir, cache_file)
    assert len(json.loads(cache_file.read_text())["files"]) == 1


def test_default_catalog_uses_the_user_cache_folder():
    default_catalog.cache_clear()
    catalog = default_catalog()
    path = cache_mod.default_cache_path()
    assert path.parent.name == "rackcad" and path.exists()
    assert len(json.loads(path.read_text(encoding="utf-8"))["files"]) == len(catalog) + 1  # + sources.yaml
