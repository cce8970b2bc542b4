"""Halls of N GB200 NVL72 racks for the hall-scale benchmarks and tests: the NVL72 example rack copied N times,
flat (every part and link stored), in rows of racks facing cold aisles."""

from __future__ import annotations

import json
from pathlib import Path

from rackcad.model import Design

ROOT = Path(__file__).resolve().parents[1]
NVL72 = ROOT / "examples" / "gb200-nvl72.rackcad"
PITCH_MM = 600.0
DEPTH_MM = 1_200.0
AISLE_MM = 1_200.0
PAIR_MM = 2 * DEPTH_MM + AISLE_MM
"""Two rows back to back (the second turned round) and the cold aisle in front of the next pair."""
MARGIN_MM = 1_200.0


def flat_hall(racks: int, per_row: int = 32, budgets_w: list[float] | None = None) -> Design:
    """`racks` copies of the NVL72 example rack; copy k's ids carry the suffix `.k` (rack `R1.k`, ...).
    `budgets_w`: power budgets given to the racks in turn (rack k gets budgets_w[(k - 1) % len])."""
    data = json.loads(NVL72.read_text(encoding="utf-8"))
    rack, nodes, links = data["racks"][0], data["nodes"], data["links"]
    out_racks, out_nodes, out_links = [], [], []
    for k in range(1, racks + 1):
        row, col = divmod(k - 1, per_row)

        def sid(old: str) -> str:
            return f"{old}.{k}"

        budget = {"power_budget_w": budgets_w[(k - 1) % len(budgets_w)]} if budgets_w else {}
        out_racks.append({**rack, **budget, "id": sid(rack["id"]), "name": f"NVL72-{k:04d}",
                          "position": _position(row, col)})
        for node in nodes:
            out_nodes.append({**node, "id": sid(node["id"]), "parent": sid(node["parent"])})
        for link in links:
            out_links.append({**link, "id": sid(link["id"]), "a": {**link["a"], "node": sid(link["a"]["node"])},
                              "b": {**link["b"], "node": sid(link["b"]["node"])}})
    rows = -(-racks // per_row)
    pairs = -(-rows // 2)
    data.update(name=f"Hall of {racks} NVL72 racks", racks=out_racks, nodes=out_nodes, links=out_links,
                floor={**data["floor"], "width_mm": 2 * MARGIN_MM + per_row * PITCH_MM,
                       "depth_mm": 2 * MARGIN_MM + pairs * PAIR_MM - AISLE_MM})
    return Design.model_validate(data)


def _position(row: int, col: int) -> dict:
    """Front-left corner: even rows face the aisle above them, odd rows are turned round, back to back with
    the row before (a turned rack's corner is its front-left seen from its own front)."""
    x, y = MARGIN_MM + col * PITCH_MM, MARGIN_MM + (row // 2) * PAIR_MM
    if row % 2 == 0:
        return {"x_mm": x, "y_mm": y}
    return {"x_mm": x + PITCH_MM, "y_mm": y + 2 * DEPTH_MM, "rotation_deg": 180.0}
