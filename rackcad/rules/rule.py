"""Rule: the base of every check. One small subclass per check, listed in the engine's registry."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import ClassVar

from rackcad.model.design import Severity
from rackcad.rules.context import Context
from rackcad.rules.violation import Violation


class Rule:
    """A check with a stable `code`, a default `severity` and a one-line `title` (for docs and the GUI).

    `check(ctx)` yields Violations; it reads the shared Context and never changes the design.
    """

    code: ClassVar[str]
    severity: ClassVar[Severity] = "error"
    title: ClassVar[str]

    def check(self, ctx: Context) -> Iterator[Violation]:
        raise NotImplementedError

    def violation(
        self,
        message: str,
        subjects: Iterable[str],
        *,
        measured: float | None = None,
        limit: float | None = None,
        unit: str | None = None,
        severity: Severity | None = None,
    ) -> Violation:
        """A Violation of this rule. Messages often start with a label ('rack R1', 'switch chip S3'): a
        leading all-lower-case word is capitalised, a model name such as 'x86 server CPU' is left alone."""
        first = message.split(" ", 1)[0]
        return Violation(
            code=self.code,
            severity=severity or self.severity,
            message=message[:1].upper() + message[1:] if first.isalpha() and first.islower() else message,
            subjects=tuple(subjects),
            measured=measured,
            limit=limit,
            unit=unit,
        )
