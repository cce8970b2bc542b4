"""DXF floor plan: one block per rack type, one block reference per rack at its position with its
attributes, layers in millimetres; building DXFs give the hall outline and columns as keep-out areas."""

from __future__ import annotations

import ezdxf
import pytest

from rackcad import validate
from rackcad.cli.main import main
from rackcad.files import load
from rackcad.interop.dxf_floor import LAYERS, apply_hall, block_name, read_hall, write_dxf
from rackcad.model import KeepOut
from tests.conftest import EXAMPLES


@pytest.mark.parametrize("example", ["gb200-nvl576", "gb200-nvl72", "kyber-nvl576"])
def test_one_block_reference_per_rack_at_its_position(example, tmp_path):
    design = load(EXAMPLES / f"{example}.rackcad")
    path = tmp_path / "floor.dxf"
    write_dxf(design, path)
    doc = ezdxf.readfile(path)
    assert doc.header["$INSUNITS"] == 4  # millimetres
    assert set(LAYERS) <= {layer.dxf.name for layer in doc.layers}
    inserts = doc.modelspace().query("INSERT")
    assert len(inserts) == len(design.racks)
    by_id = {i.get_attrib_text("RACK_ID"): i for i in inserts}
    depth = design.floor.depth_mm
    for rack in design.racks:
        insert = by_id[rack.id]
        assert insert.dxf.layer == "RACKS" and insert.dxf.name == block_name(rack.part)
        assert (insert.dxf.insert.x, insert.dxf.insert.y) == pytest.approx((rack.position.x_mm, depth - rack.position.y_mm))
        assert insert.dxf.rotation == pytest.approx(-rack.position.rotation_deg)
        assert insert.get_attrib_text("NAME") == rack.name and insert.get_attrib_text("PART") == rack.part
    part_blocks = {b.name for b in doc.blocks if b.name.startswith("RACK_")}
    assert part_blocks == {block_name(r.part) for r in design.racks}  # one block per rack type


def test_nvl576_figures_trays_and_aisle(tmp_path):
    design = load(EXAMPLES / "gb200-nvl576.rackcad")
    path = tmp_path / "floor.dxf"
    write_dxf(design, path)
    msp = ezdxf.readfile(path).modelspace()
    insert = next(i for i in msp.query("INSERT") if i.get_attrib_text("NAME") == "R1")
    from rackcad.analysis import summary

    rack = next(r for r in summary(design)["per_rack"] if r["name"] == "R1")
    assert insert.get_attrib_text("POWER_KW") == f"{rack['power_w'] / 1000:.1f} kW"
    block = insert.block()
    outline = next(e for e in block if e.dxftype() == "LWPOLYLINE")
    xs, ys = zip(*outline.get_points("xy"))
    assert (max(xs) - min(xs), max(ys) - min(ys)) == pytest.approx((600, 1068))  # MGX rack footprint
    assert len(msp.query('LWPOLYLINE[layer=="CABLE-TRAYS"]')) > 0
    assert len(msp.query('LWPOLYLINE[layer=="AISLES"]')) >= 1


def _building(tmp_path, units=6):
    """A building DXF in metres: an L-shaped room on A-WALL, two columns (a circle, a square) on S-COLS."""
    doc = ezdxf.new("R2010")
    doc.header["$INSUNITS"] = units
    msp = doc.modelspace()
    msp.add_lwpolyline([(100, 50), (120, 50), (120, 62), (100, 62), (100, 56), (104, 56), (104, 53), (100, 53)],
                       close=True, dxfattribs={"layer": "A-WALL"})
    msp.add_circle((107, 60), radius=0.25, dxfattribs={"layer": "S-COLS"})
    msp.add_lwpolyline([(110, 55), (110.5, 55), (110.5, 55.5), (110, 55.5)], close=True, dxfattribs={"layer": "S-COLS"})
    msp.add_lwpolyline([(0, 0), (1, 0), (1, 1)], close=False, dxfattribs={"layer": "S-COLS"})  # open: ignored
    path = tmp_path / "building.dxf"
    doc.saveas(path)
    return path


def test_building_outline_and_columns_become_keepouts(tmp_path):
    hall = read_hall(_building(tmp_path))
    assert (hall.width_mm, hall.depth_mm) == (20_000, 12_000)
    # DXF y up from (100, 50) m -> hall mm, y down from the top edge (62 m)
    assert hall.outline[0] == [0, 12_000] and [4_000, 6_000] in hall.outline
    assert len(hall.keepouts) == 2
    square = next(k for k in hall.keepouts if len(k.points) == 4)
    assert sorted(map(tuple, square.points)) == [(10_000, 6_500), (10_000, 7_000), (10_500, 6_500), (10_500, 7_000)]
    circle = next(k for k in hall.keepouts if len(k.points) == 24)
    xs = [p[0] for p in circle.points]
    assert (min(xs), max(xs)) == pytest.approx((6_750, 7_250))


