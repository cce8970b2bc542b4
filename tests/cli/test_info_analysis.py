"""`rackcad info` prints the largest NVLink domain's fabric figures."""

from __future__ import annotations

import json

from rackcad.cli.main import main
from tests.conftest import EXAMPLES


def test_info_text_and_json_fabric_lines(capsys):
    assert main(["info", str(EXAMPLES / "mesh-4gpu.rackcad")]) == 0
    out = capsys.readouterr().out
    assert "largest NVLink domain: 4 accelerators, no switches (direct links)" in out
    assert "bisection: 9,600 Gb/s per direction (67% of non-blocking 14.4 Tb/s)" in out
    assert "all-to-all per accelerator: 7,200 Gb/s per direction (within the domain)" in out
    assert main(["info", str(EXAMPLES / "gb200-nvl72.rackcad"), "--format", "json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["bisection_gbps"] == 259_200 and info["domains"][0]["switches"] == 18
