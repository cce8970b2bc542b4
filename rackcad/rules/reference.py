"""The rule reference: for every registered rule, what it checks, the figures it uses and how to fix what
it finds. The engine's registry gives code, severity and title; this module adds the rest, in one place
for Help > Rule Reference, the checks dock and docs/rules.md."""

from __future__ import annotations

from dataclasses import dataclass

from rackcad.rules.engine import RULES

NOTES: dict[str, tuple[str, str]] = {
    # code: (figures it uses, how to fix)
    "ports.dangling": ("each link's node ids, port group names and port indexes; the parts' port groups",
                       "Delete the link, or reconnect it to a port group the part has (Inspector > Links)."),
    "ports.overcommitted": ("port group `count` of the part; the sum of `count` over the links on that group",
                            "Lower link counts or spread links over more switch chips (Wire Each to Each spreads "
                            "evenly and never overcommits)."),
    "ports.protocol_mismatch": ("both ends' port protocols (NVLink generation, C2C, UCIe, Fusion chiplet, PCIe)",
                                "Connect ports of the same generation; custom XPUs join NVLink through their Fusion "
                                "chiplet port."),
    "ports.unconnected": ("accelerators' scale-up port groups (e.g. 18 NVLink 5 ports per Blackwell GPU) "
                          "against the links on them",
                          "Wire the free ports: Connect Ports and drag from a GPU to a switch chip, or Auto-wire "
                          "NVLink."),
    "power.rack_budget": ("the rack's power budget (W) and warning share (design rules); every part's maximum "
                          "power or its override, optics included",
                          "Raise the budget if the facility allows, move trays to another rack, or lower power "
                          "overrides (power-capped parts)."),
    "power.shelf_redundancy": ("power shelves' output (W) and the rack's redundancy (N+N, N+1); rack load",
                               "Add power shelves or relax the redundancy setting."),
    "cooling.liquid_capacity": ("rack liquid capacity (W); each part's liquid share of its heat",
                                "Raise the rack's liquid capacity (CDU/facility water), or move liquid-cooled "
                                "parts out."),
    "cooling.air_capacity": ("rack air capacity (W); heat not taken by liquid",
                             "Raise the air capacity, add liquid cooling, or move air-cooled parts out."),
    "cooling.flow": ("coolant L/min per kW (design rules); CDUs' rated flow; heat to liquid",
                     "Add or upsize CDUs, or lower the heat to liquid."),
    "cooling.cdu_capacity": ("CDUs' rated capacity (W); heat to liquid of the rack",
                             "Add a CDU or move liquid-cooled parts to another rack."),
    "bandwidth.scale_up": ("each accelerator's connected scale-up ports x Gb/s per port; the design's scale-up "
                           "target (Gb/s per direction)",
                           "Connect the missing ports or use faster parts; lower the target if it is a choice."),
    "bandwidth.oversubscription": ("switch chip ports down to accelerators and up to other switches; the "
                                   "maximum oversubscription (design rules)",
                                   "Add uplinks or switch chips, or accept a higher ratio in the design rules."),
    "geometry.overlap": ("U position and height (U) of every rack-mounted part",
                         "Move one of the parts (drag it, or type its U in the Inspector)."),
    "geometry.out_of_rack": ("rack height (U); the parts' U and height", "Move the part to a free U inside the rack."),
    "geometry.bay": ("the tray's bay groups (count, accepted kinds); each part's bay and kind",
                     "Move the part to a free bay of the right kind, or use a tray that takes it."),
    "geometry.orphan": ("each part's parent id", "Delete the part or place it in an existing rack or tray."),
    "geometry.floor_overlap": ("rack footprints (width x depth, rotation) on the floor plan",
                               "Move or rotate the racks on the floor plan (arrow keys nudge by one tile)."),
    "geometry.off_floor": ("hall width and depth; rack footprints", "Move the rack inside, or enlarge the hall "
                                                                    "(Inspector, nothing selected)."),
    "geometry.hot_aisle_front": ("the rows' direction and cold-aisle side; each rack's rotation (which way its front "
                                 "faces); the aisles between rows and their kind (hot, cold, mixed)",
                                 "Turn the rack 180° (Floor > Rotate twice) or snap it into its row slot again; "
                                 "set the row's cold aisle to the side its racks face."),
    "geometry.aisle_width": ("the gap between parallel rows; the minimum aisle width (design rules, default "
                             "1,200 mm: two floor tiles, an estimate of common practice)",
                             "Move a row away (Inspector, row origin) or accept a narrower aisle in the design "
                             "rules."),
    "geometry.row_slot": ("each rack's row and slot; the row's origin, direction, pitch, depth and slots; the "
                          "rack's footprint", "Snap the rack into a free slot (floor plan: drag it onto the row), "
                                              "or take it out of the row."),
    "geometry.tray_fill": ("each link's route through the trays (rackcad.figures.routing); the cables its record "
                           "needs and their catalog diameters (estimates); each tray's width x height and fill "
                           "limit (default 50%)",
                           "Add a parallel tray, widen or deepen the tray, or route some links another way."),
    "reach.copper": ("link length (set, or from rack positions and U) against the copper medium's reach",
                     "Shorten the run (move racks closer), or use an optical medium."),
    "reach.optic": ("link length (in the hall, and between buildings along the site's fibre routes) against "
                    "the reach of the transceivers the link gets (chosen by length, or named on the link) and "
                    "its ports' reach; between co-packaged ends, single-mode DR's 500 m",
                    "Shorten the run, or clear the link's transceiver (Inspector) so one of long enough reach "
                    "(FR4, LR4, ZR, ZR+) is chosen."),
    "latency.budget": ("the budget's from and to groups (their accelerators) and microseconds; per path the "
                       "switches' latency per hop (catalog `latency_ns`, mostly estimates, or a part's "
                       "`latency_ns` override), link lengths at 4.9 ns/m of fibre and 4.5 ns/m of copper, "
                       "and one packet's serialisation at the slowest link",
                       "Place the groups closer (one building, one NVLink domain), use fewer switch tiers or "
                       "faster switches, or relax the budget (Design > Latency Budgets)."),
    "geometry.unknown_hall": ("each rack's hall and the halls of the site's buildings",
                              "Add the hall to a building (Design > Site Plan) or move the rack to a hall the "
                              "site holds (Inspector > Hall)."),
    "domain.size": ("accelerator packages joined by NVLink (through switches) against the generation's "
                    "maximum domain size", "Split the domain: remove links between the groups or use fewer "
                                           "accelerators per domain."),
    "domain.mixed_generation": ("the NVLink generations of the parts in each domain",
                                "Keep one NVLink generation per domain; join generations over the scale-out "
                                "network instead."),
    "catalog.unknown_part": ("part ids against the catalog (built-in and user folders)",
                             "Install the user catalog that defines the part, or replace the part."),
    "catalog.wrong_kind": ("the part's kind (a rack part must be a rack)", "Replace the part with one of the "
                                                                           "right kind."),
    "ports.impossible_link": ("each link's protocol (UCIe and NVLink-C2C stay on one package or board) and the "
                              "tray or package each end sits in",
                              "Move both ends into the same tray (a Grace and its GPUs share a compute tray), or "
                              "join parts in different trays with NVLink or a network link."),
    "ports.rate_mismatch": ("both ends' per-port rates (Gb/s per direction) and the rates each port group can "
                            "run at (lane rates); the rate the link runs at",
                            "Use a switch port of the NIC's rate (or a NIC of the port's), or accept the slower "
                            "rate where the info note says a share of the port is idle. The idle-share notes of one "
                            "kind (same two parts, port groups and rates) are one note; waive it whole, or waive "
                            "single links (the link and its two ends): they leave the note, waived."),
    "ports.radix": ("the network switch's port groups (its radix) against the links on them",
                    "Spread the links over more switches (rebuild the fabric with more leaves) or use a switch "
                    "of higher radix."),
    "ports.cpo_medium": ("the port group's medium (cpo-fiber on co-packaged-optics switches) and the link's "
                         "medium and module",
                         "Set the link's medium to fibre (cpo-fiber); a CPO port takes no pluggable module."),
    "ports.breakout_unsupported": ("each link end's split (`split` ways, sub-port `sub`) against the port group's "
                                   "breakout ways in the catalog (SN5600: 2 or 4, F4; QM9700: 2, F2; "
                                   "Quantum-X800 and Q3450: 2, estimates)",
                                   "Land the end on a whole port, or on a split the port takes (Inspector > Links); "
                                   "use a switch whose ports split."),
    "ports.breakout_overfull": ("the ends pinned to one port index and their split: a k-way breakout has k legs, "
                                "one link each",
                                "Move the extra sub-links to another port (another index), or split the port "
                                "more ways if it can."),
    "ports.breakout_mixed": ("the splits (and so the rates) of every end pinned to one port index",
                             "Put the ends of each rate on ports of their own: one breakout cable per port."),
    "ports.rail": ("each NIC's index in its tray and the rail group of the leaf it lands on",
                   "Reconnect NIC k of every tray to a leaf of rail k (select them, then Edit > Wire NICs by Rail)."),
    "geometry.keepout": ("rack footprints (width x depth, rotation) against the hall's keep-out areas "
                         "(columns, ramps; from a building DXF)",
                         "Move or rotate the rack off the keep-out area on the floor plan."),
    "reach.copper_rate": ("the link's rate and lane rate against the catalog's copper cables of its medium "
                          "(no passive DAC at 200G-PAM4 lanes)",
                          "Use an active copper cable (ACC), an AOC or optics, or run the link at a lane rate "
                          "the cable carries."),
    "domain.host_missing": ("the accelerator's host requirement (GB200's Grace over NVLink-C2C, a PCIe host) "
                            "and the links that provide it",
                            "Place the host CPU in the tray and connect it (C2C or PCIe), or use an accelerator "
                            "that needs none."),
    "catalog.bad_file": ("every YAML file in the packaged and user catalog folders",
                         "Fix the file named in the message (the line and field are given) or remove it from the "
                         "user catalog folder; the rest of the catalog keeps working meanwhile."),
    "catalog.estimate": ("the confidence of each catalog figure a check used",
                         "Nothing to fix: treat results that rest on estimates as approximate; replace "
                         "estimates with sourced figures in a user catalog when you have them."),
}


@dataclass(frozen=True)
class RuleEntry:
    code: str
    severity: str
    title: str
    uses: str
    fix: str


def entries() -> list[RuleEntry]:
    """Every registered rule, in registry order."""
    out = []
    for rule in RULES:
        uses, fix = NOTES.get(rule.code, ("the figures named in its message", "See the violation's message."))
        out.append(RuleEntry(rule.code, rule.severity, rule.title, uses, fix))
    return out


def markdown() -> str:
    """The reference as Markdown (Help > Rule Reference and docs/rules.md)."""
    lines = ["# Rule reference", "",
             "Every check RackCAD runs while you edit. Severity is the default; a design may override it by "
             "code or family and waive single violations (Checks dock > Waive...).", ""]
    for entry in entries():
        lines += [f"## {entry.code}", "", f"**{entry.title}** (default severity: {entry.severity})", "",
                  f"- Figures used: {entry.uses}", f"- How to fix: {entry.fix}", ""]
    return "\n".join(lines)
