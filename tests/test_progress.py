"""Long operations report progress through one protocol (rackcad.progress) and stop cleanly on Cancelled.

GB200 NVL72: 1 rack, 271 parts, 1,368 link records, 0 waivers = 1,640 items in its file.
"""

from __future__ import annotations

import pytest

import rackcad
from rackcad.analysis import summary
from rackcad.export import export_bom, export_cables, export_diagram
from rackcad.files import dumps, load, save
from rackcad.files.format import LOAD_STEPS
from rackcad.progress import Cancelled
from rackcad.rules.engine import active_rules
from rackcad.templates import build
from tests.conftest import EXAMPLES

NVL72 = EXAMPLES / "gb200-nvl72.rackcad"


class Recorder:
    """A progress callable that keeps every call; raises Cancelled at the first label starting `stop_at`."""

    def __init__(self, stop_at: str | None = None):
        self.calls: list[tuple[int, int, str]] = []
        self.stop_at = stop_at

    def __call__(self, done: int, total: int, label: str = "") -> None:
        self.calls.append((done, total, label))
        if self.stop_at is not None and label.startswith(self.stop_at):
            raise Cancelled(label)


@pytest.fixture(scope="module")
def nvl72():
    return load(NVL72)


def test_load_reports_each_step():
    rec = Recorder()
    load(NVL72, progress=rec)
    assert LOAD_STEPS == 4
    assert rec.calls == [(0, 4, "loading: reading"), (1, 4, "loading: parsing"), (2, 4, "loading: building the model"),
                         (3, 4, "loading: checking ids"), (4, 4, "loaded")]


def test_save_reports_items_written_and_writes_the_same_bytes(tmp_path, nvl72):
    rec = Recorder()
    path = tmp_path / "d.rackcad"
    save(nvl72, path, progress=rec)
    # racks 1, then + 271 parts = 272, then + 1,368 links = 1,640 (one chunk each: all under 4,096)
    assert rec.calls == [(0, 1640, "saving"), (1, 1640, "saving"), (272, 1640, "saving"), (1640, 1640, "saving")]
    assert path.read_bytes() == NVL72.read_bytes() == dumps(nvl72).encode("utf-8")


def test_cancelled_save_keeps_the_old_file(tmp_path, nvl72):
    path = tmp_path / "d.rackcad"
    path.write_text("old", encoding="utf-8")

    def stop_after_nodes(done, total, label=""):
        if done == 272:  # the parts are written, the links not yet
            raise Cancelled(label)

    with pytest.raises(Cancelled):
        save(nvl72, path, progress=stop_after_nodes)
    assert path.read_text(encoding="utf-8") == "old" and sorted(tmp_path.iterdir()) == [path]


def test_validate_reports_each_rule_once(nvl72):
    rec = Recorder()
    report = rackcad.validate(nvl72, progress=rec)
    rules = active_rules(nvl72)
    n = len(rules) + 1
    assert rec.calls[0] == (0, n, "checking: deriving figures") and rec.calls[-1] == (n, n, "checked")
    assert [label for _, _, label in rec.calls[1:-1]] == [f"checking: {r.code}" for r in rules]
    assert [done for done, _, _ in rec.calls] == list(range(n + 1))
    assert report == rackcad.validate(nvl72)


def test_summary_reports_its_steps_and_gives_the_same_figures(nvl72):
    rec = Recorder()
    info = summary(nvl72, progress=rec)
    assert [(d, t) for d, t, _ in rec.calls] == [(0, 4), (1, 4), (2, 4), (3, 4), (4, 4)]
    assert info == summary(nvl72) and info["counts"]["gpu"] == 72


def test_template_build_counts_its_edits_and_builds_the_same_design():
    rec = Recorder()
    design = build("gb200-nvl72", progress=rec)
    assert dumps(design) == NVL72.read_text(encoding="utf-8")
    counts = [done for done, _, _ in rec.calls]
    assert counts == list(range(len(counts))) and counts[-1] > 0
    assert {label for _, _, label in rec.calls} == {"building gb200-nvl72"} and {t for _, t, _ in rec.calls} == {0}


def test_cable_schedule_reports_rows_and_stops_cleanly(tmp_path, nvl72):
    rec = Recorder()
    out = tmp_path / "cables.csv"
    export_cables(nvl72, out, progress=rec)
    assert rec.calls[0] == (0, 0, "cable schedule: deriving figures")
    assert rec.calls[-1] == (1368, 1368, "cable schedule")
    out.write_text("old", encoding="utf-8")
    with pytest.raises(Cancelled):
        export_cables(nvl72, out, progress=Recorder(stop_at="cable schedule"))
    assert out.read_text(encoding="utf-8") == "old" and sorted(tmp_path.iterdir()) == [out]


def test_bom_csv_holds_every_row_once(tmp_path, nvl72):
    """Rows are handed to the CSV writer in chunks: each row must be its own (72 GPUs, 18 switch chips)."""
    import csv

    from rackcad.export.bom import bom

    export_bom(nvl72, tmp_path / "bom.csv")
    with open(tmp_path / "bom.csv", encoding="utf-8-sig", newline="") as fh:
        written = list(csv.DictReader(fh))
    assert [r["part"] for r in written] == [r.part for r in bom(nvl72).rows]
    by_kind = {r["kind"]: r for r in written}
    assert by_kind["gpu"]["quantity"] == "72" and by_kind["switch"]["quantity"] == "18"


@pytest.mark.parametrize("suffix", ["csv", "json"])
def test_bom_reports_rows(tmp_path, nvl72, suffix):
    rec = Recorder()
    export_bom(nvl72, tmp_path / f"bom.{suffix}", progress=rec)
    rows = rec.calls[-1][0]
    assert rec.calls[0] == (0, 0, "bill of materials: deriving figures")
    assert rec.calls[-1] == (rows, rows, "bill of materials") and rows > 0
    with pytest.raises(Cancelled):
        export_bom(nvl72, tmp_path / f"new.{suffix}", progress=Recorder(stop_at="bill of materials"))
    assert not (tmp_path / f"new.{suffix}").exists() and len(list(tmp_path.iterdir())) == 1


def test_svg_is_written_element_by_element_with_the_same_bytes(tmp_path, nvl72):
    from rackcad.export.svg import drawing

    rec = Recorder()
    out = tmp_path / "floor.svg"
    export_diagram(nvl72, out, view="floor", progress=rec)
    image = drawing(nvl72, "floor")
    assert out.read_text(encoding="utf-8") == image.svg
    assert rec.calls[0] == (0, 0, "diagram: drawing the floor")
    assert rec.calls[-1] == (len(image.elements), len(image.elements), "diagram: writing")
    with pytest.raises(Cancelled):
        export_diagram(nvl72, tmp_path / "e.svg", view="elevation", progress=Recorder(stop_at="diagram: writing"))
    assert sorted(tmp_path.iterdir()) == [out]
