"""NetBox's interface-type vocabulary against RackCAD's port protocols, rates and media, both ways.

NetBox (and the community devicetype-library's JSON schema) names an interface type by rate and form
factor (`400gbase-x-osfp`, `1000base-t`, `infiniband-ndr`); RackCAD stores a protocol, a per-direction
rate in Gb/s and a medium. Scale-up and chip-level links (NVLink, NVLink-C2C, UCIe, PCIe, CXL) have no
NetBox type: they are exported as `other` with a description that names the protocol and rate in a fixed
form (`RackCAD nvlink5 400 Gb/s`), which the importer reads back, so a round trip keeps them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rackcad.layout.style import protocol_label

INFINIBAND_GBPS = {"sdr": 10, "ddr": 20, "qdr": 40, "fdr10": 40, "fdr": 56, "edr": 100, "hdr": 200,
                   "ndr": 400, "xdr": 800}
"""4x port rates of each InfiniBand generation, Gb/s per direction."""

SKIPPED_FAMILIES = ("virtual", "bridge", "lag", "ieee802", "other-wireless", "gsm", "cdma", "lte", "4g", "5g",
                    "sonet", "t1", "e1", "t3", "e3", "xdsl", "docsis", "bpon", "epon", "10g-epon", "gpon",
                    "xg-pon", "xgs-pon", "ng-pon2", "25g-pon", "50g-pon", "cisco-", "juniper-", "extreme-")
"""Interface types that are not a physical data-centre port (logical, wireless, WAN, PON, stacking)."""

PLUGGABLE_FORMS = ("sfp", "sfpp", "sfp28", "sfp56", "sfpdd", "dsfp", "qsfpp", "qsfp28", "qsfp56", "qsfp112",
                   "qsfpdd", "osfp", "osfp-rhs", "cfp", "cfp2", "cfp4", "cfp8", "cxp", "cpak", "cdfp", "xfp",
                   "xenpak", "x2", "gbic")

_ETHERNET = re.compile(r"^(?P<rate>\d+(?:\.\d+)?)(?P<unit>[gt]?)base-(?P<phy>[a-z0-9]+)(?:-(?P<form>[a-z0-9-]+))?$")
_FC = re.compile(r"^(?P<rate>\d+)gfc-")
_DESCRIPTION = re.compile(r"RackCAD (?P<protocol>[a-z0-9.-]+) (?P<gbps>\d+(?:\.\d+)?) Gb/s(?:, (?P<medium>[a-z-]+))?")


def slugify(text: str) -> str:
    """NetBox's slug form: lower case, runs of other characters as one dash (`Nvidia QM9700` -> `nvidia-qm9700`)."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


@dataclass(frozen=True)
class PortType:
    """What one NetBox interface type means to RackCAD."""

    protocol: str
    gbps: float
    medium: str | None
    guessed: bool = False
    note: str = ""


def parse_interface_type(type_: str, description: str = "") -> PortType | None:
    """RackCAD's reading of a NetBox interface type; None for a type that is not a data-centre port."""
    type_ = (type_ or "").strip().lower()
    marked = _DESCRIPTION.search(description or "")
    if marked:  # written by RackCAD's exporter: the description is exact
        return PortType(marked["protocol"], float(marked["gbps"]), marked["medium"])
    if type_.startswith("infiniband-"):
        generation = type_.removeprefix("infiniband-")
        if generation in INFINIBAND_GBPS:
            return PortType("infiniband", INFINIBAND_GBPS[generation], "pluggable-optic")
        return None
    match = _ETHERNET.match(type_)
    if match:
        # `1000base-t` counts Mb/s, `400gbase-...` Gb/s, `1.6tbase-...` Tb/s
        rate = float(match["rate"]) * {"": 0.001, "g": 1.0, "t": 1000.0}[match["unit"]]
        phy, form = match["phy"], match["form"] or ""
        if phy in ("t", "tx", "t1", "cx4"):
            medium = "copper-cable"
        elif phy.startswith("k"):
            medium = "backplane-copper"
        elif form in PLUGGABLE_FORMS or phy in ("x", "fx", "lfx"):
            medium = "pluggable-optic"
        else:
            medium = None
        return PortType("ethernet", rate, medium)
    match = _FC.match(type_)
    if match:
        return PortType("fibre-channel", float(match["rate"]), "pluggable-optic", guessed=True,
                        note="Fibre Channel rate taken as its name (e.g. 32GFC as 32 Gb/s)")
    if type_.startswith(SKIPPED_FAMILIES) or type_ in ("virtual", "bridge", "lag"):
        return None
    if type_ == "other":
        nvlink = re.search(r"nvlink[ -]?(\d)", (description or "").lower())
        if nvlink:
            return PortType(f"nvlink{nvlink[1]}", 0.0, "backplane-copper", guessed=True,
                            note="NVLink generation from the description, rate unknown")
    return None


_ETHERNET_TYPES = {1: "1000base-t", 10: "10gbase-x-sfpp", 25: "25gbase-x-sfp28", 40: "40gbase-x-qsfpp",
                   50: "50gbase-x-sfp56", 100: "100gbase-x-qsfp28", 200: "200gbase-x-qsfp56",
                   400: "400gbase-x-osfp", 800: "800gbase-x-osfp"}
_COPPER_ETHERNET = {1: "1000base-t", 10: "10gbase-t", 2.5: "2.5gbase-t", 5: "5gbase-t"}
_INFINIBAND_TYPES = {gbps: f"infiniband-{gen}" for gen, gbps in INFINIBAND_GBPS.items() if gen != "fdr10"}

def interface_type(protocol: str, gbps: float, medium: str | None) -> tuple[str, str]:
    """The NetBox interface type for a RackCAD port, and the description that says exactly what it is.

    Ethernet and InfiniBand ports get their NetBox type (a rate NetBox has no type for becomes `other`);
    everything else (NVLink, C2C, UCIe, PCIe, CXL...) is `other`, described as
    `NVLink 5, 400 Gb/s per direction (RackCAD nvlink5 400 Gb/s, backplane-copper)`.
    """
    rate = int(gbps) if float(gbps).is_integer() else gbps
    exact = f"RackCAD {protocol} {rate:g} Gb/s" + (f", {medium}" if medium else "")
    description = f"{protocol_label(protocol)}, {rate:g} Gb/s per direction ({exact})"
    if protocol == "ethernet":
        table = _COPPER_ETHERNET if medium == "copper-cable" and gbps <= 10 else _ETHERNET_TYPES
        if rate in table:
            return table[rate], description
    if protocol == "infiniband" and rate in _INFINIBAND_TYPES:
        return _INFINIBAND_TYPES[rate], description
    return "other", description


CABLE_TYPES = {"dac": "dac-passive", "active-copper": "dac-active", "optics": "smf", "cpo-fiber": "smf"}
"""NetBox cable type per cable-schedule class; backplane spine and on-board links have none."""
