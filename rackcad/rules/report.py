"""Report: every violation of one validation run, waived ones included, and its JSON form."""

from __future__ import annotations

from dataclasses import dataclass

from rackcad.rules.violation import SEVERITIES, Violation

REPORT_VERSION = 1
"""Version of the `to_dict()` layout (the JSON of `rackcad validate --format json`)."""


@dataclass(frozen=True)
class Report:
    """Violations most severe first. `errors`, `warnings` and `infos` leave out waived ones; `waived` has them."""

    violations: tuple[Violation, ...]

    def _active(self, severity: str) -> list[Violation]:
        return [v for v in self.violations if v.severity == severity and not v.waived]

    @property
    def errors(self) -> list[Violation]:
        return self._active("error")

    @property
    def warnings(self) -> list[Violation]:
        return self._active("warning")

    @property
    def infos(self) -> list[Violation]:
        return self._active("info")

    @property
    def waived(self) -> list[Violation]:
        return [v for v in self.violations if v.waived]

    @property
    def ok(self) -> bool:
        """No error left after waivers."""
        return not self.errors

    def codes(self, *severities: str) -> set[str]:
        """Codes of the violations not waived, of the given severities (all when none are given)."""
        wanted = severities or SEVERITIES
        return {v.code for v in self.violations if not v.waived and v.severity in wanted}

    def to_dict(self) -> dict:
        return {
            "version": REPORT_VERSION,
            "ok": self.ok,
            "counts": {
                "error": len(self.errors), "warning": len(self.warnings), "info": len(self.infos),
                "waived": len(self.waived),
            },
            "violations": [v.to_dict() for v in self.violations],
        }
