"""Validation engine: one module per budget (ports, power, cooling, bandwidth, geometry, reach, domain,
catalog), one small Rule class per check, an explicit registry (RULES) and validate() -> Report.

    report = rackcad.rules.validate(design)
    report.ok, report.errors, report.warnings, report.to_dict()
"""

from rackcad.rules.engine import RULES, validate
from rackcad.rules.report import Report
from rackcad.rules.violation import Violation

__all__ = ["RULES", "Report", "Violation", "validate"]
