"""Crash-safe saves and exports: killed writers, read-only folders, full disks, folders and symlinks."""

from __future__ import annotations

import errno
import json
import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import openpyxl
import pytest

from rackcad.export import ExportError, export_bom, export_cables, export_diagram
from rackcad.files import load, save
from rackcad.files import atomic
from rackcad.files.atomic import sweep_stale
from tests.conftest import EXAMPLES

ROOT = Path(__file__).resolve().parents[2]
KILLS = 60

KILLER = textwrap.dedent("""
    import json, os, random, signal, sys, time
    from rackcad.files import dumps, load, save
    from rackcad.templates import build

    target, kills = sys.argv[1], int(sys.argv[2])
    old, new = build("gb200-nvl72"), build("gb200-nvl72", compute_trays=9)
    texts = {dumps(old).encode(), dumps(new).encode()}
    save(old, target)
    folder = os.path.dirname(target)
    random.seed(7)
    results = {"kills": 0, "mid_write": 0, "damaged": 0, "left_after_next_save": 0}
    for i in range(kills):
        pid = os.fork()
        if pid == 0:
            try:
                while True:
                    save(new, target)
                    save(old, target)
            finally:
                os._exit(0)
        time.sleep(random.uniform(0.0, 0.05))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        results["kills"] += 1
        temps = [n for n in os.listdir(folder) if n.endswith(".tmp")]
        results["mid_write"] += bool(temps)
        with open(target, "rb") as fh:
            results["damaged"] += fh.read() not in texts
    load(target)
    save(old, target)  # the next save sweeps what the killed writers left
    results["left_after_next_save"] = len([n for n in os.listdir(folder) if n != os.path.basename(target)])
    print(json.dumps(results))
""")


def test_sigkill_during_save_never_damages_the_file_and_leaves_nothing(tmp_path):
    target = tmp_path / "design.rackcad"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", KILLER, str(target), str(KILLS)], capture_output=True,
                          text=True, timeout=240, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    results = json.loads(done.stdout.strip().splitlines()[-1])
    assert results["kills"] == KILLS
    assert results["damaged"] == 0
    assert results["left_after_next_save"] == 0
    assert results["mid_write"] >= 1, "no kill landed during a write: the test proves nothing"


@pytest.fixture
def mesh():
    return load(EXAMPLES / "mesh-4gpu.rackcad")


def test_save_through_a_symlink_writes_the_target(tmp_path, mesh):
    real = tmp_path / "real" / "design.rackcad"
    real.parent.mkdir()
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "link.rackcad"
    link.symlink_to(real)
    save(mesh, link)
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert load(real) == mesh
    assert sorted(p.name for p in real.parent.iterdir()) == ["design.rackcad"]


def test_save_onto_a_folder_is_refused(tmp_path, mesh):
    folder = tmp_path / "design.rackcad"
    folder.mkdir()
    with pytest.raises(IsADirectoryError) as caught:
        save(mesh, folder)
    assert caught.value.filename == str(folder) and "folder" in caught.value.strerror
    assert list(folder.iterdir()) == [] and sorted(tmp_path.iterdir()) == [folder]


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_save_into_a_read_only_folder_keeps_the_old_file(tmp_path, mesh):
    target = tmp_path / "design.rackcad"
    target.write_text("old", encoding="utf-8")
    tmp_path.chmod(0o500)
    try:
        with pytest.raises(PermissionError) as caught:
            save(mesh, target)
        assert caught.value.filename == str(target)
    finally:
        tmp_path.chmod(0o700)
    assert target.read_text(encoding="utf-8") == "old" and sorted(tmp_path.iterdir()) == [target]


def test_save_into_a_read_only_folder_simulated(tmp_path, mesh, monkeypatch):
    """The same refusal where the suite runs as root: creating the temporary file fails with EACCES."""
    target = tmp_path / "design.rackcad"
    target.write_text("old", encoding="utf-8")
    real_open = os.open

    def deny(path, flags, *args):
        if flags & os.O_CREAT:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, flags, *args)

    monkeypatch.setattr(atomic.os, "open", deny)
    with pytest.raises(PermissionError) as caught:
        save(mesh, target)
    assert caught.value.filename == str(target)
    assert target.read_text(encoding="utf-8") == "old" and sorted(tmp_path.iterdir()) == [target]


