"""The CLI contract: sub-commands, JSON output, exit codes and one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from rackcad.cli.main import main
from tests.conftest import EXAMPLES


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_new_then_info_json(tmp_path, capsys):
    path = tmp_path / "r.rackcad"
    code, out, _ = run(capsys, "new", "--template", "gb200-nvl72", "-o", str(path))
    assert code == 0 and "72 accelerators" in out
    code, out, _ = run(capsys, "info", str(path), "--format", "json")
    info = json.loads(out)
    assert code == 0 and info["counts"]["gpu"] == 72 and info["nvlink_domains"] == [72]
    assert info["scale_up_gbps_per_gpu"]["min"] == 7200


def test_new_with_set_and_bad_set(tmp_path, capsys):
    path = tmp_path / "m.rackcad"
    assert run(capsys, "new", "-t", "mesh-4gpu", "--set", "gpus=3", "-o", str(path))[0] == 0
    code, _, err = run(capsys, "new", "-t", "mesh-4gpu", "--set", "gpus=5", "-o", str(path))
    assert code == 2 and "gpus must be one of" in err and "Traceback" not in err
    code, _, err = run(capsys, "new", "-t", "nope", "-o", str(path))
    assert code == 2 and "unknown template 'nope'" in err


def test_templates_and_parts(capsys):
    code, out, _ = run(capsys, "templates")
    assert code == 0 and "gb200-nvl576" in out and "announced" in out
    code, out, _ = run(capsys, "parts", "--kind", "gpu", "--format", "json")
    rows = json.loads(out)
    assert {r["kind"] for r in rows} == {"gpu"} and any(r["id"] == "b200-gb200" for r in rows)
    code, _, err = run(capsys, "parts", "--kind", "spaceship")
    assert code == 2 and "kinds:" in err


def test_info_text(capsys):
    code, out, _ = run(capsys, "info", str(EXAMPLES / "mesh-4gpu.rackcad"))
    assert code == 0 and "NVLink domains: 1 (4 accelerators)" in out


@pytest.mark.parametrize(
    "content, fragment",
    [
        (None, "no such file"),
        ('{"format": "rackcad", "schema_version": 1, "racks": [', "line 1, column"),
        ("not json at all", "line 1, column 1"),
        ('{"format": "rackcad", "schema_version": 1, "racks": [{"id": 5}]}', "racks[0]"),
    ],
)
def test_bad_files_exit_2_with_one_line(tmp_path, content, fragment):
    path = tmp_path / "bad.rackcad"
    if content is not None:
        path.write_text(content)
    proc = subprocess.run([sys.executable, "-m", "rackcad", "info", str(path)], capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and str(path) in proc.stderr and fragment in proc.stderr
    assert "Traceback" not in proc.stderr


def test_usage_error_exit_2(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["info"])
    assert exc.value.code == 2
