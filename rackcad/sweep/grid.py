"""The grid of a sweep: template parameters x analysis settings, checked before anything runs.

`--grid sus=1,2,4 optics=pluggable,cpo` names template parameters (checked, typed and limited to their
choices by the template itself, `Template.value`); `--analysis model=deepseek-r1 precision=fp4,fp8` names
analysis settings (`SETTINGS`). The variants are the cartesian product, axes in the order given, values in
the order given, the last axis changing fastest: the order every backend writes.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass

MAX_VARIANTS = 100_000
"""More variants than this is a typo (a stray value list), not a sweep: refused before anything runs."""


class SweepError(ValueError):
    """A bad grid, setting or objective: one clear line for the user."""


@dataclass(frozen=True)
class Setting:
    help: str
    parse: Callable[[str], object]
    default: object = None


def _model(text: str) -> str:
    from rackcad.catalog.models import default_models

    models = default_models()
    if text not in models:
        raise ValueError(f"unknown model {text!r}; choose one of: {', '.join(models.ids())}")
    return text


def _precision(text: str) -> str:
    from rackcad.analysis.serving import PRECISIONS

    if text not in PRECISIONS:
        raise ValueError(f"must be one of {', '.join(PRECISIONS)}, not {text!r}")
    return text


def _positive(kind: type, unit: str) -> Callable[[str], object]:
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise ValueError(f"{text!r} is not {'an integer' if kind is int else 'a number'} of {unit}") from None
        if not math.isfinite(value) or value <= 0:
            raise ValueError(f"must be a positive number of {unit}, not {text!r}")
        return value
    return parse


SETTINGS: dict[str, Setting] = {
    "model": Setting("model to serve (rackcad.analysis.serving); without one no serving figures", _model),
    "precision": Setting("fp4, fp8 or bf16", _precision, "fp4"),
    "isl": Setting("input (prompt) tokens per request", _positive(int, "tokens"), 1024),
    "osl": Setting("output tokens per request", _positive(int, "tokens"), 1024),
    "target": Setting("interactivity (tokens/s per user) the serving figures are read at: the best layout "
                      "that gives every user at least this rate", _positive(float, "tokens/s per user"), 50.0),
    "site_mw": Setting("site power budget in MW: how many scalable units of the variant it feeds",
                       _positive(float, "MW")),
}
SERVING_SETTINGS = ("precision", "isl", "osl", "target")
"""Settings that only mean something with a model."""


@dataclass(frozen=True)
class Grid:
    template: str
    params: list[tuple[str, list]]
    """Template parameter axes: (key, typed values), in the order given."""
    settings: list[tuple[str, list]]
    """Analysis setting axes, in the order given; the serving settings a model needs are filled in with
    their defaults when a model is swept."""

    @property
    def size(self) -> int:
        return math.prod(len(values) for _, values in self.params + self.settings)

    @property
    def serving(self) -> bool:
        return any(key == "model" for key, _ in self.settings)

    @property
    def site(self) -> bool:
        return any(key == "site_mw" for key, _ in self.settings)

    def designs(self) -> list[dict]:
        """Every combination of template parameters, in order (each is one design to build)."""
        keys = [key for key, _ in self.params]
        return [dict(zip(keys, combo)) for combo in itertools.product(*(values for _, values in self.params))]

    def analyses(self) -> list[dict]:
        """Every combination of analysis settings, in order (each is read off every design)."""
        keys = [key for key, _ in self.settings]
        return [dict(zip(keys, combo)) for combo in itertools.product(*(values for _, values in self.settings))]


def split_axis(item: str, option: str) -> tuple[str, list[str]]:
    """'sus=1,2,4' -> ('sus', ['1', '2', '4']); SweepError naming the option for anything else."""
    key, sep, values = item.partition("=")
    key = key.strip()
    if not sep or not key:
        raise SweepError(f"{option} {item!r}: expected KEY=VALUE[,VALUE...]")
    raw = [v.strip() for v in values.split(",")]
    if not values.strip() or any(not v for v in raw):
        raise SweepError(f"{option} {item!r}: empty value in the list")
    repeated = sorted({v for v in raw if raw.count(v) > 1})
    if repeated:
        raise SweepError(f"{option} {item!r}: {', '.join(repeated)} given twice")
    return key, raw


def _axis(item: str, option: str, seen: set[str], check: Callable[[str], None],
          parse: Callable[[str, str], object]) -> tuple[str, list]:
    """One axis: `check(key)` refuses a key that does not belong here, `parse(key, text)` types a value
    (both raise SweepError); a key given twice and a value given twice in another spelling are refused."""
    key, raw = split_axis(item, option)
    if key in seen:
        raise SweepError(f"{option} {key}: given twice (list every value in one KEY=V1,V2)")
    seen.add(key)
    check(key)
    typed: list = []
    for text in raw:
        value = parse(key, text)
        if value in typed:
            raise SweepError(f"{option} {item!r}: {text!r} is the same value as another in the list")
        typed.append(value)
    return key, typed


def grid(template: str, params: list[str], settings: list[str]) -> Grid:
    """The checked grid of `template` from `--grid` items and `--analysis` items (SweepError when bad)."""
    from rackcad.templates import TemplateError, get

    try:
        spec = get(template)
    except TemplateError as exc:
        raise SweepError(str(exc)) from None
    seen: set[str] = set()

    def template_param(item: str) -> tuple[str, list]:
        def check(key: str) -> None:
            if key in SETTINGS and key not in spec.params:
                raise SweepError(f"--grid {key}: {key} is an analysis setting; give it as --analysis {item}")

        def parse(key: str, text: str):
            try:
                return spec.value(key, text)
            except TemplateError as exc:
                raise SweepError(f"--grid {item!r}: {exc}") from None

        return _axis(item, "--grid", seen, check, parse)

    def setting(item: str) -> tuple[str, list]:
        def check(key: str) -> None:
            if key not in SETTINGS:
                hint = f"; {key} is a parameter of {template}: give it as --grid {item}" if key in spec.params else ""
                raise SweepError(f"--analysis {key}: unknown setting (settings: {', '.join(SETTINGS)}){hint}")

        def parse(key: str, text: str):
            try:
                return SETTINGS[key].parse(text)
            except ValueError as exc:
                raise SweepError(f"--analysis {item!r}: {key} {exc}") from None

        return _axis(item, "--analysis", seen, check, parse)

    param_axes = [template_param(item) for item in params]
    setting_axes = [setting(item) for item in settings]
    given = {key for key, _ in setting_axes}
    if "model" not in given:
        stray = [key for key in SERVING_SETTINGS if key in given]
        if stray:
            raise SweepError(f"--analysis {stray[0]}: a serving setting needs a model (--analysis model=ID)")
    else:
        setting_axes += [(key, [SETTINGS[key].default]) for key in SERVING_SETTINGS if key not in given]
    out = Grid(template, param_axes, setting_axes)
    if out.size > MAX_VARIANTS:
        raise SweepError(f"the grid has {out.size:,} variants, more than {MAX_VARIANTS:,}: sweep fewer values")
    return out
