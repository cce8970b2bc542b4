"""Undo labels in the user's words: "Set power budget of NVL72 to 100 kW", not "Set power_budget_w of R1"."""

from __future__ import annotations

from rackcad.units import fmt_power

FIELDS = {
    "name": "name", "power_budget_w": "power budget", "liquid_capacity_w": "liquid capacity",
    "air_capacity_w": "air capacity", "power_redundancy": "power redundancy", "position": "floor position",
    "u": "U position", "bay": "bay", "parent": "place", "part": "part", "overrides": "overrides",
    "protocol": "protocol", "medium": "medium", "length_m": "length", "count": "link count",
    "description": "description", "rules": "rule settings", "floor": "floor plan", "waivers": "waivers",
    "metadata": "metadata",
}


def field_label(field: str) -> str:
    return FIELDS.get(field, field.replace("_", " "))


def value_text(field: str, value: object) -> str | None:
    """How a value reads in a label, or None when it does not read well there (dicts, positions)."""
    if value is None:
        return "none"
    if field == "position" and hasattr(value, "x_mm"):
        turn = f", {value.rotation_deg:g}°" if value.rotation_deg else ""
        return f"x {value.x_mm / 1000:g} m, y {value.y_mm / 1000:g} m{turn}"
    if isinstance(value, bool) or isinstance(value, (dict, list)) or hasattr(value, "model_dump"):
        return None
    if isinstance(value, (int, float)):
        if field.endswith("_w"):
            return fmt_power(float(value))
        if field.endswith("_m"):
            return f"{value:g} m"
        if field == "u":
            return f"U{value:g}"
        return f"{value:,.10g}"
    text = str(value)
    return text.upper() if field == "power_redundancy" else f"“{text}”" if field == "name" else text


def set_label(item_name: str, fields: dict[str, object]) -> str:
    """'Set power budget of NVL72 to 150.0 kW'; several fields: 'Set name, U position of CT01'."""
    if len(fields) == 1:
        (field, value), = fields.items()
        if field == "name":
            return f"Rename {item_name} to {value}"
        text = value_text(field, value)
        if text is not None:
            return f"Set {field_label(field)} of {item_name} to {text}"
    return f"Set {', '.join(field_label(f) for f in fields)} of {item_name}"
