"""A bad file in a user catalog folder is reported and skipped; the rest of the catalog and every command
keep working. YAML aliases are bounded, so a "billion laughs" part file is refused at once."""

from __future__ import annotations

import time

import pytest

from rackcad import Document, validate
from rackcad.catalog import Catalog, default_catalog, packaged_catalog_dir
from rackcad.catalog.loader import MAX_YAML_NODES, _expanded_size
from rackcad.cli.main import main

GOOD = """\
id: my-gpu
kind: gpu
vendor: Acme
model: Acme X1
mount: bay
power_max_w: {value: 700, source: S1, confidence: estimate}
"""

LAUGHS = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8))

BAD = {
    "typo.yaml": GOOD.replace("kind: gpu", "kind: gpuu").replace("my-gpu", "typo-gpu"),
    "syntax.yaml": "id: broken\nkind: [gpu\n",
    "latin1.yaml": b"id: caf\xe9\nkind: gpu\n",
    "laughs.yaml": LAUGHS,
    "recursive.yaml": "id: &x [*x]\n",
    "list.yaml": "- just\n- a list\n",
    "folder.yaml": None,
}


@pytest.fixture
def user_folder(tmp_path):
    folder = tmp_path / "catalog"
    folder.mkdir()
    (folder / "good.yaml").write_text(GOOD, encoding="utf-8")
    for name, text in BAD.items():
        if text is None:
            (folder / name).mkdir()
        elif isinstance(text, bytes):
            (folder / name).write_bytes(text)
        else:
            (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_each_bad_file_is_reported_and_skipped(user_folder):
    started = time.perf_counter()
    catalog = Catalog([packaged_catalog_dir(), user_folder])
    assert time.perf_counter() - started < 10  # the billion laughs never expand
    assert "my-gpu" in catalog and len(catalog) > 50
    by_file = {e.path.name: str(e) for e in catalog.errors}
    assert sorted(by_file) == sorted(BAD)
    assert "kind: Input should be" in by_file["typo.yaml"]
    assert "line 3, column 1" in by_file["syntax.yaml"] and "not valid YAML" in by_file["syntax.yaml"]
    assert "byte 7: not UTF-8 text" in by_file["latin1.yaml"]
    assert f"expand to more than {MAX_YAML_NODES:,} values" in by_file["laughs.yaml"]
    assert "inside itself" in by_file["recursive.yaml"]
    assert "expected a mapping" in by_file["list.yaml"]
    assert all(str(user_folder) in text and len(text) <= 300 for text in by_file.values())


def test_the_checks_name_the_skipped_files(user_folder):
    catalog = Catalog([packaged_catalog_dir(), user_folder])
    doc = Document(catalog=catalog)
    rack = doc.add_rack("rack-42u-air")
    sled = doc.place("custom-compute-sled", rack, u=10)
    doc.place("my-gpu", sled, bay=doc.free_bay(sled, "gpu"))
    report = validate(doc.design, catalog)
    skipped = [v for v in report.violations if v.code == "catalog.bad_file"]
    assert len(skipped) == len(BAD) and all(v.severity == "warning" for v in skipped)
    assert not [v for v in report.errors if v.code == "catalog.unknown_part"]


def test_parts_lists_the_rest_and_warns_per_file(user_folder, monkeypatch, capsys):
    monkeypatch.setenv("RACKCAD_CATALOG_PATH", str(user_folder))
    default_catalog.cache_clear()
    try:
        code = main(["parts", "--kind", "gpu"])
        out, err = capsys.readouterr()
    finally:
        default_catalog.cache_clear()
    assert code == 0 and "my-gpu" in out
    lines = err.splitlines()
    assert len(lines) == len(BAD) and all(line.startswith("rackcad: warning: skipped ") for line in lines)
    assert "Traceback" not in err


def test_expanded_size_counts_shared_values_once_per_use():
    leaf = [1, 2, 3]
    assert _expanded_size({"a": leaf, "b": leaf}, 100) == 1 + 2 * (1 + 3)
    nine = list(range(9))
    for _ in range(9):
        nine = [nine] * 9
    assert _expanded_size(nine, 10_000) == 10_001


def test_a_key_given_twice_is_refused_with_its_line(tmp_path):
    """YAML would let the second power figure win silently; the file is reported and skipped instead."""
    folder = tmp_path / "catalog"
    folder.mkdir()
    text = GOOD.replace("my-gpu", "twice-gpu") + "power_max_w: {value: 7, source: S1, confidence: estimate}\n"
    (folder / "twice.yaml").write_text(text, encoding="utf-8")
    catalog = Catalog([packaged_catalog_dir(), folder])
    assert "twice-gpu" not in catalog
    (error,) = catalog.errors
    assert str(error).endswith("twice.yaml: line 7, column 1: duplicate key 'power_max_w'")


def test_the_packaged_catalog_gives_no_key_twice():
    catalog = Catalog([packaged_catalog_dir()])
    assert catalog.errors == []
    assert len(catalog.sources) == len({*catalog.sources})