def test_full_disk_keeps_the_old_file(tmp_path, mesh, monkeypatch):
    target = tmp_path / "design.rackcad"
    target.write_text("old", encoding="utf-8")
    real_write = os.write
    calls = []

    def full(fd, data):
        calls.append(len(data))
        if len(calls) > 1:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, bytes(data)[:100])  # a short write, then the disk is full

    monkeypatch.setattr(atomic.os, "write", full)
    with pytest.raises(OSError) as caught:
        save(mesh, target)
    assert caught.value.errno == errno.ENOSPC and caught.value.filename == str(target)
    assert target.read_text(encoding="utf-8") == "old" and sorted(tmp_path.iterdir()) == [target]


def test_save_keeps_permissions_and_new_files_take_the_mode(tmp_path, mesh):
    private = tmp_path / "private.rackcad"
    save(mesh, private, mode=0o600)
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    private.chmod(0o640)
    save(mesh, private)
    assert stat.S_IMODE(private.stat().st_mode) == 0o640


def test_stale_temporary_files_are_swept_only_when_their_writer_is_gone(tmp_path, mesh):
    target = tmp_path / "design.rackcad"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = tmp_path / f".design.rackcad.{dead.stdout.strip()}-0123abcd.tmp"
    alive = tmp_path / f".design.rackcad.{os.getppid()}-0123abcd.tmp"
    other = tmp_path / f".other.rackcad.{dead.stdout.strip()}-0123abcd.tmp"
    for path in (stale, alive, other):
        path.write_text("partial", encoding="utf-8")
    assert sweep_stale(target) == [stale]
    save(mesh, target)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([target.name, alive.name, other.name])


@pytest.mark.parametrize("export, name", [
    (export_bom, "bom.xlsx"), (export_bom, "bom.csv"), (export_bom, "bom.json"), (export_cables, "cables.csv"),
    (export_diagram, "d.svg"), (export_diagram, "d.png"), (export_diagram, "d.pdf"),
])
def test_exports_are_atomic(tmp_path, mesh, monkeypatch, export, name):
    """A failure half-way through an export (here: the disk fills at the rename) keeps the old file."""
    target = tmp_path / name
    target.write_text("old", encoding="utf-8")

    def full(src, dst):
        assert Path(src).stat().st_size > 0  # the export was complete in its temporary file
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic.os, "replace", full)
    with pytest.raises(OSError):
        export(mesh, target)
    assert target.read_text(encoding="utf-8") == "old" and sorted(tmp_path.iterdir()) == [target]
    monkeypatch.undo()
    export(mesh, target)
    assert target.stat().st_size > 100 and sorted(tmp_path.iterdir()) == [target]


def test_export_onto_a_folder_or_through_a_symlink(tmp_path, mesh):
    folder = tmp_path / "d.svg"
    folder.mkdir()
    with pytest.raises(IsADirectoryError):
        export_diagram(mesh, folder)
    real = tmp_path / "real.csv"
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    export_cables(mesh, link)
    assert link.is_symlink() and real.read_text(encoding="utf-8-sig").count("\n") > 1


def test_xlsx_replaces_characters_it_cannot_hold(tmp_path):
    """A user catalog's part name with control characters: the BOM still writes, the characters shown as U+FFFD."""
    from rackcad import Document
    from rackcad.catalog import Catalog, packaged_catalog_dir
    from rackcad.export.xlsx import write_xlsx
    from rackcad.topology import DesignIndex

    folder = tmp_path / "catalog"
    folder.mkdir()
    (folder / "odd.yaml").write_text(
        'id: odd-gpu\nkind: gpu\nvendor: "Acme\\x01"\nmodel: "=cmd\\x07 GPU"\nmount: bay\n'
        "power_max_w: {value: 700, source: S1, confidence: estimate}\n", encoding="utf-8")
    catalog = Catalog([packaged_catalog_dir(), folder])
    doc = Document(catalog=catalog)
    rack = doc.add_rack("rack-42u-air")
    sled = doc.place("custom-compute-sled", rack, u=10)
    doc.place("odd-gpu", sled, bay=doc.free_bay(sled, "gpu"))

    path = tmp_path / "bom.xlsx"
    write_xlsx(doc.design, path, index=DesignIndex(doc.design, catalog))
    cells = [c for ws in openpyxl.load_workbook(path) for row in ws.iter_rows(values_only=True) for c in row]
    assert "Acme\ufffd" in cells and "'=cmd\ufffd GPU" in cells
