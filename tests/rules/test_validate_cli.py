"""`rackcad validate`: text grouped by severity, JSON with a version, exit codes 0 / 1 / 2."""

from __future__ import annotations

import json

import pytest

from rackcad import Waiver, load, save
from rackcad.cli.main import main
from tests.conftest import EXAMPLES

BROKEN = EXAMPLES / "broken"


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(["validate", *map(str, argv)])
    out, err = capsys.readouterr()
    return code, out, err


def test_clean_design_exits_0(capsys):
    code, out, _ = run(capsys, EXAMPLES / "gb200-nvl72.rackcad")
    assert code == 0 and "0 errors, 0 warnings" in out and "Errors:" not in out


def test_errors_exit_1_and_are_listed_first(capsys):
    code, out, _ = run(capsys, BROKEN / "cooling-cdu-capacity.rackcad")
    assert code == 1
    lines = out.splitlines()
    assert ": 2 errors, 1 warning, " in lines[0] and lines[0].endswith(" infos, 0 waived")
    headings = [line for line in lines if not line.startswith(" ")][1:]
    assert headings == ["Errors:", "Warnings:", "Infos:"]
    assert any(line.lstrip().startswith("cooling.cdu_capacity") and "[VR-NVL144, CDU]" in line for line in lines)


def test_fail_on_warning(capsys):
    path = EXAMPLES / "vr-nvl144.rackcad"  # one warning: 91 % of the rack budget
    assert run(capsys, path)[0] == 0
    assert run(capsys, path, "--fail-on", "warning")[0] == 1
    assert run(capsys, EXAMPLES / "mesh-4gpu.rackcad", "--fail-on", "warning")[0] == 0  # infos never fail


def test_hundreds_of_subjects_are_truncated(capsys):
    _, out, _ = run(capsys, BROKEN / "domain-size.rackcad")
    [line] = [line for line in out.splitlines() if "domain.size" in line]
    assert line.endswith("[SLED01/GPU1, SLED01/GPU2, SLED01/GPU3 and 254 more]")


def test_json_and_waived(tmp_path, capsys):
    design = load(BROKEN / "power-rack-budget.rackcad")
    design.waivers = [Waiver(code="power.rack_budget", subjects=["R1"], reason="feed upgraded to 130 kW")]
    path = tmp_path / "waived.rackcad"
    save(design, path)
    code, out, _ = run(capsys, path, "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["file"] == str(path) and data["version"] == 1 and data["ok"] is True
    assert data["counts"]["error"] == 0 and data["counts"]["waived"] == 1
    [waived] = [v for v in data["violations"] if v["waived"]]
    assert (waived["code"], waived["measured"], waived["limit"]) == ("power.rack_budget", 125_300, 120_000)
    code, out, _ = run(capsys, path)
    assert out.splitlines()[-1].endswith("(waived: feed upgraded to 130 kW)") and "Waived:" in out


@pytest.mark.parametrize("content", [None, "not json"])
def test_unreadable_file_exits_2(tmp_path, capsys, content):
    path = tmp_path / "bad.rackcad"
    if content is not None:
        path.write_text(content)
    code, out, err = run(capsys, path)
    assert code == 2 and out == "" and str(path) in err and "Traceback" not in err
