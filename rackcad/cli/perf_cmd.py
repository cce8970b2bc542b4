"""`rackcad perf FILE --model M [--precision P] [--isl N] [--osl N] [--compare F ...] [--format json]`.

Prints the serving frontier (tokens/s per GPU and per MW against tokens/s per user, with TTFT) of each
design and the best layout at a few interactivity targets.
"""

from __future__ import annotations

import argparse

from rackcad.cli.common import EXIT_OK, CliError, load_design, print_json

TARGETS = (10, 25, 50, 75, 100, 125, 150, 200, 250)


def add_parsers(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("perf", help="serving frontier: TTFT, tokens/s per user, per GPU and per MW")
    p.add_argument("file", help="the .rackcad design")
    p.add_argument("--model", "-m", required=True, help="model id (deepseek-r1, llama-3.1-405b, ...)")
    p.add_argument("--precision", "-p", default="fp4", choices=("fp4", "fp8", "bf16"))
    p.add_argument("--isl", type=int, default=1024, help="input (prompt) tokens per request")
    p.add_argument("--osl", type=int, default=1024, help="output tokens per request")
    p.add_argument("--compare", nargs="+", default=[], metavar="OTHER", help="other designs to compare")
    p.add_argument("--target", type=float, action="append", metavar="TOK_S_USER",
                   help="interactivity target(s) in tokens/s per user (default: 10 to 250)")
    p.add_argument("--fabric", metavar="PROTOCOL",
                   help="what-if: the same GPUs on another scale-up fabric (see `rackcad interconnects`)")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(func=cmd_perf)

    p = sub.add_parser("interconnects", help="scale-up interconnects compared per GPU (for perf --fabric)")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(func=cmd_interconnects)


def cmd_interconnects(args) -> int:
    from rackcad.analysis.interconnects import compare_interconnects

    rows = compare_interconnects()
    if args.format == "json":
        print_json(rows)
        return EXIT_OK
    print(f"{'id':<16} {'name':<36} {'Gb/s/dir':>9} {'GB/s bidir':>10} {'links':>5}  {'domain':<14} source")
    for r in rows:
        domain = f"{r['domain']} ({r['topology']})"
        print(f"{r['id']:<16} {r['name'][:36]:<36} {r['gbps_per_gpu']:>9,.0f} {r['gbytes_per_gpu_bidir']:>10,.0f} "
              f"{r['links_per_gpu']:>5}  {domain:<14} {r['source']} ({r['confidence']})")
    return EXIT_OK


def cmd_perf(args) -> int:
    from rackcad.analysis.serving import serving
    from rackcad.catalog.models import default_models

    models = default_models()
    if args.model not in models:
        raise CliError(f"--model {args.model!r}: unknown model; choose one of: {', '.join(models.ids())}")
    if args.isl < 1 or args.osl < 1:
        raise CliError("--isl and --osl must be at least 1 token")
    targets = sorted(set(args.target)) if args.target else list(TARGETS)
    if any(t <= 0 for t in targets):
        raise CliError("--target must be a positive rate in tokens/s per user")
    results = []
    for path in [args.file, *args.compare]:
        design = load_design(path, expand=True)
        platform = None
        if args.fabric:
            from rackcad.analysis.interconnects import UnknownFabric, what_if_platform

            try:
                platform = what_if_platform(design, args.fabric)
            except UnknownFabric as exc:
                raise CliError(str(exc)) from None
        result = serving(design, models.get(args.model), args.precision, args.isl, args.osl, platform=platform)
        results.append((path, result))
    if args.format == "json":
        docs = [_json(path, result, targets) for path, result in results]
        out = dict(docs[0])
        if len(docs) > 1:
            out["compare"] = docs[1:]
        print_json(out)
    else:
        print("\n\n".join(_text(path, result, targets) for path, result in results))
    return EXIT_OK


def _json(path: str, result, targets: list[float]) -> dict:
    out = {"file": path, **result.to_dict()}
    out["targets"] = [{"tokens_per_s_per_user": t, "best": (p.to_dict() if (p := result.at(t)) else None)}
                      for t in targets]
    out["max_tokens_per_s_per_user"] = result.max_interactivity
    return out


def _text(path: str, result, targets: list[float]) -> str:
    lines = [f"{result.design} ({path}): {result.model}, {result.precision.upper()}, "
             f"{result.isl:,} in / {result.osl:,} out"]
    if not result.estimable or not result.frontier:
        lines.append(f"  {result.reason}")
        return "\n".join(lines)
    plat = result.platform
    lines.append(f"  {plat.accelerators} x {plat.accelerator}; {plat.fabric}; "
                 f"{plat.scale_out_gbps:,.0f} Gb/s scale-out per GPU; {plat.power_w / 1e3:,.1f} kW")
    lines.append(f"  reaches up to {result.max_interactivity:,.0f} tokens/s per user")
    header = f"  {'tok/s/user':>10} {'tok/s/GPU':>10} {'tok/s/MW':>12} {'TTFT':>8}  layout"
    lines.append("  best layout at each interactivity target:")
    lines.append(header)
    for t in targets:
        p = result.at(t)
        if p is None:
            lines.append(f"  {t:>10,.0f} {'out of reach':>10}")
            continue
        lines.append(f"  {t:>10,.0f} {p.tokens_per_s_per_gpu:>10,.0f} {p.tokens_per_s_per_mw:>12,.0f} "
                     f"{_seconds(p.ttft_s):>8}  {p.layout.label()}")
    lines.append("  frontier:")
    lines.append(header)
    step = max(1, len(result.frontier) // 12)
    shown = result.frontier[::step]
    if shown[-1] is not result.frontier[-1]:
        shown.append(result.frontier[-1])
    for p in shown:
        lines.append(f"  {p.tokens_per_s_per_user:>10,.1f} {p.tokens_per_s_per_gpu:>10,.0f} "
                     f"{p.tokens_per_s_per_mw:>12,.0f} {_seconds(p.ttft_s):>8}  {p.layout.label()}")
    lines.append("  tokens/s per GPU: input + output tokens over all prefill and decode GPUs; assumptions:")
    lines += [f"   - {a['text']} [{a['source']}]" for a in result.assumptions]
    return "\n".join(lines)


def _seconds(s: float) -> str:
    return f"{s * 1e3:,.0f} ms" if s < 1 else f"{s:,.2f} s"
