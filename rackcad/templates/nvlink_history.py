"""Templates of the NVLink generations before Blackwell: DGX-1 (hybrid cube mesh, no switch), DGX-2 (the
first NVSwitch) and HGX A100 (second-generation NVSwitch); HGX H100 is in `systems`.

Figures (sources in rackcad/assets/catalog/sources.yaml; the catalog notes mark what is estimated):
- DGX-1: 8 GPUs, P100 with 4 NVLink 1 links (160 GB/s, S10) or V100 with 6 NVLink 2 links (300 GB/s,
  S10). The exact hybrid-cube-mesh wiring is not in the sources (factory facts H: "not found"); we wire
  the usual description: two quads, each GPU linked to the three others of its quad and to its twin in the
  other quad; a V100's two further links double the links to one quad neighbour and to the twin.
- DGX-2: 16 V100 (S13), two baseboards of 8 GPUs and 6 first-generation NVSwitch chips (18 ports each; 12
  chips is the common figure, S13, unconfirmed). Each V100 has one link to each switch of its board; each
  switch joins its twin on the other board with 8 links (8 + 8 of its 18 ports).
- HGX A100: 8 A100 with 12 NVLink 3 links (600 GB/s, S10), 2 to each of 6 second-generation NVSwitch
  chips (6 chips: factory facts H, estimate).
"""

from __future__ import annotations

from rackcad.document import Document
from rackcad.templates.base import Param, Template
from rackcad.templates.systems import fill
from rackcad.templates.wiring import wire_domain

DGX1_GPUS = {"p100": ("p100-sxm2", "nvlink1"), "v100": ("v100-sxm2", "nvlink2")}


def _system(doc: Document, system: str, name: str, gpu: str, gpus: int, switch: str | None, switches: int,
            nic: str, nics: int) -> tuple[list[str], list[str]]:
    rack = doc.add_rack("rack-42u-air", name="R1")
    box = doc.place(system, rack, u=10, name=name)
    accs = fill(doc, box, gpu, gpus, "GPU")
    chips = fill(doc, box, switch, switches, "SW") if switch else []
    fill(doc, box, "x86-host-cpu", 2, "CPU")
    fill(doc, box, nic, nics, "NIC")
    return accs, chips


def hybrid_cube_mesh(links_per_gpu: int) -> dict[tuple[int, int], int]:
    """Links per GPU pair of the DGX-1 mesh (see module docstring): 4 links -> quads + twins; 6 -> doubled."""
    pairs: dict[tuple[int, int], int] = {}
    for i in range(8):
        for j in (i ^ 1, i ^ 2, i ^ 3, i ^ 4):
            if i < j:
                pairs[(i, j)] = 1
    if links_per_gpu >= 6:
        for i in range(8):
            for j in (i ^ 1, i ^ 4):
                if i < j:
                    pairs[(i, j)] = 2
    return pairs


def build_dgx1(doc: Document, gpu: str) -> None:
    part, protocol = DGX1_GPUS[gpu]
    accs, _ = _system(doc, "dgx-1", "DGX-1", part, 8, None, 0, "connectx-5", 4)
    links = doc.catalog.get(part).port("nvlink").count
    for (i, j), count in hybrid_cube_mesh(links).items():
        doc.connect(accs[i], accs[j], protocol=protocol, count=count, medium="pcb", port_a="nvlink", port_b="nvlink")


def build_dgx2(doc: Document) -> None:
    accs, chips = _system(doc, "dgx-2", "DGX-2", "v100-sxm2", 16, "nvswitch-gen1", 12, "connectx-5", 8)
    for board in range(2):
        wire_domain(doc, accs[board * 8:(board + 1) * 8], chips[board * 6:(board + 1) * 6], medium="pcb")
    for s in range(6):
        doc.connect(chips[s], chips[6 + s], protocol="nvlink2", count=8, medium="copper-cable",
                    port_a="nvlink", port_b="nvlink")


def build_hgx_a100(doc: Document) -> None:
    accs, chips = _system(doc, "dgx-a100", "DGX-A100", "a100-sxm4", 8, "nvswitch-gen2", 6, "connectx-6", 8)
    wire_domain(doc, accs, chips, medium="pcb")


TEMPLATES = [
    Template("dgx1-hybrid-cube-mesh", "DGX-1 hybrid cube mesh",
             "8 P100 (NVLink 1) or V100 (NVLink 2) wired directly in a hybrid cube mesh, no switch.",
             "shipping", build_dgx1, {"gpu": Param("v100", "p100 or v100", ("p100", "v100"))}),
    Template("dgx2-nvswitch", "DGX-2 (first NVSwitch)",
             "16 V100 on 12 first-generation NVSwitch chips over two baseboards joined switch to switch.",
             "shipping", build_dgx2),
    Template("hgx-a100-8gpu", "HGX A100 8-GPU",
             "DGX A100: 8 A100 on 6 second-generation NVSwitch chips (2 NVLink 3 links from each GPU to each).",
             "shipping", build_hgx_a100),
]