def test_a_rack_on_a_column_is_flagged(tmp_path):
    design = load(EXAMPLES / "gb200-nvl72.rackcad")  # its rack stands at 1.2 m, 1.2 m (600 x 1,068 mm)
    design = apply_hall(design, read_hall(_building(tmp_path)))
    assert not [v for v in validate(design).violations if v.code == "geometry.keepout"]
    design.floor.keepouts = [*design.floor.keepouts, KeepOut(name="column X", points=[[1_500, 2_000], [1_700, 2_000],
                                                                                     [1_700, 2_200], [1_500, 2_200]])]
    [hit] = [v for v in validate(design).violations if v.code == "geometry.keepout"]
    assert hit.measured == pytest.approx(0.2 * 0.2) and "column X" in hit.message


def test_exported_keepouts_import_back(tmp_path):
    design = load(EXAMPLES / "gb200-nvl72.rackcad")
    column = [[5_000, 5_000], [5_400, 5_000], [5_400, 5_400], [5_000, 5_400]]
    design.floor.keepouts = [KeepOut(name="C1", points=column)]
    write_dxf(design, tmp_path / "floor.dxf")
    hall = read_hall(tmp_path / "floor.dxf")
    assert (hall.width_mm, hall.depth_mm) == (design.floor.width_mm, design.floor.depth_mm)
    [back] = hall.keepouts
    assert sorted(map(tuple, back.points)) == sorted(map(tuple, column))


def test_dxf_cli(tmp_path, capsys):
    out = tmp_path / "hall.dxf"
    assert main(["diagram", str(EXAMPLES / "gb200-nvl72.rackcad"), "-o", str(out)]) == 0
    assert ezdxf.readfile(out).modelspace().query("INSERT")
    placed = tmp_path / "placed.rackcad"
    assert main(["import", "dxf-hall", str(EXAMPLES / "gb200-nvl72.rackcad"), str(_building(tmp_path)),
                 "-o", str(placed)]) == 0
    assert "hall 20 x 12 m, outline of 8 points, 2 keep-out areas" in capsys.readouterr().out
    assert len(load(placed).floor.keepouts) == 2
    (tmp_path / "junk.dxf").write_text("not a dxf", encoding="utf-8")
    assert main(["import", "dxf-hall", str(placed), str(tmp_path / "junk.dxf"), "-o", str(placed)]) == 2
    assert "not a readable DXF file" in capsys.readouterr().err


def test_rack_references_read_back_as_ezdxf_writes_them(tmp_path):
    """The rack references are written as DXF text, not through ezdxf: read back, the file audits clean,
    every handle is unique and below $HANDSEED, and each rack's INSERT and ATTRIBs (racks turned 0, 90,
    180, 270 and 30 degrees) are what ezdxf itself makes of the same reference and values."""
    import re

    design = load(EXAMPLES / "gb200-nvl576.rackcad")
    for rack, turn in zip(design.racks, (0, 90, 180, 270, 30)):
        rack.position = rack.position.model_copy(update={"rotation_deg": turn})
    rack = design.racks[5]
    rack.name = "hall B^"  # a trailing caret would escape the line's end in a DXF text
    path = tmp_path / "floor.dxf"
    write_dxf(design, path)
    text = path.read_text(encoding="utf-8")
    doc = ezdxf.readfile(path)
    assert not doc.audit().has_errors
    handles = re.findall(r"^  0\n[A-Z_0-9]+\n  5\n([0-9A-F]+)$", text, flags=re.M)  # every object's own
    assert len(handles) == len(set(handles)) and max(int(h, 16) for h in handles) < int(doc.header["$HANDSEED"], 16)
    inserts = doc.modelspace().query("INSERT")
    assert sorted(i.dxf.rotation for i in inserts) == sorted([0.0] * 8 + [-90.0, -180.0, -270.0, -30.0])
    assert {i.get_attrib_text("RACK_ID"): i.get_attrib_text("NAME") for i in inserts}[rack.id] == "hall B"
    fresh = ezdxf.readfile(path)  # the same blocks, for ezdxf's own references
    for insert in inserts:
        assert insert.dxf.layer == "RACKS" and [a.dxf.owner for a in insert.attribs] == [insert.dxf.handle] * 5
        own = fresh.modelspace().add_blockref(insert.dxf.name, insert.dxf.insert,
                                              dxfattribs={"layer": "RACKS", "rotation": insert.dxf.rotation})
        own.add_auto_attribs({a.dxf.tag: a.dxf.text for a in insert.attribs})
        for ours, theirs in zip(insert.attribs, own.attribs, strict=True):
            for key in ("tag", "text", "height", "flags", "layer", "halign", "valign"):
                assert getattr(ours.dxf, key) == pytest.approx(getattr(theirs.dxf, key)), key
            turn = (ours.dxf.rotation - theirs.dxf.rotation) % 360  # the same angle, maybe written -270
            assert min(turn, 360 - turn) == pytest.approx(0, abs=1e-9)
            for key in ("insert", "align_point"):
                assert tuple(getattr(ours.dxf, key)) == pytest.approx(tuple(getattr(theirs.dxf, key)), abs=1e-6), key
    assert [a.dxf.tag for a in inserts[0].attribs] == ["NAME", "PART", "POWER_KW", "BUDGET_KW", "RACK_ID"]
    assert [a.is_invisible for a in inserts[0].attribs] == [False, False, False, True, True]
