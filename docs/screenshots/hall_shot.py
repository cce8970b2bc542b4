"""Render the README's hall screenshot: 1,024 GB200 NVL72 racks (`rackcad new --template gb200-nvl72 --set
racks=1024`) whose block's rack budget is 135 kW (each rack draws 125.3 kW, 92.8 %: a power warning in
every rack) and every 16th rack cut to 120 kW (over budget: an error), each cut an override of its
instance made through the Document, on the floor plan coloured by power, with the grouped checks.

    python docs/screenshots/hall_shot.py [OUT.png]
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from rackcad import Document, templates
from rackcad.files import save
from rackcad.model import Design

HERE = Path(__file__).resolve().parent
RACKS = 1024


def hall() -> Design:
    data = templates.build("gb200-nvl72", racks=RACKS).model_dump(mode="json")
    for rack in data["blocks"][0]["racks"]:
        rack["power_budget_w"] = 135_000.0
    doc = Document(Design.model_validate(data))
    with doc.batch("Cut every 16th rack's budget"):
        for instance in doc.design.instances[15::16]:
            rack = next(r for r in doc.design.block(instance.block).racks)
            doc.set(f"{instance.id}/{rack.id}", power_budget_w=120_000.0)
    return doc.design


def main(out: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"hall-{RACKS}.rackcad"
        save(hall(), path)
        subprocess.run([sys.executable, "-m", "rackcad", "gui", str(path), "--tab", "floor", "--dock", "checks",
                        "--screenshot", out], check=True)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else str(HERE / "hall-1024.png"))
