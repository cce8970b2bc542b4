"""Template: a named, parametric generator of designs, built through the Document."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from rackcad.catalog import Catalog
from rackcad.document import Document
from rackcad.model import Design
from rackcad.progress import Progress


class TemplateError(ValueError):
    """A bad template name or parameter."""


@dataclass(frozen=True)
class Param:
    default: int | str | bool
    help: str
    choices: tuple | None = None
    record_default: bool = True
    """False for a parameter added after designs of the template were saved: its default is not written
    into the design's metadata, so the template's default output stays what it was."""
    bounds: tuple[int, int] | None = None
    """For a whole-number parameter with too many values to list: the lowest and highest it takes."""


@dataclass(frozen=True)
class Template:
    name: str
    title: str
    description: str
    status: str  # "shipping" or "announced"
    builder: Callable[..., None]
    params: dict[str, Param] = field(default_factory=dict)

    def build(self, catalog: Catalog | None = None, progress: Progress | None = None, **params) -> Design:
        """The design the template builds with `params`; `progress` hears of each edit the builder makes
        (a count: the number of edits is not known beforehand)."""
        values = {key: p.default for key, p in self.params.items()}
        for key, value in params.items():
            values[key] = self.value(key, value)
        doc = Document(Design(name=self.title, description=self.description), catalog)
        doc.design.metadata.update({"template": self.name, "status": self.status})
        for key, value in values.items():
            param = self.params[key]
            if not param.record_default and (key not in params or value == param.default):
                continue
            doc.design.metadata[f"param.{key}"] = str(value)
        if progress is None:
            self.builder(doc, **values)
            return doc.design
        label = f"building {self.name}"
        edits = 0

        def heard(change) -> None:
            nonlocal edits
            edits += 1
            progress(edits, 0, label)

        progress(0, 0, label)
        doc.subscribe(heard)
        try:
            self.builder(doc, **values)
        finally:
            doc.unsubscribe(heard)
        return doc.design

    def value(self, key: str, value):
        """Parameter `key` as the template takes it: `value` (a CLI string or a typed value) turned into the
        parameter's type and checked against its choices; TemplateError for an unknown key or a bad value."""
        if key not in self.params:
            known = ", ".join(self.params) or "none"
            raise TemplateError(f"template {self.name} has no parameter {key!r} (parameters: {known})")
        param = self.params[key]
        value = coerce(key, value, param)
        if param.choices is not None and value not in param.choices:
            raise TemplateError(f"{key} must be one of {', '.join(map(str, param.choices))}, not {value!r}")
        if param.bounds is not None and not param.bounds[0] <= value <= param.bounds[1]:
            raise TemplateError(f"{key} must be {param.bounds[0]:,}-{param.bounds[1]:,}, not {value!r}")
        return value


def coerce(key: str, value, param: Param):
    """Turn a CLI string into the parameter's type."""
    kind = type(param.default)
    if isinstance(value, kind) and not (kind is int and isinstance(value, bool)):
        return value
    text = str(value).strip()
    try:
        if kind is bool:
            if text.lower() in ("1", "true", "yes", "on"):
                return True
            if text.lower() in ("0", "false", "no", "off"):
                return False
            raise ValueError
        return kind(text)
    except ValueError:
        raise TemplateError(f"{key} must be a {kind.__name__}, not {value!r}") from None
