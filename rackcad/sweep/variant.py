"""One unit of sweep work, run in a worker: build one design from its template and read its figures under
every analysis setting it was given.

What travels to a worker is a `Job`: the template name, its parameters and the analysis settings, plain
data that pickles in a few hundred bytes; the design is built where it is evaluated and never shipped.
Every figure is read off its owner: `rackcad.summary` (counts, power, links, optics, fabrics, facility),
`rackcad.validate` (errors, warnings), `analysis.energy.site_fit` (what a site feeds) and
`analysis.serving` (tokens/s per user, per GPU, per MW, TTFT), all over one Figures of the design (a
design of instances is summarised and checked per block, and expanded only for serving).
"""

from __future__ import annotations

from dataclasses import dataclass

from rackcad._version import package_version

FIGURES = (
    "racks", "accelerators", "gpu_dies", "nvlink_domain", "switch_chips", "network_switches", "leaf_switches",
    "spine_switches", "core_switches", "links", "scale_up_links", "it_power_w", "pue", "facility_power_w",
    "optics_power_w", "transceivers", "cpo_ports", "lasers", "optics_pj_per_bit", "nvlink_bisection_gbps",
    "alltoall_gbps_per_gpu", "scale_out_tiers", "scale_out_bisection_gbps", "scale_out_oversubscription", "errors",
    "warnings", "check_codes",
)
"""Figures of every variant, in table order."""
SITE_FIGURES = ("sus_that_fit", "site_headroom_w")
"""With a `site_mw` setting."""
SERVING_FIGURES = ("tokens_per_s_per_user", "tokens_per_s_per_gpu", "tokens_per_s_per_mw", "ttft_s",
                   "max_tokens_per_s_per_user", "layout", "serving_note")
"""With a `model` setting: the frontier point at the `target` interactivity, and the frontier's reach."""


@dataclass(frozen=True)
class Job:
    """What a worker needs: rows `first`, `first + 1`, ... are `params` of `template` under each of `analyses`."""

    first: int
    template: str
    params: dict
    analyses: list[dict]


@dataclass(frozen=True)
class Done:
    """A worker's answer: one figures dict per analysis, and the package version that computed them."""

    first: int
    rows: list[dict]
    version: str


def run(job: Job) -> Done:
    """Evaluate one job (the function every backend calls in its workers)."""
    return Done(job.first, evaluate(job.template, job.params, job.analyses), package_version())


def evaluate(template: str, params: dict, analyses: list[dict]) -> list[dict]:
    """The figures of `template` built with `params`, once per analysis settings dict in `analyses`.

    A design the template cannot build (a fabric the switch radix cannot reach) gives rows with only a
    `failure` line, so one bad corner of the grid never stops the sweep.
    """
    from rackcad.analysis import summary
    from rackcad.document import EditError
    from rackcad.figures import Figures
    from rackcad.memory import without_cyclic_gc
    from rackcad.rules import validate
    from rackcad.templates import TemplateError, build

    try:
        design = build(template, **params)
    except (TemplateError, EditError) as exc:
        return [{"failure": str(exc)} for _ in analyses]
    with without_cyclic_gc():
        # a design of instances (a hall of one rack placed N times) is summarised and checked per block;
        # one without shares a single Figures between summary, checks and serving
        figures = None if design.instances else Figures(design)
        info = summary(design, index=figures)
        report = validate(design, index=figures)
        base = _figures(info, report)
        served: dict[tuple, object] = {}
        rows = []
        for settings in analyses:
            row = dict(base)
            if settings.get("site_mw") is not None:
                row.update(_site(info, settings["site_mw"]))
            if settings.get("model") is not None:
                key = tuple(settings[k] for k in ("model", "precision", "isl", "osl"))
                if key not in served:
                    figures = figures or Figures(design)
                    served[key] = _serve(figures, *key)
                row.update(_serving(served[key], settings["target"]))
            rows.append(row)
    return rows


def _figures(info: dict, report) -> dict:
    counts = info["counts"]
    out = info["scale_out"]
    switches = out.get("switches", {})
    optics = info["optics"]
    facility = info["facility"]
    codes = sorted({v.code for v in report.errors + report.warnings})
    return {
        "racks": info["racks"],
        "accelerators": counts.get("gpu", 0) + counts.get("xpu", 0),
        "gpu_dies": info["gpu_dies"],
        "nvlink_domain": info["nvlink_domains"][0] if info["nvlink_domains"] else 0,
        "switch_chips": counts.get("switch", 0),
        "network_switches": counts.get("network-switch", 0) + counts.get("cpo-switch", 0),
        "leaf_switches": switches.get("leaf", 0),
        "spine_switches": switches.get("spine", 0),
        "core_switches": switches.get("core", 0),
        "links": info["links"],
        "scale_up_links": info["scale_up_links"],
        "it_power_w": facility["it_power_w"],
        "pue": facility["pue"],
        "facility_power_w": facility["facility_power_w"],
        "optics_power_w": info["optics_power_w"],
        "transceivers": info["transceivers"],
        "cpo_ports": optics["cpo_ports"],
        "lasers": optics["lasers"],
        "optics_pj_per_bit": optics["pj_per_bit"],
        "nvlink_bisection_gbps": info["bisection_gbps"],
        "alltoall_gbps_per_gpu": info["alltoall_gbps_per_gpu"],
        "scale_out_tiers": out["tiers"],
        "scale_out_bisection_gbps": out["bisection_gbps"],
        "scale_out_oversubscription": out["oversubscription"]["max"],
        "errors": len(report.errors),
        "warnings": len(report.warnings),
        "check_codes": " ".join(codes),
    }


def _site(info: dict, site_mw: float) -> dict:
    from rackcad.analysis.energy import site_fit

    facility = info["facility"]
    fit = site_fit(facility["facility_power_w"], facility.get("sus") or 1, site_mw * 1e6)
    return {"sus_that_fit": fit["sus_that_fit"], "site_headroom_w": fit["site_headroom_w"]}


def _serve(figures, model: str, precision: str, isl: int, osl: int):
    """The serving search reads every accelerator and link: it runs on the expanded design of `figures`."""
    from rackcad.analysis.serving import serving

    return serving(figures.design, model, precision, isl, osl, index=figures)


def _serving(result, target: float) -> dict:
    out = dict.fromkeys(SERVING_FIGURES)
    if not result.estimable or not result.frontier:
        out["serving_note"] = result.reason
        return out
    out["max_tokens_per_s_per_user"] = round(result.max_interactivity, 3)
    point = result.at(target)
    if point is None:
        out["serving_note"] = (f"out of reach: {target:g} tokens/s per user is above the "
                               f"{result.max_interactivity:,.1f} this design reaches")
        return out
    out.update(tokens_per_s_per_user=round(point.tokens_per_s_per_user, 3),
               tokens_per_s_per_gpu=round(point.tokens_per_s_per_gpu, 3),
               tokens_per_s_per_mw=round(point.tokens_per_s_per_mw, 3), ttft_s=round(point.ttft_s, 6),
               layout=point.layout.label())
    return out
