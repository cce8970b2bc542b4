"""The hostile-input table: each small hand-made file or argument, run through the real CLI in process.

Every row either exits 2 with one line of at most 300 characters naming the file and the place, or (for a
well-formed but wrong design) opens and reports a named violation. None may print a traceback, hang,
run out of memory or print a raw control character.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from rackcad.cli.main import main
from tests.conftest import EXAMPLES

MESH = (EXAMPLES / "mesh-4gpu.rackcad").read_text(encoding="utf-8")


def _first(pattern: str, replacement: str) -> str:
    text, count = re.subn(pattern, replacement, MESH, count=1)
    assert count == 1, pattern
    return text


def _rack_position(value: str) -> str:
    return MESH.replace('"position": {"x_mm": 1200.0', f'"position": {{"x_mm": {value}', 1)


def _loop() -> str:
    data = json.loads(MESH)
    tray, cpu = data["nodes"][0]["id"], data["nodes"][1]["id"]
    data["nodes"][0]["parent"], data["nodes"][1]["parent"] = cpu, tray
    data["nodes"][1].pop("bay", None)
    return json.dumps(data)


# (row, file text, command, what stderr must hold: the place and the problem)
ROWS = [
    ("deep nesting", "[" * 100_000, "info", "line 1, column 65: nested more than 64 levels deep"),
    ("deep nesting", "[" * 100_000, "validate", "line 1, column 65: nested more than 64 levels deep"),
    ("5,000-digit integer", _first(r'"count": \d+', '"count": ' + "7" * 5000), "info",
     "links[0].count: an integer of 5,000 digits"),
    ("count 1e400", _first(r'"count": \d+', '"count": 1e400'), "info", "links[0].count: 1e400 is too large"),
    ("count 1e400", _first(r'"count": \d+', '"count": 1e400'), "validate", "links[0].count: 1e400 is too large"),
    ("u NaN", _first(r'"u": [\d.]+', '"u": NaN'), "info", "nodes[0].u: NaN is not a number"),
    ("negative length", _first(r'"count": (\d+)', r'"count": \1, "length_m": -2.5'), "info",
     "links[0].length_m: Input should be greater than or equal to 0"),
    ("negative power override", _first(r'"u": ([\d.]+)', r'"u": \1, "overrides": {"power_w": -700}'), "info",
     "nodes[0].overrides: power_w: -700 is outside 0-1e+09"),
    ("number as a string", _first(r'"u": ([\d.]+)', r'"u": "\1"'), "info", "nodes[0].u: Input should be a valid number"),
    ("true as a number", _first(r'"count": \d+', '"count": true'), "info", "links[0].count: Input should be a valid integer"),
    ("NaN floor position", _rack_position("NaN"), "diagram", "racks[0].position.x_mm: NaN is not a number"),
    ("NaN floor position", _rack_position("NaN"), "validate", "racks[0].position.x_mm: NaN is not a number"),
    ("huge floor", MESH.replace('"width_mm": 20000.0', '"width_mm": 1e15'), "diagram",
     "floor.width_mm: Input should be less than or equal to 1000000"),
    ("tiny grid", MESH.replace('"grid_mm": 600.0', '"grid_mm": 0.001'), "diagram",
     "floor: grid_mm: a 0.001 mm grid over a 20,000 mm hall is 20,000,000 lines a side"),
    ("parent loop", _loop(), "diagram", "nodes[0].parent: parent chain loops"),
    ("control character", _first(r'"name": "R1"', r'"name": "R\\u0001"'), "bom",
     "racks[0].name: text holds a control character (\\x01)"),
    ("lone surrogate", _first(r'"name": "R1"', r'"name": "R\\ud800"'), "info",
     "racks[0].name: text holds a lone surrogate (\\ud800)"),
    ("terminal escape", _first(r'"name": "R1"', r'"name": "\\u001b[2J\\u001b]0;pwned\\u0007"'), "info",
     "racks[0].name: text holds a control character (\\x1b)"),
    ("terminal escape", _first(r'"name": "R1"', r'"name": "\\u001b[2J"'), "validate",
     "racks[0].name: text holds a control character (\\x1b)"),
    ("10 MB string", _first(r'"name": "R1"', '"name": "' + "x" * 10_000_000 + '"'), "info",
     "racks[0].name: String should have at most 256 characters"),
    ("duplicate keys", _first(r'"name": "R1"', '"name": "R1", "name": "R2"'), "info",
     "racks[0].name: key 'name' appears twice in one object"),
    ("duplicate ids", _first(r'"id": "T1"', '"id": "R1"'), "info", "nodes[0].id: duplicate id 'R1' (also racks[0])"),
]

ARGS = {
    "info": [],
    "validate": [],
    "bom": ["-o", "{tmp}/out.xlsx"],
    "diagram": ["--view", "floor", "-o", "{tmp}/out.svg"],
}


def run(capsys, *argv) -> tuple[int, str, str]:
    try:
        code = main([str(a) for a in argv])
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line(err: str, *fragments: str) -> None:
    assert err.count("\n") == 1 and err.endswith("\n"), err[:500]
    assert len(err) <= 301, len(err)
    assert "Traceback" not in err and "\x1b" not in err
    for fragment in fragments:
        assert fragment in err, (fragment, err)


@pytest.mark.parametrize("row, text, command, expected", ROWS, ids=[f"{r[0]}-{r[2]}" for r in ROWS])
def test_hostile_file_is_one_line_exit_2(tmp_path, capsys, row, text, command, expected):
    path = tmp_path / "hostile.rackcad"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    extra = [a.format(tmp=tmp_path) for a in ARGS[command]]
    code, out, err = run(capsys, command, path, *extra)
    assert code == 2, (row, out[:300], err[:300])
    assert_one_line(err, str(path), expected)
    assert not list(tmp_path.glob("out.*")), "a refused design wrote an export"


def test_byte_order_mark_is_accepted(tmp_path, capsys):
    path = tmp_path / "bom.rackcad"
    path.write_bytes(b"\xef\xbb\xbf" + MESH.encode("utf-8"))
    code, out, err = run(capsys, "info", path)
    assert code == 0 and err == "" and out.startswith("4-GPU NVLink mesh")


def test_rack_whose_part_is_a_gpu_is_a_named_violation(tmp_path, capsys):
    path = tmp_path / "gpu-rack.rackcad"
    path.write_text(_first(r'"part": "rack-42u-air"', '"part": "b200-hgx"'), encoding="utf-8")
    code, out, err = run(capsys, "validate", path)
    assert code == 1 and err == ""
    assert re.search(r"catalog\.wrong_kind +Rack R1 is built from 'b200-hgx', a gpu", out), out


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "0", "1e9", "NaN"])
def test_dpi_out_of_range_is_a_usage_error(tmp_path, capsys, value):
    path = tmp_path / "m.rackcad"
    path.write_text(MESH, encoding="utf-8")
    code, _, err = run(capsys, "diagram", path, "-o", tmp_path / "d.png", f"--dpi={value}")
    assert code == 2
    assert_one_line(err, f"--dpi: '{value}' is outside 10-2400")
    assert not (tmp_path / "d.png").exists()


def test_an_internal_error_is_one_line_exit_3_and_debug_shows_the_traceback(tmp_path, capsys, monkeypatch):
    path = tmp_path / "m.rackcad"
    path.write_text(MESH, encoding="utf-8")

    def broken(*args, **kwargs):
        raise ZeroDivisionError("x" * 5000)

    monkeypatch.setattr("rackcad.analysis.summary", broken)
    code, _, err = run(capsys, "info", path)
    assert code == 3
    assert_one_line(err, "internal error in `info` on", str(path), "ZeroDivisionError", "--debug")
    code, _, err = run(capsys, "info", path, "--debug")
    assert code == 3 and "Traceback (most recent call last)" in err


def test_catalog_text_is_escaped_on_the_terminal(tmp_path, capsys, monkeypatch):
    """A part name from a user catalog with an escape sequence prints as `\\x1b`, in text and in JSON."""
    folder = tmp_path / "catalog"
    folder.mkdir()
    (folder / "evil.yaml").write_text(
        "id: evil-gpu\nkind: gpu\nvendor: x\nmodel: \"Evil\\e[2J\\x9b GPU\"\nmount: bay\n"
        "power_max_w: {value: 700, source: S1, confidence: estimate}\n", encoding="utf-8")
    monkeypatch.setenv("RACKCAD_CATALOG_PATH", str(folder))
    from rackcad.catalog import default_catalog

    default_catalog.cache_clear()
    try:
        code, out, err = run(capsys, "parts", "--kind", "gpu")
        assert code == 0 and "Evil\\x1b[2J\\x9b GPU" in out and "\x1b" not in out and "\x9b" not in out
        code, out, err = run(capsys, "parts", "--kind", "gpu", "--format", "json")
        rows = json.loads(out)
        assert code == 0 and "\x1b" not in out and "\x9b" not in out
        assert [r["model"] for r in rows if r["id"] == "evil-gpu"] == ["Evil\x1b[2J\x9b GPU"]
    finally:
        default_catalog.cache_clear()
