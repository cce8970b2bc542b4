"""`rackcad validate FILE [--format text|json] [--fail-on error|warning]`: run the rule engine on a file.

Exit codes: 0 nothing at or above --fail-on, 1 violations at or above it, 2 an unreadable file (main.py).
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from rackcad.cli.common import EXIT_OK, EXIT_VIOLATIONS, load_design, print_json, progress_bar

if TYPE_CHECKING:
    from rackcad.model import Design
    from rackcad.rules import Report, Violation
    from rackcad.topology import DesignIndex

SHOWN_SUBJECTS = 3
"""Subjects named per line; a violation over hundreds of parts names the first few and counts the rest."""

_HEADINGS = (("error", "Errors"), ("warning", "Warnings"), ("info", "Infos"))


def add_parsers(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("validate", help="check a design: ports, power, cooling, bandwidth, geometry, reach, domains")
    p.add_argument("file")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.add_argument("--fail-on", choices=["error", "warning"], default="error",
                   help="exit 1 when violations of this severity or worse remain (default: error)")
    p.set_defaults(func=cmd_validate)


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def _subjects(violation: Violation, index: DesignIndex | Names) -> str:
    if not violation.subjects:
        return ""
    names = [index.name(i) for i in violation.subjects[:SHOWN_SUBJECTS]]
    more = len(violation.subjects) - len(names)
    return f"  [{', '.join(names)}{f' and {more:,} more' if more else ''}]"


def _line(violation: Violation, index: DesignIndex | Names) -> str:
    waived = f"  (waived: {violation.waiver_reason})" if violation.waived else ""
    return f"  {violation.code:<26} {violation.message}{_subjects(violation, index)}{waived}"


def format_report(report: Report, index: DesignIndex | Names, path: str) -> str:
    """Text form: a count line, then errors, warnings, infos and waived violations, one line each."""
    counts = report.to_dict()["counts"]
    lines = [f"{path}: {_count(counts['error'], 'error')}, {_count(counts['warning'], 'warning')}, "
             f"{_count(counts['info'], 'info')}, {counts['waived']} waived"]
    groups = [(title, [v for v in report.violations if v.severity == sev and not v.waived])
              for sev, title in _HEADINGS]
    groups.append(("Waived", report.waived))
    for title, violations in groups:
        if violations:
            lines.append(f"{title}:")
            lines.extend(_line(v, index) for v in violations)
    return "\n".join(lines)


class Names:
    """`name(id)` of the items a report names, own or inside an instance, without expanding the design."""

    def __init__(self, design: Design):
        self.design = design
        self.own = {item.id: item.name for item in (*design.racks, *design.nodes, *design.links)}

    def name(self, item_id: str) -> str:
        from rackcad.model import find_item

        if item_id in self.own:
            return self.own[item_id] or item_id
        item = find_item(self.design, item_id)
        return (getattr(item, "name", "") or item_id) if item is not None else item_id


def cmd_validate(args) -> int:
    from rackcad.rules import validate

    with progress_bar() as bar:
        design = load_design(args.file, bar)
        report = validate(design, progress=bar)  # a hall of instances is checked per block
    index = Names(design)
    if args.format == "json":
        print_json({"file": args.file, **report.to_dict()})
    else:
        print(format_report(report, index, args.file))
    failing = report.errors + (report.warnings if args.fail_on == "warning" else [])
    return EXIT_VIOLATIONS if failing else EXIT_OK
